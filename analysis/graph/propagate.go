package graph

import (
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// Outcome is what fails in one scenario.
type Outcome struct {
	Scenario []Element
	// Domains is the list size.
	Domains int
	// Failed counts the domains that go down (a required layer fails);
	// Direct + Transitive = Failed.
	Failed, Direct, Transitive int
	// Share is Failed / Domains; WeightedShare the same with each
	// domain weighted 1/rank (equal to Share when the list has no rank).
	// Both are fractions in [0, 1].
	Share, WeightedShare float64
	// EmailFailed counts the domains whose e-mail fails (every mail
	// provider failed), whether or not the domain goes down.
	EmailFailed int
	EmailShare  float64
	// Services are the services that fail, sorted by name.
	Services []ServiceFailure
	// Rows has one row per domain that goes down or loses e-mail, by rank
	// then domain; filled only when asked for (Fail's detail argument).
	Rows []DomainFailure
}

// ServiceFailure is one failed service and why.
type ServiceFailure struct {
	Service string
	// Direct is true when the service is failed by the scenario itself
	// (it, its company or all its ASes are in the scenario).
	Direct bool
	// Via is the upstream service whose failure took it down, and Layer
	// the layer of that dependency (empty when Direct).
	Via   string
	Layer catalog.Layer
	// NamesOnly is true when the service runs on but its names stop
	// resolving: every DNS provider seen serving the zones of its CNAME
	// targets failed. Only the domains that reach it by name fail.
	NamesOnly bool
}

// DomainFailure explains one failed domain.
type DomainFailure struct {
	Domain string
	Rank   int
	// Down is true when a required layer (dns, cdn, hosting) fails.
	Down bool
	// Direct is true when the domain goes down with the scenario's
	// elements alone, false when only through a provider's upstreams.
	Direct bool
	// Layers are the required layers that fail, in catalog order: dns,
	// cdn, hosting, ca (only when the domain is critically dependent on
	// its CA) and tld.
	Layers []catalog.Layer
	// Email is true when every mail provider of the domain fails.
	Email bool
	// Chain explains the failure of the first failed layer, from the
	// domain to the element of the scenario: shop.example, shopify,
	// cloudflare.
	Chain []string
}

// slotState is the state of one layer slot, in one struct of 12 bytes so
// that touching a slot costs one read, not five: its totals (the lengths of
// its lists in Graph.slotKeys and slotClasses, copied once when the
// scratch is made) beside the counts
// of the scenario, which start from them in each epoch. The slot is dead
// in its epoch when its keys or its address classes are all gone (down),
// so no epoch of death is kept; what ended it is kept apart, and only for
// the scenarios explained (scratch.causes).
type slotState struct {
	epoch    uint32
	keys     uint16 // keys still alive
	classes  uint16 // address classes still alive
	nKeys    uint16 // the slot's keys (Graph.slotKeys)
	nClasses uint16 // its address classes (Graph.slotClasses)
}

// down reports whether the slot failed in its epoch: every key it has
// failed, or every address class it has.
func (st *slotState) down() bool {
	return (st.nKeys > 0 && st.keys == 0) || (st.nClasses > 0 && st.classes == 0)
}

// dead reports whether slot failed in the scenario last run on sc.
func (sc *scratch) dead(slot int32) bool {
	st := &sc.slots[slot]
	return st.epoch == sc.epoch && st.down()
}

// scratch is the per-scenario state; arrays are reset by bumping epoch.
type scratch struct {
	epoch uint32

	svcEpoch   []uint32
	svcNames   []bool // names only (see ServiceFailure.NamesOnly)
	svcDirect  []bool
	svcParent  []int32 // upstream that took it down, -1 when direct
	svcRoot    []int32 // scenario element index behind a direct failure
	svcLayer   []catalog.Layer
	grpEpoch   []uint32
	grpAlive   []int32
	keyEpoch   []uint32
	classEpoch []uint32
	regEpoch   []uint32
	asnEpoch   []uint32
	ctyEpoch   []uint32
	regRoot    []int32
	asnRoot    []int32
	ctyRoot    []int32

	slots []slotState
	// causes are, for each slot that died, the key, or -(class+1), whose
	// failure ended it: made for the first scenario whose rows are asked
	// for (Fail's detail), nil before.
	causes []int32

	domEpoch   []uint32
	domDirect  []bool
	mailEpoch  []uint32
	failed     []int32 // domains down, in order of failure
	mailFailed []int32

	failedSvcs []int32 // down, in order of failure
	nameSvcs   []int32 // names only, possibly down later (then svcNames is false)
}

func (g *Graph) newScratch() *scratch {
	sc := g.newServiceScratch()
	nd := len(g.domains)
	sc.slots = g.newSlots()
	sc.domEpoch, sc.domDirect, sc.mailEpoch = make([]uint32, nd), make([]bool, nd), make([]uint32, nd)
	return sc
}

// newServiceScratch returns a scratch for propagate and failures only,
// without the state of the domains and their slots (fail makes it whole
// when first given it).
func (g *Graph) newServiceScratch() *scratch {
	ns := len(g.services)
	return &scratch{
		svcEpoch: make([]uint32, ns), svcNames: make([]bool, ns), svcDirect: make([]bool, ns), svcParent: make([]int32, ns),
		svcRoot: make([]int32, ns), svcLayer: make([]catalog.Layer, ns),
		grpEpoch: make([]uint32, len(g.groups)), grpAlive: make([]int32, len(g.groups)),
		keyEpoch: make([]uint32, len(g.keySvc)), classEpoch: make([]uint32, len(g.classASN)),
		regEpoch: make([]uint32, len(g.regions)), asnEpoch: make([]uint32, len(g.asns)), ctyEpoch: make([]uint32, len(g.countries)),
		regRoot: make([]int32, len(g.regions)), asnRoot: make([]int32, len(g.asns)), ctyRoot: make([]int32, len(g.countries)),
	}
}

// clear sets every epoch of sc to 0, for an epoch counter that wrapped.
func (sc *scratch) clear() {
	for _, a := range [][]uint32{sc.svcEpoch, sc.grpEpoch, sc.keyEpoch, sc.classEpoch, sc.regEpoch, sc.asnEpoch, sc.ctyEpoch, sc.domEpoch, sc.mailEpoch} {
		clear(a)
	}
	for i := range sc.slots {
		sc.slots[i].epoch = 0
	}
}

// newSlots returns the state of every slot in epoch 0, with its totals.
func (g *Graph) newSlots() []slotState {
	ko, co := g.slotKeys.off, g.slotClasses.off
	slots := make([]slotState, len(ko)-1)
	for i := range slots {
		slots[i].nKeys, slots[i].nClasses = uint16(ko[i+1]-ko[i]), uint16(co[i+1]-co[i])
	}
	return slots
}

// Fail computes the outcome of scenario: every element fails together.
// Elements the graph does not know fail nothing. With detail, Rows holds
// every failed domain with its chain.
func (g *Graph) Fail(scenario []Element, detail bool) *Outcome {
	return g.fail(g.newScratch(), scenario, detail)
}

func (g *Graph) fail(sc *scratch, scenario []Element, detail bool) *Outcome {
	g.inverse()
	if sc.slots == nil { // a scratch of newServiceScratch
		full := g.newScratch()
		full.epoch = sc.epoch
		*sc = *full
	}
	if detail && sc.causes == nil {
		sc.causes = make([]int32, len(sc.slots))
	}
	sc.failed, sc.mailFailed = sc.failed[:0], sc.mailFailed[:0]
	direct := g.propagate(sc, scenario)

	// 3. Domains: the scenario's own elements first (direct), then the
	// services that failed through their upstreams (transitive).
	g.failures(sc, scenario, direct, func(k int32, direct bool) {
		for _, slot := range g.keySlots.of(k) {
			st := sc.touch(slot)
			st.keys--
			if st.keys == 0 && (st.nClasses == 0 || st.classes > 0) { // not dead before
				g.slotFails(sc, slot, k, direct)
			}
		}
	}, func(c int32) {
		for _, slot := range g.classSlots.of(c) {
			st := sc.touch(slot)
			st.classes--
			if st.classes == 0 && (st.nKeys == 0 || st.keys > 0) { // not dead before
				g.slotFails(sc, slot, -(c + 1), true)
			}
		}
	})

	out := &Outcome{
		Scenario: slices.Clone(scenario), Domains: len(g.domains),
		Failed: len(sc.failed), EmailFailed: len(sc.mailFailed),
	}
	var w float64
	for _, d := range sc.failed {
		if sc.domDirect[d] {
			out.Direct++
		}
		w += g.weights[d]
	}
	out.Transitive = out.Failed - out.Direct
	if out.Domains > 0 {
		out.Share = float64(out.Failed) / float64(out.Domains)
		out.EmailShare = float64(out.EmailFailed) / float64(out.Domains)
		out.WeightedShare = out.Share
		if g.totalWeight > 0 {
			out.WeightedShare = w / g.totalWeight
		}
	}
	for i, s := range slices.Concat(sc.failedSvcs, sc.nameSvcs) {
		if i >= len(sc.failedSvcs) && !sc.svcNames[s] {
			continue // lost its names, then went down: listed once, as down
		}
		sf := ServiceFailure{Service: g.services[s], Direct: sc.svcDirect[s], Layer: sc.svcLayer[s], NamesOnly: sc.svcNames[s]}
		if !sf.Direct {
			sf.Via = g.services[sc.svcParent[s]]
		}
		out.Services = append(out.Services, sf)
	}
	slices.SortFunc(out.Services, func(a, b ServiceFailure) int { return strings.Compare(a.Service, b.Service) })
	if detail {
		out.Rows = g.rows(sc, scenario)
	}
	return out
}

// propagate starts a new epoch on sc and runs steps 1 and 2 of the
// propagation (package doc) for scenario: the services that fail, in
// sc.failedSvcs (the first direct of them failed by the scenario itself)
// and sc.nameSvcs. It touches no domain, so it runs on a scratch of
// newServiceScratch too.
func (g *Graph) propagate(sc *scratch, scenario []Element) (direct int) {
	sc.epoch++
	if sc.epoch == 0 { // wrapped: clear everything once
		sc.clear()
		sc.epoch = 1
	}
	ep := sc.epoch
	sc.failedSvcs = sc.failedSvcs[:0]

	// 1. The elements themselves.
	failSvc := func(s, root int32) {
		if sc.svcEpoch[s] == ep {
			return
		}
		sc.svcEpoch[s], sc.svcDirect[s], sc.svcParent[s], sc.svcRoot[s], sc.svcLayer[s], sc.svcNames[s] = ep, true, -1, root, "", false
		sc.failedSvcs = append(sc.failedSvcs, s)
	}
	for i, e := range scenario {
		root := int32(i)
		switch e.Kind {
		case KindProvider:
			if c, ok := g.companyIndex[e.Company]; ok {
				for _, s := range g.companySvcs[c] {
					failSvc(s, root)
				}
			}
		case KindService:
			if s, ok := g.svcIndex[e.Company+"/"+e.Service]; ok {
				failSvc(s, root)
			}
		case KindRegion:
			if r, ok := g.regionIndex[e.Company+":"+e.Region]; ok && sc.regEpoch[r] != ep {
				sc.regEpoch[r], sc.regRoot[r] = ep, root
			}
		case KindASN:
			if a, ok := g.asnIndex[e.ASN]; ok && sc.asnEpoch[a] != ep {
				sc.asnEpoch[a], sc.asnRoot[a] = ep, root
			}
			for _, s := range g.asnSvcs[e.ASN] {
				all := true
				for _, a := range g.svcASNs[s] {
					all = all && slices.ContainsFunc(scenario, func(x Element) bool { return x.Kind == KindASN && x.ASN == a })
				}
				if all {
					failSvc(s, root)
				}
			}
		case KindCountry:
			if c, ok := g.countryIndex[e.Country]; ok && sc.ctyEpoch[c] != ep {
				sc.ctyEpoch[c], sc.ctyRoot[c] = ep, root
			}
		}
	}
	direct = len(sc.failedSvcs)

	// 2. Propagation through upstreams: a work list over the failed
	// services; a group dies when its last member fails. A service whose
	// names stop resolving is listed but not propagated (it still runs),
	// and a service that only lost its names can still go down fully.
	sc.nameSvcs = sc.nameSvcs[:0]
	for i := 0; i < len(sc.failedSvcs); i++ {
		f := sc.failedSvcs[i]
		for _, gi := range g.revGroups[f] {
			if sc.grpEpoch[gi] != ep {
				sc.grpEpoch[gi], sc.grpAlive[gi] = ep, int32(len(g.groups[gi].members))
			}
			sc.grpAlive[gi]--
			if sc.grpAlive[gi] != 0 {
				continue
			}
			gr := &g.groups[gi]
			s := gr.svc
			if sc.svcEpoch[s] == ep && (!sc.svcNames[s] || gr.names) {
				continue
			}
			sc.svcEpoch[s], sc.svcDirect[s], sc.svcParent[s], sc.svcLayer[s], sc.svcNames[s] = ep, false, f, gr.layer, gr.names
			if gr.names {
				sc.nameSvcs = append(sc.nameSvcs, s)
			} else {
				sc.failedSvcs = append(sc.failedSvcs, s)
			}
		}
	}
	return direct
}

// failures calls key for every key and class for every address class
// that fail in scenario, last propagated on sc (direct is what propagate
// returned), each once, in the order of step 3: the keys of the
// services the scenario fails itself and of its regions (direct), the
// address classes of its ASes and countries (always direct), then the
// keys of the services failed through their upstreams and the keys by
// name of the services that lost their names (transitive). A slot or a
// domain is direct when it dies before the transitive keys.
func (g *Graph) failures(sc *scratch, scenario []Element, direct int, key func(k int32, direct bool), class func(c int32)) {
	ep := sc.epoch
	failKey := func(k int32, direct bool) {
		if sc.keyEpoch[k] != ep {
			sc.keyEpoch[k] = ep
			key(k, direct)
		}
	}
	for _, s := range sc.failedSvcs[:direct] {
		for _, k := range g.svcKeys[s] {
			failKey(k, true)
		}
	}
	for i, e := range scenario {
		if e.Kind != KindRegion {
			continue
		}
		if r, ok := g.regionIndex[e.Company+":"+e.Region]; ok && sc.regRoot[r] == int32(i) {
			for _, k := range g.regionKeys[r] {
				failKey(k, true)
			}
		}
	}
	for _, e := range scenario {
		var classes []int32
		switch e.Kind {
		case KindASN:
			if a, ok := g.asnIndex[e.ASN]; ok {
				classes = g.asnClasses[a]
			}
		case KindCountry:
			if c, ok := g.countryIndex[e.Country]; ok {
				classes = g.countryClasses[c]
			}
		}
		for _, c := range classes {
			if sc.classEpoch[c] != ep {
				sc.classEpoch[c] = ep
				class(c)
			}
		}
	}
	for _, s := range sc.failedSvcs[direct:] {
		for _, k := range g.svcKeys[s] {
			failKey(k, false)
		}
	}
	for _, s := range sc.nameSvcs {
		if sc.svcNames[s] {
			for _, k := range g.svcNameKeys[s] {
				failKey(k, false)
			}
		}
	}
}

// numServices is the number of services that fail in the scenario last
// propagated on sc (Outcome.Services): a service that lost its names and
// then went down counts once.
func (sc *scratch) numServices() int {
	n := len(sc.failedSvcs)
	for _, s := range sc.nameSvcs {
		if sc.svcNames[s] {
			n++
		}
	}
	return n
}

// touch returns the state of slot, its counts set to its totals when it
// is first touched in the scenario.
func (sc *scratch) touch(slot int32) *slotState {
	st := &sc.slots[slot]
	if st.epoch != sc.epoch {
		st.epoch, st.keys, st.classes = sc.epoch, st.nKeys, st.nClasses
	}
	return st
}

// slotFails records that slot died of cause, once: its callers call it
// when the slot's last key or last class fails and it was alive before.
func (g *Graph) slotFails(sc *scratch, slot, cause int32, direct bool) {
	if sc.causes != nil {
		sc.causes[slot] = cause
	}
	d := slot / numLayers
	switch slot % numLayers {
	case slotEmail:
		if sc.mailEpoch[d] != sc.epoch {
			sc.mailEpoch[d] = sc.epoch
			sc.mailFailed = append(sc.mailFailed, d)
		}
		return
	case slotCA:
		if !g.caRequired[d] {
			return // stapled or several CAs: the site stays up
		}
	}
	if sc.domEpoch[d] != sc.epoch {
		sc.domEpoch[d], sc.domDirect[d] = sc.epoch, direct
		sc.failed = append(sc.failed, d)
	}
}

// rows explains every failed domain.
func (g *Graph) rows(sc *scratch, scenario []Element) []DomainFailure {
	ds := slices.Concat(sc.failed, sc.mailFailed)
	slices.Sort(ds)
	ds = slices.Compact(ds)
	out := make([]DomainFailure, 0, len(ds))
	for _, d := range ds {
		r := DomainFailure{Domain: g.domains[d], Rank: int(g.ranks[d])}
		r.Down = sc.domEpoch[d] == sc.epoch
		r.Direct = r.Down && sc.domDirect[d]
		r.Email = sc.mailEpoch[d] == sc.epoch
		first := int32(-1)
		for li := range numLayers {
			slot := d*numLayers + int32(li)
			if !sc.dead(slot) || (li == slotCA && !g.caRequired[d]) {
				continue
			}
			if li != slotEmail {
				r.Layers = append(r.Layers, slotLayers[li])
			}
			if first < 0 && (li != slotEmail || !r.Down) {
				first = slot
			}
		}
		r.Chain = g.chain(sc, scenario, first)
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b DomainFailure) int {
		return byRank(a.Rank, b.Rank, a.Domain, b.Domain)
	})
	return out
}

