package validate

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// SelfProvider is the provider name of a self-hosted dependency, as in
// the run's dependencies.csv.
const SelfProvider = "self"

// MatchKind says how a label was matched; it is a closed set.
type MatchKind string

// The match kinds, in the order they are counted and printed.
const (
	MatchID        MatchKind = "id"                 // a catalog company or provider id
	MatchName      MatchKind = "name"               // a catalog name or alias
	MatchDomain    MatchKind = "domain"             // a name under a catalog suffix or owner domain
	MatchASN       MatchKind = "asn"                // an AS number, claimed by the catalog or not
	MatchRegDomain MatchKind = "registrable_domain" // a domain the catalog does not know
	MatchSelf      MatchKind = "self"               // a self-hosting form, or the domain's own registrable domain
	MatchNone      MatchKind = "none"               // no provider on the layer ("", "none", "-")
	MatchAmbiguous MatchKind = "ambiguous"          // a name of two catalog companies
	MatchUnmatched MatchKind = "unmatched"          // nothing: compared as written, lower case
)

// MatchKinds lists every kind in order.
var MatchKinds = []MatchKind{MatchID, MatchName, MatchDomain, MatchASN, MatchRegDomain, MatchSelf, MatchNone, MatchAmbiguous, MatchUnmatched}

func (k MatchKind) String() string { return string(k) }

// ParseMatchKind returns the kind named s.
func ParseMatchKind(s string) (MatchKind, error) {
	for _, k := range MatchKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown match kind %q", s)
}

// Label is one provider label of the truth, matched.
type Label struct {
	// Raw is the label as written, space-trimmed.
	Raw string
	// Provider is the name chokepoint gives the operator: a catalog
	// company id, "self", a registrable domain or "as<N>" for operators
	// the catalog does not know, or the lower-case label when nothing
	// matched. Empty for MatchNone.
	Provider string
	// Service is the catalog product when the label names one product
	// alone; empty otherwise.
	Service string
	Kind    MatchKind
	// Candidates are the companies an ambiguous name belongs to, sorted.
	Candidates []string
}

// Catalogued reports whether l names a catalog company.
func (l Label) Catalogued() bool {
	switch l.Kind {
	case MatchID, MatchName, MatchDomain:
		return true
	case MatchASN:
		return !isASName(l.Provider)
	}
	return false
}

// Matcher matches labels to providers through a catalog. It is safe for
// concurrent use once built.
type Matcher struct {
	cat   *catalog.Catalog
	names map[string]nameEntry
	// services maps a company to its products by normalised name.
	services map[string]map[string]string
}

// Steps of the name index: a lower step wins over a higher one.
const (
	stepID = iota
	stepCompany
	stepProduct
	stepWildcard
)

type nameEntry struct {
	step       int
	company    string
	service    string // "" when the name is the company's, or several of its products'
	candidates []string
}

// NewMatcher builds the name index of cat.
func NewMatcher(cat *catalog.Catalog) *Matcher {
	m := &Matcher{cat: cat, names: make(map[string]nameEntry), services: make(map[string]map[string]string)}
	for _, co := range cat.Companies() {
		m.add(co.ID, stepID, co.ID, "")
		m.add(co.Name, stepCompany, co.ID, "")
		for _, a := range co.Aliases {
			m.add(a, stepCompany, co.ID, "")
		}
	}
	for _, p := range cat.Providers() {
		m.add(p.ID, stepID, p.Company, p.Service)
		m.add(p.Name, stepProduct, p.Company, p.Service)
		for _, a := range p.Aliases {
			m.add(a, stepProduct, p.Company, p.Service)
		}
		for _, list := range [][]string{p.NSSuffixes, p.CNAMESuffixes, p.MXSuffixes} {
			for _, s := range list {
				first, _, _ := strings.Cut(s, ".")
				if prefix, ok := strings.CutSuffix(first, "*"); ok && len(strings.Trim(prefix, "-_")) >= 4 {
					m.add(prefix, stepWildcard, p.Company, p.Service)
				}
			}
		}
		svc := m.services[p.Company]
		if svc == nil {
			svc = make(map[string]string)
			m.services[p.Company] = svc
		}
		for _, n := range slices.Concat([]string{p.Service, p.ID, p.Name}, p.Aliases) {
			if k := normalizeName(n); k != "" {
				if _, taken := svc[k]; !taken {
					svc[k] = p.Service
				}
			}
		}
	}
	return m
}

