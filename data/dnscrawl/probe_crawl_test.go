package dnscrawl

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fakeProber stands for data/probe in the crawl's tests: it records one
// TLS probe of www per domain whose chain names the OCSP, CRL and AIA
// URLs given, and counts its calls.
type fakeProber struct {
	ocsp, crl, aia []string
	calls          atomic.Int64
	block          chan struct{} // when set, Probe waits on it or ctx
	mu             sync.Mutex
	seen           []string
}

func (f *fakeProber) Probe(ctx context.Context, o *Observation) {
	f.calls.Add(1)
	f.mu.Lock()
	f.seen = append(f.seen, o.Domain)
	f.mu.Unlock()
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return
		}
	}
	addrs := o.WWW.Addrs()
	if len(addrs) == 0 {
		o.TLS = append(o.TLS, TLSProbe{Host: o.WWW.Name, Port: 443, Status: ProbeNoAddress})
		return
	}
	o.TLS = append(o.TLS, TLSProbe{Host: o.WWW.Name, Addr: addrs[0], Port: 443, Status: ProbeOK,
		Chain: []Cert{{SubjectCN: o.WWW.Name, IssuerCN: "Test CA", OCSP: f.ocsp, CRL: f.crl, AIA: f.aia}}})
	o.HTTP = append(o.HTTP, HTTPProbe{URL: "https://" + o.WWW.Name + "/", Addr: addrs[0], Status: ProbeOK, StatusCode: 200})
}

// certZone adds the hosts of a CA to testZone: an OCSP host behind a
// CNAME into a CDN's zone, a CRL host in the CA's own zone.
const certZone = testZone + `
ocsp.ca-a.net. 300 IN CNAME ocsp.ca-a.net.cdn-a.net.
ocsp.ca-a.net.cdn-a.net. 300 IN A 198.51.100.50
crl.ca-a.net. 300 IN A 203.0.113.60
ca-a.net. 300 IN NS ns1.dnsprov.net.
ca-a.net. 300 IN SOA ns1.dnsprov.net. h.ca-a.net. 1 3600 600 86400 300
`

// TestCrawlProbes: with a prober, every domain that resolved is probed
// once after its DNS lookups, the hosts its certificates name are
// resolved (CNAME chain, addresses, the NS of their zone) once per crawl
// through the cache, and a domain that did not resolve is not probed.
// Without a prober, the observations are those of a plain crawl.
func TestCrawlProbes(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, certZone, nil)
	fp := &fakeProber{
		ocsp: []string{"http://ocsp.ca-a.net", "http://192.0.2.200/ocsp"},
		crl:  []string{"http://CRL.ca-a.net./a.crl"},
		aia:  []string{"http://ocsp.ca-a.net/ca.der", "not a url", "http://[2001:db8::1]/x"},
	}
	cfg := Config{Resolvers: []string{srv.addr}, Concurrency: 3, Timeout: time.Second, Prober: fp, ProbeConcurrency: 2}
	domains := []string{"example.com", "nowww.test", "nxdomain-here.test", "example.com.", "big.test"}
	got := crawlAll(t, cfg, domains...)

	if n := fp.calls.Load(); n != 4 {
		t.Errorf("prober called %d times (%v), want 4: every domain whose NS lookup succeeded, not the nxdomain one", n, fp.seen)
	}
	if o := got["nxdomain-here.test"]; o.TLS != nil || o.CertHosts != nil {
		t.Errorf("a domain that does not exist was probed: %+v %+v", o.TLS, o.CertHosts)
	}
	want := []CertHost{
		{Name: "crl.ca-a.net", Host: Host{Name: "crl.ca-a.net", Status: StatusOK, A: mkAddrs("203.0.113.60")},
			Zone: &ZoneNS{Zone: "ca-a.net", NS: []string{"ns1.dnsprov.net"}}},
		{Name: "ocsp.ca-a.net", Host: Host{Name: "ocsp.ca-a.net", Status: StatusOK, CNAMEs: []string{"ocsp.ca-a.net.cdn-a.net"}, A: mkAddrs("198.51.100.50")},
			Zone: &ZoneNS{Zone: "cdn-a.net", NS: []string{"ns.cdn-a.net"}}},
	}
	o := got["example.com"]
	if diff := cmp.Diff(want, o.CertHosts, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("cert hosts (-want +got):\n%s", diff)
	}
	if len(o.TLS) != 1 || o.TLS[0].Status != ProbeOK || len(o.HTTP) != 1 {
		t.Errorf("probes not kept: %+v %+v", o.TLS, o.HTTP)
	}
	if o := got["nowww.test"]; len(o.TLS) != 1 || o.TLS[0].Status != ProbeNoAddress || o.CertHosts != nil {
		t.Errorf("nowww.test: %+v %+v", o.TLS, o.CertHosts)
	}

	// The same crawl without the prober: the DNS facts are the same,
	// and nothing about probes is written.
	plain := crawlAll(t, Config{Resolvers: []string{srv.addr}, Concurrency: 3, Timeout: time.Second}, domains...)
	ignore := cmpopts.IgnoreFields(Observation{}, "StartedAt", "DurationMS", "Queries", "Attempts", "TLS", "HTTP", "CertHosts")
	for _, d := range domains {
		if diff := cmp.Diff(plain[d], got[d], ignore, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Errorf("%s: DNS facts differ with probes (-plain +probed):\n%s", d, diff)
		}
		if plain[d].TLS != nil || plain[d].HTTP != nil || plain[d].CertHosts != nil {
			t.Errorf("%s: probe facts without a prober", d)
		}
	}
}

