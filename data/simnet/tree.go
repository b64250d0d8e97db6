package simnet

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
)

// This file serves the simulated internet as a delegation tree, the way
// the real DNS is served: root servers that refer to TLD servers, TLD
// servers that refer to each zone's own servers with glue for the names
// within the TLD, and the providers' authoritative servers that answer
// with authority (AA) for the zones delegated to them, the SOA of the
// zone in negative answers, and CNAME chains only as far as the zone
// reaches (the resolver follows the rest from the zone of the target).
// Every server listens on its own loopback address, all on one port:
//
//   - the root: a.root-servers.net 127.53.0.1 and b.root-servers.net
//     127.53.0.2, which also serve root-servers.net;
//   - com and net: a.gtld-servers.net 127.53.1.1 and b 127.53.1.2, which
//     also serve gtld-servers.net;
//   - every other TLD: a.nic.<tld> and b.nic.<tld> on 127.53.2.1 onwards;
//   - the name servers of the population: each IPv4 address of the
//     plan is moved to one of treeSlots loopback addresses, 127.64.0.1
//     onwards (treeSlot). A slot serves every zone delegated to a name
//     server moved to it; as every server of a zone serves it (but the
//     lame ones planted, delegation.go), a slot answers for any zone
//     below a TLD, and REFUSED for a name outside every zone.
//
// The records are those of the recursive-style server, with one change:
// the IPv4 address of a name server (its A record, in answers and glue)
// is its loopback address in the tree, so that any resolver (unbound
// included) reaches it. IPv6 addresses stay the plan's (the tree serves
// IPv4 only). PlanAddrs maps a recorded loopback address back to the
// plan's.

// TreeConfig says how to serve a delegation tree.
type TreeConfig struct {
	// Port is the port of every server; 0 picks one free on every
	// address at random (a bounded number of attempts). A resolver that
	// asks the servers it learns from referrals on port 53 only
	// (unbound) needs 53, which needs root or CAP_NET_BIND_SERVICE.
	Port uint16
	// Log keeps the time of every question each server gets (Log).
	Log bool
}

// Tree is a running delegation tree of an Internet.
type Tree struct {
	in      *Internet
	port    uint16
	log     bool
	hints   []iterative.Hint
	servers map[netip.Addr]*treeServer
	tlds    map[string]*tldZone
	infra   map[string]*tldZone // root-servers.net, gtld-servers.net
	// ents are names below a TLD with zones below them but no zone of
	// their own (co.uk): the TLD answers NODATA for them.
	ents    map[string]bool
	nsHosts map[*staticName]bool
	stats   counters
	stops   []func()
	once    sync.Once
	// web is the sites' TLS and HTTP endpoint (http.go), on the first
	// root server's address; every server of the tree advertises it, as
	// the recursive-style server does.
	web *Endpoint
}

type serverRole uint8

const (
	roleRoot serverRole = iota
	roleTLD
	roleAuth
)

// treeServer is one server of the tree.
type treeServer struct {
	addr  netip.Addr
	role  serverRole
	zones []string // roleTLD: the TLDs it serves
	slot  int      // roleAuth
	n     atomic.Uint64
	mu    sync.Mutex
	times []time.Time
}

// tldZone is a zone of the tree above the population: a TLD or a zone of
// the root's and TLDs' own servers.
type tldZone struct {
	name string // no dot
	ns   []glueNS
	soa  *dns.SOA
}

// glueNS is a name server with the addresses the tree gives it.
type glueNS struct {
	fqdn  string
	addrs []netip.Addr
}

