package lab

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
)

// Mode is how a server answers for a zone.
type Mode int

// The modes of a server for a zone.
const (
	Serve         Mode = iota // answer with authority
	Refuse                    // answer REFUSED
	ServFail                  // answer SERVFAIL
	NoAA                      // answer the zone's data without the AA bit
	BrokenENT                 // answer NXDOMAIN for empty non-terminals (a broken server)
	Silent                    // never answer
	ReferAA                   // set the AA bit on referrals too (a quirk of some servers)
	WrongName                 // answer with authority for another name than the one asked (a spoofed answer)
	Slow                      // answer with authority after SlowDelay
	notConfigured             // internal: the server does not have the zone
)

// SlowDelay is how late a server in mode Slow answers.
const SlowDelay = 250 * time.Millisecond

// Server is one authoritative server of the tree.
type Server struct {
	Addr netip.Addr
	// Zones maps each zone origin ("" or "." for the root, "com",
	// "example.com") to how the server answers for it.
	Zones map[string]Mode
}

// Spec is a tree: the zones' data as zone file text (origin-relative
// names allowed) and the servers.
type Spec struct {
	Zones   map[string]string
	Servers []Server
	// Roots names the root servers for the hints: NS host name to
	// address.
	Roots map[string]netip.Addr
	// Port is the port of every server; 0 picks a free high one. A
	// resolver that cannot be told another port than 53 for the servers
	// it learns from referrals (unbound) needs 53.
	Port uint16
}

// Query is one question a server got.
type Query struct {
	Name string // lower case, no trailing dot
	Type uint16
	At   time.Time
}

// Tree is a running delegation tree.
type Tree struct {
	Port  uint16
	Hints []iterative.Hint

	servers map[netip.Addr]*server
	stops   []func()
}

type zone struct {
	origin string
	rrs    map[string][]dns.RR // owner (normalised) -> records
	soa    *dns.SOA
	names  []string // every owner, for empty non-terminals
}

type server struct {
	addr  netip.Addr
	zones map[string]Mode
	data  map[string]*zone
	mu    sync.Mutex
	log   []Query
}

// Start parses the zones and starts every server on one port free on all
// their addresses (tried at random in a bounded number of attempts).
func Start(ctx context.Context, spec Spec) (*Tree, error) {
	data := map[string]*zone{}
	for origin, text := range spec.Zones {
		z, err := parseZone(norm(origin), text)
		if err != nil {
			return nil, err
		}
		data[z.origin] = z
	}
	t := &Tree{servers: map[netip.Addr]*server{}}
	for _, sp := range spec.Servers {
		if !sp.Addr.IsLoopback() {
			return nil, fmt.Errorf("lab server %s: not a loopback address", sp.Addr)
		}
		s := &server{addr: sp.Addr, zones: map[string]Mode{}, data: data}
		for o, m := range sp.Zones {
			if _, ok := data[norm(o)]; !ok {
				return nil, fmt.Errorf("lab server %s: no data for zone %q", sp.Addr, o)
			}
			s.zones[norm(o)] = m
		}
		t.servers[sp.Addr] = s
	}
	var lastErr error
	for try := range 20 {
		port := uint16(20000 + rand.IntN(40000))
		if spec.Port != 0 {
			if try > 0 {
				break
			}
			port = spec.Port
		}
		if err := t.listen(ctx, port); err != nil {
			lastErr = err
			t.Close()
			t.stops = nil
			continue
		}
		t.Port = port
		for name, a := range spec.Roots {
			t.Hints = append(t.Hints, iterative.Hint{Name: norm(name), Addrs: []netip.Addr{a}})
		}
		slices.SortFunc(t.Hints, func(x, y iterative.Hint) int { return strings.Compare(x.Name, y.Name) })
		return t, nil
	}
	return nil, fmt.Errorf("lab: no port free on every server address: %w", lastErr)
}

func (t *Tree) listen(ctx context.Context, port uint16) error {
	for _, s := range t.servers {
		pc, ln, err := dnsserver.Listen(ctx, netip.AddrPortFrom(s.addr, port).String())
		if err != nil {
			return err
		}
		udp := &dns.Server{PacketConn: pc, Handler: s}
		tcp := &dns.Server{Listener: ln, Handler: s}
		started := make(chan struct{}, 2)
		udp.NotifyStartedFunc = func() { started <- struct{}{} }
		tcp.NotifyStartedFunc = func() { started <- struct{}{} }
		go udp.ActivateAndServe()
		go tcp.ActivateAndServe()
		<-started
		<-started
		t.stops = append(t.stops, func() { udp.Shutdown(); tcp.Shutdown() })
	}
	return nil
}

// Close stops every server.
func (t *Tree) Close() {
	for _, stop := range t.stops {
		stop()
	}
}

