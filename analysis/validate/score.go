package validate

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// Run is what validation needs of a finished run: its domains with their
// crawl status, and its dependencies.
type Run struct {
	CatalogVersion string
	Domains        []Domain
	Deps           []Dep
}

// Domain is one domain of the run (a row of domains.csv).
type Domain struct {
	Name   string
	Status string
}

// Dep is one dependency of the run (a row of dependencies.csv).
type Dep struct {
	Domain     string
	Layer      catalog.Layer
	Provider   string
	Service    string
	ThirdParty bool
	// Catalogued is false for an operator named by its registrable domain
	// or AS.
	Catalogued bool
}

// Level is what a score compares.
type Level string

// The levels, in the order they are reported.
const (
	LevelProvider   Level = "provider"    // company id, "self" or uncatalogued operator
	LevelService    Level = "service"     // company and product
	LevelThirdParty Level = "third_party" // self-hosted or third party
)

// Levels lists every level in order.
var Levels = []Level{LevelProvider, LevelService, LevelThirdParty}

func (l Level) String() string { return string(l) }

// Names used in place of providers.
const (
	// RunAbsent is the run status of a truth domain the run does not have.
	RunAbsent = "absent"
	// Other and NoProvider label the confusion's rest and empty sides.
	Other      = "(other)"
	NoProvider = "(none)"
	// ThirdPartyKey is the third_party level's name of a third party.
	ThirdPartyKey = "third_party"
)

// Score counts one level of one layer. The ratios are NaN when their
// denominator is 0.
type Score struct {
	Level Level
	// Domains scored, and those whose two sets are equal.
	Domains, Exact int
	// Pairs of the truth, of the run, and in both.
	Truth, Ours, Matched int
}

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// Precision is Matched / Ours.
func (s Score) Precision() float64 { return ratio(s.Matched, s.Ours) }

// Recall is Matched / Truth.
func (s Score) Recall() float64 { return ratio(s.Matched, s.Truth) }

// F1 is 2PR / (P + R); 0 when both are 0, NaN when either is.
func (s Score) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Accuracy is Exact / Domains: the share of domains whose set of
// providers (at this level) is exactly the truth's.
func (s Score) Accuracy() float64 { return ratio(s.Exact, s.Domains) }

// LayerResult is the validation of one layer.
type LayerResult struct {
	Layer catalog.Layer
	// Absent counts the truth's domains on this layer the run does not
	// have.
	Absent int
	// NotOK counts the scored domains whose crawl did not end ok.
	NotOK int
	// Scores has one entry per level of Report.Levels, in that order.
	Scores    []Score
	Confusion Confusion
}

// Score returns the score of level l, and false when l was not scored.
func (r *LayerResult) Score(l Level) (Score, bool) {
	for _, s := range r.Scores {
		if s.Level == l {
			return s, true
		}
	}
	return Score{}, false
}

// Confusion crosses the truth's providers (rows) with the run's
// (columns) on one layer, over the scored domains. Labels are the
// truth's Top providers by pairs (then name), then Other and NoProvider;
// rows and columns share them. On a domain, a provider in both sets adds
// one on the diagonal; every pair of a missing truth provider and an
// extra provider of ours adds one in its cell; a missing one with no
// extra adds one in the NoProvider column, an extra one with no missing
// one in the NoProvider row. (Other, Other) mixes matches and confusions
// among the smaller providers.
type Confusion struct {
	Labels []string
	Counts [][]int
}

// Disagreement is one domain, layer and level where the run and the
// truth differ, or a truth domain the run does not have (RunStatus
// RunAbsent, level provider).
type Disagreement struct {
	Domain    string
	Layer     catalog.Layer
	Level     Level
	RunStatus string
	// Labels are the truth's labels as written.
	Labels []string
	// Truth and Ours are the two sets at this level; Missing is in the
	// truth only, Extra in the run only. Service-level names are
	// "<company>-<service>" (the catalog provider id), or the company
	// alone where the truth names no product.
	Truth, Ours, Missing, Extra []string
}

// LabelCount is one distinct label and the rows that carry it.
type LabelCount struct {
	Label      string
	Kind       MatchKind
	Candidates []string
	Rows       int
}

