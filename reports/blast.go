package reports

import (
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// The files WriteGraph writes, and the file of the whatif command.
const (
	BlastFile         = "blast.csv"
	SPOFFile          = "spof.csv"
	CoDependencyFile  = "codependency.csv"
	ProviderEdgesFile = "provider_edges.csv"
	WhatIfFile        = "whatif.csv"
)

// BlastRow is one row of blast.csv: the blast radius of one element.
type BlastRow struct {
	Kind    graph.Kind `csv:"kind" json:"kind"`
	Element string     `csv:"element" json:"element"`
	// Domains go down when the element fails; Direct + Transitive =
	// Domains.
	Domains    int `csv:"domains" json:"domains"`
	Direct     int `csv:"direct" json:"direct"`
	Transitive int `csv:"transitive" json:"transitive"`
	// Share is Domains / list size; WeightedShare weights each domain
	// 1/rank.
	Share         float64 `csv:"share" json:"share"`
	WeightedShare float64 `csv:"weighted_share" json:"weighted_share"`
	// EmailDomains lose their e-mail; EmailShare is that / list size.
	EmailDomains int     `csv:"email_domains" json:"email_domains"`
	EmailShare   float64 `csv:"email_share" json:"email_share"`
	// Services is the number of services that fail, the element's own
	// included.
	Services int `csv:"services" json:"services"`
	// CADomains and TLDDomains are the domains, among Domains, that go
	// down through their certificate authority (critically dependent on
	// it) or their TLD registry.
	CADomains  int `csv:"ca_domains" json:"ca_domains"`
	TLDDomains int `csv:"tld_domains" json:"tld_domains"`
}

// TopBlastRows returns the rows of the n providers (companies) with the
// largest blast radius that take at least one domain down, largest first:
// what run.json and report.html show.
func TopBlastRows(gr *GraphReport, n int) []BlastRow {
	var top []graph.Blast
	for _, b := range topBlast(gr.Blast, graph.KindProvider) {
		if len(top) == n || b.Domains == 0 {
			break
		}
		top = append(top, b)
	}
	return BlastRows(top)
}

// BlastRows turns blast radii into rows, in their order.
func BlastRows(bs []graph.Blast) []BlastRow {
	out := make([]BlastRow, len(bs))
	for i, b := range bs {
		out[i] = BlastRow{
			Kind: b.Element.Kind, Element: b.Element.String(), Domains: b.Domains, Direct: b.Direct,
			Transitive: b.Transitive, Share: b.Share, WeightedShare: b.WeightedShare,
			EmailDomains: b.EmailFailed, EmailShare: b.EmailShare, Services: b.Services,
			CADomains: b.CADomains, TLDDomains: b.TLDDomains,
		}
	}
	return out
}

// WhatIfRow is one row of whatif.csv: a domain that goes down or loses its
// e-mail in the scenario.
type WhatIfRow struct {
	Domain string `csv:"domain"`
	Rank   int    `csv:"rank"`
	// Down is true when a required layer (dns, cdn, hosting, tld, or ca
	// for a domain critically dependent on its CA) fails.
	Down bool `csv:"down"`
	// Direct is true when the domain goes down through the scenario's
	// elements themselves, false when only through a provider's upstream.
	Direct bool `csv:"direct"`
	// FailedLayers are the required layers that fail, joined by ';'.
	FailedLayers string `csv:"failed_layers"`
	EmailFailed  bool   `csv:"email_failed"`
	// Chain explains the failure: "shop.example -> shopify -> cloudflare".
	Chain string `csv:"chain"`
}

// WhatIfRows turns the rows of an outcome into CSV rows, in their order.
func WhatIfRows(o *graph.Outcome) []WhatIfRow {
	out := make([]WhatIfRow, len(o.Rows))
	for i, r := range o.Rows {
		ls := make([]string, len(r.Layers))
		for j, l := range r.Layers {
			ls[j] = string(l)
		}
		out[i] = WhatIfRow{Domain: r.Domain, Rank: r.Rank, Down: r.Down, Direct: r.Direct,
			FailedLayers: strings.Join(ls, ";"), EmailFailed: r.Email, Chain: strings.Join(r.Chain, " -> ")}
	}
	return out
}

// SPOFRow is one row of spof.csv: a domain one provider can take down.
type SPOFRow struct {
	Domain string `csv:"domain"`
	Rank   int    `csv:"rank"`
	// Providers whose failure alone takes the domain down, joined by ';'.
	Providers string `csv:"spof_providers"`
	// AllOnOne is the provider that serves every required layer alone.
	AllOnOne string `csv:"all_on_one"`
	// NoEscapeHatch is the provider that is both the DNS and the CDN alone.
	NoEscapeHatch string `csv:"no_escape_hatch"`
}

// PairRow is one row of codependency.csv.
type PairRow struct {
	ProviderA string `csv:"provider_a"`
	ProviderB string `csv:"provider_b"`
	// Domains use both; Share is that / list size.
	Domains int     `csv:"domains"`
	Share   float64 `csv:"share"`
	// DownTogether go down only when both fail at once.
	DownTogether int `csv:"down_together"`
}

// EdgeRow is one row of provider_edges.csv.
type EdgeRow struct {
	From     string           `csv:"from"`
	To       string           `csv:"to"`
	Layer    string           `csv:"layer"`
	Source   graph.EdgeSource `csv:"source"`
	Evidence string           `csv:"evidence"`
	Domains  int              `csv:"domains"`
	InCycle  bool             `csv:"in_cycle"`
}

func rowsOf[T any](rows []T) func(func(T) bool) {
	return func(yield func(T) bool) {
		for _, r := range rows {
			if !yield(r) {
				return
			}
		}
	}
}

// WriteBlast writes blast.csv.
func WriteBlast(w io.Writer, rows []BlastRow) error { return writeCSV(w, rowsOf(rows)) }

// WriteWhatIf writes whatif.csv.
func WriteWhatIf(w io.Writer, o *graph.Outcome) error { return writeCSV(w, rowsOf(WhatIfRows(o))) }

// WriteCoDependency writes codependency.csv.
func WriteCoDependency(w io.Writer, pairs []graph.Pair) error {
	return writeCSV(w, func(yield func(PairRow) bool) {
		for _, p := range pairs {
			if !yield(PairRow{ProviderA: p.A, ProviderB: p.B, Domains: p.Domains, Share: p.Share, DownTogether: p.Down}) {
				return
			}
		}
	})
}

// WriteProviderEdges writes provider_edges.csv.
func WriteProviderEdges(w io.Writer, g *graph.Graph) error {
	return writeCSV(w, func(yield func(EdgeRow) bool) {
		for _, e := range g.Edges() {
			if !yield(EdgeRow{From: e.From, To: e.To, Layer: string(e.Layer), Source: e.Source, Evidence: e.Evidence, Domains: e.Domains, InCycle: g.InCycle(e.From, e.To)}) {
				return
			}
		}
	})
}

// CoDependencyPairs is the number of pairs codependency.csv lists.
const CoDependencyPairs = 100

// GraphReport is what WriteGraph writes: computed once by the caller so
// that the summary printed and the files agree.
type GraphReport struct {
	Graph *graph.Graph
	Blast []graph.Blast
	// SPOF are the single points of failure (graph.Graph.SinglePoints).
	// An engine that does not hold them leaves SPOF nil and gives
	// SPOFRows, spof.csv's rows in report order, and SPOFSummary, their
	// figures; when those are nil they are taken from SPOF.
	SPOF        []graph.SPOF
	SPOFRows    RowSource[graph.SPOF]
	SPOFSummary *SPOFSummary
	Pairs       []graph.Pair
	Cycles      [][]string
}

// NewGraphReport computes the blast radius of every element, the single
// points of failure and the co-dependent pairs of g.
func NewGraphReport(g *graph.Graph, workers int) *GraphReport {
	blast, spof, pairs := g.Analyse(workers, CoDependencyPairs)
	return &GraphReport{Graph: g, Blast: blast, SPOF: spof, SPOFSummary: SummarizeSPOF(spof), Pairs: pairs, Cycles: g.Cycles()}
}

// WriteGraph writes blast.csv, spof.csv, codependency.csv,
// provider_edges.csv, regions.csv, asns.csv and countries.csv in dir, each
// atomically.
func WriteGraph(dir string, gr *GraphReport) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{BlastFile, func(w io.Writer) error { return WriteBlast(w, BlastRows(gr.Blast)) }},
		{SPOFFile, func(w io.Writer) error { return WriteSPOFRows(w, gr.spofRows()) }},
		{CoDependencyFile, func(w io.Writer) error { return WriteCoDependency(w, gr.Pairs) }},
		{ProviderEdgesFile, func(w io.Writer) error { return WriteProviderEdges(w, gr.Graph) }},
		{RegionsFile, func(w io.Writer) error { return WriteRegions(w, gr.Blast) }},
		{ASNsFile, func(w io.Writer) error { return WriteASNs(w, gr.Blast) }},
		{CountriesFile, func(w io.Writer) error { return WriteCountries(w, gr.Blast) }},
	}
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