// ServeTree starts the delegation tree of in on loopback. It stops when
// ctx is done or Close is called.
func ServeTree(ctx context.Context, in *Internet, cfg TreeConfig) (*Tree, error) {
	t := &Tree{in: in, log: cfg.Log, servers: map[netip.Addr]*treeServer{}, tlds: map[string]*tldZone{},
		infra: map[string]*tldZone{}, ents: map[string]bool{}, nsHosts: map[*staticName]bool{}}
	t.build()
	web, err := ServeEndpoint(ctx, in, t.hints[0].Addrs[0].String())
	if err != nil {
		return nil, fmt.Errorf("simnet tree: %w", err)
	}
	t.web = web
	var lastErr error
	for try := range 20 {
		port := uint16(20000 + rand.IntN(40000))
		if cfg.Port != 0 {
			if try > 0 {
				break
			}
			port = cfg.Port
		}
		if err := t.listen(ctx, port); err != nil {
			lastErr = err
			t.stopServers()
			continue
		}
		t.port = port
		go func() {
			<-ctx.Done()
			t.Close()
		}()
		return t, nil
	}
	web.Close()
	if errors.Is(lastErr, dnsserver.ErrNotLoopback) {
		return nil, fmt.Errorf("simnet tree: %w: %v", ErrNotLoopback, lastErr)
	}
	return nil, fmt.Errorf("simnet tree: no port free on every server address: %w", lastErr)
}

// build lays out the servers: the root's, the TLDs', and a slot for
// every tree address a name server of the population moves to.
func (t *Tree) build() {
	w := t.in.w
	addServer := func(a netip.Addr, role serverRole, zones ...string) {
		t.servers[a] = &treeServer{addr: a, role: role, zones: zones}
	}
	rootNS := []glueNS{
		{"a.root-servers.net.", []netip.Addr{netip.AddrFrom4([4]byte{127, 53, 0, 1})}},
		{"b.root-servers.net.", []netip.Addr{netip.AddrFrom4([4]byte{127, 53, 0, 2})}},
	}
	for _, ns := range rootNS {
		addServer(ns.addrs[0], roleRoot)
		t.hints = append(t.hints, iterative.Hint{Name: strings.TrimSuffix(ns.fqdn, "."), Addrs: ns.addrs})
	}
	gtldNS := []glueNS{
		{"a.gtld-servers.net.", []netip.Addr{netip.AddrFrom4([4]byte{127, 53, 1, 1})}},
		{"b.gtld-servers.net.", []netip.Addr{netip.AddrFrom4([4]byte{127, 53, 1, 2})}},
	}
	for _, ns := range gtldNS {
		addServer(ns.addrs[0], roleTLD, "com", "net")
	}
	t.infra["root-servers.net"] = &tldZone{name: "root-servers.net", ns: rootNS, soa: infraSOA("root-servers.net")}
	t.infra["gtld-servers.net"] = &tldZone{name: "gtld-servers.net", ns: gtldNS, soa: infraSOA("gtld-servers.net")}

	// Every TLD a name of the simulation lives under.
	labels := map[string]bool{"com": true, "net": true}
	addSuffixes := func(zoneName string) {
		labels[lastLabel(zoneName)] = true
		// The names between the zone and its TLD (co.uk) are empty
		// non-terminals of the TLD.
		for s := zoneName; ; {
			_, rest, ok := strings.Cut(s, ".")
			if !ok || !strings.Contains(rest, ".") {
				break
			}
			t.ents[rest] = true
			s = rest
		}
	}
	for _, tl := range tlds {
		addSuffixes("x." + tl.name)
	}
	for name := range w.zones {
		addSuffixes(name)
	}
	var others []string
	for l := range labels {
		if l != "com" && l != "net" {
			others = append(others, l)
		}
	}
	slices.Sort(others)
	for _, l := range []string{"com", "net"} {
		t.tlds[l] = &tldZone{name: l, ns: gtldNS, soa: tldSOA(l)}
	}
	for k, l := range others {
		a := netip.AddrFrom4([4]byte{127, 53, byte(2 + k/100), byte(2*(k%100) + 1)})
		b := a.Next()
		ns := []glueNS{{"a.nic." + l + ".", []netip.Addr{a}}, {"b.nic." + l + ".", []netip.Addr{b}}}
		t.tlds[l] = &tldZone{name: l, ns: ns, soa: tldSOA(l)}
		t.ents["nic."+l] = true // above a.nic.<tld> and b.nic.<tld>
		addServer(a, roleTLD, l)
		addServer(b, roleTLD, l)
	}

	// The name servers of the world's zones and of the population.
	slots := map[int]bool{}
	addSlots := func(as []netip.Addr) {
		for _, a := range as {
			if a.Is4() {
				slots[treeSlot(a)] = true
			}
		}
	}
	for _, z := range w.zones {
		for _, st := range z.ns {
			t.nsHosts[st] = true
			addSlots(st.addrs)
		}
	}
	var p plan
	var buf []netip.Addr
	for i := range t.in.doms {
		if !t.in.delegationPlan(&p, i) {
			continue
		}
		for _, ns := range p.ns {
			if ns.st != nil {
				t.nsHosts[ns.st] = true
			}
			buf = p.nsAddrs(buf[:0], ns)
			addSlots(buf)
		}
	}
	for s := range slots {
		a := treeSlotAddr(s)
		t.servers[a] = &treeServer{addr: a, role: roleAuth, slot: s}
	}
}

