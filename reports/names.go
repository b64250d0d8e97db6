package reports

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// Names gives the display names of what the outputs identify by id:
// companies and their products from the catalog, autonomous systems from
// the reference data. The report and the terminal summary show them; the
// CSV files and run.json keep the ids. A nil *Names, or a nil field,
// shows the ids and the AS numbers alone.
type Names struct {
	// Catalog names companies ("ibm": "IBM") and products
	// ("ibm-ns1": "IBM NS1 Connect").
	Catalog *catalog.Catalog
	// AS returns the name of an AS, "" when it has none (for example
	// refdata.ASNTable.ASName, with an asnames file loaded).
	AS func(asn uint32) string
	// Products are the catalog products each company is used for on each
	// layer by the domains of the run (ProductsOf), so that the terminal
	// summary names a provider as the report does ("Google Trust
	// Services", not "Google"). Nil names companies alone.
	Products LayerProducts
}

// LayerProducts lists, per layer and company id, the services (catalog
// product ids without the company prefix) the domains use.
type LayerProducts map[catalog.Layer]map[string][]string

// ProductsOf gathers the products the domains of results use on each
// layer, for Names.Products and the report's labels. Self-hosting and
// operators the catalog does not know have none.
func ProductsOf(results []classify.Result) LayerProducts {
	lp := LayerProducts{}
	for i := range results {
		for _, d := range results[i].Deps() {
			lp.add(&d)
		}
	}
	return lp
}

// add adds the product of dependency d, as ProductsOf does.
func (lp LayerProducts) add(d *classify.Dependency) {
	if d.Provider == classify.SelfProvider || d.Uncatalogued {
		return
	}
	m := lp[d.Layer]
	if m == nil {
		m = map[string][]string{}
		lp[d.Layer] = m
	}
	if !slices.Contains(m[d.Provider], d.Service) {
		m[d.Provider] = append(m[d.Provider], d.Service)
	}
}

// uncatMark follows the name of an operator the catalog does not know,
// in text; the tables use the same mark with an explanation.
const uncatMark = " ◦"

// selfName is how self-hosting reads.
const selfName = "self-hosted"

// company returns the display name of a provider id of the metrics and
// the graph: the catalog company's name, "self-hosted", or, for an
// operator the catalog does not know, its registrable domain or AS (with
// the AS name when there is one).
func (n *Names) company(id string) string {
	if id == classify.SelfProvider {
		return selfName
	}
	if n != nil && n.Catalog != nil {
		if c, ok := n.Catalog.Company(id); ok && c.Name != "" && !c.Implicit {
			return visible(c.Name)
		}
		// A company no entry declared is named by its first product.
		for _, p := range n.Catalog.Providers() {
			if p.Company == id && p.Name != "" {
				return visible(p.Name)
			}
		}
	}
	if a, ok := asOperator(id); ok {
		return n.asn(a)
	}
	return visible(id)
}

// catalogued reports whether id is a catalog company or self; true when
// there is no catalog to ask.
func (n *Names) catalogued(id string) bool {
	if id == classify.SelfProvider || n == nil || n.Catalog == nil {
		return true
	}
	_, ok := n.Catalog.Company(id)
	return ok
}

// asOperator reads the id of an operator named by its AS ("as64500").
func asOperator(id string) (uint32, bool) {
	rest, ok := strings.CutPrefix(id, "as")
	if !ok || rest == "" {
		return 0, false
	}
	a, err := strconv.ParseUint(rest, 10, 32)
	return uint32(a), err == nil
}

// label is company with the mark of an uncatalogued operator, for text
// that has no column to mark it.
func (n *Names) label(id string, catalogued bool) string {
	s := n.company(id)
	if !catalogued && id != classify.SelfProvider {
		s += uncatMark
	}
	return s
}

// product returns the display name of one product of a company: its
// catalog name, with the company's name in front when the product's name
// does not carry it ("DigiCert UltraDNS", "IBM NS1 Connect"). It is the
// company's name when the product is not in the catalog.
func (n *Names) product(company, service string) string {
	name := n.company(company)
	if n == nil || n.Catalog == nil || service == "" || service == classify.UnknownService {
		return name
	}
	p, ok := n.Catalog.Provider(company + "-" + service)
	if !ok || p.Name == "" {
		return name
	}
	if strings.Contains(strings.ToLower(p.Name), strings.ToLower(name)) {
		return visible(p.Name)
	}
	if strings.Contains(strings.ToLower(name), strings.ToLower(visible(p.Name))) {
		// The company's name already says it: "Let's Encrypt (ISRG)",
		// not "Let's Encrypt (ISRG) Let's Encrypt".
		return name
	}
	return name + " " + visible(p.Name)
}

