package catalog

import "testing"

// BenchmarkDefault parses and validates the embedded catalog (every
// fragment), as each command does once at start.
func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
