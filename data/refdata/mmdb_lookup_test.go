package refdata

import (
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/maxmind/mmdbwriter/mmdbtype"
	geoip2 "github.com/oschwald/geoip2-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2"
)

// geoip2Info is what DB.Lookup answered before it decoded slim records:
// geoip2's whole records, read field by field.
func geoip2Info(t testing.TB, asn, country *geoip2.Reader, a netip.Addr) Info {
	t.Helper()
	var info Info
	if asn != nil {
		if r, err := asn.ASN(a); err == nil && r != nil {
			info.ASN, info.Org = uint32(r.AutonomousSystemNumber), r.AutonomousSystemOrganization
		}
	}
	if country != nil {
		if r, err := country.Country(a); err == nil && r != nil {
			info.Country = r.Country.ISOCode
			if info.Country == "" {
				info.Country = r.RegisteredCountry.ISOCode
			}
		}
	}
	return info
}

// writeFullCountryDB writes a country database with whole GeoIP2-style
// records (names in several languages, continent, registered country),
// one network without a country, one with neither.
func writeFullCountryDB(t *testing.T) string {
	t.Helper()
	tree, err := newTree("GeoIP2-Country", "full records")
	if err != nil {
		t.Fatal(err)
	}
	names := func(en, de string) mmdbtype.Map {
		return mmdbtype.Map{"en": mmdbtype.String(en), "de": mmdbtype.String(de), "ja": mmdbtype.String(en + " (ja)")}
	}
	recs := []struct {
		prefix string
		rec    mmdbtype.Map
	}{
		{"192.0.2.0/24", mmdbtype.Map{
			"continent":          mmdbtype.Map{"code": mmdbtype.String("EU"), "geoname_id": mmdbtype.Uint32(6255148), "names": names("Europe", "Europa")},
			"country":            mmdbtype.Map{"iso_code": mmdbtype.String("DE"), "geoname_id": mmdbtype.Uint32(2921044), "is_in_european_union": mmdbtype.Bool(true), "names": names("Germany", "Deutschland")},
			"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("FR"), "names": names("France", "Frankreich")},
		}},
		{"198.51.100.0/24", mmdbtype.Map{
			"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("JP"), "names": names("Japan", "Japan")},
		}},
		{"203.0.113.0/24", mmdbtype.Map{"continent": mmdbtype.Map{"code": mmdbtype.String("AS")}}},
		{"2001:db8::/32", mmdbtype.Map{
			"country": mmdbtype.Map{"iso_code": mmdbtype.String("NL"), "names": names("Netherlands", "Niederlande")},
		}},
	}
	for _, r := range recs {
		if err := tree.Insert(ipNet(netip.MustParsePrefix(r.prefix)), r.rec); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "country.mmdb")
	if err := writeTree(path, tree); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLookupSlimRecords checks that Lookup, which decodes only the fields
// it needs, answers what geoip2's whole records say: on written
// databases with full records, and on every network of MaxMind's test
// databases when the shared reference data is present.
func TestLookupSlimRecords(t *testing.T) {
	t.Parallel()
	asnPath, _ := writeFixtures(t)
	countryPath := writeFullCountryDB(t)
	addrs := []string{"192.0.2.7", "198.51.100.1", "203.0.113.9", "2001:db8::1", "10.0.0.1", "::ffff:192.0.2.7", "2001:db9::1"}
	want := map[string]string{"192.0.2.7": "DE", "198.51.100.1": "JP", "203.0.113.9": "", "2001:db8::1": "NL", "10.0.0.1": "", "::ffff:192.0.2.7": "DE", "2001:db9::1": ""}
	db, err := Open(asnPath, countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range addrs {
		if got := db.Lookup(netip.MustParseAddr(s)).Country; got != want[s] {
			t.Errorf("Lookup(%s).Country = %q, want %q", s, got, want[s])
		}
	}
	compareWithGeoIP2(t, asnPath, countryPath, nil)

	dir := filepath.Join("..", "..", "..", "shared", "data", "maxmind-test", "test-data")
	if _, err := os.Stat(dir); err != nil {
		t.Logf("MaxMind test databases not present (%s): only the written ones compared", dir)
		return
	}
	for _, c := range []string{"GeoIP2-Country-Test.mmdb", "GeoIP2-City-Test.mmdb", "GeoLite2-Country-Test.mmdb", "GeoIP2-Enterprise-Test.mmdb"} {
		compareWithGeoIP2(t, filepath.Join(dir, "GeoLite2-ASN-Test.mmdb"), filepath.Join(dir, c), nil)
	}
}

// compareWithGeoIP2 looks up the first address of every network of both
// databases, and the extra addresses, with DB and with geoip2.
func compareWithGeoIP2(t *testing.T, asnPath, countryPath string, extra []netip.Addr) {
	t.Helper()
	db, err := Open(asnPath, countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ga, err := geoip2.Open(asnPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ga.Close()
	gc, err := geoip2.Open(countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer gc.Close()
	addrs := extra
	for _, p := range []string{asnPath, countryPath} {
		r, err := maxminddb.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		for n := range r.Networks() {
			addrs = append(addrs, n.Prefix().Addr())
		}
		r.Close()
	}
	if len(addrs) == 0 {
		t.Fatalf("no network in %s, %s", asnPath, countryPath)
	}
	want := make([]Info, len(addrs))
	for i, a := range addrs {
		want[i] = geoip2Info(t, ga, gc, a.Unmap())
	}
	// The first pass decodes the records (and fills DB's record caches),
	// the next ones read them from the caches, from four goroutines at
	// once, in other orders.
	var mu sync.Mutex
	var wg sync.WaitGroup
	check := func(pass, i int) {
		if got := db.Lookup(addrs[i]); got != want[i] {
			mu.Lock()
			t.Errorf("%s, pass %d: Lookup(%s) = %+v, geoip2 says %+v", filepath.Base(countryPath), pass, addrs[i], got, want[i])
			mu.Unlock()
		}
	}
	for i := range addrs {
		check(0, i)
	}
	for g := range 4 {
		wg.Go(func() {
			for k := range addrs {
				check(g+1, (len(addrs)-1-k+g*len(addrs)/4)%len(addrs))
			}
		})
	}
	wg.Wait()
}

// BenchmarkLookupCountry looks up addresses in a database of whole
// records, with DB (slim records) and with geoip2 (whole records).
func BenchmarkLookupCountry(b *testing.B) {
	dir := b.TempDir()
	tree, err := newTree("GeoIP2-Country", "bench")
	if err != nil {
		b.Fatal(err)
	}
	names := mmdbtype.Map{}
	for _, l := range []string{"de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN"} {
		names[mmdbtype.String(l)] = mmdbtype.String("Country name in " + l)
	}
	for i := range 256 {
		rec := mmdbtype.Map{
			"continent":          mmdbtype.Map{"code": mmdbtype.String("EU"), "names": names},
			"country":            mmdbtype.Map{"iso_code": mmdbtype.String("DE"), "names": names},
			"registered_country": mmdbtype.Map{"iso_code": mmdbtype.String("DE"), "names": names},
		}
		if err := tree.Insert(ipNet(netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 0}), 16)), rec); err != nil {
			b.Fatal(err)
		}
	}
	path := filepath.Join(dir, "c.mmdb")
	if err := writeTree(path, tree); err != nil {
		b.Fatal(err)
	}
	db, err := Open("", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	g, err := geoip2.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	b.Run("slim", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			db.Lookup(netip.AddrFrom4([4]byte{10, byte(i), byte(i >> 8), 1}))
		}
	})
	b.Run("geoip2", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			geoip2Info(b, nil, g, netip.AddrFrom4([4]byte{10, byte(i), byte(i >> 8), 1}))
		}
	})
}
