package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// fakeResolver is a loopback DNS server for the crawl tests. It answers
// NXDOMAIN to every question of class IN (a domain that does not exist is
// a complete, fast result), REFUSED to other classes unless id is set (as
// most resolvers answer "who are you?"), and counts the questions.
type fakeResolver struct {
	addr    string
	queries atomic.Int64
	// id, when set, is the answer to TXT id.server. in class CHAOS.
	id string
	// drop, when set, is asked about each question; true leaves it
	// without an answer.
	drop func(q dns.Question) bool
}

// startFakeResolver starts a fakeResolver configured by configure (may be
// nil) and stops it with the test.
func startFakeResolver(t *testing.T, configure func(*fakeResolver)) *fakeResolver {
	t.Helper()
	f := &fakeResolver{}
	if configure != nil {
		configure(f)
	}
	addr, shutdown, err := dnsserver.Serve(dns.HandlerFunc(f.handle))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)
	f.addr = addr
	return f
}

func (f *fakeResolver) handle(w dns.ResponseWriter, r *dns.Msg) {
	f.queries.Add(1)
	if len(r.Question) != 1 {
		return
	}
	q := r.Question[0]
	if f.drop != nil && f.drop(q) {
		return
	}
	m := new(dns.Msg)
	m.SetReply(r)
	switch {
	case q.Qclass == dns.ClassCHAOS && f.id != "":
		m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{f.id}}}
	case q.Qclass != dns.ClassINET:
		m.Rcode = dns.RcodeRefused
	default:
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}

// closedPort returns a loopback UDP address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

// domainList writes a list of n domains named prefix0.com ... and returns
// its path.
func domainList(t *testing.T, dir, name, prefix string, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s%d.com\n", prefix, i)
	}
	return writeFile(t, dir, name, b.String())
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// observedDomains returns how many observations each domain has in the
// observations file at path.
func observedDomains(t *testing.T, path string) map[string]int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]int{}
	dec := dnscrawl.NewDecoder(f)
	for {
		o, err := dec.Next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got[o.Domain]++
	}
}

func readManifest(t *testing.T, dir string) *dnscrawl.Manifest {
	t.Helper()
	m, err := dnscrawl.ReadManifest(filepath.Join(dir, dnscrawl.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCrawlRejectsNonsenseFlags: flag values that make no sense are usage
// errors (exit 2) of crawl and run, named in the message, before anything
// is created or asked; sensible values of the same flags pass.
func TestCrawlRejectsNonsenseFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", "example.com\n")
	untouched := startFakeResolver(t, nil) // the rejected runs must not ask it anything
	used := startFakeResolver(t, nil)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"concurrency 0", []string{"--concurrency", "0"}, exitUsage, "--concurrency"},
		{"concurrency -3", []string{"--concurrency", "-3"}, exitUsage, "--concurrency"},
		{"timeout -1s", []string{"--timeout", "-1s"}, exitUsage, "--timeout"},
		{"timeout 0", []string{"--timeout", "0s"}, exitUsage, "--timeout"},
		{"domain-timeout 0", []string{"--domain-timeout", "0s"}, exitUsage, "--domain-timeout"},
		{"retries -1", []string{"--retries", "-1"}, exitUsage, "--retries"},
		{"qps -1", []string{"--qps", "-1"}, exitUsage, "--qps"},
		{"qps NaN", []string{"--qps", "NaN"}, exitUsage, "--qps"},
		{"qps-per-resolver -1", []string{"--qps-per-resolver", "-1"}, exitUsage, "--qps-per-resolver"},
		{"qps-per-resolver +Inf", []string{"--qps-per-resolver", "+Inf"}, exitUsage, "--qps-per-resolver"},
		{"progress -1s", []string{"--progress", "-1s"}, exitUsage, "--progress"},
		{"max-failed 1.5", []string{"--max-failed", "1.5"}, exitUsage, "--max-failed"},
		{"max-failed -0.1", []string{"--max-failed", "-0.1"}, exitUsage, "--max-failed"},
		{"resolver port 99999", []string{"--resolver", "127.0.0.1:99999"}, exitUsage, "127.0.0.1:99999"},
		{"resolver port 0", []string{"--resolver", "127.0.0.1:0"}, exitUsage, "port 0"},
		{"resolver not an address", []string{"--resolver", "not-an-address"}, exitUsage, "not-an-address"},
		{"resolver host name", []string{"--resolver", "dns.example:53"}, exitUsage, "dns.example:53"},
		{"shard 0/3", []string{"--shard", "0/3"}, exitUsage, "0/3"},
		{"shard 4/3", []string{"--shard", "4/3"}, exitUsage, "4/3"},
		{"resume with force", []string{"--resume", "--force"}, exitUsage, "--force"},
		{"allow-different-list without resume", []string{"--allow-different-list"}, exitUsage, "--resume"},
		// The same flags with sensible values: the check can pass.
		{"sensible values", []string{"--concurrency", "1", "--timeout", "1s", "--domain-timeout", "5s", "--retries", "0",
			"--qps", "0", "--qps-per-resolver", "100", "--max-failed", "1", "--shard", "1/1", "--progress", "0"}, exitOK, ""},
	}
	for _, command := range []string{"crawl", "run"} {
		for i, tt := range tests {
			t.Run(command+"/"+tt.name, func(t *testing.T) {
				out := filepath.Join(dir, fmt.Sprintf("%s-%d", command, i))
				resolver := untouched.addr
				if tt.code == exitOK {
					resolver = used.addr
				}
				args := []string{command, list, "--out", out, "--resolver", resolver}
				if command == "run" {
					args = append(args, "--data-dir", "", "-q", "--bootstrap", "0")
				}
				code, _, stderr := execute(t, "", append(args, tt.args...)...)
				if code != tt.code {
					t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
				}
				if tt.code == exitOK {
					return
				}
				if !strings.Contains(lastLine(stderr), tt.msg) {
					t.Errorf("last line does not name %q:\n%s", tt.msg, stderr)
				}
				if _, err := os.Stat(out); !os.IsNotExist(err) {
					t.Errorf("a rejected %s created %s (%v)", command, out, err)
				}
			})
		}
	}
	if n := untouched.queries.Load(); n != 0 {
		t.Errorf("rejected runs sent %d queries, want none", n)
	}
	if used.queries.Load() == 0 {
		t.Error("the runs with sensible values asked nothing")
	}
}

