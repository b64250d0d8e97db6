package metrics

// GroupKey is the key of a bootstrap group: the sorted, distinct
// providers of a known domain on a layer, joined as Compute joins them.
func GroupKey(providers []string) string {
	key := ""
	for i, p := range providers {
		if i > 0 {
			key += groupSep
		}
		key += p
	}
	return key
}

// BootstrapGroups sets the bootstrap intervals of ls (Bootstrap, HHILow,
// HHIHigh and the top rows' ShareLow and ShareHigh) as Compute does with
// opts.Bootstrap replicates, from groups: the number of known domains of
// each set of providers (GroupKey). It is for an engine that counts the
// groups itself (pipeline.DuckDBEngine, in SQL); ls must be complete
// otherwise (Domains, Known, Rows).
func BootstrapGroups(ls *LayerSummary, groups map[string]int, opts Options) {
	if opts.Bootstrap <= 0 || ls.Domains == 0 {
		return
	}
	a := layerAcc{providers: make(map[string]*providerAcc, len(ls.Rows)), groups: groups}
	for _, r := range ls.Rows {
		a.providers[r.Provider] = &providerAcc{}
	}
	a.bootstrap(ls, opts)
}
