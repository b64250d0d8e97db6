package graph

import (
	"cmp"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
)

// Blast is the blast radius of one element: the outcome of the scenario
// made of that element alone.
type Blast struct {
	Element Element
	// Domains, Direct, Transitive, Share, WeightedShare, EmailFailed
	// and EmailShare are as in Outcome.
	Domains       int
	Direct        int
	Transitive    int
	Share         float64
	WeightedShare float64
	EmailFailed   int
	EmailShare    float64
	// Services counts the services that fail with it, itself included.
	Services int
	// CADomains and TLDDomains count the domains, among Domains, whose ca
	// layer (a critical CA) or tld layer (the registry) failed: a CA's or
	// a registry's blast radius, or the part of a provider's that passes
	// through the CAs whose revocation hosts it serves.
	CADomains, TLDDomains int
	// ServingDomains counts the domains, among Domains, whose dns, cdn or
	// hosting layer failed: 0 for a CA or a registry whose whole blast
	// radius passes through the ca and tld layers.
	ServingDomains int
}

// BlastRadii returns the blast radius of every element of the graph
// (Elements), in that order. workers is kept for the callers of earlier
// versions: the radii are computed in one pass over the domains (sweep),
// on the calling goroutine, in time proportional to the list and the
// elements each domain depends on.
func (g *Graph) BlastRadii(workers int) []Blast {
	return g.sweep(g.Elements(), nil).blast
}

// Analyse returns BlastRadii(workers), SinglePoints() and
// CoDependency(k) at once, from one pass over the domains (sweep): the
// blast radius of every element, the companies that take each domain
// down alone and the pairs' Down.
func (g *Graph) Analyse(workers, k int) ([]Blast, []SPOF, []Pair) {
	pairs := g.topPairs(k)
	els := g.Elements()
	r := g.sweep(els, pairs)
	for i := range pairs {
		pairs[i].Down = r.down[i]
	}
	return r.blast, g.singlePoints(els, r.spof), pairs
}

// SPOF is a domain that one provider can take down alone.
type SPOF struct {
	Domain string
	Rank   int
	// Providers are the companies whose failure alone takes the domain
	// down, directly or through their upstreams, sorted.
	Providers []string
	// AllOnOne is the company when every required layer the domain has
	// (dns, cdn, hosting) is served by that one company and nothing else
	// (no second provider, no self-hosting); empty otherwise.
	AllOnOne string
	// NoEscapeHatch is the company when the domain's DNS and its CDN are
	// both that one company alone: when it is down, its dashboard and API
	// are too, so the proxy cannot be switched off to reach the origin.
	NoEscapeHatch string
}

// SetLayers sets s.AllOnOne and s.NoEscapeHatch from the domain's serving
// layers dns, cdn and hosting, in that order: has[i] is whether the domain
// has layer i, co[i] the one company serving it alone ("" when several
// providers or self-hosting serve it). Both engines decide them here.
func (s *SPOF) SetLayers(co [3]string, has [3]bool) {
	all := ""
	for li := range 3 {
		if !has[li] {
			continue
		}
		if co[li] == "" || (all != "" && all != co[li]) {
			all = "-"
			break
		}
		all = co[li]
	}
	if all != "-" {
		s.AllOnOne = all
	}
	if has[0] && has[1] && co[0] != "" && co[0] == co[1] {
		s.NoEscapeHatch = co[0]
	}
}

// SinglePoints returns the domains that one company can take down alone
// through a serving layer (dns, cdn or hosting, directly or through the
// company's upstreams), by rank then domain. The registry of a domain's
// TLD and a certificate authority it depends on critically can take it
// down alone too, but every domain has exactly one registry and most one
// CA: they are left out here, or every domain would be listed, and shown
// by their blast radii and the critical counts of the ca and tld layers.
func (g *Graph) SinglePoints() []SPOF {
	var companies []Element
	for _, e := range g.Elements() {
		if e.Kind == KindProvider {
			companies = append(companies, e)
		}
	}
	return g.singlePoints(companies, g.sweep(companies, nil).spof)
}

