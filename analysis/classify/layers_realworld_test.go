package classify_test

// Real-world shapes of the layers of issue 12: leaf certificates whose
// issuers are written as the CAs publish them on their repository pages,
// response headers as the CDNs document them, and TLDs as the IANA root
// zone database lists their sponsoring organisations. Each expected
// verdict comes from those publications (cited per case), not from the
// catalog: a failing case means the catalog lacks a published fact or a
// rule misbehaves.

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// issuer is a leaf certificate's issuer: organisation and common name.
type issuer struct{ org, cn string }

// tlsOn adds one successful TLS probe of host name (the apex when name
// is "", www when "www") whose leaf certificate was issued by is and names
// an OCSP responder, as the CAs' leaves did until 2025 and most still do.
func tlsOn(name string, is issuer, stapled bool) obsOpt {
	return func(o *dnscrawl.Observation) {
		tlsNoOCSP(name, is, stapled)(o)
		o.TLS[len(o.TLS)-1].Chain[0].OCSP = []string{"http://ocsp.ca.example"}
	}
}

// tlsNoOCSP is tlsOn with a leaf that names no OCSP responder (only a CRL
// URL), as Let's Encrypt's leaves since May 2025
// (https://letsencrypt.org/2024/12/05/ending-ocsp/).
func tlsNoOCSP(name string, is issuer, stapled bool) obsOpt {
	return func(o *dnscrawl.Observation) {
		h := o.Domain
		if name != "" {
			h = name + "." + o.Domain
		}
		o.TLS = append(o.TLS, dnscrawl.TLSProbe{
			Host: h, Addr: netip.MustParseAddr("192.0.2.10"), Port: 443, Status: dnscrawl.ProbeOK,
			Chain:       []dnscrawl.Cert{{SubjectCN: h, IssuerOrg: is.org, IssuerCN: is.cn, SANs: 2}},
			OCSPStapled: stapled, Verified: true,
		})
	}
}

// tlsChain adds a successful TLS probe of www whose chain is a leaf
// issued by leaf and an intermediate (subject leaf's issuer) issued by
// up; upSelf makes the intermediate a self-signed root.
func tlsChain(leaf, up issuer, upSelf bool) obsOpt {
	return func(o *dnscrawl.Observation) {
		h := "www." + o.Domain
		o.TLS = append(o.TLS, dnscrawl.TLSProbe{Host: h, Port: 443, Status: dnscrawl.ProbeOK, Chain: []dnscrawl.Cert{
			{SubjectCN: h, IssuerOrg: leaf.org, IssuerCN: leaf.cn, OCSP: []string{"http://ocsp.ca.example"}},
			{SubjectOrg: leaf.org, SubjectCN: leaf.cn, IssuerOrg: up.org, IssuerCN: up.cn, SelfSigned: upSelf},
		}})
	}
}

// tlsFail adds a TLS probe of the apex or www that ended with status st.
func tlsFail(name string, st dnscrawl.ProbeStatus) obsOpt {
	return func(o *dnscrawl.Observation) {
		h := o.Domain
		if name != "" {
			h = name + "." + o.Domain
		}
		o.TLS = append(o.TLS, dnscrawl.TLSProbe{Host: h, Port: 443, Status: st})
	}
}

// selfSigned adds a TLS probe of www whose leaf is self-signed.
func selfSigned() obsOpt {
	return func(o *dnscrawl.Observation) {
		h := "www." + o.Domain
		o.TLS = append(o.TLS, dnscrawl.TLSProbe{Host: h, Port: 443, Status: dnscrawl.ProbeOK,
			Chain: []dnscrawl.Cert{{SubjectCN: h, IssuerCN: h, SelfSigned: true}}})
	}
}

// headers adds a successful HTTPS HEAD of www with the given headers
// (name, value, name, value...).
func headers(kv ...string) obsOpt {
	return func(o *dnscrawl.Observation) {
		h := map[string][]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			h[kv[i]] = append(h[kv[i]], kv[i+1])
		}
		o.HTTP = append(o.HTTP, dnscrawl.HTTPProbe{URL: "https://www." + o.Domain + "/", Status: dnscrawl.ProbeOK, StatusCode: 200, Headers: h})
	}
}

