package graph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// mixedResults returns n results that use every path of the propagation:
// services of the catalog with AS numbers (a failed AS fails them),
// services behind others by catalog, crawl (names only) and cert-host
// edges, a cycle, regions, evidence by name and by address on one
// layer, address classes with an unknown AS or country, name servers
// with and without recorded addresses, self-hosting, redundancy, one or
// two CAs with and without an OCSP fetch, registries, ranked and unranked
// domains. Deterministic for a seed.
func mixedResults(n int, seed uint64) []classify.Result {
	rng := rand.New(rand.NewPCG(seed, 3))
	pools := map[string][]string{
		"dns":     {"cloudflare/dns", "amazon/route53", "akamai/edgedns", "ns1/dns", "self"},
		"cdn":     {"cloudflare/cdn", "amazon/cloudfront", "fastly/cdn", "akamai/cdn", "cloudflare/pages"},
		"hosting": {"amazon/ec2", "digitalocean/hosting", "google/cloud", "shopify/platform", "kinsta/platform", "adobe/aem", "amazon/amplify", "self"},
		"email":   {"google/workspace", "microsoft/exchange", "self"},
		"ca":      {"letsencrypt/ca", "digicert/ca"},
		"tld":     {"verisign/com", "afnic/fr"},
	}
	pick := func(pool []string) string { return pool[int(float64(len(pool))*rng.Float64()*rng.Float64())] }
	asns := []string{"13335", "16509", "14618", "20940", "14061", "64500", "0"}
	countries := []string{"US", "DE", ""}
	out := make([]classify.Result, n)
	for i := range out {
		var deps, addrs []string
		for _, l := range []string{"dns", "cdn", "hosting", "email", "ca", "tld"} {
			if (l == "cdn" || l == "email") && rng.IntN(3) == 0 {
				continue
			}
			k := 1
			if l != "tld" && rng.IntN(4) == 0 {
				k = 2
			}
			for range k {
				d := l + "=" + pick(pools[l])
				if d == "hosting=amazon/ec2" && rng.IntN(2) == 0 {
					d += "@" + []string{"us-east-1", "eu-west-1"}[rng.IntN(2)]
				}
				deps = append(deps, d)
			}
			if l == "ca" || l == "tld" {
				continue
			}
			for range rng.IntN(3) {
				addrs = append(addrs, l+"="+asns[rng.IntN(len(asns))]+"/"+countries[rng.IntN(len(countries))])
			}
		}
		rank := i + 1
		if rng.IntN(8) == 0 {
			rank = 0
		}
		r := dom(fmt.Sprintf("m%05d.example", i), rank, deps, addrs...)
		// Evidence by address for some dependencies: name servers then
		// have their addresses recorded, and a service is reached by
		// address as well as by name.
		list := r.DepList()
		for j := range list {
			if rng.IntN(3) == 0 && list[j].Provider != classify.SelfProvider {
				list[j].Evidence = classify.EvidenceIPRange
			}
		}
		r.SetDeps(list)
		r.NoOCSPFetch = rng.IntN(4) == 0
		out[i] = r
	}
	return out
}

func mixedEdges(cat *catalog.Catalog) []ProviderEdge {
	return append(CatalogEdges(cat),
		ProviderEdge{From: "digitalocean/hosting", To: "cloudflare/dns", Layer: dns, Source: SourceCrawl, Evidence: "zone"},
		ProviderEdge{From: "shopify/platform", To: "akamai/edgedns", Layer: dns, Source: SourceCrawl, Evidence: "zone"},
		ProviderEdge{From: "shopify/platform", To: "ns1/dns", Layer: dns, Source: SourceCrawl, Evidence: "zone"},
		edge("shopify/platform", "cloudflare/cdn", cdn),
		edge("amazon/amplify", "fastly/cdn", cdn), // with the catalog's cloudfront: either saves it
		edge("ns1/dns", "fastly/cdn", cdn),
		edge("fastly/cdn", "ns1/dns", dns), // a cycle
		ProviderEdge{From: "letsencrypt/ca", To: "akamai/cdn", Layer: cdn, Source: SourceCertHost, Evidence: "ocsp"},
		ProviderEdge{From: "letsencrypt/ca", To: "cloudflare/cdn", Layer: cdn, Source: SourceCertHost, Evidence: "crl"},
		ProviderEdge{From: "digicert/ca", To: "amazon/route53", Layer: dns, Source: SourceCertHost, Evidence: "zone"},
	)
}