// WriteBlastSummary prints the n providers with the largest blast radius,
// the cycles of the provider graph and the single points of failure, as
// a plain-text table.
//
// names gives the providers' display names (nil: their ids).
func WriteBlastSummary(w io.Writer, gr *GraphReport, n int, names *Names) error {
	ew := &errWriter{w: w}
	total := gr.Graph.Domains()
	ew.printf("\nBlast radius (domains down if the provider fails; %d domains)\n", total)
	ew.printf("  %-24s %9s %7s %9s %7s %10s\n", "provider", "domains", "%", "weighted", "direct", "transitive")
	shown := 0
	for _, b := range topBlast(gr.Blast, graph.KindProvider) {
		if shown == n || b.Domains == 0 {
			break
		}
		shown++
		ew.printf("  %-24s %9d %6.1f%% %8.1f%% %7d %10d\n", names.label(b.Element.Company, names.catalogued(b.Element.Company)), b.Domains, 100*b.Share, 100*b.WeightedShare, b.Direct, b.Transitive)
	}
	sp := gr.spofSummary()
	ew.printf("Single points of failure: %d domains can be taken down by one provider; %d have every layer on one; %d have DNS and CDN on the same one (no escape hatch)\n",
		sp.Domains, sp.AllOnOne, sp.NoEscapeHatch)
	for _, c := range gr.Cycles {
		ew.printf("Provider cycle: %s\n", visible(strings.Join(c, " <-> ")))
	}
	return ew.err
}

