package iterative

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sync/singleflight"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Config sets how the resolver asks. The zero value of a field means its
// default.
type Config struct {
	// Roots are the root servers to start from (default BuiltinRoots).
	Roots []Hint
	// Port is the port of every authoritative server (default 53).
	// Another port is for test and lab hierarchies on loopback only.
	Port uint16
	// Timeout is the timeout of one query to one server (default 2s).
	Timeout time.Duration
	// Retries is how many more servers of a zone are tried after one
	// that timed out or failed on the network (default 2; negative:
	// none). Servers that answer lame do not count: the next is tried.
	Retries int
	// QPSPerServer limits the queries per second to each server address
	// (default 10; negative: no limit).
	QPSPerServer float64
	// NoQNameMin turns QNAME minimisation (RFC 9156) off: every server is
	// asked the full name.
	NoQNameMin bool
	// IPv6 lets the resolver ask servers at their IPv6 addresses too
	// (default: IPv4 only, which every network has).
	IPv6 bool
	// MaxReferrals and MaxQueries bound the work of one question, nested
	// lookups of name servers without glue included (defaults 24 and
	// 64); MaxDepth bounds that nesting (default 4). MaxDomainQueries
	// bounds the packets of all the questions of one domain, its
	// delegation check included (default 400; see Domain).
	MaxReferrals     int
	MaxQueries       int
	MaxDepth         int
	MaxDomainQueries int
	// CacheEntries bounds each cache: zone cuts, name server addresses,
	// servers (default 200,000).
	CacheEntries int
	// PortPerQuery sends each UDP query from a socket of its own, on a
	// new random source port (RFC 5452), instead of through the crawl's
	// shared transport (dnscrawl.UDPTransport: a few sockets, random IDs,
	// replies matched by source, ID and question), which costs a fraction
	// of the system calls.
	PortPerQuery bool
}

func (c Config) withDefaults() (Config, error) {
	if len(c.Roots) == 0 {
		c.Roots = BuiltinRoots()
	}
	if c.Port == 0 {
		c.Port = 53
	}
	if c.Timeout <= 0 {
		c.Timeout = 2 * time.Second
	}
	switch {
	case c.Retries == 0:
		c.Retries = 2
	case c.Retries < 0:
		c.Retries = 0
	}
	switch {
	case c.QPSPerServer == 0:
		c.QPSPerServer = 10
	case c.QPSPerServer < 0:
		c.QPSPerServer = 0
	}
	if c.MaxReferrals <= 0 {
		c.MaxReferrals = 24
	}
	if c.MaxQueries <= 0 {
		c.MaxQueries = 64
	}
	if c.MaxDomainQueries <= 0 {
		c.MaxDomainQueries = 400
	}
	if c.MaxDepth <= 0 {
		c.MaxDepth = 4
	}
	if c.CacheEntries <= 0 {
		c.CacheEntries = 200_000
	}
	usable := false
	for _, h := range c.Roots {
		for _, a := range h.Addrs {
			usable = usable || a.Is4() || a.Is4In6() || c.IPv6
		}
	}
	if !usable {
		return c, errors.New("no root server address to start from (IPv6 addresses need IPv6 on)")
	}
	return c, nil
}

// Resolver resolves names from the root down. It is safe for concurrent
// use; its caches and server table are shared by every question.
type Resolver struct {
	cfg     Config
	cache   *cache
	servers *servers
	flight  singleflight.Group
	udp     *dns.Client
	shared  *dnscrawl.UDPTransport // nil with PortPerQuery
	tcp     *dns.Client
	sent    atomic.Int64
	// now is the clock of the caches' TTLs (time.Now; tests move it).
	now func() time.Time
}

// New returns a resolver for cfg.
func New(cfg Config) (*Resolver, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("iterative resolver: %w", err)
	}
	root := &cut{}
	for _, h := range c.Roots {
		root.ns = append(root.ns, nsHost{name: normName(h.Name), addrs: slices.Clone(h.Addrs), glue: true})
	}
	r := &Resolver{
		cfg: c, cache: newCache(root, c.CacheEntries), servers: newServers(c.QPSPerServer, c.CacheEntries),
		udp: &dns.Client{Net: "udp", Timeout: c.Timeout, UDPSize: ednsSize},
		tcp: &dns.Client{Net: "tcp", Timeout: c.Timeout},
		now: time.Now,
	}
	if !c.PortPerQuery {
		r.shared = dnscrawl.NewUDPTransport(c.Timeout)
	}
	return r, nil
}

