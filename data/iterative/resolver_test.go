package iterative_test

import (
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/iterative/lab"
)

// answerOf returns the records of m's answer section in presentation
// form without TTL: "name type data".
func answerOf(m *dns.Msg) []string {
	var out []string
	for _, rr := range m.Answer {
		f := strings.Fields(rr.String())
		out = append(out, f[0]+" "+f[3]+" "+strings.Join(f[4:], " "))
	}
	return out
}

// names returns the names asked of a server, as "name TYPE".
func names(log []lab.Query) []string {
	var out []string
	for _, q := range log {
		out = append(out, q.Name+" "+dns.TypeToString[q.Type])
	}
	return out
}

func TestReferralChainWithQNameMinimisation(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	resp, server, packets, err := r.Resolve(ctxT(t), "www.example.com", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"www.example.com. A 127.8.0.2"}, answerOf(resp)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	if resp.Rcode != dns.RcodeSuccess {
		t.Errorf("rcode %d", resp.Rcode)
	}
	if !strings.HasPrefix(server, "127.1.3.") {
		t.Errorf("answered by %s, want a dnsprov.net server", server)
	}
	// The root is asked for "com" only, never for the whole name (and
	// for "net", on the way to the name servers of example.com, which
	// have no glue); the com/net servers for "example.com" and
	// "dnsprov.net"; the provider for the name itself.
	if diff := cmp.Diff([]string{"com A", "net A"}, names(tree.Log(rootA))); diff != "" {
		t.Errorf("root saw (-want +got):\n%s", diff)
	}
	gtld := append(names(tree.Log(gtldA)), names(tree.Log(gtldB))...)
	slices.Sort(gtld)
	if diff := cmp.Diff([]string{"dnsprov.net A", "example.com A"}, gtld); diff != "" {
		t.Errorf("com/net servers saw (-want +got):\n%s", diff)
	}
	prov := append(names(tree.Log(prov1)), names(tree.Log(prov2))...)
	if !slices.Contains(prov, "www.example.com A") || !slices.Contains(prov, "ns1.dnsprov.net A") && !slices.Contains(prov, "ns2.dnsprov.net A") {
		t.Errorf("provider saw %v, want www.example.com A and the address of a name server", prov)
	}
	if packets < 5 || int64(packets) != r.Sent() {
		t.Errorf("packets %d, sent %d: want the same, at least 5 (root, com, com for dnsprov.net, dnsprov for ns, dnsprov for www)", packets, r.Sent())
	}
}

func TestNoQNameMinimisationAsksFullName(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{NoQNameMin: true})
	if _, _, _, err := r.Resolve(ctxT(t), "www.example.com", dns.TypeA); err != nil {
		t.Fatal(err)
	}
	if got := names(tree.Log(rootA)); !slices.Contains(got, "www.example.com A") {
		t.Errorf("root saw %v, want the full name without minimisation", got)
	}
}

func TestGluelessAndInBailiwickGlue(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	ctx := ctxT(t)
	// shop.com has glue: no question about its name servers' addresses.
	resp, _, _, err := r.Resolve(ctx, "shop.com", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"shop.com. A 127.8.5.1"}, answerOf(resp)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	for _, a := range []netip.Addr{prov1, prov2, cdn1} {
		if log := tree.Log(a); len(log) > 0 {
			t.Errorf("%s asked %v for a domain with glue", a, names(log))
		}
	}
}

