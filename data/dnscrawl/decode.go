package dnscrawl

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/data/arena"
)

// This file holds the decoder of observation lines: a hand-written JSON
// reader for the Observation type, without reflection, about five times
// faster than encoding/json on crawl output (docs/benchmarks.md). It
// accepts what encoding/json accepts, with the same values (a field name
// matched exactly, else without regard to case; invalid UTF-8 in a string
// replaced by U+FFFD; null leaves a field empty; unknown fields skipped,
// after their syntax is checked), with one difference: a field given
// twice in one object is an error, where encoding/json would merge the
// two. The probe fields (tls, http, cert_hosts) are read in
// decode_probe.go; the delegation, which only a crawl from the root down
// records, is handed to encoding/json.
//
// Every field of Observation must be decoded here: TestDecodeEveryField
// fills every field of the type, recursively, by reflection and fails on
// any that does not come back. A new field needs a case below.

// Parser decodes observation lines like ParseObservation, and keeps one
// copy of the names that recur from domain to domain (name servers, mail
// exchangers, CNAME targets, zones, SOA names, error texts): the
// observations of a large list then share them, and so do the
// dependencies classified from them, which hold them as evidence. A
// Parser is not safe for concurrent use: give each goroutine its own. Its
// memory is bounded: it keeps parserSlots names, each in the slot its
// hash gives it, a newer name replacing an older one of the same slot
// (a table that never grows, is never cleared and is looked up without
// a map: names seen once, such as a site's own CNAME target, pass
// through without filling it). It is the crawl's internTable (wire.go)
// for one goroutine: plain strings instead of atomic pointers, so a new
// name costs one allocation, not two.
//
// A slot also remembers whether its name was found a valid DNS name
// (CheckNames' test): the names are checked as they are read, once per
// name kept, not once per line, and a line whose names are all valid
// skips that part of CheckNames (a line with one that is not is checked
// in full, for CheckNames' error).
type Parser struct {
	names *[parserSlots]nameSlot
	seed  maphash.Seed
	// Scratch for the elements of arrays, copied out at the end of each
	// array into a slice of the exact size (Parse; ParseInto decodes them
	// into its Store).
	addrs []netip.Addr
	strs  []string
	// chunk holds the bytes of one-site strings (text, decode_store.go);
	// lineTexts the strings of the line so far made there.
	chunk     arena.Chunks
	lineTexts []string
	// namesValid is true when every name of the line last decoded that
	// CheckNames checks as a DNS name was found valid as it was read.
	namesValid bool
	// lean leaves out the facts the analysis does not read
	// (NewLeanParser).
	lean bool
	// caches keeps values decoded with a Store, in keep
	// (decode_cache.go).
	caches    parserCaches
	keep      Store
	keepChunk arena.Chunks
}

// parserSlots is the number of names a Parser keeps (a power of two):
// a megabyte of slots.
const parserSlots = 1 << 14

// nameSlot is a name a Parser keeps: the string, its bytes again when
// it is short (so that a hit compares bytes of the slot's own cache line,
// not those of a string anywhere in the heap), and whether it was found
// a valid DNS name.
type nameSlot struct {
	s     string
	valid bool
	b     [slotBytes]byte // s, when len(s) <= slotBytes
}

// slotBytes makes a nameSlot 64 bytes, a cache line.
const slotBytes = 64 - 16 - 1

// NewParser returns a Parser.
func NewParser() *Parser {
	return &Parser{names: new([parserSlots]nameSlot), seed: maphash.MakeSeed(), lineTexts: make([]string, 0, 8), caches: newParserCaches(),
		chunk: arena.Chunks{Size: chunkBytes}}
}

// NewLeanParser returns a Parser that leaves out of the observations the
// facts that classification and the edges of the analysis never read
// (analyze reads a million lines with it): the resolver, start, duration
// and query counts of the observation; the address, port, error, version,
// verification and duration of a TLS probe; the subject, validity, SANs
// count and fingerprint of a certificate; the address, error, status code
// and duration of an HTTP probe. Those fields stay empty. A lean Parser
// still reads and checks them: it refuses the lines a Parser refuses,
// with the same error (for which it reads the line again in full), and
// gives every other field as a Parser does (TestLeanParser). Commands
// that write observations again or show them whole use NewParser.
func NewLeanParser() *Parser {
	p := NewParser()
	p.lean = true
	return p
}

