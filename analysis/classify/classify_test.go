package classify

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// fakeASN maps prefixes to AS numbers, standing in for an ASN database.
type fakeASN map[netip.Prefix]uint32

func (f fakeASN) Lookup(a netip.Addr) refdata.Info {
	best := -1
	var info refdata.Info
	for p, asn := range f {
		if p.Contains(a) && p.Bits() > best {
			best, info = p.Bits(), refdata.Info{ASN: asn}
		}
	}
	return info
}

// Published prefixes of the providers used below (facts from their own
// range publications and routing tables).
var testASN = fakeASN{
	netip.MustParsePrefix("104.16.0.0/13"):  13335, // Cloudflare
	netip.MustParsePrefix("23.227.38.0/23"): 13335, // Shopify's storefront range, announced by Cloudflare
	netip.MustParsePrefix("2606:4700::/32"): 13335,
	netip.MustParsePrefix("52.0.0.0/11"):    16509, // Amazon
	netip.MustParsePrefix("13.224.0.0/14"):  16509, // CloudFront edges, also AS16509
	netip.MustParsePrefix("151.101.0.0/16"): 54113, // Fastly
	netip.MustParsePrefix("84.128.0.0/10"):  3320,  // Deutsche Telekom: not in the catalog
}

func a(s string) netip.Addr { return netip.MustParseAddr(s) }

func obs(domain string) *dnscrawl.Observation {
	return &dnscrawl.Observation{
		SchemaVersion: dnscrawl.SchemaVersion, Domain: domain, Status: dnscrawl.StatusOK,
		Apex:     dnscrawl.Host{Name: domain, Status: dnscrawl.StatusNXDomain},
		WWW:      dnscrawl.Host{Name: "www." + domain, Status: dnscrawl.StatusNXDomain},
		MXStatus: dnscrawl.StatusNoData,
	}
}

type want struct {
	deps   map[catalog.Layer][]string // layer -> "company/service" sorted
	states map[catalog.Layer]State
}

func summarize(r Result) want {
	w := want{deps: map[catalog.Layer][]string{}, states: webLayers(r.States)}
	for _, d := range r.Deps() {
		if d.Layer == catalog.LayerCA || d.Layer == catalog.LayerTLD {
			continue // tested in layers_test.go
		}
		w.deps[d.Layer] = append(w.deps[d.Layer], d.Provider+"/"+d.Service)
	}
	return w
}

// webLayers returns the states of m on the dns, cdn, hosting and email
// layers, the ones these tables are about (ca and tld: layers_test.go).
func webLayers(m map[catalog.Layer]State) map[catalog.Layer]State {
	out := make(map[catalog.Layer]State, 4)
	for _, l := range []catalog.Layer{catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail} {
		if st, ok := m[l]; ok {
			out[l] = st
		}
	}
	return out
}

