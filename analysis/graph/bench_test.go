package graph

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/traverse"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// benchDomains is the list size of the benchmarks: BENCH_DOMAINS, or
// 100,000.
func benchDomains() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_DOMAINS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// compareDomains is the list size of the compact-versus-gonum comparison:
// benchDomains, at most 200,000 (gonum's map-based graph of a million
// domains takes gigabytes, which make bench at 1M cannot spare).
func compareDomains() int { return min(benchDomains(), 200_000) }

// syntheticResults returns n results over a skewed market of 300
// companies with 2,000 ASes, 60 countries and 20 regions of one cloud:
// redundancy on a fifth of the layers, self-hosting, CDN on half of the
// domains, one to three addresses per web and mail layer; one CA of 8 and
// one registry of 5 per domain. Deterministic for a seed.
func syntheticResults(n int, seed uint64) []classify.Result {
	rng := rand.New(rand.NewPCG(seed, 11))
	const companies, asns, countries, regions = 300, 2000, 60, 20
	pick := func(k int) int { return int(float64(k) * rng.Float64() * rng.Float64() * rng.Float64()) }
	cname := func(i int) string { return "co" + strconv.Itoa(i) }
	out := make([]classify.Result, n)
	for i := range out {
		domain := "d" + strconv.Itoa(i) + ".example"
		r := classify.Result{Domain: domain, Rank: i + 1, Status: dnscrawl.StatusOK, States: make(map[catalog.Layer]classify.State, 4)}
		var as []classify.AddrInfo
		var deps []classify.Dependency
		for li, l := range slotLayers {
			switch l {
			case catalog.LayerCA, catalog.LayerTLD:
				// One CA of 8 and one registry of 5, skewed, no
				// addresses: as classify gives them.
				r.States[l] = classify.StateKnown
				c := "ca" + strconv.Itoa(pick(8))
				if l == catalog.LayerTLD {
					c = "reg" + strconv.Itoa(pick(5))
				}
				deps = append(deps, classify.Dependency{Domain: domain, Rank: r.Rank, Layer: l, Provider: c, Service: string(l), Confidence: 1, ThirdParty: true})
				continue
			}
			if l == catalog.LayerCDN && rng.IntN(2) == 0 {
				r.States[l] = classify.StateNone
				continue
			}
			r.States[l] = classify.StateKnown
			k := 1
			if rng.IntN(5) == 0 {
				k = 2
			}
			for j := range k {
				c := cname(pick(companies))
				if rng.IntN(25) == 0 {
					c = classify.SelfProvider
				}
				if j == 1 && deps[len(deps)-1].Provider == c {
					continue
				}
				d := classify.Dependency{Domain: domain, Rank: r.Rank, Layer: l, Provider: c, Service: string(l), Evidence: classify.EvidenceCNAMESuffix, Confidence: 1, ThirdParty: true}
				if c == "co0" && l == catalog.LayerHosting {
					d.Region = "r" + strconv.Itoa(pick(regions))
				}
				deps = append(deps, d)
			}
			if li > 0 {
				for a := range 1 + rng.IntN(3) {
					as = append(as, classify.AddrInfo{Layer: l, Addr: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(a)}),
						ASN: uint32(64512 + pick(asns)), Country: fmt.Sprintf("C%c", 'A'+pick(countries)%26)})
				}
			}
		}
		r.SetAddrs(as)
		r.SetDeps(deps)
		out[i] = r
	}
	return out
}

func syntheticEdges() []ProviderEdge {
	var es []ProviderEdge
	for i := 1; i < 40; i++ {
		es = append(es, edge("co"+strconv.Itoa(i)+"/hosting", "co0/hosting", hosting))
		es = append(es, edge("co"+strconv.Itoa(i)+"/cdn", "co1/dns", dns))
	}
	return es
}

// BenchmarkBuild measures building the graph of BENCH_DOMAINS domains.
func BenchmarkBuild(b *testing.B) {
	results := syntheticResults(benchDomains(), 1)
	edges := syntheticEdges()
	b.ReportAllocs()
	for b.Loop() {
		Build(results, nil, edges)
	}
}

// BenchmarkBlastRadii measures the blast radius of every provider,
// service, region, ASN and country.
func BenchmarkBlastRadii(b *testing.B) {
	g := Build(syntheticResults(benchDomains(), 1), nil, syntheticEdges())
	b.ReportAllocs()
	for b.Loop() {
		g.BlastRadii(0)
	}
	b.ReportMetric(float64(len(g.Elements())), "elements")
}

// BenchmarkAnalyse measures what the report asks of the graph: the blast
// radius of every element, the single points of failure and the 100
// pairs of companies that share the most domains, with their Down.
func BenchmarkAnalyse(b *testing.B) {
	g := Build(syntheticResults(benchDomains(), 1), nil, syntheticEdges())
	b.ReportAllocs()
	for b.Loop() {
		g.Analyse(0, 100)
	}
	b.ReportMetric(float64(len(g.Elements())), "elements")
}

// BenchmarkFailCompact measures one provider scenario (the largest
// company) on the compact arrays.
func BenchmarkFailCompact(b *testing.B) {
	g := Build(syntheticResults(compareDomains(), 1), nil, syntheticEdges())
	sc := g.newScratch()
	s := []Element{{Kind: KindProvider, Company: "co0"}}
	b.ReportAllocs()
	for b.Loop() {
		g.fail(sc, s, false)
	}
}

// BenchmarkFailGonumBFS measures the same scenario as a breadth-first
// search from the company's node over the reversed Gonum graph (every
// domain, service, company, region, AS and country): the generic
// alternative. It only computes reachability (every domain that uses the
// company somewhere, with no OR within a layer), which is less than
// propagation needs.
func BenchmarkFailGonumBFS(b *testing.B) {
	g := Build(syntheticResults(compareDomains(), 1), nil, syntheticEdges())
	full := g.Gonum()
	rev := simple.NewDirectedGraph()
	for nodes := full.Nodes(); nodes.Next(); {
		rev.AddNode(nodes.Node())
	}
	for edges := full.Edges(); edges.Next(); {
		e := edges.Edge()
		rev.SetEdge(simple.Edge{F: e.To(), T: e.From()})
	}
	_, co, _, _, _ := g.gonumBases()
	start := rev.Node(co + int64(g.companyIndex["co0"]))
	b.ResetTimer()
	b.ReportAllocs()
	for b.Loop() {
		var bfs traverse.BreadthFirst
		n := 0
		bfs.Walk(rev, start, func(graph.Node, int) bool { n++; return false })
	}
}
