package dnscrawl

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"
)

// MaxCNAMEHops is the longest CNAME chain followed before giving up with
// StatusTooLong.
const MaxCNAMEHops = 16

// worker runs the lookup plan of one domain at a time over its own
// sockets.
type worker struct {
	c     *conn
	cache *cache
	cfg   *Config
}

// tally counts the queries and packets spent on one domain.
type tally struct{ queries, attempts int }

func (t *tally) add(a answer) {
	t.queries++
	t.attempts += a.attempts
}

func normName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

// lookup runs the whole plan for one domain and always returns an
// observation, whatever happened.
func (w *worker) lookup(ctx context.Context, t Target) *Observation {
	start := time.Now()
	o := &Observation{
		SchemaVersion: SchemaVersion,
		Domain:        t.Domain,
		Rank:          t.Rank,
		StartedAt:     start.UTC(),
		Apex:          Host{Name: t.Domain},
		WWW:           Host{Name: "www." + t.Domain},
	}
	var tl tally
	// The replies of the previous domain are no longer used: their
	// memory serves this domain's.
	w.c.arena.reset()
	defer func() {
		o.Queries, o.Attempts = tl.queries, tl.attempts
		o.DurationMS = float64(time.Since(start).Microseconds()) / 1000
	}()
	if _, ok := dns.IsDomainName(t.Domain); !ok || strings.Contains(t.Domain, " ") {
		o.Status, o.Error = StatusInvalidName, "not a valid DNS name"
		o.Apex.Status, o.WWW.Status = StatusInvalidName, StatusInvalidName
		return o
	}
	if w.cfg.DomainTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.cfg.DomainTimeout)
		defer cancel()
	}
	ctx = w.domainScope(ctx)

	zone, ns, a := w.zoneNS(ctx, t.Domain, &tl)
	w.delegation(ctx, o, zone, a.status, &tl)
	o.Resolver = a.resolver
	if a.status != StatusOK && a.status != StatusNoData {
		// The delegation itself is broken (NXDOMAIN, SERVFAIL, timeout,
		// ...): every other name under it fails the same way through a
		// recursive resolver, so the plan stops here.
		if a.status == StatusServFail && lameEDE(&a.msg) {
			a.status = StatusLameDelegation
		}
		o.Status, o.Error = a.status, a.err
		o.Apex.Status, o.WWW.Status = a.status, a.status
		return o
	}
	o.Status = StatusOK
	if zone != "" {
		soa, sa := w.soa(ctx, zone, &tl)
		if sa.status == StatusServFail || sa.status == StatusRefused {
			// Delegated, but the servers named do not serve the zone.
			o.Status, o.Error = StatusLameDelegation, fmt.Sprintf("SOA %s: %s", zone, sa.err)
			o.Apex.Status, o.WWW.Status = StatusLameDelegation, StatusLameDelegation
			for _, n := range ns {
				o.NS = append(o.NS, NSHost{Name: n})
			}
			return o
		}
		o.SOA = soa
	}
	for _, n := range ns {
		h := NSHost{Name: n}
		h.Addrs = w.hostAddrs(ctx, t.Domain, n, &a.msg, &tl)
		o.NS = append(o.NS, h)
	}
	o.Apex = w.host(ctx, t.Domain, &tl)
	o.WWW = w.host(ctx, "www."+t.Domain, &tl)
	o.MX, o.MXStatus = w.mx(ctx, t.Domain, &tl)
	o.TargetZones = w.targetZones(ctx, t.Domain, &tl, o.Apex.CNAMEs, o.WWW.CNAMEs)
	return o
}

// lameEDE reports whether a SERVFAIL answer carries an Extended DNS
// Error (RFC 8914) saying that the zone's authority did not serve it:
// 20 Not Authoritative or 22 No Reachable Authority.
func lameEDE(m *reply) bool {
	if !m.ok() {
		return false
	}
	return m.ede(func(code uint16) bool {
		return code == dns.ExtendedErrorCodeNotAuthoritative || code == dns.ExtendedErrorCodeNoReachableAuthority
	})
}

