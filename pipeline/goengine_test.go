package pipeline

import (
	"hash/maphash"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
)

// TestDomainSet: a domain is found again after it is added, another is
// not, and two names with one hash are told apart (the collision is made
// by hand: 64-bit hashes of real names practically never collide).
func TestDomainSet(t *testing.T) {
	t.Parallel()
	s := newDomainSet(0)
	var results []classify.Result
	add := func(d string) bool {
		dup := s.add(d, results)
		if !dup {
			results = append(results, classify.Result{Domain: d})
		}
		return dup
	}
	if add("a.example") || add("b.example") {
		t.Fatal("a new domain reported as already read")
	}
	if !add("a.example") || !add("b.example") {
		t.Fatal("a domain read twice not reported")
	}
	// c.example's hash now points at a.example's result.
	s.at[maphash.String(s.seed, "c.example")] = 0
	if add("c.example") {
		t.Fatal("a domain whose hash is another's reported as already read")
	}
	if !add("c.example") || !add("a.example") {
		t.Fatal("after a collision, a domain read twice not reported")
	}
	if len(results) != 3 {
		t.Fatalf("%d results kept, want 3", len(results))
	}
}