// layerIDs returns the dependency ids of r on layer l, sorted, with the
// evidence kind: "letsencrypt-ca issuer".
func layerIDs(r classify.Result, l catalog.Layer) []string {
	var out []string
	for _, d := range r.LayerDeps(l) {
		out = append(out, d.ID()+" "+string(d.Evidence))
	}
	slices.Sort(out)
	return out
}

func realWorldClassifier(t *testing.T) *classify.Classifier {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return classify.New(cat, realWorldASNs()).WithRanges(realWorldRanges())
}

func TestRealWorldCA(t *testing.T) {
	t.Parallel()
	c := realWorldClassifier(t)
	// Issuers as the CAs' repository pages and the CCADB list them:
	// letsencrypt.org/certificates, pki.goog/repository,
	// amazontrust.com/repository, digicert.com's intermediate list,
	// sectigo.com's intermediates, learn.microsoft.com's "Azure
	// Certificate Authority details", certs.godaddy.com/repository.
	le := issuer{"Let's Encrypt", "R11"}
	gts := issuer{"Google Trust Services", "WR2"}
	digicert := issuer{"DigiCert Inc", "DigiCert Global G2 TLS RSA SHA256 2020 CA1"}
	tests := []struct {
		name     string
		obs      *dnscrawl.Observation
		want     []string
		state    classify.State
		critical string // the CA the site critically depends on, "" none
		stapled  bool
	}{
		{"Let's Encrypt on www, no stapling: critical", site("le-example.com", www("192.0.2.10"), tlsOn("www", le, false)),
			[]string{"letsencrypt-ca issuer"}, classify.StateKnown, "letsencrypt", false},
		{"Let's Encrypt leaf without an OCSP URL (2025 on), no stapling: not critical, nothing to ask the CA", site("le-example.com", www("192.0.2.10"), tlsNoOCSP("www", le, false)),
			[]string{"letsencrypt-ca issuer"}, classify.StateKnown, "", false},
		{"Let's Encrypt ECDSA intermediate E6 with stapling: not critical", site("le-example.com", www("192.0.2.10"), tlsOn("www", issuer{"Let's Encrypt", "E6"}, true)),
			[]string{"letsencrypt-ca issuer"}, classify.StateKnown, "", true},
		{"Google Trust Services WR2", site("gts-example.com", tlsOn("www", gts, false)),
			[]string{"google-trustservices issuer"}, classify.StateKnown, "google", false},
		{"GTS CA 1C3, the older organisation name", site("gts-example.com", tlsOn("www", issuer{"Google Trust Services LLC", "GTS CA 1C3"}, false)),
			[]string{"google-trustservices issuer"}, classify.StateKnown, "google", false},
		{"ACM certificate: Amazon RSA 2048 M02", site("acm-example.com", tlsOn("www", issuer{"Amazon", "Amazon RSA 2048 M02"}, false)),
			[]string{"amazon-ca issuer"}, classify.StateKnown, "amazon", false},
		{"RapidSSL is a DigiCert brand", site("rapid-example.com", tlsOn("www", issuer{"DigiCert Inc", "RapidSSL TLS RSA CA G1"}, false)),
			[]string{"digicert-ca issuer"}, classify.StateKnown, "digicert", false},
		{"DigiCert, written with a comma", site("dc-example.com", tlsOn("www", issuer{"DigiCert, Inc.", "DigiCert G5 TLS RSA4096 SHA384 2021 CA1"}, false)),
			[]string{"digicert-ca issuer"}, classify.StateKnown, "digicert", false},
		{"Sectigo DV", site("sectigo-example.com", tlsOn("www", issuer{"Sectigo Limited", "Sectigo RSA Domain Validation Secure Server CA"}, false)),
			[]string{"sectigo-ca issuer"}, classify.StateKnown, "sectigo", false},
		{"ZeroSSL is issued by Sectigo", site("zero-example.com", tlsOn("www", issuer{"ZeroSSL", "ZeroSSL RSA Domain Secure Site CA"}, false)),
			[]string{"sectigo-zerossl issuer"}, classify.StateKnown, "sectigo", false},
		{"Azure's own TLS issuing CA", site("azure-example.com", tlsOn("www", issuer{"Microsoft Corporation", "Microsoft Azure RSA TLS Issuing CA 04"}, false)),
			[]string{"microsoft-ca issuer"}, classify.StateKnown, "microsoft", false},
		{"Go Daddy G2", site("gd-example.com", tlsOn("www", issuer{"GoDaddy.com, Inc.", "Go Daddy Secure Certificate Authority - G2"}, false)),
			[]string{"godaddy-ca issuer"}, classify.StateKnown, "godaddy", false},
		{"www wins over the apex", site("two-example.com", tlsOn("", digicert, false), tlsOn("www", gts, false)),
			[]string{"google-trustservices issuer"}, classify.StateKnown, "google", false},
		{"the apex when www has no certificate", site("apex-example.com", tlsFail("www", dnscrawl.ProbeRefused), tlsOn("", le, false)),
			[]string{"letsencrypt-ca issuer"}, classify.StateKnown, "letsencrypt", false},
		{"two addresses of www with two CAs: redundant", site("both-example.com", tlsOn("www", le, false), tlsOn("www", gts, false)),
			[]string{"google-trustservices issuer", "letsencrypt-ca issuer"}, classify.StateKnown, "", false},
		{"an uncatalogued CA by its organisation", site("odd-example.com", tlsOn("www", issuer{"Example Trust Services, Inc.", "Example TLS CA 1"}, false)),
			[]string{"example-trust-services-inc issuer_org"}, classify.StateKnown, "example-trust-services-inc", false},
		{"an issuer with a CN only", site("cn-example.com", tlsOn("www", issuer{"", "Internal Issuing CA 7"}, false)),
			[]string{"internal-issuing-ca-7 issuer_org"}, classify.StateKnown, "internal-issuing-ca-7", false},
		// A reseller-branded sub-CA signed by Sectigo's USERTrust root
		// (sectigo.com: USERTrust RSA Certification Authority): Sectigo's.
		{"a reseller's sub-CA under USERTrust", site("resell-example.com", tlsChain(issuer{"Example Reseller Ltd", "Example Reseller DV CA"}, issuer{"The USERTRUST Network", "USERTrust RSA Certification Authority"}, false)),
			[]string{"sectigo-ca issuer"}, classify.StateKnown, "sectigo", false},
		{"an unknown CA with its own root", site("ownroot-example.com", tlsChain(issuer{"Example Trust Services, Inc.", "Example TLS CA 1"}, issuer{"Example Trust Services, Inc.", "Example Root"}, true)),
			[]string{"example-trust-services-inc issuer_org"}, classify.StateKnown, "example-trust-services-inc", false},
		{"self-signed: the site's own", site("self-example.com", selfSigned()),
			[]string{"self self"}, classify.StateKnown, "", false},
		{"no TLS probe (crawl without probes)", site("noprobe-example.com", www("192.0.2.10")), nil, classify.StateUnresolved, "", false},
		{"no HTTPS anywhere", site("http-example.com", tlsFail("", dnscrawl.ProbeRefused), tlsFail("www", dnscrawl.ProbeNoAddress)), nil, classify.StateNone, "", false},
		{"handshake failed", site("bad-example.com", tlsFail("www", dnscrawl.ProbeTLSError)), nil, classify.StateUnattributed, "", false},
		{"timed out", site("slow-example.com", tlsFail("www", dnscrawl.ProbeTimeout), tlsFail("", dnscrawl.ProbeRefused)), nil, classify.StateUnresolved, "", false},
		{"issuer of nothing but punctuation", site("dots-example.com", tlsOn("www", issuer{"...", "--"}, false)), nil, classify.StateUnattributed, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := classify.ClassifyAll(c, one(tt.obs))[0]
			if got := layerIDs(r, catalog.LayerCA); !slices.Equal(got, tt.want) {
				t.Errorf("ca = %q, want %q", got, tt.want)
			}
			if st := r.States[catalog.LayerCA]; st != tt.state {
				t.Errorf("ca state = %s, want %s", st, tt.state)
			}
			crit, _ := r.Critical(catalog.LayerCA)
			if crit != tt.critical {
				t.Errorf("critical = %q, want %q", crit, tt.critical)
			}
			if r.OCSPStapled != tt.stapled {
				t.Errorf("stapled = %v, want %v", r.OCSPStapled, tt.stapled)
			}
			for _, d := range r.LayerDeps(catalog.LayerCA) {
				if d.Confidence <= 0 || d.Confidence > 1 || d.EvidenceValue == "" {
					t.Errorf("dependency %+v: bad confidence or no evidence", d)
				}
			}
		})
	}
}

