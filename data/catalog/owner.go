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
	if ICANNRegistrable(d) == "" {
		return fmt.Errorf("%q is a public suffix", d)
	}
	if other, ok := c.owners[d]; ok {
		return fmt.Errorf("%q already owned by %s", d, other.name())
	}
	o.Domain = d
	c.owners[d] = o
	return nil
}

// ICANNRegistrable returns the registrable domain of host name under the
// ICANN section of the public suffix list: the public suffix and one
// label more ("example.co.uk" for "ns1.example.co.uk"). The private
// section (suffixes that companies such as hosting platforms register for
// their customers, "herokuapp.com") is not used, so that a name under a
// platform's domain yields the platform's domain. It returns "" for a
// name that is itself a public suffix, or has no label before one.
func ICANNRegistrable(name string) string {
	name = NormalizeName(name)
	if name == "" || strings.HasPrefix(name, ".") || strings.Contains(name, "..") {
		return ""
	}
	ps, icann := publicsuffix.PublicSuffix(name)
	for !icann {
		// A private rule: the ICANN suffix is found under its parent.
		_, parent, ok := strings.Cut(ps, ".")
		if !ok {
			break // a single label with no rule: the TLD itself
		}
		ps, icann = publicsuffix.PublicSuffix(parent)
	}
	if len(name) <= len(ps) {
		return ""
	}
	rest := name[:len(name)-len(ps)-1]
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		rest = rest[i+1:]
	}
	return rest + "." + ps
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

// OwnerWebLayer is the web layer a CNAME under owner domain o counts on:
// the product's own when the domain is one product's, else the
// company's (CompanyWebLayer).
func (c *Catalog) OwnerWebLayer(o Owner) Layer {
	if o.Provider != nil {
		if l := o.Provider.WebLayer(); l != "" {
			return l
		}
	}
	return c.CompanyWebLayer(o.Company.ID)
}

// Resolve returns the provider that owner o means on layer l: o's
// provider when it serves l (on the web, when l is its web layer), else
// the company's one provider on l, else among several the one named after
// the layer ("akamai-cdn"). nil means the company has no such provider
// there: the dependency is the company's, service unknown.
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
		return c.mainProduct(o.Company.ID, l)
	}
	if p := c.CompanyProvider(o.Company.ID, l); p != nil {
		return p
	}
	return c.mainProduct(o.Company.ID, l)
}

// mainProduct is the product a company with several on layer l has there
// under the layer's own name ("akamai-cdn" among Akamai's CDN products,
// "ionos-dns" among IONOS's DNS products), nil when it has none such.
func (c *Catalog) mainProduct(company string, l Layer) *Provider {
	p, ok := c.byID[company+"-"+string(l)]
	if !ok {
		return nil
	}
	if l == LayerCDN || l == LayerHosting {
		if p.WebLayer() != l {
			return nil
		}
	} else if !p.HasLayer(l) {
		return nil
	}
	return p
}
