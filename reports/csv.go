package reports

import (
	"cmp"
	"io"
	"iter"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Neutralize makes a CSV cell safe to open in a spreadsheet: a cell that
// begins with '=', '+', '-', '@', a tab or a carriage return would be
// read as a formula (CSV injection), so it gets a single quote in front.
// Other cells are returned unchanged. Invalid UTF-8 is replaced by
// U+FFFD so that every file is valid UTF-8.
//
// Every cell of every CSV file of this package goes through Neutralize,
// header included. Numeric cells are never negative, so they are never
// changed.
func Neutralize(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// writeCSV writes the header of T and then rows, one at a time, so that
// a large file is never held in memory. With no rows it writes the
// header alone. The cells are those gocsv would write (csvenc.go), in
// the form encoding/csv gives them, every cell through Neutralize
// (rowWriter).
func writeCSV[T any](w io.Writer, rows iter.Seq[T]) error {
	var cur T
	v := reflect.ValueOf(&cur).Elem()
	codec, err := codecOf(v.Type())
	if err != nil {
		return err
	}
	e := newRowWriter(w)
	e.row(codec.header)
	own, _ := any(&cur).(cellWriterTo)
	var cells []string
	for r := range rows {
		cur = r
		if own != nil {
			own.writeCells(e)
			e.end()
			continue
		}
		if cells, err = codec.appendCells(cells[:0], v); err != nil {
			return err
		}
		e.row(cells)
	}
	return e.flush()
}

// DomainRow is one row of domains.csv: one per input domain.
type DomainRow struct {
	Domain string `csv:"domain" parquet:"domain"`
	// Rank is the rank in the input list, 0 when the list has none.
	Rank int `csv:"rank" parquet:"rank"`
	// Country is the country of the site as the domain list gives it (its
	// country column, ISO 3166-1 alpha-2), empty when it gives none. It is
	// not where the site's servers are (countries.csv).
	Country string          `csv:"country" parquet:"country"`
	Status  dnscrawl.Status `csv:"status" parquet:"status"`
	// Error is the raw error text behind a status other than ok.
	Error string `csv:"error" parquet:"error"`
	// <layer>_providers are the providers on the layer ("self" included),
	// sorted and joined by ';'; <layer>_state is its classify.State;
	// <layer>_critical is true when the domain depends on one third-party
	// provider alone for the layer.
	DNSProviders     string         `csv:"dns_providers" parquet:"dns_providers"`
	DNSState         classify.State `csv:"dns_state" parquet:"dns_state"`
	DNSCritical      bool           `csv:"dns_critical" parquet:"dns_critical"`
	CDNProviders     string         `csv:"cdn_providers" parquet:"cdn_providers"`
	CDNState         classify.State `csv:"cdn_state" parquet:"cdn_state"`
	CDNCritical      bool           `csv:"cdn_critical" parquet:"cdn_critical"`
	HostingProviders string         `csv:"hosting_providers" parquet:"hosting_providers"`
	HostingState     classify.State `csv:"hosting_state" parquet:"hosting_state"`
	HostingCritical  bool           `csv:"hosting_critical" parquet:"hosting_critical"`
	EmailProviders   string         `csv:"email_providers" parquet:"email_providers"`
	EmailState       classify.State `csv:"email_state" parquet:"email_state"`
	EmailCritical    bool           `csv:"email_critical" parquet:"email_critical"`
	// The certificate authority of the site's certificate (www, else the
	// apex): ca_state is not_measured when the crawl ran no TLS probe;
	// ca_critical is true for one CA, an OCSP responder named and no
	// OCSP stapling.
	CAProviders string         `csv:"ca_providers" parquet:"ca_providers"`
	CAState     classify.State `csv:"ca_state" parquet:"ca_state"`
	CACritical  bool           `csv:"ca_critical" parquet:"ca_critical"`
	// The registry operator of the domain's TLD, and the TLD itself
	// ("com"; "uk" for a name under co.uk). tld_critical is true whenever
	// the registry is known: a TLD has one registry.
	TLDProviders string         `csv:"tld_providers" parquet:"tld_providers"`
	TLD          string         `csv:"tld" parquet:"tld"`
	TLDState     classify.State `csv:"tld_state" parquet:"tld_state"`
	TLDCritical  bool           `csv:"tld_critical" parquet:"tld_critical"`
	// SPOFProviders are the companies whose failure alone takes the domain
	// down (directly or through their upstreams): the blast radii it is
	// in, joined by ';'. Empty when no single provider can, or when the
	// graph was not computed.
	SPOFProviders string `csv:"spof_providers" parquet:"spof_providers"`
}

// layer returns the fields of r for layer l, nil for a layer without
// columns.
func (r *DomainRow) layer(l catalog.Layer) (providers *string, state *classify.State, critical *bool) {
	switch l {
	case catalog.LayerDNS:
		return &r.DNSProviders, &r.DNSState, &r.DNSCritical
	case catalog.LayerCDN:
		return &r.CDNProviders, &r.CDNState, &r.CDNCritical
	case catalog.LayerHosting:
		return &r.HostingProviders, &r.HostingState, &r.HostingCritical
	case catalog.LayerEmail:
		return &r.EmailProviders, &r.EmailState, &r.EmailCritical
	case catalog.LayerCA:
		return &r.CAProviders, &r.CAState, &r.CACritical
	case catalog.LayerTLD:
		return &r.TLDProviders, &r.TLDState, &r.TLDCritical
	}
	return nil, nil, nil
}

func domainRow(r *classify.Result) DomainRow {
	row := DomainRow{Domain: r.Domain, Rank: r.Rank, Status: r.Status, Error: r.Error}
	for _, l := range catalog.Layers {
		providers, state, critical := row.layer(l)
		if providers == nil {
			continue
		}
		*providers = r.JoinProviders(l, ";")
		*state = r.States[l]
		_, *critical = r.Critical(l)
	}
	var tlds []string
	for _, d := range r.Deps() {
		if d.Layer == catalog.LayerTLD && !slices.Contains(tlds, d.Service) {
			tlds = append(tlds, d.Service)
		}
	}
	slices.Sort(tlds)
	row.TLD = strings.Join(tlds, ";")
	return row
}

func (r *DomainRow) writeCells(e *rowWriter) {
	e.str(r.Domain)
	e.int(r.Rank)
	e.str(r.Country)
	e.str(string(r.Status))
	e.str(r.Error)
	for _, l := range domainLayers {
		providers, state, critical := r.layer(l)
		e.str(*providers)
		if l == catalog.LayerTLD {
			e.str(r.TLD)
		}
		e.str(string(*state))
		e.bool(*critical)
	}
	e.str(r.SPOFProviders)
}

// DependencyRow is one row of dependencies.csv: the columns of
// classify.Dependency, in its order.
type DependencyRow struct {
	Domain        string            `csv:"domain" parquet:"domain"`
	Rank          int               `csv:"rank" parquet:"rank"`
	Layer         catalog.Layer     `csv:"layer" parquet:"layer"`
	Provider      string            `csv:"provider" parquet:"provider"`
	Service       string            `csv:"service" parquet:"service"`
	Region        string            `csv:"region" parquet:"region"`
	Evidence      classify.Evidence `csv:"evidence" parquet:"evidence"`
	EvidenceValue string            `csv:"evidence_value" parquet:"evidence_value"`
	Confidence    float64           `csv:"confidence" parquet:"confidence"`
	ThirdParty    bool              `csv:"third_party" parquet:"third_party"`
	// Catalogued is false for an operator the catalog does not know,
	// named by its registrable domain or AS.
	Catalogued bool `csv:"catalogued" parquet:"catalogued"`
}

func (r *DependencyRow) writeCells(e *rowWriter) {
	e.str(r.Domain)
	e.int(r.Rank)
	r.writeDependencyCells(e, nil)
}

// writeDependencyCells writes the cells of r after its domain and rank;
// conf, when not nil, keeps the text of the confidences written.
func (r *DependencyRow) writeDependencyCells(e *rowWriter, conf *floatTexts) {
	e.str(string(r.Layer))
	e.str(r.Provider)
	e.str(r.Service)
	e.str(r.Region)
	e.str(string(r.Evidence))
	e.str(r.EvidenceValue)
	if conf != nil {
		e.sep()
		e.buf = append(e.buf, conf.of(e, r.Confidence)...)
	} else {
		e.float(r.Confidence)
	}
	e.bool(r.ThirdParty)
	e.bool(r.Catalogued)
}

// ProviderRow is one row of providers.csv: one per provider and layer,
// layers in catalog order, then as metrics.LayerSummary.Rows.
type ProviderRow struct {
	Layer           catalog.Layer `csv:"layer" parquet:"layer"`
	Provider        string        `csv:"provider" parquet:"provider"`
	Catalogued      bool          `csv:"catalogued" parquet:"catalogued"`
	Domains         int           `csv:"domains" parquet:"domains"`
	Share           float64       `csv:"share" parquet:"share"`
	WeightedShare   float64       `csv:"weighted_share" parquet:"weighted_share"`
	CriticalDomains int           `csv:"critical_domains" parquet:"critical_domains"`
	CriticalShare   float64       `csv:"critical_share" parquet:"critical_share"`
	// ShareLow and ShareHigh are the bootstrap 95 % interval of share for
	// the five largest providers of each layer (0 for the others).
	ShareLow  float64 `csv:"share_low" parquet:"share_low"`
	ShareHigh float64 `csv:"share_high" parquet:"share_high"`
}

// MetricsRow is one row of metrics.csv: one per layer, with the fields of
// metrics.LayerSummary of the same names.
type MetricsRow struct {
	Layer        catalog.Layer `csv:"layer" parquet:"layer"`
	Domains      int           `csv:"domains" parquet:"domains"`
	Known        int           `csv:"known" parquet:"known"`
	None         int           `csv:"none" parquet:"none"`
	Unattributed int           `csv:"unattributed" parquet:"unattributed"`
	Unresolved   int           `csv:"unresolved" parquet:"unresolved"`
	// NotMeasured counts the domains whose crawl did not measure the
	// layer (ca without a TLS probe); outside every denominator.
	NotMeasured int     `csv:"not_measured" parquet:"not_measured"`
	Providers   int     `csv:"providers" parquet:"providers"`
	SelfHosted  int     `csv:"self_hosted" parquet:"self_hosted"`
	HHI         float64 `csv:"hhi" parquet:"hhi"`
	CR1         float64 `csv:"cr1" parquet:"cr1"`
	CR3         float64 `csv:"cr3" parquet:"cr3"`
	CR5         float64 `csv:"cr5" parquet:"cr5"`
	Gini        float64 `csv:"gini" parquet:"gini"`
	EntropyBits float64 `csv:"entropy_bits" parquet:"entropy_bits"`
	EntropyNorm float64 `csv:"entropy_norm" parquet:"entropy_norm"`
	EffectiveN  float64 `csv:"effective_n" parquet:"effective_n"`
	// EMD is the centralisation after Akiwate et al. (IMC 2024), 0 (one
	// provider per domain) to just under 0.5 (one provider for all, and
	// near it whenever providers are far fewer than domains; see
	// metrics.EMD).
	EMD            float64 `csv:"emd" parquet:"emd"`
	CriticalRate   float64 `csv:"critical_rate" parquet:"critical_rate"`
	RedundancyRate float64 `csv:"redundancy_rate" parquet:"redundancy_rate"`
	SelfHostedRate float64 `csv:"self_hosted_rate" parquet:"self_hosted_rate"`
	// The concentration figures over rank weights (metrics.LayerSummary).
	WeightedHHI        float64 `csv:"weighted_hhi" parquet:"weighted_hhi"`
	WeightedCR1        float64 `csv:"weighted_cr1" parquet:"weighted_cr1"`
	WeightedCR3        float64 `csv:"weighted_cr3" parquet:"weighted_cr3"`
	WeightedCR5        float64 `csv:"weighted_cr5" parquet:"weighted_cr5"`
	WeightedGini       float64 `csv:"weighted_gini" parquet:"weighted_gini"`
	WeightedEntropy    float64 `csv:"weighted_entropy_bits" parquet:"weighted_entropy_bits"`
	WeightedEffectiveN float64 `csv:"weighted_effective_n" parquet:"weighted_effective_n"`
	// Bootstrap replicates behind the 95 % interval [hhi_low, hhi_high].
	Bootstrap int     `csv:"bootstrap" parquet:"bootstrap"`
	HHILow    float64 `csv:"hhi_low" parquet:"hhi_low"`
	HHIHigh   float64 `csv:"hhi_high" parquet:"hhi_high"`
	// How the known domains were attributed (metrics.Coverage): by the
	// strongest evidence among their providers on the layer.
	BySuffix       int `csv:"by_suffix" parquet:"by_suffix"`
	ByOwnerDomain  int `csv:"by_owner_domain" parquet:"by_owner_domain"`
	ByAddress      int `csv:"by_address" parquet:"by_address"`
	BySelf         int `csv:"by_self" parquet:"by_self"`
	ByUncatalogued int `csv:"by_uncatalogued" parquet:"by_uncatalogued"`
}

// sortedResults returns pointers to results in report order: ranked
// domains by rank, then unranked ones, each by domain name; remaining
// ties keep a fixed order on status and error text.
//
// The order is that of a stable sort; the position in results breaks the
// remaining ties, so that the faster unstable sort gives the same order.
func sortedResults(results []classify.Result) []*classify.Result {
	out := make([]*classify.Result, len(results))
	idx := reportIndex(results)
	for i := range results {
		j := i
		if idx != nil {
			j = int(idx[i])
		}
		out[i] = &results[j]
	}
	return out
}

// reportIndex returns the positions in results of the results in
// report order, nil when results are in report order already.
//
// The sort compares keys held in one array (sortKey) rather than the
// results: a million results are 128 MB and their names are scattered
// over the heap, so comparing them where they lie costs a cache miss or
// two at each of the twenty million comparisons. A key has the rank and
// the first eight bytes of the name; the results are only looked at when
// both tie.
func reportIndex(results []classify.Result) []int32 {
	sorted := true
	for i := 1; i < len(results) && sorted; i++ {
		sorted = reportOrder(&results[i-1], &results[i]) <= 0
	}
	if sorted {
		return nil
	}
	keys := make([]sortKey, len(results))
	for i := range results {
		keys[i] = newSortKey(&results[i], int32(i))
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.unranked != b.unranked {
			if a.unranked {
				return 1
			}
			return -1
		}
		if a.rank != b.rank {
			return cmp.Compare(a.rank, b.rank)
		}
		if a.prefix != b.prefix {
			return cmp.Compare(a.prefix, b.prefix)
		}
		if c := reportOrder(&results[a.at], &results[b.at]); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	idx := make([]int32, len(results))
	for i, k := range keys {
		idx[i] = k.at
	}
	return idx
}

// sortKey is what reportIndex sorts a result by before it looks at the
// result, as reportOrder has it: the ranked domains first (unranked is
// false), each by its rank, then the name, of which prefix is the first
// eight bytes, big-endian, with zero bytes after a shorter name, so that
// two prefixes compare as the names do or are equal. at is the position
// of the result.
type sortKey struct {
	rank     int
	prefix   uint64
	at       int32
	unranked bool
}

func newSortKey(r *classify.Result, at int32) sortKey {
	k := sortKey{rank: r.Rank, at: at, unranked: r.Rank <= 0}
	for i := range 8 {
		k.prefix <<= 8
		if i < len(r.Domain) {
			k.prefix |= uint64(r.Domain[i])
		}
	}
	return k
}

// reportOrder compares two results in report order.
func reportOrder(a, b *classify.Result) int {
	if (a.Rank > 0) != (b.Rank > 0) {
		if a.Rank > 0 {
			return -1
		}
		return 1
	}
	// Not cmp.Or: its arguments would all be computed, and comparing
	// the names of a million ranked domains costs more than the sort.
	if c := cmp.Compare(a.Rank, b.Rank); c != 0 {
		return c
	}
	if c := strings.Compare(a.Domain, b.Domain); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Status), string(b.Status)); c != 0 {
		return c
	}
	return strings.Compare(a.Error, b.Error)
}

// SortResults puts results in report order (that of domains.csv) in
// place. The writers sort what they are given; given sorted results they
// only check the order.
//
// The names of the domains are then copied, in that order, into one
// string that the results' Domain fields share: every writer reads them
// in report order, and names scattered over the heap in the order they
// were read cost each writer a cache miss per domain.
func SortResults(results []classify.Result) { SortResultsBy(results, ReportOrder(results)) }

// ReportOrder returns the order SortResults puts results in: the
// position, in results, of each result in report order (nil when they
// are in that order already). It reads only their domain, rank, status
// and error, so it may run while classify.Finish, which changes none of
// these, works on the same results.
func ReportOrder(results []classify.Result) []int32 { return reportIndex(results) }

// SortResultsBy is SortResults with the order ReportOrder returned for
// results (before any other change of their order). idx is consumed.
func SortResultsBy(results []classify.Result, idx []int32) {
	// Each result is moved once, along the cycles of the permutation,
	// instead of copying them all into a second slice (128 MB for a
	// million) and back.
	for i := range idx {
		if idx[i] == int32(i) {
			continue
		}
		held := results[i]
		j := i
		for {
			k := int(idx[j])
			idx[j] = int32(j)
			if k == i {
				results[j] = held
				break
			}
			results[j] = results[k]
			j = k
		}
	}
	packDomains(results)
}

// packDomains copies the names of results into one string, in their
// order, and points each result's Domain at its copy.
func packDomains(results []classify.Result) {
	n := 0
	for i := range results {
		n += len(results[i].Domain)
	}
	var b strings.Builder
	b.Grow(n)
	for i := range results {
		b.WriteString(results[i].Domain)
	}
	all := b.String()
	at := 0
	for i := range results {
		end := at + len(results[i].Domain)
		results[i].Domain = all[at:end]
		at = end
	}
}

// WriteDomains writes domains.csv: one DomainRow per result, in report
// order (by rank, then domain).
func WriteDomains(w io.Writer, results []classify.Result) error {
	return writeCSV(w, DomainRows(results, nil, nil))
}

// DomainRows yields the rows of domains.csv in report order. gr gives the
// spof_providers column and countries (domain -> country of the site)
// the country column; either may be nil.
func DomainRows(results []classify.Result, gr *GraphReport, countries map[string]string) iter.Seq[DomainRow] {
	return func(yield func(DomainRow) bool) {
		domainRows(sortedResults(results), gr, countries)(yield)
	}
}

// domainRows yields the rows of domains.csv of results already in report
// order.
func domainRows(sorted []*classify.Result, gr *GraphReport, countries map[string]string) iter.Seq[DomainRow] {
	spof := make(map[string]string)
	if gr != nil {
		for _, s := range gr.SPOF {
			spof[s.Domain] = strings.Join(s.Providers, ";")
		}
	}
	return func(yield func(DomainRow) bool) {
		for _, r := range sorted {
			row := domainRow(r)
			row.SPOFProviders = spof[r.Domain]
			row.Country = countries[r.Domain]
			if !yield(row) {
				return
			}
		}
	}
}

// depOrder is the order of dependency rows within a domain: layer in
// catalog order, provider, service, then the evidence.
func depOrder(a, b classify.Dependency) int {
	// Not cmp.Or, whose arguments would all be computed: this runs for
	// every dependency written.
	if a.Layer != b.Layer {
		if c := cmp.Compare(slices.Index(catalog.Layers, a.Layer), slices.Index(catalog.Layers, b.Layer)); c != 0 {
			return c
		}
	}
	if c := strings.Compare(a.Provider, b.Provider); c != 0 {
		return c
	}
	if c := strings.Compare(a.Service, b.Service); c != 0 {
		return c
	}
	if c := strings.Compare(a.Region, b.Region); c != 0 {
		return c
	}
	if c := strings.Compare(string(a.Evidence), string(b.Evidence)); c != 0 {
		return c
	}
	return strings.Compare(a.EvidenceValue, b.EvidenceValue)
}

// depsSorted reports whether the dependencies of r are in depOrder.
func depsSorted(r *classify.Result) bool {
	var prev classify.Dependency
	for i, d := range r.Deps() {
		if i > 0 && depOrder(prev, d) > 0 {
			return false
		}
		prev = d
	}
	return true
}

// WriteDependencies writes dependencies.csv: one DependencyRow per
// dependency, domains in report order, then by layer, provider and
// service.
func WriteDependencies(w io.Writer, results []classify.Result) error {
	return writeCSV(w, DependencyRows(results))
}

// DependencyRows yields the rows of dependencies.csv in report order.
func DependencyRows(results []classify.Result) iter.Seq[DependencyRow] {
	return func(yield func(DependencyRow) bool) {
		dependencyRows(sortedResults(results))(yield)
	}
}

// dependencyRows yields the rows of dependencies.csv of results already
// in report order.
func dependencyRows(sorted []*classify.Result) iter.Seq[DependencyRow] {
	return func(yield func(DependencyRow) bool) {
		for _, r := range sorted {
			deps := r.Deps()
			if !depsSorted(r) {
				list := r.DepList()
				slices.SortStableFunc(list, depOrder)
				deps = slices.All(list)
			}
			for _, d := range deps {
				if !yield(dependencyRow(&d)) {
					return
				}
			}
		}
	}
}

// dependencyRow is the row of d.
func dependencyRow(d *classify.Dependency) DependencyRow {
	return DependencyRow{
		Domain: d.Domain, Rank: d.Rank, Layer: d.Layer, Provider: d.Provider,
		Service: d.Service, Region: d.Region, Evidence: d.Evidence,
		EvidenceValue: d.EvidenceValue, Confidence: d.Confidence, ThirdParty: d.ThirdParty,
		Catalogued: !d.Uncatalogued,
	}
}

// WriteProviders writes providers.csv from the summary.
func WriteProviders(w io.Writer, sum *metrics.Summary) error {
	return writeCSV(w, ProviderRows(sum))
}

// ProviderRows yields the rows of providers.csv.
func ProviderRows(sum *metrics.Summary) iter.Seq[ProviderRow] {
	return func(yield func(ProviderRow) bool) {
		for _, ls := range withAny(sum) {
			for _, p := range ls.Rows {
				row := ProviderRow{
					Layer: ls.Layer, Provider: p.Provider, Catalogued: p.Catalogued, Domains: p.Domains, Share: p.Share,
					WeightedShare: p.WeightedShare, CriticalDomains: p.CriticalDomains, CriticalShare: p.CriticalShare,
					ShareLow: p.ShareLow, ShareHigh: p.ShareHigh,
				}
				if !yield(row) {
					return
				}
			}
		}
	}
}

// withAny returns the layers of sum followed by its any-layer summary,
// when it has one.
func withAny(sum *metrics.Summary) []metrics.LayerSummary {
	if sum.Any.Layer == "" {
		return sum.Layers
	}
	return append(slices.Clone(sum.Layers), sum.Any)
}

// WriteMetrics writes metrics.csv from the summary.
func WriteMetrics(w io.Writer, sum *metrics.Summary) error {
	return writeCSV(w, MetricsRows(sum))
}

// MetricsRows yields the rows of metrics.csv, one per layer.
func MetricsRows(sum *metrics.Summary) iter.Seq[MetricsRow] {
	return func(yield func(MetricsRow) bool) {
		for _, ls := range withAny(sum) {
			row := MetricsRow{
				Layer: ls.Layer, Domains: ls.Domains, Known: ls.Known, None: ls.None,
				Unattributed: ls.Unattributed, Unresolved: ls.Unresolved, NotMeasured: ls.NotMeasured, Providers: ls.Providers,
				SelfHosted: ls.SelfHosted, HHI: ls.HHI, CR1: ls.CR1, CR3: ls.CR3, CR5: ls.CR5,
				Gini: ls.Gini, EntropyBits: ls.EntropyBits, EntropyNorm: ls.EntropyNorm,
				EffectiveN: ls.EffectiveN, EMD: ls.EMD, CriticalRate: ls.CriticalRate,
				RedundancyRate: ls.RedundancyRate, SelfHostedRate: ls.SelfHostedRate,
				WeightedHHI: ls.WeightedHHI, WeightedCR1: ls.WeightedCR1, WeightedCR3: ls.WeightedCR3,
				WeightedCR5: ls.WeightedCR5, WeightedGini: ls.WeightedGini, WeightedEntropy: ls.WeightedEntropyBits,
				WeightedEffectiveN: ls.WeightedEffectiveN, Bootstrap: ls.Bootstrap, HHILow: ls.HHILow, HHIHigh: ls.HHIHigh,
				BySuffix: ls.Coverage.Suffix, ByOwnerDomain: ls.Coverage.OwnerDomain, ByAddress: ls.Coverage.Address,
				BySelf: ls.Coverage.Self, ByUncatalogued: ls.Coverage.Uncatalogued,
			}
			if !yield(row) {
				return
			}
		}
	}
}

// SiteCountryRow is one row of site_countries.csv: one layer over the
// sites of one country, the country the domain list gives each site (not
// where its servers are: that is countries.csv).
type SiteCountryRow struct {
	Country string        `csv:"country" parquet:"country"`
	Layer   catalog.Layer `csv:"layer" parquet:"layer"`
	// Domains is the number of sites of the country in the list; Known
	// those with a known provider on the layer, the base of the figures.
	Domains   int     `csv:"domains" parquet:"domains"`
	Known     int     `csv:"known" parquet:"known"`
	Providers int     `csv:"providers" parquet:"providers"`
	HHI       float64 `csv:"hhi" parquet:"hhi"`
	EMD       float64 `csv:"emd" parquet:"emd"`
	// TopProvider is the largest third-party provider and TopShare its
	// share of Known.
	TopProvider string  `csv:"top_provider" parquet:"top_provider"`
	TopShare    float64 `csv:"top_share" parquet:"top_share"`
}

// WriteSiteCountries writes site_countries.csv from the summary: the
// header alone when the list gives no country.
func WriteSiteCountries(w io.Writer, sum *metrics.Summary) error {
	return writeCSV(w, SiteCountryRows(sum))
}

// SiteCountryRows yields the rows of site_countries.csv: countries in
// code order, layers in catalog order.
func SiteCountryRows(sum *metrics.Summary) iter.Seq[SiteCountryRow] {
	return func(yield func(SiteCountryRow) bool) {
		for _, c := range sum.Countries {
			for _, l := range c.Layers {
				row := SiteCountryRow{Country: c.Country, Layer: l.Layer, Domains: c.Domains, Known: l.Known,
					Providers: l.Providers, HHI: l.HHI, EMD: l.EMD, TopProvider: l.Top, TopShare: l.TopShare}
				if !yield(row) {
					return
				}
			}
		}
	}
}
