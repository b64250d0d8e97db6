package classify

import (
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// randomDeps returns n dependencies of domain d (rank rank) with every
// layer and evidence kind, empty and unusual values included.
func randomDeps(rng *rand.Rand, d string, rank, n int) []Dependency {
	names := []string{"", "amazon", "route53", "self", "us-east-1", "example-dns.net", "as64500", "ünï", "\xff"}
	layers := append(slices.Clone(StateLayers), "", "other-layer")
	evs := append(slices.Clone(Evidences), "", "other-evidence")
	confs := []float64{0, 1, 0.9, 0.35, 1.0 / 3}
	out := make([]Dependency, n)
	for i := range out {
		out[i] = Dependency{
			Domain: d, Rank: rank, Layer: layers[rng.IntN(len(layers))],
			Provider: names[rng.IntN(len(names))], Service: names[rng.IntN(len(names))], Region: names[rng.IntN(len(names))],
			Evidence: evs[rng.IntN(len(evs))], EvidenceValue: names[rng.IntN(len(names))] + "." + names[rng.IntN(len(names))],
			Confidence: confs[rng.IntN(len(confs))], ThirdParty: rng.IntN(2) == 0, Uncatalogued: rng.IntN(2) == 0,
		}
		if rng.IntN(5) == 0 {
			out[i].EvidenceValue = "" // packed values with nothing between them
		}
	}
	return out
}

// TestPackedDeps checks that a Result gives back the dependencies it was
// given through every reader.
func TestPackedDeps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 2))
	r := Result{Domain: "example.com", Rank: 7}
	deps := randomDeps(rng, r.Domain, r.Rank, 300)
	r.SetDeps(deps)
	if got := r.DepList(); !slices.Equal(got, deps) {
		t.Fatalf("DepList gave back\n%v\nwant\n%v", got, deps)
	}
	if r.NumDeps() != len(deps) {
		t.Fatalf("NumDeps %d, want %d", r.NumDeps(), len(deps))
	}
	for i, d := range r.Deps() {
		if d != deps[i] || r.Dep(i) != deps[i] || r.DepLayer(i) != deps[i].Layer || r.DepProvider(i) != deps[i].Provider {
			t.Fatalf("dependency %d: %v, want %v", i, d, deps[i])
		}
	}
	for _, l := range StateLayers {
		var want []Dependency
		for _, d := range deps {
			if d.Layer == l {
				want = append(want, d)
			}
		}
		if got := r.LayerDeps(l); !slices.Equal(got, want) {
			t.Errorf("LayerDeps(%s) = %v, want %v", l, got, want)
		}
	}
	r.SetDeps(nil)
	if r.NumDeps() != 0 || r.DepList() != nil {
		t.Error("SetDeps(nil) left dependencies")
	}
}

// TestResultJSON checks that a Result written as JSON has its
// dependencies and addresses as lists and reads back the same.
func TestResultJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	r := Result{Domain: "example.com", Rank: 3, Status: dnscrawl.StatusOK, Error: "", OCSPStapled: true,
		States: map[catalog.Layer]State{catalog.LayerDNS: StateKnown}}
	deps := randomDeps(rng, r.Domain, r.Rank, 20)
	for i := range deps { // JSON strings are UTF-8
		d := &deps[i]
		for _, s := range []*string{&d.Provider, &d.Service, &d.Region, &d.EvidenceValue} {
			*s = strings.ToValidUTF8(*s, "\uFFFD")
		}
	}
	r.SetDeps(deps)
	r.SetAddrs(randomAddrInfos(rng, 4))
	b, err := json.Marshal(&r)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Domain", "Rank", "Status", "Error", "States", "Deps", "Addrs", "OCSPStapled", "NoOCSPFetch"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("JSON has no %s: %s", k, b)
		}
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, back, cmp.AllowUnexported(Result{}), cmpopts.EquateComparable(netip.Addr{}, packedAddr{}, packedDep{})); diff != "" {
		t.Errorf("read back (-written +read):\n%s", diff)
	}
}

// TestPackedDepSize keeps packedDep small and free of pointers (the
// collector does not scan a slice of them).
func TestPackedDepSize(t *testing.T) {
	if s := unsafe.Sizeof(packedDep{}); s > 24 {
		t.Errorf("packedDep is %d bytes, want at most 24", s)
	}
	if hasPointers(reflect.TypeFor[packedDep]()) {
		t.Error("packedDep holds a pointer")
	}
	if hasPointers(reflect.TypeFor[packedAddr]()) {
		t.Error("packedAddr holds a pointer")
	}
}

// hasPointers reports whether a value of type t holds a pointer.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	}
	return true
}

// TestCriticalAsProviders checks that Critical, which walks the packed
// dependencies without making a list, says what its definition says of
// Providers' list: one provider, not self; on random dependencies, empty
// provider names and unknown layers included.
func TestCriticalAsProviders(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 4))
	layers := append(slices.Clone(StateLayers), "", "other-layer")
	for range 2000 {
		var r Result
		r.SetDeps(randomDeps(rng, "example.com", 1, rng.IntN(6)))
		for _, l := range layers {
			ps := r.Providers(l)
			want, wantOK := "", false
			if len(ps) == 1 && ps[0] != SelfProvider {
				want, wantOK = ps[0], true
			}
			if l == catalog.LayerCA && r.NoOCSPFetch {
				want, wantOK = "", false
			}
			if got, ok := r.Critical(l); got != want || ok != wantOK {
				t.Fatalf("deps %+v: Critical(%q) = %q, %v; Providers %q", r.DepList(), l, got, ok, ps)
			}
		}
	}
}

// TestJoinProviders checks JoinProviders and AppendProviders against the
// providers of each layer found from the unpacked dependencies, on random
// dependencies: distinct, sorted, joined; appended after what a buffer
// holds.
func TestJoinProviders(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(12, 5))
	layers := append(slices.Clone(StateLayers), "other-layer")
	several := 0
	for range 2000 {
		var r Result
		r.SetDeps(randomDeps(rng, "example.com", 1, rng.IntN(8)))
		for _, l := range layers {
			var want []string
			for _, d := range r.DepList() {
				if d.Layer == l && !slices.Contains(want, d.Provider) {
					want = append(want, d.Provider)
				}
			}
			slices.Sort(want)
			if len(want) > 1 {
				several++
			}
			if got := r.JoinProviders(l, ";"); got != strings.Join(want, ";") {
				t.Fatalf("deps %+v: JoinProviders(%q) = %q, want %q", r.DepList(), l, got, strings.Join(want, ";"))
			}
			if got := r.AppendProviders([]string{"kept"}, l); !slices.Equal(got, append([]string{"kept"}, want...)) {
				t.Fatalf("deps %+v: AppendProviders(%q) = %q, want %q after \"kept\"", r.DepList(), l, got, want)
			}
		}
	}
	if several == 0 {
		t.Fatal("no layer had two providers: the join is untested")
	}
}
