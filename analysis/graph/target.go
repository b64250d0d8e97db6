package graph

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/iso3166"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// ErrUnknownTarget is wrapped by the errors of Resolve for an element
// that names nothing the graph, the catalog, the loaded range data or ISO
// 3166 know, or that names several things.
var ErrUnknownTarget = errors.New("unknown scenario element")

// TargetError is the error of Resolve: an element that does not parse
// (it wraps ErrElement) or that names nothing known (ErrUnknownTarget),
// with the nearest names that do.
type TargetError struct {
	// Input is the element as written.
	Input string
	// Message says what is wrong, without the suggestions.
	Message string
	// Suggestions are the nearest known names, nearest first; none when
	// nothing is close.
	Suggestions []string
	err         error
}

func (e *TargetError) Error() string {
	if len(e.Suggestions) == 0 {
		return e.Message
	}
	return e.Message + "; did you mean " + orList(e.Suggestions) + "?"
}

func (e *TargetError) Unwrap() error { return e.err }

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// Target is a scenario element resolved by a Resolver.
type Target struct {
	Element Element
	// Note says in words why the element fails nothing in the list, or
	// fails it only with others: no domain depends on the provider, no
	// address is in the AS or country, the provider's range data is not
	// loaded. Empty when the list uses the element.
	Note string
}

// Resolver turns what users write after --fail into elements of a graph:
// the String forms of Element, the catalog's company and provider ids,
// names and aliases in any case and spacing ("AWS", "Route 53"), the
// uncatalogued operators the graph knows. An element that names nothing
// known is an error that suggests the nearest names; a known element
// that nothing in the list uses gets a Note.
type Resolver struct {
	g      *Graph // nil: syntax and catalog names only
	cat    *catalog.Catalog
	ranges *refdata.Ranges

	names []candidate // catalog and graph names, for lookup and suggestions

	rangesRead    bool
	rangeSources  map[string][]string        // company -> range source ids the catalog gives it
	loadedSources map[string]bool            // range sources with data loaded
	rangeRegions  map[string]map[string]bool // company -> regions of its loaded ranges
}

// Name tiers: an exact name of a company wins over one of a provider.
const (
	tierCompany  = 0 // a catalog company's id, name or alias
	tierProvider = 1 // a catalog provider's id, name or alias
	tierGraph    = 2 // a provider or service of the graph (uncatalogued operators)
)

// candidate is one name and the element it stands for.
type candidate struct {
	key    string // nameKey of the name
	tier   int
	target Element
}

// NewResolver returns a resolver over g, the catalog it was built with
// and the range data classify used (nil when none was loaded). With a nil
// g it checks syntax and catalog names only: Resolve then returns an error
// only for what no graph could make valid (it wraps ErrElement).
func NewResolver(g *Graph, cat *catalog.Catalog, ranges *refdata.Ranges) *Resolver {
	r := &Resolver{g: g, cat: cat, ranges: ranges}
	seen := map[candidate]bool{}
	add := func(name string, tier int, e Element) {
		c := candidate{key: nameKey(name), tier: tier, target: e}
		if c.key != "" && !seen[c] {
			seen[c] = true
			r.names = append(r.names, c)
		}
	}
	if cat != nil {
		for _, co := range cat.Companies() {
			e := Element{Kind: KindProvider, Company: co.ID}
			add(co.ID, tierCompany, e)
			add(co.Name, tierCompany, e)
			for _, a := range co.Aliases {
				add(a, tierCompany, e)
			}
		}
		for _, p := range cat.Providers() {
			e := Element{Kind: KindService, Company: p.Company, Service: p.Service}
			add(p.ID, tierProvider, e)
			add(p.Name, tierProvider, e)
			for _, a := range p.Aliases {
				add(a, tierProvider, e)
			}
		}
	}
	if g != nil {
		for _, c := range g.companies {
			add(c, tierGraph, Element{Kind: KindProvider, Company: c})
		}
		for _, s := range g.services {
			c, sv, _ := strings.Cut(s, "/")
			add(s, tierGraph, Element{Kind: KindService, Company: c, Service: sv})
		}
	}
	return r
}

// nameKey is the form names are compared in: lower-case letters and
// digits only ("Route 53" and "route53" are one name).
func nameKey(s string) string {
	b := make([]byte, 0, len(s))
	for _, c := range []byte(strings.ToLower(s)) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b = append(b, c)
		}
	}
	return string(b)
}