// singlePoints makes the rows of SinglePoints from the companies (indexes
// in els, in els order) that take down each domain's serving layers
// alone.
func (g *Graph) singlePoints(els []Element, byDomain csr) []SPOF {
	// One backing array for every row's providers, one for the rows.
	names := make([]string, len(byDomain.list))
	for i, e := range byDomain.list {
		names[i] = els[e].Company // elements are sorted, so each row's are
	}
	rows := 0
	for d := range g.domains {
		if byDomain.off[d+1] > byDomain.off[d] {
			rows++
		}
	}
	out := make([]SPOF, 0, rows)
	for di := range g.domains {
		d := int32(di)
		lo, hi := byDomain.off[d], byDomain.off[d+1]
		if lo == hi {
			continue
		}
		s := SPOF{Domain: g.domains[d], Rank: int(g.ranks[d]), Providers: names[lo:hi:hi]}
		var layerCo [3]string // the single company of each required layer, "" if none or several
		var has [3]bool
		for li := range 3 {
			ks := g.slotKeys.of(d*numLayers + int32(li))
			if len(ks) == 0 {
				continue
			}
			has[li] = true
			co := ""
			for _, k := range ks {
				c := classify.SelfProvider
				if k >= 0 {
					c = g.companies[g.svcCompany[g.keySvc[k]]]
				}
				if co == "" {
					co = c
				} else if co != c {
					co = "-"
				}
			}
			if co != "-" && co != classify.SelfProvider {
				layerCo[li] = co
			}
		}
		s.SetLayers(layerCo, has)
		out = append(out, s)
	}
	byRankDomain := func(a, b SPOF) int { return byRank(a.Rank, b.Rank, a.Domain, b.Domain) }
	if !slices.IsSortedFunc(out, byRankDomain) { // domains in report order already are
		slices.SortFunc(out, byRankDomain)
	}
	return out
}

func byRank(ra, rb int, da, db string) int {
	if (ra > 0) != (rb > 0) {
		if ra > 0 {
			return -1
		}
		return 1
	}
	// Not cmp.Or, which would compare the names even when the ranks
	// differ: this runs for every affected domain of every scenario.
	if c := cmp.Compare(ra, rb); c != 0 {
		return c
	}
	return strings.Compare(da, db)
}

// Pair is two companies and the domains that use both.
type Pair struct {
	A, B string // A < B
	// Domains use both, on any layers; Share is Domains / list size.
	Domains int
	Share   float64
	// Down counts the domains that go down only when both fail together
	// (neither alone takes them down): the redundancy the pair provides
	// is shared by these domains. It is computed for the pairs returned.
	Down int
}

// CoDependency returns the k pairs of companies that share the most
// domains (on the serving layers and e-mail; not ca or tld, where nearly
// every domain would pair its CA with its registry), by Domains
// descending then names.
func (g *Graph) CoDependency(k int) []Pair {
	pairs := g.topPairs(k)
	down := g.sweep(nil, pairs).down
	for i := range pairs {
		pairs[i].Down = down[i]
	}
	return pairs
}

// topPairs returns the k pairs of CoDependency with Domains and Share,
// without Down.
func (g *Graph) topPairs(k int) []Pair {
	// Pair counts over company indexes: a dense triangle when the
	// companies are few enough (the usual case), a map otherwise.
	nc := len(g.companies)
	dense := nc <= 4096
	var tri []int32
	var sparse map[[2]int32]int
	if dense {
		tri = make([]int32, nc*nc)
	} else {
		sparse = map[[2]int32]int{}
	}
	var cos []int32
	for d := range g.domains {
		cos = cos[:0]
		for _, key := range g.slotKeys.list[g.slotKeys.off[d*numLayers]:g.slotKeys.off[d*numLayers+slotEmail+1]] {
			if key >= 0 {
				if c := g.svcCompany[g.keySvc[key]]; !slices.Contains(cos, c) {
					cos = append(cos, c)
				}
			}
		}
		for i := range cos {
			for j := i + 1; j < len(cos); j++ {
				a, b := min(cos[i], cos[j]), max(cos[i], cos[j])
				if dense {
					tri[int(a)*nc+int(b)]++
				} else {
					sparse[[2]int32{a, b}]++
				}
			}
		}
	}
	var out []Pair
	add := func(a, b int32, n int) {
		x, y := g.companies[a], g.companies[b]
		if x > y {
			x, y = y, x
		}
		out = append(out, Pair{A: x, B: y, Domains: n})
	}
	if dense {
		for i, n := range tri {
			if n > 0 {
				add(int32(i/nc), int32(i%nc), int(n))
			}
		}
	} else {
		for p, n := range sparse {
			add(p[0], p[1], n)
		}
	}
	slices.SortFunc(out, func(a, b Pair) int {
		return cmp.Or(cmp.Compare(b.Domains, a.Domains), strings.Compare(a.A, b.A), strings.Compare(a.B, b.B))
	})
	if k >= 0 && len(out) > k {
		out = out[:k]
	}
	for i := range out {
		if len(g.domains) > 0 {
			out[i].Share = float64(out[i].Domains) / float64(len(g.domains))
		}
	}
	return out
}
