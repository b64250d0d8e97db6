// Package simnet is a simulated internet: a deterministic synthetic
// population of domains whose DNS, CDN, hosting and e-mail providers
// follow a market model written down in model.go, served by a real DNS
// server on 127.0.0.1, together with its ground truth and the synthetic
// reference data (ASN and country databases) the pipeline needs to
// classify it. `chokepoint demo`, the end-to-end tests and the crawler
// benchmarks run against it; nothing it produces is real, and every file
// it writes says so.
//
// Generate draws a population from a Config (size and seed). Each domain
// is a 16-byte record of its draws (web profile, origin, DNS operators,
// mail operator, ISP, flags) plus its name in one shared string; the NS,
// SOA, A/AAAA, CNAME and MX records are synthesised from it at query time,
// and provider names generated for a domain (d1a2b3c4d5e6f7.cloudfront.net,
// shop-x1y2z3a.netlify.app, example-com.mail.protection.outlook.com) embed
// the domain or a token the server decodes back to it, so no table of
// records exists. The provider side of the world (name servers, mail
// hosts, shared CNAME targets, zones, address pools) is a few thousand
// names built from the tables in world.go and space.go.
//
// Serve answers like a recursive resolver: CNAME chains followed in the
// answer section, NXDOMAIN and NODATA with the zone's SOA, SERVFAIL or no
// reply at all for the broken domains, TC over UDP when the reply does not
// fit the client's buffer. Truth gives, per domain, what a correct crawl
// and classification must find; the rules it follows are those of
// analysis/classify, stated on Truth.
//
// What does not belong here: crawling (data/dnscrawl), classification
// (analysis/classify), anything that touches the real internet. The
// package only imports data/catalog for the names of layers, data/dnscrawl
// for the status vocabulary and data/refdata to write the databases.
//
// Invariants:
//   - The same Config gives byte-identical domain lists and truth files.
//   - The server binds loopback addresses only (ErrNotLoopback otherwise)
//     and uses its own handler, never the global dns.ServeMux.
//   - Every provider ID the simulation uses exists in the catalog, every
//     generated NS, CNAME and MX name matches the intended provider's
//     suffix there, and every simulated AS maps to the intended provider
//     (or to none); TestCatalogConsistency fails when the catalog drifts.
//   - Records and truth come from the same per-domain plan, so they cannot
//     disagree; TestTruthMatchesRecords checks it through the resolver.
//   - An Internet is immutable after Generate; queries take no lock.
package simnet
