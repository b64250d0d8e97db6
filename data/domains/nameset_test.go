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

// TestNameSetChunks fills several arena chunks with names of every
// length from 0 to 255 bytes, so names end exactly at and just short of
// a chunk's end, and checks every one is found once and nothing else is.
func TestNameSetChunks(t *testing.T) {
	t.Parallel()
	var s NameSet
	name := func(i int) string {
		b := make([]byte, i%256)
		for j := range b {
			b[j] = byte('a' + (i+j)%26)
		}
		return fmt.Sprintf("%s%d", b, i)[:min(255, len(b)+len(fmt.Sprint(i)))]
	}
	const n = 3000 // about 400 KB of names: seven chunks
	added := map[string]bool{}
	for i := range n {
		nm := name(i)
		if got := s.Add(nm); got == added[nm] {
			t.Fatalf("Add(%d-byte name %d) = %v, already added %v", len(nm), i, got, added[nm])
		}
		added[nm] = true
	}
	if len(s.arena) < 5 {
		t.Fatalf("%d names in %d chunks; want them spread over several", n, len(s.arena))
	}
	for nm := range added {
		if !s.Has(nm) || s.Add(nm) {
			t.Fatalf("%d-byte name %q lost", len(nm), nm)
		}
	}
	if s.Has("never.added") {
		t.Fatal("a name never added is found")
	}
	if !s.Add("") || s.Add("") || !s.Has("") {
		t.Fatal("the empty name is not kept like any other")
	}
	if s.Len() != len(added)+1 {
		t.Fatalf("Len = %d, want %d", s.Len(), len(added)+1)
	}
}