// Resolve returns the element s names, with a Note when the list does not
// use it. Errors are *TargetError.
func (r *Resolver) Resolve(s string) (Target, error) {
	e, perr := ParseElement(s)
	switch {
	case perr != nil:
	case r.g == nil:
		if r.companyKnown(e.Company) || (e.Kind == KindService && r.serviceKnown(e.Company, e.Service)) ||
			(e.Kind != KindProvider && e.Kind != KindService) {
			return Target{Element: e}, nil
		}
	default:
		if t, done, err := r.resolveParsed(e); done {
			return t, err
		}
	}
	// A catalog name or alias ("AWS", "Route 53", "T-Systems").
	if ts := r.byName(s); len(ts) == 1 {
		if r.g == nil {
			return Target{Element: ts[0]}, nil
		}
		return r.target(ts[0]), nil
	} else if len(ts) > 1 {
		names := make([]string, len(ts))
		for i, t := range ts {
			names[i] = t.String()
		}
		return Target{}, &TargetError{Input: s, Message: fmt.Sprintf("%q names several providers", s), Suggestions: names, err: ErrUnknownTarget}
	}
	if perr != nil {
		return Target{}, &TargetError{Input: s, Message: perr.Error(), Suggestions: r.suggestNames(s), err: perr}
	}
	if r.g == nil {
		return Target{Element: e}, nil
	}
	return Target{}, r.unknownName(s, e)
}

// byName returns the elements a catalog name or alias of s stands for:
// the companies that have it when one does, else the providers.
func (r *Resolver) byName(s string) []Element {
	k := nameKey(s)
	if k == "" {
		return nil
	}
	var out []Element
	best := tierGraph
	for _, c := range r.names {
		if c.key != k || c.tier > best {
			continue
		}
		if c.tier < best {
			best, out = c.tier, out[:0]
		}
		if !slices.Contains(out, c.target) {
			out = append(out, c.target)
		}
	}
	if best == tierGraph {
		return nil // the graph's own names parse: they were looked up already
	}
	slices.SortFunc(out, compareElements)
	return out
}

// resolveParsed resolves a parsed element against the graph. done is
// false for a provider or service that the graph and the catalog do not
// know under that id (it may be a name or alias).
func (r *Resolver) resolveParsed(e Element) (t Target, done bool, err error) {
	switch e.Kind {
	case KindProvider:
		if r.companyKnown(e.Company) {
			return r.target(e), true, nil
		}
	case KindService:
		if r.serviceKnown(e.Company, e.Service) {
			return r.target(e), true, nil
		}
		// "aws/cloudfront": the company by its name.
		if c, ok := r.companyByName(e.Company); ok && r.serviceKnown(c, e.Service) {
			return r.target(Element{Kind: KindService, Company: c, Service: e.Service}), true, nil
		}
	case KindRegion:
		t, err := r.resolveRegion(e)
		return t, true, err
	case KindASN:
		t, err := r.resolveASN(e)
		return t, true, err
	case KindCountry:
		t, err := r.resolveCountry(e)
		return t, true, err
	}
	return Target{}, false, nil
}

func (r *Resolver) companyKnown(c string) bool {
	if r.g != nil {
		if _, ok := r.g.companyIndex[c]; ok {
			return true
		}
	}
	if r.cat != nil {
		_, ok := r.cat.Company(c)
		return ok
	}
	return false
}

func (r *Resolver) serviceKnown(c, s string) bool {
	if r.g != nil {
		if _, ok := r.g.svcIndex[c+"/"+s]; ok {
			return true
		}
	}
	if r.cat != nil {
		p, ok := r.cat.Provider(c + "-" + s)
		return ok && p.Company == c && p.Service == s
	}
	return false
}

// companyByName returns the company that c is an id, name or alias of.
func (r *Resolver) companyByName(c string) (string, bool) {
	if r.companyKnown(c) {
		return c, true
	}
	ts := r.byName(c)
	if len(ts) == 0 {
		return "", false
	}
	co := ts[0].Company
	for _, t := range ts[1:] {
		if t.Company != co {
			return "", false
		}
	}
	return co, true
}

// target returns the Target of a known provider or service.
func (r *Resolver) target(e Element) Target {
	t := Target{Element: e}
	var start []int32
	switch e.Kind {
	case KindProvider:
		if c, ok := r.g.companyIndex[e.Company]; ok {
			start = r.g.companySvcs[c]
		}
	case KindService:
		if s, ok := r.g.svcIndex[e.Company+"/"+e.Service]; ok {
			start = []int32{s}
		}
	}
	if !r.g.servesDomains(start) {
		t.Note = fmt.Sprintf("no domain in the list depends on %s, directly or through another provider", e)
	}
	return t
}

