package refdata

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sharedData is the real reference data beside the checkout; tests that
// use it skip when it is absent (a fresh clone does not have it).
var sharedData = filepath.Join("..", "..", "..", "shared", "data")

// TestMain says once, before the tests run, what is skipped when the
// shared reference data is absent; each skipped test also says it (go
// test -v shows both; a passing package's output is shown only with -v or
// when testing one package from its directory).
func TestMain(m *testing.M) {
	if _, err := os.Stat(sharedData); err != nil {
		fmt.Printf("refdata: %s is absent (a fresh clone has no shared data): skipping the tests over the providers' real files "+
			"(TestConformance*, TestMaxMindTestDatabases) and the benchmarks BenchmarkASNTableLookup and BenchmarkLoadRealRanges; "+
			"BenchmarkRangesLookup and BenchmarkRangesBart run on the small fixtures\n", sharedData)
	}
	os.Exit(m.Run())
}

func needShared(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{sharedData}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared reference data not present (%s): %v", p, err)
	}
	return p
}

// parseSnapshot parses every recognised range file of a snapshot folder,
// by source id.
func parseSnapshot(t testing.TB, dir string) map[string][]Range {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]Range{}
	for _, e := range ents {
		src, f, ok := matchImport(e.Name())
		if !ok {
			t.Logf("%s: not a format chokepoint reads, skipped", e.Name())
			continue
		}
		fh, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		rs, err := ParseRanges(f.Format, src.ID, e.Name(), fh)
		fh.Close()
		if err != nil {
			t.Fatalf("real file refused: %v", err)
		}
		out[src.ID] = append(out[src.ID], rs...)
	}
	return out
}

// TestConformanceRangeFiles parses every real range file: each parses,
// passes validation as a first copy, has a plausible prefix count, and a
// few published prefixes are where the providers say.
func TestConformanceRangeFiles(t *testing.T) {
	t.Parallel()
	dir := needShared(t, "ip-ranges", "2025-07")
	snap := parseSnapshot(t, dir)
	minimum := map[string]int{"aws": 5000, "gcp": 500, "goog": 50, "azure": 50000, "oracle": 500, "cloudflare": 20,
		"fastly": 15, "akamai": 5, "github": 1000, "digitalocean": 500, "linode": 1000}
	for id, min := range minimum {
		rs := snap[id]
		src, _ := SourceByID(id)
		sum := summarize(rs)
		t.Logf("%-12s %7d prefixes (%d IPv4, %d IPv6), %3d regions, %3d services, shortest /%d and /%d",
			id, sum.Prefixes, sum.IPv4, sum.IPv6, len(sum.Regions), len(sum.Services), sum.Shortest4, sum.Shortest6)
		if len(rs) < min {
			t.Errorf("%s: %d prefixes, want at least %d", id, len(rs), min)
		}
		if err := Validate(src, nil, sum); err != nil {
			t.Errorf("%s: real file fails validation: %v", id, err)
		}
		if err := CheckRanges(id, id, rs); err != nil {
			t.Errorf("%s: real file holds a prefix no provider can publish: %v", id, err)
		}
	}
	// No two unrelated sources publish the same prefix.
	c := claims{}
	for id, rs := range snap {
		c.set(id, []parsedFile{{label: id, ranges: rs}})
	}
	for id, rs := range snap {
		if cs := c.conflicts(id, []parsedFile{{label: id, ranges: rs}}); len(cs) > 0 {
			t.Errorf("%s: %v", id, cs)
		}
	}
	var all [][]Range
	for _, id := range slices.Sorted(maps.Keys(snap)) {
		all = append(all, snap[id])
	}
	tbl := NewRanges(all...)
	t.Logf("one table: %d distinct prefixes", tbl.Len())
	spot := []struct {
		addr, source, service, region string
	}{
		// Listed under AMAZON and EC2: the specific service wins.
		{"3.5.140.1", "aws", "EC2", "ap-northeast-2"},
		{"104.16.132.229", "cloudflare", "", ""},
		{"2606:4700::6810:84e5", "cloudflare", "", ""},
		{"151.101.1.69", "fastly", "", ""},
		{"34.35.1.1", "gcp", "Google Cloud", "africa-south1"},
		{"8.8.8.8", "goog", "", ""},
		{"129.80.1.1", "oracle", "OCI", "us-ashburn-1"},
		{"185.199.108.153", "github", "pages", ""},
		{"5.101.96.1", "digitalocean", "", "NL-NH"},
		{"2600:3c00::1", "linode", "", "US-TX"},
	}
	for _, s := range spot {
		r, ok := tbl.Lookup(netip.MustParseAddr(s.addr))
		if !ok || r.Source != s.source || r.Service != s.service || r.Region != s.region {
			t.Errorf("Lookup(%s) = %+v %v, want %s/%s/%s", s.addr, r, ok, s.source, s.service, s.region)
		}
	}
	// Azure: Front Door's frontend tag is kept with its service name, and
	// regional tags keep their region.
	var fd, regional bool
	for _, r := range snap["azure"] {
		fd = fd || r.Service == "AzureFrontDoor.Frontend"
		regional = regional || (r.Service == "AzureCloud" && r.Region == "eastus")
	}
	if !fd || !regional {
		t.Errorf("azure: Front Door frontend %v, AzureCloud.eastus %v", fd, regional)
	}
}

