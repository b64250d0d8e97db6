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
}

func NewEdgeGatherer(cat *catalog.Catalog, cl *classify.Classifier) *EdgeGatherer {
	return &EdgeGatherer{cat: cat, cl: cl, names: graph.NewEdgeFinder(cat), certs: graph.NewCertHostFinder()}
}

// Add adds the edges ob shows.
func (e *EdgeGatherer) Add(ob *dnscrawl.Observation) { e.AddCertEdges(ob, e.cl.CertHostEdges(ob)) }

// AddCertEdges is Add with the edges of ob's certificate hosts already
// found (ces: the classifier's CertHostEdges of ob), as the workers of
// classifyObservations find them.
func (e *EdgeGatherer) AddCertEdges(ob *dnscrawl.Observation, ces []classify.CertEdge) {
	e.names.Add(ob)
	if hosts := certHosts(ces); len(hosts) > 0 {
		e.certs.Add(ob.Domain, hosts)
	}
}

// certHosts are the edges ces for a graph.CertHostFinder.
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

// Edges returns the catalog's edges and those of the crawl.
func (e *EdgeGatherer) Edges() []graph.ProviderEdge {
	return slices.Concat(graph.CatalogEdges(e.cat), e.names.Edges(), e.certs.Edges())
}
