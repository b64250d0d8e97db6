package reports

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// BenchmarkWriteResults measures what the Go engine does with its
// classified domains once the figures are known, the figures aside:
// putting them in report order (SortResults), then writing
// dependencies.csv and domains.csv and gathering report.html's table of
// domains (NewHTMLDomains), every byte to io.Discard. The results are
// benchResults' BENCH_DOMAINS domains (100,000 by default), unranked and
// in a random order, so that, as after a crawl, their names lie in the
// heap in an order other than the report's; each round starts from that
// order.
func BenchmarkWriteResults(b *testing.B) {
	results := shuffledResults()
	read := slices.Clone(results)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		copy(results, read)
		b.StartTimer()
		SortResults(results)
		sorted := sortedResults(results)
		if err := writeDependencyResults(io.Discard, sorted); err != nil {
			b.Fatal(err)
		}
		if err := writeDomainResults(io.Discard, sortedResults(results), nil, nil); err != nil {
			b.Fatal(err)
		}
		if h := NewHTMLDomains(nil, results); h.Table.Rows() != len(results) {
			b.Fatalf("table of %d domains, want %d", h.Table.Rows(), len(results))
		}
	}
}

// BenchmarkWriteDependencies measures writing dependencies.csv (to
// io.Discard) of the results of BenchmarkWriteResults, put in report
// order once.
func BenchmarkWriteDependencies(b *testing.B) {
	results := shuffledResults()
	SortResults(results)
	sorted := sortedResults(results)
	b.ReportAllocs()
	for b.Loop() {
		if err := writeDependencyResults(io.Discard, sorted); err != nil {
			b.Fatal(err)
		}
	}
}

// shuffledResults returns benchResults' BENCH_DOMAINS domains, unranked,
// in a random order, with their names made in that order and equal maps
// of states shared.
func shuffledResults() []classify.Result {
	results := benchResults(analysisDomains())
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(results), func(i, j int) { results[i], results[j] = results[j], results[i] })
	shared := map[string]map[catalog.Layer]classify.State{}
	for i := range results {
		// New names, allocated in the shuffled order.
		results[i].Domain = string([]byte(results[i].Domain))
		results[i].Rank = 0
		// Equal maps of states shared, as classify shares them.
		key := fmt.Sprint(results[i].States)
		if m, ok := shared[key]; ok {
			results[i].States = m
		} else {
			shared[key] = results[i].States
		}
	}
	return results
}
