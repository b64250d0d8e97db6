package probe

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// testCA is a certificate authority made for one test with crypto/x509.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

var serial atomic.Int64

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// newCA returns a root CA (parent nil) or an intermediate signed by
// parent.
func newCA(t testing.TB, cn, org string, parent *testCA) *testCA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{org}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	signer, signKey := tmpl, key
	if parent != nil {
		signer, signKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: c, key: key}
}

// leafSpec describes a leaf certificate.
type leafSpec struct {
	cn, org             string
	sans                []string
	notBefore, notAfter time.Time
	ocsp, crl, aia      []string
	selfSigned          bool
}

// leaf issues a leaf for spec, signed by ca (or by its own key when
// spec.selfSigned), and returns it as a tls.Certificate with the chain
// up to but not including the root.
func (ca *testCA) leaf(t testing.TB, spec leafSpec, chain ...*testCA) tls.Certificate {
	t.Helper()
	key := newKey(t)
	if spec.notBefore.IsZero() {
		spec.notBefore = time.Now().Add(-time.Hour)
	}
	if spec.notAfter.IsZero() {
		spec.notAfter = time.Now().Add(24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial.Add(1)),
		Subject:               pkix.Name{CommonName: spec.cn, Organization: orgs(spec.org)},
		DNSNames:              spec.sans,
		NotBefore:             spec.notBefore,
		NotAfter:              spec.notAfter,
		OCSPServer:            spec.ocsp,
		CRLDistributionPoints: spec.crl,
		IssuingCertificateURL: spec.aia,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
	}
	parent, signKey := ca.cert, ca.key
	if spec.selfSigned {
		parent, signKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	out := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	for _, c := range chain {
		out.Certificate = append(out.Certificate, c.cert.Raw)
	}
	return out
}

func orgs(o string) []string {
	if o == "" {
		return nil
	}
	return []string{o}
}

func (ca *testCA) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.cert)
	return p
}

// tlsServer starts an HTTPS server on 127.0.0.1 that gives the
// certificate of certs by SNI (else def) and answers with the headers
// set by hdr.
func tlsServer(t testing.TB, def tls.Certificate, certs map[string]tls.Certificate, hdr func(http.Header)) netip.AddrPort {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hdr != nil {
			hdr(w.Header())
		}
		w.Header().Set("X-Test-Host", r.Host)
		w.WriteHeader(http.StatusOK)
	}))
	s.TLS = &tls.Config{
		Certificates: []tls.Certificate{def},
		GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
			if c, ok := certs[h.ServerName]; ok {
				return &c, nil
			}
			return &def, nil
		},
	}
	s.Config.ErrorLog = quietLog()
	s.StartTLS()
	t.Cleanup(s.Close)
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

// httpServer starts a plain HTTP server on 127.0.0.1 answering with the
// headers set by hdr.
func httpServer(t *testing.T, hdr func(http.Header)) netip.AddrPort {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hdr != nil {
			hdr(w.Header())
		}
		w.Header().Set("X-Test-Host", r.Host)
	}))
	t.Cleanup(s.Close)
	return netip.MustParseAddrPort(s.Listener.Addr().String())
}

// rawServer starts a TCP server on 127.0.0.1 that runs serve on every
// connection it accepts, until the test ends.
func rawServer(t *testing.T, serve func(net.Conn)) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				stop := context.AfterFunc(ctx, func() { c.Close() })
				defer stop()
				serve(c)
			}()
		}
	}()
	t.Cleanup(func() {
		cancel()
		ln.Close()
		<-done
	})
	return netip.MustParseAddrPort(ln.Addr().String())
}

// silent reads what the client sends and never answers.
func silent(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		if _, err := c.Read(buf); err != nil {
			return
		}
	}
}

// headerServer answers any request with a status line and the header
// lines that lines gives, read from a reader first.
func headerServer(lines func(w *bufio.Writer)) func(net.Conn) {
	return func(c net.Conn) {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		r := bufio.NewReader(c)
		if _, err := http.ReadRequest(r); err != nil {
			return
		}
		w := bufio.NewWriter(c)
		w.WriteString("HTTP/1.1 200 OK\r\n")
		lines(w)
		w.Flush()
	}
}

// observation returns an observation of domain whose apex and www
// resolve to the addresses given ("" for none).
func observation(domain, apex, www string) *dnscrawl.Observation {
	o := &dnscrawl.Observation{
		SchemaVersion: dnscrawl.SchemaVersion, Domain: domain, Status: dnscrawl.StatusOK,
		Apex: dnscrawl.Host{Name: domain, Status: dnscrawl.StatusOK},
		WWW:  dnscrawl.Host{Name: "www." + domain, Status: dnscrawl.StatusOK},
	}
	if apex != "" {
		o.Apex.A = []netip.Addr{netip.MustParseAddr(apex)}
	} else {
		o.Apex.Status = dnscrawl.StatusNoData
	}
	if www != "" {
		o.WWW.A = []netip.Addr{netip.MustParseAddr(www)}
	} else {
		o.WWW.Status = dnscrawl.StatusNXDomain
	}
	return o
}

// newProber returns a prober that dials tlsEP for port 443 and httpEP
// for port 80 (either may be zero: nothing there).
func newProber(t *testing.T, cfg Config, tlsEP, httpEP netip.AddrPort) *Prober {
	t.Helper()
	if !tlsEP.IsValid() {
		tlsEP = closedPort(t)
	}
	if !httpEP.IsValid() {
		httpEP = closedPort(t)
	}
	cfg.Redirect = &Redirect{TLS: tlsEP, HTTP: httpEP}
	if cfg.Timeout == 0 {
		cfg.Timeout = 2 * time.Second
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// closedPort returns a loopback port where nothing listens.
func closedPort(t *testing.T) netip.AddrPort {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ap := netip.MustParseAddrPort(ln.Addr().String())
	ln.Close()
	return ap
}

// quietLog discards the TLS errors an HTTPS test server logs when a
// probe hangs up after the handshake.
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
