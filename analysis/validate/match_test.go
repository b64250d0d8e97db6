package validate

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// testCatalog is a small catalog written for these tests
// (testdata/catalog.json), so that they do not move with the real one.
func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	b, err := os.ReadFile("testdata/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestMatch(t *testing.T) {
	t.Parallel()
	m := NewMatcher(testCatalog(t))
	const dns, cdn, hosting, email = catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail
	tests := []struct {
		name  string
		label string
		layer catalog.Layer
		want  Label
	}{
		// Ids.
		{"company id", "amazon", dns, Label{Provider: "amazon", Kind: MatchID}},
		{"company id upper case", " AMAZON ", dns, Label{Provider: "amazon", Kind: MatchID}},
		{"provider id", "amazon-route53", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchID}},
		{"provider id other layer names the company", "amazon-route53", cdn, Label{Provider: "amazon", Kind: MatchID}},
		{"company and unknown service", "amazon-lightsail", hosting, Label{Provider: "amazon", Service: "lightsail", Kind: MatchID}},
		{"classify's unknown service", "amazon-unknown", hosting, Label{Provider: "amazon", Kind: MatchID}},
		// Names and aliases, without regard to case, space, punctuation
		// and legal forms.
		{"company name", "Amazon", dns, Label{Provider: "amazon", Kind: MatchID}},
		{"company alias", "Amazon Web Services", dns, Label{Provider: "amazon", Kind: MatchName}},
		{"company alias short", "AWS", hosting, Label{Provider: "amazon", Kind: MatchName}},
		{"company alias punctuation", "amazon-web-services", hosting, Label{Provider: "amazon", Kind: MatchName}},
		{"legal form", "Cloudflare Inc", cdn, Label{Provider: "cloudflare", Kind: MatchName}},
		{"legal form with comma", "DigiCert, Inc.", dns, Label{Provider: "digicert", Kind: MatchName}},
		{"product name", "Amazon Route 53", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchName}},
		{"product alias", "Route 53", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchName}},
		{"product alias no space", "route53", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchName}},
		{"product name alone", "UltraDNS", dns, Label{Provider: "digicert", Service: "ultradns", Kind: MatchName}},
		{"acquired brand", "Dyn", dns, Label{Provider: "oracle", Service: "dyn", Kind: MatchName}},
		{"acquired brand legal form", "Dyn, Inc.", dns, Label{Provider: "oracle", Service: "dyn", Kind: MatchName}},
		{"product alias on another layer", "CloudFront", dns, Label{Provider: "amazon", Kind: MatchName}},
		{"wildcard suffix prefix", "awsdns", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchName}},
		{"mail alias", "Gmail", email, Label{Provider: "google", Service: "workspace", Kind: MatchName}},
		{"alias with symbol", "1&1", dns, Label{Provider: "ionos", Kind: MatchName}},
		{"ambiguous", "LiveDNS", dns, Label{Provider: "livedns", Kind: MatchAmbiguous, Candidates: []string{"gandi", "ionos"}}},
		// Domains: suffixes, owner domains, URLs.
		{"owner domain", "cloudflare.com", dns, Label{Provider: "cloudflare", Kind: MatchDomain}},
		{"under owner domain", "ns1.cloudflare.com", dns, Label{Provider: "cloudflare", Kind: MatchDomain}},
		{"ns suffix", "ns.cloudflare.com", dns, Label{Provider: "cloudflare", Service: "dns", Kind: MatchDomain}},
		{"host under ns suffix", "kate.ns.cloudflare.com.", dns, Label{Provider: "cloudflare", Service: "dns", Kind: MatchDomain}},
		{"wildcard suffix", "awsdns-12.org", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchDomain}},
		{"wildcard suffix host", "ns-1.AWSDNS-12.co.uk", dns, Label{Provider: "amazon", Service: "route53", Kind: MatchDomain}},
		{"cname suffix", "d111.cloudfront.net", cdn, Label{Provider: "amazon", Service: "cloudfront", Kind: MatchDomain}},
		{"wildcard label", "*.cloudfront.net", cdn, Label{Provider: "amazon", Service: "cloudfront", Kind: MatchDomain}},
		{"url", "https://www.cloudflare.com/dns/", dns, Label{Provider: "cloudflare", Kind: MatchDomain}},
		{"mx suffix", "ASPMX.L.GOOGLE.COM", email, Label{Provider: "google", Service: "workspace", Kind: MatchDomain}},
		{"company owner domain", "amazonaws.com", hosting, Label{Provider: "amazon", Kind: MatchDomain}},
		// Self.
		{"self", "self", dns, Label{Provider: "self", Kind: MatchSelf}},
		{"self-hosted", "Self-Hosted", dns, Label{Provider: "self", Kind: MatchSelf}},
		{"self hosted spaced", "self hosted", hosting, Label{Provider: "self", Kind: MatchSelf}},
		{"private", "private", email, Label{Provider: "self", Kind: MatchSelf}},
		{"first-party", "First-party", cdn, Label{Provider: "self", Kind: MatchSelf}},
		{"in-house", "in-house", dns, Label{Provider: "self", Kind: MatchSelf}},
		{"own domain", "example.com", dns, Label{Provider: "self", Kind: MatchSelf}},
		{"own host", "ns1.example.com", dns, Label{Provider: "self", Kind: MatchSelf}},
		// AS numbers.
		{"AS catalogued", "AS13335", cdn, Label{Provider: "cloudflare", Service: "cdn", Kind: MatchASN}},
		{"AS catalogued other layer", "AS13335", dns, Label{Provider: "cloudflare", Kind: MatchASN}},
		{"AS lower case", "as16509", hosting, Label{Provider: "amazon", Service: "ec2", Kind: MatchASN}},
		{"AS spaced", "AS 16509", hosting, Label{Provider: "amazon", Service: "ec2", Kind: MatchASN}},
		{"AS with name", "AS16509 AMAZON-02, US", hosting, Label{Provider: "amazon", Service: "ec2", Kind: MatchASN}},
		{"bare number", "13335", cdn, Label{Provider: "cloudflare", Service: "cdn", Kind: MatchASN}},
		{"AS uncatalogued", "AS64500", hosting, Label{Provider: "as64500", Kind: MatchASN}},
		{"AS leading zeros", "AS064500", hosting, Label{Provider: "as64500", Kind: MatchASN}},
		{"number too large", "99999999999", hosting, Label{Provider: "99999999999", Kind: MatchUnmatched}},
		// Operators the catalog does not know.
		{"registrable domain", "example-dns.net", dns, Label{Provider: "example-dns.net", Kind: MatchRegDomain}},
		{"host of unknown operator", "NS1.Example-DNS.net", dns, Label{Provider: "example-dns.net", Kind: MatchRegDomain}},
		{"unknown operator under a two-label suffix", "ns2.hoster.co.uk", dns, Label{Provider: "hoster.co.uk", Kind: MatchRegDomain}},
		// No provider.
		{"empty", "", dns, Label{Kind: MatchNone}},
		{"none", "None", dns, Label{Kind: MatchNone}},
		{"dash", "-", cdn, Label{Kind: MatchNone}},
		{"n/a", "N/A", cdn, Label{Kind: MatchNone}},
		// Nothing matches: kept lower case.
		{"unknown name", "Joe's DNS", dns, Label{Provider: "joe's dns", Kind: MatchUnmatched}},
		{"question mark", "?", dns, Label{Provider: "?", Kind: MatchUnmatched}},
		{"public suffix alone", "co.uk", dns, Label{Provider: "co.uk", Kind: MatchUnmatched}},
		{"unknown company with service", "acme-dns", dns, Label{Provider: "acme-dns", Kind: MatchUnmatched}},
		// Hostile strings.
		{"html", "<script>alert(1)</script>", dns, Label{Provider: "<script>alert(1)</script>", Kind: MatchUnmatched}},
		{"formula", "=cmd|' /C calc'!A0", dns, Label{Provider: "=cmd|' /c calc'!a0", Kind: MatchUnmatched}},
		{"formula naming a company", "=amazon", dns, Label{Provider: "amazon", Kind: MatchName}},
		{"control characters", "\x1b[31mred\x00", dns, Label{Provider: "\x1b[31mred\x00", Kind: MatchUnmatched}},
		{"invalid utf-8 separates words", "cloud\xffflare", dns, Label{Provider: "cloudflare", Kind: MatchName}},
		{"dots only", "...", dns, Label{Provider: "...", Kind: MatchUnmatched}},
		{"long", strings.Repeat("a", 5000), dns, Label{Provider: strings.Repeat("a", 5000), Kind: MatchUnmatched}},
		{"long host", strings.Repeat("a.", 200) + "com", dns, Label{Provider: strings.Repeat("a.", 200) + "com", Kind: MatchUnmatched}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := m.Match(tt.label, "example.com", tt.layer)
			tt.want.Raw = strings.TrimSpace(tt.label)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Match(%q, %s) (-want +got):\n%s", tt.label, tt.layer, diff)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"Amazon Web Services":      "amazonwebservices",
		"Amazon Web Services, Inc": "amazonwebservices",
		"Hetzner Online GmbH":      "hetzneronline",
		"BunnyWay d.o.o.":          "bunnyway",
		"Inc.":                     "inc", // a legal form alone is a name
		"Route 53":                 "route53",
		"Яндекс":                   "яндекс",
		"-- ":                      "",
	}
	for in, want := range tests {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMatchDefaultCatalog checks a few labels against the embedded
// catalog, whose ids are stable by its own invariant.
func TestMatchDefaultCatalog(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := NewMatcher(cat)
	for _, tt := range []struct {
		label, provider, service string
	}{
		{"amazon-route53", "amazon", "route53"},
		{"cloudflare-dns", "cloudflare", "dns"},
		{"cloudflare", "cloudflare", ""},
		{"self-hosted", "self", ""},
	} {
		got := m.Match(tt.label, "example.com", catalog.LayerDNS)
		if got.Provider != tt.provider || got.Service != tt.service {
			t.Errorf("Match(%q) = %s/%s, want %s/%s", tt.label, got.Provider, got.Service, tt.provider, tt.service)
		}
	}
}
