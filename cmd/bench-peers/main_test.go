package main

import (
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestGenerateZonesParse writes a small population and reads every zone
// file back with miekg/dns's zone parser: a record NSD would refuse (the
// zone then answers SERVFAIL) fails here.
func TestGenerateZonesParse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pop")
	const n = 300
	if err := generate(dir, n); err != nil {
		t.Fatal(err)
	}
	zl, err := os.ReadFile(filepath.Join(dir, "zones.txt"))
	if err != nil {
		t.Fatal(err)
	}
	zones := strings.Fields(string(zl))
	if len(zones) != n+40+2*10+8 {
		t.Fatalf("%d zones, want %d domains and 68 provider, CDN and mail zones", len(zones), n)
	}
	records := 0
	for _, z := range zones {
		path := filepath.Join(dir, "zones", z+".zone")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		zp := dns.NewZoneParser(f, z+".", path)
		soa := false
		for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
			records++
			if !dns.IsSubDomain(z+".", rr.Header().Name) {
				t.Errorf("%s: %s is outside the zone", path, rr.Header().Name)
			}
			if _, isSOA := rr.(*dns.SOA); isSOA && rr.Header().Name == z+"." {
				soa = true
			}
		}
		f.Close()
		if err := zp.Err(); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !soa {
			t.Errorf("%s: no SOA at the apex", path)
		}
	}
	if records < 5*n {
		t.Errorf("%d records in %d zones", records, len(zones))
	}
	done, err := os.ReadFile(filepath.Join(dir, "done"))
	if err != nil || string(done) != generatorVersion {
		t.Errorf("done file %q, %v; want %q", done, err, generatorVersion)
	}
	q, err := os.ReadFile(filepath.Join(dir, "questions.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(q), "\n"); got != 7*n {
		t.Errorf("%d questions, want %d", got, 7*n)
	}
}

// TestDomainAAAA checks the apex addresses at the sizes the benchmark
// runs (up to a million domains and beyond): valid IPv6, in
// 2001:db8::/32, all distinct. Version 1 of the generator wrote
// 2001:db8:1000::10001 for domain 65,536.
func TestDomainAAAA(t *testing.T) {
	doc := netip.MustParsePrefix("2001:db8::/32")
	seen := map[netip.Addr]int{}
	check := func(i int) {
		s := domainAAAA(i)
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() || !doc.Contains(a) {
			t.Fatalf("domain %d: %q: %v", i, s, err)
		}
		if j, dup := seen[a]; dup {
			t.Fatalf("domains %d and %d share %s", j, i, s)
		}
		seen[a] = i
	}
	for _, i := range []int{0, 1, 65534, 65535, 65536, 131071, 199999, 999999, 1 << 24} {
		check(i)
	}
	for i := 2; i < 2_000_000; i += 101 {
		check(i)
	}
}

func TestZoneErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.log")
	os.WriteFile(good, []byte("[2026-12-05 11:02:19.735] nsd[1]: notice: nsd started (NSD 4.6.1), pid 2\n"), 0o644)
	if err := zoneErrors(good); err != nil {
		t.Errorf("clean log: %v", err)
	}
	bad := filepath.Join(dir, "bad.log")
	var b strings.Builder
	for i := range 7 {
		b.WriteString("[2026-12-05 11:02:07.315] nsd[1]: error: d06553" + string(rune('0'+i)) + ".com.zone:10: invalid IPv6 address\n")
	}
	b.WriteString("[2026-12-05 11:02:19.735] nsd[1]: notice: nsd started (NSD 4.6.1), pid 2\n")
	os.WriteFile(bad, []byte(b.String()), 0o644)
	err := zoneErrors(bad)
	if err == nil || !strings.Contains(err.Error(), "7 errors") || !strings.Contains(err.Error(), "d065530.com.zone:10") ||
		strings.Contains(err.Error(), "d065536") {
		t.Errorf("log with 7 errors: %v", err)
	}
	if err := zoneErrors(filepath.Join(dir, "missing.log")); err == nil {
		t.Error("missing log: no error")
	}
}

// countingServer serves DNS over UDP on loopback with handle until the
// test ends, and counts the questions it was asked.
func countingServer(t *testing.T, handle func(dns.ResponseWriter, *dns.Msg)) (string, *atomic.Int64) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	asked := new(atomic.Int64)
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		asked.Add(1)
		handle(w, q)
	})}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return pc.LocalAddr().String(), asked
}

// TestProfileCrawl: `bench-peers profile` crawls a list against a server
// on loopback (one that answers every question with NXDOMAIN) and writes
// both profiles; a missing list is an error.
func TestProfileCrawl(t *testing.T) {
	addr, asked := countingServer(t, func(w dns.ResponseWriter, q *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(q, dns.RcodeNameError)
		w.WriteMsg(m)
	})
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.txt")
	os.WriteFile(list, []byte("a.test\nb.test\nc.test\n"), 0o644)
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	if err := profileCrawl(addr, list, 4, cpu, mem); err != nil {
		t.Fatal(err)
	}
	if asked.Load() < 3 {
		t.Errorf("the server was asked %d questions for 3 domains", asked.Load())
	}
	for _, p := range []string{cpu, mem} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 {
			t.Errorf("profile %s: %v", p, err)
		}
	}
	if err := profileCrawl(addr, filepath.Join(dir, "missing.txt"), 4, "", ""); err == nil {
		t.Error("missing list: no error")
	}
}

