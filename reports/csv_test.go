package reports

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

func TestNeutralize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "cloudflare", "cloudflare"},
		{"number", "0.25", "0.25"},
		{"equals", "=1+1", "'=1+1"},
		{"hyperlink", `=HYPERLINK("http://x")`, `'=HYPERLINK("http://x")`},
		{"plus", "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"inside is fine", "a=b", "a=b"},
		{"leading space kept", " =1", " =1"},
		{"newline is quoted, not prefixed", "\n=1", "\n=1"},
		{"already quoted", "'=1", "'=1"},
		{"invalid utf-8", "a\xffb", "a\uFFFDb"},
		{"invalid utf-8 then formula", "\xff=1", "\uFFFD=1"},
		{"unicode", "bücher.example", "bücher.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Neutralize(tt.in); got != tt.want {
				t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// dangerous reports whether a cell read back from a CSV file could start
// a spreadsheet formula.
func dangerous(cell string) bool {
	return cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0]))
}

// readCSV parses a CSV output, failing the test when it is not RFC 4180.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b))
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, b)
	}
	return rows
}

type csvWriter struct {
	name  string
	write func(io.Writer, []classify.Result, *metrics.Summary) error
}

var csvWriters = []csvWriter{
	{DomainsFile, func(w io.Writer, rs []classify.Result, _ *metrics.Summary) error { return WriteDomains(w, rs) }},
	{DependenciesFile, func(w io.Writer, rs []classify.Result, _ *metrics.Summary) error { return WriteDependencies(w, rs) }},
	{ProvidersFile, func(w io.Writer, _ []classify.Result, s *metrics.Summary) error { return WriteProviders(w, s) }},
	{MetricsFile, func(w io.Writer, _ []classify.Result, s *metrics.Summary) error { return WriteMetrics(w, s) }},
	{SiteCountriesFile, func(w io.Writer, _ []classify.Result, s *metrics.Summary) error { return WriteSiteCountries(w, s) }},
}

func TestGoldenCSV(t *testing.T) {
	results := fixtureResults()
	sum := fixtureSummary()
	for _, cw := range csvWriters {
		t.Run(cw.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := cw.write(&buf, results, sum); err != nil {
				t.Fatal(err)
			}
			goldenCSV(t, cw.name, buf.Bytes())
		})
	}
}

func TestGoldenRun(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRun(&buf, complete(fixtureRun(), fixtureSummary())); err != nil {
		t.Fatal(err)
	}
	goldenJSON(t, RunFile, buf.Bytes())
}

// TestCSVFormat checks the bytes of a file: RFC 4180 line ends and
// quoting, header first.
func TestCSVFormat(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteDomains(&buf, fixtureResults()); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("domain,rank,country,status,error,")) {
		t.Errorf("no header first: %.60q", b)
	}
	if n, crlf := bytes.Count(b, []byte("\n")), bytes.Count(b, []byte("\r\n")); n != crlf || n != 6 {
		t.Errorf("%d line ends, %d of them CRLF; want 6 CRLF (header + 5 domains)", n, crlf)
	}
	if want := `"read udp 192.0.2.53:53: i/o timeout, ""retried"" 3 times"`; !bytes.Contains(b, []byte(want)) {
		t.Errorf("error cell not quoted as RFC 4180 asks: want %s in\n%s", want, b)
	}
}

// TestColumns pins the columns of every file to the documented lists.
func TestColumns(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		DomainsFile: {"domain", "rank", "country", "status", "error",
			"dns_providers", "dns_state", "dns_critical", "cdn_providers", "cdn_state", "cdn_critical",
			"hosting_providers", "hosting_state", "hosting_critical", "email_providers", "email_state", "email_critical",
			"ca_providers", "ca_state", "ca_critical", "tld_providers", "tld", "tld_state", "tld_critical", "spof_providers"},
		DependenciesFile: {"domain", "rank", "layer", "provider", "service", "region", "evidence", "evidence_value", "confidence", "third_party", "catalogued"},
		ProvidersFile:    {"layer", "provider", "catalogued", "domains", "share", "weighted_share", "critical_domains", "critical_share", "share_low", "share_high"},
		MetricsFile: {"layer", "domains", "known", "none", "unattributed", "unresolved", "not_measured", "providers", "self_hosted",
			"hhi", "cr1", "cr3", "cr5", "gini", "entropy_bits", "entropy_norm", "effective_n", "emd",
			"critical_rate", "redundancy_rate", "self_hosted_rate",
			"weighted_hhi", "weighted_cr1", "weighted_cr3", "weighted_cr5", "weighted_gini", "weighted_entropy_bits", "weighted_effective_n",
			"bootstrap", "hhi_low", "hhi_high", "by_suffix", "by_owner_domain", "by_address", "by_self", "by_uncatalogued"},
		SiteCountriesFile: {"country", "layer", "domains", "known", "providers", "hhi", "emd", "top_provider", "top_share"},
	}
	for _, cw := range csvWriters {
		t.Run(cw.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			// No rows at all: the header must still be written.
			if err := cw.write(&buf, nil, &metrics.Summary{}); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, buf.Bytes())
			if len(rows) != 1 {
				t.Fatalf("got %d rows, want the header alone", len(rows))
			}
			if d := cmp.Diff(want[cw.name], rows[0]); d != "" {
				t.Errorf("columns (-want +got):\n%s", d)
			}
		})
	}
}

