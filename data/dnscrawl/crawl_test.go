package dnscrawl

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
)

// testServer is a small recursive-resolver look-alike on 127.0.0.1 with
// its own handler (never the global mux). Records are given as zone-file
// lines; a name may also carry a behaviour.
type testServer struct {
	addr string
	mu   sync.Mutex
	rrs  map[string][]dns.RR // by owner name (fqdn, lower case)
	// behaviour by owner name suffix: "servfail", "refused", "drop",
	// "truncate", "wrongid", "wrongq", "nofollow" (answer only the first
	// CNAME of a chain, like a resolver that does not chase across zones),
	// "lame" (NS answered, every other question SERVFAIL), "lameede"
	// (SERVFAIL with Extended DNS Error 22), "oversize" (a UDP answer
	// larger than the client's buffer, without TC)
	behave map[string]string
	count  int
	// dieAfter, when positive, shuts the server down after that many
	// questions: a resolver that dies mid-run.
	dieAfter int
	shutdown func()
}

func newTestServer(t *testing.T, zone string, behave map[string]string) *testServer {
	t.Helper()
	s := &testServer{rrs: map[string][]dns.RR{}, behave: behave}
	for _, line := range strings.Split(zone, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		rr, err := dns.NewRR(line)
		if err != nil {
			t.Fatalf("bad test record %q: %v", line, err)
		}
		name := strings.ToLower(rr.Header().Name)
		s.rrs[name] = append(s.rrs[name], rr)
	}
	mux := dns.NewServeMux()
	mux.HandleFunc(".", s.handle)
	addr, shutdown, err := dnsserver.Serve(mux)
	if err != nil {
		t.Fatal(err)
	}
	s.addr, s.shutdown = addr, shutdown
	t.Cleanup(s.shutdown)
	return s
}

func (s *testServer) behaviour(name string) string {
	for suffix, b := range s.behave {
		if name == suffix || strings.HasSuffix(name, "."+suffix) {
			return b
		}
	}
	return ""
}

func (s *testServer) handle(w dns.ResponseWriter, r *dns.Msg) {
	s.mu.Lock()
	s.count++
	dead := s.dieAfter > 0 && s.count > s.dieAfter
	s.mu.Unlock()
	if dead {
		go s.shutdown()
		return
	}
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	m := new(dns.Msg)
	m.SetReply(r)
	m.RecursionAvailable = true
	_, isUDP := w.RemoteAddr().(*net.UDPAddr)
	switch s.behaviour(strings.TrimSuffix(name, ".")) {
	case "drop":
		return
	case "servfail":
		m.Rcode = dns.RcodeServerFailure
		w.WriteMsg(m)
		return
	case "refused":
		m.Rcode = dns.RcodeRefused
		w.WriteMsg(m)
		return
	case "wrongid":
		m.Id++
		w.WriteMsg(m)
		return
	case "wrongq":
		m.Question[0].Name = "other.test."
		w.WriteMsg(m)
		return
	case "lame":
		if q.Qtype != dns.TypeNS {
			m.Rcode = dns.RcodeServerFailure
			w.WriteMsg(m)
			return
		}
	case "lameede":
		m.Rcode = dns.RcodeServerFailure
		m.SetEdns0(1232, false)
		opt := m.IsEdns0()
		opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeNoReachableAuthority, ExtraText: "at delegation lameede.test.: rcode=REFUSED"})
		w.WriteMsg(m)
		return
	case "oversize":
		if isUDP {
			for i := range 200 {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60},
					Txt: []string{fmt.Sprintf("filler %03d %s", i, strings.Repeat("x", 40))}})
			}
			w.WriteMsg(m) // about 14 kB, no TC bit: larger than any buffer the client offered
			return
		}
	case "truncate":
		if isUDP {
			m.Truncated = true
			w.WriteMsg(m)
			return
		}
	}
	nofollow := s.behaviour(strings.TrimSuffix(name, ".")) == "nofollow"
	cur := name
	visited := map[string]bool{cur: true}
	for hops := 0; hops < 40; hops++ {
		var cname *dns.CNAME
		for _, rr := range s.rrs[cur] {
			if c, ok := rr.(*dns.CNAME); ok && q.Qtype != dns.TypeCNAME {
				cname = c
			}
			if rr.Header().Rrtype == q.Qtype {
				cname = nil
				break
			}
		}
		if cname == nil {
			break
		}
		if visited[strings.ToLower(cname.Target)] {
			m.Answer = append(m.Answer, cname)
			w.WriteMsg(m)
			return
		}
		visited[strings.ToLower(cname.Target)] = true
		m.Answer = append(m.Answer, cname)
		cur = strings.ToLower(cname.Target)
		if nofollow {
			w.WriteMsg(m)
			return
		}
	}
	found := false
	for _, rr := range s.rrs[cur] {
		if rr.Header().Rrtype == q.Qtype {
			m.Answer = append(m.Answer, rr)
		}
		found = true
	}
	if !found {
		// Does anything exist below cur (an empty non-terminal)?
		for n := range s.rrs {
			if strings.HasSuffix(n, "."+cur) {
				found = true
			}
		}
	}
	if !found {
		m.Rcode = dns.RcodeNameError
	}
	if len(m.Answer) == 0 || !found {
		// Negative answers carry the SOA of the enclosing zone.
		for z := cur; z != ""; {
			for _, rr := range s.rrs[z] {
				if rr.Header().Rrtype == dns.TypeSOA {
					m.Ns = append(m.Ns, rr)
				}
			}
			if len(m.Ns) > 0 {
				break
			}
			_, z, _ = strings.Cut(z, ".")
		}
	}
	w.WriteMsg(m)
}