func states(dns, cdn, hosting, email State) map[catalog.Layer]State {
	return map[catalog.Layer]State{catalog.LayerDNS: dns, catalog.LayerCDN: cdn, catalog.LayerHosting: hosting, catalog.LayerEmail: email}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := New(cat, testASN)
	tests := []struct {
		name string
		obs  func() *dnscrawl.Observation
		want want
	}{
		{
			name: "cloudflare proxied",
			obs: func() *dnscrawl.Observation {
				o := obs("shop-example.com")
				o.NS = []dnscrawl.NSHost{{Name: "kate.ns.cloudflare.com"}, {Name: "lars.ns.cloudflare.com"}}
				o.Apex = dnscrawl.Host{Name: o.Domain, Status: dnscrawl.StatusOK, A: []netip.Addr{a("104.16.132.229")}, AAAA: []netip.Addr{a("2606:4700::6810:84e5")}}
				o.MX = []dnscrawl.MXHost{{Name: "aspmx.l.google.com"}, {Name: "alt1.aspmx.l.google.com"}}
				o.MXStatus = dnscrawl.StatusOK
				return o
			},
			want: want{
				deps: map[catalog.Layer][]string{
					catalog.LayerDNS: {"cloudflare/dns"}, catalog.LayerCDN: {"cloudflare/cdn"}, catalog.LayerEmail: {"google/workspace"},
				},
				states: states(StateKnown, StateKnown, StateUnattributed, StateKnown),
			},
		},
		{
			name: "cloudfront on www, EC2 on the apex, redundant DNS",
			obs: func() *dnscrawl.Observation {
				o := obs("example.co.uk")
				o.NS = []dnscrawl.NSHost{{Name: "ns-1017.awsdns-63.net"}, {Name: "dns1.p01.nsone.net"}}
				o.Apex = dnscrawl.Host{Name: o.Domain, Status: dnscrawl.StatusOK, A: []netip.Addr{a("52.1.2.3")}}
				o.WWW = dnscrawl.Host{Name: "www." + o.Domain, Status: dnscrawl.StatusOK, CNAMEs: []string{"d111111abcdef8.cloudfront.net"}, A: []netip.Addr{a("13.224.5.6")}}
				o.MX = []dnscrawl.MXHost{{Name: "example-co-uk.mail.protection.outlook.com"}}
				o.MXStatus = dnscrawl.StatusOK
				return o
			},
			want: want{
				deps: map[catalog.Layer][]string{
					catalog.LayerDNS: {"amazon/route53", "ibm/ns1"}, catalog.LayerCDN: {"amazon/cloudfront"},
					catalog.LayerHosting: {"amazon/ec2"}, catalog.LayerEmail: {"microsoft/365"},
				},
				states: states(StateKnown, StateKnown, StateKnown, StateKnown),
			},
		},
		{
			name: "shopify store behind cloudflare",
			obs: func() *dnscrawl.Observation {
				o := obs("store.example")
				o.Domain = "mystore.com"
				o.NS = []dnscrawl.NSHost{{Name: "ns01.domaincontrol.com"}}
				o.WWW = dnscrawl.Host{Name: "www.mystore.com", Status: dnscrawl.StatusOK, CNAMEs: []string{"shops.myshopify.com"}, A: []netip.Addr{a("23.227.38.65")}}
				return o
			},
			want: want{
				deps: map[catalog.Layer][]string{
					catalog.LayerDNS: {"godaddy/dns"}, catalog.LayerCDN: {"cloudflare/cdn"}, catalog.LayerHosting: {"shopify/platform"},
				},
				states: states(StateKnown, StateKnown, StateKnown, StateNone),
			},
		},
		{
			name: "self-hosted DNS, web and mail at a local ISP",
			obs: func() *dnscrawl.Observation {
				o := obs("stadtwerke-example.de")
				o.NS = []dnscrawl.NSHost{{Name: "ns1.stadtwerke-example.de", Addrs: []netip.Addr{a("84.130.1.1")}}, {Name: "ns2.stadtwerke-example.de"}}
				o.Apex = dnscrawl.Host{Name: o.Domain, Status: dnscrawl.StatusOK, A: []netip.Addr{a("84.130.1.2")}}
				o.MX = []dnscrawl.MXHost{{Name: "mail.stadtwerke-example.de"}}
				o.MXStatus = dnscrawl.StatusOK
				return o
			},
			want: want{
				// The web server's network is named by its AS (AS3320,
				// uncatalogued): the ISP hosts it.
				deps:   map[catalog.Layer][]string{catalog.LayerDNS: {"self/self"}, catalog.LayerHosting: {"as3320/hosting"}, catalog.LayerEmail: {"self/self"}},
				states: states(StateKnown, StateNone, StateKnown, StateKnown),
			},
		},
		{
			name: "look-alike suffix is not the provider",
			obs: func() *dnscrawl.Observation {
				o := obs("lookalike.org")
				o.NS = []dnscrawl.NSHost{{Name: "ns.notcloudflare.com"}}
				o.MX = []dnscrawl.MXHost{{Name: "mx.evilgoogle.com"}}
				o.MXStatus = dnscrawl.StatusOK
				return o
			},
			// Not the provider, but an operator the catalog does not know,
			// named by its registrable domain.
			want: want{
				deps:   map[catalog.Layer][]string{catalog.LayerDNS: {"notcloudflare.com/dns"}, catalog.LayerEmail: {"evilgoogle.com/email"}},
				states: states(StateKnown, StateNone, StateNone, StateKnown),
			},
		},
		{
			name: "vanity name servers answering from Cloudflare",
			obs: func() *dnscrawl.Observation {
				o := obs("bigbank.com")
				o.NS = []dnscrawl.NSHost{{Name: "ns1.bigbank.com", Addrs: []netip.Addr{a("104.17.1.1")}}}
				o.WWW = dnscrawl.Host{Name: "www.bigbank.com", Status: dnscrawl.StatusOK, CNAMEs: []string{"www.bigbank.com.edgekey.net", "e123.a.akamaiedge.net"}, A: []netip.Addr{a("84.130.9.9")}}
				o.MXStatus = dnscrawl.StatusTimeout
				return o
			},
			want: want{
				deps:   map[catalog.Layer][]string{catalog.LayerDNS: {"cloudflare/dns"}, catalog.LayerCDN: {"akamai/cdn"}},
				states: states(StateKnown, StateKnown, StateUnattributed, StateUnresolved),
			},
		},
		{
			name: "web lookups failed",
			obs: func() *dnscrawl.Observation {
				o := obs("flaky.net")
				o.NS = []dnscrawl.NSHost{{Name: "ns1.digitalocean.com"}}
				o.Apex.Status, o.WWW.Status = dnscrawl.StatusServFail, dnscrawl.StatusTimeout
				return o
			},
			want: want{
				deps:   map[catalog.Layer][]string{catalog.LayerDNS: {"digitalocean/dns"}},
				states: states(StateKnown, StateUnresolved, StateUnresolved, StateNone),
			},
		},
		{
			name: "nxdomain",
			obs: func() *dnscrawl.Observation {
				o := obs("gone.com")
				o.Status = dnscrawl.StatusNXDomain
				return o
			},
			want: want{deps: map[catalog.Layer][]string{}, states: states(StateUnresolved, StateUnresolved, StateUnresolved, StateUnresolved)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ClassifyAll(c, []*dnscrawl.Observation{tt.obs()})[0]
			if diff := cmp.Diff(tt.want, summarize(r), cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			for _, d := range r.Deps() {
				if d.Evidence == "" || d.EvidenceValue == "" || d.Confidence <= 0 || d.Confidence > 1 {
					t.Errorf("dependency without evidence or with confidence %v: %+v", d.Confidence, d)
				}
				if d.ThirdParty == (d.Provider == SelfProvider) {
					t.Errorf("third_party=%v for provider %q", d.ThirdParty, d.Provider)
				}
			}
		})
	}
}

func TestCritical(t *testing.T) {
	t.Parallel()
	var r Result
	r.SetDeps([]Dependency{
		{Layer: catalog.LayerDNS, Provider: "amazon", Service: "route53"},
		{Layer: catalog.LayerDNS, Provider: "ibm", Service: "ns1"},
		{Layer: catalog.LayerCDN, Provider: "cloudflare", Service: "cdn"},
		{Layer: catalog.LayerHosting, Provider: "self", Service: "self"},
		{Layer: catalog.LayerEmail, Provider: "google", Service: "workspace"},
		{Layer: catalog.LayerEmail, Provider: "self", Service: "self"},
	})
	tests := []struct {
		layer catalog.Layer
		want  string
		ok    bool
	}{
		{catalog.LayerDNS, "", false}, // two providers
		{catalog.LayerCDN, "cloudflare", true},
		{catalog.LayerHosting, "", false}, // self-hosted
		{catalog.LayerEmail, "", false},   // a self-hosted second MX
	}
	for _, tt := range tests {
		got, ok := r.Critical(tt.layer)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Critical(%s) = %q, %v; want %q, %v", tt.layer, got, ok, tt.want, tt.ok)
		}
	}
}

