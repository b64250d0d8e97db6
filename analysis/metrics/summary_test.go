package metrics

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

const (
	dns     = catalog.LayerDNS
	cdn     = catalog.LayerCDN
	hosting = catalog.LayerHosting
	email   = catalog.LayerEmail

	known        = classify.StateKnown
	none         = classify.StateNone
	unattributed = classify.StateUnattributed
	unresolved   = classify.StateUnresolved
)

// result builds a Result; deps maps a layer to its providers, and a
// layer without providers gets the state given in states.
func result(domain string, rank int, status dnscrawl.Status, deps map[catalog.Layer][]string, states map[catalog.Layer]classify.State) classify.Result {
	r := classify.Result{Domain: domain, Rank: rank, Status: status, States: map[catalog.Layer]classify.State{}}
	var list []classify.Dependency
	for _, l := range catalog.Layers {
		if ps := deps[l]; len(ps) > 0 {
			r.States[l] = known
			for _, p := range ps {
				list = append(list, classify.Dependency{
					Domain: domain, Rank: rank, Layer: l, Provider: p, Service: p,
					Evidence: classify.EvidenceNSSuffix, Confidence: 1, ThirdParty: p != classify.SelfProvider,
				})
				if p == classify.SelfProvider {
					list[len(list)-1].Evidence = classify.EvidenceSelf
				}
			}
			continue
		}
		r.States[l] = states[l]
	}
	r.SetDeps(list)
	return r
}

// handResults are six domains whose summary is worked out by hand in
// TestCompute.
func handResults() []classify.Result {
	allUnresolved := map[catalog.Layer]classify.State{dns: unresolved, cdn: unresolved, hosting: unresolved, email: unresolved}
	return []classify.Result{
		result("a.example", 1, dnscrawl.StatusOK,
			map[catalog.Layer][]string{dns: {"cloudflare"}, cdn: {"cloudflare"}, email: {"google"}},
			map[catalog.Layer]classify.State{hosting: unattributed}),
		result("b.example", 2, dnscrawl.StatusOK,
			map[catalog.Layer][]string{dns: {"amazon", "cloudflare"}, hosting: {"amazon"}, email: {"microsoft"}},
			map[catalog.Layer]classify.State{cdn: none}),
		result("c.example", 4, dnscrawl.StatusOK,
			map[catalog.Layer][]string{dns: {"self"}, hosting: {"self"}, email: {"google", "self"}},
			map[catalog.Layer]classify.State{cdn: none}),
		result("d.example", 0, dnscrawl.StatusOK,
			map[catalog.Layer][]string{dns: {"cloudflare"}, cdn: {"akamai"}, hosting: {"amazon"}},
			map[catalog.Layer]classify.State{email: none}),
		result("e.example", 5, dnscrawl.StatusNXDomain, nil, allUnresolved),
		result("f.example", 10, dnscrawl.StatusTimeout, nil, allUnresolved),
	}
}

