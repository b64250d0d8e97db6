package metrics

import (
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// handShares is the reference distribution whose figures were computed by
// hand (see TestHandValues).
var handShares = []float64{.5, .3, .1, .05, .025, .01, .01, .005}

// Tolerances. Values computed exactly by hand are compared at 1e-9; the
// entropy and effective number were worked out to 4 significant digits,
// so they are compared at half a unit of the last digit given.
const (
	tolExact  = 1e-9
	tolEntrpy = 5e-5
	tolEffN   = 5e-4
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// TestHandValues checks the figures of handShares worked out by hand:
//
//	HHI  = 50² + 30² + 10² + 5² + 2.5² + 1² + 1² + 0.5²
//	     = 2500 + 900 + 100 + 25 + 6.25 + 1 + 1 + 0.25 = 3533.5
//	CR3  = .5 + .3 + .1 = 0.90
//	Gini: ascending .005 .01 .01 .025 .05 .1 .3 .5 (sum 1, n = 8)
//	      Σ i·x_(i) = .005 + .02 + .03 + .1 + .25 + .6 + 2.1 + 4 = 7.105
//	      G = 2·7.105/8 − 9/8 = 1.77625 − 1.125 = 0.65125
//	H    = .5·1 + .3·1.73697 + .1·3.32193 + .05·4.32193 + .025·5.32193
//	       + 2·.01·6.64386 + .005·7.64386 = 1.8735 bits
//	J    = 1.8735 / log₂ 8 = 0.6245
//	Neff = 10000 / 3533.5 = 2.830
func TestHandValues(t *testing.T) {
	t.Parallel()
	hhi := HHI(handShares)
	bits, norm, err := Entropy(handShares)
	if err != nil {
		t.Fatalf("Entropy: %v", err)
	}
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"HHI", hhi, 3533.5, tolExact},
		{"CR1", CR(handShares, 1), 0.5, tolExact},
		{"CR3", CR(handShares, 3), 0.90, tolExact},
		{"CR8", CR(handShares, 8), 1, tolExact},
		{"CR100", CR(handShares, 100), 1, tolExact},
		{"Gini", Gini(handShares), 0.65125, tolExact},
		{"EntropyBits", bits, 1.8735, tolEntrpy},
		{"EntropyNorm", norm, 0.6245, tolEntrpy},
		{"EffectiveN", EffectiveN(hhi), 2.830, tolEffN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !near(tt.got, tt.want, tt.tol) {
				t.Errorf("got %.10g, want %.10g ± %g", tt.got, tt.want, tt.tol)
			}
		})
	}
}

func TestShares(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts []float64
		want   []float64
	}{
		{"empty", nil, []float64{}},
		{"zeros", []float64{0, 0}, []float64{0, 0}},
		{"one", []float64{7}, []float64{1}},
		{"order kept", []float64{1, 3}, []float64{.25, .75}},
		{"hand", []float64{100, 60, 20, 10, 5, 2, 2, 1}, handShares},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Shares(tt.counts)
			if d := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, tolExact)); d != "" {
				t.Errorf("Shares(%v) (-want +got):\n%s", tt.counts, d)
			}
		})
	}
}

func TestEdgeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		got, want float64
	}{
		{"HHI empty", HHI(nil), 0},
		{"HHI monopoly", HHI([]float64{1}), 10000},
		{"HHI four equal", HHI([]float64{.25, .25, .25, .25}), 2500},
		{"CR k=0", CR(handShares, 0), 0},
		{"CR k<0", CR(handShares, -3), 0},
		{"CR empty", CR(nil, 3), 0},
		{"CR unsorted input", CR([]float64{.1, .6, .3}, 1), .6},
		{"Gini empty", Gini(nil), 0},
		{"Gini zero total", Gini([]float64{0, 0}), 0},
		{"Gini equal", Gini([]float64{3, 3, 3}), 0},
		{"Gini one of two", Gini([]float64{0, 10}), 0.5},
		{"Gini unit free", Gini([]float64{100, 60, 20, 10, 5, 2, 2, 1}), 0.65125},
		{"EffectiveN zero", EffectiveN(0), 0},
		{"EffectiveN monopoly", EffectiveN(10000), 1},
		{"EffectiveN four equal", EffectiveN(2500), 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !near(tt.got, tt.want, tolExact) {
				t.Errorf("got %.10g, want %.10g", tt.got, tt.want)
			}
		})
	}
}

