package dnscrawl

import (
	"context"
	"errors"
	"net/netip"

	"github.com/miekg/dns"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/time/rate"
)

// This file holds what a crawl records when it resolves from the root
// down (crawl --iterative) instead of through a recursive resolver: the
// delegation of the domain's zone as its parent gives it and as its own
// servers give it, and the servers that do not serve it. The resolver
// itself lives in data/iterative; the crawl sees it through Resolver.

// Delegation is the delegation of the zone that holds a domain, seen from
// both sides. A resolver starts from the parent-side NS set (the referral
// from the TLD, with its glue); the child-side set is what the zone's own
// servers answer. Every server of either set is one the domain depends
// on: a resolver may ask any of them.
type Delegation struct {
	// Zone is the zone delegated ("example.com"); Parent the zone that
	// delegates it ("com").
	Zone   string `json:"zone"`
	Parent string `json:"parent"`
	// ParentNS is the NS set of the referral, sorted, each with the
	// addresses of its glue (none when the parent gave none).
	ParentNS []NSHost `json:"parent_ns"`
	// ChildNS is the NS set that the zone's servers answer with
	// authority, sorted; empty when none of them answered.
	ChildNS []string `json:"child_ns,omitempty"`
	// Mismatch is true when both sets are known and differ.
	Mismatch bool `json:"mismatch,omitempty"`
	// Lame lists the servers of the delegation (an address of an NS host
	// of either set) that did not answer for the zone with authority,
	// sorted by name then address.
	Lame []LameServer `json:"lame,omitempty"`
}

// LameWhy says how a server of a delegation failed to serve the zone,
// from a closed set.
type LameWhy string

// The closed set of reasons a server is lame.
const (
	LameRefused    LameWhy = "refused"      // answered REFUSED
	LameServFail   LameWhy = "servfail"     // answered SERVFAIL
	LameNotAuth    LameWhy = "not_auth"     // answered without the AA bit, or referred elsewhere
	LameTimeout    LameWhy = "timeout"      // no answer within the timeout, after retries
	LameNetwork    LameWhy = "network"      // the query could not be sent or the reply read
	LameNoAddress  LameWhy = "no_address"   // the NS host name has no address
	LameBadRcode   LameWhy = "bad_rcode"    // any other response code (NXDOMAIN for its own apex, NOTIMP, ...)
	LameNoNSAnswer LameWhy = "no_ns_answer" // answered with authority but without the zone's NS set
)

// LameServer is one server of a delegation that does not serve the zone.
type LameServer struct {
	Name string `json:"name"`
	// Addr is the address asked; absent for LameNoAddress.
	Addr  netip.Addr `json:"addr,omitzero"`
	Why   LameWhy    `json:"why"`
	Error string     `json:"error,omitempty"`
}

// Resolver answers questions the way a recursive resolver does, by its
// own means (data/iterative resolves from the root down). The crawl asks
// it every question of its plan instead of the configured resolvers.
type Resolver interface {
	// Resolve returns the answer to name/qtype as a recursive resolver
	// would give it: response code, the whole CNAME chain and the records
	// in the answer section, the SOA in the authority section of a
	// negative answer. A failure to get any answer is an error (the
	// crawl maps it to a status as for a recursive resolver). server
	// names the server that gave the answer; packets counts the queries
	// sent for it (retries and referrals included).
	Resolve(ctx context.Context, name string, qtype uint16) (resp *dns.Msg, server string, packets int, err error)
	// Delegation returns the delegation of zone, checking every server
	// of both NS sets; nil when zone's delegation could not be found.
	Delegation(ctx context.Context, zone string) (d *Delegation, packets int)
}

// DomainScoper is implemented by a Resolver that bounds the work of each
// domain as a whole: the crawl asks every question of a domain under the
// context Domain returns.
type DomainScoper interface {
	Domain(ctx context.Context) context.Context
}

// domainScope returns the context for the questions of one domain.
func (w *worker) domainScope(ctx context.Context) context.Context {
	if s, ok := w.cfg.Iterative.(DomainScoper); ok {
		return s.Domain(ctx)
	}
	return ctx
}

// WaitLimit takes a token from l (nil: no limit), giving up at once with
// ErrRateLimited when the wait would pass ctx's deadline instead of
// sleeping into it. The iterative resolver's per-server limits use it.
func WaitLimit(ctx context.Context, l *rate.Limiter) error { return wait(ctx, l) }

// query asks name/qtype through the iterative resolver when the crawl
// has one, else through the recursive resolvers.
func (w *worker) query(ctx context.Context, name string, qtype uint16) answer {
	if w.cfg.Iterative == nil {
		return w.c.query(ctx, name, qtype)
	}
	resp, server, packets, err := w.cfg.Iterative.Resolve(ctx, name, qtype)
	w.c.queries.Add(int64(packets))
	a := answer{attempts: packets, resolver: server}
	if err == nil && resp == nil {
		err = errors.New("iterative resolver: no answer")
	}
	if err == nil {
		// The resolver's answer, read as a reply through its packed form:
		// not the crawl's hot path (the resolver's limits per server
		// keep its rate far below that of a recursive crawl).
		a.msg, err = replyOfMsg(resp, &w.c.tr.names)
	}
	switch {
	case err != nil:
		a.status, a.err = classifyError(err), err.Error()
	default:
		a.status = classifyRcode(a.msg.rcode)
		if a.status != StatusOK {
			a.err = dns.RcodeToString[a.msg.rcode]
		}
	}
	return a
}

// delegation records the delegation of zone when the crawl resolves
// iteratively.
// zone is the zone zoneNS found, "" when it found none: then the
// delegation of the registrable domain is looked for (a domain whose
// servers are all lame has no NS answer, but has a delegation), unless
// the NS question ended in NXDOMAIN (st): a name that does not exist is
// not delegated.
func (w *worker) delegation(ctx context.Context, o *Observation, zone string, st Status, tl *tally) {
	if w.cfg.Iterative == nil || st == StatusNXDomain {
		return
	}
	if zone == "" {
		if zone, _ = publicsuffix.EffectiveTLDPlusOne(o.Domain); zone == "" {
			return
		}
	}
	d, packets := w.cfg.Iterative.Delegation(ctx, zone)
	w.c.queries.Add(int64(packets))
	tl.queries++
	tl.attempts += packets
	o.Delegation = d
}

// checkNames checks the names of d as CheckNames checks the others.
func (d *Delegation) checkNames() error {
	if d == nil {
		return nil
	}
	if err := checkName("delegation zone", d.Zone); err != nil {
		return err
	}
	if err := checkName("delegation parent", d.Parent); err != nil {
		return err
	}
	for _, ns := range d.ParentNS {
		if err := checkName("parent-side name server", ns.Name); err != nil {
			return err
		}
	}
	for _, ns := range d.ChildNS {
		if err := checkName("child-side name server", ns); err != nil {
			return err
		}
	}
	for _, l := range d.Lame {
		if err := checkName("lame name server", l.Name); err != nil {
			return err
		}
	}
	return nil
}