// TestHostileCertificate feeds issuer names carrying formula, markup and
// control characters: the provider name stays a plain slug and the
// evidence value carries no control character and has a bounded length.
func TestHostileCertificate(t *testing.T) {
	t.Parallel()
	c := realWorldClassifier(t)
	hostile := issuer{"=HYPERLINK(\"http://x\")<script>alert(1)</script>\r\n\u202e" + strings.Repeat("A", 5000), "@SUM(1)\x00\x1b"}
	r := classify.ClassifyAll(c, one(site("hostile-example.com", tlsOn("www", hostile, false))))[0]
	deps := r.LayerDeps(catalog.LayerCA)
	if len(deps) != 1 {
		t.Fatalf("deps = %+v", deps)
	}
	d := deps[0]
	if !d.Uncatalogued || strings.ContainsAny(d.Provider, "=<>\"()@ \r\n") || len(d.Provider) > 48 || !strings.HasPrefix(d.Provider, "hyperlink-http-x-script") {
		t.Errorf("provider %q", d.Provider)
	}
	if len(d.EvidenceValue) > 200 || strings.ContainsAny(d.EvidenceValue, "\r\n\x00\x1b\u202e") {
		t.Errorf("evidence value %q", d.EvidenceValue)
	}
}

func TestRealWorldHTTPHeaders(t *testing.T) {
	t.Parallel()
	c := realWorldClassifier(t)
	// 192.0.2.0/24 (TEST-NET-1) is in no range file and no AS of the
	// reference data: an edge on addresses nothing else reveals.
	tests := []struct {
		name         string
		obs          *dnscrawl.Observation
		cdn          []string
		cdnState     classify.State
		hostingState classify.State
		confirmed    bool
	}{
		// developers.cloudflare.com/fundamentals/reference/http-headers/:
		// every proxied response carries CF-RAY and "Server: cloudflare".
		{"Cloudflare on the customer's own addresses", site("byoip-example.com", www("192.0.2.10"), headers("Cf-Ray", "8c5d9d4a5e3c1f2a-FRA", "Server", "cloudflare")),
			[]string{"cloudflare-cdn http_header"}, classify.StateKnown, classify.StateUnattributed, false},
		// CloudFront adds X-Amz-Cf-Id and Via: 1.1 <id>.cloudfront.net (CloudFront).
		{"CloudFront by X-Amz-Cf-Id", site("cf-example.com", www("192.0.2.11"), headers("X-Amz-Cf-Id", "E5k0bXk1d8aA==", "Via", "1.1 0f2e5c6a.cloudfront.net (CloudFront)")),
			[]string{"amazon-cloudfront http_header"}, classify.StateKnown, classify.StateUnattributed, false},
		// Fastly: X-Served-By: cache-<pop>...
		{"Fastly by X-Served-By", site("fastly-example.com", www("192.0.2.12"), headers("X-Served-By", "cache-fra-eddf8230021-FRA")),
			[]string{"fastly-cdn http_header"}, classify.StateKnown, classify.StateUnattributed, false},
		// vercel.com/docs/headers/response-headers: x-vercel-id.
		{"Vercel by x-vercel-id", site("vercel-example.com", www("192.0.2.13"), headers("X-Vercel-Id", "fra1::iad1::8w2kd-1700000000000-abc")),
			[]string{"vercel-cdn http_header"}, classify.StateKnown, classify.StateUnattributed, false},
		// docs.netlify.com: x-nf-request-id.
		{"Netlify by x-nf-request-id", site("netlify-example.com", www("192.0.2.14"), headers("X-Nf-Request-Id", "01HABCDEF")),
			[]string{"netlify-cdn http_header"}, classify.StateKnown, classify.StateUnattributed, false},
		{"a plain web server is no CDN", site("plain-example.com", www("192.0.2.15"), headers("Server", "nginx/1.25.3")),
			nil, classify.StateNone, classify.StateUnattributed, false},
		// The CNAME names Cloudflare; the header confirms it, no second CDN.
		{"the header confirms a CNAME", site("cname-example.com", www("www.cname-example.com.cdn.cloudflare.net", "104.16.132.229"), headers("Cf-Ray", "8c5d9d4a5e3c1f2a-FRA")),
			[]string{"cloudflare-cdn cname_suffix"}, classify.StateKnown, classify.StateUnattributed, true},
		// A range already shows Fastly; a header of another CDN is not used.
		{"the range wins over another CDN's header", site("range-example.com", www("151.101.1.57"), headers("X-Vercel-Id", "fra1::x")),
			[]string{"fastly-cdn ip_range"}, classify.StateKnown, classify.StateUnattributed, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := classify.ClassifyAll(c, one(tt.obs))[0]
			if got := layerIDs(r, catalog.LayerCDN); !slices.Equal(got, tt.cdn) {
				t.Errorf("cdn = %q, want %q", got, tt.cdn)
			}
			if st := r.States[catalog.LayerCDN]; st != tt.cdnState {
				t.Errorf("cdn state = %s, want %s", st, tt.cdnState)
			}
			if st := r.States[catalog.LayerHosting]; st != tt.hostingState {
				t.Errorf("hosting state = %s, want %s (%q)", st, tt.hostingState, layerIDs(r, catalog.LayerHosting))
			}
			confirmed := false
			for _, d := range r.LayerDeps(catalog.LayerCDN) {
				confirmed = confirmed || strings.Contains(d.EvidenceValue, "; http_header ")
				if d.Evidence == classify.EvidenceHTTPHeader && (d.Confidence < 0.5 || d.Confidence > 1) {
					t.Errorf("header dependency confidence %v", d.Confidence)
				}
			}
			if confirmed != tt.confirmed {
				t.Errorf("confirmed = %v, want %v", confirmed, tt.confirmed)
			}
		})
	}
}

