package simnet

import (
	"net/netip"

	"github.com/miekg/dns"
)

// plan is the synthesised configuration of one domain: its name servers,
// mail exchangers, and for the apex and www the CNAME chain and where the
// final addresses come from. It is computed from the domain's 16 bytes on
// demand, on the stack, for every query and for the ground truth, so both
// always agree.
type plan struct {
	in   *Internet
	idx  int
	d    *domain
	name string
	h    uint64
	isp  *ispInfo
	host [2]hostPlan // apex, www
	ns   []nsRef
	mx   []mxRef
	nsb  [14]nsRef
	mxb  [5]mxRef
	// primary is the family whose SOA the zone has.
	primary *nsFamily
	soaMain string
}

const (
	hostApex = 0
	hostWWW  = 1
)

// hop is one CNAME target: a name generated for the domain (fam) or a
// shared name of the world (st).
type hop struct {
	fam family
	st  *staticName
}

// hostPlan is the resolution of the apex or www: the names it CNAMEs
// through and the addresses at the end.
type hostPlan struct {
	exists bool
	hops   [3]hop
	n      int
	// pool and h give the final addresses when the last hop is not a
	// shared name; v6 says whether AAAA records exist.
	pool *pool
	h    uint64
	v6   bool
}

// final returns the shared name the chain ends on, or nil.
func (hp *hostPlan) final() *staticName {
	if hp.n == 0 {
		return nil
	}
	return hp.hops[hp.n-1].st
}

// nsRef is one name server of a domain: a host of the world, or ns1/ns2
// under the domain itself (self = 1 or 2), on the addresses selfNSPool
// gives.
type nsRef struct {
	st   *staticName
	self uint8
}

// mxRef is one MX record: a host of the world, a name generated for the
// domain (fam), or mail.<domain> (self).
type mxRef struct {
	pref uint16
	st   *staticName
	fam  family
	self bool
}

// makePlan fills p for domain i. Only domains with status ok have hosts,
// name servers and mail exchangers.
func (in *Internet) makePlan(p *plan, i int) {
	d := &in.doms[i]
	*p = plan{in: in, idx: i, d: d, name: in.name(i), h: mix(uint64(in.seed), uint64(i)), isp: &in.w.isps[d.isp]}
	if d.status != statusOK {
		return
	}
	p.hosts()
	p.nameServers()
	p.mailExchangers()
}

func (p *plan) originPool() *pool {
	switch o := p.d.origin; {
	case o == originISP:
		return p.isp.pool
	case o >= originHostCos:
		return p.hostco().pool
	default:
		return p.in.w.pools[origins[o].pool]
	}
}

// originWWW is the provider CNAME family of the domain's origin.
func (p *plan) originWWW() family {
	if p.d.origin >= originHostCos {
		return famHostCo
	}
	return origins[p.d.origin].www
}

// hostco is the generated hosting company of a domain whose origin is
// one.
func (p *plan) hostco() *genOp { return p.in.w.hostco(int(p.d.origin - originHostCos)) }

// cdnZone is the zone of the domain's private CDN: its first label with
// "-cdn" under the same public suffix ("bluefalcon-cdn.co.uk").
func (p *plan) cdnZone() string {
	t := tlds[p.d.tld].name
	return p.name[:len(p.name)-len(t)-1] + "-cdn." + t
}

// set fills a host plan that ends on pool addresses.
func (p *plan) set(host int, pl *pool, h uint64, hops ...hop) {
	hp := &p.host[host]
	hp.exists = true
	hp.n = copy(hp.hops[:], hops)
	hp.pool, hp.h = pl, h
	if hp.final() != nil {
		hp.pool = nil
	}
	hp.v6 = p.d.flags&flagV6 != 0 && (hp.pool == nil || hp.pool.has6())
}