// Close releases the resolver's sockets; questions in flight fail.
func (r *Resolver) Close() {
	if r.shared != nil {
		r.shared.Close()
	}
}

// exchangeUDP asks m at addr over UDP, through the shared transport
// unless every query has its own socket. needTCP is true when the answer
// must be asked again over TCP.
func (r *Resolver) exchangeUDP(ctx context.Context, m *dns.Msg, addr netip.AddrPort) (resp *dns.Msg, needTCP bool, err error) {
	if r.shared == nil {
		resp, _, err = r.udp.ExchangeContext(ctx, m, addr.String())
		return resp, err == nil && resp.Truncated, err
	}
	resp, err = r.shared.Exchange(ctx, m, addr)
	if errors.Is(err, dnscrawl.ErrNeedTCP) {
		return nil, true, nil
	}
	return resp, false, err
}

// Sent returns the number of queries sent so far.
func (r *Resolver) Sent() int64 { return r.sent.Load() }

// ednsSize is the EDNS0 buffer size advertised (DNS Flag Day 2020).
const ednsSize = 1232

// maxMinimise bounds the minimised questions of one name (RFC 9156's
// MAX_MINIMISE_COUNT): past it, the full name is asked.
const maxMinimise = 10

// budget is the work one question may still do, shared by its nested
// lookups, within what its domain may still do.
type budget struct {
	sent, referrals int
	maxSent, maxRef int
	domain          *domainBudget // nil outside a crawl's domain
}

// domainBudget is the work of all the questions of one domain (Domain).
type domainBudget struct {
	sent atomic.Int64
	max  int64
}

type domainKey struct{}

// Domain returns a context under which every question counts against one
// budget of Config.MaxDomainQueries packets (dnscrawl.DomainScoper): the
// crawl asks all the questions of a domain under it.
func (r *Resolver) Domain(ctx context.Context) context.Context {
	return context.WithValue(ctx, domainKey{}, &domainBudget{max: int64(r.cfg.MaxDomainQueries)})
}

func (r *Resolver) newBudget(ctx context.Context) *budget {
	d, _ := ctx.Value(domainKey{}).(*domainBudget)
	return &budget{maxSent: r.cfg.MaxQueries, maxRef: r.cfg.MaxReferrals, domain: d}
}

// add counts n packets sent.
func (b *budget) add(n int) {
	b.sent += n
	if b.domain != nil {
		b.domain.sent.Add(int64(n))
	}
}

// left returns how many packets may still be sent.
func (b *budget) left() int {
	l := b.maxSent - b.sent
	if b.domain != nil {
		l = min(l, int(b.domain.max-b.domain.sent.Load()))
	}
	return l
}

func (b *budget) spent() bool { return b.left() <= 0 || b.referrals >= b.maxRef }

// Resolve answers name/qtype as a recursive resolver would (see
// dnscrawl.Resolver): it resolves from the closest zone cut known,
// follows the CNAME chain across zones and returns the answers gathered,
// with the response code and authority section of the last one.
func (r *Resolver) Resolve(ctx context.Context, name string, qtype uint16) (*dns.Msg, string, int, error) {
	b := r.newBudget(ctx)
	resp, server, err := r.resolve(ctx, normName(name), qtype, b, 0)
	return resp, server, b.sent, err
}

func (r *Resolver) resolve(ctx context.Context, name string, qtype uint16, b *budget, depth int) (*dns.Msg, string, error) {
	out := new(dns.Msg)
	out.SetQuestion(dns.Fqdn(name), qtype)
	out.Response, out.RecursionAvailable = true, true
	cur := name
	seen := []string{cur}
	for range dnscrawl.MaxCNAMEHops + 1 {
		resp, server, err := r.lookup(ctx, cur, qtype, b, depth)
		if err != nil {
			return nil, server, err
		}
		out.Rcode, out.Ns = resp.Rcode, resp.Ns
		if opt := resp.IsEdns0(); opt != nil && resp.Rcode == dns.RcodeServerFailure {
			out.Extra = []dns.RR{opt} // the Extended DNS Error says why
		}
		out.Answer = append(out.Answer, resp.Answer...)
		end, hasData := chainEnd(resp.Answer, cur, qtype)
		if qtype == dns.TypeCNAME || end == cur || hasData || resp.Rcode != dns.RcodeSuccess || slices.Contains(seen, end) {
			return out, server, nil
		}
		// The chain leaves the zone that answered: its end is resolved
		// from the closest cut known for it.
		seen = append(seen, end)
		cur = end
	}
	return out, "", nil
}