// TestCrawlMaxFailed: a crawl whose lookups all fail on the network (a
// resolver port where nothing listens) writes everything and exits 1 with
// a last line that says how many failed and why; run analyses it all the
// same; --max-failed 1 accepts it; a crawl of the simulated internet,
// where a few domains time out by design, exits 0.
func TestCrawlMaxFailed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 20
	list := domainList(t, dir, "list.txt", "d", n)
	down := []string{"--resolver", closedPort(t), "--timeout", "300ms", "--retries", "0", "--progress", "0"}

	t.Run("crawl", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(dir, "crawl")
		code, _, stderr := execute(t, "", append([]string{"crawl", list, "--out", out}, down...)...)
		if code != exitFailure {
			t.Fatalf("exit code %d, want %d; stderr:\n%s", code, exitFailure, stderr)
		}
		last := lastLine(stderr)
		for _, want := range []string{"20 of 20 domains (100%) failed on network errors", "more than --max-failed 50%", "crawl.json are kept"} {
			if !strings.Contains(last, want) {
				t.Errorf("last line does not say %q:\n%s", want, last)
			}
		}
		if got := observedDomains(t, filepath.Join(out, ObservationsName)); len(got) != n {
			t.Errorf("%d observations written, want %d", len(got), n)
		}
		m := readManifest(t, out)
		if failed := m.Statuses[dnscrawl.StatusNetworkError] + m.Statuses[dnscrawl.StatusTimeout]; failed != n || m.FinishedAt.IsZero() {
			t.Errorf("crawl.json: %d failed on the network, finished %v; want %d, finished", failed, m.FinishedAt, n)
		}
	})
	t.Run("run", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(dir, "run")
		code, _, stderr := execute(t, "", append([]string{"run", list, "--out", out, "--data-dir", "", "-q", "--bootstrap", "0"}, down...)...)
		if code != exitFailure || !strings.Contains(lastLine(stderr), "failed on network errors") {
			t.Fatalf("exit code %d, want %d with the failure as last line; stderr:\n%s", code, exitFailure, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, reports.RunFile)); err != nil {
			t.Errorf("run did not analyse the failed crawl: %v", err)
		}
	})
	t.Run("accepted", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(dir, "accepted")
		code, _, stderr := execute(t, "", append([]string{"crawl", list, "--out", out, "--max-failed", "1"}, down...)...)
		if code != exitOK {
			t.Fatalf("--max-failed 1: exit code %d, want 0; stderr:\n%s", code, stderr)
		}
	})
	t.Run("simnet", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sim := serveSimnet(t, ctx, 200, 5)
		out := filepath.Join(dir, "simnet")
		code, _, stderr := execute(t, "", "crawl", sim.files.Domains, "--out", out, "--resolver", sim.addr,
			"--timeout", "300ms", "--retries", "1", "--progress", "0", "--qps-per-resolver", "0")
		if code != exitOK {
			t.Fatalf("exit code %d, want 0; stderr:\n%s", code, stderr)
		}
	})
}

