package simnet

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/crypto/ocsp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// The expected values below are written from the CAs' and providers' own
// documentation, not taken from the tables of ca.go, tls.go or http.go.

// issuerOrgs is the organisation in the issuer of the leaves each CA
// issues today (the intermediates' subjects on the CAs' repository pages).
var issuerOrgs = map[string]string{
	"letsencrypt-ca":               "Let's Encrypt",
	"digicert-ca":                  "DigiCert Inc",
	"sectigo-ca":                   "Sectigo Limited",
	"google-trustservices":         "Google Trust Services",
	"amazon-ca":                    "Amazon",
	"globalsign-ca":                "GlobalSign nv-sa",
	"quillmark-trust-services-ltd": "Quillmark Trust Services Ltd",
}

// urlHosts is the form of the hosts each CA's leaves name: OCSP (""
// when the CA runs no responder: Let's Encrypt ended OCSP in 2025) and
// the CA-issuer (AIA) URL.
var urlHosts = map[string]struct{ ocsp, aia *regexp.Regexp }{
	"letsencrypt-ca":               {nil, regexp.MustCompile(`^[er]\d+\.i\.lencr\.org$`)},
	"digicert-ca":                  {regexp.MustCompile(`^ocsp\.digicert\.com$`), regexp.MustCompile(`^cacerts\.digicert\.com$`)},
	"sectigo-ca":                   {regexp.MustCompile(`^ocsp\.sectigo\.com$`), regexp.MustCompile(`^crt\.sectigo\.com$`)},
	"google-trustservices":         {regexp.MustCompile(`^o\.pki\.goog$`), regexp.MustCompile(`^i\.pki\.goog$`)},
	"amazon-ca":                    {regexp.MustCompile(`^ocsp\.[a-z0-9]+\.amazontrust\.com$`), regexp.MustCompile(`^crt\.[a-z0-9]+\.amazontrust\.com$`)},
	"globalsign-ca":                {regexp.MustCompile(`^ocsp\.globalsign\.com$`), regexp.MustCompile(`^secure\.globalsign\.com$`)},
	"quillmark-trust-services-ltd": {regexp.MustCompile(`^ocsp\.quillmarkca\.net$`), regexp.MustCompile(`^crt\.quillmarkca\.net$`)},
}

// webSim is a served simulated internet with its endpoint's addresses as
// the DNS server advertises them.
type webSim struct {
	in              *Internet
	srv             *Server
	tlsAddr, hAddr  string
	roots           *x509.CertPool
	domains, failed int
}

var advertRE = regexp.MustCompile(`^tls=(127\.0\.0\.1:\d+) http=(127\.0\.0\.1:\d+)$`)

func startWeb(t *testing.T, n int, seed int64) *webSim {
	t.Helper()
	in := generate(t, Config{Domains: n, Seed: seed})
	srv := startServer(t, in)
	m := new(dns.Msg)
	m.SetQuestion(ProbeName, dns.TypeTXT)
	m.Question[0].Qclass = dns.ClassCHAOS
	r, err := exchange(t, srv.Addr(), "udp", m, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Answer) != 1 {
		t.Fatalf("CHAOS %s: %d answers, want 1", ProbeName, len(r.Answer))
	}
	txt, ok := r.Answer[0].(*dns.TXT)
	if !ok || len(txt.Txt) != 1 || txt.Hdr.Class != dns.ClassCHAOS {
		t.Fatalf("CHAOS %s: answer %v", ProbeName, r.Answer[0])
	}
	sm := advertRE.FindStringSubmatch(txt.Txt[0])
	if sm == nil {
		t.Fatalf("CHAOS %s: %q does not read tls=127.0.0.1:PORT http=127.0.0.1:PORT", ProbeName, txt.Txt[0])
	}
	if sm[1] != srv.Endpoint().TLSAddr() || sm[2] != srv.Endpoint().HTTPAddr() || sm[1] == sm[2] {
		t.Fatalf("advert %q, endpoint tls %s http %s", txt.Txt[0], srv.Endpoint().TLSAddr(), srv.Endpoint().HTTPAddr())
	}
	roots, err := in.RootPool()
	if err != nil {
		t.Fatal(err)
	}
	return &webSim{in: in, srv: srv, tlsAddr: sm[1], hAddr: sm[2], roots: roots}
}

