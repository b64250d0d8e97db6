package classify

import (
	"iter"
	"net/netip"
	"runtime"
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
//
// A name under a domain the catalog says a company operates, but under no
// product suffix, names the company surely and the product less surely;
// self-hosting shown by the list (an organisation's family of sites) or
// by the zone of a CNAME target is as strong as an AS; an operator named
// only by the registrable domain of its servers is the weakest naming.
const (
	confSuffix      = 1.0
	confRange       = 0.95
	confSelf        = 0.9
	confOwner       = 0.9
	confASN         = 0.8
	confFamily      = 0.8
	confZoneNS      = 0.8
	confRegistrable = 0.7
	confSOA         = 0.6
	// The issuer of a certificate names its CA as surely as a suffix; an
	// uncatalogued CA named by its organisation as surely as an operator
	// named by its domain. A TLD's registry is a fact of the root zone.
	confIssuer    = 1.0
	confIssuerOrg = confRegistrable
	confTLD       = 1.0
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
	case EvidenceOwnerDomain:
		return confOwner
	case EvidenceFamily:
		return confFamily
	case EvidenceZoneNS:
		return confZoneNS
	case EvidenceRegistrableDomain:
		return confRegistrable
	case EvidenceIssuer:
		return confIssuer
	case EvidenceIssuerOrg:
		return confIssuerOrg
	case EvidenceTLD:
		return confTLD
	case EvidenceHTTPHeader:
		return confHeader
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
	net    netLookup // addr, when it implements netLookup
	ranges RangeLookup
	// states holds the shared States maps of the results.
	states   *stateSets
	builders *builderPool
	asn      *sync.Map // uint32 -> asName
	// names caches the verdicts on certificate issuers and TLDs, which
	// recur across most domains (namesCache).
	names *namesCache
}

// New returns a classifier. addr may be nil: no AS evidence is used then.
func New(cat *catalog.Catalog, addr AddrLookup) *Classifier {
	nl, _ := addr.(netLookup)
	return &Classifier{
		cat: cat, addr: addr, net: nl, states: newStateSets(),
		builders: newBuilderPool(), asn: new(sync.Map),
		names: new(namesCache),
	}
}

// WithRanges returns a copy of c that also uses the official range
// publications: an address in a published range counts for the catalog
// provider claiming that source and service (ip_range evidence, with the
// region), before and instead of the AS of the address.
func (c *Classifier) WithRanges(r RangeLookup) *Classifier {
	cc := *c
	cc.ranges = r
	// The builders' caches hold facts found without r: cc has its own.
	cc.builders = newBuilderPool()
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
	addrs  []packedAddr
	// nsOps and mxOps are the uncatalogued operators (registrable
	// domains) of the name servers and mail exchangers, for Finish;
	// nsOwned says a name server was named by a company's domain.
	nsOps, mxOps []string
	nsOwned      bool
	// names caches the indexes of provider, service and region names.
	names namer
	// fc caches the facts of addresses (Classifier.facts).
	fc *factsCache
	// evs caches the evidence of certificate hosts' edges.
	evs evidenceStrings
	// vals is the buffer of packDeps.
	vals []byte
	// slabs hold the packed dependencies, addresses and values of the
	// Results made.
	slabs builderSlabs
	// certHosts caches the edges of certificate hosts by name
	// (Classifier.certHost).
	certHosts map[string]*certHostEntry
	// ns and mx hold what the catalog says of name server and mail
	// exchanger names.
	ns, mx nameInfos
}

// builderPool holds the builders not in use. Unlike a sync.Pool it
// keeps them across garbage collections: a builder's caches (the facts
// of addresses, names, evidence strings) would start cold again after
// every collection, and a large run collects often.
type builderPool struct{ free chan *builder }

// newBuilderPool returns a pool keeping up to twice GOMAXPROCS builders,
// as many as the goroutines classifying at once.
func newBuilderPool() *builderPool {
	return &builderPool{free: make(chan *builder, 2*runtime.GOMAXPROCS(0))}
}

// get returns a free builder, or a new one.
func (p *builderPool) get() *builder {
	select {
	case b := <-p.free:
		return b
	default:
		return &builder{names: newNamer(), fc: new(factsCache), evs: evidenceStrings{},
			ns: newNameInfos((*catalog.Catalog).MatchNS), mx: newNameInfos((*catalog.Catalog).MatchMX)}
	}
}

// put gives b back, or drops it when the pool is full. Buffers a
// domain with thousands of dependencies or addresses grew are not kept.
func (p *builderPool) put(b *builder) {
	if cap(b.deps) > 1<<12 || cap(b.addrs) > 1<<12 {
		b.deps, b.addrs = nil, nil
	}
	select {
	case p.free <- b:
	default:
	}
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
	b.addDep(l, provider, service, region, ev, value, conf, false)
}

// addUncatalogued records a dependency on an operator the catalog does
// not know, named by a registrable domain or an AS.
func (b *builder) addUncatalogued(l catalog.Layer, provider string, ev Evidence, value string) {
	b.addDep(l, provider, string(l), "", ev, value, Confidence(ev), true)
}

func (b *builder) addDep(l catalog.Layer, provider, service, region string, ev Evidence, value string, conf float64, uncatalogued bool) {
	b.addDepValue(l, provider, service, region, ev, value, nil, conf, uncatalogued)
}

// addDepValue is addDep with the evidence value made from lv when lv is
// not nil, and only when the dependency keeps it.
func (b *builder) addDepValue(l catalog.Layer, provider, service, region string, ev Evidence, value string, lv *addrValue, conf float64, uncatalogued bool) {
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
			if lv != nil {
				value = lv.String()
			}
			d.Confidence, d.Evidence, d.EvidenceValue = conf, ev, value
		}
		return
	}
	if lv != nil {
		value = lv.String()
	}
	b.deps = append(b.deps, Dependency{
		Domain: b.domain, Rank: b.rank, Layer: l,
		Provider: provider, Service: service, Region: region,
		Evidence: ev, EvidenceValue: value, Confidence: conf,
		ThirdParty: provider != SelfProvider, Uncatalogued: uncatalogued,
	})
}