// TestCrawlProbesCountQueries: the questions asked for the certificate
// hosts are counted in the observation of the first domain that needed
// them, and not again (the cache).
func TestCrawlProbesCountQueries(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, certZone, nil)
	fp := &fakeProber{ocsp: []string{"http://crl.ca-a.net"}}
	total := func(p Prober) int {
		c, err := New(Config{Resolvers: []string{srv.addr}, Concurrency: 1, Timeout: time.Second, Prober: p, ProbeConcurrency: 1})
		if err != nil {
			t.Fatal(err)
		}
		targets := func(yield func(Target) bool) {
			for range 3 {
				if !yield(Target{Domain: "example.com"}) {
					return
				}
			}
		}
		n := 0
		if _, err := c.Crawl(context.Background(), targets, func(o *Observation) error { n += o.Queries; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	extra := total(fp) - total(nil)
	// crl.ca-a.net: A, AAAA; its zone ca-a.net: NS. Three questions in
	// the whole crawl, whatever the order of the domains.
	if extra != 3 {
		t.Errorf("certificate hosts cost %d questions over 3 domains, want 3 (A, AAAA, NS once)", extra)
	}
}

// TestCrawlProbesCancel: cancelling a crawl whose probes hang ends it at
// once, and no domain whose probes were cut short is emitted: a resumed
// crawl does it again, with its probes.
func TestCrawlProbesCancel(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, certZone, nil)
	fp := &fakeProber{block: make(chan struct{})}
	c, err := New(Config{Resolvers: []string{srv.addr}, Concurrency: 2, Timeout: time.Second, Prober: fp, ProbeConcurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	targets := func(yield func(Target) bool) {
		for range 1000 {
			if !yield(Target{Domain: "example.com"}) {
				return
			}
		}
	}
	go func() {
		for fp.calls.Load() < 2 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	emitted := 0
	_, err = c.Crawl(ctx, targets, func(o *Observation) error { emitted++; return nil })
	if err != context.Canceled {
		t.Errorf("Crawl error = %v, want context.Canceled", err)
	}
	if emitted != 0 {
		t.Errorf("%d observations emitted whose probes were cut short", emitted)
	}
}
