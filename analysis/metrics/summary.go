package metrics

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Options tunes Compute. The zero value is ready to use.
type Options struct {
	// Layers are the layers to summarise, in this order; nil means
	// catalog.Layers. Summary.Any is computed over those of them that
	// are in AnyLayers.
	Layers []catalog.Layer
	// Bootstrap is the number of bootstrap replicates for the 95 %
	// intervals of the HHI and the top shares; 0 disables them.
	Bootstrap int
	// Seed seeds the bootstrap: the same seed and results give the same
	// intervals.
	Seed uint64
	// Countries gives the country of each site of the list (domain ->
	// ISO 3166-1 alpha-2 code, from the list's country column); when it
	// is not empty, Summary.Countries has the concentration of every
	// layer per country of the sites.
	Countries map[string]string
}

// AnyLayer names the summary over all layers together (Summary.Any): a
// domain uses a provider when it uses it on any layer of AnyLayers.
const AnyLayer catalog.Layer = "any"

// AnyLayers are the layers the "any" summary spans: the serving layers and
// e-mail. The ca and tld layers do not join it: every domain has exactly
// one registry and nearly every one a CA, so they would put a registry
// and a CA in every domain's provider set, make "any" known for every
// domain with a TLD, and drown the shares of the providers that serve
// the sites. They have their own summaries.
var AnyLayers = []catalog.Layer{catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail}

// StateNotMeasured is the state of a layer the crawl did not measure: the
// ca layer of a resolved domain (status ok) whose observation has no TLS
// probe at all (a crawl run with --no-probe, or an observation file
// written before the probes existed, schema version 1). It is not one of
// classify.States: analyze sets it with NotMeasured. A domain whose
// lookups failed stays unresolved. Such a domain is counted apart
// (LayerSummary.NotMeasured), never as "none" (no CA): like every state
// but known it is outside the denominators of shares and rates, and it
// is shown as "not measured", not as a finding.
const StateNotMeasured classify.State = "not_measured"

// Summary is the concentration summary of a classified domain list.
type Summary struct {
	// Domains is the number of results, one per input domain.
	Domains int `json:"domains"`
	// Statuses counts the results by crawl status. Every status of
	// dnscrawl.Statuses is present, with 0 when no domain has it; a
	// status outside that set is counted under its own name.
	Statuses map[dnscrawl.Status]int `json:"statuses"`
	// Layers has one entry per layer, in Options.Layers order.
	Layers []LayerSummary `json:"layers"`
	// Any is the summary over the layers of AnyLayers together (Layer is
	// AnyLayer): a domain is known when it has a provider on one of them,
	// and uses a provider when it uses it on any of them. Its state
	// otherwise is the first of unattributed, unresolved, none that one
	// of its layers has.
	Any LayerSummary `json:"any"`
	// Countries has one entry per country of the sites (Options.Countries),
	// by country code; empty when the list gives no country.
	Countries []CountrySummary `json:"countries,omitempty"`
}

// Layer returns the summary of layer l.
func (s *Summary) Layer(l catalog.Layer) (*LayerSummary, bool) {
	for i := range s.Layers {
		if s.Layers[i].Layer == l {
			return &s.Layers[i], true
		}
	}
	return nil, false
}