// Parse decodes and checks one non-empty line, as ParseObservation does.
// The observation is the caller's to keep.
func (p *Parser) Parse(b []byte) (*Observation, error) { return parseObservation(b, p) }

// ParseInto decodes and checks one non-empty line as Parse does, into o,
// whose previous content is dropped, with the arrays of o in s (see
// Store): once s has grown to the size of a batch of lines, a line costs
// one allocation, its domain. On an error, o holds what was read before
// it; the error is Parse's. The slices, maps and pointers of o are valid
// until s.Reset; its strings stay valid after it.
func (p *Parser) ParseInto(b []byte, o *Observation, s *Store) error { return parseInto(b, o, p, s) }

// slot returns the slot of the name b, which holds b once it returns.
func (p *Parser) slot(b []byte) *nameSlot {
	sl := &p.names[maphash.Bytes(p.seed, b)&(parserSlots-1)]
	if len(sl.s) == len(b) {
		if len(b) <= slotBytes {
			if string(sl.b[:len(b)]) == string(b) {
				return sl
			}
		} else if sl.s == string(b) {
			return sl
		}
	}
	sl.s, sl.valid = string(b), false
	if len(b) <= slotBytes {
		copy(sl.b[:], b)
	}
	return sl
}

// intern returns b as a string, the same string for the same bytes
// while it stays in its slot.
func (p *Parser) intern(b []byte) string { return p.slot(b).s }

// checkedName is intern, and reports whether b is a valid name for
// CheckNames (validName), remembered while b stays in its slot.
func (p *Parser) checkedName(b []byte) (string, bool) {
	sl := p.slot(b)
	if !sl.valid {
		sl.valid = validName(sl.s)
	}
	return sl.s, sl.valid
}

// decodeObservation decodes one JSON object into o, which must be zero.
func decodeObservation(b []byte, o *Observation) error { return decodeWith(b, o, nil) }

// decodeWith decodes one JSON object into o, which must be zero, with
// names interned by p when p is not nil.
func decodeWith(b []byte, o *Observation, p *Parser) error { return decodeIn(b, o, p, nil) }

// decodeIn is decodeWith with the arrays of o in s when s is not nil (p
// must then be too).
func decodeIn(b []byte, o *Observation, p *Parser, s *Store) error {
	r := jsonReader{b: b, names: p, store: s, lean: p != nil && p.lean}
	if p != nil {
		p.lineTexts = p.lineTexts[:0]
		p.namesValid = false
	}
	r.ws()
	if r.null() {
		return r.end()
	}
	var seen fieldSet
	err := r.object(func(key []byte) error {
		switch k := r.key(key, &observationKeys); k {
		case "schema_version":
			return seen.once(0, k, r.intInto(&o.SchemaVersion))
		case "domain":
			err := r.strInto(&o.Domain)
			r.domain = o.Domain
			return seen.once(1, k, err)
		case "rank":
			return seen.once(2, k, r.intInto(&o.Rank))
		case "status":
			return seen.once(3, k, r.statusInto(&o.Status))
		case "error":
			return seen.once(4, k, r.nameInto(&o.Error))
		case "ns":
			return seen.once(5, k, cachedIf(&r, cachesOf(p, func(c *parserCaches) *rawCache[[]NSHost] { return &c.ns }), &o.NS, func(v *[]NSHost) error {
				return objects(&r, v, storeOf(r.store, func(s *Store) *[]NSHost { return &s.ns }), r.nsHost)
			}))
		case "soa":
			return seen.once(6, k, r.soa(&o.SOA))
		case "apex":
			return seen.once(7, k, r.host(&o.Apex))
		case "www":
			return seen.once(8, k, r.host(&o.WWW))
		case "mx":
			return seen.once(9, k, cachedIf(&r, cachesOf(p, func(c *parserCaches) *rawCache[[]MXHost] { return &c.mx }), &o.MX, func(v *[]MXHost) error {
				return objects(&r, v, storeOf(r.store, func(s *Store) *[]MXHost { return &s.mx }), r.mxHost)
			}))
		case "mx_status":
			return seen.once(10, k, r.statusInto(&o.MXStatus))
		case "target_zones":
			return seen.once(11, k, cachedIf(&r, cachesOf(p, func(c *parserCaches) *rawCache[[]ZoneNS] { return &c.zones }), &o.TargetZones, func(v *[]ZoneNS) error {
				return objects(&r, v, storeOf(r.store, func(s *Store) *[]ZoneNS { return &s.zones }), r.zoneNS)
			}))
		case "delegation":
			return seen.once(21, k, r.reflect(&o.Delegation))
		case "tls":
			return seen.once(12, k, r.tlsProbes(&o.TLS))
		case "http":
			return seen.once(13, k, r.httpProbes(&o.HTTP))
		case "cert_hosts":
			return seen.once(14, k, r.certHosts(&o.CertHosts))
		case "resolver":
			return seen.once(15, k, r.leanStr(&o.Resolver, asName, 0))
		case "simulated":
			return seen.once(16, k, r.boolInto(&o.Simulated))
		case "started_at":
			return seen.once(17, k, r.time(r.sinkTime(&o.StartedAt)))
		case "duration_ms":
			return seen.once(18, k, r.floatInto(r.sinkFloat(&o.DurationMS)))
		case "queries":
			return seen.once(19, k, r.intInto(r.sinkInt(&o.Queries)))
		case "attempts":
			return seen.once(20, k, r.intInto(r.sinkInt(&o.Attempts)))
		}
		return r.skip()
	})
	if err != nil {
		return err
	}
	if p != nil {
		p.namesValid = !r.badName
	}
	return r.end()
}