// addOwned records the provider an owner domain names on layer l: the
// product it resolves to, or the company with an unknown service.
func (c *Classifier) addOwned(b *builder, l catalog.Layer, o catalog.Owner, name string) {
	if p := c.cat.Resolve(o, l); p != nil {
		b.add(l, p.Company, p.Service, "", EvidenceOwnerDomain, name, confOwner)
		return
	}
	b.add(l, o.Company.ID, UnknownService, "", EvidenceOwnerDomain, name, confOwner)
}

// registrable returns the registrable domain that names the operator of
// host name: under the ICANN section of the public suffix list, so that
// a name under a platform's domain ("x.herokuapp.com") names the
// platform; "" when name has none.
func registrable(name string) string { return catalog.ICANNRegistrable(name) }

// appendOnce appends s to list unless it is there.
func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func (b *builder) addProvider(l catalog.Layer, p *catalog.Provider, ev Evidence, value string, conf float64) {
	b.add(l, p.Company, p.Service, "", ev, value, conf)
}

// addOwner records the provider o that address a was attributed to; the
// evidence value is the address's (appendOwnerValue).
func (b *builder) addOwner(l catalog.Layer, a netip.Addr, o *owner) {
	b.addOwnerValue(l, o.p, &addrValue{a: a, o: o})
}

// addOwnerValue records provider p, attributed from the address and owner
// of v, with v's evidence value.
func (b *builder) addOwnerValue(l catalog.Layer, p *catalog.Provider, v *addrValue) {
	ev := v.o.ev()
	b.addDepValue(l, p.Company, p.Service, v.o.region(), ev, "", v, Confidence(ev), false)
}