// LayerSummary describes one layer of the list. Rates and shares are
// fractions of Known and are 0 when Known is 0.
type LayerSummary struct {
	Layer catalog.Layer `json:"layer"`
	// Domains is the list size; Known + None + Unattributed + Unresolved
	// + NotMeasured add up to it (see classify.State and
	// StateNotMeasured).
	Domains      int `json:"domains"`
	Known        int `json:"known"`
	None         int `json:"none"`
	Unattributed int `json:"unattributed"`
	Unresolved   int `json:"unresolved"`
	NotMeasured  int `json:"not_measured"`
	// Ranked is the number of known domains with a rank: the base of the
	// rank-weighted shares.
	Ranked int `json:"ranked"`
	// Providers is the number of distinct third-party providers ("self"
	// excluded): the length of the concentration vector.
	Providers int `json:"providers"`
	// SelfHosted is the number of known domains with at least one
	// self-hosted server on the layer.
	SelfHosted int `json:"self_hosted"`
	// CriticalDomains is the number of known domains critically dependent
	// on one third-party provider (classify.Result.Critical).
	CriticalDomains int `json:"critical_domains"`
	// RedundantDomains is the number of known domains with two providers
	// or more on the layer, a self-hosted server counting as one.
	RedundantDomains int `json:"redundant_domains"`

	// Concentration of the third-party providers; see the package doc.
	HHI         float64 `json:"hhi"`
	CR1         float64 `json:"cr1"`
	CR3         float64 `json:"cr3"`
	CR5         float64 `json:"cr5"`
	Gini        float64 `json:"gini"`
	EntropyBits float64 `json:"entropy_bits"`
	EntropyNorm float64 `json:"entropy_norm"`
	EffectiveN  float64 `json:"effective_n"`
	// EMD is the centralisation of the layer after Akiwate et al. (IMC
	// 2024): the Earth Mover's Distance of the distribution of the known
	// domains over providers from one provider per domain, each
	// self-hosted domain counting as its own provider (see EMD). 0 is
	// fully decentralised, just under 0.5 one provider for all, and close
	// to 0.5 whenever the providers are far fewer than the domains.
	EMD float64 `json:"emd"`

	// Weighted concentration: the same figures over the providers' rank
	// weights (Σ 1/rank of the known domains using each) instead of their
	// domain counts; equal to the unweighted ones when no domain has a
	// rank.
	WeightedHHI         float64 `json:"weighted_hhi"`
	WeightedCR1         float64 `json:"weighted_cr1"`
	WeightedCR3         float64 `json:"weighted_cr3"`
	WeightedCR5         float64 `json:"weighted_cr5"`
	WeightedGini        float64 `json:"weighted_gini"`
	WeightedEntropyBits float64 `json:"weighted_entropy_bits"`
	WeightedEntropyNorm float64 `json:"weighted_entropy_norm"`
	WeightedEffectiveN  float64 `json:"weighted_effective_n"`

	// LorenzX and LorenzY are the Lorenz curve of the third-party
	// providers' domain counts (see Lorenz).
	LorenzX []float64 `json:"lorenz_x"`
	LorenzY []float64 `json:"lorenz_y"`

	// Bootstrap is the number of replicates behind HHILow and HHIHigh,
	// the 95 % percentile interval of the HHI when the domains of the
	// list are resampled with replacement (0: not computed).
	Bootstrap int     `json:"bootstrap"`
	HHILow    float64 `json:"hhi_low"`
	HHIHigh   float64 `json:"hhi_high"`

	// Coverage counts the known domains by how their providers on the
	// layer were named, by the strongest evidence among them: a product
	// suffix of the catalog (on ca and tld: its issuer patterns and TLD
	// registry table), a company's owner domain, the address
	// (published range or AS of a catalogued provider), self-hosting, or
	// only operators the catalog does not know (named by registrable
	// domain or AS). The five add up to Known.
	Coverage Coverage `json:"coverage"`

	// CriticalRate is CriticalDomains / Known.
	CriticalRate float64 `json:"critical_rate"`
	// RedundancyRate is RedundantDomains / Known.
	RedundancyRate float64 `json:"redundancy_rate"`
	// SelfHostedRate is SelfHosted / Known.
	SelfHostedRate float64 `json:"self_hosted_rate"`

	// Rows has one row per provider seen on the layer, "self" included,
	// sorted by Domains (descending) then Provider.
	Rows []ProviderRow `json:"rows"`
}

// Coverage is how the providers of the known domains of a layer were
// named (LayerSummary.Coverage).
type Coverage struct {
	Suffix       int `json:"suffix"`
	OwnerDomain  int `json:"owner_domain"`
	Address      int `json:"address"`
	Self         int `json:"self"`
	Uncatalogued int `json:"uncatalogued"`
}

// The ways a dependency was named, best first: the field of Coverage
// that counts a domain is the best of its dependencies on the layer.
const (
	covSuffix = iota
	covOwnerDomain
	covAddress
	covSelf
	covUncatalogued
	covNone // no dependency on the layer
)

