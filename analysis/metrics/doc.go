// Package metrics measures how concentrated the dependence of a list of
// domains on its providers is.
//
// It has two parts. The first is plain numeric functions over vectors of
// shares or sizes (Shares, HHI, CR, Gini, Lorenz, Entropy, EffectiveN),
// each with its formula in its doc comment. They know nothing about
// domains. The second is Compute, which turns the classification of a
// list (one classify.Result per input domain) into a Summary: per layer,
// the state counts, one row per provider and the concentration figures,
// by domain count and by rank weight, the Lorenz curve, and bootstrap
// 95 % intervals of the HHI and the top shares (bootstrap.go); and the
// same over all layers together (Summary.Any).
//
// # Shares versus concentration
//
// Two different vectors are computed per layer, on purpose:
//
//   - The share of a provider is the fraction of the domains with a known
//     provider on the layer that use it. A domain is counted once for each
//     provider it uses, so a domain with two DNS providers counts for both,
//     and the shares of a layer can add up to more than 1. Self-hosting
//     ("self") has a row with its share, like a provider.
//   - The concentration figures (HHI, CR-k, Gini, entropy, effective
//     number) are computed over the third-party providers only: their
//     domain counts, "self" left out, normalised to sum to 1. Self-hosted
//     domains each run their own server; they are not one provider and are
//     reported apart (SelfHosted, SelfHostedRate).
//
// # EMD beside HHI
//
// EMD is the centralisation measure of Akiwate et al. (IMC 2024): the
// Earth Mover's Distance between the distribution of the sites over
// providers and one provider per site (see EMD for the formula, and for
// what of the paper's section 3 could be read: the providers' ranking as
// the support is ours). It equals (N+1)/2N − r̄/N, r̄ the mean rank of a
// site's provider, so with far fewer providers than sites it sits just
// under ½ on every layer and separates layers in the third decimal. Where
// the HHI leaves self-hosting out and looks at the large providers, the
// EMD takes each self-hosted site as a provider of its own and sees the
// long tail. Both are given per layer, and per country of the sites when
// the domain list gives one (Options.Countries, Summary.Countries).
//
// # Layers ca and tld
//
// They are summarised like the others. On ca a domain is critical when
// classify.Result.Critical says so (one CA and no OCSP stapling), and a
// domain whose crawl ran no TLS probe is "not measured"
// (StateNotMeasured, LayerSummary.NotMeasured), never "none". The "any"
// summary spans AnyLayers (dns, cdn, hosting, email) only.
//
// # Invariants
//
//   - For every layer, Known + None + Unattributed + Unresolved +
//     NotMeasured = Domains:
//     no input domain is dropped from a denominator.
//   - Shares and rates use Known as denominator; they are 0, not NaN,
//     when Known is 0 (read them together with Known).
//   - Output is deterministic for a given set of results, whatever their
//     order: provider rows are sorted by Domains (descending) then
//     provider id, and rank weights are summed in rank order.
//   - Nothing here does I/O, logs or keeps state between calls.
//
// What does not belong here: reading observations, classifying, failure
// propagation (package graph) and formatting (package reports).
package metrics
