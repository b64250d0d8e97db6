package graph

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// targetResolver is a small list classified with the embedded catalog:
//
//	a.example  dns cloudflare/dns, cdn cloudflare/cdn (AS13335, US)
//	b.example  dns amazon/route53, hosting amazon/ec2 in us-east-1 (AS16509, US)
//	c.example  dns example-dns.net (uncatalogued), hosting self (AS64500, DE)
//
// with range data for aws (us-east-1, eu-north-1) and cloudflare (no
// region) loaded, and none for google.
func targetResolver(t *testing.T) *Resolver {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	results := []classify.Result{
		dom("a.example", 1, []string{"dns=cloudflare/dns", "cdn=cloudflare/cdn"}, "cdn=13335/US"),
		dom("b.example", 2, []string{"dns=amazon/route53", "hosting=amazon/ec2@us-east-1"}, "hosting=16509/US"),
		dom("c.example", 3, []string{"dns=example-dns.net/dns", "hosting=self"}, "hosting=64500/DE"),
	}
	g := Build(results, cat, CatalogEdges(cat))
	ranges := refdata.NewRanges([]refdata.Range{
		{Prefix: netip.MustParsePrefix("3.0.0.0/16"), Source: "aws", Service: "EC2", Region: "us-east-1"},
		{Prefix: netip.MustParsePrefix("3.1.0.0/16"), Source: "aws", Service: "EC2", Region: "eu-north-1"},
		{Prefix: netip.MustParsePrefix("104.16.0.0/13"), Source: "cloudflare"},
	})
	return NewResolver(g, cat, ranges)
}

