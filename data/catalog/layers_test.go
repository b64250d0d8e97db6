package catalog

import (
	"math/rand/v2"
	"net/textproto"
	"strings"
	"testing"
	"testing/fstest"
)

// The catalog's parts for the ca and tld layers and the HTTP edge (issue
// 12): issuer patterns, header rules and the TLD table, parsed from small
// hand-made catalogs, and the embedded data checked against what the CAs,
// the CDNs and IANA publish.

func TestNormalizeIssuer(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"DigiCert, Inc.":               "digicert inc",
		"DigiCert Inc":                 "digicert inc",
		"  DigiCert  Inc ":             "digicert inc",
		"Let's Encrypt":                "lets encrypt",
		"Let’s Encrypt":                "lets encrypt",
		"SECOM Trust Systems CO.,LTD.": "secom trust systems co ltd",
		"=HYPERLINK(\"x\")<b>":         "hyperlink x b",
		"中国金融认证中心":                     "中国金融认证中心",
		"---":                          "",
		"":                             "",
	} {
		if got := NormalizeIssuer(in); got != want {
			t.Errorf("NormalizeIssuer(%q) = %q, want %q", in, got, want)
		}
	}
	if n := len(NormalizeIssuer(strings.Repeat("a", 10000))); n > maxIssuerLen {
		t.Errorf("NormalizeIssuer of a long name is %d bytes", n)
	}
}