const testZone = `
example.com. 300 IN NS ns1.dnsprov.net.
example.com. 300 IN NS ns2.dnsprov.net.
example.com. 300 IN SOA ns1.dnsprov.net. hostmaster.example.com. 7 3600 600 86400 300
example.com. 300 IN A 192.0.2.10
example.com. 300 IN AAAA 2001:db8::10
example.com. 300 IN MX 20 mx2.mailprov.net.
example.com. 300 IN MX 10 mx1.mailprov.net.
www.example.com. 300 IN CNAME www.example.com.cdn-a.net.
www.example.com.cdn-a.net. 300 IN CNAME e1.edge.cdn-a.net.
e1.edge.cdn-a.net. 300 IN A 198.51.100.7
e1.edge.cdn-a.net. 300 IN A 198.51.100.8
ns1.dnsprov.net. 300 IN A 203.0.113.1
ns2.dnsprov.net. 300 IN A 203.0.113.2
ns2.dnsprov.net. 300 IN AAAA 2001:db8::53
mx1.mailprov.net. 300 IN A 203.0.113.25
mx2.mailprov.net. 300 IN A 203.0.113.26
cdn-a.net. 300 IN NS ns.cdn-a.net.
cdn-a.net. 300 IN SOA ns.cdn-a.net. ops.cdn-a.net. 1 3600 600 86400 300
ns.cdn-a.net. 300 IN A 203.0.113.90
sub.example.org. 300 IN A 192.0.2.44
example.org. 300 IN NS ns1.dnsprov.net.
example.org. 300 IN SOA ns1.dnsprov.net. hostmaster.example.org. 1 3600 600 86400 300
loop.test. 300 IN NS ns1.dnsprov.net.
loop.test. 300 IN SOA ns1.dnsprov.net. h.loop.test. 1 3600 600 86400 300
loop.test. 300 IN CNAME a.loop.test.
a.loop.test. 300 IN CNAME loop.test.
long.test. 300 IN NS ns1.dnsprov.net.
long.test. 300 IN SOA ns1.dnsprov.net. h.long.test. 1 3600 600 86400 300
nowww.test. 300 IN NS ns1.dnsprov.net.
nowww.test. 300 IN SOA ns1.dnsprov.net. h.nowww.test. 1 3600 600 86400 300
nowww.test. 300 IN A 192.0.2.99
nofollow.test. 300 IN NS ns1.dnsprov.net.
nofollow.test. 300 IN SOA ns1.dnsprov.net. h.nofollow.test. 1 3600 600 86400 300
nofollow.test. 300 IN CNAME hop1.far.test.
hop1.far.test. 300 IN CNAME hop2.far.test.
hop2.far.test. 300 IN A 192.0.2.77
big.test. 300 IN NS ns1.dnsprov.net.
big.test. 300 IN SOA ns1.dnsprov.net. h.big.test. 1 3600 600 86400 300
big.test. 300 IN A 192.0.2.5
slowns.test. 300 IN NS ns1.dnsprov.net.
lame.test. 300 IN NS ns1.dnsprov.net.
lame.test. 300 IN SOA ns1.dnsprov.net. h.lame.test. 1 3600 600 86400 300
lame.test. 300 IN A 192.0.2.66
huge.test. 300 IN NS ns1.dnsprov.net.
huge.test. 300 IN SOA ns1.dnsprov.net. h.huge.test. 1 3600 600 86400 300
huge.test. 300 IN A 192.0.2.67
`

