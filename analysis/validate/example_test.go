package validate_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/validate"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// Two domains labelled on dns: one agrees, the other has a second
// provider we did not see. Precision 2/2, recall 2/3.
func ExampleValidate() {
	b, err := os.ReadFile("testdata/catalog.json")
	if err != nil {
		panic(err)
	}
	cat, err := catalog.Parse(b)
	if err != nil {
		panic(err)
	}
	truth, err := validate.ReadTruth(strings.NewReader(`domain,layer,provider
a.com,dns,AWS
b.com,dns,Cloudflare
b.com,dns,UltraDNS
`), "labels.csv")
	if err != nil {
		panic(err)
	}
	run := &validate.Run{
		Domains: []validate.Domain{{Name: "a.com", Status: "ok"}, {Name: "b.com", Status: "ok"}},
		Deps: []validate.Dep{
			{Domain: "a.com", Layer: catalog.LayerDNS, Provider: "amazon", Service: "route53", ThirdParty: true, Catalogued: true},
			{Domain: "b.com", Layer: catalog.LayerDNS, Provider: "cloudflare", Service: "dns", ThirdParty: true, Catalogued: true},
		},
	}
	rep := validate.Validate(run, truth, validate.NewMatcher(cat), validate.Options{})
	s, _ := rep.Layers[0].Score(validate.LevelProvider)
	fmt.Printf("%s: precision %.3f, recall %.3f, exact %.1f\n", rep.Layers[0].Layer, s.Precision(), s.Recall(), s.Accuracy())
	for _, d := range rep.Rows {
		fmt.Println(d.Domain, d.Layer, "missing", d.Missing)
	}
	// Output:
	// dns: precision 1.000, recall 0.667, exact 0.5
	// b.com dns missing [digicert]
}
