package simnet

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// This file plants delegation faults in the population: a server of a
// domain's delegation that does not serve the zone (a lame server: it
// answers REFUSED, answers without authority, or never answers), and a
// parent-side NS set that differs from the zone's own (a mismatch). Only
// the delegation tree (tree.go) shows them; the recursive-style server
// answers as a recursive resolver would, from the servers that do serve
// the zone, so the records it gives do not change. Every fault leaves
// the domain's DNS providers as they are (the lame server and the one
// the parent leaves out are the domain's provider's own), so a crawl from
// the root down and one through a recursive resolver find the same
// dependencies and differ only in what the delegation shows.

// faultKind is the delegation fault of a domain.
type faultKind uint8

const (
	faultNone     faultKind = iota
	faultRefused            // one server answers REFUSED for the zone
	faultNoAA               // one server answers the zone's data without the AA bit
	faultSilent             // one server never answers for the zone
	faultMismatch           // the parent's NS set leaves out one server of the zone's own set
	numFaults
)

// faultBP is the share of the domains with two or more name servers of
// a provider that get each fault, in basis points. Lame delegations are
// common in the real DNS (Akiwate et al., IMC 2020, found them in
// millions of .com/.net/.org domains); a few in a hundred keeps each kind
// present in a list of a few hundred.
const faultBP = 100

// drawFault is the purpose of the fault draw (see names.go).
const drawFault uint64 = 0x7700

// treeSlots is the number of loopback addresses the delegation tree
// spreads the name servers of the population over (tree.go).
const treeSlots = 256

// treeSlot is the slot of the tree where the name server at plan address
// a listens (IPv4 only).
func treeSlot(a netip.Addr) int {
	b := a.As4()
	return int(mix(uint64(binary.BigEndian.Uint32(b[:])), 0x5107) % treeSlots)
}

// treeSlotAddr is the loopback address of a slot: 127.64.x.y.
func treeSlotAddr(slot int) netip.Addr {
	return netip.AddrFrom4([4]byte{127, 64, byte(slot / 250), byte(1 + slot%250)})
}

// nsAddrs appends the plan addresses of name server ns of p.
func (p *plan) nsAddrs(dst []netip.Addr, ns nsRef) []netip.Addr {
	if ns.st != nil {
		return append(dst, ns.st.addrs...)
	}
	dst = p.selfAddrs(dst, uint64(ns.self), false)
	return p.selfAddrs(dst, uint64(ns.self), true)
}

// nsSlots appends the tree slots of the IPv4 addresses of ns.
func (p *plan) nsSlots(dst []int, ns nsRef) []int {
	var buf [8]netip.Addr
	for _, a := range p.nsAddrs(buf[:0], ns) {
		if a.Is4() {
			dst = append(dst, treeSlot(a))
		}
	}
	return dst
}

// fault returns the delegation fault planted in the domain of p and the
// index in p.ns of the name server it concerns. Only a domain that
// resolves, with two name servers or more, gets one, on a server of a
// provider (not under the domain itself) that shares no tree slot with
// the others, so that the others still serve the zone.
func (p *plan) fault() (faultKind, int) {
	if p.d.status != statusOK || len(p.ns) < 2 {
		return faultNone, -1
	}
	u := mix(p.h, drawFault)
	x := int(u % 10000)
	if x >= int(numFaults-1)*faultBP {
		return faultNone, -1
	}
	k := int((u >> 32) % uint64(len(p.ns)))
	ns := p.ns[k]
	if ns.st == nil {
		return faultNone, -1
	}
	mine := p.nsSlots(nil, ns)
	if len(mine) == 0 {
		return faultNone, -1
	}
	for j, o := range p.ns {
		if j == k {
			continue
		}
		for _, s := range p.nsSlots(nil, o) {
			if slices.Contains(mine, s) {
				return faultNone, -1
			}
		}
		if o.st == ns.st {
			return faultNone, -1
		}
	}
	return faultKind(1 + x/faultBP), k
}

// delegationPlan fills p for domain i as its delegation needs it: the
// name servers of a domain whose servers fail (status servfail or
// timeout) too, which the parent still delegates to. It reports whether
// the domain is delegated at all (not for status nxdomain).
func (in *Internet) delegationPlan(p *plan, i int) bool {
	in.makePlan(p, i)
	switch p.d.status {
	case statusNXDomain:
		return false
	case statusServFail, statusTimeout:
		p.nameServers()
	}
	return true
}

// TruthDelegation is a domain's delegation as the delegation tree
// (ServeTree) serves it, and what a crawl from the root down must record
// (dnscrawl.Delegation): the NS set of the TLD's referral, the NS set
// the zone's servers answer, and the servers that do not serve the zone.
// Names are lower case without the trailing dot, sorted.
type TruthDelegation struct {
	ParentNS []string
	// ChildNS is empty when no server answers for the zone.
	ChildNS []string
	// Mismatch is true when both sets are known and differ.
	Mismatch bool
	Lame     []TruthLame
}

// TruthLame is a name server that does not serve the zone, and how.
type TruthLame struct {
	Name string
	Why  dnscrawl.LameWhy
}

// DelegationAt returns the delegation of the domain of rank r (1-based)
// as the tree serves it (Truth.Delegation); ok is false for a domain that
// is not delegated (status nxdomain).
func (in *Internet) DelegationAt(rank int) (d TruthDelegation, ok bool) {
	var p plan
	in.makePlan(&p, rank-1)
	return p.delegation()
}

// delegation returns the delegation of the domain of p as the tree
// serves it, false when the domain is not delegated.
func (p *plan) delegation() (d TruthDelegation, ok bool) {
	switch p.d.status {
	case statusNXDomain:
		return d, false
	case statusServFail, statusTimeout:
		if len(p.ns) == 0 {
			p.nameServers()
		}
	}
	kind, k := p.fault()
	for j, ns := range p.ns {
		name := strings.TrimSuffix(p.nsName(ns), ".")
		if !(kind == faultMismatch && j == k) {
			d.ParentNS = append(d.ParentNS, name)
		}
		switch p.d.status {
		case statusServFail:
			d.Lame = append(d.Lame, TruthLame{name, dnscrawl.LameServFail})
			continue
		case statusTimeout:
			d.Lame = append(d.Lame, TruthLame{name, dnscrawl.LameTimeout})
			continue
		}
		d.ChildNS = append(d.ChildNS, name)
		if j != k {
			continue
		}
		switch kind {
		case faultRefused:
			d.Lame = append(d.Lame, TruthLame{name, dnscrawl.LameRefused})
		case faultNoAA:
			d.Lame = append(d.Lame, TruthLame{name, dnscrawl.LameNotAuth})
		case faultSilent:
			d.Lame = append(d.Lame, TruthLame{name, dnscrawl.LameTimeout})
		}
	}
	slices.Sort(d.ParentNS)
	d.ParentNS = slices.Compact(d.ParentNS)
	slices.Sort(d.ChildNS)
	d.ChildNS = slices.Compact(d.ChildNS)
	slices.SortFunc(d.Lame, func(x, y TruthLame) int { return strings.Compare(x.Name, y.Name) })
	d.Mismatch = len(d.ChildNS) > 0 && !slices.Equal(d.ParentNS, d.ChildNS)
	return d, true
}
