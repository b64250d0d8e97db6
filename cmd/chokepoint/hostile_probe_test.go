package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/csv"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// hostileCert returns a certificate for host whose subject, issuer and
// SANs carry payload, issued by a CA whose names carry it too; expired
// when asked.
func hostileCert(t *testing.T, host, payload string, expired bool) tls.Certificate {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: payload + " Root", Organization: []string{payload}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ = x509.ParseCertificate(caDER)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: payload, Organization: []string{payload}},
		DNSNames: sans(host, payload), NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		OCSPServer: []string{"http://ocsp.hostile-ca.test/" + payload}}
	if expired {
		leaf.NotBefore, leaf.NotAfter = now.Add(-48*time.Hour), now.Add(-24*time.Hour)
	}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: key}
}

// sans returns the SANs of a hostile certificate: the host, and the
// payload when it is ASCII (a SAN is an IA5String).
func sans(host, payload string) []string {
	for _, r := range payload {
		if r >= 0x80 {
			return []string{host}
		}
	}
	return []string{host, payload}
}

// TestHostileCertificatesEndToEnd crawls, through the command functions,
// sites of the simulated kind (the resolver says so and advertises a
// loopback endpoint) whose certificates and response headers carry HTML,
// formulas and control bytes, one whose handshake never finishes and one
// that answers garbage; then analyses the crawl. Every domain has its
// observation, every line is read back by analyze, and no CSV cell or
// HTML of the report carries a payload raw.
func TestHostileCertificatesEndToEnd(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	certs := map[string]tls.Certificate{}
	var list strings.Builder
	for i, label := range hostileLabels[:7] {
		d := "cert" + string(rune('a'+i)) + ".example"
		list.WriteString(d + "\n")
		for _, h := range []string{d, "www." + d} {
			certs[h] = hostileCert(t, h, label, i%2 == 1)
		}
	}
	list.WriteString("hang.example\ngarbage.example\n")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serveHostileTLS(c, certs)
		}
	}()

	mux := dns.NewServeMux()
	mux.HandleFunc(".", func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
		hdr := dns.RR_Header{Name: q.Name, Rrtype: q.Qtype, Class: q.Qclass, Ttl: 60}
		zone := strings.TrimPrefix(name, "www.")
		switch {
		case q.Qclass == dns.ClassCHAOS && name == "id.server":
			m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr, Txt: []string{dnscrawl.SimulatedServerID}})
		case q.Qclass == dns.ClassCHAOS && q.Name == dnscrawl.SimulatedProbeName:
			m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr, Txt: []string{"tls=" + ln.Addr().String()}})
		case !strings.HasSuffix(zone, ".example") || strings.Count(zone, ".") != 1:
			m.Rcode = dns.RcodeNameError
		case q.Qtype == dns.TypeNS && name == zone:
			m.Answer = append(m.Answer, &dns.NS{Hdr: hdr, Ns: "kate.ns.cloudflare.com."})
		case q.Qtype == dns.TypeSOA && name == zone:
			m.Answer = append(m.Answer, &dns.SOA{Hdr: hdr, Ns: "kate.ns.cloudflare.com.", Mbox: "dns.cloudflare.com.", Serial: 1})
		case q.Qtype == dns.TypeA:
			m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: net.ParseIP("104.16.0.1")}) // simulated: never dialled
		}
		w.WriteMsg(m)
	})
	addr, shutdown, err := dnsserver.Serve(mux)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)

	dir := t.TempDir()
	input := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(input, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	c := defaultCrawlOptions()
	c.Input, c.Out, c.Resolvers = input, out, []string{addr}
	c.Timeout, c.Retries, c.Concurrency, c.Progress, c.QPSPerResolver = 500*time.Millisecond, 1, 8, 0, 0
	c.ProbeTimeout = time.Second
	m, err := runCrawl(ctx, c, nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	if m.ProbeRedirect == "" || m.Statuses[dnscrawl.StatusOK] != 9 {
		t.Fatalf("crawl.json: redirect %q, statuses %v; want the probes redirected and 9 domains ok", m.ProbeRedirect, m.Statuses)
	}
	f, err := os.Open(filepath.Join(out, ObservationsName))
	if err != nil {
		t.Fatal(err)
	}
	dec := dnscrawl.NewDecoder(f)
	status := map[string]dnscrawl.ProbeStatus{}
	sawPayload, sawHeader := false, false
	for {
		o, err := dec.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("line %d: %v", dec.Line(), err)
		}
		if len(o.TLS) == 2 {
			status[o.Domain] = o.TLS[1].Status
			if p := o.TLS[1]; p.Status == dnscrawl.ProbeOK && p.Chain[0].SubjectCN == hostileLabels[0] && p.Chain[0].IssuerOrg == hostileLabels[0] {
				sawPayload = true
			}
		}
		for _, h := range o.HTTP {
			if v := h.Headers["Server"]; len(v) == 1 && v[0] == "<script>alert(1)</script>" {
				sawHeader = true
			}
		}
	}
	f.Close()
	if !sawPayload || !sawHeader {
		t.Errorf("payloads recorded: in a certificate %v, in a header %v; want both, as written", sawPayload, sawHeader)
	}
	for d, want := range map[string]dnscrawl.ProbeStatus{"certa.example": dnscrawl.ProbeOK, "certb.example": dnscrawl.ProbeOK,
		"hang.example": dnscrawl.ProbeTimeout, "garbage.example": dnscrawl.ProbeTLSError} {
		if status[d] != want {
			t.Errorf("%s: www TLS %q, want %q", d, status[d], want)
		}
	}

	if err := runAnalyze(ctx, analyzeOptions{Inputs: []string{filepath.Join(out, ObservationsName)}, Out: out, Quiet: true}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	if n := runJSON(t, out).Counts.SkippedObservations; n != 0 {
		t.Errorf("analyze skipped %d of the crawl's lines", n)
	}
	doc, err := os.ReadFile(filepath.Join(out, reports.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	low := bytes.ToLower(doc)
	if n := bytes.Count(low, []byte("<script")); n != 1 {
		t.Errorf("report.html has %d script elements, want 1 (ours)", n)
	}
	for _, raw := range []string{"<img", "\x00", "\x07", "\x1b"} {
		if bytes.Contains(low, []byte(raw)) {
			t.Errorf("report.html contains raw %q", raw)
		}
	}
	csvs, _ := filepath.Glob(filepath.Join(out, "*.csv"))
	if len(csvs) == 0 {
		t.Fatal("no CSV written")
	}
	for _, name := range csvs {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		checkCSVCells(t, filepath.Base(name), b)
	}
}

// checkCSVCells fails the test for every cell of a CSV file that a
// spreadsheet could take for a formula, and returns the rows.
func checkCSVCells(t *testing.T, name string, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for i, row := range rows {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !isNumber(cell) {
				t.Errorf("%s row %d column %s: cell %q can start a formula", name, i, rows[0][j], cell)
			}
		}
	}
	return rows
}

// serveHostileTLS answers one connection of TestHostileCertificatesEndToEnd
// by SNI: hang.* never finishes the handshake, garbage.* gets bytes that
// are not TLS, others their hostile certificate and a response whose
// headers carry the payloads.
func serveHostileTLS(c net.Conn, certs map[string]tls.Certificate) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	conn := tls.Server(c, &tls.Config{GetCertificate: func(h *tls.ClientHelloInfo) (*tls.Certificate, error) {
		switch {
		case strings.Contains(h.ServerName, "hang."):
			<-h.Context().Done()
			return nil, h.Context().Err()
		case strings.Contains(h.ServerName, "garbage."):
			c.Write([]byte("\x15\x03\x03\x00\x02<html>\x00"))
			c.Close()
			return nil, io.EOF
		}
		cert, ok := certs[h.ServerName]
		if !ok {
			return nil, io.EOF
		}
		return &cert, nil
	}})
	if err := conn.Handshake(); err != nil {
		return
	}
	if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
		return
	}
	io.WriteString(conn, "HTTP/1.1 200 OK\r\nServer: <script>alert(1)</script>\r\nVia: =HYPERLINK(\"http://x\",\"y\")\r\n"+
		"X-Cache: @SUM(1+1)\r\nSet-Cookie: <img src=x onerror=alert(2)>=v\r\nConnection: close\r\n\r\n")
}
