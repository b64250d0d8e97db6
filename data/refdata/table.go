package refdata

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/gaissmai/bart"
)

// Precedence lists the range sources from the most to the least
// authoritative. It decides between two sources that publish exactly the
// same prefix; a longer prefix always wins over a shorter one whatever
// its source. The order: the clouds' own per-region files first (they say
// which region and service a prefix serves), then the CDNs' and
// platforms' lists, then geofeeds (which give only a location), and last
// Google's goog.json, which covers every Google network and says nothing
// of its use. A source not listed comes after all listed ones, ordered by
// id.
var Precedence = []string{
	"aws", "gcp", "azure", "oracle",
	"cloudflare", "fastly", "akamai", "github",
	"digitalocean", "linode", "vultr",
	"goog",
}

// genericServices are the catch-all service names of the publications:
// AWS lists every prefix again under "AMAZON"; Azure's "AzureCloud" tags
// cover every Azure prefix of a region.
var genericServices = map[string]bool{"": true, "AMAZON": true, "AzureCloud": true}

// rank returns the position of source in Precedence (lower is stronger).
func rank(source string) int {
	if i := slices.Index(Precedence, source); i >= 0 {
		return i
	}
	return len(Precedence)
}

// better reports whether a should be kept over b for the same prefix. The
// rule, in order: the source earlier in Precedence; within one source, a
// range with a region over one without; a specific service over a
// generic one ("AMAZON", none); then the smaller service, region and
// border group by byte order. It never depends on input or map order.
func better(a, b *Range) bool {
	if ra, rb := rank(a.Source), rank(b.Source); ra != rb {
		return ra < rb
	}
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	if (a.Region != "") != (b.Region != "") {
		return a.Region != ""
	}
	if ga, gb := genericServices[a.Service], genericServices[b.Service]; ga != gb {
		return !ga
	}
	if c := strings.Compare(a.Service, b.Service); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.Region, b.Region); c != 0 {
		return c < 0
	}
	return a.BorderGroup < b.BorderGroup
}

// Ranges is one longest-prefix-match table over every loaded range
// publication. The zero value is empty and usable; a nil *Ranges finds
// nothing. Lookups are safe for concurrent use once built.
//
// For speed the table stores, per prefix, only its length and the index
// of its attributes (source, service, region ...) in a small deduplicated
// list: a lookup touches the trie and that list, which stays in cache.
type Ranges struct {
	tbl   bart.Table[uint32] // meta index << 8 | prefix length
	metas []meta
	index map[meta]uint32
	n     int
}

// meta is what a Range says besides its prefix.
type meta struct {
	source, service, region, borderGroup, country string
}

func metaOf(r *Range) meta {
	return meta{r.Source, r.Service, r.Region, r.BorderGroup, r.Country}
}

func (m *meta) rangeOf(p netip.Prefix) Range {
	return Range{Prefix: p, Source: m.source, Service: m.service, Region: m.region, BorderGroup: m.borderGroup, Country: m.country}
}

// NewRanges builds the table from ranges of any sources, in any order:
// the result is the same for every permutation of its input.
func NewRanges(rs ...[]Range) *Ranges {
	t := &Ranges{}
	for _, list := range rs {
		for i := range list {
			t.Add(list[i])
		}
	}
	return t
}

// Add inserts r; when its prefix is already present, the entry that
// better keeps wins.
func (t *Ranges) Add(r Range) {
	r.Prefix = r.Prefix.Masked()
	if !r.Prefix.IsValid() {
		return
	}
	if t.index == nil {
		t.index = make(map[meta]uint32)
	}
	m := metaOf(&r)
	mi, ok := t.index[m]
	if !ok {
		mi = uint32(len(t.metas))
		t.metas = append(t.metas, m)
		t.index[m] = mi
	}
	v := mi<<8 | uint32(r.Prefix.Bits())
	if old, ok := t.tbl.Get(r.Prefix); ok {
		cur := t.metas[old>>8].rangeOf(r.Prefix)
		if better(&r, &cur) {
			t.tbl.Insert(r.Prefix, v)
		}
		return
	}
	t.n++
	t.tbl.Insert(r.Prefix, v)
}

// Lookup returns the range with the longest prefix containing a.
func (t *Ranges) Lookup(a netip.Addr) (Range, bool) {
	if t == nil || !a.IsValid() {
		return Range{}, false
	}
	a = a.Unmap()
	v, ok := t.tbl.Lookup(a)
	if !ok {
		return Range{}, false
	}
	p, _ := a.Prefix(int(v & 0xff))
	return t.metas[v>>8].rangeOf(p), true
}

// Len returns the number of distinct prefixes.
func (t *Ranges) Len() int {
	if t == nil {
		return 0
	}
	return t.n
}

// All calls fn with every range of the table, sorted by prefix.
func (t *Ranges) All(fn func(Range) bool) {
	if t == nil {
		return
	}
	for p, v := range t.tbl.AllSorted() {
		if !fn(t.metas[v>>8].rangeOf(p)) {
			return
		}
	}
}
