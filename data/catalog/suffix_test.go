package catalog

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// match is what a SuffixIndex lookup returns, in a comparable form.
type match struct {
	ID     string
	Suffix string
	OK     bool
}

func lookup(x *SuffixIndex, name string) match {
	p, s, ok := x.Match(name)
	if !ok {
		return match{}
	}
	return match{ID: p.ID, Suffix: s, OK: true}
}

// buildIndex adds suffixes (suffix -> provider id) in the given order.
func buildIndex(t testing.TB, order []string, owners map[string]string) *SuffixIndex {
	t.Helper()
	x := NewSuffixIndex()
	for _, s := range order {
		if err := x.Add(s, &Provider{ID: owners[s]}); err != nil {
			t.Fatalf("Add(%q): %v", s, err)
		}
	}
	return x
}

// suffixMatches reports whether suffix pattern s matches the normalised
// name by whole labels, written independently of SuffixIndex: the last
// labels of name equal the labels of s, except that a first label of s
// ending in "*" matches any label that starts with what precedes the "*".
func suffixMatches(name, s string) bool {
	nl := strings.Split(name, ".")
	sl := strings.Split(s, ".")
	if len(sl) > len(nl) {
		return false
	}
	tail := nl[len(nl)-len(sl):]
	for i, l := range sl {
		if prefix, ok := strings.CutSuffix(l, "*"); ok && i == 0 {
			if !strings.HasPrefix(tail[i], prefix) {
				return false
			}
			continue
		}
		if tail[i] != l {
			return false
		}
	}
	return true
}

// referenceMatch applies the documented precedence by brute force: most
// labels first, then an exact suffix before a wildcard, then the longest
// wildcard prefix.
func referenceMatch(owners map[string]string, name string) match {
	name = NormalizeName(name)
	var best string
	rank := func(s string) (labels int, exact bool, prefix int) {
		first, _, _ := strings.Cut(s, ".")
		p, wild := strings.CutSuffix(first, "*")
		return strings.Count(s, ".") + 1, !wild, len(p)
	}
	better := func(a, b string) bool {
		al, ae, ap := rank(a)
		bl, be, bp := rank(b)
		if al != bl {
			return al > bl
		}
		if ae != be {
			return ae
		}
		return ap > bp
	}
	for s := range owners {
		if suffixMatches(name, s) && (best == "" || better(s, best)) {
			best = s
		}
	}
	if best == "" {
		return match{}
	}
	return match{ID: owners[best], Suffix: best, OK: true}
}

func TestValidateSuffix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		suffix  string
		wantErr bool
	}{
		{"two labels", "cloudflare.com", false},
		{"three labels", "ns.cloudflare.com", false},
		{"hyphen and digits", "awsdns-12.co.uk", false},
		{"underscore", "_dmarc.example.com", false},
		{"wildcard first label", "awsdns-*.com", false},
		{"wildcard deep", "ns-cloud-*.googledomains.com", false},
		{"empty", "", true},
		{"upper case", "Cloudflare.com", true},
		{"trailing dot", "cloudflare.com.", true},
		{"single label", "com", true},
		{"empty label", "ns..com", true},
		{"leading dot", ".cloudflare.com", true},
		{"bad char", "cloud!flare.com", true},
		{"space", "cloud flare.com", true},
		{"leading hyphen", "-cloudflare.com", true},
		{"trailing hyphen", "cloudflare-.com", true},
		{"label too long", strings.Repeat("a", 64) + ".com", true},
		{"bare wildcard", "*.example.com", true},
		{"wildcard in middle of label", "ns*x.example.com", true},
		{"two wildcards", "ns**.example.com", true},
		{"wildcard not in first label", "ns.example*.com", true},
		{"wildcard in last label", "example.co*", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := ValidateSuffix(tc.suffix)
			if gotErr := err != nil; gotErr != tc.wantErr {
				t.Errorf("ValidateSuffix(%q) = %v, want error %v", tc.suffix, err, tc.wantErr)
			}
		})
	}
}

