package classify

import (
	"encoding/json"
	"iter"
	"math"
	"slices"
	"unsafe"

	"github.com/chokepoint-dev/chokepoint/data/arena"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// A Result holds its dependencies packed, as it does its addresses: a
// Dependency is 136 bytes (its domain and rank, seven strings), a million
// domains have four million of them, and they were the largest part of
// the live heap once the addresses were packed. A packedDep is 24 bytes
// and holds no pointer, so that the collector never scans the millions
// of them: the provider, service and region as indexes into a table of
// names (depNames), the confidence as an index into a table of the
// confidences seen (confidences), the layer, evidence kind and flags as
// small codes, and the end of its evidence value in the Result's one
// string of values (Result.vals: the values of its dependencies one
// after the other, each starting where the one before ends). The domain
// and rank are those of the Result.
//
// The values of the evidence kinds whose values recur from domain to
// domain (namedValue: a provider's name servers, a CA's issuer, a TLD's
// registry) are not copied into each Result: they are names in depNames
// like the providers (flag depValueNamed).

// packedDep is one Dependency of a Result.
type packedDep struct {
	provider, service, region uint32 // in depNames
	// valueEnd is the end of the evidence value in Result.vals; it
	// starts at the end of the previous dependency's held there (0 for
	// the first). With depValueNamed, it is the index of the value in
	// depNames instead.
	valueEnd   uint32
	confidence uint32 // in confidences
	layer      uint8  // in layerCodes
	evidence   uint8  // in evidenceCodes
	flags      uint8  // depThirdParty, depUncatalogued
}

const (
	depThirdParty = 1 << iota
	depUncatalogued
	depValueNamed
)

// namedValue reports whether the values of evidence kind e are kept in
// depNames: those that name the hosts of a provider or of an
// uncatalogued operator, certificate issuers and TLD registries, which
// recur across a list. The others (an address, a site's own name or its
// CNAME target) are the domain's own.
func namedValue(e Evidence) bool {
	switch e {
	case EvidenceNSSuffix, EvidenceOwnerDomain, EvidenceRegistrableDomain, EvidenceIssuer, EvidenceIssuerOrg, EvidenceTLD:
		return true
	}
	return false
}

// confidences interns the confidences of the dependencies Results hold:
// each kind of evidence has its own, the catalog's header rules a few
// more. Those of the evidence kinds are known from the start, and
// confidenceIndex finds them without taking the table's lock.
var (
	knownConfidences = func() []float64 {
		known := []float64{confIssuerChain}
		for _, e := range Evidences {
			if f := Confidence(e); f != 0 && !slices.Contains(known, f) {
				known = append(known, f)
			}
		}
		return known
	}()
	// confidences gives knownConfidences[i] index i+1.
	confidences = func() *internTable[float64] {
		t := newInternTable[float64]()
		for _, f := range knownConfidences {
			t.index(f)
		}
		return t
	}()
)

// confidenceIndex returns the index of f in confidences.
func confidenceIndex(f float64) uint32 {
	for i, k := range knownConfidences {
		if k == f {
			return uint32(i + 1)
		}
	}
	return confidences.index(f)
}

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
//
// Most names a builder interns are the same strings again, not only the
// same text: the catalog's company and service names, the regions of the
// range data, the name servers the decoder gives as one string. Its
// first level, ptrs, finds those by where their bytes are, with no
// hashing of the text; the second, seen, by their text.
type namer struct {
	ptrs *[namerSlots]namerSlot
	seen map[string]uint32
}

type namerSlot struct {
	// s is kept, so that its bytes cannot be reused for another
	// string while it is here: strings are immutable, so the same bytes
	// of the same length are the same text.
	s  string
	id uint32
}

// namerSlots is the number of slots of a namer's first level, a power of
// two.
const namerSlots = 1 << namerBits

const namerBits = 10

// namerLimit bounds a namer's map: the names that recur are few, the
// rest are looked up in the table.
const namerLimit = 1 << 14

func newNamer() namer {
	return namer{ptrs: new([namerSlots]namerSlot), seen: make(map[string]uint32)}
}

func (n namer) index(s string) uint32 {
	if s == "" {
		return 0
	}
	var slot *namerSlot
	if n.ptrs != nil {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		slot = &n.ptrs[(uint64(p)*0x9e3779b97f4a7c15)>>(64-namerBits)]
		if len(slot.s) == len(s) && unsafe.StringData(slot.s) == unsafe.StringData(s) {
			return slot.id
		}
	}
	i, ok := n.seen[s]
	if !ok {
		i = depNames.index(s)
		if n.seen != nil && len(n.seen) < namerLimit {
			n.seen[s] = i
		}
	}
	if slot != nil {
		*slot = namerSlot{s, i}
	}
	return i
}

// packDep packs d (its Domain and Rank are those of its Result), whose
// evidence value ends at valueEnd in the Result's values, or is in
// depNames when named.
func packDep(d *Dependency, names namer, valueEnd uint32, named bool) packedDep {
	p := packedDep{
		valueEnd: valueEnd, confidence: confidenceIndex(d.Confidence),
		provider: names.index(d.Provider), service: names.index(d.Service), region: names.index(d.Region),
		layer: layerCodes.code(d.Layer), evidence: evidenceCodes.code(d.Evidence),
	}
	if d.ThirdParty {
		p.flags |= depThirdParty
	}
	if d.Uncatalogued {
		p.flags |= depUncatalogued
	}
	if named {
		p.flags |= depValueNamed
		p.valueEnd = names.index(d.EvidenceValue)
	}
	return p
}

// depValue returns the evidence value of the i-th dependency of r.
func (r *Result) depValue(i int) string {
	p := &r.deps[i]
	if p.flags&depValueNamed != 0 {
		return *depNames.at(p.valueEnd)
	}
	start := uint32(0)
	for j := i - 1; j >= 0; j-- {
		if q := &r.deps[j]; q.flags&depValueNamed == 0 {
			start = q.valueEnd
			break
		}
	}
	return r.vals[start:p.valueEnd]
}

// dep unpacks the i-th dependency of r.
func (r *Result) dep(i int) Dependency {
	p := &r.deps[i]
	return Dependency{
		Domain: r.Domain, Rank: r.Rank, Layer: layerCodes.value(p.layer),
		Provider: *depNames.at(p.provider), Service: *depNames.at(p.service), Region: *depNames.at(p.region),
		Evidence: evidenceCodes.value(p.evidence), EvidenceValue: r.depValue(i), Confidence: *confidences.at(p.confidence),
		ThirdParty: p.flags&depThirdParty != 0, Uncatalogued: p.flags&depUncatalogued != 0,
	}
}

// NumDeps returns the number of dependencies of r.
func (r *Result) NumDeps() int { return len(r.deps) }

// Dep returns the i-th dependency of r, with r's domain and rank.
func (r *Result) Dep(i int) Dependency { return r.dep(i) }

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
			if !yield(i, r.dep(i)) {
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
		out[i] = r.dep(i)
	}
	return out
}