func TestEntropy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		shares     []float64
		bits, norm float64
		wantErr    bool
	}{
		{name: "monopoly", shares: []float64{1}, bits: 0, norm: 0},
		{name: "monopoly with zeros", shares: []float64{0, 1, 0}, bits: 0, norm: 0},
		{name: "two equal", shares: []float64{.5, .5}, bits: 1, norm: 1},
		{name: "four equal", shares: []float64{.25, .25, .25, .25}, bits: 2, norm: 1},
		{name: "zeros do not count in m", shares: []float64{.5, .5, 0, 0}, bits: 1, norm: 1},
		{name: "rounding allowed", shares: []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}, bits: math.Log2(3), norm: 1},
		{name: "empty", shares: nil, wantErr: true},
		{name: "negative", shares: []float64{1.5, -.5}, wantErr: true},
		{name: "NaN", shares: []float64{math.NaN(), 1}, wantErr: true},
		{name: "infinite", shares: []float64{math.Inf(1)}, wantErr: true},
		{name: "percent", shares: []float64{50, 50}, wantErr: true},
		{name: "counts", shares: []float64{3, 1}, wantErr: true},
		{name: "short of one", shares: []float64{.5, .4999}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bits, norm, err := Entropy(tt.shares)
			if tt.wantErr {
				if !errors.Is(err, ErrNotShares) {
					t.Fatalf("Entropy(%v) error = %v, want ErrNotShares", tt.shares, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Entropy(%v): %v", tt.shares, err)
			}
			if !near(bits, tt.bits, tolExact) || !near(norm, tt.norm, tolExact) {
				t.Errorf("Entropy(%v) = %g, %g; want %g, %g", tt.shares, bits, norm, tt.bits, tt.norm)
			}
		})
	}
}

func TestLorenz(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		sizes []float64
		x, y  []float64
	}{
		{"empty", nil, []float64{0}, []float64{0}},
		{"zero total", []float64{0, 0}, []float64{0, .5, 1}, []float64{0, 0, 0}},
		{"equal", []float64{2, 2}, []float64{0, .5, 1}, []float64{0, .5, 1}},
		// ascending 1 3 6 (total 10): cumulative .1 .4 1
		{"unsorted", []float64{6, 1, 3}, []float64{0, 1.0 / 3, 2.0 / 3, 1}, []float64{0, .1, .4, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x, y := Lorenz(tt.sizes)
			opt := cmpopts.EquateApprox(0, tolExact)
			if d := cmp.Diff(tt.x, x, opt); d != "" {
				t.Errorf("x (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.y, y, opt); d != "" {
				t.Errorf("y (-want +got):\n%s", d)
			}
		})
	}
}

