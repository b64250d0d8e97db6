package classify

import (
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// listHints is what Finish needs to know of one domain: its SOA and
// registrable domain, whether it runs all its name servers itself (it may
// head a family of sites), whether the domain alone shows self-hosting,
// and its uncatalogued name-server and mail operators.
type listHints struct {
	own        string
	soaM, soaR string
	// head: every name server of the domain is under its own domain.
	head bool
	// solo: the domain's own facts say it runs its DNS: its SOA names it
	// (mname or rname under its domain), or a name server sits in the AS
	// of its own web addresses and that AS is no catalogued provider's.
	solo         bool
	nsOps, mxOps []string
	// owned: a name server was named by a catalogued company's domain;
	// the family rule applies to it too (youtube.com on ns1.google.com,
	// with google.com's SOA, is Google's own DNS, not a customer's of
	// Google Cloud DNS).
	owned bool
}

// hints returns the list hints of the domain just classified in b, nil
// when Finish has nothing to decide for it.
func (c *Classifier) hints(b *builder, o *dnscrawl.Observation, own string) *listHints {
	head := len(o.NS) > 0
	for _, ns := range o.NS {
		if !under(ns.Name, own) {
			head = false
			break
		}
	}
	if !head && len(b.nsOps) == 0 && len(b.mxOps) == 0 && !b.nsOwned {
		return nil
	}
	if head && o.SOA == nil && len(b.nsOps) == 0 && len(b.mxOps) == 0 && !b.nsOwned {
		return nil // no SOA to compare: it can head no family
	}
	h := &listHints{own: own, head: head, nsOps: exact(b.nsOps), mxOps: exact(b.mxOps), owned: b.nsOwned}
	if o.SOA != nil {
		h.soaM, h.soaR = catalog.NormalizeName(o.SOA.MName), catalog.NormalizeName(o.SOA.RName)
	}
	if len(h.nsOps) > 0 {
		h.solo = (h.soaM != "" && under(h.soaM, own)) || (h.soaR != "" && under(h.soaR, own)) || c.nsInOwnAS(b.fc, o)
	}
	return h
}

// nsInOwnAS reports whether a name server of o is in the AS of one of
// o's own web addresses, an AS that no catalogued provider claims.
func (c *Classifier) nsInOwnAS(fc *factsCache, o *dnscrawl.Observation) bool {
	var web []uint32
	for _, h := range []*dnscrawl.Host{&o.Apex, &o.WWW} {
		for _, a := range h.A {
			if f := c.facts(fc, a); f.asn != 0 && f.owner.p == nil {
				web = append(web, f.asn)
			}
		}
		for _, a := range h.AAAA {
			if f := c.facts(fc, a); f.asn != 0 && f.owner.p == nil {
				web = append(web, f.asn)
			}
		}
	}
	if len(web) == 0 {
		return false
	}
	for _, ns := range o.NS {
		for _, a := range ns.Addrs {
			if f := c.facts(fc, a); f.asn != 0 && slices.Contains(web, f.asn) {
				return true
			}
		}
	}
	return false
}

// firstLabel is the label of a registrable domain before its public
// suffix: "dnsprov" for "dnsprov.co.uk".
func firstLabel(r string) string {
	l, _, _ := strings.Cut(r, ".")
	return l
}

// Finish makes the decisions that need the whole list, in place, and
// must be called once after every domain of the list is classified (the
// results in any order; the outcome does not depend on it). For the
// operators the catalog does not know:
//
//   - Variants: registrable domains with the same first label that one
//     domain of the list uses together in its NS set ("dnsprov.net" and
//     "dnsprov.org") are one operator, named by the smallest of them.
//   - Family: an operator whose own domain is in the list, runs its own
//     name servers and has the site's SOA (same mname and rname) is the
//     organisation serving its family of sites: self (evidence family).
//     This holds for mail exchangers too.
//   - Sole user: a name-server operator that no other domain of the list
//     uses, for a site whose own facts say it runs its DNS (its SOA names
//     it, or a name server sits in the AS of its own web addresses), is
//     the site itself: self (evidence soa).
//   - Otherwise the operator is a third party. One that serves two or
//     more domains of the list is never taken for self-hosting.
func Finish(results []Result) {
	heads := make(map[string]*listHints)
	parent := make(map[string]string)
	var find func(string) string
	find = func(x string) string {
		p, ok := parent[x]
		if !ok || p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra // the smallest name is the root
	}
	pending := false
	for i := range results {
		h := results[i].hints
		if h == nil {
			continue
		}
		pending = true
		if h.head {
			heads[h.own] = h
		}
		for j, a := range h.nsOps {
			for _, b := range h.nsOps[j+1:] {
				if firstLabel(a) == firstLabel(b) {
					union(a, b)
				}
			}
		}
	}
	if !pending {
		return
	}
	users := make(map[string]int)
	var groups []string
	for i := range results {
		h := results[i].hints
		if h == nil {
			continue
		}
		groups = groups[:0]
		for _, r := range h.nsOps {
			groups = appendOnce(groups, find(r))
		}
		for _, g := range groups {
			users[g]++
		}
	}
	family := func(h *listHints, r string) (string, bool) {
		if h.soaM == "" || h.soaR == "" {
			return "", false
		}
		for _, m := range []string{r, find(r)} {
			if fh := heads[m]; fh != nil && fh != h && fh.soaM == h.soaM && fh.soaR == h.soaR {
				return m, true
			}
		}
		return "", false
	}
	for i := range results {
		r := &results[i]
		h := r.hints
		if h == nil {
			continue
		}
		r.hints = nil
		if !r.finishCandidate() {
			continue // unpacking every dependency to find none is most of the cost
		}
		changed := false
		deps := r.DepList()
		for j := range deps {
			d := &deps[j]
			if d.Layer == catalog.LayerDNS && d.Evidence == EvidenceOwnerDomain {
				if m, ok := family(h, registrable(d.EvidenceValue)); ok {
					d.selfFrom(EvidenceFamily, d.EvidenceValue+" (same SOA as "+m+")")
					changed = true
				}
				continue
			}
			if !d.Uncatalogued || d.Evidence != EvidenceRegistrableDomain {
				continue
			}
			switch d.Layer {
			case catalog.LayerDNS:
				g := find(d.Provider)
				if m, ok := family(h, d.Provider); ok {
					d.selfFrom(EvidenceFamily, d.EvidenceValue+" (same SOA as "+m+")")
					changed = true
				} else if users[g] <= 1 && h.solo {
					d.selfFrom(EvidenceSOA, d.EvidenceValue+" (sole user; SOA "+h.soaM+" "+h.soaR+")")
					changed = true
				} else if g != d.Provider {
					d.Provider = g // a variant: the group's name
					changed = true
				}
			case catalog.LayerEmail:
				if m, ok := family(h, d.Provider); ok {
					d.selfFrom(EvidenceFamily, d.EvidenceValue+" (same SOA as "+m+")")
					changed = true
				}
			}
		}
		if changed {
			r.SetDeps(mergeDeps(deps))
		}
	}
}

// finishCandidate reports whether Finish may change a dependency of r:
// one on the dns layer shown by the owner's domain, or an uncatalogued
// operator of the dns or email layer named by its registrable domain.
func (r *Result) finishCandidate() bool {
	for i := range r.deps {
		p := &r.deps[i]
		l, ev := layerCodes.value(p.layer), evidenceCodes.value(p.evidence)
		if l == catalog.LayerDNS && ev == EvidenceOwnerDomain {
			return true
		}
		if p.flags&depUncatalogued != 0 && ev == EvidenceRegistrableDomain && (l == catalog.LayerDNS || l == catalog.LayerEmail) {
			return true
		}
	}
	return false
}

// selfFrom turns d into a self-hosted dependency shown by evidence ev.
func (d *Dependency) selfFrom(ev Evidence, value string) {
	d.Provider, d.Service, d.Region = SelfProvider, SelfProvider, ""
	d.Evidence, d.EvidenceValue, d.Confidence = ev, value, Confidence(ev)
	d.ThirdParty, d.Uncatalogued = false, false
}

// mergeDeps sorts deps (layer, provider, service, region) and merges the
// ones that Finish made equal, keeping the strongest evidence (at equal
// confidence the first in order).
func mergeDeps(deps []Dependency) []Dependency {
	sortDeps(deps)
	out := deps[:0]
	for _, d := range deps {
		if n := len(out); n > 0 {
			last := &out[n-1]
			if last.Layer == d.Layer && last.Provider == d.Provider && last.Service == d.Service && last.Region == d.Region {
				if d.Confidence > last.Confidence {
					*last = d
				}
				continue
			}
		}
		out = append(out, d)
	}
	return exact(out)
}

// sortDeps sorts dependencies by layer (catalog order), provider,
// service, region.
func sortDeps(deps []Dependency) {
	slices.SortStableFunc(deps, func(x, y Dependency) int {
		if x.Layer != y.Layer {
			return layerIndex(x.Layer) - layerIndex(y.Layer)
		}
		if x.Provider != y.Provider {
			return strings.Compare(x.Provider, y.Provider)
		}
		if x.Service != y.Service {
			return strings.Compare(x.Service, y.Service)
		}
		return strings.Compare(x.Region, y.Region)
	})
}

// ClassifyAll classifies a whole list and makes its list-level decisions
// (Finish): the results are in the order of obs.
func ClassifyAll(c *Classifier, obs []*dnscrawl.Observation) []Result {
	out := make([]Result, len(obs))
	for i, o := range obs {
		out[i] = c.Classify(o)
	}
	Finish(out)
	return out
}
