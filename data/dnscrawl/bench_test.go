package dnscrawl_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// benchDomains is the population size of the crawl benchmarks:
// BENCH_DOMAINS, or 10,000 (make bench sets 100,000).
func benchDomains(b *testing.B) int {
	b.Helper()
	if s := os.Getenv("BENCH_DOMAINS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("BENCH_DOMAINS=%q is not a positive number", s)
		}
		return n
	}
	return 10_000
}

func serveSimnet(b *testing.B, n int) (*simnet.Internet, *simnet.Server) {
	b.Helper()
	inet, err := simnet.Generate(simnet.Config{Domains: n, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	srv, err := simnet.Serve(ctx, inet, "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	return inet, srv
}

// BenchmarkCrawl crawls the whole simulated population with the full
// lookup plan and reports domains/s and queries/s.
func BenchmarkCrawl(b *testing.B) {
	n := benchDomains(b)
	inet, srv := serveSimnet(b, n)
	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{srv.Addr()}, Concurrency: 128, Timeout: 500 * time.Millisecond, Retries: 1})
	if err != nil {
		b.Fatal(err)
	}
	targets := func(yield func(dnscrawl.Target) bool) {
		for rank := 1; rank <= n; rank++ {
			if !yield(dnscrawl.Target{Domain: inet.Domain(rank), Rank: rank}) {
				return
			}
		}
	}
	b.ResetTimer()
	var queries int64
	var elapsed time.Duration
	for b.Loop() {
		stats, err := c.Crawl(context.Background(), targets, func(*dnscrawl.Observation) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		if stats.Domains != n {
			b.Fatalf("crawled %d domains, want %d", stats.Domains, n)
		}
		queries += stats.Queries
		elapsed += stats.Elapsed
	}
	b.ReportMetric(float64(n*b.N)/elapsed.Seconds(), "domains/s")
	b.ReportMetric(float64(queries)/elapsed.Seconds(), "queries/s")
	b.ReportMetric(float64(queries)/float64(n*b.N), "queries/domain")
}

// BenchmarkBareClient is the baseline the crawler is compared with: a bare
// miekg/dns client, one persistent UDP socket per worker, asking A
// questions as fast as the same server answers.
func BenchmarkBareClient(b *testing.B) {
	n := benchDomains(b)
	inet, srv := serveSimnet(b, min(n, 10_000))
	const workers = 128
	total := int64(8 * n) // about the questions of a full crawl
	var next, failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		next.Store(0)
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
				conn, err := cl.Dial(srv.Addr())
				if err != nil {
					failed.Add(1)
					return
				}
				defer conn.Close()
				m := new(dns.Msg)
				for i := next.Add(1); i <= total; i = next.Add(1) {
					m.SetQuestion(dns.Fqdn(inet.Domain(int(i)%inet.Len()+1)), dns.TypeA)
					m.Id = uint16(i) ^ uint16(w<<8)
					if _, _, err := cl.ExchangeWithConn(m, conn); err != nil {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(total*int64(b.N))/elapsed.Seconds(), "queries/s")
	b.ReportMetric(float64(failed.Load()), "failed")
}
