package graph

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
// (Elements), in that order. workers bounds the goroutines used (0: the
// number of CPUs). Each scenario costs time in proportion to the domains
// and services it touches, not to the list size.
func (g *Graph) BlastRadii(workers int) []Blast {
	return g.radii(g.Elements(), newWorkerScratch(workers), nil).blast
}

// Analyse returns BlastRadii(workers), SinglePoints() and
// CoDependency(k) at once: the scenario of each company is run once for
// the three of them (its blast radius, the domains it takes down alone,
// the domains of the pairs it is in), and the scenarios of the pairs on
// workers goroutines too.
func (g *Graph) Analyse(workers, k int) ([]Blast, []SPOF, []Pair) {
	pairs := g.topPairs(k)
	inPair := map[string]bool{}
	for _, p := range pairs {
		inPair[p.A], inPair[p.B] = true, true
	}
	els := g.Elements()
	ws := newWorkerScratch(workers) // for the elements, then the pairs
	r := g.radii(els, ws, inPair)
	var companies []Element
	var serving [][]int32
	alone := map[string][]int32{}
	for i, e := range els {
		if e.Kind == KindProvider {
			companies = append(companies, e)
			serving = append(serving, r.serving[i])
			if inPair[e.Company] {
				alone[e.Company] = r.failed[i]
			}
		}
	}
	g.pairsDown(pairs, ws, func(sc func() *scratch, c string) []int32 {
		if f, ok := alone[c]; ok {
			return f
		}
		return g.failedAlone(sc(), c) // not an element: never, as a pair's companies serve domains
	})
	return r.blast, g.singlePoints(companies, serving), pairs
}

// failedAlone returns the domains that go down when company c fails,
// sorted.
func (g *Graph) failedAlone(sc *scratch, c string) []int32 {
	g.fail(sc, []Element{{Kind: KindProvider, Company: c}}, false)
	f := slices.Clone(sc.failed)
	slices.Sort(f)
	return f
}

// radiiOut is what radii computes for every element: its blast radius,
// and for a provider the domains whose serving layers it takes down (in
// the order of failure) and, when asked, every domain it takes down,
// sorted.
type radiiOut struct {
	blast   []Blast
	serving [][]int32
	failed  [][]int32
}

// radii runs the scenario of every element of els on the goroutines of
// ws. keep names the companies whose failed domains are kept in failed.
func (g *Graph) radii(els []Element, ws workerScratch, keep map[string]bool) radiiOut {
	out := radiiOut{blast: make([]Blast, len(els)), serving: make([][]int32, len(els)), failed: make([][]int32, len(els))}
	g.parallel(len(els), ws, func(sc *scratch, i int) {
		o := g.fail(sc, els[i:i+1], false)
		b := Blast{
			Element: els[i], Domains: o.Failed, Direct: o.Direct, Transitive: o.Transitive,
			Share: o.Share, WeightedShare: o.WeightedShare,
			EmailFailed: o.EmailFailed, EmailShare: o.EmailShare, Services: len(o.Services),
		}
		provider := els[i].Kind == KindProvider
		var serving []int32
		for _, d := range sc.failed {
			if g.servingDown(sc, d) {
				b.ServingDomains++
				if provider {
					serving = append(serving, d)
				}
			}
			if sc.dead(d*numLayers+slotCA) && g.caRequired[d] {
				b.CADomains++
			}
			if sc.dead(d*numLayers + slotTLD) {
				b.TLDDomains++
			}
		}
		out.blast[i], out.serving[i] = b, serving
		if provider && keep[els[i].Company] {
			out.failed[i] = slices.Sorted(slices.Values(sc.failed))
		}
	})
	return out
}

// workerScratch holds the scratch of each of workers goroutines (0: the
// number of CPUs), made when first used, for the calls of parallel.
type workerScratch []*scratch

func newWorkerScratch(workers int) workerScratch {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return make(workerScratch, max(1, workers))
}

// parallel calls fn for 0..n-1 on the goroutines of ws (no more than
// n), each with its scratch.
func (g *Graph) parallel(n int, ws workerScratch, fn func(sc *scratch, i int)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for w := range min(len(ws), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ws[w] == nil {
				ws[w] = g.newScratch()
			}
			sc := ws[w]
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(sc, i)
			}
		}()
	}
	wg.Wait()
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
	serving := make([][]int32, len(companies))
	sc := g.newScratch()
	for ci, e := range companies {
		g.fail(sc, []Element{e}, false)
		for _, d := range sc.failed {
			if g.servingDown(sc, d) {
				serving[ci] = append(serving[ci], d)
			}
		}
	}
	return g.singlePoints(companies, serving)
}

// singlePoints makes the rows of SinglePoints from the domains whose
// serving layers each company (sorted) takes down alone.
func (g *Graph) singlePoints(companies []Element, serving [][]int32) []SPOF {
	// (domain, company) pairs, then grouped by domain with a counting
	// sort: no map or slice per domain.
	var pd, pc []int32
	for ci, ds := range serving {
		for _, d := range ds {
			pd, pc = append(pd, d), append(pc, int32(ci))
		}
	}
	byDomain := buildCSR(len(g.domains), pd, pc)
	// One backing array for every row's providers, one for the rows.
	names := make([]string, len(byDomain.list))
	for i, c := range byDomain.list {
		names[i] = companies[c].Company // companies are sorted, so each row's are
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
	slices.SortFunc(out, func(a, b SPOF) int { return byRank(a.Rank, b.Rank, a.Domain, b.Domain) })
	return out
}

// servingDown reports whether a serving layer (dns, cdn, hosting) of
// failed domain d died in the scenario last run on sc, as opposed to its
// TLD registry or its certificate authority alone.
func (g *Graph) servingDown(sc *scratch, d int32) bool {
	for li := range slotEmail {
		if sc.dead(d*numLayers + int32(li)) {
			return true
		}
	}
	return false
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
	alone := map[string][]int32{}
	g.pairsDown(pairs, newWorkerScratch(1), func(sc func() *scratch, c string) []int32 {
		if f, ok := alone[c]; ok {
			return f
		}
		f := g.failedAlone(sc(), c)
		alone[c] = f
		return f
	})
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

// pairsDown sets Down of every pair, on the goroutines of ws: Down = |F(a, b)| − |F(a) ∪ F(b)|, with F the failed
// domains. alone returns F of one company, sorted; it is called from
// one goroutine at a time, before the pairs' scenarios, with a scratch
// made on its first call.
func (g *Graph) pairsDown(pairs []Pair, ws workerScratch, alone func(sc func() *scratch, company string) []int32) {
	var sc *scratch // made when alone needs it: Analyse's has every answer
	scratchOf := func() *scratch {
		if sc == nil {
			sc = g.newScratch()
		}
		return sc
	}
	single := make([]int, len(pairs)) // |F(a) ∪ F(b)|
	for i := range pairs {
		p := &pairs[i]
		fa, fb := alone(scratchOf, p.A), alone(scratchOf, p.B)
		inter := 0
		for _, d := range fb {
			if _, ok := slices.BinarySearch(fa, d); ok {
				inter++
			}
		}
		single[i] = len(fa) + len(fb) - inter
	}
	g.parallel(len(pairs), ws, func(sc *scratch, i int) {
		p := &pairs[i]
		both := g.fail(sc, []Element{{Kind: KindProvider, Company: p.A}, {Kind: KindProvider, Company: p.B}}, false).Failed
		p.Down = both - single[i]
	})
}