// TestMassdnsQuestionFile: massdns's question file holds the questions of
// questions.txt, in their order, as "TYPE name" lines; a malformed line
// of questions.txt is an error naming its line.
func TestMassdnsQuestionFile(t *testing.T) {
	pop := t.TempDir()
	os.WriteFile(filepath.Join(pop, "questions.txt"), []byte("a.test NS\na.test SOA\nwww.a.test AAAA\n"), 0o644)
	path, err := massdnsQuestionFile(pop)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "NS a.test\nSOA a.test\nAAAA www.a.test\n"; string(b) != want {
		t.Errorf("massdns questions %q, want %q", b, want)
	}
	// Written once: a second call keeps the file.
	os.WriteFile(filepath.Join(pop, "questions.txt"), []byte("b.test A\n"), 0o644)
	if _, err := massdnsQuestionFile(pop); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(path); string(b2) != string(b) {
		t.Errorf("rewritten: %q", b2)
	}

	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "questions.txt"), []byte("a.test A\nb.test\n"), 0o644)
	if _, err := massdnsQuestionFile(bad); err == nil || !strings.Contains(err.Error(), "questions.txt:2") {
		t.Errorf("line without a type: %v", err)
	}
	if _, err := os.Stat(filepath.Join(bad, massdnsQuestions)); err == nil {
		t.Error("a question file was left after the error")
	}
}

// TestLastMassdnsStats reads the counts from the last JSON status line
// among massdns's other messages on standard error.
func TestLastMassdnsStats(t *testing.T) {
	stderr := `[WARNING] Privileges were not dropped. This is not recommended.
{"concurrency":256,"processed_queries":100,"received_packets":90,"finished_total":80,"success_total":80,"mismatched_domains":0,"ids":0}
{"concurrency":256,"processed_queries":700,"received_packets":699,"progress":{"percent":100.00},"finished_total":700,"success_total":698,"mismatched_domains":3,"ids":1,"failures":"0: 99.71%, 1: 0.29%, 2: 0.00%, "}
`
	s, err := lastMassdnsStats(strings.NewReader(stderr))
	if err != nil {
		t.Fatal(err)
	}
	if want := (massdnsStats{Processed: 700, Received: 699, Finished: 700, Success: 698, Mismatched: 3, IDs: 1}); s != want {
		t.Errorf("%+v, want %+v", s, want)
	}
	for _, in := range []string{"", "[ERROR] Failed to open resolver file\n", `{"finished_total":0}` + "\n", "{not json\n"} {
		if _, err := lastMassdnsStats(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// TestRunMassdns runs massdns, when it is installed, against a server on
// loopback that answers every question but those for lost.test, and
// checks the counts bench-peers takes from it (7 questions each for 3
// domains, one of them never answered: 2 tries 2 s apart).
func TestRunMassdns(t *testing.T) {
	if _, err := exec.LookPath("massdns"); err != nil {
		t.Skip("massdns is not installed (scripts/bench-peers/install.sh with MASSDNS_SRC)")
	}
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		t.Skip("no GNU time")
	}
	addr, asked := countingServer(t, func(w dns.ResponseWriter, q *dns.Msg) {
		if q.Question[0].Name == "lost.test." && q.Question[0].Qtype == dns.TypeMX {
			return
		}
		m := new(dns.Msg)
		m.SetReply(q)
		w.WriteMsg(m)
	})
	pop, dir := t.TempDir(), t.TempDir()
	var q strings.Builder
	for _, d := range []string{"a.test", "lost.test", "c.test"} {
		for _, typ := range []string{"NS", "SOA", "MX", "A", "AAAA"} {
			q.WriteString(d + " " + typ + "\n")
		}
		q.WriteString("www." + d + " A\nwww." + d + " AAAA\n")
	}
	os.WriteFile(filepath.Join(pop, "questions.txt"), []byte(q.String()), 0o644)
	r, err := runMassdns(pop, dir, addr, options{domains: 3, concurrency: 4}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.queries != 21 || r.lost != 1 || r.domains != 3 || r.note != "" {
		t.Errorf("queries %d lost %d domains %d note %q; want 21, 1 lost, 3 domains", r.queries, r.lost, r.domains, r.note)
	}
	if n := asked.Load(); n != 22 {
		t.Errorf("the server was asked %d questions, want 21 and one retry", n)
	}
}

// TestPrintTable: the ratio columns are those of the reference tools
// that ran, with the medians' ratios, and the per-round ratios are to
// massdns when it ran.
func TestPrintTable(t *testing.T) {
	res := func(qps ...float64) []result {
		var rs []result
		for _, q := range qps {
			rs = append(rs, result{queries: int64(q * 10), domains: 1000, wall: 10 * time.Second, cpu: time.Second, rssMB: 40})
		}
		return rs
	}
	results := map[string][]result{
		"dnsperf":    res(100000, 120000, 110000),
		"massdns":    res(50000, 40000, 60000),
		"chokepoint": res(45000, 48000, 60000),
	}
	var b strings.Builder
	printTable(&b, options{domains: 1000, rounds: 3, concurrency: 256, port: 5399}, []string{"dnsperf", "massdns", "chokepoint"}, results)
	out := b.String()
	for _, want := range []string{
		"| lost | x dnsperf | x massdns |\n|---|---|---|---|---|---|---|---|\n",
		"| massdns | 50000 (40000-60000) | 100 | 2.0 (1.7-2.5) | 40 (max 40) | 0/0/0 | 0.45 | 1.00 |\n",
		"| chokepoint | 48000 (45000-60000) | 100 | 2.1 (1.7-2.2) | 40 (max 40) | 0/0/0 | 0.44 | 0.96 |\n",
		"per round, queries/s over massdns's",
		"- chokepoint: 0.90 (2.2, 2.0); 1.20 (2.1, 2.5); 1.00 (1.7, 1.7)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table without %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "x bare") {
		t.Errorf("a column for the bare client, which did not run:\n%s", out)
	}
}
