package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Elements that load or run something, whatever their attributes.
var loadingElements = []string{"script", "link", "iframe", "frame", "object", "embed", "base", "img", "image", "use", "audio", "video", "source", "track", "foreignobject"}

// Attributes whose value is a URL.
var urlAttrs = []string{"src", "href", "srcset", "action", "formaction", "poster", "data", "background", "ping", "cite", "longdesc", "manifest"}

var (
	schemeRe = regexp.MustCompile(`(?i)https?:`)
	cssURLRe = regexp.MustCompile(`(?i)url\s*\(|@import`)
)

// externalRefs returns a description of every reference in doc to a
// resource outside it, and of every script but ours: loading elements,
// URL attributes other than a fragment (#id), url() and @import in
// styles, refresh, and any attribute holding http(s): or starting with //.
// The one script allowed has no attribute and is exactly tableScript.
func externalRefs(doc []byte) ([]string, error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	var refs []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := strings.ToLower(n.Data)
			ours := name == "script" && len(n.Attr) == 0 && n.FirstChild != nil && n.FirstChild == n.LastChild && n.FirstChild.Data == tableScript
			if slices.Contains(loadingElements, name) && !ours {
				refs = append(refs, "element <"+name+">")
			}
			if name == "style" {
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode && cssURLRe.MatchString(c.Data) {
						refs = append(refs, "url() or @import in <style>")
					}
				}
			}
			for _, a := range n.Attr {
				key, val := strings.ToLower(a.Key), strings.TrimSpace(a.Val)
				switch {
				case slices.Contains(urlAttrs, key) && !strings.HasPrefix(val, "#"):
					refs = append(refs, fmt.Sprintf("%s=%q on <%s>", a.Key, a.Val, name))
				case key == "style" && cssURLRe.MatchString(val):
					refs = append(refs, fmt.Sprintf("url() in style on <%s>", name))
				case key == "http-equiv" && strings.EqualFold(val, "refresh"):
					refs = append(refs, "meta refresh")
				case schemeRe.MatchString(val) || strings.HasPrefix(val, "//"):
					refs = append(refs, fmt.Sprintf("%s=%q on <%s>", a.Key, a.Val, name))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return refs, nil
}

func TestExternalRefsCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		bad  bool
	}{
		{"clean", `<!DOCTYPE html><title>x</title><style>p{color:red}</style><a href="#top">up</a><svg viewBox="0 0 1 1"><path d="M0,0"/></svg>`, false},
		{"url in text is not a reference", `<p>see https://example.com</p>`, false},
		{"external script", `<script src="https://cdn.example/x.js"></script>`, true},
		{"inline script", `<script>alert(1)</script>`, true},
		{"our script", `<script>` + tableScript + `</script>`, false},
		{"our script from elsewhere", `<script src="x.js">` + tableScript + `</script>`, true},
		{"our script and more", `<script>` + tableScript + `;alert(1)</script>`, true},
		{"stylesheet", `<link rel="stylesheet" href="//cdn.example/x.css">`, true},
		{"image", `<img src="http://example.com/p.png">`, true},
		{"data image", `<img src="data:image/png;base64,AAAA">`, true},
		{"style url", `<div style="background:url(https://example.com/i.png)"></div>`, true},
		{"style import", `<style>@import "x.css";</style>`, true},
		{"style font url", `<style>@font-face{font-family:x;src:url(f.woff)}</style>`, true},
		{"svg image", `<svg><image xlink:href="https://example.com/y.png"/></svg>`, true},
		{"svg namespace url", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, true},
		{"link to the web", `<a href="https://example.com">x</a>`, true},
		{"protocol-relative attribute", `<div data-x="//example.com/x"></div>`, true},
		{"refresh", `<meta http-equiv="refresh" content="0; url=https://example.com">`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			refs, err := externalRefs([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := len(refs) > 0; got != tt.bad {
				t.Errorf("externalRefs(%s) = %q; want references: %v", tt.doc, refs, tt.bad)
			}
		})
	}
}