// chainEnd follows the CNAMEs of answer from name and returns the name
// reached, and whether answer holds records of qtype for it.
func chainEnd(answer []dns.RR, name string, qtype uint16) (string, bool) {
	cur := name
	for range dnscrawl.MaxCNAMEHops + 1 {
		next := ""
		for _, rr := range answer {
			if c, ok := rr.(*dns.CNAME); ok && normName(c.Hdr.Name) == cur {
				next = normName(c.Target)
				break
			}
		}
		if next == "" || next == name {
			break
		}
		cur = next
	}
	for _, rr := range answer {
		if h := rr.Header(); h.Rrtype == qtype && normName(h.Name) == cur {
			return cur, true
		}
	}
	return cur, false
}

// lookup resolves one name without following CNAMEs to other zones: it
// walks down from the closest cut known, minimising the names asked, and
// returns the authoritative answer.
func (r *Resolver) lookup(ctx context.Context, qname string, qtype uint16, b *budget, depth int) (*dns.Msg, string, error) {
	z := r.cache.closest(qname, r.now())
	known := z.zone // the deepest name known to lie in zone z
	minimise := !r.cfg.NoQNameMin
	for steps := 0; ; {
		if b.spent() {
			return workLimit(qname, qtype), "", nil
		}
		qn, qt := qname, qtype
		if minimise && steps < maxMinimise {
			if qn = childToward(qname, known); qn != qname {
				qt = dns.TypeA
			}
		}
		resp, server, child, err := r.ask(ctx, z, qn, qt, b, depth)
		switch {
		case err != nil:
			return nil, server, err
		case child != nil:
			b.referrals++
			z, known = child, child.zone
			continue
		case qn == qname && qt == qtype, resp.Rcode != dns.RcodeSuccess && resp.Rcode != dns.RcodeNameError:
			return resp, server, nil
		case resp.Rcode == dns.RcodeNameError:
			// NXDOMAIN for a minimised name: broken servers give it for
			// empty non-terminals, so the full name decides.
			minimise = false
		default:
			known = qn
			steps++
		}
	}
}

// childToward returns the name one label below known on the way to
// qname (qname itself when it is that name).
func childToward(qname, known string) string {
	if known == qname {
		return qname
	}
	rest := qname
	if known != "" {
		rest = strings.TrimSuffix(qname, "."+known)
	}
	i := strings.LastIndexByte(rest, '.')
	label := rest[i+1:]
	if known == "" {
		return label
	}
	return label + "." + known
}

// workLimit is the answer to a question whose budget ran out: SERVFAIL,
// as a recursive resolver gives, with an Extended DNS Error that says so.
func workLimit(qname string, qtype uint16) *dns.Msg {
	return servFail(qname, qtype, dns.ExtendedErrorCodeOther, "iterative resolution: work limit reached")
}

func servFail(qname string, qtype uint16, ede uint16, text string) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(qname), qtype)
	m.Response, m.Rcode = true, dns.RcodeServerFailure
	m.SetEdns0(ednsSize, false)
	opt := m.IsEdns0()
	opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: ede, ExtraText: text})
	return m
}

// outcome is the result of asking the servers of one zone one question.
type outcome struct {
	resp   *dns.Msg
	server string
	child  *cut // set for a referral
	sent   int
}

// ask asks the servers of zone z qn/qt, moving to another server after a
// failure or a lame answer. It returns the answer, or for a referral the
// new cut (cached). Concurrent identical questions to a zone share one
// exchange.
func (r *Resolver) ask(ctx context.Context, z *cut, qn string, qt uint16, b *budget, depth int) (*dns.Msg, string, *cut, error) {
	cands := r.candidates(z, r.now())
	if len(cands) == 0 && depth < r.cfg.MaxDepth {
		r.resolveGlueless(ctx, z, b, depth, false)
		cands = r.candidates(z, r.now())
	}
	if len(cands) == 0 {
		return servFail(qn, qt, dns.ExtendedErrorCodeNoReachableAuthority, "no usable address for the servers of "+zoneName(z.zone)), "", nil, nil
	}
	resp, server, child, err := r.askFlight(ctx, z, cands, qn, qt, b, "")
	failed := err != nil || child == nil && resp.Rcode == dns.RcodeServerFailure
	if failed && ctx.Err() == nil && depth < r.cfg.MaxDepth && !b.spent() && r.resolveGlueless(ctx, z, b, depth, true) {
		// The servers named without glue were resolved one at a time,
		// until one had an address: the others get their turn now.
		var more []netip.Addr
		for _, a := range r.candidates(z, r.now()) {
			if !slices.Contains(cands, a) {
				more = append(more, a)
			}
		}
		if len(more) > 0 {
			return r.askFlight(ctx, z, more, qn, qt, b, "more")
		}
	}
	return resp, server, child, err
}

