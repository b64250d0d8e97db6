package probe

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestProbeChain: a chain root -> intermediate -> leaf with OCSP, CRL and
// AIA URLs and a stapled OCSP response, verified against the test's root;
// the HEAD over the same connection records the edge headers, and of
// Set-Cookie only the cookie name.
func TestProbeChain(t *testing.T) {
	t.Parallel()
	root := newCA(t, "Test Root R1", "Test Trust Services", nil)
	inter := newCA(t, "Test Issuing CA 1", "Test Trust Services", root)
	cert := inter.leaf(t, leafSpec{
		cn: "example.test", sans: []string{"example.test", "www.example.test", "static.example.test"},
		ocsp: []string{"http://ocsp.ca.test"}, crl: []string{"http://crl.ca.test/issuing1.crl"},
		aia: []string{"http://certs.ca.test/issuing1.der"},
	}, inter)
	cert.OCSPStaple = []byte("a stapled response")
	ep := tlsServer(t, cert, nil, func(h http.Header) {
		h.Set("Server", "cloudflare")
		h.Set("CF-RAY", "8f1b2c3d4e5f6a7b-FRA")
		h.Add("Set-Cookie", "__cf_bm=very-secret-session-value; path=/; HttpOnly")
	})
	p := newProber(t, Config{TLS: true, HTTP: true, Roots: root.pool(), UserAgent: "chokepoint-test"}, ep, netip.AddrPort{})
	o := observation("example.test", "192.0.2.10", "192.0.2.11")
	p.Probe(context.Background(), o)

	if len(o.TLS) != 2 {
		t.Fatalf("got %d TLS probes, want 2 (apex, www): %+v", len(o.TLS), o.TLS)
	}
	for i, want := range []struct {
		host string
		addr string
	}{{"example.test", "192.0.2.10"}, {"www.example.test", "192.0.2.11"}} {
		tp := o.TLS[i]
		if tp.Host != want.host || tp.Addr.String() != want.addr || tp.Port != 443 {
			t.Errorf("probe %d: host %s addr %s port %d, want %s %s 443 (the simulated address, not the endpoint)", i, tp.Host, tp.Addr, tp.Port, want.host, want.addr)
		}
		if tp.Status != dnscrawl.ProbeOK || !tp.Verified || tp.VerifyError != "" || !tp.OCSPStapled {
			t.Errorf("probe %d: status %s verified %v (%s) stapled %v, want ok, verified, stapled", i, tp.Status, tp.Verified, tp.VerifyError, tp.OCSPStapled)
		}
		if !strings.HasPrefix(tp.Version, "TLS 1.") {
			t.Errorf("probe %d: version %q", i, tp.Version)
		}
		if len(tp.Chain) != 2 {
			t.Fatalf("probe %d: chain of %d, want leaf and intermediate as sent", i, len(tp.Chain))
		}
		leaf, ic := tp.Chain[0], tp.Chain[1]
		if leaf.SubjectCN != "example.test" || leaf.IssuerCN != "Test Issuing CA 1" || leaf.IssuerOrg != "Test Trust Services" || leaf.SANs != 3 {
			t.Errorf("leaf: %+v", leaf)
		}
		if diff := cmp.Diff([][]string{{"http://ocsp.ca.test"}, {"http://crl.ca.test/issuing1.crl"}, {"http://certs.ca.test/issuing1.der"}}, [][]string{leaf.OCSP, leaf.CRL, leaf.AIA}); diff != "" {
			t.Errorf("leaf URLs (-want +got):\n%s", diff)
		}
		if leaf.SelfSigned || ic.SelfSigned || ic.SubjectCN != "Test Issuing CA 1" || ic.IssuerCN != "Test Root R1" {
			t.Errorf("intermediate: %+v", ic)
		}
		if len(leaf.SHA256) != 64 || leaf.NotAfter.Before(leaf.NotBefore) {
			t.Errorf("leaf fingerprint %q, validity %s to %s", leaf.SHA256, leaf.NotBefore, leaf.NotAfter)
		}
	}
	if len(o.HTTP) != 1 {
		t.Fatalf("got %d HTTP probes, want 1 (HTTPS answered, so no plain HTTP): %+v", len(o.HTTP), o.HTTP)
	}
	hp := o.HTTP[0]
	if hp.URL != "https://www.example.test/" || hp.Status != dnscrawl.ProbeOK || hp.StatusCode != 200 || hp.Addr.String() != "192.0.2.11" {
		t.Errorf("HTTP probe: %+v", hp)
	}
	for name, want := range map[string]string{"Server": "cloudflare", "Cf-Ray": "8f1b2c3d4e5f6a7b-FRA", "Set-Cookie": "__cf_bm", "X-Test-Host": "www.example.test"} {
		if got := hp.Headers[name]; len(got) != 1 || got[0] != want {
			t.Errorf("header %s = %q, want [%q]", name, got, want)
		}
	}
}