// TestConformanceSnapshots compares the 2025-07 and 2026-05 snapshots of
// AWS, Azure and Google Cloud: moving forward is a valid update; moving
// back (serving the old file as if it were new) is caught where a region
// or service was added in between.
func TestConformanceSnapshots(t *testing.T) {
	t.Parallel()
	oldDir := needShared(t, "ip-ranges", "2025-07")
	newDir := needShared(t, "ip-ranges", "2026-05")
	older, newer := parseSnapshot(t, oldDir), parseSnapshot(t, newDir)
	caught := 0
	for _, id := range []string{"aws", "azure", "gcp", "cloudflare"} {
		src, _ := SourceByID(id)
		o, n := summarize(older[id]), summarize(newer[id])
		gone := missing(o.Regions, n.Regions)
		added := missing(n.Regions, o.Regions)
		t.Logf("%-10s %6d -> %6d prefixes (%+.1f %%); regions %d -> %d (gone %v, new %v)",
			id, o.Prefixes, n.Prefixes, 100*float64(n.Prefixes-o.Prefixes)/float64(o.Prefixes), len(o.Regions), len(n.Regions), gone, added)
		if err := Validate(src, &o, n); err != nil {
			t.Errorf("%s: forward update refused: %v", id, err)
		}
		err := Validate(src, &n, o)
		switch {
		case err != nil:
			caught++
			t.Logf("%s: rollback refused: %v", id, err)
		case src.Stable && len(added) > 0:
			t.Errorf("%s: rollback loses regions %v but passed validation", id, added)
		}
		// A truncated copy is refused whatever the source.
		if err := Validate(src, &n, summarize(newer[id][:len(newer[id])/2])); !errors.Is(err, ErrValidation) {
			t.Errorf("%s: half the file passed validation", id)
		}
	}
	if caught == 0 {
		t.Error("no rollback was caught: validation compares nothing")
	}
}

// TestConformanceImport imports both snapshot folders in order into one
// data directory, the way a user would.
func TestConformanceImport(t *testing.T) {
	t.Parallel()
	oldDir := needShared(t, "ip-ranges", "2025-07")
	newDir := needShared(t, "ip-ranges", "2026-05")
	dir := t.TempDir()
	if rs, err := Import(ImportOptions{Dir: dir, From: oldDir}); err != nil {
		t.Fatalf("import 2025-07: %v %v", err, rs)
	}
	if rs, err := Import(ImportOptions{Dir: dir, From: newDir}); err != nil {
		t.Fatalf("import 2026-05: %v %v", err, rs)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Ranges.Len() < 50000 {
		t.Errorf("only %d prefixes loaded", d.Ranges.Len())
	}
	m := d.Manifest
	for _, id := range []string{"aws", "azure", "gcp", "cloudflare"} {
		if st := m.Sources[id]; st == nil || !strings.Contains(st.Files[0].URL, "2026-05") {
			t.Errorf("%s: not the 2026-05 copy: %+v", id, st)
		}
	}
	// The publication dates and versions the real files give.
	for id, want := range map[string]string{
		"aws":   "2026-05-06T02:57:06Z createDate syncToken 1778036226",
		"gcp":   "2026-05-06T02:04:08.194Z syncToken syncToken 1778033048194",
		"azure": "0001-01-01T00:00:00Z  changeNumber 398",
	} {
		f := m.Sources[id].Files[0]
		if got := f.Published.Format(time.RFC3339Nano) + " " + f.PublishedFrom + " " + f.Version; got != want {
			t.Errorf("%s publication %q, want %q", id, got, want)
		}
	}
	// Rolling back to the 2025-07 copies is refused, saying why, when
	// each was published, and how to override.
	rs, err := Import(ImportOptions{Dir: dir, From: oldDir})
	if !errors.Is(err, ErrUpdate) {
		t.Fatalf("rollback accepted: %v", err)
	}
	for _, r := range rs {
		if r.ID != "aws" {
			continue
		}
		msg := fmt.Sprint(r.Err)
		t.Logf("aws rollback: %s", msg)
		for _, want := range []string{"regions vanished: ", "this copy was published 2025-07-24T20:23:14Z, before the stored copy (published 2026-05-06T02:57:06Z)", "use --force to store it anyway"} {
			if !strings.Contains(msg, want) {
				t.Errorf("aws rollback message does not say %q: %s", want, msg)
			}
		}
	}
}

func TestConformanceASNTables(t *testing.T) {
	t.Parallel()
	dir := needShared(t, "ip-to-asn")
	tbl, err := LoadASNTable(
		filepath.Join(dir, "routeviews-rv2-20240406.pfx2as.tsv"),
		filepath.Join(dir, "ip2asn-v6.tsv"),
		filepath.Join(dir, "asnames.txt"),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d prefixes, %d AS names", tbl.Len(), len(tbl.names))
	if tbl.Len() < 900000 || len(tbl.names) < 60000 {
		t.Errorf("too few: %d prefixes, %d names", tbl.Len(), len(tbl.names))
	}
	for _, c := range []struct {
		addr string
		asn  uint32
		org  string
	}{
		{"1.1.1.1", 13335, "CLOUDFLARENET"},
		{"8.8.8.8", 15169, "GOOGLE"},
		{"2606:4700:4700::1111", 13335, "CLOUDFLARENET"},
		{"2001:4860:4860::8888", 15169, "GOOGLE"},
	} {
		if got := tbl.Lookup(netip.MustParseAddr(c.addr)); got.ASN != c.asn || got.Org != c.org {
			t.Errorf("Lookup(%s) = %+v, want AS%d %s", c.addr, got, c.asn, c.org)
		}
	}
}

// benchTable is the table over every real 2025-07 range file, or the
// fixtures when the shared data is absent.
func benchTable(b *testing.B) (*Ranges, []netip.Addr) {
	b.Helper()
	var tbl *Ranges
	if _, err := os.Stat(filepath.Join(sharedData, "ip-ranges", "2025-07")); err == nil {
		var all [][]Range
		for _, rs := range parseSnapshot(b, filepath.Join(sharedData, "ip-ranges", "2025-07")) {
			all = append(all, rs)
		}
		tbl = NewRanges(all...)
	} else {
		tbl = fixtureTable(b)
	}
	// Half the addresses inside a published prefix, half random.
	rng := rand.New(rand.NewPCG(7, 7))
	var prefixes []netip.Prefix
	tbl.All(func(r Range) bool {
		prefixes = append(prefixes, r.Prefix)
		return true
	})
	addrs := make([]netip.Addr, 1<<16)
	for i := range addrs {
		if i%2 == 0 {
			p := prefixes[rng.IntN(len(prefixes))]
			b := p.Addr().AsSlice()
			b[len(b)-1] ^= byte(rng.IntN(256) & ((1 << min(8, len(b)*8-p.Bits())) - 1))
			addrs[i], _ = netip.AddrFromSlice(b)
			continue
		}
		if i%4 == 1 {
			addrs[i] = netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
		} else {
			var a [16]byte
			a[0], a[1], a[2], a[3] = 0x26, byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))
			addrs[i] = netip.AddrFrom16(a)
		}
	}
	return tbl, addrs
}

