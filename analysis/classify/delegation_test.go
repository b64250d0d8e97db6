package classify

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// A domain moved from Route 53 to Cloudflare whose registry delegation
// still names a Route 53 server (NS names as AWS and Cloudflare document
// them: ns-N.awsdns-NN.org, NAME.ns.cloudflare.com), and one server of an
// uncatalogued operator that is lame.
func TestDelegationDependencies(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, testASN)
	base := func() *dnscrawl.Observation {
		o := obs("moved.example.com")
		o.NS = []dnscrawl.NSHost{{Name: "kate.ns.cloudflare.com"}, {Name: "rob.ns.cloudflare.com"}}
		return o
	}
	plain := summarize(c.Classify(base()))
	if diff := cmp.Diff([]string{"cloudflare/dns"}, plain.deps[catalog.LayerDNS]); diff != "" {
		t.Fatalf("without delegation (-want +got):\n%s", diff)
	}

	o := base()
	o.Delegation = &dnscrawl.Delegation{
		Zone: "moved.example.com", Parent: "example.com",
		ParentNS: []dnscrawl.NSHost{{Name: "kate.ns.cloudflare.com"}, {Name: "ns-1234.awsdns-26.org"}},
		ChildNS:  []string{"kate.ns.cloudflare.com", "rob.ns.cloudflare.com"},
		Mismatch: true,
		Lame:     []dnscrawl.LameServer{{Name: "ns1.olddns.net", Addr: netip.MustParseAddr("192.0.2.53"), Why: dnscrawl.LameRefused}},
	}
	r := c.Classify(o)
	got := summarize(r)
	want := []string{"amazon/route53", "cloudflare/dns", "olddns.net/dns"}
	if diff := cmp.Diff(want, slices.Sorted(slices.Values(got.deps[catalog.LayerDNS]))); diff != "" {
		t.Errorf("with delegation (-want +got):\n%s", diff)
	}
	if got.states[catalog.LayerDNS] != StateKnown {
		t.Errorf("DNS state %s", got.states[catalog.LayerDNS])
	}
	for _, d := range r.Deps() {
		switch d.Provider {
		case "amazon":
			if !strings.HasSuffix(d.EvidenceValue, "(parent-side NS)") {
				t.Errorf("route53 evidence %q: want it to say parent-side", d.EvidenceValue)
			}
		case "olddns.net":
			if !strings.HasSuffix(d.EvidenceValue, "(lame NS: refused)") || !d.Uncatalogued {
				t.Errorf("olddns.net: %+v: want an uncatalogued lame server", d)
			}
		case "cloudflare":
			if strings.Contains(d.EvidenceValue, "(") {
				t.Errorf("cloudflare evidence %q: the zone's own server needs no note", d.EvidenceValue)
			}
		}
	}
}