// dropSubsumed removes the dependencies on a company with an unknown
// service (a name under its corporate domain) where another dependency
// names the company's product on the same layer: the product says more.
func (b *builder) dropSubsumed() {
	b.deps = slices.DeleteFunc(b.deps, func(d Dependency) bool {
		if d.Service != UnknownService || d.Uncatalogued {
			return false
		}
		return slices.ContainsFunc(b.deps, func(e Dependency) bool {
			return e.Layer == d.Layer && e.Provider == d.Provider && e.Service != UnknownService
		})
	})
}

func (b *builder) has(l catalog.Layer) bool {
	return slices.ContainsFunc(b.deps, func(d Dependency) bool { return d.Layer == l })
}

// Classify returns the dependencies of one observed domain on every layer,
// each with its evidence, and the state of every layer. Every provider
// found is kept, not only the first.
func (c *Classifier) Classify(o *dnscrawl.Observation) Result {
	r := Result{Domain: o.Domain, Rank: o.Rank, Status: o.Status, Error: o.Error}
	// The states are gathered on the stack: stateSets.get keeps none.
	var stBuf [8]State // StateLayers has at most 8
	st := stBuf[:len(StateLayers)]
	failed := o.Status != dnscrawl.StatusOK
	if failed && o.Delegation == nil {
		for i := range st {
			st[i] = StateUnresolved
		}
		r.States = c.states.get(st)
		return r
	}
	b := c.builders.get()
	defer c.builders.put(b)
	b.domain, b.rank, b.deps, b.addrs = o.Domain, o.Rank, b.deps[:0], b.addrs[:0]
	b.nsOps, b.mxOps, b.nsOwned = b.nsOps[:0], b.mxOps[:0], false
	own, err := publicsuffix.EffectiveTLDPlusOne(o.Domain)
	if err != nil {
		own = o.Domain
	}
	if failed {
		// A domain that does not resolve, but whose delegation was seen
		// (a crawl from the root down: its servers are lame, fail or
		// never answer): the servers its parent names are still what it
		// depends on, and what would have to come back for it to
		// resolve. Every other layer is unresolved.
		for i := range st {
			st[i] = StateUnresolved
		}
		st[layerIndex(catalog.LayerDNS)] = c.delegation(b, o, own, StateUnresolved)
	} else {
		st[layerIndex(catalog.LayerDNS)] = c.dns(b, o, own)
		st[layerIndex(catalog.LayerDNS)] = c.delegation(b, o, own, st[layerIndex(catalog.LayerDNS)])
		st[layerIndex(catalog.LayerCDN)], st[layerIndex(catalog.LayerHosting)] = c.web(b, o, own)
		st[layerIndex(catalog.LayerEmail)] = c.email(b, o, own)
		st[layerIndex(catalog.LayerCA)], r.OCSPStapled, r.NoOCSPFetch = c.ca(b, o)
		st[layerIndex(catalog.LayerTLD)] = c.tld(b, o)
	}
	b.dropSubsumed()
	r.States = c.states.get(st)
	r.hints = c.hints(b, o, own)
	sortDeps(b.deps)
	slices.SortFunc(b.addrs, func(x, y packedAddr) int { return x.compare(&y) })
	r.deps, r.vals, b.vals = packDeps(b.deps, b.names, b.vals, &b.slabs)
	r.addrs = b.slabs.addrs.take(len(b.addrs))
	copy(r.addrs, b.addrs)
	return r
}

// hostAddrs yields the addresses of h in the order of h.Addrs (IPv4
// first) without making a slice of them.
func hostAddrs(h *dnscrawl.Host) iter.Seq[netip.Addr] {
	return func(yield func(netip.Addr) bool) {
		for _, list := range [2][]netip.Addr{h.A, h.AAAA} {
			for _, a := range list {
				if !yield(a) {
					return
				}
			}
		}
	}
}

// layerIndex returns the position of l in StateLayers.
func layerIndex(l catalog.Layer) int {
	return slices.Index(StateLayers, l)
}

