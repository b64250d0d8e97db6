package graph

import (
	"gonum.org/v1/gonum/graph/simple"
)

// Gonum returns the whole dependency graph as a gonum directed graph, for
// gonum's algorithms (traversals, centrality, paths) on small and medium
// lists; the propagation itself does not use it (see the package doc).
// Node ids are dense: domains first (in Build order), then services,
// companies, regions, ASNs and countries; NodeName names a node. Edges
// mean "depends on": domain -> service, region, ASN and country; service
// -> its upstream services and its company; region -> its company.
func (g *Graph) Gonum() *simple.DirectedGraph {
	out := simple.NewDirectedGraph()
	n := g.gonumNodes()
	for id := range int64(n) {
		out.AddNode(simple.Node(id))
	}
	set := func(f, t int64) {
		if f != t && !out.HasEdgeFromTo(f, t) {
			out.SetEdge(simple.Edge{F: simple.Node(f), T: simple.Node(t)})
		}
	}
	svc, co, reg, as, cty := g.gonumBases()
	g.inverse()
	for k, s := range g.keySvc {
		for _, slot := range g.keySlots.of(int32(k)) {
			d := int64(slot / numLayers)
			set(d, svc+int64(s))
			if r := g.keyRegion[k]; r >= 0 {
				set(d, reg+int64(r))
			}
		}
	}
	for c := range g.classASN {
		for _, slot := range g.classSlots.of(int32(c)) {
			d := int64(slot / numLayers)
			if a := g.classASN[c]; a >= 0 {
				set(d, as+int64(a))
			}
			if ct := g.classCountry[c]; ct >= 0 {
				set(d, cty+int64(ct))
			}
		}
	}
	for s, c := range g.svcCompany {
		set(svc+int64(s), co+int64(c))
	}
	for r, c := range g.regionCompany {
		set(reg+int64(r), co+int64(c))
	}
	for _, gr := range g.groups {
		for _, m := range gr.members {
			set(svc+int64(gr.svc), svc+int64(m))
		}
	}
	return out
}

func (g *Graph) gonumBases() (svc, co, reg, as, cty int64) {
	svc = int64(len(g.domains))
	co = svc + int64(len(g.services))
	reg = co + int64(len(g.companies))
	as = reg + int64(len(g.regions))
	cty = as + int64(len(g.asns))
	return
}

func (g *Graph) gonumNodes() int {
	_, _, _, _, cty := g.gonumBases()
	return int(cty) + len(g.countries)
}

// NodeName returns the kind and the name of a node of Gonum's graph:
// ("domain", "shop.example"), ("service", "shopify/platform"),
// ("provider", "shopify"), ("region", "amazon:us-east-1"), ("asn",
// "AS13335"), ("country", "country:US"); empty strings for an unknown id.
func (g *Graph) NodeName(id int64) (kind, name string) {
	svc, co, reg, as, cty := g.gonumBases()
	g.inverse()
	switch {
	case id < 0:
	case id < svc:
		return "domain", g.domains[id]
	case id < co:
		return string(KindService), g.services[id-svc]
	case id < reg:
		return string(KindProvider), g.companies[id-co]
	case id < as:
		return string(KindRegion), g.regions[id-reg]
	case id < cty:
		return string(KindASN), Element{Kind: KindASN, ASN: g.asns[id-as]}.String()
	case id < int64(g.gonumNodes()):
		return string(KindCountry), "country:" + g.countries[id-cty]
	}
	return "", ""
}
