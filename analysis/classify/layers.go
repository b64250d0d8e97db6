package classify

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// confHeader is the confidence Confidence reports for http_header
// evidence; each header rule of the catalog states its own, which is the
// one a dependency carries.
const confHeader = 0.85

// confIssuerChain is the confidence of a CA named by the issuer of the
// intermediate, not of the leaf: the signing CA runs most sub-CAs it
// signs for resellers, not all.
const confIssuerChain = 0.9

// maxValue bounds an evidence value taken from a certificate or a header:
// names from the network are kept short and free of control characters.
const maxValue = 160

// cleanValue returns s with control and format characters replaced by
// '?' and cut to maxValue bytes on a rune boundary. It keeps hostile
// certificate names from carrying line breaks or bidi controls into
// outputs (the writers escape the rest).
func cleanValue(s string) string {
	if len(s) <= maxValue && printableASCII(s) {
		return s // most values: nothing to replace, nothing to cut
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar {
			return '?'
		}
		return r
	}, s)
	if len(s) <= maxValue {
		return s
	}
	n := maxValue
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// printableASCII reports whether s has only printable ASCII characters
// (space to '~'), none of which cleanValue replaces.
func printableASCII[S ~string | ~[]byte](s S) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// issuerValue is the evidence value of a certificate's issuer:
// "CN=R11, O=Let's Encrypt".
func issuerValue(c *dnscrawl.Cert) string {
	var parts []string
	if c.IssuerCN != "" {
		parts = append(parts, "CN="+c.IssuerCN)
	}
	if c.IssuerOrg != "" {
		parts = append(parts, "O="+c.IssuerOrg)
	}
	return cleanValue(strings.Join(parts, ", "))
}

// slug turns a name from the network (an issuer organisation, a TLD
// manager) into an uncatalogued provider name: lower-case letters and
// digits, words joined by "-", at most 48 bytes; "" when it has no letter
// or digit.
func slug(s string) string {
	n := strings.ReplaceAll(catalog.NormalizeIssuer(s), " ", "-")
	if len(n) > 48 {
		n = strings.TrimRight(n[:48], "-")
		for len(n) > 0 && n[len(n)-1]&0xC0 == 0x80 {
			n = n[:len(n)-1]
		}
	}
	return n
}

// leafProbes appends to out the TLS probes whose leaf certificate names
// the site's CA: those of www with a certificate, else those of the apex.
func leafProbes(out []*dnscrawl.TLSProbe, o *dnscrawl.Observation) []*dnscrawl.TLSProbe {
	apex := catalog.NormalizeName(o.Domain)
	for _, www := range []bool{true, false} {
		for i := range o.TLS {
			p := &o.TLS[i]
			if p.Status != dnscrawl.ProbeOK || len(p.Chain) == 0 {
				continue
			}
			h := catalog.NormalizeName(p.Host)
			if www {
				// h == "www." + apex, without making that name.
				rest, ok := strings.CutPrefix(h, "www.")
				if !ok {
					continue
				}
				h = rest
			}
			if h == apex {
				out = append(out, p)
			}
		}
		if len(out) > 0 {
			break
		}
	}
	return out
}

// namesCache holds what the classifier decided for each certificate
// issuer and each TLD: a crawl sees a few hundred issuers and TLDs across
// a million domains. It stops taking new entries at namesLimit (hostile
// certificates can carry any issuer), which changes no result.
type namesCache struct {
	issuers, tlds sync.Map
	n             atomic.Int64
}

const namesLimit = 1 << 16

func (nc *namesCache) store(m *sync.Map, k, v any) {
	if nc.n.Load() < namesLimit {
		nc.n.Add(1)
		m.Store(k, v)
	}
}

// issuerVerdict is the dependency an issuer names: a catalog product, an
// uncatalogued CA (provider is its name), or nothing (provider "").
type issuerVerdict struct {
	provider, service string
	uncatalogued      bool
	// viaChain: the leaf's issuer is no catalogued CA's, the issuer of
	// the intermediate is (confIssuerChain).
	viaChain bool
	value    string
	// stapled is value with " (stapled)", the value of a certificate
	// that came with its OCSP response, made once.
	stapled string
	// ca is the catalogued CA product (chainCA), nil when none: the CA
	// of the edges of certificate hosts (CertHostEdges).
	ca *catalog.Provider
}