// TestResumeRefusesAnotherList: --resume with a list other than the one
// crawl.json records (or another shard) is refused and leaves the file as
// it was; the same list written differently is the same list; with
// --allow-different-list the lists are merged and crawl.json names both.
func TestResumeRefusesAnotherList(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startFakeResolver(t, nil)
	listA := writeFile(t, dir, "a.txt", "alpha.com\nbravo.com\ncharlie.com\n")
	// The same domains in the same order, written otherwise.
	listA2 := writeFile(t, dir, "a2.txt", "# list A again\r\nALPHA.com.\r\nhttps://bravo.com/\r\nbravo.com\r\ncharlie.com # last\r\n")
	listB := writeFile(t, dir, "b.txt", "alpha.com\nbravo.com\ndelta.com\n")
	out := filepath.Join(dir, "out")
	obs := filepath.Join(out, ObservationsName)
	crawl := func(args ...string) (int, string) {
		code, _, stderr := execute(t, "", append([]string{"crawl", "--out", out, "--resolver", srv.addr, "--progress", "0"}, args...)...)
		return code, stderr
	}
	if code, stderr := crawl(listA); code != exitOK {
		t.Fatalf("first crawl: exit %d\n%s", code, stderr)
	}
	first := readManifest(t, out)
	if len(first.ListSHA256) != 64 {
		t.Fatalf("crawl.json list_sha256 = %q, want a SHA-256", first.ListSHA256)
	}
	before, err := os.ReadFile(obs)
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		args []string
	}{
		{"another list", []string{listB, "--resume"}},
		{"another shard", []string{listA, "--resume", "--shard", "1/2"}},
	} {
		code, stderr := crawl(tt.args...)
		if code != exitUsage || !strings.Contains(stderr, "--allow-different-list") {
			t.Errorf("%s: exit %d, want %d with a word on --allow-different-list:\n%s", tt.name, code, exitUsage, stderr)
		}
		if after, _ := os.ReadFile(obs); !bytes.Equal(after, before) {
			t.Errorf("%s: the refused resume changed %s", tt.name, obs)
		}
		if m := readManifest(t, out); m.ListSHA256 != first.ListSHA256 {
			t.Errorf("%s: the refused resume changed crawl.json", tt.name)
		}
	}

	if code, stderr := crawl(listA2, "--resume"); code != exitOK {
		t.Fatalf("resume with the same list written otherwise: exit %d\n%s", code, stderr)
	}
	if m := readManifest(t, out); m.ListSHA256 != first.ListSHA256 || len(m.MergedLists) != 0 {
		t.Errorf("same list: list_sha256 %s (want %s), merged %v (want none)", m.ListSHA256, first.ListSHA256, m.MergedLists)
	}

	if code, stderr := crawl(listB, "--resume", "--allow-different-list"); code != exitOK {
		t.Fatalf("resume with --allow-different-list: exit %d\n%s", code, stderr)
	}
	m := readManifest(t, out)
	want := []dnscrawl.ListRef{{Input: listA2, ListSHA256: first.ListSHA256}}
	if m.Input != listB || m.ListSHA256 == first.ListSHA256 || fmt.Sprint(m.MergedLists) != fmt.Sprint(want) {
		t.Errorf("crawl.json: input %s, list_sha256 %s, merged %v; want %s, a new hash, merged %v", m.Input, m.ListSHA256, m.MergedLists, listB, want)
	}
	got := observedDomains(t, obs)
	for _, d := range []string{"alpha.com", "bravo.com", "charlie.com", "delta.com"} {
		if got[d] != 1 {
			t.Errorf("%s has %d observations, want 1", d, got[d])
		}
	}
}

