package reports

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
)

// The files of the blast radius of regions, ASes and countries, written by
// WriteGraph with blast.csv.
const (
	RegionsFile   = "regions.csv"
	ASNsFile      = "asns.csv"
	CountriesFile = "countries.csv"
)

// GeoBlast is the blast radius part of the rows of regions.csv, asns.csv
// and countries.csv: the domains that go down when the element fails.
type GeoBlast struct {
	// Domains go down when the element fails (a required layer, dns or
	// the web path, has no provider left); Direct + Transitive = Domains.
	Domains int `csv:"domains"`
	// Share is Domains / list size; WeightedShare weights each domain
	// 1/rank.
	Share         float64 `csv:"share"`
	WeightedShare float64 `csv:"weighted_share"`
	// Direct domains go down through the element itself; Transitive ones
	// only through a provider that depends on it.
	Direct     int `csv:"direct"`
	Transitive int `csv:"transitive"`
	// EmailDomains lose their e-mail; EmailShare is that / list size.
	EmailDomains int     `csv:"email_domains"`
	EmailShare   float64 `csv:"email_share"`
	// Services is the number of provider services that fail with it.
	Services int `csv:"services"`
}

// RegionRow is one row of regions.csv: one provider region.
type RegionRow struct {
	Rank     int    `csv:"rank"`
	Provider string `csv:"provider"`
	Region   string `csv:"region"`
	GeoBlast
}

// ASNRow is one row of asns.csv: one autonomous system.
type ASNRow struct {
	Rank int    `csv:"rank"`
	ASN  uint32 `csv:"asn"`
	GeoBlast
}

// CountryRow is one row of countries.csv: one country (ISO 3166-1
// alpha-2), every address located in it failing together.
type CountryRow struct {
	Rank    int    `csv:"rank"`
	Country string `csv:"country"`
	GeoBlast
}

// rankedBlast returns the blast radii of kind, largest first, ties by
// rank-weighted share then the element's name: the row order of the
// files.
//
// A provider or service whose whole blast radius passes through the ca
// and tld layers (a certificate authority, a TLD registry) is left out:
// the section on CAs and TLD registries shows those, and blast.csv has
// them all.
func rankedBlast(bs []graph.Blast, kind graph.Kind) []graph.Blast {
	var out []graph.Blast
	for _, b := range bs {
		if b.Element.Kind == kind && !caTLDOnly(b) {
			out = append(out, b)
		}
	}
	slices.SortStableFunc(out, func(a, b graph.Blast) int {
		return cmp.Or(cmp.Compare(b.Domains, a.Domains), cmp.Compare(b.WeightedShare, a.WeightedShare),
			strings.Compare(a.Element.String(), b.Element.String()))
	})
	return out
}

// caTLDOnly reports whether b is a provider or service every domain of
// whose blast radius goes down through its certificate authority or its
// TLD registry alone.
func caTLDOnly(b graph.Blast) bool {
	k := b.Element.Kind
	return (k == graph.KindProvider || k == graph.KindService) && b.Domains > 0 && b.ServingDomains == 0
}

func geoBlast(b graph.Blast) GeoBlast {
	return GeoBlast{Domains: b.Domains, Share: b.Share, WeightedShare: b.WeightedShare, Direct: b.Direct,
		Transitive: b.Transitive, EmailDomains: b.EmailFailed, EmailShare: b.EmailShare, Services: b.Services}
}

// WriteRegions writes regions.csv: every provider region of the graph.
func WriteRegions(w io.Writer, bs []graph.Blast) error {
	return writeCSV(w, func(yield func(RegionRow) bool) {
		for i, b := range rankedBlast(bs, graph.KindRegion) {
			if !yield(RegionRow{Rank: i + 1, Provider: b.Element.Company, Region: b.Element.Region, GeoBlast: geoBlast(b)}) {
				return
			}
		}
	})
}

// WriteASNs writes asns.csv: every AS the domains' addresses are in.
func WriteASNs(w io.Writer, bs []graph.Blast) error {
	return writeCSV(w, func(yield func(ASNRow) bool) {
		for i, b := range rankedBlast(bs, graph.KindASN) {
			if !yield(ASNRow{Rank: i + 1, ASN: b.Element.ASN, GeoBlast: geoBlast(b)}) {
				return
			}
		}
	})
}

// WriteCountries writes countries.csv: every country the domains'
// addresses are located in.
func WriteCountries(w io.Writer, bs []graph.Blast) error {
	return writeCSV(w, func(yield func(CountryRow) bool) {
		for i, b := range rankedBlast(bs, graph.KindCountry) {
			if !yield(CountryRow{Rank: i + 1, Country: b.Element.Country, GeoBlast: geoBlast(b)}) {
				return
			}
		}
	})
}
