package classify

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// internChunk is the size of the chunks of an internTable.
const internChunk = 1024

// internTable gives each distinct value an index, for the packed
// addresses and dependencies of Results: the index is stored instead of
// the value. Index 0 is the zero value. A table only grows; it is shared
// by every Result of the process, and holds the distinct values of a run
// (countries and regions, provider and service names: thousands).
//
// Readers do not lock: an index is handed out only after its entry is
// written, and reaches a reader through the Result that holds it, so the
// entry is visible to whoever holds the index; the chunk directory is
// replaced, never changed, when it grows.
//
// The directory, which every read loads, is kept off the cache line of
// the lock and the count, which every new value writes.
type internTable[T comparable] struct {
	dir atomic.Pointer[[]*[internChunk]T]
	_   [120]byte
	mu  sync.Mutex
	ids map[T]uint32
	n   uint32
}

func newInternTable[T comparable]() *internTable[T] {
	var zero T
	t := &internTable[T]{ids: map[T]uint32{zero: 0}, n: 1}
	dir := []*[internChunk]T{new([internChunk]T)}
	t.dir.Store(&dir)
	return t
}

// index returns the index of v, adding v when new.
func (t *internTable[T]) index(v T) uint32 {
	var zero T
	if v == zero {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if i, ok := t.ids[v]; ok {
		return i
	}
	i := t.n
	dir := *t.dir.Load()
	if int(i/internChunk) == len(dir) {
		grown := append(dir[:len(dir):len(dir)], new([internChunk]T))
		t.dir.Store(&grown)
		dir = grown
	}
	dir[i/internChunk][i%internChunk] = v
	t.ids[v] = i
	t.n++
	return i
}

// codeTable is an internTable of a few values, given codes of one byte:
// the values of known first, in their order, from code 1 (0 is the zero
// value), then any other a caller gives, up to 255 in all.
type codeTable[T comparable] struct {
	known []T
	t     *internTable[T]
}

func newCodeTable[T comparable](known []T) *codeTable[T] {
	c := &codeTable[T]{known: known, t: newInternTable[T]()}
	for _, v := range known {
		c.t.index(v)
	}
	return c
}

// code returns the code of v.
func (c *codeTable[T]) code(v T) uint8 {
	for i, k := range c.known {
		if k == v {
			return uint8(i + 1)
		}
	}
	i := c.t.index(v)
	if i > 255 {
		panic(fmt.Sprintf("classify: more than 255 distinct %T values", v))
	}
	return uint8(i)
}

// value returns the value of code i. The known values are read from
// their own slice, which never changes: this is on the path of every
// read of a packed address or dependency, and the table's directory
// shares its cache line with the table's lock.
func (c *codeTable[T]) value(i uint8) T {
	if i > 0 && int(i) <= len(c.known) {
		return c.known[i-1]
	}
	return *c.t.at(uint32(i))
}

// at returns the value of index i.
func (t *internTable[T]) at(i uint32) *T {
	return &(*t.dir.Load())[i/internChunk][i%internChunk]
}