// Report is the result of Validate.
type Report struct {
	CatalogVersion string
	// Levels are the levels scored: provider always, service when the
	// truth has a service column, third_party when it has a third_party
	// column.
	Levels []Level
	// TruthDomains are the distinct domains of the truth's valid rows;
	// Scored of them are in the run, Absent are not.
	TruthDomains, Scored, Absent int
	// RunDomains is the number of domains in the run.
	RunDomains int
	// NotOK counts the scored domains whose crawl did not end ok.
	NotOK int
	// Layers holds the layers the truth has rows for, in catalog order.
	Layers []LayerResult
	// Kinds counts the truth's rows by how their label matched, in the
	// order of MatchKinds.
	Kinds map[MatchKind]int
	// Unmatched are the distinct unmatched and ambiguous labels, most
	// rows first, then by label.
	Unmatched []LabelCount
	// Rows are the disagreements, by domain, layer (catalog order) and
	// level.
	Rows []Disagreement
}

// Options tune Validate.
type Options struct {
	// Top is the number of truth providers in each confusion table;
	// 10 when 0 or less.
	Top int
}

// key is one element of a set compared at some level: a provider and, at
// the service level, a product ("" for any of the provider's products on
// the truth side, and for self and uncatalogued operators on both).
type key struct{ p, s string }

func (k key) String() string {
	if k.s == "" {
		return k.p
	}
	return k.p + "-" + k.s
}

func compareKey(a, b key) int {
	if c := strings.Compare(a.p, b.p); c != 0 {
		return c
	}
	return strings.Compare(a.s, b.s)
}

type unitID struct {
	domain string
	layer  catalog.Layer
}

// unit is one (domain, layer) of the truth.
type unit struct {
	unitID
	labels []Label
	raw    []string
	party  []Party // per label
	deps   []Dep   // ours
}