// servesDomains reports whether a domain depends on one of the services
// start, directly or through the services that depend on them.
func (g *Graph) servesDomains(start []int32) bool {
	seen := make([]bool, len(g.services))
	queue := make([]int32, 0, len(start))
	for _, s := range start {
		if !seen[s] {
			seen[s] = true
			queue = append(queue, s)
		}
	}
	for i := 0; i < len(queue); i++ {
		s := queue[i]
		if len(g.svcKeys[s]) > 0 { // every key has a slot
			return true
		}
		for _, gi := range g.revGroups[s] {
			if d := g.groups[gi].svc; !seen[d] {
				seen[d] = true
				queue = append(queue, d)
			}
		}
	}
	return false
}

// unknownName is the error of a provider or service that nothing knows.
func (r *Resolver) unknownName(s string, e Element) error {
	msg := fmt.Sprintf("unknown %s %s", e.Kind, e)
	switch {
	case strings.Contains(e.Company, "."):
		msg += " (an uncatalogued operator is known only when a domain of the list depends on it)"
	case e.Company == classify.SelfProvider:
		msg += ": self-hosted servers fail by their addresses (fail their AS or country)"
	}
	var sug []string
	if e.Kind == KindService && r.companyKnown(e.Company) {
		// A known company: its services are the candidates.
		sug = r.nearest(nameKey(e.Service), func(c candidate) (string, bool) {
			if c.target.Kind != KindService || c.target.Company != e.Company {
				return "", false
			}
			return nameKey(c.target.Service), true
		})
	}
	if sug == nil {
		sug = r.suggestNames(s)
	}
	if strings.Contains(e.Company, ".") {
		// A host of an operator: the catalog's owner, or the registrable
		// domain the graph knows it by.
		var o catalog.Owner
		ok := false
		if r.cat != nil {
			o, ok = r.cat.MatchDomain(e.Company)
		}
		switch reg := catalog.ICANNRegistrable(e.Company); {
		case ok && o.Provider != nil:
			sug = []string{Element{Kind: KindService, Company: o.Provider.Company, Service: o.Provider.Service}.String()}
		case ok:
			sug = []string{o.Company.ID}
		case reg != "" && reg != e.Company && r.companyKnown(reg):
			sug = []string{Element{Kind: e.Kind, Company: reg, Service: e.Service}.String()}
		}
	}
	if e.Kind == KindProvider {
		if cc := strings.ToUpper(e.Company); iso3166.IsCode(cc) {
			sug = append(sug, "country:"+cc)
		} else if n, err := strconv.ParseUint(e.Company, 10, 32); err == nil && n > 0 && r.asnKnown(uint32(n)) {
			sug = prepend(sug, Element{Kind: KindASN, ASN: uint32(n)}.String())
		}
	}
	return &TargetError{Input: s, Message: msg, Suggestions: sug, err: ErrUnknownTarget}
}

func prepend(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append([]string{s}, list...)
}

// maxSuggestions bounds the names an error suggests.
const maxSuggestions = 5

// maxDistance is the largest edit distance at which a name of n
// characters suggests another: none for one or two characters (any name
// would do), one typo in a short name, up to three in a long one.
func maxDistance(n int) int {
	switch {
	case n <= 2:
		return 0
	case n <= 4:
		return 1
	case n <= 8:
		return 2
	}
	return 3
}

// suggestNames returns the provider and service names nearest to s.
func (r *Resolver) suggestNames(s string) []string {
	return r.nearest(nameKey(s), func(c candidate) (string, bool) { return c.key, true })
}

// nearest returns the targets of the candidates whose key (as keyOf
// gives it) is nearest to k, within maxDistance: companies before
// services, then by name; at most maxSuggestions.
func (r *Resolver) nearest(k string, keyOf func(candidate) (string, bool)) []string {
	if k == "" {
		return nil
	}
	limit := maxDistance(len(k))
	type hit struct {
		d    int
		tier int
		e    Element
	}
	var hits []hit
	best := limit
	for _, c := range r.names {
		ck, ok := keyOf(c)
		if !ok {
			continue
		}
		d := editDistance(k, ck, best)
		if d > best {
			continue
		}
		best = d
		hits = append(hits, hit{d, c.tier, c.target})
	}
	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(slices.Index(Kinds, a.e.Kind), slices.Index(Kinds, b.e.Kind)),
			cmp.Compare(a.tier, b.tier), compareElements(a.e, b.e))
	})
	var out []string
	for _, h := range hits {
		if h.d > best || len(out) == maxSuggestions {
			break
		}
		if s := h.e.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// editDistance is the optimal string alignment distance between a and b
// (insertions, deletions, substitutions and swaps of two neighbours cost
// one), or max+1 when it exceeds max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], max+1)
}