// TestClassifyAddrs checks that every address a layer reaches is recorded
// under the right layer with its AS.
func TestClassifyAddrs(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	o := obs("example.co.uk")
	o.NS = []dnscrawl.NSHost{{Name: "ns1.example.co.uk", Addrs: []netip.Addr{a("84.130.1.1")}}}
	o.Apex = dnscrawl.Host{Name: o.Domain, Status: dnscrawl.StatusOK, A: []netip.Addr{a("52.1.2.3")}}
	o.WWW = dnscrawl.Host{Name: "www." + o.Domain, Status: dnscrawl.StatusOK, CNAMEs: []string{"d1.cloudfront.net"}, A: []netip.Addr{a("13.224.5.6")}}
	o.MX = []dnscrawl.MXHost{{Name: "mail.example.co.uk", Addrs: []netip.Addr{a("192.0.2.25")}}}
	o.MXStatus = dnscrawl.StatusOK
	r := New(cat, testASN).Classify(o)
	want := []AddrInfo{
		{Layer: catalog.LayerDNS, Addr: a("84.130.1.1"), ASN: 3320},
		{Layer: catalog.LayerCDN, Addr: a("13.224.5.6"), ASN: 16509},
		{Layer: catalog.LayerHosting, Addr: a("52.1.2.3"), ASN: 16509},
		{Layer: catalog.LayerEmail, Addr: a("192.0.2.25")},
	}
	if diff := cmp.Diff(want, r.AddrInfos(), cmp.Comparer(func(x, y netip.Addr) bool { return x == y })); diff != "" {
		t.Errorf("Addrs mismatch (-want +got):\n%s", diff)
	}
}