// add records name for (company, service) at step. Two names at the same
// step: of one company, the entry keeps the company alone unless both
// name the same product; of two companies, the name is ambiguous.
func (m *Matcher) add(name string, step int, company, service string) {
	k := normalizeName(name)
	if k == "" {
		return
	}
	e, ok := m.names[k]
	switch {
	case !ok || step < e.step:
		m.names[k] = nameEntry{step: step, company: company, service: service}
		return
	case step > e.step:
		return
	}
	if e.company == "" { // already ambiguous
		if !slices.Contains(e.candidates, company) {
			e.candidates = append(e.candidates, company)
			slices.Sort(e.candidates)
		}
	} else if e.company != company {
		e.candidates = []string{e.company, company}
		slices.Sort(e.candidates)
		e.company, e.service = "", ""
	} else if e.service != service {
		e.service = ""
	}
	m.names[k] = e
}

// legalForms are trailing words of company names that labels often add
// or leave out ("Cloudflare, Inc.").
var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "corp": true,
	"corporation": true, "gmbh": true, "sa": true, "sas": true, "se": true, "ag": true, "bv": true,
	"nv": true, "plc": true, "co": true, "pty": true, "srl": true, "spa": true, "oy": true, "ab": true,
	"kk": true, "doo": true, "sro": true,
}

// normalizeName folds a name for comparison: lower case, letters and
// digits only (any script), without trailing legal forms. "Amazon Web
// Services, Inc." and "amazon-web-services" give "amazonwebservices".
func normalizeName(s string) string {
	var words []string
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		if r == '.' {
			// "d.o.o.", "Inc.", "Amazon.com": a dot joins.
			continue
		}
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	if b.Len() > 0 {
		words = append(words, b.String())
	}
	for len(words) > 1 && legalForms[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, "")
}

// noneForms and selfForms are normalised labels with a fixed meaning.
var (
	noneForms = map[string]bool{"none": true, "na": true, "null": true, "nil": true, "nothing": true, "noprovider": true}
	selfForms = map[string]bool{
		"self": true, "selfhosted": true, "selfhost": true, "private": true, "firstparty": true, "1stparty": true,
		"inhouse": true, "internal": true, "own": true, "onprem": true, "onpremise": true, "onpremises": true,
	}
	asRe         = regexp.MustCompile(`(?i)^(?:as[\s_-]?)?([0-9]{1,10})(?:\s.*)?$`)
	asPrefixRe   = regexp.MustCompile(`(?i)^as`)
	companySvcRe = regexp.MustCompile(`^([a-z0-9]+)-([a-z0-9]+(?:-[a-z0-9]+)*)$`)
)

// maxLabel bounds the label text that is matched; longer labels are
// compared as written.
const maxLabel = 1024

// Match matches label, written in the truth for site on layer l. site is
// a normalised domain; it makes "site.com" (or a name under it) self. A
// catalog product that does not serve l names its company alone.
func (m *Matcher) Match(label, site string, l catalog.Layer) Label {
	lb := m.match(label, site, l)
	if lb.Service != "" {
		if p, ok := m.cat.Provider(lb.Provider + "-" + lb.Service); ok && !p.HasLayer(l) {
			lb.Service = ""
		}
	}
	return lb
}

