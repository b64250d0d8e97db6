package reports

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
)

// The single points of failure of a large list are many (at ten million
// domains, 9.7 million have one): an engine that streams them
// (pipeline.DuckDBEngine) gives the report their figures as an
// SPOFSummary, counted as they pass (SPOFCounter), and spof.csv's rows as
// a RowSource read again when the file is written, so that no list of them
// is held; the Go engine, which has the list, gets both from it.

// SPOFSummary is what the report and the printed summary show of the
// single points of failure: their counts, and the companies that are both
// the DNS and the CDN of domains alone (no escape hatch) with the first
// domains of each.
type SPOFSummary struct {
	// Domains is the number of domains one company can take down alone.
	Domains int
	// AllOnOne is the number of them with every serving layer on one
	// company, NoEscapeHatch the number with DNS and CDN on one.
	AllOnOne, NoEscapeHatch int
	// Escape are the companies of the domains without an escape hatch,
	// most domains first, then in the order of their first domain.
	Escape []SPOFEscape
}

// SPOFEscape is a company that is the DNS and the CDN of domains alone.
type SPOFEscape struct {
	Provider string
	// Domains is the number of its domains without an escape hatch, and
	// Examples the first escapeExamples of them, in report order.
	Domains  int
	Examples []string
}

// SPOFCounter counts the single points of failure given to Add, in report
// order, into an SPOFSummary. Its memory is bounded by the companies, not
// by the domains. The zero value is ready to use.
type SPOFCounter struct {
	sum   SPOFSummary
	index map[string]int // company -> its entry in sum.Escape
}

// Add counts s.
func (c *SPOFCounter) Add(s *graph.SPOF) {
	c.sum.Domains++
	if s.AllOnOne != "" {
		c.sum.AllOnOne++
	}
	p := s.NoEscapeHatch
	if p == "" {
		return
	}
	c.sum.NoEscapeHatch++
	if c.index == nil {
		c.index = map[string]int{}
	}
	i, ok := c.index[p]
	if !ok {
		i = len(c.sum.Escape)
		c.index[p] = i
		c.sum.Escape = append(c.sum.Escape, SPOFEscape{Provider: p})
	}
	e := &c.sum.Escape[i]
	e.Domains++
	if len(e.Examples) < escapeExamples {
		e.Examples = append(e.Examples, s.Domain)
	}
}

// Summary returns the figures counted so far.
func (c *SPOFCounter) Summary() *SPOFSummary {
	out := c.sum
	out.Escape = slices.Clone(c.sum.Escape)
	// Stable: companies with as many domains stay in the order of their
	// first domain.
	slices.SortStableFunc(out.Escape, func(a, b SPOFEscape) int { return cmp.Compare(b.Domains, a.Domains) })
	return &out
}

// SummarizeSPOF counts the single points of failure of spofs.
func SummarizeSPOF(spofs []graph.SPOF) *SPOFSummary {
	var c SPOFCounter
	for i := range spofs {
		c.Add(&spofs[i])
	}
	return c.Summary()
}

// spofSummary returns gr's SPOFSummary, counted from gr.SPOF when it has
// none.
func (gr *GraphReport) spofSummary() *SPOFSummary {
	if gr.SPOFSummary != nil {
		return gr.SPOFSummary
	}
	return SummarizeSPOF(gr.SPOF)
}

// spofRows returns the rows of spof.csv: gr.SPOFRows, or gr.SPOF when it
// has none.
func (gr *GraphReport) spofRows() RowSource[graph.SPOF] {
	if gr.SPOFRows != nil {
		return gr.SPOFRows
	}
	return func(yield func(graph.SPOF) bool) error {
		for _, s := range gr.SPOF {
			if !yield(s) {
				break
			}
		}
		return nil
	}
}

// WriteSPOF writes spof.csv.
func WriteSPOF(w io.Writer, spofs []graph.SPOF) error {
	return WriteSPOFRows(w, (&GraphReport{SPOF: spofs}).spofRows())
}

// WriteSPOFRows writes spof.csv from a stream of its rows.
func WriteSPOFRows(w io.Writer, src RowSource[graph.SPOF]) error {
	return writeSource(w, func(yield func(SPOFRow) bool) error {
		return src(func(s graph.SPOF) bool {
			return yield(SPOFRow{Domain: s.Domain, Rank: s.Rank, Providers: strings.Join(s.Providers, ";"), AllOnOne: s.AllOnOne, NoEscapeHatch: s.NoEscapeHatch})
		})
	})
}

// writeCells writes the cells of r (csvenc.go), as its codec would.
func (r *SPOFRow) writeCells(e *rowWriter) {
	e.str(r.Domain)
	e.int(r.Rank)
	e.str(r.Providers)
	e.str(r.AllOnOne)
	e.str(r.NoEscapeHatch)
}
