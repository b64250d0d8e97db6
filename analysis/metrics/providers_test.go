package metrics

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// TestLayerProviders checks layerProviders over readDeps, which Compute
// calls with one slice for every domain, against
// classify.Result.Providers (one layer) and against the union of
// Providers over several layers, on random dependencies, appended after
// other names.
func TestLayerProviders(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var deps []classify.Dependency
		for range rng.IntN(8) {
			deps = append(deps, classify.Dependency{Layer: catalog.Layers[rng.IntN(len(catalog.Layers))],
				Provider: []string{"self", "b", "a", "c" + strconv.Itoa(rng.IntN(3)), ""}[rng.IntN(5)], Service: "s"})
		}
		var r classify.Result
		r.SetDeps(deps)
		prefix := []string{"zz", "aa"}
		dd := readDeps(nil, &r, catalog.Layers)
		for j, l := range catalog.Layers {
			got, _ := layerProviders(slices.Clone(prefix), dd, func(k int) bool { return k == j })
			if want := append(slices.Clone(prefix), r.Providers(l)...); !slices.Equal(got, want) {
				t.Fatalf("layer %s of %v: %q, want %q", l, deps, got, want)
			}
		}
		layers := catalog.Layers[:4]
		var want []string
		for _, l := range layers {
			for _, p := range r.Providers(l) {
				if !slices.Contains(want, p) {
					want = append(want, p)
				}
			}
		}
		slices.Sort(want)
		if got, _ := layerProviders(nil, dd, func(k int) bool { return k < len(layers) }); !slices.Equal(got, want) {
			t.Fatalf("layers %v of %v: %q, want %q", layers, deps, got, want)
		}
	}
}
