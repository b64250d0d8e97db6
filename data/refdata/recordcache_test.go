package refdata

import (
	"sync"
	"testing"
)

// TestRecordCache stores and reads records from several goroutines at
// once: every record read is the one stored for its offset, every record
// stored is found afterwards, and none is found before it is stored.
func TestRecordCache(t *testing.T) {
	t.Parallel()
	var c recordCache[uint64]
	const n = 5000
	val := func(off uintptr) uint64 { return uint64(off)*2654435761 + 7 }
	if _, ok := c.get(3); ok {
		t.Fatal("an empty cache found a record")
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				off := uintptr((i*7 + g*1237) % n)
				if v, ok := c.get(off); ok && v != val(off) {
					errs <- "wrong record"
					return
				}
				c.put(off, val(off))
				if v, ok := c.get(off); !ok || v != val(off) {
					errs <- "record stored but not found"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	for off := range uintptr(n) {
		if v, ok := c.get(off); !ok || v != val(off) {
			t.Fatalf("record %d: %d, %v", off, v, ok)
		}
	}
	if _, ok := c.get(n + 1); ok {
		t.Fatal("a record never stored was found")
	}
	if c.n.Load() != n {
		t.Fatalf("%d records counted, %d stored", c.n.Load(), n)
	}
}
