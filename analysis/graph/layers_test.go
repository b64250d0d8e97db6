package graph

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// caTLDGraph is a list worked out by hand for the ca and tld layers:
//
//	a.com    dns cloudflare, cdn cloudflare, ca letsencrypt (alone: critical), tld verisign/com
//	b.com    dns route53, hosting ec2, ca letsencrypt and digicert (apex and www differ: not critical), tld verisign/com
//	c.org    dns route53, hosting ec2, ca digicert (critical), tld pir/org
//	d.net    dns self, hosting self, ca letsencrypt (critical), tld verisign/net, mail google
//
// letsencrypt's OCSP host is on akamai's CDN (a cert-host edge from the
// crawl), and its zone's DNS on akamai's DNS.
func caTLDGraph() *Graph {
	results := []classify.Result{
		dom("a.com", 1, []string{"dns=cloudflare/dns", "cdn=cloudflare/cdn", "ca=letsencrypt/ca", "tld=verisign/com"}),
		dom("b.com", 2, []string{"dns=amazon/route53", "hosting=amazon/ec2", "ca=letsencrypt/ca", "ca=digicert/ca", "tld=verisign/com"}),
		dom("c.org", 3, []string{"dns=amazon/route53", "hosting=amazon/ec2", "ca=digicert/ca", "tld=pir/org"}),
		dom("d.net", 4, []string{"dns=self", "hosting=self", "ca=letsencrypt/ca", "tld=verisign/net", "email=google/workspace"}),
	}
	edges := []ProviderEdge{
		{From: "letsencrypt/ca", To: "akamai/cdn", Layer: catalog.LayerCDN, Source: SourceCertHost, Evidence: "r3.o.lencr.org"},
		{From: "letsencrypt/ca", To: "akamai/dns", Layer: catalog.LayerDNS, Source: SourceCertHost, Evidence: "lencr.org"},
	}
	return Build(results, nil, edges)
}

