package metrics

import (
	"reflect"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// CountrySummary is the concentration of every layer over the sites of
// one country (the country the domain list gives each site, not where its
// servers are).
type CountrySummary struct {
	// Country is the ISO 3166-1 alpha-2 code of the sites.
	Country string `json:"country"`
	// Domains is the number of sites of the list in the country.
	Domains int `json:"domains"`
	// Layers has one entry per summarised layer, in Options.Layers order.
	Layers []CountryLayer `json:"layers"`
}

// CountryLayer is one layer over the sites of one country.
type CountryLayer struct {
	Layer catalog.Layer `json:"layer"`
	// Known is the number of the country's sites with a known provider on
	// the layer: the base of the figures below.
	Known int `json:"known"`
	// Providers is the number of distinct third-party providers.
	Providers int `json:"providers"`
	// HHI and EMD are as in LayerSummary, over the country's sites.
	HHI float64 `json:"hhi"`
	EMD float64 `json:"emd"`
	// Top is the largest third-party provider (ties by id) and TopShare
	// its share of Known; empty and 0 without one.
	Top      string  `json:"top"`
	TopShare float64 `json:"top_share"`
}

// byCountry summarises layers per country of the sites: the results whose
// domain countries names, grouped by country, in country order. Domains
// without a country are left out (they are in the list-wide summary).
func byCountry(results []classify.Result, countries map[string]string, layers []catalog.Layer) []CountrySummary {
	type acc struct {
		domains int
		known   []int
		self    []int
		counts  []map[string]int
	}
	accs := map[string]*acc{}
	var ps []string
	for i := range results {
		r := &results[i]
		cc := countries[r.Domain]
		if cc == "" {
			continue
		}
		a := accs[cc]
		if a == nil {
			a = &acc{known: make([]int, len(layers)), self: make([]int, len(layers)), counts: make([]map[string]int, len(layers))}
			for j := range layers {
				a.counts[j] = map[string]int{}
			}
			accs[cc] = a
		}
		a.domains++
		for j, l := range layers {
			ps = r.AppendProviders(ps[:0], l)
			if effectiveState(r.States[l], len(ps) > 0) != classify.StateKnown {
				continue
			}
			a.known[j]++
			for _, p := range ps {
				if p == classify.SelfProvider {
					a.self[j]++
				} else {
					a.counts[j][p]++
				}
			}
		}
	}
	out := make([]CountrySummary, 0, len(accs))
	for cc, a := range accs {
		cs := CountrySummary{Country: cc, Domains: a.domains}
		for j, l := range layers {
			cl := CountryLayer{Layer: l, Known: a.known[j], Providers: len(a.counts[j])}
			sizes := make([]float64, 0, len(a.counts[j])+a.self[j])
			for p, n := range a.counts[j] {
				sizes = append(sizes, float64(n))
				if n > a.counts[j][cl.Top] || (n == a.counts[j][cl.Top] && (cl.Top == "" || p < cl.Top)) {
					cl.Top = p
				}
			}
			cl.HHI = HHICounts(sizes)
			for range a.self[j] {
				sizes = append(sizes, 1)
			}
			cl.EMD = EMD(sizes)
			if cl.Top != "" && cl.Known > 0 {
				cl.TopShare = float64(a.counts[j][cl.Top]) / float64(cl.Known)
			}
			cs.Layers = append(cs.Layers, cl)
		}
		out = append(out, cs)
	}
	slices.SortFunc(out, func(a, b CountrySummary) int { return strings.Compare(a.Country, b.Country) })
	return out
}

// Layer returns the figures of layer l.
func (c *CountrySummary) Layer(l catalog.Layer) (*CountryLayer, bool) {
	i := slices.IndexFunc(c.Layers, func(x CountryLayer) bool { return x.Layer == l })
	if i < 0 {
		return nil, false
	}
	return &c.Layers[i], true
}

// NotMeasured marks layers of results as not measured (StateNotMeasured)
// where they are not known: the ca layer of the resolved domains whose
// crawl ran no TLS probe (classify calls such a layer unresolved, as it
// cannot tell a probe that failed from one that never ran; the caller
// can, from the observation). It gives each marked result a States map
// shared with the others that had the same states, and never modifies a
// States map (classify shares them). Create one with NewNotMeasured and
// call Mark, in one goroutine.
type NotMeasured struct {
	layers []catalog.Layer
	// marked maps a States map (by identity) to its marked copy.
	marked map[uintptr]map[catalog.Layer]classify.State
}

// NewNotMeasured returns a marker of layers.
func NewNotMeasured(layers ...catalog.Layer) *NotMeasured {
	return &NotMeasured{layers: layers, marked: map[uintptr]map[catalog.Layer]classify.State{}}
}

// Mark marks the layers of r not measured unless they are known (a
// dependency there shows they were measured after all). Call it only for
// a result whose domain resolved and whose crawl did not measure the
// layers.
func (n *NotMeasured) Mark(r *classify.Result) {
	if r.States == nil {
		return
	}
	key := reflect.ValueOf(r.States).Pointer()
	if m, ok := n.marked[key]; ok {
		r.States = m
		return
	}
	m := make(map[catalog.Layer]classify.State, len(r.States))
	for l, st := range r.States {
		if slices.Contains(n.layers, l) && st != classify.StateKnown {
			st = StateNotMeasured
		}
		m[l] = st
	}
	n.marked[key] = m
	r.States = m
}
