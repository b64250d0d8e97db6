package metrics

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestComputeWeightedAndAny checks the rank-weighted concentration, the
// Lorenz curve and the any-layer summary of handResults, by hand:
//
//	dns weighted: cloudflare a 1 + b .5 = 1.5, amazon b .5: shares .75 .25,
//	  HHI 6250, CR1 .75, Neff 1.6 (the same as by count).
//	cdn weighted: cloudflare a 1, akamai 0 (d has no rank): shares 1, 0,
//	  HHI 10000 (5000 by count), CR1 1, Gini over (1, 0) = .5, entropy 0,
//	  Neff 1.
//	any layer: a {cloudflare, google}, b {amazon, cloudflare, microsoft},
//	  c {google, self}, d {akamai, amazon, cloudflare}; e, f unresolved.
//	  Known 4, unresolved 2, all four redundant, none critical, c self.
//	  Third-party counts 3 2 2 1 1 (total 9): HHI = 10⁴·(9+4+4+1+1)/81
//	  = 190000/81, CR1 1/3, CR3 7/9, Neff 81/19; Lorenz over 1 1 2 2 3:
//	  y = 0, 1/9, 2/9, 4/9, 6/9, 1.
func TestComputeWeightedAndAny(t *testing.T) {
	t.Parallel()
	s := Compute(handResults(), Options{})
	opt := cmpopts.EquateApprox(0, 1e-9)
	dnsL, _ := s.Layer(dns)
	cdnL, _ := s.Layer(cdn)
	type fig struct{ HHI, CR1, Gini, Bits, EffN float64 }
	tests := []struct {
		name      string
		got, want fig
	}{
		{"dns weighted", fig{dnsL.WeightedHHI, dnsL.WeightedCR1, dnsL.WeightedGini, dnsL.WeightedEntropyBits, dnsL.WeightedEffectiveN},
			fig{6250, .75, .25, 0.8112781245, 1.6}},
		{"cdn weighted", fig{cdnL.WeightedHHI, cdnL.WeightedCR1, cdnL.WeightedGini, cdnL.WeightedEntropyBits, cdnL.WeightedEffectiveN},
			fig{10000, 1, .5, 0, 1}},
		{"any", fig{s.Any.HHI, s.Any.CR1, s.Any.Gini, 0, s.Any.EffectiveN},
			fig{190000.0 / 81, 1.0 / 3, Gini([]float64{3, 2, 2, 1, 1}), 0, 81.0 / 19}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, tt.got, opt); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, d)
		}
	}
	a := s.Any
	if a.Layer != AnyLayer || a.Known != 4 || a.Unresolved != 2 || a.RedundantDomains != 4 || a.CriticalDomains != 0 || a.SelfHosted != 1 || a.Providers != 5 {
		t.Errorf("any: %+v", a)
	}
	if d := cmp.Diff(7.0/9, a.CR3, opt); d != "" {
		t.Errorf("any CR3: %s", d)
	}
	if d := cmp.Diff([]float64{0, 1.0 / 9, 2.0 / 9, 4.0 / 9, 6.0 / 9, 1}, a.LorenzY, opt); d != "" {
		t.Errorf("any Lorenz y (-want +got):\n%s", d)
	}
}

func TestBootstrap(t *testing.T) {
	t.Parallel()
	results := syntheticResults(3000)
	s1 := Compute(results, Options{Bootstrap: 200, Seed: 1})
	s2 := Compute(results, Options{Bootstrap: 200, Seed: 1})
	s3 := Compute(results, Options{Bootstrap: 200, Seed: 2})
	if d := cmp.Diff(s1, s2); d != "" {
		t.Errorf("same seed, different summaries:\n%s", d)
	}
	if s1.Layers[0].HHILow == s3.Layers[0].HHILow && s1.Layers[0].HHIHigh == s3.Layers[0].HHIHigh {
		t.Error("different seeds give the same interval")
	}
	for _, ls := range append(s1.Layers, s1.Any) {
		if ls.Bootstrap != 200 || !(ls.HHILow <= ls.HHI && ls.HHI <= ls.HHIHigh) || ls.HHILow >= ls.HHIHigh {
			t.Errorf("%s: HHI %g outside [%g, %g] (%d replicates)", ls.Layer, ls.HHI, ls.HHILow, ls.HHIHigh, ls.Bootstrap)
		}
		with := 0
		for _, r := range ls.Rows {
			if r.ShareHigh > 0 {
				with++
				if !(r.ShareLow <= r.Share && r.Share <= r.ShareHigh) {
					t.Errorf("%s %s: share %g outside [%g, %g]", ls.Layer, r.Provider, r.Share, r.ShareLow, r.ShareHigh)
				}
			}
		}
		if with != BootstrapTop {
			t.Errorf("%s: %d rows with an interval, want %d", ls.Layer, with, BootstrapTop)
		}
	}
	// Off: no interval.
	if s := Compute(results, Options{}); s.Layers[0].Bootstrap != 0 || s.Layers[0].HHIHigh != 0 || s.Layers[0].Rows[0].ShareHigh != 0 {
		t.Errorf("bootstrap off: %+v", s.Layers[0])
	}
	// A monopoly has no uncertainty in its HHI.
	mono := []classify.Result{
		result("a.example", 1, dnscrawl.StatusOK, map[catalog.Layer][]string{dns: {"x"}}, nil),
		result("b.example", 2, dnscrawl.StatusOK, map[catalog.Layer][]string{dns: {"x"}}, nil),
		result("c.example", 3, dnscrawl.StatusTimeout, nil, nil),
	}
	ls := Compute(mono, Options{Layers: []catalog.Layer{dns}, Bootstrap: 50, Seed: 3}).Layers[0]
	if ls.HHILow != 10000 || ls.HHIHigh != 10000 {
		t.Errorf("monopoly HHI interval [%g, %g], want [10000, 10000]", ls.HHILow, ls.HHIHigh)
	}
}

func BenchmarkComputeBootstrap(b *testing.B) {
	results := syntheticResults(100_000)
	b.ReportAllocs()
	for b.Loop() {
		Compute(results, Options{Bootstrap: 200, Seed: 1})
	}
}

// TestPoisson checks the mean and variance of the sampler against its
// mean n on both of its paths (inversion below 30, gonum above), at 5
// standard errors for the mean and 10 % for the variance.
func TestPoisson(t *testing.T) {
	t.Parallel()
	src := rand.NewPCG(1, 2)
	rng := rand.New(src)
	for _, n := range []int{1, 2, 7, 29, 30, 500} {
		const draws = 40000
		var sum, sum2 float64
		for range draws {
			x := poisson(rng, src, n)
			if x < 0 || x != math.Trunc(x) {
				t.Fatalf("poisson(%d) = %g", n, x)
			}
			sum += x
			sum2 += x * x
		}
		mean := sum / draws
		variance := sum2/draws - mean*mean
		lambda := float64(n)
		if se := math.Sqrt(lambda / draws); math.Abs(mean-lambda) > 5*se {
			t.Errorf("poisson(%d): mean %g, want %g ± %g", n, mean, lambda, 5*se)
		}
		if math.Abs(variance-lambda) > 0.1*lambda {
			t.Errorf("poisson(%d): variance %g, want %g ± 10%%", n, variance, lambda)
		}
	}
	if poisson(rng, src, 0) != 0 || poisson(rng, src, -3) != 0 {
		t.Error("poisson of a non-positive mean is not 0")
	}
}
