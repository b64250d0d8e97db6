package domains

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/net/publicsuffix"
)

// TestPlainName checks Normalize's quick path for plain names against
// its full path (normalize): the same name or the same error, on names
// built from the characters and labels that decide which path is taken
// and what the IDNA profile says ("xn--", "ab--", hyphens at either end,
// upper case, '_', digits only, empty labels, public suffixes).
func TestPlainName(t *testing.T) {
	t.Parallel()
	labels := []string{"a", "example", "com", "co", "uk", "github", "io", "xn--grelab-cta7p", "xn--abc", "ab--cd",
		"abc--d", "-a", "a-", "a-b", "_dmarc", "a_b", "1", "255", "0x1", "Ex", "www", "blogspot", "", "zz",
		strings.Repeat("a", 63), strings.Repeat("b", 64), "ü", "xn--", "--", "a--", "q-", "9a"}
	r := rand.New(rand.NewPCG(3, 9))
	plain := 0
	for range 40000 {
		parts := make([]string, 1+r.IntN(5))
		for i := range parts {
			parts[i] = labels[r.IntN(len(labels))]
		}
		s := strings.Join(parts, ".")
		if r.IntN(20) == 0 {
			s += "."
		}
		if plainName(s) {
			plain++
		}
		got, gotErr := Normalize(s)
		want, wantErr := normalize(s)
		if got != want || (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("Normalize(%q) = %q, %v; the full path gives %q, %v", s, got, gotErr, want, wantErr)
		}
	}
	if plain < 10000 {
		t.Errorf("only %d of the names took the quick path", plain)
	}
}

// TestRegistrableETLD checks Registrable against
// publicsuffix.EffectiveTLDPlusOne, which it no longer calls.
func TestRegistrableETLD(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"example.com", "www.example.co.uk", "a.b.c.example.com", "user.github.io",
		"x.user.github.io", "example.internal", "a.b.internal", "foo.bar.kawasaki.jp", "city.kawasaki.jp",
		"www.city.kawasaki.jp", "example.xn--p1ai", "s3.amazonaws.com", "b.s3.amazonaws.com"} {
		got, err := Registrable(name)
		want, wantErr := publicsuffix.EffectiveTLDPlusOne(name)
		if err != nil {
			if suffix, icann := publicsuffix.PublicSuffix(name); suffix != name || !icann && strings.Contains(name, ".") {
				t.Errorf("Registrable(%q): %v", name, err)
			}
			continue
		}
		if suffix, _ := publicsuffix.PublicSuffix(name); suffix == name {
			want, wantErr = name, nil // a private suffix: the name itself
		}
		if got != want || wantErr != nil {
			t.Errorf("Registrable(%q) = %q, EffectiveTLDPlusOne gives %q, %v", name, got, want, wantErr)
		}
	}
}
