package classify

import (
	"encoding/json"
	"iter"
	"slices"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// A Result holds its dependencies packed, as it does its addresses: a
// Dependency is 136 bytes (its domain and rank, seven strings), a million
// domains have four million of them, and they were the largest part of
// the live heap once the addresses were packed. A packedDep is 40 bytes:
// the evidence value (names that recur are shared by the decoder's
// interning), the confidence, the provider, service and region as
// indexes into a table of names (depNames) and the layer, evidence kind
// and flags as small codes. The domain and rank are those of the Result.

// packedDep is one Dependency of a Result.
type packedDep struct {
	value                     string // EvidenceValue
	confidence                float64
	provider, service, region uint32 // in depNames
	layer                     uint8  // in layerCodes
	evidence                  uint8  // in evidenceCodes
	flags                     uint8  // depThirdParty, depUncatalogued
}

const (
	depThirdParty = 1 << iota
	depUncatalogued
)

// depNames interns the provider, service and region names of the
// dependencies Results hold.
var depNames = newInternTable[string]()

// layerCodes and evidenceCodes give the layers and evidence kinds of
// packed addresses and dependencies one byte each.
var (
	layerCodes    = newCodeTable(slices.Clone(StateLayers))
	evidenceCodes = newCodeTable(slices.Clone(Evidences))
)

// namer interns names through a local cache, so that classifying on
// several goroutines seldom takes the table's lock: a builder has one.
type namer map[string]uint32

// namerLimit bounds a namer: the names that recur are few, the rest are
// looked up in the table.
const namerLimit = 1 << 14

func (n namer) index(s string) uint32 {
	if s == "" {
		return 0
	}
	if i, ok := n[s]; ok {
		return i
	}
	i := depNames.index(s)
	if len(n) < namerLimit {
		n[s] = i
	}
	return i
}

// packDep packs d (its Domain and Rank are those of its Result).
func packDep(d *Dependency, names namer) packedDep {
	p := packedDep{
		value: d.EvidenceValue, confidence: d.Confidence,
		provider: names.index(d.Provider), service: names.index(d.Service), region: names.index(d.Region),
		layer: layerCodes.code(d.Layer), evidence: evidenceCodes.code(d.Evidence),
	}
	if d.ThirdParty {
		p.flags |= depThirdParty
	}
	if d.Uncatalogued {
		p.flags |= depUncatalogued
	}
	return p
}

// dep unpacks p, a dependency of r.
func (r *Result) dep(p *packedDep) Dependency {
	return Dependency{
		Domain: r.Domain, Rank: r.Rank, Layer: layerCodes.value(p.layer),
		Provider: *depNames.at(p.provider), Service: *depNames.at(p.service), Region: *depNames.at(p.region),
		Evidence: evidenceCodes.value(p.evidence), EvidenceValue: p.value, Confidence: p.confidence,
		ThirdParty: p.flags&depThirdParty != 0, Uncatalogued: p.flags&depUncatalogued != 0,
	}
}

// NumDeps returns the number of dependencies of r.
func (r *Result) NumDeps() int { return len(r.deps) }

// Dep returns the i-th dependency of r, with r's domain and rank.
func (r *Result) Dep(i int) Dependency { return r.dep(&r.deps[i]) }

// DepLayer returns the layer of the i-th dependency of r.
func (r *Result) DepLayer(i int) catalog.Layer { return layerCodes.value(r.deps[i].layer) }

// DepProvider returns the provider of the i-th dependency of r.
func (r *Result) DepProvider(i int) string { return *depNames.at(r.deps[i].provider) }

// Deps yields the dependencies of r with their position, sorted by layer
// (StateLayers order), provider, service and region, each with r's
// domain and rank.
func (r *Result) Deps() iter.Seq2[int, Dependency] {
	return func(yield func(int, Dependency) bool) {
		for i := range r.deps {
			if !yield(i, r.dep(&r.deps[i])) {
				return
			}
		}
	}
}

// DepList returns a copy of the dependencies of r, nil when it has none.
func (r *Result) DepList() []Dependency {
	if len(r.deps) == 0 {
		return nil
	}
	out := make([]Dependency, len(r.deps))
	for i := range r.deps {
		out[i] = r.dep(&r.deps[i])
	}
	return out
}

// SetDeps sets the dependencies of r to deps, in their order (a
// classifier sorts them by layer, provider, service and region). Their
// Domain and Rank are not kept: those of r stand for them.
func (r *Result) SetDeps(deps []Dependency) {
	r.deps = packDeps(deps, namer{})
}

// packDeps packs deps into a slice of exactly their length, nil when
// there are none.
func packDeps(deps []Dependency, names namer) []packedDep {
	if len(deps) == 0 {
		return nil
	}
	out := make([]packedDep, len(deps))
	for i := range deps {
		out[i] = packDep(&deps[i], names)
	}
	return out
}

// resultJSON is the JSON form of a Result: its exported fields and its
// dependencies and addresses as lists, the form it had before they were
// packed.
type resultJSON struct {
	Domain      string
	Rank        int
	Status      dnscrawl.Status
	Error       string
	States      map[catalog.Layer]State
	Deps        []Dependency
	Addrs       []AddrInfo
	OCSPStapled bool
	NoOCSPFetch bool
}

// MarshalJSON writes r with its dependencies (Deps) and addresses (Addrs)
// as lists. What Finish needs of r is not written.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(resultJSON{
		Domain: r.Domain, Rank: r.Rank, Status: r.Status, Error: r.Error, States: r.States,
		Deps: r.DepList(), Addrs: r.AddrInfos(), OCSPStapled: r.OCSPStapled, NoOCSPFetch: r.NoOCSPFetch,
	})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (r *Result) UnmarshalJSON(b []byte) error {
	var j resultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Result{Domain: j.Domain, Rank: j.Rank, Status: j.Status, Error: j.Error, States: j.States,
		OCSPStapled: j.OCSPStapled, NoOCSPFetch: j.NoOCSPFetch}
	r.SetDeps(j.Deps)
	r.SetAddrs(j.Addrs)
	return nil
}
