package classify_test

// A table of real-world shapes (issue 9, item 7): the name-server sets,
// CNAME chains, mail exchangers and addresses that providers tell their
// customers to configure, each with the verdict per layer that the
// provider's own documentation implies under the attribution rules.
//
// The expected verdicts come from the providers' documentation and the
// published formats (ip-ranges.json, cloud.json, ServiceTags_Public,
// api.github.com/meta, RFC 7505), never from reading the catalog: a case
// that fails says either that the catalog lacks a fact the provider
// publishes or that a rule misbehaves, not that the test is stale.
//
// The reference data below is a few real rows of the providers' range
// publications and of a prefix-to-origin-AS table (CAIDA pfx2as,
// Routeviews 2024-04), enough for the addresses the cases use.

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// asMap is a longest-prefix origin-AS table; it implements
// classify.AddrLookup. Prefixes of one length never overlap, so the
// longest match is unique and map order cannot change the answer.
type asMap map[netip.Prefix]uint32

func (m asMap) Lookup(a netip.Addr) refdata.Info {
	best, info := -1, refdata.Info{}
	for p, asn := range m {
		if p.Contains(a) && p.Bits() > best {
			best, info = p.Bits(), refdata.Info{ASN: asn}
		}
	}
	return info
}

// rangeMap holds rows of the providers' range publications, one per
// prefix (the row refdata keeps: the specific service over "AMAZON" or
// "AzureCloud", the regional row over the global one); it implements
// classify.RangeLookup by longest prefix.
type rangeMap map[netip.Prefix]refdata.Range

func (m rangeMap) Lookup(a netip.Addr) (refdata.Range, bool) {
	best, out := -1, refdata.Range{}
	for p, r := range m {
		if p.Contains(a) && p.Bits() > best {
			best, out = p.Bits(), r
		}
	}
	return out, best >= 0
}

// realWorldASNs returns real origin ASes of the prefixes the cases use,
// as the Routeviews pfx2as table of 2024-04-06 gives them.
func realWorldASNs() asMap {
	rows := []struct {
		prefix string
		asn    uint32
	}{
		// Cloudflare (AS13335), its published prefixes and the Shopify
		// storefront range it announces; AS209242 is Cloudflare Spectrum,
		// which announces WP Engine's Advanced Network addresses.
		{"173.245.48.0/20", 13335}, {"108.162.192.0/18", 13335}, {"162.158.0.0/15", 13335},
		{"104.16.0.0/13", 13335}, {"104.24.0.0/14", 13335}, {"172.64.0.0/13", 13335},
		{"2606:4700::/32", 13335}, {"23.227.38.0/23", 13335}, {"141.193.213.0/24", 209242},
		// Amazon: AS16509, and AS14618 for much of us-east-1.
		{"205.251.192.0/21", 16509}, {"3.208.0.0/12", 14618}, {"44.192.0.0/11", 14618},
		{"34.240.0.0/13", 16509}, {"52.216.0.0/15", 16509}, {"13.32.0.0/15", 16509},
		{"18.160.0.0/15", 16509}, {"2600:9000::/28", 16509}, {"75.2.0.0/17", 16509},
		{"76.76.21.0/24", 16509},
		// Google (AS15169) and Google Cloud (AS396982).
		{"142.250.0.0/15", 15169}, {"172.217.0.0/16", 15169}, {"216.239.32.0/19", 15169},
		{"34.64.0.0/10", 396982},
		// Microsoft (AS8075): Front Door, Azure regions, Azure DNS.
		{"13.104.0.0/14", 8075}, {"20.40.0.0/13", 8075}, {"20.64.0.0/10", 8075}, {"40.80.0.0/12", 8075},
		// Fastly (AS54113), also announcing GitHub Pages and Pantheon.
		{"151.101.0.0/16", 54113}, {"2a04:4e42::/32", 54113}, {"23.185.0.0/24", 54113},
		{"185.199.108.0/22", 54113},
		{"140.82.112.0/20", 36459}, // GitHub
		// Akamai: AS20940 (edge), AS21342 (Edge DNS, akam.net).
		{"23.32.0.0/11", 20940}, {"184.24.0.0/13", 20940}, {"2.16.0.0/13", 20940},
		{"193.108.91.0/24", 21342}, {"95.101.36.0/24", 21342},
		// Managed DNS operators.
		{"198.51.44.0/24", 62597}, {"198.51.45.0/24", 62597}, // NS1
		{"156.154.34.0/24", 12008},                            // UltraDNS
		{"208.94.148.0/24", 16552},                            // DNS Made Easy (Tiggee)
		{"97.74.104.0/23", 44273}, {"173.201.72.0/23", 44273}, // GoDaddy DNS
		{"165.160.12.0/24", 19574}, {"165.160.13.0/24", 19574}, // CSC
		// CDNs and security proxies.
		{"93.184.216.0/24", 15133},  // Edgecast
		{"68.142.64.0/18", 22822},   // Limelight
		{"45.60.1.0/24", 19551},     // Imperva Incapsula
		{"192.124.249.0/24", 30148}, // Sucuri
		{"69.16.175.0/24", 20446},   // StackPath (Highwinds)
		{"37.19.192.0/24", 60068},   // CDN77
		{"91.200.176.0/24", 200325}, // Bunny
		{"5.8.25.0/24", 199524},     // Gcore
		{"119.28.0.0/23", 132203},   // Tencent
		// Site builders and hosters.
		{"198.185.159.0/24", 53831}, {"198.49.23.0/24", 53831}, // Squarespace
		{"185.230.63.0/24", 58182},                          // Wix
		{"192.0.78.0/24", 2635},                             // Automattic (WordPress.com)
		{"5.9.0.0/16", 24940},                               // Hetzner
		{"213.186.32.0/19", 16276}, {"5.135.0.0/16", 16276}, // OVH
		{"159.89.0.0/20", 14061},    // DigitalOcean
		{"23.92.16.0/21", 63949},    // Linode
		{"45.32.0.0/21", 20473},     // Vultr
		{"217.160.0.0/16", 8560},    // IONOS
		{"81.169.144.0/22", 6724},   // Strato
		{"162.241.216.0/22", 46606}, // Unified Layer (Bluehost)
		{"23.229.128.0/17", 26496},  // GoDaddy hosting
		{"129.80.0.0/16", 31898},    // Oracle Cloud
		{"94.26.228.0/23", 49505},   // Selectel
		// Networks no provider catalog should claim: two universities.
		{"171.64.0.0/14", 32}, // Stanford
		{"18.7.0.0/16", 3},    // MIT
	}
	m := make(asMap, len(rows))
	for _, r := range rows {
		m[netip.MustParsePrefix(r.prefix)] = r.asn
	}
	return m
}