var (
	observationKeys = keySet{id: 0, keys: []string{"schema_version", "domain", "rank", "status", "error", "ns", "soa", "apex", "www", "mx",
		"mx_status", "target_zones", "delegation", "tls", "http", "cert_hosts", "resolver", "simulated", "started_at", "duration_ms",
		"queries", "attempts"}}
	nsHostKeys = keySet{id: 1, keys: []string{"name", "addrs"}}
	soaKeys    = keySet{id: 2, keys: []string{"mname", "rname", "serial"}}
	hostKeys   = keySet{id: 3, keys: []string{"name", "status", "error", "cnames", "a", "aaaa"}}
	mxHostKeys = keySet{id: 4, keys: []string{"preference", "name", "addrs"}}
	zoneNSKeys = keySet{id: 5, keys: []string{"zone", "ns"}}
)

// keySet is the field names of one object type, in the order the
// Encoder writes them; id numbers it for the reader's hints (keySets).
type keySet struct {
	id   int
	keys []string
}

// keySets is the number of keySets (ids 0 to keySets-1).
const keySets = 10

func (r *jsonReader) nsHost(h *NSHost) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &nsHostKeys); k {
		case "name":
			return seen.once(0, k, r.strAs(&h.Name, asCheckedName))
		case "addrs":
			return seen.once(1, k, r.addrs(&h.Addrs))
		}
		return r.skip()
	})
}

func (r *jsonReader) soa(p **SOA) error {
	if r.null() {
		return nil
	}
	var s *SOA
	if r.store != nil {
		s = grow(&r.store.soas)
	} else {
		s = new(SOA)
	}
	*p = s
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &soaKeys); k {
		case "mname":
			return seen.once(0, k, r.strAs(&s.MName, asCheckedName))
		case "rname":
			return seen.once(1, k, r.strAs(&s.RName, asCheckedName))
		case "serial":
			v, err := r.uint(32)
			s.Serial = uint32(v)
			return seen.once(2, k, err)
		}
		return r.skip()
	})
}

func (r *jsonReader) host(h *Host) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &hostKeys); k {
		case "name":
			return seen.once(0, k, r.strAs(&h.Name, asCheckedHost))
		case "status":
			return seen.once(1, k, r.statusInto(&h.Status))
		case "error":
			return seen.once(2, k, r.nameInto(&h.Error))
		case "cnames":
			return seen.once(3, k, r.strings(&h.CNAMEs, asCheckedName))
		case "a":
			return seen.once(4, k, r.addrs(&h.A))
		case "aaaa":
			return seen.once(5, k, r.addrs(&h.AAAA))
		}
		return r.skip()
	})
}