// TestProbeSystemRoots: without the test's root, the chain does not
// verify (the system roots do not know it), and that is recorded, not a
// failure of the probe.
func TestProbeSystemRoots(t *testing.T) {
	t.Parallel()
	root := newCA(t, "Private Root", "Nobody", nil)
	ep := tlsServer(t, root.leaf(t, leafSpec{cn: "example.test", sans: []string{"www.example.test"}}), nil, nil)
	p := newProber(t, Config{TLS: true}, ep, netip.AddrPort{})
	o := observation("example.test", "", "192.0.2.11")
	p.Probe(context.Background(), o)
	if len(o.TLS) != 2 || o.HTTP != nil {
		t.Fatalf("TLS %+v HTTP %+v: want 2 TLS probes (apex without address) and no HTTP", o.TLS, o.HTTP)
	}
	if o.TLS[0].Status != dnscrawl.ProbeNoAddress {
		t.Errorf("apex without address: status %s, want no_address", o.TLS[0].Status)
	}
	www := o.TLS[1]
	if www.Status != dnscrawl.ProbeOK || www.Verified || !strings.Contains(www.VerifyError, "unknown authority") {
		t.Errorf("www: status %s verified %v error %q, want ok, not verified, unknown authority", www.Status, www.Verified, www.VerifyError)
	}
	if www.OCSPStapled {
		t.Error("stapled without a staple")
	}
}

// hostilePayloads are texts a hostile certificate may carry: HTML,
// spreadsheet formulas, control bytes, a very long name.
var hostilePayloads = []string{
	`<script>alert("cn")</script>`,
	`=HYPERLINK("http://evil.test","click")`,
	"+cmd|' /C calc'!A0",
	"@SUM(1+1)*cmd|' /C calc'!A0",
	"-2+3",
	"bell\x07nul\x00esc\x1b[31mred\r\nline",
	"\ttab",
	strings.Repeat("long-", 300),
}