func TestCNAMEAcrossZones(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	resp, _, _, err := r.Resolve(ctxT(t), "www.cdnuser.com", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"www.cdnuser.com. CNAME cust1.edge.cdnco.net.", "cust1.edge.cdnco.net. A 127.9.0.1"}
	if diff := cmp.Diff(want, answerOf(resp)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
	// The target is resolved from the root's referral to net, not asked
	// of the servers of cdnuser.com.
	if got := names(tree.Log(cdn1)); !slices.Contains(got, "cust1.edge.cdnco.net A") {
		t.Errorf("cdnco.net saw %v", got)
	}
	for _, a := range []netip.Addr{prov1, prov2} {
		for _, q := range names(tree.Log(a)) {
			if strings.Contains(q, "cdnco") {
				t.Errorf("the provider of cdnuser.com was asked %s", q)
			}
		}
	}
}

func TestBrokenEmptyNonTerminalFallsBack(t *testing.T) {
	t.Parallel()
	for _, mode := range []lab.Mode{lab.Serve, lab.BrokenENT} {
		tree := startTree(t, setMode(cdn1, "cdnco.net", mode))
		r := newResolver(t, tree, iterative.Config{})
		resp, _, _, err := r.Resolve(ctxT(t), "cust1.edge.cdnco.net", dns.TypeA)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"cust1.edge.cdnco.net. A 127.9.0.1"}, answerOf(resp)); diff != "" {
			t.Errorf("mode %d: answer (-want +got):\n%s", mode, diff)
		}
		want := []string{"edge.cdnco.net A", "cust1.edge.cdnco.net A"}
		if diff := cmp.Diff(want, names(tree.Log(cdn1))); diff != "" {
			t.Errorf("mode %d: cdnco.net saw (-want +got):\n%s", mode, diff)
		}
	}
}