func (r *jsonReader) mxHost(h *MXHost) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &mxHostKeys); k {
		case "preference":
			v, err := r.uint(16)
			h.Preference = uint16(v)
			return seen.once(0, k, err)
		case "name":
			return seen.once(1, k, r.strAs(&h.Name, asCheckedName))
		case "addrs":
			return seen.once(2, k, r.addrs(&h.Addrs))
		}
		return r.skip()
	})
}

func (r *jsonReader) zoneNS(z *ZoneNS) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &zoneNSKeys); k {
		case "zone":
			return seen.once(0, k, r.strAs(&z.Zone, asCheckedName))
		case "ns":
			return seen.once(1, k, r.strings(&z.NS, asCheckedName))
		}
		return r.skip()
	})
}

// fieldSet records the fields of one object already read.
type fieldSet uint64

// once marks field i (named name) read, after its value was decoded with
// err; a field read twice is an error.
func (s *fieldSet) once(i int, name string, err error) error {
	if err != nil {
		return err
	}
	if *s&(1<<i) != 0 {
		return fmt.Errorf("field %q given twice", name)
	}
	*s |= 1 << i
	return nil
}

// matchKey returns the name of keys that key is: the same bytes, else the
// same without regard to case (bytes.EqualFold, as encoding/json does);
// "" for none.
func matchKey(key []byte, keys []string) string {
	for _, k := range keys {
		if string(key) == k {
			return k
		}
	}
	for _, k := range keys {
		if bytes.EqualFold(key, []byte(k)) {
			return k
		}
	}
	return ""
}

// key is matchKey for the keys of ks, first trying the key after the one
// last read in an object of its type: in lines the Encoder wrote, the
// keys come in the order of ks (some left out), so most keys are matched
// with one comparison.
func (r *jsonReader) key(key []byte, ks *keySet) string {
	h := &r.hints[ks.id]
	if i := int(*h); i < len(ks.keys) && string(key) == ks.keys[i] {
		*h = uint8(i + 1)
		return ks.keys[i]
	}
	for i, k := range ks.keys {
		if string(key) == k {
			*h = uint8(i + 1)
			return k
		}
	}
	*h = 0
	return matchKey(key, ks.keys)
}

// jsonReader reads JSON values from b, from position i.
type jsonReader struct {
	b     []byte
	i     int
	buf   []byte  // scratch for unescaping strings
	names *Parser // interns names when not nil
	store *Store  // holds the arrays when not nil (names is then not nil)
	// domain is the observation's domain once read, whose web hosts
	// and probes name it or its www host.
	domain string
	// hints holds, for each keySet, the index of the key expected next.
	hints [keySets]uint8
	// lastChain is the bytes of the last certificate chain read with a
	// Parser, lastCerts its certificates (chain).
	lastChain []byte
	lastCerts []Cert
	// badName is set when a name that CheckNames checks as a DNS name
	// (asCheckedName, asCheckedHost) was not found valid.
	badName bool
	// lean: the reader leaves out what a lean Parser leaves out, read
	// into sink.
	lean bool
	sink struct {
		f float64
		i int
		t time.Time
		a netip.Addr
		b bool
	}
}

// errLeanBound is the error of a lean reader for a field it leaves out
// that is longer than checkProbes allows: the line is read again in full
// for checkProbes' error.
var errLeanBound = errors.New("field over its bound")

// leanStr reads a string into p as strAs does, or, when the reader is
// lean, reads it and checks it against max, its bound in checkProbes (0:
// none), leaving p empty.
func (r *jsonReader) leanStr(p *string, kind strKind, max int) error {
	if !r.lean {
		return r.strAs(p, kind)
	}
	if r.null() {
		return nil
	}
	b, err := r.strBytes()
	if err == nil && max > 0 && len(b) > max {
		err = errLeanBound
	}
	return err
}

// The sinks return p, or, when the reader is lean, where a value it
// leaves out is read (and checked) instead.

