package classify

import (
	"cmp"
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
	var fc *factsCache
	var evs evidenceStrings
	if c != nil {
		b := c.builders.get()
		defer c.builders.put(b)
		fc, evs = b.fc, b.evs
	}
	var outBuf [8]CertEdge
	out := outBuf[:0]
	// ev is the evidence of the edge at hand, made in a buffer: it
	// becomes a string only for an edge that is kept.
	var evBuf [128]byte
	ev := evBuf[:0]
	evidenceString := func(ev []byte) string { return evs.get(ev) }
	evidenceLess := func(ev []byte, s string) bool {
		if len(ev) <= maxValue && printableASCII(ev) {
			return string(ev) < s
		}
		return evidenceString(ev) < s
	}
	add := func(from, to *catalog.Provider, l catalog.Layer, host string, ev []byte) {
		if to == nil || from.Company == to.Company {
			return
		}
		for i := range out {
			e := &out[i]
			if e.From == from && e.To == to && e.Layer == l {
				if host < e.Host || host == e.Host && evidenceLess(ev, e.Evidence) {
					e.Host, e.Evidence = host, evidenceString(ev)
				}
				return
			}
		}
		out = append(out, CertEdge{From: from, To: to, Layer: l, Host: host, Evidence: evidenceString(ev)})
	}
	var hostsBuf [8]string
	var chNames []string // the normalised names of o.CertHosts, made once
	var probesBuf [4]*dnscrawl.TLSProbe
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
				chNames = make([]string, len(o.CertHosts))
				for i := range o.CertHosts {
					chNames[i] = catalog.NormalizeName(o.CertHosts[i].Name)
				}
			}
			for i := range o.CertHosts {
				ch := &o.CertHosts[i]
				if chNames[i] != name {
					continue
				}
				if ch.Zone != nil {
					for _, ns := range ch.Zone.NS {
						ev = append(append(append(append(ev[:0], "zone "...), ch.Zone.Zone...), " NS "...), catalog.NormalizeName(ns)...)
						add(ca, dnsProviderOf(cat, ns), catalog.LayerDNS, name, ev)
					}
				}
				for _, hop := range ch.Host.CNAMEs {
					if p := cdnProviderOf(cat, hop); p != nil {
						ev = append(append(ev[:0], "CNAME "...), catalog.NormalizeName(hop)...)
						add(ca, p, catalog.LayerCDN, name, ev)
					}
				}
				if c == nil {
					continue
				}
				for a := range hostAddrs(&ch.Host) {
					if ow := c.facts(fc, a).owner; ow.p != nil && ow.p.WebLayer() == catalog.LayerCDN {
						add(ca, ow.p, catalog.LayerCDN, name, append(ev[:0], ow.value...))
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b CertEdge) int {
		return cmp.Or(strings.Compare(a.From.ID, b.From.ID), strings.Compare(a.To.ID, b.To.ID), strings.Compare(string(a.Layer), string(b.Layer)))
	})
	return exact(out)
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
