package simnet

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// expectation is one name or AS the simulation hands out, with the
// provider it intends the catalog to map it to ("" for none).
type expectation struct {
	kind string // "ns", "cname", "mx", "asn"
	name string
	asn  uint32
	want string
}

// catalogProblems checks expectations against the catalog and returns one
// line per disagreement.
func catalogProblems(c *catalog.Catalog, exps []expectation) []string {
	var out []string
	for _, e := range exps {
		var got string
		switch e.kind {
		case "ns":
			if p, _, ok := c.MatchNS(e.name); ok {
				got = p.ID
			}
		case "cname":
			if p, _, ok := c.MatchCNAME(e.name); ok {
				got = p.ID
			}
		case "mx":
			if p, _, ok := c.MatchMX(e.name); ok {
				got = p.ID
			}
		case "asn":
			if p, ok := c.ByASN(e.asn); ok {
				got = p.ID
			}
		}
		if got != e.want {
			out = append(out, fmt.Sprintf("%s %s AS%d: catalog says %q, simulation intends %q", e.kind, e.name, e.asn, got, e.want))
		}
	}
	return out
}

// expectations lists every name and AS of the world, and the names
// generated for the domains of in.
func expectations(in *Internet) []expectation {
	w := in.w
	var exps []expectation
	for k := range numDNS {
		f := &w.dns[k]
		for _, set := range f.sets {
			for _, st := range set {
				exps = append(exps, expectation{kind: "ns", name: st.name, want: f.id})
			}
		}
	}
	for _, x := range w.isps {
		for _, st := range x.ns {
			exps = append(exps, expectation{kind: "ns", name: st.name})
		}
		for _, m := range x.mx {
			exps = append(exps, expectation{kind: "mx", name: m.st.name})
		}
	}
	for _, list := range [][]mxHost{w.googleLegacy, w.googleNew, w.zohoCom, w.zohoEU, w.godaddyMX, w.namecheapMX,
		w.mimecast["eu"], w.mimecast["us"], w.mimecast["de"], w.mimecast["au"], w.mimecast["za"]} {
		for _, m := range list {
			exps = append(exps, expectation{kind: "mx", name: m.st.name, want: m.st.tag})
		}
	}
	targets := slices.Concat(w.akamaiEdge, w.akamaiNet, w.msEdge, w.fastlySNI,
		[]*staticName{w.shopify, w.vercel, w.square, w.wix, w.ghs})
	for _, st := range targets {
		exps = append(exps, expectation{kind: "cname", name: st.name, want: st.tag})
	}
	for _, n := range w.nets {
		exps = append(exps, expectation{kind: "asn", name: n.Prefix.String(), asn: n.ASN, want: n.Provider})
	}
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
				if x.st == nil {
					buf = p.famName(buf[:0], x.fam)
					exps = append(exps, expectation{kind: "cname", name: string(buf), want: famSpecs[x.fam].tag})
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

// TestCatalogConsistency fails when the catalog drifts away from what the
// simulation intends: a provider ID gone or moved to another layer, a
// suffix that no longer matches a simulated name, an AS claimed by
// another provider or newly claimed for an ISP.
func TestCatalogConsistency(t *testing.T) {
	t.Parallel()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	in := generate(t, Config{Domains: 3000, Seed: 7})

	t.Run("provider ids and layers", func(t *testing.T) {
		t.Parallel()
		layers := map[string]catalog.Layer{}
		for id, l := range webLayers {
			layers[id] = l
		}
		for k := range numDNS {
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
		for id, l := range layers {
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
