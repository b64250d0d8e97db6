package classify

import (
	"slices"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// delegation adds the DNS dependencies that only a crawl from the root
// down sees (dnscrawl.Delegation): the name servers of the parent-side
// NS set (the referral from the TLD) and of the child-side set that the
// domain's NS answer leaves out, lame ones included. A resolver may ask
// any server of either set, so an outage of its operator reaches the
// domain even when the zone itself no longer names it (a stale
// delegation at the registry) or when the server does not serve the
// zone (a lame server makes resolution slower or fail). Each is
// attributed by the same rules as the zone's own name servers (dns); a
// dependency it alone adds says where it comes from in its evidence
// value. st is the DNS state before; the state after is returned.
func (c *Classifier) delegation(b *builder, o *dnscrawl.Observation, own string, st State) State {
	d := o.Delegation
	if d == nil {
		return st
	}
	why := map[string]string{}
	var extra []dnscrawl.NSHost
	add := func(name, note string, addrs ...dnscrawl.NSHost) {
		if name == "" || slices.ContainsFunc(o.NS, func(ns dnscrawl.NSHost) bool { return ns.Name == name }) {
			return
		}
		if _, ok := why[name]; ok {
			return
		}
		why[name] = note
		h := dnscrawl.NSHost{Name: name}
		for _, a := range addrs {
			h.Addrs = append(h.Addrs, a.Addrs...)
		}
		extra = append(extra, h)
	}
	for _, ns := range d.ParentNS {
		add(ns.Name, "parent-side NS", ns)
	}
	for _, n := range d.ChildNS {
		add(n, "child-side NS")
	}
	for _, l := range d.Lame {
		add(l.Name, "lame NS: "+string(l.Why))
	}
	if len(extra) == 0 {
		return st
	}
	before := len(b.deps)
	// dns reads nothing of the observation but its NS hosts.
	got := c.dns(b, &dnscrawl.Observation{Domain: o.Domain, NS: extra}, own)
	for i := before; i < len(b.deps); i++ {
		dep := &b.deps[i]
		if note := noteFor(dep.EvidenceValue, why); note != "" {
			dep.EvidenceValue += " (" + note + ")"
		}
	}
	if st == StateKnown {
		return st
	}
	return got
}

// noteFor returns the note of the server an evidence value starts with
// (the value is the server's name, or its name then the address fact).
func noteFor(value string, why map[string]string) string {
	for name, note := range why {
		if value == name || len(value) > len(name) && value[:len(name)] == name && value[len(name)] == ' ' {
			return note
		}
	}
	return ""
}