// TestLorenzGini checks that Gini is twice the area between the Lorenz
// curve and the diagonal (trapezoid rule, exact for a polyline).
func TestLorenzGini(t *testing.T) {
	t.Parallel()
	x, y := Lorenz(handShares)
	var area float64
	for i := 1; i < len(x); i++ {
		area += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	if g := 1 - 2*area; !near(g, Gini(handShares), tolExact) {
		t.Errorf("1 − 2·area = %g, Gini = %g", g, Gini(handShares))
	}
}

// checkProperties asserts the properties every count vector must have;
// it is shared by TestProperties and FuzzHHI.
func checkProperties(t *testing.T, counts []float64) {
	t.Helper()
	shares := Shares(counts)
	n := 0
	var sum float64
	for _, s := range shares {
		sum += s
		if s > 0 {
			n++
		}
	}
	if n == 0 {
		if h := HHI(shares); h != 0 {
			t.Errorf("HHI of no provider = %g, want 0", h)
		}
		return
	}
	if !near(sum, 1, shareTolerance) {
		t.Errorf("shares sum to %.17g, want 1", sum)
	}
	hhi := HHI(shares)
	const tol = 1e-6
	if lo := 10000 / float64(n); hhi < lo-tol || hhi > 10000+tol {
		t.Errorf("HHI = %g, want in [%g, 10000] for %d providers", hhi, lo, n)
	}
	if e := EffectiveN(hhi); e < 1-tol || e > float64(n)+tol {
		t.Errorf("EffectiveN = %g, want in [1, %d]", e, n)
	}
	desc := slices.Clone(shares)
	slices.SortFunc(desc, descending)
	prev := 0.0
	for k := 1; k <= len(desc)+1; k++ {
		cr := CR(desc, k)
		if cr < prev-tol {
			t.Errorf("CR%d = %g < CR%d = %g: not monotone", k, cr, k-1, prev)
		}
		prev = cr
	}
	if !near(prev, 1, shareTolerance) {
		t.Errorf("CR over all providers = %g, want 1", prev)
	}
	if g := Gini(counts); g < 0 || g >= 1 {
		t.Errorf("Gini = %g, want in [0, 1)", g)
	}
	if g1, g2 := Gini(counts), Gini(shares); !near(g1, g2, 1e-9) {
		t.Errorf("Gini of counts %g != Gini of shares %g", g1, g2)
	}
	bits, norm, err := Entropy(shares)
	if err != nil {
		t.Fatalf("Entropy of Shares output: %v", err)
	}
	if bits < 0 || bits > math.Log2(float64(n))+tol {
		t.Errorf("entropy = %g bits, want in [0, log2 %d]", bits, n)
	}
	if norm < 0 || norm > 1+tol {
		t.Errorf("normalised entropy = %g, want in [0, 1]", norm)
	}
}

func TestProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		counts []float64
	}{
		{"hand", []float64{100, 60, 20, 10, 5, 2, 2, 1}},
		{"monopoly", []float64{42}},
		{"equal", []float64{5, 5, 5, 5, 5}},
		{"with zeros", []float64{0, 9, 0, 1}},
		{"long tail", longTail(1000)},
		{"none", []float64{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkProperties(t, tt.counts)
		})
	}
}

func longTail(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = math.Floor(100000 / float64(i+1))
	}
	return out
}

// FuzzHHI checks the properties on count vectors made of the fuzz input,
// two bytes per provider.
func FuzzHHI(f *testing.F) {
	f.Add([]byte{0, 100, 0, 60, 0, 20, 0, 10, 0, 5, 0, 2, 0, 2, 0, 1})
	f.Add([]byte{0, 1})
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{255, 255, 0, 1, 0, 1, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		counts := make([]float64, len(b)/2)
		for i := range counts {
			counts[i] = float64(binary.BigEndian.Uint16(b[2*i:]))
		}
		checkProperties(t, counts)
	})
}

// TestHHICounts: the HHI of counts, from the definition worked by hand,
// and the same float64 in any order of the counts.
func TestHHICounts(t *testing.T) {
	for _, c := range []struct {
		name   string
		counts []float64
		want   float64
	}{
		{"none", nil, 0},
		{"zeros", []float64{0, 0}, 0},
		{"monopoly", []float64{7}, 10000},
		{"four equal", []float64{5, 5, 5, 5}, 2500},
		// Shares 37.5, 25, 25, 12.5 %: 1406.25 + 625 + 625 + 156.25.
		{"2812.5", []float64{3, 2, 2, 1}, 2812.5},
		// Shares 50, 30, 20 %: 2500 + 900 + 400.
		{"50-30-20", []float64{20, 30, 50}, 3800},
	} {
		if got := HHICounts(c.counts); got != c.want {
			t.Errorf("HHICounts(%s %v) = %v, want %v", c.name, c.counts, got, c.want)
		}
	}
	// Counts whose shares are no binary fractions: every order the same.
	counts := []float64{1013, 7, 331, 29, 4001, 3, 97, 613, 11, 2}
	want := HHICounts(counts)
	var sq, total float64
	for _, n := range counts {
		sq, total = sq+n*n, total+n
	}
	if math.Abs(want-10000*sq/(total*total)) > 1e-9 {
		t.Errorf("HHICounts(%v) = %v, want 10000·Σn²/(Σn)² = %v", counts, want, 10000*sq/(total*total))
	}
	for i := range 50 {
		perm := slices.Clone(counts)
		for j := range perm {
			k := (j*7 + i*13) % len(perm)
			perm[j], perm[k] = perm[k], perm[j]
		}
		if got := HHICounts(perm); got != want {
			t.Fatalf("HHICounts(%v) = %v, want %v (another order)", perm, got, want)
		}
	}
}