// caCatalog is a catalog with two CAs whose patterns overlap: a brand
// under another CA's organisation, and a longer CN prefix.
func caCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := Parse([]byte(`{"providers":[
	 {"id":"big-ca","company":"big","service":"ca","name":"Big CA","layers":["ca"],
	  "issuers":["O=Big Trust, Inc.","CN=Brand TLS","CN=Big Intermediate"],"sources":["https://big.example/repository"]},
	 {"id":"other-ca","company":"other","service":"ca","name":"Other CA","layers":["ca"],
	  "issuers":["O=Other CA Ltd","CN=Brand TLS Special"],"sources":["https://other.example/repository"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMatchIssuer(t *testing.T) {
	t.Parallel()
	c := caCatalog(t)
	tests := []struct {
		org, cn string
		want    string // provider id, "" for no match
		pattern string
	}{
		{"Big Trust, Inc.", "Big Intermediate CA 2", "big-ca", "CN=big intermediate"},
		{"Big Trust Inc", "Something Else", "big-ca", "O=big trust inc"},
		{"BIG TRUST INC.", "", "big-ca", "O=big trust inc"},
		// The brand's CN wins over the organisation it is issued under.
		{"Other CA Ltd", "Brand TLS RSA CA G1", "big-ca", "CN=brand tls"},
		// The longest CN prefix wins.
		{"Big Trust, Inc.", "Brand TLS Special ECC", "other-ca", "CN=brand tls special"},
		// Whole words only: "Brand TLSX" is not "Brand TLS".
		{"Nobody", "Brand TLSX CA", "", ""},
		{"Big Trust", "Big", "", ""},
		{"", "", "", ""},
		{"Other CA Ltd", "x", "other-ca", "O=other ca ltd"},
	}
	for _, tt := range tests {
		m, ok := c.MatchIssuer(tt.org, tt.cn)
		got := ""
		if ok {
			got = m.Provider.ID
		}
		if got != tt.want || (ok && m.Pattern != tt.pattern) {
			t.Errorf("MatchIssuer(%q, %q) = %q %q, want %q %q", tt.org, tt.cn, got, m.Pattern, tt.want, tt.pattern)
		}
	}
}

func TestParseIssuersAndHeaders(t *testing.T) {
	t.Parallel()
	ca := func(issuers string) string {
		return `{"id":"big-ca","company":"big","service":"ca","name":"Big CA","layers":["ca"],"issuers":` + issuers + `,"sources":["https://big.example/"]}`
	}
	cdnP := `{"id":"acme-cdn","company":"acme","service":"cdn","name":"Acme CDN","layers":["cdn"],"cname_suffixes":["cdn.acme.example"],"sources":["https://acme.example/"]}`
	dnsP := `{"id":"acme-dns","company":"acme","service":"dns","name":"Acme DNS","layers":["dns"],"ns_suffixes":["ns.acme.example"],"sources":["https://acme.example/"]}`
	withRules := func(rules string) fstest.MapFS {
		return fstest.MapFS{
			"catalog.json":     {Data: []byte(`{"providers":[` + cdnP + `,` + dnsP + `]}`)},
			"catalog.d/h.json": {Data: []byte(`{"providers":[],"http_headers":[` + rules + `]}`)},
		}
	}
	rule := func(fields string) string {
		return `{"provider":"acme-cdn","header":"X-Acme-Edge",` + fields + `,"confidence":0.9,"source":"https://acme.example/headers"}`
	}
	tests := []struct {
		name    string
		fs      fstest.MapFS
		wantErr string
	}{
		{"valid issuers", fstest.MapFS{"catalog.json": {Data: []byte(`{"providers":[` + ca(`["O=Big Trust","CN=Big TLS"]`) + `]}`)}}, ""},
		{"issuer without kind", fstest.MapFS{"catalog.json": {Data: []byte(`{"providers":[` + ca(`["Big Trust"]`) + `]}`)}}, "is not O=<organisation> or CN=<prefix>"},
		{"issuer of punctuation", fstest.MapFS{"catalog.json": {Data: []byte(`{"providers":[` + ca(`["O=..."]`) + `]}`)}}, "has no letter or digit"},
		{"issuer twice in normal form", fstest.MapFS{"catalog.json": {Data: []byte(`{"providers":[` + ca(`["O=Big, Inc.","O=Big Inc"]`) + `]}`)}}, "listed twice"},
		{"issuer claimed by two", fstest.MapFS{"catalog.json": {Data: []byte(`{"providers":[` + ca(`["O=Big"]`) + `,` +
			strings.ReplaceAll(ca(`["O=BIG"]`), "big", "small") + `]}`)}}, `already claimed by "big-ca"`},
		{"issuers without the ca layer", fstest.MapFS{"catalog.json": {Data: []byte(`{"providers":[` + strings.Replace(dnsP, `"layers":["dns"]`, `"layers":["dns"],"issuers":["O=Acme"]`, 1) + `]}`)}}, "issuers without the ca layer"},

		{"valid rules", withRules(rule(`"match":"present"`) + `,` + rule(`"match":"contains","value":"acme"`)), ""},
		{"rule for an unknown provider", withRules(strings.Replace(rule(`"match":"present"`), "acme-cdn", "nobody-cdn", 1)), `unknown provider "nobody-cdn"`},
		{"rule for a dns provider", withRules(strings.Replace(rule(`"match":"present"`), "acme-cdn", "acme-dns", 1)), "is not a cdn"},
		{"present with a value", withRules(rule(`"match":"present","value":"x"`)), "has no value"},
		{"upper-case value", withRules(rule(`"match":"equals","value":"Acme"`)), "must be lower case"},
		{"empty value", withRules(rule(`"match":"prefix"`)), "must be lower case"},
		{"unknown match", withRules(rule(`"match":"regexp","value":"a.*"`)), "match is not"},
		{"bad header name", withRules(strings.Replace(rule(`"match":"present"`), "X-Acme-Edge", "X Acme", 1)), "malformed header name"},
		{"confidence above 1", withRules(strings.Replace(rule(`"match":"present"`), "0.9", "1.5", 1)), "is not in (0, 1]"},
		{"no source", withRules(strings.Replace(rule(`"match":"present"`), "https://acme.example/headers", "acme.example", 1)), "not an http(s) URL"},
		{"same rule twice (header case differs)", withRules(rule(`"match":"present"`) + `,` + strings.Replace(rule(`"match":"present"`), "X-Acme-Edge", "x-acme-edge", 1)), "same header, match and value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseFS(tt.fs)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestMatchHeaders(t *testing.T) {
	t.Parallel()
	c, err := ParseFS(fstest.MapFS{
		"catalog.json": {Data: []byte(`{"providers":[
		 {"id":"acme-cdn","company":"acme","service":"cdn","name":"Acme CDN","layers":["cdn"],"cname_suffixes":["cdn.acme.example"],"sources":["https://acme.example/"]},
		 {"id":"beta-cdn","company":"beta","service":"cdn","name":"Beta CDN","layers":["cdn"],"cname_suffixes":["cdn.beta.example"],"sources":["https://beta.example/"]}]}`)},
		"catalog.d/h.json": {Data: []byte(`{"providers":[],"http_headers":[
		 {"provider":"acme-cdn","header":"Server","match":"equals","value":"acme-edge","confidence":0.8,"source":"https://acme.example/h"},
		 {"provider":"acme-cdn","header":"X-ACME-ID","match":"present","confidence":0.95,"source":"https://acme.example/h"},
		 {"provider":"beta-cdn","header":"Via","match":"contains","value":"beta-cache","confidence":0.7,"source":"https://beta.example/h"},
		 {"provider":"beta-cdn","header":"X-Served-By","match":"prefix","value":"node-","confidence":0.6,"source":"https://beta.example/h"}]}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	ids := func(ms []HeaderMatch) string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Provider.ID+" "+m.Evidence)
		}
		return strings.Join(out, "; ")
	}
	tests := []struct {
		name string
		h    map[string][]string
		want string
	}{
		{"none", nil, ""},
		{"server exact, any case", map[string][]string{"Server": {"ACME-Edge"}}, "acme-cdn Server: ACME-Edge"},
		{"server with more is not equal", map[string][]string{"Server": {"acme-edge/2"}}, ""},
		// The strongest rule of a provider is the one kept.
		{"strongest rule", map[string][]string{"Server": {"acme-edge"}, "X-Acme-Id": {"f00"}}, "acme-cdn X-Acme-Id: f00"},
		{"header key not canonical", map[string][]string{"x-acme-id": {"1"}}, "acme-cdn X-Acme-Id: 1"},
		// One name not canonical among canonical ones: every name is
		// looked at in every case.
		{"one key not canonical", map[string][]string{"Date": {"x"}, "x-acme-id": {"1"}}, "acme-cdn X-Acme-Id: 1"},
		// The long s folds to 's': that name is no token, so the names are
		// not all canonical, and it is found in every case.
		{"non-token key equal in fold", map[string][]string{"Date": {"x"}, "\u017ferver": {"acme-edge"}}, "acme-cdn Server: acme-edge"},
		{"second value of a repeated header", map[string][]string{"Via": {"1.1 proxy", "1.1 beta-cache (x)"}}, "beta-cdn Via: 1.1 beta-cache (x)"},
		{"prefix", map[string][]string{"X-Served-By": {"node-fra-1"}}, "beta-cdn X-Served-By: node-fra-1"},
		{"prefix not inside", map[string][]string{"X-Served-By": {"my-node-1"}}, ""},
		{"two cdns", map[string][]string{"X-Acme-Id": {"1"}, "Via": {"beta-cache"}}, "acme-cdn X-Acme-Id: 1; beta-cdn Via: beta-cache"},
		{"long value cut", map[string][]string{"Via": {"beta-cache " + strings.Repeat("z", 1000)}}, "beta-cdn Via: beta-cache " + strings.Repeat("z", 120-len("beta-cache "))},
	}
	for _, tt := range tests {
		if got := ids(c.MatchHeaders(tt.h)); got != tt.want {
			t.Errorf("%s: MatchHeaders = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseTLDs(t *testing.T) {
	t.Parallel()
	main := `{"companies":[{"id":"acme","name":"Acme Registry","sources":["https://acme.example/"]},{"id":"beta","name":"Beta","sources":["https://beta.example/"]}],
	 "providers":[{"id":"acme-dns","company":"acme","service":"dns","name":"Acme DNS","layers":["dns"],"ns_suffixes":["ns.acme.example"],"sources":["https://acme.example/"]},
	 {"id":"gamma-dns","company":"gamma","service":"dns","name":"Gamma DNS","layers":["dns"],"ns_suffixes":["ns.gamma.example"],"sources":["https://gamma.example/"]}]}`
	table := func(rows string) fstest.MapFS {
		return fstest.MapFS{
			"catalog.json": {Data: []byte(main)},
			TLDFile:        {Data: []byte(`{"sources":["https://www.iana.org/domains/root/db"],"tlds":[` + rows + `]}`)},
		}
	}
	tests := []struct {
		name    string
		fs      fstest.MapFS
		wantErr string
	}{
		{"no table", fstest.MapFS{"catalog.json": {Data: []byte(main)}}, ""},
		{"valid", table(`{"tld":"acme","type":"generic","manager":"Acme Registry Inc.","registry":"acme","backend":"beta"},{"tld":"xn--p1ai","type":"country-code","manager":"Someone"}`), ""},
		{"malformed tld", table(`{"tld":"Acme","type":"generic","manager":"A"}`), "malformed tld"},
		{"u-label", table(`{"tld":"рф","type":"country-code","manager":"A"}`), "malformed tld"},
		{"listed twice", table(`{"tld":"acme","type":"generic","manager":"A"},{"tld":"acme","type":"generic","manager":"B"}`), "listed twice"},
		{"unknown type", table(`{"tld":"acme","type":"brand","manager":"A"}`), `type "brand"`},
		{"no manager", table(`{"tld":"acme","type":"generic","manager":" "}`), "no manager"},
		{"registry not a company", table(`{"tld":"acme","type":"generic","manager":"A","registry":"nobody"}`), `registry "nobody" is no declared company`},
		{"registry only implicit", table(`{"tld":"acme","type":"generic","manager":"A","registry":"gamma"}`), `registry "gamma" is no declared company`},
		{"backend is the registry", table(`{"tld":"acme","type":"generic","manager":"A","registry":"acme","backend":"acme"}`), "or the registry itself"},
		{"unknown field", table(`{"tld":"acme","type":"generic","manager":"A","operator":"x"}`), "unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseFS(tt.fs)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			case tt.wantErr == "" && tt.name == "valid":
				if e, ok := c.TLD("ACME."); !ok || e.Registry != "acme" || e.Backend != "beta" {
					t.Errorf("TLD(ACME.) = %+v, %v", e, ok)
				}
			}
		})
	}
}