// TestProbeHostileCertificates is the hostile-certificate test of issue
// 12: subjects, issuers and SANs with HTML, formula and control-byte
// payloads, an expired chain, a self-signed chain, a server that accepts
// TCP and never finishes the handshake, a server that sends garbage, one
// that sends a huge header set and one that never ends its headers.
// Every probe ends (timeout, tls_error, http_error or ok), and the
// observation is a valid line that ParseObservation reads back.
func TestProbeHostileCertificates(t *testing.T) {
	t.Parallel()
	root := newCA(t, `<b>Root</b> =1+1`, "@Evil\x00Org", nil)
	hostileLeaf := func(p string) tls.Certificate {
		return root.leaf(t, leafSpec{cn: p, org: p, sans: []string{"hostile.test", "www.hostile.test", `"><img src=x onerror=alert(1)>`, "=1+1.test"},
			ocsp: []string{"http://ocsp.evil.test/" + strings.Repeat("x", 600), "http://<script>.test/", "http://198.51.100.7/ocsp"}})
	}
	expired := root.leaf(t, leafSpec{cn: "www.hostile.test", sans: []string{"www.hostile.test"},
		notBefore: time.Now().Add(-48 * time.Hour), notAfter: time.Now().Add(-24 * time.Hour)})
	selfSigned := root.leaf(t, leafSpec{cn: "www.hostile.test", sans: []string{"www.hostile.test"}, selfSigned: true})

	manyHeaders := headerServer(func(w *bufio.Writer) {
		for i := range 1000 {
			fmt.Fprintf(w, "X-Filler-%04d: %s\r\n", i, strings.Repeat("v", 20))
		}
		w.WriteString("Via: 1.1 varnish\r\nX-Served-By: cache-fra-etou8220044-FRA\r\n")
		fmt.Fprintf(w, "X-Long: %s\r\n", strings.Repeat("<script>", 100))
		w.WriteString("\r\n")
	})
	endless := headerServer(func(w *bufio.Writer) {
		for i := range 100_000 {
			if _, err := fmt.Fprintf(w, "X-Endless-%d: %s\r\n", i, strings.Repeat("e", 100)); err != nil {
				return
			}
		}
	})
	garbage := func(c net.Conn) {
		c.Write([]byte("\x16\x03\x01\xff\xffthis is not TLS at all <html>\x00\x01\x02"))
		silent(c)
	}
	garbageHTTP := func(c net.Conn) {
		c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n\x00\x01garbage"))
	}

	const timeout = time.Second
	tests := []struct {
		name      string
		tlsEP     func() netip.AddrPort
		httpEP    func() netip.AddrPort
		roots     bool
		wantTLS   dnscrawl.ProbeStatus
		wantHTTP  []dnscrawl.ProbeStatus
		check     func(t *testing.T, o *dnscrawl.Observation)
		wantError string // in the www TLS probe's error or verify error
	}{
		{name: "hostile names in subject, issuer and SANs", roots: true,
			tlsEP:   func() netip.AddrPort { return tlsServer(t, hostileLeaf(hostilePayloads[0]), nil, nil) },
			wantTLS: dnscrawl.ProbeOK, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeOK},
			check: func(t *testing.T, o *dnscrawl.Observation) {
				c := o.TLS[1].Chain[0]
				if c.SubjectCN != hostilePayloads[0] || c.IssuerCN != `<b>Root</b> =1+1` || c.IssuerOrg != "@Evil\x00Org" || c.SANs != 4 {
					t.Errorf("hostile text not kept as written: %+v", c)
				}
				// The SANs name the host too, and the chain is the
				// test root's: hostile text elsewhere does not stop
				// it from verifying.
				if !o.TLS[1].Verified {
					t.Errorf("not verified: %s", o.TLS[1].VerifyError)
				}
				// The 600-byte OCSP URL is left out, the others kept.
				if diff := cmp.Diff([]string{"http://<script>.test/", "http://198.51.100.7/ocsp"}, c.OCSP); diff != "" {
					t.Errorf("OCSP URLs (-want +got):\n%s", diff)
				}
			}},
		{name: "expired chain", roots: true,
			tlsEP:   func() netip.AddrPort { return tlsServer(t, expired, nil, nil) },
			wantTLS: dnscrawl.ProbeOK, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeOK}, wantError: "expired",
			check: func(t *testing.T, o *dnscrawl.Observation) {
				if c := o.TLS[1].Chain[0]; !c.NotAfter.Before(time.Now()) || o.TLS[1].Verified {
					t.Errorf("expired leaf: not after %s, verified %v", c.NotAfter, o.TLS[1].Verified)
				}
			}},
		{name: "self-signed chain", roots: true,
			tlsEP:   func() netip.AddrPort { return tlsServer(t, selfSigned, nil, nil) },
			wantTLS: dnscrawl.ProbeOK, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeOK}, wantError: "unknown authority",
			check: func(t *testing.T, o *dnscrawl.Observation) {
				if c := o.TLS[1].Chain[0]; !c.SelfSigned || o.TLS[1].Verified {
					t.Errorf("self-signed leaf: %+v, verified %v", c, o.TLS[1].Verified)
				}
			}},
		{name: "handshake never finishes",
			tlsEP:   func() netip.AddrPort { return rawServer(t, silent) },
			httpEP:  func() netip.AddrPort { return rawServer(t, silent) },
			wantTLS: dnscrawl.ProbeTimeout, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeTimeout, dnscrawl.ProbeTimeout}},
		{name: "garbage instead of TLS and HTTP",
			tlsEP:   func() netip.AddrPort { return rawServer(t, garbage) },
			httpEP:  func() netip.AddrPort { return rawServer(t, garbageHTTP) },
			wantTLS: dnscrawl.ProbeTLSError, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeTLSError, dnscrawl.ProbeHTTPError}},
		{name: "nothing listening",
			wantTLS: dnscrawl.ProbeRefused, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeRefused, dnscrawl.ProbeRefused}},
		{name: "huge header set over plain HTTP",
			tlsEP:   func() netip.AddrPort { return rawServer(t, garbage) },
			httpEP:  func() netip.AddrPort { return rawServer(t, manyHeaders) },
			wantTLS: dnscrawl.ProbeTLSError, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeTLSError, dnscrawl.ProbeOK},
			check: func(t *testing.T, o *dnscrawl.Observation) {
				h := o.HTTP[1].Headers
				if len(h) != dnscrawl.MaxHeaders {
					t.Errorf("%d header names kept, want %d", len(h), dnscrawl.MaxHeaders)
				}
				// The edge headers come first, whatever the count.
				if got := h["Via"]; len(got) != 1 || got[0] != "1.1 varnish" {
					t.Errorf("Via = %q", got)
				}
				if got := h["X-Served-By"]; len(got) != 1 || got[0] != "cache-fra-etou8220044-FRA" {
					t.Errorf("X-Served-By = %q", got)
				}
				if _, ok := h["X-Filler-0999"]; ok {
					t.Error("the last filler header is kept: no bound on the count")
				}
			}},
		{name: "headers that never end",
			tlsEP:   func() netip.AddrPort { return rawServer(t, garbage) },
			httpEP:  func() netip.AddrPort { return rawServer(t, endless) },
			wantTLS: dnscrawl.ProbeTLSError, wantHTTP: []dnscrawl.ProbeStatus{dnscrawl.ProbeTLSError, dnscrawl.ProbeHTTPError},
			check: func(t *testing.T, o *dnscrawl.Observation) {
				if !strings.Contains(o.HTTP[1].Error, "longer than") {
					t.Errorf("error %q, want the bound named", o.HTTP[1].Error)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tlsEP, httpEP netip.AddrPort
			if tc.tlsEP != nil {
				tlsEP = tc.tlsEP()
			}
			if tc.httpEP != nil {
				httpEP = tc.httpEP()
			}
			cfg := Config{TLS: true, HTTP: true, Timeout: timeout}
			if tc.roots {
				cfg.Roots = root.pool()
			}
			p := newProber(t, cfg, tlsEP, httpEP)
			o := observation("hostile.test", "192.0.2.20", "192.0.2.21")
			p.Probe(context.Background(), o)
			if len(o.TLS) != 2 {
				t.Fatalf("%d TLS probes, want 2: %+v", len(o.TLS), o.TLS)
			}
			for _, tp := range o.TLS {
				if tp.Status != tc.wantTLS {
					t.Errorf("TLS %s: status %s (%s), want %s", tp.Host, tp.Status, tp.Error, tc.wantTLS)
				}
			}
			var got []dnscrawl.ProbeStatus
			for _, hp := range o.HTTP {
				got = append(got, hp.Status)
			}
			if diff := cmp.Diff(tc.wantHTTP, got); diff != "" {
				t.Errorf("HTTP statuses (-want +got):\n%s\n%+v", diff, o.HTTP)
			}
			if tc.wantError != "" && !strings.Contains(o.TLS[1].Error+o.TLS[1].VerifyError, tc.wantError) {
				t.Errorf("www TLS error %q / %q, want %q in it", o.TLS[1].Error, o.TLS[1].VerifyError, tc.wantError)
			}
			if tc.check != nil {
				tc.check(t, o)
			}
			// The observation is a valid line, read back as written.
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			back, err := dnscrawl.ParseObservation(b)
			if err != nil {
				t.Fatalf("observation with hostile probes refused: %v", err)
			}
			if diff := cmp.Diff(o.TLS, back.TLS, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("TLS facts changed on the way through JSON (-wrote +read):\n%s", diff)
			}
		})
	}
}

