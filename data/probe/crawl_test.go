package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
)

// testDNS is a resolver look-alike for the crawl tests: every domain of
// zones has NS ns.dns.test, an SOA, and the A records given for its apex
// and www ("" for none); the CA's OCSP host resolves too. Any other name
// is NXDOMAIN.
func testDNS(t *testing.T, zones map[string][2]string) string {
	t.Helper()
	a := map[string]string{"ns.dns.test.": "203.0.113.53", "ocsp.ca.test.": "203.0.113.80"}
	for d, addrs := range zones {
		if addrs[0] != "" {
			a[d+"."] = addrs[0]
		}
		if addrs[1] != "" {
			a["www."+d+"."] = addrs[1]
		}
	}
	isZone := func(n string) bool {
		_, ok := zones[strings.TrimSuffix(n, ".")]
		return ok || n == "ca.test." || n == "dns.test."
	}
	mux := dns.NewServeMux()
	mux.HandleFunc(".", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		name := strings.ToLower(q.Name)
		hdr := dns.RR_Header{Name: q.Name, Class: dns.ClassINET, Ttl: 60, Rrtype: q.Qtype}
		zone := name
		for !isZone(zone) && strings.Contains(zone, ".") && zone != "." {
			_, zone, _ = strings.Cut(zone, ".")
		}
		known := isZone(name) || a[name] != ""
		switch {
		case q.Qtype == dns.TypeNS && isZone(name):
			m.Answer = append(m.Answer, &dns.NS{Hdr: hdr, Ns: "ns.dns.test."})
		case q.Qtype == dns.TypeSOA && isZone(name):
			m.Answer = append(m.Answer, &dns.SOA{Hdr: hdr, Ns: "ns.dns.test.", Mbox: "h.dns.test.", Serial: 1})
		case q.Qtype == dns.TypeA && a[name] != "":
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.ParseIP(a[name])})
		case !known:
			m.Rcode = dns.RcodeNameError
		}
		if len(m.Answer) == 0 && isZone(zone) {
			m.Ns = append(m.Ns, &dns.SOA{Hdr: dns.RR_Header{Name: zone, Class: dns.ClassINET, Rrtype: dns.TypeSOA, Ttl: 60}, Ns: "ns.dns.test.", Mbox: "h.dns.test.", Serial: 1})
		}
		w.WriteMsg(m)
	})
	addr, shutdown, err := dnsserver.Serve(mux)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)
	return addr
}

// crawlWorld is a small world for crawls with probes: a CA, one HTTPS
// endpoint that answers by SNI (good, hostile, expired or self-signed
// certificates; a handshake that never finishes; a handshake refused),
// one HTTP endpoint, and their DNS.
type crawlWorld struct {
	dns      string
	redirect *Redirect
	root     *testCA
}

// hangs is the SNI suffix whose handshakes never finish; refuses the one
// whose handshakes end in an alert.
const (
	hangs   = "hang.test"
	refuses = "alert.test"
)

func newCrawlWorld(t *testing.T, domains map[string][2]string) *crawlWorld {
	t.Helper()
	root := newCA(t, "Crawl Test Root", "Crawl Test CA", nil)
	good := func(host string) tls.Certificate {
		return root.leaf(t, leafSpec{cn: host, sans: []string{host}, ocsp: []string{"http://ocsp.ca.test"}, crl: []string{"http://192.0.2.99/x.crl"}})
	}
	// Every certificate is made before the servers start: making one
	// inside a handshake would slow it on a loaded machine.
	certs := map[string]tls.Certificate{}
	for d := range domains {
		for _, name := range []string{d, "www." + d} {
			switch {
			case strings.HasSuffix(name, "hostile.test"):
				certs[name] = root.leaf(t, leafSpec{cn: `<img src=x onerror=alert(1)>` + "\x00\x1b", org: `=HYPERLINK("http://x")`, sans: []string{name, `"><script>`}, ocsp: []string{"http://ocsp.ca.test"}})
			case strings.HasSuffix(name, "expired.test"):
				certs[name] = root.leaf(t, leafSpec{cn: name, sans: []string{name}, notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-time.Hour)})
			case strings.HasSuffix(name, "self.test"):
				certs[name] = root.leaf(t, leafSpec{cn: name, sans: []string{name}, selfSigned: true})
			default:
				certs[name] = good(name)
			}
		}
	}
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		name := h.ServerName
		switch {
		case strings.HasSuffix(name, hangs):
			select { // never finishes: the client must give up
			case <-stop:
			case <-h.Context().Done():
			}
			return nil, errors.New("stopped")
		case strings.HasSuffix(name, refuses):
			return nil, errors.New("no certificate for you")
		}
		c, ok := certs[name]
		if !ok {
			return nil, errors.New("no such host")
		}
		return &c, nil
	}}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "test-edge")
		w.Header().Set("X-Served-By", "cache-test-"+r.Host)
	}), ErrorLog: quietLog()}
	go srv.Serve(tls.NewListener(ln, cfg))
	t.Cleanup(func() { srv.Close() })
	plain := httptest.NewServer(srv.Handler)
	t.Cleanup(plain.Close)
	return &crawlWorld{
		dns: testDNS(t, domains),
		redirect: &Redirect{TLS: netip.MustParseAddrPort(ln.Addr().String()),
			HTTP: netip.MustParseAddrPort(plain.Listener.Addr().String())},
		root: root,
	}
}

