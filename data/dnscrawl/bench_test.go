package dnscrawl_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
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

// benchWorkers is the concurrency of the crawler and of the bare client.
const benchWorkers = 64

// BenchmarkCrawl crawls the whole simulated population, served by a
// separate process, with the full lookup plan: the list is streamed from a
// file through data/domains and the observations through the Encoder, as
// the crawl command does. In the same run and against the same server, a
// bare miekg/dns client (one persistent UDP socket per worker, the same
// number of workers, the crawl's mix of questions about resolving domains)
// measures what the wire gives, once before and once after the crawl;
// ratio is crawl queries/s over the mean of the two bare rates;
// cpu-us/query is the crawling process's CPU time (user and system)
// during the crawl per query sent, allocs/query its heap allocations. peak-RSS-MB is the crawling process's high-water mark of
// resident memory during the crawl (VmHWM, reset before it).
func BenchmarkCrawl(b *testing.B) {
	n := benchDomains(b)
	sim := startSimnetProcess(b, n)
	before := bareClient(b, sim, 300_000)

	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{sim.addr}, Concurrency: benchWorkers, Timeout: 500 * time.Millisecond, Retries: 1})
	if err != nil {
		b.Fatal(err)
	}
	var queries, domainsDone int64
	var elapsed time.Duration
	resetPeakRSS()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs0 := ms.Mallocs
	cpu0 := processCPU()
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(filepath.Join(sim.dir, "domains.txt"))
		if err != nil {
			b.Fatal(err)
		}
		list := domains.NewReader(f, "domains.txt", domains.FormatText)
		var readErr error
		targets := func(yield func(dnscrawl.Target) bool) {
			for {
				e, err := list.Next()
				if errors.Is(err, io.EOF) {
					return
				}
				var le *domains.LineError
				if errors.As(err, &le) {
					continue // counted in the list's stats, as the crawl command does
				}
				if err != nil {
					readErr = err
					return
				}
				if !yield(dnscrawl.Target{Domain: e.Domain, Rank: e.Rank}) {
					return
				}
			}
		}
		enc := dnscrawl.NewEncoder(io.Discard)
		stats, err := c.Crawl(context.Background(), targets, enc.Encode)
		f.Close()
		if err != nil || readErr != nil {
			b.Fatal(err, readErr)
		}
		if st := list.Stats(); stats.Domains != st.Domains || st.Domains+st.Bad+st.Duplicates < n {
			b.Fatalf("crawled %d domains, list has %d (%d bad, %d duplicates) of %d", stats.Domains, st.Domains, st.Bad, st.Duplicates, n)
		}
		queries += stats.Queries
		domainsDone += int64(stats.Domains)
		elapsed += stats.Elapsed
	}
	b.StopTimer()
	cpu := processCPU() - cpu0
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs - mallocs0
	peak := peakRSS()
	// The machine is shared: the bare client runs before and after the
	// crawl, and the ratio uses the mean of both, so that a change of
	// load during the run does not favour either side.
	bare := (before + bareClient(b, sim, 300_000)) / 2
	qps := float64(queries) / elapsed.Seconds()
	b.ReportMetric(float64(domainsDone)/elapsed.Seconds(), "domains/s")
	b.ReportMetric(qps, "queries/s")
	b.ReportMetric(float64(queries)/float64(domainsDone), "queries/domain")
	b.ReportMetric(bare, "bare-queries/s")
	b.ReportMetric(qps/bare, "ratio")
	b.ReportMetric(float64(cpu.Microseconds())/float64(queries), "cpu-us/query")
	b.ReportMetric(float64(mallocs)/float64(queries), "allocs/query")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
	}
}

// bareClient asks total questions (NS, SOA, A, AAAA, MX of the apex and A
// of www, in turn, about the resolving domains of the population) with
// benchWorkers goroutines, one persistent UDP socket each, and returns the
// rate of answers.
func bareClient(b *testing.B, sim simnetProcess, total int64) float64 {
	b.Helper()
	names := readNames(b, filepath.Join(sim.dir, "ok.txt"), 50_000)
	type q struct {
		prefix string
		qtype  uint16
	}
	mix := []q{{"", dns.TypeNS}, {"", dns.TypeSOA}, {"", dns.TypeA}, {"", dns.TypeAAAA}, {"", dns.TypeMX}, {"www.", dns.TypeA}}
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range benchWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond, UDPSize: 1232}
			conn, err := cl.Dial(sim.addr)
			if err != nil {
				failed.Add(1)
				return
			}
			defer conn.Close()
			m := new(dns.Msg)
			m.SetEdns0(1232, false)
			for i := next.Add(1); i <= total; i = next.Add(1) {
				x := mix[int(i)%len(mix)]
				m.SetQuestion(x.prefix+names[int(i/int64(len(mix)))%len(names)]+".", x.qtype)
				m.Id = uint16(i) ^ uint16(w<<8)
				if _, _, err := cl.ExchangeWithConn(m, conn); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if f := failed.Load(); f > 0 {
		b.Logf("bare client: %d of %d questions got no answer (UDP receive buffer drops under load)", f, total)
	}
	return float64(total-failed.Load()) / elapsed.Seconds()
}

func readNames(b *testing.B, path string, limit int) []string {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < limit {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil || len(out) == 0 {
		b.Fatalf("read %s: %d names, %v", path, len(out), err)
	}
	return out
}

// processCPU is the user and system CPU time of this process so far
// (the crawl's, when only the crawl runs: the server is another process).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS resets the process's resident-memory high-water mark
// (Linux: writing 5 to /proc/self/clear_refs); elsewhere it does nothing.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns VmHWM from /proc/self/status in bytes, 0 when unknown.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := bytes.Fields(v)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(string(f[0]), 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}