// client returns an HTTP client that sends every request to the
// endpoint: HTTPS to its TLS listener, plain HTTP to the other; it does
// not follow redirects.
func (s *webSim) client() *http.Client {
	return &http.Client{
		Timeout: 3 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				target := s.hAddr
				if strings.HasSuffix(addr, ":443") {
					target = s.tlsAddr
				}
				return (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, network, target)
			},
			TLSClientConfig: &tls.Config{RootCAs: s.roots, InsecureSkipVerify: true},
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// handshake connects to the TLS endpoint with SNI name and returns the
// connection state, without verifying (the test verifies).
func (s *webSim) handshake(name string) (tls.ConnectionState, error) {
	d := &net.Dialer{Timeout: 2 * time.Second}
	c, err := tls.DialWithDialer(d, "tcp", s.tlsAddr, &tls.Config{ServerName: name, InsecureSkipVerify: true})
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer c.Close()
	return c.ConnectionState(), nil
}

// TestEndpointCertificates handshakes with the www (else apex) host of
// every resolving domain of a population and checks that what is served
// is what the truth says: the CA by its issuer and URLs, the stapled OCSP
// response, expired and self-signed certificates, no TLS at all.
func TestEndpointCertificates(t *testing.T) {
	t.Parallel()
	s := startWeb(t, 600, 3)
	seen := map[string]int{}
	certHosts := map[string]bool{}
	now := time.Now()
	for tr := range s.in.Truths() {
		if tr.Status != "ok" {
			continue
		}
		var p plan
		s.in.makePlan(&p, tr.Rank-1)
		tp := p.tlsPlan()
		host, _, hasTLS := tp.webCert()
		name := tr.Domain
		if host == hostWWW || (!hasTLS && p.host[hostWWW].exists) {
			name = "www." + tr.Domain
		}
		st, err := s.handshake(name)
		if tr.Cert == "none" {
			seen["none"]++
			if err == nil {
				t.Errorf("%s: truth says no TLS, handshake succeeded", name)
			}
			if len(tr.CA) != 0 {
				t.Errorf("%s: no TLS but CA %v", name, tr.CA)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: handshake: %v", name, err)
			continue
		}
		leaf := st.PeerCertificates[0]
		if err := leaf.VerifyHostname(name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		seen[tr.Cert]++
		ca := tr.CA[0]
		switch tr.Cert {
		case "self_signed":
			if ca != Self || leaf.CheckSignatureFrom(leaf) != nil || len(st.PeerCertificates) != 1 {
				t.Errorf("%s: truth %s %s, leaf issued by %q, %d certificates", name, tr.Cert, ca, leaf.Issuer, len(st.PeerCertificates))
			}
			continue
		case "expired":
			if !leaf.NotAfter.Before(now) {
				t.Errorf("%s: truth expired, not after %s", name, leaf.NotAfter)
			}
		case "ok":
			if !leaf.NotAfter.After(now) || leaf.NotBefore.After(now) {
				t.Errorf("%s: valid %s to %s", name, leaf.NotBefore, leaf.NotAfter)
			}
		}
		seen[ca]++
		inter := x509.NewCertPool()
		for _, c := range st.PeerCertificates[1:] {
			inter.AddCert(c)
		}
		_, verr := leaf.Verify(x509.VerifyOptions{DNSName: name, Roots: s.roots, Intermediates: inter})
		var inv x509.CertificateInvalidError
		switch {
		case tr.Cert == "ok" && verr != nil:
			t.Errorf("%s: does not verify against the simulated roots: %v", name, verr)
		case tr.Cert == "expired" && !(errors.As(verr, &inv) && inv.Reason == x509.Expired):
			t.Errorf("%s: expired certificate verifies with %v", name, verr)
		}
		if got, want := strings.Join(leaf.Issuer.Organization, ","), issuerOrgs[ca]; got != want {
			t.Errorf("%s: truth CA %s, issuer organisation %q want %q", name, ca, got, want)
		}
		uh := urlHosts[ca]
		switch {
		case uh.ocsp == nil && len(leaf.OCSPServer) != 0:
			t.Errorf("%s: %s certificate names OCSP %v", name, ca, leaf.OCSPServer)
		case uh.ocsp != nil && (len(leaf.OCSPServer) != 1 || !uh.ocsp.MatchString(urlHost(t, leaf.OCSPServer[0]))):
			t.Errorf("%s: %s certificate names OCSP %v", name, ca, leaf.OCSPServer)
		}
		if len(leaf.IssuingCertificateURL) != 1 || !uh.aia.MatchString(urlHost(t, leaf.IssuingCertificateURL[0])) {
			t.Errorf("%s: %s certificate names CA issuers %v", name, ca, leaf.IssuingCertificateURL)
		}
		for _, u := range slices.Concat(leaf.OCSPServer, leaf.CRLDistributionPoints, leaf.IssuingCertificateURL) {
			certHosts[urlHost(t, u)] = true
		}
		// Stapling as the truth says, and the staple answers for this
		// certificate.
		if (len(st.OCSPResponse) > 0) != tr.CAStapled {
			t.Errorf("%s: stapled %v, truth %v", name, len(st.OCSPResponse) > 0, tr.CAStapled)
		}
		if len(st.OCSPResponse) > 0 {
			seen["stapled"]++
			resp, err := ocsp.ParseResponseForCert(st.OCSPResponse, leaf, st.PeerCertificates[1])
			if err != nil {
				t.Errorf("%s: staple: %v", name, err)
			} else if resp.Status != ocsp.Good || resp.SerialNumber.Cmp(leaf.SerialNumber) != 0 || !resp.NextUpdate.After(now) {
				t.Errorf("%s: staple status %d serial %s next update %s", name, resp.Status, resp.SerialNumber, resp.NextUpdate)
			}
		}
	}
	t.Logf("served: %v", seen)
	for _, k := range slices.Concat([]string{"none", "ok", "expired", "self_signed", "stapled"}, slices.Collect(mapKeys(issuerOrgs))) {
		if seen[k] == 0 {
			t.Errorf("no %s certificate in the population", k)
		}
	}
	// Unknown names get no certificate.
	for _, name := range []string{"unknown.example", "www.www." + s.in.Domain(1), ""} {
		if _, err := s.handshake(name); err == nil {
			t.Errorf("SNI %q: handshake succeeded", name)
		}
	}
	// Every host the certificates name resolves, and its zone has name
	// servers.
	for h := range certHosts {
		r, err := exchange(t, s.srv.Addr(), "udp", query(h, dns.TypeA), 2*time.Second)
		if err != nil || r.Rcode != dns.RcodeSuccess || !slices.ContainsFunc(r.Answer, func(rr dns.RR) bool { return rr.Header().Rrtype == dns.TypeA }) {
			t.Errorf("cert host %s does not resolve: %v %v", h, err, r)
			continue
		}
		z := catalog.ICANNRegistrable(h)
		r, err = exchange(t, s.srv.Addr(), "udp", query(z, dns.TypeNS), 2*time.Second)
		if err != nil || len(r.Answer) == 0 {
			t.Errorf("zone %s of cert host %s has no NS: %v %v", z, h, err, r)
		}
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func urlHost(t *testing.T, s string) string {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Errorf("url %q: %v", s, err)
		return ""
	}
	return u.Hostname()
}

// TestCertHostChains checks the DNS of the CAs' hosts against public
// lookups of the real names: DigiCert's OCSP through Edgio's phicdn.net,
// Sectigo's on Cloudflare.
func TestCertHostChains(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 50, Seed: 1})
	srv := startServer(t, in)
	for _, c := range []struct{ name, last string }{
		{"ocsp.digicert.com", "fp2e7a.wpc.phicdn.net."},
		{"ocsp.sectigo.com", "ocsp.sectigo.com.cdn.cloudflare.net."},
	} {
		r, err := exchange(t, srv.Addr(), "udp", query(c.name, dns.TypeA), 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		var target string
		for _, rr := range r.Answer {
			if cn, ok := rr.(*dns.CNAME); ok {
				target = cn.Target
			}
		}
		if target != c.last {
			t.Errorf("%s: last CNAME %q, want %q (answer %v)", c.name, target, c.last, r.Answer)
		}
	}
	if o, ok := mustCatalog(t).MatchDomain("ocsp.quillmarkca.net"); ok {
		t.Errorf("the catalog knows the simulated uncatalogued CA's host: %v", o.Company.ID)
	}
}

func mustCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// edgeChecks tells a provider's edge by its response headers, in the
// forms the providers document.
var edgeChecks = map[string]func(http.Header) bool{
	"cloudflare-cdn": func(h http.Header) bool {
		return h.Get("Server") == "cloudflare" && regexp.MustCompile(`^[0-9a-f]{16}-[A-Z]{3}$`).MatchString(h.Get("CF-RAY"))
	},
	"amazon-cloudfront": func(h http.Header) bool {
		return strings.HasSuffix(h.Get("Via"), ".cloudfront.net (CloudFront)") && h.Get("X-Amz-Cf-Id") != ""
	},
	"fastly-cdn": func(h http.Header) bool {
		return strings.Contains(h.Get("Via"), "varnish") && regexp.MustCompile(`^cache-[a-z]+-[a-z0-9]+-[A-Z]{3}$`).MatchString(h.Get("X-Served-By"))
	},
	"akamai-cdn":          func(h http.Header) bool { return h.Get("Server") == "AkamaiGHost" },
	"microsoft-frontdoor": func(h http.Header) bool { return h.Get("X-Azure-Ref") != "" },
	"vercel-cdn":          func(h http.Header) bool { return h.Get("Server") == "Vercel" && h.Get("X-Vercel-Id") != "" },
	"netlify-cdn":         func(h http.Header) bool { return h.Get("Server") == "Netlify" && h.Get("X-NF-Request-ID") != "" },
}

// TestEndpointHeaders sends HEAD to the www host of every domain that has
// one, over HTTPS when it serves TLS and plain HTTP otherwise, and checks
// that the edge the headers show is a CDN of the truth (the header-only
// CDN included), and that a domain whose truth has a header-only CDN
// shows it.
func TestEndpointHeaders(t *testing.T) {
	t.Parallel()
	s := startWeb(t, 1500, 4)
	hc := s.client()
	seen := map[string]int{}
	headerOnly := 0
	for tr := range s.in.Truths() {
		if tr.Status != "ok" {
			continue
		}
		var p plan
		s.in.makePlan(&p, tr.Rank-1)
		if !p.host[hostWWW].exists {
			continue
		}
		tp := p.tlsPlan()
		scheme := "http"
		if tp.host[hostWWW].kind != certNone {
			scheme = "https"
		}
		resp, err := hc.Head(scheme + "://www." + tr.Domain + "/")
		if err != nil {
			t.Errorf("%s: %v", tr.Domain, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("www.%s: status %d", tr.Domain, resp.StatusCode)
		}
		var edges []string
		for id, ok := range edgeChecks {
			if ok(resp.Header) {
				edges = append(edges, id)
			}
		}
		if len(edges) > 1 {
			t.Errorf("www.%s: headers match several edges %v: %v", tr.Domain, edges, resp.Header)
		}
		cdns := tr.ProvidersProbed(catalog.LayerCDN)
		for _, e := range edges {
			seen[e]++
			if !slices.Contains(cdns, e) {
				t.Errorf("www.%s: headers show %s, truth CDN %v", tr.Domain, e, cdns)
			}
		}
		for _, id := range tr.HeaderCDN {
			headerOnly++
			if !slices.Contains(edges, id) {
				t.Errorf("www.%s: truth has %s only in headers, headers %v", tr.Domain, id, resp.Header)
			}
			if len(tr.CDN) != 0 || p.host[hostWWW].n != 0 {
				t.Errorf("www.%s: header-only CDN %s but CDN %v, %d CNAMEs", tr.Domain, id, tr.CDN, p.host[hostWWW].n)
			}
			if n := s.in.w.network(p.host[hostWWW].addrs(nil, false)[0]); n == nil || n.Provider != "" || rangedNetwork(*n) {
				t.Errorf("www.%s: header-only CDN on an address a range file or the catalog names", tr.Domain)
			}
		}
	}
	t.Logf("edges seen: %v; %d header-only", seen, headerOnly)
	for id := range edgeChecks {
		if seen[id] == 0 {
			t.Errorf("no www shows %s", id)
		}
	}
	if headerOnly == 0 {
		t.Error("no header-only CDN in the population")
	}
	// Plain HTTP to a host with TLS redirects to HTTPS; an unknown host
	// is refused.
	name := findDomain(t, s.in, func(p *plan) bool { return p.host[hostWWW].exists && p.tlsPlan().host[hostWWW].kind == certValid })
	resp, err := hc.Head("http://www." + name + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://www."+name+"/x" {
		t.Errorf("http://www.%s/x: %d to %q", name, resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = hc.Head("http://nowhere.invalid/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("unknown host: status %d", resp.StatusCode)
	}
}

// TestTLDTruth checks the TLD layer against IANA's root zone database,
// entries written here by hand.
func TestTLDTruth(t *testing.T) {
	t.Parallel()
	iana := map[string]string{
		"com": "verisign", "net": "verisign", "org": "pir", "uk": "nominet", "de": "denic", "jp": "jprs",
		"br": "nicbr", "cn": "cnnic", "ru": "cctldru", "io": "identitydigital", "eu": "eurid", "app": "google",
	}
	in := generate(t, Config{Domains: 20000, Seed: 9})
	seen := map[string]bool{}
	for tr := range in.Truths() {
		labels := strings.Split(tr.Domain, ".")
		tld := labels[len(labels)-1]
		n := 1
		if tr.Status != "ok" {
			n = 0
		}
		if tr.TLDName != tld || tr.Registry == "" || len(tr.TLD) != n || (n == 1 && tr.TLD[0] != tr.Registry+"-"+tld) {
			t.Errorf("%s: TLD %q registry %q ids %v", tr.Domain, tr.TLDName, tr.Registry, tr.TLD)
		}
		if want, ok := iana[tld]; ok && tr.Registry != want {
			t.Errorf("%s: registry %q, IANA says %q", tr.Domain, tr.Registry, want)
		}
		seen[tld] = true
	}
	for tld := range iana {
		if !seen[tld] {
			t.Errorf("no domain under .%s", tld)
		}
	}
	// Every TLD of the model has a registry.
	for _, x := range tlds {
		if _, ok := registries[lastLabel(x.name)]; !ok {
			t.Errorf("TLD %s has no registry", x.name)
		}
	}
}

// TestCertificatesDeterministic checks that two Internets of one seed
// serve the same certificates but for keys and signatures.
func TestCertificatesDeterministic(t *testing.T) {
	t.Parallel()
	describe := func(in *Internet) []string {
		var out []string
		var p plan
		for i := range 200 {
			in.makePlan(&p, i)
			for h := range p.host {
				c, err := in.certificate(&p, h)
				if err != nil {
					t.Fatal(err)
				}
				if c == nil {
					out = append(out, "none")
					continue
				}
				l := c.Leaf
				out = append(out, fmt.Sprint(l.Subject, l.Issuer, l.DNSNames, l.SerialNumber, l.NotBefore, l.NotAfter,
					l.OCSPServer, l.CRLDistributionPoints, l.IssuingCertificateURL, len(c.Certificate), len(c.OCSPStaple) > 0))
			}
		}
		return out
	}
	a := describe(generate(t, Config{Domains: 200, Seed: 5}))
	b := describe(generate(t, Config{Domains: 200, Seed: 5}))
	if !slices.Equal(a, b) {
		t.Error("same seed, different certificates")
	}
	c := describe(generate(t, Config{Domains: 200, Seed: 6}))
	if slices.Equal(a, c) {
		t.Error("different seeds, same certificates")
	}
}

// TestEndpointRefusesNonLoopback keeps the endpoint on loopback.
func TestEndpointRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 10, Seed: 1})
	for _, h := range []string{"0.0.0.0", "192.0.2.1", "localhost", ""} {
		if e, err := ServeEndpoint(context.Background(), in, h); !errors.Is(err, ErrNotLoopback) {
			if e != nil {
				e.Close()
			}
			t.Errorf("ServeEndpoint(%q): %v, want ErrNotLoopback", h, err)
		}
	}
}

// TestCAServices follows the URLs of a leaf of every CA through the web
// endpoint: the CA-issuer URL gives the certificate that signed the leaf,
// each CRL verifies against it, and the OCSP responder says good for the
// leaf (POST and GET forms, RFC 6960 appendix A).
func TestCAServices(t *testing.T) {
	t.Parallel()
	s := startWeb(t, 400, 8)
	hc := s.client()
	get := func(u string) []byte {
		t.Helper()
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
		}
		return b
	}
	done := map[string]bool{}
	var p plan
	for i := 0; i < s.in.Len() && len(done) < len(issuerOrgs); i++ {
		s.in.makePlan(&p, i)
		tp := p.tlsPlan()
		hcert := tp.host[hostApex]
		if hcert.kind != certValid || done[caSpecs[hcert.ca].id] {
			continue
		}
		c, err := s.in.certificate(&p, hostApex)
		if err != nil {
			t.Fatal(err)
		}
		leaf := c.Leaf
		id := caSpecs[hcert.ca].id
		done[id] = true
		issuerCert, err := x509.ParseCertificate(get(leaf.IssuingCertificateURL[0]))
		if err != nil {
			t.Fatalf("%s: CA issuer: %v", id, err)
		}
		if err := leaf.CheckSignatureFrom(issuerCert); err != nil {
			t.Errorf("%s: the CA-issuer certificate did not sign the leaf: %v", id, err)
		}
		for _, u := range leaf.CRLDistributionPoints {
			crl, err := x509.ParseRevocationList(get(u))
			if err != nil {
				t.Fatalf("%s: CRL %s: %v", id, u, err)
			}
			if err := crl.CheckSignatureFrom(issuerCert); err != nil {
				t.Errorf("%s: CRL %s: %v", id, u, err)
			}
		}
		for _, u := range leaf.OCSPServer {
			req, err := ocsp.CreateRequest(leaf, issuerCert, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Post(u, "application/ocsp-request", bytes.NewReader(req))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			or, err := ocsp.ParseResponseForCert(body, leaf, issuerCert)
			if err != nil || or.Status != ocsp.Good {
				t.Errorf("%s: OCSP POST %s: %v %v", id, u, err, or)
			}
			or2, err := ocsp.ParseResponseForCert(get(strings.TrimSuffix(u, "/")+"/"+url.PathEscape(base64.StdEncoding.EncodeToString(req))), leaf, issuerCert)
			if err != nil || or2.Status != ocsp.Good {
				t.Errorf("%s: OCSP GET %s: %v %v", id, u, err, or2)
			}
		}
	}
	for id := range issuerOrgs {
		if !done[id] {
			t.Errorf("no leaf of %s in the population", id)
		}
	}
	resp, err := hc.Get("http://ocsp.digicert.com.invalid/")
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("unknown CA-like host: %d", resp.StatusCode)
		}
	}
	resp, err = hc.Get("http://crt.sectigo.com/nothing-here.crt")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown CA path: %d", resp.StatusCode)
	}
}