func longChain() string {
	var b strings.Builder
	b.WriteString("long.test. 300 IN CNAME h0.long.test.\n")
	for i := range 20 {
		fmt.Fprintf(&b, "h%d.long.test. 300 IN CNAME h%d.long.test.\n", i, i+1)
	}
	return b.String()
}

func crawlAll(t *testing.T, cfg Config, domains ...string) map[string]*Observation {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*Observation{}
	targets := func(yield func(Target) bool) {
		for i, d := range domains {
			if !yield(Target{Domain: d, Rank: i + 1}) {
				return
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stats, err := c.Crawl(ctx, targets, func(o *Observation) error {
		if got[o.Domain] != nil {
			t.Errorf("domain %s emitted twice", o.Domain)
		}
		got[o.Domain] = o
		return nil
	})
	if err != nil {
		t.Fatalf("Crawl: %v", err)
	}
	if stats.Domains != len(domains) || len(got) != len(domains) {
		t.Fatalf("crawl emitted %d observations (stats %d), want %d", len(got), stats.Domains, len(domains))
	}
	sum := 0
	for _, n := range stats.ByStatus {
		sum += n
	}
	if sum != len(domains) {
		t.Errorf("status counts add up to %d, want %d", sum, len(domains))
	}
	return got
}

func mkAddrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

func TestCrawlFullPlan(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, testZone, nil)
	got := crawlAll(t, Config{Resolvers: []string{srv.addr}, Concurrency: 4, Timeout: time.Second}, "example.com")
	o := got["example.com"]
	want := &Observation{
		SchemaVersion: SchemaVersion,
		Domain:        "example.com",
		Rank:          1,
		Status:        StatusOK,
		NS: []NSHost{
			{Name: "ns1.dnsprov.net", Addrs: mkAddrs("203.0.113.1")},
			{Name: "ns2.dnsprov.net", Addrs: mkAddrs("203.0.113.2", "2001:db8::53")},
		},
		SOA:  &SOA{MName: "ns1.dnsprov.net", RName: "hostmaster.example.com", Serial: 7},
		Apex: Host{Name: "example.com", Status: StatusOK, A: mkAddrs("192.0.2.10"), AAAA: mkAddrs("2001:db8::10")},
		WWW: Host{Name: "www.example.com", Status: StatusOK,
			CNAMEs: []string{"www.example.com.cdn-a.net", "e1.edge.cdn-a.net"},
			A:      mkAddrs("198.51.100.7", "198.51.100.8")},
		MX: []MXHost{
			{Preference: 10, Name: "mx1.mailprov.net", Addrs: mkAddrs("203.0.113.25")},
			{Preference: 20, Name: "mx2.mailprov.net", Addrs: mkAddrs("203.0.113.26")},
		},
		MXStatus:    StatusOK,
		TargetZones: []ZoneNS{{Zone: "cdn-a.net", NS: []string{"ns.cdn-a.net"}}},
		Resolver:    srv.addr,
	}
	ignore := cmpopts.IgnoreFields(Observation{}, "StartedAt", "DurationMS", "Queries", "Attempts")
	if diff := cmp.Diff(want, o, ignore, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("observation mismatch (-want +got):\n%s", diff)
	}
	if o.Queries < 7 || o.Attempts < o.Queries {
		t.Errorf("queries=%d attempts=%d: expected at least the 7 questions of the plan", o.Queries, o.Attempts)
	}
}

func TestCrawlOutcomes(t *testing.T) {
	t.Parallel()
	zone := testZone + longChain()
	srv := newTestServer(t, zone, map[string]string{
		"broken.test":   "servfail",
		"closed.test":   "refused",
		"silent.test":   "drop",
		"big.test":      "truncate",
		"spoofid.test":  "wrongid",
		"spoofq.test":   "wrongq",
		"nofollow.test": "nofollow",
		"lame.test":     "lame",
		"lameede.test":  "lameede",
		"huge.test":     "oversize",
	})
	cfg := Config{Resolvers: []string{srv.addr}, Concurrency: 8, Timeout: 200 * time.Millisecond, Retries: 1, Backoff: time.Millisecond}
	domains := []string{"example.com", "missing.test", "broken.test", "closed.test", "silent.test",
		"loop.test", "long.test", "nowww.test", "nofollow.test", "big.test", "spoofid.test", "spoofq.test", "sub.example.org", "bad..name",
		"lame.test", "lameede.test", "huge.test"}
	got := crawlAll(t, cfg, domains...)
	tests := []struct {
		domain           string
		status, apex, ww Status
		apexChain        int
	}{
		{"example.com", StatusOK, StatusOK, StatusOK, 0},
		{"missing.test", StatusNXDomain, StatusNXDomain, StatusNXDomain, 0},
		{"broken.test", StatusServFail, StatusServFail, StatusServFail, 0},
		{"closed.test", StatusRefused, StatusRefused, StatusRefused, 0},
		{"silent.test", StatusTimeout, StatusTimeout, StatusTimeout, 0},
		{"loop.test", StatusOK, StatusCNAMELoop, StatusNXDomain, 1},
		{"long.test", StatusOK, StatusTooLong, StatusNXDomain, MaxCNAMEHops},
		{"nowww.test", StatusOK, StatusOK, StatusNXDomain, 0},
		{"nofollow.test", StatusOK, StatusOK, StatusNXDomain, 2},
		{"big.test", StatusOK, StatusOK, StatusNXDomain, 0},
		{"spoofid.test", StatusTimeout, StatusTimeout, StatusTimeout, 0},
		{"spoofq.test", StatusNetworkError, StatusNetworkError, StatusNetworkError, 0},
		{"sub.example.org", StatusOK, StatusOK, StatusNXDomain, 0},
		{"bad..name", StatusInvalidName, StatusInvalidName, StatusInvalidName, 0},
		{"lame.test", StatusLameDelegation, StatusLameDelegation, StatusLameDelegation, 0},
		{"lameede.test", StatusLameDelegation, StatusLameDelegation, StatusLameDelegation, 0},
		{"huge.test", StatusOK, StatusOK, StatusNXDomain, 0},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			o := got[tt.domain]
			if o.Status != tt.status || o.Apex.Status != tt.apex || o.WWW.Status != tt.ww {
				t.Errorf("status=%s apex=%s www=%s, want %s %s %s (error %q, apex error %q)",
					o.Status, o.Apex.Status, o.WWW.Status, tt.status, tt.apex, tt.ww, o.Error, o.Apex.Error)
			}
			if len(o.Apex.CNAMEs) != tt.apexChain {
				t.Errorf("apex chain %v has %d hops, want %d", o.Apex.CNAMEs, len(o.Apex.CNAMEs), tt.apexChain)
			}
			if o.Status != StatusOK && o.Status != StatusInvalidName && o.Error == "" {
				t.Errorf("status %s without error text", o.Status)
			}
		})
	}
	if o := got["nofollow.test"]; !slices.Equal(o.Apex.A, mkAddrs("192.0.2.77")) {
		t.Errorf("chain not followed across answers: A = %v", o.Apex.A)
	}
	if o := got["big.test"]; !slices.Equal(o.Apex.A, mkAddrs("192.0.2.5")) {
		t.Errorf("truncated answer not retried over TCP: A = %v", o.Apex.A)
	}
	if o := got["huge.test"]; !slices.Equal(o.Apex.A, mkAddrs("192.0.2.67")) {
		t.Errorf("oversized UDP answer not retried over TCP: A = %v (%s)", o.Apex.A, o.Apex.Error)
	}
	if o := got["sub.example.org"]; len(o.NS) != 1 || o.NS[0].Name != "ns1.dnsprov.net" || o.SOA == nil {
		t.Errorf("subdomain did not get its zone's NS and SOA: %+v %+v", o.NS, o.SOA)
	}
	if o := got["silent.test"]; o.Attempts != 2 {
		t.Errorf("timeout domain made %d attempts, want 2 (one retry)", o.Attempts)
	}
}

