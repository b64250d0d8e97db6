package classify

import (
	"encoding/binary"
	"net/netip"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// addrFacts is what the classifier derives from the reference data for
// one address: its AS and country, the region of the published range
// holding it, and the provider it is attributed to. It depends on the
// address alone.
type addrFacts struct {
	info   refdata.Info
	region string // region of the published range, "" when none
	owner  owner
	place  uint32 // index of its country, region and zone in places
}

// facts returns the facts of address a, from the cache fc when it has
// them (fc may be nil). A site's origin address is mostly seen once, but
// the addresses of name servers and mail exchangers recur from domain to
// domain (in the simulated crawl nine in ten name server addresses and
// three in four mail exchanger addresses were seen before), and one
// domain's addresses are looked at more than once (nsInOwnAS). A map of
// addresses shared by the workers behind a lock cost more than it saved
// (docs/benchmarks.md, issue 11); fc is a small table of a builder's
// own, which one goroutine uses at a time, so it takes no lock.
func (c *Classifier) facts(fc *factsCache, a netip.Addr) addrFacts {
	if fc == nil || !a.IsValid() {
		return c.lookupFacts(a)
	}
	e := &fc[factsSlot(a)]
	if e.ok && e.addr == a {
		return e.facts
	}
	f := c.lookupFacts(a)
	*e = factsEntry{addr: a, facts: f, ok: true}
	return f
}

// factsCacheSize is the number of entries of a factsCache, a power of
// two.
const factsCacheSize = 1 << factsCacheBits

const factsCacheBits = 12

// factsCache holds the facts of recently seen addresses, each in the
// slot its hash gives it (a newer address replaces an older one of the
// same slot). The facts of an address depend on nothing else, so an
// entry never goes stale.
type factsCache [factsCacheSize]factsEntry

type factsEntry struct {
	addr  netip.Addr
	facts addrFacts
	ok    bool
}

// factsSlot is the slot of a in a factsCache: a multiplicative hash of
// its 16 bytes (the zone is left out: an address with a zone shares the
// slot of the same address without).
func factsSlot(a netip.Addr) int {
	b := a.As16()
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
	x := lo*0x9e3779b97f4a7c15 ^ hi*0xc2b2ae3d27d4eb4f
	return int(x >> (64 - factsCacheBits))
}

// lookupFacts looks the facts of a up in the reference data.
func (c *Classifier) lookupFacts(a netip.Addr) addrFacts {
	var f addrFacts
	if c.addr != nil {
		f.info = c.addr.Lookup(a)
	}
	var rg refdata.Range
	rok := false
	if c.ranges != nil {
		rg, rok = c.ranges.Lookup(a)
		if rok {
			f.region = rg.Region
		}
	}
	f.owner = c.ownerOf(a, f.info, rg, rok)
	f.place = placeIndex(place{f.info.Country, f.region, a.Zone()})
	return f
}

// stateSets holds one States map for every combination of layer states,
// shared by the results that have that combination: a million domains
// have at most 4^len(StateLayers) distinct ones.
type stateSets struct {
	maps []map[catalog.Layer]State
}

func newStateSets() *stateSets {
	n := 1
	for range StateLayers {
		n *= len(States)
	}
	s := &stateSets{maps: make([]map[catalog.Layer]State, n)}
	for i := range s.maps {
		m := make(map[catalog.Layer]State, len(StateLayers))
		k := i
		for _, l := range StateLayers {
			m[l] = States[k%len(States)]
			k /= len(States)
		}
		s.maps[i] = m
	}
	return s
}

// get returns the shared map holding states, given in StateLayers
// order.
func (s *stateSets) get(states []State) map[catalog.Layer]State {
	i, mul := 0, 1
	for _, st := range states {
		j := 0
		for j < len(States) && States[j] != st {
			j++
		}
		i += j * mul
		mul *= len(States)
	}
	return s.maps[i]
}
