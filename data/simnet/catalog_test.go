package simnet

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// expectation is one name or AS the simulation hands out, with the
// dependency id it intends the catalog to give it: a catalog provider id,
// "<company>-unknown", or "" for none.
type expectation struct {
	kind string // "ns", "cname", "mx", "asn"
	name string
	asn  uint32
	want string
	// uncat marks a name or AS of an operator the simulation says the
	// catalog does not know (want is ""): its truth id is its registrable
	// domain or its AS, and a catalog that starts to know it breaks that.
	uncat bool
	// ranged marks a network that a range file of the simulation lists:
	// the range names its provider, so its AS may also be unclaimed.
	ranged bool
}

// catalogID returns the dependency id the catalog gives the name or AS of
// e, following the classifier's order: product suffix, then owner domain
// (the owner's provider on the layer, or "<company>-unknown").
func catalogID(c *catalog.Catalog, e expectation) string {
	id, _ := catalogIDLayer(c, e)
	return id
}

// catalogIDLayer is catalogID with the layer the evidence counts on.
func catalogIDLayer(c *catalog.Catalog, e expectation) (string, catalog.Layer) {
	owned := func(l catalog.Layer) (string, catalog.Layer) {
		o, ok := c.MatchDomain(e.name)
		if !ok {
			return "", ""
		}
		if l == "" {
			l = c.OwnerWebLayer(o)
		}
		if p := c.Resolve(o, l); p != nil {
			return p.ID, l
		}
		return o.Company.ID + "-unknown", l
	}
	switch e.kind {
	case "ns":
		if p, _, ok := c.MatchNS(e.name); ok {
			return p.ID, catalog.LayerDNS
		}
		return owned(catalog.LayerDNS)
	case "cname":
		if p, _, ok := c.MatchCNAME(e.name); ok {
			return p.ID, p.WebLayer()
		}
		return owned("")
	case "mx":
		if p, _, ok := c.MatchMX(e.name); ok {
			return p.ID, catalog.LayerEmail
		}
		return owned(catalog.LayerEmail)
	case "asn":
		if p, ok := c.ByASN(e.asn); ok {
			return p.ID, p.WebLayer()
		}
	}
	return "", ""
}

// catalogProblems checks expectations against the catalog and returns one
// line per disagreement.
func catalogProblems(c *catalog.Catalog, exps []expectation) []string {
	var out []string
	for _, e := range exps {
		got, layer := catalogIDLayer(c, e)
		switch {
		case got == e.want && e.kind == "cname" && got != "" && layer != webLayer(got):
			out = append(out, fmt.Sprintf("cname %s: catalog counts %q on %s, simulation on %s", e.name, got, layer, webLayer(got)))
		case got == e.want, e.ranged && got == "":
		case e.uncat && e.kind == "asn":
			out = append(out, fmt.Sprintf("AS%d (%s) belongs to an operator the simulation says the catalog does not know, but the catalog claims it for %q: give the network another AS in data/simnet", e.asn, e.name, got))
		case e.uncat:
			out = append(out, fmt.Sprintf("%s %s belongs to an operator the simulation says the catalog does not know, but the catalog names it %q: rename it in data/simnet (uncatalogued.go, or isps in space.go)", e.kind, e.name, got))
		default:
			out = append(out, fmt.Sprintf("%s %s AS%d: catalog says %q, simulation intends %q", e.kind, e.name, e.asn, got, e.want))
		}
	}
	return out
}

// rangedNetwork reports whether a range file of the simulation lists n.
func rangedNetwork(n Network) bool {
	return slices.ContainsFunc(rangeFiles, func(rf rangeFile) bool { return rf.keep(n) })
}

// uncatalogued returns the expectations about the operators the catalog
// must not know: the names and ASes of the ISPs and the generated
// operators, and their registrable domains under every index.
func uncatalogued(w *world) []expectation {
	var exps []expectation
	add := func(kind, name string) { exps = append(exps, expectation{kind: kind, name: name, uncat: true}) }
	for _, x := range w.isps {
		for _, st := range x.ns {
			add("ns", st.name)
		}
		for _, m := range x.mx {
			add("mx", m.st.name)
		}
	}
	for _, op := range w.gen {
		for _, d := range []string{op.name, op.alt} {
			if d == "" {
				continue
			}
			for _, kind := range []string{"ns", "cname", "mx"} {
				add(kind, d)
				add(kind, "x."+d)
			}
		}
		for _, set := range op.fam.sets {
			for _, st := range set {
				add("ns", st.name)
			}
		}
		for _, m := range op.mx {
			add("mx", m.st.name)
		}
	}
	for _, n := range w.nets {
		if uncatNetwork(n) {
			exps = append(exps, expectation{kind: "asn", name: n.Prefix.String(), asn: n.ASN, uncat: true})
		}
	}
	return exps
}

// uncatNetwork reports whether n is the space of an operator the catalog
// does not know: an ISP's or a generated operator's.
func uncatNetwork(n Network) bool {
	return n.Provider == "" && (n.ASN >= asnGenDNS || slices.ContainsFunc(isps, func(x isp) bool { return x.asn == n.ASN }))
}

