package simnet

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// This file derives the ground truth a second time, from the records the
// resolver serves, the catalog and the simulated reference data, following
// the attribution rules of analysis/classify as they are written down,
// independently of the plan code (and of analysis/classify, which data
// must not import).

// recordClassifier asks the resolver and attributes what it sees.
type recordClassifier struct {
	in     *Internet
	c      *catalog.Catalog
	db     *refdata.DB
	ranges *refdata.Ranges
}

// seen is what a crawler would record of one domain.
type seen struct {
	truth      Truth
	own        string
	soaM, soaR string
	nsAddrs    []netip.Addr
	webASNs    []uint32 // uncatalogued ASes of the apex and www addresses
	// nsOps are the registrable domains of the name servers no rule
	// before the list-level one names, in the order seen; headNS says
	// every name server is under the domain itself.
	nsOps  []string
	headNS bool
}

func (rc *recordClassifier) ask(name string, qt uint16) reply {
	var r reply
	rc.in.answer(dns.Question{Name: dns.Fqdn(name), Qtype: qt, Qclass: dns.ClassINET}, &r)
	return r
}

// owner is the catalog provider of an address: by published range, else
// by AS.
func (rc *recordClassifier) owner(a netip.Addr) *catalog.Provider {
	if r, ok := rc.ranges.Lookup(a); ok {
		if p, ok := rc.c.ByRange(r.Source, r.Service); ok {
			return p
		}
	}
	if p, ok := rc.c.ByASN(rc.db.Lookup(a).ASN); ok {
		return p
	}
	return nil
}

// owned is the id an owner domain match gives on layer l ("" for the
// owner's web layer).
func (rc *recordClassifier) owned(name string, l catalog.Layer) (string, catalog.Layer, bool) {
	o, ok := rc.c.MatchDomain(name)
	if !ok {
		return "", "", false
	}
	if l == "" {
		l = rc.c.OwnerWebLayer(o)
	}
	if p := rc.c.Resolve(o, l); p != nil {
		return p.ID, l, true
	}
	return o.Company.ID + "-unknown", l, true
}

func addrsOf(rrs []dns.RR, owner string) []netip.Addr {
	var out []netip.Addr
	for _, rr := range rrs {
		if !strings.EqualFold(rr.Header().Name, dns.Fqdn(owner)) {
			continue
		}
		switch rr := rr.(type) {
		case *dns.A:
			a, _ := netip.AddrFromSlice(rr.A.To4())
			out = append(out, a)
		case *dns.AAAA:
			a, _ := netip.AddrFromSlice(rr.AAAA.To16())
			out = append(out, a)
		}
	}
	return out
}

