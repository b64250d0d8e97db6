package refdata

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"github.com/gaissmai/bart"
)

// ASNTable answers address-to-AS lookups from plain prefix tables (CAIDA
// pfx2as, iptoasn TSV), with AS names from an asnames file. Build it with
// NewASNTable and the Add methods; it is safe for concurrent lookups
// once built.
type ASNTable struct {
	tbl     bart.Table[uint32] // index into entries
	entries []asnEntry         // deduplicated: a few tens of thousands
	index   map[asnEntry]uint32
	names   map[uint32]string
	n       int
}

type asnEntry struct {
	asn     uint32
	country string
	org     string
}

// NewASNTable returns an empty table.
func NewASNTable() *ASNTable {
	return &ASNTable{names: make(map[uint32]string), index: make(map[asnEntry]uint32)}
}

// Len returns the number of prefixes.
func (t *ASNTable) Len() int { return t.n }

// Lookup returns the AS of a, its name (from the asnames file, else the
// table's description) and, from an iptoasn table, the country.
func (t *ASNTable) Lookup(a netip.Addr) Info {
	if t == nil || !a.IsValid() {
		return Info{}
	}
	i, ok := t.tbl.Lookup(a.Unmap())
	if !ok {
		return Info{}
	}
	e := &t.entries[i]
	info := Info{ASN: e.asn, Org: e.org, Country: e.country}
	if n, ok := t.names[e.asn]; ok {
		info.Org = n
	}
	return info
}

// ASName returns the name of AS asn from the asnames file, "" when the
// table has none (or t is nil).
func (t *ASNTable) ASName(asn uint32) string {
	if t == nil {
		return ""
	}
	return t.names[asn]
}

func (t *ASNTable) insert(p netip.Prefix, e asnEntry) {
	i, ok := t.index[e]
	if !ok {
		i = uint32(len(t.entries))
		t.entries = append(t.entries, e)
		t.index[e] = i
	}
	if _, ok := t.tbl.Get(p); !ok {
		t.n++
	}
	t.tbl.Insert(p, i)
}

// parseASN reads one AS number, with or without "AS"; for CAIDA's
// multi-origin forms ("a_b", MOAS; "a,b", an AS set) the first AS is the
// origin kept: both name the same prefix, and the first is the one most
// collectors saw.
func parseASN(s string) (uint32, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "AS"), "as")
	if i := strings.IndexAny(s, "_,"); i >= 0 {
		s = s[:i]
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("AS number %q: %v", s, err)
	}
	return uint32(n), nil
}

// AddPfx2as reads a CAIDA Routeviews pfx2as table:
// address<TAB>length<TAB>asn per line.
func (t *ASNTable) AddPfx2as(name string, r io.Reader) error {
	before := t.n
	err := eachLine(r, func(n int, line string) error {
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("line %d: %d fields, want 3", n, len(f))
		}
		bits, err := strconv.Atoi(f[1])
		if err != nil {
			return fmt.Errorf("line %d: length %q", n, f[1])
		}
		p, err := parsePrefix(f[0] + "/" + strconv.Itoa(bits))
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		asn, err := parseASN(f[2])
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		t.insert(p, asnEntry{asn: asn})
		return nil
	})
	if err != nil {
		return formatError(name, FormatPfx2as, "%v", err)
	}
	if t.n == before {
		return formatError(name, FormatPfx2as, "no prefix")
	}
	return nil
}

// AddIP2ASN reads an iptoasn.com table (ip2asn-v4.tsv or ip2asn-v6.tsv):
// start<TAB>end<TAB>asn<TAB>country<TAB>description. Rows of AS 0 ("Not
// routed") are skipped; each range is split into the prefixes that cover
// it exactly.
func (t *ASNTable) AddIP2ASN(name string, r io.Reader) error {
	rows := 0
	err := eachLine(r, func(n int, line string) error {
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return fmt.Errorf("line %d: %d fields, want 5", n, len(f))
		}
		start, err1 := netip.ParseAddr(f[0])
		end, err2 := netip.ParseAddr(f[1])
		if err1 != nil || err2 != nil || start.Is4() != end.Is4() || end.Less(start) || start.Zone() != "" || end.Zone() != "" {
			return fmt.Errorf("line %d: bad range %q-%q", n, f[0], f[1])
		}
		asn, err := parseASN(f[2])
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		rows++
		if asn == 0 {
			return nil
		}
		e := asnEntry{asn: asn, org: f[4]}
		if c := strings.ToUpper(f[3]); isAlpha2(c) {
			e.country = c
		}
		for _, p := range rangePrefixes(start, end) {
			t.insert(p, e)
		}
		return nil
	})
	if err != nil {
		return formatError(name, FormatIP2ASN, "%v", err)
	}
	if rows == 0 {
		return formatError(name, FormatIP2ASN, "no row")
	}
	return nil
}

