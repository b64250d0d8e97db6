package main

import (
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

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

// TestProfileCrawl: `bench-peers profile` crawls a list against a server
// on loopback (one that answers every question with NXDOMAIN) and writes
// both profiles; a missing list is an error.
func TestProfileCrawl(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int64
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, q *dns.Msg) {
		asked.Add(1)
		m := new(dns.Msg)
		m.SetRcode(q, dns.RcodeNameError)
		w.WriteMsg(m)
	})}
	go srv.ActivateAndServe()
	defer srv.Shutdown()
	dir := t.TempDir()
	list := filepath.Join(dir, "domains.txt")
	os.WriteFile(list, []byte("a.test\nb.test\nc.test\n"), 0o644)
	cpu, mem := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof")
	if err := profileCrawl(pc.LocalAddr().String(), list, 4, cpu, mem); err != nil {
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
	if err := profileCrawl(pc.LocalAddr().String(), filepath.Join(dir, "missing.txt"), 4, "", ""); err == nil {
		t.Error("missing list: no error")
	}
}
