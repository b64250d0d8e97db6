package domains

import (
	"fmt"
	"testing"
)

func TestNameSet(t *testing.T) {
	t.Parallel()
	var s NameSet
	if s.Has("a.test") {
		t.Fatal("empty set has a name")
	}
	for i := range 5000 {
		if !s.Add(fmt.Sprintf("d%d.test", i)) {
			t.Fatalf("d%d.test reported present before it was added", i)
		}
	}
	for i := range 5000 {
		if s.Add(fmt.Sprintf("d%d.test", i)) {
			t.Fatalf("d%d.test added twice", i)
		}
	}
	for _, tt := range []struct {
		name string
		want bool
	}{{"d0.test", true}, {"d4999.test", true}, {"d5000.test", false}, {"D0.test", false}, {"", false}} {
		if got := s.Has(tt.name); got != tt.want {
			t.Errorf("Has(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if s.Len() != 5000 {
		t.Errorf("Len = %d, want 5000", s.Len())
	}
}