// StateLayers are the layers a Result has a state for, in report order:
// catalog.Layers, followed by ca and tld while catalog.Layers does not
// list them yet.
var StateLayers = func() []catalog.Layer {
	out := slices.Clone(catalog.Layers)
	for _, l := range []catalog.Layer{catalog.LayerCA, catalog.LayerTLD} {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}()

// under reports whether name is registrable domain own or below it.
//
// own is lower case; name may have upper case and a trailing dot (names
// from other tools' output): only its tail is compared, without a copy.
func under(name, own string) bool {
	name = strings.TrimSuffix(name, ".")
	if len(name) < len(own) || !strings.EqualFold(name[len(name)-len(own):], own) {
		return false
	}
	return len(name) == len(own) || name[len(name)-len(own)-1] == '.'
}

// owner is the provider an address belongs to, with the evidence: the
// published range holding the address (ip_range) when note is set, else
// the AS announcing it (asn).
type owner struct {
	p    *catalog.Provider // nil when unknown
	note *rangeNote
	asn  uint32
}

// ev returns the kind of evidence of o.
func (o *owner) ev() Evidence {
	if o.note != nil {
		return EvidenceIPRange
	}
	return EvidenceASN
}

// region returns the region of o's range, "" when none.
func (o *owner) region() string {
	if o.note != nil {
		return o.note.region
	}
	return ""
}

// rangeNote is what the evidence value of an address in a published
// range says of the range, made once per range and shared by the
// addresses in it: the text after the address, " in 3.208.0.0/12 (aws
// EC2 us-east-1)" (appendRangeSuffix), and the region.
type rangeNote struct {
	rg     refdata.Range // the range the note was made from (is)
	region string
	suffix string
}

func newRangeNote(rg refdata.Range) *rangeNote {
	return &rangeNote{rg: rg, region: rg.Region, suffix: string(appendRangeSuffix(nil, rg))}
}

// is reports whether n was made from rg.
func (n *rangeNote) is(rg refdata.Range) bool { return n.rg == rg }

// ownerOf attributes an address: by the official range publications first
// (the catalog provider claiming the range's source and service), then
// by the AS that announces it. The range wins over the AS because it is
// the provider's own statement and names the product and the region.
//
// note is the range holding the address (nil when none), asn its AS.
func (c *Classifier) ownerOf(note *rangeNote, asn uint32) owner {
	if note != nil {
		if p, ok := c.cat.ByRange(note.rg.Source, note.rg.Service); ok {
			return owner{p: p, note: note}
		}
	}
	if asn != 0 {
		if p, ok := c.cat.ByASN(asn); ok {
			return owner{p: p, asn: asn}
		}
	}
	return owner{}
}

// appendASNValue appends to b the evidence value of an AS match:
// "AS16509 3.210.1.2".
func appendASNValue(b []byte, asn uint32, a netip.Addr) []byte {
	b = strconv.AppendUint(append(b, "AS"...), uint64(asn), 10)
	return a.AppendTo(append(b, ' '))
}

// appendRangeSuffix appends to b what the evidence value of an ip_range
// match says after the address: the value is "3.210.1.2 in
// 3.208.0.0/12 (aws EC2 us-east-1)", the suffix " in 3.208.0.0/12 (aws
// EC2 us-east-1)".
func appendRangeSuffix(b []byte, r refdata.Range) []byte {
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
	return append(b, ')')
}

// appendOwnerValue appends to buf the evidence value of the attribution
// o of address a: the address and its range (appendRangeSuffix), or its
// AS and the address (appendASNValue).
func appendOwnerValue(buf []byte, a netip.Addr, o *owner) []byte {
	if o.note != nil {
		return append(a.AppendTo(buf), o.note.suffix...)
	}
	return appendASNValue(buf, o.asn, a)
}

// addrValue is the evidence value of an address's attribution, made
// only when a dependency keeps it (builder.addDep): most addresses of a
// domain add nothing to a dependency already found.
type addrValue struct {
	// ns is the name server whose address it is ("ns1.example.net"),
	// written before the address's value with a space, when hasNS.
	ns    string
	hasNS bool
	a     netip.Addr
	o     *owner
}

func (v *addrValue) String() string {
	var buf [128]byte
	b := buf[:0]
	if v.hasNS {
		b = append(append(b, v.ns...), ' ')
	}
	return string(appendOwnerValue(b, v.a, v.o))
}

// addAddr records an address the domain reaches on layer l.
func (b *builder) addAddr(l catalog.Layer, a netip.Addr, f addrFacts) {
	p := packAddr(l, a, f.asn, f.place)
	for i := range b.addrs {
		if b.addrs[i].sameAddr(&p) {
			return
		}
	}
	b.addrs = append(b.addrs, p)
}

// dns attributes the name servers, each by the first rule that names it:
// its NS suffix; under the site's own registrable domain, the DNS service
// behind its addresses when there is one (a vanity name server on a DNS
// operator's or a CDN company's addresses), else self; a catalog owner
// domain; the DNS service behind its addresses; otherwise the registrable
// domain of the name server, an uncatalogued operator (Finish later
// decides from the whole list whether it is the site's own or a third
// party, and groups an operator's TLD variants).
func (c *Classifier) dns(b *builder, o *dnscrawl.Observation, own string) State {
	if len(o.NS) == 0 {
		return StateUnattributed
	}
	for _, ns := range o.NS {
		mine := under(ns.Name, own)
		info := b.ns.get(c.cat, ns.Name, mine)
		if p := info.p; p != nil {
			b.addProvider(catalog.LayerDNS, p, EvidenceNSSuffix, ns.Name, confSuffix)
			continue
		}
		var ow catalog.Owner
		owned := false
		if !mine {
			ow, owned = info.ownerOf(c.cat, ns.Name)
		}
		if owned {
			c.addOwned(b, catalog.LayerDNS, ow, ns.Name)
			b.nsOwned = true
			continue
		}
		for _, a := range ns.Addrs {
			b.addAddr(catalog.LayerDNS, a, c.facts(b.fc, a))
		}
		if a, o := c.dnsByAddr(b.fc, ns.Addrs); o.p != nil {
			b.addOwnerValue(catalog.LayerDNS, o.p, &addrValue{ns: ns.Name, hasNS: true, a: a, o: &o})
			continue
		}
		if mine {
			b.add(catalog.LayerDNS, SelfProvider, SelfProvider, "", EvidenceSelf, ns.Name, confSelf)
			continue
		}
		if r := info.registrable(ns.Name); r != "" {
			b.addUncatalogued(catalog.LayerDNS, r, EvidenceRegistrableDomain, ns.Name)
			b.nsOps = appendOnce(b.nsOps, r)
		}
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
func (c *Classifier) dnsByAddr(fc *factsCache, addrs []netip.Addr) (netip.Addr, owner) {
	for _, a := range addrs {
		o := c.facts(fc, a).owner
		switch {
		case o.p == nil:
		case o.p.HasLayer(catalog.LayerDNS) && o.p.WebLayer() == "":
			return a, o
		case o.p.WebLayer() == catalog.LayerCDN:
			if dp := c.cat.CompanyProvider(o.p.Company, catalog.LayerDNS); dp != nil {
				o.p = dp
				return a, o
			}
		}
	}
	return netip.Addr{}, owner{}
}

// web attributes the apex and www hosts to CDN and hosting providers:
// every CNAME hop under a provider's suffix, or under a catalog owner
// domain, counts on that provider's web layer; the final addresses count
// by their owner (published range, then AS): a CDN always, a hosting
// provider only when no CDN is on the host's chain (the edge addresses of
// a CDN are not its customers' origin). A host that none of that names
// is attributed from what is left: the last CNAME hop outside the site's
// domain names the operator by its registrable domain (or the site
// itself, when the site's own name servers serve that target's zone),
// else the AS of its addresses names the network it is hosted in.
func (c *Classifier) web(b *builder, o *dnscrawl.Observation, own string) (cdn, hosting State) {
	resolved, failed, unattributed := false, false, false
	for hi, h := range []dnscrawl.Host{o.Apex, o.WWW} {
		switch h.Status {
		case dnscrawl.StatusOK:
			resolved = true
		case dnscrawl.StatusNXDomain, dnscrawl.StatusNoData:
			continue
		default:
			failed = true
			continue
		}
		sawCDN, named := false, false
		lastUnknown := ""
		// byName is the hosting product a CNAME of this host names, so
		// that an address of the same company (an ELB name on an EC2
		// range) adds its region to that product instead of a second one.
		var byName *catalog.Provider
		var cdnCompany string // the company of the first CDN hop
		for _, hop := range h.CNAMEs {
			if p, _, ok := c.cat.MatchCNAME(hop); ok {
				l := p.WebLayer()
				if cdnCompany != "" && p.Company == cdnCompany && l != catalog.LayerCDN {
					// A hop inside the CDN's own chain (Front Door's
					// Traffic Manager name): part of the CDN, not hosting.
					continue
				}
				if l == catalog.LayerCDN && cdnCompany == "" {
					cdnCompany = p.Company
				}
				b.addProvider(l, p, EvidenceCNAMESuffix, hop, confSuffix)
				sawCDN = sawCDN || l == catalog.LayerCDN
				named = true
				if l == catalog.LayerHosting && byName == nil {
					byName = p
				}
				continue
			}
			if under(hop, own) {
				continue // the site's own name (www to its apex)
			}
			if ow, ok := c.cat.MatchDomain(hop); ok {
				l := c.cat.OwnerWebLayer(ow)
				c.addOwned(b, l, ow, hop)
				sawCDN = sawCDN || l == catalog.LayerCDN
				named = true
				continue
			}
			lastUnknown = hop
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
		for a := range hostAddrs(&h) {
			f := c.facts(b.fc, a)
			o := f.owner
			if o.p != nil && o.p.WebLayer() == catalog.LayerCDN {
				b.addOwner(catalog.LayerCDN, a, &o)
				b.addAddr(catalog.LayerCDN, a, f)
				sawCDN, named = true, true
				continue
			}
			if o.p != nil && o.p.WebLayer() == "" {
				o.p = nil // a DNS-only product's range (Route 53) says nothing of the web
			}
			seen = append(seen, owned{a, f, o})
		}
		// The HTTP probe's response headers of this host: a CDN that no
		// CNAME and no address showed (an edge on the customer's own
		// addresses), or a confirmation of the one found.
		hostName := h.Name
		if hostName == "" {
			hostName = [2]string{o.Domain, "www." + o.Domain}[hi]
		}
		if len(o.HTTP) > 0 {
			if c.headerCDN(b, o, hostName, sawCDN) {
				sawCDN, named = true, true
			}
		}
		// The host's other addresses: its origin when no CDN is in its
		// path, else the CDN's (matched by CNAME, announced by an AS that
		// is not the CDN's own).
		for _, o := range seen {
			switch {
			case sawCDN:
				b.addAddr(catalog.LayerCDN, o.addr, o.f)
			case o.o.p != nil && byName != nil && o.o.p.Company == byName.Company:
				b.addOwnerValue(catalog.LayerHosting, byName, &addrValue{a: o.addr, o: &o.o})
				b.addAddr(catalog.LayerHosting, o.addr, o.f)
			case o.o.p != nil:
				b.addOwner(catalog.LayerHosting, o.addr, &o.o)
				b.addAddr(catalog.LayerHosting, o.addr, o.f)
				named = true
			default:
				b.addAddr(catalog.LayerHosting, o.addr, o.f)
			}
		}
		if !named {
			switch {
			case lastUnknown != "" && c.zoneIsOwn(o, lastUnknown, own):
				b.add(catalog.LayerHosting, SelfProvider, SelfProvider, "", EvidenceZoneNS, lastUnknown, confZoneNS)
				named = true
			case lastUnknown != "":
				if r := registrable(lastUnknown); r != "" {
					b.addUncatalogued(catalog.LayerHosting, r, EvidenceRegistrableDomain, lastUnknown)
					named = true
				}
			default:
				for _, o := range seen {
					// An AS the catalog claims for a product of another
					// layer (a DNS operator's) names no web operator.
					if asn := o.f.asn; asn != 0 && !sawCDN && !c.asnCatalogued(asn) {
						n := c.asNames(asn)
						b.addUncatalogued(catalog.LayerHosting, n.provider, EvidenceASN, n.value)
						named = true
					}
				}
			}
		}
		if !named && len(seen) > 0 {
			unattributed = true // addresses nobody could be named for
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

// asName is the provider name ("as3320") and the evidence value
// ("AS3320") of an uncatalogued AS.
type asName struct{ provider, value string }

// asNames returns the names of AS asn, made once per AS and shared: they
// recur across every domain hosted in that AS.
func (c *Classifier) asNames(asn uint32) asName {
	if n, ok := c.asn.Load(asn); ok {
		return n.(asName)
	}
	n := asName{ASProvider(asn), "AS" + strconv.FormatUint(uint64(asn), 10)}
	c.asn.Store(asn, n)
	return n
}

// asnCatalogued reports whether a catalog provider claims AS asn.
func (c *Classifier) asnCatalogued(asn uint32) bool {
	_, ok := c.cat.ByASN(asn)
	return ok
}

// zoneIsOwn reports whether the zone that CNAME target name lives in is
// served by name servers under the site's own registrable domain: the
// site runs that zone itself (a private CDN, its own infrastructure
// under another of its domains).
func (c *Classifier) zoneIsOwn(o *dnscrawl.Observation, name, own string) bool {
	var best *dnscrawl.ZoneNS
	for i := range o.TargetZones {
		z := &o.TargetZones[i]
		if (name == z.Zone || strings.HasSuffix(name, "."+z.Zone)) && (best == nil || len(z.Zone) > len(best.Zone)) {
			best = z
		}
	}
	if best == nil || len(best.NS) == 0 {
		return false
	}
	for _, ns := range best.NS {
		if !under(catalog.NormalizeName(ns), own) {
			return false
		}
	}
	return true
}

// email attributes the mail exchangers: by MX suffix, then by catalog
// owner domain; an MX under the site's own domain is self-hosted; any
// other is an uncatalogued operator named by its registrable domain
// (Finish turns it into self when the list shows it is the site's
// organisation's).
func (c *Classifier) email(b *builder, o *dnscrawl.Observation, own string) State {
	switch o.MXStatus {
	case dnscrawl.StatusOK, "":
	case dnscrawl.StatusNoData, dnscrawl.StatusNXDomain:
		return StateNone
	default:
		return StateUnresolved
	}
	if len(o.MX) == 0 || (len(o.MX) == 1 && (o.MX[0].Name == "." || o.MX[0].Name == "")) {
		return StateNone
	}
	for _, mx := range o.MX {
		for _, a := range mx.Addrs {
			b.addAddr(catalog.LayerEmail, a, c.facts(b.fc, a))
		}
		mine := under(mx.Name, own)
		info := b.mx.get(c.cat, mx.Name, mine)
		if p := info.p; p != nil {
			b.addProvider(catalog.LayerEmail, p, EvidenceMXSuffix, mx.Name, confSuffix)
			continue
		}
		if mine {
			b.add(catalog.LayerEmail, SelfProvider, SelfProvider, "", EvidenceSelf, mx.Name, confSelf)
			continue
		}
		if ow, ok := info.ownerOf(c.cat, mx.Name); ok {
			c.addOwned(b, catalog.LayerEmail, ow, mx.Name)
			continue
		}
		if r := info.registrable(mx.Name); r != "" {
			b.addUncatalogued(catalog.LayerEmail, r, EvidenceRegistrableDomain, mx.Name)
			b.mxOps = appendOnce(b.mxOps, r)
		}
	}
	if b.has(catalog.LayerEmail) {
		return StateKnown
	}
	return StateUnattributed
}