// infraSOA is the SOA of a zone of the root's or the TLDs' servers.
func infraSOA(zone string) *dns.SOA {
	return &dns.SOA{
		Hdr: rrHeader(zone+".", dns.TypeSOA, 3600),
		Ns:  "a." + zone + ".", Mbox: "nstld.verisign-grs.com.",
		Serial: 2025112400, Refresh: 14400, Retry: 3600, Expire: 1209600, Minttl: 3600,
	}
}

func (t *Tree) listen(ctx context.Context, port uint16) error {
	for _, s := range t.servers {
		pc, ln, err := dnsserver.Listen(ctx, netip.AddrPortFrom(s.addr, port).String())
		if err != nil {
			return fmt.Errorf("%s: %w", s.addr, err)
		}
		h := dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) { t.serve(s, w, req) })
		udp := &dns.Server{PacketConn: pc, Handler: h, UDPSize: 4096}
		tcp := &dns.Server{Listener: ln, Handler: h, ReadTimeout: 5 * time.Second,
			IdleTimeout: func() time.Duration { return 10 * time.Second }}
		go udp.ActivateAndServe()
		go tcp.ActivateAndServe()
		t.stops = append(t.stops, func() {
			// Shutdown fails for a server not started yet: the sockets
			// are closed either way.
			if udp.Shutdown() != nil {
				pc.Close()
			}
			if tcp.Shutdown() != nil {
				ln.Close()
			}
		})
	}
	return nil
}

// Close stops every server of the tree and the web endpoint.
func (t *Tree) Close() {
	t.once.Do(func() {
		t.stopServers()
		t.web.Close()
	})
}

// stopServers stops the DNS servers started so far.
func (t *Tree) stopServers() {
	for _, stop := range t.stops {
		stop()
	}
	t.stops = nil
}

// Endpoint returns the web endpoint (TLS and HTTP) of the simulated
// sites, which every server of the tree advertises in answer to TXT
// ProbeName in class CHAOS.
func (t *Tree) Endpoint() *Endpoint { return t.web }

// Port returns the port every server of the tree listens on.
func (t *Tree) Port() uint16 { return t.port }

// Hints returns the root servers of the tree, for the root hints of a
// resolver (iterative.WriteRootHints writes them in named.root format).
func (t *Tree) Hints() []iterative.Hint { return slices.Clone(t.hints) }

// Stats returns the counters of the tree, all servers together.
func (t *Tree) Stats() Stats { return t.stats.snapshot() }

// ServerQueries is what one server of the tree was asked.
type ServerQueries struct {
	Addr netip.Addr
	// Role is "root", "tld" or "auth" (a name server of the population).
	Role    string
	Queries uint64
}

// Queries returns the questions each server of the tree got, sorted by
// address.
func (t *Tree) Queries() []ServerQueries {
	out := make([]ServerQueries, 0, len(t.servers))
	for a, s := range t.servers {
		out = append(out, ServerQueries{Addr: a, Role: [...]string{"root", "tld", "auth"}[s.role], Queries: s.n.Load()})
	}
	slices.SortFunc(out, func(x, y ServerQueries) int { return x.Addr.Compare(y.Addr) })
	return out
}

// Log returns the times at which the server at a read its questions, in
// order (TreeConfig.Log; nil without it).
func (t *Tree) Log(a netip.Addr) []time.Time {
	s := t.servers[a]
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.times)
}