// resolveRegion resolves provider:region. The provider may be written by
// its name or alias ("aws:us-east-1"). A region is known from the graph
// or from the loaded range data; without range data for the provider, its
// regions cannot be checked and the Note says how to load them.
func (r *Resolver) resolveRegion(e Element) (Target, error) {
	c, ok := r.companyByName(e.Company)
	if !ok {
		var sug []string
		for _, s := range r.nearest(nameKey(e.Company), func(c candidate) (string, bool) {
			return c.key, c.target.Kind == KindProvider
		}) {
			sug = append(sug, s+":"+e.Region)
		}
		return Target{}, &TargetError{Input: e.String(), Message: fmt.Sprintf("unknown provider %s in region %s", e.Company, e), Suggestions: sug, err: ErrUnknownTarget}
	}
	e.Company = c
	name := e.String()
	if ri, ok := r.g.regionIndex[name]; ok {
		t := Target{Element: e}
		if len(r.g.regionKeys[ri]) == 0 { // every key has a slot
			t.Note = fmt.Sprintf("no domain in the list depends on %s", e)
		}
		return t, nil
	}
	r.readRanges()
	if r.rangeRegions[c][e.Region] {
		return Target{Element: e, Note: fmt.Sprintf("no domain in the list depends on %s", e)}, nil
	}
	var missing []string
	for _, src := range r.rangeSources[c] {
		if !r.loadedSources[src] {
			missing = append(missing, src)
		}
	}
	if len(missing) > 0 {
		return Target{Element: e, Note: fmt.Sprintf("no range data loaded for %s (%s), so its regions are unknown and %s fails nothing; "+
			"load it with \"chokepoint data update\" (or give --data-dir a data directory that has it)", c, strings.Join(missing, ", "), e)}, nil
	}
	// Every range source of the company is loaded: the region is one of
	// theirs or unknown.
	known := map[string]bool{}
	for reg := range r.rangeRegions[c] {
		known[reg] = true
	}
	for _, reg := range r.g.regions {
		if rc, rr, _ := strings.Cut(reg, ":"); rc == c {
			known[rr] = true
		}
	}
	if len(known) == 0 {
		why := "the catalog gives it no range publication"
		if len(r.rangeSources[c]) > 0 {
			why = "its range data (" + strings.Join(r.rangeSources[c], ", ") + ") names no region"
		}
		return Target{}, &TargetError{Input: e.String(), Message: fmt.Sprintf("unknown region %s: %s has no regions (%s)", e, c, why), err: ErrUnknownTarget}
	}
	k := e.Region
	limit := maxDistance(len(k))
	type hit struct {
		d   int
		reg string
	}
	var hits []hit
	for reg := range known {
		if d := editDistance(k, reg, limit); d <= limit {
			hits = append(hits, hit{d, reg})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Or(cmp.Compare(a.d, b.d), strings.Compare(a.reg, b.reg)) })
	var sug []string
	for _, h := range hits {
		if h.d > hits[0].d || len(sug) == maxSuggestions {
			break
		}
		sug = append(sug, c+":"+h.reg)
	}
	return Target{}, &TargetError{Input: e.String(), Message: fmt.Sprintf("unknown region %s", e), Suggestions: sug, err: ErrUnknownTarget}
}

// readRanges indexes, once, the range sources the catalog gives each
// company and the regions of the loaded range data, by the catalog
// provider classify attributes each range to.
func (r *Resolver) readRanges() {
	if r.rangesRead {
		return
	}
	r.rangesRead = true
	r.rangeSources = map[string][]string{}
	r.loadedSources = map[string]bool{}
	r.rangeRegions = map[string]map[string]bool{}
	if r.cat == nil {
		return
	}
	for _, p := range r.cat.Providers() {
		for _, rs := range p.RangeSources {
			src, _, _ := strings.Cut(rs, ":")
			if !slices.Contains(r.rangeSources[p.Company], src) {
				r.rangeSources[p.Company] = append(r.rangeSources[p.Company], src)
			}
		}
	}
	for _, srcs := range r.rangeSources {
		slices.Sort(srcs)
	}
	r.ranges.All(func(rg refdata.Range) bool {
		r.loadedSources[rg.Source] = true
		if rg.Region == "" {
			return true
		}
		p, ok := r.cat.ByRange(rg.Source, rg.Service)
		if !ok {
			return true
		}
		if r.rangeRegions[p.Company] == nil {
			r.rangeRegions[p.Company] = map[string]bool{}
		}
		r.rangeRegions[p.Company][regionName(rg.Region)] = true
		return true
	})
}

