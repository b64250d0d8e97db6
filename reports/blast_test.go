package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

func blastFixture() *GraphReport {
	return blastReport(blastResults())
}

func blastReport(results []classify.Result) *GraphReport {
	g := graph.Build(results, nil, []graph.ProviderEdge{{From: "shopify/platform", To: "cloudflare/cdn", Layer: catalog.LayerCDN, Source: graph.SourceCatalog, Evidence: "catalog"}})
	return NewGraphReport(g, 1)
}

func blastResults() []classify.Result {
	return []classify.Result{
		mkResult("shop.example", 1, dnscrawl.StatusOK, "", []dep{
			{catalog.LayerDNS, "shopify", "dns", "", classify.EvidenceNSSuffix, "ns1.shopify.example", 1},
			{catalog.LayerHosting, "shopify", "platform", "", classify.EvidenceCNAMESuffix, "shops.myshopify.com", 1},
		}, nil),
		mkResult("=evil.example", 2, dnscrawl.StatusOK, "", []dep{
			{catalog.LayerDNS, "cloudflare", "dns", "", classify.EvidenceNSSuffix, "kate.ns.cloudflare.com", 1},
		}, nil),
	}
}

// TestDomainRowsSPOF checks domains.csv's spof_providers column: the
// companies whose failure alone takes the domain down, the platform's
// CDN included through the catalog upstream.
func TestDomainRowsSPOF(t *testing.T) {
	t.Parallel()
	results := blastResults()
	got := map[string]string{}
	for row := range DomainRows(results, blastReport(results), nil) {
		got[row.Domain] = row.SPOFProviders
	}
	want := map[string]string{"shop.example": "cloudflare;shopify", "=evil.example": "cloudflare"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("spof_providers (-want +got):\n%s", d)
	}
	for row := range DomainRows(results, nil, nil) {
		if row.SPOFProviders != "" {
			t.Errorf("%s: spof_providers %q without a graph", row.Domain, row.SPOFProviders)
		}
	}
}

func TestBlastRowsAndWhatIf(t *testing.T) {
	t.Parallel()
	gr := blastFixture()
	top := TopBlastRows(gr, 5)
	want := []BlastRow{
		{Kind: graph.KindProvider, Element: "cloudflare", Domains: 2, Direct: 1, Transitive: 1, Share: 1, WeightedShare: 1, Services: 3},
		{Kind: graph.KindProvider, Element: "shopify", Domains: 1, Direct: 1, Share: .5, WeightedShare: 1 / 1.5, Services: 2},
	}
	if d := cmp.Diff(want, top); d != "" {
		t.Errorf("TopBlastRows (-want +got):\n%s", d)
	}
	var buf bytes.Buffer
	e, _ := graph.ParseElement("cloudflare")
	if err := WriteWhatIf(&buf, gr.Graph.Fail([]graph.Element{e}, true)); err != nil {
		t.Fatal(err)
	}
	wantCSV := "domain,rank,down,direct,failed_layers,email_failed,chain\r\n" +
		"shop.example,1,true,false,hosting,false,shop.example -> shopify -> cloudflare\r\n" +
		"'=evil.example,2,true,true,dns,false,'=evil.example -> cloudflare\r\n"
	if buf.String() != wantCSV {
		t.Errorf("whatif.csv:\n%s\nwant\n%s", buf.String(), wantCSV)
	}
}

// TestHTMLBlast checks the blast-radius table of report.html: present
// when run.json has rows, absent otherwise, names escaped.
func TestHTMLBlast(t *testing.T) {
	t.Parallel()
	sum := metrics.Compute(nil, metrics.Options{})
	var with, without bytes.Buffer
	run := &Run{BlastRadius: []BlastRow{{Kind: graph.KindProvider, Element: "<script>x</script>", Domains: 3, Direct: 2, Transitive: 1, Share: .3, WeightedShare: .4}}}
	if err := WriteHTML(&with, run, nil, sum); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(&without, &Run{}, nil, sum); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(with.String(), `id="blast-radius"`) || strings.Contains(with.String(), "<script>x") {
		t.Error("blast table missing, or a name not escaped")
	}
	if strings.Contains(without.String(), `id="blast-radius"`) {
		t.Error("blast table without rows")
	}
}

func TestDiff(t *testing.T) {
	t.Parallel()
	mk := func(results []classify.Result, blast []BlastRow) *RunData {
		rd := &RunData{Metrics: metrics.Compute(results, metrics.Options{}), Blast: blast}
		for i := range results {
			rd.Domains = append(rd.Domains, domainRow(&results[i]))
		}
		return rd
	}
	dnsOn := func(domain string, providers ...string) classify.Result {
		var deps []dep
		for _, p := range providers {
			deps = append(deps, dep{catalog.LayerDNS, p, "dns", "", classify.EvidenceNSSuffix, "ns." + p, 1})
		}
		return mkResult(domain, 0, dnscrawl.StatusOK, "", deps, nil)
	}
	a := mk([]classify.Result{dnsOn("a.example", "x"), dnsOn("b.example", "x"), dnsOn("gone.example", "y")},
		[]BlastRow{{Kind: graph.KindProvider, Element: "x", Share: 2.0 / 3}})
	b := mk([]classify.Result{dnsOn("a.example", "x"), dnsOn("b.example", "y"), dnsOn("new.example", "y")},
		[]BlastRow{{Kind: graph.KindProvider, Element: "x", Share: 1.0 / 3}})
	rows := Diff(a, b)
	var got []string
	for _, r := range rows {
		if r.Kind == DiffMetric && r.Subject != "hhi" {
			continue
		}
		if r.Kind == DiffMetric && r.Layer != "dns" {
			continue
		}
		if r.Kind == DiffShare && r.Layer != "dns" {
			continue
		}
		got = append(got, strings.Join([]string{string(r.Kind), r.Layer, r.Subject, r.A, r.B, num(r.Change), r.Direction}, " "))
	}
	// dns: a x x y -> x y y: HHI (2/3, 1/3) -> (1/3, 2/3) = 10,000·(2²+1²)/3²
	// = 50,000/9 both, whose nearest float64 prints 5555.555555555556.
	want := []string{
		"metric dns hhi 5555.555555555556 5555.555555555556 0 same",
		"share dns x 0.6666666666666666 0.3333333333333333 0.3333333333333333 down",
		"share dns y 0.3333333333333333 0.6666666666666666 0.3333333333333333 up",
		"blast provider x 0.6666666666666666 0.3333333333333333 0.3333333333333333 down",
		"moved dns b.example x y 0 ",
		"added  new.example   0 ",
		"removed  gone.example   0 ",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Diff (-want +got):\n%s", d)
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, rows); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "'-") || !strings.HasPrefix(buf.String(), "kind,layer,subject,a,b,change,direction\r\n") {
		t.Errorf("diff.csv:\n%s", buf.String())
	}
}
