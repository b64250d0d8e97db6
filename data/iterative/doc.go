// Package iterative resolves DNS names from the root down, as a recursive
// resolver does, so that a crawl needs no one else's resolver: it starts
// from the root servers (built in from IANA's named.root, or a root hints
// file), follows referrals to the TLD and then to the domain's own
// authoritative servers, and caches every delegation it learns (NS set
// and addresses, for as long as their TTL says).
//
// Beside answers it reports what a recursive resolver hides: the
// delegation of a zone as its parent gives it and as its own servers give
// it, and the servers of the delegation that do not serve the zone (lame
// servers). dnscrawl records both in each observation (crawl --iterative).
//
// How it asks:
//   - QNAME minimisation (RFC 9156) by default: a server is asked only
//     for the next label below its zone (as an A question), the full name
//     only where it is needed; an NXDOMAIN for a minimised name (which
//     broken servers give for empty non-terminals) is asked again with the
//     full name before it is believed;
//   - referrals are followed with their glue; a name server without glue
//     is resolved in turn, to a bounded depth (Config.MaxDepth);
//   - per-server rate limits (golang.org/x/time/rate, Config.QPSPerServer)
//     that give up rather than wait past the deadline; the server asked
//     is the one of the zone with the lowest smoothed RTT among those
//     with a token to spare, unknown servers first, failed ones avoided
//     for a while; a failure moves to another server of the zone;
//   - CNAME chains are followed across zones, each target resolved from
//     the closest delegation already known;
//   - every question has a budget of referrals and packets, nested
//     lookups included (Config.MaxReferrals, Config.MaxQueries);
//   - a delegated server that answers REFUSED, SERVFAIL, without
//     authority or with a referral that does not lead down is lame: it is
//     recorded and avoided for the zone for a while, and the question goes
//     to another server; when every server of a zone is lame the answer is
//     SERVFAIL with Extended DNS Error 22 (No Reachable Authority).
//
// UDP queries go through the crawl's shared transport
// (dnscrawl.UDPTransport: a few sockets, random IDs, replies matched by
// source, ID and question), or each from a socket of its own with
// Config.PortPerQuery; TCP when the answer is truncated.
//
// Config.Port sends every query to another port than 53: it is for test
// and lab hierarchies on loopback (package lab), never for the real DNS.
//
// What does not belong here: the crawl plan (dnscrawl), verdicts on
// providers (analysis/classify).
//
// Invariants: the work of one question is bounded in packets, referrals,
// CNAME hops and nesting depth; the caches are bounded in entries; no
// query is sent faster than the per-server limit allows.
package iterative
