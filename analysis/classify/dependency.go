package classify

import (
	"fmt"
	"strconv"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// Evidence is the kind of fact a dependency was inferred from.
type Evidence string

// The closed set of evidence kinds.
const (
	EvidenceNSSuffix    Evidence = "ns_suffix"    // a name server host name under a provider's suffix
	EvidenceCNAMESuffix Evidence = "cname_suffix" // a CNAME target under a provider's suffix
	EvidenceMXSuffix    Evidence = "mx_suffix"    // a mail exchanger under a provider's suffix
	EvidenceIPRange     Evidence = "ip_range"     // an address in a provider's published ranges
	EvidenceASN         Evidence = "asn"          // an address announced by a provider's AS
	EvidenceSOA         Evidence = "soa"          // the zone's SOA names the provider or the site itself
	EvidenceSelf        Evidence = "self"         // a server under the domain's own registrable domain
	// EvidenceOwnerDomain: a name under a registrable domain that the
	// catalog says a company (or one of its products) operates, matching
	// no product suffix.
	EvidenceOwnerDomain Evidence = "owner_domain"
	// EvidenceRegistrableDomain: a name server, CNAME target or mail
	// exchanger under a registrable domain the catalog does not know; the
	// operator is named by that domain (uncatalogued).
	EvidenceRegistrableDomain Evidence = "registrable_domain"
	// EvidenceFamily: self-hosted because the operator's domain is in the
	// list, runs its own name servers and has the same SOA as the site:
	// one organisation serving its family of sites.
	EvidenceFamily Evidence = "family"
	// EvidenceZoneNS: a CNAME target's zone is served by the site's own
	// name servers (a private CDN or the site's own infrastructure).
	EvidenceZoneNS Evidence = "zone_ns"
	// EvidenceIssuer: the issuer of the site's leaf certificate matches a
	// certificate authority's issuer organisation or CN prefix (ca layer).
	EvidenceIssuer Evidence = "issuer"
	// EvidenceIssuerOrg: a certificate authority the catalog does not
	// know, named by the issuer organisation (or CN) of the leaf.
	EvidenceIssuerOrg Evidence = "issuer_org"
	// EvidenceHTTPHeader: a response header of the HTTP probe that only a
	// CDN's edge sends (cdn layer), used when no CNAME or address names a
	// CDN for the host.
	EvidenceHTTPHeader Evidence = "http_header"
	// EvidenceTLD: the registry of the domain's top-level domain, from the
	// IANA root zone database (tld layer).
	EvidenceTLD Evidence = "tld"
)

// Evidences lists every evidence kind in a fixed order.
var Evidences = []Evidence{
	EvidenceNSSuffix, EvidenceCNAMESuffix, EvidenceMXSuffix, EvidenceOwnerDomain, EvidenceIPRange,
	EvidenceASN, EvidenceSOA, EvidenceSelf, EvidenceFamily, EvidenceZoneNS, EvidenceRegistrableDomain,
	EvidenceIssuer, EvidenceIssuerOrg, EvidenceHTTPHeader, EvidenceTLD,
}

// ParseEvidence returns the evidence kind named s.
func ParseEvidence(s string) (Evidence, error) {
	for _, e := range Evidences {
		if string(e) == s {
			return e, nil
		}
	}
	return "", fmt.Errorf("unknown evidence kind %q", s)
}

func (e Evidence) String() string { return string(e) }

// SelfProvider is the provider id of a self-hosted dependency.
const SelfProvider = "self"

// Dependency is one provider a domain depends on, on one layer, with the
// evidence that shows it. A domain has one Dependency per (layer,
// provider, service): further evidence for the same triple only raises
// its confidence.
type Dependency struct {
	Domain string        `csv:"domain"`
	Rank   int           `csv:"rank"`
	Layer  catalog.Layer `csv:"layer"`
	// Provider is the company id ("amazon"), or "self" when self-hosted.
	Provider string `csv:"provider"`
	// Service is the product ("route53"); for "self" it is "self".
	Service string `csv:"service"`
	// Region is the provider region when the evidence has one.
	Region        string   `csv:"region"`
	Evidence      Evidence `csv:"evidence"`
	EvidenceValue string   `csv:"evidence_value"`
	// Confidence is in (0, 1]: 1 for a suffix match, lower for inference
	// from address ownership.
	Confidence float64 `csv:"confidence"`
	// ThirdParty is false for self-hosted dependencies.
	ThirdParty bool `csv:"third_party"`
	// Uncatalogued is true for an operator the catalog does not know,
	// named by its registrable domain ("example-dns.net") or by the AS of
	// its addresses ("as64500"); false for a catalog company and for self.
	Uncatalogued bool `csv:"uncatalogued"`
}

// UnknownService is the service of a dependency on a catalog company that
// has no single product on the layer (a name under its corporate domain).
const UnknownService = "unknown"

// ID identifies the dependency's provider and product in one string: the
// catalog provider id "<company>-<service>" ("cloudflare-dns",
// "amazon-unknown"), "self", or, for an uncatalogued operator, its name
// alone ("example-dns.net", "as64500").
func (d *Dependency) ID() string {
	switch {
	case d.Provider == SelfProvider:
		return SelfProvider
	case d.Uncatalogued:
		return d.Provider
	}
	return d.Provider + "-" + d.Service
}

// ASProvider is the provider name of an uncatalogued AS: "as64500".
func ASProvider(asn uint32) string { return "as" + strconv.FormatUint(uint64(asn), 10) }
