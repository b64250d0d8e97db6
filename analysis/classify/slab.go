package classify

import "unsafe"

// A Result's packed dependencies, addresses and evidence values are
// carved out of a builder's slabs, one large allocation shared by the
// Results of hundreds of domains, instead of three small allocations per
// domain: fewer objects for the allocator and the collector, and the
// Results of consecutive domains lie next to each other in memory, which
// the passes that read every Result's dependencies or addresses in list
// order (reports, metrics, the provider graph) go through much faster
// than through scattered small objects. None of the three holds a
// pointer, so a slab is never scanned; it is freed when no Result
// carved out of it is left.

// slabBytes is the size of one slab.
const slabBytes = 64 << 10

// slab hands out slices of T from a larger one, each with no spare
// capacity (so that an append to it cannot reach its neighbour's).
type slab[T any] struct{ buf []T }

// take returns a slice of n zero elements, nil when n is 0.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	var zero T
	size := slabBytes / int(unsafe.Sizeof(zero))
	if n > size/16 {
		return make([]T, n) // large: its own allocation
	}
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]T, 0, size)
	}
	l := len(s.buf)
	s.buf = s.buf[:l+n]
	return s.buf[l : l+n : l+n]
}
