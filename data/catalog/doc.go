// Package catalog is the provider catalog that chokepoint writes and
// embeds: which companies and products exist (Provider), the layers they
// serve (dns, cdn, hosting, email, ca), the evidence that points to them (name
// server, CNAME and mail exchanger host-name suffixes, AS numbers), the
// providers they themselves run on (Upstream), and public sources for
// every fact, and the companies that own them (Company: display name,
// aliases, the registrable domains they operate). Parse validates a
// catalog file; ParseFS a catalog.json with its catalog.d/*.json
// fragments; Default returns the one embedded in the binary. A Catalog
// answers the classifier's questions through its indexes: MatchNS,
// MatchCNAME, MatchMX, MatchDomain (owner domains, resolved to a product
// by Resolve), ByASN and ByRange. For the layers of issue 12 it also holds
// the certificate authorities' issuer patterns (MatchIssuer: the longest
// CN prefix, then the organisation, of a leaf certificate's issuer), the
// HTTP header rules that name a CDN (MatchHeaders, from the
// "http_headers" of a fragment) and the TLD registry table tld.json (TLD:
// the sponsoring organisation of every delegated TLD, the company that is
// or owns it, and its back-end operator).
//
// What does not belong here: downloaded reference data (IP range files,
// ASN and country databases: data/refdata), anything that talks to the
// network, and verdicts about a domain (analysis/classify decides what a
// match means: third party or self-hosted, confidence, critical
// dependency). The catalog only says who owns a suffix or an AS.
//
// Invariants:
//
//   - Provider IDs are stable. An ID, once published, keeps its company
//     and service: reports, diffs between runs and other packages refer
//     to it. A provider that disappears from the market keeps its entry
//     (its name says so) so that old crawls can still be analysed.
//   - Every provider has at least one layer and one public http(s)
//     source; every error of Parse wraps ErrInvalid.
//   - One owner per suffix per index: a suffix appears at most once among
//     the NS suffixes of all providers, at most once among the CNAME
//     suffixes and at most once among the MX suffixes. The same string
//     may appear in two different indexes (a platform's NS and CNAME
//     targets often share a domain).
//   - One owner per AS number across the catalog, and no reserved,
//     private or documentation AS number.
//   - One owner per owner domain (a company's or one product's), and an
//     owner domain is under the ICANN section of the public suffix list,
//     never a public suffix itself. Every provider's company exists: one
//     declared in several files is merged; one declared nowhere is made
//     from its id (Implicit), which the embedded catalog never needs.
//   - Matching is by whole labels, after lower-casing and removing one
//     trailing dot: "cloudflare.com" matches "ns.cloudflare.com" but not
//     "notcloudflare.com". Only the first label of a suffix may end in
//     "*", matching any label that starts with the rest of it
//     ("awsdns-*.com" matches "ns-1.awsdns-12.com").
//   - Matching is deterministic and independent of the order of the file
//     and of map iteration: the suffix with the most labels wins; at equal
//     length an exact suffix beats a wildcard; between wildcards the
//     longest prefix wins. Providers() is sorted by ID.
package catalog