func (r *jsonReader) sinkFloat(p *float64) *float64 {
	if r.lean {
		return &r.sink.f
	}
	return p
}

func (r *jsonReader) sinkInt(p *int) *int {
	if r.lean {
		return &r.sink.i
	}
	return p
}

func (r *jsonReader) sinkTime(p *time.Time) *time.Time {
	if r.lean {
		return &r.sink.t
	}
	return p
}

func (r *jsonReader) sinkAddr(p *netip.Addr) *netip.Addr {
	if r.lean {
		return &r.sink.a
	}
	return p
}

func (r *jsonReader) sinkBool(p *bool) *bool {
	if r.lean {
		return &r.sink.b
	}
	return p
}

var errEnd = errors.New("unexpected end of JSON input")

func (r *jsonReader) errorf(format string, a ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", r.i, fmt.Sprintf(format, a...))
}

// ws skips white space: most often none (the Encoder writes none), which
// the inlined test sees.
func (r *jsonReader) ws() {
	if r.i < len(r.b) && r.b[r.i] > ' ' {
		return
	}
	r.wsSlow()
}

func (r *jsonReader) wsSlow() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// end checks that only white space follows.
func (r *jsonReader) end() error {
	r.ws()
	if r.i != len(r.b) {
		return r.errorf("data after the object")
	}
	return nil
}

// null consumes a null literal (after white space) and reports whether
// there was one.
func (r *jsonReader) null() bool {
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == 'n' && bytes.HasPrefix(r.b[r.i:], []byte("null")) {
		r.i += 4
		return true
	}
	return false
}

// literal consumes the literal lit or fails.
func (r *jsonReader) literal(lit string) error {
	if !bytes.HasPrefix(r.b[r.i:], []byte(lit)) {
		if len(r.b)-r.i < len(lit) && bytes.HasPrefix([]byte(lit), r.b[r.i:]) {
			return errEnd
		}
		return r.errorf("invalid literal")
	}
	r.i += len(lit)
	return nil
}

// object reads an object, calling fn with each key (unescaped; valid only
// during the call) with the reader at the start of its value; fn reads or
// skips the value.
func (r *jsonReader) object(fn func(key []byte) error) error {
	r.ws()
	if r.i >= len(r.b) {
		return errEnd
	}
	if r.b[r.i] != '{' {
		return r.errorf("want an object")
	}
	r.i++
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == '}' {
		r.i++
		return nil
	}
	for {
		r.ws()
		key, err := r.strBytes()
		if err != nil {
			return err
		}
		r.ws()
		if r.i >= len(r.b) {
			return errEnd
		}
		if r.b[r.i] != ':' {
			return r.errorf("want ':' after a key")
		}
		r.i++
		r.ws()
		if err := fn(key); err != nil {
			return err
		}
		r.ws()
		if r.i >= len(r.b) {
			return errEnd
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case '}':
			r.i++
			return nil
		default:
			return r.errorf("want ',' or '}' in an object")
		}
	}
}

// array reads an array (null is an empty one), calling fn at the start of
// each element; fn reads the element.
func (r *jsonReader) array(fn func() error) error {
	if r.null() {
		return nil
	}
	if r.i >= len(r.b) {
		return errEnd
	}
	if r.b[r.i] != '[' {
		return r.errorf("want an array")
	}
	r.i++
	r.ws()
	if r.i < len(r.b) && r.b[r.i] == ']' {
		r.i++
		return nil
	}
	for {
		r.ws()
		if err := fn(); err != nil {
			return err
		}
		r.ws()
		if r.i >= len(r.b) {
			return errEnd
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case ']':
			r.i++
			return nil
		default:
			return r.errorf("want ',' or ']' in an array")
		}
	}
}

