package reports

import (
	"io"
	"math"
	"reflect"
	"slices"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// The two large files of the Go engine, domains.csv and dependencies.csv,
// are written straight from the classified results: the cells of a row
// go into rowWriter's buffer as they are read from the packed result,
// with no DomainRow or DependencyRow, no joined string and no slice per
// row. The bytes are those of writeCSV over domainRows and
// dependencyRows (TestResultWritersAsRows), which the engines without
// results in memory still use.

// csvHeader returns the header of the row type T.
func csvHeader[T any]() []string {
	c, err := codecOf(reflect.TypeFor[T]())
	if err != nil {
		panic(err) // a row type of this package: fixed at compile time, checked by the tests
	}
	return c.header
}

// domainLayers are the layers with columns in domains.csv, in their
// order.
var domainLayers = [...]catalog.Layer{catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail, catalog.LayerCA, catalog.LayerTLD}

// providersByLayer sets provs[i] to the distinct providers of r on
// domainLayers[i], sorted (classify.Result.Providers of each layer), in
// one pass over r's dependencies. A classifier's dependencies come sorted
// by layer and provider (classify.Result): then a layer is looked up
// where it changes and a provider is new when it differs from the last;
// dependencies in another order are sorted here.
func providersByLayer(r *classify.Result, provs [][]string) {
	for i := range provs {
		provs[i] = provs[i][:0]
	}
	var layer catalog.Layer
	li := -1
	inOrder := true
	for d := range r.NumDeps() {
		if l := r.DepLayer(d); l != layer || d == 0 {
			layer, li = l, slices.Index(domainLayers[:], l)
		}
		if li < 0 {
			continue
		}
		p, ps := r.DepProvider(d), provs[li]
		if n := len(ps); n > 0 {
			if p == ps[n-1] {
				continue
			}
			if p < ps[n-1] {
				inOrder = false
			}
		}
		if !inOrder && slices.Contains(ps, p) {
			continue
		}
		provs[li] = append(ps, p)
	}
	if !inOrder {
		for _, ps := range provs {
			slices.Sort(ps)
		}
	}
}

// layerStates gives the states of results on domainLayers, looked up
// once for each map of states: the results of a classifier share a few
// maps (classify.Result.States, never modified), and a lookup hashes the
// name of the layer, six of them for each domain of each file. A map is
// known by its address: a layerStates serves one pass over one list of
// results, whose maps live as long as the list.
type layerStates struct {
	at     map[uintptr]int // map -> its states' offset in states
	states []classify.State
	other  []classify.State // those of a map not kept
}

// layerStatesLimit bounds the maps whose states a layerStates keeps; the
// states of others are looked up each time.
const layerStatesLimit = 1 << 12

// of returns the states of r on domainLayers, in their order, until the
// next call.
func (c *layerStates) of(r *classify.Result) []classify.State {
	n := len(domainLayers)
	p := reflect.ValueOf(r.States).Pointer()
	if i, ok := c.at[p]; ok {
		return c.states[i : i+n : i+n]
	}
	if c.at == nil {
		c.at = map[uintptr]int{}
	}
	i := len(c.states)
	for _, l := range domainLayers {
		c.states = append(c.states, r.States[l])
	}
	if p != 0 && len(c.at) < layerStatesLimit {
		c.at[p] = i
		return c.states[i : i+n : i+n]
	}
	c.other = append(c.other[:0], c.states[i:]...)
	c.states = c.states[:i]
	return c.other
}

// writeDomainResults writes domains.csv of results already in report
// order, as writeCSV(w, domainRows(sorted, gr, countries)) does.
func writeDomainResults(w io.Writer, sorted []*classify.Result, gr *GraphReport, countries map[string]string) error {
	e := newRowWriter(w)
	e.row(csvHeader[DomainRow]())
	spof := spofOf(sorted, gr)
	var names []string // the TLDs
	provs := make([][]string, len(domainLayers))
	var cached layerStates
	for i, r := range sorted {
		e.str(r.Domain)
		e.int(r.Rank)
		if countries != nil {
			e.str(countries[r.Domain])
		} else {
			e.str("")
		}
		e.str(string(r.Status))
		e.str(r.Error)
		providersByLayer(r, provs)
		states := cached.of(r)
		for li, l := range domainLayers {
			e.join(provs[li], ';')
			if l == catalog.LayerTLD {
				names = names[:0]
				for d := range r.NumDeps() {
					if r.DepLayer(d) != catalog.LayerTLD {
						continue
					}
					if s := r.Dep(d).Service; !slices.Contains(names, s) {
						names = append(names, s)
					}
				}
				slices.Sort(names)
				e.join(names, ';')
			}
			e.str(string(states[li]))
			_, critical := r.Critical(l)
			e.bool(critical)
		}
		if spof != nil && spof[i] >= 0 {
			e.join(gr.SPOF[spof[i]].Providers, ';')
		} else {
			e.str("")
		}
		e.end()
	}
	return e.flush()
}

// spofOf returns, for each result of sorted, the index of its row in
// gr.SPOF, -1 for none; nil when gr is nil. The single points of failure
// are in report order too (by rank, then domain), so one walk matches
// them; when it does not match them all (results that are not those the
// graph was built from), they are matched by domain name, the last row of
// a name winning, as domainRows does.
func spofOf(sorted []*classify.Result, gr *GraphReport) []int32 {
	if gr == nil {
		return nil
	}
	out := make([]int32, len(sorted))
	j := 0
	for i, r := range sorted {
		out[i] = -1
		if j < len(gr.SPOF) && gr.SPOF[j].Domain == r.Domain {
			out[i] = int32(j)
			j++
		}
	}
	if j == len(gr.SPOF) {
		return out
	}
	byName := make(map[string]int32, len(gr.SPOF))
	for k, s := range gr.SPOF {
		byName[s.Domain] = int32(k)
	}
	for i, r := range sorted {
		if k, ok := byName[r.Domain]; ok {
			out[i] = k
		} else {
			out[i] = -1
		}
	}
	return out
}

// writeDependencyResults writes dependencies.csv of results already in
// report order, as writeCSV(w, dependencyRows(sorted)) does. The cells of
// the domain and its rank, which begin every row of a result, are made
// once per result; the text of each confidence (a few distinct values)
// once per run.
func writeDependencyResults(w io.Writer, sorted []*classify.Result) error {
	e := newRowWriter(w)
	e.row(csvHeader[DependencyRow]())
	var list []classify.Dependency
	var head []byte
	var conf floatTexts
	for _, r := range sorted {
		if r.NumDeps() == 0 {
			continue
		}
		list = list[:0]
		for d := range r.NumDeps() {
			list = append(list, r.Dep(d))
		}
		if !slices.IsSortedFunc(list, depOrder) {
			slices.SortStableFunc(list, depOrder)
		}
		head = e.cellsOf(head[:0], func() {
			e.str(r.Domain)
			e.int(r.Rank)
		})
		for k := range list {
			row := dependencyRow(&list[k])
			e.begin(head, 2)
			row.writeDependencyCells(e, &conf)
			e.end()
		}
	}
	return e.flush()
}

// floatTexts keeps the cell text of the first few distinct floats
// written, for a column of a few distinct values.
type floatTexts struct {
	n     int
	vals  [8]float64
	texts [8][]byte
}

// of returns the cell text of f, as e.float writes it.
func (t *floatTexts) of(e *rowWriter, f float64) []byte {
	for i := range t.n {
		if t.vals[i] == f && !math.Signbit(f) {
			return t.texts[i]
		}
	}
	text := e.cellsOf(nil, func() { e.float(f) })
	if t.n < len(t.vals) {
		t.vals[t.n], t.texts[t.n] = f, text
		t.n++
	}
	return text
}
