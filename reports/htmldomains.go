package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// HTMLDomains is what report.html shows of the list's domains besides the
// figures of metrics.Summary and the provider graph of Run.Graph: the
// table of domains, the products that name the providers, the flows of
// the flow chart, the TLDs of each registry and the top-ranked domains
// whose figures the top-of-list table shows. Everything in it is either
// bounded (the table by MaxTableDomains, the top by TopRank) or an
// aggregate, so that an engine that holds no domain in memory can fill
// it: the Go engine gathers it from the classified domains
// (NewHTMLDomains), the DuckDB engine from SQL (pipeline/duckdb_report.go,
// analysis/sql/report.sql), and WriteHTMLDomains writes the same page
// from either.
type HTMLDomains struct {
	// Ranked is true when some domain of the list has a rank.
	Ranked bool
	// Table is the table of domains, in report order, at most
	// MaxTableDomains of them (DomainTable).
	Table *DomainTable
	// Products are the catalogued products the domains use on each
	// layer (ProductsOf), which name the providers.
	Products LayerProducts
	// Flows are the domains using each provider on each layer the flow
	// chart draws (flowLayer), Reach the domains that use a service of a
	// provider which depends on an upstream company (FlowUpstreams).
	Flows []FlowCount
	Reach []ReachCount
	// TLDs are the TLDs of the list each registry of the tld layer runs
	// (the services of its dependencies), in any order.
	TLDs map[string][]string
	// Top are the domains ranked 1 to TopRank, in any order.
	Top []classify.Result
}

// FlowCount is the number of domains using a provider on a layer.
type FlowCount struct {
	Layer    catalog.Layer
	Provider string
	Domains  int
}

// ReachCount is the number of domains that use a service of Provider on
// a layer of the flow chart which depends on a service of Upstream (an
// edge of the provider graph between two companies).
type ReachCount struct {
	Provider, Upstream string
	Domains            int
}

// FlowsOf returns the first step of the flow chart from the figures: the
// domains using each provider on each layer it draws are the providers'
// domains of metrics.Summary (a domain with a dependency on a layer is
// known there, and counts once for each of its providers).
func FlowsOf(sum *metrics.Summary) []FlowCount {
	var out []FlowCount
	for _, ls := range sum.Layers {
		if !flowLayer(ls.Layer) {
			continue
		}
		for _, r := range ls.Rows {
			out = append(out, FlowCount{Layer: ls.Layer, Provider: r.Provider, Domains: r.Domains})
		}
	}
	return out
}

// FlowLayer reports whether the flow chart draws layer l (flowLayer).
func FlowLayer(l catalog.Layer) bool { return flowLayer(l) }

// FlowUpstreams returns, for each service ("company/service") with an
// edge of the provider graph to another company, those companies, each
// once, in the order of the edges.
func FlowUpstreams(edges []graph.ProviderEdge) map[string][]string {
	up := map[string][]string{}
	for _, e := range edges {
		from, _, _ := strings.Cut(e.From, "/")
		to, _, _ := strings.Cut(e.To, "/")
		if from != to && !slices.Contains(up[e.From], to) {
			up[e.From] = append(up[e.From], to)
		}
	}
	return up
}

// NewHTMLDomains gathers the HTMLDomains of the classified domains of a
// run whose provider graph is run.Graph (nil: no flows).
func NewHTMLDomains(run *Run, results []classify.Result) *HTMLDomains {
	var edges []graph.ProviderEdge
	if run != nil && run.Graph != nil && run.Graph.Graph != nil {
		edges = run.Graph.Graph.Edges()
	}
	var products LayerProducts
	if run != nil && run.Names != nil {
		products = run.Names.Products
	}
	return HTMLDomainsOf(results, edges, products)
}

