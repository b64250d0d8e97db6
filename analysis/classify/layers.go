package classify

import (
	"net/url"
	"strings"
	"unicode"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// confHeader is the confidence Confidence reports for http_header
// evidence; each header rule of the catalog states its own, which is the
// one a dependency carries.
const confHeader = 0.85

// maxValue bounds an evidence value taken from a certificate or a header:
// names from the network are kept short and free of control characters.
const maxValue = 160

// cleanValue returns s with control and format characters replaced by
// '?' and cut to maxValue bytes on a rune boundary. It keeps hostile
// certificate names from carrying line breaks or bidi controls into
// outputs (the writers escape the rest).
func cleanValue(s string) string {
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

// leafProbes returns the TLS probes whose leaf certificate names the
// site's CA: those of www with a certificate, else those of the apex.
func leafProbes(o *dnscrawl.Observation) []*dnscrawl.TLSProbe {
	www := "www." + catalog.NormalizeName(o.Domain)
	var wwwP, apexP []*dnscrawl.TLSProbe
	for i := range o.TLS {
		p := &o.TLS[i]
		if p.Status != dnscrawl.ProbeOK || len(p.Chain) == 0 {
			continue
		}
		switch catalog.NormalizeName(p.Host) {
		case www:
			wwwP = append(wwwP, p)
		case catalog.NormalizeName(o.Domain):
			apexP = append(apexP, p)
		}
	}
	if len(wwwP) > 0 {
		return wwwP
	}
	return apexP
}

// ca attributes the certificate authority of the site: the issuer of
// the leaf certificate of www, or of the apex when www has none (every
// address's certificate of that host counts, so a host served with two
// CAs' certificates has both). The issuer is matched against the
// catalog's issuer patterns; a self-signed leaf is the site's own; any
// other issuer is an uncatalogued CA named by its organisation (or its
// CN when it has none). stapled is true when every certificate used came
// with a stapled OCSP response.
//
// The state: known when a CA was named; none when no host speaks TLS
// (refused, no address); unattributed when a handshake was made but no
// CA could be named (a failed handshake, an issuer with no name);
// unresolved when the probes timed out or failed otherwise, or when the
// crawl ran without TLS probes.
func (c *Classifier) ca(b *builder, o *dnscrawl.Observation) (State, bool) {
	probes := leafProbes(o)
	stapled := len(probes) > 0
	for _, p := range probes {
		stapled = stapled && p.OCSPStapled
		leaf := &p.Chain[0]
		value := issuerValue(leaf)
		if p.OCSPStapled {
			value += " (stapled)"
		}
		if leaf.SelfSigned {
			b.add(catalog.LayerCA, SelfProvider, SelfProvider, "", EvidenceSelf, value, confSelf)
			continue
		}
		if m, ok := c.cat.MatchIssuer(leaf.IssuerOrg, leaf.IssuerCN); ok {
			b.add(catalog.LayerCA, m.Provider.Company, m.Provider.Service, "", EvidenceIssuer, value, confIssuer)
			continue
		}
		name := slug(leaf.IssuerOrg)
		if name == "" {
			name = slug(leaf.IssuerCN)
		}
		if name != "" {
			b.addDep(catalog.LayerCA, name, string(catalog.LayerCA), "", EvidenceIssuerOrg, value, confIssuerOrg, true)
		}
	}
	if b.has(catalog.LayerCA) {
		return StateKnown, stapled
	}
	if len(o.TLS) == 0 {
		return StateUnresolved, false
	}
	st := StateNone
	for i := range o.TLS {
		switch o.TLS[i].Status {
		case dnscrawl.ProbeOK, dnscrawl.ProbeTLSError:
			return StateUnattributed, false
		case dnscrawl.ProbeNoAddress, dnscrawl.ProbeRefused:
		default:
			st = StateUnresolved
		}
	}
	return st, false
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
	e, ok := c.cat.TLD(t)
	switch {
	case ok && e.Registry != "":
		value := cleanValue("." + t + " " + e.Manager)
		if e.Backend != "" {
			value += " (back end " + e.Backend + ")"
		}
		b.add(catalog.LayerTLD, e.Registry, t, "", EvidenceTLD, value, confTLD)
	case ok && slug(e.Manager) != "":
		b.addDep(catalog.LayerTLD, slug(e.Manager), t, "", EvidenceTLD, cleanValue("."+t+" "+e.Manager), confTLD, true)
	default:
		b.addDep(catalog.LayerTLD, "."+t, t, "", EvidenceTLD, "."+t, confTLD, true)
	}
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
		u, err := url.Parse(p.URL)
		if err != nil || catalog.NormalizeName(u.Hostname()) != name {
			continue
		}
		for _, m := range c.cat.MatchHeaders(p.Headers) {
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