// askFlight asks the candidates through the flight of identical
// questions to the zone (tag tells apart the flights to other
// candidates), counting the packets against b unless another caller's
// flight sent them.
func (r *Resolver) askFlight(ctx context.Context, z *cut, cands []netip.Addr, qn string, qt uint16, b *budget, tag string) (*dns.Msg, string, *cut, error) {
	key := z.zone + "\x00" + qn + "\x00" + strconv.Itoa(int(qt)) + "\x00" + tag
	v, err, shared := r.flight.Do(key, func() (any, error) {
		// A flight that ended just before this one began may have
		// learned the cut below z that this question was going to be
		// referred to: follow it without asking.
		if c := r.cache.closest(qn, r.now()); c.zone != z.zone && under(c.zone, z.zone) {
			return &outcome{child: c}, nil
		}
		return r.tryServers(ctx, z, cands, qn, qt, b.left())
	})
	o, _ := v.(*outcome)
	if !shared && o != nil {
		b.add(o.sent)
	}
	if err != nil {
		return nil, "", nil, err
	}
	return o.resp, o.server, o.child, nil
}

// candidates returns the addresses of z's servers that may be asked:
// IPv4 (and IPv6 when on), not lame for the zone, unless all are.
func (r *Resolver) candidates(z *cut, now time.Time) []netip.Addr {
	var all, ok []netip.Addr
	r.cache.mu.RLock()
	for _, h := range z.ns {
		for _, a := range h.addrs {
			if !r.usable(a) {
				continue
			}
			all = append(all, a)
		}
	}
	r.cache.mu.RUnlock()
	for _, a := range all {
		if !r.servers.isLame(z.zone, a, now) {
			ok = append(ok, a)
		}
	}
	if len(ok) == 0 {
		return all
	}
	return ok
}

func (r *Resolver) usable(a netip.Addr) bool { return a.Is4() || a.Is4In6() || r.cfg.IPv6 }

// resolveGlueless finds addresses for the servers of z that have none
// (named without glue): all of them when all is set, else one after the
// other until one has a usable address. It reports whether any got one.
func (r *Resolver) resolveGlueless(ctx context.Context, z *cut, b *budget, depth int, all bool) bool {
	r.cache.mu.RLock()
	var hosts []string
	for _, h := range z.ns {
		if len(h.addrs) == 0 && !under(h.name, z.zone) { // one in the zone itself is unreachable without glue
			hosts = append(hosts, h.name)
		}
	}
	r.cache.mu.RUnlock()
	found := false
	for _, h := range hosts {
		if b.spent() {
			break
		}
		addrs, expires := r.hostAddrs(ctx, h, b, depth+1)
		r.cache.setHostAddrs(z, h, addrs, expires)
		if slices.ContainsFunc(addrs, r.usable) {
			found = true
			if !all {
				break
			}
		}
	}
	return found
}

// hostAddrs returns the addresses of a name server host, from the cache
// or resolved (A, and AAAA when IPv6 is on), and until when they hold.
func (r *Resolver) hostAddrs(ctx context.Context, host string, b *budget, depth int) ([]netip.Addr, time.Time) {
	now := r.now()
	if e, ok := r.cache.host(host, now); ok {
		return e.addrs, e.expires
	}
	types := []uint16{dns.TypeA}
	if r.cfg.IPv6 {
		types = append(types, dns.TypeAAAA)
	}
	var out []netip.Addr
	ttl := uint32(3600)
	failed := false
	for _, t := range types {
		resp, _, err := r.resolve(ctx, host, t, b, depth)
		if err != nil || resp.Rcode == dns.RcodeServerFailure {
			failed = true
			continue
		}
		end, _ := chainEnd(resp.Answer, host, t)
		for _, rr := range resp.Answer {
			if normName(rr.Header().Name) != end {
				continue
			}
			ttl = min(ttl, rr.Header().Ttl)
			out = append(out, rrAddr(rr)...)
		}
	}
	if len(out) == 0 {
		ttl = 60 // a host without address: asked again after a minute
	}
	if !failed && ctx.Err() == nil {
		r.cache.putHost(host, out, ttlOf(ttl), now)
	}
	return out, now.Add(ttlOf(ttl))
}

