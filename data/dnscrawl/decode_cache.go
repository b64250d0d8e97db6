package dnscrawl

import (
	"bytes"
	"hash/maphash"
)

// This file holds the Parser's caches of decoded values. Many values of
// a large crawl are written with the same bytes on many lines: the name
// servers and mail exchangers of a hosting company's sites (with their
// addresses), the zones of CDN targets, the intermediate certificates of
// a CA, the resolution of its OCSP and CRL hosts. With a Store (ParseInto,
// whose observations are read-only), the Parser keeps such values with
// their bytes, and a line with the same bytes at that place takes the
// kept value instead of decoding it again. A JSON value ends where its
// own bytes say, so the same bytes are the same value.
//
// A value is kept the second time its first bytes are seen (a site's own
// name servers, seen once, are decoded into the Store without allocating
// anything), decoded then into memory that nothing writes again (the
// Parser's keep Store, makeRoom), and only when every name in it
// was found valid (a kept value is
// not checked again: checkedName). The caches are bounded: a fixed
// number of sets of two values each, a newer value replacing the older
// of its set.

// rawKey is the number of first bytes a value is found by; shorter values
// are not kept (they decode fast).
const rawKey = 128

// rawCache keeps values of type T with their bytes (see above).
type rawCache[T any] struct {
	sets []rawSet[T] // a power of two of them, made at first use
	size int         // sets to make
	ways int         // values a set keeps
}

type rawSet[T any] struct {
	e    []rawEntry[T]
	next int    // the entry the next value replaces, once the set is full
	seen uint64 // the hash of a value seen once, not kept
}

type rawEntry[T any] struct {
	h   uint64 // hash of the first rawKey bytes (odd: 0 is none)
	raw []byte
	v   T
}

func (c *rawCache[T]) set(h uint64) *rawSet[T] {
	if c.sets == nil {
		c.sets = make([]rawSet[T], c.size)
	}
	return &c.sets[h&uint64(len(c.sets)-1)]
}

// find returns the value b begins with, if c keeps it, and its length in
// bytes; h is the hash of b's first bytes, 0 when b is too short to be
// kept.
func (c *rawCache[T]) find(seed maphash.Seed, b []byte) (v T, n int, h uint64, ok bool) {
	if len(b) < rawKey {
		return v, 0, 0, false
	}
	h = maphash.Bytes(seed, b[:rawKey]) | 1
	s := c.set(h)
	for i := range s.e {
		if e := &s.e[i]; e.h == h && bytes.HasPrefix(b, e.raw) {
			return e.v, len(e.raw), h, true
		}
	}
	return v, 0, h, false
}

// again reports whether a value whose first bytes have the hash h was
// seen before (and not kept), and notes it seen.
func (c *rawCache[T]) again(h uint64) bool {
	s := c.set(h)
	if s.seen == h {
		return true
	}
	s.seen = h
	return false
}

// add keeps v, read from raw (which nothing writes again), whose first
// bytes have the hash h: in a free entry of its set, else in place of the
// one kept the longest.
func (c *rawCache[T]) add(h uint64, raw []byte, v T) {
	s := c.set(h)
	e := rawEntry[T]{h: h, raw: raw, v: v}
	if len(s.e) < c.ways {
		s.e = append(s.e, e)
	} else {
		s.e[s.next] = e
		s.next = (s.next + 1) % c.ways
	}
	s.seen = 0
}

// makeRoom readies s, a Parser's keep Store, for the next value its
// caches keep. The keep Store is never Reset, so that nothing writes
// again where a kept value is: an array with less than keepRoom elements
// of room is replaced by a new one, made at its full size at once (the
// values kept hold the old one; an array that grows by appending is
// copied, and the copy is waste). A kept value costs no allocation of its
// own but the copy of its bytes.
func (s *Store) makeRoom() {
	room(&s.ns, 512)
	room(&s.mx, 512)
	room(&s.zones, 256)
	room(&s.czones, 64)
	room(&s.certs, 64)
	room(&s.chosts, 128)
	room(&s.addrs, 2048)
	room(&s.strs, 1024)
}

// keepBytes returns a copy of b in the Parser's chunks of kept bytes
// (arena.DefaultSize each: one allocation for the bytes of many values).
func (p *Parser) keepBytes(b []byte) []byte { return p.keepChunk.Bytes(b) }

// keepRoom is the room makeRoom leaves in each array of a keep Store: a
// value that needs more grows an array (a copy).
const keepRoom = 16

// room replaces *a with a new array of n elements' capacity when it has
// less than keepRoom elements of room.
func room[T any](a *[]T, n int) {
	if cap(*a)-len(*a) < keepRoom {
		*a = make([]T, 0, n)
	}
}

// parserCaches are the caches of a Parser, by the sets of each (a power
// of two) and the values a set keeps: more for fewer values that often
// begin alike (the certificate hosts of one CA differ after the first
// host, past rawKey).
type parserCaches struct {
	ns        rawCache[[]NSHost]
	mx        rawCache[[]MXHost]
	zones     rawCache[[]ZoneNS]
	certs     rawCache[Cert] // certificates after the first of a chain
	certHosts rawCache[[]CertHost]
}

func newParserCaches() parserCaches {
	return parserCaches{ns: rawCache[[]NSHost]{size: 2048, ways: 2}, mx: rawCache[[]MXHost]{size: 2048, ways: 2},
		zones: rawCache[[]ZoneNS]{size: 256, ways: 4}, certs: rawCache[Cert]{size: 64, ways: 4},
		certHosts: rawCache[[]CertHost]{size: 64, ways: 16}}
}

// cached reads the value at r.i into p with read, or takes it from c (see
// above) when the reader decodes into a Store.
func cached[T any](r *jsonReader, c *rawCache[T], p *T, read func(*T) error) error {
	if r.store == nil {
		return read(p)
	}
	v, n, h, ok := c.find(r.names.seed, r.b[r.i:])
	if ok {
		r.i += n
		*p = v
		return nil
	}
	if h == 0 || !c.again(h) {
		return read(p)
	}
	start, st, bad := r.i, r.store, r.badName
	keep := &r.names.keep
	keep.makeRoom()
	r.store, r.badName = keep, false
	err := read(p)
	r.store = st
	if err == nil && !r.badName && r.i-start >= rawKey {
		c.add(h, r.names.keepBytes(r.b[start:r.i]), *p)
	}
	r.badName = r.badName || bad
	return err
}

// cachedIf is cached with c, or read alone when c is nil (no Parser).
func cachedIf[T any](r *jsonReader, c *rawCache[T], p *T, read func(*T) error) error {
	if c == nil {
		return read(p)
	}
	return cached(r, c, p, read)
}

// cachesOf returns the cache of p that field names, nil without a Parser.
func cachesOf[T any](p *Parser, field func(*parserCaches) *rawCache[T]) *rawCache[T] {
	if p == nil {
		return nil
	}
	return field(&p.caches)
}
