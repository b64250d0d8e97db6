package dnscrawl

import "net/netip"

// This file holds the memory a Parser decodes into when it is asked to
// allocate (almost) nothing per line: the Store, which holds the arrays
// of the observations decoded with ParseInto and is reused batch after
// batch, and the Parser's chunks of string bytes, which are never reused.
//
// Lifetimes. An Observation decoded with ParseInto holds slices of its
// Store (NS, MX, addresses, probes, chains, certificate hosts, header
// maps, arrays of names): they stay valid until the Store's Reset, after
// which the Store hands the same memory to the next observations. The
// strings of the observation are plain Go strings that nothing ever
// writes to again (names from the Parser's table, the domain in an
// allocation of its own, the other one-site strings in a chunk the
// Parser never rewrites): a consumer may keep any string, but no slice,
// map or pointer of the observation, past the Store's Reset. Observations
// decoded with ParseInto may share memory with each other (a chain that
// two probes of a line sent alike; the name servers, mail exchangers,
// target zones, intermediate certificates and certificate hosts of lines
// written with the same bytes, kept by the Parser: decode_cache.go): they
// are read-only.

// Store holds the arrays of the observations that Parser.ParseInto
// decodes: each array of an observation is a slice of the Store's array
// of its type (capacity-capped, so that appending to it copies), and
// Reset makes all of that memory free for the next observations, which
// then allocate nothing once the Store has grown to the size of a batch.
// The zero Store is ready to use. A Store is not safe for concurrent use;
// its observations may be read by another goroutine once handed over.
type Store struct {
	ns     []NSHost
	mx     []MXHost
	zones  []ZoneNS // target zones
	czones []ZoneNS // the zones of certificate hosts (*ZoneNS)
	soas   []SOA
	tls    []TLSProbe
	certs  []Cert
	http   []HTTPProbe
	chosts []CertHost
	addrs  []netip.Addr
	strs   []string
	maps   []map[string][]string
	nmaps  int // maps in use
}

// Reset makes the Store's memory free for the next observations: those
// decoded into it before must no longer be read (their strings may).
func (s *Store) Reset() {
	s.ns, s.mx, s.zones, s.czones, s.soas = s.ns[:0], s.mx[:0], s.zones[:0], s.czones[:0], s.soas[:0]
	s.tls, s.certs, s.http, s.chosts = s.tls[:0], s.certs[:0], s.http[:0], s.chosts[:0]
	s.addrs, s.strs = s.addrs[:0], s.strs[:0]
	s.nmaps = 0
}

// grow appends the zero T to *a and returns it. The arrays of one type
// never nest (no NSHost holds NSHosts), so the elements of one array of
// an observation are consecutive in *a.
func grow[T any](a *[]T) *T {
	var zero T
	*a = append(*a, zero)
	return &(*a)[len(*a)-1]
}

// since returns the elements of a from start, capacity-capped; nil for
// none, as the decoder without a Store leaves an empty array.
func since[T any](a []T, start int) []T {
	if len(a) == start {
		return nil
	}
	return a[start:len(a):len(a)]
}

// headerMap returns an empty map for the headers of one HTTP probe.
func (s *Store) headerMap() map[string][]string {
	if s.nmaps == len(s.maps) {
		s.maps = append(s.maps, make(map[string][]string, 8))
	}
	m := s.maps[s.nmaps]
	s.nmaps++
	clear(m)
	return m
}

// chunkBytes is the size of the Parser's chunks of string bytes. A
// string kept by a consumer keeps its chunk (the strings of a few dozen
// lines) in memory: the Parser puts there only the strings that are one
// site's own and that the analysis reads without keeping (certificate
// fingerprints and subjects, URLs, header values), never the domain.
const chunkBytes = 4 << 10

// text returns b as a string in the Parser's chunks of bytes (chunkBytes
// each): one allocation for the strings of many lines, holding no pointer
// for the collector to scan. A string of the same line with the same bytes (the chain of the
// www probe is most often the apex's) is returned again.
func (p *Parser) text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	for _, s := range p.lineTexts {
		if s == string(b) {
			return s
		}
	}
	s := p.chunk.String(b)
	if len(p.lineTexts) < cap(p.lineTexts) {
		p.lineTexts = append(p.lineTexts, s)
	}
	return s
}