func TestNXDomain(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	resp, _, _, err := r.Resolve(ctxT(t), "nosuch.example.com", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeNameError || len(resp.Ns) == 0 {
		t.Errorf("rcode %d, authority %v: want NXDOMAIN with the SOA", resp.Rcode, resp.Ns)
	}
	resp, _, _, err = r.Resolve(ctxT(t), "nosuch.com", dns.TypeNS)
	if err != nil || resp.Rcode != dns.RcodeNameError {
		t.Errorf("nosuch.com: %v, %v: want NXDOMAIN from the com servers", resp, err)
	}
}

func TestDelegationMismatch(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	d, packets := r.Delegation(ctxT(t), "mismatch.com")
	want := &dnscrawl.Delegation{
		Zone: "mismatch.com", Parent: "com",
		ParentNS: []dnscrawl.NSHost{{Name: "ns1.dnsprov.net"}, {Name: "ns2.dnsprov.net"}},
		ChildNS:  []string{"ns1.dnsprov.net", "ns3.dnsprov.net"},
		Mismatch: true,
		Lame:     []dnscrawl.LameServer{{Name: "ns2.dnsprov.net", Addr: prov2, Why: dnscrawl.LameRefused, Error: "REFUSED"}},
	}
	if diff := cmp.Diff(want, d, eqAddr); diff != "" {
		t.Errorf("delegation (-want +got):\n%s", diff)
	}
	if packets == 0 {
		t.Error("no packet counted")
	}
	// ns3, named by the child only, was asked too.
	if got := names(tree.Log(prov3)); !slices.Contains(got, "mismatch.com NS") {
		t.Errorf("ns3 saw %v", got)
	}
}

func TestDelegationLameAndGlue(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	ctx := ctxT(t)
	d, _ := r.Delegation(ctx, "lame.com")
	want := &dnscrawl.Delegation{
		Zone: "lame.com", Parent: "com",
		ParentNS: []dnscrawl.NSHost{{Name: "ns1.dnsprov.net"}, {Name: "ns1.lamehost.org"}},
		ChildNS:  []string{"ns1.dnsprov.net", "ns1.lamehost.org"},
		Lame:     []dnscrawl.LameServer{{Name: "ns1.lamehost.org", Addr: lamehst, Why: dnscrawl.LameRefused, Error: "REFUSED"}},
	}
	if diff := cmp.Diff(want, d, eqAddr); diff != "" {
		t.Errorf("lame.com (-want +got):\n%s", diff)
	}
	d, _ = r.Delegation(ctx, "noaa.com")
	if d == nil || len(d.Lame) != 1 || d.Lame[0].Addr != shop1 || d.Lame[0].Why != dnscrawl.LameNotAuth {
		t.Errorf("noaa.com: %+v: want ns1.shop.com lame for answering without AA", d)
	}
	d, _ = r.Delegation(ctx, "shop.com")
	wantShop := []dnscrawl.NSHost{{Name: "ns1.shop.com", Addrs: []netip.Addr{shop1}}, {Name: "ns2.shop.com", Addrs: []netip.Addr{shop2}}}
	if d == nil || !cmp.Equal(wantShop, d.ParentNS, eqAddr) || d.Mismatch || len(d.Lame) != 0 {
		t.Errorf("shop.com: %+v: want the glue, no mismatch, no lame server", d)
	}
	if d, _ := r.Delegation(ctx, "nosuch.com"); d != nil {
		t.Errorf("nosuch.com: %+v, want nil", d)
	}
	// The lame server is avoided: the name still resolves.
	tree.ResetLogs()
	resp, _, _, err := r.Resolve(ctx, "lame.com", dns.TypeA)
	if err != nil || len(resp.Answer) != 1 {
		t.Fatalf("lame.com A: %v %v", resp, err)
	}
	if log := tree.Log(lamehst); len(log) != 0 {
		t.Errorf("the lame server was asked again: %v", names(log))
	}
}

func TestAllServersLameIsServFailWithEDE(t *testing.T) {
	t.Parallel()
	tree := startTree(t, setMode(prov1, "lame.com", lab.ServFail))
	r := newResolver(t, tree, iterative.Config{})
	resp, _, _, err := r.Resolve(ctxT(t), "lame.com", dns.TypeNS)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeServerFailure || resp.IsEdns0() == nil || len(resp.IsEdns0().Option) == 0 {
		t.Fatalf("got %v, want SERVFAIL with an Extended DNS Error", resp)
	}
	if e, ok := resp.IsEdns0().Option[0].(*dns.EDNS0_EDE); !ok || e.InfoCode != dns.ExtendedErrorCodeNoReachableAuthority {
		t.Errorf("EDE %v, want No Reachable Authority", resp.IsEdns0().Option[0])
	}
}

func TestSilentServerMovesOn(t *testing.T) {
	t.Parallel()
	tree := startTree(t, setMode(gtldA, "com", lab.Silent))
	r := newResolver(t, tree, iterative.Config{Timeout: time.Second})
	ctx := ctxT(t)
	for _, d := range []string{"shop.com", "example.com", "cdnuser.com", "noaa.com"} {
		resp, _, _, err := r.Resolve(ctx, d, dns.TypeA)
		if err != nil || len(resp.Answer) == 0 {
			t.Fatalf("%s: %v %v", d, resp, err)
		}
	}
	// After its failures the silent server is avoided: it was asked at
	// most twice for com names (then it is down for a while).
	n := 0
	for _, q := range tree.Log(gtldA) {
		if strings.HasSuffix(q.Name, "com") {
			n++
		}
	}
	if n > 2 {
		t.Errorf("the silent server was asked %d times", n)
	}
}

func TestWorkIsBounded(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{MaxQueries: 2})
	resp, _, packets, err := r.Resolve(ctxT(t), "www.example.com", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Rcode != dns.RcodeServerFailure || packets > 2 {
		t.Errorf("rcode %d after %d packets, want SERVFAIL within 2", resp.Rcode, packets)
	}
}

var eqAddr = cmpopts.EquateComparable(netip.Addr{})

func TestDelegationCacheHonoursTTL(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	var now atomic.Int64
	now.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	iterative.SetClock(r, func() time.Time { return time.Unix(0, now.Load()) })
	ctx := ctxT(t)
	resolve := func() {
		t.Helper()
		if resp, _, _, err := r.Resolve(ctx, "example.com", dns.TypeA); err != nil || len(resp.Answer) != 1 {
			t.Fatalf("%v %v", resp, err)
		}
	}
	gtldAsked := func() int { return len(tree.Log(gtldA)) + len(tree.Log(gtldB)) }
	resolve()
	if n := gtldAsked(); n != 2 {
		t.Fatalf("com/net servers asked %d times, want 2 (example.com, dnsprov.net)", n)
	}
	// Within the TTLs of the referral to example.com (3600 s in the com
	// zone above) and of its name servers' addresses (300 s, the zone's
	// default): nothing but the provider is asked.
	now.Add(int64(4 * time.Minute))
	tree.ResetLogs()
	resolve()
	if n, root := gtldAsked(), len(tree.Log(rootA)); n != 0 || root != 0 {
		t.Errorf("within the TTL: com/net asked %d times, root %d, want 0", n, root)
	}
	// Past the addresses' TTL the cut goes with them: com is asked again
	// for example.com and for dnsprov.net (the root is not: its referral
	// to com, 172800 s, holds).
	now.Add(int64(2 * time.Minute))
	tree.ResetLogs()
	resolve()
	if n, root := gtldAsked(), len(tree.Log(rootA)); n != 2 || root != 0 {
		t.Errorf("past the TTL: com/net asked %d times, root %d, want 2 and 0", n, root)
	}
}

func TestReferralWithAABit(t *testing.T) {
	t.Parallel()
	tree := startTree(t, setMode(rootA, ".", lab.ReferAA))
	r := newResolver(t, tree, iterative.Config{})
	resp, _, _, err := r.Resolve(ctxT(t), "shop.com", dns.TypeA)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"shop.com. A 127.8.5.1"}, answerOf(resp)); diff != "" {
		t.Errorf("answer (-want +got):\n%s", diff)
	}
}