// HTMLDomainsOf is NewHTMLDomains without the run: edges are the provider
// edges of the graph (those graph.Build is given, which it keeps), so
// that it can run beside the building of the graph; products are those
// of the run's Names when the engine gathered them already (ProductsOf
// over the same results), nil to gather them.
func HTMLDomainsOf(results []classify.Result, edges []graph.ProviderEdge, products LayerProducts) *HTMLDomains {
	h := &HTMLDomains{
		Table:    NewDomainTable(min(len(results), MaxTableDomains)),
		Products: LayerProducts{},
		TLDs:     map[string][]string{},
	}
	if products != nil {
		h.Products, products = products, nil
	} else {
		products = h.Products
	}
	// One pass over the dependencies for the products, the flows and the
	// TLDs: decoding them is most of the cost.
	fc := newFlowCounter(edges)
	for i := range results {
		r := &results[i]
		h.Ranked = h.Ranked || r.Rank > 0
		for _, d := range r.Deps() {
			if products != nil {
				products.add(&d)
			}
			fc.add(&d)
			if d.Layer == catalog.LayerTLD && !slices.Contains(h.TLDs[d.Provider], d.Service) {
				h.TLDs[d.Provider] = append(h.TLDs[d.Provider], d.Service)
			}
		}
		fc.next()
		if r.Rank > 0 && r.Rank <= TopRank {
			h.Top = append(h.Top, *r)
		}
	}
	h.Flows, h.Reach = fc.counts()
	for _, r := range sortedResults(results) {
		if !h.Table.AddResult(r) {
			break
		}
	}
	return h
}

// DomainTable is the table of domains of report.html as tab-separated
// lines: a header, then one line per domain added, at most
// MaxTableDomains (the rest are in domains.csv only).
type DomainTable struct {
	// The lines are kept in pieces of about tablePiece bytes, ended
	// lines each, so that the text of a million domains (70 MB) is never
	// copied into a larger buffer as it grows, nor made into one string
	// for the page: full holds the pieces done, b the one being written.
	full  []string
	b     strings.Builder
	rows  int
	limit int
	provs [][]string // AddResult's providers of each of domainLayers, reused
	// states are AddResult's states of the results' maps.
	states layerStates
}

// tablePiece is the size of the pieces of a DomainTable's text.
const tablePiece = 1 << 20

// MaxTableDomains bounds the domains in the table of report.html (about
// 75 bytes each): the first ones in report order; domains.csv has all.
const MaxTableDomains = 1_000_000

// tableLineBytes is the room made for each line of the first piece of
// the table: its lines are 74.5 bytes on average on the simulated million
// (simnet names and providers).
const tableLineBytes = 80

// NewDomainTable returns a table with its header line, with room for
// about rows lines.
func NewDomainTable(rows int) *DomainTable {
	t := &DomainTable{limit: MaxTableDomains, provs: make([][]string, len(domainLayers))}
	t.b.Grow(min(tableLineBytes*(rows+1), tablePiece+tablePiece/8))
	t.b.WriteString("rank\tdomain\tstatus")
	for _, l := range catalog.Layers {
		t.b.WriteByte('\t')
		t.b.WriteString(layerName(l))
	}
	t.b.WriteByte('\n')
	return t
}

// Rows returns the number of domains in the table.
func (t *DomainTable) Rows() int { return t.rows }

// Add adds the line of a domain (domains must come in report order);
// cell gives its state and its providers on a layer as domains.csv
// writes them (joined by ';'). It returns false, adding nothing, when
// the table is full.
func (t *DomainTable) Add(rank int, domain string, status dnscrawl.Status, cell func(catalog.Layer) (classify.State, string)) bool {
	if t.rows >= t.limit {
		return false
	}
	t.rows++
	t.begin(rank, domain, status)
	for _, l := range catalog.Layers {
		st, providers := cell(l)
		if t.state(st) {
			t.providers(providers)
		}
	}
	t.endLine()
	return true
}

// AddResult adds the line of r as Add does with the providers of
// classify.Result.Providers, found in one pass over r's dependencies.
func (t *DomainTable) AddResult(r *classify.Result) bool {
	if t.rows >= t.limit {
		return false
	}
	t.rows++
	providersByLayer(r, t.provs)
	t.begin(r.Rank, r.Domain, r.Status)
	states := t.states.of(r)
	for li := range domainLayers {
		if !t.state(states[li]) {
			continue
		}
		for i, p := range t.provs[li] {
			if i > 0 {
				t.b.WriteByte(',')
			}
			t.providers(p)
		}
	}
	t.endLine()
	return true
}

// note says that the table, full, leaves out domains of a list of total;
// "" when it is not full.
func (t *DomainTable) note(total int) string {
	if t.rows < t.limit || total <= t.rows {
		return ""
	}
	return fmt.Sprintf("The table holds the first %s of the %s domains (at most %s, in this order); domains.csv has them all.", count(t.rows), count(total), count(t.limit))
}
