package classify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// State says what is known about one layer of one domain.
type State string

// The closed set of layer states. Every domain has exactly one per layer,
// so that known + none + unattributed + unresolved is the list size.
const (
	// StateKnown: at least one provider (or self) was attributed.
	StateKnown State = "known"
	// StateNone: the domain resolved and does not use the layer (no MX,
	// no CDN in its web path).
	StateNone State = "none"
	// StateUnattributed: the domain has records for the layer but no
	// provider could be named (a name server or address we do not know,
	// an origin hidden behind a CDN).
	StateUnattributed State = "unattributed"
	// StateUnresolved: the lookups the layer needs failed.
	StateUnresolved State = "unresolved"
)

// States lists every state in a fixed order.
var States = []State{StateKnown, StateNone, StateUnattributed, StateUnresolved}

// ParseState returns the state named s.
func ParseState(s string) (State, error) {
	for _, st := range States {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown layer state %q", s)
}

func (s State) String() string { return string(s) }

// Result is the classification of one input domain.
type Result struct {
	Domain string
	Rank   int
	Status dnscrawl.Status
	Error  string
	// States has one entry per layer in StateLayers (catalog.Layers, ca
	// and tld). The results of a
	// Classifier with the same states share one map: it must not be
	// modified.
	States map[catalog.Layer]State
	// deps are sorted by layer (StateLayers order), provider, service,
	// region. Packed (deps.go): read them with Deps, Dep, NumDeps or
	// DepList, set them with SetDeps.
	deps []packedDep
	// vals holds the evidence values of deps, one after the other.
	vals string
	// addrs are the addresses each layer reaches (name servers for dns,
	// the web hosts' final addresses for cdn and hosting, mail exchangers
	// for email) with their AS and country, so that failures of an AS or
	// a country can be computed. Sorted by layer, then address; an
	// address shared by cdn and hosting is listed under the layer it was
	// attributed to, or under hosting when unattributed. Packed
	// (addrs.go): read them with Addrs, AddrASN or AddrInfos, set them
	// with SetAddrs.
	addrs []packedAddr

	// OCSPStapled is true when every certificate the ca layer was
	// classified from came with a stapled OCSP response.
	OCSPStapled bool
	// NoOCSPFetch is true when no certificate the ca layer was classified
	// from needs an answer from its CA's OCSP responder at connection
	// time: each came with a stapled response or names no OCSP responder
	// (Let's Encrypt's certificates since 2025, which carry only a CRL
	// URL; clients do not hard-fail on CRLs). The CA is then not a
	// critical dependency (Critical).
	NoOCSPFetch bool

	// hints holds what Finish needs to decide list-level questions for
	// this domain; nil for most domains, and nil after Finish.
	hints *listHints
}

// AddrInfo is one address a domain depends on, with what the reference
// data says of it.
type AddrInfo struct {
	Layer   catalog.Layer
	Addr    netip.Addr
	ASN     uint32 // 0 when unknown
	Country string // ISO 3166-1 alpha-2, empty when unknown
	// Region is the provider region of the published range holding the
	// address ("us-east-1"), empty when none is known.
	Region string
}

// LayerDeps returns the dependencies of r on layer l.
func (r *Result) LayerDeps(l catalog.Layer) []Dependency {
	var out []Dependency
	for i := range r.deps {
		if r.DepLayer(i) == l {
			out = append(out, r.dep(i))
		}
	}
	return out
}

// Providers returns the distinct providers (company ids, "self" included)
// of r on layer l, sorted.
func (r *Result) Providers(l catalog.Layer) []string {
	return r.AppendProviders(nil, l)
}

// AppendProviders appends to dst the distinct providers of r on layer l,
// sorted, as Providers returns them: with a buffer to reuse, it makes
// nothing.
func (r *Result) AppendProviders(dst []string, l catalog.Layer) []string {
	base := len(dst)
	for i := range r.deps {
		if r.DepLayer(i) != l {
			continue
		}
		if p := *depNames.at(r.deps[i].provider); !slices.Contains(dst[base:], p) {
			dst = append(dst, p)
		}
	}
	slices.Sort(dst[base:])
	return dst
}

// JoinProviders returns the distinct providers of r on layer l, sorted,
// joined by sep: strings.Join(r.Providers(l), sep), made without a list
// of them, and without a new string when there is one provider.
func (r *Result) JoinProviders(l catalog.Layer, sep string) string {
	var buf [8]string
	ps := r.AppendProviders(buf[:0], l)
	switch len(ps) {
	case 0:
		return ""
	case 1:
		return ps[0]
	}
	return strings.Join(ps, sep)
}

// Critical returns the provider r critically depends on for layer l: the
// single third-party provider when every provider of r on l is that one
// provider (no second provider, no self-hosted server), after Kashaf et
// al., IMC 2020. On the ca layer a site whose certificates come with a
// stapled OCSP response, or name no OCSP responder, is not critically
// dependent on its CA (Kashaf et al.: one CA and no stapling; a
// certificate without an OCSP URL asks nothing of the CA when a client
// connects). ok is false when r is not critically
// dependent on l.
func (r *Result) Critical(l catalog.Layer) (provider string, ok bool) {
	if l == catalog.LayerCA && r.NoOCSPFetch {
		return "", false
	}
	// The distinct providers of l, as Providers finds them, without
	// making the list: exactly one, not self. A name has one index in
	// depNames, so the indexes compare as the names.
	var pi uint32
	found := false
	for i := range r.deps {
		if r.DepLayer(i) != l {
			continue
		}
		switch {
		case !found:
			pi, found = r.deps[i].provider, true
		case r.deps[i].provider != pi:
			return "", false
		}
	}
	if !found {
		return "", false
	}
	if provider = *depNames.at(pi); provider == SelfProvider {
		return "", false
	}
	return provider, true
}