// missingLayerColumns returns the layers of layers without their three
// columns in header.
func missingLayerColumns(header []string, layers []catalog.Layer) []catalog.Layer {
	var missing []catalog.Layer
	for _, l := range layers {
		for _, suffix := range []string{"_providers", "_state", "_critical"} {
			if !slices.Contains(header, string(l)+suffix) {
				missing = append(missing, l)
				break
			}
		}
	}
	return missing
}

// TestDomainColumnsCoverLayers guards against a layer added to the catalog
// without its columns in domains.csv.
func TestDomainColumnsCoverLayers(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteDomains(&buf, nil); err != nil {
		t.Fatal(err)
	}
	header := readCSV(t, buf.Bytes())[0]
	if m := missingLayerColumns(header, catalog.Layers); len(m) > 0 {
		t.Errorf("domains.csv has no columns for layers %v", m)
	}
	t.Run("check can fail", func(t *testing.T) {
		t.Parallel()
		layers := append(slices.Clone(catalog.Layers), catalog.Layer("dnssec"))
		if m := missingLayerColumns(header, layers); !slices.Equal(m, []catalog.Layer{"dnssec"}) {
			t.Errorf("missingLayerColumns with an extra layer = %v, want [dnssec]", m)
		}
	})
}

func TestOrder(t *testing.T) {
	t.Parallel()
	rs := fixtureResults()
	var a, b bytes.Buffer
	if err := WriteDependencies(&a, rs); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(rs)
	for i := range rs {
		deps := rs[i].DepList()
		slices.Reverse(deps)
		rs[i].SetDeps(deps)
	}
	if err := WriteDependencies(&b, rs); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(a.String(), b.String()); d != "" {
		t.Errorf("dependencies.csv depends on input order (-first +reversed):\n%s", d)
	}
	var domains []string
	for _, row := range readCSV(t, a.Bytes())[1:] {
		if !slices.Contains(domains, row[0]) {
			domains = append(domains, row[0])
		}
	}
	// Ranked by rank (bank 1, uni 2, shop 3); slow (4) and gone (unranked)
	// have no dependency.
	if d := cmp.Diff([]string{"bank.example", "uni.example", "shop.example"}, domains); d != "" {
		t.Errorf("domain order (-want +got):\n%s", d)
	}
}

// TestLargeStream writes more rows than one batch, to check that batches
// join without a second header.
func TestLargeStream(t *testing.T) {
	t.Parallel()
	base := fixtureResults()[0]
	rs := make([]classify.Result, 3*batchSize+7)
	for i := range rs {
		rs[i] = base
		rs[i].Rank = i + 1
	}
	var buf bytes.Buffer
	if err := WriteDomains(&buf, rs); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if len(rows) != len(rs)+1 {
		t.Fatalf("got %d rows, want %d", len(rows), len(rs)+1)
	}
	for i, row := range rows[1:] {
		if row[0] == "domain" {
			t.Fatalf("row %d repeats the header", i+1)
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errWrite
	}
	return len(p), nil
}

var errWrite = errors.New("disk full")

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	rs := make([]classify.Result, 5000)
	for i := range rs {
		rs[i] = fixtureResults()[0]
	}
	sum := fixtureSummary()
	for _, cw := range csvWriters {
		t.Run(cw.name, func(t *testing.T) {
			t.Parallel()
			if err := cw.write(&failWriter{n: 100}, rs, sum); !errors.Is(err, errWrite) {
				t.Errorf("error = %v, want %v", err, errWrite)
			}
		})
	}
}
