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
// ServeTree serves the same population as a delegation tree instead
// (tree.go): root servers, TLD servers and the population's name servers,
// each on its own loopback address, with referrals and glue, answers with
// authority, the zone's SOA in negative answers and CNAME chains cut at
// the zone's edge, for a crawl from the root down (crawl --iterative) or
// a real recursive resolver (unbound). The population carries delegation
// faults only the tree shows (delegation.go): lame servers (REFUSED, no
// AA, silent) and parent/child NS mismatches, all on servers of the
// domain's own provider, so that the dependencies stay those the
// recursive-style server gives; Truth.Delegation says what a crawl from
// the root must record. The tree moves each name server to a loopback
// address; Tree.PlanObservation maps what a crawl recorded back.
//
// Serve also starts the web endpoint (http.go): one loopback TLS listener
// that picks each simulated host's certificate by SNI and one plain HTTP
// listener, both answering HEAD and GET by Host with the headers of the
// host's edge (Cloudflare's CF-RAY, CloudFront's X-Amz-Cf-Id, Fastly's
// X-Served-By, ...). The sites keep their real-looking addresses; the DNS
// server advertises the endpoint in answer to TXT "probe.simnet." in
// class CHAOS, and a crawler that knows it is on the simulated internet
// dials it instead. Certificates come from simulated CAs named like Let's
// Encrypt, DigiCert, Sectigo, Google Trust Services, Amazon, GlobalSign
// and one CA the catalog does not know (ca.go), made with crypto/x509 on
// first use and issued per host lazily; the TLS plan of each domain (CA,
// stapling, no TLS, expired, self-signed, a CDN only headers show) is
// drawn like the rest of the model (tls.go). The CAs' OCSP, CRL and
// CA-issuer hosts resolve in the simulated DNS through CNAMEs into CDNs,
// as the real ones do. Truth adds the ca and tld layers (tld.go: each
// TLD's registry operator from IANA's root zone database).
//
// The population does not mirror the catalog. About a quarter of it
// depends on operators the catalog does not know (uncatalogued.go):
// generated DNS operators, some spreading their name servers over TLD
// variants, hosting companies and mail operators, each with its own
// address space in a private-use AS, and the local ISPs of space.go. Other
// shapes hide catalogued providers from product suffixes: vanity name
// servers on a DNS provider's addresses, corporate name servers and CNAME
// targets under companies' own domains, private CDNs served by the site's
// own name servers. The ground truth names the operators the catalog does
// not know the way the classifier must: by registrable domain, or by AS
// ("as64700") for an address nothing else names.
//
// What does not belong here: crawling (data/dnscrawl), classification
// (analysis/classify), anything that touches the real internet. The
// package imports data/catalog for the names of layers and the
// registrable-domain rule, data/dnscrawl for the status vocabulary,
// data/refdata to write the databases and data/iterative for the root
// hints type.
//
// Invariants:
//   - The same Config gives byte-identical domain lists and truth files.
//   - The server binds loopback addresses only (ErrNotLoopback otherwise)
//     and uses its own handler, never the global dns.ServeMux.
//   - Every provider ID the simulation uses exists in the catalog, every
//     NS, CNAME and MX name meant for a catalogued provider is named so by
//     the catalog (product suffix or owner domain), and every simulated AS
//     and range maps to the intended provider (or to none);
//     TestCatalogConsistency fails when the catalog drifts.
//   - No name, registrable domain or AS of an operator the simulation says
//     the catalog does not know is known to the catalog
//     (TestUncataloguedAbsentFromCatalog), and every such DNS operator
//     serves at least two domains of a population (TestOperatorsShared).
//   - Records and truth come from the same per-domain plan, so they cannot
//     disagree; TestTruthMatchesRecords checks it through the resolver,
//     with the attribution rules applied independently to the records.
//   - An Internet is immutable after Generate; queries take no lock. The
//     CAs are made once on first use (sync.Once) and leaves are cached in
//     a bounded concurrent map.
//   - The same Config gives the same certificates but for their keys and
//     signatures (fresh keys each run): subjects, SANs, serials,
//     validity, URLs and stapling are drawn from the seed.
//   - The web endpoint and the delegation tree bind loopback addresses
//     only.
package simnet
