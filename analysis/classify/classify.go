package classify

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/publicsuffix"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// Confidence of each kind of evidence: a name under a provider's suffix
// is what the provider itself tells its customers to configure; an
// address in a range the provider publishes as its own is nearly as
// strong; a server under the site's own name is the site's own unless its
// address says otherwise; an address in a provider's AS is a strong but
// indirect sign (ASes carry more than one product); a matching SOA is the
// weakest.
const (
	confSuffix = 1.0
	confRange  = 0.95
	confSelf   = 0.9
	confASN    = 0.8
	confSOA    = 0.6
)

// Confidence returns the confidence given to evidence of kind e.
func Confidence(e Evidence) float64 {
	switch e {
	case EvidenceNSSuffix, EvidenceCNAMESuffix, EvidenceMXSuffix:
		return confSuffix
	case EvidenceIPRange:
		return confRange
	case EvidenceSelf:
		return confSelf
	case EvidenceASN:
		return confASN
	case EvidenceSOA:
		return confSOA
	}
	return 0
}

// AddrLookup is what the classifier needs from reference data: the AS of
// an address. *refdata.DB implements it.
type AddrLookup interface {
	Lookup(netip.Addr) refdata.Info
}

// RangeLookup is what the classifier needs from the providers' official
// range publications: the longest published prefix holding an address.
// *refdata.Ranges implements it.
type RangeLookup interface {
	Lookup(netip.Addr) (refdata.Range, bool)
}

// Classifier turns observations into dependencies with the catalog and
// the reference data. It is safe for concurrent use.
type Classifier struct {
	cat    *catalog.Catalog
	addr   AddrLookup
	ranges RangeLookup
	// cache holds the facts of the addresses seen so far; states the
	// shared States maps of the results.
	cache    *addrCache
	states   *stateSets
	builders *sync.Pool
}

// New returns a classifier. addr may be nil: no AS evidence is used then.
func New(cat *catalog.Catalog, addr AddrLookup) *Classifier {
	return &Classifier{
		cat: cat, addr: addr, cache: newAddrCache(), states: newStateSets(),
		builders: &sync.Pool{New: func() any { return new(builder) }},
	}
}

// WithRanges returns a copy of c that also uses the official range
// publications: an address in a published range counts for the catalog
// provider claiming that source and service (ip_range evidence, with the
// region), before and instead of the AS of the address.
func (c *Classifier) WithRanges(r RangeLookup) *Classifier {
	cc := *c
	cc.ranges = r
	cc.cache = newAddrCache()
	return &cc
}

// builder collects the dependencies of one domain, one per (layer,
// provider, service, region); the strongest evidence is kept.
//
// Builders are reused (Classifier.builders): deps and addrs grow once to
// the largest domain's size, and each Result gets copies of exactly its
// length, so that a million held results carry no spare capacity.
type builder struct {
	domain string
	rank   int
	deps   []Dependency
	addrs  []AddrInfo
}

// exact returns a copy of s with no spare capacity, nil when s is empty.
func exact[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	out := make([]T, len(s))
	copy(out, s)
	return out
}

// add records a dependency. Evidence without a region joins any
// dependency of the same layer, provider and service; evidence with a
// region fills the region of one that has none, or opens its own
// dependency (a domain in two regions of one cloud has two). The
// strongest evidence (highest confidence; at equal confidence the first)
// is the one shown.
func (b *builder) add(l catalog.Layer, provider, service, region string, ev Evidence, value string, conf float64) {
	match := -1
	for i := range b.deps {
		d := &b.deps[i]
		if d.Layer != l || d.Provider != provider || d.Service != service {
			continue
		}
		if region == "" || d.Region == region {
			match = i
			break
		}
		if d.Region == "" && match < 0 {
			match = i
		}
	}
	if match >= 0 {
		d := &b.deps[match]
		if d.Region == "" {
			d.Region = region
		}
		if conf > d.Confidence {
			d.Confidence, d.Evidence, d.EvidenceValue = conf, ev, value
		}
		return
	}
	b.deps = append(b.deps, Dependency{
		Domain: b.domain, Rank: b.rank, Layer: l,
		Provider: provider, Service: service, Region: region,
		Evidence: ev, EvidenceValue: value, Confidence: conf,
		ThirdParty: provider != SelfProvider,
	})
}

