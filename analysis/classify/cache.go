package classify

import (
	"encoding/binary"
	"net/netip"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// addrFacts is what the classifier derives from the reference data for
// one address: its AS, its country, region and zone (place), and the
// provider it is attributed to. It depends on the address alone. It is
// small (a factsCache holds thousands) and holds no evidence value: that
// is made from the address and the owner only for a dependency that keeps
// it (appendOwnerValue).
type addrFacts struct {
	asn   uint32 // 0 when unknown
	place uint32 // index of its country, region and zone in places
	owner owner
}

// facts returns the facts of address a, from the cache fc when it has
// them (fc may be nil). A site's origin address is mostly seen once, but
// the addresses of name servers and mail exchangers recur from domain to
// domain (in the simulated crawl nine in ten name server addresses and
// three in four mail exchanger addresses were seen before), and one
// domain's addresses are looked at more than once (apex and www,
// nsInOwnAS). A map of addresses shared by the workers behind a lock cost
// more than it saved (docs/benchmarks.md, issue 11); fc is a small table
// of a builder's own, which one goroutine uses at a time, so it takes no
// lock.
func (c *Classifier) facts(fc *factsCache, a netip.Addr) addrFacts {
	if fc == nil || !a.IsValid() {
		return c.lookupFacts(fc, a)
	}
	e := &fc.slots[factsSlot(a)]
	if e.ok && e.addr == a {
		return e.facts
	}
	f := c.lookupFacts(fc, a)
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
// entry never goes stale. It also holds the range notes and the place
// indexes that lookupFacts found, so that a new address of a known range
// or place takes no lock and makes nothing.
type factsCache struct {
	slots  [factsCacheSize]factsEntry
	notes  map[netip.Prefix]*rangeNote
	places map[place]uint32
	// nets holds the AS and country of recently seen /24 (IPv4) and /48
	// (IPv6) networks that the reference data answers as one
	// (netLookup): a site's addresses are mostly new, but often in a
	// network its host's other customers were seen in (in the simulated
	// crawl, 20,000 domains reach 52,176 IPv4 addresses in 15,017 /24s
	// and 30,553 IPv6 addresses in 13,206 /48s).
	nets [factsCacheSize]netEntry
}

type netEntry struct {
	net     netip.Prefix
	asn     uint32
	country string
	ok      bool
}

// netLookup is implemented by reference data that can say how far an
// answer holds (*refdata.DB): LookupNet returns what Lookup returns and
// the prefix length of the network of the address whose every address
// has that answer.
type netLookup interface {
	LookupNet(netip.Addr) (refdata.Info, int)
}

// lookupAddr returns the AS and country of a: from fc's networks when
// a's /24 or /48 is there, else from the reference data (keeping the
// network in fc when the answer holds for all of it).
func (c *Classifier) lookupAddr(fc *factsCache, a netip.Addr) (asn uint32, country string) {
	if c.net == nil || fc == nil || a.Zone() != "" {
		info := c.addr.Lookup(a)
		return info.ASN, info.Country
	}
	u := a.Unmap()
	bits := 24
	if !u.Is4() {
		bits = 48
	}
	net, _ := u.Prefix(bits)
	e := &fc.nets[factsSlot(net.Addr())]
	if e.ok && e.net == net {
		return e.asn, e.country
	}
	info, held := c.net.LookupNet(a)
	if held <= bits {
		*e = netEntry{net: net, asn: info.ASN, country: info.Country, ok: true}
	}
	return info.ASN, info.Country
}

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

// factsMapLimit bounds the notes and places of a factsCache: past it
// they are dropped and found again.
const factsMapLimit = 1 << 12

// lookupFacts looks the facts of a up in the reference data, with the
// notes and places of fc (nil: none kept).
func (c *Classifier) lookupFacts(fc *factsCache, a netip.Addr) addrFacts {
	var f addrFacts
	country := ""
	if c.addr != nil {
		f.asn, country = c.lookupAddr(fc, a)
	}
	var note *rangeNote
	if c.ranges != nil {
		if rg, ok := c.ranges.Lookup(a); ok {
			note = fc.note(rg)
		}
	}
	f.owner = c.ownerOf(note, f.asn)
	region := ""
	if note != nil {
		region = note.region
	}
	f.place = fc.place(place{country, region, a.Zone()})
	return f
}

// place returns the index of p in places, through fc's own map.
func (fc *factsCache) place(p place) uint32 {
	if fc == nil {
		return placeIndex(p)
	}
	if i, ok := fc.places[p]; ok {
		return i
	}
	i := placeIndex(p)
	if fc.places == nil || len(fc.places) >= factsMapLimit {
		fc.places = make(map[place]uint32)
	}
	fc.places[p] = i
	return i
}

// note returns the note of range rg, the one fc holds when it is the
// same range.
func (fc *factsCache) note(rg refdata.Range) *rangeNote {
	if fc == nil {
		return newRangeNote(rg)
	}
	if n, ok := fc.notes[rg.Prefix]; ok && n.is(rg) {
		return n
	}
	n := newRangeNote(rg)
	if fc.notes == nil || len(fc.notes) >= factsMapLimit {
		fc.notes = make(map[netip.Prefix]*rangeNote)
	}
	fc.notes[rg.Prefix] = n
	return n
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