// Addr returns the loopback address the tree moves the name server at
// plan address a to (IPv4); an IPv6 address stays as it is.
func (t *Tree) Addr(a netip.Addr) netip.Addr {
	if !a.Is4() {
		return a
	}
	return treeSlotAddr(treeSlot(a))
}

// PlanAddrs maps the addresses a crawl of the tree recorded for name
// server host back to the plan's: each loopback address to the plan
// address of host that the tree moved to it. An address the host does
// not have in the plan is left as it is.
func (t *Tree) PlanAddrs(host string, addrs []netip.Addr) []netip.Addr {
	plan := t.in.planAddrs(strings.ToLower(strings.TrimSuffix(host, ".")))
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = a
		for _, p := range plan {
			if p.Is4() && t.Addr(p) == a {
				out[i] = p
				break
			}
		}
	}
	return out
}

// planAddrs returns the plan addresses of a name server's host name: a
// host of the world, or ns1/ns2 under a domain.
func (in *Internet) planAddrs(host string) []netip.Addr {
	var p plan
	switch n := in.resolve(host, &p); n.kind {
	case nodeStatic:
		return n.st.addrs
	case nodeSelfNS:
		return p.selfAddrs(p.selfAddrs(nil, uint64(n.which), false), uint64(n.which), true)
	}
	return nil
}

// PlanObservation maps the name servers' addresses a crawl of the tree
// recorded in o (its NS hosts, the delegation's parent-side glue and
// lame servers) back to the plan's, in place: what a crawl through the
// recursive-style server records.
func (t *Tree) PlanObservation(o *dnscrawl.Observation) {
	for i := range o.NS {
		o.NS[i].Addrs = t.PlanAddrs(o.NS[i].Name, o.NS[i].Addrs)
	}
	if d := o.Delegation; d != nil {
		for i := range d.ParentNS {
			d.ParentNS[i].Addrs = t.PlanAddrs(d.ParentNS[i].Name, d.ParentNS[i].Addrs)
		}
		for i := range d.Lame {
			if d.Lame[i].Addr.IsValid() {
				d.Lame[i].Addr = t.PlanAddrs(d.Lame[i].Name, []netip.Addr{d.Lame[i].Addr})[0]
			}
		}
	}
}

// serve answers one message to server s.
func (t *Tree) serve(s *treeServer, w dns.ResponseWriter, req *dns.Msg) {
	s.n.Add(1)
	if t.log {
		s.mu.Lock()
		s.times = append(s.times, time.Now())
		s.mu.Unlock()
	}
	respond(w, req, &t.stats, false, t.web.Advert(), func(q dns.Question, m *dns.Msg) bool { return t.answer(s, q, m) })
}

