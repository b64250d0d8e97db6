package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestEMDHand checks EMD against distances worked out by hand as the area
// between the two cumulative distributions on the points k/N (Akiwate et
// al., IMC 2024, section 3).
func TestEMDHand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sizes []float64
		want  float64
	}{
		// N = 4, one provider: F = 1, 1, 1, 1 against ¼, ½, ¾, 1; the
		// gaps ¾ + ½ + ¼ + 0 = 1.5, times the spacing ¼: 0.375 = (N−1)/2N.
		{"monopoly of 4", []float64{4}, 0.375},
		// 3 and 1: F = ¾, 1, 1, 1; gaps ½ + ½ + ¼ + 0 = 1.25; × ¼ = 0.3125.
		{"3 and 1", []float64{1, 3}, 0.3125},
		// 2 and 2: F = ½, 1, 1, 1; gaps ¼ + ½ + ¼ = 1; × ¼ = 0.25.
		{"2 and 2", []float64{2, 2}, 0.25},
		// 2, 1 and a self-hosted site as its own provider: F = ½, ¾, 1, 1;
		// gaps ¼ + ¼ + ¼ = 0.75; × ¼ = 0.1875.
		{"2, 1, self", []float64{2, 1, 1}, 0.1875},
		// Every site its own provider: the baseline itself.
		{"decentralised", []float64{1, 1, 1, 1, 1}, 0},
		// 10 sites, 6 on one provider, 4 alone: F = .6,.7,.8,.9,1,1,...;
		// gaps .5+.5+.5+.5+.5+.4+.3+.2+.1+0 = 3.5; × 1/10 = 0.35.
		{"6 and four singles", []float64{1, 6, 1, 1, 1}, 0.35},
		{"empty", nil, 0},
		{"zeros ignored", []float64{0, 2, 2, 0}, 0.25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := EMD(tt.sizes); math.Abs(got-tt.want) > 1e-12 {
				t.Errorf("EMD(%v) = %v, want %v", tt.sizes, got, tt.want)
			}
		})
	}
}

// TestEMDProperties checks, on random size vectors, that EMD is the
// direct sum of the CDF gaps, lies in [0, (N−1)/2N], does not depend on
// the order of the sizes, and grows when two providers merge.
func TestEMDProperties(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		m := 1 + rng.IntN(12)
		sizes := make([]float64, m)
		n := 0.0
		for i := range sizes {
			sizes[i] = float64(1 + rng.IntN(20))
			n += sizes[i]
		}
		got := EMD(sizes)
		if direct := emdByCDF(sizes); math.Abs(got-direct) > 1e-9 {
			t.Fatalf("EMD(%v) = %v, by the CDFs %v", sizes, got, direct)
		}
		if got < 0 || got > (n-1)/(2*n)+1e-12 {
			t.Fatalf("EMD(%v) = %v outside [0, %v]", sizes, got, (n-1)/(2*n))
		}
		rev := make([]float64, m)
		for i, s := range sizes {
			rev[m-1-i] = s
		}
		if EMD(rev) != got {
			t.Fatalf("EMD depends on order: %v vs %v", EMD(rev), got)
		}
		if m >= 2 {
			merged := append([]float64{sizes[0] + sizes[1]}, sizes[2:]...)
			if EMD(merged) < got-1e-12 {
				t.Fatalf("merging two providers of %v lowered EMD: %v < %v", sizes, EMD(merged), got)
			}
			// One site moves from a provider to one at least as large.
			moved := slices.Clone(sizes)
			small, large := 0, 1
			if moved[small] > moved[large] {
				small, large = large, small
			}
			moved[small]--
			moved[large]++
			if EMD(moved) < got-1e-12 {
				t.Fatalf("moving a site of %v to the larger provider lowered EMD: %v < %v", sizes, EMD(moved), got)
			}
		}
		// The mean rank reading: (N+1)/2N − r̄/N, r̄ the mean over the
		// sites of their provider's rank (1 the largest).
		if want := (n+1)/(2*n) - meanRank(sizes)/n; math.Abs(got-want) > 1e-9 {
			t.Fatalf("EMD(%v) = %v, (N+1)/2N − r̄/N = %v", sizes, got, want)
		}
	}
}

