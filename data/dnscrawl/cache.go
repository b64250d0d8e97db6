package dnscrawl

import (
	"context"
	"net/netip"
	"sync"

	"golang.org/x/sync/singleflight"
)

// addrs is the cached resolution of a shared host name (an NS or MX host
// of a provider): its addresses, and what the lookups cost when they were
// made.
type addrs struct {
	list     []netip.Addr
	queries  int
	attempts int
}

// zoneNS is the cached NS set of a zone.
type zoneNS struct {
	ns       []string
	queries  int
	attempts int
}

// cache holds lookups of names that many domains share, so that
// ns1.cloudflare.com is resolved once per crawl, not once per domain.
// Concurrent lookups of the same name wait for one query (singleflight).
// Only names outside the domain being crawled go here, and at most
// maxCacheEntries of them (past that, new names are resolved but not
// kept), so memory stays flat in the list size even when a provider
// names a host per customer.
type cache struct {
	mu    sync.Mutex
	hosts map[string]*addrs
	zones map[string]*zoneNS
	group singleflight.Group
}

// maxCacheEntries bounds each map of the cache.
const maxCacheEntries = 200_000

func newCache() *cache {
	return &cache{hosts: make(map[string]*addrs), zones: make(map[string]*zoneNS)}
}

// host returns the addresses of name, resolving them with fn once. The
// boolean is true when the result came from the cache (the caller then
// counts no queries for it).
func (c *cache) host(ctx context.Context, name string, fn func(context.Context) *addrs) (*addrs, bool) {
	c.mu.Lock()
	if a, ok := c.hosts[name]; ok {
		c.mu.Unlock()
		return a, true
	}
	c.mu.Unlock()
	v, _, shared := c.group.Do("h:"+name, func() (any, error) {
		a := fn(ctx)
		if ctx.Err() == nil {
			c.mu.Lock()
			if len(c.hosts) < maxCacheEntries {
				c.hosts[name] = a
			}
			c.mu.Unlock()
		}
		return a, nil
	})
	return v.(*addrs), shared
}

// zone returns the NS set of zone, resolving it with fn once.
func (c *cache) zone(ctx context.Context, zone string, fn func(context.Context) *zoneNS) (*zoneNS, bool) {
	c.mu.Lock()
	if z, ok := c.zones[zone]; ok {
		c.mu.Unlock()
		return z, true
	}
	c.mu.Unlock()
	v, _, shared := c.group.Do("z:"+zone, func() (any, error) {
		z := fn(ctx)
		if ctx.Err() == nil {
			c.mu.Lock()
			if len(c.zones) < maxCacheEntries {
				c.zones[zone] = z
			}
			c.mu.Unlock()
		}
		return z, nil
	})
	return v.(*zoneNS), shared
}
