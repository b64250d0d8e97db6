package classify

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// realRanges are entries of the providers' own publications, as they
// appear there (ip-ranges.json, cloud.json, ServiceTags_Public,
// cloudflare.com/ips, api.github.com/meta).
var realRanges = refdata.NewRanges([]refdata.Range{
	{Prefix: netip.MustParsePrefix("3.208.0.0/12"), Source: "aws", Service: "AMAZON", Region: "us-east-1", BorderGroup: "us-east-1"},
	{Prefix: netip.MustParsePrefix("3.208.0.0/12"), Source: "aws", Service: "EC2", Region: "us-east-1", BorderGroup: "us-east-1"},
	{Prefix: netip.MustParsePrefix("34.240.0.0/13"), Source: "aws", Service: "EC2", Region: "eu-west-1", BorderGroup: "eu-west-1"},
	{Prefix: netip.MustParsePrefix("13.32.0.0/15"), Source: "aws", Service: "CLOUDFRONT"},
	{Prefix: netip.MustParsePrefix("205.251.192.0/21"), Source: "aws", Service: "ROUTE53"},
	{Prefix: netip.MustParsePrefix("34.66.0.0/15"), Source: "gcp", Service: "Google Cloud", Region: "us-central1"},
	{Prefix: netip.MustParsePrefix("13.107.213.0/24"), Source: "azure", Service: "AzureFrontDoor.Frontend"},
	{Prefix: netip.MustParsePrefix("20.42.0.0/15"), Source: "azure", Service: "AzureCloud", Region: "eastus"},
	{Prefix: netip.MustParsePrefix("173.245.48.0/20"), Source: "cloudflare"},
	{Prefix: netip.MustParsePrefix("104.16.0.0/13"), Source: "cloudflare"},
	{Prefix: netip.MustParsePrefix("185.199.108.0/22"), Source: "github", Service: "pages"},
	{Prefix: netip.MustParsePrefix("140.82.112.0/20"), Source: "github", Service: "web"},
})

// realASN adds the announcing ASes of those prefixes (and of one ISP).
var realASN = fakeASN{
	netip.MustParsePrefix("3.208.0.0/12"):     14618,
	netip.MustParsePrefix("34.240.0.0/13"):    16509,
	netip.MustParsePrefix("13.32.0.0/15"):     16509, // CloudFront: by AS alone it would look like EC2
	netip.MustParsePrefix("205.251.192.0/21"): 16509,
	netip.MustParsePrefix("34.64.0.0/10"):     396982,
	netip.MustParsePrefix("13.107.0.0/16"):    8075,
	netip.MustParsePrefix("20.42.0.0/15"):     8075,
	netip.MustParsePrefix("173.245.48.0/20"):  13335,
	netip.MustParsePrefix("104.16.0.0/13"):    13335,
	netip.MustParsePrefix("185.199.108.0/22"): 36459,
	netip.MustParsePrefix("84.128.0.0/10"):    3320,
}

// dep is a compact view of a Dependency for the table.
func dep(d Dependency) string {
	s := fmt.Sprintf("%s %s/%s %s %.2f", d.Layer, d.Provider, d.Service, d.Evidence, d.Confidence)
	if d.Region != "" {
		s += " " + d.Region
	}
	if !d.ThirdParty {
		s += " first-party"
	}
	return s
}

func web(name string, cnames []string, addrs ...string) dnscrawl.Host {
	h := dnscrawl.Host{Name: name, Status: dnscrawl.StatusOK, CNAMEs: cnames}
	for _, s := range addrs {
		if ad := a(s); ad.Is4() {
			h.A = append(h.A, ad)
		} else {
			h.AAAA = append(h.AAAA, ad)
		}
	}
	return h
}

