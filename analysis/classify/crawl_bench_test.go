package classify

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// crawlBench loads the observations of a crawl and a classifier with its
// reference data, for the benchmarks of a real input: the observations
// file is $CHOKEPOINT_BENCH_OBS (JSON lines; the first 20,000 are used)
// and $CHOKEPOINT_BENCH_SIMNET a directory holding simnet-asn.mmdb,
// simnet-country.mmdb and the data directory simnet-data, as
// "chokepoint simnet" writes them. The benchmark is skipped without them.
func crawlBench(b *testing.B) ([]*dnscrawl.Observation, *Classifier) {
	path, dir := os.Getenv("CHOKEPOINT_BENCH_OBS"), os.Getenv("CHOKEPOINT_BENCH_SIMNET")
	if path == "" || dir == "" {
		b.Skip("CHOKEPOINT_BENCH_OBS and CHOKEPOINT_BENCH_SIMNET are not set")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	p := dnscrawl.NewParser()
	var obs []*dnscrawl.Observation
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() && len(obs) < 20_000 {
		o, err := p.Parse(sc.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		obs = append(obs, o)
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	db, err := refdata.Open(filepath.Join(dir, "simnet-asn.mmdb"), filepath.Join(dir, "simnet-country.mmdb"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	ref, err := refdata.Load(filepath.Join(dir, "simnet-data"))
	if err != nil {
		b.Fatal(err)
	}
	return obs, New(cat, db).WithRanges(ref.Ranges)
}

// BenchmarkClassifyCrawl classifies the observations of a crawl
// (crawlBench), as analyze's workers do, on one goroutine.
func BenchmarkClassifyCrawl(b *testing.B) {
	obs, c := crawlBench(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, o := range obs {
			c.Classify(o)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(obs)), "ns/domain")
}

// BenchmarkCertHostEdgesCrawl finds the certificate hosts' edges of the
// observations of a crawl (crawlBench).
func BenchmarkCertHostEdgesCrawl(b *testing.B) {
	obs, c := crawlBench(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, o := range obs {
			c.CertHostEdges(o)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(obs)), "ns/domain")
}