// nameKey is the form of name that reply.ownerIs compares with, for a
// comparison without regard to case with dns.Fqdn(name) as the lookup
// code made it on miekg/dns's names: lower case, without the final dot.
func nameKey(name string) string {
	if dns.IsFqdn(name) {
		name = name[:len(name)-1]
	}
	return strings.ToLower(name)
}

// zoneNS finds the zone that holds name and its NS set: the NS of name
// itself, or, when name is not a zone apex (NODATA), of the closest
// enclosing zone, named by the SOA of the negative answer or found by
// walking up to the registrable domain.
func (w *worker) zoneNS(ctx context.Context, name string, tl *tally) (zone string, ns []string, a answer) {
	cur := name
	floor, _ := publicsuffix.EffectiveTLDPlusOne(name)
	for range 8 {
		a = w.query(ctx, cur, dns.TypeNS)
		tl.add(a)
		if a.status != StatusOK {
			return "", nil, a
		}
		key := nameKey(cur)
		for _, rr := range a.msg.answers() {
			if rr.typ == dns.TypeNS && a.msg.ownerIs(rr, key) {
				ns = append(ns, a.msg.target(rr))
			}
		}
		if len(ns) > 0 {
			slices.Sort(ns)
			return cur, slices.Compact(ns), a
		}
		next := ""
		for _, rr := range a.msg.authority() {
			if rr.typ == dns.TypeSOA {
				next = a.msg.owner(rr)
			}
		}
		if next == "" || next == cur || !strings.HasSuffix(cur, "."+next) {
			// No usable SOA: go up one label, not past the registrable
			// domain.
			if cur == floor || floor == "" {
				break
			}
			_, next, _ = strings.Cut(cur, ".")
		}
		cur = next
	}
	a.status, a.err = StatusNoData, "no NS records found for "+name+" or its zone"
	return "", nil, a
}

// soa returns the SOA of zone, nil when there is none, with the answer.
func (w *worker) soa(ctx context.Context, zone string, tl *tally) (*SOA, answer) {
	a := w.query(ctx, zone, dns.TypeSOA)
	tl.add(a)
	if a.status != StatusOK {
		return nil, a
	}
	for _, rr := range a.msg.answers() {
		if rr.typ == dns.TypeSOA {
			mname, rname, serial := a.msg.soa(rr)
			return &SOA{MName: mname, RName: rname, Serial: serial}, a
		}
	}
	return nil, a
}

// host resolves a web host name: A and AAAA, each following the CNAME
// chain to its end.
func (w *worker) host(ctx context.Context, name string, tl *tally) Host {
	h := Host{Name: name}
	chain4, a4, st4, err4 := w.follow(ctx, name, dns.TypeA, tl)
	switch st4 {
	case StatusNXDomain, StatusCNAMELoop, StatusTooLong:
		// The name (or the end of its chain) does not exist, or the chain
		// never ends: the AAAA question follows the same CNAMEs to the
		// same end, so it is not asked.
		h.Status, h.Error, h.CNAMEs = st4, err4, chain4
		return h
	}
	chain6, a6, st6, err6 := w.follow(ctx, name, dns.TypeAAAA, tl)
	h.A, h.AAAA = a4, a6
	h.CNAMEs = chain4
	if len(chain6) > len(chain4) {
		h.CNAMEs = chain6
	}
	switch {
	case st4 == StatusOK || st6 == StatusOK:
		h.Status = StatusOK
	case st4 == StatusNoData && st6 == StatusNoData:
		h.Status = StatusNoData
	case st4 != StatusNoData:
		h.Status, h.Error = st4, err4
	default:
		h.Status, h.Error = st6, err6
	}
	return h
}