func (b *builder) addProvider(l catalog.Layer, p *catalog.Provider, ev Evidence, value string, conf float64) {
	b.add(l, p.Company, p.Service, "", ev, value, conf)
}

// addOwner records the provider an address was attributed to.
func (b *builder) addOwner(l catalog.Layer, o owner) {
	b.add(l, o.p.Company, o.p.Service, o.region, o.ev, o.value, Confidence(o.ev))
}

func (b *builder) has(l catalog.Layer) bool {
	return slices.ContainsFunc(b.deps, func(d Dependency) bool { return d.Layer == l })
}

// Classify returns the dependencies of one observed domain on every layer,
// each with its evidence, and the state of every layer. Every provider
// found is kept, not only the first.
func (c *Classifier) Classify(o *dnscrawl.Observation) Result {
	r := Result{Domain: o.Domain, Rank: o.Rank, Status: o.Status, Error: o.Error}
	if o.Status != dnscrawl.StatusOK {
		st := make([]State, len(catalog.Layers))
		for i := range st {
			st[i] = StateUnresolved
		}
		r.States = c.states.get(st)
		return r
	}
	b := c.builders.Get().(*builder)
	defer c.builders.Put(b)
	b.domain, b.rank, b.deps, b.addrs = o.Domain, o.Rank, b.deps[:0], b.addrs[:0]
	own, err := publicsuffix.EffectiveTLDPlusOne(o.Domain)
	if err != nil {
		own = o.Domain
	}
	st := make([]State, len(catalog.Layers))
	st[layerIndex(catalog.LayerDNS)] = c.dns(b, o, own)
	st[layerIndex(catalog.LayerCDN)], st[layerIndex(catalog.LayerHosting)] = c.web(b, o, own)
	st[layerIndex(catalog.LayerEmail)] = c.email(b, o, own)
	r.States = c.states.get(st)
	order := layerIndex
	slices.SortFunc(b.deps, func(x, y Dependency) int {
		if x.Layer != y.Layer {
			return order(x.Layer) - order(y.Layer)
		}
		if x.Provider != y.Provider {
			return strings.Compare(x.Provider, y.Provider)
		}
		if x.Service != y.Service {
			return strings.Compare(x.Service, y.Service)
		}
		return strings.Compare(x.Region, y.Region)
	})
	slices.SortFunc(b.addrs, func(x, y AddrInfo) int {
		if x.Layer != y.Layer {
			return order(x.Layer) - order(y.Layer)
		}
		return x.Addr.Compare(y.Addr)
	})
	r.Deps, r.Addrs = exact(b.deps), exact(b.addrs)
	return r
}

// layerIndex returns the position of l in catalog.Layers.
func layerIndex(l catalog.Layer) int {
	return slices.Index(catalog.Layers, l)
}

// under reports whether name is registrable domain own or below it.
func under(name, own string) bool {
	return name == own || strings.HasSuffix(name, "."+own)
}

// owner is the provider an address belongs to, with the evidence.
type owner struct {
	p      *catalog.Provider // nil when unknown
	ev     Evidence
	value  string
	region string
}

// ownerOf attributes address a: by the official range publications first
// (the catalog provider claiming the range's source and service), then
// by the AS that announces it. The range wins over the AS because it is
// the provider's own statement and names the product and the region.
//
// rg and rok are the result of the range lookup of a.
func (c *Classifier) ownerOf(a netip.Addr, info refdata.Info, rg refdata.Range, rok bool) owner {
	if rok {
		if p, ok := c.cat.ByRange(rg.Source, rg.Service); ok {
			return owner{p: p, ev: EvidenceIPRange, value: rangeValue(a, rg), region: rg.Region}
		}
	}
	if info.ASN != 0 {
		if p, ok := c.cat.ByASN(info.ASN); ok {
			// "AS16509 3.210.1.2"
			b := make([]byte, 0, 48)
			b = strconv.AppendUint(append(b, "AS"...), uint64(info.ASN), 10)
			b = a.AppendTo(append(b, ' '))
			return owner{p: p, ev: EvidenceASN, value: string(b)}
		}
	}
	return owner{}
}

