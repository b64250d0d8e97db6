package simnet

import (
	"net"
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

// This file answers one question the way a recursive resolver would: the
// CNAME chain in the answer section followed by the records at its end,
// NXDOMAIN or NODATA with the SOA of the zone in the authority section,
// SERVFAIL or silence for broken domains, and the addresses of the name
// servers and mail exchangers in the additional section of NS and MX
// answers. It reads only immutable data.

// reply is the outcome of a question.
type reply struct {
	rcode int
	drop  bool // send nothing: the simulated servers are unreachable
	ans   []dns.RR
	auth  []dns.RR
	extra []dns.RR
}

type nodeKind uint8

const (
	nodeNX       nodeKind = iota // no such name
	nodeStatic                   // a name of the world
	nodeApex                     // a domain's apex
	nodeChain                    // a host (www) or a hop of its CNAME chain
	nodeSelfNS                   // ns1/ns2 under the domain
	nodeSelfMail                 // mail under the domain
	nodeMX                       // a mail exchanger name generated for the domain
	nodeServFail                 // a name under a SERVFAIL domain
	nodeDrop                     // a name under a domain whose servers never answer
	nodeCDNZone                  // the apex of a domain's private CDN zone
)

// node is what a name is. For kinds about a domain, the plan passed
// along describes the domain.
type node struct {
	kind  nodeKind
	st    *staticName
	zone  *zone // the zone of a name outside the population (SOA of NX and NODATA)
	dom   bool  // NX under the domain of the plan
	cdn   bool  // NX under the private CDN zone of the domain of the plan
	tld   bool  // NX under the domain's TLD (the domain itself does not exist)
	host  uint8
	pos   uint8
	which uint8
	fam   family
}

// TTLs of the simulation.
const (
	ttlDomain   = 300
	ttlEdge     = 60
	ttlNS       = 86400
	ttlMX       = 3600
	ttlNegative = 300
)

// maxChain bounds the CNAME chain a reply follows.
const maxChain = 8

// answer fills r with the reply to q.
func (in *Internet) answer(q dns.Question, r *reply) { in.answerIn(q, "", r) }

// answerIn fills r with the reply to q from the servers of zone: the
// CNAME chain is followed as far as it stays in the zone ("" is the root:
// all the way, as a recursive resolver does).
func (in *Internet) answerIn(q dns.Question, zone string, r *reply) {
	name := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	if name == "" {
		r.auth = append(r.auth, in.w.rootSOA)
		return
	}
	var p plan
	n := in.resolve(name, &p)
	owner := q.Name
	for range maxChain {
		switch n.kind {
		case nodeDrop:
			r.drop = true
			return
		case nodeServFail:
			r.rcode = dns.RcodeServerFailure
			return
		case nodeNX:
			r.rcode = dns.RcodeNameError
			r.auth = append(r.auth, in.nxSOA(&p, n, name))
			return
		}
		if next, target, ok := p.cname(n); ok {
			ttl := uint32(ttlEdge)
			if n.kind == nodeChain && n.pos == 0 {
				ttl = ttlDomain
			}
			r.ans = append(r.ans, &dns.CNAME{Hdr: rrHeader(owner, dns.TypeCNAME, ttl), Target: target})
			if q.Qtype == dns.TypeCNAME || !inZone(strings.ToLower(target), zone) {
				return
			}
			owner, n = target, next
			continue
		}
		in.records(&p, n, owner, q.Qtype, r)
		return
	}
	r.rcode = dns.RcodeServerFailure // a chain longer than maxChain: a bug, never in the model
}

// resolve finds what name (lower case, no trailing dot) is, filling p when
// the name belongs to a domain of the population.
func (in *Internet) resolve(name string, p *plan) node {
	if st, ok := in.w.names[name]; ok {
		return node{kind: nodeStatic, st: st}
	}
	if n, ok := in.familyNode(name, p); ok {
		return n
	}
	for rest := name; ; {
		if i := in.lookup(rest); i >= 0 {
			in.makePlan(p, i)
			return p.under(name[:len(name)-len(rest)])
		}
		_, r, ok := strings.Cut(rest, ".")
		if !ok {
			break
		}
		rest = r
	}
	z := in.w.zoneOf(name)
	if z != nil && z.hostco > 0 {
		// A generated hosting company's name for a customer:
		// <slug>-<token>.<hostco>.
		if label, rest, _ := strings.Cut(name, "."); rest == z.name {
			if i, ok := in.tok.untok7(label[strings.LastIndexByte(label, '-')+1:]); ok && i < len(in.doms) {
				if n, ok := in.familyMatch(name, famHostCo, i, p); ok {
					return n
				}
			}
		}
	}
	if n, ok := in.privateCDNNode(name, p); ok {
		return n
	}
	return node{kind: nodeNX, zone: z}
}

// privateCDNNode recognises a name in the private CDN zone of a domain
// (<label>-cdn.<tld>, the zone of domain <label>.<tld>).
func (in *Internet) privateCDNNode(name string, p *plan) (node, bool) {
	i := strings.Index(name, "-cdn.")
	if i < 0 {
		return node{}, false
	}
	start := strings.LastIndexByte(name[:i], '.') + 1
	site := name[start:i] + name[i+len("-cdn"):]
	k := in.lookup(site)
	if k < 0 {
		return node{}, false
	}
	in.makePlan(p, k)
	if p.d.status != statusOK || webProfiles[p.d.web].kind != webPrivateCDN {
		return node{}, false
	}
	switch name[:start] {
	case "":
		return node{kind: nodeCDNZone}, true
	case "edge.":
		if hp := &p.host[hostWWW]; hp.exists && hp.n > 0 && hp.hops[0].fam == famPrivateCDN {
			return node{kind: nodeChain, host: hostWWW, pos: 1, fam: famPrivateCDN}, true
		}
	}
	return node{kind: nodeNX, cdn: true}, true
}

// under returns the node for the name prefix+domain of the plan.
func (p *plan) under(prefix string) node {
	switch p.d.status {
	case statusNXDomain:
		return node{kind: nodeNX, tld: true}
	case statusServFail:
		return node{kind: nodeServFail}
	case statusTimeout:
		return node{kind: nodeDrop}
	}
	switch prefix {
	case "":
		return node{kind: nodeApex}
	case "www.":
		if p.host[hostWWW].exists {
			return node{kind: nodeChain, host: hostWWW}
		}
	case "ns1.", "ns2.":
		if p.selfNSKind() != dnsNone {
			return node{kind: nodeSelfNS, which: prefix[2] - '0'}
		}
	case "mail.":
		if p.d.email == emailSelf {
			return node{kind: nodeSelfMail}
		}
	}
	return node{kind: nodeNX, dom: true}
}

// familyNode recognises a name generated for a domain (a CloudFront
// distribution, an M365 MX host ...), decodes the domain from it and
// checks that the domain really uses that name.
func (in *Internet) familyNode(name string, p *plan) (node, bool) {
	for fam := famCFCNAME; fam < numFamilies; fam++ {
		s := &famSpecs[fam]
		if s.suffix == "" || !strings.HasSuffix(name, s.suffix) {
			continue
		}
		rest := name[:len(name)-len(s.suffix)]
		if s.form == formDashed {
			for _, t := range tlds {
				base, ok := strings.CutSuffix(rest, "-"+strings.ReplaceAll(t.name, ".", "-"))
				if !ok || base == "" {
					continue
				}
				if i := in.lookup(base + "." + t.name); i >= 0 {
					if n, ok := in.familyMatch(name, fam, i, p); ok {
						return n, true
					}
				}
			}
			return node{kind: nodeNX, zone: in.w.famZone[fam]}, true
		}
		i, ok := in.decode(s.form, rest)
		if !ok || i < 0 || i >= len(in.doms) {
			continue
		}
		if n, ok := in.familyMatch(name, fam, i, p); ok {
			return n, true
		}
		return node{kind: nodeNX, zone: in.w.famZone[fam]}, true
	}
	return node{}, false
}

// familyMatch returns the node of name if domain i uses it as fam.
func (in *Internet) familyMatch(name string, fam family, i int, p *plan) (node, bool) {
	in.makePlan(p, i)
	var buf [256]byte
	if string(p.famName(buf[:0], fam)) != name {
		return node{}, false
	}
	for h := range p.host {
		hp := &p.host[h]
		if !hp.exists {
			continue
		}
		for k := 0; k < hp.n; k++ {
			if hp.hops[k].st == nil && hp.hops[k].fam == fam {
				return node{kind: nodeChain, host: uint8(h), pos: uint8(k + 1), fam: fam}, true
			}
		}
	}
	for _, m := range p.mx {
		if m.fam == fam {
			return node{kind: nodeMX, fam: fam}, true
		}
	}
	return node{}, false
}

// decode returns the domain index a generated name encodes.
func (in *Internet) decode(f nameForm, rest string) (int, bool) {
	t := in.tok
	switch f {
	case formWWW:
		d, ok := strings.CutPrefix(rest, "www.")
		if !ok {
			return 0, false
		}
		i := in.lookup(d)
		return i, i >= 0
	case formSlug:
		if strings.IndexByte(rest, '.') >= 0 {
			return 0, false
		}
		return t.untok7(rest[strings.LastIndexByte(rest, '-')+1:])
	case formCloudFront:
		if len(rest) != 14 || rest[0] != 'd' {
			return 0, false
		}
		return t.untok7(rest[1:8])
	case formELB:
		label, _, ok := strings.Cut(rest, ".")
		if !ok {
			return 0, false
		}
		return t.undec10(label[strings.LastIndexByte(label, '-')+1:])
	case formHexA, formHexB:
		pre := "mxa-"
		if f == formHexB {
			pre = "mxb-"
		}
		hx, ok := strings.CutPrefix(rest, pre)
		if !ok {
			return 0, false
		}
		return t.unhex8(hx)
	}
	return 0, false
}

// cname returns the next node and the target of n's CNAME, if it has one.
func (p *plan) cname(n node) (node, string, bool) {
	if n.kind == nodeStatic && n.st.cname != nil {
		return node{kind: nodeStatic, st: n.st.cname}, n.st.cname.fqdn, true
	}
	if n.kind != nodeChain {
		return node{}, "", false
	}
	hp := &p.host[n.host]
	if int(n.pos) >= hp.n {
		return node{}, "", false
	}
	x := hp.hops[n.pos]
	var next node
	switch {
	case x.st != nil:
		return node{kind: nodeStatic, st: x.st}, x.st.fqdn, true
	case x.fam == famDomain:
		next = node{kind: nodeApex}
	default:
		next = node{kind: nodeChain, host: n.host, pos: n.pos + 1, fam: x.fam}
	}
	var buf [256]byte
	b := p.hopName(buf[:0], x)
	b = append(b, '.')
	return next, string(b), true
}

// records adds the records of type qtype at node n (which has no CNAME).
func (in *Internet) records(p *plan, n node, owner string, qtype uint16, r *reply) {
	switch n.kind {
	case nodeStatic:
		st := n.st
		switch {
		case qtype == dns.TypeA:
			r.ans = appendShared(r.ans, st.a, owner, st.fqdn)
		case qtype == dns.TypeAAAA:
			r.ans = appendShared(r.ans, st.aaaa, owner, st.fqdn)
		case qtype == dns.TypeNS && st.apex != nil:
			r.ans = appendShared(r.ans, st.apex.nsRRs, owner, st.fqdn)
			for _, ns := range st.apex.ns {
				r.extra = append(append(r.extra, ns.a...), ns.aaaa...)
			}
		case qtype == dns.TypeSOA && st.apex != nil:
			r.ans = appendShared(r.ans, []dns.RR{st.apex.soa}, owner, st.fqdn)
		}
		if len(r.ans) == 0 {
			r.auth = append(r.auth, st.zone.soa)
		}
	case nodeApex:
		switch qtype {
		case dns.TypeA, dns.TypeAAAA:
			r.ans = addrRRs(r.ans, owner, p.host[hostApex].addrs(nil, qtype == dns.TypeAAAA), ttlDomain)
		case dns.TypeNS:
			for _, ns := range p.ns {
				r.ans = append(r.ans, &dns.NS{Hdr: rrHeader(owner, dns.TypeNS, ttlNS), Ns: p.nsName(ns)})
			}
			for _, ns := range p.ns {
				if ns.st != nil {
					r.extra = append(append(r.extra, ns.st.a...), ns.st.aaaa...)
					continue
				}
				fq := p.nsName(ns)
				r.extra = addrRRs(r.extra, fq, p.selfAddrs(nil, uint64(ns.self), false), ttlNS)
				r.extra = addrRRs(r.extra, fq, p.selfAddrs(nil, uint64(ns.self), true), ttlNS)
			}
		case dns.TypeSOA:
			r.ans = append(r.ans, in.domainSOA(p, owner))
		case dns.TypeMX:
			var buf [256]byte
			for _, m := range p.mx {
				var host string
				switch {
				case m.st != nil:
					host = m.st.fqdn
				case m.self:
					host = "mail." + p.name + "."
				default:
					host = string(append(p.famName(buf[:0], m.fam), '.'))
				}
				r.ans = append(r.ans, &dns.MX{Hdr: rrHeader(owner, dns.TypeMX, ttlMX), Preference: m.pref, Mx: host})
				switch {
				case m.st != nil:
					r.extra = append(append(r.extra, m.st.a...), m.st.aaaa...)
				case m.self:
					r.extra = addrRRs(r.extra, host, p.selfAddrs(nil, 3, false), ttlMX)
					r.extra = addrRRs(r.extra, host, p.selfAddrs(nil, 3, true), ttlMX)
				default:
					r.extra = addrRRs(r.extra, host, p.mxFamAddrs(nil, m.fam, false), ttlMX)
					r.extra = addrRRs(r.extra, host, p.mxFamAddrs(nil, m.fam, true), ttlMX)
				}
			}
		}
		if len(r.ans) == 0 {
			r.auth = append(r.auth, in.domainSOA(p, p.name+"."))
		}
	case nodeChain:
		hp := &p.host[n.host]
		if qtype == dns.TypeA || qtype == dns.TypeAAAA {
			ttl := uint32(ttlEdge)
			if n.pos == 0 {
				ttl = ttlDomain
			}
			r.ans = addrRRs(r.ans, owner, hp.addrs(nil, qtype == dns.TypeAAAA), ttl)
		}
		if len(r.ans) == 0 {
			if n.pos == 0 {
				r.auth = append(r.auth, in.domainSOA(p, p.name+"."))
			} else {
				r.auth = append(r.auth, p.hopZoneSOA(n.fam))
			}
		}
	case nodeCDNZone:
		switch qtype {
		case dns.TypeNS:
			for which := uint64(1); which <= 2; which++ {
				fq := "ns" + string(rune('0'+which)) + "." + p.name + "."
				r.ans = append(r.ans, &dns.NS{Hdr: rrHeader(owner, dns.TypeNS, ttlNS), Ns: fq})
				r.extra = addrRRs(r.extra, fq, p.selfAddrs(nil, which, false), ttlNS)
				r.extra = addrRRs(r.extra, fq, p.selfAddrs(nil, which, true), ttlNS)
			}
		case dns.TypeSOA:
			soa := *p.cdnSOA()
			soa.Hdr.Name = owner
			r.ans = append(r.ans, &soa)
		}
		if len(r.ans) == 0 {
			r.auth = append(r.auth, p.cdnSOA())
		}
	case nodeSelfNS, nodeSelfMail, nodeMX:
		if qtype == dns.TypeA || qtype == dns.TypeAAAA {
			v6 := qtype == dns.TypeAAAA
			var as []netip.Addr
			switch n.kind {
			case nodeSelfNS:
				as = p.selfAddrs(nil, uint64(n.which), v6)
			case nodeSelfMail:
				as = p.selfAddrs(nil, 3, v6)
			default:
				as = p.mxFamAddrs(nil, n.fam, v6)
			}
			r.ans = addrRRs(r.ans, owner, as, ttlMX)
		}
		if len(r.ans) == 0 {
			if n.kind == nodeMX {
				r.auth = append(r.auth, in.w.famZone[n.fam].soa)
			} else {
				r.auth = append(r.auth, in.domainSOA(p, p.name+"."))
			}
		}
	}
}

// appendShared appends shared records of the world; when the question was
// asked in another letter case, copies carry the owner as asked.
func appendShared(dst, rrs []dns.RR, owner, fqdn string) []dns.RR {
	if owner == fqdn {
		return append(dst, rrs...)
	}
	for _, rr := range rrs {
		c := dns.Copy(rr)
		c.Header().Name = owner
		dst = append(dst, c)
	}
	return dst
}

// nsName returns the host name of a name server of the plan, with a dot.
func (p *plan) nsName(ns nsRef) string {
	if ns.st != nil {
		return ns.st.fqdn
	}
	if ns.self == 1 {
		return "ns1." + p.name + "."
	}
	return "ns2." + p.name + "."
}

func addrRRs(dst []dns.RR, owner string, as []netip.Addr, ttl uint32) []dns.RR {
	for _, a := range as {
		if a.Is4() {
			dst = append(dst, &dns.A{Hdr: rrHeader(owner, dns.TypeA, ttl), A: net.IP(a.AsSlice())})
		} else {
			dst = append(dst, &dns.AAAA{Hdr: rrHeader(owner, dns.TypeAAAA, ttl), AAAA: net.IP(a.AsSlice())})
		}
	}
	return dst
}

// domainSOA is the SOA of a domain's zone, as its DNS operator writes it.
func (in *Internet) domainSOA(p *plan, owner string) *dns.SOA {
	soa := &dns.SOA{
		Hdr:     rrHeader(owner, dns.TypeSOA, ttlNegative),
		Ns:      p.soaMain,
		Mbox:    p.primary.rname + ".",
		Serial:  serialFor(mix(p.h, drawSerial)),
		Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: ttlNegative,
	}
	switch k := p.d.dns1; {
	case k == dnsSelf:
		soa.Ns, soa.Mbox = "ns1."+p.name+".", "hostmaster."+p.name+"."
	case k == dnsVanityCF:
		soa.Ns, soa.Mbox = "ns1."+p.name+".", "dns.cloudflare.com."
	case k == dnsVanityR53:
		soa.Ns, soa.Mbox = "ns1."+p.name+".", "awsdns-hostmaster.amazon.com."
	case k == dnsVanityNS1:
		soa.Ns, soa.Mbox = "ns1."+p.name+".", "hostmaster.nsone.net."
	case k == dnsISP:
		soa.Ns, soa.Mbox = p.isp.ns[0].fqdn, "hostmaster."+p.isp.zone+"."
	case k == dnsCorp:
		soa.Mbox = in.w.corp[mix(p.h, drawNSSet)%uint64(len(in.w.corp))].rname + "."
	case k == dnsHostCo || k >= dnsGens:
		// The operator's template names it; some customers put their
		// own address instead.
		if chance(mix(p.h, drawSOATrap), soaTrapBP) {
			soa.Mbox = "hostmaster." + p.name + "."
		}
	}
	return soa
}

// cdnSOA is the SOA of the domain's private CDN zone, run on the
// domain's own name servers.
func (p *plan) cdnSOA() *dns.SOA {
	return &dns.SOA{
		Hdr: rrHeader(p.cdnZone()+".", dns.TypeSOA, ttlNegative),
		Ns:  "ns1." + p.name + ".", Mbox: "hostmaster." + p.name + ".",
		Serial:  serialFor(mix(p.h, drawSerial+1)),
		Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: ttlNegative,
	}
}

// nxSOA is the SOA for the authority section of an NXDOMAIN.
func (in *Internet) nxSOA(p *plan, n node, name string) dns.RR {
	switch {
	case n.dom:
		return in.domainSOA(p, p.name+".")
	case n.cdn:
		return p.cdnSOA()
	case n.tld:
		return in.w.tldSOA[tlds[p.d.tld].name]
	case n.zone != nil:
		return n.zone.soa
	}
	// Outside the simulated world: the SOA of its TLD if the simulation
	// knows the TLD, else the root's.
	for s := name; ; {
		if soa, ok := in.w.tldSOA[s]; ok {
			return soa
		}
		_, rest, ok := strings.Cut(s, ".")
		if !ok {
			return in.w.rootSOA
		}
		s = rest
	}
}