// TestProbeHostilePayloads: each payload as the subject and organisation
// of the www certificate is recorded as written (cut to MaxCertText when
// longer), and the observation reads back.
func TestProbeHostilePayloads(t *testing.T) {
	t.Parallel()
	root := newCA(t, "Root", "Org", nil)
	for i, payload := range hostilePayloads {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			leaf := root.leaf(t, leafSpec{cn: payload, org: payload, sans: []string{payload, "www.hostile.test"}})
			p := newProber(t, Config{TLS: true, Timeout: 2 * time.Second}, tlsServer(t, leaf, nil, nil), netip.AddrPort{})
			o := observation("hostile.test", "", "192.0.2.21")
			p.Probe(context.Background(), o)
			if len(o.TLS) != 2 || o.TLS[1].Status != dnscrawl.ProbeOK {
				t.Fatalf("probes %+v", o.TLS)
			}
			want := payload
			if len(want) > dnscrawl.MaxCertText {
				want = want[:dnscrawl.MaxCertText]
			}
			if c := o.TLS[1].Chain[0]; c.SubjectCN != want || c.SubjectOrg != want || c.SANs != 2 {
				t.Errorf("got subject %q org %q SANs %d, want %q twice and 2", c.SubjectCN, c.SubjectOrg, c.SANs, want)
			}
			b, err := json.Marshal(o)
			if err != nil {
				t.Fatal(err)
			}
			back, err := dnscrawl.ParseObservation(b)
			if err != nil {
				t.Fatal(err)
			}
			if back.TLS[1].Chain[0].SubjectCN != want {
				t.Errorf("read back %q", back.TLS[1].Chain[0].SubjectCN)
			}
		})
	}
}

