package reports

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// randomCSVResults returns n results drawn by rng: names from cellTexts
// (formula starts, quotes, line breaks, invalid UTF-8) beside plain
// ones, ranks with ties and zeros, every status, several providers per
// layer, self-hosting, regions, and dependencies that are sometimes not
// in the order of dependencies.csv (a classifier sorts them; SetDeps
// keeps what it is given).
func randomCSVResults(rng *rand.Rand, n int) []classify.Result {
	name := func(plain string) string {
		if rng.IntN(6) == 0 {
			return cellTexts[rng.IntN(len(cellTexts))] + plain
		}
		return plain
	}
	states := []classify.State{classify.StateKnown, classify.StateNone, classify.StateUnattributed, classify.StateUnresolved}
	out := make([]classify.Result, n)
	for i := range out {
		r := classify.Result{
			Domain: name("d" + strconv.Itoa(i) + ".example"),
			Rank:   rng.IntN(n/2 + 1),
			Status: dnscrawl.Statuses[rng.IntN(len(dnscrawl.Statuses))],
			States: map[catalog.Layer]classify.State{},
		}
		if r.Status != dnscrawl.StatusOK {
			r.Error = name("lookup failed")
		}
		var deps []classify.Dependency
		for _, l := range classify.StateLayers {
			r.States[l] = states[rng.IntN(len(states))]
			for range rng.IntN(4) {
				p := name("co" + strconv.Itoa(rng.IntN(12)))
				if rng.IntN(8) == 0 {
					p = classify.SelfProvider
				}
				d := classify.Dependency{Layer: l, Provider: p, Service: name(string(l)),
					Evidence:      classify.Evidences[rng.IntN(len(classify.Evidences))],
					EvidenceValue: name("ns" + strconv.Itoa(rng.IntN(5)) + ".example"),
					Confidence:    float64(rng.IntN(5)) / 4, ThirdParty: p != classify.SelfProvider, Uncatalogued: rng.IntN(3) == 0}
				if rng.IntN(4) == 0 {
					d.Region = name("r" + strconv.Itoa(rng.IntN(3)))
				}
				deps = append(deps, d)
			}
		}
		if rng.IntN(3) > 0 {
			slices.SortStableFunc(deps, depOrder)
		}
		r.SetDeps(deps)
		r.NoOCSPFetch = rng.IntN(3) == 0
		out[i] = r
	}
	return out
}

// TestResultWritersAsRows checks that domains.csv and dependencies.csv
// written straight from the results have the bytes of writeCSV over
// domainRows and dependencyRows: with and without the graph's single
// points of failure and the sites' countries, and with a graph of other
// results (the single points matched by name).
func TestResultWritersAsRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 21))
	results := randomCSVResults(rng, 400)
	sorted := sortedResults(results)
	full := NewGraphReport(graph.Build(results, nil, nil), 1)
	if len(full.SPOF) == 0 {
		t.Fatal("no single point of failure: the test would not check the column")
	}
	part := NewGraphReport(graph.Build(results[:150], nil, nil), 1)
	// The same domains ranked the other way round: the graph's single
	// points of failure are in another order than the results.
	reranked := slices.Clone(results)
	for i := range reranked {
		reranked[i].Rank = len(results) - reranked[i].Rank
	}
	other := NewGraphReport(graph.Build(reranked, nil, nil), 1)
	countries := map[string]string{}
	for i := range results {
		if rng.IntN(2) == 0 {
			countries[results[i].Domain] = cellTexts[rng.IntN(len(cellTexts))]
		}
	}
	for _, c := range []struct {
		name      string
		gr        *GraphReport
		countries map[string]string
	}{
		{"no graph", nil, nil},
		{"graph", full, nil},
		{"graph and countries", full, countries},
		{"graph of part of the results", part, countries},
		{"graph in another order", other, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want, got bytes.Buffer
			if err := writeCSV(&want, domainRows(sorted, c.gr, c.countries)); err != nil {
				t.Fatal(err)
			}
			if err := writeDomainResults(&got, sorted, c.gr, c.countries); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("domains.csv differs:\n%s", firstDiff(got.String(), want.String()))
			}
		})
	}
	var want, got bytes.Buffer
	if err := writeCSV(&want, dependencyRows(sorted)); err != nil {
		t.Fatal(err)
	}
	if err := writeDependencyResults(&got, sorted); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("dependencies.csv differs:\n%s", firstDiff(got.String(), want.String()))
	}
}

