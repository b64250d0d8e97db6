package pipeline

import (
	"slices"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// EdgeGatherer collects the provider-to-provider edges a crawl shows, for
// analyze and whatif alike: the DNS providers of the zones CNAME targets
// live in (graph.EdgeFinder), and the DNS and CDN providers of the hosts
// a CA's certificates name for OCSP, CRL and issuer URLs (classify's
// cert-host edges, gathered by graph.CertHostFinder). Feed it every
// observation kept, in one goroutine. NewEdgeGatherer makes one.
type EdgeGatherer struct {
	cat   *catalog.Catalog
	cl    *classify.Classifier
	names *graph.EdgeFinder
	certs *graph.CertHostFinder
	// services holds graph.ServiceName of the providers seen, and hosts
	// is the buffer of AddCertEdges: most domains show the same few
	// edges, which made two strings and a slice each.
	services map[*catalog.Provider]string
	hosts    []graph.CertHost
}

func NewEdgeGatherer(cat *catalog.Catalog, cl *classify.Classifier) *EdgeGatherer {
	return &EdgeGatherer{cat: cat, cl: cl, names: graph.NewEdgeFinder(cat), certs: graph.NewCertHostFinder(),
		services: make(map[*catalog.Provider]string)}
}

// Add adds the edges ob shows.
func (e *EdgeGatherer) Add(ob *dnscrawl.Observation) { e.AddCertEdges(ob, e.cl.CertHostEdges(ob)) }

// AddCertEdges is Add with the edges of ob's certificate hosts already
// found (ces: the classifier's CertHostEdges of ob), as the workers of
// classifyObservations find them.
func (e *EdgeGatherer) AddCertEdges(ob *dnscrawl.Observation, ces []classify.CertEdge) {
	e.names.Add(ob)
	if len(ces) == 0 {
		return
	}
	// CertHostFinder.Add keeps the strings of the hosts, not the slice.
	e.hosts = e.hosts[:0]
	for _, c := range ces {
		e.hosts = append(e.hosts, graph.CertHost{From: e.service(c.From), To: e.service(c.To), Layer: c.Layer, Host: c.Host, Evidence: c.Evidence})
	}
	e.certs.Add(ob.Domain, e.hosts)
}

// service returns graph.ServiceName(p), made once per provider.
func (e *EdgeGatherer) service(p *catalog.Provider) string {
	s, ok := e.services[p]
	if !ok {
		s = graph.ServiceName(p)
		e.services[p] = s
	}
	return s
}

// Edges returns the catalog's edges and those of the crawl.
func (e *EdgeGatherer) Edges() []graph.ProviderEdge {
	return slices.Concat(graph.CatalogEdges(e.cat), e.names.Edges(), e.certs.Edges())
}

// certHosts are the edges ces for a graph.CertHostFinder, in a new slice
// (the shards' classification uses it; EdgeGatherer reuses its own).
func certHosts(ces []classify.CertEdge) []graph.CertHost {
	if len(ces) == 0 {
		return nil
	}
	hosts := make([]graph.CertHost, len(ces))
	for i, c := range ces {
		hosts[i] = graph.CertHost{From: graph.ServiceName(c.From), To: graph.ServiceName(c.To), Layer: c.Layer, Host: c.Host, Evidence: c.Evidence}
	}
	return hosts
}