// rangeValue is the evidence value of an ip_range match:
// "3.210.1.2 in 3.208.0.0/12 (aws EC2 us-east-1)".
func rangeValue(a netip.Addr, r refdata.Range) string {
	b := make([]byte, 0, 96)
	b = a.AppendTo(b)
	b = append(b, " in "...)
	b = r.Prefix.AppendTo(b)
	b = append(b, " ("...)
	b = append(b, r.Source...)
	for _, s := range []string{r.Service, r.Region} {
		if s != "" {
			b = append(append(b, ' '), s...)
		}
	}
	if r.BorderGroup != "" && r.BorderGroup != r.Region {
		b = append(append(b, " border group "...), r.BorderGroup...)
	}
	return string(append(b, ')'))
}

// addAddr records an address the domain reaches on layer l.
func (b *builder) addAddr(l catalog.Layer, a netip.Addr, f addrFacts) {
	for _, x := range b.addrs {
		if x.Layer == l && x.Addr == a {
			return
		}
	}
	b.addrs = append(b.addrs, AddrInfo{Layer: l, Addr: a, ASN: f.info.ASN, Country: f.info.Country, Region: f.region})
}

// sameCompany returns the provider of company that serves layer l.
func (c *Classifier) sameCompany(company string, l catalog.Layer) *catalog.Provider {
	for _, p := range c.cat.Providers() {
		if p.Company == company && p.HasLayer(l) {
			return p
		}
	}
	return nil
}

// dns attributes the name servers: by NS suffix first; a name server with
// a vanity name (under the site's own domain or an unknown one) by the AS
// of its addresses when that company runs a DNS service; otherwise a name
// server under the site's own domain, or a zone whose SOA names the site,
// is self-hosted (after Kashaf et al., IMC 2020).
func (c *Classifier) dns(b *builder, o *dnscrawl.Observation, own string) State {
	if len(o.NS) == 0 {
		return StateUnattributed
	}
	var unknown []dnscrawl.NSHost
	for _, ns := range o.NS {
		if p, _, ok := c.cat.MatchNS(ns.Name); ok {
			b.addProvider(catalog.LayerDNS, p, EvidenceNSSuffix, ns.Name, confSuffix)
			continue
		}
		for _, a := range ns.Addrs {
			b.addAddr(catalog.LayerDNS, a, c.facts(a))
		}
		if o := c.dnsByAddr(ns.Addrs); o.p != nil {
			o.value = ns.Name + " " + o.value
			b.addOwner(catalog.LayerDNS, o)
			continue
		}
		if under(ns.Name, own) {
			b.add(catalog.LayerDNS, SelfProvider, SelfProvider, "", EvidenceSelf, ns.Name, confSelf)
			continue
		}
		unknown = append(unknown, ns)
	}
	if len(unknown) > 0 && o.SOA != nil && (under(o.SOA.MName, own) || under(o.SOA.RName, own)) && !b.has(catalog.LayerDNS) {
		b.add(catalog.LayerDNS, SelfProvider, SelfProvider, "", EvidenceSOA, o.SOA.MName+" "+o.SOA.RName, confSOA)
	}
	if b.has(catalog.LayerDNS) {
		return StateKnown
	}
	return StateUnattributed
}

// dnsByAddr returns the DNS service behind a name server's addresses
// (by published range, then by AS): the owner when it runs DNS itself
// (Route 53's ranges), or the DNS service of a CDN company (Cloudflare's
// custom name servers answer from its own ranges). An address of a
// cloud's hosting says nothing: a name server run by the site on a
// rented machine is not the cloud's DNS service.
func (c *Classifier) dnsByAddr(addrs []netip.Addr) owner {
	for _, a := range addrs {
		o := c.facts(a).owner
		switch {
		case o.p == nil:
		case o.p.HasLayer(catalog.LayerDNS):
			return o
		case o.p.WebLayer() == catalog.LayerCDN:
			if dp := c.sameCompany(o.p.Company, catalog.LayerDNS); dp != nil {
				o.p = dp
				return o
			}
		}
	}
	return owner{}
}

