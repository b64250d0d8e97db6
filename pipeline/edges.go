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
	hosts []graph.CertHost // AddCertEdges' buffer
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
	if len(ces) == 0 {
		return
	}
	// CertHostFinder.Add keeps the strings of the hosts, not the slice.
	e.hosts = e.hosts[:0]
	for _, c := range ces {
		e.hosts = append(e.hosts, graph.CertHost{From: c.From.ServiceName(), To: c.To.ServiceName(), Layer: c.Layer, Host: c.Host, Evidence: c.Evidence})
	}
	e.certs.Add(ob.Domain, e.hosts)
}

// Edges returns the catalog's edges and those of the crawl.
func (e *EdgeGatherer) Edges() []graph.ProviderEdge {
	return slices.Concat(graph.CatalogEdges(e.cat), e.crawled())
}

// crawled returns the edges of the crawl alone (a shard's: the catalog's
// are added once, by FinishClassified).
func (e *EdgeGatherer) crawled() []graph.ProviderEdge {
	return slices.Concat(e.names.Edges(), e.certs.Edges())
}
