package classify

import (
	"hash/maphash"
	"net/netip"
	"sync"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// addrFacts is what the classifier derives from the reference data for
// one address: its AS and country, the region of the published range
// holding it, and the provider it is attributed to. It depends on the
// address alone, so it is computed once per address and shared.
type addrFacts struct {
	info   refdata.Info
	region string // region of the published range, "" when none
	owner  owner
	place  uint32 // index of its country, region and zone in places
}

// Bounds of the address cache: the same name-server, mail-exchanger and
// CDN-edge addresses recur across many domains, while a site's own origin
// address usually appears once. The cache stops taking new addresses when
// a shard is full; what is in it stays valid, since reference data does
// not change during a run.
const (
	addrShards     = 64
	addrShardLimit = 4096 // 262,144 addresses in all
)

// addrCache maps addresses to their facts. It is safe for concurrent use.
type addrCache struct {
	seed   maphash.Seed
	shards [addrShards]addrShard
}

type addrShard struct {
	mu sync.Mutex
	m  map[netip.Addr]addrFacts
}

func newAddrCache() *addrCache {
	return &addrCache{seed: maphash.MakeSeed()}
}

func (c *addrCache) shard(a netip.Addr) *addrShard {
	b := a.As16()
	return &c.shards[maphash.Bytes(c.seed, b[:])%addrShards]
}

func (c *addrCache) get(a netip.Addr) (addrFacts, bool) {
	s := c.shard(a)
	s.mu.Lock()
	f, ok := s.m[a]
	s.mu.Unlock()
	return f, ok
}

func (c *addrCache) put(a netip.Addr, f addrFacts) {
	s := c.shard(a)
	s.mu.Lock()
	if s.m == nil {
		s.m = make(map[netip.Addr]addrFacts)
	}
	if len(s.m) < addrShardLimit {
		s.m[a] = f
	}
	s.mu.Unlock()
}

// facts returns the facts of address a, from the cache when it has them.
func (c *Classifier) facts(a netip.Addr) addrFacts {
	if f, ok := c.cache.get(a); ok {
		return f
	}
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
	c.cache.put(a, f)
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