// chainCA returns the CA product that issued the leaf of chain (leaf
// first, as the server sent it): the one its issuer names, else the one
// the issuer of the next certificate names (a sub-CA branded for a
// reseller or a company, "cPanel, Inc." under Sectigo's USERTrust, is run
// by the CA that signed it; a self-signed root names only itself);
// viaChain says which. nil when neither is catalogued.
func chainCA(cat *catalog.Catalog, chain []dnscrawl.Cert) (p *catalog.Provider, viaChain bool) {
	for i := range min(len(chain), 2) {
		if i > 0 && chain[i].SelfSigned {
			break // a root names only itself
		}
		if m, ok := cat.MatchIssuer(chain[i].IssuerOrg, chain[i].IssuerCN); ok {
			return m.Provider, i > 0
		}
	}
	return nil, false
}

// issuer returns the verdict on the issuer of the leaf of chain.
func (c *Classifier) issuer(chain []dnscrawl.Cert) issuerVerdict {
	leaf := &chain[0]
	k := [4]string{leaf.IssuerOrg, leaf.IssuerCN}
	if len(chain) > 1 && !chain[1].SelfSigned {
		// The verdict may come from the intermediate: key on it too.
		k[2], k[3] = chain[1].IssuerOrg, chain[1].IssuerCN
	}
	if v, ok := c.names.issuers.Load(k); ok {
		return v.(issuerVerdict)
	}
	v := issuerVerdict{value: issuerValue(leaf)}
	if p, via := chainCA(c.cat, chain); p != nil {
		v.provider, v.service, v.viaChain, v.ca = p.Company, p.Service, via, p
		if via {
			v.value = cleanValue(v.value + " under " + issuerValue(&chain[1]))
		}
	} else {
		v.provider = slug(leaf.IssuerOrg)
		if v.provider == "" {
			v.provider = slug(leaf.IssuerCN)
		}
		v.service, v.uncatalogued = string(catalog.LayerCA), true
	}
	v.stapled = v.value + " (stapled)"
	c.names.store(&c.names.issuers, k, v)
	return v
}

// ca attributes the certificate authority of the site: the issuer of
// the leaf certificate of www, or of the apex when www has none (every
// address's certificate of that host counts, so a host served with two
// CAs' certificates has both). The issuer is matched against the
// catalog's issuer patterns, then the issuers up the chain the server
// sent (a reseller's sub-CA is run by the CA that signed it); a
// self-signed leaf is the site's own; any other issuer is an uncatalogued
// CA named by its organisation (or its CN when it has none). stapled is
// true when every certificate used came with a stapled OCSP response,
// noFetch when every certificate used came
// stapled or names no OCSP responder.
//
// The state: known when a CA was named; none when no host speaks TLS
// (refused, no address); unattributed when a handshake was made but no
// CA could be named (a failed handshake, an issuer with no name);
// unresolved when the probes timed out or failed otherwise, or when the
// crawl ran without TLS probes.
func (c *Classifier) ca(b *builder, o *dnscrawl.Observation) (st State, stapled, noFetch bool) {
	var probesBuf [4]*dnscrawl.TLSProbe
	probes := leafProbes(probesBuf[:0], o)
	stapled = len(probes) > 0
	noFetch = len(probes) > 0
	for _, p := range probes {
		stapled = stapled && p.OCSPStapled
		leaf := &p.Chain[0]
		noFetch = noFetch && (p.OCSPStapled || len(leaf.OCSP) == 0)
		v := c.issuer(p.Chain)
		value := v.value
		if p.OCSPStapled {
			value = v.stapled
		}
		switch {
		case leaf.SelfSigned:
			b.add(catalog.LayerCA, SelfProvider, SelfProvider, "", EvidenceSelf, value, confSelf)
		case v.provider == "":
		case v.uncatalogued:
			b.addDep(catalog.LayerCA, v.provider, v.service, "", EvidenceIssuerOrg, value, confIssuerOrg, true)
		case v.viaChain:
			b.add(catalog.LayerCA, v.provider, v.service, "", EvidenceIssuer, value, confIssuerChain)
		default:
			b.add(catalog.LayerCA, v.provider, v.service, "", EvidenceIssuer, value, confIssuer)
		}
	}
	if b.has(catalog.LayerCA) {
		return StateKnown, stapled, noFetch
	}
	if len(o.TLS) == 0 {
		return StateUnresolved, false, false
	}
	st = StateNone
	for i := range o.TLS {
		switch o.TLS[i].Status {
		case dnscrawl.ProbeOK, dnscrawl.ProbeTLSError:
			return StateUnattributed, false, false
		case dnscrawl.ProbeNoAddress, dnscrawl.ProbeRefused:
		default:
			st = StateUnresolved
		}
	}
	return st, false, false
}