// strBytes reads a string and returns its unescaped bytes, valid until
// the next read: a slice of the input when the string has no escape and
// valid UTF-8, else of the scratch buffer.
func (r *jsonReader) strBytes() ([]byte, error) {
	if r.i >= len(r.b) {
		return nil, errEnd
	}
	if r.b[r.i] != '"' {
		return nil, r.errorf("want a string")
	}
	r.i++
	start := r.i
	// Eight bytes at a time while none is a quote, a backslash, a
	// control character or non-ASCII.
	for r.i+8 <= len(r.b) && plain8(binary.LittleEndian.Uint64(r.b[r.i:])) {
		r.i += 8
	}
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			s := r.b[start:r.i]
			r.i++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return r.strSlow(start)
		case c < ' ':
			return nil, r.errorf("control character in a string")
		}
		r.i++
	}
	return nil, errEnd
}

// plain8 reports whether none of the eight bytes of x is a quote, a
// backslash, below 0x20 or at or above 0x80: the bytes a string can
// hold as they are. (A zero byte of v is found by (v-0x01..) &^ v &
// 0x80..; a byte below n by (x-n..) &^ x & 0x80.., exact when no byte
// has its high bit set, which the last term checks.)
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	quote := x ^ (ones * '"')
	slash := x ^ (ones * '\\')
	hit := (quote-ones)&^quote | (slash-ones)&^slash | (x-ones*0x20)&^x | x
	return hit&highs == 0
}

// strSlow unescapes the string that began at start, from r.i, into the
// scratch buffer.
func (r *jsonReader) strSlow(start int) ([]byte, error) {
	out := append(r.buf[:0], r.b[start:r.i]...)
	for r.i < len(r.b) {
		c := r.b[r.i]
		switch {
		case c == '"':
			r.i++
			r.buf = out
			return out, nil
		case c < ' ':
			return nil, r.errorf("control character in a string")
		case c == '\\':
			if r.i+1 >= len(r.b) {
				return nil, errEnd
			}
			e := r.b[r.i+1]
			r.i += 2
			switch e {
			case '"', '\\', '/':
				out = append(out, e)
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				c1, ok := r.hex4()
				if !ok {
					return nil, r.errorf("bad \\u escape")
				}
				if utf16.IsSurrogate(c1) {
					// A high surrogate followed by an escaped low one
					// is one rune; anything else is U+FFFD.
					save := r.i
					if r.i+1 < len(r.b) && r.b[r.i] == '\\' && r.b[r.i+1] == 'u' {
						r.i += 2
						if c2, ok := r.hex4(); ok {
							if d := utf16.DecodeRune(c1, c2); d != utf8.RuneError {
								out = utf8.AppendRune(out, d)
								break
							}
						}
					}
					r.i = save
					c1 = utf8.RuneError
				}
				out = utf8.AppendRune(out, c1)
			default:
				return nil, r.errorf("bad escape")
			}
		case c < utf8.RuneSelf:
			out = append(out, c)
			r.i++
		default:
			ru, size := utf8.DecodeRune(r.b[r.i:])
			if ru == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, utf8.RuneError)
			} else {
				out = append(out, r.b[r.i:r.i+size]...)
			}
			r.i += size
		}
	}
	return nil, errEnd
}