func TestFailCATLD(t *testing.T) {
	t.Parallel()
	g := caTLDGraph()
	type row struct {
		Domain string
		Direct bool
		Layers []catalog.Layer
		Chain  []string
	}
	ca, tld := catalog.LayerCA, catalog.LayerTLD
	tests := []struct {
		name     string
		scenario []string
		rows     []row
	}{
		{
			// Every domain under .com and .net; c.org is with PIR.
			name: "registry", scenario: []string{"verisign"},
			rows: []row{
				{"a.com", true, []catalog.Layer{tld}, []string{"a.com", "verisign"}},
				{"b.com", true, []catalog.Layer{tld}, nil},
				{"d.net", true, []catalog.Layer{tld}, nil},
			},
		},
		{
			// One TLD of the registry: only the domains under it.
			name: "one tld", scenario: []string{"verisign/net"},
			rows: []row{{"d.net", true, []catalog.Layer{tld}, []string{"d.net", "verisign/net"}}},
		},
		{
			// a.com and d.net depend on it alone; b.com has a second CA.
			name: "ca", scenario: []string{"letsencrypt"},
			rows: []row{
				{"a.com", true, []catalog.Layer{ca}, []string{"a.com", "letsencrypt"}},
				{"d.net", true, []catalog.Layer{ca}, []string{"d.net", "letsencrypt"}},
			},
		},
		{
			// Akamai serves no site here, but the CA's OCSP host: the
			// sites critically on the CA go down through it.
			name: "ca upstream", scenario: []string{"akamai/cdn"},
			rows: []row{
				{"a.com", false, []catalog.Layer{ca}, []string{"a.com", "letsencrypt/ca", "akamai/cdn"}},
				{"d.net", false, []catalog.Layer{ca}, []string{"d.net", "letsencrypt/ca", "akamai/cdn"}},
			},
		},
		{
			// Both CAs: b.com, not critically dependent on a CA, stays
			// up (a failed CA downs only the sites that need its OCSP).
			name: "both cas", scenario: []string{"letsencrypt", "digicert"},
			rows: []row{
				{"a.com", true, []catalog.Layer{ca}, nil},
				{"c.org", true, []catalog.Layer{ca}, nil},
				{"d.net", true, []catalog.Layer{ca}, nil},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := g.Fail(els(t, tt.scenario...), true)
			var got []row
			for _, r := range o.Rows {
				if !r.Down {
					continue
				}
				got = append(got, row{r.Domain, r.Direct, r.Layers, r.Chain})
			}
			want := tt.rows
			// Chains are compared where the case gives one.
			for i := range got {
				if i < len(want) && want[i].Chain == nil {
					got[i].Chain = nil
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if o.Failed != len(tt.rows) || o.Direct+o.Transitive != o.Failed {
				t.Errorf("failed %d (direct %d, transitive %d), want %d", o.Failed, o.Direct, o.Transitive, len(tt.rows))
			}
		})
	}
}

// TestSinglePointsLeaveOutRegistryAndCA checks that a registry or a CA
// alone does not make a single point of failure, while a serving provider
// still does.
func TestSinglePointsLeaveOutRegistryAndCA(t *testing.T) {
	t.Parallel()
	g := caTLDGraph()
	var got []string
	for _, s := range g.SinglePoints() {
		for _, p := range s.Providers {
			got = append(got, s.Domain+":"+p)
		}
	}
	want := []string{"a.com:cloudflare", "b.com:amazon", "c.org:amazon"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("single points (-want +got):\n%s", diff)
	}
	// The blast radius still counts them, apart from the serving layers.
	for _, b := range g.BlastRadii(1) {
		if b.Element.Kind != KindProvider {
			continue
		}
		switch b.Element.Company {
		case "verisign":
			if b.Domains != 3 || b.TLDDomains != 3 || b.ServingDomains != 0 {
				t.Errorf("verisign blast %+v, want 3 domains, all through tld", b)
			}
		case "letsencrypt":
			if b.Domains != 2 || b.CADomains != 2 || b.ServingDomains != 0 {
				t.Errorf("letsencrypt blast %+v, want 2 domains, all through ca", b)
			}
		case "amazon":
			if b.Domains != 2 || b.ServingDomains != 2 || b.CADomains != 0 {
				t.Errorf("amazon blast %+v, want 2 domains through serving layers", b)
			}
		}
	}
}

// TestCoDependencyLeavesOutCATLD: the CA and the registry pair with every
// domain; pairs come from the serving layers and e-mail only.
func TestCoDependencyLeavesOutCATLD(t *testing.T) {
	t.Parallel()
	for _, p := range caTLDGraph().CoDependency(-1) {
		for _, c := range []string{p.A, p.B} {
			if c == "letsencrypt" || c == "digicert" || c == "verisign" || c == "pir" {
				t.Errorf("pair %s/%s includes a CA or registry", p.A, p.B)
			}
		}
	}
}

func TestResolveCATLD(t *testing.T) {
	t.Parallel()
	r := NewResolver(caTLDGraph(), nil, nil)
	for _, in := range []string{"verisign", "letsencrypt", "verisign/com", "akamai"} {
		tg, err := r.Resolve(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if tg.Note != "" {
			t.Errorf("%s: note %q, want none (the list depends on it)", in, tg.Note)
		}
	}
	if _, err := r.Resolve("verisgn"); err == nil {
		t.Error("verisgn resolved, want an error with a suggestion")
	} else if te, ok := err.(*TargetError); !ok || !slices.Contains(te.Suggestions, "verisign") {
		t.Errorf("verisgn: %v, want a suggestion of verisign", err)
	}
}

func TestCertHostFinder(t *testing.T) {
	t.Parallel()
	f := NewCertHostFinder()
	f.Add("b.com", []CertHost{{From: "letsencrypt/ca", To: "akamai/cdn", Layer: catalog.LayerCDN, Host: "r3.o.lencr.org", Evidence: "CNAME o.lencr.edgesuite.net"}})
	f.Add("a.com", []CertHost{
		{From: "letsencrypt/ca", To: "akamai/cdn", Layer: catalog.LayerCDN, Host: "r3.o.lencr.org", Evidence: "CNAME o.lencr.edgesuite.net"},
		{From: "letsencrypt/ca", To: "letsencrypt/ca", Layer: catalog.LayerDNS, Host: "lencr.org"}, // itself: left out
	})
	want := []ProviderEdge{{From: "letsencrypt/ca", To: "akamai/cdn", Layer: catalog.LayerCDN, Source: SourceCertHost,
		Evidence: "r3.o.lencr.org: CNAME o.lencr.edgesuite.net (seen via a.com)", Domains: 2}}
	if diff := cmp.Diff(want, f.Edges()); diff != "" {
		t.Errorf("edges (-want +got):\n%s", diff)
	}
}
