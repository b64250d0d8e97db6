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
	mu        sync.Mutex
	hosts     map[string]*addrs
	zones     map[string]*zoneNS
	certHosts map[string]*certHost
	group     singleflight.Group
}

// maxCacheEntries bounds each map of the cache.
const maxCacheEntries = 200_000

func newCache() *cache {
	return &cache{hosts: make(map[string]*addrs), zones: make(map[string]*zoneNS), certHosts: make(map[string]*certHost)}
}

// host returns the addresses of name, resolving them with fn once. The
// boolean is true when the result came from the cache (the caller then
// counts no queries for it).
func (c *cache) host(ctx context.Context, name string, fn func(context.Context) *addrs) (*addrs, bool) {
	return lookupOnce(ctx, c, c.hosts, "h:", name, fn)
}

// zone returns the NS set of zone, resolving it with fn once.
func (c *cache) zone(ctx context.Context, zone string, fn func(context.Context) *zoneNS) (*zoneNS, bool) {
	return lookupOnce(ctx, c, c.zones, "z:", zone, fn)
}

// certHost returns the resolution of a certificate host, made with fn
// once.
func (c *cache) certHost(ctx context.Context, name string, fn func(context.Context) *certHost) (*certHost, bool) {
	return lookupOnce(ctx, c, c.certHosts, "c:", name, fn)
}

// lookupOnce returns m[key], or makes it with fn, once for all the
// callers that ask at the same time, and keeps it unless ctx ended (the
// result would describe the interruption) or m is full. The boolean is
// true when the result was not made by this call.
func lookupOnce[T any](ctx context.Context, c *cache, m map[string]T, kind, key string, fn func(context.Context) T) (T, bool) {
	c.mu.Lock()
	if v, ok := m[key]; ok {
		c.mu.Unlock()
		return v, true
	}
	c.mu.Unlock()
	v, _, shared := c.group.Do(kind+key, func() (any, error) {
		v := fn(ctx)
		if ctx.Err() == nil {
			c.mu.Lock()
			if len(m) < maxCacheEntries {
				m[key] = v
			}
			c.mu.Unlock()
		}
		return v, nil
	})
	return v.(T), shared
}
