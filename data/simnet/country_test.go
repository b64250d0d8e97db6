package simnet

import (
	"bytes"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// ccTLDCountry: the ISO 3166-1 country of the country-code suffixes the
// simulated population uses, written from ISO 3166-1 and IANA's root zone
// database (note .uk is GB), not from the model's table.
var ccTLDCountry = map[string]string{
	".de": "DE", ".co.uk": "GB", ".fr": "FR", ".nl": "NL", ".com.au": "AU",
	".com.br": "BR", ".co.jp": "JP", ".ca": "CA", ".it": "IT", ".es": "ES",
	".pl": "PL", ".se": "SE", ".ch": "CH", ".in": "IN", ".ru": "RU",
	".co.za": "ZA", ".cn": "CN",
}

// TestSiteList: the CSV list with countries reads back through the list
// reader with no bad line, in the plain list's order; a site under a
// country-code TLD is in that TLD's country, a generic-TLD site hosted at
// its local ISP in the ISP's country, .eu sites in the Union; the other
// generic sites spread over many countries with the United States the
// largest; and the same seed gives the same list.
func TestSiteList(t *testing.T) {
	t.Parallel()
	const n = 20000
	in := generate(t, Config{Domains: n, Seed: 5})
	var csv bytes.Buffer
	if err := in.WriteSiteList(&csv); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(csv.String(), "# simulated ") {
		t.Errorf("site list does not start with \"# simulated \": %.60q", csv.String())
	}
	var bad []string
	entries, err := domains.ReadAll(domains.NewReader(bytes.NewReader(csv.Bytes()), "sites.csv", domains.FormatAuto),
		func(e *domains.LineError) { bad = append(bad, e.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("%d bad lines, first %s", len(bad), bad[0])
	}
	if len(entries) != n {
		t.Fatalf("%d entries, want %d", len(entries), n)
	}
	eu := map[string]bool{"AT": true, "BE": true, "BG": true, "HR": true, "CY": true, "CZ": true, "DK": true,
		"EE": true, "FI": true, "FR": true, "DE": true, "GR": true, "HU": true, "IE": true, "IT": true, "LV": true,
		"LT": true, "LU": true, "MT": true, "NL": true, "PL": true, "PT": true, "RO": true, "SK": true, "SI": true,
		"ES": true, "SE": true}
	generic := map[string]int{}
	genericN, ispChecked := 0, 0
	for i, e := range entries {
		if e.Domain != in.Domain(i+1) {
			t.Fatalf("entry %d is %s, Domain(%d) = %s", i, e.Domain, i+1, in.Domain(i+1))
		}
		if c, ok := in.Country(e.Domain); !ok || c != e.Country {
			t.Fatalf("%s: list says %q, Country says %q, %v", e.Domain, e.Country, c, ok)
		}
		cc := ""
		for suffix, c := range ccTLDCountry {
			if strings.HasSuffix(e.Domain, suffix) {
				cc = c // the suffixes do not end one another
			}
		}
		d := &in.doms[i]
		switch {
		case cc != "":
			if e.Country != cc {
				t.Errorf("%s: country %s, want %s from its TLD", e.Domain, e.Country, cc)
			}
		case strings.HasSuffix(e.Domain, ".eu"):
			if !eu[e.Country] {
				t.Errorf("%s: country %s is not in the European Union", e.Domain, e.Country)
			}
		case d.origin == originISP:
			ispChecked++
			if want := in.w.isps[d.isp].country; e.Country != want {
				t.Errorf("%s at ISP %s: country %s, want the ISP's %s", e.Domain, in.w.isps[d.isp].zone, e.Country, want)
			}
		default:
			generic[e.Country]++
			genericN++
		}
	}
	if ispChecked == 0 {
		t.Error("no generic-TLD site hosted at its ISP: the ISP rule was not exercised")
	}
	us := float64(generic["US"]) / float64(genericN)
	if us < 0.4 || us > 0.6 || len(generic) < 15 {
		t.Errorf("generic-TLD sites: US %.2f of %d over %d countries; want the US near half and at least 15 countries", us, genericN, len(generic))
	}
	for c, k := range generic {
		if c != "US" && k >= generic["US"] {
			t.Errorf("generic-TLD sites: %s has %d, not fewer than the US's %d", c, k, generic["US"])
		}
	}

	var again bytes.Buffer
	if err := generate(t, Config{Domains: n, Seed: 5}).WriteSiteList(&again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(csv.Bytes(), again.Bytes()) {
		t.Error("the same seed gave another site list")
	}
}

// TestCountryTablesSumTo10000: the country tables are market tables like
// the others (TestTablesSumTo10000).
func TestCountryTablesSumTo10000(t *testing.T) {
	t.Parallel()
	for name, total := range map[string]int{"generic": genericCountryTable.total(), "eu": euCountryTable.total()} {
		if total != 10000 {
			t.Errorf("%s country table: weights sum to %d, want 10000", name, total)
		}
	}
}
