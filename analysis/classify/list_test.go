package classify

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// site is one domain of a list for the Finish tests: its name servers,
// SOA and mail exchangers.
func site(domain string, ns []string, soaM, soaR string, mx ...string) *dnscrawl.Observation {
	o := obs(domain)
	for _, n := range ns {
		o.NS = append(o.NS, dnscrawl.NSHost{Name: n})
	}
	if soaM != "" {
		o.SOA = &dnscrawl.SOA{MName: soaM, RName: soaR}
	}
	for _, m := range mx {
		o.MX = append(o.MX, dnscrawl.MXHost{Name: m})
		o.MXStatus = dnscrawl.StatusOK
	}
	return o
}

// layerIDs returns, per domain, the dependency IDs of layer l.
func layerIDs(rs []Result, l catalog.Layer) map[string][]string {
	out := make(map[string][]string)
	for _, r := range rs {
		var ids []string
		for _, d := range r.LayerDeps(l) {
			ids = append(ids, d.ID())
		}
		out[r.Domain] = ids
	}
	return out
}

func TestFinish(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, testASN)
	tests := []struct {
		name  string
		list  []*dnscrawl.Observation
		layer catalog.Layer
		want  map[string][]string
	}{
		{
			// The trap of the old classifier: the SOA rname is the
			// customer's own address, but the operator serves three domains
			// of the list, so it is a third party, not self-hosting.
			name: "shared operator with the customer's rname is a third party",
			list: []*dnscrawl.Observation{
				site("alpha.example", []string{"ns1.quietdns-example.net", "ns2.quietdns-example.net"}, "ns1.quietdns-example.net", "hostmaster.alpha.example"),
				site("beta.example", []string{"ns1.quietdns-example.net", "ns2.quietdns-example.net"}, "ns1.quietdns-example.net", "hostmaster.beta.example"),
				site("gamma.example", []string{"ns1.quietdns-example.net"}, "ns1.quietdns-example.net", "hostmaster.gamma.example"),
			},
			layer: catalog.LayerDNS,
			want: map[string][]string{
				"alpha.example": {"quietdns-example.net"}, "beta.example": {"quietdns-example.net"}, "gamma.example": {"quietdns-example.net"},
			},
		},
		{
			name: "sole user whose SOA names the site is self-hosted",
			list: []*dnscrawl.Observation{
				site("delta.example", []string{"ns1.delta-infra.example", "ns2.delta-infra.example"}, "ns1.delta-infra.example", "dnsadmin.delta.example"),
				site("other.example", []string{"kate.ns.cloudflare.com"}, "kate.ns.cloudflare.com", "dns.cloudflare.com"),
			},
			layer: catalog.LayerDNS,
			want:  map[string][]string{"delta.example": {"self"}, "other.example": {"cloudflare-dns"}},
		},
		{
			name: "sole user whose SOA names the operator is a third party",
			list: []*dnscrawl.Observation{
				site("epsilon.example", []string{"ns1.tinyhost-example.net"}, "ns1.tinyhost-example.net", "support.tinyhost-example.net"),
			},
			layer: catalog.LayerDNS,
			want:  map[string][]string{"epsilon.example": {"tinyhost-example.net"}},
		},
		{
			name: "an organisation's family of sites on its own name servers",
			list: []*dnscrawl.Observation{
				site("wikimedia-example.org", []string{"ns0.wikimedia-example.org", "ns1.wikimedia-example.org"}, "ns0.wikimedia-example.org", "hostmaster.wikimedia-example.org"),
				site("wikipedia-example.org", []string{"ns0.wikimedia-example.org", "ns1.wikimedia-example.org"}, "ns0.wikimedia-example.org", "hostmaster.wikimedia-example.org"),
				site("wiktionary-example.org", []string{"ns0.wikimedia-example.org"}, "ns0.wikimedia-example.org", "hostmaster.wikimedia-example.org"),
				// Same operator, another SOA: a customer, not the family.
				site("customer.example", []string{"ns0.wikimedia-example.org"}, "ns0.wikimedia-example.org", "hostmaster.customer.example"),
			},
			layer: catalog.LayerDNS,
			want: map[string][]string{
				"wikimedia-example.org": {"self"}, "wikipedia-example.org": {"self"}, "wiktionary-example.org": {"self"},
				"customer.example": {"wikimedia-example.org"},
			},
		},
		{
			name: "TLD variants of one operator are grouped under the smallest name",
			list: []*dnscrawl.Observation{
				site("one.example", []string{"ns1.dnsprov-example.net", "ns2.dnsprov-example.org"}, "ns1.dnsprov-example.net", "hostmaster.dnsprov-example.net"),
				site("two.example", []string{"ns3.dnsprov-example.org"}, "ns3.dnsprov-example.org", "hostmaster.dnsprov-example.net"),
				// A different operator that only shares the TLD.
				site("three.example", []string{"ns1.otherdns-example.org", "ns2.otherdns-example.org"}, "ns1.otherdns-example.org", "hostmaster.three.example"),
				site("four.example", []string{"ns1.otherdns-example.org"}, "ns1.otherdns-example.org", "hostmaster.four.example"),
			},
			layer: catalog.LayerDNS,
			want: map[string][]string{
				"one.example": {"dnsprov-example.net"}, "two.example": {"dnsprov-example.net"},
				"three.example": {"otherdns-example.org"}, "four.example": {"otherdns-example.org"},
			},
		},
		{
			// google.com runs its own DNS under its own name; youtube.com
			// uses the same servers with the same SOA: Google's own DNS, not
			// a Google Cloud DNS customer. A customer zone on a name under
			// a company's domain with another SOA stays the company's.
			name: "a catalogued company's own family of sites",
			list: []*dnscrawl.Observation{
				site("google.com", []string{"ns1.google.com", "ns2.google.com"}, "ns1.google.com", "dns-admin.google.com"),
				site("youtube.com", []string{"ns1.google.com", "ns2.google.com"}, "ns1.google.com", "dns-admin.google.com"),
				site("cloudflare.com", []string{"ns3.cloudflare.com", "ns4.cloudflare.com"}, "ns3.cloudflare.com", "dns.cloudflare.com"),
				site("customer.example", []string{"ns7.cloudflare.com"}, "ns7.cloudflare.com", "dns.cloudflare.com"),
			},
			layer: catalog.LayerDNS,
			want: map[string][]string{
				"google.com": {"self"}, "youtube.com": {"self"}, "cloudflare.com": {"self"}, "customer.example": {"cloudflare-dns"},
			},
		},
		{
			name: "mail exchangers of the family are self, of a stranger a third party",
			list: []*dnscrawl.Observation{
				site("corp-example.com", []string{"ns1.corp-example.com"}, "ns1.corp-example.com", "hostmaster.corp-example.com", "mx1.corp-example.com"),
				site("brand-example.com", []string{"ns1.corp-example.com"}, "ns1.corp-example.com", "hostmaster.corp-example.com", "mx1.corp-example.com"),
				site("shop.example", []string{"kate.ns.cloudflare.com"}, "kate.ns.cloudflare.com", "dns.cloudflare.com", "mx1.mailhost-example.net"),
			},
			layer: catalog.LayerEmail,
			want: map[string][]string{
				"corp-example.com": {"self"}, "brand-example.com": {"self"}, "shop.example": {"mailhost-example.net"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := layerIDs(ClassifyAll(c, tt.list), tt.layer)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.layer, diff)
			}
			// The outcome does not depend on the order of the list.
			rng := rand.New(rand.NewPCG(1, uint64(len(tt.list))))
			for range 5 {
				shuffled := slices.Clone(tt.list)
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if diff := cmp.Diff(tt.want, layerIDs(ClassifyAll(c, shuffled), tt.layer)); diff != "" {
					t.Fatalf("shuffled list: %s (-want +got):\n%s", tt.layer, diff)
				}
			}
		})
	}
}

