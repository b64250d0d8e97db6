package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// layerResults is a list with the ca and tld layers: a.com and b.com
// under Verisign's .com, c.de under DENIC, one CA each for a.com and c.de,
// b.com not probed, and a CA whose name is a formula with markup.
func layerResults() []classify.Result {
	const (
		dns, ca, tld = catalog.LayerDNS, catalog.LayerCA, catalog.LayerTLD
		ns           = classify.EvidenceNSSuffix
		issuer, tev  = classify.EvidenceIssuer, classify.EvidenceTLD
	)
	return []classify.Result{
		mkResult("a.com", 1, dnscrawl.StatusOK, "", []dep{
			{dns, "cloudflare", "dns", "", ns, "ada.ns.cloudflare.com", 1},
			{ca, "letsencrypt", "ca", "", issuer, "O=Let's Encrypt", 1},
			{tld, "verisign", "com", "", tev, ".com VeriSign Global Registry Services", 1},
		}, nil),
		mkResult("b.com", 2, dnscrawl.StatusOK, "", []dep{
			{dns, "cloudflare", "dns", "", ns, "ada.ns.cloudflare.com", 1},
			{tld, "verisign", "com", "", tev, ".com VeriSign Global Registry Services", 1},
		}, map[catalog.Layer]classify.State{ca: metrics.StateNotMeasured}),
		mkResult("c.de", 3, dnscrawl.StatusOK, "", []dep{
			{dns, "amazon", "route53", "", ns, "ns-1.awsdns-01.org", 1},
			{ca, "=cmd|'<b>x</b>'", "ca", "", issuer, "O==cmd", 0.7},
			{tld, "denic", "de", "", tev, ".de DENIC eG", 1},
		}, nil),
	}
}

