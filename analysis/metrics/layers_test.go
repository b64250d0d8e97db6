package metrics

import (
	"math"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

const (
	ca  = catalog.LayerCA
	tld = catalog.LayerTLD
)

// caTLDResults: four resolved domains and one that failed.
//
//	a.com  dns cloudflare, ca letsencrypt, tld verisign
//	b.com  dns cloudflare, ca digicert,    tld verisign
//	c.de   dns self,       ca not probed,  tld denic
//	d.de   dns route53,    ca none found,  tld denic
//	e.com  unresolved everywhere
func caTLDResults() []classify.Result {
	ok := dnscrawl.StatusOK
	return []classify.Result{
		result("a.com", 1, ok, map[catalog.Layer][]string{dns: {"cloudflare"}, ca: {"letsencrypt"}, tld: {"verisign"}}, nil),
		result("b.com", 2, ok, map[catalog.Layer][]string{dns: {"cloudflare"}, ca: {"digicert"}, tld: {"verisign"}}, nil),
		result("c.de", 3, ok, map[catalog.Layer][]string{dns: {"self"}, tld: {"denic"}}, map[catalog.Layer]classify.State{ca: unresolved}),
		result("d.de", 4, ok, map[catalog.Layer][]string{dns: {"route53"}, tld: {"denic"}}, map[catalog.Layer]classify.State{ca: none}),
		result("e.com", 5, dnscrawl.StatusServFail, nil, map[catalog.Layer]classify.State{dns: unresolved, ca: unresolved, tld: unresolved}),
	}
}

func TestNotMeasured(t *testing.T) {
	t.Parallel()
	results := caTLDResults()
	shared := results[2].States
	m := NewNotMeasured(ca)
	// c.de's crawl ran no TLS probe (classify says unresolved); a.com's
	// either, yet it has a CA: known stays known. e.com's lookups failed:
	// the caller does not mark it.
	for _, i := range []int{0, 2} {
		m.Mark(&results[i])
	}
	if got := results[2].States[ca]; got != StateNotMeasured {
		t.Errorf("c.de ca state %q, want %q", got, StateNotMeasured)
	}
	if got := results[4].States[ca]; got != unresolved {
		t.Errorf("e.com ca state %q, want unresolved", got)
	}
	if got := results[0].States[ca]; got != known {
		t.Errorf("a.com ca state %q, want known", got)
	}
	if shared[ca] != unresolved {
		t.Error("Mark modified a States map")
	}
	s := Compute(results, Options{Layers: []catalog.Layer{ca}})
	ls := s.Layers[0]
	// Known 2 (a, b), not measured 1 (c), none 1 (d: probed, no CA),
	// unresolved 1 (e): the shares are over the 2 known.
	if ls.Known != 2 || ls.NotMeasured != 1 || ls.None != 1 || ls.Unresolved != 1 {
		t.Errorf("ca states known %d not measured %d none %d unresolved %d, want 2 1 1 1", ls.Known, ls.NotMeasured, ls.None, ls.Unresolved)
	}
	if ls.Rows[0].Share != 0.5 {
		t.Errorf("letsencrypt share %v, want 0.5", ls.Rows[0].Share)
	}
}

// TestAnyLeavesOutCATLD: the any summary spans the serving layers and
// e-mail only, so a registry or a CA is never one of its providers.
func TestAnyLeavesOutCATLD(t *testing.T) {
	t.Parallel()
	s := Compute(caTLDResults(), Options{})
	if len(s.Layers) != len(catalog.Layers) {
		t.Fatalf("%d layers, want %d", len(s.Layers), len(catalog.Layers))
	}
	for _, r := range s.Any.Rows {
		switch r.Provider {
		case "verisign", "denic", "letsencrypt", "digicert":
			t.Errorf("any has %s", r.Provider)
		}
	}
	// Known on any: a, b, c, d by their dns.
	if s.Any.Known != 4 {
		t.Errorf("any known %d, want 4", s.Any.Known)
	}
	tl, _ := s.Layer(tld)
	// verisign 2, denic 2: HHI 5,000; every domain critical on its
	// registry.
	if tl.Known != 4 || math.Abs(tl.HHI-5000) > 1e-9 || tl.CriticalDomains != 4 {
		t.Errorf("tld known %d HHI %v critical %d, want 4 5000 4", tl.Known, tl.HHI, tl.CriticalDomains)
	}
}

func TestByCountry(t *testing.T) {
	t.Parallel()
	countries := map[string]string{"a.com": "US", "b.com": "US", "c.de": "DE", "d.de": "DE"}
	s := Compute(caTLDResults(), Options{Layers: []catalog.Layer{dns, tld}, Countries: countries})
	if len(s.Countries) != 2 || s.Countries[0].Country != "DE" || s.Countries[1].Country != "US" {
		t.Fatalf("countries %+v, want DE then US", s.Countries)
	}
	de, us := s.Countries[0], s.Countries[1]
	if de.Domains != 2 || us.Domains != 2 {
		t.Errorf("domains DE %d US %d, want 2 2", de.Domains, us.Domains)
	}
	// US dns: cloudflare for both: HHI 10,000; EMD of one provider for 2
	// sites = (2−1)/(2·2) = 0.25.
	d, _ := us.Layer(dns)
	if d.Known != 2 || d.HHI != 10000 || math.Abs(d.EMD-0.25) > 1e-12 || d.Top != "cloudflare" || d.TopShare != 1 {
		t.Errorf("US dns %+v, want known 2, HHI 10000, EMD 0.25, top cloudflare 1", d)
	}
	// DE dns: route53 and a self-hosted site: HHI over third parties
	// 10,000, but EMD 0 (each site its own provider).
	d, _ = de.Layer(dns)
	if d.Known != 2 || d.HHI != 10000 || d.EMD != 0 || d.Providers != 1 {
		t.Errorf("DE dns %+v, want known 2, HHI 10000, EMD 0, 1 provider", d)
	}
	// e.com has no country: in no country row.
	if s.Countries[0].Domains+s.Countries[1].Domains != 4 {
		t.Error("a domain without a country was counted in a country")
	}
}