// rrAddr returns the address of an A or AAAA record.
func rrAddr(rr dns.RR) []netip.Addr {
	switch rr := rr.(type) {
	case *dns.A:
		if a, ok := netip.AddrFromSlice(rr.A.To4()); ok {
			return []netip.Addr{a}
		}
	case *dns.AAAA:
		if a, ok := netip.AddrFromSlice(rr.AAAA.To16()); ok {
			return []netip.Addr{a}
		}
	}
	return nil
}

// tryServers asks the candidates in order of score until one gives a
// usable answer, at most limit packets.
func (r *Resolver) tryServers(ctx context.Context, z *cut, cands []netip.Addr, qn string, qt uint16, limit int) (*outcome, error) {
	o := &outcome{}
	tried := make([]bool, len(cands))
	failures, lame := 0, 0
	var lastErr error
	for o.sent < limit && failures <= r.cfg.Retries {
		i := r.best(cands, tried)
		if i < 0 {
			break
		}
		tried[i] = true
		a := cands[i]
		o.server = netip.AddrPortFrom(a, r.cfg.Port).String()
		resp, n, err := r.exchange(ctx, a, qn, qt)
		o.sent += n
		if err != nil {
			if ctx.Err() != nil {
				return o, err
			}
			lastErr = err
			failures++
			continue
		}
		v, why := verdict(resp, z.zone, qn)
		switch v {
		case answerFinal:
			o.resp = resp
			return o, nil
		case answerReferral:
			o.resp, o.child = resp, r.learnCut(resp, z, r.now())
			return o, nil
		}
		r.servers.setLame(z.zone, a, why, rcodeText(resp.Rcode), r.now())
		lame++
	}
	switch {
	case lastErr != nil && lame == 0:
		return o, lastErr
	case o.sent >= limit:
		o.resp = workLimit(qn, qt)
	default:
		o.resp = servFail(qn, qt, dns.ExtendedErrorCodeNoReachableAuthority, "no server of "+zoneName(z.zone)+" answered with authority")
	}
	return o, nil
}

// best returns the index of the untried candidate with the lowest score,
// -1 when all were tried.
func (r *Resolver) best(cands []netip.Addr, tried []bool) int {
	now := time.Now()
	best, bestScore := -1, time.Duration(0)
	for i, a := range cands {
		if tried[i] {
			continue
		}
		if sc := r.servers.get(a).score(now); best < 0 || sc < bestScore {
			best, bestScore = i, sc
		}
	}
	return best
}

// exchange sends qn/qt to the server at a (UDP, then TCP when the answer
// is truncated) under its rate limit, and checks that the answer is for
// the question asked. It returns the packets sent.
func (r *Resolver) exchange(ctx context.Context, a netip.Addr, qn string, qt uint16) (*dns.Msg, int, error) {
	s := r.servers.get(a)
	if err := dnscrawl.WaitLimit(ctx, s.limiter); err != nil {
		return nil, 0, err
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(qn), qt)
	m.RecursionDesired = false
	m.SetEdns0(ednsSize, false)
	addr := netip.AddrPortFrom(a, r.cfg.Port)
	qctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	start := time.Now()
	sent := 1
	r.sent.Add(1)
	resp, needTCP, err := r.exchangeUDP(qctx, m, addr)
	if err == nil && needTCP {
		sent++
		r.sent.Add(1)
		resp, _, err = r.tcp.ExchangeContext(qctx, m, addr.String())
	}
	if err == nil {
		err = checkAnswer(m, resp)
	}
	if err != nil {
		if ctx.Err() == nil {
			s.failed(r.cfg.Timeout, time.Now())
		}
		return nil, sent, err
	}
	s.answered(time.Since(start))
	return resp, sent, nil
}

// ErrMismatch is the error of an answer whose ID or question is not the
// one asked.
var ErrMismatch = errors.New("answer does not match the question")

