package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

func TestGeoFiles(t *testing.T) {
	t.Parallel()
	bs := []graph.Blast{
		{Element: graph.Element{Kind: graph.KindProvider, Company: "amazon"}, Domains: 9},
		{Element: graph.Element{Kind: graph.KindRegion, Company: "amazon", Region: "us-west-2"}, Domains: 1, Direct: 1, Share: 0.1, WeightedShare: 0.2},
		{Element: graph.Element{Kind: graph.KindRegion, Company: "amazon", Region: "us-east-1"}, Domains: 3, Direct: 2, Transitive: 1, Share: 0.3, WeightedShare: 0.25, EmailFailed: 1, EmailShare: 0.1, Services: 4},
		{Element: graph.Element{Kind: graph.KindRegion, Company: "=cmd", Region: "-x"}, Domains: 1, Direct: 1, Share: 0.1, WeightedShare: 0.2},
		{Element: graph.Element{Kind: graph.KindASN, ASN: 13335}, Domains: 2, Direct: 2, Share: 0.2, WeightedShare: 0.2},
		{Element: graph.Element{Kind: graph.KindASN, ASN: 16509}, Domains: 2, Direct: 2, Share: 0.2, WeightedShare: 0.3},
		{Element: graph.Element{Kind: graph.KindCountry, Country: "US"}, Domains: 5, Direct: 5, Share: 0.5, WeightedShare: 0.5},
	}
	const header = ",domains,share,weighted_share,direct,transitive,email_domains,email_share,services\r\n"
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
		want  string
	}{
		// Largest first; ties by rank-weighted share, then name; cells
		// that could start a formula neutralised.
		{"regions", func(b *bytes.Buffer) error { return WriteRegions(b, bs) }, "rank,provider,region" + header +
			"1,amazon,us-east-1,3,0.3,0.25,2,1,1,0.1,4\r\n" +
			"2,'=cmd,'-x,1,0.1,0.2,1,0,0,0,0\r\n" +
			"3,amazon,us-west-2,1,0.1,0.2,1,0,0,0,0\r\n"},
		{"asns", func(b *bytes.Buffer) error { return WriteASNs(b, bs) }, "rank,asn" + header +
			"1,16509,2,0.2,0.3,2,0,0,0,0\r\n" +
			"2,13335,2,0.2,0.2,2,0,0,0,0\r\n"},
		{"countries", func(b *bytes.Buffer) error { return WriteCountries(b, bs) }, "rank,country" + header +
			"1,US,5,0.5,0.5,5,0,0,0,0\r\n"},
		{"no element", func(b *bytes.Buffer) error { return WriteCountries(b, nil) }, "rank,country" + header},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := tt.write(&buf); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(strings.Split(tt.want, "\r\n"), strings.Split(buf.String(), "\r\n")); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestSankey checks the flows of the fixture by hand and that hostile
// names are drawn as text.
func TestSankey(t *testing.T) {
	t.Parallel()
	results := fixtureResults()
	edges := []graph.ProviderEdge{{From: "shopify/shopify", To: "cloudflare/cdn"}, {From: "cloudflare/dns", To: "cloudflare/cdn"}}
	sd := newSankeyData(results, edges)
	wantFirst := []flow{
		{"DNS", "cloudflare", 2}, {"DNS", "amazon", 1}, {"DNS", selfNode, 1},
		{"CDN", "cloudflare", 1},
		{"Hosting", "amazon", 1}, {"Hosting", "shopify", 1}, {"Hosting", selfNode, 1},
		{"E-mail", "google", 2}, {"E-mail", "microsoft", 1}, {"E-mail", selfNode, 1},
	}
	if d := cmp.Diff(wantFirst, sd.first, cmp.AllowUnexported(flow{})); d != "" {
		t.Errorf("layer -> provider flows (-want +got):\n%s", d)
	}
	// A company's edge to itself is not a flow.
	if d := cmp.Diff([]flow{{"shopify", "cloudflare", 1}}, sd.second, cmp.AllowUnexported(flow{})); d != "" {
		t.Errorf("provider -> upstream flows (-want +got):\n%s", d)
	}
	svg, err := sankeySVG(sd, newColors(fixtureSummary()), "t", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkSVG(svg); err != nil {
		t.Error(err)
	}

	// The CA and the TLD registry are left to their own section: the
	// layers' results with CAs and registries give the DNS flows alone.
	layered := newSankeyData(layerResults(), nil)
	if d := cmp.Diff([]string{"DNS"}, layered.layers); d != "" {
		t.Errorf("layers of the flow chart (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]flow{{"DNS", "cloudflare", 2}, {"DNS", "amazon", 1}}, layered.first, cmp.AllowUnexported(flow{})); d != "" {
		t.Errorf("flows with ca and tld deps (-want +got):\n%s", d)
	}

	hostile := hostileResults()
	svg, err = sankeySVG(newSankeyData(hostile, nil), newColors(metrics.Compute(hostile, metrics.Options{})), `<script>alert(1)</script>`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(svg, []byte("<script")) || bytes.Contains(svg, []byte("<img")) {
		t.Errorf("flow chart has raw markup from names:\n%s", svg)
	}
	if !bytes.Contains(svg, []byte("&lt;script&gt;alert(1)&lt;/script&gt;")) {
		t.Error("flow chart does not show the hostile name as text")
	}
}