// TestProbeHTTPOnApex: when www has no address, the HEAD goes to the apex
// (over HTTPS, which here has nothing listening, then HTTP).
func TestProbeHTTPOnApex(t *testing.T) {
	t.Parallel()
	ep := httpServer(t, func(h http.Header) { h.Set("X-Amz-Cf-Id", "abc==") })
	p := newProber(t, Config{HTTP: true}, netip.AddrPort{}, ep)
	o := observation("example.test", "192.0.2.10", "")
	p.Probe(context.Background(), o)
	if o.TLS != nil {
		t.Errorf("TLS probes recorded with TLS off: %+v", o.TLS)
	}
	if len(o.HTTP) != 2 || o.HTTP[0].URL != "https://example.test/" || o.HTTP[0].Status != dnscrawl.ProbeRefused ||
		o.HTTP[1].URL != "http://example.test/" || o.HTTP[1].Status != dnscrawl.ProbeOK {
		t.Fatalf("HTTP probes %+v, want https refused then http ok, on the apex", o.HTTP)
	}
	if got := o.HTTP[1].Headers["X-Amz-Cf-Id"]; len(got) != 1 || got[0] != "abc==" {
		t.Errorf("X-Amz-Cf-Id = %q", got)
	}
	if got := o.HTTP[1].Headers["X-Test-Host"]; len(got) != 1 || got[0] != "example.test" {
		t.Errorf("Host header sent: %q, want example.test", got)
	}

	none := observation("example.test", "", "")
	p.Probe(context.Background(), none)
	if len(none.HTTP) != 1 || none.HTTP[0].Status != dnscrawl.ProbeNoAddress || none.HTTP[0].URL != "https://www.example.test/" {
		t.Errorf("no address anywhere: %+v, want one no_address probe of www", none.HTTP)
	}
}

// TestProbeCancel: a probe of a server that never answers ends as soon as
// the context is cancelled, well before its timeout.
func TestProbeCancel(t *testing.T) {
	t.Parallel()
	ep := rawServer(t, silent)
	p := newProber(t, Config{TLS: true, HTTP: true, Timeout: time.Hour}, ep, ep)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	o := observation("example.test", "192.0.2.10", "192.0.2.11")
	go func() {
		defer close(done)
		p.Probe(ctx, o)
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("the probe did not end after its context was cancelled")
	}
	for _, tp := range o.TLS {
		if tp.Status == dnscrawl.ProbeOK {
			t.Errorf("cancelled probe ok: %+v", tp)
		}
	}
}

// TestAddrLimit: at most PerAddress connections at once to one address;
// another address is not held up; a slot is given back.
func TestAddrLimit(t *testing.T) {
	t.Parallel()
	l := newAddrLimit(2)
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	ctx := context.Background()
	r1, err1 := l.acquire(ctx, a)
	r2, err2 := l.acquire(ctx, a)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := l.acquire(short, a); err == nil {
		t.Fatal("a third connection to the same address was let through")
	}
	rb, err := l.acquire(ctx, b)
	if err != nil {
		t.Fatalf("another address waits: %v", err)
	}
	rb()
	r1()
	r3, err := l.acquire(ctx, a)
	if err != nil {
		t.Fatalf("slot not given back: %v", err)
	}
	r2()
	r3()
	if len(l.slots) != 0 {
		t.Errorf("%d addresses still held after every slot was given back", len(l.slots))
	}
}

func TestParseRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, err string
	}{
		{in: "tls=127.0.0.1:4443 http=127.0.0.1:8080", want: "tls=127.0.0.1:4443 http=127.0.0.1:8080"},
		{in: "  http=127.0.0.1:8080   tls=[::1]:4443 ca=ignored", want: "tls=[::1]:4443 http=127.0.0.1:8080"},
		{in: "tls=127.0.0.2:443", want: "tls=127.0.0.2:443"},
		{in: "tls=192.0.2.1:443", err: "not a loopback"},
		{in: "tls=127.0.0.1:0", err: "not a loopback"},
		{in: "tls=localhost:443", err: "tls"},
		{in: "tls", err: "not key=value"},
		{in: "", err: "neither"},
		{in: "ca=x", err: "neither"},
	}
	for _, tc := range tests {
		r, err := ParseRedirect(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseRedirect(%q) = %v, %v; want error with %q", tc.in, r, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("ParseRedirect(%q): %v", tc.in, err)
		case tc.err == "" && r.String() != tc.want:
			t.Errorf("ParseRedirect(%q) = %q, want %q", tc.in, r.String(), tc.want)
		}
	}
}

func TestParseKinds(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"tls,http": "[tls http]", "HTTP": "[http]", " tls ": "[tls]"} {
		got, err := ParseKinds(in)
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("ParseKinds(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "tls,", "dns", "tls,tls"} {
		if got, err := ParseKinds(in); err == nil {
			t.Errorf("ParseKinds(%q) = %v, want an error", in, got)
		}
	}
}

func TestRecordHeadersBounds(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h["Server"] = []string{strings.Repeat("é", 200)} // 400 bytes
	h["Via"] = []string{"1", "2", "3", "4", "5", "6"}
	h[strings.Repeat("X", 100)] = []string{"too long a name"}
	got := recordHeaders(h)
	if v := got["Server"][0]; len(v) > dnscrawl.MaxHeaderValue || !strings.HasPrefix(v, "éé") || strings.ContainsRune(v, '\uFFFD') {
		t.Errorf("Server value: %d bytes %q, want cut on a character boundary", len(v), v)
	}
	if len(got["Via"]) != dnscrawl.MaxHeaderValues {
		t.Errorf("Via: %d values kept, want %d", len(got["Via"]), dnscrawl.MaxHeaderValues)
	}
	if len(got) != 2 {
		t.Errorf("kept %d names, want 2 (the 100-byte name left out)", len(got))
	}
	if recordHeaders(http.Header{}) != nil {
		t.Error("no headers should record nil")
	}
}

// TestIsPublic: addresses of the special-purpose registries are not
// dialled on the real internet. Expected values from RFC 1918, RFC 6598,
// RFC 5737, RFC 3849, RFC 9637, RFC 2544, RFC 4193 and RFC 1122.
func TestIsPublic(t *testing.T) {
	t.Parallel()
	for _, a := range []string{"10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.1.1", "100.64.0.1",
		"192.0.2.7", "198.51.100.7", "203.0.113.7", "198.18.0.1", "0.1.2.3", "255.255.255.255", "224.0.0.1", "240.0.0.1",
		"::1", "fe80::1", "fd00::1", "2001:db8::1", "3fff::1", "ff02::1", "::", "::ffff:10.0.0.1"} {
		if IsPublic(netip.MustParseAddr(a)) {
			t.Errorf("IsPublic(%s) = true", a)
		}
	}
	for _, a := range []string{"104.16.132.229", "8.8.8.8", "151.101.1.69", "2606:4700::6810:84e5", "2a04:4e42::81", "::ffff:8.8.8.8"} {
		if !IsPublic(netip.MustParseAddr(a)) {
			t.Errorf("IsPublic(%s) = false", a)
		}
	}
}

// TestProbeNotPublic: a real crawl (no redirect) records not_public for a
// host on a documentation or loopback address and connects nowhere.
func TestProbeNotPublic(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	ep := rawServer(t, func(c net.Conn) { conns.Add(1) })
	p, err := New(Config{TLS: true, HTTP: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	o := observation("example.test", "192.0.2.10", ep.Addr().String())
	p.Probe(context.Background(), o)
	if len(o.TLS) != 2 || o.TLS[0].Status != dnscrawl.ProbeNotPublic || o.TLS[1].Status != dnscrawl.ProbeNotPublic ||
		len(o.HTTP) != 1 || o.HTTP[0].Status != dnscrawl.ProbeNotPublic {
		t.Errorf("TLS %+v HTTP %+v, want not_public everywhere", o.TLS, o.HTTP)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections made to a loopback address on a real crawl", n)
	}
}
