package pipeline

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkTail measures what GoEngine does once every domain is read
// and classified: putting the results in report order, the metrics with
// 200 bootstrap replicates, the graph and every blast radius, the
// report's view, and writing every CSV file, run.json and report.html.
// The observations of benchCrawl are read and classified once, outside
// the measure; each round starts from the results in the order the read
// loop gave them.
func BenchmarkTail(b *testing.B) {
	j := benchJob(b)
	in, err := gather(context.Background(), j)
	if err != nil {
		b.Fatal(err)
	}
	read := slices.Clone(in.results)
	dir := b.TempDir()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		b.StopTimer()
		copy(in.results, read)
		b.StartTimer()
		an := in.analyze(j)
		if err := an.Write(context.Background(), dir); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(len(read)), "domains")
}

// benchJob prepares the analysis of benchCrawl's observations as
// "chokepoint analyze -q" runs it (200 bootstrap replicates); its
// databases are closed when the benchmark ends.
func benchJob(b *testing.B) *Job {
	b.Helper()
	obs, files := benchCrawl(b)
	o := Options{Inputs: []string{obs}, Out: b.TempDir(), ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir,
		Bootstrap: 200, BootstrapSeed: 1}
	j, err := Prepare(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { j.DB.Close() })
	return j
}

// cpuTime returns the user and system CPU time of the process so far:
// on a machine shared with other work, what compares between runs (the
// wall time of a round grows with the load).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
