// Package classify turns one domain's observation into its dependencies:
// which DNS, CDN, hosting and e-mail providers it uses, each with the
// evidence that shows it and a confidence, and the state of every layer
// (known, none, unattributed, unresolved).
//
// Rules, in order of strength:
//   - dns: each NS host by the catalog's NS suffixes; a vanity name server
//     by the AS of its addresses when that AS belongs to a company that
//     runs DNS or a CDN; a name server under the site's own registrable
//     domain, or a zone whose SOA names the site, is self-hosted (after
//     Kashaf et al., IMC 2020).
//   - cdn and hosting, for the apex and www separately: each CNAME hop by
//     the catalog's CNAME suffixes, on the provider's web layer; the final
//     addresses by their AS: a CDN's AS always, a hosting provider's AS
//     only when no CDN is in the host's path (a CDN's edge addresses are
//     not its customers' origin, so CloudFront is never "EC2 hosting").
//   - email: each MX host by MX suffix; an MX under the site's own domain
//     is self-hosted.
//
// Every provider found is kept, not only the first match. What matches
// nothing is left unattributed and counted, never guessed.
//
// What does not belong here: network I/O (observations come in), metrics
// and graphs (analysis/metrics, analysis/graph), output formats (reports).
package classify
