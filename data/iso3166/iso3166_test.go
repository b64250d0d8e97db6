package iso3166

import (
	"slices"
	"testing"
)

// TestCountryTable: 249 distinct codes, in order, each two capitals; the
// guard fails on a code that is not assigned.
func TestCountryTable(t *testing.T) {
	t.Parallel()
	var codes []string
	for i := 0; i < len(codesTable); i += 2 {
		codes = append(codes, codesTable[i:i+2])
	}
	if len(codesTable)%2 != 0 || len(codes) != 249 {
		t.Fatalf("%d codes, want 249", len(codes))
	}
	if !slices.IsSorted(codes) || len(slices.Compact(slices.Clone(codes))) != len(codes) {
		t.Error("codes not sorted or not distinct")
	}
	for _, cc := range []string{"US", "DE", "GB", "SS", "AX", "ZW"} {
		if !Assigned(cc) {
			t.Errorf("%s not assigned", cc)
		}
	}
	for _, cc := range []string{"XX", "UK", "EU", "ZZ", "AA", "U", "USA", "us"} {
		if Assigned(cc) {
			t.Errorf("%s assigned", cc)
		}
	}
}