// TestCompute checks Compute on handResults. Ranks give the weights
// a 1, b 1/2, c 1/4, e 1/5, f 1/10; d has no rank and weighs 0.
func TestCompute(t *testing.T) {
	t.Parallel()
	statuses := map[dnscrawl.Status]int{}
	for _, st := range dnscrawl.Statuses {
		statuses[st] = 0
	}
	statuses[dnscrawl.StatusOK] = 4
	statuses[dnscrawl.StatusNXDomain] = 1
	statuses[dnscrawl.StatusTimeout] = 1

	want := &Summary{
		Domains:  6,
		Statuses: statuses,
		Layers: []LayerSummary{
			// dns: known a{cloudflare} b{amazon,cloudflare} c{self} d{cloudflare};
			// e, f unresolved. cloudflare 3/4, amazon 1/4, self 1/4 (sum 1.25).
			// Weights of known ranked domains: a 1 + b .5 + c .25 = 1.75;
			// cloudflare (a+b) 1.5/1.75, amazon .5/1.75, self .25/1.75.
			// Critical: a and d on cloudflare (2/4); b redundant (1/4); c self (1/4).
			// Concentration over cloudflare 3, amazon 1 -> .75, .25:
			// HHI 75²+25² = 6250, CR1 .75, Gini 2(.25+2·.75)/2 − 3/2 = .25,
			// H = .75·log2(4/3) + .25·2 = 0.8112781245, J = H/1, Neff 1.6.
			{
				Layer: dns, Domains: 6, Known: 4, Unresolved: 2, Ranked: 3,
				Providers: 2, SelfHosted: 1, CriticalDomains: 2, RedundantDomains: 1,
				HHI: 6250, CR1: .75, CR3: 1, CR5: 1, Gini: .25,
				EntropyBits: 0.8112781245, EntropyNorm: 0.8112781245, EffectiveN: 1.6,
				CriticalRate: .5, RedundancyRate: .25, SelfHostedRate: .25,
				Coverage: Coverage{Suffix: 3, Self: 1},
				Rows: []ProviderRow{
					{Provider: "cloudflare", Catalogued: true, Layer: dns, Domains: 3, Share: .75, WeightedShare: 1.5 / 1.75, CriticalDomains: 2, CriticalShare: .5},
					{Provider: "amazon", Catalogued: true, Layer: dns, Domains: 1, Share: .25, WeightedShare: .5 / 1.75},
					{Provider: "self", Catalogued: true, Layer: dns, Domains: 1, Share: .25, WeightedShare: .25 / 1.75},
				},
			},
			// cdn: known a{cloudflare} d{akamai}; b, c none; e, f unresolved.
			// Only a is ranked: weighted shares akamai 0, cloudflare 1.
			// Both critical (2/2). Concentration .5, .5: HHI 5000, Gini 0,
			// H = 1 bit, J = 1, Neff 2. Ties sorted by id: akamai first.
			{
				Layer: cdn, Domains: 6, Known: 2, None: 2, Unresolved: 2, Ranked: 1,
				Providers: 2, CriticalDomains: 2,
				HHI: 5000, CR1: .5, CR3: 1, CR5: 1, Gini: 0,
				EntropyBits: 1, EntropyNorm: 1, EffectiveN: 2,
				CriticalRate: 1,
				Coverage:     Coverage{Suffix: 2},
				Rows: []ProviderRow{
					{Provider: "akamai", Catalogued: true, Layer: cdn, Domains: 1, Share: .5, WeightedShare: 0, CriticalDomains: 1, CriticalShare: .5},
					{Provider: "cloudflare", Catalogued: true, Layer: cdn, Domains: 1, Share: .5, WeightedShare: 1, CriticalDomains: 1, CriticalShare: .5},
				},
			},
			// hosting: known b{amazon} c{self} d{amazon}; a unattributed;
			// e, f unresolved. Weights b .5 + c .25 = .75: amazon .5/.75,
			// self .25/.75. b and d critical on amazon (2/3). Concentration
			// is amazon alone: HHI 10000, CR1 1, Gini 0, H 0, J 0, Neff 1.
			{
				Layer: hosting, Domains: 6, Known: 3, Unattributed: 1, Unresolved: 2, Ranked: 2,
				Providers: 1, SelfHosted: 1, CriticalDomains: 2,
				HHI: 10000, CR1: 1, CR3: 1, CR5: 1, Gini: 0,
				EntropyBits: 0, EntropyNorm: 0, EffectiveN: 1,
				CriticalRate: 2.0 / 3, SelfHostedRate: 1.0 / 3,
				Coverage: Coverage{Suffix: 2, Self: 1},
				Rows: []ProviderRow{
					{Provider: "amazon", Catalogued: true, Layer: hosting, Domains: 2, Share: 2.0 / 3, WeightedShare: 2.0 / 3, CriticalDomains: 2, CriticalShare: 2.0 / 3},
					{Provider: "self", Catalogued: true, Layer: hosting, Domains: 1, Share: 1.0 / 3, WeightedShare: 1.0 / 3},
				},
			},
			// email: known a{google} b{microsoft} c{google,self}; d none;
			// e, f unresolved. Weights a 1 + b .5 + c .25 = 1.75: google
			// 1.25/1.75, microsoft .5/1.75, self .25/1.75. Critical a
			// (google), b (microsoft): 2/3; c redundant: 1/3.
			// Concentration google 2, microsoft 1 -> 2/3, 1/3:
			// HHI = 50000/9 = 5555.56, CR1 2/3, Gini 2(1/3+4/3)/2 − 3/2 = 1/6,
			// H = (2/3)log2(3/2) + (1/3)log2 3 = 0.9182958341, Neff 1.8.
			{
				Layer: email, Domains: 6, Known: 3, None: 1, Unresolved: 2, Ranked: 3,
				Providers: 2, SelfHosted: 1, CriticalDomains: 2, RedundantDomains: 1,
				HHI: 50000.0 / 9, CR1: 2.0 / 3, CR3: 1, CR5: 1, Gini: 1.0 / 6,
				EntropyBits: 0.9182958341, EntropyNorm: 0.9182958341, EffectiveN: 1.8,
				CriticalRate: 2.0 / 3, RedundancyRate: 1.0 / 3, SelfHostedRate: 1.0 / 3,
				Coverage: Coverage{Suffix: 3},
				Rows: []ProviderRow{
					{Provider: "google", Catalogued: true, Layer: email, Domains: 2, Share: 2.0 / 3, WeightedShare: 1.25 / 1.75, CriticalDomains: 1, CriticalShare: 1.0 / 3},
					{Provider: "microsoft", Catalogued: true, Layer: email, Domains: 1, Share: 1.0 / 3, WeightedShare: .5 / 1.75, CriticalDomains: 1, CriticalShare: 1.0 / 3},
					{Provider: "self", Catalogued: true, Layer: email, Domains: 1, Share: 1.0 / 3, WeightedShare: .25 / 1.75},
				},
			},
		},
	}
	got := Compute(handResults(), Options{Layers: AnyLayers})
	// 1e-9: every expected value above is exact or given to 10 digits.
	// The weighted figures, the Lorenz curve and the any-layer summary
	// are checked by TestComputeWeightedAndAny, the EMD by TestEMD*.
	opt := cmp.Options{cmpopts.EquateApprox(0, 1e-9),
		cmpopts.IgnoreFields(Summary{}, "Any"),
		cmpopts.IgnoreFields(LayerSummary{}, "WeightedHHI", "WeightedCR1", "WeightedCR3", "WeightedCR5", "WeightedGini",
			"WeightedEntropyBits", "WeightedEntropyNorm", "WeightedEffectiveN", "LorenzX", "LorenzY", "EMD")}
	if d := cmp.Diff(want, got, opt); d != "" {
		t.Errorf("Compute (-want +got):\n%s", d)
	}

	for _, ls := range got.Layers {
		if n := ls.Known + ls.None + ls.Unattributed + ls.Unresolved + ls.NotMeasured; n != ls.Domains {
			t.Errorf("%s: states add up to %d, want %d", ls.Layer, n, ls.Domains)
		}
	}

	t.Run("order independent", func(t *testing.T) {
		rs := handResults()
		slices.Reverse(rs)
		if d := cmp.Diff(got, Compute(rs, Options{Layers: AnyLayers})); d != "" {
			t.Errorf("reversed input changes the summary (-orig +reversed):\n%s", d)
		}
	})
	t.Run("layers option", func(t *testing.T) {
		s := Compute(handResults(), Options{Layers: []catalog.Layer{email, dns}})
		var layers []catalog.Layer
		for _, ls := range s.Layers {
			layers = append(layers, ls.Layer)
		}
		if d := cmp.Diff([]catalog.Layer{email, dns}, layers); d != "" {
			t.Errorf("layers (-want +got):\n%s", d)
		}
		if ls, ok := s.Layer(dns); !ok || ls.HHI != 6250 {
			t.Errorf("Layer(dns) = %v, %v; want HHI 6250", ls, ok)
		}
		if _, ok := s.Layer(cdn); ok {
			t.Error("Layer(cdn) found in a summary without cdn")
		}
	})
}