// follow asks name/qtype and follows the CNAME chain to its end, across
// zones: when the resolver's answer stops at a CNAME whose target it did
// not resolve, the target is asked in turn. It returns the chain of
// targets, the addresses of the last name, and the outcome.
func (w *worker) follow(ctx context.Context, name string, qtype uint16, tl *tally) (chain []string, out []netip.Addr, st Status, errText string) {
	var seenBuf [MaxCNAMEHops + 2]string
	c := chainWalk{cur: normName(name)}
	c.seen = append(seenBuf[:0], c.cur)
	for range MaxCNAMEHops + 1 {
		a := w.query(ctx, c.cur, qtype)
		tl.add(a)
		if a.status != StatusOK && a.status != StatusNXDomain {
			return c.chain, nil, a.status, a.err
		}
		advanced, st, errText := c.step(&a.msg)
		if st != "" {
			return c.chain, nil, st, errText
		}
		if len(c.addrs) > 0 {
			return c.chain, c.addrs, StatusOK, ""
		}
		if a.status == StatusNXDomain {
			return c.chain, nil, StatusNXDomain, a.err
		}
		if !advanced {
			return c.chain, nil, StatusNoData, ""
		}
		// The answer ended in a CNAME the resolver did not follow: ask
		// the target.
	}
	return c.chain, nil, StatusTooLong, fmt.Sprintf("CNAME chain longer than %d hops", MaxCNAMEHops)
}

// chainWalk follows a CNAME chain through the answers of one or more
// questions.
type chainWalk struct {
	cur   string   // the name reached
	seen  []string // every name of the chain, the first included
	chain []string // the targets in order
	addrs []netip.Addr
}

// step reads one answer: it follows the CNAMEs that start at cur, then
// takes the A and AAAA records of the name reached, sorted. It reports
// whether the chain advanced, and a status (cname_loop, too_long) with
// its error text when the chain cannot be followed further. It never
// fails on a malformed answer: records that do not fit are ignored.
func (c *chainWalk) step(m *reply) (advanced bool, st Status, errText string) {
	if !m.ok() {
		return false, "", ""
	}
	for {
		next := ""
		for _, rr := range m.answers() {
			if rr.typ == dns.TypeCNAME && m.ownerIs(rr, c.cur) {
				next = m.target(rr)
				break
			}
		}
		if next == "" {
			break
		}
		if slices.Contains(c.seen, next) {
			return advanced, StatusCNAMELoop, fmt.Sprintf("CNAME loop: %s points back to %s", c.cur, next)
		}
		if len(c.chain) >= MaxCNAMEHops {
			return advanced, StatusTooLong, fmt.Sprintf("CNAME chain longer than %d hops", MaxCNAMEHops)
		}
		c.seen = append(c.seen, next)
		c.chain = append(c.chain, next)
		c.cur = next
		advanced = true
	}
	for _, rr := range m.answers() {
		if rr.typ != dns.TypeA && rr.typ != dns.TypeAAAA || !m.ownerIs(rr, c.cur) {
			continue
		}
		if ad, ok := m.addr(rr); ok {
			c.addrs = append(c.addrs, ad)
		}
	}
	slices.SortFunc(c.addrs, netip.Addr.Compare)
	c.addrs = slices.Compact(c.addrs)
	return advanced, "", ""
}

// mx returns the mail exchangers of domain with their addresses, sorted
// by preference then name. A null MX (RFC 7505) is kept as the name ".".
func (w *worker) mx(ctx context.Context, domain string, tl *tally) ([]MXHost, Status) {
	a := w.query(ctx, domain, dns.TypeMX)
	tl.add(a)
	if a.status != StatusOK {
		return nil, a.status
	}
	var out []MXHost
	key := nameKey(domain)
	for _, rr := range a.msg.answers() {
		if rr.typ != dns.TypeMX || !a.msg.ownerIs(rr, key) {
			continue
		}
		pref, name := a.msg.mx(rr)
		if name == "" {
			name = "."
		}
		out = append(out, MXHost{Preference: pref, Name: name})
	}
	slices.SortFunc(out, func(x, y MXHost) int {
		if x.Preference != y.Preference {
			return int(x.Preference) - int(y.Preference)
		}
		return strings.Compare(x.Name, y.Name)
	})
	out = slices.CompactFunc(out, func(x, y MXHost) bool { return x.Name == y.Name })
	for i := range out {
		if out[i].Name != "." {
			out[i].Addrs = w.hostAddrs(ctx, domain, out[i].Name, &a.msg, tl)
		}
	}
	if len(out) == 0 {
		return nil, StatusNoData
	}
	return out, StatusOK
}