// TestClassifyRealWorldRanges runs real-world-shaped cases through the
// classifier with range data: ranges beat ASes, keep the region, and
// attribute vanity name servers.
func TestClassifyRealWorldRanges(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, realASN).WithRanges(realRanges)
	tests := []struct {
		name   string
		obs    func(o *dnscrawl.Observation)
		want   []string
		states map[catalog.Layer]State
	}{
		{
			name: "EC2 in us-east-1 behind Route 53",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns-1017.awsdns-63.net"}, {Name: "ns-49.awsdns-06.com"}}
				o.Apex = web(o.Domain, nil, "3.210.1.2")
			},
			want:   []string{"dns amazon/route53 ns_suffix 1.00", "hosting amazon/ec2 ip_range 0.95 us-east-1"},
			states: states(StateKnown, StateNone, StateKnown, StateNone),
		},
		{
			name: "two regions of one cloud are two dependencies",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns-1017.awsdns-63.net"}}
				o.Apex = web(o.Domain, nil, "3.210.1.2", "34.241.7.7")
			},
			want: []string{"dns amazon/route53 ns_suffix 1.00", "hosting amazon/ec2 ip_range 0.95 eu-west-1", "hosting amazon/ec2 ip_range 0.95 us-east-1"},
		},
		{
			name: "CloudFront by its published range, not EC2 by AS16509",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "dns1.p01.nsone.net"}}
				o.Apex = web(o.Domain, nil, "13.32.99.12")
			},
			want: []string{"dns ibm/ns1 ns_suffix 1.00", "cdn amazon/cloudfront ip_range 0.95"},
		},
		{
			name: "ELB name fills in the region from the range",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns-1017.awsdns-63.net"}}
				o.WWW = web("www."+o.Domain, []string{"my-lb-1234567890.us-east-1.elb.amazonaws.com"}, "3.211.4.4")
			},
			// ELB is its own product; its EC2-range address adds the region.
			want: []string{"dns amazon/route53 ns_suffix 1.00", "hosting amazon/elb cname_suffix 1.00 us-east-1"},
		},
		{
			name: "Google Cloud VM is hosting with its scope, never a CDN",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns-cloud-a1.googledomains.com"}}
				o.Apex = web(o.Domain, nil, "34.66.10.20")
			},
			want: []string{"dns google/clouddns ns_suffix 1.00", "hosting google/cloud ip_range 0.95 us-central1"},
		},
		{
			name: "Azure Front Door frontend by service tag; origin in eastus",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns1-01.azure-dns.com"}}
				o.WWW = web("www."+o.Domain, nil, "13.107.213.40")
				o.Apex = web(o.Domain, nil, "20.42.5.5")
			},
			want: []string{"dns microsoft/azuredns ns_suffix 1.00", "cdn microsoft/frontdoor ip_range 0.95", "hosting microsoft/azure ip_range 0.95 eastus"},
		},
		{
			name: "vanity name servers on Cloudflare's range are Cloudflare DNS",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns1.brand-example.com", Addrs: []netip.Addr{a("173.245.58.51")}}, {Name: "ns2.brand-example.com", Addrs: []netip.Addr{a("173.245.59.51")}}}
				o.Apex = web(o.Domain, nil, "104.16.132.229")
			},
			want: []string{"dns cloudflare/dns ip_range 0.95", "cdn cloudflare/cdn ip_range 0.95"},
			// The origin is behind the CDN: hosting stays unattributed.
			states: states(StateKnown, StateKnown, StateUnattributed, StateNone),
		},
		{
			name: "white-label name servers on Route 53's range",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns1.brand-example.com", Addrs: []netip.Addr{a("205.251.192.27")}}}
			},
			want: []string{"dns amazon/route53 ip_range 0.95"},
		},
		{
			name: "a name server the site runs on EC2 is the site's own",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns1.brand-example.com", Addrs: []netip.Addr{a("3.210.9.9")}}}
				o.Apex = web(o.Domain, nil, "3.210.9.10")
			},
			want: []string{"dns self/self self 0.90 first-party", "hosting amazon/ec2 ip_range 0.95 us-east-1"},
		},
		{
			name: "GitHub Pages apex by its published A records",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "dns1.registrar-servers.com"}}
				o.Apex = web(o.Domain, nil, "185.199.108.153", "185.199.109.153")
			},
			want: []string{"dns namecheap/dns ns_suffix 1.00", "hosting github/pages ip_range 0.95"},
		},
		{
			name: "a GitHub range no catalog entry claims says nothing",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "dns1.registrar-servers.com"}}
				o.Apex = web(o.Domain, nil, "140.82.112.3")
			},
			want:   []string{"dns namecheap/dns ns_suffix 1.00"},
			states: states(StateKnown, StateNone, StateUnattributed, StateNone),
		},
		{
			name: "Route 53's range says nothing about the web",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns-1017.awsdns-63.net"}}
				o.Apex = web(o.Domain, nil, "205.251.193.1")
			},
			want:   []string{"dns amazon/route53 ns_suffix 1.00"},
			states: states(StateKnown, StateNone, StateUnattributed, StateNone),
		},
		{
			name: "no range: the AS still counts, without a region",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns-1017.awsdns-63.net"}}
				o.Apex = web(o.Domain, nil, "34.64.1.1") // Google Cloud AS, not in cloud.json here
			},
			want: []string{"dns amazon/route53 ns_suffix 1.00", "hosting google/cloud asn 0.80"},
		},
		{
			name: "unknown ISP, vanity NS, SOA names the site, sole user: self DNS, hosting by AS",
			obs: func(o *dnscrawl.Observation) {
				o.NS = []dnscrawl.NSHost{{Name: "ns.provider-example.net", Addrs: []netip.Addr{a("84.130.1.1")}}}
				o.SOA = &dnscrawl.SOA{MName: "ns.provider-example.net", RName: "hostmaster.brand-example.com"}
				o.Apex = web(o.Domain, nil, "84.130.1.2")
			},
			want:   []string{"dns self/self soa 0.60 first-party", "hosting as3320/hosting asn 0.80"},
			states: states(StateKnown, StateNone, StateKnown, StateNone),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := obs("brand-example.com")
			tt.obs(o)
			r := ClassifyAll(c, []*dnscrawl.Observation{o})[0]
			var got []string
			for _, d := range r.Deps() {
				if d.Layer == catalog.LayerCA || d.Layer == catalog.LayerTLD {
					continue // layers_test.go
				}
				got = append(got, dep(d))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("deps (-want +got):\n%s", diff)
			}
			if tt.states != nil {
				if diff := cmp.Diff(tt.states, webLayers(r.States)); diff != "" {
					t.Errorf("states (-want +got):\n%s", diff)
				}
			}
			for _, d := range r.Deps() {
				if d.Evidence == EvidenceIPRange && !strings.Contains(d.EvidenceValue, " in ") {
					t.Errorf("ip_range evidence value %q does not name the prefix", d.EvidenceValue)
				}
			}
		})
	}
	// The addresses carry the region of their range too.
	ro := obs("brand-example.com")
	ro.Apex = web(ro.Domain, nil, "3.210.1.2", "84.130.1.2")
	res := c.Classify(ro)
	got := res.AddrInfos()
	want := []AddrInfo{
		{Layer: catalog.LayerHosting, Addr: a("3.210.1.2"), ASN: 14618, Region: "us-east-1"},
		{Layer: catalog.LayerHosting, Addr: a("84.130.1.2"), ASN: 3320},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
		t.Errorf("addrs (-want +got):\n%s", diff)
	}
	// Without range data the CloudFront address falls back to its AS.
	o := obs("brand-example.com")
	o.Apex = web(o.Domain, nil, "13.32.99.12")
	plain := New(cat, realASN).Classify(o)
	if got := plain.Providers(catalog.LayerHosting); !slices.Equal(got, []string{"amazon"}) {
		t.Errorf("without ranges: hosting %v, want the AS's amazon", got)
	}
}

// unknownRangeSources returns the range sources of cat that refdata does
// not know.
func unknownRangeSources(cat *catalog.Catalog) []string {
	var out []string
	for _, s := range cat.RangeSources() {
		if !slices.Contains(refdata.RangeSourceIDs(), s) {
			out = append(out, s)
		}
	}
	return out
}

// TestCatalogRangeSourcesKnown checks that every range source the catalog
// claims is one refdata can load, and that the check catches one it
// cannot.
func TestCatalogRangeSourcesKnown(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	if bad := unknownRangeSources(cat); len(bad) > 0 {
		t.Errorf("catalog names range sources refdata does not know: %v", bad)
	}
	if len(cat.RangeSources()) < 10 {
		t.Errorf("catalog uses only %d range sources", len(cat.RangeSources()))
	}
	bad, err := catalog.Parse([]byte(`{"providers": [{"id": "acme-cloud", "company": "acme", "service": "cloud", "name": "Acme",
		"layers": ["hosting"], "range_sources": ["acme-ranges"], "sources": ["https://acme.example/ranges"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := unknownRangeSources(bad); !slices.Equal(got, []string{"acme-ranges"}) {
		t.Errorf("unknown source not caught: %v", got)
	}
}