// coverageOf returns how dependency d was named.
func coverageOf(d *classify.Dependency) int {
	switch {
	case d.Provider == classify.SelfProvider:
		return covSelf
	case d.Uncatalogued:
		return covUncatalogued
	case d.Evidence == classify.EvidenceNSSuffix || d.Evidence == classify.EvidenceCNAMESuffix || d.Evidence == classify.EvidenceMXSuffix,
		d.Evidence == classify.EvidenceIssuer || d.Evidence == classify.EvidenceTLD:
		return covSuffix
	case d.Evidence == classify.EvidenceOwnerDomain:
		return covOwnerDomain
	}
	return covAddress
}

// field returns the field of c that counts a domain whose best dependency
// on the layer was named as best says (coverageOf); nil for covNone.
func (c *Coverage) field(best int) *int {
	switch best {
	case 0:
		return &c.Suffix
	case 1:
		return &c.OwnerDomain
	case 2:
		return &c.Address
	case 3:
		return &c.Self
	case 4:
		return &c.Uncatalogued
	}
	return nil
}

// ProviderRow is one provider on one layer.
type ProviderRow struct {
	// Provider is the company id, or classify.SelfProvider, or the name of
	// an operator the catalog does not know (a registrable domain,
	// "as64500").
	Provider string `json:"provider"`
	// Catalogued is false for an operator the catalog does not know.
	Catalogued bool          `json:"catalogued"`
	Layer      catalog.Layer `json:"layer"`
	// Domains is the number of known domains using the provider on the
	// layer, alone or with others.
	Domains int `json:"domains"`
	// Share is Domains / Known. A domain counts once for each provider it
	// uses, so the shares of a layer can add up to more than 1.
	Share float64 `json:"share"`
	// WeightedShare is Share with each domain weighted 1/rank (Zipf):
	// Σ 1/rank over the ranked domains using the provider divided by
	// Σ 1/rank over the ranked known domains. Domains without a rank
	// weigh 0; when no known domain of the layer has a rank it equals
	// Share.
	WeightedShare float64 `json:"weighted_share"`
	// CriticalDomains is the number of domains whose only provider on the
	// layer is this one (always 0 for "self").
	CriticalDomains int `json:"critical_domains"`
	// CriticalShare is CriticalDomains / Known.
	CriticalShare float64 `json:"critical_share"`
	// ShareLow and ShareHigh are the bootstrap 95 % interval of Share for
	// the BootstrapTop largest third-party providers of the layer; both
	// are 0 for the other rows and when the bootstrap is off.
	ShareLow  float64 `json:"share_low"`
	ShareHigh float64 `json:"share_high"`
}

// BootstrapTop is the number of largest providers per layer whose shares
// get bootstrap intervals.
const BootstrapTop = 5

// Concentration returns the concentration vector of the layer: the
// domain counts of the third-party providers ("self" excluded),
// normalised to sum to 1, largest first. It is empty when the layer has
// no third-party provider.
func (ls *LayerSummary) Concentration() []float64 {
	return Shares(thirdPartySizes(ls.Rows))
}

func thirdPartySizes(rows []ProviderRow) []float64 {
	sizes := make([]float64, 0, len(rows))
	for _, r := range rows {
		if r.Provider != classify.SelfProvider {
			sizes = append(sizes, float64(r.Domains))
		}
	}
	return sizes
}

// providerAcc accumulates one provider on one layer.
type providerAcc struct {
	domains    int
	weight     float64
	critical   int
	catalogued bool
}

// layerAcc accumulates one layer.
type layerAcc struct {
	sum       LayerSummary
	weight    float64 // Σ 1/rank over ranked known domains
	providers map[string]*providerAcc
	// groups counts the known domains by their set of providers on the
	// layer (joined by groupSep), for the bootstrap: domains with the same
	// set are exchangeable.
	groups map[string]int
	// multi counts the sets of several providers apart from groups (the
	// bootstrap reads both), each count behind a pointer so that a set
	// seen before costs a lookup and no key; key is the buffer of a set's
	// key.
	multi map[string]*int
	key   []byte
}