func TestAnswerForAnotherQuestionIsDropped(t *testing.T) {
	t.Parallel()
	tree := startTree(t, setMode(prov1, "example.com", lab.WrongName))
	r := newResolver(t, tree, iterative.Config{})
	ctx := ctxT(t)
	for range 3 {
		resp, _, _, err := r.Resolve(ctx, "www.example.com", dns.TypeA)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"www.example.com. A 127.8.0.2"}, answerOf(resp)); diff != "" {
			t.Fatalf("answer (-want +got):\n%s", diff)
		}
	}
	if len(tree.Log(prov1)) == 0 {
		t.Error("the spoofing server was never asked: the test shows nothing")
	}
}

func TestFasterServerIsPreferred(t *testing.T) {
	t.Parallel()
	var domains []string
	tree := startTree(t, func(s *lab.Spec) {
		domains = manyDomains(s, 20)
		setMode(gtldA, "com", lab.Slow)(s)
	})
	r := newResolver(t, tree, iterative.Config{})
	ctx := ctxT(t)
	for _, d := range domains {
		if _, _, _, err := r.Resolve(ctx, d, dns.TypeNS); err != nil {
			t.Fatal(err)
		}
	}
	// Each server is tried once (a server never heard from comes
	// first); then the fast one has the lower smoothed RTT.
	slow, fast := len(tree.Log(gtldA)), len(tree.Log(gtldB))
	if slow > 3 || fast < len(domains)-3 {
		t.Errorf("slow server asked %d times, fast one %d, for %d domains", slow, fast, len(domains))
	}
}

func TestIPv6Servers(t *testing.T) {
	t.Parallel()
	v6 := netip.MustParseAddr("::1")
	if pc, err := net.ListenPacket("udp", "[::1]:0"); err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	} else {
		pc.Close()
	}
	tree := startTree(t, func(s *lab.Spec) {
		for i := range s.Servers {
			if s.Servers[i].Addr == rootA {
				s.Servers[i].Addr = v6
			}
		}
		s.Roots = map[string]netip.Addr{"a.root-servers.lab": v6}
	})
	if _, err := iterative.New(iterative.Config{Roots: tree.Hints, Port: tree.Port}); err == nil {
		t.Error("a root reachable over IPv6 only, IPv6 off: want an error")
	}
	r := newResolver(t, tree, iterative.Config{IPv6: true})
	resp, _, _, err := r.Resolve(ctxT(t), "shop.com", dns.TypeA)
	if err != nil || len(resp.Answer) != 1 {
		t.Fatalf("%v %v", resp, err)
	}
	if got := names(tree.Log(v6)); !slices.Equal(got, []string{"com A"}) {
		t.Errorf("the root on ::1 saw %v", got)
	}
}
