package iterative_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/iterative/lab"
)

// crawl crawls domains through r and returns the observations by domain.
func crawl(t *testing.T, r *iterative.Resolver, concurrency int, domains ...string) map[string]*dnscrawl.Observation {
	t.Helper()
	c, err := dnscrawl.New(dnscrawl.Config{Iterative: r, Concurrency: concurrency, DomainTimeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dnscrawl.Observation{}
	targets := func(yield func(dnscrawl.Target) bool) {
		for i, d := range domains {
			if !yield(dnscrawl.Target{Domain: d, Rank: i + 1}) {
				return
			}
		}
	}
	if _, err := c.Crawl(ctxT(t), targets, func(o *dnscrawl.Observation) error {
		out[o.Domain] = o
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(domains) {
		t.Fatalf("%d observations for %d domains", len(out), len(domains))
	}
	return out
}

func TestCrawlRecordsDelegation(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	r := newResolver(t, tree, iterative.Config{})
	obs := crawl(t, r, 4, "example.com", "cdnuser.com", "mismatch.com", "lame.com", "shop.com", "nosuch.com")

	ex := obs["example.com"]
	if ex.Status != dnscrawl.StatusOK {
		t.Fatalf("example.com: %s %s", ex.Status, ex.Error)
	}
	wantNS := []dnscrawl.NSHost{{Name: "ns1.dnsprov.net", Addrs: []netip.Addr{prov1}}, {Name: "ns2.dnsprov.net", Addrs: []netip.Addr{prov2}}}
	if diff := cmp.Diff(wantNS, ex.NS, eqAddr); diff != "" {
		t.Errorf("example.com NS (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]netip.Addr{netip.MustParseAddr("127.8.0.2")}, ex.WWW.A, eqAddr); diff != "" {
		t.Errorf("www.example.com (-want +got):\n%s", diff)
	}
	if len(ex.MX) != 1 || ex.MX[0].Name != "mail.example.com" || len(ex.MX[0].Addrs) != 1 {
		t.Errorf("MX %+v", ex.MX)
	}
	if d := ex.Delegation; d == nil || d.Parent != "com" || d.Mismatch || len(d.Lame) != 0 || len(d.ChildNS) != 2 {
		t.Errorf("example.com delegation %+v", d)
	}

	cu := obs["cdnuser.com"]
	if diff := cmp.Diff([]string{"cust1.edge.cdnco.net"}, cu.WWW.CNAMEs); diff != "" {
		t.Errorf("www.cdnuser.com chain (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]dnscrawl.ZoneNS{{Zone: "cdnco.net", NS: []string{"ns1.cdnco.net"}}}, cu.TargetZones); diff != "" {
		t.Errorf("target zones (-want +got):\n%s", diff)
	}
	if d := obs["mismatch.com"].Delegation; d == nil || !d.Mismatch {
		t.Errorf("mismatch.com delegation %+v, want a mismatch", d)
	}
	if d := obs["lame.com"].Delegation; d == nil || len(d.Lame) != 1 || d.Lame[0].Name != "ns1.lamehost.org" {
		t.Errorf("lame.com delegation %+v, want ns1.lamehost.org lame", d)
	}
	if o := obs["nosuch.com"]; o.Status != dnscrawl.StatusNXDomain || o.Delegation != nil {
		t.Errorf("nosuch.com: %s %+v", o.Status, o.Delegation)
	}
	// Every observation survives the file format, names checked.
	for _, o := range obs {
		var b strings.Builder
		enc := dnscrawl.NewEncoder(&b)
		if err := enc.Encode(o); err != nil {
			t.Fatal(err)
		}
		enc.Flush()
		back, err := dnscrawl.ParseObservation([]byte(b.String()))
		if err != nil {
			t.Fatalf("%s: %v", o.Domain, err)
		}
		if diff := cmp.Diff(o.Delegation, back.Delegation, eqAddr); diff != "" {
			t.Errorf("%s delegation after a round trip (-before +after):\n%s", o.Domain, diff)
		}
	}
}

func TestCrawlAllLameIsLameDelegation(t *testing.T) {
	t.Parallel()
	tree := startTree(t, setMode(prov1, "lame.com", lab.Refuse))
	r := newResolver(t, tree, iterative.Config{})
	o := crawl(t, r, 1, "lame.com")["lame.com"]
	if o.Status != dnscrawl.StatusLameDelegation {
		t.Errorf("status %s (%s), want lame_delegation", o.Status, o.Error)
	}
	if o.Delegation == nil || len(o.Delegation.Lame) != 2 || len(o.Delegation.ChildNS) != 0 {
		t.Errorf("delegation %+v: want both servers lame and no child-side set", o.Delegation)
	}
}

// manyDomains adds n zones under com, all served by the provider, and
// returns their names.
func manyDomains(spec *lab.Spec, n int) []string {
	var out []string
	var com strings.Builder
	com.WriteString(spec.Zones["com"])
	for i := range n {
		d := fmt.Sprintf("site%d.com", i)
		out = append(out, d)
		fmt.Fprintf(&com, "site%d NS ns1.dnsprov.net.\nsite%d NS ns2.dnsprov.net.\n", i, i)
		spec.Zones[d] = soa + "@ NS ns1.dnsprov.net.\n@ NS ns2.dnsprov.net.\n@ A 127.8.9.1\nwww CNAME @\n"
		for j := range spec.Servers {
			if a := spec.Servers[j].Addr; a == prov1 || a == prov2 {
				spec.Servers[j].Zones[d] = lab.Serve
			}
		}
	}
	spec.Zones["com"] = com.String()
	return out
}

func TestCrawlAsksTheRootOnce(t *testing.T) {
	t.Parallel()
	var domains []string
	tree := startTree(t, func(s *lab.Spec) { domains = manyDomains(s, 30) })
	r := newResolver(t, tree, iterative.Config{})
	obs := crawl(t, r, 8, domains...)
	for _, o := range obs {
		if o.Status != dnscrawl.StatusOK {
			t.Fatalf("%s: %s %s", o.Domain, o.Status, o.Error)
		}
	}
	// The referrals to com and net are cached: the root is asked once
	// for each, though eight workers start at once.
	if diff := cmp.Diff([]string{"com A", "net A"}, sorted(names(tree.Log(rootA)))); diff != "" {
		t.Errorf("root saw (-want +got):\n%s", diff)
	}
	// The com servers are asked once per domain (its NS question, which
	// gets the referral) and once for dnsprov.net.
	gtld := len(tree.Log(gtldA)) + len(tree.Log(gtldB))
	if gtld != len(domains)+1 {
		t.Errorf("com/net servers got %d questions for %d domains, want %d", gtld, len(domains), len(domains)+1)
	}
}

func sorted(s []string) []string {
	slices.Sort(s)
	return s
}

func TestPerServerRateLimit(t *testing.T) {
	t.Parallel()
	var domains []string
	tree := startTree(t, func(s *lab.Spec) { domains = manyDomains(s, 40) })
	const qps = 100 // burst: qps/10 = 10
	r := newResolver(t, tree, iterative.Config{QPSPerServer: qps})
	crawl(t, r, 8, domains...)
	for _, a := range []netip.Addr{prov1, prov2} {
		log := tree.Log(a)
		if len(log) < 150 {
			t.Errorf("%s got %d questions: the load is not spread over both servers", a, len(log))
		}
		// In any window of a second a server gets at most the burst plus
		// what the rate allows in one and a half windows: the times are
		// those at which the server read the questions, which bunch up
		// when the loaded machine runs the server late. Without the limit
		// the same crawl puts over 150 questions in a second.
		const window = time.Second
		limit := 10 + int(qps*1.5*window.Seconds())
		for i := range log {
			n := 0
			for j := i; j < len(log) && log[j].At.Sub(log[i].At) < window; j++ {
				n++
			}
			if n > limit {
				t.Fatalf("%s got %d questions in %s from %s, above %d", a, n, window, log[i].At.Format("15:04:05.000"), limit)
			}
		}
	}
}

func TestCrawlNeedsNoResolverWhenIterative(t *testing.T) {
	t.Parallel()
	if _, err := dnscrawl.New(dnscrawl.Config{}); err == nil {
		t.Error("no resolver and no iterative resolver: want an error")
	}
	r, err := iterative.New(iterative.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dnscrawl.New(dnscrawl.Config{Iterative: r}); err != nil {
		t.Error(err)
	}
}

// TestIterativeAndRecursiveAgree crawls the tree from the root down and
// through a recursive resolver on loopback: the facts the analysis reads
// are the same.
func TestIterativeAndRecursiveAgree(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	domains := []string{"example.com", "cdnuser.com", "shop.com", "mismatch.com", "lame.com", "noaa.com", "nosuch.com"}
	iter := crawl(t, newResolver(t, tree, iterative.Config{}), 3, domains...)
	addr, stop, err := dnsserver.Serve(lab.Recursive{R: newResolver(t, tree, iterative.Config{})})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{addr}, Concurrency: 3, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rec := map[string]*dnscrawl.Observation{}
	if _, err := c.Crawl(ctxT(t), slices.Values(targetsOf(domains)), func(o *dnscrawl.Observation) error {
		rec[o.Domain] = o
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sameFacts(t, "recursive", rec, iter, domains)
}

func targetsOf(domains []string) []dnscrawl.Target {
	out := make([]dnscrawl.Target, len(domains))
	for i, d := range domains {
		out[i] = dnscrawl.Target{Domain: d, Rank: i + 1}
	}
	return out
}

func TestDomainWorkIsBounded(t *testing.T) {
	t.Parallel()
	tree := startTree(t, nil)
	const limit = 7
	r := newResolver(t, tree, iterative.Config{MaxDomainQueries: limit})
	obs := crawl(t, r, 1, "cdnuser.com", "example.com")
	sent := 0
	for _, o := range obs {
		if o.Attempts > limit {
			t.Errorf("%s: %d packets, above the domain's %d", o.Domain, o.Attempts, limit)
		}
		sent += o.Attempts
	}
	if int64(sent) != r.Sent() {
		t.Errorf("observations count %d packets, the resolver sent %d", sent, r.Sent())
	}
	if o := obs["cdnuser.com"]; o.WWW.Status == dnscrawl.StatusOK {
		t.Errorf("www.cdnuser.com resolved within %d packets: the bound did not bite", limit)
	}
}

// TestHostileDelegationNames delegates a zone to name servers whose names
// hold a comma, a quote and a space (any byte is allowed in a label): the
// observation keeps them escaped and survives the file format.
func TestHostileDelegationNames(t *testing.T) {
	t.Parallel()
	tree := startTree(t, func(s *lab.Spec) {
		s.Zones["com"] += "hostile NS ns1.dnsprov.net.\nhostile NS ns\\,\\\"\\032x.dnsprov.net.\n"
		s.Zones["hostile.com"] = soa + "@ NS ns1.dnsprov.net.\n@ A 127.8.6.1\n"
		setMode(prov1, "hostile.com", lab.Serve)(s)
	})
	r := newResolver(t, tree, iterative.Config{})
	o := crawl(t, r, 1, "hostile.com")["hostile.com"]
	d := o.Delegation
	if d == nil || len(d.ParentNS) != 2 || !d.Mismatch || len(d.Lame) != 1 || d.Lame[0].Why != dnscrawl.LameNoAddress {
		t.Fatalf("delegation %+v: want the hostile name lame for want of an address", d)
	}
	// In presentation format (RFC 1035 section 5.1) the quote and the
	// space are escaped, the comma needs no escape.
	if got := d.ParentNS[0].Name; got != `ns,\"\ x.dnsprov.net` {
		t.Errorf("hostile name kept as %q", got)
	}
	var b strings.Builder
	enc := dnscrawl.NewEncoder(&b)
	if err := enc.Encode(o); err != nil {
		t.Fatal(err)
	}
	enc.Flush()
	if _, err := dnscrawl.ParseObservation([]byte(b.String())); err != nil {
		t.Fatalf("the observation does not read back: %v\n%s", err, b.String())
	}
}

// sameFacts checks that the iterative crawl (iter) found the same DNS
// facts as another way of resolving (want, named by what) for each domain:
// status, name servers, SOA, hosts, mail exchangers and target zones,
// error texts aside.
func sameFacts(t *testing.T, what string, want, iter map[string]*dnscrawl.Observation, domains []string) {
	t.Helper()
	type facts struct {
		Status      dnscrawl.Status
		NS          []dnscrawl.NSHost
		SOA         *dnscrawl.SOA
		Apex, WWW   dnscrawl.Host
		MX          []dnscrawl.MXHost
		TargetZones []dnscrawl.ZoneNS
	}
	of := func(o *dnscrawl.Observation) facts {
		return facts{o.Status, o.NS, o.SOA, o.Apex, o.WWW, o.MX, o.TargetZones}
	}
	for _, d := range domains {
		if diff := cmp.Diff(of(want[d]), of(iter[d]), eqAddr, cmpopts.IgnoreFields(dnscrawl.Host{}, "Error")); diff != "" {
			t.Errorf("%s (-%s +iterative):\n%s", d, what, diff)
		}
	}
}
