package pipeline

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
)

// writeSpool writes spofs into a spool file as DuckDBEngine's spof does.
func writeSpool(t *testing.T, spofs []graph.SPOF) *spofSpool {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spof.spool")
	var b []byte
	for i := range spofs {
		b = appendSPOF(b, &spofs[i])
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return &spofSpool{path: path, domains: len(spofs)}
}

// TestSPOFSpool checks that the spool gives back the single points of
// failure written into it, in order, hostile names (separators,
// newlines, invalid UTF-8, empty and long strings) unchanged, and that a
// cut file is an error, not a shorter list.
func TestSPOFSpool(t *testing.T) {
	want := []graph.SPOF{
		{Domain: "a.example", Rank: 1, Providers: []string{"cloudflare"}, AllOnOne: "cloudflare", NoEscapeHatch: "cloudflare"},
		{Domain: "=b;\n\"c\"\xff.example", Rank: 0, Providers: []string{"x;y", "", strings.Repeat("z", 70000)}},
		{Domain: "", Rank: -3, Providers: []string{}},
		{Domain: "d.example", Rank: 1 << 40, Providers: []string{"p"}, NoEscapeHatch: "p"},
	}
	sp := writeSpool(t, want)
	var got []graph.SPOF
	if err := sp.rows(func(s graph.SPOF) bool {
		s.Providers = append([]string{}, s.Providers...) // the reader reuses them
		got = append(got, s)
		return true
	}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("spool gave\n%.200v\nwant\n%.200v", got, want)
	}
	// Stopping early is no error.
	n := 0
	if err := sp.rows(func(graph.SPOF) bool { n++; return false }); err != nil || n != 1 {
		t.Errorf("stopped after %d rows: %v", n, err)
	}

	// domains.csv's column: the companies of the domains that have a
	// single point of failure, "" for the others between them.
	col, err := sp.column()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ domain, want string }{
		{"0.example", ""}, {"a.example", "cloudflare"}, {"a2.example", ""},
		{want[1].Domain, "x;y;" + ";" + strings.Repeat("z", 70000)}, {"", ""}, {"d.example", "p"}, {"e.example", ""},
	} {
		if got := col.of(c.domain); got != c.want {
			t.Errorf("column of %q = %.40q, want %.40q", c.domain, got, c.want)
		}
	}
	if err := col.Close(); err != nil {
		t.Error(err)
	}
	// No spool (no DuckDB run): an empty column.
	none, err := (*spofSpool)(nil).column()
	if err != nil || none.of("a.example") != "" || none.Close() != nil {
		t.Error("the column without a spool")
	}

	// Every cut but the one between records is an error.
	full, err := os.ReadFile(sp.path)
	if err != nil {
		t.Fatal(err)
	}
	ends := map[int]bool{}
	var b []byte
	for i := range want {
		b = appendSPOF(b, &want[i])
		ends[len(b)] = true
	}
	for cut := 1; cut < len(full); cut++ {
		if ends[cut] || (cut > 300 && cut%997 != 0) {
			continue
		}
		if err := os.WriteFile(sp.path, full[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		if err := sp.rows(func(graph.SPOF) bool { return true }); err == nil {
			t.Errorf("a spool cut at %d of %d bytes read without error", cut, len(full))
		}
	}
}
