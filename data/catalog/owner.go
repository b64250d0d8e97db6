package catalog

import (
	"fmt"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Owner is who an owner domain belongs to: a company, and the product
// when the domain is one product's alone.
type Owner struct {
	Company  *Company
	Provider *Provider // nil for a company domain
	// Domain is the owner domain that matched.
	Domain string
}

// addOwner records domain d for o. A domain is a host suffix without a
// wildcard, under a public suffix (not one itself), owned once.
func (c *Catalog) addOwner(d string, o Owner) error {
	if err := ValidateSuffix(d); err != nil {
		return err
	}
	if strings.Contains(d, "*") {
		return fmt.Errorf("%q: no wildcard in a domain", d)
	}
	if ps, _ := publicsuffix.PublicSuffix(d); ps == d {
		return fmt.Errorf("%q is a public suffix", d)
	}
	if other, ok := c.owners[d]; ok {
		return fmt.Errorf("%q already owned by %s", d, other.name())
	}
	o.Domain = d
	c.owners[d] = o
	return nil
}

func (o Owner) name() string {
	if o.Provider != nil {
		return "provider " + o.Provider.ID
	}
	return "company " + o.Company.ID
}

// MatchDomain returns the owner of the longest owner domain that name is
// equal to or under, matching whole labels.
func (c *Catalog) MatchDomain(name string) (Owner, bool) {
	name = NormalizeName(name)
	for rest := name; rest != ""; {
		if o, ok := c.owners[rest]; ok {
			return o, true
		}
		_, parent, found := strings.Cut(rest, ".")
		if !found {
			break
		}
		rest = parent
	}
	return Owner{}, false
}

// Company returns the company with the given id. Every provider's company
// exists: one that no entry declares is made from the id (Implicit).
func (c *Catalog) Company(id string) (*Company, bool) {
	co, ok := c.companies[id]
	return co, ok
}

// Companies returns every company, sorted by id.
func (c *Catalog) Companies() []*Company {
	out := make([]*Company, 0, len(c.companies))
	for _, co := range c.companies {
		out = append(out, co)
	}
	slices.SortFunc(out, func(a, b *Company) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// CompanyProvider returns the one provider of company that serves layer
// l, nil when it has none or several.
func (c *Catalog) CompanyProvider(company string, l Layer) *Provider {
	return c.byCompanyLayer[companyLayer{company, l}]
}

// CompanyServes reports whether company has a provider on layer l.
func (c *Catalog) CompanyServes(company string, l Layer) bool {
	return c.companyLayers[companyLayer{company, l}] > 0
}

// WebLayer returns the layer a CNAME under one of the company's domains
// counts on: its declared web_layer; else the layer of its web products
// when they all serve one; else hosting.
func (c *Catalog) CompanyWebLayer(company string) Layer {
	co := c.companies[company]
	if co != nil && co.WebLayer != "" {
		return co.WebLayer
	}
	cdn, hosting := c.CompanyServes(company, LayerCDN), c.CompanyServes(company, LayerHosting)
	if cdn && !hosting {
		return LayerCDN
	}
	return LayerHosting
}

// Resolve returns the provider that owner o means on layer l: o's
// provider when it serves l (on the web, when l is its web layer), else
// the company's one provider on l. nil means the company has no single
// provider there: the dependency is the company's, service unknown.
func (c *Catalog) Resolve(o Owner, l Layer) *Provider {
	if p := o.Provider; p != nil {
		if l == LayerCDN || l == LayerHosting {
			if p.WebLayer() == l {
				return p
			}
		} else if p.HasLayer(l) {
			return p
		}
	}
	if l == LayerCDN || l == LayerHosting {
		// A company's web product on that layer: its only one.
		var found *Provider
		n := 0
		for _, p := range c.webByCompany[o.Company.ID] {
			if p.WebLayer() == l {
				found = p
				n++
			}
		}
		if n == 1 {
			return found
		}
		return nil
	}
	return c.CompanyProvider(o.Company.ID, l)
}