func renderHTML(t *testing.T, run *Run, results []classify.Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, run, results, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestHTMLSelfContained(t *testing.T) {
	t.Parallel()
	doc := renderHTML(t, fixtureRun(), fixtureResults())
	refs, err := externalRefs(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) > 0 {
		t.Errorf("report.html refers to external resources: %q", refs)
	}
	if n := bytes.Count(doc, []byte(`by share of domains"`)); n != 4 {
		t.Errorf("%d share charts, want one per layer with providers (4)", n)
	}
	if n := bytes.Count(doc, []byte(`: Lorenz curve of providers"`)); n != 3 {
		t.Errorf("%d Lorenz curves, want one per layer with two providers or more (3: DNS, hosting, e-mail)", n)
	}
	if !bytes.Contains(doc, []byte(`aria-label="HHI of each layer`)) {
		t.Error("no HHI chart")
	}
	// The script runs only because the policy names its hash.
	h := sha256.Sum256([]byte(tableScript))
	if !bytes.Contains(doc, []byte(`script-src 'sha256-`+base64.StdEncoding.EncodeToString(h[:])+`'`)) {
		t.Error("the Content-Security-Policy does not allow the table script by its hash")
	}
	// The table of domains has every domain, in rank order.
	if !bytes.Contains(doc, []byte("rank\tdomain\tstatus\tDNS\tCDN\tHosting\tE-mail\tCA\tTLD\n1\tbank.example\tok\tamazon,cloudflare\t—\tamazon\tmicrosoft\t✕\t✕\n")) {
		t.Error("the table of domains does not start with bank.example and its providers")
	}
	if !bytes.Contains(doc, []byte("\tgone.example\tnxdomain\t✕\t✕\t✕\t✕\t✕\t✕\n")) {
		t.Error("the table of domains lacks the unresolved domain")
	}
	// vgsvg names the Liberation fonts; the report must use a generic family.
	for _, m := range regexp.MustCompile(`style="font-family:[^;"]*`).FindAll(doc, -1) {
		if string(m) != `style="font-family:sans-serif` {
			t.Errorf("chart font %q is not the generic sans-serif", m)
		}
	}
	if bytes.Contains(doc, []byte("Liberation")) {
		t.Error("report.html names the Liberation fonts")
	}
	for _, want := range []string{
		"Domains in the list<b>5</b>",
		"cloudflare is the only DNS provider of 1 domain (20.0 % of the list).",
		"highly concentrated (2010 bands 1,500 / 2,500); above the 2023 threshold of 1,800",
		"Content-Security-Policy",
		"v0.1.0-test", "2025-11-01", "aws ip-ranges.json", "192.0.2.53:53",
	} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if bytes.Contains(doc, []byte("SIMULATED DATA")) {
		t.Error("banner on a real run")
	}
}

func TestHTMLSimulatedBanner(t *testing.T) {
	t.Parallel()
	run := fixtureRun()
	run.Simulated = true
	doc := renderHTML(t, run, fixtureResults())
	if !bytes.Contains(doc, []byte(`<div class="banner" role="alert">SIMULATED DATA`)) {
		t.Error("no SIMULATED DATA banner on a simulated run")
	}
	if !bytes.Contains(doc, []byte("<title>[SIMULATED]")) {
		t.Error("title does not say simulated")
	}
}

func TestHTMLEmpty(t *testing.T) {
	t.Parallel()
	doc := renderHTML(t, nil, nil)
	for _, want := range []string{"No domain depends on a single third-party provider", "No third-party provider was attributed"} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("empty report lacks %q", want)
		}
	}
}

