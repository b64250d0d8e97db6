package catalog

import (
	"errors"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	embedded, err := embeddedFS.ReadFile("catalog.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(embedded)
	f.Add([]byte(catalogJSON(provider("acme-dns", nil), cdn)))
	f.Add([]byte(catalogJSON(provider("acme-dns", map[string]any{"upstreams": `[{"provider":"acme-cdn","layer":"cdn"}]`}), cdn)))
	f.Add([]byte(catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["acmedns-*.example"]`}))))
	f.Add([]byte(`{"providers":[null]}`))
	f.Add([]byte(`{"providers":[]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if c != nil {
				t.Fatal("catalog returned with an error")
			}
			return
		}
		if len(c.Providers()) == 0 {
			t.Fatal("valid catalog without providers")
		}
		for _, p := range c.Providers() {
			if len(p.Sources) == 0 || len(p.Layers) == 0 {
				t.Fatalf("provider %q accepted with %d sources and %d layers", p.ID, len(p.Sources), len(p.Layers))
			}
			for _, s := range p.Sources {
				if !validSource(s) {
					t.Fatalf("provider %q accepted with source %q", p.ID, s)
				}
			}
			if q, ok := c.Provider(p.ID); !ok || q != p {
				t.Fatalf("provider %q not found by its id", p.ID)
			}
			for _, s := range p.NSSuffixes {
				if q, got, ok := c.MatchNS(s); !ok || q != p || got != s {
					t.Fatalf("ns suffix %q of %q matches %v %q %v", s, p.ID, q, got, ok)
				}
			}
			for _, a := range p.ASNs {
				if q, ok := c.ByASN(a); !ok || q != p {
					t.Fatalf("AS%d of %q not indexed", a, p.ID)
				}
			}
		}
	})
}

// fuzzOwners are fixed suffixes that overlap with each other and with the
// suffix the fuzzer adds.
var fuzzOwners = map[string]string{
	"cloudflare.com":               "cloudflare-dns",
	"ns.cloudflare.com":            "cloudflare-ns",
	"awsdns-*.com":                 "amazon-route53",
	"awsdns-*.co.uk":               "amazon-route53-uk",
	"ns-cloud-*.googledomains.com": "google-clouddns",
	"googledomains.com":            "squarespace-domains",
	"kunlun*.com":                  "alibaba-cdn",
}

func FuzzMatch(f *testing.F) {
	f.Add("", "ns-1.awsdns-12.co.uk")
	f.Add("awsdns-1.com", "ns-7.awsdns-1.com")
	f.Add("ns-*.googledomains.com", "ns-cloud-a1.googledomains.com.")
	f.Add("evil.com", "awsdns-12.evil.com")
	f.Add("x.cloudflare.com", "NS.X.CLOUDFLARE.COM.")
	f.Add("kunlun.com", "kunlun.com")
	f.Add("a*.b", "..a.b")
	f.Fuzz(func(t *testing.T, extra, name string) {
		owners := make(map[string]string, len(fuzzOwners)+1)
		for s, id := range fuzzOwners {
			owners[s] = id
		}
		x := NewSuffixIndex()
		for _, s := range []string{"awsdns-*.com", "cloudflare.com", "googledomains.com", "kunlun*.com", "ns-cloud-*.googledomains.com", "ns.cloudflare.com", "awsdns-*.co.uk"} {
			if err := x.Add(s, &Provider{ID: owners[s]}); err != nil {
				t.Fatalf("Add(%q): %v", s, err)
			}
		}
		if err := x.Add(extra, &Provider{ID: "fuzz-extra"}); err == nil {
			owners[extra] = "fuzz-extra"
		} else if _, clash := owners[extra]; !clash && ValidateSuffix(extra) == nil {
			t.Fatalf("Add(%q) refused a valid new suffix: %v", extra, err)
		}

		got := lookup(x, name)
		if got.OK {
			norm := NormalizeName(name)
			if !suffixMatches(norm, got.Suffix) {
				t.Fatalf("Match(%q) returned suffix %q, which does not match %q by whole labels", name, got.Suffix, norm)
			}
			if owners[got.Suffix] != got.ID {
				t.Fatalf("Match(%q) returned %q for suffix %q owned by %q", name, got.ID, got.Suffix, owners[got.Suffix])
			}
		}
		if want := referenceMatch(owners, name); got != want {
			t.Fatalf("Match(%q) = %+v, reference = %+v", name, got, want)
		}
	})
}

// FuzzMatchIssuer checks the issuer matching on any organisation and
// common name: the normal form is idempotent, bounded and free of
// anything but lower-case letters, digits and single spaces; a match is
// the same for a name and its normal form; and a CN match is a pattern
// the catalog holds that starts the normalised CN at a word boundary.
func FuzzMatchIssuer(f *testing.F) {
	f.Add("Let's Encrypt", "R11")
	f.Add("DigiCert, Inc.", "RapidSSL TLS RSA CA G1")
	f.Add("", "Amazon RSA 2048 M02")
	f.Add("=HYPERLINK(\"x\")", "\x00\u202e")
	f.Add("Big Trust", "Brand TLS Special ECC")
	c := caCatalog(f)
	f.Fuzz(func(t *testing.T, org, cn string) {
		n := NormalizeIssuer(cn)
		if NormalizeIssuer(n) != n || len(n) > maxIssuerLen*4 || strings.Contains(n, "  ") || strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") {
			t.Fatalf("NormalizeIssuer(%q) = %q", cn, n)
		}
		m1, ok1 := c.MatchIssuer(org, cn)
		m2, ok2 := c.MatchIssuer(NormalizeIssuer(org), n)
		if ok1 != ok2 || m1 != m2 {
			t.Fatalf("MatchIssuer(%q, %q) = %v %v, on the normal forms %v %v", org, cn, m1, ok1, m2, ok2)
		}
		if pre, isCN := strings.CutPrefix(m1.Pattern, "CN="); ok1 && isCN {
			if !strings.HasPrefix(n, pre) || (len(n) > len(pre) && n[len(pre)] != ' ') {
				t.Fatalf("CN %q matched %q not at a word boundary", n, pre)
			}
		}
	})
}
