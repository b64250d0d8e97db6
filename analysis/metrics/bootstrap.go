package metrics

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
)

// bootstrap sets the 95 % percentile intervals of the HHI and of the
// shares of the BootstrapTop largest third-party providers of s.
//
// It is the Poisson bootstrap (Hanley and MacGibbon 2006; Chamandy et
// al. 2012): in one replicate each domain of the list, unknown ones
// included, is drawn a Poisson(1) number of times instead of the
// multinomial counts of n draws with replacement, which it approximates
// closely for lists of more than a few dozen domains and which can be
// drawn independently. Shares are recomputed over the known domains drawn
// and the HHI over the third-party providers. Domains with the same set of
// providers on the layer are exchangeable, so a set of g domains is drawn
// at once, Poisson(g): the cost is in the number of distinct sets, not of
// domains. The interval is the 2.5 % and 97.5 % empirical quantiles of
// opts.Bootstrap replicates (fewer when the sets are so many that they
// would cost more than bootstrapBudget draws); a replicate that draws no known domain has
// no figures and is left out (Bootstrap says how many were kept). The
// random source is PCG seeded with opts.Seed and the layer name, so the
// intervals are the same from run to run.
func (a *layerAcc) bootstrap(s *LayerSummary, opts Options) {
	type group struct {
		n         int
		providers []int // indexes into ids
	}
	ids := make([]string, 0, len(a.providers))
	for p := range a.providers {
		ids = append(ids, p)
	}
	slices.Sort(ids)
	index := make(map[string]int, len(ids))
	for i, p := range ids {
		index[p] = i
	}
	// The sets of one provider are in groups, those of several in multi
	// (when Compute counted them).
	keys := make([]string, 0, len(a.groups)+len(a.multi))
	size := 0
	for k := range a.groups {
		keys = append(keys, k)
		size++
	}
	for k := range a.multi {
		keys = append(keys, k)
		size += 1 + strings.Count(k, groupSep)
	}
	slices.Sort(keys) // fixed order: the draws depend on it
	groups := make([]group, 0, len(keys)+1)
	flat := make([]int, 0, size) // the providers of every group, one after the other
	for _, k := range keys {
		start := len(flat)
		for rest, more := k, true; more; {
			var p string
			p, rest, more = strings.Cut(rest, groupSep)
			flat = append(flat, index[p])
		}
		n, ok := a.groups[k]
		if !ok {
			n = *a.multi[k]
		}
		groups = append(groups, group{n: n, providers: flat[start:]})
	}
	if unknown := s.Domains - s.Known; unknown > 0 {
		groups = append(groups, group{n: unknown}) // no provider: not known
	}
	self, hasSelf := index[classify.SelfProvider]
	var top []int
	for _, r := range s.Rows {
		if len(top) == BootstrapTop {
			break
		}
		if r.Provider != classify.SelfProvider {
			top = append(top, index[r.Provider])
		}
	}

	h := fnv.New64a()
	h.Write([]byte(s.Layer))
	src := rand.NewPCG(opts.Seed, h.Sum64())
	rng := rand.New(src)
	// Bound the work: a layer where nearly every domain has its own set of
	// providers (the any-layer summary of a large list) gets fewer
	// replicates, never fewer than minReplicates.
	B := opts.Bootstrap
	if len(groups)*B > bootstrapBudget {
		B = max(min(B, minReplicates), bootstrapBudget/max(len(groups), 1))
	}
	hhis := make([]float64, 0, B)
	topShares := make([][]float64, len(top))
	for i := range topShares {
		topShares[i] = make([]float64, 0, B)
	}
	counts := make([]float64, len(ids))
	sizes := make([]float64, 0, len(ids))
	for range B {
		clear(counts)
		known := 0.0
		for _, g := range groups {
			m := poisson(rng, src, g.n)
			if m == 0 {
				continue
			}
			if len(g.providers) > 0 {
				known += m
			}
			for _, p := range g.providers {
				counts[p] += m
			}
		}
		if known == 0 {
			continue // no known domain drawn: the figures are undefined
		}
		sizes = sizes[:0]
		for i, c := range counts {
			if !hasSelf || i != self {
				sizes = append(sizes, c)
			}
		}
		hhis = append(hhis, HHI(Shares(sizes)))
		for i, p := range top {
			topShares[i] = append(topShares[i], counts[p]/known)
		}
	}
	if len(hhis) == 0 {
		return
	}
	s.Bootstrap = len(hhis)
	s.HHILow, s.HHIHigh = interval(hhis)
	for i, p := range top {
		for j := range s.Rows {
			if s.Rows[j].Provider == ids[p] {
				s.Rows[j].ShareLow, s.Rows[j].ShareHigh = interval(topShares[i])
			}
		}
	}
}

// interval returns the 2.5 % and 97.5 % empirical quantiles of x, which
// it sorts (stat.Quantile needs sorted input).
func interval(x []float64) (lo, hi float64) {
	slices.Sort(x)
	return stat.Quantile(0.025, stat.Empirical, x, nil), stat.Quantile(0.975, stat.Empirical, x, nil)
}

// bootstrapBudget is the number of group draws (groups × replicates) one
// layer may spend on its bootstrap; above it the replicates are reduced
// to fit, down to minReplicates. LayerSummary.Bootstrap says how many
// were made.
const (
	bootstrapBudget = 50_000_000
	minReplicates   = 50
)

// poissonInversion is the largest mean drawn by inversion in poisson.
const poissonInversion = 30

// poissonCDF[n] is the cumulative distribution function of the Poisson
// distribution of mean n, for the means drawn by inversion, up to where
// it reaches 1 in float64.
var poissonCDF = func() (t [poissonInversion][]float64) {
	for n := range t {
		lambda := float64(n)
		pk := math.Exp(-lambda)
		cdf := pk
		t[n] = append(t[n], cdf)
		for k := 1.0; cdf < 1 && pk > 0; k++ {
			pk *= lambda / k
			cdf += pk
			t[n] = append(t[n], cdf)
		}
	}
	return t
}()

// poisson draws from the Poisson distribution of integer mean n. Means
// below poissonInversion, nearly every group of domains, are drawn by
// inversion on a table of the distribution function (n + 1 comparisons
// on average, no allocation); larger ones by gonum's
// distuv.Poisson.
func poisson(rng *rand.Rand, src rand.Source, n int) float64 {
	if n <= 0 {
		return 0
	}
	if n >= poissonInversion {
		return distuv.Poisson{Lambda: float64(n), Src: src}.Rand()
	}
	u := rng.Float64()
	cdf := poissonCDF[n]
	k := 0
	for k < len(cdf)-1 && u > cdf[k] {
		k++
	}
	return float64(k)
}