// web attributes the apex and www hosts to CDN and hosting providers:
// every CNAME hop under a provider's suffix counts on that provider's web
// layer; the final addresses count by their owner (published range, then
// AS): a CDN always, a hosting provider only when no CDN is on the host's
// chain (the edge addresses of a CDN are not its customers' origin).
func (c *Classifier) web(b *builder, o *dnscrawl.Observation, own string) (cdn, hosting State) {
	resolved, failed, unattributed := false, false, false
	for _, h := range []dnscrawl.Host{o.Apex, o.WWW} {
		switch h.Status {
		case dnscrawl.StatusOK:
			resolved = true
		case dnscrawl.StatusNXDomain, dnscrawl.StatusNoData:
			continue
		default:
			failed = true
			continue
		}
		sawCDN := false
		for _, hop := range h.CNAMEs {
			p, _, ok := c.cat.MatchCNAME(hop)
			if !ok {
				continue
			}
			l := p.WebLayer()
			b.addProvider(l, p, EvidenceCNAMESuffix, hop, confSuffix)
			if l == catalog.LayerCDN {
				sawCDN = true
			}
		}
		// Look every address up once; CDN addresses count first, so that a
		// host whose own addresses show a CDN does not also get the others
		// as hosting.
		type owned struct {
			addr netip.Addr
			f    addrFacts
			o    owner
		}
		var seenBuf [8]owned
		seen := seenBuf[:0]
		for _, a := range h.Addrs() {
			f := c.facts(a)
			o := f.owner
			if o.p != nil && o.p.WebLayer() == catalog.LayerCDN {
				b.addOwner(catalog.LayerCDN, o)
				b.addAddr(catalog.LayerCDN, a, f)
				sawCDN = true
				continue
			}
			if o.p != nil && o.p.WebLayer() == "" {
				o.p = nil // a DNS-only product's range (Route 53) says nothing of the web
			}
			if o.p == nil {
				unattributed = true
			}
			seen = append(seen, owned{a, f, o})
		}
		// The host's other addresses: its origin when no CDN is in its
		// path, else the CDN's (matched by CNAME, announced by an AS that
		// is not the CDN's own).
		for _, o := range seen {
			switch {
			case sawCDN:
				b.addAddr(catalog.LayerCDN, o.addr, o.f)
			case o.o.p != nil:
				b.addOwner(catalog.LayerHosting, o.o)
				b.addAddr(catalog.LayerHosting, o.addr, o.f)
			default:
				b.addAddr(catalog.LayerHosting, o.addr, o.f)
			}
		}
		if sawCDN && !b.has(catalog.LayerHosting) {
			unattributed = true // the origin is behind the CDN
		}
	}
	state := func(l catalog.Layer, missing State) State {
		switch {
		case b.has(l):
			return StateKnown
		case resolved:
			return missing
		case failed:
			return StateUnresolved
		}
		return StateNone
	}
	hostingMissing := StateNone
	if unattributed {
		hostingMissing = StateUnattributed
	}
	return state(catalog.LayerCDN, StateNone), state(catalog.LayerHosting, hostingMissing)
}

// email attributes the mail exchangers by MX suffix; an MX under the
// site's own domain is self-hosted.
func (c *Classifier) email(b *builder, o *dnscrawl.Observation, own string) State {
	switch o.MXStatus {
	case dnscrawl.StatusOK, "":
	case dnscrawl.StatusNoData, dnscrawl.StatusNXDomain:
		return StateNone
	default:
		return StateUnresolved
	}
	if len(o.MX) == 0 || (len(o.MX) == 1 && o.MX[0].Name == ".") {
		return StateNone
	}
	for _, mx := range o.MX {
		for _, a := range mx.Addrs {
			b.addAddr(catalog.LayerEmail, a, c.facts(a))
		}
		if p, _, ok := c.cat.MatchMX(mx.Name); ok {
			b.addProvider(catalog.LayerEmail, p, EvidenceMXSuffix, mx.Name, confSuffix)
		} else if under(mx.Name, own) {
			b.add(catalog.LayerEmail, SelfProvider, SelfProvider, "", EvidenceSelf, mx.Name, confSelf)
		}
	}
	if b.has(catalog.LayerEmail) {
		return StateKnown
	}
	return StateUnattributed
}
