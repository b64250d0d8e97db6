package iterative

import (
	"context"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// maxProbed bounds the servers (address of an NS host) one Delegation
// asks, and maxAddrsPerHost the addresses asked of one host.
const (
	maxProbed       = 16
	maxAddrsPerHost = 4
)

// Delegation returns the delegation of zone seen from both sides (see
// dnscrawl.Delegation): the parent-side NS set of the referral with its
// glue, then every server of that set and of the child-side set asked
// for the zone's NS set without recursion. A server that does not answer
// it with authority is lame. It returns nil when zone is not delegated
// (no referral to it and no NS set for it).
//
// When the parent's servers also serve the zone, they answer for it
// with authority instead of referring: the parent-side set is then the
// NS set they answer with.
func (r *Resolver) Delegation(ctx context.Context, zone string) (*dnscrawl.Delegation, int) {
	zone = normName(zone)
	b := r.newBudget(ctx)
	b.maxSent += maxProbed * 2
	c, ok := r.cache.cut(zone, r.now())
	if !ok {
		resp, _, err := r.lookup(ctx, zone, dns.TypeNS, b, 0)
		if c, ok = r.cache.cut(zone, r.now()); !ok {
			if err != nil || !resp.Authoritative || resp.Rcode != dns.RcodeSuccess {
				return nil, b.sent
			}
			c = &cut{zone: zone, parent: r.cache.closest(zone, r.now()).zone}
			for _, n := range nsSet(resp, zone) {
				c.ns = append(c.ns, nsHost{name: n})
			}
			if len(c.ns) == 0 || zone == "" {
				return nil, b.sent
			}
		}
	}
	r.cache.mu.RLock()
	parent := slices.Clone(c.ns)
	r.cache.mu.RUnlock()

	d := &dnscrawl.Delegation{Zone: zoneName(zone), Parent: zoneName(c.parent)}
	var parentNames []string
	for _, h := range parent {
		ns := dnscrawl.NSHost{Name: h.name}
		if h.glue {
			ns.Addrs = sortedAddrs(h.addrs)
		}
		d.ParentNS = append(d.ParentNS, ns)
		parentNames = append(parentNames, h.name)
	}
	p := prober{r: r, zone: zone, b: b, probed: map[string]bool{}}
	for _, h := range parent {
		p.probeHost(ctx, h)
	}
	child := p.child
	// The servers named only by the zone itself are in the delegation
	// too: resolvers that trust the child's set ask them.
	for _, n := range child {
		if !slices.Contains(parentNames, n) {
			p.probeHost(ctx, nsHost{name: n})
		}
	}
	slices.Sort(p.child)
	d.ChildNS = slices.Compact(p.child)
	d.Mismatch = len(d.ChildNS) > 0 && !slices.Equal(d.ChildNS, parentNames)
	slices.SortFunc(p.lame, func(x, y dnscrawl.LameServer) int {
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return x.Addr.Compare(y.Addr)
	})
	d.Lame = p.lame
	return d, b.sent
}

// prober asks the servers of one zone's delegation for its NS set.
type prober struct {
	r      *Resolver
	zone   string
	b      *budget
	probed map[string]bool
	n      int
	child  []string
	lame   []dnscrawl.LameServer
}

// probeHost asks every usable address of host (at most
// maxAddrsPerHost) for the zone's NS set.
func (p *prober) probeHost(ctx context.Context, h nsHost) {
	if p.probed[h.name] {
		return
	}
	p.probed[h.name] = true
	addrs := h.addrs
	if len(addrs) == 0 {
		if !under(h.name, p.zone) || p.zone == "" {
			addrs, _ = p.r.hostAddrs(ctx, h.name, p.b, 1)
		}
	}
	var usable []netip.Addr
	for _, a := range sortedAddrs(addrs) {
		if p.r.usable(a) && len(usable) < maxAddrsPerHost {
			usable = append(usable, a)
		}
	}
	if len(usable) == 0 {
		p.lame = append(p.lame, dnscrawl.LameServer{Name: h.name, Why: dnscrawl.LameNoAddress})
		return
	}
	for _, a := range usable {
		if p.n >= maxProbed || p.b.spent() || ctx.Err() != nil {
			return
		}
		p.n++
		p.probe(ctx, h.name, a)
	}
}

// probe asks the server at a for the zone's NS set, once more after a
// timeout or network error.
func (p *prober) probe(ctx context.Context, host string, a netip.Addr) {
	var resp *dns.Msg
	var err error
	for range 2 {
		var n int
		resp, n, err = p.r.exchange(ctx, a, dns.Fqdn(p.zone), dns.TypeNS)
		p.b.add(n)
		if err == nil || ctx.Err() != nil {
			break
		}
	}
	lame := dnscrawl.LameServer{Name: host, Addr: a}
	switch {
	case err != nil && isTimeout(err):
		lame.Why, lame.Error = dnscrawl.LameTimeout, err.Error()
	case err != nil:
		lame.Why, lame.Error = dnscrawl.LameNetwork, err.Error()
	default:
		kind, why := verdict(resp, p.zone, p.zone)
		switch {
		case kind == answerFinal && resp.Rcode != dns.RcodeSuccess:
			lame.Why, lame.Error = dnscrawl.LameBadRcode, rcodeText(resp.Rcode)
		case kind == answerFinal:
			ns := nsSet(resp, p.zone)
			if len(ns) == 0 {
				lame.Why = dnscrawl.LameNoNSAnswer
				break
			}
			p.child = append(p.child, ns...)
			return
		case kind == answerReferral:
			lame.Why, lame.Error = dnscrawl.LameNotAuth, "referral to "+referralZone(resp)
		default:
			lame.Why, lame.Error = why, rcodeText(resp.Rcode)
			if why == dnscrawl.LameNotAuth {
				lame.Error = "answer without the AA bit"
			}
		}
	}
	p.r.servers.setLame(p.zone, a, lame.Why, lame.Error, p.r.now())
	p.lame = append(p.lame, lame)
}

// nsSet returns the NS names of zone in m's answer section, sorted.
func nsSet(m *dns.Msg, zone string) []string {
	var out []string
	for _, rr := range m.Answer {
		if ns, ok := rr.(*dns.NS); ok && normName(ns.Hdr.Name) == zone {
			out = append(out, normName(ns.Ns))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedAddrs(as []netip.Addr) []netip.Addr {
	out := slices.Clone(as)
	slices.SortFunc(out, netip.Addr.Compare)
	return slices.Compact(out)
}
