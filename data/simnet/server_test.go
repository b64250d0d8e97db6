package simnet

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

// startServer serves in on 127.0.0.1:0 for the duration of the test.
func startServer(t testing.TB, in *Internet) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Serve(ctx, in, "127.0.0.1:0")
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// findDomain returns the first domain whose plan satisfies pred.
func findDomain(t testing.TB, in *Internet, pred func(p *plan) bool) string {
	t.Helper()
	var p plan
	for i := range in.doms {
		in.makePlan(&p, i)
		if pred(&p) {
			return p.name
		}
	}
	t.Fatal("no domain of the population has the property")
	return ""
}

func query(name string, qt uint16) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qt)
	return m
}

func exchange(t testing.TB, addr, network string, m *dns.Msg, timeout time.Duration) (*dns.Msg, error) {
	t.Helper()
	c := &dns.Client{Net: network, Timeout: timeout}
	r, _, err := c.Exchange(m, addr)
	return r, err
}

func rrTypes(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, dns.TypeToString[rr.Header().Rrtype])
	}
	return out
}

func TestServer(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 5000, Seed: 1})
	s := startServer(t, in)
	web := func(k webKind) func(p *plan) bool {
		return func(p *plan) bool {
			return p.d.status == statusOK && webProfiles[p.d.web].kind == k && p.host[hostWWW].exists
		}
	}
	direct := findDomain(t, in, func(p *plan) bool {
		return web(webDirect)(p) && p.d.flags&flagV6 == 0 && p.d.email == emailGoogle && p.host[hostWWW].n == 0
	})
	proxied := findDomain(t, in, func(p *plan) bool { return web(webCloudflareProxied)(p) && p.d.flags&flagV6 != 0 })
	route53 := findDomain(t, in, func(p *plan) bool { return p.d.status == statusOK && p.d.dns1 == dnsRoute53 && p.d.dns2 == dnsNone })
	cloudfront := findDomain(t, in, web(webCloudFront))
	akamai3 := findDomain(t, in, func(p *plan) bool { return web(webAkamai)(p) && p.host[hostWWW].n == 3 })
	selfDNS := findDomain(t, in, func(p *plan) bool { return p.d.status == statusOK && p.d.dns1 == dnsSelf })
	noWWW := findDomain(t, in, func(p *plan) bool { return p.d.status == statusOK && !p.host[hostWWW].exists })
	nxdomain := findDomain(t, in, func(p *plan) bool { return p.d.status == statusNXDomain })
	servfail := findDomain(t, in, func(p *plan) bool { return p.d.status == statusServFail })

	tests := []struct {
		name      string
		q         *dns.Msg
		rcode     int
		answer    []string // RR types of the answer section, in order
		authSOA   bool     // an SOA in the authority section
		check     func(t *testing.T, r *dns.Msg)
		noNetwork bool
	}{
		{name: "A direct", q: query(direct, dns.TypeA), answer: []string{"A"}},
		{name: "AAAA proxied", q: query("www."+proxied, dns.TypeAAAA), answer: []string{"AAAA", "AAAA"},
			check: func(t *testing.T, r *dns.Msg) {
				for _, rr := range r.Answer {
					if !strings.HasPrefix(rr.(*dns.AAAA).AAAA.String(), "2606:4700:") {
						t.Errorf("%v is not in Cloudflare's space", rr)
					}
				}
			}},
		{name: "NS route53", q: query(route53, dns.TypeNS), answer: []string{"NS", "NS", "NS", "NS"},
			check: func(t *testing.T, r *dns.Msg) {
				for _, rr := range r.Answer {
					if !strings.Contains(rr.(*dns.NS).Ns, ".awsdns-") {
						t.Errorf("%v is not a Route 53 server", rr)
					}
				}
				if len(r.Extra) < 4 {
					t.Errorf("additional section has %d records, want the servers' addresses", len(r.Extra))
				}
			}},
		{name: "SOA", q: query(route53, dns.TypeSOA), answer: []string{"SOA"},
			check: func(t *testing.T, r *dns.Msg) {
				soa := r.Answer[0].(*dns.SOA)
				if !strings.Contains(soa.Ns, ".awsdns-") || soa.Mbox != "awsdns-hostmaster.amazon.com." {
					t.Errorf("SOA %v does not name Route 53", soa)
				}
			}},
		{name: "MX google", q: query(direct, dns.TypeMX),
			check: func(t *testing.T, r *dns.Msg) {
				if len(r.Answer) == 0 {
					t.Fatal("no MX")
				}
				for _, rr := range r.Answer {
					if !strings.HasSuffix(rr.(*dns.MX).Mx, ".google.com.") {
						t.Errorf("%v is not Google", rr)
					}
				}
			}},
		{name: "CNAME only", q: query("www."+cloudfront, dns.TypeCNAME), answer: []string{"CNAME"},
			check: func(t *testing.T, r *dns.Msg) {
				if tg := r.Answer[0].(*dns.CNAME).Target; !strings.HasSuffix(tg, ".cloudfront.net.") {
					t.Errorf("target %s", tg)
				}
			}},
		{name: "CNAME target answered", q: query(cnameTarget(t, in, cloudfront), dns.TypeA), answer: []string{"A", "A", "A", "A"}},
		{name: "CNAME chain", q: query("www."+akamai3, dns.TypeA), answer: []string{"CNAME", "CNAME", "CNAME", "A", "A"},
			check: func(t *testing.T, r *dns.Msg) {
				owner := dns.Fqdn("www." + akamai3)
				for _, rr := range r.Answer {
					if rr.Header().Name != owner {
						t.Errorf("%v: chain broken, want owner %s", rr, owner)
					}
					if c, ok := rr.(*dns.CNAME); ok {
						owner = c.Target
					}
				}
				if !strings.HasSuffix(owner, ".akamaiedge.net.") {
					t.Errorf("chain ends on %s", owner)
				}
			}},
		{name: "provider zone NS", q: query("cloudfront.net", dns.TypeNS), answer: []string{"NS", "NS", "NS", "NS"}},
		{name: "self-hosted NS address", q: query("ns1."+selfDNS, dns.TypeA), answer: []string{"A"}},
		{name: "NXDOMAIN unknown name", q: query("no-such-domain-zq.com", dns.TypeA), rcode: dns.RcodeNameError, authSOA: true},
		{name: "NXDOMAIN under a domain", q: query("nope."+direct, dns.TypeA), rcode: dns.RcodeNameError, authSOA: true},
		{name: "NXDOMAIN broken domain", q: query(nxdomain, dns.TypeNS), rcode: dns.RcodeNameError, authSOA: true},
		{name: "NXDOMAIN no www", q: query("www."+noWWW, dns.TypeA), rcode: dns.RcodeNameError, authSOA: true},
		{name: "NODATA AAAA", q: query(direct, dns.TypeAAAA), authSOA: true},
		{name: "NODATA provider name", q: query("cname.vercel-dns.com", dns.TypeMX), authSOA: true},
		{name: "NODATA empty non-terminal", q: query("cdn.cloudflare.net", dns.TypeNS), authSOA: true},
		{name: "NODATA empty non-terminal 2", q: query("dscb.akamaiedge.net", dns.TypeA), authSOA: true},
		{name: "NXDOMAIN in provider zone", q: query("nothing-here.cloudfront.net", dns.TypeA), rcode: dns.RcodeNameError, authSOA: true},
		{name: "SERVFAIL", q: query("www."+servfail, dns.TypeA), rcode: dns.RcodeServerFailure},
	}
	for _, tt := range tests {
		for _, network := range []string{"udp", "tcp"} {
			t.Run(tt.name+"/"+network, func(t *testing.T) {
				t.Parallel()
				r, err := exchange(t, s.Addr(), network, tt.q.Copy(), 2*time.Second)
				if err != nil {
					t.Fatal(err)
				}
				if r.Rcode != tt.rcode {
					t.Errorf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
				}
				if !r.RecursionAvailable || !r.RecursionDesired || !r.Response {
					t.Errorf("flags RA=%v RD=%v QR=%v, want all set", r.RecursionAvailable, r.RecursionDesired, r.Response)
				}
				if tt.answer != nil || tt.check == nil {
					if diff := cmp.Diff(tt.answer, rrTypes(r.Answer)); diff != "" {
						t.Errorf("answer types (-want +got):\n%s\n%v", diff, r)
					}
				}
				gotSOA := len(r.Ns) == 1 && r.Ns[0].Header().Rrtype == dns.TypeSOA
				if gotSOA != tt.authSOA {
					t.Errorf("SOA in authority = %v, want %v\n%v", gotSOA, tt.authSOA, r)
				}
				if tt.check != nil {
					tt.check(t, r)
				}
			})
		}
	}
}