// expectations lists every name and AS of the world, and the names
// generated for the domains of in.
func expectations(in *Internet) []expectation {
	w := in.w
	var exps []expectation
	for k := range dnsKind(len(w.dns)) {
		if k == dnsSelf || k == dnsISP || k == dnsHostCo || k == dnsGen {
			continue
		}
		for _, set := range w.dns[k].sets {
			for _, st := range set {
				exps = append(exps, expectation{kind: "ns", name: st.name, want: st.tag, uncat: st.op != ""})
			}
		}
	}
	for _, list := range [][]mxHost{w.googleLegacy, w.googleNew, w.zohoCom, w.zohoEU, w.godaddyMX, w.namecheapMX,
		w.mimecast["eu"], w.mimecast["us"], w.mimecast["de"], w.mimecast["au"], w.mimecast["za"]} {
		for _, m := range list {
			exps = append(exps, expectation{kind: "mx", name: m.st.name, want: m.st.tag})
		}
	}
	targets := slices.Concat(w.akamaiEdge, w.akamaiNet, w.akamaiTech, w.msEdge, w.fastlySNI,
		[]*staticName{w.shopify, w.vercel, w.square, w.wix, w.ghs, w.ghs46})
	for _, st := range targets {
		exps = append(exps, expectation{kind: "cname", name: st.name, want: st.tag})
	}
	for _, n := range w.nets {
		if !uncatNetwork(n) {
			exps = append(exps, expectation{kind: "asn", name: n.Prefix.String(), asn: n.ASN, want: n.Provider, ranged: rangedNetwork(n)})
		}
	}
	exps = append(exps, uncatalogued(w)...)
	var p plan
	var buf []byte
	for i := range in.doms {
		in.makePlan(&p, i)
		// Names under the domain itself must match no provider.
		for _, kind := range []string{"ns", "cname", "mx"} {
			for _, n := range []string{p.name, "www." + p.name, "ns1." + p.name, "mail." + p.name} {
				exps = append(exps, expectation{kind: kind, name: n})
			}
		}
		for _, hp := range p.host {
			for _, x := range hp.hops[:hp.n] {
				if x.st == nil && x.fam != famDomain {
					buf = p.famName(buf[:0], x.fam)
					exps = append(exps, expectation{kind: "cname", name: string(buf), want: famSpecs[x.fam].tag, uncat: x.fam == famHostCo})
				}
			}
		}
		for _, m := range p.mx {
			if m.st == nil && !m.self {
				buf = p.famName(buf[:0], m.fam)
				exps = append(exps, expectation{kind: "mx", name: string(buf), want: famSpecs[m.fam].tag})
			}
		}
	}
	return exps
}

// vanityProblems checks that the catalog gives the addresses of vanity
// name servers to the DNS provider the simulation intends: Cloudflare's
// name-server space by its AS (a CDN company's DNS service), Route 53's
// by the ROUTE53 service of AWS's range file, NS1's by its AS.
func vanityProblems(c *catalog.Catalog, in *Internet) []string {
	var out []string
	byAddr := func(pool string) string {
		n := in.w.network(in.w.pools[pool].v4[0].Addr())
		if n.Service != "" {
			if p, ok := c.ByRange("aws", n.Service); ok {
				return p.ID
			}
			return ""
		}
		p, ok := c.ByASN(n.ASN)
		switch {
		case !ok:
			return ""
		case p.HasLayer(catalog.LayerDNS) && p.WebLayer() == "":
			return p.ID
		case p.WebLayer() == catalog.LayerCDN:
			if dp := c.CompanyProvider(p.Company, catalog.LayerDNS); dp != nil {
				return dp.ID
			}
		}
		return ""
	}
	for _, v := range []struct{ pool, want string }{{"cloudflare-ns", pCloudflareDNS}, {"route53-ns", pRoute53}, {"ns1-ns", pNS1}} {
		if got := byAddr(v.pool); got != v.want {
			out = append(out, fmt.Sprintf("vanity name servers on %s addresses: catalog says %q, simulation intends %q", v.pool, got, v.want))
		}
	}
	return out
}

