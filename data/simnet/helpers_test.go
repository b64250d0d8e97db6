package simnet

import (
	"testing"
	"unsafe"
)

// generate is Generate for tests.
func generate(t testing.TB, cfg Config) *Internet {
	t.Helper()
	in, err := Generate(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestDomainRecordSize guards the per-domain memory the crawler benchmark
// at a million domains relies on.
func TestDomainRecordSize(t *testing.T) {
	t.Parallel()
	if got := unsafe.Sizeof(domain{}); got > 16 {
		t.Errorf("domain record is %d bytes, want at most 16", got)
	}
}