func TestSuffixIndexAdd(t *testing.T) {
	t.Parallel()
	a, b := &Provider{ID: "a-x"}, &Provider{ID: "b-x"}
	tests := []struct {
		name    string
		adds    []string // each added for a, except the last, added for b
		wantErr string
	}{
		{"distinct suffixes", []string{"a.example", "b.example"}, ""},
		{"exact and wildcard of same parent", []string{"ns.example", "ns*.example"}, ""},
		{"claimed by another provider", []string{"x.example", "x.example"}, "already claimed"},
		{"wildcard claimed by another provider", []string{"ns-*.example", "ns-*.example"}, "already claimed"},
		{"malformed", []string{"a.example", "A.example"}, "lower case"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			x := NewSuffixIndex()
			var err error
			for i, s := range tc.adds {
				p := a
				if i == len(tc.adds)-1 {
					p = b
				}
				if err = x.Add(s, p); err != nil {
					break
				}
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
	t.Run("listed twice by one provider", func(t *testing.T) {
		t.Parallel()
		x := NewSuffixIndex()
		if err := x.Add("a.example", a); err != nil {
			t.Fatal(err)
		}
		if err := x.Add("a.example", a); err == nil || !strings.Contains(err.Error(), "listed twice") {
			t.Fatalf("error = %v, want listed twice", err)
		}
	})
}

func TestSuffixIndexMatch(t *testing.T) {
	t.Parallel()
	owners := map[string]string{
		"cloudflare.com":               "cloudflare-dns",
		"awsdns-*.com":                 "amazon-route53",
		"awsdns-*.co.uk":               "amazon-route53b",
		"awsdns-99.com":                "exact-awsdns",
		"ns-cloud-*.googledomains.com": "google-clouddns",
		"googledomains.com":            "squarespace-domains",
		"example.com":                  "short-example",
		"a.example.com":                "mid-example",
		"b.a.example.com":              "long-example",
		"ns-*.wild.example":            "short-wild",
		"ns-cloud-*.wild.example":      "long-wild",
	}
	x := buildIndex(t, slices.Sorted(maps.Keys(owners)), owners)
	tests := []struct {
		name string
		host string
		want match
	}{
		{"exact suffix itself", "cloudflare.com", match{"cloudflare-dns", "cloudflare.com", true}},
		{"whole-label suffix", "kate.ns.cloudflare.com", match{"cloudflare-dns", "cloudflare.com", true}},
		{"not a label boundary", "notcloudflare.com", match{}},
		{"suffix in the middle", "cloudflare.com.evil.net", match{}},
		{"trailing dot and upper case", "NS.CloudFlare.COM.", match{"cloudflare-dns", "cloudflare.com", true}},
		{"wildcard .com", "ns-1.awsdns-12.com", match{"amazon-route53", "awsdns-*.com", true}},
		{"wildcard co.uk", "ns-1.awsdns-12.co.uk", match{"amazon-route53b", "awsdns-*.co.uk", true}},
		{"wildcard label itself", "awsdns-12.com", match{"amazon-route53", "awsdns-*.com", true}},
		{"wildcard star matches empty", "awsdns-.com", match{"amazon-route53", "awsdns-*.com", true}},
		{"wildcard under another parent", "awsdns-12.evil.com", match{}},
		{"wildcard prefix not at label start", "xawsdns-12.com", match{}},
		{"exact beats wildcard at equal length", "ns-7.awsdns-99.com", match{"exact-awsdns", "awsdns-99.com", true}},
		{"longer wildcard beats shorter exact", "ns-cloud-a1.googledomains.com", match{"google-clouddns", "ns-cloud-*.googledomains.com", true}},
		{"exact parent when wildcard prefix differs", "ns1.googledomains.com", match{"squarespace-domains", "googledomains.com", true}},
		{"longest suffix wins", "x.b.a.example.com", match{"long-example", "b.a.example.com", true}},
		{"middle suffix", "x.a.example.com", match{"mid-example", "a.example.com", true}},
		{"shortest suffix", "x.c.example.com", match{"short-example", "example.com", true}},
		{"longest wildcard prefix wins", "ns-cloud-a1.wild.example", match{"long-wild", "ns-cloud-*.wild.example", true}},
		{"shorter wildcard prefix", "ns-1.wild.example", match{"short-wild", "ns-*.wild.example", true}},
		{"empty name", "", match{}},
		{"root", ".", match{}},
		{"single label", "com", match{}},
		{"two trailing dots", "ns.cloudflare.com..", match{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, lookup(x, tc.host)); diff != "" {
				t.Errorf("Match(%q) mismatch (-want +got):\n%s", tc.host, diff)
			}
			if diff := cmp.Diff(tc.want, referenceMatch(owners, tc.host)); diff != "" {
				t.Errorf("reference for %q disagrees with the table (-want +got):\n%s", tc.host, diff)
			}
		})
	}
}

// overlapping returns many suffixes that overlap in every way the index
// distinguishes: nested exact suffixes, wildcards with nested prefixes at
// the same parent, exact and wildcard at the same length.
func overlapping() map[string]string {
	owners := make(map[string]string)
	n := 0
	add := func(s string) {
		owners[s] = fmt.Sprintf("p%03d", n)
		n++
	}
	for _, tld := range []string{"com", "net", "co.uk"} {
		for _, base := range []string{"example", "ex", "e"} {
			parent := base + "." + tld
			add(parent)
			add("ns." + parent)
			add("a.ns." + parent)
			add("n*." + parent)
			add("ns*." + parent)
			add("ns-*." + parent)
			add("ns-cloud-*." + parent)
			add("ns-cloud-*.ns." + parent)
		}
		add("ns-*." + tld)
		add("example-*." + tld)
	}
	return owners
}

func queryNames() []string {
	var names []string
	for _, tld := range []string{"com", "net", "co.uk", "org"} {
		for _, base := range []string{"example", "ex", "e", "example-1", "nope"} {
			for _, host := range []string{"", "ns.", "a.ns.", "b.a.ns.", "n.", "ns1.", "ns-1.", "ns-cloud-a1.", "ns-cloud-a1.ns.", "x.ns-cloud-b2.", "NS.", "nsx."} {
				names = append(names, host+base+"."+tld, host+base+"."+tld+".")
			}
		}
	}
	return names
}

func TestSuffixIndexDeterministic(t *testing.T) {
	t.Parallel()
	owners := overlapping()
	order := slices.Sorted(maps.Keys(owners))
	names := queryNames()

	want := make([]match, len(names))
	for i, name := range names {
		want[i] = referenceMatch(owners, name)
	}
	matched := 0
	for _, m := range want {
		if m.OK {
			matched++
		}
	}
	if matched < len(names)/2 {
		t.Fatalf("only %d of %d query names match: the test does not exercise overlaps", matched, len(names))
	}

	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		shuffled := slices.Clone(order)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		x := buildIndex(t, shuffled, owners)
		got := make([]match, len(names))
		for i, name := range names {
			got[i] = lookup(x, name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("round %d: results depend on insertion order or break precedence (-want +got):\n%s", round, diff)
		}
	}
}

func TestNormalizeName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"lower", "ns.example.com", "ns.example.com"},
		{"upper", "NS.Example.COM", "ns.example.com"},
		{"trailing dot", "ns.example.com.", "ns.example.com"},
		{"only one trailing dot", "ns.example.com..", "ns.example.com."},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := NormalizeName(tc.in); got != tc.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
