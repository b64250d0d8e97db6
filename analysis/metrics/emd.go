package metrics

import (
	"slices"
)

// EMD returns the centralisation of a layer after Akiwate, Ruth, Habib
// and Durumeric, "On the Centralization and Regionalization of the Web"
// (ACM IMC 2024, arXiv:2406.19569, section 3): the Earth Mover's Distance
// (1-Wasserstein distance) between the observed distribution of sites over
// providers and the fully decentralised reference distribution in which
// every site has a provider of its own.
//
// What of the paper could be read here, and what is ours. The stored
// copies of the paper and of the authors' Internet Society Pulse post
// (December 2025, on the SIGCOMM 2025 follow-up) reach only their
// beginning: they state that centralisation is the statistical distance,
// by the Wasserstein distance (EMD), between the observed distribution of
// providers and a hypothetical decentralised one where every site has a
// unique provider, and that the metric must account for the number of
// providers and how the sites spread over them, cope with skewed
// distributions, and compare lists whatever providers are in them. The
// support of the two distributions, any normalisation and the paper's
// figures could not be read. The support below is ours: providers ranked
// from largest to smallest, which makes the figure independent of which
// providers they are, as the paper requires.
//
// sizes are the number of sites each provider serves. With N = Σ sizes
// sites, the providers are placed at the points 1/N, 2/N, …, 1 of [0, 1]
// by rank; the observed distribution puts the mass c_(k)/N of the k-th
// largest provider at point k/N (nothing on the points beyond the last
// provider), the decentralised one puts 1/N at every point. On a line the
// distance is the area between the two cumulative distributions:
//
//	EMD = Σ_{k=1..N} (1/N)·|F(k) − k/N|,    F(k) = Σ_{i≤k} c_(i) / N
//
// Ranking the providers by size makes F(k) ≥ k/N, so the absolute value
// drops and
//
//	EMD = (1/N²)·Σ_{k=1..N} (C_k − k),       C_k = Σ_{i≤min(k,M)} c_(i)
//
// with M the number of providers. Counting each site once per rank it
// covers, the same is
//
//	EMD = (N+1)/(2N) − r̄/N
//
// with r̄ the mean, over the sites, of the rank of the site's provider:
// the EMD says how far down the ranking the average site's provider sits,
// as a fraction of the list. It is 0 when every site has its own provider
// (r̄ = (N+1)/2) and (N−1)/(2N), just under ½, when one provider serves
// every site (r̄ = 1). When the providers are far fewer than the sites, as
// on every layer of a top list, r̄ is small against N and the EMD is close
// to ½ on every layer: it then separates layers in the third decimal only
// (the HHI and the effective number of providers separate them better),
// and it moves most with the long tail of single-site providers and
// self-hosting. Merging two providers never lowers it, moving a site from
// a smaller provider to a larger one never lowers it, and it does not
// depend on the order or names of the providers. Sizes that are not
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