func (p *plan) hosts() {
	w := p.in.w
	prof := webProfiles[p.d.web]
	hv := mix(p.h, drawVariant)
	ho := mix(p.h, drawAddr) // origin server
	he := mix(ho, 1)         // edge or platform addresses
	pool := w.pools
	switch prof.kind {
	case webDirect:
		op := p.originPool()
		p.set(hostApex, op, ho)
		style := mix(p.h, drawWWWStyle) % 10000
		fam := p.originWWW()
		if fam == famELB && chance(mix(p.h, drawS3), wwwS3BP) {
			fam = famS3
		}
		switch {
		case style < wwwPlainBP || (style >= wwwPlainBP+wwwAliasBP && fam == famNone):
			p.set(hostWWW, op, ho)
		case style < wwwPlainBP+wwwAliasBP:
			p.set(hostWWW, op, ho, hop{fam: famDomain})
		case fam == famGHS:
			// ghs46 is the dual-stack variant, under Google's own domain
			// rather than the product name.
			st := w.ghs
			if chance(mix(p.h, drawVariant+200), ghs46BP) {
				st = w.ghs46
			}
			p.set(hostWWW, nil, 0, hop{st: st})
		case fam == famDOApp:
			p.set(hostWWW, pool["do-app"], he, hop{fam: fam})
		default: // ELB, App Service: the provider's name, the region's addresses
			p.set(hostWWW, op, he, hop{fam: fam})
		}
	case webCloudflareProxied:
		p.set(hostApex, pool["cloudflare-proxied"], he)
		p.set(hostWWW, pool["cloudflare-proxied"], he)
	case webCloudflareCNAME:
		p.set(hostApex, p.originPool(), ho)
		p.set(hostWWW, pool["cloudflare-cname"], he, hop{fam: famCFCNAME})
	case webCloudFront:
		p.set(hostApex, p.originPool(), ho)
		p.set(hostWWW, pool["cloudfront"], he, hop{fam: famCloudFront})
	case webAkamai:
		p.set(hostApex, pool["akamai-edge"], he)
		e := hop{st: w.akamaiEdge[hv>>8%uint64(len(w.akamaiEdge))]}
		switch v := hv % 100; {
		case v < 60:
			p.set(hostWWW, nil, 0, hop{fam: famEdgeKey}, e)
		case v < 75:
			p.set(hostWWW, nil, 0, hop{fam: famEdgeKey}, hop{fam: famGlobalRedir}, e)
		case v < 75+akamaiTechPct:
			p.set(hostWWW, nil, 0, hop{st: w.akamaiTech[hv>>8%uint64(len(w.akamaiTech))]})
		default:
			p.set(hostWWW, nil, 0, hop{fam: famEdgeSuite}, hop{st: w.akamaiNet[hv>>8%uint64(len(w.akamaiNet))]})
		}
	case webFastly:
		p.set(hostApex, pool["fastly-apex"], 0)
		if hv%2 == 0 {
			p.set(hostWWW, pool["fastly"], he, hop{fam: famFastly})
		} else {
			p.set(hostWWW, nil, 0, hop{st: w.fastlySNI[hv>>8%uint64(len(w.fastlySNI))]})
		}
	case webFrontDoor:
		p.set(hostApex, p.originPool(), ho)
		p.set(hostWWW, nil, 0, hop{fam: famFrontDoor}, hop{st: w.msEdge[hv>>8%uint64(len(w.msEdge))]})
	case webShopify:
		p.set(hostApex, pool["shopify-apex"], 0)
		p.set(hostWWW, nil, 0, hop{st: w.shopify})
	case webNetlify:
		p.set(hostApex, pool["netlify-apex"], 0)
		p.set(hostWWW, pool["netlify"], he, hop{fam: famNetlify})
	case webVercel:
		p.set(hostApex, pool["vercel-apex"], 0)
		p.set(hostWWW, nil, 0, hop{st: w.vercel})
	case webHeroku:
		p.set(hostApex, pool["heroku"], he)
		p.set(hostWWW, pool["heroku"], he, hop{fam: famHeroku})
	case webGitHubPages:
		p.set(hostApex, pool["github"], 0)
		p.set(hostWWW, pool["github"], 0, hop{fam: famGitHub})
	case webSquarespace:
		p.set(hostApex, pool["squarespace"], 0)
		p.set(hostWWW, nil, 0, hop{st: w.square})
	case webWix:
		p.set(hostApex, pool["wix"], 0)
		p.set(hostWWW, nil, 0, hop{st: w.wix})
	case webPrivateCDN:
		p.set(hostApex, p.originPool(), ho)
		p.set(hostWWW, p.originPool(), he, hop{fam: famPrivateCDN})
	}
	if p.d.flags&flagNoWWW != 0 {
		p.host[hostWWW] = hostPlan{}
	}
}

