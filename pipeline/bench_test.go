package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// benchCrawl returns the observations, ASN and country databases and the
// data directory of a simulated crawl: the one in the folder
// CHOKEPOINT_BENCH_CRAWL names (written by "chokepoint demo --out DIR"),
// else a crawl of BENCH_DOMAINS (default 20,000) simulated domains made
// here, against the simulated internet served on 127.0.0.1.
func benchCrawl(b *testing.B) (obs string, files simnet.Files) {
	b.Helper()
	if dir := os.Getenv("CHOKEPOINT_BENCH_CRAWL"); dir != "" {
		sim := filepath.Join(dir, "simnet")
		return filepath.Join(dir, "observations.jsonl"), simnet.Files{
			ASN: filepath.Join(sim, "simnet-asn.mmdb"), Country: filepath.Join(sim, "simnet-country.mmdb"), DataDir: filepath.Join(sim, "simnet-data"),
		}
	}
	n := 20_000
	if s := os.Getenv("BENCH_DOMAINS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("BENCH_DOMAINS=%q: want a number of domains", s)
		}
		n = v
	}
	return crawlSim(b, n, 1, func(r int) int { return r })
}

// BenchmarkRun is the whole analysis of a simulated crawl with the Go
// engine, as "chokepoint analyze -q" runs it: decoding, classification,
// metrics with 200 bootstrap replicates, the graph and every blast
// radius, every CSV file, run.json and report.html.
func BenchmarkRun(b *testing.B) {
	obs, files := benchCrawl(b)
	out := b.TempDir()
	o := Options{Inputs: []string{obs}, Out: out, ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir,
		Bootstrap: 200, BootstrapSeed: 1}
	b.ReportAllocs()
	domains := 0
	for b.Loop() {
		sum, err := Run(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		domains = sum.Domains
	}
	b.ReportMetric(float64(domains), "domains")
}

// BenchmarkLiveHeap measures the live heap of a classified crawl: the
// heap left after GoEngine.Analyze of benchCrawl's observations (every
// domain classified and held, the metrics and the graph computed) and a
// collection, reported per domain (live-B/domain) and in all (live-MB).
// It is what the soft memory limit of a run (MemoryLimit) must leave
// room for.
func BenchmarkLiveHeap(b *testing.B) {
	j := benchJob(b)
	var live uint64
	domains := 0
	for b.Loop() {
		an, err := GoEngine{}.Analyze(context.Background(), j)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live = ms.HeapAlloc
		domains = an.Summary().Domains
		runtime.KeepAlive(an)
	}
	b.ReportMetric(float64(live)/float64(domains), "live-B/domain")
	b.ReportMetric(float64(live)/1e6, "live-MB")
}

// BenchmarkReadHalf is the reading half of the Go engine on benchCrawl's
// observations: reading the lines, decoding and classifying them on the
// worker pool with the crawl's reference data (classifyObservations), as
// GoEngine.Analyze does before it keeps the results; nothing is kept.
func BenchmarkReadHalf(b *testing.B) {
	obs, files := benchCrawl(b)
	j, err := Prepare(Options{Inputs: []string{obs}, Out: b.TempDir(), ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir})
	if err != nil {
		b.Fatal(err)
	}
	defer j.DB.Close()
	cl := classify.New(j.Catalog, j.DB).WithRanges(j.Ref.Ranges)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		err := classifyObservations(context.Background(), obs, cl, func(le *dnscrawl.LineError) { b.Fatal(le) },
			func(*dnscrawl.Observation, classify.Result, []classify.CertEdge) { n++ })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "domains")
}
