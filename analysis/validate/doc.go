// Package validate holds a finished run against labels that a user
// already trusts (an asset inventory, a research data set): it reads the
// labels (ReadTruth), matches each provider label to the name chokepoint
// gives the same operator (Matcher), and scores the run against them per
// layer (Validate): precision, recall, F1 and exact-set accuracy over
// (domain, provider) pairs, the confusion between the largest providers,
// and the rows where the two disagree.
//
// # Matching a label
//
// A label is matched, in this order: empty, "none" and the like mean no
// provider on the layer; "self", "self-hosted", "private", "first-party"
// and the like mean self-hosted; "AS13335", "AS 13335" or "13335" is the
// catalog company that claims the AS, else "as13335"; a name with a dot
// ("ns1.cloudflare.com", "cloudflare.com", "https://awsdns-12.org/") is
// the provider of the catalog's NS, CNAME or MX suffix it is under, else
// the owner of the catalog domain it is under, else self when it is the
// labelled domain's own registrable domain, else a catalog name written
// with a dot ("WordPress.com"), else an operator the catalog does not
// know, named by its registrable domain as chokepoint names it;
// anything else is looked up by name, compared without regard to case,
// spaces and punctuation, and without a trailing legal form ("Inc.",
// "GmbH"): catalog company ids and provider ids ("amazon-route53") first,
// then company names and aliases ("Amazon Web Services", "AWS"), then
// product names and aliases ("Route 53", "UltraDNS", "Dyn"), then the
// fixed part of a wildcard suffix ("awsdns"); a name two companies share
// at the same step is ambiguous. "<company>-<service>" with a service the
// catalog does not list is that company. What matches nothing is kept
// lower case, compared as it is, and counted and shown as unmatched.
//
// A label names a company, and a product (service) only when it names
// one product alone (its id, name or alias, a suffix or domain of that
// product alone, or an AS that product claims) and that product serves
// the row's layer. A truth domain that the run lacks with "www." but has
// without it is taken for that domain.
//
// # Scoring
//
// A domain is scored on a layer when the truth has a row for it on that
// layer (a row with no provider says it has none there) and the run has
// the domain; a domain the run does not have is counted apart ("absent"),
// never dropped. For one layer, over the scored domains:
//
//	precision = matched pairs / our pairs
//	recall    = matched pairs / truth pairs
//	F1        = 2 · precision · recall / (precision + recall)
//	exact     = domains whose two sets are equal / domains
//
// at three levels: provider (the company id, "self", or the name of an
// uncatalogued operator), service (the company and product, when the
// truth has a service column; a truth row that names no product matches
// any product of its company, and self and uncatalogued operators are
// compared by name alone), and third_party (the self-hosted or
// third-party decision, when the truth has a third_party column). An
// operator named by its registrable domain matches the same name under
// another public suffix ("dnsprov.net" and "dnsprov.com"), as classify
// groups an operator's TLD variants.
//
// What does not belong here: reading the run's files and writing
// validate.csv or the printed tables (reports), flags and exit codes
// (cmd/chokepoint), and classification (analysis/classify): this package
// only compares names it is given.
//
// Invariants:
//
//   - Every line of the truth is accounted for: a valid row, or a
//     *domains.LineError with its line number; a truth domain is scored
//     or counted absent, never dropped.
//   - Ratios with a zero denominator are NaN, never 0: a layer where the
//     run names nothing has no precision, not a precision of 0.
//   - matched <= min(our pairs, truth pairs) and exact <= domains, so
//     precision, recall, F1 and exact accuracy lie in [0, 1].
//   - The output is deterministic: rows sorted by domain, layer and
//     level; confusion labels by truth pairs, then name; ties between
//     catalog names broken by a fixed rule, never by map order.
//   - Nothing here does I/O beyond the reader it is given, keeps state
//     between calls, or changes its inputs.
package validate
