package reports

import (
	"io"
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
// one pass over r's dependencies.
func providersByLayer(r *classify.Result, provs [][]string) {
	for i := range provs {
		provs[i] = provs[i][:0]
	}
	for d := range r.NumDeps() {
		li := slices.Index(domainLayers[:], r.DepLayer(d))
		if p := r.DepProvider(d); li >= 0 && !slices.Contains(provs[li], p) {
			provs[li] = append(provs[li], p)
		}
	}
	for _, ps := range provs {
		slices.Sort(ps)
	}
}

// writeDomainResults writes domains.csv of results already in report
// order, as writeCSV(w, domainRows(sorted, gr, countries)) does.
func writeDomainResults(w io.Writer, sorted []*classify.Result, gr *GraphReport, countries map[string]string) error {
	e := newRowWriter(w)
	e.row(csvHeader[DomainRow]())
	spof := spofOf(sorted, gr)
	var names []string // the TLDs
	provs := make([][]string, len(domainLayers))
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
			e.str(string(r.States[l]))
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
// report order, as writeCSV(w, dependencyRows(sorted)) does.
func writeDependencyResults(w io.Writer, sorted []*classify.Result) error {
	e := newRowWriter(w)
	e.row(csvHeader[DependencyRow]())
	var list []classify.Dependency
	for _, r := range sorted {
		list = list[:0]
		for d := range r.NumDeps() {
			list = append(list, r.Dep(d))
		}
		if !slices.IsSortedFunc(list, depOrder) {
			slices.SortStableFunc(list, depOrder)
		}
		for k := range list {
			row := dependencyRow(&list[k])
			row.writeCells(e)
			e.end()
		}
	}
	return e.flush()
}