// realWorldRanges returns rows of the providers' own range publications,
// as refdata reads them: AWS ip-ranges.json (service, region; "GLOBAL"
// is no region), Google cloud.json (scope) and goog.json, Azure
// ServiceTags_Public (tag without its region, region), cloudflare.com/ips,
// Fastly's public-ip-list, Akamai's origin list, api.github.com/meta and
// Oracle's public_ip_ranges.json (first tag, region).
func realWorldRanges() rangeMap {
	rows := []refdata.Range{
		{Prefix: netip.MustParsePrefix("205.251.192.0/21"), Source: "aws", Service: "ROUTE53"},
		{Prefix: netip.MustParsePrefix("3.208.0.0/12"), Source: "aws", Service: "EC2", Region: "us-east-1", BorderGroup: "us-east-1"},
		{Prefix: netip.MustParsePrefix("44.192.0.0/11"), Source: "aws", Service: "EC2", Region: "us-east-1", BorderGroup: "us-east-1"},
		{Prefix: netip.MustParsePrefix("34.240.0.0/13"), Source: "aws", Service: "EC2", Region: "eu-west-1", BorderGroup: "eu-west-1"},
		{Prefix: netip.MustParsePrefix("52.216.0.0/15"), Source: "aws", Service: "S3", Region: "us-east-1", BorderGroup: "us-east-1"},
		{Prefix: netip.MustParsePrefix("13.32.0.0/15"), Source: "aws", Service: "CLOUDFRONT"},
		{Prefix: netip.MustParsePrefix("18.160.0.0/15"), Source: "aws", Service: "CLOUDFRONT"},
		{Prefix: netip.MustParsePrefix("2600:9000:2000::/36"), Source: "aws", Service: "CLOUDFRONT"},
		{Prefix: netip.MustParsePrefix("75.2.0.0/17"), Source: "aws", Service: "GLOBALACCELERATOR"},
		{Prefix: netip.MustParsePrefix("34.66.0.0/15"), Source: "gcp", Service: "Google Cloud", Region: "us-central1"},
		{Prefix: netip.MustParsePrefix("35.195.0.0/16"), Source: "gcp", Service: "Google Cloud", Region: "europe-west1"},
		{Prefix: netip.MustParsePrefix("142.250.0.0/15"), Source: "goog"},
		{Prefix: netip.MustParsePrefix("172.217.0.0/16"), Source: "goog"},
		{Prefix: netip.MustParsePrefix("216.239.32.0/19"), Source: "goog"},
		{Prefix: netip.MustParsePrefix("13.107.246.0/24"), Source: "azure", Service: "AzureFrontDoor.Frontend"},
		{Prefix: netip.MustParsePrefix("20.42.0.0/17"), Source: "azure", Service: "AzureCloud", Region: "eastus"},
		{Prefix: netip.MustParsePrefix("20.119.0.0/20"), Source: "azure", Service: "AppService", Region: "eastus"},
		{Prefix: netip.MustParsePrefix("173.245.48.0/20"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("108.162.192.0/18"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("162.158.0.0/15"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("104.16.0.0/13"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("104.24.0.0/14"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("172.64.0.0/13"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("2606:4700::/32"), Source: "cloudflare"},
		{Prefix: netip.MustParsePrefix("151.101.0.0/16"), Source: "fastly"},
		{Prefix: netip.MustParsePrefix("2a04:4e42::/32"), Source: "fastly"},
		{Prefix: netip.MustParsePrefix("23.32.0.0/11"), Source: "akamai"},
		{Prefix: netip.MustParsePrefix("184.24.0.0/13"), Source: "akamai"},
		{Prefix: netip.MustParsePrefix("2.16.0.0/13"), Source: "akamai"},
		{Prefix: netip.MustParsePrefix("185.199.108.153/32"), Source: "github", Service: "pages"},
		{Prefix: netip.MustParsePrefix("185.199.109.153/32"), Source: "github", Service: "pages"},
		{Prefix: netip.MustParsePrefix("185.199.110.153/32"), Source: "github", Service: "pages"},
		{Prefix: netip.MustParsePrefix("185.199.111.153/32"), Source: "github", Service: "pages"},
		{Prefix: netip.MustParsePrefix("140.82.112.0/20"), Source: "github", Service: "web"},
		{Prefix: netip.MustParsePrefix("129.80.0.0/16"), Source: "oracle", Service: "OCI", Region: "us-ashburn-1"},
	}
	m := make(rangeMap, len(rows))
	for _, r := range rows {
		m[r.Prefix] = r
	}
	return m
}

// obsOpt sets one part of an observation.
type obsOpt func(*dnscrawl.Observation)

// site returns the observation of a resolved domain whose apex has no
// address, whose www does not exist and which has no MX, changed by opts.
func site(domain string, opts ...obsOpt) *dnscrawl.Observation {
	o := &dnscrawl.Observation{
		SchemaVersion: dnscrawl.SchemaVersion, Domain: domain, Status: dnscrawl.StatusOK,
		Apex:     dnscrawl.Host{Name: domain, Status: dnscrawl.StatusNoData},
		WWW:      dnscrawl.Host{Name: "www." + domain, Status: dnscrawl.StatusNXDomain},
		MXStatus: dnscrawl.StatusNoData,
	}
	for _, f := range opts {
		f(o)
	}
	return o
}

func addrs(ss []string) []netip.Addr {
	out := make([]netip.Addr, 0, len(ss))
	for _, s := range ss {
		out = append(out, netip.MustParseAddr(s))
	}
	return out
}

// ns adds name servers without addresses.
func ns(names ...string) obsOpt {
	return func(o *dnscrawl.Observation) {
		for _, n := range names {
			o.NS = append(o.NS, dnscrawl.NSHost{Name: n})
		}
	}
}

// nsAt adds one name server with its addresses.
func nsAt(name string, as ...string) obsOpt {
	return func(o *dnscrawl.Observation) {
		o.NS = append(o.NS, dnscrawl.NSHost{Name: name, Addrs: addrs(as)})
	}
}

func soa(mname, rname string) obsOpt {
	return func(o *dnscrawl.Observation) {
		o.SOA = &dnscrawl.SOA{MName: mname, RName: rname, Serial: 2024060101}
	}
}

// host resolves name through chain: address literals are its final
// addresses, anything else a CNAME hop, in order.
func host(name string, chain []string) dnscrawl.Host {
	h := dnscrawl.Host{Name: name, Status: dnscrawl.StatusOK}
	for _, s := range chain {
		a, err := netip.ParseAddr(s)
		switch {
		case err != nil:
			h.CNAMEs = append(h.CNAMEs, s)
		case a.Is4():
			h.A = append(h.A, a)
		default:
			h.AAAA = append(h.AAAA, a)
		}
	}
	return h
}

func apex(chain ...string) obsOpt {
	return func(o *dnscrawl.Observation) { o.Apex = host(o.Domain, chain) }
}

func www(chain ...string) obsOpt {
	return func(o *dnscrawl.Observation) { o.WWW = host("www."+o.Domain, chain) }
}

// mx sets the mail exchangers, preferences 10, 20, ... in order.
func mx(names ...string) obsOpt {
	return func(o *dnscrawl.Observation) {
		o.MXStatus = dnscrawl.StatusOK
		for i, n := range names {
			o.MX = append(o.MX, dnscrawl.MXHost{Preference: uint16(10 * (i + 1)), Name: n})
		}
	}
}

// nullMX publishes RFC 7505's "no mail" record: MX 0 ".".
func nullMX() obsOpt {
	return func(o *dnscrawl.Observation) {
		o.MXStatus = dnscrawl.StatusOK
		o.MX = []dnscrawl.MXHost{{Preference: 0, Name: "."}}
	}
}

// zone records the NS set of a zone a CNAME target lives in.
func zone(name string, nss ...string) obsOpt {
	return func(o *dnscrawl.Observation) {
		o.TargetZones = append(o.TargetZones, dnscrawl.ZoneNS{Zone: name, NS: nss})
	}
}

func one(o *dnscrawl.Observation) []*dnscrawl.Observation { return []*dnscrawl.Observation{o} }

func list(os ...*dnscrawl.Observation) []*dnscrawl.Observation { return os }

// ids is the expected set of dependency ids of one layer: the catalog id
// ("cloudflare-dns"), "<company>-unknown", "self", the registrable domain
// of an uncatalogued operator or "as<N>", followed by "@<region>" when
// the evidence names a region ("amazon-ec2@us-east-1").
type ids = []string

// verdict is what one domain depends on, per layer. A nil layer expects
// no dependency. States, when set, are checked too.
type verdict struct {
	DNS, CDN, Hosting, Email ids
	States                   map[catalog.Layer]classify.State
}

// realCase is one row of the table: list is the domain list classified
// together (the list-level rules need several domains); want is the
// verdict of list[0], also the verdicts of further domains of the list.
type realCase struct {
	name string
	why  string // the documentation or published format the case comes from
	list []*dnscrawl.Observation
	want verdict
	also map[string]verdict
}

// nsCase is a domain with only a name-server set.
func nsCase(name, why string, want ids, nss ...string) realCase {
	return realCase{name: name, why: why, list: one(site("example.com", ns(nss...))), want: verdict{DNS: want}}
}

// mxCase is a domain with only mail exchangers.
func mxCase(name, why string, want ids, mxs ...string) realCase {
	return realCase{name: name, why: why, list: one(site("example.com", mx(mxs...))), want: verdict{Email: want}}
}

// catalogued reports whether id names a catalog entry: not "self", not a
// registrable domain, not "as<N>".
func catalogued(id string) bool {
	if id == classify.SelfProvider || strings.Contains(id, ".") {
		return false
	}
	if n, ok := strings.CutPrefix(id, "as"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		return false
	}
	return true
}

// verdictOf summarises r; it reports dependencies whose Uncatalogued or
// ThirdParty flag disagrees with their id.
func verdictOf(t *testing.T, r classify.Result) verdict {
	t.Helper()
	var v verdict
	for _, d := range r.Deps() {
		if d.Layer == catalog.LayerCA || d.Layer == catalog.LayerTLD {
			continue // the new layers' cases: layers_realworld_test.go
		}
		id := d.ID()
		if want := id != classify.SelfProvider && !catalogued(id); d.Uncatalogued != want {
			t.Errorf("%s: %s %s: Uncatalogued = %v, want %v", r.Domain, d.Layer, id, d.Uncatalogued, want)
		}
		if d.ThirdParty != (id != classify.SelfProvider) {
			t.Errorf("%s: %s %s: ThirdParty = %v", r.Domain, d.Layer, id, d.ThirdParty)
		}
		s := id
		if d.Region != "" {
			s += "@" + d.Region
		}
		switch d.Layer {
		case catalog.LayerDNS:
			v.DNS = append(v.DNS, s)
		case catalog.LayerCDN:
			v.CDN = append(v.CDN, s)
		case catalog.LayerHosting:
			v.Hosting = append(v.Hosting, s)
		case catalog.LayerEmail:
			v.Email = append(v.Email, s)
		}
	}
	return v
}

// TestRealWorld classifies every case of the table with the embedded
// catalog and the reference data above.
func TestRealWorld(t *testing.T) {
	t.Parallel()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	c := classify.New(cat, realWorldASNs()).WithRanges(realWorldRanges())
	groups := realWorldCases()
	total := 0
	seen := map[string]bool{}
	for _, g := range groups {
		t.Logf("%s: %d cases", g.name, len(g.cases))
		total += len(g.cases)
		for _, tc := range g.cases {
			name := g.name + "/" + tc.name
			if seen[name] {
				t.Errorf("case %q twice", name)
			}
			seen[name] = true
			if tc.why == "" || len(tc.list) == 0 {
				t.Errorf("case %q: no why or no domain", name)
			}
		}
	}
	if total < 150 {
		t.Errorf("%d cases, want at least 150", total)
	}
	opts := cmp.Options{
		cmpopts.EquateEmpty(),
		cmpopts.SortSlices(func(a, b string) bool { return a < b }),
		cmpopts.IgnoreFields(verdict{}, "States"),
	}
	for _, g := range groups {
		for _, tc := range g.cases {
			t.Run(g.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				results := classify.ClassifyAll(c, tc.list)
				if len(results) != len(tc.list) {
					t.Fatalf("ClassifyAll returned %d results for %d domains", len(results), len(tc.list))
				}
				byDomain := make(map[string]classify.Result, len(results))
				for _, r := range results {
					byDomain[r.Domain] = r
				}
				check := func(domain string, want verdict) {
					r, ok := byDomain[domain]
					if !ok {
						t.Errorf("no result for %s", domain)
						return
					}
					got := verdictOf(t, r)
					if diff := cmp.Diff(want, got, opts); diff != "" {
						t.Errorf("%s (%s)\n(-want +got):\n%s", domain, tc.why, diff)
					}
					for l, st := range want.States {
						if r.States[l] != st {
							t.Errorf("%s: %s state = %s, want %s", domain, l, r.States[l], st)
						}
					}
				}
				check(tc.list[0].Domain, tc.want)
				for d, v := range tc.also {
					check(d, v)
				}
			})
		}
	}
}

// TestRealWorldCatalogued checks the id rule the table relies on, with
// cases that must come out each way.
func TestRealWorldCatalogued(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		"cloudflare-dns": true, "amazon-unknown": true, "self": false,
		"example-dns.net": false, "as64500": false, "as": true, "asia-dns": true,
	} {
		if got := catalogued(id); got != want {
			t.Errorf("catalogued(%q) = %v, want %v", id, got, want)
		}
	}
}

type caseGroup struct {
	name  string
	cases []realCase
}

func realWorldCases() []caseGroup {
	return []caseGroup{
		{"dns", dnsCases()},
		{"list", listCases()},
		{"web", webCases()},
		{"email", emailCases()},
		{"site", siteCases()},
	}
}

// dnsCases: the name-server sets that managed DNS operators, registrars
// and hosters assign, vanity name servers on operators' addresses, and
// name servers the site runs itself.
func dnsCases() []realCase {
	return []realCase{
		// Cloudflare.
		{
			name: "cloudflare full setup",
			why:  "https://developers.cloudflare.com/dns/zone-setups/full-setup/setup/ assigns two <name>.ns.cloudflare.com; SOA mname is one of them, rname dns.cloudflare.com",
			list: one(site("example.com", ns("adam.ns.cloudflare.com", "vera.ns.cloudflare.com"), soa("adam.ns.cloudflare.com", "dns.cloudflare.com"))),
			want: verdict{DNS: ids{"cloudflare-dns"}},
		},
		{
			name: "cloudflare name servers with their anycast addresses",
			why:  "https://developers.cloudflare.com/dns/zone-setups/full-setup/setup/; addresses in https://www.cloudflare.com/ips-v4 (173.245.48.0/20, 108.162.192.0/18, 172.64.0.0/13)",
			list: one(site("example.com",
				nsAt("kate.ns.cloudflare.com", "173.245.58.117", "108.162.192.117", "172.64.32.117"),
				nsAt("lars.ns.cloudflare.com", "173.245.59.118", "108.162.193.118", "172.64.33.118"))),
			want: verdict{DNS: ids{"cloudflare-dns"}},
		},
		nsCase("cloudflare foundation dns across three TLDs",
			"https://developers.cloudflare.com/dns/foundation-dns/: advanced name servers <name>.foundationdns.com/.net/.org",
			ids{"cloudflare-dns"}, "kate.foundationdns.com", "kate.foundationdns.net", "kate.foundationdns.org"),
		nsCase("cloudflare corporate domain name servers",
			"issue 9 causes: ns1.cloudflare.com got no DNS dependency; rules DNS 2: a name server under the company's domain cloudflare.com",
			ids{"cloudflare-dns"}, "ns3.cloudflare.com", "ns4.cloudflare.com"),
		{
			name: "cloudflare custom nameservers under the site's own name (trap: not self)",
			why:  "https://developers.cloudflare.com/dns/nameservers/custom-nameservers/: ns1.<own domain> answered from Cloudflare addresses (162.158.0.0/15 in cloudflare.com/ips)",
			list: one(site("example.com", nsAt("ns1.example.com", "162.159.0.33"), nsAt("ns2.example.com", "162.159.1.33"), soa("ns1.example.com", "dns.cloudflare.com"))),
			want: verdict{DNS: ids{"cloudflare-dns"}},
		},
		{
			name: "reseller-branded name servers on cloudflare addresses (trap: not the brand)",
			why:  "https://developers.cloudflare.com/dns/nameservers/custom-nameservers/account-custom-nameservers/: account custom NS under a reseller's own domain, served from Cloudflare ranges",
			list: one(site("example.com", nsAt("ns1.brandhost-example.net", "173.245.58.51"), nsAt("ns2.brandhost-example.net", "173.245.59.51"),
				soa("ns1.brandhost-example.net", "hostmaster.brandhost-example.net"))),
			want: verdict{DNS: ids{"cloudflare-dns"}},
		},

		// Amazon Route 53.
		{
			name: "route 53 delegation set on four TLDs",
			why:  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html: ns-2048.awsdns-64.com, .net, .org, .co.uk; SOA rname awsdns-hostmaster.amazon.com",
			list: one(site("example.com", ns("ns-2048.awsdns-64.com", "ns-2049.awsdns-65.net", "ns-2050.awsdns-66.org", "ns-2051.awsdns-67.co.uk"),
				soa("ns-2048.awsdns-64.com", "awsdns-hostmaster.amazon.com"))),
			want: verdict{DNS: ids{"amazon-route53"}},
		},
		nsCase("route 53 .com member alone", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html: ns-N.awsdns-NN.com", ids{"amazon-route53"}, "ns-1017.awsdns-63.com"),
		nsCase("route 53 .net member alone", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html: ns-N.awsdns-NN.net", ids{"amazon-route53"}, "ns-399.awsdns-49.net"),
		nsCase("route 53 .org member alone", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html: ns-N.awsdns-NN.org", ids{"amazon-route53"}, "ns-1352.awsdns-41.org"),
		nsCase("route 53 .co.uk member alone", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html: ns-N.awsdns-NN.co.uk", ids{"amazon-route53"}, "ns-1536.awsdns-00.co.uk"),
		{
			name: "route 53 white-label name servers under the site's own name (trap: not self)",
			why:  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/white-label-name-servers.html: ns1.example.com glued to the reusable delegation set's addresses, AWS ROUTE53 range 205.251.192.0/21",
			list: one(site("example.com",
				nsAt("ns1.example.com", "205.251.192.27"), nsAt("ns2.example.com", "205.251.194.64"),
				nsAt("ns3.example.com", "205.251.197.17"), nsAt("ns4.example.com", "205.251.199.195"),
				soa("ns1.example.com", "hostmaster.example.com"))),
			want: verdict{DNS: ids{"amazon-route53"}},
		},
		{
			name: "route 53 zone whose SOA rname the customer changed (trap: not self)",
			why:  "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html: the SOA is editable; the NS set still names Route 53",
			list: one(site("example.com", ns("ns-1017.awsdns-63.com", "ns-399.awsdns-49.net", "ns-1352.awsdns-41.org", "ns-1536.awsdns-00.co.uk"),
				soa("ns-1017.awsdns-63.com", "hostmaster.example.com"))),
			want: verdict{DNS: ids{"amazon-route53"}},
		},
		nsCase("kinsta dns is route 53",
			"https://kinsta.com/docs/dns/: Kinsta DNS is powered by Amazon Route 53 and hands out ns-N.awsdns-NN name servers",
			ids{"amazon-route53"}, "ns-155.awsdns-22.com", "ns-326.awsdns-15.net", "ns-1352.awsdns-29.org", "ns-1536.awsdns-08.co.uk"),

		// Azure DNS.
		{
			name: "azure dns on four TLDs",
			why:  "https://learn.microsoft.com/en-us/azure/dns/dns-delegate-domain-azure-dns: ns1-01.azure-dns.com, ns2-01.azure-dns.net, ns3-01.azure-dns.org, ns4-01.azure-dns.info",
			list: one(site("example.com", ns("ns1-01.azure-dns.com", "ns2-01.azure-dns.net", "ns3-01.azure-dns.org", "ns4-01.azure-dns.info"),
				soa("ns1-01.azure-dns.com", "azuredns-hostmaster.microsoft.com"))),
			want: verdict{DNS: ids{"microsoft-azuredns"}},
		},
		nsCase("azure dns .info member alone", "https://learn.microsoft.com/en-us/azure/dns/dns-delegate-domain-azure-dns: ns4-0N.azure-dns.info", ids{"microsoft-azuredns"}, "ns4-07.azure-dns.info"),
		nsCase("azure dns .org member alone", "https://learn.microsoft.com/en-us/azure/dns/dns-delegate-domain-azure-dns: ns3-0N.azure-dns.org", ids{"microsoft-azuredns"}, "ns3-03.azure-dns.org"),
		{
			name: "azure dns with its addresses",
			why:  "https://learn.microsoft.com/en-us/azure/dns/dns-delegate-domain-azure-dns; name servers answer from AS8075",
			list: one(site("example.com", nsAt("ns1-35.azure-dns.com", "40.90.4.35"), nsAt("ns2-35.azure-dns.net", "64.4.48.35"))),
			want: verdict{DNS: ids{"microsoft-azuredns"}},
		},

		// Google Cloud DNS.
		{
			name: "google cloud dns shard a",
			why:  "https://cloud.google.com/dns/docs/update-name-servers: ns-cloud-a1..a4.googledomains.com; SOA rname cloud-dns-hostmaster.google.com",
			list: one(site("example.com", ns("ns-cloud-a1.googledomains.com", "ns-cloud-a2.googledomains.com", "ns-cloud-a3.googledomains.com", "ns-cloud-a4.googledomains.com"),
				soa("ns-cloud-a1.googledomains.com", "cloud-dns-hostmaster.google.com"))),
			want: verdict{DNS: ids{"google-clouddns"}},
		},
		nsCase("google cloud dns shard e", "https://cloud.google.com/dns/docs/update-name-servers: ns-cloud-e1..e4.googledomains.com",
			ids{"google-clouddns"}, "ns-cloud-e1.googledomains.com", "ns-cloud-e2.googledomains.com", "ns-cloud-e3.googledomains.com", "ns-cloud-e4.googledomains.com"),

		// IBM NS1 Connect.
		nsCase("ns1 pool p01", "https://www.ibm.com/docs/en/ns1-connect (delegating a zone): dns1..dns4.pNN.nsone.net",
			ids{"ibm-ns1"}, "dns1.p01.nsone.net", "dns2.p01.nsone.net", "dns3.p01.nsone.net", "dns4.p01.nsone.net"),
		{
			name: "ns1 pool p08 with its addresses",
			why:  "https://www.ibm.com/docs/en/ns1-connect: dnsN.pNN.nsone.net, answered from AS62597 (https://bgp.he.net/AS62597)",
			list: one(site("example.com", nsAt("dns1.p08.nsone.net", "198.51.44.8"), nsAt("dns2.p08.nsone.net", "198.51.45.8"))),
			want: verdict{DNS: ids{"ibm-ns1"}},
		},
		nsCase("netlify dns is run on ns1 (trap: not netlify)",
			"https://docs.netlify.com/domains-https/netlify-dns/delegate-to-netlify/: Netlify DNS name servers are dnsN.p0N.nsone.net",
			ids{"ibm-ns1"}, "dns1.p05.nsone.net", "dns2.p05.nsone.net", "dns3.p05.nsone.net", "dns4.p05.nsone.net"),
		{
			name: "ns1 dedicated vanity name servers",
			why:  "https://www.ibm.com/docs/en/ns1-connect (white-label name servers): ns1.<own domain> on NS1's AS62597",
			list: one(site("example.com", nsAt("ns1.example.com", "198.51.44.65"), nsAt("ns2.example.com", "198.51.45.65"))),
			want: verdict{DNS: ids{"ibm-ns1"}},
		},

		// UltraDNS (DigiCert, formerly Vercara/Neustar).
		{
			name: "ultradns pdns1-6 segment",
			why:  "https://dns.ultraproducts.support/hc/en-us/articles/4409716354331-Name-Server-Migration-FAQ: the pdns1-6 segment, pdns1/2.ultradns.net, pdns3/4.ultradns.org, pdns5.ultradns.info, pdns6.ultradns.co.uk",
			list: one(site("example.com", ns("pdns1.ultradns.net", "pdns2.ultradns.net", "pdns3.ultradns.org", "pdns4.ultradns.org", "pdns5.ultradns.info", "pdns6.ultradns.co.uk"))),
			want: verdict{DNS: ids{"digicert-ultradns"}},
		},
		nsCase("ultradns .net", "UltraDNS name server segments (dns.ultraproducts.support): pdnsN.ultradns.net", ids{"digicert-ultradns"}, "pdns196.ultradns.net"),
		nsCase("ultradns .com", "UltraDNS name server segments (dns.ultraproducts.support): pdnsN.ultradns.com", ids{"digicert-ultradns"}, "pdns196.ultradns.com"),
		nsCase("ultradns .org", "UltraDNS name server segments (dns.ultraproducts.support): pdnsN.ultradns.org", ids{"digicert-ultradns"}, "pdns196.ultradns.org"),
		nsCase("ultradns .info", "UltraDNS name server segments (dns.ultraproducts.support): pdnsN.ultradns.info", ids{"digicert-ultradns"}, "pdns196.ultradns.info"),
		nsCase("ultradns .biz", "UltraDNS name server segments (dns.ultraproducts.support): pdnsN.ultradns.biz", ids{"digicert-ultradns"}, "pdns196.ultradns.biz"),
		nsCase("ultradns .co.uk", "UltraDNS name server segments (dns.ultraproducts.support): pdnsN.ultradns.co.uk", ids{"digicert-ultradns"}, "pdns196.ultradns.co.uk"),
		{
			name: "ultradns dedicated name servers on AS12008",
			why:  "UltraDNS dedicated (vanity) name servers answer from UltraDNS's AS12008 (https://bgp.he.net/AS12008)",
			list: one(site("example.com", nsAt("udns1.example.com", "156.154.34.10"), nsAt("udns2.example.com", "156.154.34.74"))),
			want: verdict{DNS: ids{"digicert-ultradns"}},
		},

		// Oracle Dyn, DNS Made Easy, Constellix.
		nsCase("dyn managed dns", "https://help.dyn.com/ (Dyn Managed DNS name servers nsN.pNN.dynect.net)",
			ids{"oracle-dyn"}, "ns1.p01.dynect.net", "ns2.p01.dynect.net", "ns3.p01.dynect.net", "ns4.p01.dynect.net"),
		nsCase("dns made easy", "https://support.dnsmadeeasy.com/ (name servers ns0..ns4.dnsmadeeasy.com)",
			ids{"digicert-dnsmadeeasy"}, "ns0.dnsmadeeasy.com", "ns1.dnsmadeeasy.com", "ns2.dnsmadeeasy.com", "ns3.dnsmadeeasy.com", "ns4.dnsmadeeasy.com"),
		{
			name: "dns made easy vanity name servers on AS16552",
			why:  "https://dnsmadeeasy.com/ vanity DNS: customer-named name servers answered from Tiggee AS16552 (https://bgp.he.net/AS16552)",
			list: one(site("example.com", nsAt("ns1.example.com", "208.94.148.2"), nsAt("ns2.example.com", "208.94.148.66"))),
			want: verdict{DNS: ids{"digicert-dnsmadeeasy"}},
		},
		nsCase("constellix", "https://support.constellix.com/ (name servers ns11/21/31.constellix.com, ns41/51/61.constellix.net)",
			ids{"digicert-constellix"}, "ns11.constellix.com", "ns21.constellix.com", "ns31.constellix.com", "ns41.constellix.net", "ns51.constellix.net", "ns61.constellix.net"),

		// Akamai Edge DNS.
		nsCase("akamai edge dns", "https://techdocs.akamai.com/edge-dns/docs/welcome-edge-dns: zones delegated to aN-NN.akam.net",
			ids{"akamai-edgedns"}, "a1-67.akam.net", "a3-65.akam.net", "a7-66.akam.net", "a11-64.akam.net", "a13-67.akam.net", "a28-66.akam.net"),
		{
			name: "akamai edge dns vanity name servers on AS21342",
			why:  "https://techdocs.akamai.com/edge-dns/docs/welcome-edge-dns (vanity name servers); akam.net answers from AS21342 (https://bgp.he.net/AS21342)",
			list: one(site("example.com", nsAt("ns1.example.com", "193.108.91.64"), nsAt("ns2.example.com", "95.101.36.64"))),
			want: verdict{DNS: ids{"akamai-edgedns"}},
		},
		{
			name: "akamai edge dns secondary to the site's hidden primary",
			why:  "https://techdocs.akamai.com/edge-dns/reference: secondary zones transferred from the customer's primary, which stays in the NS set",
			list: one(site("example.com", ns("a1-67.akam.net", "a7-66.akam.net"), nsAt("ns1.example.com", "171.64.7.53"))),
			want: verdict{DNS: ids{"akamai-edgedns", "self"}},
		},

		// Registrars.
		nsCase("godaddy default name servers", "https://www.godaddy.com/help/find-my-godaddy-nameservers-12317: nsNN.domaincontrol.com",
			ids{"godaddy-dns"}, "ns01.domaincontrol.com", "ns02.domaincontrol.com"),
		{
			name: "godaddy name servers with their addresses",
			why:  "https://www.godaddy.com/help/find-my-godaddy-nameservers-12317; answered from GODADDY-DNS AS44273",
			list: one(site("example.com", nsAt("ns71.domaincontrol.com", "97.74.104.46"), nsAt("ns72.domaincontrol.com", "173.201.72.46"),
				soa("ns71.domaincontrol.com", "dns.jomax.net"))),
			want: verdict{DNS: ids{"godaddy-dns"}},
		},
		nsCase("godaddy premium dns", "https://www.godaddy.com/help/premium-dns (pdnsNN.domaincontrol.com)", ids{"godaddy-dns"}, "pdns01.domaincontrol.com", "pdns02.domaincontrol.com"),
		nsCase("namecheap basicdns", "https://www.namecheap.com/support/knowledgebase/article.aspx/9434/10/using-default-nameservers-vs-hosting-nameservers/: dns1/dns2.registrar-servers.com",
			ids{"namecheap-dns"}, "dns1.registrar-servers.com", "dns2.registrar-servers.com"),
		nsCase("namecheap premiumdns", "https://www.namecheap.com/support/knowledgebase/article.aspx/9434/10/: PremiumDNS pdns1/pdns2.registrar-servers.com",
			ids{"namecheap-dns"}, "pdns1.registrar-servers.com", "pdns2.registrar-servers.com"),
		nsCase("namecheap hosting name servers", "https://www.namecheap.com/support/knowledgebase/article.aspx/9434/10/: hosting name servers dns1/dns2.namecheaphosting.com (rules DNS 2: company domain)",
			ids{"namecheap-dns"}, "dns1.namecheaphosting.com", "dns2.namecheaphosting.com"),
		nsCase("hover", "https://help.hover.com/hc/en-us/articles/217282477: ns1.hover.com, ns2.hover.com", ids{"tucows-hover"}, "ns1.hover.com", "ns2.hover.com"),
		nsCase("enom", "https://www.enom.com/ (default name servers dns1..dns5.name-services.com)", ids{"tucows-enom"},
			"dns1.name-services.com", "dns2.name-services.com", "dns3.name-services.com", "dns4.name-services.com"),
		nsCase("opensrs", "https://help.opensrs.com/ (OpenSRS default name servers ns1..ns3.systemdns.com)", ids{"tucows-opensrs"},
			"ns1.systemdns.com", "ns2.systemdns.com", "ns3.systemdns.com"),
		nsCase("gandi livedns", "https://docs.gandi.net/en/domain_names/common_operations/changing_nameservers.html: LiveDNS ns-NN-a/b/c.gandi.net",
			ids{"gandi-dns"}, "ns-12-a.gandi.net", "ns-34-b.gandi.net", "ns-67-c.gandi.net"),
		nsCase("gandi secondary for the site's own primary", "https://docs.gandi.net/en/domain_names/advanced_users/secondary_nameserver.html: ns6.gandi.net beside the customer's primary",
			ids{"gandi-dns", "self"}, "ns1.example.com", "ns6.gandi.net"),
		nsCase("porkbun", "https://kb.porkbun.com/article/63-how-to-switch-to-porkbuns-nameservers: curitiba/fortaleza/maceio/salvador.ns.porkbun.com",
			ids{"porkbun-dns"}, "curitiba.ns.porkbun.com", "fortaleza.ns.porkbun.com", "maceio.ns.porkbun.com", "salvador.ns.porkbun.com"),
		nsCase("name.com", "https://www.name.com/support/articles/205934547-changing-nameservers-for-dns-management: nsNxxx.name.com",
			ids{"namecom-dns"}, "ns1bdx.name.com", "ns2fwz.name.com", "ns3cna.name.com", "ns4lny.name.com"),
		nsCase("dynadot", "https://www.dynadot.com/help/question/set-name-servers: ns1/ns2.dyna-ns.net", ids{"dynadot-dns"}, "ns1.dyna-ns.net", "ns2.dyna-ns.net"),
		nsCase("namesilo", "https://www.namesilo.com/support/v2/articles/domain-manager/dns-manager: ns1..ns3.dnsowl.com", ids{"namesilo-dns"}, "ns1.dnsowl.com", "ns2.dnsowl.com", "ns3.dnsowl.com"),
		nsCase("network solutions", "https://www.networksolutions.com/help/ (default name servers nsNN.worldnic.com)", ids{"newfold-networksolutions"}, "ns83.worldnic.com", "ns84.worldnic.com"),
		nsCase("register.com", "https://www.register.com/ (default name servers dns1/dns2.register.com)", ids{"newfold-registercom"}, "dns1.register.com", "dns2.register.com"),
		nsCase("markmonitor", "MarkMonitor managed DNS name servers haN.markmonitor.zone and nsN.markmonitor.com (https://www.markmonitor.com/; issue 9 causes list *.markmonitor.zone)",
			ids{"newfold-markmonitor"}, "ha1.markmonitor.zone", "ha2.markmonitor.zone", "ns2.markmonitor.com", "ns4.markmonitor.com"),
		{
			name: "csc across two TLDs",
			why:  "https://www.cscdbs.com/ managed DNS: dnsN/udnsN.cscdns.net and udnsN.cscdns.uk, answered from CSC AS19574 (https://bgp.he.net/AS19574)",
			list: one(site("example.com", nsAt("dns1.cscdns.net", "165.160.13.20"), nsAt("dns2.cscdns.net", "165.160.12.20"), ns("udns1.cscdns.net", "udns2.cscdns.uk"))),
			want: verdict{DNS: ids{"csc-dns"}},
		},
		nsCase("sedo parking", "https://sedo.com/us/parking/ (parked domains delegate to ns1/ns2.sedoparking.com)", ids{"ionos-sedo"}, "ns1.sedoparking.com", "ns2.sedoparking.com"),
		nsCase("afternic for-sale parking", "https://www.afternic.com/ (listed domains delegate to ns1/ns2.afternic.com)", ids{"godaddy-afternic"}, "ns1.afternic.com", "ns2.afternic.com"),

		// Managed DNS specialists.
		nsCase("dnsimple", "https://support.dnsimple.com/articles/dnsimple-nameservers/: ns1.dnsimple.com, ns2.dnsimple-edge.net, ns3.dnsimple.com, ns4.dnsimple-edge.org",
			ids{"dnsimple-dns"}, "ns1.dnsimple.com", "ns2.dnsimple-edge.net", "ns3.dnsimple.com", "ns4.dnsimple-edge.org"),
		nsCase("easydns on four TLDs", "https://kb.easydns.com/ (easyDNS name servers dns1.easydns.com, dns2.easydns.net, dns3.easydns.org, dns4.easydns.info)",
			ids{"easydns-dns"}, "dns1.easydns.com", "dns2.easydns.net", "dns3.easydns.org", "dns4.easydns.info"),
		nsCase("cloudns free", "https://www.cloudns.net/wiki/article/10/: ns1..ns4.cloudns.net", ids{"cloudns-dns"}, "ns1.cloudns.net", "ns2.cloudns.net", "ns3.cloudns.net", "ns4.cloudns.net"),
		nsCase("cloudns premium across TLDs", "https://www.cloudns.net/wiki/article/10/: premium pnsN.cloudns.net / .com", ids{"cloudns-dns"}, "pns41.cloudns.net", "pns42.cloudns.com"),
		nsCase("hurricane electric free dns", "https://dns.he.net/ (ns1..ns5.he.net)", ids{"hurricaneelectric-dns"}, "ns1.he.net", "ns2.he.net", "ns3.he.net", "ns4.he.net", "ns5.he.net"),
		nsCase("desec", "https://desec.readthedocs.io/en/latest/dns/domains.html: ns1.desec.io, ns2.desec.org", ids{"desec-dns"}, "ns1.desec.io", "ns2.desec.org"),
		nsCase("gcore managed dns", "https://gcore.com/docs/dns/: ns1.gcorelabs.net, ns2.gcdn.services", ids{"gcore-dns"}, "ns1.gcorelabs.net", "ns2.gcdn.services"),
		nsCase("bunny dns", "https://docs.bunny.net/docs/dns-getting-started: kiki.bunny.net, coco.bunny.net", ids{"bunny-dns"}, "kiki.bunny.net", "coco.bunny.net"),
		nsCase("azion edge dns", "https://www.azion.com/en/documentation/products/secure/edge-dns/: ns1.aziondns.net, ns2.aziondns.com, ns3.aziondns.org",
			ids{"azion-dns"}, "ns1.aziondns.net", "ns2.aziondns.com", "ns3.aziondns.org"),

		// Clouds and hosters.
		nsCase("oracle cloud dns", "https://docs.oracle.com/en-us/iaas/Content/DNS/Concepts/gettingstarted.htm: nsN.pNN.dns.oraclecloud.net",
			ids{"oracle-clouddns"}, "ns1.p68.dns.oraclecloud.net", "ns2.p68.dns.oraclecloud.net", "ns3.p68.dns.oraclecloud.net", "ns4.p68.dns.oraclecloud.net"),
		nsCase("huawei cloud dns", "https://support.huaweicloud.com/intl/en-us/dns_faq/dns_faq_002.html: ns1.huaweicloud-dns.com/.cn/.net/.org",
			ids{"huawei-clouddns"}, "ns1.huaweicloud-dns.com", "ns1.huaweicloud-dns.cn"),
		nsCase("alibaba cloud dns (hichina)", "https://www.alibabacloud.com/help/en/dns/: free edition dnsN.hichina.com", ids{"alibaba-dns"}, "dns9.hichina.com", "dns10.hichina.com"),
		nsCase("alibaba cloud dns (alidns)", "https://www.alibabacloud.com/help/en/dns/: ns1/ns2.alidns.com, paid editions vipN.alidns.com", ids{"alibaba-dns"}, "ns1.alidns.com", "vip3.alidns.com"),
		nsCase("dnspod", "https://docs.dnspod.com/dns/: f1g1ns1/f1g1ns2.dnspod.net", ids{"tencent-dnspod"}, "f1g1ns1.dnspod.net", "f1g1ns2.dnspod.net"),
		nsCase("dnspod paid plan", "https://docs.dnspod.com/dns/: paid plans on nsN.dnsv5.com", ids{"tencent-dnspod"}, "ns3.dnsv5.com", "ns4.dnsv5.com"),
		nsCase("yandex 360 dns hosting", "https://yandex.com/support/domain/ (delegate to dns1.yandex.net, dns2.yandex.net)", ids{"yandex-dns"}, "dns1.yandex.net", "dns2.yandex.net"),
		nsCase("yandex cloud dns", "https://yandex.cloud/en/docs/dns/concepts/dns-zone: ns1.yandexcloud.net, ns2.yandexcloud.net", ids{"yandex-cloud"}, "ns1.yandexcloud.net", "ns2.yandexcloud.net"),
		nsCase("ovhcloud dns", "https://help.ovhcloud.com/csm/en-dns-servers-general-information: dnsNN.ovh.net + nsNN.ovh.net", ids{"ovh-dns"}, "dns10.ovh.net", "ns10.ovh.net"),
		nsCase("ovhcloud dns anycast", "https://help.ovhcloud.com/csm/en-dns-servers-general-information: DNS Anycast option dnsNNN.anycast.me + nsNNN.anycast.me",
			ids{"ovh-dns"}, "dns200.anycast.me", "ns200.anycast.me"),
		nsCase("hetzner dns console", "https://docs.hetzner.com/dns-console/dns/general/dns-overview/: hydrogen.ns.hetzner.com, oxygen.ns.hetzner.com, helium.ns.hetzner.de",
			ids{"hetzner-dns"}, "hydrogen.ns.hetzner.com", "oxygen.ns.hetzner.com", "helium.ns.hetzner.de"),
		nsCase("hetzner robot name servers", "https://docs.hetzner.com/robot/domain-registration/ (ns1.first-ns.de, robotns2.second-ns.de, robotns3.second-ns.com)",
			ids{"hetzner-dns"}, "ns1.first-ns.de", "robotns2.second-ns.de", "robotns3.second-ns.com"),
		nsCase("ionos on four TLDs", "https://www.ionos.com/help/domains/ (nsNNNN.ui-dns.com/.org/.de/.biz)", ids{"ionos-dns"},
			"ns1045.ui-dns.com", "ns1064.ui-dns.org", "ns1092.ui-dns.de", "ns1102.ui-dns.biz"),
		nsCase("strato", "https://www.strato.de/faq/ (name servers *.rzone.de)", ids{"ionos-strato"}, "docks07.rzone.de", "shades18.rzone.de"),
		nsCase("digitalocean", "https://docs.digitalocean.com/products/networking/dns/getting-started/dns-registrars/: ns1..ns3.digitalocean.com",
			ids{"digitalocean-dns"}, "ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"),
		nsCase("linode dns manager", "https://techdocs.akamai.com/cloud-computing/docs/dns-manager: ns1..ns5.linode.com", ids{"akamai-linode"},
			"ns1.linode.com", "ns2.linode.com", "ns3.linode.com", "ns4.linode.com", "ns5.linode.com"),
		nsCase("vultr", "https://docs.vultr.com/ (Vultr DNS ns1/ns2.vultr.com)", ids{"vultr-dns"}, "ns1.vultr.com", "ns2.vultr.com"),
		nsCase("scaleway", "https://www.scaleway.com/en/docs/domains-and-dns/: ns0/ns1.dom.scw.cloud", ids{"scaleway-dns"}, "ns0.dom.scw.cloud", "ns1.dom.scw.cloud"),
		nsCase("contabo", "https://contabo.com/ (DNS ns1..ns3.contabo.net)", ids{"contabo-dns"}, "ns1.contabo.net", "ns2.contabo.net", "ns3.contabo.net"),
		nsCase("transip across TLDs", "https://www.transip.eu/knowledgebase/ (ns0.transip.net, ns1.transip.nl, ns2.transip.eu)", ids{"transip-dns"},
			"ns0.transip.net", "ns1.transip.nl", "ns2.transip.eu"),
		nsCase("one.com", "https://help.one.com/ (ns01/ns02.one.com)", ids{"onecom-dns"}, "ns01.one.com", "ns02.one.com"),
		nsCase("rackspace cloud dns", "https://docs.rackspace.com/docs/cloud-dns: dns1/dns2.stabletransit.com", ids{"rackspace-dns"}, "dns1.stabletransit.com", "dns2.stabletransit.com"),
		nsCase("rackspace legacy name servers", "issue 9 causes: ns1.rackspace.com got no DNS dependency; rules DNS 2 (company domain rackspace.com)", ids{"rackspace-dns"}, "ns.rackspace.com", "ns2.rackspace.com"),
		nsCase("hostinger", "https://support.hostinger.com/en/articles/1583227 (ns1/ns2.dns-parking.com)", ids{"hostinger-dns"}, "ns1.dns-parking.com", "ns2.dns-parking.com"),
		nsCase("bluehost", "https://www.bluehost.com/help/article/custom-nameservers (ns1/ns2.bluehost.com)", ids{"newfold-bluehost"}, "ns1.bluehost.com", "ns2.bluehost.com"),
		nsCase("hostgator", "https://www.hostgator.com/help/article/ (shared plans: nsNNNN.hostgator.com)", ids{"newfold-hostgator"}, "ns6183.hostgator.com", "ns6184.hostgator.com"),
		nsCase("dreamhost", "https://help.dreamhost.com/hc/en-us/articles/360038897151: ns1..ns3.dreamhost.com", ids{"dreamhost-hosting"}, "ns1.dreamhost.com", "ns2.dreamhost.com", "ns3.dreamhost.com"),
		nsCase("reg.ru", "https://www.reg.ru/support/ (ns1/ns2.reg.ru)", ids{"regru-dns"}, "ns1.reg.ru", "ns2.reg.ru"),
		nsCase("ru-center", "https://www.nic.ru/help/ (nsN-l2.nic.ru, nsN-cloud.nic.ru)", ids{"rucenter-dns"}, "ns3-l2.nic.ru", "ns4-cloud.nic.ru", "ns8-l2.nic.ru"),
		nsCase("selectel", "https://docs.selectel.ru/en/dns-hosting/ (ns1..ns4.selectel.org)", ids{"selectel-dns"}, "ns1.selectel.org", "ns2.selectel.org", "ns3.selectel.org", "ns4.selectel.org"),
		nsCase("beget", "https://beget.com/en/kb/ (ns1/ns2.beget.com, ns1/ns2.beget.pro)", ids{"beget-hosting"}, "ns1.beget.com", "ns2.beget.com", "ns1.beget.pro", "ns2.beget.pro"),
		nsCase("timeweb", "https://timeweb.com/ru/docs/ (ns1/ns2.timeweb.ru, ns3/ns4.timeweb.org)", ids{"timeweb-hosting"}, "ns1.timeweb.ru", "ns2.timeweb.ru", "ns3.timeweb.org", "ns4.timeweb.org"),
		nsCase("sakura internet", "https://help.sakura.ad.jp/ (ns1/ns2.dns.ne.jp)", ids{"sakura-hosting"}, "ns1.dns.ne.jp", "ns2.dns.ne.jp"),
		nsCase("xserver", "https://www.xserver.ne.jp/manual/ (ns1..ns5.xserver.jp)", ids{"xserver-dns"}, "ns1.xserver.jp", "ns2.xserver.jp", "ns3.xserver.jp"),
		nsCase("onamae.com", "https://www.onamae.com/ (01/02.dnsv.jp)", ids{"gmo-onamae"}, "01.dnsv.jp", "02.dnsv.jp"),

		// Platforms that serve DNS.
		nsCase("vercel dns", "https://vercel.com/docs/projects/domains/working-with-nameservers: ns1/ns2.vercel-dns.com", ids{"vercel-cdn"}, "ns1.vercel-dns.com", "ns2.vercel-dns.com"),
		nsCase("wix name servers", "https://support.wix.com/en/article/connecting-a-domain-to-wix-using-the-nameservers-method: nsN.wixdns.net", ids{"wix-platform"}, "ns0.wixdns.net", "ns1.wixdns.net"),
		nsCase("wix legacy name servers", "http://www.wix.com/support/main/html5/domains-email/index-terms-domains-emails: NS1.WIX.COM, NS2.WIX.COM (rules DNS 2: company domain wix.com)",
			ids{"wix-platform"}, "ns1.wix.com", "ns2.wix.com"),
		nsCase("wordpress.com", "https://wordpress.com/support/domains/change-name-servers/: ns1..ns3.wordpress.com", ids{"automattic-wpcom"}, "ns1.wordpress.com", "ns2.wordpress.com", "ns3.wordpress.com"),

		// Redundant NS sets over two providers.
		nsCase("route 53 and ns1 together", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/SOA-NSrecords.html + NS1 dnsN.pNN.nsone.net: a multi-provider NS set names both",
			ids{"amazon-route53", "ibm-ns1"}, "ns-1017.awsdns-63.com", "ns-399.awsdns-49.net", "dns1.p01.nsone.net", "dns2.p01.nsone.net"),
		nsCase("dyn and ultradns together", "Dyn nsN.pNN.dynect.net + UltraDNS pdnsN.ultradns.*: the dual-provider set many sites adopted after the 2016 Dyn attack",
			ids{"oracle-dyn", "digicert-ultradns"}, "ns1.p31.dynect.net", "ns2.p31.dynect.net", "pdns1.ultradns.net", "pdns6.ultradns.co.uk"),
		nsCase("cloudflare and route 53 multi-signer", "https://developers.cloudflare.com/dns/dnssec/multi-signer-dnssec/: Cloudflare and another provider both in the NS set",
			ids{"cloudflare-dns", "amazon-route53"}, "adam.ns.cloudflare.com", "vera.ns.cloudflare.com", "ns-2048.awsdns-64.com", "ns-2051.awsdns-67.co.uk"),
		nsCase("akamai and ns1 together", "Akamai aN-NN.akam.net + NS1 dnsN.pNN.nsone.net in one NS set", ids{"akamai-edgedns", "ibm-ns1"},
			"a1-67.akam.net", "a28-66.akam.net", "dns1.p03.nsone.net", "dns2.p03.nsone.net"),
		nsCase("own name servers plus route 53", "rules DNS 4 and 1: a site's own name server beside a Route 53 delegation set is self plus Route 53",
			ids{"self", "amazon-route53"}, "ns1.example.com", "ns-1017.awsdns-63.com", "ns-399.awsdns-49.net"),

		// Self-hosted.
		{
			name: "own name servers in a university network",
			why:  "rules DNS 4 (after Kashaf et al. IMC 2020): name servers under the site's own registrable domain",
			list: one(site("example.edu", nsAt("ns1.example.edu", "171.64.7.53"), nsAt("ns2.example.edu", "171.67.7.53"), soa("ns1.example.edu", "hostmaster.example.edu"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers on ec2 us-east-1 (trap: not route 53, not ec2)",
			why:  "doc.go: an address of a cloud's hosting says nothing about DNS; 3.208.0.0/12 is EC2 us-east-1 in ip-ranges.json",
			list: one(site("example.com", nsAt("ns1.example.com", "3.210.5.5"), nsAt("ns2.example.com", "44.192.7.7"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers on an azure vm (trap: not azure dns)",
			why:  "ServiceTags_Public: 20.42.0.0/17 is AzureCloud.eastus (VMs), not an Azure DNS service tag; rules DNS 3 needs a DNS operator's range",
			list: one(site("example.com", nsAt("ns1.example.com", "20.42.1.1"), nsAt("ns2.example.com", "20.42.2.2"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers on google compute engine",
			why:  "https://www.gstatic.com/ipranges/cloud.json: 34.66.0.0/15 is Google Cloud us-central1 (customer VMs), not Cloud DNS",
			list: one(site("example.com", nsAt("ns1.example.com", "34.66.1.1"), nsAt("ns2.example.com", "34.66.2.2"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers on digitalocean droplets",
			why:  "https://docs.digitalocean.com/products/networking/dns/: DigitalOcean DNS is nsN.digitalocean.com; a droplet in AS14061 running BIND is the site's own",
			list: one(site("example.com", nsAt("ns1.example.com", "159.89.1.1"), nsAt("ns2.example.com", "159.89.2.2"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers on hetzner servers",
			why:  "https://docs.hetzner.com/networking/dns/faq/nameservers: customers may run their own name server on a Hetzner server (AS24940)",
			list: one(site("example.de", nsAt("ns1.example.de", "5.9.10.10"), nsAt("ns2.example.de", "5.9.20.20"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers on linode (trap: linode is also a dns operator)",
			why:  "https://techdocs.akamai.com/cloud-computing/docs/dns-manager: Linode DNS is nsN.linode.com only, no vanity names; ns1.<own> on a Linode VM (AS63949) is the site's own",
			list: one(site("example.com", nsAt("ns1.example.com", "23.92.16.10"), nsAt("ns2.example.com", "23.92.17.10"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "own name servers upper case with trailing dot",
			why:  "RFC 4343: DNS names compare case-insensitively; a trailing dot is the root label",
			list: one(site("example.com", ns("NS1.EXAMPLE.COM.", "Ns2.Example.Com."))),
			want: verdict{DNS: ids{"self"}},
		},
		nsCase("cloudflare names upper case with trailing dot", "RFC 4343 case-insensitive names; developers.cloudflare.com full setup",
			ids{"cloudflare-dns"}, "KATE.NS.CLOUDFLARE.COM.", "Lars.Ns.Cloudflare.Com."),
		{
			name: "hostile labels in own name servers",
			why:  "RFC 2181 section 11: any octet is legal in a label; an HTML payload label must not break attribution",
			list: one(site("hostile-example.com", ns("<svg/onload=alert(1)>.hostile-example.com", "ns2.hostile-example.com"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "hostile labels under an uncatalogued operator",
			why:  "RFC 2181 section 11; rules DNS 5c: the operator is named by its registrable domain whatever the first label holds",
			list: one(site("example.com", ns(`=cmd|' /c calc'!A0.ns-hostile-example.net`, "<b>x</b>.ns-hostile-example.net"),
				soa("ns1.ns-hostile-example.net", "hostmaster.ns-hostile-example.net"))),
			want: verdict{DNS: ids{"ns-hostile-example.net"}},
		},
	}
}

// listCases: the list-level DNS rules (issue 9 rules DNS 5a-c): an
// uncatalogued operator shared by several domains of the list is a third
// party whatever each zone's SOA says; an organisation serving its own
// family of sites is self; a sole user is self only on evidence.
func listCases() []realCase {
	shared := func(domain string, extra ...obsOpt) *dnscrawl.Observation {
		opts := append([]obsOpt{
			nsAt("ns1.regiondns-example.net", "18.7.22.53"), nsAt("ns2.regiondns-example.net", "18.7.23.53"),
			soa("ns1.regiondns-example.net", "hostmaster."+domain),
		}, extra...)
		return site(domain, opts...)
	}
	family := func(extra ...obsOpt) []obsOpt {
		return append([]obsOpt{
			nsAt("ns1.bigcorp-example.com", "171.64.20.1"), nsAt("ns2.bigcorp-example.com", "171.67.20.1"),
			soa("ns1.bigcorp-example.com", "hostmaster.bigcorp-example.com"),
		}, extra...)
	}
	agencyNS := func(domain string) []obsOpt {
		return []obsOpt{ns("ns1.agency-example.net", "ns2.agency-example.net"), soa("ns1.agency-example.net", "webmaster."+domain)}
	}
	return []realCase{
		{
			name: "shared uncatalogued operator with the customer's rname (trap: third party, not self)",
			why:  "issue 9: 10,000 domains on ns1/ns2.dnsprovK.net with SOA rname at the customer came out 100% self; rules DNS 5c: an operator serving two or more domains of the list is never self",
			list: list(shared("bakery-example.com"), shared("florist-example.org"), shared("garage-example.net")),
			want: verdict{DNS: ids{"regiondns-example.net"}},
			also: map[string]verdict{
				"florist-example.org": {DNS: ids{"regiondns-example.net"}},
				"garage-example.net":  {DNS: ids{"regiondns-example.net"}},
			},
		},
		{
			name: "shared operator whose customer sits in the operator's AS (trap: still third party)",
			why:  "rules DNS 5b-c: the same-AS evidence only counts for a sole user; a hoster's customers share its AS and its name servers",
			list: list(shared("bakery-example.com", apex("18.7.40.10")), shared("florist-example.org", apex("18.7.40.11"))),
			want: verdict{DNS: ids{"regiondns-example.net"}, Hosting: ids{"as3"}},
			also: map[string]verdict{"florist-example.org": {DNS: ids{"regiondns-example.net"}, Hosting: ids{"as3"}}},
		},
		{
			name: "organisation's family of sites on its own name servers",
			why:  "rules DNS 5a: R's own observation is in the list, R's name servers are under R and the sister sites' SOA equals R's: self",
			list: list(
				site("bigcorp-example.co.uk", family(mx("mail.bigcorp-example.com"))...),
				site("bigcorp-example.com", family(mx("mail.bigcorp-example.com"))...),
				site("bigcorp-careers-example.com", family()...),
			),
			want: verdict{DNS: ids{"self"}, Email: ids{"self"}},
			also: map[string]verdict{
				"bigcorp-example.com":         {DNS: ids{"self"}, Email: ids{"self"}},
				"bigcorp-careers-example.com": {DNS: ids{"self"}},
			},
		},
		{
			name: "web agency serving its clients' zones (trap: third party for the clients)",
			why:  "rules DNS 5a needs equal SOAs (the clients' rname differs) and DNS 5c: the agency serves two or more domains, so it is their third-party operator; the agency itself is self",
			list: list(
				site("client1-example.com", append(agencyNS("client1-example.com"), mx("mail.agency-example.net"))...),
				site("client2-example.com", agencyNS("client2-example.com")...),
				site("agency-example.net", ns("ns1.agency-example.net", "ns2.agency-example.net"), soa("ns1.agency-example.net", "hostmaster.agency-example.net")),
			),
			want: verdict{DNS: ids{"agency-example.net"}, Email: ids{"agency-example.net"}},
			also: map[string]verdict{
				"client2-example.com": {DNS: ids{"agency-example.net"}},
				"agency-example.net":  {DNS: ids{"self"}},
			},
		},
		{
			name: "sole user whose SOA rname is its own address",
			why:  "rules DNS 5b: no other domain of the list uses the NS domain and the SOA rname is under the site's own domain: self",
			list: list(
				site("brauerei-example.de", ns("ns1.brauerei-net-example.de", "ns2.brauerei-net-example.de"), soa("ns1.brauerei-net-example.de", "hostmaster.brauerei-example.de")),
				site("other-example.com", ns("adam.ns.cloudflare.com", "vera.ns.cloudflare.com")),
			),
			want: verdict{DNS: ids{"self"}},
			also: map[string]verdict{"other-example.com": {DNS: ids{"cloudflare-dns"}}},
		},
		{
			name: "sole user whose SOA mname is its hidden primary",
			why:  "rules DNS 5b: the SOA mname under the site's own domain (a hidden primary) marks the site's own zone",
			list: one(site("example.org", ns("ns-a.examplenet-example.org", "ns-b.examplenet-example.org"), soa("hidden-master.example.org", "dns.examplenet-example.org"))),
			want: verdict{DNS: ids{"self"}},
		},
		{
			name: "sole user whose name servers share its web AS",
			why:  "rules DNS 5b: a name server address in the same AS as the site's own web address, an AS no catalogued provider claims (Stanford AS32): self; the web address is hosting as32",
			list: one(site("campus-example.edu", nsAt("ns1.campusdns-example.net", "171.64.7.53"), nsAt("ns2.campusdns-example.net", "171.67.7.53"),
				soa("ns1.campusdns-example.net", "hostmaster.campusdns-example.net"), apex("171.64.9.10"))),
			want: verdict{DNS: ids{"self"}, Hosting: ids{"as32"}},
		},
		{
			name: "sole user without evidence of its own",
			why:  "rules DNS 5c: a sole user whose SOA names the operator and whose web sits in another AS uses a third-party operator",
			list: one(site("bakery-example.de", nsAt("ns1.kleinhost-example.de", "18.7.22.69"), nsAt("ns2.kleinhost-example.de", "18.7.23.69"),
				soa("ns1.kleinhost-example.de", "hostmaster.kleinhost-example.de"), apex("171.64.9.11"))),
			want: verdict{DNS: ids{"kleinhost-example.de"}, Hosting: ids{"as32"}},
		},
		{
			name: "operator on two TLDs grouped under the smaller name",
			why:  "rules DNS 5: registrable domains with the same label before the public suffix seen together in one NS set are one operator, named by the smallest (issue 9 item 3)",
			list: list(
				site("alpha-example.com", ns("ns1.dnsprov-example.net", "ns2.dnsprov-example.org"), soa("ns1.dnsprov-example.net", "hostmaster.dnsprov-example.net")),
				site("beta-example.com", ns("ns1.dnsprov-example.org", "ns2.dnsprov-example.org"), soa("ns1.dnsprov-example.org", "hostmaster.dnsprov-example.net")),
			),
			want: verdict{DNS: ids{"dnsprov-example.net"}},
			also: map[string]verdict{"beta-example.com": {DNS: ids{"dnsprov-example.net"}}},
		},
		{
			name: "operator on .net and .co.uk grouped",
			why:  "rules DNS 5: the label before the public suffix (co.uk is one public suffix) groups hostco-example.net with hostco-example.co.uk; the smallest name is hostco-example.co.uk",
			list: list(
				site("shop-example.co.uk", ns("ns1.hostco-example.net", "ns2.hostco-example.co.uk"), soa("ns1.hostco-example.net", "support.hostco-example.net")),
				site("cafe-example.co.uk", ns("ns1.hostco-example.net", "ns2.hostco-example.net"), soa("ns1.hostco-example.net", "support.hostco-example.net")),
			),
			want: verdict{DNS: ids{"hostco-example.co.uk"}},
			also: map[string]verdict{"cafe-example.co.uk": {DNS: ids{"hostco-example.co.uk"}}},
		},
		{
			name: "same label under unrelated TLDs never seen together stays apart",
			why:  "rules DNS 5: grouping needs the two registrable domains together in one NS set of some domain of the list",
			list: list(
				site("one-example.com", ns("ns1.lonely-example.net", "ns2.lonely-example.net"), soa("ns1.lonely-example.net", "hostmaster.lonely-example.net")),
				site("two-example.com", ns("ns1.lonely-example.org", "ns2.lonely-example.org"), soa("ns1.lonely-example.org", "hostmaster.lonely-example.org")),
			),
			want: verdict{DNS: ids{"lonely-example.net"}},
			also: map[string]verdict{"two-example.com": {DNS: ids{"lonely-example.org"}}},
		},
		{
			name: "shared uncatalogued operator beside a catalogued secondary",
			why:  "rules DNS 1 and 5c: each name server is attributed on its own; the shared operator and the catalogued secondary are both dependencies",
			list: list(
				site("first-example.com", ns("ns1.regiondns-example.net", "ns6.gandi.net"), soa("ns1.regiondns-example.net", "hostmaster.first-example.com")),
				site("second-example.com", ns("ns1.regiondns-example.net", "ns2.regiondns-example.net"), soa("ns1.regiondns-example.net", "hostmaster.second-example.com")),
			),
			want: verdict{DNS: ids{"regiondns-example.net", "gandi-dns"}},
			also: map[string]verdict{"second-example.com": {DNS: ids{"regiondns-example.net"}}},
		},
	}
}

// webCases: the CNAME targets and addresses CDNs, platforms and clouds
// tell their customers to configure, and what is not catalogued.
func webCases() []realCase {
	w := func(name, why string, want verdict, opts ...obsOpt) realCase {
		return realCase{name: name, why: why, list: one(site("example.com", opts...)), want: want}
	}
	return []realCase{
		// Akamai.
		w("akamai enhanced tls edge hostname", "https://techdocs.akamai.com/property-mgr/docs/edge-hostnames: www CNAME www.example.com.edgekey.net -> eNNNN.x.akamaiedge.net",
			verdict{CDN: ids{"akamai-cdn"}}, www("www.example.com.edgekey.net", "e1234.a.akamaiedge.net", "23.50.53.22")),
		w("akamai standard tls edge hostname", "https://techdocs.akamai.com/property-mgr/docs/edge-hostnames: www CNAME www.example.com.edgesuite.net -> aNNNN.g.akamai.net",
			verdict{CDN: ids{"akamai-cdn"}}, www("www.example.com.edgesuite.net", "a1234.g.akamai.net", "184.25.56.1")),
		w("akamai shared certificate hostname", "https://techdocs.akamai.com/property-mgr/docs/edge-hostnames: shared-certificate edge hostnames <name>.akamaized.net",
			verdict{CDN: ids{"akamai-cdn"}}, www("example.akamaized.net", "23.50.53.30")),
		w("akamai corporate domain without a product suffix", "issue 9 causes: x.akamaitechnologies.com got nothing; rules web 2: a hop under the company's domain counts on its web layer (cdn)",
			verdict{CDN: ids{"akamai-cdn"}}, www("a23-50-53-22.deploy.static.akamaitechnologies.com", "23.50.53.22")),
		w("akamai apex by address", "https://techdocs.akamai.com/edge-dns/docs/zone-apex-mapping: the apex answers Akamai edge addresses (23.32.0.0/11, AS20940)",
			verdict{CDN: ids{"akamai-cdn"}}, apex("23.50.53.22", "23.50.53.23")),

		// Amazon CloudFront.
		w("cloudfront distribution", "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html: www CNAME dNNNN.cloudfront.net; 13.32.0.0/15 and 2600:9000:2000::/36 are CLOUDFRONT in ip-ranges.json",
			verdict{CDN: ids{"amazon-cloudfront"}}, www("d111111abcdef8.cloudfront.net", "13.32.1.1", "2600:9000:2000::1")),
		w("cloudfront apex through a route 53 alias (trap: not ec2)", "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-cloudfront-distribution.html: an alias leaves only addresses; 18.160.0.0/15 is CLOUDFRONT in ip-ranges.json although AS16509 also carries EC2",
			verdict{CDN: ids{"amazon-cloudfront"}}, apex("18.160.1.1", "18.160.2.2")),
		w("cloudfront name upper case with trailing dot", "RFC 4343 case-insensitive names; https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html",
			verdict{CDN: ids{"amazon-cloudfront"}}, www("D111111ABCDEF8.CLOUDFRONT.NET.", "13.32.1.3")),

		// Fastly.
		w("fastly global ssl", "https://docs.fastly.com/en/guides/working-with-cname-records-and-your-dns-provider: CNAME <name>.global.ssl.fastly.net; 151.101.0.0/16 in api.fastly.com/public-ip-list",
			verdict{CDN: ids{"fastly-cdn"}}, www("example.global.ssl.fastly.net", "151.101.1.57")),
		w("fastly dualstack sni", "https://docs.fastly.com/en/guides/working-with-cname-records-and-your-dns-provider: CNAME dualstack.n.sni.global.fastly.net",
			verdict{CDN: ids{"fastly-cdn"}}, www("dualstack.n.sni.global.fastly.net", "151.101.65.57", "2a04:4e42::313")),
		w("fastly custom map", "Fastly custom maps <customer>.map.fastly.net (https://docs.fastly.com/en/guides/working-with-cname-records-and-your-dns-provider)",
			verdict{CDN: ids{"fastly-cdn"}}, www("example.map.fastly.net", "151.101.129.57")),
		w("fastly apex anycast addresses", "https://docs.fastly.com/en/guides/using-fastly-with-apex-domains: apex A 151.101.1.57, .65.57, .129.57, .193.57",
			verdict{CDN: ids{"fastly-cdn"}}, apex("151.101.1.57", "151.101.65.57", "151.101.129.57", "151.101.193.57")),

		// Microsoft.
		w("azure front door through traffic manager to t-msedge (trap: not azure hosting)", "https://learn.microsoft.com/en-us/azure/frontdoor/standard-premium/how-to-add-custom-domain: CNAME <endpoint>.z01.azurefd.net; 13.107.246.0/24 is AzureFrontDoor.Frontend in ServiceTags_Public",
			verdict{CDN: ids{"microsoft-frontdoor"}},
			www("example-h3e5bqfzgfbze6bx.z01.azurefd.net", "star-azurefd-prod.trafficmanager.net", "shed.dual-low.s-part-0017.t-0009.t-msedge.net", "13.107.246.45")),
		w("azure cdn azureedge", "https://learn.microsoft.com/en-us/azure/cdn/migrate-cdn-to-front-door-retain-edge-domain: *.azureedge.net served by Front Door",
			verdict{CDN: ids{"microsoft-frontdoor"}}, www("example.azureedge.net", "13.107.246.46")),
		w("azure app service", "https://learn.microsoft.com/en-us/azure/app-service/app-service-web-tutorial-custom-domain: CNAME <app>.azurewebsites.net; 20.119.0.0/20 is AppService.EastUS",
			verdict{Hosting: ids{"microsoft-azure@eastus"}}, www("example.azurewebsites.net", "20.119.0.1")),
		w("azure blob static website (storage, not cdn)", "https://learn.microsoft.com/en-us/azure/storage/blobs/storage-custom-domain-name: CNAME <account>.z13.web.core.windows.net",
			verdict{Hosting: ids{"microsoft-azure"}}, www("example.z13.web.core.windows.net")),
		w("azure vm apex in eastus", "ServiceTags_Public: 20.42.0.0/17 is AzureCloud.eastus",
			verdict{Hosting: ids{"microsoft-azure@eastus"}}, apex("20.42.1.1")),

		// Cloudflare.
		w("cloudflare partial (cname) setup", "https://developers.cloudflare.com/dns/zone-setups/partial-setup/: www CNAME www.example.com.cdn.cloudflare.net",
			verdict{CDN: ids{"cloudflare-cdn"}}, www("www.example.com.cdn.cloudflare.net", "104.16.2.2", "2606:4700::6810:202")),
		w("cloudflare proxied apex, origin hidden", "https://developers.cloudflare.com/dns/proxy-status/: proxied records answer Cloudflare anycast addresses (cloudflare.com/ips), never the origin",
			verdict{CDN: ids{"cloudflare-cdn"}}, apex("104.21.32.1", "172.67.140.1", "2606:4700:3031::6815:2001")),
		w("cloudflare on the apex, origin on www", "rules web 3, per host: www answers an EC2 us-east-1 address directly, the apex is proxied",
			verdict{CDN: ids{"cloudflare-cdn"}, Hosting: ids{"amazon-ec2@us-east-1"}}, apex("104.21.32.2"), www("3.210.5.8")),
		w("cloudflare pages", "https://developers.cloudflare.com/pages/configuration/custom-domains/: CNAME <project>.pages.dev, answered from Cloudflare ranges",
			verdict{CDN: ids{"cloudflare-cdn"}, Hosting: ids{"cloudflare-pages"}}, www("example.pages.dev", "172.66.44.1")),

		// Other CDNs and security proxies.
		w("edgecast", "Edgecast customer origin CNAME wac.<account>.edgecastcdn.net (https://docs.edg.io/); 93.184.216.0/24 AS15133",
			verdict{CDN: ids{"edgio-edgecast"}}, www("wac.1234.edgecastcdn.net", "93.184.216.34")),
		w("limelight", "Limelight delivery hostnames <account>.vo.llnwd.net (https://www.limelight.com/); AS22822",
			verdict{CDN: ids{"edgio-limelight"}}, www("example.vo.llnwd.net", "68.142.70.1")),
		w("stackpath", "https://support.stackpath.com/ (CDN site CNAME <hash>.stackpathcdn.com); Highwinds AS20446",
			verdict{CDN: ids{"stackpath-cdn"}}, www("a1b2c3d4.stackpathcdn.com", "69.16.175.10")),
		w("highwinds", "StackPath (Highwinds) delivery hostnames cds.<hash>.hwcdn.net; AS20446",
			verdict{CDN: ids{"stackpath-cdn"}}, www("cds.a1b2c3.hwcdn.net", "69.16.175.11")),
		w("imperva incapsula", "https://docs.imperva.com/bundle/cloud-application-security/page/onboarding/dns-changes.htm: CNAME <id>.x.incapdns.net; AS19551",
			verdict{CDN: ids{"thales-imperva"}}, www("x4yz7.x.incapdns.net", "45.60.1.1")),
		w("imperva apex by address", "https://docs.imperva.com/bundle/cloud-application-security/page/onboarding/dns-changes.htm: apex A records to the assigned Imperva addresses (AS19551)",
			verdict{CDN: ids{"thales-imperva"}}, apex("45.60.1.2")),
		w("sucuri firewall by address", "https://docs.sucuri.net/website-firewall/ (point A records to the firewall address); Sucuri AS30148",
			verdict{CDN: ids{"godaddy-sucuri"}}, apex("192.124.249.10"), www("192.124.249.10")),
		w("bunny", "https://support.bunny.net/hc/en-us/articles/207790279: CNAME <zone>.b-cdn.net; AS200325",
			verdict{CDN: ids{"bunny-cdn"}}, www("example.b-cdn.net", "91.200.176.1")),
		w("keycdn", "https://www.keycdn.com/support/create-a-cname: CNAME <zone>-<id>.kxcdn.com",
			verdict{CDN: ids{"keycdn-cdn"}}, www("example-1a2b.kxcdn.com")),
		w("cdn77", "https://client.cdn77.com/support/knowledgebase/cdn-resource/how-to-set-up-a-cname-record: CNAME <id>.rsc.cdn77.org; AS60068",
			verdict{CDN: ids{"cdn77-cdn"}}, www("1234567890.rsc.cdn77.org", "37.19.192.10")),
		w("gcore", "https://gcore.com/docs/cdn/: CNAME cl-<id>.gcdn.co; AS199524",
			verdict{CDN: ids{"gcore-cdn"}}, www("cl-glcd1234.gcdn.co", "5.8.25.1")),
		w("alibaba cdn kunlunsl", "https://www.alibabacloud.com/help/en/cdn/user-guide/add-a-cname-record-for-a-domain-name: CNAME <domain>.w.kunlunsl.com",
			verdict{CDN: ids{"alibaba-cdn"}}, www("www.example.com.w.kunlunsl.com")),
		w("alibaba cdn alikunlun", "https://www.alibabacloud.com/help/en/cdn/user-guide/add-a-cname-record-for-a-domain-name: CNAME <domain>.w.alikunlun.com",
			verdict{CDN: ids{"alibaba-cdn"}}, www("www.example.com.w.alikunlun.com")),
		w("tencent cdn", "https://www.tencentcloud.com/document/product/228/3121: CNAME <domain>.cdn.dnsv1.com; AS132203",
			verdict{CDN: ids{"tencent-cdn"}}, www("www.example.com.cdn.dnsv1.com", "119.28.1.1")),
		w("wangsu", "https://en.wangsu.com/ (CNAME <domain>.wscdns.com, GSLB <domain>.wsglb0.com)",
			verdict{CDN: ids{"wangsu-cdn"}}, www("www.example.com.wscdns.com", "www.example.com.wsglb0.com")),
		w("cdnetworks", "https://docs.cdnetworks.com/ (CNAME <service>.cdngc.net)",
			verdict{CDN: ids{"wangsu-cdnetworks"}}, www("example.cdngc.net")),
		w("cachefly", "https://portal.cachefly.com/ (CNAME <account>.cachefly.net)", verdict{CDN: ids{"cachefly-cdn"}}, www("example.cachefly.net")),
		w("qiniu", "https://developer.qiniu.com/fusion/ (CNAME <domain>.qiniudns.com)", verdict{CDN: ids{"qiniu-cdn"}}, www("www-example-com-idvl3bz.qiniudns.com")),
		w("baidu ai cloud cdn", "https://cloud.baidu.com/doc/CDN/ (CNAME <domain>.a.bdydns.com)", verdict{CDN: ids{"baidu-cdn"}}, www("www.example.com.a.bdydns.com")),
		w("medianova", "https://www.medianova.com/ (CNAME <zone>.mncdn.com)", verdict{CDN: ids{"medianova-cdn"}}, www("example.mncdn.com")),
		w("yottaa", "https://www.yottaa.com/ (CNAME <site>.yottaa.net)", verdict{CDN: ids{"yottaa-cdn"}}, www("example.yottaa.net")),
		w("azion", "https://www.azion.com/en/documentation/ (CNAME <id>.map.azionedge.net)", verdict{CDN: ids{"azion-cdn"}}, www("abcd1234.map.azionedge.net")),
		w("leaseweb cdn", "https://kb.leaseweb.com/ (CNAME <zone>.lswcdn.net)", verdict{CDN: ids{"leaseweb-cdn"}}, www("example.lswcdn.net")),
		w("two cdns on apex and www", "rules web 1 and 3 over both hosts: Akamai on www, CloudFront on the apex: both are kept",
			verdict{CDN: ids{"akamai-cdn", "amazon-cloudfront"}}, apex("18.160.1.2"), www("www.example.com.edgekey.net", "e1234.a.akamaiedge.net", "23.50.53.24")),

		// Platforms.
		w("netlify site (trap: its load balancer is on aws)", "https://docs.netlify.com/domains-https/custom-domains/configure-external-dns/: www CNAME <site>.netlify.app; 75.2.60.5 is AWS GLOBALACCELERATOR, behind a CDN it is not the origin",
			verdict{CDN: ids{"netlify-cdn"}}, www("example.netlify.app", "75.2.60.5")),
		w("netlify apex load balancer name", "https://docs.netlify.com/domains-https/custom-domains/configure-external-dns/: ALIAS/CNAME apex-loadbalancer.netlify.com",
			verdict{CDN: ids{"netlify-cdn"}}, www("apex-loadbalancer.netlify.com", "75.2.60.5")),
		w("vercel", "https://vercel.com/docs/projects/domains/add-a-domain: www CNAME cname.vercel-dns.com (76.76.21.21, announced by AS16509)",
			verdict{CDN: ids{"vercel-cdn"}}, www("cname.vercel-dns.com", "76.76.21.21")),
		w("github pages subdomain", "https://docs.github.com/en/pages/configuring-a-custom-domain-for-your-github-pages-site/managing-a-custom-domain-for-your-github-pages-site: CNAME <user>.github.io",
			verdict{Hosting: ids{"github-pages"}}, www("octocat.github.io", "185.199.108.153", "185.199.109.153")),
		w("github pages apex (trap: announced by fastly)", "same GitHub page: apex A 185.199.108-111.153, listed under \"pages\" in api.github.com/meta; pfx2as gives AS54113 (Fastly), the publication wins",
			verdict{Hosting: ids{"github-pages"}}, apex("185.199.108.153", "185.199.109.153", "185.199.110.153", "185.199.111.153")),
		w("heroku on aws", "https://devcenter.heroku.com/articles/custom-domains: CNAME <id>.herokudns.com; the Common Runtime runs in AWS us-east-1 (https://devcenter.heroku.com/articles/regions), addresses in EC2 ranges",
			verdict{Hosting: ids{"salesforce-heroku", "amazon-ec2@us-east-1"}}, www("example-1a2b3c4d5e.herokudns.com", "3.210.5.6", "44.192.8.8")),
		w("shopify store behind cloudflare", "https://help.shopify.com/en/manual/domains/add-a-domain/connecting-domains/connect-domain-manual: apex A 23.227.38.65, www CNAME shops.myshopify.com; 23.227.38.0/23 is announced by Cloudflare AS13335",
			verdict{CDN: ids{"cloudflare-cdn"}, Hosting: ids{"shopify-platform"}}, apex("23.227.38.65"), www("shops.myshopify.com", "23.227.38.74")),
		w("squarespace", "https://support.squarespace.com/hc/en-us/articles/215744668: apex A 198.185.159.144/145 and 198.49.23.144/145, www CNAME ext-cust.squarespace.com; AS53831",
			verdict{Hosting: ids{"squarespace-platform"}}, apex("198.185.159.144", "198.185.159.145", "198.49.23.144", "198.49.23.145"), www("ext-cust.squarespace.com", "198.185.159.145")),
		w("wix pointing method", "https://support.wix.com/en/article/connecting-a-domain-to-wix-using-the-pointing-method: apex A 185.230.63.x, www CNAME cdn1.wixdns.net; AS58182",
			verdict{Hosting: ids{"wix-platform"}}, apex("185.230.63.171", "185.230.63.186", "185.230.63.107"), www("cdn1.wixdns.net", "185.230.63.107")),
		w("webflow legacy", "https://help.webflow.com/ (manually connect a custom domain: www CNAME proxy-ssl.webflow.com)", verdict{Hosting: ids{"webflow-platform"}}, www("proxy-ssl.webflow.com")),
		w("webflow current", "https://help.webflow.com/ (manually connect a custom domain: www CNAME cdn.webflow.com)", verdict{Hosting: ids{"webflow-platform"}}, www("cdn.webflow.com")),
		// The Advanced Network's addresses are WP Engine's own prefix
		// announced by Cloudflare's AS209242, which the catalog leaves
		// unclaimed (claiming it beside AS13335 would make Cloudflare's CDN
		// survive an AS13335 outage in the graph). Cloudflare is reached
		// through the catalog's upstream wpengine-platform -> cloudflare-cdn
		// instead, so the blast radius of Cloudflare still holds the site.
		w("wp engine advanced network", "https://wpengine.com/support/point-dns-wp-engine/: CNAME <env>.wpenginepowered.com -> 141.193.213.10/11, the Advanced Network on Cloudflare (AS209242)",
			verdict{Hosting: ids{"wpengine-platform"}}, www("example.wpenginepowered.com", "141.193.213.10")),
		w("wp engine legacy", "https://wpengine.com/support/point-dns-wp-engine/: legacy CNAME <env>.wpengine.com", verdict{Hosting: ids{"wpengine-platform"}}, www("example.wpengine.com")),
		w("pantheon on fastly", "https://docs.pantheon.io/guides/domains/dns: apex A 23.185.0.X, www CNAME live-<site>.pantheonsite.io; the Global CDN is Fastly (AS54113)",
			verdict{CDN: ids{"fastly-cdn"}, Hosting: ids{"pantheon-platform"}}, apex("23.185.0.2"), www("live-example.pantheonsite.io", "23.185.0.2")),
		w("kinsta behind cloudflare", "https://kinsta.com/docs/wordpress-hosting/wordpress-domains/: sites at <name>.kinsta.cloud behind Kinsta's Cloudflare integration (172.64.0.0/13)",
			verdict{CDN: ids{"cloudflare-cdn"}, Hosting: ids{"kinsta-platform"}}, www("example.kinsta.cloud", "172.66.40.10")),
		w("firebase hosting", "https://firebase.google.com/docs/hosting/custom-domain: sites at <site>.web.app", verdict{Hosting: ids{"google-firebase"}}, www("example.web.app")),
		w("gitlab pages", "https://docs.gitlab.com/user/project/pages/custom_domains_ssl_tls_certification/: CNAME <namespace>.gitlab.io", verdict{Hosting: ids{"gitlab-pages"}}, www("example.gitlab.io")),
		w("read the docs", "https://docs.readthedocs.io/en/stable/guides/custom-domains.html: CNAME <project>.readthedocs.io", verdict{Hosting: ids{"readthedocs-hosting"}}, www("example.readthedocs.io")),
		w("render", "https://render.com/docs/custom-domains: CNAME <service>.onrender.com", verdict{Hosting: ids{"render-platform"}}, www("example.onrender.com")),
		w("fly.io", "https://fly.io/docs/networking/custom-domain/: CNAME <app>.fly.dev", verdict{Hosting: ids{"flyio-platform"}}, www("example.fly.dev")),
		w("ghost(pro)", "https://ghost.org/help/custom-domains/: CNAME <site>.ghost.io", verdict{Hosting: ids{"ghost-pro"}}, www("example.ghost.io")),
		w("hubspot cms", "https://knowledge.hubspot.com/domains-and-urls/connect-a-domain-to-hubspot: CNAME <portal>.groupN.sites.hscoscdnNN.net",
			verdict{Hosting: ids{"hubspot-cms"}}, www("1234567.group7.sites.hscoscdn10.net")),
		w("tumblr", "https://help.tumblr.com/hc/en-us/articles/231256548-Custom-domains: CNAME domains.tumblr.com", verdict{Hosting: ids{"automattic-tumblr"}}, www("domains.tumblr.com")),
		w("substack", "https://support.substack.com/hc/en-us/articles/360051222571: CNAME target.substack-custom-domains.com", verdict{Hosting: ids{"substack-platform"}}, www("target.substack-custom-domains.com")),
		w("wordpress.com apex", "https://wordpress.com/support/domains/connect-existing-domain/: apex A 192.0.78.24 and 192.0.78.25; Automattic AS2635",
			verdict{Hosting: ids{"automattic-wpcom"}}, apex("192.0.78.24", "192.0.78.25")),
		w("salesforce sites", "https://help.salesforce.com/s/articleView?id=sf.domain_mgmt_dns.htm: CNAME <domain>.<org id>.live.siteforce.com",
			verdict{Hosting: ids{"salesforce-platform"}}, www("www.example.com.00d5g000001abcd.live.siteforce.com")),
		w("aws amplify hosting on cloudfront", "https://docs.aws.amazon.com/amplify/latest/userguide/custom-domains.html: <branch>.<app id>.amplifyapp.com served by CloudFront (CLOUDFRONT range)",
			verdict{CDN: ids{"amazon-cloudfront"}, Hosting: ids{"amazon-amplify"}}, www("main.d1a2b3c4d5e6f7.amplifyapp.com", "13.32.1.2")),

		// Clouds: storage and load balancers are hosting, not CDN.
		w("s3 bucket virtual host (hosting, not cdn)", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html: CNAME <bucket>.s3.amazonaws.com; 52.216.0.0/15 is S3 us-east-1 in ip-ranges.json",
			verdict{Hosting: ids{"amazon-s3@us-east-1"}}, www("example-bucket.s3.amazonaws.com", "52.216.1.1")),
		w("s3 website endpoint", "https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html: <bucket>.s3-website-us-east-1.amazonaws.com",
			verdict{Hosting: ids{"amazon-s3@us-east-1"}}, www("www.example.com.s3-website-us-east-1.amazonaws.com", "52.217.2.2")),
		w("elastic load balancer", "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html: <name>-<id>.us-east-1.elb.amazonaws.com, a service apart from EC2, its addresses in EC2 us-east-1 ranges give the region",
			verdict{Hosting: ids{"amazon-elb@us-east-1"}}, www("my-lb-1234567890.us-east-1.elb.amazonaws.com", "3.210.5.5", "44.192.1.1")),
		w("elastic beanstalk", "https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/customdomains.html: CNAME <env>.<region>.elasticbeanstalk.com",
			verdict{Hosting: ids{"amazon-ec2@us-east-1"}}, www("example.us-east-1.elasticbeanstalk.com", "3.211.6.6")),
		w("ec2 apex in us-east-1", "ip-ranges.json: 3.208.0.0/12 is EC2 us-east-1 (AS14618): the region is kept",
			verdict{Hosting: ids{"amazon-ec2@us-east-1"}}, apex("3.210.5.5")),
		w("ec2 in two regions", "doc.go: a second region opens a second dependency (apex in us-east-1 3.208.0.0/12, www in eu-west-1 34.240.0.0/13)",
			verdict{Hosting: ids{"amazon-ec2@us-east-1", "amazon-ec2@eu-west-1"}}, apex("3.210.5.5"), www("34.240.1.1")),
		w("ec2 apex and a load balancer in another region", "ELB names carry the region (<name>.<region>.elb.amazonaws.com); the apex (a Route 53 alias shows only the address) is EC2 us-east-1",
			verdict{Hosting: ids{"amazon-ec2@us-east-1", "amazon-elb@eu-west-1"}},
			apex("3.210.5.9"), www("my-lb-42.eu-west-1.elb.amazonaws.com", "34.240.1.1")),
		w("app engine custom domain (hosting, not cdn)", "https://cloud.google.com/appengine/docs/standard/mapping-custom-domains: CNAME ghs.googlehosted.com; 142.250.0.0/15 in goog.json",
			verdict{Hosting: ids{"google-cloud"}}, www("ghs.googlehosted.com", "142.250.64.78")),
		w("cloud storage website", "https://cloud.google.com/storage/docs/hosting-static-website: CNAME c.storage.googleapis.com",
			verdict{Hosting: ids{"google-cloud"}}, www("c.storage.googleapis.com", "142.250.64.80")),
		w("compute engine apex", "https://www.gstatic.com/ipranges/cloud.json: 34.66.0.0/15 is Google Cloud us-central1",
			verdict{Hosting: ids{"google-cloud@us-central1"}}, apex("34.66.1.1")),
		w("oracle cloud apex", "https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json: 129.80.0.0/16 is OCI us-ashburn-1",
			verdict{Hosting: ids{"oracle-cloud@us-ashburn-1"}}, apex("129.80.1.1")),
		w("digitalocean droplet", "https://bgp.he.net/AS14061: DigitalOcean", verdict{Hosting: ids{"digitalocean-hosting"}}, apex("159.89.1.1")),
		w("hetzner server", "https://bgp.he.net/AS24940: Hetzner Online", verdict{Hosting: ids{"hetzner-hosting"}}, apex("5.9.10.10")),
		w("ovhcloud server", "https://bgp.he.net/AS16276: OVH", verdict{Hosting: ids{"ovh-hosting"}}, apex("213.186.33.5")),
		w("linode vm", "https://bgp.he.net/AS63949: Linode (Akamai)", verdict{Hosting: ids{"akamai-linode"}}, apex("23.92.16.10")),
		w("vultr vm", "https://bgp.he.net/AS20473: The Constant Company (Vultr)", verdict{Hosting: ids{"vultr-hosting"}}, apex("45.32.1.1")),
		w("ionos webspace", "https://bgp.he.net/AS8560: IONOS", verdict{Hosting: ids{"ionos-hosting"}}, apex("217.160.0.1")),
		w("strato webspace", "https://bgp.he.net/AS6724: STRATO", verdict{Hosting: ids{"ionos-strato"}}, apex("81.169.145.1")),
		w("bluehost shared hosting", "https://bgp.he.net/AS46606: Unified Layer (Bluehost, Newfold Digital)", verdict{Hosting: ids{"newfold-bluehost"}}, apex("162.241.216.1")),
		w("godaddy hosting", "https://bgp.he.net/AS26496: GoDaddy.com", verdict{Hosting: ids{"godaddy-hosting"}}, apex("23.229.128.1")),

		// Outside the catalog.
		w("apex in an uncatalogued AS", "rules web 5: an address no catalogued provider owns, on a host with no CDN, is hosting as<N> (Stanford AS32)",
			verdict{Hosting: ids{"as32"}}, apex("171.64.9.10")),
		w("www through the site's own load balancer name", "rules web 4: only hops outside the site's own domain name an operator; the address gives as32",
			verdict{Hosting: ids{"as32"}}, www("lb.example.com", "171.64.9.13")),
		w("cname into an uncatalogued saas", "rules web 4: the last hop outside own that matched nothing names the operator by its registrable domain; no as<N> then",
			verdict{Hosting: ids{"tinysaas-example.io"}}, www("example.tinysaas-example.io", "171.67.9.9")),
		w("uncatalogued saas on ec2 (trap: the address owner wins)", "rules web 4: R(hop) is not added when the addresses named a catalogued provider",
			verdict{Hosting: ids{"amazon-ec2@us-east-1"}}, www("tenant.tinysaas-example.io", "3.210.5.7")),
		w("uncatalogued saas behind cloudflare", "rules web 3-4: the CDN is known from the address; the SaaS hop is not added once a catalogued provider is named",
			verdict{CDN: ids{"cloudflare-cdn"}}, www("tenant.tinysaas-example.io", "104.18.3.3")),
		w("two uncatalogued hops: the last one names the operator", "rules web 4: take the last unmatched hop outside own",
			verdict{Hosting: ids{"tinysaas-cdn-example.net"}}, www("example.gslb.tinysaas-example.io", "edge7.tinysaas-cdn-example.net", "171.67.9.10")),
		w("uncatalogued hop then cloudflare", "rules web 1 and 4: the cdn.cloudflare.net hop names Cloudflare; the SaaS hop is then not added",
			verdict{CDN: ids{"cloudflare-cdn"}}, www("example.tinysaas-example.io", "example.tinysaas-example.io.cdn.cloudflare.net", "104.16.3.3")),
		w("uncatalogued saas whose zone is on route 53 (trap: not route 53)", "rules web 4: the target zone's NS only decides self versus third party; a zone on Route 53 does not make Route 53 the web operator",
			verdict{Hosting: ids{"tinysaas-example.io"}}, www("example.tinysaas-example.io", "171.67.9.11"),
			zone("tinysaas-example.io", "ns-1017.awsdns-63.com", "ns-399.awsdns-49.net")),
		{
			name: "private cdn whose zone the site serves itself",
			why:  "rules web 4: the target zone is served by name servers under the site's own domain: self on hosting, no as<N>",
			list: one(site("bigsite-example.com", www("www.bigsite-cdn-example.net", "171.67.9.12"),
				zone("bigsite-cdn-example.net", "ns1.bigsite-example.com", "ns2.bigsite-example.com"))),
			want: verdict{Hosting: ids{"self"}},
		},
		w("hostile label in a cloudflare cname", "RFC 2181 section 11: a label may hold any octet; the suffix still matches cdn.cloudflare.net",
			verdict{CDN: ids{"cloudflare-cdn"}}, www(`"><img src=x onerror=alert(1)>.cdn.cloudflare.net`, "104.16.2.3")),
		w("hostile label in an uncatalogued cname", "RFC 2181 section 11; rules web 4: the operator is its registrable domain",
			verdict{Hosting: ids{"evilsaas-example.io"}}, www("<script>alert(1)</script>.evilsaas-example.io", "171.67.9.14")),
	}
}

// emailCases: the MX hosts that mail and mail-security providers publish
// for their customers, the site's own mail servers, RFC 7505's null MX.
func emailCases() []realCase {
	return []realCase{
		mxCase("google workspace five-record set", "https://support.google.com/a/answer/174125: aspmx.l.google.com, alt1..alt4.aspmx.l.google.com",
			ids{"google-workspace"}, "aspmx.l.google.com", "alt1.aspmx.l.google.com", "alt2.aspmx.l.google.com", "alt3.aspmx.l.google.com", "alt4.aspmx.l.google.com"),
		mxCase("google workspace single record", "https://support.google.com/a/answer/174125: since 2023 one MX, smtp.google.com", ids{"google-workspace"}, "smtp.google.com"),
		mxCase("google workspace legacy googlemail hosts", "https://support.google.com/a/answer/174125 (older sets also listed aspmx2/aspmx3.googlemail.com)",
			ids{"google-workspace"}, "aspmx.l.google.com", "alt1.aspmx.l.google.com", "aspmx2.googlemail.com", "aspmx3.googlemail.com"),
		mxCase("google names upper case with trailing dot", "RFC 4343 case-insensitive names; https://support.google.com/a/answer/174125",
			ids{"google-workspace"}, "ASPMX.L.GOOGLE.COM.", "ALT1.ASPMX.L.GOOGLE.COM."),
		mxCase("microsoft 365", "https://learn.microsoft.com/en-us/microsoft-365/enterprise/external-domain-name-system-records: <domain-key>.mail.protection.outlook.com",
			ids{"microsoft-365"}, "example-com.mail.protection.outlook.com"),
		mxCase("microsoft 365 gcc high", "https://learn.microsoft.com/en-us/microsoft-365/enterprise/dns-records-for-office-365-gcc-high: <domain-key>.mail.protection.office365.us",
			ids{"microsoft-365"}, "example-com.mail.protection.office365.us"),
		mxCase("microsoft 365 dnssec mx under mx.microsoft", "https://learn.microsoft.com/en-us/purview/how-smtp-dane-works (inbound SMTP DANE: MX <domain-key>.<id>-v1.mx.microsoft)",
			ids{"microsoft-365"}, "example-com.o-v1.mx.microsoft"),
		mxCase("proofpoint on demand gslb", "https://help.proofpoint.com/ (Proofpoint on Demand MX mxa-<id>.gslb.pphosted.com, mxb-<id>.gslb.pphosted.com)",
			ids{"proofpoint-email"}, "mxa-00123456.gslb.pphosted.com", "mxb-00123456.gslb.pphosted.com"),
		mxCase("proofpoint on demand mx0a", "https://help.proofpoint.com/ (Proofpoint on Demand MX mx0a-<id>.pphosted.com, mx0b-<id>.pphosted.com)",
			ids{"proofpoint-email"}, "mx0a-001a2b01.pphosted.com", "mx0b-001a2b01.pphosted.com"),
		mxCase("proofpoint essentials", "https://help.proofpoint.com/Proofpoint_Essentials (MX mx1-us1.ppe-hosted.com, mx2-us1.ppe-hosted.com)",
			ids{"proofpoint-email"}, "mx1-us1.ppe-hosted.com", "mx2-us1.ppe-hosted.com"),
		mxCase("mimecast us", "https://community.mimecast.com/s/article/Mimecast-Gateway-MX-Records (us-smtp-inbound-1/2.mimecast.com)",
			ids{"mimecast-email"}, "us-smtp-inbound-1.mimecast.com", "us-smtp-inbound-2.mimecast.com"),
		mxCase("mimecast eu", "https://community.mimecast.com/s/article/Mimecast-Gateway-MX-Records (eu-smtp-inbound-1/2.mimecast.com)",
			ids{"mimecast-email"}, "eu-smtp-inbound-1.mimecast.com", "eu-smtp-inbound-2.mimecast.com"),
		mxCase("mimecast south africa", "https://community.mimecast.com/s/article/Mimecast-Gateway-MX-Records (za-smtp-inbound-1/2.mimecast.co.za)",
			ids{"mimecast-email"}, "za-smtp-inbound-1.mimecast.co.za", "za-smtp-inbound-2.mimecast.co.za"),
		mxCase("barracuda email gateway defense", "https://campus.barracuda.com/product/emailgatewaydefense/ (MX <id>a/<id>b.ess.barracudanetworks.com)",
			ids{"barracuda-email"}, "d123456a.ess.barracudanetworks.com", "d123456b.ess.barracudanetworks.com"),
		mxCase("cisco secure email cloud", "https://www.cisco.com/c/en/us/support/security/cloud-email-security/ (MX mxN.hcNNNN-NN.iphmx.com)",
			ids{"cisco-secureemail"}, "mx1.hc1234-56.iphmx.com", "mx2.hc1234-56.iphmx.com"),
		mxCase("cisco secure email customer-named", "Cisco Secure Email Cloud Gateway customer hosts mxN.<customer>.iphmx.com", ids{"cisco-secureemail"}, "mx1.example.iphmx.com", "mx2.example.iphmx.com"),
		mxCase("zoho mail us", "https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html: mx.zoho.com, mx2.zoho.com, mx3.zoho.com",
			ids{"zoho-mail"}, "mx.zoho.com", "mx2.zoho.com", "mx3.zoho.com"),
		mxCase("zoho mail eu", "https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html: EU data centre mx.zoho.eu, mx2.zoho.eu, mx3.zoho.eu",
			ids{"zoho-mail"}, "mx.zoho.eu", "mx2.zoho.eu", "mx3.zoho.eu"),
		mxCase("zoho mail india", "https://www.zoho.com/mail/help/adminconsole/configure-email-delivery.html: IN data centre mx.zoho.in, mx2.zoho.in",
			ids{"zoho-mail"}, "mx.zoho.in", "mx2.zoho.in"),
		mxCase("yandex 360", "https://yandex.com/support/business/ (MX mx.yandex.net)", ids{"yandex-mail"}, "mx.yandex.net"),
		mxCase("vk workmail", "https://biz.mail.ru/ (MX emx.mail.ru)", ids{"vk-mail"}, "emx.mail.ru"),
		mxCase("fastmail", "https://www.fastmail.help/hc/en-us/articles/360058753394-Custom-DNS-records: in1-smtp/in2-smtp.messagingengine.com",
			ids{"fastmail-email"}, "in1-smtp.messagingengine.com", "in2-smtp.messagingengine.com"),
		mxCase("proton mail", "https://proton.me/support/custom-domain: mail.protonmail.ch, mailsec.protonmail.ch", ids{"proton-mail"}, "mail.protonmail.ch", "mailsec.protonmail.ch"),
		mxCase("icloud mail", "https://support.apple.com/en-us/102374: mx01.mail.icloud.com, mx02.mail.icloud.com", ids{"apple-icloud"}, "mx01.mail.icloud.com", "mx02.mail.icloud.com"),
		mxCase("godaddy workspace email", "https://www.godaddy.com/help/ (MX smtp.secureserver.net, mailstore1.secureserver.net)",
			ids{"godaddy-email"}, "smtp.secureserver.net", "mailstore1.secureserver.net"),
		mxCase("namecheap private email", "https://www.namecheap.com/support/knowledgebase/article.aspx/1340/ (mx1/mx2.privateemail.com)",
			ids{"namecheap-privateemail"}, "mx1.privateemail.com", "mx2.privateemail.com"),
		mxCase("namecheap email forwarding", "https://www.namecheap.com/support/knowledgebase/article.aspx/308/ (free Email Forwarding, a product apart from Private Email: MX eforwardN.registrar-servers.com)",
			ids{"namecheap-forwarding"}, "eforward1.registrar-servers.com", "eforward2.registrar-servers.com", "eforward3.registrar-servers.com"),
		mxCase("amazon ses inbound", "https://docs.aws.amazon.com/ses/latest/dg/receiving-email-mx-record.html: inbound-smtp.<region>.amazonaws.com",
			ids{"amazon-ses"}, "inbound-smtp.us-east-1.amazonaws.com"),
		mxCase("mailgun", "https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/ (MX mxa.mailgun.org, mxb.mailgun.org)", ids{"sinch-mailgun"}, "mxa.mailgun.org", "mxb.mailgun.org"),
		mxCase("mailgun eu", "https://documentation.mailgun.com/ (EU region MX mxa.eu.mailgun.org, mxb.eu.mailgun.org)", ids{"sinch-mailgun"}, "mxa.eu.mailgun.org", "mxb.eu.mailgun.org"),
		mxCase("sendgrid inbound parse", "https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook: MX mx.sendgrid.net",
			ids{"twilio-sendgrid"}, "mx.sendgrid.net"),
		mxCase("ovhcloud mail", "https://help.ovhcloud.com/ (MX mx1/mx2/mx3.mail.ovh.net)", ids{"ovh-email"}, "mx1.mail.ovh.net", "mx2.mail.ovh.net", "mx3.mail.ovh.net"),
		mxCase("ionos mail", "https://www.ionos.com/help/email/ (MX mx00/mx01.ionos.com)", ids{"ionos-email"}, "mx00.ionos.com", "mx01.ionos.com"),
		mxCase("ionos mail germany", "https://www.ionos.de/hilfe/e-mail/ (MX mx00/mx01.ionos.de)", ids{"ionos-email"}, "mx00.ionos.de", "mx01.ionos.de"),
		mxCase("ionos legacy kundenserver", "1&1 IONOS legacy MX mx00/mx01.kundenserver.de (rules email 2: company domain)", ids{"ionos-email"}, "mx00.kundenserver.de", "mx01.kundenserver.de"),
		mxCase("strato mail", "https://www.strato.de/faq/ (MX smtpin.rzone.de)", ids{"ionos-strato"}, "smtpin.rzone.de"),
		mxCase("yahoo small business", "https://help.yahoo.com/ (business mail MX mx-biz.mail.am0.yahoodns.net)", ids{"yahoo-mail"}, "mx-biz.mail.am0.yahoodns.net"),
		mxCase("tencent exmail", "https://work.weixin.qq.com/ (Tencent Exmail MX mxbiz1.qq.com, mxbiz2.qq.com)", ids{"tencent-exmail"}, "mxbiz1.qq.com", "mxbiz2.qq.com"),
		mxCase("netease qiye mail", "https://qiye.163.com/ (MX qiye163mx01/02.mxmail.netease.com)", ids{"netease-mail"}, "qiye163mx01.mxmail.netease.com", "qiye163mx02.mxmail.netease.com"),
		mxCase("alibaba mail", "https://www.alibabacloud.com/help/en/alibaba-mail/ (MX mxn.mxhichina.com, mxw.mxhichina.com)", ids{"alibaba-mail"}, "mxn.mxhichina.com", "mxw.mxhichina.com"),
		mxCase("hornetsecurity", "https://support.hornetsecurity.com/ (MX mx01..mx04.hornetsecurity.com)", ids{"hornetsecurity-email"},
			"mx01.hornetsecurity.com", "mx02.hornetsecurity.com", "mx03.hornetsecurity.com", "mx04.hornetsecurity.com"),
		mxCase("trend micro email security", "https://docs.trendmicro.com/en-us/documentation/article/trend-micro-email-security-online-help-configuring-mx-records: <domain>.in.tmes.trendmicro.com",
			ids{"trendmicro-email"}, "example-com.in.tmes.trendmicro.com"),
		mxCase("sophos email", "https://docs.sophos.com/central/customer/help/en-us/EmailSecurity/ (MX mx-01/mx-02-<region>.prod.hydra.sophos.com)",
			ids{"sophos-email"}, "mx-01-us-west-2.prod.hydra.sophos.com", "mx-02-us-west-2.prod.hydra.sophos.com"),
		mxCase("forcepoint email security cloud", "https://www.websense.com/content/support/library/email/ (MX cluster<N>.<region>.mailcontrol.com)", ids{"forcepoint-email"}, "cluster9.eu.mailcontrol.com"),
		mxCase("symantec messagelabs", "https://techdocs.broadcom.com/us/en/symantec-security-software/email-security/email-security-cloud/ (MX clusterN.eu.messagelabs.com)",
			ids{"broadcom-messagelabs"}, "cluster1.eu.messagelabs.com", "cluster1a.eu.messagelabs.com"),
		mxCase("appriver", "https://support.appriver.com/ (MX <n>.arsmtp.com)", ids{"opentext-appriver"}, "mx20.arsmtp.com", "mx21.arsmtp.com"),
		mxCase("rackspace email", "https://docs.rackspace.com/docs/rackspace-email-dns-records: mx1/mx2.emailsrvr.com", ids{"rackspace-email"}, "mx1.emailsrvr.com", "mx2.emailsrvr.com"),
		mxCase("titan", "https://support.titan.email/ (MX mx1/mx2.titan.email)", ids{"titan-email"}, "mx1.titan.email", "mx2.titan.email"),
		mxCase("cloudflare email routing", "https://developers.cloudflare.com/email-routing/setup/email-routing-dns-records/: routeN.mx.cloudflare.net",
			ids{"cloudflare-email"}, "route1.mx.cloudflare.net", "route2.mx.cloudflare.net", "route3.mx.cloudflare.net"),
		mxCase("gandi mail", "https://docs.gandi.net/en/gandimail/ (MX spool.mail.gandi.net, fb.mail.gandi.net)", ids{"gandi-email"}, "spool.mail.gandi.net", "fb.mail.gandi.net"),
		mxCase("hostinger email", "https://support.hostinger.com/en/articles/ (MX mx1/mx2.hostinger.com)", ids{"hostinger-email"}, "mx1.hostinger.com", "mx2.hostinger.com"),
		mxCase("hover email on tucows", "https://help.hover.com/ (MX mx.hover.com.cust.hostedemail.com)", ids{"tucows-email"}, "mx.hover.com.cust.hostedemail.com"),
		mxCase("gateway migration: mimecast and microsoft 365 together", "rules email 1: every MX is attributed; a domain moving to a gateway lists both",
			ids{"mimecast-email", "microsoft-365"}, "us-smtp-inbound-1.mimecast.com", "example-com.mail.protection.outlook.com"),
		mxCase("own mail server", "rules email 3: an MX under the site's own domain is self", ids{"self"}, "mail.example.com"),
		mxCase("own primary with a provider backup", "rules email 1 and 3", ids{"self", "zoho-mail"}, "mail.example.com", "mx3.zoho.com"),
		mxCase("uncatalogued mail operator", "rules email 4: an MX matching nothing is the uncatalogued operator R(M)", ids{"mailhost-example.net"}, "mx1.mailhost-example.net", "mx2.mailhost-example.net"),
		mxCase("hostile labels in mail exchangers", "RFC 2181 section 11; rules email 3-4: a formula payload label changes nothing",
			ids{"self", "mx-hostile-example.net"}, `=cmd|' /c calc'!A0.example.com`, `@SUM(1+1)*cmd|' /c calc'!A0.mx-hostile-example.net`),
		{
			name: "null mx",
			why:  "RFC 7505: a single MX with preference 0 and target \".\" says the domain accepts no mail: no provider, layer none",
			list: one(site("example.com", nullMX())),
			want: verdict{States: map[catalog.Layer]classify.State{catalog.LayerEmail: classify.StateNone}},
		},
		{
			name: "no mx records",
			why:  "RFC 5321 section 5.1: without MX, mail falls back to the address; chokepoint counts the layer as none",
			list: one(site("example.com")),
			want: verdict{States: map[catalog.Layer]classify.State{catalog.LayerEmail: classify.StateNone}},
		},
	}
}

// siteCases: whole sites, every layer at once, shaped like common stacks.
func siteCases() []realCase {
	return []realCase{
		{
			name: "startup on cloudflare with google workspace",
			why:  "developers.cloudflare.com full setup + proxied records; support.google.com/a/answer/174125",
			list: one(site("example.com", ns("adam.ns.cloudflare.com", "vera.ns.cloudflare.com"), soa("adam.ns.cloudflare.com", "dns.cloudflare.com"),
				apex("104.21.32.1", "172.67.140.1"), www("104.21.32.1", "172.67.140.1"), mx("smtp.google.com"))),
			want: verdict{DNS: ids{"cloudflare-dns"}, CDN: ids{"cloudflare-cdn"}, Email: ids{"google-workspace"}},
		},
		{
			name: "enterprise on akamai with proofpoint",
			why:  "techdocs.akamai.com Edge DNS + edge hostnames; help.proofpoint.com",
			list: one(site("example.com", ns("a1-67.akam.net", "a7-66.akam.net", "a28-66.akam.net"),
				apex("23.50.53.22"), www("www.example.com.edgekey.net", "e1234.a.akamaiedge.net", "23.50.53.22"),
				mx("mxa-00123456.gslb.pphosted.com", "mxb-00123456.gslb.pphosted.com"))),
			want: verdict{DNS: ids{"akamai-edgedns"}, CDN: ids{"akamai-cdn"}, Email: ids{"proofpoint-email"}},
		},
		{
			name: "aws shop with cloudfront www, ec2 apex and microsoft 365",
			why:  "Route 53 delegation set, CloudFront CNAME, EC2 us-east-1 range, M365 MX (AWS and Microsoft documentation)",
			list: one(site("example.com", ns("ns-1017.awsdns-63.com", "ns-399.awsdns-49.net", "ns-1352.awsdns-41.org", "ns-1536.awsdns-00.co.uk"),
				apex("3.210.5.5"), www("d111111abcdef8.cloudfront.net", "13.32.1.1"), mx("example-com.mail.protection.outlook.com"))),
			want: verdict{DNS: ids{"amazon-route53"}, CDN: ids{"amazon-cloudfront"}, Hosting: ids{"amazon-ec2@us-east-1"}, Email: ids{"microsoft-365"}},
		},
		{
			name: "news site on ns1 and route 53 with fastly",
			why:  "NS1 + Route 53 NS set; Fastly apex anycast and dualstack CNAME (docs.fastly.com); Google Workspace MX",
			list: one(site("example.com", ns("dns1.p01.nsone.net", "dns2.p01.nsone.net", "ns-1017.awsdns-63.com", "ns-399.awsdns-49.net"),
				apex("151.101.1.57", "151.101.65.57"), www("dualstack.n.sni.global.fastly.net", "151.101.129.57"),
				mx("aspmx.l.google.com", "alt1.aspmx.l.google.com"))),
			want: verdict{DNS: ids{"ibm-ns1", "amazon-route53"}, CDN: ids{"fastly-cdn"}, Email: ids{"google-workspace"}},
		},
		{
			name: "small business on godaddy",
			why:  "GoDaddy nsNN.domaincontrol.com, GoDaddy hosting (AS26496), GoDaddy email secureserver.net",
			list: one(site("example.com", ns("ns47.domaincontrol.com", "ns48.domaincontrol.com"), apex("23.229.128.1"),
				www("example.com", "23.229.128.1"), mx("smtp.secureserver.net", "mailstore1.secureserver.net"))),
			want: verdict{DNS: ids{"godaddy-dns"}, Hosting: ids{"godaddy-hosting"}, Email: ids{"godaddy-email"}},
		},
		{
			name: "german sme on ionos",
			why:  "IONOS ui-dns name servers, IONOS webspace (AS8560), IONOS mail (www.ionos.de/hilfe)",
			list: one(site("example.de", ns("ns1045.ui-dns.com", "ns1064.ui-dns.org", "ns1092.ui-dns.de", "ns1102.ui-dns.biz"),
				apex("217.160.0.1"), mx("mx00.ionos.de", "mx01.ionos.de"))),
			want: verdict{DNS: ids{"ionos-dns"}, Hosting: ids{"ionos-hosting"}, Email: ids{"ionos-email"}},
		},
		{
			name: "french sme on ovhcloud",
			why:  "OVHcloud dnsNN/nsNN.ovh.net, OVH hosting (AS16276), OVH mail mxN.mail.ovh.net",
			list: one(site("example.fr", ns("dns10.ovh.net", "ns10.ovh.net"), apex("213.186.33.5"), mx("mx1.mail.ovh.net", "mx2.mail.ovh.net"))),
			want: verdict{DNS: ids{"ovh-dns"}, Hosting: ids{"ovh-hosting"}, Email: ids{"ovh-email"}},
		},
		{
			name: "chinese site on tencent",
			why:  "DNSPod name servers, Tencent Cloud CDN cdn.dnsv1.com, Tencent Exmail (Tencent Cloud documentation)",
			list: one(site("example.cn", ns("f1g1ns1.dnspod.net", "f1g1ns2.dnspod.net"), www("www.example.cn.cdn.dnsv1.com", "119.28.1.1"),
				mx("mxbiz1.qq.com", "mxbiz2.qq.com"))),
			want: verdict{DNS: ids{"tencent-dnspod"}, CDN: ids{"tencent-cdn"}, Email: ids{"tencent-exmail"}},
		},
		{
			name: "russian site on yandex with a selectel server",
			why:  "Yandex 360 DNS hosting and mail (dns1/dns2.yandex.net, mx.yandex.net); a Selectel dedicated server (https://selectel.ru/en/, AS49505 https://bgp.he.net/AS49505)",
			list: one(site("example.ru", ns("dns1.yandex.net", "dns2.yandex.net"), apex("94.26.228.1"), mx("mx.yandex.net"))),
			want: verdict{DNS: ids{"yandex-dns"}, Hosting: ids{"selectel-hosting"}, Email: ids{"yandex-mail"}},
		},
		{
			name: "university running everything itself",
			why:  "rules DNS 4, web 5, email 3: own name servers, origin in its own AS (Stanford AS32), own mail server",
			list: one(site("example.edu", nsAt("ns1.example.edu", "171.64.7.53"), nsAt("ns2.example.edu", "171.67.7.53"), soa("ns1.example.edu", "hostmaster.example.edu"),
				apex("171.64.9.10"), www("171.64.9.10"), mx("mx1.example.edu", "mx2.example.edu"))),
			want: verdict{DNS: ids{"self"}, Hosting: ids{"as32"}, Email: ids{"self"}},
		},
		{
			name: "wordpress.com site",
			why:  "https://wordpress.com/support/domains/: WordPress.com name servers and apex A 192.0.78.24/25 (AS2635); mail at Titan",
			list: one(site("example.com", ns("ns1.wordpress.com", "ns2.wordpress.com", "ns3.wordpress.com"), apex("192.0.78.24", "192.0.78.25"),
				mx("mx1.titan.email", "mx2.titan.email"))),
			want: verdict{DNS: ids{"automattic-wpcom"}, Hosting: ids{"automattic-wpcom"}, Email: ids{"titan-email"}},
		},
		{
			name: "vercel app with vercel dns and fastmail",
			why:  "Vercel DNS and CNAME (vercel.com/docs), Fastmail MX (fastmail.help)",
			list: one(site("example.dev", ns("ns1.vercel-dns.com", "ns2.vercel-dns.com"), www("cname.vercel-dns.com", "76.76.21.21"),
				mx("in1-smtp.messagingengine.com", "in2-smtp.messagingengine.com"))),
			want: verdict{DNS: ids{"vercel-cdn"}, CDN: ids{"vercel-cdn"}, Email: ids{"fastmail-email"}},
		},
	}
}