// SetDeps sets the dependencies of r to deps, in their order (a
// classifier sorts them by layer, provider, service and region). Their
// Domain and Rank are not kept: those of r stand for them.
func (r *Result) SetDeps(deps []Dependency) {
	r.deps, r.vals, _ = packDeps(deps, namer{seen: map[string]uint32{}}, nil, nil)
}

// packDeps packs deps into a slice of exactly their length, nil when
// there are none, and their evidence values into one string, made in buf
// (a buffer to reuse, may be nil), which it returns. The slice and the
// string are carved out of sl when it is not nil.
func packDeps(deps []Dependency, names namer, buf []byte, sl *builderSlabs) ([]packedDep, string, []byte) {
	if len(deps) == 0 {
		return nil, "", buf
	}
	var out []packedDep
	if sl != nil {
		out = sl.deps.take(len(deps))
	} else {
		out = make([]packedDep, len(deps))
	}
	buf = buf[:0]
	for i := range deps {
		named := namedValue(deps[i].Evidence)
		if !named {
			buf = append(buf, deps[i].EvidenceValue...)
			if uint64(len(buf)) > math.MaxUint32 {
				panic("classify: the evidence values of one domain exceed 4 GiB")
			}
		}
		out[i] = packDep(&deps[i], names, uint32(len(buf)), named)
	}
	var vals string
	switch {
	case len(buf) == 0:
	case sl != nil:
		vals = sl.vals.String(buf)
	default:
		vals = string(buf)
	}
	if cap(buf) > 1<<16 {
		buf = nil // a domain with a huge value: not kept for the next
	}
	return out, vals, buf
}

// builderSlabs are the slabs a builder carves Results out of.
type builderSlabs struct {
	deps  slab[packedDep]
	addrs slab[packedAddr]
	vals  arena.Chunks
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
