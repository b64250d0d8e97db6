// Package dnscrawl crawls the DNS of a list of domains and records what it
// sees as observations: one JSON line per input domain with the raw facts
// (NS hosts and their addresses, SOA, the apex and www host each with its
// CNAME chain and A/AAAA answers, MX hosts with addresses, the NS of the
// zones CNAME targets live in), timings and query counts. With a Prober
// (data/probe), each domain that resolved is then probed over TLS and
// HTTP in a second stage of the pool, and the OCSP, CRL and AIA hosts its
// certificates name are resolved into the observation (CertHosts).
//
// It talks to recursive resolvers with github.com/miekg/dns messages over
// its own UDP transport (transport.go): a few sockets shared by all the
// queries in flight, random IDs, replies matched by source, ID and
// question, read in batches and, while replies come, sent in batches;
// EDNS0 with a 1232-byte buffer, TCP when an
// answer is truncated or does not fit the buffer. Queries are packed and
// replies unpacked by hand for the common case (wire.go), into the same
// dns.Msg that miekg/dns gives, which stays the fallback and the
// reference. Queries go to the
// resolvers in turn; one that fails several times in a row is avoided for
// a while (resolver.report). Rate limits (golang.org/x/time/rate, overall
// and per resolver) give up with ErrRateLimited rather than wait past the
// domain's deadline. It does not use net.Resolver, which hides CNAME hops
// and response codes.
//
// With Config.Iterative set, every question goes to a Resolver instead
// (data/iterative resolves from the root down), and each observation also
// records the Delegation of the domain's zone from both sides, with its
// lame servers (delegation.go).
//
// Besides crawling, the package owns the observation format (Encoder,
// Decoder), the crawl manifest and the hash that identifies a list
// (ListHash), resuming an interrupted crawl from its output (ReadResume),
// the stable partition of a list into shards (Shard), asking a resolver
// who it is (Identify: the simulated internet answers SimulatedServerID)
// and the conversion of zmap/zdns output into observations (ReadZDNS).
//
// What does not belong here: verdicts. Which provider a name server or an
// address belongs to is decided by analysis/classify, so that one crawl
// can be analysed again with a newer catalog.
//
// Invariants:
//   - every target yields exactly one observation, whatever happens to its
//     lookups, unless the crawl is cancelled; then the domains in flight
//     are abandoned at once (their queries cut short, their observations
//     not emitted) and only complete observations are written, so that a
//     resumed crawl redoes exactly the domains without one;
//   - a per-domain outcome is a Status from a closed set, never a Go error;
//     the raw error text is kept beside it; Go errors are for operational
//     failures (no resolver, an output that cannot be written);
//   - CNAME chains are followed across answers with loop detection and a
//     limit of MaxCNAMEHops;
//   - names shared between domains (provider NS and MX hosts, the zones of
//     CNAME targets, certificate hosts) are resolved once per crawl and
//     cached, in a cache of bounded size, so memory does not grow with
//     the list;
//   - without a Prober the crawl is the DNS crawl alone, stage for stage;
//     with one, an observation is emitted only once its probes are done,
//     so an interruption abandons the probes in flight with their domains;
//   - ParseObservation reads schema versions MinSchemaVersion to
//     SchemaVersion and refuses probe facts past their bounds (MaxChain,
//     MaxHeaders, ...);
//   - after ReadResume, the observations file holds whole lines only, one
//     per domain in Resumed.Done.
package dnscrawl
