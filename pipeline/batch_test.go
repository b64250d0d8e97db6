package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// writePipelineInput writes n observations (a few batches' worth) with
// empty lines, bad JSON, a wrong schema version and a duplicate among
// them, and returns the file's path.
func writePipelineInput(t testing.TB, n int) string {
	t.Helper()
	var buf bytes.Buffer
	enc := dnscrawl.NewEncoder(&buf)
	for i := range n {
		d := fmt.Sprintf("site%d.example", i%(n-3)) // the last three repeat the first
		o := &dnscrawl.Observation{Domain: d, Rank: i + 1, Status: dnscrawl.StatusOK,
			NS:       []dnscrawl.NSHost{{Name: "ada.ns.cloudflare.com"}},
			Apex:     dnscrawl.Host{Name: d, Status: dnscrawl.StatusOK, CNAMEs: []string{d + ".cdn.cloudflare.net"}},
			WWW:      dnscrawl.Host{Name: "www." + d, Status: dnscrawl.StatusNXDomain},
			MXStatus: dnscrawl.StatusNoData,
		}
		if i%7 == 2 {
			// Lines that differ in shape (the workers reuse the memory
			// of one line for a later one): more name servers (Cloudflare's
			// still among them), with addresses, mail, a web host on other
			// providers.
			o.NS = []dnscrawl.NSHost{{Name: "ada.ns.cloudflare.com", Addrs: []netip.Addr{netip.MustParseAddr("173.245.58.47")}},
				{Name: "ns-1.awsdns-01.org", Addrs: []netip.Addr{netip.MustParseAddr("205.251.192.1")}},
				{Name: fmt.Sprintf("ns%d.%s", i%4, d)}, {Name: "dns1.p01.nsone.net", Addrs: []netip.Addr{netip.MustParseAddr("198.51.44.1")}}}
			o.MX = []dnscrawl.MXHost{{Preference: 10, Name: "aspmx.l.google.com", Addrs: []netip.Addr{netip.MustParseAddr("142.250.153.26")}}}
			o.MXStatus = dnscrawl.StatusOK
			o.Apex = dnscrawl.Host{Name: d, Status: dnscrawl.StatusOK, A: []netip.Addr{netip.MustParseAddr(fmt.Sprintf("104.16.%d.%d", i%256, i%200+1))}}
		}
		if i%5 == 0 {
			o.Status, o.Error = dnscrawl.StatusServFail, "SERVFAIL"
		}
		if i%3 == 0 {
			// A Let's Encrypt certificate whose CRL host's zone is
			// served by another company: a cert-host edge.
			o.TLS = []dnscrawl.TLSProbe{{Host: d, Port: 443, Status: dnscrawl.ProbeOK, Chain: []dnscrawl.Cert{
				{SubjectCN: d, IssuerCN: "R3", IssuerOrg: "Let's Encrypt", CRL: []string{"http://r3.c.lencr.org/1.crl"}},
				{SubjectCN: "R3", SubjectOrg: "Let's Encrypt", IssuerCN: "ISRG Root X1", IssuerOrg: "Internet Security Research Group"}}}}
			o.CertHosts = []dnscrawl.CertHost{{Name: "r3.c.lencr.org", Host: dnscrawl.Host{Name: "r3.c.lencr.org", Status: dnscrawl.StatusOK},
				Zone: &dnscrawl.ZoneNS{Zone: "lencr.org", NS: []string{"ada.ns.cloudflare.com"}}}}
		}
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
		switch i % 700 {
		case 3:
			enc.Flush()
			buf.WriteString("\n")
		case 400:
			enc.Flush()
			buf.WriteString("{not json\n")
		case 699:
			enc.Flush()
			buf.WriteString(`{"schema_version":99,"domain":"x.example","status":"ok"}` + "\n")
		}
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "observations.jsonl")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// skipTo returns a skip function that writes each bad line to w.
func skipTo(w io.Writer) func(*dnscrawl.LineError) {
	return func(le *dnscrawl.LineError) { fmt.Fprintf(w, "%v\n", le) }
}

type classified struct {
	Domain string
	Result classify.Result
	Certs  []classify.CertEdge
}

// TestClassifyObservationsOrder checks that the worker pool gives what a
// sequential read gives: the same observations and results in file
// order, the same bad-line reports in the same order.
func TestClassifyObservationsOrder(t *testing.T) {
	t.Parallel()
	path := writePipelineInput(t, 3*batchLines+17)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	cl := classify.New(cat, nil)

	var want []classified
	var wantErr bytes.Buffer
	if err := decodeObservations(context.Background(), path, skipTo(&wantErr), func(o *dnscrawl.Observation) {
		want = append(want, classified{o.Domain, cl.Classify(o), cl.CertHostEdges(o)})
	}); err != nil {
		t.Fatal(err)
	}
	var got []classified
	var gotErr bytes.Buffer
	if err := classifyObservations(context.Background(), path, cl, skipTo(&gotErr), func(o *dnscrawl.Observation, r classify.Result, certs []classify.CertEdge) {
		got = append(got, classified{o.Domain, r, certs})
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) < 3*batchLines {
		t.Fatalf("sequential read gave %d observations, want more than %d", len(want), 3*batchLines)
	}
	certs := 0
	for _, w := range want {
		certs += len(w.Certs)
	}
	if certs == 0 {
		t.Fatal("no certificate host edge in the input: the comparison of the edges cannot fail")
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(classify.Result{}), sameProvider); diff != "" {
		t.Errorf("results (-sequential +pool):\n%s", diff)
	}
	for i := range min(len(want), len(got)) { // the packed addresses and dependencies, which IgnoreUnexported leaves out
		if diff := cmp.Diff(want[i].Result.AddrInfos(), got[i].Result.AddrInfos(), cmpopts.EquateComparable(netip.Addr{})); diff != "" {
			t.Errorf("%s: addresses (-sequential +pool):\n%s", want[i].Domain, diff)
		}
		if diff := cmp.Diff(want[i].Result.DepList(), got[i].Result.DepList()); diff != "" {
			t.Errorf("%s: dependencies (-sequential +pool):\n%s", want[i].Domain, diff)
		}
	}
	if wantErr.Len() == 0 {
		t.Fatal("no bad line reported by the sequential read")
	}
	if diff := cmp.Diff(wantErr.String(), gotErr.String()); diff != "" {
		t.Errorf("reports (-sequential +pool):\n%s", diff)
	}
}

func TestClassifyObservationsCancel(t *testing.T) {
	t.Parallel()
	path := writePipelineInput(t, 2*batchLines)
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err = classifyObservations(ctx, path, classify.New(cat, nil), skipTo(io.Discard), func(*dnscrawl.Observation, classify.Result, []classify.CertEdge) {
		n++
		cancel()
	})
	if err != context.Canceled {
		t.Errorf("err = %v after %d observations, want context.Canceled", err, n)
	}
}

// BenchmarkClassifyObservations reads, decodes and classifies 20,000
// observations on the worker pool, as analyze does.
func BenchmarkClassifyObservations(b *testing.B) {
	path := writePipelineInput(b, 20_000)
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	cl := classify.New(cat, nil)
	b.ReportAllocs()
	for b.Loop() {
		if err := classifyObservations(context.Background(), path, cl, skipTo(io.Discard), func(*dnscrawl.Observation, classify.Result, []classify.CertEdge) {}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBatchReaderLines checks that batchReader cuts the lines that
// bufio.Scanner cuts (the sequential reader's): ends of line with and
// without "\r", empty lines, no end on the last line, lines longer than
// a batch's buffer, more lines than a batch holds, read in chunks of
// every size the reader may get.
func TestBatchReaderLines(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", batchBytes+readBytes+3) // longer than a buffer
	many := strings.Repeat("ab\n", 2*batchLines+5)      // more lines than a batch
	inputs := map[string]string{
		"empty":           "",
		"one, no end":     "a",
		"one":             "a\n",
		"crlf":            "a\r\nb\r\n\r\nc\r",
		"empty lines":     "\n\n\na\n\n",
		"a lone cr":       "a\rb\n\r\n",
		"long line":       "a\n" + long + "\nb\n",
		"long last":       "a\n" + long,
		"many lines":      many,
		"many, long":      many + long + "\n" + many,
		"lines at buffer": strings.Repeat(strings.Repeat("y", readBytes-1)+"\n", 3*batchBytes/readBytes),
	}
	readers := map[string]func(io.Reader) io.Reader{
		"whole":    func(r io.Reader) io.Reader { return r },
		"one byte": iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"data+EOF": iotest.DataErrReader,
	}
	for name, in := range inputs {
		var want []string
		sc := bufio.NewScanner(strings.NewReader(in))
		sc.Buffer(nil, maxLineBytes)
		for sc.Scan() {
			want = append(want, sc.Text())
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		for rname, wrap := range readers {
			if rname == "one byte" && len(in) > 1<<16 {
				continue // slow, and the other readers cover it
			}
			t.Run(name+"/"+rname, func(t *testing.T) {
				rd := batchReader{r: wrap(strings.NewReader(in))}
				var got []string
				var b lineBatch
				for batches := 0; !rd.done(); batches++ {
					if batches > len(in)+1 {
						t.Fatal("the reader does not end")
					}
					if err := rd.fill(&b); err != nil {
						t.Fatal(err)
					}
					if len(b.lines) > batchLines {
						t.Fatalf("a batch of %d lines, want at most %d", len(b.lines), batchLines)
					}
					if b.first != len(got)+1 {
						t.Fatalf("batch from line %d, want %d", b.first, len(got)+1)
					}
					for _, sp := range b.lines {
						got = append(got, string(b.buf[sp.start:sp.end]))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%d lines, want %d (the Scanner's); first difference at %d", len(got), len(want), firstDiff(got, want))
				}
			})
		}
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestBatchReaderTooLong checks that a line longer than maxLineBytes ends
// the read with an error naming its number, and that one of
// maxLineBytes is read.
func TestBatchReaderTooLong(t *testing.T) {
	t.Parallel()
	in := func() io.Reader {
		return io.MultiReader(strings.NewReader("a\n\nb\n"), io.LimitReader(repeatByte('z'), maxLineBytes+1), strings.NewReader("\nc\n"))
	}
	rd := batchReader{r: in()}
	var b lineBatch
	var err error
	for err == nil && !rd.done() {
		err = rd.fill(&b)
	}
	if !errors.Is(err, bufio.ErrTooLong) || !strings.Contains(err.Error(), "line 4:") {
		t.Errorf("err = %v, want bufio.ErrTooLong naming line 4", err)
	}
	// A line of exactly maxLineBytes is read.
	rd = batchReader{r: io.MultiReader(io.LimitReader(repeatByte('z'), maxLineBytes), strings.NewReader("\nc\n"))}
	n := 0
	for !rd.done() {
		if err := rd.fill(&b); err != nil {
			t.Fatal(err)
		}
		n += len(b.lines)
	}
	if n != 2 {
		t.Errorf("%d lines, want 2", n)
	}
}

// repeatByte is an endless reader of c.
type repeatByte byte

func (c repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// leanLines returns observation lines that carry every fact a lean
// Parser leaves out, on probes of every kind: TLS probes that worked or
// not, chains of catalogued, uncatalogued and self-signed issuers, with
// and without stapling, certificate hosts on other providers, HTTP
// answers with a CDN's headers or none.
func leanLines(t *testing.T) [][]byte {
	t.Helper()
	addr := netip.MustParseAddr
	day := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	issuers := []dnscrawl.Cert{
		{IssuerCN: "E7", IssuerOrg: "Let's Encrypt", CRL: []string{"http://e7.c.lencr.org/49.crl"}, AIA: []string{"http://e7.i.lencr.org/"}},
		{IssuerCN: "DigiCert Global G2 TLS RSA SHA256 2020 CA1", IssuerOrg: "DigiCert Inc", OCSP: []string{"http://ocsp.digicert.com"}, CRL: []string{"http://crl3.digicert.com/x.crl"}},
		{IssuerCN: "Corp CA", IssuerOrg: "Example Corp Internal"},
		{IssuerCN: "", IssuerOrg: ""},
		{SelfSigned: true, IssuerCN: "localhost"},
	}
	statuses := []dnscrawl.ProbeStatus{dnscrawl.ProbeOK, dnscrawl.ProbeOK, dnscrawl.ProbeTLSError, dnscrawl.ProbeTimeout, dnscrawl.ProbeRefused, dnscrawl.ProbeNoAddress}
	headers := []map[string][]string{
		{"Server": {"cloudflare"}, "Cf-Ray": {"8a1b2c3d4e5f-LHR"}, "Date": {"Sat, 05 Dec 2026 14:23:17 GMT"}},
		{"X-Amz-Cf-Id": {"abc=="}, "X-Amz-Cf-Pop": {"FRA56-P1"}, "Server": {"AmazonS3"}},
		{"Server": {"nginx"}},
		nil,
	}
	var lines [][]byte
	for i := range 60 {
		d := fmt.Sprintf("site%d.example", i)
		web := addr(fmt.Sprintf("104.16.%d.%d", i%256, i%200+1))
		leaf := issuers[i%len(issuers)]
		leaf.SubjectCN, leaf.SubjectOrg, leaf.NotBefore, leaf.NotAfter, leaf.SANs = d, "Site "+d, day, day.AddDate(0, 3, 0), 2
		leaf.SHA256 = fmt.Sprintf("%064x", i)
		chain := []dnscrawl.Cert{leaf, {SubjectCN: leaf.IssuerCN, SubjectOrg: leaf.IssuerOrg, IssuerCN: "ISRG Root X1", IssuerOrg: "Internet Security Research Group",
			NotBefore: day.AddDate(-1, 0, 0), NotAfter: day.AddDate(3, 0, 0), SHA256: fmt.Sprintf("%064x", 1000+i%3)}}
		probe := func(host string, j int) dnscrawl.TLSProbe {
			p := dnscrawl.TLSProbe{Host: host, Addr: web, Port: 443, Status: statuses[(i+j)%len(statuses)], Version: "TLS 1.3", Verified: i%2 == 0,
				OCSPStapled: i%4 == 1, DurationMS: 9.5 + float64(j)}
			switch p.Status {
			case dnscrawl.ProbeOK:
				p.Chain = chain
				if !p.Verified {
					p.VerifyError = "x509: certificate signed by unknown authority"
				}
			case dnscrawl.ProbeTLSError:
				p.Error = "remote error: tls: internal error"
			default:
				p.Error = "dial tcp: i/o timeout"
			}
			return p
		}
		o := &dnscrawl.Observation{SchemaVersion: dnscrawl.SchemaVersion, Domain: d, Rank: i + 1, Status: dnscrawl.StatusOK,
			Resolver: "127.0.0.1:53", Simulated: true, StartedAt: day, DurationMS: 14.5, Queries: 7, Attempts: 8,
			NS:       []dnscrawl.NSHost{{Name: "chad.ns.cloudflare.com", Addrs: []netip.Addr{addr("173.245.58.10")}}, {Name: "ns-1.awsdns-01.org"}},
			Apex:     dnscrawl.Host{Name: d, Status: dnscrawl.StatusOK, A: []netip.Addr{web}},
			WWW:      dnscrawl.Host{Name: "www." + d, Status: dnscrawl.StatusOK, CNAMEs: []string{d + ".cdn.cloudflare.net"}, A: []netip.Addr{web}},
			MXStatus: dnscrawl.StatusNoData,
			TLS:      []dnscrawl.TLSProbe{probe(d, 0), probe("www."+d, 1)},
			HTTP: []dnscrawl.HTTPProbe{{URL: "https://www." + d + "/", Addr: web, Status: dnscrawl.ProbeOK, StatusCode: 200 + i%3, Headers: headers[i%len(headers)], DurationMS: 3},
				{URL: "http://" + d + "/", Addr: web, Status: dnscrawl.ProbeHTTPError, Error: "EOF"}},
			CertHosts: []dnscrawl.CertHost{
				{Name: "e7.c.lencr.org", Host: dnscrawl.Host{Name: "e7.c.lencr.org", Status: dnscrawl.StatusOK, CNAMEs: []string{"c.lencr.edgesuite.net", "a1887.dscq.akamai.net"},
					A: []netip.Addr{addr("23.39.135.79")}}, Zone: &dnscrawl.ZoneNS{Zone: "akamai.net", NS: []string{"a1-67.akam.net", "a10-67.akam.net"}}},
				{Name: "ocsp.digicert.com", Host: dnscrawl.Host{Name: "ocsp.digicert.com", Status: dnscrawl.StatusOK, CNAMEs: []string{"fp2e7a.wpc.phicdn.net"},
					A: []netip.Addr{addr("192.229.211.108")}}, Zone: &dnscrawl.ZoneNS{Zone: "phicdn.net", NS: []string{"ns1.edgecastdns.net", "ns2.edgecastdns.net"}}},
			},
		}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, b)
	}
	return lines
}

// TestClassifyLeanParser checks that classification and the certificate
// host edges are the same from a lean Parser's observations
// (classifyObservations) as from a Parser's, on lines that carry every
// fact the lean Parser leaves out: it leaves out nothing they read.
func TestClassifyLeanParser(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	cl := classify.New(cat, nil)
	full, lean := dnscrawl.NewParser(), dnscrawl.NewLeanParser()
	var fullStore, leanStore dnscrawl.Store
	edges, cas, differ := 0, 0, 0
	for round := range 3 { // the second and third time from the Parsers' caches
		for i, line := range leanLines(t) {
			var fo, lo dnscrawl.Observation
			if err := full.ParseInto(line, &fo, &fullStore); err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			if err := lean.ParseInto(line, &lo, &leanStore); err != nil {
				t.Fatalf("line %d: lean: %v", i, err)
			}
			if !cmp.Equal(fo, lo, cmpopts.EquateComparable(netip.Addr{})) {
				differ++
			}
			want, got := cl.Classify(&fo), cl.Classify(&lo)
			if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(classify.Result{}), sameProvider); diff != "" {
				t.Errorf("round %d, %s: result (-parser +lean):\n%s", round, fo.Domain, diff)
			}
			if diff := cmp.Diff(want.DepList(), got.DepList()); diff != "" {
				t.Errorf("round %d, %s: dependencies (-parser +lean):\n%s", round, fo.Domain, diff)
			}
			if diff := cmp.Diff(want.AddrInfos(), got.AddrInfos(), cmpopts.EquateComparable(netip.Addr{})); diff != "" {
				t.Errorf("round %d, %s: addresses (-parser +lean):\n%s", round, fo.Domain, diff)
			}
			wantEdges, gotEdges := cl.CertHostEdges(&fo), cl.CertHostEdges(&lo)
			if diff := cmp.Diff(wantEdges, gotEdges, sameProvider); diff != "" {
				t.Errorf("round %d, %s: certificate host edges (-parser +lean):\n%s", round, fo.Domain, diff)
			}
			edges += len(wantEdges)
			if want.States[catalog.LayerCA] == classify.StateKnown {
				cas++
			}
		}
		fullStore.Reset()
		leanStore.Reset()
	}
	// The comparison can fail: the lean observations lack facts, and the
	// lines give classification something to find.
	if differ == 0 || edges == 0 || cas == 0 {
		t.Errorf("%d lean observations differ from the Parser's, %d certificate host edges, %d CAs named: the test cannot see a difference", differ, edges, cas)
	}
}

// sameProvider compares catalog providers by identity: the results
// compared come from one catalog, so an equal provider is the same one.
var sameProvider = cmp.Comparer(func(a, b *catalog.Provider) bool { return a == b })
