package catalog_test

import (
	"fmt"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

func ExampleCatalog_MatchNS() {
	c, err := catalog.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, host := range []string{
		"ns-cloud-a1.googledomains.com.",
		"ns1.googledomains.com",
		"KATE.NS.CLOUDFLARE.COM",
		"ns1.notcloudflare.com",
	} {
		p, suffix, ok := c.MatchNS(host)
		if !ok {
			fmt.Printf("%s: no provider\n", host)
			continue
		}
		fmt.Printf("%s: %s (company %s, suffix %s)\n", host, p.ID, p.Company, suffix)
	}
	// Output:
	// ns-cloud-a1.googledomains.com.: google-clouddns (company google, suffix ns-cloud-*.googledomains.com)
	// ns1.googledomains.com: squarespace-domains (company squarespace, suffix googledomains.com)
	// KATE.NS.CLOUDFLARE.COM: cloudflare-dns (company cloudflare, suffix ns.cloudflare.com)
	// ns1.notcloudflare.com: no provider
}