// asn returns "AS13335 Cloudflare, Inc." or "AS13335" when the AS has no
// name.
func (n *Names) asn(a uint32) string {
	s := "AS" + strconv.FormatUint(uint64(a), 10)
	if n != nil && n.AS != nil {
		if name := n.AS(a); name != "" {
			s += " " + visible(name)
		}
	}
	return s
}

// country returns "United States (US)", or the code alone when it is not
// an ISO 3166-1 code.
func country(cc string) string {
	if name, ok := countryNames[strings.ToUpper(cc)]; ok {
		return name + " (" + strings.ToUpper(cc) + ")"
	}
	return visible(cc)
}

// element returns the display name of an element of the graph: a
// company, a product, a region ("Amazon us-east-1"), an AS or a country.
func (n *Names) element(e graph.Element) string {
	switch e.Kind {
	case graph.KindProvider:
		return n.label(e.Company, n.catalogued(e.Company))
	case graph.KindService:
		return n.product(e.Company, e.Service)
	case graph.KindRegion:
		return n.company(e.Company) + " " + visible(e.Region)
	case graph.KindASN:
		return n.asn(e.ASN)
	case graph.KindCountry:
		return country(e.Country)
	}
	return visible(e.String())
}

// blastElement returns the display name of a BlastRow's element, which
// is written as graph.Element.String; the string itself when it cannot be
// read back.
func (n *Names) blastElement(kind graph.Kind, s string) string {
	e, err := graph.ParseElement(s)
	if err != nil || e.Kind != kind {
		if kind == graph.KindProvider {
			return n.company(s)
		}
		return visible(s)
	}
	return n.element(e)
}

// productLabels names the providers of each layer as a reader knows
// them: the product when the domains of the list use one product of the
// company on the layer ("IBM NS1 Connect"), the company with its products
// when they use several ("DigiCert (DNS Made Easy, UltraDNS)"), the
// company's name when one of them is not in the catalog.
type productLabels struct {
	names    *Names
	services LayerProducts // layer -> company -> services
}

func newProductLabels(names *Names, results []classify.Result) productLabels {
	return productLabels{names: names, services: ProductsOf(results)}
}

// short is of without the list of products: the product when the domains
// use one product of the company on layer l, otherwise the company, so
// that a line of the terminal summary starts each provider as the
// report's label does.
func (pl productLabels) short(l catalog.Layer, id string, catalogued bool) string {
	if s := pl.services[l][id]; catalogued && id != classify.SelfProvider && len(s) == 1 {
		return pl.names.product(id, s[0])
	}
	return pl.names.label(id, catalogued)
}

// maxLabelProducts is the number of products named in a label; the rest
// are counted ("Amazon (EC2, Elastic Load Balancing, 3 more)").
const maxLabelProducts = 2

// of returns the label of provider id on layer l; catalogued is false for
// an operator the catalog does not know (marked ◦).
func (pl productLabels) of(l catalog.Layer, id string, catalogued bool) string {
	if !catalogued || id == classify.SelfProvider {
		return pl.names.label(id, catalogued)
	}
	s := pl.services[l][id]
	if len(s) == 1 {
		return pl.names.product(id, s[0])
	}
	// Several products: "DigiCert (DNS Made Easy, UltraDNS)" when the
	// catalog names them all.
	company := pl.names.company(id)
	var products []string
	for _, svc := range s {
		p := pl.names.product(id, svc)
		short := strings.TrimSpace(strings.TrimPrefix(p, company))
		if svc == classify.UnknownService || p == company || short == "" {
			return company
		}
		products = append(products, short)
	}
	if len(products) == 0 {
		return company
	}
	slices.Sort(products)
	if len(products) > maxLabelProducts {
		more := len(products) - maxLabelProducts
		products = append(products[:maxLabelProducts], fmt.Sprintf("%d more", more))
	}
	return company + " (" + strings.Join(products, ", ") + ")"
}