// answer fills m with server s's answer to q; it reports whether to send
// nothing.
func (t *Tree) answer(s *treeServer, q dns.Question, m *dns.Msg) (drop bool) {
	name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	for _, z := range t.infra {
		// The root servers serve root-servers.net, the com/net servers
		// gtld-servers.net.
		serves := s.role == roleRoot && z.name == "root-servers.net" ||
			s.role == roleTLD && z.name == "gtld-servers.net" && slices.Contains(s.zones, "net")
		if serves && inZone(name, z.name) {
			t.zoneAnswer(z, name, q, m)
			return false
		}
	}
	switch s.role {
	case roleRoot:
		if name == "" {
			root := &tldZone{ns: t.infra["root-servers.net"].ns, soa: t.in.w.rootSOA}
			t.zoneAnswer(root, name, q, m)
			return false
		}
		z := t.tlds[lastLabel(name)]
		if z == nil {
			m.Authoritative, m.Rcode = true, dns.RcodeNameError
			m.Ns = []dns.RR{t.in.w.rootSOA}
			return false
		}
		refer(m, z.name, z.ns, "")
	case roleTLD:
		tl := lastLabel(name)
		z := t.tlds[tl]
		if z == nil || !slices.Contains(s.zones, tl) {
			m.Rcode = dns.RcodeRefused
			return false
		}
		if name == tl || slices.ContainsFunc(z.ns, func(ns glueNS) bool { return inZone(ns.fqdn, tl) && ns.fqdn == name+"." }) {
			t.zoneAnswer(z, name, q, m)
			return false
		}
		if iz := t.infra[registrableIn(name, "net")]; tl == "net" && iz != nil {
			refer(m, iz.name, iz.ns, tl)
			return false
		}
		if c, ok := t.cut(name); ok {
			refer(m, c.name, t.nsOf(&c, true), tl)
			return false
		}
		m.Authoritative = true
		m.Ns = []dns.RR{z.soa}
		if !t.ents[name] {
			m.Rcode = dns.RcodeNameError
		}
	case roleAuth:
		c, ok := t.cut(name)
		if !ok {
			m.Rcode = dns.RcodeRefused
			return false
		}
		noAA := false
		if c.kind == cutDomain {
			if kind, k := c.p.fault(); kind != faultNone && kind != faultMismatch && slices.Contains(c.p.nsSlots(nil, c.p.ns[k]), s.slot) {
				switch kind {
				case faultRefused:
					m.Rcode = dns.RcodeRefused
					return false
				case faultSilent:
					return true
				case faultNoAA:
					noAA = true
				}
			}
		}
		var r reply
		t.in.answerIn(q, c.name, &r)
		if r.drop {
			return true
		}
		m.Authoritative = !noAA && r.rcode != dns.RcodeServerFailure
		m.Rcode, m.Answer, m.Ns = r.rcode, t.moveNS(r.ans), r.auth
		for _, rr := range t.moveNS(r.extra) {
			if inZone(strings.ToLower(strings.TrimSuffix(rr.Header().Name, ".")), c.name) {
				m.Extra = append(m.Extra, rr)
			}
		}
	}
	return false
}

// registrableIn returns the name one label below tld on the way to name
// ("root-servers.net" for "a.root-servers.net" in "net").
func registrableIn(name, tld string) string {
	rest, ok := strings.CutSuffix(name, "."+tld)
	if !ok {
		return ""
	}
	return rest[strings.LastIndexByte(rest, '.')+1:] + "." + tld
}

// zoneAnswer answers with authority from a zone above the population:
// its NS set and SOA at the apex, its name servers' addresses, NODATA or
// NXDOMAIN otherwise.
func (t *Tree) zoneAnswer(z *tldZone, name string, q dns.Question, m *dns.Msg) {
	m.Authoritative = true
	owner := q.Name
	switch {
	case name == z.name && q.Qtype == dns.TypeNS:
		for _, ns := range z.ns {
			m.Answer = append(m.Answer, &dns.NS{Hdr: rrHeader(owner, dns.TypeNS, 172800), Ns: ns.fqdn})
		}
		m.Extra = glue(m.Extra, z.ns, z.name)
		return
	case name == z.name && q.Qtype == dns.TypeSOA:
		soa := *z.soa
		soa.Hdr.Name = owner
		m.Answer = append(m.Answer, &soa)
		return
	case name == z.name:
		m.Ns = []dns.RR{z.soa}
		return
	}
	for _, ns := range z.ns {
		if ns.fqdn != name+"." {
			continue
		}
		if q.Qtype == dns.TypeA {
			m.Answer = addrRRs(m.Answer, owner, ns.addrs, 172800)
		}
		if len(m.Answer) == 0 {
			m.Ns = []dns.RR{z.soa}
		}
		return
	}
	m.Rcode = dns.RcodeNameError
	m.Ns = []dns.RR{z.soa}
}

// refer makes m a referral to zone with its NS set, and glue for the
// names under bailiwick ("" for the root: every name).
func refer(m *dns.Msg, zone string, ns []glueNS, bailiwick string) {
	for _, n := range ns {
		m.Ns = append(m.Ns, &dns.NS{Hdr: rrHeader(zone+".", dns.TypeNS, 172800), Ns: n.fqdn})
	}
	m.Extra = glue(m.Extra, ns, bailiwick)
}

// glue appends the addresses of the name servers under bailiwick.
func glue(dst []dns.RR, ns []glueNS, bailiwick string) []dns.RR {
	for _, n := range ns {
		if inZone(strings.TrimSuffix(n.fqdn, "."), bailiwick) {
			dst = addrRRs(dst, n.fqdn, n.addrs, 172800)
		}
	}
	return dst
}

