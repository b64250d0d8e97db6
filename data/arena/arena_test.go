package arena

import (
	"bytes"
	"strings"
	"testing"
)

// TestChunksCopies checks that copies keep their bytes when the source is
// changed and more copies are made, that they have no spare capacity, and
// that a large value does not begin a chunk.
func TestChunksCopies(t *testing.T) {
	c := Chunks{Size: 64}
	src := []byte("abcdefgh")
	var kept []string
	var keptBytes [][]byte
	for i := range 40 { // several chunks
		src[0] = byte('a' + i%26)
		kept = append(kept, c.String(src))
		keptBytes = append(keptBytes, c.Bytes(src))
	}
	for i := range 40 {
		want := string(rune('a'+i%26)) + "bcdefgh"
		if kept[i] != want || string(keptBytes[i]) != want {
			t.Fatalf("copy %d = %q, %q; want %q", i, kept[i], keptBytes[i], want)
		}
		if cap(keptBytes[i]) != len(keptBytes[i]) {
			t.Fatalf("copy %d has capacity %d for %d bytes", i, cap(keptBytes[i]), len(keptBytes[i]))
		}
	}
	// Appending to a copy must not write over the next one.
	a, b := c.Bytes([]byte("xy")), c.Bytes([]byte("zw"))
	_ = append(a, '!')
	if string(b) != "zw" {
		t.Fatalf("append to a copy changed the next: %q", b)
	}
	// A value over a quarter of a chunk that does not fit in the room
	// left gets its own memory: no new chunk is begun for it.
	fresh := Chunks{Size: 64}
	large := bytes.Repeat([]byte("L"), 17)
	if got := fresh.String(large); got != strings.Repeat("L", 17) {
		t.Fatalf("large copy = %q", got)
	}
	if cap(fresh.buf) != 0 {
		t.Fatalf("a large value began a chunk of %d bytes", cap(fresh.buf))
	}
	if c.String(nil) != "" || c.Bytes([]byte{}) != nil {
		t.Fatal("an empty value is not empty")
	}
}

// TestChunksAllocs checks that small copies share their allocations.
func TestChunksAllocs(t *testing.T) {
	var c Chunks // DefaultSize
	b := []byte("ns1.example.net")
	if n := testing.AllocsPerRun(1000, func() { _ = c.String(b) }); n > 0.01 {
		t.Fatalf("%v allocations per small copy", n)
	}
}
