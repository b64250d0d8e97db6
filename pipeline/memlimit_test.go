package pipeline

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMemoryLimit checks the soft memory limit of a run: 9/8 of the
// input files' size, at least 1 GiB, inputs that are not regular files
// counting for nothing.
func TestMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.jsonl")
	if err := os.WriteFile(small, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.jsonl")
	f, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	for _, tt := range []struct {
		inputs []string
		want   int64
	}{
		{nil, 1 << 30},
		{[]string{small}, 1 << 30},
		{[]string{"-", filepath.Join(dir, "missing.jsonl"), dir}, 1 << 30},
		{[]string{large}, 9 << 28}, // 2 GiB * 9/8
		{[]string{large, small, large}, (4<<30 + 3) * 9 / 8},
	} {
		if got := MemoryLimit(tt.inputs); got != tt.want {
			t.Errorf("MemoryLimit(%v) = %d, want %d", tt.inputs, got, tt.want)
		}
	}
}