// TestCrawlResolverDies stops the only resolver half-way: the crawl still
// ends, with one observation per domain.
func TestCrawlResolverDies(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close() // nothing listens there: every query fails fast or times out
	var domains []string
	for i := range 20 {
		domains = append(domains, fmt.Sprintf("d%d.test", i))
	}
	got := crawlAll(t, Config{Resolvers: []string{addr}, Concurrency: 4, Timeout: 100 * time.Millisecond, Retries: -1}, domains...)
	for d, o := range got {
		if o.Status != StatusNetworkError && o.Status != StatusTimeout {
			t.Errorf("%s: status %s, want network_error or timeout", d, o.Status)
		}
	}
}

func TestCrawlCancel(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, testZone, nil)
	c, err := New(Config{Resolvers: []string{srv.addr}, Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	targets := func(yield func(Target) bool) {
		for i := 0; i < 1_000_000; i++ {
			if !yield(Target{Domain: "example.com"}) {
				return
			}
		}
	}
	stats, err := c.Crawl(ctx, targets, func(o *Observation) error {
		n++
		if n == 10 {
			cancel()
		}
		return nil
	})
	if err != context.Canceled {
		t.Errorf("Crawl error = %v, want context.Canceled", err)
	}
	if stats.Domains != n || n < 10 || n > 10+2 {
		t.Errorf("emitted %d, stats %d: want 10 plus at most the 2 in flight", n, stats.Domains)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{{}, {Resolvers: []string{"127.0.0.1"}}} {
		if _, err := New(cfg); err == nil {
			t.Errorf("New(%+v) succeeded, want an error", cfg)
		}
	}
}

// manyDomains returns zone lines for n resolving domains d0.test ...
func manyDomains(n int) (string, []string) {
	var b strings.Builder
	var names []string
	for i := range n {
		d := fmt.Sprintf("d%d.test", i)
		names = append(names, d)
		fmt.Fprintf(&b, "%s. 300 IN NS ns1.dnsprov.net.\n%s. 300 IN SOA ns1.dnsprov.net. h.%s. 1 3600 600 86400 300\n%s. 300 IN A 192.0.2.%d\n", d, d, d, d, i%250+1)
	}
	return b.String(), names
}

// TestCrawlResolverDiesMidRun has two resolvers, one of which dies after
// some questions: every domain still resolves through the other, which the
// crawl turns to after the dead one fails.
func TestCrawlResolverDiesMidRun(t *testing.T) {
	t.Parallel()
	zone, names := manyDomains(60)
	dying := newTestServer(t, testZone+zone, nil)
	dying.mu.Lock()
	dying.dieAfter = 40
	dying.mu.Unlock()
	healthy := newTestServer(t, testZone+zone, nil)
	cfg := Config{Resolvers: []string{dying.addr, healthy.addr}, Concurrency: 4, Timeout: 250 * time.Millisecond, Retries: 3, Backoff: time.Millisecond}
	got := crawlAll(t, cfg, names...)
	for _, d := range names {
		if o := got[d]; o.Status != StatusOK || o.Apex.Status != StatusOK {
			t.Errorf("%s: status %s apex %s (%s %s), want ok through the healthy resolver", d, o.Status, o.Apex.Status, o.Error, o.Apex.Error)
		}
	}
	healthy.mu.Lock()
	defer healthy.mu.Unlock()
	if healthy.count == 0 {
		t.Error("the healthy resolver got no question")
	}
}

// TestCrawlRateLimitGivesUp: with a rate limit far below what the domain
// timeout allows, queries give up at once with a timeout instead of
// sleeping past the deadline, and every domain still gets its line.
func TestCrawlRateLimitGivesUp(t *testing.T) {
	t.Parallel()
	zone, names := manyDomains(10)
	srv := newTestServer(t, zone, nil)
	cfg := Config{Resolvers: []string{srv.addr}, Concurrency: 4, Timeout: 100 * time.Millisecond,
		DomainTimeout: 300 * time.Millisecond, Retries: -1, QPS: 1}
	got := crawlAll(t, cfg, names...)
	limited := 0
	for _, o := range got {
		if o.Status == StatusTimeout && strings.Contains(o.Error, "rate limit") {
			limited++
		}
	}
	if limited == 0 {
		t.Errorf("no domain gave up on the rate limit; statuses: %v", statusList(got))
	}
}

func statusList(got map[string]*Observation) []string {
	var out []string
	for d, o := range got {
		out = append(out, d+":"+string(o.Status))
	}
	slices.Sort(out)
	return out
}

func TestTargetZone(t *testing.T) {
	t.Parallel()
	tests := []struct{ target, want string }{
		{"e1.edge.cdn-a.net", "cdn-a.net"},               // an ordinary registrable domain
		{"d111abcdef8.cloudfront.net", "cloudfront.net"}, // a customer name under a private suffix
		{"shop-x1y2z3a.netlify.app", "netlify.app"},      // idem
		{"www.example.co.uk", "example.co.uk"},           // an ICANN suffix of two labels
		{"github.io", "github.io"},                       // the private suffix itself
	}
	for _, tt := range tests {
		got, err := targetZone(tt.target)
		if err != nil || got != tt.want {
			t.Errorf("targetZone(%q) = %q, %v; want %q", tt.target, got, err, tt.want)
		}
	}
}