// firstDiff shows where two texts part.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-80)
	return "got  …" + strconv.Quote(got[lo:min(len(got), i+80)]) + "\nwant …" + strconv.Quote(want[lo:min(len(want), i+80)])
}

// TestSortResults checks that SortResults, which moves the results along
// the cycles of the permutation, gives the order of a stable sort by
// reportOrder (ties of rank, domain, status and error included), and
// leaves sorted results as they are.
func TestSortResults(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 5))
	for round := range 20 {
		results := randomCSVResults(rng, 1+rng.IntN(300))
		for i := range results {
			if rng.IntN(4) == 0 { // the same name twice, and ties on every key
				results[i].Domain = results[rng.IntN(len(results))].Domain
			}
		}
		checkSortResults(t, round, results)
	}
}

// checkSortResults checks that SortResults puts results in the order of
// a stable sort by reportOrder, and leaves them there when run again.
func checkSortResults(t *testing.T, round int, results []classify.Result) {
	t.Helper()
	want := slices.Clone(results)
	slices.SortStableFunc(want, func(a, b classify.Result) int { return reportOrder(&a, &b) })
	got := slices.Clone(results)
	SortResults(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round %d: SortResults differs from a stable sort", round)
	}
	SortResults(got)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round %d: sorted results moved", round)
	}
}

// TestSortResultsPrefixes checks the order of names that the first eight
// bytes (reportIndex's keys) do not tell apart, or tell apart only with
// the zero bytes after a short name: shorter names, names with a NUL byte
// or bytes above 0x7f, names that differ after their eighth byte.
func TestSortResultsPrefixes(t *testing.T) {
	names := []string{"", "a", "a\x00", "a\x00\x00", "ab", "abcdefgh", "abcdefgh\x00", "abcdefghi", "abcdefgha",
		"abcdefg", "abcdefg\xff", "\xff", "\xffb", "\xc3\xa9t\xc3\xa9.fr", "example.com", "example.co", "example.com.br",
		"example-1.com", "example1.com", "example.org", "-x", "zzzzzzzzzzzz", "zzzzzzzzzzzy"}
	rng := rand.New(rand.NewPCG(7, 11))
	for round := range 20 {
		results := make([]classify.Result, 3*len(names))
		for i := range results {
			results[i] = classify.Result{Domain: names[rng.IntN(len(names))], Status: dnscrawl.StatusOK}
			switch rng.IntN(4) {
			case 0:
				results[i].Rank = 1 + rng.IntN(4)
			case 1:
				results[i].Rank = -rng.IntN(3) // unranked, ordered by rank all the same
			}
			if rng.IntN(5) == 0 {
				results[i].Status = dnscrawl.StatusNXDomain
			}
		}
		checkSortResults(t, round, results)
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
	// The results are kept, as a writer's list keeps them while it is
	// written: a map the collector freed could be made again at the same
	// address.
	results := make([]classify.Result, layerStatesLimit+500)
	var c layerStates
	for i := range results {
		r := &results[i]
		r.States = shared[i%len(shared)]
		if i%3 == 0 {
			r.States = random()
		}
		if i%1000 == 7 {
			r.States = nil
		}
		got := c.of(r)
		for li, l := range domainLayers {
			if got[li] != r.States[l] {
				t.Fatalf("result %d: state of %s is %q, want %q", i, l, got[li], r.States[l])
			}
		}
	}
}

// TestProvidersByLayer checks providersByLayer against
// classify.Result.Providers, on dependencies in a classifier's order and
// in others (randomCSVResults), with layers that come back after another.
func TestProvidersByLayer(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 3))
	results := randomCSVResults(rng, 400)
	back := classify.Result{}
	back.SetDeps([]classify.Dependency{
		{Layer: catalog.LayerDNS, Provider: "b"}, {Layer: catalog.LayerCDN, Provider: "a"},
		{Layer: catalog.LayerDNS, Provider: "b"}, {Layer: catalog.LayerDNS, Provider: "a"}, {Layer: catalog.LayerDNS, Provider: "c"},
	})
	results = append(results, back)
	provs := make([][]string, len(domainLayers))
	for i := range results {
		r := &results[i]
		providersByLayer(r, provs)
		for li, l := range domainLayers {
			if want := r.Providers(l); !slices.Equal(provs[li], want) && len(want)+len(provs[li]) > 0 {
				t.Fatalf("result %d, layer %s: %q, want %q", i, l, provs[li], want)
			}
		}
	}
}
