package graph

import (
	"cmp"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// CertHost is one upstream of a certificate authority seen in one
// observation: a host its certificates name (OCSP responder, CRL
// distribution point, issuer URL) is served on Layer (dns or cdn) by the
// service To. Services are named "company/service". It is what
// classify's cert-host edges say, in the graph's names.
type CertHost struct {
	From, To string
	Layer    catalog.Layer
	Host     string
	Evidence string
}

// CertHostFinder gathers the cert-host edges of a list (SourceCertHost):
// feed it each observation's CertHosts with Add, then read Edges. It is
// not safe for concurrent use.
type CertHostFinder struct {
	edges map[[3]string]*certFound
}

// certFound is an edge with the smallest (host, evidence, domain) that
// showed it, so that its evidence does not depend on the order of the
// observations.
type certFound struct {
	e                   ProviderEdge
	host, evidence, via string
}

// NewCertHostFinder returns an empty finder.
func NewCertHostFinder() *CertHostFinder {
	return &CertHostFinder{edges: map[[3]string]*certFound{}}
}

// Add records the cert-host edges of domain; an edge seen again counts
// one more domain.
func (f *CertHostFinder) Add(domain string, hosts []CertHost) {
	for _, h := range hosts {
		if h.From == "" || h.To == "" || h.From == h.To {
			continue
		}
		k := [3]string{h.From, h.To, string(h.Layer)}
		fd := f.edges[k]
		if fd == nil {
			fd = &certFound{e: ProviderEdge{From: h.From, To: h.To, Layer: h.Layer, Source: SourceCertHost}, host: h.Host, evidence: h.Evidence, via: domain}
			f.edges[k] = fd
		} else if cmp.Or(strings.Compare(h.Host, fd.host), strings.Compare(h.Evidence, fd.evidence), strings.Compare(domain, fd.via)) < 0 {
			fd.host, fd.evidence, fd.via = h.Host, h.Evidence, domain
		}
		fd.e.Domains++
	}
}

// Edges returns the edges found, sorted, each with the host and evidence
// that showed it: "r3.o.lencr.org: CNAME o.lencr.edgesuite.net (seen via
// example.com)".
func (f *CertHostFinder) Edges() []ProviderEdge {
	out := make([]ProviderEdge, 0, len(f.edges))
	for _, fd := range f.edges {
		e := fd.e
		e.Evidence = fd.host
		if fd.evidence != "" {
			e.Evidence += ": " + fd.evidence
		}
		e.Evidence += " (seen via " + fd.via + ")"
		out = append(out, e)
	}
	sortEdges(out)
	return out
}
