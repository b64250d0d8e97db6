package simnet

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
)

// BenchmarkTreeCrawl crawls the simulated internet from the root of its
// delegation tree (crawl --iterative, the delegation of each domain
// checked, no rate limit, 256 domains at once; the resolver's queries
// through the shared UDP transport, then each from a socket of its own)
// and, in the same run,
// through its recursive-style server (crawl --resolver), with cold
// caches each time. BENCH_DOMAINS sets the size (default 5,000). Run:
//
//	BENCH_DOMAINS=50000 go test -run '^$' -bench TreeCrawl -benchtime 1x ./data/simnet/
func BenchmarkTreeCrawl(b *testing.B) {
	n := 5000
	if s := os.Getenv("BENCH_DOMAINS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("BENCH_DOMAINS=%q: want a positive number", s)
		}
		n = v
	}
	in, err := Generate(Config{Domains: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	crawl := func(b *testing.B, cfg dnscrawl.Config) int64 {
		c, err := dnscrawl.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		st, err := c.Crawl(ctx, func(yield func(dnscrawl.Target) bool) {
			for r := 1; r <= n; r++ {
				if !yield(dnscrawl.Target{Domain: in.Domain(r), Rank: r}) {
					return
				}
			}
		}, func(*dnscrawl.Observation) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		return st.Queries
	}
	for _, mode := range []struct {
		name         string
		portPerQuery bool
	}{{"iterative", false}, {"iterative-port-per-query", true}} {
		b.Run(mode.name, func(b *testing.B) {
			var secs float64
			var sent int64
			var roles map[string]uint64
			for b.Loop() {
				tree, err := ServeTree(ctx, in, TreeConfig{})
				if err != nil {
					b.Fatal(err)
				}
				r, err := iterative.New(iterative.Config{Roots: tree.Hints(), Port: tree.Port(), QPSPerServer: -1, Timeout: time.Second, PortPerQuery: mode.portPerQuery})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				crawl(b, dnscrawl.Config{Iterative: r, Concurrency: 256, DomainTimeout: 30 * time.Second})
				secs += time.Since(start).Seconds()
				sent += r.Sent()
				roles = map[string]uint64{}
				for _, q := range tree.Queries() {
					roles[q.Role] += q.Queries
				}
				r.Close()
				tree.Close()
			}
			loops := float64(b.N)
			b.ReportMetric(float64(n)*loops/secs, "domains/s")
			b.ReportMetric(float64(sent)/loops/float64(n), "queries/domain")
			b.ReportMetric(float64(roles["root"]), "root-queries/run")
			b.ReportMetric(float64(roles["tld"])/float64(n), "tld-queries/domain")
			b.ReportMetric(float64(roles["auth"])/float64(n), "auth-queries/domain")
		})
	}
	b.Run("recursive", func(b *testing.B) {
		var secs float64
		var sent int64
		for b.Loop() {
			srv, err := Serve(ctx, in, "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			sent += crawl(b, dnscrawl.Config{Resolvers: []string{srv.Addr()}, Concurrency: 256, Timeout: time.Second})
			secs += time.Since(start).Seconds()
			srv.Close()
		}
		b.ReportMetric(float64(n)*float64(b.N)/secs, "domains/s")
		b.ReportMetric(float64(sent)/float64(b.N)/float64(n), "queries/domain")
	})
}
