package pipeline

import (
	"context"
	"slices"
	"testing"
)

// BenchmarkTail measures what GoEngine does once every domain is read
// and classified: putting the results in report order, the metrics with
// 200 bootstrap replicates, the graph and every blast radius, the
// report's view, and writing every CSV file, run.json and report.html.
// The observations of benchCrawl are read and classified once, outside
// the measure; each round starts from the results in the order the read
// loop gave them.
func BenchmarkTail(b *testing.B) {
	obs, files := benchCrawl(b)
	o := Options{Inputs: []string{obs}, Out: b.TempDir(), ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir,
		Bootstrap: 200, BootstrapSeed: 1}
	j, err := Prepare(o)
	if err != nil {
		b.Fatal(err)
	}
	defer j.DB.Close()
	in, err := gather(context.Background(), j)
	if err != nil {
		b.Fatal(err)
	}
	read := slices.Clone(in.results)
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		copy(in.results, read)
		b.StartTimer()
		an := in.analyze(j)
		if err := an.Write(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(read)), "domains")
}
