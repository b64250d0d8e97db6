package graph

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Kind is the kind of a scenario element.
type Kind string

// The kinds of element that can fail.
const (
	KindProvider Kind = "provider" // a company: every service it runs
	KindService  Kind = "service"  // one service of a company
	KindRegion   Kind = "region"   // one region of a company
	KindASN      Kind = "asn"      // an autonomous system
	KindCountry  Kind = "country"  // every address located in a country
)

// Kinds lists the kinds in report order.
var Kinds = []Kind{KindProvider, KindService, KindRegion, KindASN, KindCountry}

func (k Kind) String() string { return string(k) }

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown element kind %q", s)
}

// Element is one thing that can fail in a scenario. Its String form is
// the one the command line takes:
//
//	cloudflare         a provider (company id)
//	example-dns.net    an uncatalogued provider (registrable domain)
//	cloudflare/cdn     a service (also cloudflare-cdn, the catalog id)
//	amazon:us-east-1   a region of a provider
//	AS13335            an AS
//	country:US         a country (ISO 3166-1 alpha-2)
type Element struct {
	Kind    Kind
	Company string // provider, service, region
	Service string // service
	Region  string // region
	ASN     uint32 // asn
	Country string // country
}

func (e Element) String() string {
	switch e.Kind {
	case KindProvider:
		return e.Company
	case KindService:
		return e.Company + "/" + e.Service
	case KindRegion:
		return e.Company + ":" + e.Region
	case KindASN:
		return "AS" + strconv.FormatUint(uint64(e.ASN), 10)
	case KindCountry:
		return "country:" + e.Country
	}
	return ""
}

// ErrElement is wrapped by the errors of ParseElement.
var ErrElement = errors.New("invalid scenario element")

var (
	companyRe = regexp.MustCompile(`^[a-z0-9]+$`)
	serviceRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	regionRe  = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	countryRe = regexp.MustCompile(`^[A-Z]{2}$`)
	domainRe  = regexp.MustCompile(`^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+$`)
)

// ParseElement reads an element in its String form. Provider, service and
// region names are case-insensitive; "cloudflare-cdn" (the catalog id) is
// read as the service cloudflare/cdn. It checks form only: Resolver also
// reads the catalog's names and aliases and checks that a graph, the
// catalog, the range data or ISO 3166 know the element.
func ParseElement(s string) (Element, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (Element, error) {
		return Element{}, fmt.Errorf("%w %q: %s", ErrElement, s, why)
	}
	if in == "" {
		return bad("empty")
	}
	lower := strings.ToLower(in)
	if rest, ok := strings.CutPrefix(lower, "country:"); ok {
		cc := strings.ToUpper(rest)
		if !countryRe.MatchString(cc) {
			return bad("a country is two letters (country:US)")
		}
		return Element{Kind: KindCountry, Country: cc}, nil
	}
	if rest, ok := strings.CutPrefix(lower, "as"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
		n, err := strconv.ParseUint(rest, 10, 32)
		if err != nil || n == 0 {
			return bad("an AS is AS followed by a number from 1 to 4294967295")
		}
		return Element{Kind: KindASN, ASN: uint32(n)}, nil
	}
	// An operator the catalog does not know is named by its registrable
	// domain: "example-dns.net", "example-dns.net/dns".
	if name, service, _ := strings.Cut(lower, "/"); strings.Contains(name, ".") && !strings.Contains(lower, ":") {
		if !domainRe.MatchString(name) || (service != "" && !serviceRe.MatchString(service)) {
			return bad("an uncatalogued provider is its registrable domain (example-dns.net), optionally /service")
		}
		if service != "" {
			return Element{Kind: KindService, Company: name, Service: service}, nil
		}
		return Element{Kind: KindProvider, Company: name}, nil
	}
	if company, region, ok := strings.Cut(lower, ":"); ok {
		if !companyRe.MatchString(company) || !regionRe.MatchString(region) {
			return bad("a region is provider:region (amazon:us-east-1)")
		}
		return Element{Kind: KindRegion, Company: company, Region: region}, nil
	}
	company, service, ok := strings.Cut(lower, "/")
	if !ok {
		company, service, ok = strings.Cut(lower, "-")
	}
	if ok {
		if !companyRe.MatchString(company) || !serviceRe.MatchString(service) {
			return bad("a service is provider/service (amazon/ec2)")
		}
		return Element{Kind: KindService, Company: company, Service: service}, nil
	}
	if !companyRe.MatchString(company) {
		return bad("a provider id is lower-case letters and digits (cloudflare)")
	}
	return Element{Kind: KindProvider, Company: company}, nil
}
