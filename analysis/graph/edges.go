package graph

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// EdgeSource says where a provider-to-provider edge comes from.
type EdgeSource string

// The sources of provider edges.
const (
	SourceCatalog EdgeSource = "catalog" // the catalog's upstreams
	SourceCrawl   EdgeSource = "crawl"   // the NS of a CNAME target's zone
	// SourceCertHost: the DNS or CDN provider of a host named in a CA's
	// certificates (OCSP responder, CRL distribution point, issuer URL),
	// seen in the crawl. The CA fails when every such provider of a
	// layer fails: its revocation service cannot be reached.
	SourceCertHost EdgeSource = "cert_host"
)

func (s EdgeSource) String() string { return string(s) }

// ParseEdgeSource returns the edge source named s.
func ParseEdgeSource(s string) (EdgeSource, error) {
	switch EdgeSource(s) {
	case SourceCatalog, SourceCrawl, SourceCertHost:
		return EdgeSource(s), nil
	}
	return "", fmt.Errorf("unknown edge source %q", s)
}

// ProviderEdge says that service From depends on service To for layer
// Layer. Services are named "company/service".
type ProviderEdge struct {
	From   string
	To     string
	Layer  catalog.Layer
	Source EdgeSource
	// Evidence is what shows the edge: the catalog entry, or the zone and
	// name server seen in the crawl with one domain that led there.
	Evidence string
	// Domains is the number of observed domains whose CNAME chains showed
	// the edge (0 for catalog edges).
	Domains int
}

// ServiceName returns the graph name of a catalog provider.
func ServiceName(p *catalog.Provider) string { return p.ServiceName() }

// CatalogEdges returns the provider-to-provider edges the catalog declares
// (Provider.Upstreams), sorted.
func CatalogEdges(cat *catalog.Catalog) []ProviderEdge {
	var out []ProviderEdge
	for _, p := range cat.Providers() {
		for _, u := range p.Upstreams {
			up, ok := cat.Provider(u.Provider)
			if !ok {
				continue // Parse rejects this; be safe with hand-made catalogs
			}
			out = append(out, ProviderEdge{
				From: ServiceName(p), To: ServiceName(up), Layer: u.Layer, Source: SourceCatalog,
				Evidence: "catalog: " + p.ID + " upstream " + up.ID + " (" + string(u.Layer) + ")",
			})
		}
	}
	sortEdges(out)
	return out
}

func sortEdges(es []ProviderEdge) {
	slices.SortFunc(es, func(a, b ProviderEdge) int {
		return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To),
			strings.Compare(string(a.Layer), string(b.Layer)), strings.Compare(string(a.Source), string(b.Source)))
	})
}

// EdgeFinder finds provider-to-provider edges in the crawl: when a web
// host's CNAME chain passes through a name under a provider's CNAME
// suffix, and the zone that name lives in is served by name servers under
// another provider's NS suffix, the first provider depends on the second
// for dns (the DNS provider of a CDN's or platform's own domain). Feed it
// every observation with Add, then read Edges. It is not safe for
// concurrent use.
type EdgeFinder struct {
	cat   *catalog.Catalog
	edges map[[2]string]*found
}

// found is a crawl edge with the smallest (zone, name server, domain)
// that showed it, so that the evidence does not depend on the order of
// the observations.
type found struct {
	e             ProviderEdge
	zone, ns, via string
}

// NewEdgeFinder returns an empty finder.
func NewEdgeFinder(cat *catalog.Catalog) *EdgeFinder {
	return &EdgeFinder{cat: cat, edges: make(map[[2]string]*found)}
}

// Add looks at the CNAME chains and target zones of one observation.
func (f *EdgeFinder) Add(o *dnscrawl.Observation) {
	if len(o.TargetZones) == 0 {
		return
	}
	for _, h := range []*dnscrawl.Host{&o.Apex, &o.WWW} {
		for _, hop := range h.CNAMEs {
			p := webProvider(f.cat, hop)
			if p == nil {
				continue
			}
			z := zoneOf(o.TargetZones, hop)
			if z == nil {
				continue
			}
			for _, ns := range z.NS {
				dp := dnsProvider(f.cat, ns)
				if dp == nil || dp == p {
					continue
				}
				from, to := p.ServiceName(), dp.ServiceName()
				k := [2]string{from, to}
				fd := f.edges[k]
				if fd == nil {
					fd = &found{e: ProviderEdge{From: from, To: to, Layer: catalog.LayerDNS, Source: SourceCrawl}, zone: z.Zone, ns: ns, via: o.Domain}
					f.edges[k] = fd
				} else if cmp.Or(strings.Compare(z.Zone, fd.zone), strings.Compare(ns, fd.ns), strings.Compare(o.Domain, fd.via)) < 0 {
					fd.zone, fd.ns, fd.via = z.Zone, ns, o.Domain
				}
				fd.e.Domains++
			}
		}
	}
}

// webProvider returns the catalog provider a CNAME target names on the
// web: by its product suffix, else by the owner domain it is under (the
// company's product on its web layer); nil when neither names one.
func webProvider(cat *catalog.Catalog, name string) *catalog.Provider {
	if p, _, ok := cat.MatchCNAME(name); ok {
		return p
	}
	if o, ok := cat.MatchDomain(name); ok {
		return cat.Resolve(o, cat.OwnerWebLayer(o))
	}
	return nil
}

// dnsProvider returns the catalog DNS provider a name server names: by
// its NS suffix, else by the owner domain it is under.
func dnsProvider(cat *catalog.Catalog, ns string) *catalog.Provider {
	if p, _, ok := cat.MatchNS(ns); ok {
		return p
	}
	if o, ok := cat.MatchDomain(ns); ok {
		return cat.Resolve(o, catalog.LayerDNS)
	}
	return nil
}

// zoneOf returns the target zone that name lives in: the longest zone
// equal to name or a parent of it.
func zoneOf(zones []dnscrawl.ZoneNS, name string) *dnscrawl.ZoneNS {
	var best *dnscrawl.ZoneNS
	for i := range zones {
		z := &zones[i]
		if (name == z.Zone || strings.HasSuffix(name, "."+z.Zone)) && (best == nil || len(z.Zone) > len(best.Zone)) {
			best = z
		}
	}
	return best
}

// Edges returns the edges found, sorted. Counting one domain per
// observation and CNAME hop, Domains says how often each was seen.
func (f *EdgeFinder) Edges() []ProviderEdge {
	out := make([]ProviderEdge, 0, len(f.edges))
	for _, fd := range f.edges {
		e := fd.e
		e.Evidence = "zone " + fd.zone + " NS " + fd.ns + " (seen via " + fd.via + ")"
		out = append(out, e)
	}
	sortEdges(out)
	return out
}