// cnameTarget returns the target of the www CNAME of domain.
func cnameTarget(t *testing.T, in *Internet, domain string) string {
	t.Helper()
	var r reply
	in.answer(dns.Question{Name: dns.Fqdn("www." + domain), Qtype: dns.TypeCNAME, Qclass: dns.ClassINET}, &r)
	if len(r.ans) != 1 {
		t.Fatalf("www.%s has no CNAME", domain)
	}
	return r.ans[0].(*dns.CNAME).Target
}

func TestServerTimeoutDomain(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 3000, Seed: 1})
	s := startServer(t, in)
	timeout := findDomain(t, in, func(p *plan) bool { return p.d.status == statusTimeout })
	for _, name := range []string{timeout, "www." + timeout} {
		_, err := exchange(t, s.Addr(), "udp", query(name, dns.TypeA), 300*time.Millisecond)
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("%s: err = %v, want a timeout", name, err)
		}
	}
	if st := s.Stats(); st.Dropped != 2 || st.Answered != 0 {
		t.Errorf("stats %+v, want 2 dropped, none answered", st)
	}
}

func TestServerTruncation(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 5000, Seed: 1})
	s := startServer(t, in)
	// A redundant delegation whose NS reply with addresses exceeds 512
	// bytes.
	var big string
	var want int
	var p plan
	for i := range in.doms {
		in.makePlan(&p, i)
		if p.d.status != statusOK || p.d.dns2 == dnsNone {
			continue
		}
		var r reply
		in.answer(dns.Question{Name: p.name + ".", Qtype: dns.TypeNS, Qclass: dns.ClassINET}, &r)
		m := query(p.name, dns.TypeNS)
		m.Answer, m.Extra, m.Compress = r.ans, r.extra, true
		if m.Len() > 700 {
			big, want = p.name, len(r.ans)+len(r.extra)
			break
		}
	}
	if big == "" {
		t.Fatal("no reply larger than 700 bytes in the population")
	}
	tests := []struct {
		name      string
		network   string
		edns      uint16
		truncated bool
	}{
		{"udp without EDNS", "udp", 0, true},
		{"udp EDNS 512", "udp", 512, true},
		{"udp EDNS 4096", "udp", 4096, false},
		{"tcp", "tcp", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := query(big, dns.TypeNS)
			if tt.edns > 0 {
				q.SetEdns0(tt.edns, false)
			}
			r, err := exchange(t, s.Addr(), tt.network, q, 2*time.Second)
			if err != nil && !(tt.truncated && errors.Is(err, dns.ErrBuf)) {
				t.Fatal(err)
			}
			if r.Truncated != tt.truncated {
				t.Errorf("TC = %v, want %v", r.Truncated, tt.truncated)
			}
			got := len(r.Answer) + len(r.Extra)
			if r.IsEdns0() != nil {
				got-- // the OPT record
			}
			if !tt.truncated && got != want {
				t.Errorf("%d records, want %d", got, want)
			}
			r.Compress = true // as sent; an unpacked message forgets it
			if tt.truncated && r.Len() > 512 {
				t.Errorf("truncated reply is %d bytes", r.Len())
			}
		})
	}
}

