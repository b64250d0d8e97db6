package dnscrawl

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
)

// serveHandler serves h on loopback for the test and returns its address.
func serveHandler(t *testing.T, h dns.HandlerFunc) string {
	t.Helper()
	addr, shutdown, err := dnsserver.Serve(h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)
	return addr
}

// TestCrawlCancelAbandonsInFlight cancels a crawl while every worker waits
// on a question that is never answered: Crawl returns without waiting
// for the query timeout, and emits the domains that were complete but
// none of those in flight. The bound on the wait is a test timeout, well
// above the query timeout, so that a crawl that waits for its queries
// fails on what it emits, not on time.
func TestCrawlCancelAbandonsInFlight(t *testing.T) {
	t.Parallel()
	const workers = 3
	var mu sync.Mutex
	waiting := map[string]bool{}
	stuck := make(chan struct{})
	addr := serveHandler(t, func(w dns.ResponseWriter, r *dns.Msg) {
		name := r.Question[0].Name
		if strings.HasPrefix(name, "hang") {
			mu.Lock()
			defer mu.Unlock()
			waiting[name] = true
			if len(waiting) == workers {
				close(stuck)
			}
			return // never answered
		}
		m := new(dns.Msg)
		m.SetReply(r)
		m.Rcode = dns.RcodeNameError
		w.WriteMsg(m)
	})
	c, err := New(Config{Resolvers: []string{addr}, Concurrency: workers, Timeout: 5 * time.Second, DomainTimeout: time.Minute, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	targets := func(yield func(Target) bool) {
		for i := range 20 {
			if !yield(Target{Domain: fmt.Sprintf("quick%d.test", i)}) {
				return
			}
		}
		for i := range 10 {
			if !yield(Target{Domain: fmt.Sprintf("hang%d.test", i)}) {
				return
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-stuck
		cancel()
	}()
	type result struct {
		stats   Stats
		err     error
		emitted []string
	}
	done := make(chan result, 1)
	go func() {
		var r result
		r.stats, r.err = c.Crawl(ctx, targets, func(o *Observation) error {
			r.emitted = append(r.emitted, o.Domain)
			return nil
		})
		done <- r
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("Crawl did not return after its context was cancelled")
	}
	if r.err != context.Canceled {
		t.Errorf("Crawl error = %v, want context.Canceled", r.err)
	}
	if len(r.emitted) != 20 || r.stats.Domains != 20 {
		t.Errorf("emitted %d (stats %d), want the 20 quick domains", len(r.emitted), r.stats.Domains)
	}
	for _, d := range r.emitted {
		if strings.HasPrefix(d, "hang") {
			t.Errorf("%s, in flight when cancelled, was emitted", d)
		}
	}
}

func TestCheckResolver(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:53", true},
		{"[::1]:5353", true},
		{"192.0.2.1:65535", true},
		{"127.0.0.1:99999", false},
		{"127.0.0.1:0", false},
		{"127.0.0.1", false},
		{"not-an-address", false},
		{"dns.example:53", false},
		{"", false},
	} {
		if err := CheckResolver(tt.addr); (err == nil) != tt.ok {
			t.Errorf("CheckResolver(%q) = %v, want ok %v", tt.addr, err, tt.ok)
		}
	}
}

func TestListHash(t *testing.T) {
	t.Parallel()
	type entry struct {
		domain string
		rank   int
	}
	sum := func(es ...entry) string {
		h := NewListHash()
		for _, e := range es {
			h.Add(e.domain, e.rank)
		}
		return h.Sum()
	}
	base := sum(entry{"a.com", 0}, entry{"b.com", 0})
	// printf '0,a.com\n0,b.com\n' | sha256sum
	if want := "584c7e5846e28af78d2632a71802734ab014fed742977e97787523decddaa308"; base != want {
		t.Errorf("hash of a.com, b.com = %s, want %s", base, want)
	}
	for name, other := range map[string]string{
		"order":   sum(entry{"b.com", 0}, entry{"a.com", 0}),
		"rank":    sum(entry{"a.com", 1}, entry{"b.com", 2}),
		"added":   sum(entry{"a.com", 0}, entry{"b.com", 0}, entry{"c.com", 0}),
		"removed": sum(entry{"a.com", 0}),
		"joined":  sum(entry{"a.comb.com", 0}),
	} {
		if other == base {
			t.Errorf("%s: same hash as the base list", name)
		}
	}
	if again := sum(entry{"a.com", 0}, entry{"b.com", 0}); again != base {
		t.Errorf("the same list hashes to %s and %s", base, again)
	}
}

// TestIdentify asks servers who they are: the simulated internet's name,
// another name, and a refusal.
func TestIdentify(t *testing.T) {
	t.Parallel()
	named := func(id string) string {
		return serveHandler(t, func(w dns.ResponseWriter, r *dns.Msg) {
			m := new(dns.Msg)
			m.SetReply(r)
			q := r.Question[0]
			if id == "" || q.Qclass != dns.ClassCHAOS || q.Name != "id.server." {
				m.Rcode = dns.RcodeRefused
			} else {
				m.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS}, Txt: []string{id}}}
			}
			w.WriteMsg(m)
		})
	}
	sim, other, refusing := named(SimulatedServerID), named("ns1.example"), named("")
	ctx := context.Background()
	for _, tt := range []struct {
		addr, want string
	}{{sim, SimulatedServerID}, {other, "ns1.example"}, {refusing, ""}} {
		if got, err := Identify(ctx, tt.addr, 5*time.Second); err != nil || got != tt.want {
			t.Errorf("Identify(%s) = %q, %v; want %q", tt.addr, got, err, tt.want)
		}
	}
	if got := SimulatedResolvers(ctx, []string{other, sim, refusing}, 5*time.Second); len(got) != 1 || got[0] != sim {
		t.Errorf("SimulatedResolvers = %v, want [%s]", got, sim)
	}
}
