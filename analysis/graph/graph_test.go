package graph

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

const (
	dns     = catalog.LayerDNS
	cdn     = catalog.LayerCDN
	hosting = catalog.LayerHosting
	email   = catalog.LayerEmail
)

// dom builds a Result. Each dep is "layer=company/service[@region]"
// (company "self" for self-hosting); each addr is
// "layer=ASN/country".
func dom(domain string, rank int, deps []string, addrs ...string) classify.Result {
	r := classify.Result{Domain: domain, Rank: rank, Status: dnscrawl.StatusOK, States: map[catalog.Layer]classify.State{}}
	var as []classify.AddrInfo
	var list []classify.Dependency
	for _, s := range deps {
		l, rest, _ := strings.Cut(s, "=")
		rest, region, _ := strings.Cut(rest, "@")
		company, service, _ := strings.Cut(rest, "/")
		if service == "" {
			service = company
		}
		ev := classify.EvidenceCNAMESuffix
		if l == "dns" {
			ev = classify.EvidenceNSSuffix
		}
		list = append(list, classify.Dependency{Domain: domain, Rank: rank, Layer: catalog.Layer(l),
			Provider: company, Service: service, Region: region, Evidence: ev, Confidence: 1, ThirdParty: company != classify.SelfProvider})
		r.States[catalog.Layer(l)] = classify.StateKnown
	}
	for i, s := range addrs {
		l, rest, _ := strings.Cut(s, "=")
		asn, country, _ := strings.Cut(rest, "/")
		var n uint32
		fmt.Sscan(asn, &n)
		as = append(as, classify.AddrInfo{Layer: catalog.Layer(l),
			Addr: netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}), ASN: n, Country: country})
	}
	r.SetAddrs(as)
	r.SetDeps(list)
	return r
}

func edge(from, to string, l catalog.Layer) ProviderEdge {
	return ProviderEdge{From: from, To: to, Layer: l, Source: SourceCatalog, Evidence: "test"}
}

