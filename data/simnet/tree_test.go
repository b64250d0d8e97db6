package simnet

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
)

// treeCrawl crawls the first n domains of in through the delegation tree
// from its root and returns the observations by domain, their name
// servers' addresses mapped back to the plan's.
func treeCrawl(t *testing.T, ctx context.Context, in *Internet, tree *Tree, n int, cfg iterative.Config) map[string]*dnscrawl.Observation {
	t.Helper()
	cfg.Roots, cfg.Port = tree.Hints(), tree.Port()
	if cfg.QPSPerServer == 0 {
		cfg.QPSPerServer = -1
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	r, err := iterative.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	obs := crawlSim(t, ctx, in, n, dnscrawl.Config{Iterative: r, Concurrency: 16, DomainTimeout: 20 * time.Second})
	for _, o := range obs {
		// Every name server's IPv4 address the crawl met is on
		// loopback: the tree never sends a resolver off the machine.
		for _, ns := range o.NS {
			for _, a := range ns.Addrs {
				if a.Is4() && !a.IsLoopback() {
					t.Fatalf("%s: name server %s at %s, not on loopback", o.Domain, ns.Name, a)
				}
			}
		}
		tree.PlanObservation(o)
	}
	return obs
}

// crawlSim crawls the first n domains of in with cfg.
func crawlSim(t *testing.T, ctx context.Context, in *Internet, n int, cfg dnscrawl.Config) map[string]*dnscrawl.Observation {
	t.Helper()
	c, err := dnscrawl.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dnscrawl.Observation{}
	targets := func(yield func(dnscrawl.Target) bool) {
		for r := 1; r <= n; r++ {
			if !yield(dnscrawl.Target{Domain: in.Domain(r), Rank: r}) {
				return
			}
		}
	}
	if _, err := c.Crawl(ctx, targets, func(o *dnscrawl.Observation) error {
		out[o.Domain] = o
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) != n {
		t.Fatalf("%d observations for %d domains", len(out), n)
	}
	return out
}

func startTree(t *testing.T, in *Internet, cfg TreeConfig) *Tree {
	t.Helper()
	tree, err := ServeTree(context.Background(), in, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(tree.Close)
	return tree
}

// TestTreeAgreesWithRecursive crawls the same domains from the tree's
// root and through the recursive-style server: the facts the analysis
// reads are the same, and the delegations are the ones planted.
func TestTreeAgreesWithRecursive(t *testing.T) {
	t.Parallel()
	const n = 300
	in := generate(t, Config{Domains: n, Seed: 3})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	tree := startTree(t, in, TreeConfig{})
	iter := treeCrawl(t, ctx, in, tree, n, iterative.Config{})

	srv, err := Serve(ctx, in, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := crawlSim(t, ctx, in, n, dnscrawl.Config{Resolvers: []string{srv.Addr()}, Concurrency: 16, Timeout: time.Second})

	// What the analysis reads; the delegation only a crawl from the root
	// sees, and the figures of the crawl itself, apart.
	ignore := cmpopts.IgnoreFields(dnscrawl.Observation{}, "Delegation", "Resolver", "Simulated", "StartedAt", "DurationMS", "Queries", "Attempts", "Error")
	eq := cmpopts.EquateComparable(netip.Addr{})
	for r := 1; r <= n; r++ {
		d := in.Domain(r)
		i, c := iter[d], rec[d]
		if c.Status != dnscrawl.StatusOK {
			// From the root, a domain whose servers all answer SERVFAIL
			// is a lame delegation, which a recursive resolver can only
			// say as SERVFAIL.
			if i.Status != c.Status && !(c.Status == dnscrawl.StatusServFail && i.Status == dnscrawl.StatusLameDelegation) {
				t.Errorf("%s: status %s from the root, %s through the resolver (%s)", d, i.Status, c.Status, i.Error)
			}
		} else if diff := cmp.Diff(c, i, eq, ignore, cmpopts.IgnoreFields(dnscrawl.Host{}, "Error")); diff != "" {
			t.Errorf("%s (-recursive +iterative):\n%s", d, diff)
		}
		want, ok := in.DelegationAt(r)
		if !ok {
			if i.Delegation != nil {
				t.Errorf("%s: not delegated, got %+v", d, i.Delegation)
			}
			continue
		}
		if i.Delegation == nil {
			t.Errorf("%s: no delegation recorded, want %+v", d, want)
			continue
		}
		got := TruthDelegation{ChildNS: i.Delegation.ChildNS, Mismatch: i.Delegation.Mismatch}
		for _, ns := range i.Delegation.ParentNS {
			got.ParentNS = append(got.ParentNS, ns.Name)
		}
		for _, l := range i.Delegation.Lame {
			lm := TruthLame{l.Name, l.Why}
			if !slices.Contains(got.Lame, lm) {
				got.Lame = append(got.Lame, lm)
			}
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s delegation (-planted +found):\n%s", d, diff)
		}
	}
}

// TestTreeReferrals checks the answers of the tree's servers the way a
// resolver meets them.
func TestTreeReferrals(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 50, Seed: 3})
	tree := startTree(t, in, TreeConfig{})
	ask := func(server netip.Addr, name string, qt uint16) *dns.Msg {
		t.Helper()
		m := new(dns.Msg)
		m.SetQuestion(dns.Fqdn(name), qt)
		m.RecursionDesired = false
		c := &dns.Client{Timeout: 2 * time.Second}
		r, _, err := c.Exchange(m, netip.AddrPortFrom(server, tree.Port()).String())
		if err != nil {
			t.Fatalf("%s %s at %s: %v", name, dns.TypeToString[qt], server, err)
		}
		return r
	}
	root := tree.Hints()[0].Addrs[0]
	r := ask(root, "www.example.com", dns.TypeA)
	if r.Authoritative || len(r.Ns) != 2 || r.Ns[0].Header().Name != "com." || len(r.Extra) != 2 {
		t.Errorf("root's referral to com: %v", r)
	}
	if r := ask(root, "nosuch.invalid", dns.TypeA); !r.Authoritative || r.Rcode != dns.RcodeNameError {
		t.Errorf("root for an unknown TLD: %v", r)
	}
	if r := ask(root, "", dns.TypeNS); !r.Authoritative || len(r.Answer) != 2 {
		t.Errorf("root NS: %v", r)
	}
	// A TLD's own servers: an address, and NODATA above them.
	org := tree.tlds["org"].ns[0].addrs[0]
	if r := ask(org, "a.nic.org", dns.TypeA); !r.Authoritative || len(r.Answer) != 1 {
		t.Errorf("a.nic.org A: %v", r)
	}
	if r := ask(org, "nic.org", dns.TypeA); !r.Authoritative || r.Rcode != dns.RcodeSuccess || len(r.Answer) != 0 {
		t.Errorf("nic.org A: %v", r)
	}
	// The com server refers a domain to its servers.
	var d string
	for rk := 1; rk <= in.Len(); rk++ {
		if dd := in.Domain(rk); lastLabel(dd) == "com" && in.TruthAt(rk).Status == dnscrawl.StatusOK {
			d = dd
			break
		}
	}
	gtld := netip.MustParseAddr("127.53.1.1")
	r = ask(gtld, "www."+d, dns.TypeA)
	if r.Authoritative || len(r.Ns) == 0 || r.Ns[0].Header().Name != d+"." {
		t.Fatalf("com's referral for %s: %v", d, r)
	}
	ns := r.Ns[0].(*dns.NS).Ns
	addrs := tree.in.planAddrs(ns[:len(ns)-1])
	srv := tree.Addr(addrs[0])
	a := ask(srv, d, dns.TypeSOA)
	if !a.Authoritative || len(a.Answer) != 1 {
		t.Errorf("%s SOA at %s (%s): %v", d, srv, ns, a)
	}
	if r := ask(srv, "nosuch-"+d, dns.TypeA); r.Rcode != dns.RcodeRefused {
		t.Errorf("a name outside every zone at %s: %v", srv, r)
	}
}

// TestTreePerServerLimit crawls from the tree's root with a limit per
// server and counts, at every server of the tree, the questions it read
// in any window of a second: none gets more than the limit allows. The
// times are those at which the server read the questions, which bunch up
// when the loaded machine runs the server late: the bound is the burst
// plus what the rate allows in one and a half windows.
func TestTreePerServerLimit(t *testing.T) {
	t.Parallel()
	const n, qps = 120, 40
	in := generate(t, Config{Domains: n, Seed: 5})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	tree := startTree(t, in, TreeConfig{Log: true})
	treeCrawl(t, ctx, in, tree, n, iterative.Config{QPSPerServer: qps, Timeout: 2 * time.Second})
	const window = time.Second
	limit := qps/10 + int(qps*1.5*window.Seconds())
	busiest, total := 0, uint64(0)
	for _, sq := range tree.Queries() {
		total += sq.Queries
		log := tree.Log(sq.Addr)
		if uint64(len(log)) != sq.Queries {
			t.Fatalf("%s: %d questions logged, %d counted", sq.Addr, len(log), sq.Queries)
		}
		busiest = max(busiest, len(log))
		for i := range log {
			k := i
			for k < len(log) && log[k].Sub(log[i]) < window {
				k++
			}
			if k-i > limit {
				t.Fatalf("%s (%s) got %d questions in %s from %s, above %d", sq.Addr, sq.Role, k-i, window, log[i].Format("15:04:05.000"), limit)
			}
		}
	}
	// The limit was reached: some server was asked more than it allows
	// in a second, so the crawl had to wait for it.
	if busiest <= limit {
		t.Errorf("the busiest server got %d questions in all: the limit of %d a second was never tested", busiest, qps)
	}
	t.Logf("%d questions to %d servers, the busiest %d", total, len(tree.Queries()), busiest)
}