// chain explains the failure of a slot: the domain, the services from the
// one it uses to the one the scenario failed, and the scenario element.
// Services are shown by company when that is unambiguous, as
// company/service when two consecutive ones belong to the same company.
func (g *Graph) chain(sc *scratch, scenario []Element, slot int32) []string {
	d := slot / numLayers
	out := []string{g.domains[d]}
	cause := sc.causes[slot]
	if cause < 0 {
		c := -cause - 1
		if a := g.classASN[c]; a >= 0 && sc.asnEpoch[a] == sc.epoch {
			return append(out, scenario[sc.asnRoot[a]].String())
		}
		if ct := g.classCountry[c]; ct >= 0 && sc.ctyEpoch[ct] == sc.epoch {
			return append(out, scenario[sc.ctyRoot[ct]].String())
		}
		return out
	}
	s := g.keySvc[cause]
	if sc.svcEpoch[s] != sc.epoch {
		r := g.keyRegion[cause]
		return append(out, scenario[sc.regRoot[r]].String())
	}
	var svcs []int32
	for ; ; s = sc.svcParent[s] {
		svcs = append(svcs, s)
		if sc.svcDirect[s] {
			break
		}
	}
	root := scenario[sc.svcRoot[s]]
	if root.Kind == KindProvider || root.Kind == KindService {
		svcs = svcs[:len(svcs)-1] // the last service is the element itself
	}
	full := root.Kind == KindService
	for i := 1; i < len(svcs); i++ {
		full = full || g.svcCompany[svcs[i]] == g.svcCompany[svcs[i-1]]
	}
	if len(svcs) > 0 && (root.Kind == KindProvider || root.Kind == KindService) && g.companies[g.svcCompany[svcs[len(svcs)-1]]] == root.Company {
		full = true
	}
	for _, s := range svcs {
		if full {
			out = append(out, g.services[s])
		} else {
			out = append(out, g.companies[g.svcCompany[s]])
		}
	}
	return append(out, root.String())
}