func (m *Matcher) match(label, site string, l catalog.Layer) Label {
	raw := strings.TrimSpace(label)
	out := Label{Raw: raw}
	if len(raw) > maxLabel {
		out.Provider, out.Kind = strings.ToLower(raw), MatchUnmatched
		return out
	}
	norm := normalizeName(raw)
	switch {
	case noneLabel(raw, norm):
		out.Kind = MatchNone
		return out
	case selfForms[norm]:
		out.Provider, out.Kind = SelfProvider, MatchSelf
		return out
	}
	if sm := asRe.FindStringSubmatch(raw); sm != nil && (asPrefixRe.MatchString(raw) || sm[0] == sm[1]) {
		if n, err := strconv.ParseUint(sm[1], 10, 32); err == nil {
			out.Kind = MatchASN
			if p, ok := m.cat.ByASN(uint32(n)); ok {
				out.Provider, out.Service = p.Company, p.Service
			} else {
				out.Provider = "as" + strconv.FormatUint(n, 10)
			}
			return out
		}
	}
	host, isHost := hostName(raw)
	if isHost {
		if p := m.matchSuffix(host, l); p != nil {
			out.Provider, out.Service, out.Kind = p.Company, p.Service, MatchDomain
			return out
		}
		if o, ok := m.cat.MatchDomain(host); ok {
			out.Provider, out.Kind = o.Company.ID, MatchDomain
			if o.Provider != nil {
				out.Service = o.Provider.Service
			}
			return out
		}
		if reg := catalog.ICANNRegistrable(host); reg != "" && reg == catalog.ICANNRegistrable(site) {
			out.Provider, out.Kind = SelfProvider, MatchSelf
			return out
		}
	}
	// A name of the catalog; for a host name ("WordPress.com") only when
	// no company shares it.
	if e, ok := m.names[norm]; ok && (e.company != "" || !isHost) {
		if e.company == "" {
			out.Provider, out.Kind, out.Candidates = strings.ToLower(raw), MatchAmbiguous, e.candidates
			return out
		}
		out.Provider, out.Service, out.Kind = e.company, e.service, MatchName
		if m.isID(raw) {
			out.Kind = MatchID
		}
		return out
	}
	if isHost {
		if reg := catalog.ICANNRegistrable(host); reg != "" {
			out.Provider, out.Kind = reg, MatchRegDomain
			return out
		}
	}
	if sm := companySvcRe.FindStringSubmatch(strings.ToLower(raw)); sm != nil {
		if _, ok := m.cat.Company(sm[1]); ok {
			out.Provider, out.Kind = sm[1], MatchID
			if s := m.Service(sm[1], sm[2]); s != classifyUnknownService {
				out.Service = s
			}
			return out
		}
	}
	out.Provider, out.Kind = strings.ToLower(raw), MatchUnmatched
	return out
}

// isID reports whether label is a catalog company or provider id, in
// any case.
func (m *Matcher) isID(label string) bool {
	id := strings.ToLower(label)
	if _, ok := m.cat.Company(id); ok {
		return true
	}
	_, ok := m.cat.Provider(id)
	return ok
}

// noneLabel reports whether a label says "no provider": empty, dashes
// only ("-", "--"), or "none", "n/a", "null" and the like.
func noneLabel(raw, norm string) bool {
	if strings.Trim(raw, "-–—") == "" {
		return true
	}
	return noneForms[norm]
}

// classifyUnknownService is the service classify gives a company's
// dependency whose product it could not tell; as a truth service it says
// nothing.
const classifyUnknownService = "unknown"

// Service returns the product of catalog company that name (a service,
// provider id, product name or alias) means, or name lower-cased and
// trimmed when the company has no such product.
func (m *Matcher) Service(company, name string) string {
	if s, ok := m.services[company][normalizeName(name)]; ok {
		return s
	}
	return strings.ToLower(strings.TrimSpace(name))
}

// matchSuffix returns the provider of the catalog suffix host is under:
// the index of layer l first, then the others.
func (m *Matcher) matchSuffix(host string, l catalog.Layer) *catalog.Provider {
	type matcher func(string) (*catalog.Provider, string, bool)
	order := []matcher{m.cat.MatchNS, m.cat.MatchCNAME, m.cat.MatchMX}
	switch l {
	case catalog.LayerCDN, catalog.LayerHosting:
		order[0], order[1] = order[1], order[0]
	case catalog.LayerEmail:
		order[0], order[2] = order[2], order[0]
	}
	for _, match := range order {
		if p, _, ok := match(host); ok {
			return p
		}
	}
	return nil
}

// hostName returns the host name a label that looks like one stands for:
// a name with a dot and no space, a URL cut down to its host, a leading
// "*." dropped, normalised by the rules of domain lists.
func hostName(raw string) (string, bool) {
	if !strings.Contains(raw, ".") || strings.ContainsFunc(raw, unicode.IsSpace) {
		return "", false
	}
	raw = strings.TrimPrefix(raw, "*.")
	name, err := domains.Normalize(raw)
	if err != nil {
		return "", false
	}
	return name, true
}

// isASName reports whether p is an uncatalogued AS name: "as" and digits.
func isASName(p string) bool {
	digits, ok := strings.CutPrefix(p, "as")
	if !ok || digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