// observe classifies one domain on its own (the list-level decisions
// about the name-server operators the catalog does not know come later).
func (rc *recordClassifier) observe(rank int, domain string) *seen {
	s := &seen{truth: Truth{Rank: rank, Domain: domain, Status: dnscrawl.StatusOK}, own: catalog.ICANNRegistrable(domain)}
	t := &s.truth
	under := func(host string) bool {
		host = strings.TrimSuffix(strings.ToLower(host), ".")
		return host == s.own || strings.HasSuffix(host, "."+s.own)
	}
	add := func(list *[]string, id string) {
		if !slices.Contains(*list, id) {
			*list = append(*list, id)
		}
	}
	r := rc.ask(domain, dns.TypeNS)
	switch {
	case r.drop:
		t.Status = dnscrawl.StatusTimeout
	case r.rcode == dns.RcodeNameError:
		t.Status = dnscrawl.StatusNXDomain
	case r.rcode == dns.RcodeServerFailure:
		t.Status = dnscrawl.StatusServFail
	}
	if t.Status != dnscrawl.StatusOK {
		return s
	}
	if soa := rc.ask(domain, dns.TypeSOA).ans; len(soa) == 1 {
		s.soaM, s.soaR = strings.TrimSuffix(soa[0].(*dns.SOA).Ns, "."), strings.TrimSuffix(soa[0].(*dns.SOA).Mbox, ".")
	}

	// DNS, per name server: product suffix, owner domain, the DNS
	// service behind its addresses, the domain itself, else its operator's
	// registrable domain (decided list-wide in finish).
	s.headNS = true
	for _, rr := range r.ans {
		host := strings.TrimSuffix(rr.(*dns.NS).Ns, ".")
		addrs := addrsOf(r.extra, host)
		s.nsAddrs = append(s.nsAddrs, addrs...)
		s.headNS = s.headNS && under(host)
		if p, _, ok := rc.c.MatchNS(host); ok {
			add(&t.DNS, p.ID)
			continue
		}
		if id, _, ok := rc.owned(host, catalog.LayerDNS); ok {
			add(&t.DNS, id)
			continue
		}
		byAddr := ""
		for _, a := range addrs {
			p := rc.owner(a)
			switch {
			case p == nil:
			case p.HasLayer(catalog.LayerDNS) && p.WebLayer() == "":
				byAddr = p.ID // a DNS operator's own space; a cloud's hosting range says nothing
			case p.WebLayer() == catalog.LayerCDN:
				if dp := rc.c.CompanyProvider(p.Company, catalog.LayerDNS); dp != nil {
					byAddr = dp.ID
				}
			}
			if byAddr != "" {
				break
			}
		}
		switch {
		case byAddr != "":
			add(&t.DNS, byAddr)
		case under(host):
			add(&t.DNS, Self)
		default:
			add(&s.nsOps, catalog.ICANNRegistrable(host))
		}
	}

	// Web, for the apex and www separately.
	for _, host := range []string{domain, "www." + domain} {
		var chain []string
		var addrs []netip.Addr
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			ans := rc.ask(host, qt).ans
			cur := host
			for _, rr := range ans {
				if c, ok := rr.(*dns.CNAME); ok {
					cur = strings.TrimSuffix(c.Target, ".")
					if qt == dns.TypeA {
						chain = append(chain, cur)
					}
				}
			}
			addrs = append(addrs, addrsOf(ans, cur)...)
		}
		cdn, named := false, false
		last := ""
		var companies []string // named by a hop
		for _, hop := range chain {
			if p, _, ok := rc.c.MatchCNAME(hop); ok {
				if p.WebLayer() == catalog.LayerCDN {
					add(&t.CDN, p.ID)
					cdn = true
				} else {
					add(&t.Hosting, p.ID)
				}
				named = true
				companies = append(companies, p.Company)
				continue
			}
			if id, l, ok := rc.owned(hop, ""); ok {
				if l == catalog.LayerCDN {
					add(&t.CDN, id)
					cdn = true
				} else {
					add(&t.Hosting, id)
				}
				named = true
				o, _ := rc.c.MatchDomain(hop)
				companies = append(companies, o.Company.ID)
				continue
			}
			if !under(hop) {
				last = hop
			}
		}
		var hosting []*catalog.Provider
		var asns []uint32
		for _, a := range addrs {
			p := rc.owner(a)
			switch {
			case p == nil:
				if asn := rc.db.Lookup(a).ASN; asn != 0 {
					asns = append(asns, asn)
				}
			case slices.Contains(companies, p.Company):
				// Only a region for the product a hop named.
			case p.WebLayer() == catalog.LayerCDN:
				add(&t.CDN, p.ID)
				cdn, named = true, true
			case p.WebLayer() == catalog.LayerHosting:
				hosting = append(hosting, p)
			}
		}
		s.webASNs = append(s.webASNs, asns...)
		if !cdn {
			for _, p := range hosting {
				add(&t.Hosting, p.ID)
				named = true
			}
		}
		switch {
		case named:
		case last != "" && rc.zoneIsOwn(last, under):
			add(&t.Hosting, Self)
		case last != "":
			add(&t.Hosting, catalog.ICANNRegistrable(last))
		default:
			for _, asn := range asns {
				add(&t.Hosting, ASID(asn))
			}
		}
	}

	// E-mail, per exchanger.
	for _, rr := range rc.ask(domain, dns.TypeMX).ans {
		host := strings.TrimSuffix(rr.(*dns.MX).Mx, ".")
		if p, _, ok := rc.c.MatchMX(host); ok {
			add(&t.Email, p.ID)
		} else if id, _, ok := rc.owned(host, catalog.LayerEmail); ok {
			add(&t.Email, id)
		} else if under(host) {
			add(&t.Email, Self)
		} else {
			add(&t.Email, catalog.ICANNRegistrable(host))
		}
	}
	return s
}

// zoneIsOwn reports whether the zone of CNAME target hop (its registrable
// domain, as the crawler records it in target_zones) is served by name
// servers under the domain.
func (rc *recordClassifier) zoneIsOwn(hop string, under func(string) bool) bool {
	ans := rc.ask(catalog.ICANNRegistrable(hop), dns.TypeNS).ans
	for _, rr := range ans {
		if !under(rr.(*dns.NS).Ns) {
			return false
		}
	}
	return len(ans) > 0
}