// AddASNames reads AS names: "AS13335   CLOUDFLARENET, US" (or without
// "AS"); the trailing ", CC" is the registration country of the AS, not
// of its addresses, and is dropped.
func (t *ASNTable) AddASNames(name string, r io.Reader) error {
	count := 0
	err := eachLine(r, func(n int, line string) error {
		num, rest, _ := strings.Cut(line, " ")
		asn, err := parseASN(num)
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		rest = strings.TrimSpace(rest)
		if i := strings.LastIndex(rest, ", "); i >= 0 && isAlpha2(rest[i+2:]) {
			rest = rest[:i]
		}
		t.names[asn] = rest
		count++
		return nil
	})
	if err != nil {
		return formatError(name, FormatASNames, "%v", err)
	}
	if count == 0 {
		return formatError(name, FormatASNames, "no AS")
	}
	return nil
}

// u128 is an address as a 128-bit number (IPv4 in the low 32 bits).
type u128 struct{ hi, lo uint64 }

func toU128(a netip.Addr) u128 {
	b := a.As16()
	if a.Is4() {
		v := a.As4()
		return u128{lo: uint64(binary.BigEndian.Uint32(v[:]))}
	}
	return u128{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

func (x u128) addr(is4 bool) netip.Addr {
	if is4 {
		var v [4]byte
		binary.BigEndian.PutUint32(v[:], uint32(x.lo))
		return netip.AddrFrom4(v)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], x.hi)
	binary.BigEndian.PutUint64(b[8:], x.lo)
	return netip.AddrFrom16(b)
}

func (x u128) cmp(y u128) int {
	switch {
	case x.hi != y.hi:
		return cmpU64(x.hi, y.hi)
	default:
		return cmpU64(x.lo, y.lo)
	}
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// trailingZeros of x (128 when x is zero).
func (x u128) trailingZeros() int {
	if x.lo != 0 {
		return bits.TrailingZeros64(x.lo)
	}
	return 64 + bits.TrailingZeros64(x.hi)
}

// addMask adds 2^n - 1 (n <= 128); ok is false on overflow.
func (x u128) addMask(n int) (u128, bool) {
	var m u128
	switch {
	case n >= 128:
		m = u128{^uint64(0), ^uint64(0)}
	case n >= 64:
		m = u128{1<<(n-64) - 1, ^uint64(0)}
	default:
		m = u128{0, 1<<n - 1}
	}
	lo, c := bits.Add64(x.lo, m.lo, 0)
	hi, c2 := bits.Add64(x.hi, m.hi, c)
	return u128{hi, lo}, c2 == 0
}

// rangePrefixes returns the fewest prefixes that cover start..end
// exactly (start <= end, same family).
func rangePrefixes(start, end netip.Addr) []netip.Prefix {
	is4 := start.Is4()
	width := start.BitLen()
	s, e := toU128(start), toU128(end)
	var out []netip.Prefix
	for s.cmp(e) <= 0 {
		// The largest block aligned at s whose last address is <= e.
		size := min(s.trailingZeros(), width)
		for size > 0 {
			if last, ok := s.addMask(size); ok && last.cmp(e) <= 0 {
				break
			}
			size--
		}
		out = append(out, netip.PrefixFrom(s.addr(is4), width-size))
		last, _ := s.addMask(size)
		if last.cmp(e) >= 0 {
			break
		}
		s, _ = last.addMask(1) // last + 1
	}
	return out
}
