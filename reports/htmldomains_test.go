package reports

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestDomainTableLimit: the table of domains keeps the first rows up to
// its limit, refuses the others, and says so in the page; a table that
// is not full says nothing.
func TestDomainTableLimit(t *testing.T) {
	cell := func(l catalog.Layer) (classify.State, string) {
		if l == catalog.LayerDNS {
			return classify.StateKnown, "a;b"
		}
		return classify.StateNone, ""
	}
	tb := NewDomainTable(0)
	tb.limit = 3
	for i := range 5 {
		ok := tb.Add(i+1, "d"+string(rune('a'+i))+".example", dnscrawl.StatusOK, cell)
		if ok != (i < 3) {
			t.Errorf("Add of domain %d: %v", i+1, ok)
		}
	}
	lines := strings.Split(strings.TrimSuffix(tb.String(), "\n"), "\n")
	if tb.Rows() != 3 || len(lines) != 4 {
		t.Fatalf("%d rows, %d lines (header included), want 3 and 4:\n%s", tb.Rows(), len(lines), tb.String())
	}
	if want := "3\tdc.example\tok\ta,b\t—\t—\t—\t—\t—"; lines[3] != want {
		t.Errorf("last line %q, want %q", lines[3], want)
	}
	note := tb.note(5)
	if !strings.Contains(note, "first 3 of the 5 domains") {
		t.Errorf("note %q", note)
	}
	if n := NewDomainTable(0).note(5); n != "" {
		t.Errorf("a table that is not full has a note: %q", n)
	}

	// In the page: the note beside the table.
	results := fixtureResults()
	doms := NewHTMLDomains(fixtureRun(), results)
	doms.Table = tb
	var buf bytes.Buffer
	if err := WriteHTMLDomains(&buf, fixtureRun(), doms, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "The table holds the first 3 of the 5 domains") {
		t.Errorf("report.html has no note on the full table")
	}
}

// TestHTMLDomainsNil: a page without the parts on the domains (an engine
// that gives none) is still written, with an empty table.
func TestHTMLDomainsNil(t *testing.T) {
	results := fixtureResults()
	var buf bytes.Buffer
	if err := WriteHTMLDomains(&buf, fixtureRun(), nil, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<pre class=\"tsv\" id=\"dt-data\" hidden>rank\tdomain\tstatus\tDNS") {
		t.Error("no table header in the page without domains")
	}
}

// TestDomainTablePieces: a table larger than a piece is kept in pieces of
// whole lines, which AddResult and Add write alike; together they are the
// table's text, and the page holds that text escaped as one string would
// be (a hostile name's "<" and "&" included).
func TestDomainTablePieces(t *testing.T) {
	t.Parallel()
	r := classify.Result{Domain: "<b>&x.example", Rank: 1, Status: dnscrawl.StatusOK,
		States: map[catalog.Layer]classify.State{catalog.LayerDNS: classify.StateKnown, catalog.LayerCDN: classify.StateNone}}
	r.SetDeps([]classify.Dependency{
		{Domain: r.Domain, Layer: catalog.LayerDNS, Provider: "zeta", Service: "dns"},
		{Domain: r.Domain, Layer: catalog.LayerDNS, Provider: "alpha", Service: "dns"},
		{Domain: r.Domain, Layer: catalog.LayerDNS, Provider: "alpha", Service: "dns2"},
	})
	byResult, byCell := NewDomainTable(0), NewDomainTable(0)
	cell := func(l catalog.Layer) (classify.State, string) {
		return r.States[l], strings.Join(r.Providers(l), ";")
	}
	n := 3*tablePiece/40 + 1 // lines of about 40 bytes: more than three pieces
	for range n {
		byResult.AddResult(&r)
		byCell.Add(r.Rank, r.Domain, r.Status, cell)
	}
	pieces := byResult.Pieces()
	if len(pieces) < 3 {
		t.Fatalf("%d pieces, want at least 3", len(pieces))
	}
	for i, p := range pieces {
		if !strings.HasSuffix(p, "\n") || len(p) > tablePiece+200 {
			t.Fatalf("piece %d of %d bytes does not end a line or is too long", i, len(p))
		}
	}
	if byResult.String() != byCell.String() {
		t.Fatal("AddResult and Add wrote different tables")
	}
	line := "1\t<b>&x.example\tok\talpha,zeta\t—\t✕\t✕\t✕\t✕\n"
	if want := strings.Repeat(line, n); !strings.HasSuffix(byResult.String(), want) || strings.Count(byResult.String(), "\n") != n+1 {
		t.Fatalf("table does not end with %d lines %q", n, line)
	}
	var page bytes.Buffer
	if err := template.Must(template.New("t").Parse(`{{range .}}{{.}}{{end}}`)).Execute(&page, pieces); err != nil {
		t.Fatal(err)
	}
	var whole bytes.Buffer
	if err := template.Must(template.New("t").Parse(`{{.}}`)).Execute(&whole, byResult.String()); err != nil {
		t.Fatal(err)
	}
	if page.String() != whole.String() || !strings.Contains(page.String(), "&lt;b&gt;&amp;x.example") {
		t.Fatal("the pieces are not escaped as the whole text")
	}
}