// tld attributes the registry of the domain's top-level domain (its last
// label: "uk" for "example.co.uk", Nominet), from the catalog's TLD table:
// the company that is or owns the sponsoring organisation, service the
// TLD; a manager the catalog has no company for is an uncatalogued
// operator named by the manager; a TLD the table lacks, by the TLD
// itself (".example"). Every resolved domain has exactly one.
func (c *Classifier) tld(b *builder, o *dnscrawl.Observation) State {
	t := catalog.TLDOf(o.Domain)
	if t == "" || strings.Trim(t, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return StateUnattributed
	}
	var v issuerVerdict // the same shape: provider, service, uncatalogued, value
	if x, ok := c.names.tlds.Load(t); ok {
		v = x.(issuerVerdict)
	} else {
		e, ok := c.cat.TLD(t)
		switch {
		case ok && e.Registry != "":
			v = issuerVerdict{provider: e.Registry, service: t, value: cleanValue("." + t + " " + e.Manager)}
			if e.Backend != "" {
				v.value += " (back end " + e.Backend + ")"
			}
		case ok && slug(e.Manager) != "":
			v = issuerVerdict{provider: slug(e.Manager), service: t, uncatalogued: true, value: cleanValue("." + t + " " + e.Manager)}
		default:
			v = issuerVerdict{provider: "." + t, service: t, uncatalogued: true, value: "." + t}
		}
		c.names.store(&c.names.tlds, t, v)
	}
	b.addDep(catalog.LayerTLD, v.provider, v.service, "", EvidenceTLD, v.value, confTLD, v.uncatalogued)
	return StateKnown
}

// headerCDN looks at the HTTP probes of host name (HTTPS and HTTP
// answers for that host): the CDN products their response headers name.
// When the host's path already has a CDN (sawCDN), a header naming the
// same company confirms it (its evidence value says so) and names no new
// CDN; otherwise each product named becomes a CDN dependency (evidence
// http_header, the rule's confidence). It reports whether a CDN was
// added.
func (c *Classifier) headerCDN(b *builder, o *dnscrawl.Observation, name string, sawCDN bool) bool {
	name = catalog.NormalizeName(name)
	if name == "" {
		return false
	}
	added := false
	for i := range o.HTTP {
		p := &o.HTTP[i]
		if p.Status != dnscrawl.ProbeOK || len(p.Headers) == 0 {
			continue
		}
		if !strings.EqualFold(urlHost(p.URL), name) {
			continue
		}
		var matchBuf [4]catalog.HeaderMatch
		for _, m := range c.cat.AppendHeaderMatches(matchBuf[:0], p.Headers) {
			ev := cleanValue(m.Evidence)
			if sawCDN {
				b.confirm(m.Provider.Company, ev)
				continue
			}
			b.add(catalog.LayerCDN, m.Provider.Company, m.Provider.Service, "", EvidenceHTTPHeader, ev, m.Rule.Confidence)
			added = true
		}
	}
	return added
}

// confirm notes on the CDN dependencies of company that a response
// header confirms them, once.
func (b *builder) confirm(company, header string) {
	for i := range b.deps {
		d := &b.deps[i]
		if d.Layer != catalog.LayerCDN || d.Provider != company || strings.Contains(d.EvidenceValue, "; http_header ") {
			continue
		}
		d.EvidenceValue += "; http_header " + header
	}
}

// urlHost returns the host of an http(s) URL as the probe records it
// ("https://www.example.com/" or "http://www.example.com:8080/x"),
// without a port, brackets or trailing dot; "" for anything else. It
// allocates nothing.
func urlHost(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return ""
		}
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			return rest[1:i]
		}
		return ""
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSuffix(rest, ".")
}