// refAnalyse computes what Analyse returns scenario by scenario with
// fail, as the package did before sweep: the reference sweep must equal.
func refAnalyse(g *Graph, k int) ([]Blast, []SPOF, []Pair) {
	els := g.Elements()
	sc := g.newScratch()
	blast := make([]Blast, len(els))
	var pd, pc []int32
	alone := map[string][]int32{}
	for i, e := range els {
		o := g.fail(sc, els[i:i+1], false)
		b := Blast{Element: e, Domains: o.Failed, Direct: o.Direct, Transitive: o.Transitive, Share: o.Share, WeightedShare: o.WeightedShare,
			EmailFailed: o.EmailFailed, EmailShare: o.EmailShare, Services: len(o.Services)}
		for _, d := range sc.failed {
			serving := false
			for li := range slotEmail {
				serving = serving || sc.dead(d*numLayers+int32(li))
			}
			if serving {
				b.ServingDomains++
				if e.Kind == KindProvider {
					pd, pc = append(pd, d), append(pc, int32(i))
				}
			}
			if sc.dead(d*numLayers+slotCA) && g.caRequired[d] {
				b.CADomains++
			}
			if sc.dead(d*numLayers + slotTLD) {
				b.TLDDomains++
			}
		}
		if e.Kind == KindProvider {
			alone[e.Company] = slices.Sorted(slices.Values(sc.failed))
		}
		blast[i] = b
	}
	pairs := g.topPairs(k)
	for i, p := range pairs {
		both := g.fail(sc, []Element{{Kind: KindProvider, Company: p.A}, {Kind: KindProvider, Company: p.B}}, false).Failed
		union := slices.Compact(slices.Sorted(slices.Values(slices.Concat(alone[p.A], alone[p.B]))))
		pairs[i].Down = both - len(union)
	}
	return blast, g.singlePoints(els, buildCSR(len(g.domains), pd, pc)), pairs
}

// TestSweepMatchesFail checks Analyse, BlastRadii, SinglePoints and
// CoDependency, computed by sweep in one pass over the domains, against
// the scenarios run one by one with fail, on markets that use every path
// of the propagation; the weighted shares to 1e-12 (sweep sums the
// weights in domain order, fail in the order the domains fail).
func TestSweepMatchesFail(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	approx := cmpopts.EquateApprox(0, 1e-12)
	graphs := map[string]*Graph{
		"hand": handGraph(), "catld": caTLDGraph(), "empty": Build(nil, cat, mixedEdges(cat)),
		"synthetic": Build(syntheticResults(2000, 9), nil, syntheticEdges()),
	}
	for seed := range uint64(4) {
		graphs[fmt.Sprint("mixed", seed)] = Build(mixedResults(1500, seed), cat, mixedEdges(cat))
	}
	checked := map[string]int{}
	for name, g := range graphs {
		t.Run(name, func(t *testing.T) {
			wantBlast, wantSPOF, wantPairs := refAnalyse(g, -1)
			blast, spof, pairs := g.Analyse(0, -1)
			if d := cmp.Diff(wantBlast, blast, approx); d != "" {
				t.Errorf("blast radii (-fail +sweep):\n%s", d)
			}
			if d := cmp.Diff(wantSPOF, spof); d != "" {
				t.Errorf("single points (-fail +sweep):\n%s", d)
			}
			if d := cmp.Diff(wantPairs, pairs, approx); d != "" {
				t.Errorf("pairs (-fail +sweep):\n%s", d)
			}
			if d := cmp.Diff(wantBlast, g.BlastRadii(1), approx); d != "" {
				t.Errorf("BlastRadii (-fail +sweep):\n%s", d)
			}
			if d := cmp.Diff(wantSPOF, g.SinglePoints()); d != "" {
				t.Errorf("SinglePoints (-fail +sweep):\n%s", d)
			}
			if d := cmp.Diff(wantPairs, g.CoDependency(-1), approx); d != "" {
				t.Errorf("CoDependency (-fail +sweep):\n%s", d)
			}
			if name == "mixed0" {
				for _, b := range blast {
					if b.Domains > 0 {
						checked["failed "+string(b.Element.Kind)]++
					}
					if b.Transitive > 0 {
						checked["transitive"]++
					}
					if b.CADomains > 0 {
						checked["ca"]++
					}
					if b.EmailFailed > 0 {
						checked["email"]++
					}
				}
				for _, p := range pairs {
					if p.Down > 0 {
						checked["down"]++
					}
				}
				checked["spof"] = len(spof)
			}
		})
	}
	// The market must exercise what the comparison is for.
	for _, what := range []string{"failed provider", "failed service", "failed region", "failed asn", "failed country", "transitive", "ca", "email", "down", "spof"} {
		if checked[what] == 0 {
			t.Errorf("mixed0: no element with %s: the comparison does not check it", what)
		}
	}
}
