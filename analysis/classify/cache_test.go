package classify

import (
	"net/netip"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
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