// TestHTMLGraphSections checks the parts of the report that come from the
// provider graph, on the fixture: bank.example has two DNS providers but
// only amazon for hosting, so amazon, cloudflare and shopify take one
// domain down each, and amazon ranks first by rank-weighted share
// (bank.example is rank 1, shop.example rank 3).
func TestHTMLGraphSections(t *testing.T) {
	t.Parallel()
	run := fixtureRun()
	results := fixtureResults()
	run.Graph = fixtureGraph(t, results)
	doc := renderHTML(t, run, results)
	for _, want := range []string{
		"Largest blast radius<b>If amazon fails, 1 domain goes down (20.0 % of the list).</b>",
		`aria-label="Providers by blast radius, top 3"`,
		`aria-label="Cloud regions by blast radius, top 1"`,
		`aria-label="Domains by layer → their providers → the providers those depend on"`,
		`<dt>Domains one provider can take down alone</dt><dd>2 (40.0 % of the list)</dd>`,
		`<td class="name">cloudflare</td><td class="n">1</td><td class="name">shop.example</td>`,
		"No AS failure takes a domain down",
	} {
		if !bytes.Contains(doc, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	refs, err := externalRefs(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) > 0 {
		t.Errorf("external references: %q", refs)
	}
}

func TestHHIBand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		hhi  float64
		want string
	}{
		{1499, "unconcentrated (2010 bands 1,500 / 2,500); below the 2023 threshold of 1,800"},
		{1500, "moderately concentrated (2010 bands 1,500 / 2,500); below the 2023 threshold of 1,800"},
		{1800, "moderately concentrated (2010 bands 1,500 / 2,500); below the 2023 threshold of 1,800"},
		{1801, "moderately concentrated (2010 bands 1,500 / 2,500); above the 2023 threshold of 1,800"},
		{2500, "moderately concentrated (2010 bands 1,500 / 2,500); above the 2023 threshold of 1,800"},
		{2501, "highly concentrated (2010 bands 1,500 / 2,500); above the 2023 threshold of 1,800"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.hhi), func(t *testing.T) {
			t.Parallel()
			if got := hhiBand(&metrics.LayerSummary{HHI: tt.hhi, Providers: 2}); got != tt.want {
				t.Errorf("hhiBand(%g) = %q, want %q", tt.hhi, got, tt.want)
			}
		})
	}
	if got := hhiBand(&metrics.LayerSummary{}); got != "no third-party provider" {
		t.Errorf("hhiBand without provider = %q", got)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	tests := []struct{ got, want string }{
		{count(0), "0"}, {count(999), "999"}, {count(1000), "1,000"}, {count(-1234567), "-1,234,567"},
		{decimal(3533.5, 0), "3,534"}, {decimal(0.65125, 3), "0.651"}, {decimal(12345.678, 2), "12,345.68"},
		{pct(1, 3), "33.3 %"}, {pct(1, 0), "—"}, {pctF(1), "100.0 %"},
		{visible("ok.example"), "ok.example"}, {visible("a\x00b\x07\x1b"), "a␀b␇␛"}, {visible("x\u202ey"), "x<U+202E>y"},
		{visible("\x7f\u0085\xff"), "␡<U+0085>\uFFFD"},
		{domains(1), "1 domain"}, {domains(1200), "1,200 domains"}, {inSentence("DNS"), "DNS"}, {inSentence("E-mail"), "e-mail"},
		{anchor("Hosting"), "hosting"}, {anchor("a b<c"), "a-b-c"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestCheckSVG(t *testing.T) {
	t.Parallel()
	good, err := barChart("t", "x", []bar{{label: "a", value: 50}, {label: "<b>", value: 20}})
	if err != nil {
		t.Fatalf("barChart: %v", err)
	}
	if err := checkSVG(good); err != nil {
		t.Errorf("checkSVG rejects a chart: %v", err)
	}
	for _, bad := range []string{
		`<svg><script>alert(1)</script></svg>`,
		`<svg><image xlink:href="x.png"/></svg>`,
		`<svg><text onclick="alert(1)">x</text></svg>`,
		`<svg><path style="fill:url(https://example.com/#p)"/></svg>`,
		`<svg><path style="fill:u\72l(x)"/></svg>`,
		`<svg><!-- x --></svg>`,
		`<svg><foreignObject><div>x</div></foreignObject></svg>`,
		`<svg><a href="https://example.com"><text>x</text></a></svg>`,
		`<svg><style>@import "x.css";</style></svg>`,
	} {
		if err := checkSVG([]byte(bad)); !errors.Is(err, errUnsafeSVG) {
			t.Errorf("checkSVG(%s) = %v, want errUnsafeSVG", bad, err)
		}
	}
}

// hostileStrings are what a hostile zone could put in names and answers.
var hostileStrings = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`=HYPERLINK("http://x")`,
	"+cmd|' /C calc'!A0",
	"-2+3",
	"@SUM(1+1)",
	"\t=1",
	"\r=1",
	"a\x00b\x07c\x1b[31md\u202eevil",
	"</style><script>alert(2)</script>",
	"javascript:alert(3)",
}

func hostileResults() []classify.Result {
	var rs []classify.Result
	for i, h := range hostileStrings {
		var deps []dep
		for _, l := range catalog.Layers {
			deps = append(deps, dep{l, h, h, h, classify.EvidenceCNAMESuffix, h, 1})
		}
		rs = append(rs, mkResult(h, i+1, dnscrawl.StatusError, h, deps, nil))
	}
	return rs
}

func TestHostileNames(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	run := fixtureRun()
	run.Input = hostileStrings[0]
	run.Resolvers = hostileStrings
	run.CatalogVersion = hostileStrings[1]
	results := hostileResults()
	// With the graph: hostile names in the blast radius charts, the flow
	// chart and the single points of failure too.
	run.Graph = fixtureGraph(t, results)
	if err := WriteAll(dir, run, results, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}

	t.Run("html", func(t *testing.T) {
		doc, err := os.ReadFile(filepath.Join(dir, HTMLFile))
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range []string{"<img", "</style><script"} {
			if bytes.Contains(bytes.ToLower(doc), []byte(raw)) {
				t.Errorf("report.html contains raw %q", raw)
			}
		}
		// One script element: ours.
		if n := bytes.Count(bytes.ToLower(doc), []byte("<script")); n != 1 || !bytes.Contains(doc, []byte(scriptElement())) {
			t.Errorf("%d script elements, want only ours", n)
		}
		refs, err := externalRefs(doc)
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) > 0 {
			t.Errorf("external references: %q", refs)
		}
		root, err := html.Parse(bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Errorf("event handler attribute %s=%q on <%s>", a.Key, a.Val, n.Data)
					}
					if strings.Contains(strings.ToLower(a.Val), "javascript:") {
						t.Errorf("javascript: URL in %s on <%s>", a.Key, n.Data)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(root)
		for i, c := range doc {
			if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
				t.Errorf("control byte %#x at offset %d", c, i)
				break
			}
		}
		// The names are shown, escaped.
		for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;", "a␀b␇c␛[31md&lt;U+202E&gt;evil"} {
			if !bytes.Contains(doc, []byte(want)) {
				t.Errorf("report.html does not show %q", want)
			}
		}
	})

	for _, name := range []string{DomainsFile, DependenciesFile, ProvidersFile, MetricsFile} {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, b)
			if len(rows) < 2 {
				t.Fatalf("%d rows", len(rows))
			}
			for i, row := range rows {
				for j, cell := range row {
					if dangerous(cell) {
						t.Errorf("row %d column %s: cell %q can start a formula", i, rows[0][j], cell)
					}
				}
			}
			if name == DependenciesFile && !bytes.Contains(b, []byte(`"'=HYPERLINK(""http://x"")"`)) {
				t.Errorf("%s: the HYPERLINK cell is not neutralised", name)
			}
		})
	}
}

