package simnet

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// TestWriteRanges checks that the simulated range files are accepted by
// refdata (official formats, validated), say they are simulated, and that
// every network of a provider with a range source is found with its
// region and with a source that the catalog maps back to that provider.
func TestWriteRanges(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 200, Seed: 3})
	dir := t.TempDir()
	rangesDir, dataDir, err := in.WriteRanges(dir)
	if err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(rangesDir)
	if err != nil || len(ents) != len(rangeFiles) {
		t.Fatalf("%d range files (err %v), want %d", len(ents), err, len(rangeFiles))
	}
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(rangesDir, e.Name()))
		if !strings.Contains(string(b), "simulated") {
			t.Errorf("%s does not say simulated", e.Name())
		}
	}
	d, err := refdata.Load(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	// The provider a service other than the generic one stands for.
	byService := map[string]string{"ROUTE53": pRoute53}
	checked := 0
	for _, n := range in.Networks() {
		id := n.Provider
		if s, ok := byService[n.Service]; ok {
			id = s
		}
		p, ok := cat.Provider(id)
		if !ok || len(p.RangeSources) == 0 {
			continue
		}
		r, ok := d.Ranges.Lookup(n.Prefix.Addr())
		if !ok {
			t.Errorf("%s (%s) not in the range data", n.Prefix, n.Provider)
			continue
		}
		if got, _ := cat.ByRange(r.Source, r.Service); got != p {
			t.Errorf("%s: range %+v maps to %v, want %s", n.Prefix, r, got, p.ID)
		}
		if n.Region != "" && !strings.EqualFold(r.Region, n.Region) {
			t.Errorf("%s: region %q, want %q", n.Prefix, r.Region, n.Region)
		}
		checked++
	}
	if checked < 30 {
		t.Errorf("only %d networks checked", checked)
	}
}