// TestCrawlRefusesOverwrite: crawl and run do not replace the
// observations already in --out unless --force; the message points to
// --resume. An empty observations file is no crawl. Demo replaces its own
// simulated crawl, never a real one.
func TestCrawlRefusesOverwrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startFakeResolver(t, nil)
	big := domainList(t, dir, "big.txt", "big", 50)
	small := domainList(t, dir, "small.txt", "small", 3)
	out := filepath.Join(dir, "out")
	obs := filepath.Join(out, ObservationsName)
	common := []string{"--out", out, "--resolver", srv.addr, "--progress", "0"}
	if code, _, stderr := execute(t, "", append([]string{"crawl", big}, common...)...); code != exitOK {
		t.Fatalf("first crawl: exit %d\n%s", code, stderr)
	}
	before, _ := os.ReadFile(obs)
	for _, command := range []string{"crawl", "run"} {
		args := append([]string{command, small}, common...)
		if command == "run" {
			args = append(args, "--data-dir", "", "-q")
		}
		code, _, stderr := execute(t, "", args...)
		if code != exitUsage {
			t.Errorf("%s into a crawl: exit %d, want %d\n%s", command, code, exitUsage, stderr)
		}
		for _, want := range []string{"already holds a crawl (50 observations)", "--resume", "--force"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: message does not say %q:\n%s", command, want, stderr)
			}
		}
		if after, _ := os.ReadFile(obs); !bytes.Equal(after, before) {
			t.Fatalf("%s without --force changed %s", command, obs)
		}
	}
	if code, _, stderr := execute(t, "", append([]string{"crawl", small, "--force"}, common...)...); code != exitOK {
		t.Fatalf("crawl --force: exit %d\n%s", code, stderr)
	}
	if got := observedDomains(t, obs); len(got) != 3 || got["small0.com"] != 1 {
		t.Errorf("after --force the file holds %v, want the 3 domains of the new list", got)
	}

	// An empty observations file holds nothing to lose.
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	writeFile(t, empty, ObservationsName, "")
	if code, _, stderr := execute(t, "", "crawl", small, "--out", empty, "--resolver", srv.addr, "--progress", "0"); code != exitOK {
		t.Errorf("crawl into an empty observations file: exit %d\n%s", code, stderr)
	}

	// Demo (a simulated crawl) replaces a simulated crawl, not a real one.
	demo := func(out string) error {
		o := defaultCrawlOptions()
		o.Input, o.Out, o.Resolvers, o.Progress, o.Simulated = small, out, []string{srv.addr}, 0, true
		_, err := runCrawl(context.Background(), o, nil, io.Discard, io.Discard)
		return err
	}
	sim := filepath.Join(dir, "demo")
	for i := range 2 {
		if err := demo(sim); err != nil {
			t.Fatalf("simulated crawl %d into %s: %v", i+1, sim, err)
		}
	}
	if err := demo(out); err == nil || exitCode(err, io.Discard) != exitUsage {
		t.Errorf("a simulated crawl over a real one: %v, want a usage error", err)
	}
}

// TestCrawlMarksSimulated: a crawl against the simulated internet served
// as "simnet serve" serves it says so in crawl.json, in every
// observation and, through analyze, in run.json; a crawl against another
// loopback server, even one that names itself, does not.
func TestCrawlMarksSimulated(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, 40, 9)
	plain := startFakeResolver(t, nil)
	named := startFakeResolver(t, func(f *fakeResolver) { f.id = "resolver-7.example" })
	for _, tt := range []struct {
		name     string
		resolver string
		want     bool
	}{
		{"simnet", sim.addr, true},
		{"plain", plain.addr, false},
		{"named", named.addr, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(sim.dir, tt.name)
			code, _, stderr := execute(t, "", "crawl", sim.files.Domains, "--out", out, "--resolver", tt.resolver,
				"--timeout", "300ms", "--retries", "0", "--progress", "0")
			if code != exitOK {
				t.Fatalf("exit %d\n%s", code, stderr)
			}
			if m := readManifest(t, out); m.Simulated != tt.want {
				t.Errorf("crawl.json simulated = %v, want %v", m.Simulated, tt.want)
			}
			f, err := os.Open(filepath.Join(out, ObservationsName))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			dec := dnscrawl.NewDecoder(f)
			for {
				o, err := dec.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if o.Simulated != tt.want {
					t.Fatalf("observation of %s: simulated = %v, want %v", o.Domain, o.Simulated, tt.want)
				}
			}
			if !tt.want {
				return
			}
			report := filepath.Join(out, "report")
			code, _, stderr = execute(t, "", "analyze", filepath.Join(out, ObservationsName), "--out", report, "--data-dir", "", "-q", "--bootstrap", "0")
			if code != exitOK {
				t.Fatalf("analyze: exit %d\n%s", code, stderr)
			}
			b, err := os.ReadFile(filepath.Join(report, reports.RunFile))
			if err != nil {
				t.Fatal(err)
			}
			var run struct{ Simulated bool }
			if err := json.Unmarshal(b, &run); err != nil || !run.Simulated {
				t.Errorf("run.json simulated = %v (%v), want true", run.Simulated, err)
			}
		})
	}
}

