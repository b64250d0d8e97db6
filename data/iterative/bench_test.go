package iterative_test

import (
	"context"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/iterative/lab"
)

// BenchmarkCrawl crawls the same domains of one loopback tree from the
// root down (iterative, the delegation of each checked) and through a
// recursive resolver on loopback that itself resolves iteratively
// (recursive: the crawl's --resolver mode). Each iteration starts with
// cold caches. Run: go test -run XXX -bench Crawl ./data/iterative/
func BenchmarkCrawl(b *testing.B) {
	const n = 300
	var domains []string
	spec := treeSpec()
	domains = manyDomains(&spec, n)
	tree, err := lab.Start(context.Background(), spec)
	if err != nil {
		b.Fatal(err)
	}
	defer tree.Close()
	newR := func() *iterative.Resolver {
		r, err := iterative.New(iterative.Config{Roots: tree.Hints, Port: tree.Port, QPSPerServer: -1, Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	// queries/domain counts the packets the crawl sent (to authoritative
	// servers, or to the recursive resolver); auth-packets/domain those
	// that reached authoritative servers in both modes.
	run := func(b *testing.B, cfg func() (dnscrawl.Config, *iterative.Resolver, func())) {
		var queries, auth int64
		for b.Loop() {
			c, r, stop := cfg()
			cr, err := dnscrawl.New(c)
			if err != nil {
				b.Fatal(err)
			}
			st, err := cr.Crawl(context.Background(), func(yield func(dnscrawl.Target) bool) {
				for _, d := range domains {
					if !yield(dnscrawl.Target{Domain: d}) {
						return
					}
				}
			}, func(o *dnscrawl.Observation) error {
				if o.Status != dnscrawl.StatusOK {
					b.Fatalf("%s: %s %s", o.Domain, o.Status, o.Error)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			queries += st.Queries
			auth += r.Sent()
			stop()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "domains/s")
		b.ReportMetric(float64(queries)/float64(n*b.N), "queries/domain")
		b.ReportMetric(float64(auth)/float64(n*b.N), "auth-packets/domain")
	}
	b.Run("iterative", func(b *testing.B) {
		run(b, func() (dnscrawl.Config, *iterative.Resolver, func()) {
			r := newR()
			return dnscrawl.Config{Iterative: r, Concurrency: 32}, r, r.Close
		})
	})
	b.Run("iterative-no-qname-min", func(b *testing.B) {
		run(b, func() (dnscrawl.Config, *iterative.Resolver, func()) {
			r, err := iterative.New(iterative.Config{Roots: tree.Hints, Port: tree.Port, QPSPerServer: -1, Timeout: time.Second, NoQNameMin: true})
			if err != nil {
				b.Fatal(err)
			}
			return dnscrawl.Config{Iterative: r, Concurrency: 32}, r, r.Close
		})
	})
	b.Run("recursive", func(b *testing.B) {
		run(b, func() (dnscrawl.Config, *iterative.Resolver, func()) {
			r := newR()
			addr, stop, err := dnsserver.Serve(lab.Recursive{R: r})
			if err != nil {
				b.Fatal(err)
			}
			return dnscrawl.Config{Resolvers: []string{addr}, Concurrency: 32}, r, func() { stop(); r.Close() }
		})
	})
}