// Validate scores run against truth, matching the truth's labels with m.
// It does not change its arguments.
func Validate(run *Run, truth *Truth, m *Matcher, opt Options) *Report {
	top := opt.Top
	if top <= 0 {
		top = 10
	}
	rep := &Report{CatalogVersion: run.CatalogVersion, Levels: []Level{LevelProvider}, Kinds: map[MatchKind]int{}}
	if truth.HasService {
		rep.Levels = append(rep.Levels, LevelService)
	}
	if truth.HasThirdParty {
		rep.Levels = append(rep.Levels, LevelThirdParty)
	}
	status := make(map[string]string, len(run.Domains))
	for _, d := range run.Domains {
		status[d.Name] = d.Status
	}
	rep.RunDomains = len(status)

	// The truth's units, its domains resolved against the run's names.
	units := map[unitID]*unit{}
	unmatched := map[string]*LabelCount{}
	domainOf := map[string]string{} // truth domain -> run domain
	for _, r := range truth.Rows {
		d, ok := domainOf[r.Domain]
		if !ok {
			d = runName(r.Domain, status)
			domainOf[r.Domain] = d
		}
		id := unitID{d, r.Layer}
		u := units[id]
		if u == nil {
			u = &unit{unitID: id}
			units[id] = u
		}
		lb := m.Match(r.Provider, d, r.Layer)
		rep.Kinds[lb.Kind]++
		if lb.Kind == MatchUnmatched || lb.Kind == MatchAmbiguous {
			lc := unmatched[lb.Raw]
			if lc == nil {
				lc = &LabelCount{Label: lb.Raw, Kind: lb.Kind, Candidates: lb.Candidates}
				unmatched[lb.Raw] = lc
			}
			lc.Rows++
		}
		if lb.Kind == MatchNone {
			continue
		}
		if truth.HasService && r.Service != "" && lb.Catalogued() {
			if s := m.Service(lb.Provider, r.Service); s == classifyUnknownService {
				lb.Service = ""
			} else {
				lb.Service = s
			}
		}
		u.labels = append(u.labels, lb)
		u.raw = append(u.raw, lb.Raw)
		u.party = append(u.party, r.ThirdParty)
	}
	for _, lc := range unmatched {
		rep.Unmatched = append(rep.Unmatched, *lc)
	}
	slices.SortFunc(rep.Unmatched, func(a, b LabelCount) int {
		return cmp.Or(cmp.Compare(b.Rows, a.Rows), strings.Compare(a.Label, b.Label))
	})
	for _, dep := range run.Deps {
		if u := units[unitID{dep.Domain, dep.Layer}]; u != nil {
			u.deps = append(u.deps, dep)
		}
	}

	// Units in report order.
	list := make([]*unit, 0, len(units))
	for _, u := range units {
		list = append(list, u)
	}
	slices.SortFunc(list, func(a, b *unit) int {
		return cmp.Or(strings.Compare(a.domain, b.domain), cmp.Compare(layerIndex(a.layer), layerIndex(b.layer)))
	})

	truthDomains := map[string]bool{}
	notOK := map[string]bool{}
	layers := map[catalog.Layer]*LayerResult{}
	// Provider-level sets per unit, kept for the confusion tables.
	type provSets struct {
		layer                   catalog.Layer
		matched, missing, extra []key
	}
	var conf []provSets
	truthPairs := map[catalog.Layer]map[string]int{}
	for _, u := range list {
		truthDomains[u.domain] = true
		lr := layers[u.layer]
		if lr == nil {
			lr = &LayerResult{Layer: u.layer}
			for _, lv := range rep.Levels {
				lr.Scores = append(lr.Scores, Score{Level: lv})
			}
			layers[u.layer] = lr
			truthPairs[u.layer] = map[string]int{}
		}
		st, inRun := status[u.domain]
		if !inRun {
			lr.Absent++
			t := u.keys(LevelProvider)
			rep.Rows = append(rep.Rows, Disagreement{
				Domain: u.domain, Layer: u.layer, Level: LevelProvider, RunStatus: RunAbsent,
				Labels: sortedSet(u.raw), Truth: keyStrings(t), Missing: keyStrings(t),
			})
			continue
		}
		if st != "ok" {
			lr.NotOK++
			notOK[u.domain] = true
		}
		u.renameVariants()
		for i, lv := range rep.Levels {
			t, o := u.keys(lv), u.ours(lv)
			matched, missing, extra := compareSets(t, o)
			s := &lr.Scores[i]
			s.Domains++
			s.Truth += len(t)
			s.Ours += len(o)
			s.Matched += len(matched)
			if len(missing) == 0 && len(extra) == 0 {
				s.Exact++
			} else {
				rep.Rows = append(rep.Rows, Disagreement{
					Domain: u.domain, Layer: u.layer, Level: lv, RunStatus: st,
					Labels: sortedSet(u.raw), Truth: keyStrings(t), Ours: keyStrings(o),
					Missing: keyStrings(missing), Extra: keyStrings(extra),
				})
			}
			if lv == LevelProvider {
				conf = append(conf, provSets{u.layer, matched, missing, extra})
				for _, k := range t {
					truthPairs[u.layer][k.p]++
				}
			}
		}
	}
	rep.TruthDomains = len(truthDomains)
	for d := range truthDomains {
		if _, ok := status[d]; ok {
			rep.Scored++
		} else {
			rep.Absent++
		}
	}
	rep.NotOK = len(notOK)

	// Confusion tables.
	for _, l := range catalog.Layers {
		lr := layers[l]
		if lr == nil {
			continue
		}
		labels := topProviders(truthPairs[l], top)
		index := make(map[string]int, len(labels))
		for i, p := range labels {
			index[p] = i
		}
		other, none := len(labels), len(labels)+1
		labels = append(labels, Other, NoProvider)
		counts := make([][]int, len(labels))
		for i := range counts {
			counts[i] = make([]int, len(labels))
		}
		bucket := func(p string) int {
			if i, ok := index[p]; ok {
				return i
			}
			return other
		}
		for _, c := range conf {
			if c.layer != l {
				continue
			}
			for _, k := range c.matched {
				counts[bucket(k.p)][bucket(k.p)]++
			}
			switch {
			case len(c.missing) > 0 && len(c.extra) > 0:
				for _, a := range c.missing {
					for _, b := range c.extra {
						counts[bucket(a.p)][bucket(b.p)]++
					}
				}
			case len(c.missing) > 0:
				for _, a := range c.missing {
					counts[bucket(a.p)][none]++
				}
			default:
				for _, b := range c.extra {
					counts[none][bucket(b.p)]++
				}
			}
		}
		lr.Confusion = Confusion{Labels: labels, Counts: counts}
		rep.Layers = append(rep.Layers, *lr)
	}
	return rep
}

// runName returns the name of truth domain d in the run: d itself, or
// without a leading "www." when only that is in the run.
func runName(d string, status map[string]string) string {
	if _, ok := status[d]; ok {
		return d
	}
	if rest, ok := strings.CutPrefix(d, "www."); ok && strings.Contains(rest, ".") {
		if _, ok := status[rest]; ok {
			return rest
		}
	}
	return d
}