func TestTLDOf(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"example.com": "com", "Example.CO.UK.": "uk", "com": "com", "": "", "a.b.xn--p1ai": "xn--p1ai",
	} {
		if got := TLDOf(in); got != want {
			t.Errorf("TLDOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDefaultTLDs checks the embedded table against the IANA root zone
// database (https://www.iana.org/domains/root/db/<tld>.html, "Sponsoring
// Organisation"), and the companies that own those organisations as
// their own sites say.
func TestDefaultTLDs(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	if n := c.TLDs(); n < 1200 {
		t.Errorf("TLD table has %d entries, want at least the ~1,400 delegated TLDs", n)
	}
	tests := []struct {
		tld, manager, registry, backend string
	}{
		{"com", "VeriSign Global Registry Services", "verisign", ""},
		{"net", "VeriSign Global Registry Services", "verisign", ""},
		// PIR sponsors .org; its registry runs on Identity Digital's
		// (formerly Afilias) back end: the root zone's .org name servers
		// are *.org.afilias-nst.info.
		{"org", "Public Interest Registry (PIR)", "pir", "identitydigital"},
		{"uk", "Nominet UK", "nominet", ""},
		{"de", "DENIC eG", "denic", ""},
		// Charleston Road Registry is Google's registry company
		// (https://www.registry.google/).
		{"app", "Charleston Road Registry Inc.", "google", ""},
		// Binky Moon, LLC is the Donuts entity, now Identity Digital.
		{"guru", "Binky Moon, LLC", "identitydigital", ""},
		{"xyz", "XYZ.COM LLC", "xyz", "teaminternet"},
		{"info", "Identity Digital Limited", "identitydigital", ""},
	}
	for _, tt := range tests {
		e, ok := c.TLD(tt.tld)
		if !ok {
			t.Errorf("TLD %q missing", tt.tld)
			continue
		}
		if e.Manager != tt.manager || e.Registry != tt.registry || e.Backend != tt.backend {
			t.Errorf("TLD %q = %+v, want manager %q registry %q backend %q", tt.tld, *e, tt.manager, tt.registry, tt.backend)
		}
	}
	// Every ccTLD of the 60 largest web countries and the popular ones
	// is in the table with a registry company.
	for _, cc := range strings.Fields(`us cn jp de in uk fr it br ca ru kr au mx es id tr nl sa ch pl be se ar ie at no il ae
		th sg my ph vn dk za hk co ro cz pk cl fi pt nz pe kz gr hu ua ng ir tw sk ke eu io me tv ai ly cc ws fm gg`) {
		if e, ok := c.TLD(cc); !ok || e.Registry == "" || e.Type != "country-code" {
			t.Errorf("ccTLD %q: %+v %v, want a country-code entry with a registry company", cc, e, ok)
		}
	}
}

// TestDefaultIssuers checks the embedded CA patterns with issuer names as
// the CAs publish them on their repository pages (cited per case).
func TestDefaultIssuers(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	tests := []struct {
		org, cn, want string
	}{
		{"Let's Encrypt", "R11", "letsencrypt-ca"},                                           // letsencrypt.org/certificates
		{"Let's Encrypt", "E6", "letsencrypt-ca"},                                            // letsencrypt.org/certificates
		{"Google Trust Services", "WR2", "google-trustservices"},                             // pki.goog/repository
		{"Google Trust Services LLC", "GTS CA 1C3", "google-trustservices"},                  // pki.goog/repository
		{"Amazon", "Amazon RSA 2048 M02", "amazon-ca"},                                       // amazontrust.com/repository
		{"DigiCert Inc", "DigiCert Global G2 TLS RSA SHA256 2020 CA1", "digicert-ca"},        // digicert.com root and intermediate list
		{"DigiCert Inc", "RapidSSL TLS RSA CA G1", "digicert-ca"},                            // a DigiCert brand
		{"DigiCert Inc", "GeoTrust Global TLS RSA4096 SHA256 2022 CA1", "digicert-ca"},       // a DigiCert brand
		{"Sectigo Limited", "Sectigo RSA Domain Validation Secure Server CA", "sectigo-ca"},  // sectigo.com intermediates
		{"COMODO CA Limited", "COMODO RSA Domain Validation Secure Server CA", "sectigo-ca"}, // Comodo CA is Sectigo's former name
		{"ZeroSSL", "ZeroSSL RSA Domain Secure Site CA", "sectigo-zerossl"},                  // issued under Sectigo's USERTrust root
		{"Microsoft Corporation", "Microsoft Azure RSA TLS Issuing CA 04", "microsoft-ca"},   // learn.microsoft.com Azure CA details
		{"GoDaddy.com, Inc.", "Go Daddy Secure Certificate Authority - G2", "godaddy-ca"},    // certs.godaddy.com/repository
		{"Starfield Technologies, Inc.", "Starfield Secure Certificate Authority - G2", "godaddy-ca"},
		{"GlobalSign nv-sa", "AlphaSSL CA - SHA256 - G4", "globalsign-ca"}, // support.globalsign.com
		{"GlobalSign nv-sa", "GlobalSign GCC R6 AlphaSSL CA 2023", "globalsign-ca"},
		{"Entrust, Inc.", "Entrust Certification Authority - L1K", "entrust-ca"},
		{"Apple Inc.", "Apple Public Server RSA CA 12 - G1", "apple-ca"},
		{"Buypass AS-983163327", "Buypass Class 2 CA 5", "buypass-ca"},
		{"Hellenic Academic and Research Institutions CA", "GEANT TLS RSA 1", "harica-ca"},
		{"SSL Corporation", "SSL.com RSA SSL subCA", "sslcom-ca"},
		// Cloudflare's universal certificates from SSL.com's Cloudflare
		// issuing CAs (developers.cloudflare.com certificate authorities).
		{"CLOUDFLARE, INC.", "Cloudflare TLS Issuing ECC CA 3", "sslcom-ca"},
		{"Asseco Data Systems S.A.", "Certum DV TLS G2 R39 CA", "asseco-certum"},
		{"TrustAsia Technologies, Inc.", "TrustAsia DV TLS RSA CA 2025", "trustasia-ca"},
		{"Actalis S.p.A.", "Actalis Domain Validation Server CA G3", "actalis-ca"},
		{"D-Trust GmbH", "D-TRUST SSL Class 3 CA 1 2009", "dtrust-ca"},
		{"Chunghwa Telecom Co., Ltd.", "HiPKI OV TLS CA - G1", "chunghwa-ca"},
		{"SECOM Trust Systems CO.,LTD.", "SECOM Passport for Web SR 3.0 CA", "secom-ca"},
	}
	for _, tt := range tests {
		m, ok := c.MatchIssuer(tt.org, tt.cn)
		if !ok || m.Provider.ID != tt.want {
			got := "none"
			if ok {
				got = m.Provider.ID + " by " + m.Pattern
			}
			t.Errorf("MatchIssuer(%q, %q) = %s, want %s", tt.org, tt.cn, got, tt.want)
		}
	}
	if m, ok := c.MatchIssuer("Example Trust Services, Inc.", "Example TLS CA 1"); ok {
		t.Errorf("an unknown CA matched %s", m.Provider.ID)
	}
	for _, p := range c.Providers() {
		if p.HasLayer(LayerCA) && len(p.Issuers) == 0 {
			t.Errorf("%s serves ca without issuer patterns", p.ID)
		}
	}
}

// TestDefaultHeaderRules checks the embedded header rules with headers as
// the CDNs document them.
func TestDefaultHeaderRules(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	tests := []struct {
		h    map[string][]string
		want string
	}{
		// developers.cloudflare.com/fundamentals/reference/http-headers/
		{map[string][]string{"Cf-Ray": {"8c5d9d4a5e3c1f2a-FRA"}, "Server": {"cloudflare"}}, "cloudflare-cdn"},
		// docs.aws.amazon.com CloudFront: X-Amz-Cf-Id, Via: ... (CloudFront)
		{map[string][]string{"Via": {"1.1 0f2e5c6a.cloudfront.net (CloudFront)"}}, "amazon-cloudfront"},
		{map[string][]string{"X-Cache": {"Hit from cloudfront"}}, "amazon-cloudfront"},
		// fastly.com: X-Served-By: cache-<pop>-<node>
		{map[string][]string{"X-Served-By": {"cache-fra-eddf8230021-FRA"}}, "fastly-cdn"},
		// vercel.com/docs/headers/response-headers
		{map[string][]string{"X-Vercel-Id": {"fra1::iad1::8w2kd-1700000000000-abc"}}, "vercel-cdn"},
		// docs.netlify.com: x-nf-request-id
		{map[string][]string{"X-Nf-Request-Id": {"01HABCDEF"}}, "netlify-cdn"},
		// learn.microsoft.com Front Door: X-Azure-Ref
		{map[string][]string{"X-Azure-Ref": {"0abc..."}}, "microsoft-frontdoor"},
		{map[string][]string{"Server": {"AkamaiGHost"}}, "akamai-cdn"},
		{map[string][]string{"Server": {"nginx"}, "Via": {"1.1 varnish"}}, ""},
	}
	for _, tt := range tests {
		ms := c.MatchHeaders(tt.h)
		got := ""
		if len(ms) > 0 {
			got = ms[0].Provider.ID
		}
		if got != tt.want || len(ms) > 1 {
			t.Errorf("MatchHeaders(%v) = %d matches, first %q, want %q", tt.h, len(ms), got, tt.want)
		}
	}
	for _, r := range c.HeaderRules() {
		if !strings.HasPrefix(r.Source, "https://") {
			t.Errorf("rule %s %s: source %q is not https", r.Provider, r.Header, r.Source)
		}
	}
}

// TestHeaderRuleMatchesFold checks the comparison of header values that
// makes no lower-case copy against the plain one (the value trimmed and
// put in lower case with strings.ToLower, then compared), on random
// values over an alphabet of upper and lower case letters, spaces and
// non-ASCII letters whose lower case differs, for every kind of rule.
func TestHeaderRuleMatchesFold(t *testing.T) {
	t.Parallel()
	want := func(r *HeaderRule, v string) bool {
		if len(v) > maxHeaderValue {
			v = v[:maxHeaderValue]
		}
		v = strings.ToLower(strings.TrimSpace(v))
		switch r.Match {
		case HeaderPresent:
			return true
		case HeaderEquals:
			return v == r.Value
		case HeaderPrefix:
			return strings.HasPrefix(v, r.Value)
		case HeaderContains:
			return strings.Contains(v, r.Value)
		}
		return false
	}
	rules := []*HeaderRule{{Match: HeaderPresent}}
	for _, m := range []string{HeaderEquals, HeaderPrefix, HeaderContains} {
		for _, v := range []string{"ab", "a b", "é", "hit", "k", "ß"} {
			rules = append(rules, &HeaderRule{Match: m, Value: v})
		}
	}
	alphabet := []string{"a", "A", "b", "B", " ", "\t", "É", "é", "h", "H", "i", "I", "T", "t", "\u212a", "K", "ẞ", "\xff"}
	rnd := rand.New(rand.NewPCG(3, 4))
	values := []string{"", " ", "AB", " Ab ", strings.Repeat("a", maxHeaderValue) + "AB", strings.Repeat("é", 300)}
	for range 20000 {
		var b strings.Builder
		for range rnd.IntN(8) {
			b.WriteString(alphabet[rnd.IntN(len(alphabet))])
		}
		values = append(values, b.String())
	}
	matched := 0
	for _, r := range rules {
		for _, v := range values {
			got := r.matches(v)
			if got != want(r, v) {
				t.Fatalf("%s %q on %q: %v, want %v", r.Match, r.Value, v, got, !got)
			}
			if got && r.Match != HeaderPresent {
				matched++
			}
		}
	}
	if matched == 0 {
		t.Fatal("no value matched a rule: the test compares nothing")
	}
}

// TestCanonicalToken checks canonicalToken against its definition:
// token characters only, and textproto's canonical form.
func TestCanonicalToken(t *testing.T) {
	t.Parallel()
	const alphabet = "aAzZ09-_.~ :\x00\xc3"
	rnd := rand.New(rand.NewPCG(5, 6))
	names := []string{"", "Cf-Ray", "CF-RAY", "cf-ray", "X-Amz-Cf-Id", "Server", "-a", "A--B", "A-1b", "A-1B", "Www-Authenticate"}
	for range 50000 {
		b := make([]byte, rnd.IntN(7))
		for i := range b {
			b[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	yes := 0
	for _, k := range names {
		want := true
		for i := 0; i < len(k); i++ {
			want = want && tchar(k[i])
		}
		want = want && textproto.CanonicalMIMEHeaderKey(k) == k
		if got := canonicalToken(k); got != want {
			t.Fatalf("canonicalToken(%q) = %v, want %v", k, got, want)
		}
		if want {
			yes++
		}
	}
	if yes < 10 {
		t.Fatalf("%d canonical names: the test compares little", yes)
	}
}