// TestFinishClearsHints checks that Finish leaves no list state behind and
// that classifying one domain alone keeps the operator's name.
func TestFinishClearsHints(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, testASN)
	r := c.Classify(site("alone.example", []string{"ns1.somedns-example.net"}, "ns1.somedns-example.net", "hostmaster.alone.example"))
	if r.hints == nil {
		t.Fatal("no hints recorded for an uncatalogued operator")
	}
	if ids := layerIDs([]Result{r}, catalog.LayerDNS)["alone.example"]; !slices.Equal(ids, []string{"somedns-example.net"}) {
		t.Errorf("before Finish: %v, want the operator's name", ids)
	}
	rs := []Result{r}
	Finish(rs)
	if rs[0].hints != nil {
		t.Error("hints left after Finish")
	}
	d := rs[0].LayerDeps(catalog.LayerDNS)
	if len(d) != 1 || d[0].Provider != SelfProvider || d[0].Evidence != EvidenceSOA || !strings.Contains(d[0].EvidenceValue, "sole user") {
		t.Errorf("after Finish: %+v, want self by soa (sole user)", d)
	}
}

// TestWebOwnHopsAndZones checks the web rules around the site's own
// names: a CNAME hop under the site's domain names nobody, an
// uncatalogued target's zone served by the site's name servers is self,
// one served by others is the target's operator.
func TestWebOwnHopsAndZones(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, testASN)
	amazon := site("amazon.com", []string{"ns1.amzndns-example.net"}, "", "")
	amazon.WWW = dnscrawl.Host{Name: "www.amazon.com", Status: dnscrawl.StatusOK,
		CNAMEs: []string{"tp.47cf2c8c9-frontier.amazon.com", "d3ag4hukkh62yn.cloudfront.net"}, A: []netip.Addr{a("192.0.2.10")}}
	private := site("media-example.com", []string{"ns1.media-example.com"}, "", "")
	private.WWW = dnscrawl.Host{Name: "www.media-example.com", Status: dnscrawl.StatusOK,
		CNAMEs: []string{"www.media-example.com.edge.mediacdn-example.net"}, A: []netip.Addr{a("192.0.2.20")}}
	private.TargetZones = []dnscrawl.ZoneNS{{Zone: "mediacdn-example.net", NS: []string{"ns1.media-example.com", "ns2.media-example.com"}}}
	saas := site("client-example.com", []string{"ns1.client-example.com"}, "", "")
	saas.WWW = dnscrawl.Host{Name: "www.client-example.com", Status: dnscrawl.StatusOK,
		CNAMEs: []string{"client.sites.saasbuilder-example.io"}, A: []netip.Addr{a("192.0.2.30")}}
	saas.TargetZones = []dnscrawl.ZoneNS{{Zone: "saasbuilder-example.io", NS: []string{"ns1.saasbuilder-example.io"}}}
	rs := ClassifyAll(c, []*dnscrawl.Observation{amazon, private, saas})
	want := map[string][]string{
		"amazon.com":         {},
		"media-example.com":  {"self"},
		"client-example.com": {"saasbuilder-example.io"},
	}
	got := layerIDs(rs, catalog.LayerHosting)
	for d, ids := range got {
		if ids == nil {
			got[d] = []string{}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hosting (-want +got):\n%s", diff)
	}
	if cdn := layerIDs(rs, catalog.LayerCDN)["amazon.com"]; !slices.Equal(cdn, []string{"amazon-cloudfront"}) {
		t.Errorf("amazon.com cdn %v, want only CloudFront (its own hop names nobody)", cdn)
	}
}
