package reports

import (
	"net/netip"
	"os"
	"strconv"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"math/rand/v2"
)

// analysisDomains is the list size of BenchmarkAnalysis: BENCH_DOMAINS,
// or 100,000.
func analysisDomains() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_DOMAINS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// benchResults returns n classified domains over a skewed market of 300
// companies (a few with two services), 2,000 ASes, 60 countries and 20
// regions of the largest cloud: a CDN on half of the domains, a second
// provider on a fifth of the layers, self-hosting, one to three addresses
// per web and mail layer, one CA of 8 and one registry of 20, ranks 1..n.
// Deterministic.
func benchResults(n int) []classify.Result {
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func(k int) int { return int(float64(k) * rng.Float64() * rng.Float64() * rng.Float64()) }
	companies := make([]string, 300)
	for i := range companies {
		companies[i] = "co" + strconv.Itoa(i)
	}
	out := make([]classify.Result, n)
	for i := range out {
		domain := "d" + strconv.Itoa(i) + ".example"
		r := classify.Result{Domain: domain, Rank: i + 1, Status: dnscrawl.StatusOK, States: make(map[catalog.Layer]classify.State, 4)}
		var as []classify.AddrInfo
		var deps []classify.Dependency
		for li, l := range catalog.Layers {
			if l == catalog.LayerCA || l == catalog.LayerTLD {
				// One CA of 8 and one registry of 20, skewed, no
				// addresses: as classify gives them.
				r.States[l] = classify.StateKnown
				c := "ca" + strconv.Itoa(pick(8))
				if l == catalog.LayerTLD {
					c = "reg" + strconv.Itoa(pick(20))
				}
				deps = append(deps, classify.Dependency{Domain: domain, Rank: r.Rank, Layer: l, Provider: c, Service: string(l),
					Evidence: classify.EvidenceIssuer, Confidence: 1, ThirdParty: true})
				continue
			}
			if l == catalog.LayerCDN && rng.IntN(2) == 0 {
				r.States[l] = classify.StateNone
				continue
			}
			r.States[l] = classify.StateKnown
			k := 1 + rng.IntN(5)/4
			for j := range k {
				c := companies[pick(len(companies))]
				if rng.IntN(25) == 0 {
					c = classify.SelfProvider
				}
				if j == 1 && deps[len(deps)-1].Provider == c {
					continue
				}
				d := classify.Dependency{Domain: domain, Rank: r.Rank, Layer: l, Provider: c, Service: string(l),
					Evidence: classify.EvidenceCNAMESuffix, Confidence: 1, ThirdParty: c != classify.SelfProvider}
				if c == "co0" && l == catalog.LayerHosting {
					d.Region = "r" + strconv.Itoa(pick(20))
				}
				deps = append(deps, d)
			}
			if li > 0 {
				for a := range 1 + rng.IntN(3) {
					as = append(as, classify.AddrInfo{Layer: l, Addr: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(a)}),
						ASN: uint32(64512 + pick(2000)), Country: string(rune('A'+pick(26))) + string(rune('A'+pick(26)))})
				}
			}
		}
		r.SetAddrs(as)
		r.SetDeps(deps)
		out[i] = r
	}
	return out
}

// BenchmarkAnalysis measures everything analyze does after
// classification on BENCH_DOMAINS domains: the metrics of every layer and
// of any layer with 200 bootstrap replicates, the dependency graph, the
// blast radius of every provider, service, region, ASN and country, the
// single points of failure and co-dependent pairs, and every CSV file,
// run.json and report.html written to a temporary directory.
func BenchmarkAnalysis(b *testing.B) {
	results := benchResults(analysisDomains())
	var edges []graph.ProviderEdge
	for i := 1; i < 40; i++ {
		edges = append(edges,
			graph.ProviderEdge{From: "co" + strconv.Itoa(i) + "/hosting", To: "co0/hosting", Layer: catalog.LayerHosting, Source: graph.SourceCatalog},
			graph.ProviderEdge{From: "co" + strconv.Itoa(i) + "/cdn", To: "co1/dns", Layer: catalog.LayerDNS, Source: graph.SourceCrawl})
	}
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		sum := metrics.Compute(results, metrics.Options{Bootstrap: 200, Seed: 1})
		gr := NewGraphReport(graph.Build(results, nil, edges), 0)
		if err := WriteAll(dir, nil, results, sum); err != nil {
			b.Fatal(err)
		}
		if err := WriteGraph(dir, gr); err != nil {
			b.Fatal(err)
		}
	}
}