// TestComputeStates checks that inconsistent or missing states are
// reconciled so that no domain falls out of the counts.
func TestComputeStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		state classify.State
		deps  []string
		want  classify.State
	}{
		{"known with deps", known, []string{"x"}, known},
		{"known without deps", known, nil, unattributed},
		{"none with deps", none, []string{"x"}, known},
		{"unresolved with deps", unresolved, []string{"x"}, known},
		{"none", none, nil, none},
		{"unattributed", unattributed, nil, unattributed},
		{"unresolved", unresolved, nil, unresolved},
		{"missing", "", nil, unresolved},
		{"garbage", "bogus", nil, unresolved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := classify.Result{Domain: "x.example", Status: dnscrawl.StatusOK, States: map[catalog.Layer]classify.State{}}
			if tt.state != "" {
				r.States[dns] = tt.state
			}
			var deps []classify.Dependency
			for _, p := range tt.deps {
				deps = append(deps, classify.Dependency{Domain: r.Domain, Layer: dns, Provider: p})
			}
			r.SetDeps(deps)
			ls := Compute([]classify.Result{r}, Options{Layers: []catalog.Layer{dns}}).Layers[0]
			got := map[classify.State]int{known: ls.Known, none: ls.None, unattributed: ls.Unattributed, unresolved: ls.Unresolved}
			want := map[classify.State]int{known: 0, none: 0, unattributed: 0, unresolved: 0}
			want[tt.want] = 1
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("state counts (-want +got):\n%s", d)
			}
		})
	}
}