// regionName is the name the graph gives a range's region: its last path
// element, in lower case (as Graph.region interns it).
func regionName(region string) string {
	if i := strings.LastIndexByte(region, '/'); i >= 0 {
		region = region[i+1:]
	}
	return strings.ToLower(region)
}

// asnKnown reports whether an address of the list is in AS a, or a
// catalog provider claims it.
func (r *Resolver) asnKnown(a uint32) bool {
	if _, ok := r.g.asnIndex[a]; ok {
		return true
	}
	if len(r.g.asnSvcs[a]) > 0 {
		return true
	}
	if r.cat != nil {
		_, ok := r.cat.ByASN(a)
		return ok
	}
	return false
}

// resolveASN resolves an AS: known when an address of the list is in it
// or a catalog provider claims it.
func (r *Resolver) resolveASN(e Element) (Target, error) {
	t := Target{Element: e}
	if _, ok := r.g.asnIndex[e.ASN]; ok {
		return t, nil
	}
	noData := ""
	if len(r.g.asns) == 0 {
		noData = " (no address of the list has an AS: load an ASN database with --asn-db or \"chokepoint data update\")"
	}
	if !r.asnKnown(e.ASN) {
		var sug []string
		k := strconv.FormatUint(uint64(e.ASN), 10)
		seen := map[uint32]bool{}
		try := func(a uint32) {
			if !seen[a] && a != e.ASN && editDistance(k, strconv.FormatUint(uint64(a), 10), 1) <= 1 {
				seen[a] = true
				sug = append(sug, Element{Kind: KindASN, ASN: a}.String())
			}
		}
		for _, a := range r.g.asns {
			try(a)
		}
		for a := range r.g.asnSvcs {
			try(a)
		}
		slices.Sort(sug)
		if len(sug) > maxSuggestions {
			sug = sug[:maxSuggestions]
		}
		return Target{}, &TargetError{Input: e.String(), Message: fmt.Sprintf("unknown %s: no address of the list is in it and no catalog provider claims it%s", e, noData),
			Suggestions: sug, err: ErrUnknownTarget}
	}
	// Claimed by the catalog, no address of the list in it: it fails the
	// services it is the only AS of; the others need all theirs.
	var alone, shared []string
	for _, s := range r.g.asnSvcs[e.ASN] {
		if !r.g.servesDomains([]int32{s}) {
			continue
		}
		if len(r.g.svcASNs[s]) == 1 {
			alone = append(alone, r.g.services[s])
			continue
		}
		as := make([]string, len(r.g.svcASNs[s]))
		for i, a := range r.g.svcASNs[s] {
			as[i] = Element{Kind: KindASN, ASN: a}.String()
		}
		shared = append(shared, r.g.services[s]+" ("+strings.Join(as, ", ")+")")
	}
	slices.Sort(alone)
	slices.Sort(shared)
	switch {
	case len(alone) > 0:
		// The catalog's services fail with it: the list uses it.
	case len(shared) > 0:
		t.Note = fmt.Sprintf("no address of the list is in %s%s; the services the catalog gives it fail only when all their ASes fail: %s",
			e, noData, strings.Join(shared, "; "))
	default:
		t.Note = fmt.Sprintf("nothing in the list uses %s: no address of the list is in it%s and no domain depends on the providers the catalog gives it", e, noData)
	}
	return t, nil
}

// resolveCountry resolves a country: an assigned ISO 3166-1 alpha-2 code,
// or a code the country database gave an address of the list.
func (r *Resolver) resolveCountry(e Element) (Target, error) {
	t := Target{Element: e}
	if _, ok := r.g.countryIndex[e.Country]; ok {
		return t, nil
	}
	if !iso3166.Assigned(e.Country) {
		te := &TargetError{Input: e.String(), Message: fmt.Sprintf("unknown country %s: not an assigned ISO 3166-1 alpha-2 code", e.Country), err: ErrUnknownTarget}
		if cc := iso3166.Reserved(e.Country); cc != "" {
			te.Suggestions = []string{"country:" + cc}
		}
		return Target{}, te
	}
	t.Note = fmt.Sprintf("no address of the list is in %s", e)
	if len(r.g.countries) == 0 {
		t.Note += " (no address of the list has a country: load a country database with --country-db or \"chokepoint data update\")"
	}
	return t, nil
}
