package reports

import (
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
	results := benchResults(analysisDomains())
	rng := rand.New(rand.NewPCG(3, 4))
	rng.Shuffle(len(results), func(i, j int) { results[i], results[j] = results[j], results[i] })
	for i := range results {
		// New names, allocated in the shuffled order.
		results[i].Domain = string([]byte(results[i].Domain))
		results[i].Rank = 0
	}
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

// TestDomainLayersAreCatalogLayers checks what the table of report.html
// and domains.csv take for granted: their columns (domainLayers) are the
// layers of the catalog, in its order.
func TestDomainLayersAreCatalogLayers(t *testing.T) {
	if !slices.Equal(domainLayers[:], catalog.Layers) {
		t.Fatalf("domainLayers %v, catalog.Layers %v", domainLayers, catalog.Layers)
	}
}

// TestLayerStates checks that layerStates gives each result the states of
// its own map, maps shared or not, past its limit too.
func TestLayerStates(t *testing.T) {
	states := []classify.State{classify.StateKnown, classify.StateNone, classify.StateUnattributed, classify.StateUnresolved}
	rng := rand.New(rand.NewPCG(1, 2))
	shared := make([]map[catalog.Layer]classify.State, 5)
	random := func() map[catalog.Layer]classify.State {
		m := map[catalog.Layer]classify.State{}
		for _, l := range catalog.Layers {
			if rng.IntN(6) > 0 {
				m[l] = states[rng.IntN(len(states))]
			}
		}
		return m
	}
	for i := range shared {
		shared[i] = random()
	}
	var c layerStates
	for i := range layerStatesLimit + 500 {
		r := classify.Result{States: shared[i%len(shared)]}
		if i%3 == 0 {
			r.States = random()
		}
		if i%1000 == 7 {
			r.States = nil
		}
		got := c.of(&r)
		for li, l := range domainLayers {
			if got[li] != r.States[l] {
				t.Fatalf("result %d: state of %s is %q, want %q", i, l, got[li], r.States[l])
			}
		}
	}
}