// TestCatalogConsistency fails when the catalog drifts away from what the
// simulation intends: a provider ID gone or moved to another layer, a
// suffix or owner domain that no longer names a simulated name as
// intended, an AS claimed by another provider, or an operator the
// simulation says the catalog does not know that the catalog now knows.
func TestCatalogConsistency(t *testing.T) {
	t.Parallel()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	in := generate(t, Config{Domains: 3000, Seed: 7})

	t.Run("provider ids and layers", func(t *testing.T) {
		t.Parallel()
		for k := range dnsKind(numDNS) {
			if id := in.w.dns[k].id; id != "" && id != Self {
				p, ok := c.Provider(id)
				if !ok || !p.HasLayer(catalog.LayerDNS) {
					t.Errorf("dns operator %q: not a dns provider of the catalog", id)
				}
			}
		}
		for _, id := range []string{pWorkspace, pM365, pProofpoint, pMimecast, pZoho, pGoDaddyEmail, pNamecheapEmail} {
			if p, ok := c.Provider(id); !ok || !p.HasLayer(catalog.LayerEmail) {
				t.Errorf("mail operator %q: not an email provider of the catalog", id)
			}
		}
		for id, l := range webLayers {
			p, ok := c.Provider(id)
			if !ok {
				t.Errorf("web provider %q: not in the catalog", id)
				continue
			}
			if got := p.WebLayer(); got != l {
				t.Errorf("web provider %q: catalog web layer %q, simulation uses %q", id, got, l)
			}
		}
	})

	t.Run("names and ASNs", func(t *testing.T) {
		t.Parallel()
		exps := expectations(in)
		if len(exps) < 10000 {
			t.Fatalf("only %d expectations: the walk over the world is broken", len(exps))
		}
		for _, p := range catalogProblems(c, exps) {
			t.Error(p)
		}
		for _, p := range vanityProblems(c, in) {
			t.Error(p)
		}
	})

	// The check must be able to fail: wrong intentions are reported.
	t.Run("detects drift", func(t *testing.T) {
		t.Parallel()
		wrong := []expectation{
			{kind: "cname", name: "d1234567890abc.cloudfront.net", want: pFastly},
			{kind: "ns", name: "kate.ns.cloudflare.com", want: ""},
			{kind: "mx", name: "mx1.init7.net", want: pWorkspace},
			{kind: "asn", asn: 13030, want: pCloudflareCDN},
		}
		if got := catalogProblems(c, wrong); len(got) != len(wrong) {
			t.Errorf("catalogProblems found %d of %d planted disagreements: %q", len(got), len(wrong), got)
		}
	})
}

// TestUncataloguedAbsentFromCatalog checks that the operators the
// simulation says the catalog does not know are really unknown to it: no
// product suffix, owner domain or AS of the catalog names one of their
// name servers, CNAME targets, mail exchangers, registrable domains or
// networks. A catalog that learns one of them makes the ground truth
// wrong; the message says to rename it in the simulation.
func TestUncataloguedAbsentFromCatalog(t *testing.T) {
	t.Parallel()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	in := generate(t, Config{Domains: 10})
	exps := uncatalogued(in.w)
	if len(exps) < 6*(numGenDNS+numHostCos+numMailCos) {
		t.Fatalf("only %d names and ASes checked", len(exps))
	}
	for _, p := range catalogProblems(c, exps) {
		t.Error(p)
	}

	// The guard must be able to fail: a catalog that names a generated
	// DNS operator, a hosting company's domain, a mail operator and an
	// ISP's AS is reported four times.
	dnsOp, hostco, mailco := in.w.genDNS(3), in.w.hostco(1), in.w.mailco(2)
	planted := fmt.Sprintf(`{"version": "2025.11.24-1", "providers": [
		{"id": "acme-dns", "company": "acme", "service": "dns", "name": "Acme DNS", "layers": ["dns"],
		 "ns_suffixes": [%q], "sources": ["https://example.com/"]},
		{"id": "acme-hosting", "company": "acme", "service": "hosting", "name": "Acme Hosting", "layers": ["hosting"],
		 "domains": [%q], "asns": [13030], "sources": ["https://example.com/"]},
		{"id": "acme-mail", "company": "acme", "service": "mail", "name": "Acme Mail", "layers": ["email"],
		 "mx_suffixes": [%q], "sources": ["https://example.com/"]}]}`, dnsOp.name, hostco.name, mailco.name)
	bad, err := catalog.Parse([]byte(planted))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range catalogProblems(bad, exps) {
		for _, want := range []string{dnsOp.name, hostco.name, mailco.name, "AS13030"} {
			if strings.Contains(p, want) {
				found[want] = true
			}
		}
	}
	if len(found) != 4 {
		t.Errorf("a catalog naming %s, %s, %s and AS13030 was reported for %v only", dnsOp.name, hostco.name, mailco.name, found)
	}
}

// TestPopulationNamesOutsideCatalog checks that no generated domain name
// is a catalog company's or product's own domain (a name like
// "fastmail.com" drawn from the word lists): its own name servers and
// mail hosts would be taken for the company's. A hit is added to
// reservedNames in world.go.
func TestPopulationNamesOutsideCatalog(t *testing.T) {
	t.Parallel()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []int64{DefaultSeed, 7, 3} {
		in := generate(t, Config{Domains: 100_000, Seed: seed})
		for rank := 1; rank <= in.Len(); rank++ {
			d := in.Domain(rank)
			for _, kind := range []string{"ns", "cname", "mx"} {
				if id := catalogID(c, expectation{kind: kind, name: d}); id != "" {
					t.Errorf("seed %d rank %d: the catalog names %s %q (%s): add it to reservedNames", seed, rank, d, id, kind)
					break
				}
			}
		}
	}
}
