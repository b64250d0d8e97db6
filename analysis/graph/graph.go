package graph

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// Layer slots: every domain has one slot per layer, numbered
// domain*numLayers + layer index (catalog.Layers order). The slots before
// slotEmail are the serving layers (dns, cdn, hosting).
const (
	numLayers = 6
	slotDNS   = 0
	slotEmail = 3
	slotCA    = 4
	slotTLD   = 5
)

var slotLayers = [numLayers]catalog.Layer{catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail, catalog.LayerCA, catalog.LayerTLD}

func layerIndex(l catalog.Layer) int {
	for i, x := range slotLayers {
		if x == l {
			return i
		}
	}
	return -1
}

// upGroup is the set of upstreams of one service on one layer: the
// service fails when all of them have failed.
type upGroup struct {
	svc     int32
	layer   catalog.Layer
	members []int32
	// names is true for a group made of crawl edges: the DNS providers of
	// the zones the service's CNAME targets live in. When it dies, the
	// service's names stop resolving, but the service itself runs on: only
	// the domains that reach it by name fail. Cert-host edges (a CA's
	// revocation and issuer hosts) are not names-only: a CA whose OCSP
	// and CRL hosts cannot be reached has failed for hard-fail clients.
	names bool
}

// csr is an adjacency list in compressed form: the neighbours of i are
// list[off[i]:off[i+1]].
type csr struct {
	off  []int32
	list []int32
}

func (c *csr) of(i int32) []int32 { return c.list[c.off[i]:c.off[i+1]] }

