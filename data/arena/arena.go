// Package arena copies byte strings into shared chunks of memory: one
// allocation for the bytes of many small values, none of which holds a
// pointer for the collector to scan. Bytes are appended to a chunk and
// never written again where a copy was made, so a copy may be kept (as a
// string, too) as long as its holder likes; a chunk is freed when no
// copy in it is left.
package arena

import "unsafe"

// Chunks hands out copies in chunks of Size bytes (DefaultSize when 0).
// A value longer than a quarter of a chunk gets an allocation of its own,
// so that a chunk is never left mostly empty. The zero value is ready to
// use; a Chunks is not safe for concurrent use.
type Chunks struct {
	Size int
	buf  []byte
}

// DefaultSize is the size of a chunk when Chunks.Size is 0.
const DefaultSize = 64 << 10

// Bytes returns a copy of b with no spare capacity (an append to it
// cannot reach the next copy); nil when b is empty.
func (c *Chunks) Bytes(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	size := c.Size
	if size <= 0 {
		size = DefaultSize
	}
	if len(b) > cap(c.buf)-len(c.buf) {
		if len(b) > size/4 {
			return append([]byte(nil), b...)
		}
		c.buf = make([]byte, 0, size)
	}
	start := len(c.buf)
	c.buf = append(c.buf, b...)
	return c.buf[start:len(c.buf):len(c.buf)]
}

// String returns b as a string, copied as Bytes copies it; "" when b is
// empty.
func (c *Chunks) String(b []byte) string {
	k := c.Bytes(b)
	if len(k) == 0 {
		return ""
	}
	return unsafe.String(&k[0], len(k))
}