// hostAddrs returns the addresses of an NS or MX host: those the resolver
// gave in the additional section of the NS or MX answer when it gave any
// (no question asked), else those of sharedHost.
func (w *worker) hostAddrs(ctx context.Context, domain, name string, m *reply, tl *tally) []netip.Addr {
	if m.ok() {
		if as := additional(m, name); len(as) > 0 {
			return as
		}
	}
	return w.sharedHost(ctx, domain, name, tl)
}

// additional returns the A and AAAA addresses of name (lower case, no
// trailing dot) in the additional section of m, sorted.
func additional(m *reply, name string) []netip.Addr {
	var out []netip.Addr
	for _, rr := range m.additionals() {
		if rr.typ != dns.TypeA && rr.typ != dns.TypeAAAA || !m.ownerIs(rr, name) {
			continue
		}
		if ad, ok := m.addr(rr); ok {
			out = append(out, ad)
		}
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}

// sharedHost returns the addresses of an NS or MX host. Hosts outside the
// domain being crawled are shared between domains and cached.
func (w *worker) sharedHost(ctx context.Context, domain, name string, tl *tally) []netip.Addr {
	resolve := func(ctx context.Context) *addrs {
		var t tally
		_, a4, _, _ := w.follow(ctx, name, dns.TypeA, &t)
		_, a6, _, _ := w.follow(ctx, name, dns.TypeAAAA, &t)
		return &addrs{list: append(a4, a6...), queries: t.queries, attempts: t.attempts}
	}
	if name == domain || strings.HasSuffix(name, "."+domain) {
		r := resolve(ctx)
		tl.queries += r.queries
		tl.attempts += r.attempts
		return r.list
	}
	r, cached := w.cache.host(ctx, name, resolve)
	if !cached {
		tl.queries += r.queries
		tl.attempts += r.attempts
	}
	return r.list
}

// targetZone returns the zone whose NS set is recorded for a CNAME target:
// its registrable domain, or, when the target lies under a private suffix
// of the Public Suffix List (a platform's customer namespace such as
// netlify.app or github.io), that suffix: the zone the platform itself
// runs, shared by all its customers (and so cached once).
func targetZone(target string) (string, error) {
	suffix, icann := publicsuffix.PublicSuffix(target)
	if !icann && strings.Contains(suffix, ".") {
		return suffix, nil
	}
	return publicsuffix.EffectiveTLDPlusOne(target)
}

// targetZones looks up the NS set of the registrable domains that the
// CNAME targets of the web hosts live in (the DNS provider of a CDN or a
// platform), skipping the domain's own.
func (w *worker) targetZones(ctx context.Context, domain string, tl *tally, chains ...[]string) []ZoneNS {
	own, _ := publicsuffix.EffectiveTLDPlusOne(domain)
	var zones []string
	for _, chain := range chains {
		for _, target := range chain {
			z, err := targetZone(target)
			if err != nil || z == own || slices.Contains(zones, z) {
				continue
			}
			zones = append(zones, z)
		}
	}
	slices.Sort(zones)
	var out []ZoneNS
	for _, z := range zones {
		if ns := w.sharedZone(ctx, z, tl); len(ns) > 0 {
			out = append(out, ZoneNS{Zone: z, NS: ns})
		}
	}
	return out
}

// sharedZone returns the NS set of a zone shared between domains (a CDN's,
// a CA's), resolved once per crawl through the cache; the questions are
// counted in tl when they were asked for this call.
func (w *worker) sharedZone(ctx context.Context, z string, tl *tally) []string {
	r, cached := w.cache.zone(ctx, z, func(ctx context.Context) *zoneNS {
		var t tally
		_, ns, _ := w.zoneNS(ctx, z, &t)
		return &zoneNS{ns: ns, queries: t.queries, attempts: t.attempts}
	})
	if !cached {
		tl.queries += r.queries
		tl.attempts += r.attempts
	}
	return r.ns
}