func TestRealWorldTLD(t *testing.T) {
	t.Parallel()
	c := realWorldClassifier(t)
	// Sponsoring organisations from https://www.iana.org/domains/root/db;
	// the company behind the organisation from its own site.
	tests := []struct {
		domain string
		want   string
	}{
		{"example.com", "verisign-com"},                                // VeriSign Global Registry Services
		{"example.net", "verisign-net"},                                // VeriSign Global Registry Services
		{"example.org", "pir-org"},                                     // Public Interest Registry (PIR)
		{"example.co.uk", "nominet-uk"},                                // the registry of "uk": Nominet UK
		{"example.de", "denic-de"},                                     // DENIC eG
		{"example.app", "google-app"},                                  // Charleston Road Registry Inc. (Google Registry)
		{"example.io", "identitydigital-io"},                           // Internet Computer Bureau, Identity Digital since 2017
		{"example.guru", "identitydigital-guru"},                       // Binky Moon, LLC (Donuts, now Identity Digital)
		{"example.xyz", "xyz-xyz"},                                     // XYZ.COM LLC
		{"example.com.au", "auda-au"},                                  // .au Domain Administration (auDA)
		{"example.xn--p1ai", "cctldru-xn--p1ai"},                       // .рф: Coordination Center for TLD RU
		{"EXAMPLE.FR.", "afnic-fr"},                                    // AFNIC
		{"example.bmw", "bayerische-motoren-werke-aktiengesellschaft"}, // a brand TLD the catalog names no company for
		{"example.notatld", ".notatld"},                                // not in the root zone
	}
	for _, tt := range tests {
		r := classify.ClassifyAll(c, one(site(tt.domain)))[0]
		deps := r.LayerDeps(catalog.LayerTLD)
		if len(deps) != 1 || deps[0].ID() != tt.want || r.States[catalog.LayerTLD] != classify.StateKnown {
			t.Errorf("%s: tld %+v state %s, want exactly %s", tt.domain, deps, r.States[catalog.LayerTLD], tt.want)
			continue
		}
		if crit, ok := r.Critical(catalog.LayerTLD); !ok || crit != deps[0].Provider {
			t.Errorf("%s: a TLD registry is never redundant: critical %q %v", tt.domain, crit, ok)
		}
	}
	gone := site("gone-example.com")
	gone.Status = dnscrawl.StatusNXDomain
	r := classify.ClassifyAll(c, one(gone))[0]
	if len(r.LayerDeps(catalog.LayerTLD)) != 0 || r.States[catalog.LayerTLD] != classify.StateUnresolved {
		t.Errorf("nxdomain: %+v %s", r.DepList(), r.States[catalog.LayerTLD])
	}
	// .org's back end is named in the evidence.
	r = classify.ClassifyAll(c, one(site("example.org")))[0]
	if d := r.LayerDeps(catalog.LayerTLD); len(d) != 1 || !strings.Contains(d[0].EvidenceValue, "back end identitydigital") {
		t.Errorf("example.org evidence: %+v", d)
	}
}