func checkAnswer(q, resp *dns.Msg) error {
	if resp.Id != q.Id || len(resp.Question) != 1 {
		return ErrMismatch
	}
	got, want := resp.Question[0], q.Question[0]
	if got.Qtype != want.Qtype || got.Qclass != want.Qclass || !strings.EqualFold(got.Name, want.Name) {
		return fmt.Errorf("%w: answer for %s", ErrMismatch, got.Name)
	}
	return nil
}

type answerKind int

const (
	answerFinal answerKind = iota
	answerReferral
	answerLame
)

// verdict sorts an answer from a server of zone to question qn: a final
// answer (with authority), a referral down toward qn, or lame, with why.
func verdict(m *dns.Msg, zone, qn string) (answerKind, dnscrawl.LameWhy) {
	switch m.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	case dns.RcodeRefused:
		return answerLame, dnscrawl.LameRefused
	case dns.RcodeServerFailure:
		return answerLame, dnscrawl.LameServFail
	default:
		return answerLame, dnscrawl.LameBadRcode
	}
	down := false
	if m.Rcode == dns.RcodeSuccess && len(m.Answer) == 0 {
		child := referralZone(m)
		down = child != "" && child != zone && under(child, zone) && under(qn, child)
	}
	switch {
	case down && (!m.Authoritative || !hasSOA(m)):
		// A referral; some servers set the AA bit on theirs too, but a
		// NODATA answer carries the zone's SOA.
		return answerReferral, ""
	case m.Authoritative:
		return answerFinal, ""
	}
	return answerLame, dnscrawl.LameNotAuth
}

func hasSOA(m *dns.Msg) bool {
	return slices.ContainsFunc(m.Ns, func(rr dns.RR) bool { return rr.Header().Rrtype == dns.TypeSOA })
}

// referralZone returns the owner of the NS records of m's authority
// section, "" when there are none.
func referralZone(m *dns.Msg) string {
	for _, rr := range m.Ns {
		if ns, ok := rr.(*dns.NS); ok {
			return normName(ns.Hdr.Name)
		}
	}
	return ""
}

// under reports whether name is zone or below it ("" is the root).
func under(name, zone string) bool {
	return zone == "" || name == zone || strings.HasSuffix(name, "."+zone)
}

// learnCut makes the cut of a referral from a server of z and caches it:
// the NS set and the glue within z's bailiwick.
func (r *Resolver) learnCut(m *dns.Msg, z *cut, now time.Time) *cut {
	child := referralZone(m)
	c := &cut{zone: child, parent: z.zone}
	ttl := uint32(86400)
	for _, rr := range m.Ns {
		ns, ok := rr.(*dns.NS)
		if !ok || normName(ns.Hdr.Name) != child {
			continue
		}
		name := normName(ns.Ns)
		if slices.ContainsFunc(c.ns, func(h nsHost) bool { return h.name == name }) {
			continue
		}
		ttl = min(ttl, ns.Hdr.Ttl)
		h := nsHost{name: name}
		if under(name, z.zone) {
			for _, ex := range m.Extra {
				if normName(ex.Header().Name) == name {
					h.addrs = append(h.addrs, rrAddr(ex)...)
					ttl = min(ttl, ex.Header().Ttl)
				}
			}
		}
		h.glue = len(h.addrs) > 0
		if !h.glue {
			if e, ok := r.cache.host(name, now); ok && len(e.addrs) > 0 {
				h.addrs = e.addrs
				c.expires = minTime(c.expires, e.expires)
			}
		}
		c.ns = append(c.ns, h)
	}
	slices.SortFunc(c.ns, func(x, y nsHost) int { return strings.Compare(x.name, y.name) })
	c.expires = minTime(c.expires, now.Add(ttlOf(ttl)))
	r.cache.putCut(c, now)
	return c
}

func rcodeText(rc int) string {
	if s, ok := dns.RcodeToString[rc]; ok {
		return s
	}
	return "rcode " + strconv.Itoa(rc)
}

// zoneName writes a zone for people: "." for the root.
func zoneName(z string) string {
	if z == "" {
		return "."
	}
	return z
}

// isTimeout reports whether err is a timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(err, dnscrawl.ErrRateLimited) || (errors.As(err, &ne) && ne.Timeout())
}

// minTime returns the earlier of a and b, a zero time counting as none.
func minTime(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}