func (p *plan) nameServers() {
	p.ns = p.nsb[:0]
	p.primary = p.family(p.d.dns1)
	p.addNS(p.d.dns1, mix(p.h, drawNSSet))
	if p.d.dns2 != dnsNone {
		p.addNS(p.d.dns2, mix(p.h, drawNSSet2))
	}
	switch {
	case selfNS(p.d.dns1) || p.d.dns1 == dnsISP:
		p.soaMain = ""
	default:
		p.soaMain = p.ns[0].st.fqdn
	}
}

// family returns DNS operator k of this domain.
func (p *plan) family(k dnsKind) *nsFamily {
	if k == dnsHostCo {
		return &p.hostco().fam
	}
	return &p.in.w.dns[k]
}

func (p *plan) addNS(k dnsKind, h uint64) {
	switch {
	case selfNS(k):
		p.ns = append(p.ns, nsRef{self: 1}, nsRef{self: 2})
	case k == dnsISP:
		for _, st := range p.isp.ns {
			p.ns = append(p.ns, nsRef{st: st})
		}
	default:
		sets := p.family(k).sets
		for _, st := range sets[h%uint64(len(sets))] {
			p.ns = append(p.ns, nsRef{st: st})
		}
	}
}

// selfNSKind is the operator of the domain that puts ns1/ns2 under the
// domain itself (dnsSelf or a vanity set), dnsNone when none does; a
// domain has at most one (Generate sees to it).
func (p *plan) selfNSKind() dnsKind {
	switch {
	case selfNS(p.d.dns1):
		return p.d.dns1
	case p.d.dns2 != dnsNone && selfNS(p.d.dns2):
		return p.d.dns2
	}
	return dnsNone
}

// selfNSPool is where ns1/ns2.<domain> have their addresses: the
// domain's ISP when it runs them, a DNS provider's name-server space for
// vanity name servers.
func (p *plan) selfNSPool() *pool {
	switch p.selfNSKind() {
	case dnsVanityCF:
		return p.in.w.pools["cloudflare-ns"]
	case dnsVanityR53:
		return p.in.w.pools["route53-ns"]
	case dnsVanityNS1:
		return p.in.w.pools["ns1-ns"]
	}
	return p.isp.pool
}

// mailRegion is the Mimecast region of a domain.
func mailRegion(country string) string {
	switch country {
	case "DE", "CH":
		return "de"
	case "GB", "FR", "NL", "IT", "ES", "PL", "SE":
		return "eu"
	case "AU":
		return "au"
	case "ZA":
		return "za"
	}
	return "us"
}

func (p *plan) mailExchangers() {
	w := p.in.w
	p.mx = p.mxb[:0]
	addAll := func(list []mxHost) {
		for _, m := range list {
			p.mx = append(p.mx, mxRef{pref: m.pref, st: m.st})
		}
	}
	country := tlds[p.d.tld].country
	switch p.d.email {
	case emailGoogle:
		if chance(mix(p.h, drawVariant+100), googleLegacyMXBP) {
			addAll(w.googleLegacy)
		} else {
			addAll(w.googleNew)
		}
	case emailM365:
		p.mx = append(p.mx, mxRef{pref: 0, fam: famM365})
	case emailProofpoint:
		p.mx = append(p.mx, mxRef{pref: 10, fam: famPPA}, mxRef{pref: 10, fam: famPPB})
	case emailMimecast:
		addAll(w.mimecast[mailRegion(country)])
	case emailZoho:
		if country != "" && country != "US" && country != "CA" && country != "BR" && country != "JP" && country != "IN" && country != "AU" {
			addAll(w.zohoEU)
		} else {
			addAll(w.zohoCom)
		}
	case emailGoDaddy:
		addAll(w.godaddyMX)
	case emailNamecheap:
		addAll(w.namecheapMX)
	case emailSelf:
		p.mx = append(p.mx, mxRef{pref: 10, self: true})
	case emailISP:
		addAll(p.isp.mx)
	default:
		if p.d.email >= emailGens {
			addAll(w.mailco(int(p.d.email - emailGens)).mx)
		}
	}
}