func els(t *testing.T, names ...string) []Element {
	t.Helper()
	var out []Element
	for _, n := range names {
		e, err := ParseElement(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// handGraph is a small list whose failures are worked out by hand in
// TestFail:
//
//	a.example   dns cloudflare + amazon/route53 (redundant), cdn cloudflare
//	b.example   dns cloudflare alone, hosting amazon/ec2 in us-east-1
//	shop.example dns shopify/dns, hosting shopify/platform (behind cloudflare/cdn by the catalog)
//	c.example   dns self, hosting amazon/ec2 in eu-west-1, mail google
//	d.example   dns amazon/route53, web addresses in AS64501/US and AS64502/DE, mail self
//	e.example   unranked, dns ns1/dns, mail google alone
//
// Ranks 1, 2, 4, 5, 10 give weights 1, .5, .25, .2, .1 (total 2.05).
func handGraph() *Graph {
	results := []classify.Result{
		dom("a.example", 1, []string{"dns=cloudflare/dns", "dns=amazon/route53", "cdn=cloudflare/cdn"}),
		dom("b.example", 2, []string{"dns=cloudflare/dns", "hosting=amazon/ec2@us-east-1"}),
		dom("shop.example", 4, []string{"dns=shopify/dns", "hosting=shopify/platform"}),
		dom("c.example", 5, []string{"dns=self", "hosting=amazon/ec2@amazon/ec2/eu-west-1", "email=google/workspace"}),
		dom("d.example", 10, []string{"dns=amazon/route53", "email=self"}, "hosting=64501/US", "hosting=64502/DE"),
		dom("e.example", 0, []string{"dns=ns1/dns", "email=google/workspace"}),
	}
	return Build(results, nil, []ProviderEdge{edge("shopify/platform", "cloudflare/cdn", cdn)})
}

func TestFail(t *testing.T) {
	t.Parallel()
	g := handGraph()
	type row struct {
		Domain string
		Down   bool
		Direct bool
		Layers string
		Email  bool
		Chain  string
	}
	tests := []struct {
		name     string
		scenario []string
		failed   int
		direct   int
		weighted float64
		email    int
		rows     []row
	}{
		{
			// a.example survives on route53; b.example has cloudflare
			// alone on dns; shop.example's platform is behind cloudflare's
			// CDN: transitive.
			name: "redundant dns survives, platform behind cdn fails", scenario: []string{"cloudflare"},
			failed: 3, direct: 2, weighted: (1 + .5 + .25) / 2.05,
			rows: []row{
				{"a.example", true, true, "cdn", false, "a.example -> cloudflare"},
				{"b.example", true, true, "dns", false, "b.example -> cloudflare"},
				{"shop.example", true, false, "hosting", false, "shop.example -> shopify -> cloudflare"},
			},
		},
		{
			name: "service only", scenario: []string{"cloudflare/dns"},
			failed: 1, direct: 1, weighted: .5 / 2.05,
			rows: []row{{"b.example", true, true, "dns", false, "b.example -> cloudflare/dns"}},
		},
		{
			name: "region takes only its domains", scenario: []string{"amazon:us-east-1"},
			failed: 1, direct: 1, weighted: .5 / 2.05,
			rows: []row{{"b.example", true, true, "hosting", false, "b.example -> amazon:us-east-1"}},
		},
		{
			name: "region given as a path", scenario: []string{"amazon:eu-west-1"},
			failed: 1, direct: 1, weighted: .2 / 2.05,
			rows: []row{{"c.example", true, true, "hosting", false, "c.example -> amazon:eu-west-1"}},
		},
		{
			// One of d's two web addresses is in AS64501: it survives.
			// With DE too, both are gone; the chain names the last to fail.
			name: "one AS of two", scenario: []string{"AS64501"},
		},
		{
			name: "AS and country together", scenario: []string{"AS64501", "country:de"},
			failed: 1, direct: 1, weighted: .1 / 2.05,
			rows: []row{{"d.example", true, true, "hosting", false, "d.example -> country:DE"}},
		},
		{
			// e-mail is reported apart: c.example keeps its web and dns.
			name: "email apart", scenario: []string{"google"},
			email: 2,
			rows: []row{
				{"c.example", false, false, "", true, "c.example -> google"},
				{"e.example", false, false, "", true, "e.example -> google"},
			},
		},
		{
			name: "unknown element fails nothing", scenario: []string{"nobody", "AS1", "country:ZZ"},
		},
		{
			name: "everything", scenario: []string{"cloudflare", "amazon", "shopify", "ns1", "self"},
			failed: 6, direct: 6, weighted: 1,
			rows: []row{
				{"a.example", true, true, "dns;cdn", false, "a.example -> cloudflare"},
				{"b.example", true, true, "dns;hosting", false, "b.example -> cloudflare"},
				{"shop.example", true, true, "hosting", false, "shop.example -> shopify"},
				{"c.example", true, true, "hosting", false, "c.example -> amazon"},
				{"d.example", true, true, "dns", false, "d.example -> amazon"},
				{"e.example", true, true, "dns", false, "e.example -> ns1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := g.Fail(els(t, tt.scenario...), true)
			if o.Failed != tt.failed || o.Direct != tt.direct || o.Transitive != tt.failed-tt.direct || o.EmailFailed != tt.email {
				t.Errorf("failed %d direct %d transitive %d email %d; want %d %d %d %d",
					o.Failed, o.Direct, o.Transitive, o.EmailFailed, tt.failed, tt.direct, tt.failed-tt.direct, tt.email)
			}
			if d := o.WeightedShare - tt.weighted; d > 1e-12 || d < -1e-12 {
				t.Errorf("weighted percent %g, want %g", o.WeightedShare, tt.weighted)
			}
			if want := float64(tt.failed) / 6; o.Share != want {
				t.Errorf("percent %g, want %g", o.Share, want)
			}
			var got []row
			for _, r := range o.Rows {
				var ls []string
				for _, l := range r.Layers {
					ls = append(ls, string(l))
				}
				got = append(got, row{r.Domain, r.Down, r.Direct, strings.Join(ls, ";"), r.Email, strings.Join(r.Chain, " -> ")})
			}
			if tt.name == "everything" {
				return // rows of e-mail failures too; counts checked above
			}
			if d := cmp.Diff(tt.rows, got); d != "" {
				t.Errorf("rows (-want +got):\n%s", d)
			}
		})
	}
}

// TestCycle: two services that depend on each other. Nothing fails unless
// one of them is failed; failing one fails the other once; the cycle is
// reported.
func TestCycle(t *testing.T) {
	t.Parallel()
	results := []classify.Result{
		dom("x.example", 1, []string{"dns=xco/dns", "hosting=xco/web"}),
		dom("y.example", 2, []string{"dns=yco/dns"}),
	}
	g := Build(results, nil, []ProviderEdge{
		edge("xco/web", "yco/dns", dns),
		edge("yco/dns", "xco/web", hosting),
	})
	if d := cmp.Diff([][]string{{"xco/web", "yco/dns"}}, g.Cycles()); d != "" {
		t.Errorf("cycles (-want +got):\n%s", d)
	}
	if !g.InCycle("xco/web", "yco/dns") || g.InCycle("xco/dns", "yco/dns") {
		t.Error("InCycle wrong")
	}
	if o := g.Fail(els(t, "zco"), false); o.Failed != 0 || len(o.Services) != 0 {
		t.Errorf("unrelated failure fails %d domains, %v", o.Failed, o.Services)
	}
	o := g.Fail(els(t, "yco"), true)
	if o.Failed != 2 || o.Direct != 1 || o.Transitive != 1 {
		t.Errorf("yco: failed %d direct %d, want 2 and 1", o.Failed, o.Direct)
	}
	want := []ServiceFailure{{Service: "xco/web", Via: "yco/dns", Layer: dns}, {Service: "yco/dns", Direct: true}}
	if d := cmp.Diff(want, o.Services); d != "" {
		t.Errorf("services (-want +got):\n%s", d)
	}
	if got := strings.Join(o.Rows[0].Chain, " -> "); got != "x.example -> xco -> yco" {
		t.Errorf("chain %q", got)
	}
}

// TestCrawlEdgeNamesOnly: a crawl edge (the DNS provider of the zone a
// platform's CNAME targets live in) takes down the domains that reach the
// platform by name, not those that reach its addresses directly, and the
// platform itself does not go down for its other dependents.
func TestCrawlEdgeNamesOnly(t *testing.T) {
	t.Parallel()
	byName := dom("name.example", 1, []string{"dns=self", "hosting=do/app"})
	byAddr := dom("addr.example", 2, []string{"dns=self", "hosting=do/app"})
	addrDeps := byAddr.DepList()
	addrDeps[1].Evidence = classify.EvidenceASN
	byAddr.SetDeps(addrDeps)
	onTop := dom("top.example", 3, []string{"dns=self", "hosting=plat/web"})
	g := Build([]classify.Result{byName, byAddr, onTop}, nil, []ProviderEdge{
		{From: "do/app", To: "cf/dns", Layer: dns, Source: SourceCrawl, Evidence: "zone"},
		edge("plat/web", "do/app", hosting),
	})
	o := g.Fail(els(t, "cf"), true)
	if o.Failed != 1 || o.Rows[0].Domain != "name.example" || strings.Join(o.Rows[0].Chain, " -> ") != "name.example -> do -> cf" {
		t.Errorf("cf: %d failed, rows %+v", o.Failed, o.Rows)
	}
	want := []ServiceFailure{{Service: "cf/dns", Direct: true}, {Service: "do/app", Via: "cf/dns", Layer: dns, NamesOnly: true}}
	if d := cmp.Diff(want, o.Services); d != "" {
		t.Errorf("services (-want +got):\n%s", d)
	}
	// do itself down: all three.
	if o := g.Fail(els(t, "do"), false); o.Failed != 3 || o.Direct != 2 {
		t.Errorf("do: failed %d direct %d, want 3 and 2", o.Failed, o.Direct)
	}
	// Names lost first, then down through another path: listed once.
	g2 := Build([]classify.Result{byName, byAddr}, nil, []ProviderEdge{
		{From: "do/app", To: "cf/dns", Layer: dns, Source: SourceCrawl},
		edge("do/app", "cf/cdn", catalog.LayerCDN),
	})
	o = g2.Fail(els(t, "cf"), false)
	if o.Failed != 2 || len(o.Services) != 3 || o.Services[2].NamesOnly {
		t.Errorf("cf with both edges: failed %d, services %+v", o.Failed, o.Services)
	}
}

// TestUpstreamAlternatives: a service with two upstreams on one layer
// survives one of them (OR), and fails with either of two layers (AND).
func TestUpstreamAlternatives(t *testing.T) {
	t.Parallel()
	results := []classify.Result{dom("p.example", 1, []string{"dns=self", "hosting=plat/web"})}
	g := Build(results, nil, []ProviderEdge{
		edge("plat/web", "c1/cdn", cdn), edge("plat/web", "c2/cdn", cdn), edge("plat/web", "h/vm", hosting),
	})
	for _, tt := range []struct {
		scenario []string
		failed   int
	}{{[]string{"c1"}, 0}, {[]string{"c2"}, 0}, {[]string{"c1", "c2"}, 1}, {[]string{"h"}, 1}} {
		if o := g.Fail(els(t, tt.scenario...), false); o.Failed != tt.failed {
			t.Errorf("%v: %d failed, want %d", tt.scenario, o.Failed, tt.failed)
		}
	}
}

// TestASNService: a service whose every catalog AS fails, fails.
func TestASNService(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	results := []classify.Result{dom("s.example", 1, []string{"dns=cloudflare/dns", "cdn=cloudflare/cdn"})}
	g := Build(results, cat, CatalogEdges(cat))
	if o := g.Fail(els(t, "AS13335"), true); o.Failed != 1 || strings.Join(o.Rows[0].Chain, " -> ") != "s.example -> cloudflare -> AS13335" {
		t.Errorf("AS13335: %+v", o)
	}
	if o := g.Fail(els(t, "AS16509"), false); o.Failed != 0 {
		t.Errorf("AS16509 alone (EC2 has two ASes) fails %d", o.Failed)
	}
}

func TestParseElement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Element
		err  bool
	}{
		{in: "cloudflare", want: Element{Kind: KindProvider, Company: "cloudflare"}},
		{in: "Cloudflare", want: Element{Kind: KindProvider, Company: "cloudflare"}},
		{in: "cloudflare/cdn", want: Element{Kind: KindService, Company: "cloudflare", Service: "cdn"}},
		{in: "cloudflare-cdn", want: Element{Kind: KindService, Company: "cloudflare", Service: "cdn"}},
		{in: "amazon:us-east-1", want: Element{Kind: KindRegion, Company: "amazon", Region: "us-east-1"}},
		{in: "AS13335", want: Element{Kind: KindASN, ASN: 13335}},
		{in: "as13335", want: Element{Kind: KindASN, ASN: 13335}},
		{in: "country:us", want: Element{Kind: KindCountry, Country: "US"}},
		{in: "asia", want: Element{Kind: KindProvider, Company: "asia"}},
		{in: "", err: true},
		{in: "AS0", err: true},
		{in: "AS99999999999", err: true},
		{in: "country:USA", err: true},
		{in: "a b", err: true},
		{in: "amazon:", err: true},
		{in: "/cdn", err: true},
		{in: "Example-DNS.net", want: Element{Kind: KindProvider, Company: "example-dns.net"}},
		{in: "example-dns.co.uk/dns", want: Element{Kind: KindService, Company: "example-dns.co.uk", Service: "dns"}},
		{in: "example-.net", err: true},
		{in: "example..net", err: true},
		{in: "example.net/", want: Element{Kind: KindProvider, Company: "example.net"}},
		{in: "example.net/Bad Service", err: true},
	}
	for _, tt := range tests {
		got, err := ParseElement(tt.in)
		if tt.err {
			if !errors.Is(err, ErrElement) {
				t.Errorf("ParseElement(%q) error = %v, want ErrElement", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseElement(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			continue
		}
		if back, err := ParseElement(got.String()); err != nil || back != got {
			t.Errorf("round trip of %q: %+v, %v", tt.in, back, err)
		}
	}
}

func TestEdgeFinder(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := NewEdgeFinder(cat)
	for _, d := range []string{"b.example", "a.example"} {
		f.Add(&dnscrawl.Observation{
			Domain: d,
			WWW:    dnscrawl.Host{Name: "www." + d, CNAMEs: []string{"shops.myshopify.com"}},
			TargetZones: []dnscrawl.ZoneNS{
				{Zone: "myshopify.com", NS: []string{"kate.ns.cloudflare.com", "ns1.unknown.example"}},
			},
		})
	}
	want := []ProviderEdge{{From: "shopify/platform", To: "cloudflare/dns", Layer: dns, Source: SourceCrawl,
		Evidence: "zone myshopify.com NS kate.ns.cloudflare.com (seen via a.example)", Domains: 2}}
	if d := cmp.Diff(want, f.Edges()); d != "" {
		t.Errorf("edges (-want +got):\n%s", d)
	}
}

func TestSinglePointsAndPairs(t *testing.T) {
	t.Parallel()
	results := []classify.Result{
		dom("one.example", 1, []string{"dns=cloudflare/dns", "cdn=cloudflare/cdn"}),
		dom("two.example", 2, []string{"dns=cloudflare/dns", "dns=amazon/route53", "hosting=amazon/ec2"}),
		dom("red.example", 3, []string{"dns=cloudflare/dns", "dns=amazon/route53"}),
	}
	g := Build(results, nil, nil)
	want := []SPOF{
		{Domain: "one.example", Rank: 1, Providers: []string{"cloudflare"}, AllOnOne: "cloudflare", NoEscapeHatch: "cloudflare"},
		{Domain: "two.example", Rank: 2, Providers: []string{"amazon"}},
	}
	if d := cmp.Diff(want, g.SinglePoints()); d != "" {
		t.Errorf("SinglePoints (-want +got):\n%s", d)
	}
	// amazon+cloudflare share two and red.example goes down only when both fail.
	wantPairs := []Pair{{A: "amazon", B: "cloudflare", Domains: 2, Share: 2.0 / 3, Down: 1}}
	if d := cmp.Diff(wantPairs, g.CoDependency(5)); d != "" {
		t.Errorf("CoDependency (-want +got):\n%s", d)
	}
}

// randomResults returns n results over a skewed market with redundancy,
// regions, addresses and self-hosting, from seed.
func randomResults(n int, seed uint64) []classify.Result {
	rng := rand.New(rand.NewPCG(seed, 7))
	companies := []string{"cloudflare", "amazon", "google", "akamai", "fastly", "shopify", "ovh", "hetzner", "godaddy", "ns1"}
	pick := func() string { return companies[int(float64(len(companies))*rng.Float64()*rng.Float64())] }
	layers := []string{"dns", "cdn", "hosting", "email"}
	out := make([]classify.Result, n)
	for i := range out {
		var deps, addrs []string
		for _, l := range layers {
			if l == "cdn" && rng.IntN(2) == 0 {
				continue
			}
			k := 1 + rng.IntN(2)*rng.IntN(2)
			seen := map[string]bool{}
			for range k {
				c := pick()
				if rng.IntN(20) == 0 {
					c = "self"
				}
				if seen[c] {
					continue
				}
				seen[c] = true
				d := l + "=" + c + "/" + l
				if c == "amazon" && l == "hosting" {
					d += "@" + []string{"us-east-1", "eu-west-1"}[rng.IntN(2)]
				}
				deps = append(deps, d)
			}
			if l != "dns" {
				for range 1 + rng.IntN(2) {
					addrs = append(addrs, fmt.Sprintf("%s=%d/%s", l, 64500+rng.IntN(8), []string{"US", "DE", "FR"}[rng.IntN(3)]))
				}
			}
		}
		rank := i + 1
		if rng.IntN(10) == 0 {
			rank = 0
		}
		out[i] = dom(fmt.Sprintf("d%06d.example", i), rank, deps, addrs...)
	}
	return out
}

func randomEdges() []ProviderEdge {
	return []ProviderEdge{
		edge("shopify/hosting", "cloudflare/cdn", cdn),
		edge("shopify/hosting", "google/hosting", hosting),
		edge("fastly/cdn", "ns1/dns", dns),
		edge("ns1/dns", "fastly/cdn", cdn), // a cycle
		edge("cloudflare/cdn", "cloudflare/dns", dns),
	}
}

// checkBlast asserts the properties every blast radius must have.
func checkBlast(t *testing.T, g *Graph) {
	t.Helper()
	n := g.Domains()
	for _, b := range g.BlastRadii(2) {
		if b.Domains < 0 || b.Domains > n || b.Direct+b.Transitive != b.Domains || b.EmailFailed > n {
			t.Errorf("%s: blast %+v out of bounds for %d domains", b.Element, b, n)
		}
		if b.Share < 0 || b.Share > 1 || b.WeightedShare < 0 || b.WeightedShare > 1+1e-12 {
			t.Errorf("%s: percent %g weighted %g", b.Element, b.Share, b.WeightedShare)
		}
	}
	// Monotone: failing more never saves a domain.
	elsAll := g.Elements()
	if len(elsAll) >= 2 {
		a := g.Fail(elsAll[:1], false).Failed
		ab := g.Fail(elsAll[:2], false).Failed
		if ab < a {
			t.Errorf("failing %v fails %d < %d for %v", elsAll[:2], ab, a, elsAll[:1])
		}
		if all := g.Fail(elsAll, false).Failed; all > n {
			t.Errorf("everything fails %d > %d", all, n)
		}
	}
}

func TestRandomProperties(t *testing.T) {
	t.Parallel()
	for seed := range uint64(5) {
		checkBlast(t, Build(randomResults(300, seed), nil, randomEdges()))
	}
}

// TestBlastMatchesFail checks that BlastRadii with several workers gives
// what Fail gives one element at a time.
func TestBlastMatchesFail(t *testing.T) {
	t.Parallel()
	g := Build(randomResults(500, 42), nil, randomEdges())
	for _, b := range g.BlastRadii(3) {
		o := g.Fail([]Element{b.Element}, true)
		if o.Failed != b.Domains || o.Direct != b.Direct || o.EmailFailed != b.EmailFailed {
			t.Errorf("%s: BlastRadii %+v, Fail %d/%d/%d", b.Element, b, o.Failed, o.Direct, o.EmailFailed)
		}
		down := 0
		for _, r := range o.Rows {
			if r.Down {
				down++
				if len(r.Chain) < 2 || r.Chain[0] != r.Domain {
					t.Errorf("%s: bad chain %v", b.Element, r.Chain)
				}
			}
		}
		if down != o.Failed {
			t.Errorf("%s: %d rows down, %d failed", b.Element, down, o.Failed)
		}
	}
	if !slices.IsSortedFunc(g.Elements(), compareElements) {
		t.Error("elements not sorted")
	}
}

func FuzzBlast(f *testing.F) {
	f.Add(uint64(1), uint16(50))
	f.Add(uint64(99), uint16(3))
	f.Fuzz(func(t *testing.T, seed uint64, n uint16) {
		checkBlast(t, Build(randomResults(int(n%400), seed), nil, randomEdges()))
	})
}

// TestGonum checks the exported gonum graph of handGraph: every node
// named, and the edges of shop.example and of the platform.
func TestGonum(t *testing.T) {
	t.Parallel()
	g := handGraph()
	full := g.Gonum()
	id := map[string]int64{}
	for nodes := full.Nodes(); nodes.Next(); {
		n := nodes.Node().ID()
		kind, name := g.NodeName(n)
		if kind == "" {
			t.Fatalf("node %d has no name", n)
		}
		id[name] = n
	}
	for _, e := range [][2]string{
		{"shop.example", "shopify/platform"}, {"shopify/platform", "cloudflare/cdn"}, {"shopify/platform", "shopify"},
		{"b.example", "amazon:us-east-1"}, {"d.example", "AS64501"}, {"d.example", "country:DE"}, {"amazon:us-east-1", "amazon"},
	} {
		f, ok1 := id[e[0]]
		to, ok2 := id[e[1]]
		if !ok1 || !ok2 || !full.HasEdgeFromTo(f, to) {
			t.Errorf("no edge %s -> %s", e[0], e[1])
		}
	}
	if full.HasEdgeFromTo(id["a.example"], id["shopify/platform"]) {
		t.Error("a.example does not use shopify")
	}
	if k, n := g.NodeName(-1); k != "" || n != "" {
		t.Error("NodeName(-1)")
	}
}

func TestParseKinds(t *testing.T) {
	t.Parallel()
	for _, k := range Kinds {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k, got, err)
		}
	}
	for _, s := range []EdgeSource{SourceCatalog, SourceCrawl} {
		if got, err := ParseEdgeSource(s.String()); err != nil || got != s {
			t.Errorf("ParseEdgeSource(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseKind("planet"); err == nil {
		t.Error("ParseKind accepts planet")
	}
	if _, err := ParseEdgeSource("rumour"); err == nil {
		t.Error("ParseEdgeSource accepts rumour")
	}
}