// topBlast returns the blast radii of kind, largest first (ties by
// element order), without the CAs and registries (caTLDOnly), which the
// report's section on them shows.
func topBlast(bs []graph.Blast, kind graph.Kind) []graph.Blast {
	var out []graph.Blast
	for _, b := range bs {
		if b.Element.Kind == kind && !caTLDOnly(b) {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b graph.Blast) int { return cmp.Compare(b.Domains, a.Domains) })
	return out
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, a ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, a...)
	}
}

// WriteWhatIfSummary prints the outcome of a scenario: the totals, the
// services that fail and why, and the first n affected domains with their
// chains.
func WriteWhatIfSummary(w io.Writer, o *graph.Outcome, n int) error {
	ew := &errWriter{w: w}
	names := make([]string, len(o.Scenario))
	for i, e := range o.Scenario {
		names[i] = e.String()
	}
	ew.printf("Scenario: %s fail\n", visible(strings.Join(names, " + ")))
	ew.printf("Down: %d of %d domains (%.2f%%; rank-weighted %.2f%%): %d direct, %d through a provider's upstream\n",
		o.Failed, o.Domains, 100*o.Share, 100*o.WeightedShare, o.Direct, o.Transitive)
	ew.printf("E-mail lost: %d domains (%.2f%%)\n", o.EmailFailed, 100*o.EmailShare)
	if len(o.Services) > 0 {
		ew.printf("Services down:\n")
		for _, s := range o.Services {
			switch {
			case s.Direct:
				ew.printf("  %s (in the scenario)\n", visible(s.Service))
			case s.NamesOnly:
				ew.printf("  %s names stop resolving (the DNS of its zones, %s, is down); it runs on for domains that reach its addresses directly\n", visible(s.Service), visible(s.Via))
			default:
				ew.printf("  %s (its %s upstream %s is down)\n", visible(s.Service), s.Layer, visible(s.Via))
			}
		}
	}
	shown := 0
	for _, r := range o.Rows {
		if !r.Down {
			continue
		}
		if shown == n {
			ew.printf("  ... %d more in %s\n", o.Failed-shown, WhatIfFile)
			break
		}
		if shown == 0 {
			ew.printf("Domains down:\n")
		}
		shown++
		ew.printf("  %s\n", visible(strings.Join(r.Chain, " -> ")))
	}
	return ew.err
}
