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
	run := func(b *testing.B, cfg func() (dnscrawl.Config, func())) {
		var queries int64
		for b.Loop() {
			c, stop := cfg()
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
			stop()
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "domains/s")
		b.ReportMetric(float64(queries)/float64(n*b.N), "queries/domain")
	}
	b.Run("iterative", func(b *testing.B) {
		run(b, func() (dnscrawl.Config, func()) {
			return dnscrawl.Config{Iterative: newR(), Concurrency: 32}, func() {}
		})
	})
	b.Run("iterative-no-qname-min", func(b *testing.B) {
		run(b, func() (dnscrawl.Config, func()) {
			r, err := iterative.New(iterative.Config{Roots: tree.Hints, Port: tree.Port, QPSPerServer: -1, Timeout: time.Second, NoQNameMin: true})
			if err != nil {
				b.Fatal(err)
			}
			return dnscrawl.Config{Iterative: r, Concurrency: 32}, func() {}
		})
	})
	b.Run("recursive", func(b *testing.B) {
		run(b, func() (dnscrawl.Config, func()) {
			addr, stop, err := dnsserver.Serve(lab.Recursive{R: newR()})
			if err != nil {
				b.Fatal(err)
			}
			return dnscrawl.Config{Resolvers: []string{addr}, Concurrency: 32}, stop
		})
	})
}
