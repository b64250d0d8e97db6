package main

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
)

// TestCrawlProbeFlags: the probe flags are checked before anything is
// read or sent.
func TestCrawlProbeFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	notPEM := writeFile(t, dir, "roots.pem", "not a certificate\n")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--probe", "dns"}, "unknown probe"},
		{[]string{"--probe", ""}, "unknown probe"},
		{[]string{"--probe", "tls", "--no-probe"}, "give one of them"},
		{[]string{"--probe-timeout", "0s"}, "--probe-timeout"},
		{[]string{"--probe-concurrency", "0"}, "--probe-concurrency"},
		{[]string{"--ca-roots", filepath.Join(dir, "missing.pem")}, "--ca-roots"},
		{[]string{"--ca-roots", notPEM}, "no PEM certificate"},
	}
	for _, tc := range tests {
		list := writeFile(t, t.TempDir(), "list.txt", "example.com\n")
		var stderr bytes.Buffer
		cmd := newRootCmd(nil, &bytes.Buffer{}, &stderr)
		out := filepath.Join(t.TempDir(), "out")
		cmd.SetArgs(append([]string{"crawl", list, "--out", out, "--resolver", "127.0.0.1:1", "--progress", "0"}, tc.args...))
		err := cmd.ExecuteContext(context.Background())
		if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr.String(), tc.want)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%v: output directory created before the flags were checked", tc.args)
		}
	}
}

// probeResolver is a resolver look-alike for the probe tests: it answers
// id.server with who, probe.simnet with endpoints ("" for no answer),
// and example.test with an apex and www at addrs. It counts the
// probe.simnet questions.
func probeResolver(t *testing.T, who, endpoints string, addrs ...string) (string, *atomic.Int64) {
	t.Helper()
	var asked atomic.Int64
	mux := dns.NewServeMux()
	mux.HandleFunc(".", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		txt := func(s string) {
			m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{s}})
		}
		hdr := dns.RR_Header{Name: q.Name, Rrtype: q.Qtype, Class: dns.ClassINET, Ttl: 60}
		switch {
		case q.Qclass == dns.ClassCHAOS && strings.EqualFold(q.Name, "id.server."):
			txt(who)
		case q.Qclass == dns.ClassCHAOS && strings.EqualFold(q.Name, dnscrawl.SimulatedProbeName):
			asked.Add(1)
			if endpoints != "" {
				txt(endpoints)
			}
		case q.Qtype == dns.TypeNS && q.Name == "example.test.":
			m.Answer = append(m.Answer, &dns.NS{Hdr: hdr, Ns: "ns.example.test."})
		case q.Qtype == dns.TypeSOA && q.Name == "example.test.":
			m.Answer = append(m.Answer, &dns.SOA{Hdr: hdr, Ns: "ns.example.test.", Mbox: "h.example.test.", Serial: 1})
		case q.Qtype == dns.TypeA && q.Name == "example.test.":
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.ParseIP(addrs[0])})
		case q.Qtype == dns.TypeA && q.Name == "www.example.test.":
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.ParseIP(addrs[1])})
		}
		w.WriteMsg(m)
	})
	addr, shutdown, err := dnsserver.Serve(mux)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)
	return addr, &asked
}