// cpuSeconds is the user+system CPU time of the process so far. On a
// shared machine wall time includes waiting for a core; CPU time does
// not, so the benchmarks report both rates.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// benchLookups runs lookup b.N times single-threaded and reports
// addresses per wall-clock second and per CPU second.
func benchLookups(b *testing.B, lookup func(netip.Addr) bool, addrs []netip.Addr) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	hits := 0
	for i := range b.N {
		if lookup(addrs[i&(len(addrs)-1)]) {
			hits++
		}
	}
	cpu := cpuSeconds() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "addrs/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu, "addrs/cpu-s")
	}
	b.ReportMetric(float64(hits)/float64(b.N), "hit-ratio")
}

// BenchmarkRangesLookup measures single-threaded longest-prefix-match
// lookups over every real range file (target: at least 5 million
// addresses/s), returning the whole Range.
func BenchmarkRangesLookup(b *testing.B) {
	tbl, addrs := benchTable(b)
	b.ReportMetric(float64(tbl.Len()), "prefixes")
	benchLookups(b, func(a netip.Addr) bool { _, ok := tbl.Lookup(a); return ok }, addrs)
}

// BenchmarkRangesBart is the bare bart lookup over the same table: the
// floor BenchmarkRangesLookup is compared with.
func BenchmarkRangesBart(b *testing.B) {
	tbl, addrs := benchTable(b)
	benchLookups(b, func(a netip.Addr) bool { _, ok := tbl.tbl.Lookup(a); return ok }, addrs)
}

// BenchmarkASNTableLookup measures lookups in the full pfx2as table.
func BenchmarkASNTableLookup(b *testing.B) {
	dir := filepath.Join(sharedData, "ip-to-asn", "routeviews-rv2-20240406.pfx2as.tsv")
	if _, err := os.Stat(dir); err != nil {
		b.Skipf("shared reference data not present: %v", err)
	}
	tbl, err := LoadASNTable(dir)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	addrs := make([]netip.Addr, 1<<16)
	for i := range addrs {
		addrs[i] = netip.AddrFrom4([4]byte{byte(rng.IntN(224)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
	}
	benchLookups(b, func(a netip.Addr) bool { return tbl.Lookup(a).ASN != 0 }, addrs)
}

// BenchmarkLoadRealRanges measures parsing every real 2025-07 range file
// and building the table (what "analyze" does at start).
func BenchmarkLoadRealRanges(b *testing.B) {
	dir := needShared(b, "ip-ranges", "2025-07")
	for range b.N {
		var all [][]Range
		for _, rs := range parseSnapshot(b, dir) {
			all = append(all, rs)
		}
		NewRanges(all...)
	}
}