// TestCAEdges checks the CA-to-provider edges against the DNS the
// CAs' hosts are modelled on: DigiCert's OCSP on Edgio, Let's Encrypt's
// hosts on Akamai, Sectigo's and GlobalSign's on Cloudflare; no edge
// from a company to itself (Amazon's CA on CloudFront, Google's on
// Google).
func TestCAEdges(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 10, Seed: 1})
	got := map[string]bool{}
	for _, e := range in.CAEdges() {
		got[e.CA+" "+string(e.Layer)+" "+e.Provider] = true
		if strings.Split(e.CA, "-")[0] == strings.Split(e.Provider, "-")[0] {
			t.Errorf("edge from a company to itself: %+v", e)
		}
	}
	for _, want := range []string{
		"digicert-ca cdn edgio-edgecast", "letsencrypt-ca cdn akamai-cdn", "sectigo-ca cdn cloudflare-cdn",
		"globalsign-ca cdn cloudflare-cdn", "digicert-ca cdn cloudflare-cdn", "sectigo-ca dns cloudflare-dns",
		"digicert-ca dns edgio-route", "letsencrypt-ca dns akamai-edgedns",
	} {
		if !got[want] {
			t.Errorf("no edge %s in %v", want, got)
		}
	}
	for k := range got {
		if strings.HasPrefix(k, "quillmark") || strings.HasPrefix(k, "amazon-ca cdn amazon") {
			t.Errorf("edge %s", k)
		}
	}
}
