package graph

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAnalyseAsApart checks that Analyse, which answers the three in one
// pass over the domains for every element and pair at once, gives what
// BlastRadii, SinglePoints and CoDependency give one by one (each its own
// pass, over all elements, the companies alone, the pairs' companies):
// on a synthetic market with upstream edges (transitive failures, names
// lost), with one worker and with several, and for a number of pairs
// beyond those the list has.
func TestAnalyseAsApart(t *testing.T) {
	g := Build(syntheticResults(3000, 4), nil, syntheticEdges())
	wantBlast := g.BlastRadii(1)
	wantSPOF := g.SinglePoints()
	if len(wantSPOF) == 0 {
		t.Fatal("no single point of failure: the test would not check them")
	}
	for _, k := range []int{0, 7, 100, -1} {
		wantPairs := g.CoDependency(k)
		for _, workers := range []int{1, 3} {
			blast, spof, pairs := g.Analyse(workers, k)
			if d := cmp.Diff(wantBlast, blast); d != "" {
				t.Errorf("k=%d workers=%d: blast radii (-apart +Analyse):\n%s", k, workers, d)
			}
			if d := cmp.Diff(wantSPOF, spof); d != "" {
				t.Errorf("k=%d workers=%d: single points (-apart +Analyse):\n%s", k, workers, d)
			}
			if d := cmp.Diff(wantPairs, pairs); d != "" {
				t.Errorf("k=%d workers=%d: pairs (-apart +Analyse):\n%s", k, workers, d)
			}
		}
	}
	downs := 0
	for _, p := range g.CoDependency(-1) {
		downs += p.Down
	}
	if downs == 0 {
		t.Error("no pair takes a domain down together: Down is not checked")
	}
}
