package catalog

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Layer is a layer of a domain's infrastructure.
type Layer string

// The layers, in the order reports show them.
const (
	LayerDNS     Layer = "dns"
	LayerCDN     Layer = "cdn"
	LayerHosting Layer = "hosting"
	LayerEmail   Layer = "email"
	// LayerCA is the certificate authority of the site's TLS certificate
	// and LayerTLD the registry operator of its top-level domain (issue
	// 12).
	LayerCA  Layer = "ca"
	LayerTLD Layer = "tld"
)

// Layers lists every layer in report order.
var Layers = []Layer{LayerDNS, LayerCDN, LayerHosting, LayerEmail, LayerCA, LayerTLD}

// knownLayer reports whether l is a layer a catalog entry may serve: one
// of Layers, or ca or tld (which the catalog knows before every analysis
// does).
func knownLayer(l Layer) bool {
	return slices.Contains(Layers, l) || l == LayerCA || l == LayerTLD
}

// ParseLayer returns the layer named s, or an error when s is not a layer.
func ParseLayer(s string) (Layer, error) {
	for _, l := range Layers {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown layer %q", s)
}

func (l Layer) String() string { return string(l) }

// Provider is one product of one company: the unit evidence points to.
// Company and Service are separate: amazon+cloudfront is not amazon+route53.
type Provider struct {
	// ID is stable and unique: "<company>-<service>", lower case.
	ID string `json:"id"`
	// Company is the stable lower-case id of the company that runs it; it
	// is the "provider" column of the reports.
	Company string `json:"company"`
	// Service is the product, lower case ("route53", "cloudfront").
	Service string `json:"service"`
	// Name is the display name ("Amazon CloudFront").
	Name   string  `json:"name"`
	Layers []Layer `json:"layers"`
	// NSSuffixes match name server host names (dns layer).
	NSSuffixes []string `json:"ns_suffixes,omitempty"`
	// CNAMESuffixes match CNAME targets of web hosts (the web layer).
	CNAMESuffixes []string `json:"cname_suffixes,omitempty"`
	// MXSuffixes match mail exchanger host names (email layer).
	MXSuffixes []string `json:"mx_suffixes,omitempty"`
	// ASNs are autonomous systems whose addresses count as this provider
	// on its web layer (and on dns for name servers with vanity names).
	ASNs []uint32 `json:"asns,omitempty"`
	// RangeSources are the official range publications whose prefixes
	// count as this provider: a source id ("aws", "gcp", "azure", ... as
	// data/refdata lists them) claims every range of that source no more
	// specific claim takes; "source:SERVICE" claims the ranges the
	// publication gives that service ("aws:CLOUDFRONT",
	// "azure:AzureFrontDoor.Frontend"; the service compared without
	// regard to case).
	RangeSources []string `json:"range_sources,omitempty"`
	// Domains are registrable domains (or deeper suffixes) that belong to
	// this product alone: a name server, CNAME target or mail exchanger
	// under one of them that no product suffix matches counts for it on
	// the layer it serves ("owner_domain" evidence).
	Domains []string `json:"domains,omitempty"`
	// Aliases are other names of the product ("Route 53", "Dyn"), used to
	// match labels that users write.
	Aliases []string `json:"aliases,omitempty"`
	// Issuers name a certificate authority's issuing CAs (layer ca), each
	// "O=<organisation>" (the issuer's organisation, matched whole) or
	// "CN=<prefix>" (the start of the issuer's common name): a leaf
	// certificate whose issuer matches counts for this provider. See
	// MatchIssuer.
	Issuers []string `json:"issuers,omitempty"`
	// Upstreams are IDs of providers this one runs on (a platform behind a
	// CDN), with the layer on which it depends on them.
	Upstreams []Upstream `json:"upstreams,omitempty"`
	// Sources are public URLs documenting the facts of this entry.
	Sources []string `json:"sources"`

	serviceName string // ServiceName, made when the catalog is parsed
}

// ServiceName returns "<company>/<service>", the name of p's service in
// the provider graph. A parsed catalog's providers make it once: the
// graph and the edge finders ask for it for every edge they see.
func (p *Provider) ServiceName() string {
	if p.serviceName != "" {
		return p.serviceName
	}
	return p.Company + "/" + p.Service
}

// Company is the owner of one or more providers: its display name, the
// other names it goes by and the registrable domains it operates.
type Company struct {
	// ID is the company id that providers name in their Company field.
	ID   string `json:"id"`
	Name string `json:"name"`
	// Aliases are other names of the company ("AWS", "Amazon Web
	// Services"), used to match labels that users write.
	Aliases []string `json:"aliases,omitempty"`
	// Domains are registrable domains the company operates (corporate,
	// name server, CDN, storage and mail domains). A name under one of
	// them that matches no product suffix and no product domain is the
	// company's: on a layer, its provider serving that layer.
	Domains []string `json:"domains,omitempty"`
	// WebLayer is the layer (cdn or hosting) that a CNAME under one of
	// the company's domains counts on; empty means the layer of its web
	// products when they all serve one, else hosting.
	WebLayer Layer    `json:"web_layer,omitempty"`
	Sources  []string `json:"sources,omitempty"`
	// Implicit is true when no entry declared the company: it was made
	// from a provider's company id.
	Implicit bool `json:"-"`
}

// Upstream is a provider-to-provider dependency declared by the catalog.
type Upstream struct {
	Provider string `json:"provider"`
	Layer    Layer  `json:"layer"`
}

// HasLayer reports whether p serves layer l.
func (p *Provider) HasLayer(l Layer) bool { return slices.Contains(p.Layers, l) }

// WebLayer is the layer that CNAME and ASN evidence for p counts on: cdn
// when p is a CDN, hosting otherwise, empty when p serves neither.
func (p *Provider) WebLayer() Layer {
	switch {
	case p.HasLayer(LayerCDN):
		return LayerCDN
	case p.HasLayer(LayerHosting):
		return LayerHosting
	}
	return ""
}

// Catalog is a validated set of providers with its indexes.
type Catalog struct {
	Version   string
	providers []*Provider
	byID      map[string]*Provider
	ns        *SuffixIndex
	cname     *SuffixIndex
	mx        *SuffixIndex
	asn       map[uint32]*Provider
	ranges    map[string]*Provider // "source" or "source:service" (service lower case)
	companies map[string]*Company
	// owners maps an owner domain to its owner; byCompanyLayer the
	// provider a company has on a layer (nil when it has several).
	owners         map[string]Owner
	issuers        *issuerIndex
	headers        []*HeaderRule
	headerRules    map[string][]int // canonical header name -> indexes in headers
	tlds           map[string]*TLD
	byCompanyLayer map[companyLayer]*Provider
	companyLayers  map[companyLayer]int
	webByCompany   map[string][]*Provider
}

type companyLayer struct {
	company string
	layer   Layer
}

type file struct {
	Version   string      `json:"version"`
	Companies []*Company  `json:"companies"`
	Providers []*Provider `json:"providers"`
	// HTTPHeaders are the rules that name a CDN from the response
	// headers of the HTTP probe (header.go).
	HTTPHeaders []*HeaderRule `json:"http_headers,omitempty"`
}

// FragmentDir is the folder beside catalog.json whose *.json files are
// parts of the same catalog: objects with "companies" and "providers"
// and no version.
const FragmentDir = "catalog.d"

//go:embed catalog.json catalog.d tld.json
var embeddedFS embed.FS

// Default returns the catalog embedded in the binary: catalog.json and the
// fragments of catalog.d, validated together.
func Default() (*Catalog, error) {
	c, err := ParseFS(embeddedFS)
	if err != nil {
		return nil, fmt.Errorf("embedded catalog: %w", err)
	}
	return c, nil
}

// ParseFS reads catalog.json at the root of fsys and every catalog.d/*.json
// fragment beside it (in name order) and validates them as one catalog,
// with the TLD registry table tld.json when the folder has one.
func ParseFS(fsys fs.FS) (*Catalog, error) {
	main, err := fs.ReadFile(fsys, "catalog.json")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(fsys, FragmentDir+"/*.json")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	frags := make([]Fragment, 0, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		frags = append(frags, Fragment{Name: n, Data: b})
	}
	c, err := parse(main, frags)
	if err != nil {
		return nil, err
	}
	tb, err := fs.ReadFile(fsys, TLDFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c, nil
	case err != nil:
		return nil, err
	}
	if err := c.loadTLDs(tb); err != nil {
		return nil, err
	}
	return c, nil
}

// mergeCompanies adds the companies of one fragment file to those read
// so far. A company may be declared in several files (a hoster in the DNS
// file and in the hosting file): the declarations are merged, the first
// name kept and the others added as aliases, aliases, domains and sources
// united; two different web layers are an error. Within one file a
// company is declared once (Parse reports the second).
func mergeCompanies(have, add []*Company, file string) ([]*Company, []error) {
	var errs []error
	byID := make(map[string]*Company, len(have))
	for _, c := range have {
		if c != nil {
			byID[c.ID] = c
		}
	}
	inFile := make(map[string]int, len(add))
	for _, c := range add {
		if c != nil {
			inFile[c.ID]++
		}
	}
	for _, c := range add {
		// A new company, or one declared twice in this file (which Parse
		// reports), is kept as declared.
		if c == nil || byID[c.ID] == nil || inFile[c.ID] > 1 {
			have = append(have, c)
			continue
		}
		old := byID[c.ID]
		merged := *old
		if c.Name != "" && c.Name != old.Name {
			merged.Aliases = appendNew(merged.Aliases, c.Name)
		}
		merged.Aliases = appendNew(merged.Aliases, c.Aliases...)
		merged.Domains = appendNew(merged.Domains, c.Domains...)
		merged.Sources = appendNew(merged.Sources, c.Sources...)
		switch {
		case c.WebLayer == "" || c.WebLayer == old.WebLayer:
		case old.WebLayer == "":
			merged.WebLayer = c.WebLayer
		default:
			errs = append(errs, fmt.Errorf("%w: company %q: web_layer %q in %s, %q before", ErrInvalid, c.ID, c.WebLayer, file, old.WebLayer))
		}
		*old = merged
	}
	return have, errs
}

// appendNew appends the items of add that list does not hold.
func appendNew(list []string, add ...string) []string {
	for _, s := range add {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

// Fragment is one part of a catalog kept in its own file.
type Fragment struct {
	Name string // for messages
	Data []byte
}

// ErrInvalid is wrapped by every validation error of Parse.
var ErrInvalid = errors.New("invalid catalog")

var (
	idRe      = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	companyRe = regexp.MustCompile(`^[a-z0-9]+$`)
	labelRe   = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)
	versionRe = regexp.MustCompile(`^[0-9]{4}\.[0-9]{2}\.[0-9]{2}-[0-9]+$`)
	rangeRe   = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*(:[A-Za-z0-9][A-Za-z0-9_.+-]*)?$`)
)

// reservedASN reports whether a is not a public AS number: AS0 (RFC 7607),
// AS_TRANS 23456 (RFC 6793), the documentation ranges 64496-64511 and
// 65536-65551 (RFC 5398), the private ranges 64512-65534 and
// 4200000000-4294967294 (RFC 6996), the reserved 65535 and 4294967295
// (RFC 7300) and the IANA-reserved 65552-131071.
func reservedASN(a uint32) bool {
	return a == 0 || a == 23456 || (a >= 64496 && a <= 131071) || a >= 4200000000
}

// validSource reports whether s is an absolute http(s) URL with a host.
func validSource(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil
}

// Parse reads and validates a catalog in its JSON form: one object with
// no unknown field and nothing after it. Validation fails on a malformed
// version; on an entry with a malformed id, company or service, an id that
// does not start with "<company>-", no name, no source or a source that
// is not an http(s) URL, no layer, an unknown or repeated layer; on a
// duplicate id; on a malformed suffix, a suffix claimed by two entries of
// one index; on a reserved or private AS number or one claimed twice; on
// evidence with no layer to count on (ns suffixes without dns, mx
// suffixes without email, cname suffixes or ASNs without cdn or hosting);
// on an upstream that does not exist, is the entry itself, has an unknown
// layer or does not serve that layer; on a malformed range source, one
// claimed twice, or one on an entry with no dns, cdn or hosting layer;
// and on an empty provider list.
// Every error wraps ErrInvalid.
func Parse(b []byte) (*Catalog, error) { return parse(b, nil) }

// decodeFile decodes one catalog file strictly: one object, no unknown
// field, nothing after it.
func decodeFile(name string, b []byte) (file, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%w: %s%v", ErrInvalid, name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return f, fmt.Errorf("%w: %sdata after the catalog object", ErrInvalid, name)
	}
	return f, nil
}

func parse(b []byte, frags []Fragment) (*Catalog, error) {
	f, err := decodeFile("", b)
	if err != nil {
		return nil, err
	}
	var mergeErrs []error
	for _, fr := range frags {
		ff, err := decodeFile(fr.Name+": ", fr.Data)
		if err != nil {
			return nil, err
		}
		if ff.Version != "" {
			return nil, fmt.Errorf("%w: %s: a fragment has no version (it is catalog.json's)", ErrInvalid, fr.Name)
		}
		var errs []error
		f.Companies, errs = mergeCompanies(f.Companies, ff.Companies, fr.Name)
		mergeErrs = append(mergeErrs, errs...)
		f.Providers = append(f.Providers, ff.Providers...)
		for _, h := range ff.HTTPHeaders {
			if h != nil {
				h.file = fr.Name
			}
		}
		f.HTTPHeaders = append(f.HTTPHeaders, ff.HTTPHeaders...)
	}
	if err := errors.Join(mergeErrs...); err != nil {
		return nil, err
	}
	c := &Catalog{
		Version: f.Version,
		byID:    make(map[string]*Provider, len(f.Providers)),
		ns:      NewSuffixIndex(),
		cname:   NewSuffixIndex(),
		mx:      NewSuffixIndex(),
		asn:     make(map[uint32]*Provider),
		ranges:  make(map[string]*Provider),

		companies:      make(map[string]*Company),
		owners:         make(map[string]Owner),
		issuers:        newIssuerIndex(),
		byCompanyLayer: make(map[companyLayer]*Provider),
		companyLayers:  make(map[companyLayer]int),
		webByCompany:   make(map[string][]*Provider),
	}
	var errs []error
	if f.Version != "" && !versionRe.MatchString(f.Version) {
		errs = append(errs, fmt.Errorf("%w: version %q is not YYYY.MM.DD-N", ErrInvalid, f.Version))
	}
	bad := func(p *Provider, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: provider %q: %s", ErrInvalid, p.ID, fmt.Sprintf(format, a...)))
	}
	for i, p := range f.Providers {
		if p == nil {
			errs = append(errs, fmt.Errorf("%w: provider #%d is null", ErrInvalid, i))
			continue
		}
		if !idRe.MatchString(p.ID) {
			bad(p, "malformed id")
		}
		if _, dup := c.byID[p.ID]; dup {
			bad(p, "duplicate id")
		}
		c.byID[p.ID] = p
		p.serviceName = p.Company + "/" + p.Service
		if !companyRe.MatchString(p.Company) {
			bad(p, "malformed company %q", p.Company)
		} else if p.ID != p.Company+"-"+p.Service {
			bad(p, "id is not <company>-<service> (%q)", p.Company+"-"+p.Service)
		}
		if !idRe.MatchString(p.Service) {
			bad(p, "malformed service %q", p.Service)
		}
		if p.Name == "" {
			bad(p, "no name")
		}
		if len(p.Sources) == 0 {
			bad(p, "no source")
		}
		for _, s := range p.Sources {
			if !validSource(s) {
				bad(p, "source %q is not an http(s) URL", s)
			}
		}
		if len(p.Layers) == 0 {
			bad(p, "no layer")
		}
		for i, l := range p.Layers {
			if !knownLayer(l) {
				bad(p, "unknown layer %q", l)
			} else if slices.Contains(p.Layers[:i], l) {
				bad(p, "layer %q listed twice", l)
			}
		}
		if len(p.NSSuffixes) > 0 && !p.HasLayer(LayerDNS) {
			bad(p, "ns suffixes without the dns layer")
		}
		if len(p.MXSuffixes) > 0 && !p.HasLayer(LayerEmail) {
			bad(p, "mx suffixes without the email layer")
		}
		if len(p.CNAMESuffixes) > 0 && p.WebLayer() == "" {
			bad(p, "cname suffixes without a cdn or hosting layer")
		}
		if len(p.ASNs) > 0 && p.WebLayer() == "" && !p.HasLayer(LayerDNS) {
			bad(p, "asns without a dns, cdn or hosting layer")
		}
		if len(p.Issuers) > 0 && !p.HasLayer(LayerCA) {
			bad(p, "issuers without the ca layer")
		}
		for _, is := range p.Issuers {
			if err := c.issuers.add(is, p); err != nil {
				bad(p, "issuer: %v", err)
			}
		}
		for _, d := range p.Domains {
			if err := c.addOwner(d, Owner{Provider: p}); err != nil {
				bad(p, "domain: %v", err)
			}
		}
		for _, idx := range []struct {
			kind string
			list []string
			ix   *SuffixIndex
		}{{"ns", p.NSSuffixes, c.ns}, {"cname", p.CNAMESuffixes, c.cname}, {"mx", p.MXSuffixes, c.mx}} {
			for _, s := range idx.list {
				if err := idx.ix.Add(s, p); err != nil {
					bad(p, "%s suffix: %v", idx.kind, err)
				}
			}
		}
		for _, a := range p.ASNs {
			if reservedASN(a) {
				bad(p, "AS%d is reserved or private", a)
				continue
			}
			if other, dup := c.asn[a]; dup {
				bad(p, "AS%d already claimed by %q", a, other.ID)
				continue
			}
			c.asn[a] = p
		}
		for _, rs := range p.RangeSources {
			key := rangeKey(rs)
			switch {
			case !rangeRe.MatchString(rs):
				bad(p, "malformed range source %q", rs)
			case p.WebLayer() == "" && !p.HasLayer(LayerDNS):
				bad(p, "range source %q without a dns, cdn or hosting layer", rs)
			case c.ranges[key] != nil:
				bad(p, "range source %q already claimed by %q", rs, c.ranges[key].ID)
			default:
				c.ranges[key] = p
			}
		}
		c.providers = append(c.providers, p)
	}
	for i, co := range f.Companies {
		if co == nil {
			errs = append(errs, fmt.Errorf("%w: company #%d is null", ErrInvalid, i))
			continue
		}
		badc := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%w: company %q: %s", ErrInvalid, co.ID, fmt.Sprintf(format, a...)))
		}
		if !companyRe.MatchString(co.ID) {
			badc("malformed id")
		}
		if _, dup := c.companies[co.ID]; dup {
			badc("declared twice")
		}
		c.companies[co.ID] = co
		if co.Name == "" {
			badc("no name")
		}
		if len(co.Sources) == 0 {
			badc("no source")
		}
		for _, s := range co.Sources {
			if !validSource(s) {
				badc("source %q is not an http(s) URL", s)
			}
		}
		switch co.WebLayer {
		case "", LayerCDN, LayerHosting:
		default:
			badc("web_layer %q is not cdn or hosting", co.WebLayer)
		}
		for _, d := range co.Domains {
			if err := c.addOwner(d, Owner{Company: co}); err != nil {
				badc("domain: %v", err)
			}
		}
	}
	for _, p := range c.providers {
		co, ok := c.companies[p.Company]
		if !ok {
			co = &Company{ID: p.Company, Name: p.Company, Implicit: true}
			c.companies[p.Company] = co
		}
		if p.WebLayer() != "" {
			c.webByCompany[p.Company] = append(c.webByCompany[p.Company], p)
		}
		for _, l := range p.Layers {
			k := companyLayer{p.Company, l}
			c.companyLayers[k]++
			c.byCompanyLayer[k] = p
		}
	}
	for k, n := range c.companyLayers {
		if n > 1 {
			c.byCompanyLayer[k] = nil
		}
	}
	for d, o := range c.owners {
		if o.Provider != nil {
			o.Company = c.companies[o.Provider.Company]
			c.owners[d] = o
		}
	}
	for _, p := range c.providers {
		for _, u := range p.Upstreams {
			up, ok := c.byID[u.Provider]
			switch {
			case !ok:
				bad(p, "unknown upstream %q", u.Provider)
			case up == p:
				bad(p, "upstream to itself")
			}
			if _, err := ParseLayer(string(u.Layer)); err != nil {
				bad(p, "upstream %q: %v", u.Provider, err)
			} else if ok && !up.HasLayer(u.Layer) {
				bad(p, "upstream %q does not serve layer %q", u.Provider, u.Layer)
			}
		}
	}
	if len(c.providers) == 0 {
		errs = append(errs, fmt.Errorf("%w: no providers", ErrInvalid))
	}
	errs = append(errs, c.addHeaderRules(f.HTTPHeaders)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.SortFunc(c.providers, func(a, b *Provider) int { return strings.Compare(a.ID, b.ID) })
	return c, nil
}

// Providers returns every provider, sorted by ID.
func (c *Catalog) Providers() []*Provider { return c.providers }

// Provider returns the provider with the given ID.
func (c *Catalog) Provider(id string) (*Provider, bool) {
	p, ok := c.byID[id]
	return p, ok
}

// MatchNS returns the provider whose NS suffix matches host, and the suffix.
func (c *Catalog) MatchNS(host string) (*Provider, string, bool) { return c.ns.Match(host) }

// MatchCNAME returns the provider whose CNAME suffix matches name.
func (c *Catalog) MatchCNAME(name string) (*Provider, string, bool) { return c.cname.Match(name) }

// MatchMX returns the provider whose MX suffix matches host.
func (c *Catalog) MatchMX(host string) (*Provider, string, bool) { return c.mx.Match(host) }

// rangeKey is the index key of a range source claim: the source id, and
// the service in lower case after a colon.
func rangeKey(s string) string {
	src, svc, ok := strings.Cut(s, ":")
	if !ok {
		return src
	}
	return src + ":" + strings.ToLower(svc)
}

// ByRange returns the provider that a range of the given source and
// service belongs to: the entry claiming "source:service" when one does,
// else the entry claiming the whole source.
func (c *Catalog) ByRange(source, service string) (*Provider, bool) {
	if service != "" {
		var buf [64]byte
		if p, ok := c.ranges[string(appendRangeKey(buf[:0], source, service))]; ok {
			return p, true
		}
	}
	p, ok := c.ranges[source]
	return p, ok
}

// appendRangeKey appends to buf the key of c.ranges for a source and a
// service, rangeKey(source+":"+service): a map lookup with
// string(appendRangeKey(...)) makes no string (ByRange is called for
// every address in a published range).
func appendRangeKey(buf []byte, source, service string) []byte {
	buf = append(append(buf, source...), ':')
	for i := 0; i < len(service); i++ {
		if service[i] >= utf8.RuneSelf {
			return append(buf[:len(source)+1], strings.ToLower(service)...)
		}
	}
	for i := 0; i < len(service); i++ {
		c := service[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// RangeSources returns every range source id the catalog refers to,
// sorted, without services.
func (c *Catalog) RangeSources() []string {
	var out []string
	for k := range c.ranges {
		src, _, _ := strings.Cut(k, ":")
		if !slices.Contains(out, src) {
			out = append(out, src)
		}
	}
	slices.Sort(out)
	return out
}

// ByASN returns the provider that claims AS number asn.
func (c *Catalog) ByASN(asn uint32) (*Provider, bool) {
	p, ok := c.asn[asn]
	return p, ok
}