// groupSep joins provider ids in a bootstrap group key; it cannot occur
// in a provider id.
const groupSep = "\x00"

// Compute summarises results, one per input domain, layer by layer.
//
// The state of a domain on a layer is taken from Result.States, with the
// dependencies overriding it where the two disagree so that the counts
// always add up: a domain with a dependency on the layer is known; one
// marked known without any dependency is counted unattributed; one with
// no state, or a state outside classify.States, and no dependency is
// counted unresolved.
//
// Shares count a domain once per provider it uses, over the known
// domains; concentration figures (HHI, CR-k, Gini, entropy, effective
// number) are over the third-party providers' domain counts normalised
// to sum to 1, with "self" excluded and reported as SelfHosted. See the
// package documentation.
func Compute(results []classify.Result, opts Options) *Summary {
	layers := opts.Layers
	if layers == nil {
		layers = catalog.Layers
	}
	sum := &Summary{
		Domains:  len(results),
		Statuses: make(map[dnscrawl.Status]int, len(dnscrawl.Statuses)),
	}
	for _, st := range dnscrawl.Statuses {
		sum.Statuses[st] = 0
	}
	accs := make([]layerAcc, len(layers)+1)
	for i, l := range append(slices.Clone(layers), AnyLayer) {
		accs[i] = layerAcc{
			sum:       LayerSummary{Layer: l, Domains: len(results)},
			providers: make(map[string]*providerAcc),
		}
		if opts.Bootstrap > 0 {
			accs[i].groups, accs[i].multi = make(map[string]int), make(map[string]*int)
		}
	}
	anyAcc := &accs[len(layers)]
	var anyLayers []catalog.Layer
	for _, l := range layers {
		if slices.Contains(AnyLayers, l) {
			anyLayers = append(anyLayers, l)
		}
	}

	// Visit ranked domains by rank so that floating-point sums of rank
	// weights do not depend on the order of results.
	order := make([]int, len(results))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(results[a].Rank, results[b].Rank) })

	inAny := make([]bool, len(layers))
	for j, l := range layers {
		inAny[j] = slices.Contains(anyLayers, l)
	}
	var ps []string // one slice for the providers of every domain and layer
	var deps []domainDep
	states := make([]classify.State, len(layers))
	for _, i := range order {
		r := &results[i]
		sum.Statuses[r.Status]++
		var w float64
		if r.Rank > 0 {
			w = 1 / float64(r.Rank)
		}
		deps = readDeps(deps[:0], r, layers)
		for j, l := range layers {
			var cov int
			ps, cov = layerProviders(ps[:0], deps, func(k int) bool { return k == j })
			states[j] = effectiveState(r.States[l], len(ps) > 0)
			accs[j].add(r, ps, states[j], w, layers[j:j+1], cov)
		}
		var cov int
		ps, cov = layerProviders(ps[:0], deps, func(k int) bool { return inAny[k] })
		anyAcc.add(r, ps, anyOf(states, inAny), w, anyLayers, cov)
	}
	// Layers are finished in parallel: with the bootstrap on, each is
	// seconds of independent work on a large list.
	done := make([]LayerSummary, len(accs))
	var wg sync.WaitGroup
	for j := range accs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			done[j] = accs[j].finish(opts)
		}()
	}
	wg.Wait()
	sum.Layers = done[:len(layers)]
	sum.Any = done[len(layers)]
	if len(opts.Countries) > 0 {
		sum.Countries = byCountry(results, opts.Countries, layers)
	}
	return sum
}

// domainDep is what Compute reads of one dependency of a domain: the
// index of its layer in the layers summarised, its provider and how it
// was named (coverageOf).
type domainDep struct {
	layer    int
	provider string
	coverage int
}

// layerProviders appends to out the distinct providers of deps on the
// layers in says yes to, sorted, and returns it with the best coverage
// of those dependencies (covNone without any).
func layerProviders(out []string, deps []domainDep, in func(layer int) bool) ([]string, int) {
	start, best := len(out), covNone
	for i := range deps {
		d := &deps[i]
		if !in(d.layer) {
			continue
		}
		if !slices.Contains(out[start:], d.provider) {
			out = append(out, d.provider)
		}
		best = min(best, d.coverage)
	}
	if len(out)-start > 1 {
		slices.Sort(out[start:])
	}
	return out, best
}