func TestCertHostEdges(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := classify.New(cat, realWorldASNs()).WithRanges(realWorldRanges())
	// A Let's Encrypt leaf names its OCSP responder and CA issuer hosts
	// under lencr.org (letsencrypt.org/certificates); the crawl resolved
	// them: the responder through an Akamai CNAME, the issuer host on a
	// Cloudflare address, and the zone served by Route 53.
	o := site("le-example.com", tlsOn("www", issuer{"Let's Encrypt", "R11"}, false))
	o.TLS[0].Chain[0].OCSP = []string{"http://r11.o.lencr.org"}
	o.TLS[0].Chain[0].AIA = []string{"http://r11.i.lencr.org/"}
	o.TLS[0].Chain[0].CRL = []string{"http://r11.c.lencr.org/12.crl", "::not a url"}
	zoneNS := &dnscrawl.ZoneNS{Zone: "lencr.org", NS: []string{"ns-1.awsdns-01.org", "ns-2.awsdns-02.com"}}
	o.CertHosts = []dnscrawl.CertHost{
		{Name: "r11.o.lencr.org", Host: host("r11.o.lencr.org", []string{"o.lencr.edgesuite.net", "a1887.dscq.akamai.net", "23.32.1.1"}), Zone: zoneNS},
		{Name: "r11.i.lencr.org", Host: host("r11.i.lencr.org", []string{"104.16.132.229"}), Zone: zoneNS},
		{Name: "unrelated.example.net", Host: host("unrelated.example.net", []string{"fastly.example.net.global.prod.fastly.net"})},
	}
	format := func(es []classify.CertEdge) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.From.ID+" -> "+e.To.ID+" "+string(e.Layer)+" via "+e.Host)
		}
		return out
	}
	want := []string{
		"letsencrypt-ca -> akamai-cdn cdn via r11.o.lencr.org",
		"letsencrypt-ca -> amazon-route53 dns via r11.i.lencr.org",
		"letsencrypt-ca -> cloudflare-cdn cdn via r11.i.lencr.org",
	}
	if got := format(c.CertHostEdges(o)); !slices.Equal(got, want) {
		t.Errorf("Classifier.CertHostEdges =\n%q\nwant\n%q", got, want)
	}
	// Names only: the Cloudflare address says nothing.
	wantNames := []string{want[0], want[1]}
	if got := format(classify.CertHostEdges(o, cat)); !slices.Equal(got, wantNames) {
		t.Errorf("CertHostEdges =\n%q\nwant\n%q", got, wantNames)
	}
	// An uncatalogued CA, or no cert hosts: no edge.
	o2 := site("odd-example.com", tlsOn("www", issuer{"Example Trust", "X1"}, false))
	o2.CertHosts = o.CertHosts
	if es := classify.CertHostEdges(o2, cat); len(es) != 0 {
		t.Errorf("uncatalogued CA: %q", format(es))
	}
}