// inZone reports whether name is zone or below it ("" is the root).
func inZone(name, zone string) bool {
	name = strings.TrimSuffix(name, ".")
	return zone == "" || name == zone || strings.HasSuffix(name, "."+zone)
}

type cutKind uint8

const (
	cutWorld  cutKind = iota // a zone of the world (a provider's)
	cutDomain                // a domain of the population
	cutCDN                   // the private CDN zone of a domain
)

// zoneCut is a zone below a TLD.
type zoneCut struct {
	name string
	kind cutKind
	z    *zone // cutWorld
	p    *plan // cutDomain, cutCDN
}

// cut returns the deepest zone below a TLD that name lies in.
func (t *Tree) cut(name string) (zoneCut, bool) {
	in := t.in
	for s := name; strings.Contains(s, "."); {
		if z, ok := in.w.zones[s]; ok {
			return zoneCut{name: s, kind: cutWorld, z: z}, true
		}
		if i := in.lookup(s); i >= 0 {
			p := new(plan)
			if in.delegationPlan(p, i) {
				return zoneCut{name: s, kind: cutDomain, p: p}, true
			}
			return zoneCut{}, false
		}
		if strings.Contains(s, "-cdn.") {
			p := new(plan)
			if n, ok := in.privateCDNNode(s, p); ok && n.kind == nodeCDNZone {
				return zoneCut{name: s, kind: cutCDN, p: p}, true
			}
		}
		_, s, _ = strings.Cut(s, ".")
	}
	return zoneCut{}, false
}

// nsOf returns the NS set of a zone cut with the tree's addresses: the
// parent's (which leaves out a server in a mismatch) or the zone's own.
func (t *Tree) nsOf(c *zoneCut, parent bool) []glueNS {
	var out []glueNS
	switch c.kind {
	case cutWorld:
		for _, st := range c.z.ns {
			out = append(out, glueNS{st.fqdn, t.moved(st.addrs)})
		}
	case cutDomain:
		kind, k := c.p.fault()
		for j, ns := range c.p.ns {
			if parent && kind == faultMismatch && j == k {
				continue
			}
			out = append(out, glueNS{c.p.nsName(ns), t.moved(c.p.nsAddrs(nil, ns))})
		}
	case cutCDN:
		for which := uint64(1); which <= 2; which++ {
			as := c.p.selfAddrs(c.p.selfAddrs(nil, which, false), which, true)
			out = append(out, glueNS{"ns" + string(rune('0'+which)) + "." + c.p.name + ".", t.moved(as)})
		}
	}
	return out
}

// moved returns the addresses of a name server as the tree gives them.
func (t *Tree) moved(as []netip.Addr) []netip.Addr {
	out := make([]netip.Addr, len(as))
	for i, a := range as {
		out[i] = t.Addr(a)
	}
	return out
}

// moveNS returns rrs with the A records of name servers at their tree
// addresses (copies: the world's records are shared).
func (t *Tree) moveNS(rrs []dns.RR) []dns.RR {
	var out []dns.RR
	for i, rr := range rrs {
		a, ok := rr.(*dns.A)
		if !ok || !t.isNSHost(a.Hdr.Name) {
			continue
		}
		if out == nil {
			out = slices.Clone(rrs)
		}
		ip, _ := netip.AddrFromSlice(a.A.To4())
		c := *a
		c.A = net.IP(t.Addr(ip).AsSlice())
		out[i] = &c
	}
	if out == nil {
		return rrs
	}
	return out
}

// isNSHost reports whether owner is the name of a name server.
func (t *Tree) isNSHost(owner string) bool {
	name := strings.ToLower(strings.TrimSuffix(owner, "."))
	if st, ok := t.in.w.names[name]; ok {
		return t.nsHosts[st]
	}
	if !strings.HasPrefix(name, "ns1.") && !strings.HasPrefix(name, "ns2.") {
		return false
	}
	var p plan
	return t.in.resolve(name, &p).kind == nodeSelfNS
}