func hasLayer(r *classify.Result, l catalog.Layer) bool {
	for i := range r.NumDeps() {
		if r.DepLayer(i) == l {
			return true
		}
	}
	return false
}

// readDeps appends to out the dependencies of r on layers, each read
// once for every layer Compute counts.
func readDeps(out []domainDep, r *classify.Result, layers []catalog.Layer) []domainDep {
	var layer catalog.Layer
	lj := -1
	for i := range r.NumDeps() {
		d := r.Dep(i)
		if d.Layer != layer || lj < 0 {
			layer, lj = d.Layer, slices.Index(layers, d.Layer)
		}
		if lj >= 0 {
			out = append(out, domainDep{layer: lj, provider: d.Provider, coverage: coverageOf(&d)})
		}
	}
	return out
}

// anyState is the state of r over all layers: known when a layer is
// known, else the first of unattributed, unresolved and none that a
// layer has (unresolved when there is no layer).
func anyState(r *classify.Result, layers []catalog.Layer) classify.State {
	states := make([]classify.State, len(layers))
	for j, l := range layers {
		states[j] = effectiveState(r.States[l], hasLayer(r, l))
	}
	return anyOf(states, nil)
}

// anyOf is anyState from the effective states of the layers, of those
// in says yes to (all for nil).
func anyOf(states []classify.State, in []bool) classify.State {
	var seen [4]bool
	for j, st := range states {
		if in != nil && !in[j] {
			continue
		}
		switch st {
		case classify.StateKnown:
			return classify.StateKnown
		case classify.StateUnattributed:
			seen[0] = true
		case classify.StateUnresolved:
			seen[1] = true
		case classify.StateNone, StateNotMeasured:
			seen[2] = true
		}
	}
	switch {
	case seen[0]:
		return classify.StateUnattributed
	case seen[1]:
		return classify.StateUnresolved
	case seen[2]:
		return classify.StateNone
	}
	return classify.StateUnresolved
}

// add counts r on the layer, where it has providers ps (sorted, distinct)
// and state st; w is its rank weight, 0 when unranked; layers are the
// layers the accumulator covers (one, or all for "any").
//
// cov is how the best of r's dependencies on the layers was named
// (coverageOf).
func (a *layerAcc) add(r *classify.Result, ps []string, st classify.State, w float64, layers []catalog.Layer, cov int) {
	switch st {
	case classify.StateNone:
		a.sum.None++
		return
	case classify.StateUnattributed:
		a.sum.Unattributed++
		return
	case classify.StateUnresolved:
		a.sum.Unresolved++
		return
	case StateNotMeasured:
		a.sum.NotMeasured++
		return
	}
	a.sum.Known++
	if w > 0 {
		a.sum.Ranked++
		a.weight += w
	}
	if n := a.sum.Coverage.field(cov); n != nil {
		*n++
	}
	for _, p := range ps {
		pa := a.providers[p]
		if pa == nil {
			pa = &providerAcc{catalogued: catalogued(r, p)}
			a.providers[p] = pa
		}
		pa.domains++
		pa.weight += w
		if p == classify.SelfProvider {
			a.sum.SelfHosted++
		}
	}
	if len(ps) >= 2 {
		a.sum.RedundantDomains++
	}
	if critical(r, ps, layers) {
		a.providers[ps[0]].critical++
		a.sum.CriticalDomains++
	}
	if a.groups != nil {
		if len(ps) == 1 {
			a.groups[ps[0]]++
			return
		}
		// The key in a buffer: a new string only for a new set.
		a.key = append(a.key[:0], ps[0]...)
		for _, p := range ps[1:] {
			a.key = append(append(a.key, groupSep...), p...)
		}
		if n := a.multi[string(a.key)]; n != nil {
			*n++
		} else {
			a.multi[string(a.key)] = new(1)
		}
	}
}