func TestComputeEmpty(t *testing.T) {
	t.Parallel()
	s := Compute(nil, Options{})
	if s.Domains != 0 || len(s.Layers) != len(catalog.Layers) || len(s.Statuses) != len(dnscrawl.Statuses) {
		t.Fatalf("Compute(nil) = %+v", s)
	}
	for _, ls := range s.Layers {
		if ls.HHI != 0 || ls.EffectiveN != 0 || ls.CriticalRate != 0 || len(ls.Rows) != 0 {
			t.Errorf("%s: empty list gives %+v", ls.Layer, ls)
		}
	}
}

// Example computes the concentration figures of a layer where eight
// providers serve 1000 domains.
func Example() {
	counts := []float64{500, 300, 100, 50, 25, 10, 10, 5}
	shares := Shares(counts)
	hhi := HHI(shares)
	bits, norm, err := Entropy(shares)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("HHI %.1f, CR3 %.2f, Gini %.5f\n", hhi, CR(shares, 3), Gini(counts))
	fmt.Printf("entropy %.4f bits (%.4f normalised), effective number %.3f\n", bits, norm, EffectiveN(hhi))
	// Output:
	// HHI 3533.5, CR3 0.90, Gini 0.65125
	// entropy 1.8735 bits (0.6245 normalised), effective number 2.830
}

// ExampleCompute shows that shares count a domain once per provider while
// the concentration figures are over third-party providers only.
func ExampleCompute() {
	dep := func(domain, provider string) classify.Dependency {
		return classify.Dependency{Domain: domain, Layer: catalog.LayerDNS, Provider: provider}
	}
	results := []classify.Result{
		{Domain: "a.example", Rank: 1, Status: dnscrawl.StatusOK,
			States: map[catalog.Layer]classify.State{catalog.LayerDNS: classify.StateKnown}},
		{Domain: "b.example", Rank: 2, Status: dnscrawl.StatusOK,
			States: map[catalog.Layer]classify.State{catalog.LayerDNS: classify.StateKnown}},
		{Domain: "c.example", Rank: 3, Status: dnscrawl.StatusOK,
			States: map[catalog.Layer]classify.State{catalog.LayerDNS: classify.StateKnown}},
	}
	results[0].SetDeps([]classify.Dependency{dep("a.example", "amazon"), dep("a.example", "cloudflare")})
	results[1].SetDeps([]classify.Dependency{dep("b.example", "cloudflare")})
	results[2].SetDeps([]classify.Dependency{dep("c.example", classify.SelfProvider)})
	s := Compute(results, Options{Layers: []catalog.Layer{catalog.LayerDNS}})
	ls := s.Layers[0]
	for _, r := range ls.Rows {
		fmt.Printf("%-10s domains %d share %.3f critical %d\n", r.Provider, r.Domains, r.Share, r.CriticalDomains)
	}
	fmt.Printf("HHI %.0f over %d providers, self-hosted %d, redundant %d\n", ls.HHI, ls.Providers, ls.SelfHosted, ls.RedundantDomains)
	// Output:
	// cloudflare domains 2 share 0.667 critical 1
	// amazon     domains 1 share 0.333 critical 0
	// self       domains 1 share 0.333 critical 0
	// HHI 5556 over 2 providers, self-hosted 1, redundant 1
}

// syntheticResults returns n results with a skewed provider market,
// redundancy, self-hosting and failures, from a fixed seed.
func syntheticResults(n int) []classify.Result {
	rng := rand.New(rand.NewPCG(1, 2))
	providers := make([]string, 200)
	for i := range providers {
		providers[i] = fmt.Sprintf("provider%03d", i)
	}
	// Skewed choice: the index is 200 times the product of three uniform
	// draws, so low indexes are much more frequent.
	pick := func() string {
		i := int(float64(len(providers))*rng.Float64()*rng.Float64()*rng.Float64()) % len(providers)
		return providers[i]
	}
	out := make([]classify.Result, n)
	for i := range out {
		domain := fmt.Sprintf("d%07d.example", i)
		r := classify.Result{Domain: domain, Rank: i + 1, Status: dnscrawl.StatusOK, States: make(map[catalog.Layer]classify.State, 4)}
		if rng.IntN(50) == 0 {
			r.Status = dnscrawl.StatusTimeout
			for _, l := range catalog.Layers {
				r.States[l] = unresolved
			}
			out[i] = r
			continue
		}
		var deps []classify.Dependency
		for _, l := range catalog.Layers {
			switch x := rng.IntN(100); {
			case x < 5:
				r.States[l] = none
			case x < 10:
				r.States[l] = unattributed
			default:
				r.States[l] = known
				ps := []string{pick()}
				if x >= 85 {
					ps = append(ps, pick())
				}
				if x >= 95 {
					ps = append(ps, classify.SelfProvider)
				}
				slices.Sort(ps)
				ps = slices.Compact(ps)
				for _, p := range ps {
					deps = append(deps, classify.Dependency{Domain: domain, Rank: r.Rank, Layer: l, Provider: p, Service: p})
				}
			}
		}
		r.SetDeps(deps)
		out[i] = r
	}
	return out
}

