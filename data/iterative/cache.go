package iterative

import (
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"
)

// nsHost is one name server of a zone cut with the addresses known for
// it: the glue of the referral, or those resolved later.
type nsHost struct {
	name  string
	addrs []netip.Addr
	glue  bool // addrs came with the referral
}

// cut is a zone cut: a zone and its servers as the referral from its
// parent gave them (the parent-side NS set, which is what resolution
// follows).
type cut struct {
	zone    string // "" for the root
	parent  string // the zone that delegated it; "" for the root and its children
	ns      []nsHost
	expires time.Time // zero: never (the root from the hints)
}

// addrs returns every address of the cut's servers, in the order of the
// NS set.
func (c *cut) addrs() []netip.Addr {
	var out []netip.Addr
	for _, h := range c.ns {
		out = append(out, h.addrs...)
	}
	return out
}

// hostOf returns the name of the server with address a.
func (c *cut) hostOf(a netip.Addr) string {
	for _, h := range c.ns {
		if slices.Contains(h.addrs, a) {
			return h.name
		}
	}
	return ""
}

// cache holds the zone cuts learned from referrals and the addresses of
// name servers resolved without glue, each for its TTL, at most max
// entries of each: when full, expired entries go first, then entries
// taken at random (never the root).
type cache struct {
	mu    sync.RWMutex
	cuts  map[string]*cut
	hosts map[string]hostEntry
	max   int
}

type hostEntry struct {
	addrs   []netip.Addr
	expires time.Time
}

func newCache(root *cut, max int) *cache {
	return &cache{cuts: map[string]*cut{"": root}, hosts: map[string]hostEntry{}, max: max}
}

// closest returns the deepest cut known and fresh at now that encloses
// name (the root at worst).
func (c *cache) closest(name string, now time.Time) *cut {
	c.mu.RLock()
	defer c.mu.RUnlock()
	for n := name; ; {
		if z, ok := c.cuts[n]; ok && (z.expires.IsZero() || now.Before(z.expires)) {
			return z
		}
		if n == "" {
			return c.cuts[""]
		}
		_, n, _ = strings.Cut(n, ".")
	}
}

// cut returns the cut of zone when it is known and fresh.
func (c *cache) cut(zone string, now time.Time) (*cut, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	z, ok := c.cuts[zone]
	if !ok || !(z.expires.IsZero() || now.Before(z.expires)) {
		return nil, false
	}
	return z, true
}

func (c *cache) putCut(z *cut, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cuts) >= c.max {
		evict(c.cuts, now, func(k string, v *cut) bool { return k != "" && !v.expires.IsZero() && !now.Before(v.expires) }, func(k string) bool { return k != "" })
	}
	c.cuts[z.zone] = z
}

// setHostAddrs records the addresses of a cut's server found without
// glue, so that the cut need not resolve it again; the cut then expires
// no later than they do.
func (c *cache) setHostAddrs(z *cut, host string, addrs []netip.Addr, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range z.ns {
		if z.ns[i].name == host && len(z.ns[i].addrs) == 0 && len(addrs) > 0 {
			z.ns[i].addrs = addrs
			if !z.expires.IsZero() && expires.Before(z.expires) {
				z.expires = expires
			}
		}
	}
}

func (c *cache) host(name string, now time.Time) (hostEntry, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.hosts[name]
	if !ok || !now.Before(e.expires) {
		return hostEntry{}, false
	}
	return e, true
}

func (c *cache) putHost(name string, addrs []netip.Addr, ttl time.Duration, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.hosts) >= c.max {
		evict(c.hosts, now, func(_ string, v hostEntry) bool { return !now.Before(v.expires) }, func(string) bool { return true })
	}
	c.hosts[name] = hostEntry{addrs: addrs, expires: now.Add(ttl)}
}

// evict makes room in a full map: it deletes the expired entries, and
// when there are none, about one entry in a hundred of those that may go
// (map order is random).
func evict[V any](m map[string]V, now time.Time, expired func(string, V) bool, mayGo func(string) bool) {
	n := 0
	for k, v := range m {
		if expired(k, v) {
			delete(m, k)
			n++
		}
	}
	if n > 0 {
		return
	}
	quota := max(1, len(m)/100)
	for k := range m {
		if quota == 0 {
			return
		}
		if mayGo(k) {
			delete(m, k)
			quota--
		}
	}
}

// ttlOf clamps a record TTL to the range a cache keeps entries for.
func ttlOf(sec uint32) time.Duration {
	const minTTL, maxTTL = 5 * time.Second, 24 * time.Hour
	return min(max(time.Duration(sec)*time.Second, minTTL), maxTTL)
}
