// Package classify turns one domain's observation into its dependencies:
// which DNS, CDN, hosting and e-mail providers, certificate authority and
// TLD registry it uses, each with the
// evidence that shows it and a confidence, and the state of every layer
// (known, none, unattributed, unresolved).
//
// An address is attributed to its owner by the providers' official range
// publications first (refdata.Ranges, through the catalog's
// range_sources: "ip_range" evidence, with the service and the region of
// the range), and only when no claimed range holds it by the AS that
// announces it ("asn" evidence, no region). The range wins because it is
// the provider's own statement and names the product: 13.32.0.0/15 is
// CloudFront in ip-ranges.json although AS16509 also carries EC2.
//
// Rules, in order (README: "Attribution beyond the catalog"):
//   - dns, per name server: its product NS suffix; under the site's own
//     registrable domain, the DNS product behind its addresses (a vanity
//     name server on a DNS-only product's range or AS, or on a CDN company
//     that runs DNS) or else self; a catalog company's domain (its DNS
//     product: "owner_domain"); the DNS product behind its addresses;
//     otherwise an uncatalogued operator named by the registrable domain
//     of the name server (ICANN section of the public suffix list). An
//     address of a cloud's hosting says nothing about DNS: a name server
//     the site runs on a rented machine is the site's own.
//   - cdn and hosting, for the apex and www separately: each CNAME hop by
//     the catalog's CNAME suffixes, then by company domains, on the
//     provider's web layer (hops under the site's own domain name nobody,
//     hops of the CDN's company after a CDN hop are the CDN's); the final
//     addresses by their owner: a CDN always, a hosting provider only when
//     no CDN is in the host's path (a CDN's edge addresses are not its
//     customers' origin, so CloudFront is never "EC2 hosting"); an address
//     of the company a CNAME named adds its region to that product. A host
//     nothing names gets the operator of its last CNAME hop outside the
//     site (self when the site's own name servers serve that hop's zone),
//     else the AS of its addresses ("as64500").
//   - email: each MX host by MX suffix; under the site's own domain,
//     self; by a company's domain; otherwise an uncatalogued operator.
//   - cdn, from the HTTP probe: when neither a CNAME hop nor an address
//     of a host names a CDN, the response headers of that host's HTTP
//     probe can (catalog header rules, "http_header" evidence with the
//     rule's confidence); the host's addresses are then the CDN's edge.
//     When a CDN was found, a header of the same company confirms it.
//   - ca: the issuer of the leaf certificate of www, else of the apex,
//     by the catalog's issuer patterns (longest CN prefix, then the
//     organisation), else by the issuers up the chain the server sent
//     (a reseller's sub-CA); self-signed is self; otherwise an uncatalogued CA
//     named by the issuer organisation. Result.OCSPStapled records
//     stapling; Critical on the ca layer needs one CA and a certificate
//     that makes clients ask the CA's OCSP responder (an OCSP URL and no
//     staple: Result.NoOCSPFetch is false).
//     CertHostEdges gives the CA's upstream DNS and CDN providers from the
//     resolution of its OCSP, CRL and AIA hosts.
//   - tld: the registry of the domain's TLD (its last label) from the
//     catalog's TLD table, exactly one per resolved domain.
//
// Finish makes the decisions that need the whole list: it groups an
// uncatalogued operator's TLD variants, turns the name servers and mail
// exchangers of an organisation's family of sites into self (the
// operator's own domain is in the list, self-hosted, with the same SOA),
// and an operator no other domain of the list uses into self when the
// site's SOA or network says it runs it; an operator two domains use is
// never self. Classify alone gives per-domain verdicts; callers classify
// every domain, then call Finish once (ClassifyAll does both).
//
// A domain has one Dependency per (layer, provider, service, region):
// evidence with a region fills in a regionless dependency of the same
// provider and service (an ELB CNAME and its us-east-1 address), and a
// second region opens a second dependency, so that a region failure can
// be computed. Every provider found is kept, not only the first match.
// What nothing names (no name server, an address of unknown AS, an origin
// behind a CDN) is left unattributed and counted, never guessed.
//
// A Classifier is safe for concurrent use. What it derives from the
// reference data for an address (AS, country, range region, owner) depends
// on the address alone, so it is kept in a bounded cache shared by all
// callers; the States maps of results are shared between results with the
// same states and are read-only. Neither changes any result.
//
// What does not belong here: network I/O (observations come in), metrics
// and graphs (analysis/metrics, analysis/graph), output formats (reports).
package classify
