package classify

import (
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// TestFactsCache looks up more addresses than the cache has slots, twice
// and in another order, with the zone of an address changing it: the
// facts from the cache are always those looked up afresh.
func TestFactsCache(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, realASN).WithRanges(realRanges)
	var addrs []netip.Addr
	for i := range 3 * factsCacheSize {
		addrs = append(addrs,
			netip.AddrFrom4([4]byte{3, 208 + byte(i%16), byte(i >> 8), byte(i)}),                     // in published ranges
			netip.AddrFrom16([16]byte{0x26, 0x06, 0x47, 0x00, 12: byte(i >> 8), 13: byte(i), 15: 1}), // Cloudflare's v6
			netip.AddrFrom4([4]byte{84, 128, byte(i >> 8), byte(i)}))                                 // no provider
	}
	addrs = append(addrs, netip.MustParseAddr("fe80::1"), netip.MustParseAddr("fe80::1%eth0"), netip.MustParseAddr("fe80::1%eth1"), netip.Addr{})
	fc := new(factsCache)
	hits, owned := 0, 0
	for pass := range 2 {
		for i := range addrs {
			a := addrs[i]
			if pass == 1 {
				a = addrs[len(addrs)-1-i]
			}
			e := fc.slots[factsSlot(a)]
			if e.ok && e.addr == a {
				hits++
			}
			got, want := c.facts(fc, a), c.lookupFacts(nil, a)
			if want.owner.p != nil {
				owned++
			}
			if !sameFacts(got, want) {
				t.Fatalf("facts of %v (pass %d): %+v from the cache, %+v afresh", a, pass, got, want)
			}
		}
	}
	// The comparison can fail: the cache answered, with facts worth
	// comparing.
	if hits == 0 || owned == 0 {
		t.Fatalf("%d answers from the cache, %d addresses with an owner: the test checks nothing", hits, owned)
	}
}

// sameFacts reports whether f and g say the same: their range notes may
// be two copies of one.
func sameFacts(f, g addrFacts) bool {
	if (f.owner.note == nil) != (g.owner.note == nil) {
		return false
	}
	if f.owner.note != nil && *f.owner.note != *g.owner.note {
		return false
	}
	f.owner.note, g.owner.note = nil, nil
	return f == g
}

// TestFactsNetworks classifies addresses with reference data that knows
// networks larger and smaller than a /24 or /48 (refdata.DB, which
// reports how far an answer holds): the facts of addresses met through
// the cached networks are those looked up afresh, address by address.
func TestFactsNetworks(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	asnPath, countryPath := filepath.Join(dir, "asn.mmdb"), filepath.Join(dir, "country.mmdb")
	err = refdata.WriteASNDB(asnPath, []refdata.ASNNetwork{
		{Prefix: netip.MustParsePrefix("3.0.0.0/8"), ASN: 16509, Org: "Amazon"},
		{Prefix: netip.MustParsePrefix("3.1.2.0/26"), ASN: 64501, Org: "Small"},
		{Prefix: netip.MustParsePrefix("3.1.2.128/30"), ASN: 13335, Org: "Tiny"},
		{Prefix: netip.MustParsePrefix("2600:1f00::/24"), ASN: 16509, Org: "Amazon"},
		{Prefix: netip.MustParsePrefix("2600:1f00:0:1::/64"), ASN: 64502, Org: "Other"},
	}, "test ASN")
	if err != nil {
		t.Fatal(err)
	}
	err = refdata.WriteCountryDB(countryPath, []refdata.CountryNetwork{
		{Prefix: netip.MustParsePrefix("3.0.0.0/9"), Country: "US"},
		{Prefix: netip.MustParsePrefix("3.1.2.64/27"), Country: "IE"},
		{Prefix: netip.MustParsePrefix("2600:1f00::/32"), Country: "DE"},
	}, "test country")
	if err != nil {
		t.Fatal(err)
	}
	db, err := refdata.Open(asnPath, countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := New(cat, db).WithRanges(realRanges)
	if c.net == nil {
		t.Fatal("refdata.DB is not a netLookup")
	}
	rnd := rand.New(rand.NewPCG(9, 10))
	var addrs []netip.Addr
	for range 4000 {
		switch rnd.IntN(4) {
		case 0:
			addrs = append(addrs, netip.AddrFrom4([4]byte{3, 1, byte(rnd.IntN(4)), byte(rnd.IntN(256))}))
		case 1:
			addrs = append(addrs, netip.AddrFrom4([4]byte{3, byte(rnd.IntN(256)), byte(rnd.IntN(4)), byte(rnd.IntN(256))}))
		case 2:
			addrs = append(addrs, netip.AddrFrom16([16]byte{0x26, 0x00, 0x1f, 0x00, 7: byte(rnd.IntN(3)), 15: byte(rnd.IntN(256))}))
		default:
			addrs = append(addrs, netip.AddrFrom4([4]byte{byte(rnd.IntN(256)), byte(rnd.IntN(4)), byte(rnd.IntN(4)), byte(rnd.IntN(256))}))
		}
	}
	fc := new(factsCache)
	fromNets := 0
	for _, a := range addrs {
		u := a.Unmap()
		bits := 24
		if !u.Is4() {
			bits = 48
		}
		net, _ := u.Prefix(bits)
		if e := fc.nets[factsSlot(net.Addr())]; e.ok && e.net == net && fc.slots[factsSlot(a)].addr != a {
			fromNets++
		}
		got, want := c.facts(fc, a), c.lookupFacts(nil, a)
		if !sameFacts(got, want) {
			t.Fatalf("facts of %v: %+v with the networks, %+v afresh", a, got, want)
		}
	}
	if fromNets < 100 {
		t.Fatalf("%d addresses met through a cached network: the test checks too little", fromNets)
	}
}
