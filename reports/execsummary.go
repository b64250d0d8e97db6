package reports

import (
	"fmt"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// shareDefinition is the one definition of a provider's share, stated in
// the methodology of the report, the README and the terminal summary.
const shareDefinition = "share = domains using the provider on the layer / domains with a known provider on the layer (self-hosted domains included in the base, self-hosting shown apart)"

// crReading explains CR-k beside its value: it is not on the base of the
// shares.
const crReading = "the 1, 3, 5 largest third parties' part of all provider uses (not a share of domains: see Methodology)"

// execProviders is the number of providers the executive summary names.
const execProviders = 3

// noInterval says why a count has no confidence interval.
const noInterval = "These are counts over the whole list, not estimates: they have no confidence interval."

// execSummary returns the sentences of the executive summary: the
// providers whose failure takes down the most domains, the domains with
// no redundancy on DNS, the largest DNS provider's share with its
// bootstrap interval, and the cloud region with the largest blast radius.
func (v *view) execSummary(run *Run, sum *metrics.Summary) []string {
	if v.Missing != "" {
		return []string{"No summary: most lookups failed, so the figures describe what is left of the list (see the warning above)."}
	}
	var out []string
	if s := v.execProviders(run, sum.Domains); s != "" {
		out = append(out, s)
	}
	if ls, ok := sum.Layer(catalog.LayerDNS); ok && ls.Known > 0 {
		out = append(out, fmt.Sprintf("On DNS, %s of the %s with a known DNS provider (%s) have no redundancy: one third-party provider and no second one, nor a server of their own. This rate has no interval (none is computed).",
			count(ls.CriticalDomains), domains(ls.Known), pct(ls.CriticalDomains, ls.Known)))
		if top := topThirdParty(ls); top != nil {
			s := fmt.Sprintf("The largest DNS provider, %s, serves %s of the domains with a known DNS provider",
				v.labels.of(ls.Layer, top.Provider, top.Catalogued), pctF(top.Share))
			if ls.Bootstrap > 0 && top.ShareHigh > 0 {
				s += fmt.Sprintf(" (95 %% interval %s – %s, bootstrap over the domains of the list).", pctF(top.ShareLow), pctF(top.ShareHigh))
			} else {
				s += " (no interval: the bootstrap was off)."
			}
			out = append(out, s)
		}
	}
	if gr := run.Graph; gr != nil {
		if top := rankedBlast(gr.Blast, graph.KindRegion); len(top) > 0 && top[0].Domains > 0 {
			b := top[0]
			out = append(out, fmt.Sprintf("If %s fails, %s down (%s of the list): the cloud region with the largest blast radius. A count over the list: no interval.",
				v.names.element(b.Element), goDown(b.Domains), pctF(b.Share)))
		}
	}
	return out
}

// execProviders is the sentence on the providers whose failure takes
// down the most domains, from the graph or else from run.BlastRadius.
func (v *view) execProviders(run *Run, total int) string {
	type item struct {
		name string
		n    int
		sh   float64
	}
	var top []item
	if gr := run.Graph; gr != nil {
		for _, b := range rankedBlast(gr.Blast, graph.KindProvider) {
			if len(top) == execProviders || b.Domains == 0 {
				break
			}
			top = append(top, item{v.names.element(b.Element), b.Domains, b.Share})
		}
	} else {
		for _, b := range run.BlastRadius {
			if len(top) == execProviders || b.Domains == 0 {
				break
			}
			if b.Kind == graph.KindProvider {
				top = append(top, item{v.names.blastElement(b.Kind, b.Element), b.Domains, b.Share})
			}
		}
	}
	if len(top) == 0 {
		return ""
	}
	var parts []string
	for i, t := range top {
		if i == 0 {
			parts = append(parts, fmt.Sprintf("%s (%s, %s of the list)", t.name, domains(t.n), pctF(t.sh)))
		} else {
			parts = append(parts, fmt.Sprintf("%s (%s, %s)", t.name, count(t.n), pctF(t.sh)))
		}
	}
	what := fmt.Sprintf("The %d providers whose failure takes down the most domains", len(top))
	if len(top) == 1 {
		what = "The provider whose failure takes down the most domains"
	}
	return what + ": " + joinAnd(parts) + ". " + noInterval
}

// goDown is "1 domain goes" or "12 domains go".
func goDown(n int) string {
	if n == 1 {
		return "1 domain goes"
	}
	return domains(n) + " go"
}

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// topCuts are the top-of-list sizes whose figures the report shows beside
// the whole list's, for a ranked list longer than the cut; the last is
// TopRank.
var topCuts = []int{100, TopRank}

// TopRank is the largest rank whose domains the top-of-list table counts
// (HTMLDomains.Top).
const TopRank = 1000

// topsView is the table of the key figures of the top of a ranked list.
type topsView struct {
	// Heads are the column heads after Layer and Figure: "Top 100", ...,
	// "Whole list".
	Heads []string
	Rows  []topsRow
}

type topsRow struct {
	Layer, ID, Figure string
	Values            []string
}

// topFigures computes the key figures (largest provider and its share,
// HHI, critical rate) of each layer over the domains ranked in the top
// 100 and top 1,000 (metrics.Compute on those domains of top, the
// domains ranked up to TopRank), beside the whole list. It returns nil
// when no domain has a rank or the list is not longer than the smallest
// cut.
func topFigures(top []classify.Result, sum *metrics.Summary, labels productLabels) *topsView {
	var layers []catalog.Layer
	for _, ls := range sum.Layers {
		layers = append(layers, ls.Layer)
	}
	var sums []*metrics.Summary
	tv := &topsView{}
	for _, c := range topCuts {
		if sum.Domains <= c {
			break
		}
		var sub []classify.Result
		for _, r := range top {
			if r.Rank > 0 && r.Rank <= c {
				sub = append(sub, r)
			}
		}
		if len(sub) == 0 {
			break
		}
		sums = append(sums, metrics.Compute(sub, metrics.Options{Layers: layers}))
		tv.Heads = append(tv.Heads, "Top "+count(c))
	}
	if len(sums) == 0 {
		return nil
	}
	sums = append(sums, sum)
	tv.Heads = append(tv.Heads, "Whole list")
	for i, ls := range sum.Layers {
		name := layerName(ls.Layer)
		id := "layer-" + anchor(string(ls.Layer))
		top, hhi, crit := topsRow{Layer: name, ID: id, Figure: "Largest provider (share)"},
			topsRow{Figure: "HHI"}, topsRow{Figure: "Critically dependent"}
		for _, s := range sums {
			l := &s.Layers[i]
			t := "—"
			if r := topThirdParty(l); r != nil {
				t = fmt.Sprintf("%s (%s)", labels.of(l.Layer, r.Provider, r.Catalogued), pctF(r.Share))
			}
			top.Values = append(top.Values, t)
			h := "—"
			if l.Providers > 0 {
				h = decimal(l.HHI, 0)
			}
			hhi.Values = append(hhi.Values, h)
			crit.Values = append(crit.Values, pct(l.CriticalDomains, l.Known))
		}
		tv.Rows = append(tv.Rows, top, hhi, crit)
	}
	return tv
}
