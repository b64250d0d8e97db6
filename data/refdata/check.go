package refdata

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Bounds on the prefixes of a range publication.
const (
	// MinBits4 and MinBits6 are the shortest prefixes a range file may
	// hold. No provider publishes a block that large: the largest in the
	// real files are IPv4 /10 (Akamai, Google) and /11 (AWS), IPv6 /24
	// (Akamai) and /28 (Google); /8 is a whole former class A, /19 the
	// largest IPv6 allocation an RIR makes to one network. A /0 would
	// claim every address for one provider.
	MinBits4 = 8
	MinBits6 = 19
)

// specialBlock is a block of the IANA special-purpose address registries
// (RFC 6890) that is not globally reachable, or reserved: no provider
// can publish a prefix inside it, or one that holds it, as its own.
type specialBlock struct {
	prefix netip.Prefix
	what   string // the name and the RFC
}

var specialBlocks = []specialBlock{
	{netip.MustParsePrefix("0.0.0.0/8"), `"this network" 0.0.0.0/8 (RFC 1122)`},
	{netip.MustParsePrefix("10.0.0.0/8"), "private-use space 10.0.0.0/8 (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT)"},
	{netip.MustParsePrefix("127.0.0.0/8"), "loopback 127.0.0.0/8 (RFC 1122)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local 169.254.0.0/16 (RFC 3927)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "private-use space 172.16.0.0/12 (RFC 1918)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol assignments 192.0.0.0/24 (RFC 6890)"},
	{netip.MustParsePrefix("192.0.2.0/24"), "documentation 192.0.2.0/24 (RFC 5737)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "private-use space 192.168.0.0/16 (RFC 1918)"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking 198.18.0.0/15 (RFC 2544)"},
	{netip.MustParsePrefix("198.51.100.0/24"), "documentation 198.51.100.0/24 (RFC 5737)"},
	{netip.MustParsePrefix("203.0.113.0/24"), "documentation 203.0.113.0/24 (RFC 5737)"},
	{netip.MustParsePrefix("224.0.0.0/4"), "multicast 224.0.0.0/4 (RFC 5771)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved 240.0.0.0/4 (RFC 1112)"},
	{netip.MustParsePrefix("::/128"), "the unspecified address ::/128 (RFC 4291)"},
	{netip.MustParsePrefix("::1/128"), "loopback ::1/128 (RFC 4291)"},
	{netip.MustParsePrefix("100::/64"), "discard-only 100::/64 (RFC 6666)"},
	{netip.MustParsePrefix("2001:2::/48"), "benchmarking 2001:2::/48 (RFC 5180)"},
	{netip.MustParsePrefix("2001:db8::/32"), "documentation 2001:db8::/32 (RFC 3849)"},
	{netip.MustParsePrefix("3fff::/20"), "documentation 3fff::/20 (RFC 9637)"},
	{netip.MustParsePrefix("fc00::/7"), "unique local fc00::/7 (RFC 4193)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local fe80::/10 (RFC 4291)"},
	{netip.MustParsePrefix("ff00::/8"), "multicast ff00::/8 (RFC 4291)"},
}

// globalUnicast6 is the IPv6 global unicast space: every provider's
// IPv6 prefix is inside it.
var globalUnicast6 = netip.MustParsePrefix("2000::/3")

// PrefixProblem says why p cannot be in a provider's range publication:
// it is shorter than MinBits4 or MinBits6, it is inside or holds a
// special-purpose block (private, loopback, link-local, shared,
// documentation, benchmarking, multicast, reserved), or an IPv6 prefix
// is outside the global unicast space 2000::/3. The reason is a phrase
// that follows the prefix ("is in private-use space 10.0.0.0/8 (RFC
// 1918)", "holds ..."); it is "" for a prefix a provider can publish.
func PrefixProblem(p netip.Prefix) string {
	if !p.IsValid() {
		return "is not a valid prefix"
	}
	min := MinBits6
	if p.Addr().Is4() {
		min = MinBits4
	}
	if p.Bits() < min {
		return fmt.Sprintf("is shorter than /%d, larger than any provider publishes", min)
	}
	for _, b := range specialBlocks {
		switch {
		case !b.prefix.Overlaps(p):
		case b.prefix.Bits() <= p.Bits():
			return "is in " + b.what
		default:
			return "holds " + b.what
		}
	}
	if !p.Addr().Is4() && !globalUnicast6.Contains(p.Addr()) {
		return "is outside the IPv6 global unicast space 2000::/3 (RFC 4291)"
	}
	return ""
}

// maxListed bounds the prefixes one refusal lists.
const maxListed = 10

// CheckRanges refuses a parsed range file that holds a prefix no
// provider can publish (see PrefixProblem). source is the source's id,
// name the file as the user knows it (the path imported, the file
// downloaded). The error is a *ValidationError that --force does not
// override, listing the first maxListed offending prefixes in file order,
// each once.
func CheckRanges(source, name string, rs []Range) error {
	var problems []string
	seen := map[netip.Prefix]bool{}
	n := 0
	for _, r := range rs {
		if seen[r.Prefix] {
			continue
		}
		seen[r.Prefix] = true
		why := PrefixProblem(r.Prefix)
		if why == "" {
			continue
		}
		n++
		if n <= maxListed {
			problems = append(problems, r.Prefix.String()+" "+why)
		}
	}
	if n == 0 {
		return nil
	}
	if n > maxListed {
		problems = append(problems, fmt.Sprintf("and %d more such prefixes", n-maxListed))
	}
	return &ValidationError{Source: source, File: name, Hard: problems}
}

// ValidationError is a copy of a source that parses but is refused. Hard
// reasons (an empty file, a prefix no provider can publish) are never
// overridden; Soft ones (a shrink, a region or service that vanished, a
// prefix another provider publishes) are judgements that --force
// (UpdateOptions.Force, ImportOptions.Force) overrides. It wraps
// ErrValidation.
type ValidationError struct {
	Source string
	// File is the file the reasons are about; empty when they are about
	// the whole source.
	File       string
	Hard, Soft []string
	// Published and StoredPublished are the publication dates of the
	// refused copy and of the stored one (Validate sets them when both
	// are known): the message gives them when they differ, so that an
	// older snapshot is recognised.
	Published, StoredPublished time.Time
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "source %s: %v: ", e.Source, ErrValidation)
	if e.File != "" {
		b.WriteString(e.File + ": ")
	}
	b.WriteString(strings.Join(slices.Concat(e.Hard, e.Soft), "; "))
	if !e.Published.IsZero() && !e.StoredPublished.IsZero() && !e.Published.Equal(e.StoredPublished) {
		rel := "after"
		if e.Published.Before(e.StoredPublished) {
			rel = "before"
		}
		fmt.Fprintf(&b, "; this copy was published %s, %s the stored copy (published %s)",
			e.Published.UTC().Format(time.RFC3339), rel, e.StoredPublished.UTC().Format(time.RFC3339))
	}
	if len(e.Hard) == 0 {
		b.WriteString("; use --force to store it anyway")
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrValidation) true.
func (e *ValidationError) Unwrap() error { return ErrValidation }

// Forceable reports whether --force may store the copy anyway: every
// reason is a judgement, none says the data is impossible.
func (e *ValidationError) Forceable() bool { return len(e.Hard) == 0 }

// asValidation returns err as a *ValidationError, or nil.
func asValidation(err error) *ValidationError {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	return nil
}

// sharedPrefixes are the pairs of sources whose publications list some
// of the same prefixes by design: goog.json covers every Google network,
// cloud.json included; GitHub's meta lists the Azure ranges its Actions
// runners and Codespaces use. Any other prefix published identically by
// two sources is refused (see claims).
var sharedPrefixes = [][2]string{{"gcp", "goog"}, {"azure", "github"}}

func mayShare(a, b string) bool {
	return slices.Contains(sharedPrefixes, [2]string{a, b}) || slices.Contains(sharedPrefixes, [2]string{b, a})
}

// claims records, for every range source, the prefixes its files
// publish and the file each is in. A prefix that two sources publish
// identically (not one inside the other: a platform's addresses inside a
// cloud's block are normal, and the longer prefix wins) is a
// contradiction: one of the files is wrong, or a block changed hands and
// one file is stale.
type claims map[string]map[netip.Prefix]string

// set replaces the claims of source id by the prefixes of files.
func (c claims) set(id string, files []parsedFile) {
	m := make(map[netip.Prefix]string)
	for _, f := range files {
		for _, r := range f.ranges {
			if _, ok := m[r.Prefix]; !ok {
				m[r.Prefix] = f.label
			}
		}
	}
	c[id] = m
}

// conflicts returns one reason per other source that publishes some of
// the prefixes of files, in Sources order.
func (c claims) conflicts(id string, files []parsedFile) []string {
	var out []string
	for _, s := range Sources {
		other := c[s.ID]
		if s.ID == id || other == nil || mayShare(id, s.ID) {
			continue
		}
		var dup []string
		file := ""
		seen := map[netip.Prefix]bool{}
		for _, f := range files {
			for _, r := range f.ranges {
				if o, ok := other[r.Prefix]; ok && !seen[r.Prefix] {
					seen[r.Prefix] = true
					dup = append(dup, r.Prefix.String())
					if file == "" {
						file = o
					}
				}
			}
		}
		if len(dup) > 0 {
			out = append(out, fmt.Sprintf("%d %s also published by %s (%s): %s", len(dup), plural(len(dup), "prefix", "prefixes"), s.ID, file, list(dup)))
		}
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