// famName appends the name family fam gives this domain.
func (p *plan) famName(dst []byte, fam family) []byte {
	s := &famSpecs[fam]
	t := p.in.tok
	switch s.form {
	case formWWW:
		dst = append(dst, "www."...)
		dst = append(dst, p.name...)
	case formSlug:
		dst = slug(dst, p.name)
		dst = append(dst, '-')
		dst = t.tok7(dst, p.idx)
	case formCloudFront:
		dst = append(dst, 'd')
		dst = t.tok7(dst, p.idx)
		f := mix(p.h, 0xcf)
		for range 6 {
			dst = append(dst, base36[f%36])
			f /= 36
		}
	case formELB:
		dst = slug(dst, p.name)
		dst = append(dst, '-')
		dst = t.dec10(dst, p.idx)
		dst = append(dst, '.')
		dst = append(dst, origins[p.d.origin].pool[len("aws-"):]...)
	case formDashed:
		for i := 0; i < len(p.name); i++ {
			c := p.name[i]
			if c == '.' {
				c = '-'
			}
			dst = append(dst, c)
		}
	case formHexA:
		dst = append(dst, "mxa-"...)
		dst = t.hex8(dst, p.idx)
	case formHexB:
		dst = append(dst, "mxb-"...)
		dst = t.hex8(dst, p.idx)
	case formHostCo:
		if p.d.origin < originHostCos {
			return dst // not a hosting company's customer: no such name
		}
		dst = slug(dst, p.name)
		dst = append(dst, '-')
		dst = t.tok7(dst, p.idx)
		dst = append(dst, '.')
		return append(dst, p.hostco().name...)
	case formPrivateCDN:
		dst = append(dst, "edge."...)
		return append(dst, p.cdnZone()...)
	default: // famDomain
		return append(dst, p.name...)
	}
	return append(dst, s.suffix...)
}

// hopName appends the name of hop x of this domain.
func (p *plan) hopName(dst []byte, x hop) []byte {
	if x.st != nil {
		return append(dst, x.st.name...)
	}
	return p.famName(dst, x.fam)
}

// addrs appends the final addresses of a host: IPv4 or IPv6.
func (hp *hostPlan) addrs(dst []netip.Addr, v6 bool) []netip.Addr {
	if st := hp.final(); st != nil {
		for _, a := range st.addrs {
			if a.Is6() == v6 {
				dst = append(dst, a)
			}
		}
		return dst
	}
	if v6 && !hp.v6 {
		return dst
	}
	return hp.pool.addrs(dst, hp.h, v6)
}

// selfAddrs appends the addresses of ns1/ns2 (which 1, 2) or mail (3)
// under the domain: one server each, at the domain's ISP, or for vanity
// name servers in their DNS provider's space.
func (p *plan) selfAddrs(dst []netip.Addr, which uint64, v6 bool) []netip.Addr {
	pl := p.isp.pool
	if which != 3 {
		pl = p.selfNSPool()
	}
	if v6 && !pl.has6() {
		return dst
	}
	return pl.addrs(dst, mix(p.h, 0x5e1f+which), v6)
}

// mxFamAddrs appends the addresses of a generated MX host.
func (p *plan) mxFamAddrs(dst []netip.Addr, fam family, v6 bool) []netip.Addr {
	pl := p.in.w.famPool[fam]
	if v6 && !pl.has6() {
		return dst
	}
	return pl.addrs(dst, mix(p.h, uint64(fam)), v6)
}

// hopProvider is the catalog provider a hop's name is evidence for.
func (x hop) provider() string {
	if x.st != nil {
		return x.st.tag
	}
	return famSpecs[x.fam].tag
}

// addrNetwork is the network the final addresses of a host are in (all
// of a host's addresses are in networks of one AS and provider).
func (p *plan) addrNetwork(hp *hostPlan) *Network {
	var a netip.Addr
	if st := hp.final(); st != nil {
		a = st.addrs[0]
	} else {
		var buf [4]netip.Addr
		a = hp.pool.addrs(buf[:0], hp.h, false)[0]
	}
	return p.in.w.network(a)
}

// hopZoneSOA is the SOA of the zone a generated hop of the domain lives in.
func (p *plan) hopZoneSOA(fam family) *dns.SOA {
	switch fam {
	case famHostCo:
		return p.hostco().zone.soa
	case famPrivateCDN:
		return p.cdnSOA()
	}
	return p.in.w.famZone[fam].soa
}