func TestLayersOutputs(t *testing.T) {
	t.Parallel()
	results := layerResults()
	countries := map[string]string{"a.com": "US", "b.com": "US", "c.de": "DE"}
	sum := metrics.Compute(results, metrics.Options{Countries: countries})
	gr := NewGraphReport(graph.Build(results, nil, nil), 1)
	run := &Run{Graph: gr, SiteCountries: countries, BlastRadius: TopBlastRows(gr, 10)}
	dir := t.TempDir()
	if err := WriteAll(dir, run, results, sum); err != nil {
		t.Fatal(err)
	}
	if err := WriteGraph(dir, gr); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	domains := readCSV(t, []byte(read(DomainsFile)))
	col := columnIndex(domains[0])
	cell := func(row int, name string) string { return domains[row][col[name]] }
	// Rows by rank: a.com, b.com, c.de.
	for _, c := range []struct {
		row        int
		name, want string
	}{
		{1, "country", "US"}, {1, "ca_providers", "letsencrypt"}, {1, "ca_state", "known"}, {1, "ca_critical", "true"},
		{1, "tld_providers", "verisign"}, {1, "tld", "com"}, {1, "tld_critical", "true"},
		{2, "ca_state", "not_measured"}, {2, "ca_providers", ""},
		{3, "country", "DE"}, {3, "ca_providers", "'=cmd|'<b>x</b>'"}, {3, "tld", "de"},
	} {
		if got := cell(c.row, c.name); got != c.want {
			t.Errorf("domains.csv row %d %s = %q, want %q", c.row, c.name, got, c.want)
		}
	}
	// metrics.csv: the ca row counts b.com as not measured, outside the
	// base: 2 known, letsencrypt and the other CA.
	m := readCSV(t, []byte(read(MetricsFile)))
	mcol := columnIndex(m[0])
	for _, r := range m[1:] {
		switch r[0] {
		case "ca":
			if r[mcol["known"]] != "2" || r[mcol["not_measured"]] != "1" || r[mcol["emd"]] != "0" {
				t.Errorf("metrics.csv ca row %v: want known 2, not_measured 1, emd 0", r)
			}
		case "tld":
			// verisign 2, denic 1: N = 3, F = 2/3, 1, 1: gaps 1/3 + 1/3 + 0, × 1/3 = 2/9.
			if r[mcol["known"]] != "3" || !strings.HasPrefix(r[mcol["emd"]], "0.2222222") {
				t.Errorf("metrics.csv tld row %v: want known 3, emd 2/9", r)
			}
		}
	}
	// blast.csv: verisign takes down the two .com domains through tld.
	b := readCSV(t, []byte(read(BlastFile)))
	bcol := columnIndex(b[0])
	found := false
	for _, r := range b[1:] {
		if r[bcol["element"]] == "verisign" {
			found = true
			if r[bcol["domains"]] != "2" || r[bcol["tld_domains"]] != "2" || r[bcol["ca_domains"]] != "0" {
				t.Errorf("blast.csv verisign row %v: want 2 domains, 2 through tld", r)
			}
		}
	}
	if !found {
		t.Error("blast.csv has no verisign row")
	}
	// The headline list leaves out the CA and the registries (their own
	// section shows them); cloudflare, a DNS provider, stays.
	var top []string
	for _, r := range run.BlastRadius {
		top = append(top, r.Element)
	}
	if strings.Join(top, " ") != "cloudflare amazon" {
		t.Errorf("top blast radius %v, want cloudflare then amazon", top)
	}
	sc := read(SiteCountriesFile)
	if !strings.Contains(sc, "DE,tld,1,1,1,10000,0,denic,1\r\n") || !strings.Contains(sc, "US,ca,2,1,1,10000,0,letsencrypt,1\r\n") {
		t.Errorf("site_countries.csv:\n%s", sc)
	}

	html := read(HTMLFile)
	for _, want := range []string{
		`<section id="ca-tld">`, `<table id="ca-table">`, `<table id="tld-table">`, `id="ca-not-measured"`,
		`<section id="site-countries">`, `<td class="name">Germany (DE)</td>`,
		`<td>EMD</td>`, `<td>Not measured</td>`, "\tn/m\t",
		`<td class="name">.com</td>`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(html, "<b>x</b>") {
		t.Error("a CA name's markup reached report.html unescaped")
	}
}

// TestLayersReportText: with the catalog's names, the CA and registry
// tables name each as its layer's table does, never by id; the at a
// glance table has the EMD beside the HHI; the navigation links to the
// new sections; the methodology defines the five states and the EMD, and
// the flow chart's caption says which layers it draws.
func TestLayersReportText(t *testing.T) {
	t.Parallel()
	results := layerResults()
	countries := map[string]string{"a.com": "US", "b.com": "US", "c.de": "DE"}
	sum := metrics.Compute(results, metrics.Options{Countries: countries})
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	gr := NewGraphReport(graph.Build(results, cat, nil), 1)
	run := &Run{Graph: gr, SiteCountries: countries, BlastRadius: TopBlastRows(gr, 10), Names: testNames(t)}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, run, results, sum); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	names := func(section, table string) []string {
		t.Helper()
		var out []string
		for _, row := range strings.Split(between(t, between(t, doc, section, "</section>"), table, "</table>"), "<tr>")[2:] {
			name, _, _ := strings.Cut(strings.TrimPrefix(row, `<td class="name">`), "<")
			out = append(out, name)
		}
		return out
	}
	for _, c := range []struct{ layer, table string }{{"layer-ca", `id="ca-table"`}, {"layer-tld", `id="tld-table"`}} {
		inLayer := names(`<section class="layer" id="`+c.layer+`">`, `<table class="providers`)
		inSection := names(`<section id="ca-tld">`, c.table)
		if len(inSection) != 2 || len(inLayer) != 2 {
			t.Errorf("%s names %q, the %s section %q; want two each", c.table, inSection, c.layer, inLayer)
		}
		for _, n := range inSection {
			if !slices.Contains(inLayer, n) {
				t.Errorf("%s names %q, which the %s section does not (it has %q)", c.table, n, c.layer, inLayer)
			}
			if n == "letsencrypt" || n == "verisign" || n == "denic" {
				t.Errorf("%s names %q by its id", c.table, n)
			}
		}
	}
	glance := between(t, doc, "<caption>At a glance</caption>", "</table>")
	if !strings.Contains(glance, `<th class="n">HHI</th><th>Reading (HHI)</th><th class="n">EMD</th>`) {
		t.Errorf("At a glance has no EMD column beside the HHI:\n%s", glance)
	}
	// tld: verisign 2 of 3, denic 1: EMD 2/9 (see TestLayersOutputs).
	if !strings.Contains(glance, `<td class="n">0.222</td>`) {
		t.Errorf("At a glance lacks the tld EMD 0.222:\n%s", glance)
	}
	nav := between(t, doc, "<nav>", "</nav>")
	for _, want := range []string{`href="#ca-tld"`, `href="#site-countries"`} {
		if !strings.Contains(nav, want) {
			t.Errorf("navigation lacks %s: %s", want, nav)
		}
	}
	method := between(t, doc, `<section id="methodology">`, "</section>")
	for _, want := range []string{"<em>not measured</em>", "<dt>EMD (Earth Mover's Distance)</dt>", "The states add up"} {
		if !strings.Contains(method, want) {
			t.Errorf("methodology lacks %q", want)
		}
	}
	if strings.Contains(method, "four add up") {
		t.Error("methodology still counts four states")
	}
	if flow := between(t, doc, `<figure class="wide">`, "</figure>"); !strings.Contains(flow, "DNS together") || !strings.Contains(flow, `href="#ca-tld"`) {
		t.Errorf("flow chart caption does not say which layers it draws:\n%s", between(t, flow, "<figcaption>", "</figcaption>"))
	}
}

// TestLayersNoProbeNoSection: a list without ca or tld data has neither
// section nor a country table.
func TestLayersNoProbeNoSection(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, fixtureRun(), fixtureResults(), metrics.Compute(fixtureResults(), metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`id="ca-tld"`, `id="site-countries"`} {
		if bytes.Contains(buf.Bytes(), []byte(s)) {
			t.Errorf("report.html has %s without the data", s)
		}
	}
}

// columnIndex maps the names of a CSV header to their positions.
func columnIndex(header []string) map[string]int {
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[h] = i
	}
	return col
}

// TestCriticalHeadlineSkipsTLD: the headline's largest critical
// dependency is never a TLD registry (every domain has one alone): with
// Verisign the only registry of three domains and Cloudflare the only DNS
// provider of two, the headline names Cloudflare.
func TestCriticalHeadlineSkipsTLD(t *testing.T) {
	t.Parallel()
	results := append(layerResults(), mkResult("d.com", 4, dnscrawl.StatusOK, "", []dep{
		{catalog.LayerDNS, "google", "clouddns", "", classify.EvidenceNSSuffix, "ns-cloud-a1.googledomains.com", 1},
		{catalog.LayerTLD, "verisign", "com", "", classify.EvidenceTLD, ".com VeriSign Global Registry Services", 1},
	}, nil))
	got := criticalHeadline(metrics.Compute(results, metrics.Options{}), newProductLabels(nil, results))
	if want := "cloudflare is the only DNS provider of 2 domains (50.0 % of the list)."; got != want {
		t.Errorf("headline %q, want %q", got, want)
	}
}