func layerIndex(l catalog.Layer) int {
	if i := slices.Index(catalog.Layers, l); i >= 0 {
		return i
	}
	return len(catalog.Layers)
}

// keys returns the truth's set at level lv, sorted, without duplicates.
// At the service level a provider named without a product is dropped when
// the truth also names one of its products.
func (u *unit) keys(lv Level) []key {
	var out []key
	for i, lb := range u.labels {
		switch lv {
		case LevelProvider:
			out = append(out, key{p: lb.Provider})
		case LevelService:
			k := key{p: lb.Provider}
			if lb.Catalogued() {
				k.s = lb.Service
			}
			out = append(out, k)
		case LevelThirdParty:
			out = append(out, key{p: partyKey(u.party[i], lb.Provider == SelfProvider)})
		}
	}
	out = sortedKeys(out)
	if lv == LevelService {
		named := map[string]bool{} // providers the truth names a product of
		for _, k := range out {
			if k.s != "" {
				named[k.p] = true
			}
		}
		out = slices.DeleteFunc(out, func(k key) bool { return k.s == "" && named[k.p] })
	}
	return out
}

// ours returns the run's set at level lv, sorted, without duplicates.
func (u *unit) ours(lv Level) []key {
	var out []key
	for _, d := range u.deps {
		switch lv {
		case LevelProvider:
			out = append(out, key{p: d.Provider})
		case LevelService:
			k := key{p: d.Provider}
			if d.Catalogued && d.Provider != SelfProvider {
				k.s = d.Service
			}
			out = append(out, k)
		case LevelThirdParty:
			p := PartyThird
			if !d.ThirdParty {
				p = PartySelf
			}
			out = append(out, key{p: partyKey(p, false)})
		}
	}
	return sortedKeys(out)
}

// partyKey is the third_party level's name of a dependency: the stated
// party, else self for a self label and a third party for any other.
func partyKey(p Party, self bool) string {
	if p == PartySelf || p == PartyUnstated && self {
		return SelfProvider
	}
	return ThirdPartyKey
}

// renameVariants gives an uncatalogued operator of ours the truth's name
// for it when the two are the same name under different public suffixes
// and neither side has the other's.
func (u *unit) renameVariants() {
	for i := range u.deps {
		d := &u.deps[i]
		if d.Catalogued || !strings.Contains(d.Provider, ".") || u.hasLabel(d.Provider) {
			continue
		}
		b := brand(d.Provider)
		for _, lb := range u.labels {
			if lb.Kind == MatchRegDomain && brand(lb.Provider) == b && !u.hasDep(lb.Provider) {
				d.Provider = lb.Provider
				break
			}
		}
	}
}

func (u *unit) hasLabel(p string) bool {
	return slices.ContainsFunc(u.labels, func(l Label) bool { return l.Provider == p })
}

func (u *unit) hasDep(p string) bool {
	return slices.ContainsFunc(u.deps, func(d Dep) bool { return d.Provider == p })
}

// brand is the registrable domain's label before its public suffix.
func brand(reg string) string {
	b, _, _ := strings.Cut(reg, ".")
	return b
}

// compareSets matches truth against ours (both sorted, distinct): equal
// keys first, then each truth key without a product against one
// remaining key of ours of the same provider.
func compareSets(truth, ours []key) (matched, missing, extra []key) {
	used := make([]bool, len(ours))
	var rest []key
	for _, t := range truth {
		if i, ok := slices.BinarySearchFunc(ours, t, compareKey); ok {
			used[i] = true
			matched = append(matched, t)
			continue
		}
		rest = append(rest, t)
	}
	for _, t := range rest {
		found := false
		if t.s == "" {
			for i, o := range ours {
				if !used[i] && o.p == t.p {
					used[i], found = true, true
					matched = append(matched, t)
					break
				}
			}
		}
		if !found {
			missing = append(missing, t)
		}
	}
	for i, o := range ours {
		if !used[i] {
			extra = append(extra, o)
		}
	}
	return matched, missing, extra
}

func sortedKeys(ks []key) []key {
	slices.SortFunc(ks, compareKey)
	return slices.Compact(ks)
}

func keyStrings(ks []key) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.String()
	}
	return out
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// topProviders returns the n providers with the most pairs, most first,
// then by name.
func topProviders(pairs map[string]int, n int) []string {
	out := make([]string, 0, len(pairs))
	for p := range pairs {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(pairs[b], pairs[a]), strings.Compare(a, b))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