// TestRunChecksInputsFirst: run opens every input of the analysis before
// its first DNS query: a corrupt database, a missing or invalid catalog,
// a missing ASN table or an unknown format fails at once, and the
// resolver is asked nothing.
func TestRunChecksInputsFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startFakeResolver(t, nil)
	list := domainList(t, dir, "list.txt", "d", 5)
	bad := writeFile(t, dir, "bad.mmdb", "this is not a MaxMind database")
	badCatalog := writeFile(t, dir, "catalog.json", `{"providers": [`)
	for i, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"corrupt asn db", []string{"--asn-db", bad}, "bad.mmdb"},
		{"corrupt country db", []string{"--country-db", bad}, "bad.mmdb"},
		{"missing asn db", []string{"--asn-db", filepath.Join(dir, "nope.mmdb")}, "nope.mmdb"},
		{"missing catalog", []string{"--catalog", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"invalid catalog", []string{"--catalog", badCatalog}, "catalog"},
		{"missing asn table", []string{"--asn-table", filepath.Join(dir, "nope.tsv")}, "nope.tsv"},
		{"unknown format", []string{"--format", "xlsx"}, "xlsx"},
	} {
		out := filepath.Join(dir, fmt.Sprint(i))
		args := append([]string{"run", list, "--out", out, "--resolver", srv.addr, "--data-dir", "", "--progress", "0"}, tt.args...)
		code, _, stderr := execute(t, "", args...)
		if code == exitOK || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%s: exit %d, want a failure naming %q:\n%s", tt.name, code, tt.msg, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, ObservationsName)); !os.IsNotExist(err) {
			t.Errorf("%s: run crawled before failing (%v)", tt.name, err)
		}
	}
	if n := srv.queries.Load(); n != 0 {
		t.Errorf("the resolver got %d queries, want none", n)
	}
}

