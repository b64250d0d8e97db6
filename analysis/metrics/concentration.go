package metrics

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// ErrNotShares is wrapped by the error of a function that needs a share
// vector (non-negative, finite, summing to 1) and was given something else.
var ErrNotShares = errors.New("not a share vector")

// shareTolerance is how far from 1 the sum of a share vector may be. It
// allows for rounding when shares are computed by division (the error of
// a sum of n shares is below n·2⁻⁵³), and still rejects percentages or
// raw counts.
const shareTolerance = 1e-9

// Shares returns counts normalised to fractions of their total:
//
//	s_i = c_i / Σ_j c_j
//
// The result has the length and order of counts. When the total is 0 (no
// counts, or all zero) every share is 0. Counts must be non-negative.
func Shares(counts []float64) []float64 {
	var total float64
	for _, c := range counts {
		total += c
	}
	out := make([]float64, len(counts))
	if total == 0 {
		return out
	}
	for i, c := range counts {
		out[i] = c / total
	}
	return out
}

// HHI returns the Herfindahl–Hirschman index of shares given as fractions
// summing to 1, on the 0..10,000 scale used by competition authorities
// (shares in percent, squared):
//
//	HHI = Σ_i (100·s_i)²
//
// It is 10,000 for a single provider and 10,000/n for n equal providers.
// It does not validate its input; see Entropy for a function that does.
func HHI(shares []float64) float64 {
	var h float64
	for _, s := range shares {
		p := 100 * s
		h += p * p
	}
	return h
}

// HHICounts returns the HHI of the shares of counts (whole numbers, such
// as domains per provider) computed exactly: the integer sum of the
// squared counts, then one division,
//
//	HHI = 10,000·Σ_i n_i² / (Σ_i n_i)²
//
// so that it does not depend on the order of the counts, and an engine
// that sums in another order (the SQL of analysis/sql, the same
// expression) gets the same float64 to the last bit: HHI of the shares
// can differ in the last bits, which once printed 2,812 on one engine and
// 2,813 on the other for an HHI of exactly 2,812.5. It is 0 when the
// counts sum to 0. The sums are exact while Σ n_i < 3·10⁹.
func HHICounts(counts []float64) float64 {
	var sq, total int64
	for _, c := range counts {
		n := int64(c)
		sq += n * n
		total += n
	}
	if total == 0 {
		return 0
	}
	return float64(sq) * 10000 / (float64(total) * float64(total))
}

// CR returns the k-firm concentration ratio, the combined share of the k
// largest providers, as a fraction:
//
//	CR_k = Σ_{i=1..min(k,n)} s_(i)    with s_(1) ≥ s_(2) ≥ … ≥ s_(n)
//
// sharesDesc should be sorted in decreasing order (the concentration
// vector of a Summary is); if it is not, CR sorts a copy rather than
// return a wrong figure. CR is 0 for k ≤ 0 and the sum of all shares
// for k ≥ n.
func CR(sharesDesc []float64, k int) float64 {
	if k <= 0 {
		return 0
	}
	desc := sharesDesc
	if !slices.IsSortedFunc(desc, descending) {
		desc = slices.Clone(desc)
		slices.SortFunc(desc, descending)
	}
	var sum float64
	for _, s := range desc[:min(k, len(desc))] {
		sum += s
	}
	return sum
}

func descending(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// Gini returns the Gini coefficient of the provider sizes (domain counts
// or shares: the coefficient does not depend on the unit), the mean
// absolute difference between all pairs relative to twice the mean:
//
//	G = Σ_i Σ_j |x_i − x_j| / (2·n²·μ)
//	  = 2·Σ_{i=1..n} i·x_(i) / (n·Σ_i x_i) − (n+1)/n    with x_(1) ≤ … ≤ x_(n)
//
// G is 0 when every provider has the same size and at most (n−1)/n, so
// always below 1. It is 0 for no provider or a zero total. Note that G
// measures inequality among the providers present: a single provider has
// G = 0 although it is a monopoly; read it with HHI. Sizes must be
// non-negative.
func Gini(sizes []float64) float64 {
	n := len(sizes)
	if n == 0 {
		return 0
	}
	asc := slices.Clone(sizes)
	slices.Sort(asc)
	var total, weighted float64
	for i, x := range asc {
		total += x
		weighted += float64(i+1) * x
	}
	if total == 0 {
		return 0
	}
	nf := float64(n)
	g := 2*weighted/(nf*total) - (nf+1)/nf
	// Rounding can push an equal distribution a hair below 0.
	return max(g, 0)
}

// Lorenz returns the Lorenz curve of the provider sizes: the providers
// sorted from smallest to largest, x_i is the fraction of providers and
// y_i the fraction of the total held by the i smallest:
//
//	x_i = i/n,  y_i = Σ_{j≤i} x_(j) / Σ_j x_j,    i = 0..n
//
// Both slices have n+1 points and start at (0, 0); y ends at 1 unless the
// total is 0, in which case y is all zeros. The Gini coefficient is twice
// the area between the curve and the diagonal.
func Lorenz(sizes []float64) (x, y []float64) {
	n := len(sizes)
	asc := slices.Clone(sizes)
	slices.Sort(asc)
	var total float64
	for _, v := range asc {
		total += v
	}
	x = make([]float64, n+1)
	y = make([]float64, n+1)
	var cum float64
	for i, v := range asc {
		cum += v
		x[i+1] = float64(i+1) / float64(n)
		if total > 0 {
			y[i+1] = cum / total
		}
	}
	return x, y
}

// Entropy returns the Shannon entropy of a share vector in bits, and the
// same normalised by its maximum for the number of providers present
// (Pielou's evenness):
//
//	H = −Σ_i s_i·log₂ s_i    (terms with s_i = 0 are 0)
//	J = H / log₂ m           m = number of shares above 0
//
// H is 0 for a single provider and log₂ m for m equal providers; J is in
// [0, 1], and defined as 0 when m < 2. The entropy is computed by gonum's
// stat.Entropy, in nats, and converted to bits.
//
// Unlike HHI, Entropy checks its input: it returns an error wrapping
// ErrNotShares when a share is negative, NaN or infinite, or when the
// shares do not sum to 1 (within 1e-9), for instance when given
// percentages or raw counts.
func Entropy(shares []float64) (bits, normalised float64, err error) {
	var sum float64
	for i, s := range shares {
		if s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
			return 0, 0, fmt.Errorf("%w: share #%d is %v", ErrNotShares, i, s)
		}
		sum += s
	}
	if math.Abs(sum-1) > shareTolerance {
		return 0, 0, fmt.Errorf("%w: shares sum to %v, not 1", ErrNotShares, sum)
	}
	bits, normalised = entropy(shares)
	return bits, normalised, nil
}

// entropy is Entropy without the input checks, for vectors built by this
// package.
func entropy(shares []float64) (bits, normalised float64) {
	bits = stat.Entropy(shares) / math.Ln2
	m := 0
	for _, s := range shares {
		if s > 0 {
			m++
		}
	}
	if m < 2 {
		// One provider: H is 0 up to rounding, and J has no meaning.
		return max(bits, 0), 0
	}
	return bits, bits / math.Log2(float64(m))
}

// EffectiveN returns the effective number of providers implied by an HHI
// on the 0..10,000 scale: the number of equal-sized providers that would
// give the same HHI,
//
//	N_eff = 10,000 / HHI
//
// It is 1 for a monopoly and n for n equal providers. It is 0 when hhi is
// not positive (no provider at all).
func EffectiveN(hhi float64) float64 {
	if hhi <= 0 {
		return 0
	}
	return 10000 / hhi
}
