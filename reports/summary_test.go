package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	sum := &metrics.Summary{
		Domains:  10,
		Statuses: map[dnscrawl.Status]int{dnscrawl.StatusOK: 9, dnscrawl.StatusNXDomain: 1},
		Layers: []metrics.LayerSummary{{
			Layer: catalog.LayerDNS, Domains: 10, Known: 8, Providers: 3, HHI: 3400, CriticalRate: 0.75,
			Rows: []metrics.ProviderRow{
				{Provider: "cloudflare", Catalogued: true, Share: 0.5}, {Provider: "amazon", Catalogued: true, Share: 0.25},
				{Provider: "evil\x1b[31mred", Catalogued: true, Share: 0.125},
			},
		}, {
			// No provider at all: no HHI to read, no rate over nothing.
			Layer: catalog.LayerCDN, Domains: 10, Known: 0, None: 9,
		}},
	}
	var b bytes.Buffer
	if err := WriteSummary(&b, &Run{Simulated: true}, sum); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"SIMULATED", "10 domains, 9 resolved", "cloudflare 50.0%", "amazon 25.0%", "3400 (highly concentrated)", "75.0%", "8/10"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "cdn" {
			if want := []string{"cdn", "0/10", "—", "—", "—", "(no", "third-party", "provider)", "—", "—"}; !slices.Equal(f, want) {
				t.Errorf("a layer without provider reads %q, want %q", f, want)
			}
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("summary carries an escape byte from a provider name:\n%q", out)
	}
}

// TestSummaryNamesAsReport: the terminal summary names a provider as the
// report's tables begin its label: the product when the domains use one
// product of the company on the layer ("Google Trust Services" on ca,
// "Amazon Route 53" on dns), the company when they use several (Amazon
// on hosting, with S3 and Elastic Load Balancing), and Google on e-mail
// stays apart from Google the CA.
func TestSummaryNamesAsReport(t *testing.T) {
	t.Parallel()
	const (
		dnsL, hosting, email, ca = catalog.LayerDNS, catalog.LayerHosting, catalog.LayerEmail, catalog.LayerCA
		ns, issuer, cname, mx    = classify.EvidenceNSSuffix, classify.EvidenceIssuer, classify.EvidenceCNAMESuffix, classify.EvidenceMXSuffix
	)
	results := []classify.Result{
		mkResult("a.com", 1, dnscrawl.StatusOK, "", []dep{
			{dnsL, "amazon", "route53", "", ns, "ns-1.awsdns-01.org", 1},
			{hosting, "amazon", "s3", "", cname, "a.s3.amazonaws.com", 1},
			{email, "google", "workspace", "", mx, "smtp.google.com", 1},
			{ca, "google", "trustservices", "", issuer, "O=Google Trust Services", 1},
		}, nil),
		mkResult("b.com", 2, dnscrawl.StatusOK, "", []dep{
			{dnsL, "amazon", "route53", "", ns, "ns-2.awsdns-02.net", 1},
			{hosting, "amazon", "elb", "", cname, "b.elb.amazonaws.com", 1},
			{ca, "google", "trustservices", "", issuer, "O=Google Trust Services", 1},
		}, nil),
	}
	sum := metrics.Compute(results, metrics.Options{})
	names := testNames(t)
	names.Products = ProductsOf(results)
	var b bytes.Buffer
	if err := WriteSummary(&b, &Run{Names: names}, sum); err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for line := range strings.Lines(b.String()) {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = line
		}
	}
	for layer, want := range map[string]string{
		"ca": "Google Trust Services 100.0%", "dns": "Amazon Route 53 100.0%",
		"hosting": "Amazon 100.0%", "email": "Google Workspace",
	} {
		if !strings.Contains(rows[layer], want) {
			t.Errorf("summary's %s row lacks %q:\n%s", layer, want, rows[layer])
		}
	}
	if strings.Contains(rows["hosting"], "S3") {
		t.Errorf("hosting names one of Amazon's two products:\n%s", rows["hosting"])
	}
	// The report's at-a-glance table begins its ca label the same way.
	var h bytes.Buffer
	if err := WriteHTML(&h, &Run{Names: names}, results, sum); err != nil {
		t.Fatal(err)
	}
	glance := between(t, h.String(), "<caption>At a glance</caption>", "</table>")
	if !strings.Contains(glance, "Google Trust Services") || !strings.Contains(glance, "Amazon Route 53") {
		t.Errorf("At a glance does not name Google Trust Services and Amazon Route 53:\n%s", glance)
	}
}