// critical reports whether r, with providers ps on layers, depends
// critically on its one provider there: for one layer, as
// classify.Result.Critical says (which knows, on the ca layer, whether
// the certificate's OCSP status is stapled); over several layers ("any"),
// when ps is one third-party provider.
func critical(r *classify.Result, ps []string, layers []catalog.Layer) bool {
	if len(layers) == 1 {
		_, ok := r.Critical(layers[0])
		return ok
	}
	return len(ps) == 1 && ps[0] != classify.SelfProvider
}

// catalogued reports whether provider p of r is a catalogued one (or
// self): whether any dependency of r on p says so.
func catalogued(r *classify.Result, p string) bool {
	for i := range r.NumDeps() {
		if r.DepProvider(i) == p {
			return !r.Dep(i).Uncatalogued
		}
	}
	return true
}

// effectiveState reconciles the recorded state of a layer with whether
// the domain has dependencies on it.
func effectiveState(st classify.State, hasDeps bool) classify.State {
	switch {
	case hasDeps:
		return classify.StateKnown
	case st == classify.StateKnown:
		return classify.StateUnattributed
	case st == classify.StateNone, st == classify.StateUnattributed, st == classify.StateUnresolved, st == StateNotMeasured:
		return st
	}
	return classify.StateUnresolved
}

// finish turns the accumulated counts into the layer summary.
func (a *layerAcc) finish(opts Options) LayerSummary {
	s := a.sum
	known := float64(s.Known)
	frac := func(n int) float64 {
		if s.Known == 0 {
			return 0
		}
		return float64(n) / known
	}
	s.Rows = make([]ProviderRow, 0, len(a.providers))
	for p, pa := range a.providers {
		row := ProviderRow{
			Provider:        p,
			Catalogued:      pa.catalogued,
			Layer:           s.Layer,
			Domains:         pa.domains,
			Share:           frac(pa.domains),
			CriticalDomains: pa.critical,
			CriticalShare:   frac(pa.critical),
		}
		row.WeightedShare = row.Share
		if a.weight > 0 {
			row.WeightedShare = pa.weight / a.weight
		}
		s.Rows = append(s.Rows, row)
	}
	slices.SortFunc(s.Rows, func(x, y ProviderRow) int {
		if c := cmp.Compare(y.Domains, x.Domains); c != 0 {
			return c
		}
		return strings.Compare(x.Provider, y.Provider)
	})

	shares := s.Concentration() // already in decreasing order
	s.Providers = len(shares)
	s.HHI = HHICounts(thirdPartySizes(s.Rows))
	s.CR1 = CR(shares, 1)
	s.CR3 = CR(shares, 3)
	s.CR5 = CR(shares, 5)
	s.Gini = Gini(shares)
	if len(shares) > 0 {
		s.EntropyBits, s.EntropyNorm = entropy(shares)
	}
	s.EffectiveN = EffectiveN(s.HHI)
	s.EMD = EMD(sizesWithSelf(s.Rows, s.SelfHosted))
	s.LorenzX, s.LorenzY = Lorenz(thirdPartySizes(s.Rows))

	var wsizes []float64
	for _, r := range s.Rows {
		if r.Provider != classify.SelfProvider {
			wsizes = append(wsizes, a.providers[r.Provider].weight)
		}
	}
	if a.weight == 0 {
		wsizes = thirdPartySizes(s.Rows)
	}
	wshares := Shares(wsizes)
	slices.SortFunc(wshares, descending)
	s.WeightedHHI = HHI(wshares)
	s.WeightedCR1, s.WeightedCR3, s.WeightedCR5 = CR(wshares, 1), CR(wshares, 3), CR(wshares, 5)
	s.WeightedGini = Gini(wshares)
	if slices.ContainsFunc(wshares, func(x float64) bool { return x > 0 }) {
		s.WeightedEntropyBits, s.WeightedEntropyNorm = entropy(wshares)
	}
	s.WeightedEffectiveN = EffectiveN(s.WeightedHHI)
	if opts.Bootstrap > 0 && s.Domains > 0 {
		a.bootstrap(&s, opts)
	}
	s.CriticalRate = frac(s.CriticalDomains)
	s.RedundancyRate = frac(s.RedundantDomains)
	s.SelfHostedRate = frac(s.SelfHosted)
	return s
}