// TestResolve resolves what users write after --fail: typos are errors
// that suggest the nearest names, names and aliases in any case resolve,
// and a known element the list does not use gets a note saying so.
func TestResolve(t *testing.T) {
	t.Parallel()
	r := targetResolver(t)
	tests := []struct {
		in   string
		want string // the element, or "" for an error
		note string // a substring of the note; "" for none
		err  string // the whole error message
		// parse is true for an error that wraps ErrElement (the input
		// does not parse) rather than ErrUnknownTarget.
		parse bool
	}{
		// Providers and services.
		{in: "cloudflare", want: "cloudflare"},
		{in: "Cloudflare", want: "cloudflare"},
		{in: "CloudFlare/CDN", want: "cloudflare/cdn"},
		{in: "cloudflare-dns", want: "cloudflare/dns"},
		{in: "cloudfare", err: "unknown provider cloudfare; did you mean cloudflare?"},
		{in: "cloudflare/cdm", err: "unknown service cloudflare/cdm; did you mean cloudflare/cdn?"},
		{in: "AWS", want: "amazon"},
		{in: "Amazon Web Services", want: "amazon"},
		{in: "Route 53", want: "amazon/route53"},
		{in: "aws/ec2", want: "amazon/ec2"},
		{in: "Amazon Web Servics", parse: true,
			err: `invalid scenario element "Amazon Web Servics": a provider id is lower-case letters and digits (cloudflare); did you mean amazon?`},
		{in: "fastly", want: "fastly", note: "no domain in the list depends on fastly, directly or through another provider"},
		{in: "US", err: "unknown provider us; did you mean country:US?"},
		{in: "self", err: "unknown provider self: self-hosted servers fail by their addresses (fail their AS or country)"},
		{in: "a", err: "unknown provider a"}, // too short to suggest anything
		{in: "cloudflare.com", err: "unknown provider cloudflare.com (an uncatalogued operator is known only when a domain of the list depends on it); did you mean cloudflare?"},
		// Uncatalogued operators: known from the list only.
		{in: "example-dns.net", want: "example-dns.net"},
		{in: "Example-DNS.net/dns", want: "example-dns.net/dns"},
		{in: "ns1.example-dns.net", err: "unknown provider ns1.example-dns.net (an uncatalogued operator is known only when a domain of the list depends on it); did you mean example-dns.net?"},
		{in: "example-dns.org", err: "unknown provider example-dns.org (an uncatalogued operator is known only when a domain of the list depends on it); did you mean example-dns.net?"},
		// Regions.
		{in: "amazon:us-east-1", want: "amazon:us-east-1"},
		{in: "AWS:US-EAST-1", want: "amazon:us-east-1"},
		{in: "amazon:eu-north-1", want: "amazon:eu-north-1", note: "no domain in the list depends on amazon:eu-north-1"},
		{in: "amazon:us-east-l", err: "unknown region amazon:us-east-l; did you mean amazon:us-east-1?"},
		{in: "google:us-central1", want: "google:us-central1", note: `no range data loaded for google (gcp, goog), so its regions are unknown and google:us-central1 fails nothing; load it with "chokepoint data update"`},
		{in: "cloudflare:us-east-1", err: "unknown region cloudflare:us-east-1: cloudflare has no regions (its range data (cloudflare) names no region)"},
		{in: "shopify:eu", err: "unknown region shopify:eu: shopify has no regions (the catalog gives it no range publication)"},
		{in: "cloudfare:us-east-1", err: "unknown provider cloudfare in region cloudfare:us-east-1; did you mean cloudflare:us-east-1?"},
		// ASes.
		{in: "AS13335", want: "AS13335"},
		{in: "as64500", want: "AS64500"},
		{in: "AS99999999", err: "unknown AS99999999: no address of the list is in it and no catalog provider claims it"},
		{in: "AS54113", want: "AS54113", note: "nothing in the list uses AS54113: no address of the list is in it and no domain depends on the providers the catalog gives it"},
		{in: "AS14618", want: "AS14618", note: "amazon/ec2 (AS16509, AS14618)"},
		// Countries.
		{in: "country:us", want: "country:US"},
		{in: "country:FR", want: "country:FR", note: "no address of the list is in country:FR"},
		{in: "country:XX", err: "unknown country XX: not an assigned ISO 3166-1 alpha-2 code"},
		{in: "country:UK", err: "unknown country UK: not an assigned ISO 3166-1 alpha-2 code; did you mean country:GB?"},
		{in: "country:USA", parse: true, err: `invalid scenario element "country:USA": a country is two letters (country:US)`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := r.Resolve(tt.in)
			if tt.err != "" {
				if err == nil {
					t.Fatalf("Resolve = %v (note %q), want error %q", got.Element, got.Note, tt.err)
				}
				if err.Error() != tt.err {
					t.Errorf("error\n%s\nwant\n%s", err, tt.err)
				}
				var te *TargetError
				if !errors.As(err, &te) {
					t.Errorf("error %T is not a *TargetError", err)
				}
				if want := map[bool]error{true: ErrElement, false: ErrUnknownTarget}[tt.parse]; !errors.Is(err, want) {
					t.Errorf("error does not wrap %v", want)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if got.Element.String() != tt.want {
				t.Errorf("element %s, want %s", got.Element, tt.want)
			}
			if tt.note == "" && got.Note != "" || !strings.Contains(got.Note, tt.note) {
				t.Errorf("note %q, want one with %q", got.Note, tt.note)
			}
		})
	}
}

// TestResolveAmbiguous: a name two providers share is an error naming
// both.
func TestResolveAmbiguous(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Parse([]byte(`{"version":"2026.01.02-1","providers":[
 {"id":"acme-one","company":"acme","service":"one","name":"Acme One","aliases":["Widget"],"layers":["dns"],"ns_suffixes":["one.acme.example"],"sources":["https://acme.example/"]},
 {"id":"acme-two","company":"acme","service":"two","name":"Acme Two","aliases":["Widget"],"layers":["dns"],"ns_suffixes":["two.acme.example"],"sources":["https://acme.example/"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	r := NewResolver(Build(nil, cat, nil), cat, nil)
	_, err = r.Resolve("widget")
	var te *TargetError
	if !errors.As(err, &te) || !errors.Is(err, ErrUnknownTarget) {
		t.Fatalf("Resolve(widget) = %v, want an ambiguity error", err)
	}
	if d := cmp.Diff([]string{"acme/one", "acme/two"}, te.Suggestions); d != "" {
		t.Errorf("suggestions (-want +got):\n%s", d)
	}
	if got, err := r.Resolve("Acme One"); err != nil || got.Element.String() != "acme/one" {
		t.Errorf("Resolve(Acme One) = %v, %v", got.Element, err)
	}
	// Nothing in an empty list uses anything; the resolver says so.
	if got, err := r.Resolve("acme"); err != nil || !strings.Contains(got.Note, "no domain in the list depends on acme") {
		t.Errorf("Resolve(acme) = %+v, %v", got, err)
	}
	// No range data at all: a region of a provider without range
	// publication is unknown.
	if _, err := r.Resolve("acme:x"); err == nil || !strings.Contains(err.Error(), "no range publication") {
		t.Errorf("Resolve(acme:x) = %v", err)
	}
}

// TestResolveWithoutGraph: before the list is read, only what no list can
// make valid is refused.
func TestResolveWithoutGraph(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	r := NewResolver(nil, cat, nil)
	for in, want := range map[string]string{"cloudfare": "cloudfare", "example-dns.org": "example-dns.org", "AWS": "amazon",
		"Amazon Web Services": "amazon", "country:XX": "country:XX", "AS99999999": "AS99999999"} {
		if got, err := r.Resolve(in); err != nil || got.Element.String() != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", in, got.Element, err, want)
		}
	}
	for _, in := range []string{"country:USA", "Amazon Web Servics", "AS0", ""} {
		if _, err := r.Resolve(in); !errors.Is(err, ErrElement) {
			t.Errorf("Resolve(%q) = %v, want a syntax error", in, err)
		}
	}
}

func TestEditDistance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		max  int
		want int
	}{
		{"cloudflare", "cloudflare", 3, 0},
		{"cloudfare", "cloudflare", 3, 1},
		{"cloudlfare", "cloudflare", 3, 1}, // a swap
		{"amazn", "amazon", 2, 1},
		{"kitten", "sitting", 3, 3},
		{"kitten", "sitting", 2, 3}, // beyond max: max+1
		{"a", "abcdef", 2, 3},
		{"", "ab", 2, 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b, tt.max); got != tt.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", tt.a, tt.b, tt.max, got, tt.want)
		}
	}
}