// Log returns the questions the server at a got, in order.
func (t *Tree) Log(a netip.Addr) []Query {
	s, ok := t.servers[a]
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// ResetLogs empties every server's log.
func (t *Tree) ResetLogs() {
	for _, s := range t.servers {
		s.mu.Lock()
		s.log = nil
		s.mu.Unlock()
	}
}

func norm(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }

func parseZone(origin, text string) (*zone, error) {
	z := &zone{origin: origin, rrs: map[string][]dns.RR{}}
	zp := dns.NewZoneParser(strings.NewReader(text), dns.Fqdn(origin), "zone "+dns.Fqdn(origin))
	zp.SetDefaultTTL(300)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		owner := norm(rr.Header().Name)
		if owner != origin && !strings.HasSuffix(owner, "."+origin) && origin != "" {
			return nil, fmt.Errorf("zone %s: record %s out of zone", dns.Fqdn(origin), rr.Header().Name)
		}
		if soa, ok := rr.(*dns.SOA); ok && owner == origin {
			z.soa = soa
		}
		if _, ok := z.rrs[owner]; !ok {
			z.names = append(z.names, owner)
		}
		z.rrs[owner] = append(z.rrs[owner], rr)
	}
	if err := zp.Err(); err != nil {
		return nil, err
	}
	if z.soa == nil {
		return nil, errors.New("zone " + dns.Fqdn(origin) + ": no SOA record at the apex")
	}
	return z, nil
}

func under(name, zone string) bool {
	return zone == "" || name == zone || strings.HasSuffix(name, "."+zone)
}

// ServeDNS answers one question.
func (s *server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		return
	}
	q := req.Question[0]
	qname := norm(q.Name)
	s.mu.Lock()
	s.log = append(s.log, Query{Name: qname, Type: q.Qtype, At: time.Now()})
	s.mu.Unlock()
	m := new(dns.Msg)
	m.SetReply(req)
	origin, mode := s.zoneFor(qname)
	switch mode {
	case Silent:
		return
	case notConfigured, Refuse:
		m.Rcode = dns.RcodeRefused
	case ServFail:
		m.Rcode = dns.RcodeServerFailure
	case WrongName:
		other := "spoofed." + origin
		s.answer(m, s.data[origin], other, q.Qtype, Serve)
		m.Question[0].Name = dns.Fqdn(other)
		m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{192, 0, 2, 66}})
	case Slow:
		time.Sleep(SlowDelay)
		s.answer(m, s.data[origin], qname, q.Qtype, Serve)
	default:
		s.answer(m, s.data[origin], qname, q.Qtype, mode)
	}
	if o := req.IsEdns0(); o != nil {
		m.SetEdns0(o.UDPSize(), false)
	}
	w.WriteMsg(m)
}

// zoneFor returns the deepest zone the server has that holds qname.
func (s *server) zoneFor(qname string) (string, Mode) {
	best, mode, found := "", notConfigured, false
	for o, m := range s.zones {
		if under(qname, o) && (!found || len(o) > len(best)) {
			best, mode, found = o, m, true
		}
	}
	return best, mode
}

// answer fills m from zone z: a referral below a cut, the records (CNAME
// chain within the zone followed), NODATA or NXDOMAIN with the SOA.
func (s *server) answer(m *dns.Msg, z *zone, qname string, qtype uint16, mode Mode) {
	m.Authoritative = mode != NoAA
	// A cut between the apex and qname: refer, with the glue the zone
	// holds.
	labels := dns.SplitDomainName(qname)
	for i := len(labels) - 1; i >= 0; i-- {
		n := strings.Join(labels[i:], ".")
		if n == z.origin || !under(n, z.origin) {
			continue
		}
		if ns := rrsOf(z.rrs[n], dns.TypeNS); len(ns) > 0 {
			m.Authoritative = mode == ReferAA
			m.Ns = append(m.Ns, ns...)
			for _, rr := range ns {
				host := norm(rr.(*dns.NS).Ns)
				m.Extra = append(m.Extra, rrsOf(z.rrs[host], dns.TypeA)...)
				m.Extra = append(m.Extra, rrsOf(z.rrs[host], dns.TypeAAAA)...)
			}
			return
		}
	}
	cur := qname
	for range 10 {
		rrs, ok := z.rrs[cur]
		if !ok {
			break
		}
		if cn := rrsOf(rrs, dns.TypeCNAME); len(cn) > 0 && qtype != dns.TypeCNAME {
			m.Answer = append(m.Answer, cn...)
			cur = norm(cn[0].(*dns.CNAME).Target)
			if !under(cur, z.origin) {
				return
			}
			continue
		}
		if got := rrsOf(rrs, qtype); len(got) > 0 {
			m.Answer = append(m.Answer, got...)
			return
		}
		m.Ns = append(m.Ns, z.soa)
		return
	}
	if len(m.Answer) > 0 {
		m.Ns = append(m.Ns, z.soa)
		return
	}
	ent := slices.ContainsFunc(z.names, func(n string) bool { return strings.HasSuffix(n, "."+cur) })
	if !ent || mode == BrokenENT {
		m.Rcode = dns.RcodeNameError
	}
	m.Ns = append(m.Ns, z.soa)
}

func rrsOf(rrs []dns.RR, t uint16) []dns.RR {
	var out []dns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == t {
			out = append(out, rr)
		}
	}
	return out
}

// Recursive answers recursive questions with an iterative resolver: a
// recursive resolver on loopback for the tree, for comparisons with the
// crawl's recursive mode.
type Recursive struct{ R *iterative.Resolver }

// ServeDNS answers one question by resolving it.
func (h Recursive) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	if len(req.Question) != 1 {
		return
	}
	q := req.Question[0]
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, _, _, err := h.R.Resolve(ctx, q.Name, q.Qtype)
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = true
	if err != nil {
		m.Rcode = dns.RcodeServerFailure
	} else {
		m.Rcode, m.Answer, m.Ns = resp.Rcode, resp.Answer, resp.Ns
	}
	if o := req.IsEdns0(); o != nil {
		m.SetEdns0(o.UDPSize(), false)
	}
	w.WriteMsg(m)
}