// buildCSR turns (from, to) pairs into a csr over n sources, keeping the
// pairs' order within a source.
func buildCSR(n int, from, to []int32) csr {
	off := make([]int32, n+1)
	for _, f := range from {
		off[f+1]++
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	list := make([]int32, len(to))
	pos := slices.Clone(off[:n])
	for i, f := range from {
		list[pos[f]] = to[i]
		pos[f]++
	}
	return csr{off: off, list: list}
}

// transpose returns the csr of the reverse pairs over n targets: the
// sources of each target, in increasing order. Negative targets (a
// self-hosted dependency's key) are left out.
func (c *csr) transpose(n int) csr {
	off := make([]int32, n+1)
	for _, t := range c.list {
		if t >= 0 {
			off[t+1]++
		}
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	list := make([]int32, off[n])
	pos := slices.Clone(off[:n])
	for src := range int32(len(c.off) - 1) {
		for _, t := range c.of(src) {
			if t >= 0 {
				list[pos[t]] = src
				pos[t]++
			}
		}
	}
	return csr{off: off, list: list}
}

// layerKey is a key of a domain's slot on a layer (its index in
// slotLayers); -1 for a self-hosted dependency.
type layerKey struct {
	layer int
	key   int32
}

// Graph is the dependency graph of a classified list. Build it once; it is
// read-only afterwards and safe for concurrent use.
type Graph struct {
	// Domains, in the order of the results given to Build.
	domains []string
	ranks   []int32
	// caRequired is true for a domain critically dependent on its
	// certificate authority (classify.Result.Critical on the ca layer:
	// one CA, no OCSP stapling): only then does a failed CA take it down.
	caRequired  []bool
	weights     []float64 // 1/rank, 0 when unranked
	totalWeight float64

	companies    []string
	companyIndex map[string]int32
	companySvcs  [][]int32

	services   []string // "company/service"
	svcIndex   map[string]int32
	svcCompany []int32
	svcASNs    [][]uint32 // AS numbers the catalog gives the service
	asnSvcs    map[uint32][]int32

	groups    []upGroup
	revGroups [][]int32 // groups in which a service is a member
	edges     []ProviderEdge
	cycles    [][]string
	provider  *simple.DirectedGraph

	regions       []string // "company:region"
	regionIndex   map[string]int32
	regionCompany []int32

	// Keys are the distinct (service, region, by name) triples domains
	// depend on; a self-hosted dependency has no key (it never fails by
	// provider). A key is by name when the domain reaches the service
	// through a CNAME to one of its names (cname_suffix evidence).
	keySvc      []int32
	keyRegion   []int32 // -1 without region
	svcKeys     [][]int32
	svcNameKeys [][]int32 // the keys of a service reached by name
	regionKeys  [][]int32

	// Classes are the distinct (AS, country) pairs of addresses.
	asns           []uint32
	asnIndex       map[uint32]int32
	countries      []string
	countryIndex   map[string]int32
	classASN       []int32 // -1 when unknown
	classCountry   []int32 // -1 when unknown
	asnClasses     [][]int32
	countryClasses [][]int32

	// Per slot: its keys (self-hosted as -1, each dependency once) and
	// its distinct address classes (none when the addresses of the slot
	// are not complete). Every key has at least one slot: Build makes a
	// key for a dependency.
	slotKeys    csr
	slotClasses csr

	// The inverse indexes, key -> slots using it and class -> slots with
	// an address in it, for fail, made when first needed (inverse): the
	// blast radii of Analyse and BlastRadii do without them (sweep).
	invOnce    sync.Once
	keySlots   csr
	classSlots csr

	// listSize is the list's size for a graph without domains (Sized).
	listSize int
}

// Build returns the graph of results, with the provider-to-provider edges
// (CatalogEdges and EdgeFinder.Edges together). cat gives the services'
// AS numbers, used when a scenario fails an AS; it may be nil.
func Build(results []classify.Result, cat *catalog.Catalog, edges []ProviderEdge) *Graph {
	n := len(results)
	g := &Graph{
		domains:      make([]string, n),
		ranks:        make([]int32, n),
		caRequired:   make([]bool, n),
		weights:      make([]float64, n),
		companyIndex: map[string]int32{},
		svcIndex:     map[string]int32{},
		asnSvcs:      map[uint32][]int32{},
		regionIndex:  map[string]int32{},
		asnIndex:     map[uint32]int32{},
		countryIndex: map[string]int32{},
	}
	if cat != nil {
		for _, p := range cat.Providers() {
			s := g.service(p.Company, p.Service)
			g.svcASNs[s] = p.ASNs
			for _, a := range p.ASNs {
				g.asnSvcs[a] = append(g.asnSvcs[a], s)
			}
		}
	}
	keyIndex := map[[3]int32]int32{}
	classIndex := map[[2]int32]int32{}
	// The key of a dependency by its parts as classify gives them, so
	// that a dependency costs one lookup and no concatenated name.
	type rawKey struct {
		provider, service, region string
		byName                    bool
	}
	rawKeys := map[rawKey]int32{}
	// Size the pair lists once: they are the bulk of the graph's memory.
	nDeps, nAddrs := 0, 0
	for i := range results {
		nDeps += results[i].NumDeps()
		nAddrs += results[i].NumAddrs()
	}
	// The keys of every slot are made in slot order, in their final
	// place (slotKeys); the slots of every key are read from them at the
	// end (keySlots): no list of (key, slot) pairs.
	slotOff, slotList := make([]int32, n*numLayers+1), make([]int32, 0, nDeps)
	var domKeys, domClasses []layerKey // the keys and address classes of one domain's slots
	// The class of an address by its AS and country as classify gives
	// them (a country in any case), before g.class interns both.
	type rawClassKey struct {
		asn     uint32
		country string
	}
	rawClass := map[rawClassKey]int32{}
	var lastClass rawClassKey // the last address's, and its class
	var lastC int32
	classOff, classList := make([]int32, n*numLayers+1), make([]int32, 0, nAddrs)
	for d := range results {
		r := &results[d]
		g.domains[d] = r.Domain
		g.ranks[d] = int32(max(r.Rank, 0))
		if r.Rank > 0 {
			g.weights[d] = 1 / float64(r.Rank)
		}
		_, g.caRequired[d] = r.Critical(catalog.LayerCA)
		dnsByName := false
		domKeys = domKeys[:0]
		var layer catalog.Layer
		li := -1
		for _, dep := range r.Deps() {
			if dep.Layer != layer || li < 0 {
				layer, li = dep.Layer, layerIndex(dep.Layer)
			}
			if li < 0 {
				continue
			}
			if dep.Layer == catalog.LayerDNS && dep.Evidence == classify.EvidenceNSSuffix {
				dnsByName = true
			}
			if dep.Provider == classify.SelfProvider || dep.Provider == "" {
				domKeys = append(domKeys, layerKey{li, -1})
				continue
			}
			rk := rawKey{dep.Provider, dep.Service, dep.Region, dep.Evidence == classify.EvidenceCNAMESuffix}
			k, ok := rawKeys[rk]
			if !ok {
				k = g.key(rk.provider, rk.service, rk.region, rk.byName, keyIndex)
				rawKeys[rk] = k
			}
			domKeys = append(domKeys, layerKey{li, k})
		}
		// In slot order, each slot's keys in the order of the
		// dependencies (sorted by layer already: nothing moves).
		slices.SortStableFunc(domKeys, func(a, b layerKey) int { return a.layer - b.layer })
		next := 0
		for li := range numLayers {
			for ; next < len(domKeys) && domKeys[next].layer == li; next++ {
				slotList = append(slotList, domKeys[next].key)
			}
			slotOff[d*numLayers+li+1] = int32(len(slotList))
		}
		// Address classes, each slot's once, in slot order (the
		// addresses come by layer, in classify's order of the layers).
		domClasses = domClasses[:0]
		li = -1
		for i := range r.NumAddrs() {
			l, asn, country := r.AddrASN(i)
			if l != layer || li < 0 {
				layer, li = l, layerIndex(l)
			}
			if li < 0 || (li == slotDNS && dnsByName) {
				continue // name servers known by name have no recorded address
			}
			if asn != lastClass.asn || country != lastClass.country || len(domClasses) == 0 {
				c, ok := rawClass[rawClassKey{asn, country}]
				if !ok {
					c = g.class(asn, country, classIndex)
					rawClass[rawClassKey{asn, country}] = c
				}
				lastClass, lastC = rawClassKey{asn, country}, c
			}
			domClasses = append(domClasses, layerKey{li, lastC}) // addresses of a layer often share their AS
		}
		slices.SortStableFunc(domClasses, func(a, b layerKey) int { return a.layer - b.layer })
		next = 0
		for li := range numLayers {
			start := len(classList)
			for ; next < len(domClasses) && domClasses[next].layer == li; next++ {
				if c := domClasses[next].key; !slices.Contains(classList[start:], c) {
					classList = append(classList, c)
				}
			}
			classOff[d*numLayers+li+1] = int32(len(classList))
		}
	}
	for _, w := range g.weights {
		g.totalWeight += w
	}
	g.slotKeys = csr{off: slotOff, list: slotList}
	g.slotClasses = csr{off: classOff, list: classList}
	g.addEdges(edges)
	return g
}

// key returns the key of a dependency on service of provider, in region
// ("": none), by name (cname_suffix evidence) or not, adding it when new.
func (g *Graph) key(provider, service, region string, byName bool, keyIndex map[[3]int32]int32) int32 {
	svc := g.service(provider, service)
	reg := int32(-1)
	if region != "" {
		reg = g.region(provider, region)
	}
	kk := [3]int32{svc, reg, 0}
	if byName {
		kk[2] = 1
	}
	k, ok := keyIndex[kk]
	if !ok {
		k = int32(len(g.keySvc))
		keyIndex[kk] = k
		g.keySvc = append(g.keySvc, svc)
		g.keyRegion = append(g.keyRegion, reg)
		g.svcKeys[svc] = append(g.svcKeys[svc], k)
		if byName {
			g.svcNameKeys[svc] = append(g.svcNameKeys[svc], k)
		}
		if reg >= 0 {
			g.regionKeys[reg] = append(g.regionKeys[reg], k)
		}
	}
	return k
}

// class returns the address class of an AS (0: unknown) and a country
// ("": unknown), adding it when new.
func (g *Graph) class(asn uint32, country string, classIndex map[[2]int32]int32) int32 {
	ai, ci := int32(-1), int32(-1)
	if asn != 0 {
		ai = g.asn(asn)
	}
	if country != "" {
		ci = g.country(country)
	}
	cc := [2]int32{ai, ci}
	c, ok := classIndex[cc]
	if !ok {
		c = int32(len(g.classASN))
		classIndex[cc] = c
		g.classASN = append(g.classASN, ai)
		g.classCountry = append(g.classCountry, ci)
		if ai >= 0 {
			g.asnClasses[ai] = append(g.asnClasses[ai], c)
		}
		if ci >= 0 {
			g.countryClasses[ci] = append(g.countryClasses[ci], c)
		}
	}
	return c
}

func (g *Graph) company(name string) int32 {
	if c, ok := g.companyIndex[name]; ok {
		return c
	}
	c := int32(len(g.companies))
	g.companies = append(g.companies, name)
	g.companyIndex[name] = c
	g.companySvcs = append(g.companySvcs, nil)
	return c
}

func (g *Graph) service(company, service string) int32 {
	name := company + "/" + service
	if s, ok := g.svcIndex[name]; ok {
		return s
	}
	s := int32(len(g.services))
	c := g.company(company)
	g.services = append(g.services, name)
	g.svcIndex[name] = s
	g.svcCompany = append(g.svcCompany, c)
	g.svcASNs = append(g.svcASNs, nil)
	g.svcKeys = append(g.svcKeys, nil)
	g.svcNameKeys = append(g.svcNameKeys, nil)
	g.revGroups = append(g.revGroups, nil)
	g.companySvcs[c] = append(g.companySvcs[c], s)
	return s
}

// region interns a region of a company. classify may write a region as a
// path ("amazon/ec2/us-east-1"); its last element is the region.
func (g *Graph) region(company, region string) int32 {
	if i := strings.LastIndexByte(region, '/'); i >= 0 {
		region = region[i+1:]
	}
	name := company + ":" + strings.ToLower(region)
	if r, ok := g.regionIndex[name]; ok {
		return r
	}
	r := int32(len(g.regions))
	g.regions = append(g.regions, name)
	g.regionIndex[name] = r
	g.regionCompany = append(g.regionCompany, g.company(company))
	g.regionKeys = append(g.regionKeys, nil)
	return r
}

func (g *Graph) asn(a uint32) int32 {
	if i, ok := g.asnIndex[a]; ok {
		return i
	}
	i := int32(len(g.asns))
	g.asns = append(g.asns, a)
	g.asnIndex[a] = i
	g.asnClasses = append(g.asnClasses, nil)
	return i
}

func (g *Graph) country(cc string) int32 {
	cc = strings.ToUpper(cc)
	if i, ok := g.countryIndex[cc]; ok {
		return i
	}
	i := int32(len(g.countries))
	g.countries = append(g.countries, cc)
	g.countryIndex[cc] = i
	g.countryClasses = append(g.countryClasses, nil)
	return i
}

// addEdges adds the provider-to-provider edges: one upstream group per
// (service, layer), the gonum provider graph, and its cycles.
func (g *Graph) addEdges(edges []ProviderEdge) {
	g.edges = slices.Clone(edges)
	sortEdges(g.edges)
	groupIndex := map[string]int32{}
	for _, e := range g.edges {
		from, ok1 := splitService(e.From)
		to, ok2 := splitService(e.To)
		if !ok1 || !ok2 || e.From == e.To {
			continue
		}
		f := g.service(from[0], from[1])
		t := g.service(to[0], to[1])
		names := e.Source == SourceCrawl // cert-host edges are full edges
		key := e.From + "|" + string(e.Layer) + "|" + string(e.Source)
		gi, ok := groupIndex[key]
		if !ok {
			gi = int32(len(g.groups))
			groupIndex[key] = gi
			g.groups = append(g.groups, upGroup{svc: f, layer: e.Layer, names: names})
		}
		if !slices.Contains(g.groups[gi].members, t) {
			g.groups[gi].members = append(g.groups[gi].members, t)
			g.revGroups[t] = append(g.revGroups[t], gi)
		}
	}
	g.provider = simple.NewDirectedGraph()
	for s := range g.services {
		g.provider.AddNode(simple.Node(s))
	}
	for _, gr := range g.groups {
		for _, m := range gr.members {
			if !g.provider.HasEdgeFromTo(int64(gr.svc), int64(m)) {
				g.provider.SetEdge(simple.Edge{F: simple.Node(gr.svc), T: simple.Node(m)})
			}
		}
	}
	for _, scc := range topo.TarjanSCC(g.provider) {
		if len(scc) < 2 {
			continue
		}
		names := make([]string, len(scc))
		for i, nd := range scc {
			names[i] = g.services[nd.ID()]
		}
		slices.Sort(names)
		g.cycles = append(g.cycles, names)
	}
	slices.SortFunc(g.cycles, func(a, b []string) int { return slices.Compare(a, b) })
}

func splitService(name string) ([2]string, bool) {
	c, s, ok := strings.Cut(name, "/")
	return [2]string{c, s}, ok && c != "" && s != ""
}

// inverse makes keySlots and classSlots, once.
func (g *Graph) inverse() {
	g.invOnce.Do(func() {
		g.keySlots = g.slotKeys.transpose(len(g.keySvc))
		g.classSlots = g.slotClasses.transpose(len(g.classASN))
	})
}

// Domains returns the list size.
func (g *Graph) Domains() int { return max(len(g.domains), g.listSize) }

// Cycles returns the strongly connected components of the provider graph
// with more than one service, each sorted, in sorted order: groups of
// services that depend on each other, directly or through others.
// Propagation terminates on them (a service fails at most once).
func (g *Graph) Cycles() [][]string { return g.cycles }

// Edges returns the provider-to-provider edges of the graph, sorted.
func (g *Graph) Edges() []ProviderEdge { return g.edges }

// InCycle reports whether the edge from -> to lies on a cycle.
func (g *Graph) InCycle(from, to string) bool {
	for _, c := range g.cycles {
		if slices.Contains(c, from) && slices.Contains(c, to) {
			return true
		}
	}
	return false
}

// ProviderOrder returns the services in an order where each comes after
// the services it depends on (a topological order of the provider graph,
// with each cycle kept together), ties broken by name.
func (g *Graph) ProviderOrder() []string {
	sccs := topo.TarjanSCC(g.provider) // reverse topological order of components
	var out []string
	for _, scc := range sccs {
		names := make([]string, len(scc))
		for i, nd := range scc {
			names[i] = g.services[nd.ID()]
		}
		slices.Sort(names)
		out = append(out, names...)
	}
	return out
}

// Elements returns every element of the graph that can fail, sorted by
// kind (Kinds order) then name: the providers (companies) and services
// domains use, their regions, and the ASNs and countries of their
// addresses.
func (g *Graph) Elements() []Element {
	used := make([]bool, len(g.services))
	for _, s := range g.keySvc {
		used[s] = true // every key has a slot
	}
	var out []Element
	seen := map[string]bool{}
	for s, ok := range used {
		if !ok {
			continue
		}
		c, sv, _ := strings.Cut(g.services[s], "/")
		if !seen[c] {
			seen[c] = true
			out = append(out, Element{Kind: KindProvider, Company: c})
		}
		out = append(out, Element{Kind: KindService, Company: c, Service: sv})
	}
	for _, r := range g.regions {
		c, reg, _ := strings.Cut(r, ":")
		out = append(out, Element{Kind: KindRegion, Company: c, Region: reg})
	}
	for _, a := range g.asns {
		out = append(out, Element{Kind: KindASN, ASN: a})
	}
	for _, c := range g.countries {
		out = append(out, Element{Kind: KindCountry, Country: c})
	}
	slices.SortFunc(out, compareElements)
	return out
}

func compareElements(a, b Element) int {
	return cmp.Or(
		cmp.Compare(slices.Index(Kinds, a.Kind), slices.Index(Kinds, b.Kind)),
		strings.Compare(a.Company, b.Company), strings.Compare(a.Service, b.Service),
		strings.Compare(a.Region, b.Region), cmp.Compare(a.ASN, b.ASN), strings.Compare(a.Country, b.Country))
}
