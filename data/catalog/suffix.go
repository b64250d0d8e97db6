package catalog

import (
	"fmt"
	"strings"
)

// SuffixIndex matches host names against name suffixes by whole labels:
// "cloudflare.com" matches "ns.cloudflare.com" and "cloudflare.com" but
// not "notcloudflare.com". The leftmost label of a suffix may end in "*",
// which matches any label starting with what precedes it: "awsdns-*.com"
// matches "ns-1.awsdns-12.com". When several suffixes match, the one with
// the most labels wins; at equal length an exact label beats a wildcard.
// The result never depends on insertion or map order.
type SuffixIndex struct {
	exact    map[string]*Provider
	wildcard map[string][]wild // parent (suffix without its first label) -> patterns
	suffixes map[string]string // normalised suffix -> provider ID, to find clashes
}

type wild struct {
	prefix string
	suffix string
	p      *Provider
}

// NewSuffixIndex returns an empty index.
func NewSuffixIndex() *SuffixIndex {
	return &SuffixIndex{
		exact:    make(map[string]*Provider),
		wildcard: make(map[string][]wild),
		suffixes: make(map[string]string),
	}
}

// NormalizeName lower-cases a host name and strips its trailing dot.
func NormalizeName(name string) string {
	return strings.TrimSuffix(strings.ToLower(name), ".")
}

// ValidateSuffix checks that s is a well-formed suffix: lower case, at
// least two labels, each a valid host label, "*" only at the end of the
// first label.
func ValidateSuffix(s string) error {
	if s != NormalizeName(s) || s == "" {
		return fmt.Errorf("%q is not lower case without a trailing dot", s)
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return fmt.Errorf("%q has fewer than two labels", s)
	}
	for i, l := range labels {
		if i == 0 && strings.HasSuffix(l, "*") {
			l = strings.TrimSuffix(l, "*")
			if l == "" || strings.Contains(l, "*") {
				return fmt.Errorf("%q: wildcard label needs a prefix", s)
			}
			l += "x"
		}
		if !labelRe.MatchString(l) {
			return fmt.Errorf("%q: malformed label %q", s, labels[i])
		}
	}
	return nil
}

// Add adds suffix s for provider p. It fails on a malformed suffix and on
// a suffix already claimed by another provider.
func (x *SuffixIndex) Add(s string, p *Provider) error {
	if err := ValidateSuffix(s); err != nil {
		return err
	}
	if other, ok := x.suffixes[s]; ok {
		if other == p.ID {
			return fmt.Errorf("%q listed twice", s)
		}
		return fmt.Errorf("%q already claimed by %q", s, other)
	}
	x.suffixes[s] = p.ID
	first, parent, _ := strings.Cut(s, ".")
	if prefix, ok := strings.CutSuffix(first, "*"); ok {
		x.wildcard[parent] = append(x.wildcard[parent], wild{prefix: prefix, suffix: s, p: p})
		return nil
	}
	x.exact[s] = p
	return nil
}

// Match returns the provider of the longest suffix of name, and that
// suffix.
func (x *SuffixIndex) Match(name string) (*Provider, string, bool) {
	name = NormalizeName(name)
	for rest := name; rest != ""; {
		if p, ok := x.exact[rest]; ok {
			return p, rest, true
		}
		first, parent, found := strings.Cut(rest, ".")
		if !found {
			break
		}
		// Among wildcards at this length, the longest prefix wins; ties
		// cannot exist because Add refuses duplicate suffixes.
		var best *wild
		for i := range x.wildcard[parent] {
			w := &x.wildcard[parent][i]
			if strings.HasPrefix(first, w.prefix) && (best == nil || len(w.prefix) > len(best.prefix)) {
				best = w
			}
		}
		if best != nil {
			return best.p, best.suffix, true
		}
		rest = parent
	}
	return nil, "", false
}
