package reports

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	sum := &metrics.Summary{
		Domains:  10,
		Statuses: map[dnscrawl.Status]int{dnscrawl.StatusOK: 9, dnscrawl.StatusNXDomain: 1},
		Layers: []metrics.LayerSummary{{
			Layer: catalog.LayerDNS, Domains: 10, Known: 8, Providers: 3, HHI: 3400, CriticalRate: 0.75,
			Rows: []metrics.ProviderRow{
				{Provider: "cloudflare", Catalogued: true, Share: 0.5}, {Provider: "amazon", Catalogued: true, Share: 0.25},
				{Provider: "evil\x1b[31mred", Catalogued: true, Share: 0.125},
			},
		}, {
			// No provider at all: no HHI to read, no rate over nothing.
			Layer: catalog.LayerCDN, Domains: 10, Known: 0, None: 9,
		}},
	}
	var b bytes.Buffer
	if err := WriteSummary(&b, &Run{Simulated: true}, sum); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"SIMULATED", "10 domains, 9 resolved", "cloudflare 50.0%", "amazon 25.0%", "3400 (highly concentrated)", "75.0%", "8/10"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for line := range strings.Lines(out) {
		if f := strings.Fields(line); len(f) > 0 && f[0] == "cdn" {
			if want := []string{"cdn", "0/10", "—", "—", "—", "(no", "third-party", "provider)", "—", "—"}; !slices.Equal(f, want) {
				t.Errorf("a layer without provider reads %q, want %q", f, want)
			}
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("summary carries an escape byte from a provider name:\n%q", out)
	}
}
