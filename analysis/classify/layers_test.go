package classify

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestURLHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://www.example.com/":        "www.example.com",
		"http://www.example.com:8080/x?y": "www.example.com",
		"https://www.example.com.":        "www.example.com",
		"https://user@www.example.com/":   "www.example.com",
		"https://[2001:db8::1]:443/":      "2001:db8::1",
		"https://[2001:db8::1":            "",
		"ftp://www.example.com/":          "",
		"www.example.com":                 "",
		"https://www.example.com#frag":    "www.example.com",
		"":                                "",
	} {
		if got := urlHost(in); got != want {
			t.Errorf("urlHost(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Example Trust Services, Inc.": "example-trust-services-inc",
		"Let's Encrypt":                "lets-encrypt",
		"":                             "",
		"=1+2":                         "1-2",
		"Bayerische Motoren Werke Aktiengesellschaft AG Extra Long Name": "bayerische-motoren-werke-aktiengesellschaft-ag-e",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestClassifyCacheInvisibleProbes is TestClassifyCacheInvisible with TLS
// and HTTP probes: the issuer and TLD caches change no result.
func TestClassifyCacheInvisibleProbes(t *testing.T) {
	t.Parallel()
	obs := withProbes(syntheticObservations(600))
	warm := benchClassifier(t)
	for _, o := range obs {
		warm.Classify(o)
	}
	for _, o := range obs {
		got, want := warm.Classify(o), New(warm.cat, testASN).Classify(o)
		if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{}, packedAddr{}, packedDep{}), cmp.AllowUnexported(Result{}, listHints{})); diff != "" {
			t.Fatalf("%s: cached classification differs (-fresh +cached):\n%s", o.Domain, diff)
		}
	}
}
