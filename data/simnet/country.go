package simnet

// The country of a simulated site, for the per-country figures (a CSV list's
// country column; metrics.SiteCountries). Research that reports
// centralisation per country (Akiwate et al., IMC 2024) takes a site's
// country from the country whose users visit it; a list of the simulated
// population has no users, so the country comes from the model instead:
//
//   - a site under a country-code TLD is in that TLD's country (.de → DE);
//   - a site under a generic TLD whose origin is its local ISP is in the
//     ISP's country: it is hosted where it is run;
//   - a site under .eu is in one of the Union's countries with the most
//     .eu registrations, drawn from euCountryTable;
//   - any other site under a generic TLD is drawn from
//     genericCountryTable.
//
// Every draw is a function of the seed and the site's index, as all the
// model's draws are: the same seed gives the same countries.

import (
	"bufio"
	"fmt"
	"io"
)

// drawCountry is the purpose of the country draw, apart from the draws of
// names.go so that adding it changed no other draw.
const drawCountry uint64 = 0x7700

// genericCountryTable: where the sites of a top list that use a generic
// TLD (.com, .net, .org, .io, ...) are based, an approximation written for
// the simulation: the United States for about half, then the large web
// markets. The weights are the simulation's, not measured shares.
var genericCountryTable = table[string]{
	{"US", 5000}, {"GB", 500}, {"IN", 500}, {"DE", 400}, {"CA", 350},
	{"JP", 300}, {"FR", 300}, {"CN", 300}, {"BR", 250}, {"AU", 250},
	{"NL", 250}, {"RU", 200}, {"SG", 200}, {"IL", 150}, {"ES", 150},
	{"IT", 150}, {"KR", 150}, {"SE", 100}, {"CH", 100}, {"PL", 100},
	{"IE", 100}, {"TR", 100}, {"ID", 100},
}

// euCountryTable: the country of a .eu site, among the member states with
// the most .eu registrations (approximate, written for the simulation).
var euCountryTable = table[string]{
	{"DE", 2500}, {"NL", 1300}, {"FR", 1200}, {"IT", 900}, {"PL", 800},
	{"BE", 800}, {"ES", 700}, {"AT", 500}, {"CZ", 500}, {"SE", 400},
	{"IE", 400},
}

// country returns the country of site i (ISO 3166-1 alpha-2).
func (in *Internet) country(i int) string {
	d := &in.doms[i]
	t := &tlds[d.tld]
	if t.country != "" {
		return t.country
	}
	if d.origin == originISP {
		if c := in.w.isps[d.isp].country; c != "" {
			return c
		}
	}
	u := mix(mix(uint64(in.seed), uint64(i)), drawCountry)
	if t.name == "eu" {
		return euCountryTable.pick(u)
	}
	return genericCountryTable.pick(u)
}

// Country returns the country of the site named domain (lower case, no
// trailing dot) and whether the simulated list has that site.
func (in *Internet) Country(domain string) (string, bool) {
	i := in.lookup(domain)
	if i < 0 {
		return "", false
	}
	return in.country(i), true
}

// WriteSiteList writes the population as a CSV list with a country column
// ("domain,country"), in rank order, after a comment line saying it is
// simulated: the list the demo crawls, so that its report has the figures
// per country of the sites. WriteDomainList writes the same names without
// the countries.
func (in *Internet) WriteSiteList(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	fmt.Fprintf(bw, "# simulated internet (chokepoint simnet, seed %d, %d domains): synthetic names served only by the simulator on 127.0.0.1, not real sites; the country is the model's (simnet country.go)\n", in.seed, len(in.doms))
	bw.WriteString("domain,country\n")
	for i := range in.doms {
		bw.WriteString(in.name(i))
		bw.WriteByte(',')
		bw.WriteString(in.country(i))
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write site list: %w", err)
	}
	return nil
}
