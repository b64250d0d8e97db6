package metrics

import (
	"slices"
)

// EMD returns the centralisation of a layer as defined by Akiwate, Ruth,
// Habib and Durumeric, "On the Centralization and Regionalization of the
// Web" (ACM IMC 2024, arXiv:2406.19569), section 3: the Earth Mover's
// Distance (1-Wasserstein distance) between the observed distribution of
// sites over providers and the fully decentralised distribution in which
// every site has a provider of its own.
//
// sizes are the number of sites each provider serves. With N = Σ sizes
// sites, the providers are ranked from largest to smallest and placed at
// the points 1/N, 2/N, …, 1 of [0, 1]; the observed distribution puts the
// mass c_(k)/N of the k-th largest provider at point k/N (nothing on the
// points beyond the last provider), the decentralised one puts 1/N at
// every point. On a line the distance is the area between the two
// cumulative distributions:
//
//	EMD = Σ_{k=1..N} (1/N)·|F(k) − k/N|,    F(k) = Σ_{i≤k} c_(i) / N
//
// Ranking the providers by size makes F(k) ≥ k/N, so the absolute value
// drops and
//
//	EMD = (1/N²)·Σ_{k=1..N} (C_k − k),       C_k = Σ_{i≤min(k,M)} c_(i)
//
// with M the number of providers. EMD is 0 when every site has its own
// provider and (N−1)/(2N), just under ½, when one provider serves every
// site. Unlike the HHI it sees the long tail: a list where 100 sites share
// 2 providers and one where they share 2 large providers and 40 one-site
// ones have the same top shares but different EMDs. Sizes that are not
// positive are ignored; EMD is 0 for no site.
//
// Each self-hosted site is its own provider here (a provider of size 1):
// it is the decentralised case itself. Summaries do this (LayerSummary.EMD);
// the HHI, by contrast, leaves self-hosting out.
func EMD(sizes []float64) float64 {
	desc := make([]float64, 0, len(sizes))
	var n float64
	for _, s := range sizes {
		if s > 0 {
			desc = append(desc, s)
			n += s
		}
	}
	if n == 0 {
		return 0
	}
	slices.SortFunc(desc, descending)
	// Σ_{k=1..N} C_k: the first M terms are the running sums, the N − M
	// others are N each.
	var sumC, c float64
	for _, s := range desc {
		c += s
		sumC += c
	}
	m := float64(len(desc))
	sumC += (n - m) * n
	emd := (sumC - n*(n+1)/2) / (n * n)
	return max(emd, 0) // rounding
}

// sizesWithSelf returns the sizes of the third-party providers of rows
// followed by one provider of size 1 for each of self self-hosted sites,
// the input of EMD.
func sizesWithSelf(rows []ProviderRow, self int) []float64 {
	sizes := thirdPartySizes(rows)
	for range self {
		sizes = append(sizes, 1)
	}
	return sizes
}