// TestCrawlProbeSimulated: against a resolver that says it is the
// simulated internet, the probes go to the loopback endpoint it
// advertises and record the simulated addresses; without an endpoint
// they are switched off (never sent to the simulated addresses); a
// resolver that is not the simulated internet is never asked.
func TestCrawlProbeSimulated(t *testing.T) {
	t.Parallel()
	https := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "simulated-edge")
	}))
	t.Cleanup(https.Close)
	endpoint := https.Listener.Addr().String()
	sim := []string{"192.0.2.80", "192.0.2.81"} // never dialled: the probes go to endpoint

	crawl := func(t *testing.T, resolver string, args ...string) (*dnscrawl.Manifest, *dnscrawl.Observation, string) {
		t.Helper()
		dir := t.TempDir()
		list := writeFile(t, dir, "list.txt", "example.test\n")
		out := filepath.Join(dir, "out")
		var stderr bytes.Buffer
		cmd := newRootCmd(nil, &bytes.Buffer{}, &stderr)
		cmd.SetArgs(append([]string{"crawl", list, "--out", out, "--resolver", resolver, "--progress", "0", "--probe-timeout", "2s"}, args...))
		if err := cmd.ExecuteContext(context.Background()); err != nil {
			t.Fatalf("crawl: %v\n%s", err, stderr.String())
		}
		m, err := dnscrawl.ReadManifest(filepath.Join(out, dnscrawl.ManifestName))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(out, ObservationsName))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		o, err := dnscrawl.NewDecoder(f).Next()
		if err != nil {
			t.Fatal(err)
		}
		return m, o, stderr.String()
	}

	t.Run("redirected", func(t *testing.T) {
		t.Parallel()
		res, asked := probeResolver(t, dnscrawl.SimulatedServerID, "tls="+endpoint+" http=127.0.0.1:1", sim...)
		m, o, _ := crawl(t, res)
		if asked.Load() != 1 || m.ProbeRedirect != "tls="+endpoint+" http=127.0.0.1:1" || strings.Join(m.Probes, ",") != "tls,http" {
			t.Fatalf("asked %d times; crawl.json probes %v redirect %q", asked.Load(), m.Probes, m.ProbeRedirect)
		}
		if !m.Simulated || !o.Simulated || len(o.TLS) != 2 {
			t.Fatalf("simulated %v/%v, TLS probes %+v", m.Simulated, o.Simulated, o.TLS)
		}
		for i, want := range []string{"192.0.2.80", "192.0.2.81"} {
			p := o.TLS[i]
			if p.Status != dnscrawl.ProbeOK || p.Addr.String() != want || p.Port != 443 || p.Verified {
				t.Errorf("TLS probe %d: %+v, want ok at the simulated address %s, not verified (the test server's root is not given)", i, p, want)
			}
		}
		if len(o.HTTP) != 1 || o.HTTP[0].Headers["Server"][0] != "simulated-edge" {
			t.Errorf("HTTP probes %+v", o.HTTP)
		}
	})
	t.Run("ca roots", func(t *testing.T) {
		t.Parallel()
		res, _ := probeResolver(t, dnscrawl.SimulatedServerID, "tls="+endpoint, sim...)
		roots := writePEM(t, https.Certificate().Raw)
		m, o, _ := crawl(t, res, "--probe", "tls", "--ca-roots", roots)
		if m.CARoots != roots || len(o.TLS) != 2 || o.HTTP != nil {
			t.Fatalf("ca_roots %q, TLS %+v, HTTP %+v", m.CARoots, o.TLS, o.HTTP)
		}
		// httptest's certificate names example.com, not example.test:
		// the roots are used (no unknown authority), the name is not.
		if p := o.TLS[1]; p.Verified || strings.Contains(p.VerifyError, "unknown authority") || !strings.Contains(p.VerifyError, "example.test") {
			t.Errorf("www: verified %v, error %q: want the name mismatch, not an unknown authority", p.Verified, p.VerifyError)
		}
	})
	t.Run("no endpoint", func(t *testing.T) {
		t.Parallel()
		res, asked := probeResolver(t, dnscrawl.SimulatedServerID, "", sim...)
		m, o, stderr := crawl(t, res)
		if asked.Load() != 1 || !strings.Contains(stderr, "probes off") || m.Probes != nil || o.TLS != nil || o.HTTP != nil {
			t.Errorf("asked %d; stderr %q; crawl.json probes %v; observation TLS %+v HTTP %+v: want the probes off", asked.Load(), stderr, m.Probes, o.TLS, o.HTTP)
		}
	})
	t.Run("not simulated", func(t *testing.T) {
		t.Parallel()
		// A real crawl dials the addresses themselves, public ones
		// only: these (loopback) are recorded as not_public, and the
		// resolver is never asked where the simulated sites are.
		res, asked := probeResolver(t, "some-real-resolver", "tls="+endpoint, "127.0.0.1", "192.0.2.81")
		m, o, _ := crawl(t, res, "--probe", "tls")
		if asked.Load() != 0 || m.Simulated || m.ProbeRedirect != "" || len(o.TLS) != 2 ||
			o.TLS[0].Status != dnscrawl.ProbeNotPublic || o.TLS[1].Status != dnscrawl.ProbeNotPublic {
			t.Errorf("a real resolver was asked for probe endpoints %d times (redirect %q), or probes %+v", asked.Load(), m.ProbeRedirect, o.TLS)
		}
	})
	t.Run("no probe", func(t *testing.T) {
		t.Parallel()
		res, asked := probeResolver(t, dnscrawl.SimulatedServerID, "tls="+endpoint, sim...)
		m, o, _ := crawl(t, res, "--no-probe")
		if asked.Load() != 0 || m.Probes != nil || o.TLS != nil || o.HTTP != nil || o.CertHosts != nil {
			t.Errorf("--no-probe: asked %d, probes %v, %+v %+v", asked.Load(), m.Probes, o.TLS, o.HTTP)
		}
	})
}

// writePEM writes a DER certificate as a PEM file and returns its path.
func writePEM(t *testing.T, der []byte) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "roots.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
}
