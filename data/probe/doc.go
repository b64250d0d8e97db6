// Package probe makes the TLS and HTTP probes of a crawl (issue 12): for
// each domain that resolved, a TLS handshake with SNI to the apex and the
// www host on port 443, and one HEAD request to the www host, over HTTPS
// first and plain HTTP when HTTPS gives no response. It records raw facts
// into the observation (dnscrawl.TLSProbe, dnscrawl.HTTPProbe): the chain
// the server sent with each certificate's names, validity, SAN count,
// fingerprint and OCSP/CRL/AIA URLs, whether an OCSP response was
// stapled, whether the chain verifies against the system roots (or the
// roots given), and the response headers, those that identify an edge
// first.
//
// Politeness: one address per host (the first IPv4 one, else IPv6), at
// most Config.PerAddress connections at once to one address over the
// whole crawl (CDN addresses serve thousands of domains), a timeout on
// each connection that covers connect, handshake and response, the
// HTTPS HEAD sent on the connection of the www handshake, a User-Agent
// that names the tool, no redirect followed, no body read.
//
// On the simulated internet (data/simnet) the addresses are not real: the
// prober then dials the one loopback endpoint that simnet advertises
// (Redirect, read from the CHAOS answer of dnscrawl.SimulatedProbeEndpoints)
// and records the simulated address it stands for. A Prober without a
// Redirect dials the addresses themselves.
//
// What does not belong here: verdicts (which CA issued a chain, which CDN
// a header names: analysis/classify) and DNS (the crawl resolves the
// certificate hosts through its own resolvers and cache).
//
// Invariants:
//   - every probe ends within Config.Timeout of its connection starting
//     (the wait for a per-address slot is not part of it), whatever the
//     server does, and soon after the context ends;
//   - what is recorded is bounded (dnscrawl.MaxChain, MaxCertText,
//     MaxHeaders, ...), and the response read is at most MaxResponseBytes;
//   - an outcome is a dnscrawl.ProbeStatus, never a Go error;
//   - a Prober with a Redirect never dials anything but the loopback
//     endpoints it names; one without dials public addresses only
//     (IsPublic), so that a hostile zone cannot aim it at a private
//     network and the tests, whose zones use documentation addresses,
//     never leave the machine.
package probe
