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

// A domain that does not resolve keeps the name servers of its
// delegation when the crawl saw it: all of Route 53's servers answer
// SERVFAIL for it (NS names as AWS documents them), so it depends on
// Route 53 and on nothing else. Without a delegation (a crawl through a
// recursive resolver) every layer is unresolved, as before.
func TestDelegationOfFailedDomain(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, testASN)
	o := &dnscrawl.Observation{SchemaVersion: dnscrawl.SchemaVersion, Domain: "broken.example", Status: dnscrawl.StatusServFail, Error: "SERVFAIL"}
	r := c.Classify(o)
	if r.NumDeps() != 0 {
		t.Errorf("without delegation: %+v", r.DepList())
	}
	for l, st := range r.States {
		if st != StateUnresolved {
			t.Errorf("without delegation: %s %s", l, st)
		}
	}

	o.Delegation = &dnscrawl.Delegation{
		Zone: "broken.example", Parent: "example",
		ParentNS: []dnscrawl.NSHost{{Name: "ns-12.awsdns-01.com"}, {Name: "ns-600.awsdns-11.net"}},
		Lame: []dnscrawl.LameServer{
			{Name: "ns-12.awsdns-01.com", Addr: netip.MustParseAddr("192.0.2.1"), Why: dnscrawl.LameServFail},
			{Name: "ns-600.awsdns-11.net", Addr: netip.MustParseAddr("192.0.2.2"), Why: dnscrawl.LameServFail},
		},
	}
	r = c.Classify(o)
	got := summarize(r)
	if diff := cmp.Diff(map[catalog.Layer][]string{catalog.LayerDNS: {"amazon/route53"}}, got.deps); diff != "" {
		t.Errorf("with delegation (-want +got):\n%s", diff)
	}
	for _, l := range StateLayers {
		want := StateUnresolved
		if l == catalog.LayerDNS {
			want = StateKnown
		}
		if r.States[l] != want {
			t.Errorf("with delegation: %s %s, want %s", l, r.States[l], want)
		}
	}
	for _, d := range r.Deps() {
		if !strings.HasSuffix(d.EvidenceValue, "(parent-side NS)") {
			t.Errorf("evidence %q: want it to say parent-side", d.EvidenceValue)
		}
	}
}
