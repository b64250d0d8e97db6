package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// caTLDView is the section on certificate authorities and TLD registries:
// who they are, how many domains depend on each critically, and what
// goes down when one fails.
type caTLDView struct {
	// NotMeasured says how many domains had no TLS probe; empty when all
	// were probed.
	NotMeasured string
	CAs         []caTLDRow
	Registries  []caTLDRow
	More        string
}

// caTLDRow is one CA or registry.
type caTLDRow struct {
	Name string
	// TLDs lists the TLDs of a registry that the list uses (".com, .net").
	TLDs     string
	Domains  string
	Share    string
	Critical string
	// Down is the number of domains that go down when it fails (its
	// blast radius, blast.csv), with the share of the list.
	Down string
}

// caTLDRows bounds the rows of each table of the section.
const caTLDRows = 10

// newCATLDView builds the CA and TLD section; nil when the list has
// neither layer known. CAs and registries are named as in their layer's
// section (labels).
func newCATLDView(run *Run, registries map[string][]string, sum *metrics.Summary, labels productLabels) *caTLDView {
	cl, okCA := sum.Layer(catalog.LayerCA)
	tl, okTLD := sum.Layer(catalog.LayerTLD)
	if (!okCA || cl.Known == 0) && (!okTLD || tl.Known == 0) && (!okCA || cl.NotMeasured == 0) {
		return nil
	}
	blast := map[string]*graph.Blast{}
	if run.Graph != nil {
		for i := range run.Graph.Blast {
			b := &run.Graph.Blast[i]
			if b.Element.Kind == graph.KindProvider {
				blast[b.Element.Company] = b
			}
		}
	}
	down := func(p string) string {
		b := blast[p]
		if b == nil {
			return "—"
		}
		return fmt.Sprintf("%s (%s)", count(b.Domains), pctF(b.Share))
	}
	v := &caTLDView{}
	if okCA && cl.NotMeasured > 0 {
		v.NotMeasured = fmt.Sprintf("%s of %s domains were not measured on this layer: the crawl ran no TLS probe for them (--no-probe, or observations recorded before the probes existed). They are left out of every share and rate of the CA layer, not counted as having no CA.",
			count(cl.NotMeasured), count(cl.Domains))
	}
	more := 0
	if okCA {
		for _, r := range cl.Rows {
			if r.Provider == classify.SelfProvider {
				continue
			}
			if len(v.CAs) == caTLDRows {
				more++
				continue
			}
			v.CAs = append(v.CAs, caTLDRow{Name: labels.of(catalog.LayerCA, r.Provider, r.Catalogued), Domains: count(r.Domains), Share: pctF(r.Share),
				Critical: count(r.CriticalDomains), Down: down(r.Provider)})
		}
	}
	if okTLD {
		tlds := registryTLDs(registries)
		for _, r := range tl.Rows {
			if len(v.Registries) == caTLDRows {
				more++
				continue
			}
			v.Registries = append(v.Registries, caTLDRow{Name: labels.of(catalog.LayerTLD, r.Provider, r.Catalogued), TLDs: visible(tlds[r.Provider]),
				Domains: count(r.Domains), Share: pctF(r.Share), Critical: count(r.CriticalDomains), Down: down(r.Provider)})
		}
	}
	if more > 0 {
		v.More = fmt.Sprintf("%s more are listed in providers.csv (layers ca and tld) and blast.csv.", count(more))
	}
	return v
}

// registryTLDs returns, for each registry of the tld layer, the TLDs of
// the list it runs (sets, in any order), sorted, as ".com, .net" (at most
// five, then a count).
func registryTLDs(sets map[string][]string) map[string]string {
	out := make(map[string]string, len(sets))
	for p, ts := range sets {
		ts = slices.Sorted(slices.Values(ts))
		shown := ts
		if len(shown) > 5 {
			shown = shown[:5]
		}
		s := "." + strings.Join(shown, ", .")
		if len(ts) > len(shown) {
			s += fmt.Sprintf(" and %d more", len(ts)-len(shown))
		}
		out[p] = s
	}
	return out
}

// siteCountriesView is the table of concentration per country of the
// sites (the list's country column).
type siteCountriesView struct {
	Layers []string // column groups, in catalog order
	Rows   []siteCountryRow
	More   string
}

type siteCountryRow struct {
	Country string
	Domains string
	// Cells has HHI and EMD per layer, in Layers order.
	Cells []siteCountryCell
}

type siteCountryCell struct{ HHI, EMD string }

// siteCountryRows bounds the countries the report shows: the largest by
// number of sites; site_countries.csv has all.
const siteCountryRows = 30

// newSiteCountriesView builds the per-country table; nil when the list
// gives no country.
func newSiteCountriesView(sum *metrics.Summary) *siteCountriesView {
	if len(sum.Countries) == 0 {
		return nil
	}
	v := &siteCountriesView{}
	for _, ls := range sum.Layers {
		v.Layers = append(v.Layers, layerName(ls.Layer))
	}
	cs := slices.Clone(sum.Countries)
	slices.SortStableFunc(cs, func(a, b metrics.CountrySummary) int {
		return cmp.Or(cmp.Compare(b.Domains, a.Domains), strings.Compare(a.Country, b.Country))
	})
	for i, c := range cs {
		if i == siteCountryRows {
			v.More = fmt.Sprintf("%s more countries are in site_countries.csv.", count(len(cs)-i))
			break
		}
		row := siteCountryRow{Country: country(c.Country), Domains: count(c.Domains)}
		for _, ls := range sum.Layers {
			cell := siteCountryCell{HHI: "—", EMD: "—"}
			if cl, ok := c.Layer(ls.Layer); ok && cl.Known > 0 {
				cell.EMD = decimal(cl.EMD, 3)
				if cl.Providers > 0 {
					cell.HHI = decimal(cl.HHI, 0)
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// emdValue is the EMD of a layer as the metrics table shows it: "—"
// without a known domain.
func emdValue(ls *metrics.LayerSummary) string {
	if ls.Known == 0 {
		return "—"
	}
	return decimal(ls.EMD, 3)
}
