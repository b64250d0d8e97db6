package classify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

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
}

// New returns a classifier. addr may be nil: no AS evidence is used then.
func New(cat *catalog.Catalog, addr AddrLookup) *Classifier {
	return &Classifier{cat: cat, addr: addr}
}

// WithRanges returns a copy of c that also uses the official range
// publications: an address in a published range counts for the catalog
// provider claiming that source and service (ip_range evidence, with the
// region), before and instead of the AS of the address.
func (c *Classifier) WithRanges(r RangeLookup) *Classifier {
	cc := *c
	cc.ranges = r
	return &cc
}

// builder collects the dependencies of one domain, one per (layer,
// provider, service, region); the strongest evidence is kept.
type builder struct {
	r      *Result
	ranges RangeLookup // for the region of each address; may be nil
}

// add records a dependency. Evidence without a region joins any
// dependency of the same layer, provider and service; evidence with a
// region fills the region of one that has none, or opens its own
// dependency (a domain in two regions of one cloud has two). The
// strongest evidence (highest confidence; at equal confidence the first)
// is the one shown.
func (b *builder) add(l catalog.Layer, provider, service, region string, ev Evidence, value string, conf float64) {
	match := -1
	for i := range b.r.Deps {
		d := &b.r.Deps[i]
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
		d := &b.r.Deps[match]
		if d.Region == "" {
			d.Region = region
		}
		if conf > d.Confidence {
			d.Confidence, d.Evidence, d.EvidenceValue = conf, ev, value
		}
		return
	}
	b.r.Deps = append(b.r.Deps, Dependency{
		Domain: b.r.Domain, Rank: b.r.Rank, Layer: l,
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
	return slices.ContainsFunc(b.r.Deps, func(d Dependency) bool { return d.Layer == l })
}

// Classify returns the dependencies of one observed domain on every layer,
// each with its evidence, and the state of every layer. Every provider
// found is kept, not only the first.
func (c *Classifier) Classify(o *dnscrawl.Observation) Result {
	r := Result{
		Domain: o.Domain, Rank: o.Rank, Status: o.Status, Error: o.Error,
		States: make(map[catalog.Layer]State, len(catalog.Layers)),
	}
	if o.Status != dnscrawl.StatusOK {
		for _, l := range catalog.Layers {
			r.States[l] = StateUnresolved
		}
		return r
	}
	b := &builder{r: &r, ranges: c.ranges}
	own, err := publicsuffix.EffectiveTLDPlusOne(o.Domain)
	if err != nil {
		own = o.Domain
	}
	r.States[catalog.LayerDNS] = c.dns(b, o, own)
	r.States[catalog.LayerCDN], r.States[catalog.LayerHosting] = c.web(b, o, own)
	r.States[catalog.LayerEmail] = c.email(b, o, own)
	order := make(map[catalog.Layer]int, len(catalog.Layers))
	for i, l := range catalog.Layers {
		order[l] = i
	}
	slices.SortFunc(r.Deps, func(x, y Dependency) int {
		if x.Layer != y.Layer {
			return order[x.Layer] - order[y.Layer]
		}
		if x.Provider != y.Provider {
			return strings.Compare(x.Provider, y.Provider)
		}
		if x.Service != y.Service {
			return strings.Compare(x.Service, y.Service)
		}
		return strings.Compare(x.Region, y.Region)
	})
	slices.SortFunc(r.Addrs, func(x, y AddrInfo) int {
		if x.Layer != y.Layer {
			return order[x.Layer] - order[y.Layer]
		}
		return x.Addr.Compare(y.Addr)
	})
	return r
}

// under reports whether name is registrable domain own or below it.
func under(name, own string) bool {
	return name == own || strings.HasSuffix(name, "."+own)
}

// lookup returns what the reference data says of addr.
func (c *Classifier) lookup(addr netip.Addr) refdata.Info {
	if c.addr == nil {
		return refdata.Info{}
	}
	return c.addr.Lookup(addr)
}

// owner is the provider an address belongs to, with the evidence.
type owner struct {
	p      *catalog.Provider // nil when unknown
	ev     Evidence
	value  string
	region string
}

// owner attributes address a: by the official range publications first
// (the catalog provider claiming the range's source and service), then
// by the AS that announces it. The range wins over the AS because it is
// the provider's own statement and names the product and the region.
func (c *Classifier) owner(a netip.Addr, info refdata.Info) owner {
	if c.ranges != nil {
		if r, ok := c.ranges.Lookup(a); ok {
			if p, ok := c.cat.ByRange(r.Source, r.Service); ok {
				return owner{p: p, ev: EvidenceIPRange, value: rangeValue(a, r), region: r.Region}
			}
		}
	}
	if info.ASN != 0 {
		if p, ok := c.cat.ByASN(info.ASN); ok {
			return owner{p: p, ev: EvidenceASN, value: fmt.Sprintf("AS%d %s", info.ASN, a)}
		}
	}
	return owner{}
}

// rangeValue is the evidence value of an ip_range match:
// "3.210.1.2 in 3.208.0.0/12 (aws EC2 us-east-1)".
func rangeValue(a netip.Addr, r refdata.Range) string {
	parts := []string{r.Source}
	for _, s := range []string{r.Service, r.Region} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if r.BorderGroup != "" && r.BorderGroup != r.Region {
		parts = append(parts, "border group "+r.BorderGroup)
	}
	return fmt.Sprintf("%s in %s (%s)", a, r.Prefix, strings.Join(parts, " "))
}

// addAddr records an address the domain reaches on layer l.
func (b *builder) addAddr(l catalog.Layer, a netip.Addr, info refdata.Info) {
	for _, x := range b.r.Addrs {
		if x.Layer == l && x.Addr == a {
			return
		}
	}
	ai := AddrInfo{Layer: l, Addr: a, ASN: info.ASN, Country: info.Country}
	if b.ranges != nil {
		if rg, ok := b.ranges.Lookup(a); ok {
			ai.Region = rg.Region
		}
	}
	b.r.Addrs = append(b.r.Addrs, ai)
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
			b.addAddr(catalog.LayerDNS, a, c.lookup(a))
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
		o := c.owner(a, c.lookup(a))
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
			info refdata.Info
			o    owner
		}
		var seen []owned
		for _, a := range h.Addrs() {
			info := c.lookup(a)
			o := c.owner(a, info)
			if o.p != nil && o.p.WebLayer() == catalog.LayerCDN {
				b.addOwner(catalog.LayerCDN, o)
				b.addAddr(catalog.LayerCDN, a, info)
				sawCDN = true
				continue
			}
			if o.p != nil && o.p.WebLayer() == "" {
				o.p = nil // a DNS-only product's range (Route 53) says nothing of the web
			}
			if o.p == nil {
				unattributed = true
			}
			seen = append(seen, owned{a, info, o})
		}
		// The host's other addresses: its origin when no CDN is in its
		// path, else the CDN's (matched by CNAME, announced by an AS that
		// is not the CDN's own).
		for _, o := range seen {
			switch {
			case sawCDN:
				b.addAddr(catalog.LayerCDN, o.addr, o.info)
			case o.o.p != nil:
				b.addOwner(catalog.LayerHosting, o.o)
				b.addAddr(catalog.LayerHosting, o.addr, o.info)
			default:
				b.addAddr(catalog.LayerHosting, o.addr, o.info)
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
			b.addAddr(catalog.LayerEmail, a, c.lookup(a))
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
