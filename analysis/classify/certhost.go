package classify

import (
	"cmp"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// CertEdge says that certificate authority From depends on provider To
// on layer Layer (dns or cdn) because a host its certificates name for
// OCSP, CRL or AIA (Host) is served by To: when To fails, clients that
// check revocation cannot reach the CA, and hard-failing clients lose the
// sites critically dependent on that CA.
type CertEdge struct {
	From  *catalog.Provider // the CA product ("letsencrypt-ca")
	To    *catalog.Provider // the DNS or CDN product serving Host
	Layer catalog.Layer
	Host  string
	// Evidence says what showed the edge: "zone lencr.org NS
	// ns1.example-dns.net", "CNAME o.lencr.edgesuite.net" or an address.
	Evidence string
}

// revocationHosts appends to out the host names of the OCSP, CRL and
// AIA URLs of certificate c, lower case, each once.
func revocationHosts(out []string, c *dnscrawl.Cert) []string {
	for _, list := range [][]string{c.OCSP, c.CRL, c.AIA} {
		for _, s := range list {
			h, ok := urlHostname(s)
			if !ok {
				continue
			}
			if h = catalog.NormalizeName(h); h != "" && !slices.Contains(out, h) {
				out = append(out, h)
			}
		}
	}
	return out
}

// urlHostname returns the host name of URL s as url.Parse(s).Hostname()
// does; ok is false when s does not parse. A plain URL of the kind
// certificates carry ("http://r11.o.lencr.org/12.crl": http or https, no
// user, port, escape or query) is cut at its first slash with no parsing
// and no allocation; anything else goes through url.Parse.
func urlHostname(s string) (host string, ok bool) {
	rest, found := strings.CutPrefix(s, "http://")
	if !found {
		rest, found = strings.CutPrefix(s, "https://")
	}
	plain := found
	for i := 0; plain && i < len(rest); i++ {
		c := rest[i]
		plain = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '/'
	}
	if plain {
		host, _, _ = strings.Cut(rest, "/")
		return host, true
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	return u.Hostname(), true
}

// CertHostEdges returns the provider edges that one observation shows
// from its certificate authority to the DNS and CDN providers of that
// CA's OCSP, CRL and AIA hosts (Observation.CertHosts): the CA of each
// leaf certificate the ca layer uses (www, else the apex; catalogued
// CAs only), and for each host its certificate names, the DNS provider
// of the zone the host lives in (its NS set) and the CDN its CNAME chain
// or, with a Classifier, its addresses show. An edge from a company to
// itself is left out. The result is sorted and has each (From, To,
// Layer) once, with the smallest host and evidence that showed it.
//
// This function uses names only; (*Classifier).CertHostEdges also
// attributes the hosts' addresses by the published ranges and ASes.
func CertHostEdges(o *dnscrawl.Observation, cat *catalog.Catalog) []CertEdge {
	return certHostEdges(o, cat, nil)
}

// CertHostEdges is the package function CertHostEdges with the
// classifier's reference data: a host whose address is in a CDN's
// published range or AS counts for that CDN too.
func (c *Classifier) CertHostEdges(o *dnscrawl.Observation) []CertEdge {
	return certHostEdges(o, c.cat, c)
}

func certHostEdges(o *dnscrawl.Observation, cat *catalog.Catalog, c *Classifier) []CertEdge {
	if len(o.CertHosts) == 0 {
		return nil
	}
	var b *builder
	if c != nil {
		b = c.builders.get()
		defer c.builders.put(b)
	}
	var outBuf [8]CertEdge
	out := outBuf[:0]
	add := func(from *catalog.Provider, e *hostEdge, host string) {
		if from.Company == e.to.Company {
			return
		}
		for i := range out {
			x := &out[i]
			if x.From == from && x.To == e.to && x.Layer == e.layer {
				if host < x.Host || host == x.Host && e.ev < x.Evidence {
					x.Host, x.Evidence = host, e.ev
				}
				return
			}
		}
		out = append(out, CertEdge{From: from, To: e.to, Layer: e.layer, Host: host, Evidence: e.ev})
	}
	var hostsBuf [8]string
	var chNames []string // the normalised names of o.CertHosts, made once
	var chNamesBuf [8]string
	var probesBuf [4]*dnscrawl.TLSProbe
	var edgesBuf [8]hostEdge
	for _, p := range leafProbes(probesBuf[:0], o) {
		leaf := &p.Chain[0]
		if leaf.SelfSigned {
			continue
		}
		var ca *catalog.Provider
		if c != nil {
			ca = c.issuer(p.Chain).ca
		} else {
			ca, _ = chainCA(cat, p.Chain)
		}
		if ca == nil {
			continue
		}
		for _, name := range revocationHosts(hostsBuf[:0], leaf) {
			if chNames == nil {
				chNames = chNamesBuf[:0]
				for i := range o.CertHosts {
					chNames = append(chNames, catalog.NormalizeName(o.CertHosts[i].Name))
				}
			}
			for i := range o.CertHosts {
				if chNames[i] != name {
					continue
				}
				var edges []hostEdge
				if b != nil {
					edges = c.certHost(b, &o.CertHosts[i])
				} else {
					edges = hostEdges(edgesBuf[:0], cat, nil, nil, nil, &o.CertHosts[i])
				}
				for j := range edges {
					add(ca, &edges[j], name)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b CertEdge) int {
		return cmp.Or(strings.Compare(a.From.ID, b.From.ID), strings.Compare(a.To.ID, b.To.ID), strings.Compare(string(a.Layer), string(b.Layer)))
	})
	return exact(out)
}

// hostEdge is an edge that one certificate host shows, to the DNS
// provider of its zone or a CDN on its path, from whichever CA names the
// host.
type hostEdge struct {
	to    *catalog.Provider
	layer catalog.Layer
	ev    string // cleaned (cleanValue)
}

// hostEdges appends to out the edges certificate host ch shows: the DNS
// provider of each name server of its zone, the CDN of each CNAME hop,
// and, with a Classifier, the CDN whose range or AS holds each of its
// addresses (their facts from fc). The evidence strings come from evs.
func hostEdges(out []hostEdge, cat *catalog.Catalog, c *Classifier, fc *factsCache, evs evidenceStrings, ch *dnscrawl.CertHost) []hostEdge {
	// ev is the evidence of the edge at hand, made in a buffer: evs
	// makes it a string once.
	var evBuf [128]byte
	ev := evBuf[:0]
	if ch.Zone != nil {
		for _, ns := range ch.Zone.NS {
			if p := dnsProviderOf(cat, ns); p != nil {
				ev = append(append(append(append(ev[:0], "zone "...), ch.Zone.Zone...), " NS "...), catalog.NormalizeName(ns)...)
				out = append(out, hostEdge{p, catalog.LayerDNS, evs.get(ev)})
			}
		}
	}
	for _, hop := range ch.Host.CNAMEs {
		if p := cdnProviderOf(cat, hop); p != nil {
			ev = append(append(ev[:0], "CNAME "...), catalog.NormalizeName(hop)...)
			out = append(out, hostEdge{p, catalog.LayerCDN, evs.get(ev)})
		}
	}
	if c == nil {
		return out
	}
	for a := range hostAddrs(&ch.Host) {
		if f := c.facts(fc, a); f.owner.p != nil && f.owner.p.WebLayer() == catalog.LayerCDN {
			out = append(out, hostEdge{f.owner.p, catalog.LayerCDN, evs.get(appendOwnerValue(ev[:0], a, &f.owner))})
		}
	}
	return out
}

// certHostEntry is what a builder keeps of one certificate host: the
// parts of it that hostEdges reads, and the edges it showed.
type certHostEntry struct {
	hasZone    bool
	zone       string
	ns, cnames []string
	a, aaaa    []netip.Addr
	edges      []hostEdge
}

// matches reports whether ch is the host e was made from.
func (e *certHostEntry) matches(ch *dnscrawl.CertHost) bool {
	if (ch.Zone != nil) != e.hasZone {
		return false
	}
	if ch.Zone != nil && (ch.Zone.Zone != e.zone || !slices.Equal(ch.Zone.NS, e.ns)) {
		return false
	}
	return slices.Equal(ch.Host.CNAMEs, e.cnames) && slices.Equal(ch.Host.A, e.a) && slices.Equal(ch.Host.AAAA, e.aaaa)
}

// certHostLimit bounds the certificate hosts a builder keeps.
const certHostLimit = 1 << 10

// certHost returns the edges certificate host ch shows (hostEdges), from
// b's cache when it holds the same host: the OCSP, CRL and issuer hosts
// of the few CAs recur, with the same answers, in most domains of a crawl
// (a simulated crawl of 20,000 domains names 25 such hosts 53,620 times).
// The entry is used only when every part of the host that hostEdges
// reads is equal, so it is what hostEdges would give.
func (c *Classifier) certHost(b *builder, ch *dnscrawl.CertHost) []hostEdge {
	if e, ok := b.certHosts[ch.Name]; ok && e.matches(ch) {
		return e.edges
	}
	e := &certHostEntry{
		hasZone: ch.Zone != nil, cnames: slices.Clone(ch.Host.CNAMEs),
		a: slices.Clone(ch.Host.A), aaaa: slices.Clone(ch.Host.AAAA),
	}
	if ch.Zone != nil {
		e.zone, e.ns = ch.Zone.Zone, slices.Clone(ch.Zone.NS)
	}
	e.edges = slices.Clip(hostEdges(nil, c.cat, c, b.fc, b.evs, ch))
	if b.certHosts == nil || len(b.certHosts) >= certHostLimit {
		b.certHosts = make(map[string]*certHostEntry)
	}
	b.certHosts[ch.Name] = e
	return e.edges
}

// evidenceStrings holds the evidence of certificate hosts' edges made
// recently, cleaned (cleanValue), by the bytes it was made from: the
// same CAs' hosts, zones and name servers recur in every domain. A
// builder has one (nil: no cache).
type evidenceStrings map[string]string

// evidenceLimit bounds an evidenceStrings.
const evidenceLimit = 1 << 12

// get returns cleanValue(string(ev)), from the cache when it has it.
func (m evidenceStrings) get(ev []byte) string {
	if s, ok := m[string(ev)]; ok {
		return s
	}
	s := cleanValue(string(ev))
	if m != nil && len(m) < evidenceLimit {
		m[string(ev)] = s
	}
	return s
}

// dnsProviderOf returns the DNS product a name server names: by its NS
// suffix, else by the owner domain it is under; nil when neither.
func dnsProviderOf(cat *catalog.Catalog, ns string) *catalog.Provider {
	if p, _, ok := cat.MatchNS(ns); ok {
		return p
	}
	if o, ok := cat.MatchDomain(ns); ok {
		return cat.Resolve(o, catalog.LayerDNS)
	}
	return nil
}

// cdnProviderOf returns the CDN product a CNAME target names: by its
// CNAME suffix, else by the owner domain it is under when that counts on
// the cdn layer; nil otherwise.
func cdnProviderOf(cat *catalog.Catalog, name string) *catalog.Provider {
	if p, _, ok := cat.MatchCNAME(name); ok {
		if p.WebLayer() == catalog.LayerCDN {
			return p
		}
		return nil
	}
	if o, ok := cat.MatchDomain(name); ok && cat.OwnerWebLayer(o) == catalog.LayerCDN {
		return cat.Resolve(o, catalog.LayerCDN)
	}
	return nil
}