// TestRunAnalysisFailureKeepsCrawl: when the analysis after a crawl fails
// (here the ASN database, sound when run checked it, disappears during the
// crawl), the error says that observations.jsonl is kept and gives the
// command that analyses it again, and that command works.
func TestRunAnalysisFailureKeepsCrawl(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	inet, err := simnet.Generate(simnet.Config{Domains: 10, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	files, err := inet.WriteAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	asn := filepath.Join(dir, "asn db.mmdb") // a space, to check the quoting
	b, err := os.ReadFile(files.ASN)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, filepath.Base(asn), string(b))
	var removed atomic.Bool
	srv := startFakeResolver(t, func(f *fakeResolver) {
		f.drop = func(dns.Question) bool {
			if !removed.Swap(true) {
				os.Remove(asn)
			}
			return false
		}
	})
	list := domainList(t, dir, "list.txt", "d", 5)
	out := filepath.Join(dir, "out")
	code, _, stderr := execute(t, "", "run", list, "--out", out, "--resolver", srv.addr, "--data-dir", "", "--asn-db", asn, "--progress", "0", "-q")
	if code == exitOK {
		t.Fatalf("run succeeded without its ASN database:\n%s", stderr)
	}
	obs := filepath.Join(out, ObservationsName)
	last := lastLine(stderr)
	wantCmd := fmt.Sprintf("chokepoint analyze %s --out %s --list %s --asn-db '%s' --data-dir '' --quiet", obs, out, list, asn)
	for _, want := range []string{"analysis failed", "the crawl is kept in " + obs, wantCmd} {
		if !strings.Contains(last, want) {
			t.Errorf("last line does not say %q:\n%s", want, last)
		}
	}
	if got := observedDomains(t, obs); len(got) != 5 {
		t.Errorf("%d observations kept, want 5", len(got))
	}
	// The command given works once the database is back.
	writeFile(t, dir, filepath.Base(asn), string(b))
	if code, _, stderr := execute(t, "", "analyze", obs, "--out", out, "--asn-db", asn, "--data-dir", "", "--quiet"); code != exitOK {
		t.Errorf("the re-analysis failed: exit %d\n%s", code, stderr)
	}
}

// TestProgressLine: every figure of a progress line comes from one
// snapshot of the counts: the counts per status add up to the domains
// shown as done, and done never shows more than the total.
func TestProgressLine(t *testing.T) {
	t.Parallel()
	snap := func(counts map[dnscrawl.Status]int64) countSnapshot {
		var c statusCounts
		for s, n := range counts {
			for range n {
				c.add(s)
			}
		}
		return c.snapshot()
	}
	tests := []struct {
		name   string
		counts map[dnscrawl.Status]int64
		total  int64
		want   string
	}{
		{"half way", map[dnscrawl.Status]int64{dnscrawl.StatusOK: 40, dnscrawl.StatusNXDomain: 10}, 100,
			"crawl: 50/100 domains done, 5/s, ETA 10s; ok 40 nxdomain 10"},
		{"nothing yet", nil, 100, "crawl: 0/100 domains done, 0/s"},
		{"done", map[dnscrawl.Status]int64{dnscrawl.StatusTimeout: 3}, 3, "crawl: 3/3 domains done, 0/s; timeout 3"},
		{"total unknown", map[dnscrawl.Status]int64{dnscrawl.StatusOK: 2}, 0, "crawl: 2 domains done, 0/s; ok 2"},
		{"more than the total", map[dnscrawl.Status]int64{dnscrawl.StatusOK: 7}, 5, "crawl: 7/7 domains done, 1/s; ok 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			elapsed := 10 * time.Second
			if got := progressLine(snap(tt.counts), tt.total, elapsed); got != tt.want {
				t.Errorf("progressLine = %q, want %q", got, tt.want)
			}
		})
	}

	// While a writer adds, each line's counts add up to its done figure.
	var c statusCounts
	stop := make(chan struct{})
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
				c.add(dnscrawl.Statuses[i%3])
			}
		}
	}()
	defer close(stop)
	for range 1000 {
		line := progressLine(c.snapshot(), 0, time.Second)
		var done, sum int64
		fmt.Sscanf(line, "crawl: %d", &done)
		if _, counts, ok := strings.Cut(line, "; "); ok {
			f := strings.Fields(counts)
			for i := 1; i < len(f); i += 2 {
				var v int64
				fmt.Sscan(f[i], &v)
				sum += v
			}
		}
		if sum != done {
			t.Fatalf("%q: counts add up to %d, done says %d", line, sum, done)
		}
	}
}

// TestCrawlPlanTotal: the total a crawl's progress counts towards is the
// number of observations it then writes, whatever the list holds
// (comments, duplicates, bad lines, a CSV header) and with a shard and
// domains already done.
func TestCrawlPlanTotal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	srv := startFakeResolver(t, nil)
	var b strings.Builder
	b.WriteString("rank,domain\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,d%d.com\n", i+1, i)
		if i%5 == 0 {
			fmt.Fprintf(&b, "%d,d%d.com\n", i+100, i) // duplicate
			b.WriteString("0,not a domain\n")         // bad line
		}
	}
	path := writeFile(t, dir, "list.csv", b.String())
	for _, shard := range []dnscrawl.Shard{{}, {K: 1, N: 3}, {K: 3, N: 3}} {
		t.Run(shard.String(), func(t *testing.T) {
			o := defaultCrawlOptions()
			o.Input, o.Resolvers, o.Progress, o.Shard = path, []string{srv.addr}, 0, shard
			o.Out = filepath.Join(dir, "out"+strings.ReplaceAll(shard.String(), "/", "-"))
			list, err := readCrawlList(context.Background(), o, nil, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			var done domains.NameSet
			done.Add("d1.com")
			done.Add("d2.com")
			done.Add("elsewhere.com") // done, but not in this list
			plan := list.plan(shard, &done)
			n := 0
			for tg := range plan.targets {
				if done.Has(tg.Domain) || !shard.Contains(tg.Domain) {
					t.Errorf("plan takes %s", tg.Domain)
				}
				n++
			}
			if n != plan.todo {
				t.Errorf("plan yields %d targets, its total says %d", n, plan.todo)
			}
			// Without the done set, the crawl writes exactly the total.
			m, err := runCrawl(context.Background(), o, nil, io.Discard, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			written := 0
			for _, c := range m.Statuses {
				written += c
			}
			if full := list.plan(shard, &domains.NameSet{}); written != full.todo || full.todo != full.inShard {
				t.Errorf("crawl wrote %d observations; plan total %d, in shard %d", written, full.todo, full.inShard)
			}
		})
	}
}
