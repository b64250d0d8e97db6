// Package graph builds the dependency graph of a classified domain list and
// answers "what fails if this fails": failure propagation, blast radius,
// what-if scenarios, single points of failure and co-dependency.
//
// # The graph
//
// Nodes are domains, providers (a company such as "amazon", and its
// services "amazon/ec2"), provider regions ("amazon:us-east-1"), ASNs
// ("AS16509") and countries ("country:US"). Edges mean "depends on":
//
//   - domain -> service, per layer, from the dependencies of classify.Result (a dependency
//     with a region depends on the region too);
//   - domain -> ASN and country, per layer, from the addresses of classify.Result (AddrASN);
//   - service -> service, per layer, from the catalog's upstreams (a
//     platform behind a CDN) and from the crawl (the DNS provider of the
//     zone a CDN's or platform's CNAME target lives in, see EdgeFinder),
//     each with its evidence.
//
// The provider part (services and companies) is a gonum graph, used for
// structure: cycles (strongly connected components) and a topological
// order. The per-scenario work runs on compact adjacency arrays (inverted
// indexes from a failed key to the layer slots of the domains that use
// it), because it is repeated for every provider, region, ASN and country.
// Measured on 100,000 domains, one provider's scenario on the compact
// arrays is several times faster than a breadth-first search over the
// gonum graph, which moreover gives reachability only (bench_test.go).
// Gonum returns the whole graph, every kind of node, as a gonum graph for
// other algorithms.
//
// The report's scenarios (the blast radius of every element, the single
// points of failure, the Down of the co-dependent pairs) are not run one
// by one: sweep runs each scenario's propagation on the services only,
// keeps for every key and address class the scenarios that fail it, and
// reads the domains once, in order, deciding for each slot which
// scenarios kill it (sweep.go). A test compares it with fail, scenario by
// scenario. At a million domains it takes a second of CPU where the
// scenarios one by one took seven, most of them cache misses.
//
// # Failure propagation (DESIGN.md, "Semantics")
//
// For a scenario S (a set of Elements):
//
//  1. A service fails if it is in S, if its company is in S, if every AS
//     the catalog gives it is in S, or if, for some layer on which it has
//     upstreams, every upstream on that layer has failed (OR within a
//     layer, AND across layers). The propagation is a least fixed point
//     computed with a work list: a service fails at most once, so cycles
//     terminate; two services that depend only on each other do not fail
//     unless something else makes one of them fail. A crawl edge is
//     weaker than a catalog edge: when every DNS provider seen serving a
//     service's zones fails, its names stop resolving but the service runs
//     on (NamesOnly), so only the dependencies that reach it by name
//     (cname_suffix evidence) fail, and the failure spreads no further.
//     Cert-host edges (SourceCertHost) are full edges: a certificate
//     authority depends on the DNS and CDN providers of the hosts its
//     certificates name (OCSP responder, CRL distribution point, issuer
//     URL), and fails, for hard-fail clients, when every one of them on
//     a layer has failed. So "Akamai fails" reaches the sites critically
//     dependent on a CA whose OCSP host is on Akamai.
//  2. A dependency of a domain (service, region) fails if its service
//     failed (or lost its names, for a dependency reached by name) or its
//     region is in S. Self-hosted dependencies never fail by
//     provider; they can by address.
//  3. A layer of a domain fails when every dependency it has on the layer
//     failed (OR within the layer: a second provider or a self-hosted
//     server saves it), or when its recorded addresses are complete and
//     every one of them is in a failed AS or country. Addresses are
//     complete for cdn, hosting and email (classify records every final
//     address there) and for dns only when no name server was recognised
//     by name (classify records the addresses of the other ones only).
//  4. A domain fails when any required layer fails (AND across layers).
//     The required layers are dns, the web path, tld and, for some
//     domains, ca. tld: every domain has one registry, the operator of its
//     TLD; when it fails the delegation is gone and every domain under its
//     TLDs with it. ca: required only for a domain critically dependent
//     on its certificate authority (classify.Result.Critical: one CA, no
//     OCSP stapling), which hard-fail clients cannot reach when the CA's
//     revocation service is down; a stapled site stays up. The web path is the
//     CDN in front of the origin, in series: cdn and hosting are each
//     required when the domain has them (providers or addresses), so a
//     site behind a CDN fails when the CDN fails or when its origin's
//     hosting fails. A layer in state none contributes nothing; a layer
//     in state unattributed or unresolved contributes through its
//     addresses only. Email is not required: its failures are reported
//     apart (EmailFailed).
//
// A failed domain is direct when it fails with only the elements of S
// themselves (its own provider, region, AS or country is in S), and
// transitive when it fails only because a provider it uses failed through
// its own upstreams. Every failed domain gets the chain that explains it:
// "shop.example -> shopify -> cloudflare".
//
// # Invariants
//
//   - Results are deterministic: elements, rows and chains are sorted by
//     documented keys, never in map order.
//   - A blast radius never exceeds the list size; direct + transitive is
//     the total.
//   - Nothing here does I/O or keeps state between calls; a Graph is
//     read-only after Build and safe for concurrent use.
//
// What does not belong here: classification (package classify), shares and
// concentration (package metrics), file formats (package reports).
package graph
