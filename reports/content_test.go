package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"regexp"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

func testNames(t *testing.T) *Names {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &Names{Catalog: cat, AS: func(a uint32) string {
		if a == 13335 {
			return "CLOUDFLARENET"
		}
		return ""
	}}
}

func TestNames(t *testing.T) {
	t.Parallel()
	n := testNames(t)
	tests := []struct {
		name, got, want string
	}{
		{"company", n.company("ibm"), "IBM"},
		{"self", n.company(classify.SelfProvider), "self-hosted"},
		{"product with the company's name", n.product("ibm", "ns1"), "IBM NS1 Connect"},
		{"product without it", n.product("digicert", "ultradns"), "DigiCert UltraDNS"},
		{"unknown product", n.product("amazon", classify.UnknownService), "Amazon"},
		{"uncatalogued operator", n.label("example-dns.net", false), "example-dns.net ◦"},
		{"uncatalogued AS operator", n.label("as13335", false), "AS13335 CLOUDFLARENET ◦"},
		{"AS with a name", n.element(graph.Element{Kind: graph.KindASN, ASN: 13335}), "AS13335 CLOUDFLARENET"},
		{"AS without a name", n.element(graph.Element{Kind: graph.KindASN, ASN: 64500}), "AS64500"},
		{"country", n.element(graph.Element{Kind: graph.KindCountry, Country: "US"}), "United States (US)"},
		{"region", n.element(graph.Element{Kind: graph.KindRegion, Company: "amazon", Region: "us-east-1"}), "Amazon us-east-1"},
		{"provider element outside the catalog", n.element(graph.Element{Kind: graph.KindProvider, Company: "example-dns.net"}), "example-dns.net ◦"},
		{"blast row", n.blastElement(graph.KindRegion, "amazon:us-east-1"), "Amazon us-east-1"},
		// Without names: the ids.
		{"nil names", (*Names)(nil).company("ibm"), "ibm"},
		{"nil names AS", (*Names)(nil).asn(13335), "AS13335"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	if len(countryNames) != 249 {
		t.Errorf("%d country names, want the 249 ISO 3166-1 codes", len(countryNames))
	}
}

// TestHTMLNames checks that the report names providers, regions and
// countries as a reader knows them, and that the CSV files keep the ids.
func TestHTMLNames(t *testing.T) {
	t.Parallel()
	run := fixtureRun()
	results := fixtureResults()
	run.Graph = fixtureGraph(t, results)
	run.Names = testNames(t)
	doc := string(renderHTML(t, run, results))
	for _, want := range []string{
		// The product where the list uses one product of the company on
		// the layer; the company where it uses several.
		`<td class="name">Amazon Route 53</td>`,
		`Cloudflare DNS is the only DNS provider of 1 domain`,
		"Largest blast radius<b>If Amazon fails, 1 domain goes down",
		"Amazon us-east-1",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if strings.Contains(doc, `<td class="name">amazon</td>`) {
		t.Error("report.html shows the id amazon in a table")
	}
	// The domain table keeps ids: it is the data, searchable by id.
	if !strings.Contains(doc, "1\tbank.example\tok\tamazon,cloudflare\t") {
		t.Error("the table of domains lost its ids")
	}
}

// TestExecSummary checks the sentences of the executive summary, with
// and without a bootstrap.
func TestExecSummary(t *testing.T) {
	t.Parallel()
	results := fixtureResults()
	for _, boot := range []int{0, 200} {
		t.Run(fmt.Sprintf("bootstrap %d", boot), func(t *testing.T) {
			t.Parallel()
			run := fixtureRun()
			run.Graph = fixtureGraph(t, results)
			run.Names = testNames(t)
			var buf bytes.Buffer
			if err := WriteHTML(&buf, run, results, metrics.Compute(results, metrics.Options{Bootstrap: boot, Seed: 1})); err != nil {
				t.Fatal(err)
			}
			doc := buf.String()
			exec := between(t, doc, `<section class="exec" id="summary"`, `</section>`)
			for _, want := range []string{
				// amazon, cloudflare and shopify take one domain down each.
				"The 3 providers whose failure takes down the most domains: Amazon (1 domain, 20.0 % of the list), ",
				"they have no confidence interval",
				// DNS: bank.example has two providers, shop.example one
				// (cloudflare), uni.example is self-hosted: 1 of 3.
				"On DNS, 1 of the 3 domains with a known DNS provider (33.3 %) have no redundancy",
				"This rate has no interval",
				"If Amazon us-east-1 fails, 1 domain goes down (20.0 % of the list): the cloud region with the largest blast radius.",
			} {
				if !strings.Contains(exec, want) {
					t.Errorf("the summary lacks %q:\n%s", want, exec)
				}
			}
			interval := regexp.MustCompile(`The largest DNS provider, Cloudflare DNS, serves 66\.7 % of the domains with a known DNS provider \(95 % interval \d+\.\d % – \d+\.\d %`)
			if boot > 0 && !interval.MatchString(exec) {
				t.Errorf("the summary lacks the largest DNS provider's share with its interval:\n%s", exec)
			}
			if boot == 0 && !strings.Contains(exec, "serves 66.7 % of the domains with a known DNS provider (no interval: the bootstrap was off)") {
				t.Errorf("the summary does not say that the share has no interval:\n%s", exec)
			}
		})
	}
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		t.Fatalf("no %q", from)
	}
	part, _, _ := strings.Cut(rest, to)
	return part
}

// rankedList returns n domains on cloudflare DNS, with ranks when ranked;
// the top 100 also use self-hosting on DNS, the rest also amazon.
func rankedList(n int, ranked bool) []classify.Result {
	var out []classify.Result
	for i := 1; i <= n; i++ {
		rank := 0
		if ranked {
			rank = i
		}
		deps := []dep{{catalog.LayerDNS, "cloudflare", "dns", "", classify.EvidenceNSSuffix, "ns", 1}}
		if i > 100 && i%2 == 0 {
			deps = append(deps, dep{catalog.LayerDNS, "amazon", "route53", "", classify.EvidenceNSSuffix, "ns", 1})
		}
		if i%10 == 0 {
			deps = []dep{{catalog.LayerDNS, "self", "self", "", classify.EvidenceSelf, "ns", 1}}
		}
		out = append(out, mkResult(fmt.Sprintf("d%04d.example", i), rank, dnscrawl.StatusOK, "", deps,
			map[catalog.Layer]classify.State{catalog.LayerCDN: classify.StateNone, catalog.LayerHosting: classify.StateNone, catalog.LayerEmail: classify.StateNone}))
	}
	return out
}

// TestTopFigures checks that the figures of the top 100 and top 1,000 are
// shown beside the whole list only for a ranked list longer than the cut.
func TestTopFigures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		n        int
		ranked   bool
		want     []string
		wantNone []string
	}{
		{"ranked, longer than 100", 150, true, []string{"<th class=\"n\">Top 100</th><th class=\"n\">Whole list</th>"}, []string{"Top 1,000"}},
		{"ranked, longer than 1,000", 1001, true, []string{"<th class=\"n\">Top 100</th><th class=\"n\">Top 1,000</th><th class=\"n\">Whole list</th>"}, nil},
		{"no ranks", 150, false, nil, []string{"Top 100", `id="top-of-list"`}},
		{"ranked, short", 100, true, nil, []string{"Top 100", `id="top-of-list"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc := string(renderHTML(t, nil, rankedList(tt.n, tt.ranked)))
			for _, w := range tt.want {
				if !strings.Contains(doc, w) {
					t.Errorf("report.html lacks %q", w)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(doc, w) {
					t.Errorf("report.html has %q", w)
				}
			}
		})
	}
	// The top 100 figures are metrics.Compute over the top 100: 90
	// cloudflare of 100 known (10 self-hosted), no amazon there; over the
	// 150, amazon joins 20 of them: 115 critical of 150.
	doc := string(renderHTML(t, nil, rankedList(150, true)))
	table := between(t, doc, `<table id="top-of-list">`, `</table>`)
	for _, want := range []string{
		`<td>Largest provider (share)</td><td class="n">cloudflare (90.0 %)</td><td class="n">cloudflare (90.0 %)</td>`,
		`<td>HHI</td><td class="n">10,000</td>`,
		`<td>Critically dependent</td><td class="n">90.0 %</td><td class="n">76.7 %</td>`,
	} {
		if !strings.Contains(table, want) {
			t.Errorf("top-of-list table lacks %q:\n%s", want, table)
		}
	}
}

// TestShareAgrees checks that the terminal summary, the At a glance
// table, the provider table and providers.csv show the same share for the
// same provider, that self-hosting is in none of the top lists, and that
// CR1, on another base, is explained where it is shown.
func TestShareAgrees(t *testing.T) {
	t.Parallel()
	results := rankedList(150, true) // 15 self-hosted of 150 on DNS
	sum := metrics.Compute(results, metrics.Options{})
	ls, _ := sum.Layer(catalog.LayerDNS)
	top := topThirdParty(ls)
	if top == nil || top.Provider != "cloudflare" {
		t.Fatalf("top DNS provider %+v, want cloudflare", top)
	}
	if approx(top.Share, ls.CR1, 1e-9) {
		t.Fatalf("the fixture has share %v = CR1 %v: it cannot tell the two apart", top.Share, ls.CR1)
	}
	share := pctF(top.Share) // "90.0 %"
	var term bytes.Buffer
	if err := WriteSummary(&term, nil, sum); err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := WriteHTML(&html, nil, results, sum); err != nil {
		t.Fatal(err)
	}
	doc := html.String()
	termShare := fmt.Sprintf("cloudflare %.1f%%", 100*top.Share)
	if !strings.Contains(term.String(), termShare) {
		t.Errorf("terminal summary lacks %q:\n%s", termShare, term.String())
	}
	glance := between(t, doc, "<caption>At a glance</caption>", "</table>")
	if !strings.Contains(glance, `cloudflare <span class="nw">(`+share+`)</span>`) {
		t.Errorf("At a glance lacks cloudflare (%s):\n%s", share, glance)
	}
	if !strings.Contains(doc, `<td class="name">cloudflare</td><td class="n">135</td><td class="n">`+share+`</td>`) {
		t.Errorf("the DNS provider table does not show cloudflare at %s", share)
	}
	var csv bytes.Buffer
	if err := WriteProviders(&csv, sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), fmt.Sprintf("dns,cloudflare,true,135,%v,", top.Share)) {
		t.Errorf("providers.csv has another share for cloudflare:\n%s", csv.String())
	}
	// self is never among the top providers of the terminal, and its
	// share is shown apart.
	for line := range strings.Lines(term.String()) {
		if strings.HasPrefix(line, "dns") && (strings.Contains(line, "self ") || !strings.Contains(line, "10.0%")) {
			t.Errorf("terminal DNS line lists self among the top or lacks the self-hosted share: %q", line)
		}
	}
	if !strings.Contains(term.String(), "Shares: "+shareDefinition) {
		t.Error("terminal summary does not state the definition of a share")
	}
	if !strings.Contains(doc, template.HTMLEscapeString(crReading)) || !strings.Contains(crReading, "not a share of domains") {
		t.Error("the metrics table does not explain that CR1 is on another base")
	}
}

// TestRankColumn checks that the table of domains hides its Rank column
// when the list has no ranks.
func TestRankColumn(t *testing.T) {
	t.Parallel()
	rankHead := regexp.MustCompile(`<th class="n"( hidden)?><button type="button">Rank</button></th>`)
	for _, ranked := range []bool{true, false} {
		doc := string(renderHTML(t, nil, rankedList(5, ranked)))
		m := rankHead.FindStringSubmatch(doc)
		if m == nil {
			t.Fatalf("ranked %v: no Rank head", ranked)
		}
		if hidden := m[1] != ""; hidden == ranked {
			t.Errorf("ranked %v: Rank column hidden %v", ranked, hidden)
		}
		if !ranked && !strings.Contains(doc, "The list has no ranks: ordered by name") {
			t.Error("an unranked list is said to be ordered by rank")
		}
	}
	if !strings.Contains(tableScript, "if (heads[j].hidden) td.hidden = true;") {
		t.Error("the table script does not hide the cells of a hidden column")
	}
}

func TestProductLabels(t *testing.T) {
	t.Parallel()
	n := testNames(t)
	mk := func(deps ...dep) classify.Result {
		return mkResult("x.example", 0, dnscrawl.StatusOK, "", deps, nil)
	}
	ns := classify.EvidenceNSSuffix
	results := []classify.Result{
		mk(dep{catalog.LayerDNS, "digicert", "ultradns", "", ns, "", 1}),
		mk(dep{catalog.LayerDNS, "digicert", "dnsmadeeasy", "", ns, "", 1}),
		mk(dep{catalog.LayerDNS, "ibm", "ns1", "", ns, "", 1}),
		mk(dep{catalog.LayerDNS, "amazon", "route53", "", ns, "", 1}, dep{catalog.LayerDNS, "microsoft", "azuredns", "", ns, "", 1}),
		mk(dep{catalog.LayerDNS, "microsoft", classify.UnknownService, "", classify.EvidenceOwnerDomain, "", 1}),
	}
	pl := newProductLabels(n, results)
	for _, tt := range []struct{ id, want string }{
		{"digicert", "DigiCert (DNS Made Easy, UltraDNS)"},
		{"ibm", "IBM NS1 Connect"},
		{"amazon", "Amazon Route 53"},
		{"microsoft", "Microsoft"},
		{"self", "self-hosted"},
	} {
		if got := pl.of(catalog.LayerDNS, tt.id, true); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.id, got, tt.want)
		}
	}
	if got := pl.of(catalog.LayerDNS, "example-dns.net", false); got != "example-dns.net ◦" {
		t.Errorf("uncatalogued: %q", got)
	}
}

// TestBlastSummaryNames: the terminal's blast radius list names the
// companies as the report does, and falls back to ids without names.
func TestBlastSummaryNames(t *testing.T) {
	t.Parallel()
	results := fixtureResults()
	gr := fixtureGraph(t, results)
	var named, plain bytes.Buffer
	if err := WriteBlastSummary(&named, gr, 10, testNames(t)); err != nil {
		t.Fatal(err)
	}
	if err := WriteBlastSummary(&plain, gr, 10, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(named.String(), "  Amazon ") || strings.Contains(named.String(), "  amazon ") {
		t.Errorf("blast summary with names:\n%s", named.String())
	}
	if !strings.Contains(plain.String(), "  amazon ") {
		t.Errorf("blast summary without names:\n%s", plain.String())
	}
}

// TestFlowChartNames: the flow chart labels providers by display name.
func TestFlowChartNames(t *testing.T) {
	t.Parallel()
	results := fixtureResults()
	sd := newSankeyData(results, nil)
	svg, err := sankeySVG(sd, newColors(fixtureSummary()), "t", testNames(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(svg), ">Cloudflare ") || strings.Contains(string(svg), ">cloudflare ") {
		t.Errorf("flow chart labels are not display names:\n%s", svg)
	}
}