func TestServerEchoesIDAndQuestion(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 500, Seed: 1})
	s := startServer(t, in)
	name := strings.ToUpper(in.Domain(3)[:1]) + in.Domain(3)[1:] + "."
	tests := []struct {
		name string
		rd   bool
		id   uint16
	}{
		{"recursion desired", true, 0xbeef},
		{"no recursion desired", false, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := query(name, dns.TypeA)
			q.Id, q.RecursionDesired = tt.id, tt.rd
			r, err := exchange(t, s.Addr(), "udp", q, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if r.Id != tt.id || r.RecursionDesired != tt.rd || !r.RecursionAvailable {
				t.Errorf("id %#x RD %v RA %v, want id %#x RD %v RA true", r.Id, r.RecursionDesired, r.RecursionAvailable, tt.id, tt.rd)
			}
			if diff := cmp.Diff(q.Question, r.Question); diff != "" {
				t.Errorf("question (-sent +got):\n%s", diff)
			}
			if r.Rcode != dns.RcodeSuccess || len(r.Answer) == 0 || r.Answer[0].Header().Name != name {
				t.Errorf("answer %v, want records owned by %s as asked", r.Answer, name)
			}
		})
	}
}

func TestServeRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 10})
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "192.0.2.1:53", "localhost:0", ":0", "8.8.8.8:53"} {
		t.Run(addr, func(t *testing.T) {
			t.Parallel()
			s, err := Serve(context.Background(), in, addr)
			if !errors.Is(err, ErrNotLoopback) {
				if s != nil {
					s.Close()
				}
				t.Errorf("Serve(%q) err = %v, want ErrNotLoopback", addr, err)
			}
		})
	}
}

func TestServerStopsWithContext(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 10})
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Serve(ctx, in, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exchange(t, s.Addr(), "udp", query(in.Domain(1), dns.TypeNS), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := exchange(t, s.Addr(), "tcp", query(in.Domain(1), dns.TypeNS), 200*time.Millisecond)
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server still answers 5 s after its context was cancelled")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
	if st := s.Stats(); st.Queries == 0 || st.Answered == 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestServerEDNS(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 100, Seed: 1})
	s := startServer(t, in)
	tests := []struct {
		name    string
		version uint8
		rcode   int
	}{
		{"version 0", 0, dns.RcodeSuccess},
		{"version 1", 1, dns.RcodeBadVers},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := query(in.Domain(1), dns.TypeNS)
			q.SetEdns0(1232, false)
			q.IsEdns0().SetVersion(tt.version)
			r, err := exchange(t, s.Addr(), "udp", q, 2*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if r.Rcode != tt.rcode {
				t.Errorf("rcode %s, want %s", dns.RcodeToString[r.Rcode], dns.RcodeToString[tt.rcode])
			}
			opt := r.IsEdns0()
			if opt == nil || opt.UDPSize() != advertisedUDPSize {
				t.Errorf("reply OPT %v, want one advertising %d", opt, advertisedUDPSize)
			}
		})
	}
}
