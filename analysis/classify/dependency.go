package classify

import (
	"fmt"

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
)

// Evidences lists every evidence kind in a fixed order.
var Evidences = []Evidence{EvidenceNSSuffix, EvidenceCNAMESuffix, EvidenceMXSuffix, EvidenceIPRange, EvidenceASN, EvidenceSOA, EvidenceSelf}

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
}
