package reports

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// TestSPOFSummary checks the figures counted from single points of
// failure against ones counted by hand: ten domains with DNS and CDN on
// "cdnco" (more than escapeExamples, so the examples stop at the eighth),
// two on "other", one all on one company, one with neither.
func TestSPOFSummary(t *testing.T) {
	var spofs []graph.SPOF
	for i := range 10 {
		spofs = append(spofs, graph.SPOF{Domain: fmt.Sprintf("d%d.example", i), Rank: i + 1, Providers: []string{"cdnco"}, NoEscapeHatch: "cdnco"})
		if i == 2 {
			// "other" appears first here, before cdnco's third domain.
			spofs = append(spofs, graph.SPOF{Domain: "o1.example", Rank: 100, Providers: []string{"other"}, NoEscapeHatch: "other", AllOnOne: "other"})
		}
	}
	spofs = append(spofs,
		graph.SPOF{Domain: "o2.example", Rank: 101, Providers: []string{"other", "x"}, NoEscapeHatch: "other"},
		graph.SPOF{Domain: "plain.example", Rank: 102, Providers: []string{"x"}})
	want := &SPOFSummary{Domains: 13, AllOnOne: 1, NoEscapeHatch: 12, Escape: []SPOFEscape{
		{Provider: "cdnco", Domains: 10, Examples: []string{"d0.example", "d1.example", "d2.example", "d3.example", "d4.example", "d5.example", "d6.example", "d7.example"}},
		{Provider: "other", Domains: 2, Examples: []string{"o1.example", "o2.example"}},
	}}
	if diff := cmp.Diff(want, SummarizeSPOF(spofs)); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	// Two companies with as many domains: the one seen first first.
	tie := SummarizeSPOF([]graph.SPOF{
		{Domain: "a", NoEscapeHatch: "zeta"}, {Domain: "b", NoEscapeHatch: "alpha"},
	})
	if len(tie.Escape) != 2 || tie.Escape[0].Provider != "zeta" {
		t.Errorf("tie order: %+v", tie.Escape)
	}
	if got := SummarizeSPOF(nil); got.Domains != 0 || len(got.Escape) != 0 {
		t.Errorf("no SPOF: %+v", got)
	}
}

// TestSPOFStreamed checks that a GraphReport without the list, with its
// rows as a stream and its figures as a summary (DuckDBEngine's form),
// writes the spof.csv, the printed summary and the report section of the
// one with the list.
func TestSPOFStreamed(t *testing.T) {
	full := blastFixture()
	full.SPOF = append(full.SPOF, graph.SPOF{Domain: "=x;y\n\"z\".example", Rank: 9, Providers: []string{"a;b", "c"}, NoEscapeHatch: "a;b"})
	full.SPOFSummary = nil
	rows := 0
	streamed := &GraphReport{Graph: full.Graph, Blast: full.Blast, Pairs: full.Pairs, Cycles: full.Cycles,
		SPOFSummary: SummarizeSPOF(full.SPOF),
		SPOFRows: func(yield func(graph.SPOF) bool) error {
			for _, s := range full.SPOF {
				rows++
				if !yield(s) {
					break
				}
			}
			return nil
		}}
	write := func(gr *GraphReport) (csv, summary, html string) {
		var a, b, c bytes.Buffer
		if err := WriteSPOFRows(&a, gr.spofRows()); err != nil {
			t.Fatal(err)
		}
		if err := WriteBlastSummary(&b, gr, 5, nil); err != nil {
			t.Fatal(err)
		}
		run := &Run{Graph: gr}
		if err := WriteHTML(&c, run, nil, metrics.Compute(nil, metrics.Options{})); err != nil {
			t.Fatal(err)
		}
		return a.String(), b.String(), c.String()
	}
	c1, s1, h1 := write(full)
	c2, s2, h2 := write(streamed)
	if c1 != c2 || s1 != s2 || h1 != h2 {
		t.Errorf("streamed SPOF differ:\ncsv %q\n vs %q\nsummary %q\n vs %q", c1, c2, s1, s2)
	}
	if !strings.Contains(h1, "x;y") {
		t.Error("report.html without the domain of no escape hatch")
	}
	if rows != len(full.SPOF) {
		t.Errorf("%d rows streamed, want %d", rows, len(full.SPOF))
	}
	if !strings.Contains(c1, `"'=x;y`) || strings.Count(c1, "\n") != len(full.SPOF)+2 { // the header, a newline in a name
		t.Errorf("spof.csv:\n%s", c1)
	}
	// A failing stream is the writer's error.
	bad := &GraphReport{SPOFRows: func(func(graph.SPOF) bool) error { return fmt.Errorf("spool broken") }}
	if err := WriteSPOFRows(&bytes.Buffer{}, bad.spofRows()); err == nil || !strings.Contains(err.Error(), "spool broken") {
		t.Errorf("error of the stream: %v", err)
	}
}
