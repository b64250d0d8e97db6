package classify

import (
	"iter"
	"net/netip"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// A Result holds its addresses packed: a million domains reach about
// seven million addresses, and as AddrInfo values (a layer, a country
// and a region as strings, a netip.Addr) they were the largest part of
// the live heap (80 bytes each, all of them pointers for the collector to
// follow). A packedAddr is 28 bytes and holds no pointer: the address's
// 16 bytes, its AS, its layer as a one-byte code and the
// country, region and zone as one index into a table of the distinct
// triples (places), shared by every Result of the process.

// packedAddr is one AddrInfo of a Result.
type packedAddr struct {
	ip    [16]byte // netip.Addr.As16
	asn   uint32
	place uint32 // index in places: country, region, zone
	layer uint8  // in layerCodes: StateLayers in their order
	kind  uint8  // addrInvalid, addr4 or addr6: the order of netip.Addr.BitLen
}

const (
	addrInvalid = iota
	addr4
	addr6
)

// place is what an address shares with many others: its country, the
// region of its published range and its IPv6 zone (none for addresses
// from DNS answers).
type place struct {
	country, region, zone string
}

// places interns the place of every address a Result holds.
var places = newInternTable[place]()

// placeIndex returns the index of p in places, adding it when new.
func placeIndex(p place) uint32 { return places.index(p) }

// placeAt returns the place of index i.
func placeAt(i uint32) *place { return places.at(i) }

// pack packs a.
func pack(a AddrInfo) packedAddr {
	return packAddr(a.Layer, a.Addr, a.ASN, placeIndex(place{a.Country, a.Region, a.Addr.Zone()}))
}

// packAddr packs address a on layer l with its AS and place index.
func packAddr(l catalog.Layer, a netip.Addr, asn, pl uint32) packedAddr {
	p := packedAddr{ip: a.As16(), asn: asn, layer: layerCodes.code(l), place: pl}
	switch {
	case a.Is4():
		p.kind = addr4
	case a.Is6():
		p.kind = addr6
	}
	return p
}

// Layer returns the layer of p.
func (p *packedAddr) Layer() catalog.Layer { return layerCodes.value(p.layer) }

// addr returns the address of p.
func (p *packedAddr) addr() netip.Addr {
	switch p.kind {
	case addr4:
		return netip.AddrFrom4([4]byte(p.ip[12:]))
	case addr6:
		a := netip.AddrFrom16(p.ip)
		if p.place != 0 {
			if z := placeAt(p.place).zone; z != "" {
				a = a.WithZone(z)
			}
		}
		return a
	}
	return netip.Addr{}
}

// info unpacks p.
func (p *packedAddr) info() AddrInfo {
	pl := placeAt(p.place)
	return AddrInfo{Layer: p.Layer(), Addr: p.addr(), ASN: p.asn, Country: pl.country, Region: pl.region}
}

// compare orders packed addresses as the AddrInfos they hold: by layer in
// StateLayers order (layers outside it after those, in the order they
// were first seen), then address (netip.Addr.Compare).
func (p *packedAddr) compare(q *packedAddr) int {
	switch {
	case p.layer != q.layer:
		return int(p.layer) - int(q.layer)
	case p.kind != q.kind:
		return int(p.kind) - int(q.kind)
	case p.ip != q.ip:
		for i := range p.ip {
			if p.ip[i] != q.ip[i] {
				return int(p.ip[i]) - int(q.ip[i])
			}
		}
	case p.place != q.place:
		return p.addr().Compare(q.addr()) // the zones
	}
	return 0
}

// sameAddr reports whether p and q are the same address on the same
// layer. The place holds the zone, and the same address always has the
// same place (its facts are those of the address alone).
func (p *packedAddr) sameAddr(q *packedAddr) bool {
	return p.layer == q.layer && p.kind == q.kind && p.ip == q.ip && p.place == q.place
}

// NumAddrs returns the number of addresses of r.
func (r *Result) NumAddrs() int { return len(r.addrs) }

// Addrs yields the addresses of r with their position, sorted by layer
// (StateLayers order), then address.
func (r *Result) Addrs() iter.Seq2[int, AddrInfo] {
	return func(yield func(int, AddrInfo) bool) {
		for i := range r.addrs {
			if !yield(i, r.addrs[i].info()) {
				return
			}
		}
	}
}

// AddrASN returns the layer, AS and country of the i-th address of r,
// without making its AddrInfo.
func (r *Result) AddrASN(i int) (l catalog.Layer, asn uint32, country string) {
	p := &r.addrs[i]
	return p.Layer(), p.asn, placeAt(p.place).country
}

// AddrInfos returns a copy of the addresses of r, nil when it has none.
func (r *Result) AddrInfos() []AddrInfo {
	if len(r.addrs) == 0 {
		return nil
	}
	out := make([]AddrInfo, len(r.addrs))
	for i := range r.addrs {
		out[i] = r.addrs[i].info()
	}
	return out
}

// SetAddrs sets the addresses of r to as, in their order (a classifier
// sorts them by layer, then address).
func (r *Result) SetAddrs(as []AddrInfo) {
	if len(as) == 0 {
		r.addrs = nil
		return
	}
	r.addrs = make([]packedAddr, len(as))
	for i, a := range as {
		r.addrs[i] = pack(a)
	}
}