func TestWriteAll(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "out")
	results := fixtureResults()
	if err := WriteAll(dir, fixtureRun(), results, fixtureSummary()); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o644 {
			t.Errorf("%s has mode %v, want 0644", e.Name(), info.Mode().Perm())
		}
	}
	want := []string{DependenciesFile, DomainsFile, MetricsFile, ProvidersFile, SiteCountriesFile, HTMLFile, RunFile}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("files %v, want %v (no temporary file left)", names, want)
	}
	// The files are those of the individual writers.
	var buf bytes.Buffer
	if err := WriteDomains(&buf, results); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dir, DomainsFile)); err != nil || !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("domains.csv differs from WriteDomains output (err %v)", err)
	}

	t.Run("errors", func(t *testing.T) {
		if err := WriteAll(dir, nil, results, nil); err == nil {
			t.Error("WriteAll without summary: no error")
		}
		file := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(file, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := WriteAll(file, nil, results, fixtureSummary()); err == nil {
			t.Error("WriteAll into a regular file: no error")
		}
	})
}

// TestHTMLSkippedObservations: the observation lines analyze skipped are
// in the provenance, with the file and the first line numbers, like the
// bad lines of the list.
func TestHTMLSkippedObservations(t *testing.T) {
	t.Parallel()
	run := fixtureRun()
	run.ObservationFiles = append(run.ObservationFiles, ObservationFile{Path: "shard2.jsonl", Observations: 1},
		ObservationFile{Path: "shard3.jsonl", Skipped: MaxSkippedLines + 5, SkippedLines: make([]int, MaxSkippedLines)})
	for i := range MaxSkippedLines {
		run.ObservationFiles[2].SkippedLines[i] = i + 1
	}
	run.Counts.SkippedObservations = 2 + MaxSkippedLines + 5
	doc := renderHTML(t, run, fixtureResults())
	want := "<dt>Observation lines skipped</dt><dd>27 — testdata/observations.jsonl: 2 (lines 3, 8); shard3.jsonl: 25 (lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, …)</dd>"
	if !bytes.Contains(doc, []byte(want)) {
		t.Errorf("report.html lacks %q", want)
	}
	doc = renderHTML(t, nil, fixtureResults())
	if want := "<dt>Observation lines skipped</dt><dd>0</dd>"; !bytes.Contains(doc, []byte(want)) {
		t.Errorf("report.html lacks %q", want)
	}
}
