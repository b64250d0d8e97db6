package pipeline

import (
	"bufio"
	"bytes"
	"context"
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
	if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(classify.Result{})); diff != "" {
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