// finish makes the list-level decisions: an operator's TLD variants used
// together in one NS set are one operator, named by the smallest; an
// operator whose own domain is in the list, runs its own name servers and
// has the site's SOA is the site's family (self); one that no other
// domain uses is the site itself when the site's SOA names it or a name
// server is in the AS of its web addresses; any other is a third party.
func (rc *recordClassifier) finish(all []*seen) {
	root := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if r, ok := root[x]; ok && r != x {
			r = find(r)
			root[x] = r
			return r
		}
		return x
	}
	label := func(r string) string { l, _, _ := strings.Cut(r, "."); return l }
	heads := map[string]*seen{}
	for _, s := range all {
		if s.headNS {
			heads[s.own] = s
		}
		for i, a := range s.nsOps {
			for _, b := range s.nsOps[i+1:] {
				if label(a) == label(b) {
					ra, rb := find(a), find(b)
					if rb < ra {
						ra, rb = rb, ra
					}
					if ra != rb {
						root[rb] = ra
					}
				}
			}
		}
	}
	users := map[string]int{}
	for _, s := range all {
		var gs []string
		for _, r := range s.nsOps {
			if g := find(r); !slices.Contains(gs, g) {
				gs = append(gs, g)
			}
		}
		for _, g := range gs {
			users[g]++
		}
	}
	under := func(host, own string) bool { return host == own || strings.HasSuffix(host, "."+own) }
	for _, s := range all {
		solo := under(s.soaM, s.own) || under(s.soaR, s.own)
		for _, a := range s.nsAddrs {
			if rc.owner(a) == nil && slices.Contains(s.webASNs, rc.db.Lookup(a).ASN) {
				solo = true
			}
		}
		for _, r := range s.nsOps {
			g := find(r)
			id := g
			if h := heads[r]; h != nil && h != s && h.soaM == s.soaM && h.soaR == s.soaR {
				id = Self
			} else if users[g] <= 1 && solo {
				id = Self
			}
			if !slices.Contains(s.truth.DNS, id) {
				s.truth.DNS = append(s.truth.DNS, id)
			}
		}
		for _, l := range []*[]string{&s.truth.DNS, &s.truth.CDN, &s.truth.Hosting, &s.truth.Email} {
			slices.Sort(*l)
			// A company with an unknown service on a layer where one of
			// its products is named: the product says more.
			*l = slices.DeleteFunc(*l, func(id string) bool {
				co, ok := strings.CutSuffix(id, "-unknown")
				return ok && slices.ContainsFunc(*l, func(o string) bool { return o != id && strings.HasPrefix(o, co+"-") })
			})
		}
	}
}

// TestTruthMatchesRecords classifies every domain from the records the
// resolver serves and the simulated reference data, and compares with the
// ground truth: they must agree on every domain and layer.
func TestTruthMatchesRecords(t *testing.T) {
	t.Parallel()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	in := generate(t, Config{Domains: 5000, Seed: 3})
	files, err := in.WriteAll(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, err := refdata.Open(files.ASN, files.Country)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ref, err := refdata.Load(files.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	rc := &recordClassifier{in: in, c: c, db: db, ranges: ref.Ranges}
	var all []*seen
	for rank := 1; rank <= in.Len(); rank++ {
		all = append(all, rc.observe(rank, in.Domain(rank)))
	}
	rc.finish(all)
	bad, uncat := 0, 0
	for want := range in.Truths() {
		got := all[want.Rank-1].truth
		// The TLS and TLD layers are not in the DNS records: the web
		// endpoint's tests check them against what it serves.
		got.CA, got.TLD, got.HeaderCDN, got.TLDName, got.Registry = want.CA, want.TLD, want.HeaderCDN, want.TLDName, want.Registry
		got.RegistryBackEnd, got.CAStapled, got.Cert = want.RegistryBackEnd, want.CAStapled, want.Cert
		// The delegation is served by the delegation tree only, which
		// its tests check (tree_test.go).
		got.Delegation = want.Delegation
		for _, l := range catalog.Layers {
			if slices.ContainsFunc(want.Providers(l), Uncatalogued) {
				uncat++
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			bad++
			if bad <= 10 {
				t.Errorf("%s (rank %d, web %s): truth vs records (-want +got):\n%s", want.Domain, want.Rank, webProfiles[in.doms[want.Rank-1].web].name, diff)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d domains disagree", bad, in.Len())
	}
	if uncat < in.Len()/10 {
		t.Errorf("only %d layers of %d domains name an operator the catalog does not know", uncat, in.Len())
	}
}
