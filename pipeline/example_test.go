package pipeline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/pipeline"
)

// Run analyses a crawl as "chokepoint analyze" does, from a Go program:
// here four domains, three with Cloudflare's name servers and one with
// Amazon Route 53's, none with a second DNS provider.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "chokepoint-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	obs := filepath.Join(dir, "observations.jsonl")
	f, err := os.Create(obs)
	if err != nil {
		fmt.Println(err)
		return
	}
	enc := dnscrawl.NewEncoder(f)
	for i, ns := range []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com", "ada.ns.cloudflare.com", "ns-12.awsdns-01.com"} {
		d := fmt.Sprintf("shop%d.example", i+1)
		enc.Encode(&dnscrawl.Observation{
			Domain: d, Rank: i + 1, Status: dnscrawl.StatusOK,
			NS:       []dnscrawl.NSHost{{Name: ns}},
			Apex:     dnscrawl.Host{Name: d, Status: dnscrawl.StatusNoData},
			WWW:      dnscrawl.Host{Name: "www." + d, Status: dnscrawl.StatusNXDomain},
			MXStatus: dnscrawl.StatusNoData,
		})
	}
	if err := enc.Flush(); err != nil {
		fmt.Println(err)
		return
	}
	f.Close()

	sum, err := pipeline.Run(context.Background(), pipeline.Options{
		Inputs: []string{obs},
		Out:    filepath.Join(dir, "report"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	dns, _ := sum.Metrics.Layer(catalog.LayerDNS)
	fmt.Printf("engine %s: %d domains\n", sum.Engine, sum.Domains)
	// HHI = (3/4)² + (1/4)² in percent points squared: 5,625 + 625.
	fmt.Printf("DNS: %d providers, HHI %.0f, critical rate %.2f\n", dns.Providers, dns.HHI, dns.CriticalRate)
	_, err = os.Stat(filepath.Join(dir, "report", "report.html"))
	fmt.Println("report.html written:", err == nil)
	// Output:
	// engine go: 4 domains
	// DNS: 2 providers, HHI 6250, critical rate 1.00
	// report.html written: true
}