// meanRank is the mean, over the sites, of the rank of the site's
// provider when the providers are ranked by size, largest first.
func meanRank(sizes []float64) float64 {
	desc := slices.Clone(sizes)
	slices.Sort(desc)
	slices.Reverse(desc)
	var sum, n float64
	for i, s := range desc {
		sum += float64(i+1) * s
		n += s
	}
	return sum / n
}

// TestEMDPaperStatements checks EMD against what Akiwate et al. (IMC
// 2024, section 3) and the authors' Pulse post say of the metric, as far
// as it could be read (see EMD): every site with a provider of its own is
// the reference itself (0); one provider for every site is the farthest a
// list of N sites can be from it; the more the sites crowd onto few
// providers, the higher; and the figure does not depend on which
// providers they are.
func TestEMDPaperStatements(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 10, 1000} {
		ones := make([]float64, n)
		for i := range ones {
			ones[i] = 1
		}
		if got := EMD(ones); got != 0 {
			t.Errorf("%d sites each with its own provider: EMD %v, want 0", n, got)
		}
		// One provider: F = 1 at every point against k/N, the gaps
		// (N−1)/N, …, 1/N, 0 times 1/N: (N−1)/2N.
		want := float64(n-1) / float64(2*n)
		if got := EMD([]float64{float64(n)}); math.Abs(got-want) > 1e-12 {
			t.Errorf("one provider for %d sites: EMD %v, want %v", n, got, want)
		}
	}
	// 100 sites: every step crowds them onto fewer providers.
	steps := [][]float64{
		{25, 25, 25, 25},
		{40, 20, 20, 20},
		{70, 10, 10, 10},
		{70, 30},
		{100},
	}
	for i := 1; i < len(steps); i++ {
		if a, b := EMD(steps[i-1]), EMD(steps[i]); b <= a {
			t.Errorf("EMD(%v) = %v, not above EMD(%v) = %v", steps[i], b, steps[i-1], a)
		}
	}
	// Which providers: the same sizes under other names, in another
	// order, give the same figure (the metric sees sizes only).
	if a, b := EMD([]float64{3, 1, 2}), EMD([]float64{2, 3, 1}); a != b {
		t.Errorf("EMD depends on the providers' order: %v vs %v", a, b)
	}
}

// emdByCDF is the definition written out: N points k/N, the observed and
// the decentralised cumulative distributions, the area between them.
func emdByCDF(sizes []float64) float64 {
	var desc []float64
	n := 0.0
	for _, s := range sizes {
		desc = append(desc, s)
		n += s
	}
	for i := range desc { // insertion sort, descending
		for j := i; j > 0 && desc[j] > desc[j-1]; j-- {
			desc[j], desc[j-1] = desc[j-1], desc[j]
		}
	}
	var area, cum float64
	for k := 1; k <= int(n); k++ {
		if k <= len(desc) {
			cum += desc[k-1]
		}
		area += math.Abs(cum/n-float64(k)/n) / n
	}
	return area
}

// TestLayerEMDCountsSelf: a layer's EMD takes each self-hosted domain as a
// provider of its own. dns below: cloudflare 2, route53 1, self 1, the
// "2, 1, self" case of TestEMDHand.
func TestLayerEMDCountsSelf(t *testing.T) {
	t.Parallel()
	ok := dnscrawl.StatusOK
	results := []classify.Result{
		result("a.example", 0, ok, map[catalog.Layer][]string{dns: {"cloudflare"}}, nil),
		result("b.example", 0, ok, map[catalog.Layer][]string{dns: {"cloudflare"}}, nil),
		result("c.example", 0, ok, map[catalog.Layer][]string{dns: {"route53"}}, nil),
		result("d.example", 0, ok, map[catalog.Layer][]string{dns: {"self"}}, nil),
	}
	ls := Compute(results, Options{Layers: []catalog.Layer{dns}}).Layers[0]
	if math.Abs(ls.EMD-0.1875) > 1e-12 {
		t.Errorf("dns EMD = %v, want 0.1875", ls.EMD)
	}
}