// hex4 reads four hex digits.
func (r *jsonReader) hex4() (rune, bool) {
	if r.i+4 > len(r.b) {
		return 0, false
	}
	var v rune
	for _, c := range r.b[r.i : r.i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	r.i += 4
	return v, true
}

// strInto reads a string (or null) into p.
func (r *jsonReader) strInto(p *string) error {
	if r.null() {
		return nil
	}
	b, err := r.strBytes()
	if err != nil {
		return err
	}
	*p = string(b)
	return nil
}

// statusInto reads a status, without allocating for one of the closed
// set.
func (r *jsonReader) statusInto(p *Status) error {
	if r.null() {
		return nil
	}
	b, err := r.strBytes()
	if err != nil {
		return err
	}
	for _, s := range Statuses {
		if string(b) == string(s) {
			*p = s
			return nil
		}
	}
	*p = Status(b)
	return nil
}

// nameInto reads a string (or null) into p, interned when the reader has
// a Parser.
func (r *jsonReader) nameInto(p *string) error { return r.strAs(p, asName) }

// hostInto reads a host name (or null) into p: a web host, a probe's
// host, a certificate's subject. With a Parser, the domain is the
// domain's string, its www host a one-site string (text), any other name
// interned (the hosts of certificate URLs, the names of shared
// certificates recur).
func (r *jsonReader) hostInto(p *string) error { return r.strAs(p, asHost) }

// textInto reads a string (or null) into p, one site's own (a
// fingerprint, a URL, a header value): with a Parser, in its chunk of
// bytes (text).
func (r *jsonReader) textInto(p *string) error { return r.strAs(p, asText) }

// strKind says how a Parser makes a string: nameInto, hostInto, textInto,
// and the names CheckNames checks as DNS names, which the Parser checks
// as it interns them (checkedName): asCheckedName for a name interned,
// asCheckedHost for a host named as hostInto names it.
type strKind uint8

const (
	asName strKind = iota
	asHost
	asText
	asCheckedName
	asCheckedHost
)

// strAs reads a string (or null) into p, made as kind says when the
// reader has a Parser, else a new string.
func (r *jsonReader) strAs(p *string, kind strKind) error {
	if r.names == nil {
		return r.strInto(p)
	}
	if r.null() {
		return nil
	}
	b, err := r.strBytes()
	if err != nil {
		return err
	}
	d := r.domain
	host := kind == asHost || kind == asCheckedHost
	switch {
	case kind == asText:
		*p = r.names.text(b)
	case host && d != "" && string(b) == d:
		*p = d
	case host && d != "" && len(b) == len(d)+4 && string(b[:4]) == "www." && string(b[4:]) == d:
		*p = r.names.text(b)
	case kind == asCheckedName || kind == asCheckedHost:
		// CheckNames does not check the domain and its www host
		// above, as hosts.
		s, ok := r.names.checkedName(b)
		*p = s
		r.badName = r.badName || !ok
	default:
		*p = r.names.intern(b)
	}
	return nil
}

// name returns b as a string, interned when the reader has a Parser.
func (r *jsonReader) name(b []byte) string {
	if r.names == nil {
		return string(b)
	}
	return r.names.intern(b)
}

// strings reads an array of names (null: none), made as kind says.
func (r *jsonReader) strings(p *[]string, kind strKind) error {
	if r.names == nil {
		return r.array(func() error {
			var s string
			if err := r.strInto(&s); err != nil {
				return err
			}
			*p = append(*p, s)
			return nil
		})
	}
	if st := r.store; st != nil {
		start := len(st.strs)
		err := r.array(func() error { return r.strAs(grow(&st.strs), kind) })
		*p = since(st.strs, start)
		return err
	}
	// Gathered in the Parser's scratch (no array of names holds another),
	// then copied once.
	buf := r.names.strs[:0]
	err := r.array(func() error {
		var s string
		if err := r.strAs(&s, kind); err != nil {
			return err
		}
		buf = append(buf, s)
		return nil
	})
	*p = append(*p, buf...)
	clear(buf)
	r.names.strs = buf[:0]
	return err
}

// addrs reads an array of addresses, as netip.Addr.UnmarshalText takes
// them ("" is the zero Addr; null leaves the zero Addr).
func (r *jsonReader) addrs(p *[]netip.Addr) error {
	if r.names == nil {
		return r.array(func() error {
			var a netip.Addr
			if err := r.addr(&a); err != nil {
				return err
			}
			*p = append(*p, a)
			return nil
		})
	}
	if st := r.store; st != nil {
		start := len(st.addrs)
		err := r.array(func() error { return r.addr(grow(&st.addrs)) })
		*p = since(st.addrs, start)
		return err
	}
	// Gathered in the Parser's scratch, then copied once.
	buf := r.names.addrs[:0]
	err := r.array(func() error {
		var a netip.Addr
		if err := r.addr(&a); err != nil {
			return err
		}
		buf = append(buf, a)
		return nil
	})
	*p = append(*p, buf...)
	r.names.addrs = buf[:0]
	return err
}

// addr reads an address as netip.Addr.UnmarshalText takes it ("" is the
// zero Addr); null leaves p as it is.
func (r *jsonReader) addr(p *netip.Addr) error {
	if r.null() {
		return nil
	}
	b, err := r.strBytes()
	if err != nil {
		return err
	}
	if a, ok := parseAddr(b); ok {
		*p = a
		return nil
	}
	return p.UnmarshalText(b)
}

// number reads a number literal and returns its bytes.
func (r *jsonReader) number() ([]byte, error) {
	start := r.i
	if r.i < len(r.b) && r.b[r.i] == '-' {
		r.i++
	}
	digits := func() int {
		n := 0
		for r.i < len(r.b) && '0' <= r.b[r.i] && r.b[r.i] <= '9' {
			r.i++
			n++
		}
		return n
	}
	if r.i >= len(r.b) {
		return nil, errEnd
	}
	switch {
	case r.b[r.i] == '0':
		r.i++
	case '1' <= r.b[r.i] && r.b[r.i] <= '9':
		digits()
	default:
		return nil, r.errorf("want a value")
	}
	if r.i < len(r.b) && r.b[r.i] == '.' {
		r.i++
		if digits() == 0 {
			return nil, r.errorf("bad number")
		}
	}
	if r.i < len(r.b) && (r.b[r.i] == 'e' || r.b[r.i] == 'E') {
		r.i++
		if r.i < len(r.b) && (r.b[r.i] == '+' || r.b[r.i] == '-') {
			r.i++
		}
		if digits() == 0 {
			return nil, r.errorf("bad number")
		}
	}
	return r.b[start:r.i], nil
}

// numberOf reads a number, or fails naming what was there.
func (r *jsonReader) numberOf(what string) ([]byte, error) {
	if r.i < len(r.b) {
		if c := r.b[r.i]; c != '-' && (c < '0' || c > '9') {
			if err := r.skip(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("cannot read a %s from a non-number", what)
		}
	}
	return r.number()
}

// intInto reads an integer (or null) into p, as a Go int.
func (r *jsonReader) intInto(p *int) error {
	if r.null() {
		return nil
	}
	b, err := r.numberOf("number")
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(string(b), 10, strconv.IntSize)
	if err != nil {
		return fmt.Errorf("number %s: not an int", b)
	}
	*p = int(v)
	return nil
}

// uint reads an unsigned integer of the given size (null: 0).
func (r *jsonReader) uint(bits int) (uint64, error) {
	if r.null() {
		return 0, nil
	}
	b, err := r.numberOf("number")
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(string(b), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("number %s: not a uint%d", b, bits)
	}
	return v, nil
}

// floatInto reads a number (or null) into p.
func (r *jsonReader) floatInto(p *float64) error {
	if r.null() {
		return nil
	}
	b, err := r.numberOf("number")
	if err != nil {
		return err
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(v, 0) {
		return fmt.Errorf("number %s: out of range", b)
	}
	*p = v
	return nil
}

// boolInto reads true, false (or null) into p.
func (r *jsonReader) boolInto(p *bool) error {
	if r.null() {
		return nil
	}
	if r.i >= len(r.b) {
		return errEnd
	}
	switch r.b[r.i] {
	case 't':
		*p = true
		return r.literal("true")
	case 'f':
		*p = false
		return r.literal("false")
	}
	if err := r.skip(); err != nil {
		return err
	}
	return errors.New("cannot read a bool from a non-bool")
}

// time reads a time as time.Time.UnmarshalJSON does, from the raw value
// (RFC 3339 in a string; null leaves it zero), as encoding/json calls it.
func (r *jsonReader) time(t *time.Time) error {
	start := r.i
	if err := r.skip(); err != nil {
		return err
	}
	return t.UnmarshalJSON(r.b[start:r.i])
}

// reflect hands the next value to encoding/json, which decodes it into v.
func (r *jsonReader) reflect(v any) error {
	start := r.i
	if err := r.skip(); err != nil {
		return err
	}
	return json.Unmarshal(r.b[start:r.i], v)
}

// skip reads one value of any kind, checking its syntax.
func (r *jsonReader) skip() error {
	r.ws()
	if r.i >= len(r.b) {
		return errEnd
	}
	switch c := r.b[r.i]; {
	case c == '{':
		return r.object(func([]byte) error { return r.skip() })
	case c == '[':
		return r.array(r.skip)
	case c == '"':
		_, err := r.strBytes()
		return err
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	}
	_, err := r.number()
	return err
}
