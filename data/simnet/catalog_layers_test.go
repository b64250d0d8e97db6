package simnet

import (
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// TestCatalogConsistencyLayers is TestCatalogConsistency for the layers
// of issue 12: the catalog names the issuer of every simulated CA's
// intermediates as the truth does (and does not know the CA the
// simulation says it does not), and gives every TLD of the model the
// registry the truth gives it.
func TestCatalogConsistencyLayers(t *testing.T) {
	t.Parallel()
	c, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for k := range caKind(numCAs) {
		s := &caSpecs[k]
		for _, im := range s.inters {
			m, ok := c.MatchIssuer(s.interOrg, im.cn)
			switch {
			case k == caQuillmark && ok:
				t.Errorf("issuer O=%s CN=%s: the catalog knows the CA the simulation says it does not (%s): rename it in ca.go", s.interOrg, im.cn, m.Provider.ID)
			case k != caQuillmark && (!ok || m.Provider.ID != s.id):
				t.Errorf("issuer O=%s CN=%s: catalog says %v, truth %s", s.interOrg, im.cn, m.Provider, s.id)
			}
		}
	}
	for _, x := range tlds {
		name := lastLabel(x.name)
		e, ok := c.TLD(name)
		if !ok || e.Registry != registries[name].id {
			t.Errorf("TLD %s: catalog registry %v, truth %s", name, e, registries[name].id)
		}
	}
}
