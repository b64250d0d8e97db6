// Package classify turns one domain's observation into its dependencies:
// which DNS, CDN, hosting and e-mail providers it uses, each with the
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
// Rules, in order of strength:
//   - dns: each NS host by the catalog's NS suffixes; a vanity name server
//     by the owner of its addresses when that owner runs DNS itself
//     (Route 53's ranges) or is a CDN whose company runs DNS (Cloudflare);
//     a name server under the site's own registrable domain, or a zone
//     whose SOA names the site, is self-hosted (after Kashaf et al., IMC
//     2020). An address of a cloud's hosting says nothing about DNS: a
//     name server the site runs on a rented machine is the site's own.
//   - cdn and hosting, for the apex and www separately: each CNAME hop by
//     the catalog's CNAME suffixes, on the provider's web layer; the final
//     addresses by their owner: a CDN always, a hosting provider only when
//     no CDN is in the host's path (a CDN's edge addresses are not its
//     customers' origin, so CloudFront is never "EC2 hosting").
//   - email: each MX host by MX suffix; an MX under the site's own domain
//     is self-hosted.
//
// A domain has one Dependency per (layer, provider, service, region):
// evidence with a region fills in a regionless dependency of the same
// provider and service (an ELB CNAME and its us-east-1 address), and a
// second region opens a second dependency, so that a region failure can
// be computed. Every provider found is kept, not only the first match.
// What matches nothing is left unattributed and counted, never guessed.
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
