package classify

import (
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

// facts returns the facts of address a. They are not cached per
// address: a site's origin address is mostly seen once, and a map of
// addresses cost more than the lookups it saved (a profile of a
// 200,000-domain run: 1.5 s in the map against 0.9 s for every lookup
// made again); the ASN and country databases keep their decoded records
// instead (refdata.DB), which is what many addresses share.
func (c *Classifier) facts(a netip.Addr) addrFacts {
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