func (w *crawlWorld) crawler(t *testing.T, timeout time.Duration) *dnscrawl.Crawler {
	t.Helper()
	p, err := New(Config{TLS: true, HTTP: true, Timeout: timeout, Roots: w.root.pool(), Redirect: w.redirect})
	if err != nil {
		t.Fatal(err)
	}
	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{w.dns}, Concurrency: 4, Timeout: time.Second, Prober: p, ProbeConcurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func targetsOf(domains []string) func(func(dnscrawl.Target) bool) {
	return func(yield func(dnscrawl.Target) bool) {
		for i, d := range domains {
			if !yield(dnscrawl.Target{Domain: d, Rank: i + 1}) {
				return
			}
		}
	}
}

// TestCrawlWithProbes: a crawl of good and hostile servers goes on past
// every one of them; each domain gets one observation with its probes,
// the certificate hosts are resolved, and every line written reads back.
func TestCrawlWithProbes(t *testing.T) {
	t.Parallel()
	zones := map[string][2]string{
		"good.test":    {"192.0.2.1", "192.0.2.2"},
		"hostile.test": {"192.0.2.3", "192.0.2.3"},
		"expired.test": {"", "192.0.2.4"},
		"self.test":    {"192.0.2.5", ""},
		hangs:          {"192.0.2.6", "192.0.2.7"},
		refuses:        {"192.0.2.8", "192.0.2.9"},
	}
	w := newCrawlWorld(t, zones)
	domains := []string{"good.test", "hostile.test", "expired.test", "self.test", hangs, refuses, "missing.test"}
	var buf bytes.Buffer
	enc := dnscrawl.NewEncoder(&buf)
	got := map[string]*dnscrawl.Observation{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stats, err := w.crawler(t, time.Second).Crawl(ctx, targetsOf(domains), func(o *dnscrawl.Observation) error {
		got[o.Domain] = o
		return enc.Encode(o)
	})
	if err != nil {
		t.Fatal(err)
	}
	enc.Flush()
	if stats.Domains != len(domains) || len(got) != len(domains) {
		t.Fatalf("%d observations, want %d", len(got), len(domains))
	}

	tlsStatus := func(d string) string {
		var s []string
		for _, p := range got[d].TLS {
			s = append(s, p.Host+"="+string(p.Status))
		}
		return strings.Join(s, " ")
	}
	for d, want := range map[string]string{
		"good.test":    "good.test=ok www.good.test=ok",
		"hostile.test": "hostile.test=ok www.hostile.test=ok",
		"expired.test": "expired.test=no_address www.expired.test=ok",
		"self.test":    "self.test=ok www.self.test=no_address",
		hangs:          "hang.test=timeout www.hang.test=timeout",
		refuses:        "alert.test=tls_error www.alert.test=tls_error",
		"missing.test": "",
	} {
		if got := tlsStatus(d); got != want {
			t.Errorf("%s: TLS probes %q, want %q", d, got, want)
		}
	}
	if p := got["good.test"].TLS[1]; !p.Verified || p.Chain[0].IssuerCN != "Crawl Test Root" {
		t.Errorf("good.test www: verified %v (%s), chain %+v", p.Verified, p.VerifyError, p.Chain)
	}
	if p := got["expired.test"].TLS[1]; p.Verified || !strings.Contains(p.VerifyError, "expired") {
		t.Errorf("expired.test: verified %v (%s)", p.Verified, p.VerifyError)
	}
	if p := got["self.test"].TLS[0]; p.Verified || !p.Chain[0].SelfSigned {
		t.Errorf("self.test: verified %v self-signed %v", p.Verified, p.Chain[0].SelfSigned)
	}
	// The HEAD: HTTPS where the handshake worked, else plain HTTP; on
	// the apex for self.test, whose www has no address.
	for d, want := range map[string]string{
		"good.test": "https://www.good.test/=ok",
		"self.test": "https://self.test/=ok",
		hangs:       "https://www.hang.test/=timeout http://www.hang.test/=ok",
	} {
		var s []string
		for _, p := range got[d].HTTP {
			s = append(s, p.URL+"="+string(p.Status))
		}
		if strings.Join(s, " ") != want {
			t.Errorf("%s: HTTP probes %q, want %q", d, strings.Join(s, " "), want)
		}
	}
	if h := got["good.test"].HTTP[0].Headers["X-Served-By"]; len(h) != 1 || h[0] != "cache-test-www.good.test" {
		t.Errorf("good.test headers %v", got["good.test"].HTTP[0].Headers)
	}
	// One certificate host (the CRL URL names an address): resolved,
	// with its zone.
	ch := got["good.test"].CertHosts
	if len(ch) != 1 || ch[0].Name != "ocsp.ca.test" || ch[0].Host.Status != dnscrawl.StatusOK ||
		fmt.Sprint(ch[0].Host.A) != "[203.0.113.80]" || ch[0].Zone == nil || ch[0].Zone.Zone != "ca.test" {
		t.Errorf("good.test cert hosts: %+v", ch)
	}
	if got["missing.test"].Status != dnscrawl.StatusNXDomain || got["missing.test"].HTTP != nil {
		t.Errorf("missing.test: %+v", got["missing.test"])
	}

	dec := dnscrawl.NewDecoder(&buf)
	n := 0
	for {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("line %d of the crawl's output refused: %v", dec.Line(), err)
		}
		if o.SchemaVersion != dnscrawl.SchemaVersion {
			t.Errorf("%s: schema %d", o.Domain, o.SchemaVersion)
		}
		n++
	}
	if n != len(domains) {
		t.Errorf("read back %d lines, want %d", n, len(domains))
	}
}

// TestCrawlWithProbesResume: a crawl with probes interrupted half-way and
// resumed from its file ends with exactly one observation per domain,
// each with its probes.
func TestCrawlWithProbesResume(t *testing.T) {
	t.Parallel()
	zones := map[string][2]string{}
	var domains []string
	for i := range 40 {
		d := fmt.Sprintf("site%02d.test", i)
		if i%7 == 3 {
			d = fmt.Sprintf("site%02d.%s", i, hangs) // slow probes in flight at the interruption
		}
		zones[d] = [2]string{fmt.Sprintf("192.0.2.%d", 10+i), fmt.Sprintf("198.51.100.%d", 10+i)}
		domains = append(domains, d)
	}
	w := newCrawlWorld(t, zones)
	path := filepath.Join(t.TempDir(), "observations.jsonl")
	run := func(targets []string, stopAfter int) error {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		enc := dnscrawl.NewEncoder(f)
		defer enc.Flush()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		n := 0
		_, err = w.crawler(t, time.Second).Crawl(ctx, targetsOf(targets), func(o *dnscrawl.Observation) error {
			n++
			if n == stopAfter {
				cancel()
			}
			return enc.Encode(o)
		})
		return err
	}
	if err := run(domains, 15); !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v, want cancelled", err)
	}
	r, err := dnscrawl.ReadResume(path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Done.Len() < 15 || r.Done.Len() >= len(domains) {
		t.Fatalf("%d domains done after the interruption, want 15 or a few more", r.Done.Len())
	}
	var rest []string
	for _, d := range domains {
		if !r.Done.Has(d) {
			rest = append(rest, d)
		}
	}
	if err := run(rest, 0); err != nil {
		t.Fatalf("resumed run: %v", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := dnscrawl.NewDecoder(f)
	seen := map[string]int{}
	for {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("line %d: %v", dec.Line(), err)
		}
		seen[o.Domain]++
		if len(o.TLS) != 2 || len(o.HTTP) == 0 {
			t.Errorf("%s: written without its probes: %d TLS, %d HTTP", o.Domain, len(o.TLS), len(o.HTTP))
		}
		for _, p := range o.TLS {
			want := dnscrawl.ProbeOK
			if strings.HasSuffix(o.Domain, hangs) {
				want = dnscrawl.ProbeTimeout
			}
			if p.Status != want {
				t.Errorf("%s: TLS %s %s (%s), want %s: a probe cut short by the interruption was written", o.Domain, p.Host, p.Status, p.Error, want)
			}
		}
	}
	for _, d := range domains {
		if seen[d] != 1 {
			t.Errorf("%s: %d observations, want exactly 1", d, seen[d])
		}
	}
}