func TestComputeSynthetic(t *testing.T) {
	t.Parallel()
	s := Compute(syntheticResults(5000), Options{})
	for _, ls := range s.Layers {
		if n := ls.Known + ls.None + ls.Unattributed + ls.Unresolved; n != ls.Domains {
			t.Errorf("%s: states add up to %d, want %d", ls.Layer, n, ls.Domains)
		}
		var sum float64
		for _, r := range ls.Rows {
			sum += r.Share
		}
		if sum < 1 {
			t.Errorf("%s: shares sum to %g, want ≥ 1 (domains counted once per provider)", ls.Layer, sum)
		}
		checkProperties(t, thirdPartySizes(ls.Rows))
		if !slices.IsSortedFunc(ls.Rows, func(a, b ProviderRow) int {
			if a.Domains != b.Domains {
				return b.Domains - a.Domains
			}
			if a.Provider < b.Provider {
				return -1
			}
			return 1
		}) {
			t.Errorf("%s: rows not sorted", ls.Layer)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	results := syntheticResults(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Compute(results, Options{})
	}
}

// TestComputeCoverage checks how the known domains of a layer are counted
// by the evidence that named their providers, and that an uncatalogued
// operator counts in shares and concentration like any provider.
func TestComputeCoverage(t *testing.T) {
	t.Parallel()
	dep := func(domain, provider string, ev classify.Evidence, uncatalogued bool) classify.Dependency {
		return classify.Dependency{Domain: domain, Layer: dns, Provider: provider, Service: "dns", Evidence: ev,
			Confidence: classify.Confidence(ev), ThirdParty: provider != classify.SelfProvider, Uncatalogued: uncatalogued}
	}
	mk := func(domain string, deps ...classify.Dependency) classify.Result {
		r := classify.Result{Domain: domain, Status: dnscrawl.StatusOK,
			States: map[catalog.Layer]classify.State{dns: known, cdn: none, hosting: none, email: none}}
		r.SetDeps(deps)
		return r
	}
	results := []classify.Result{
		mk("a.example", dep("a.example", "cloudflare", classify.EvidenceNSSuffix, false)),
		// The strongest evidence counts: suffix beats the uncatalogued one.
		mk("b.example", dep("b.example", "cloudflare", classify.EvidenceNSSuffix, false), dep("b.example", "dnsprov.net", classify.EvidenceRegistrableDomain, true)),
		mk("c.example", dep("c.example", "amazon", classify.EvidenceOwnerDomain, false)),
		mk("d.example", dep("d.example", "ibm", classify.EvidenceIPRange, false)),
		mk("e.example", dep("e.example", "dnsprov.net", classify.EvidenceRegistrableDomain, true)),
		mk("f.example", dep("f.example", "dnsprov.net", classify.EvidenceRegistrableDomain, true)),
		mk("g.example", dep("g.example", classify.SelfProvider, classify.EvidenceFamily, false)),
	}
	got := Compute(results, Options{})
	ls, _ := got.Layer(dns)
	if want := (Coverage{Suffix: 2, OwnerDomain: 1, Address: 1, Self: 1, Uncatalogued: 2}); ls.Coverage != want {
		t.Errorf("coverage %+v, want %+v", ls.Coverage, want)
	}
	c := ls.Coverage
	if sum := c.Suffix + c.OwnerDomain + c.Address + c.Self + c.Uncatalogued; sum != ls.Known {
		t.Errorf("coverage adds up to %d, known %d", sum, ls.Known)
	}
	rows := map[string]ProviderRow{}
	for _, r := range ls.Rows {
		rows[r.Provider] = r
	}
	if r := rows["dnsprov.net"]; r.Catalogued || r.Domains != 3 || r.CriticalDomains != 2 {
		t.Errorf("dnsprov.net row %+v, want uncatalogued, 3 domains, 2 critical", r)
	}
	if r := rows["cloudflare"]; !r.Catalogued {
		t.Errorf("cloudflare row %+v, want catalogued", r)
	}
	// Third parties: cloudflare 2, dnsprov.net 3, amazon 1, ibm 1.
	if ls.Providers != 4 || ls.CR1 != 3.0/7 {
		t.Errorf("providers %d, CR1 %v; want 4 and 3/7 (the uncatalogued operator is the largest)", ls.Providers, ls.CR1)
	}
}
