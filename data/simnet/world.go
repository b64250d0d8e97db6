package simnet

import (
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// The world is the part of the simulated internet that does not depend on
// the population: provider zones and their name servers, mail hosts,
// shared CNAME targets, address pools. It is built once per Internet from
// the tables below (a few thousand names) and never changes afterwards.

// zone is a provider or ISP zone the simulation serves.
type zone struct {
	name, fqdn string
	ns         []*staticName
	soa        *dns.SOA
	nsRRs      []dns.RR
	// hostco is k+1 for the zone of generated hosting company k, whose
	// customers' CNAME targets live in it; 0 for other zones.
	hostco int
}

// staticName is a host name of the world: a name server, a mail host, a
// shared CNAME target, or a zone apex.
type staticName struct {
	name, fqdn string
	zone       *zone
	apex       *zone // non-nil when the name is the apex of this zone
	a, aaaa    []dns.RR
	addrs      []netip.Addr
	// tag is the catalog provider the name is evidence for (by its NS,
	// CNAME or MX suffix or by a catalog owner domain), "" when it
	// matches none.
	tag string
	// op is the ground-truth id of the operator the catalog does not know
	// that runs the name: the registrable domain of an ISP's or a
	// generated operator's name server or mail exchanger (truth.go).
	op string
	// cname is the name this one is an alias of (the CAs' hosts and the
	// CDN names they point to, ca.go), nil for a name with addresses.
	cname *staticName
}

// family is a kind of provider name generated per domain: the name embeds
// the domain or a token derived from its index, so the server finds the
// domain from the name alone.
type family uint8

const (
	famNone        family = iota
	famDomain             // the domain itself (www CNAME apex)
	famCFCNAME            // www.<domain>.cdn.cloudflare.net
	famCloudFront         // d<token>.cloudfront.net
	famEdgeKey            // www.<domain>.edgekey.net
	famGlobalRedir        // www.<domain>.edgekey.net.globalredir.akadns.net
	famEdgeSuite          // www.<domain>.edgesuite.net
	famFastly             // <slug>-<token>.global.ssl.fastly.net
	famFrontDoor          // <slug>-<token>.z01.azurefd.net
	famHeroku             // <slug>-<token>.herokudns.com
	famNetlify            // <slug>-<token>.netlify.app
	famGitHub             // <slug>-<token>.github.io
	famELB                // <slug>-<digits>.<region>.elb.amazonaws.com
	famAzureWeb           // <slug>-<token>.azurewebsites.net
	famDOApp              // <slug>-<token>.ondigitalocean.app
	famGHS                // www CNAME ghs.googlehosted.com (a shared name, not generated)
	famM365               // <domain-dashed>.mail.protection.outlook.com
	famPPA                // mxa-<hex>.gslb.pphosted.com
	famPPB                // mxb-<hex>.gslb.pphosted.com
	famS3                 // www.<domain>.s3.amazonaws.com (an S3 website bucket)
	// Families whose suffix depends on the domain: familyNode does not
	// try them; resolve recognises them by their zone.
	famHostCo     // <slug>-<token>.<hostco>: a generated hosting company's name for the site
	famPrivateCDN // edge.<label>-cdn.<tld>: the site's own CDN zone
	numFamilies
)

type nameForm uint8

const (
	formWWW nameForm = iota + 1
	formSlug
	formCloudFront
	formELB
	formDashed
	formHexA
	formHexB
	formHostCo
	formPrivateCDN
)

type famSpec struct {
	suffix string
	zone   string
	tag    string
	form   nameForm
	pool   string // where its addresses come from when it is the last hop
}

var famSpecs = [numFamilies]famSpec{
	famCFCNAME:     {".cdn.cloudflare.net", "cloudflare.net", pCloudflareCDN, formWWW, "cloudflare-cname"},
	famCloudFront:  {".cloudfront.net", "cloudfront.net", pCloudFront, formCloudFront, "cloudfront"},
	famEdgeKey:     {".edgekey.net", "edgekey.net", pAkamaiCDN, formWWW, ""},
	famGlobalRedir: {".edgekey.net.globalredir.akadns.net", "akadns.net", pAkamaiCDN, formWWW, ""},
	famEdgeSuite:   {".edgesuite.net", "edgesuite.net", pAkamaiCDN, formWWW, ""},
	famFastly:      {".global.ssl.fastly.net", "fastly.net", pFastly, formSlug, "fastly"},
	famFrontDoor:   {".z01.azurefd.net", "azurefd.net", pFrontDoor, formSlug, ""},
	famHeroku:      {".herokudns.com", "herokudns.com", pHeroku, formSlug, "heroku"},
	famNetlify:     {".netlify.app", "netlify.app", pNetlify, formSlug, "netlify"},
	famGitHub:      {".github.io", "github.io", pGitHubPages, formSlug, "github"},
	famELB:         {".elb.amazonaws.com", "amazonaws.com", pELB, formELB, ""},
	famAzureWeb:    {".azurewebsites.net", "azurewebsites.net", pAzure, formSlug, ""},
	famDOApp:       {".ondigitalocean.app", "ondigitalocean.app", pDOHosting, formSlug, "do-app"},
	famM365:        {".mail.protection.outlook.com", "outlook.com", pM365, formDashed, "m365-mx"},
	famPPA:         {".gslb.pphosted.com", "pphosted.com", pProofpoint, formHexA, "proofpoint"},
	famPPB:         {".gslb.pphosted.com", "pphosted.com", pProofpoint, formHexB, "proofpoint"},
	famS3:          {".s3.amazonaws.com", "amazonaws.com", pS3, formWWW, ""},
	famHostCo:      {"", "", "", formHostCo, ""},
	famPrivateCDN:  {"", "", "", formPrivateCDN, ""},
}

// poolSpec lists a pool's ranges; an entry without "/" is a fixed address.
type poolSpec struct {
	id     string
	v4, v6 []string
	n4, n6 int
}

var poolSpecs = []poolSpec{
	{"cloudflare-proxied", []string{"104.21.0.0/17", "172.67.0.0/16"}, []string{"2606:4700:3030::/48", "2606:4700:3036::/48"}, 2, 2},
	{"cloudflare-cname", []string{"104.18.0.0/16"}, []string{"2606:4700:4400::/48"}, 2, 2},
	{"cloudflare-ns", []string{"173.245.58.0/24", "108.162.192.0/24", "172.64.32.0/24"}, []string{"2606:4700:58::/48"}, 1, 1},
	{"shopify-apex", []string{"23.227.38.65"}, nil, 1, 0},
	{"shopify-shops", []string{"23.227.38.74"}, nil, 1, 0},
	{"cloudfront", []string{"13.224.0.0/14"}, []string{"2600:9000:2000::/36"}, 4, 4},
	{"route53-ns", []string{"205.251.192.0/21"}, []string{"2600:9000:5300::/45"}, 1, 1},
	{"aws-us-east-1", []string{"3.208.0.0/14"}, []string{"2600:1f18:4000::/36"}, 1, 1},
	{"heroku", []string{"3.220.0.0/14"}, nil, 4, 0},
	{"aws-us-west-2", []string{"34.208.0.0/12"}, []string{"2600:1f14::/32"}, 1, 1},
	{"aws-eu-west-1", []string{"34.240.0.0/13"}, []string{"2a05:d018::/32"}, 1, 1},
	{"aws-eu-central-1", []string{"3.120.0.0/14"}, []string{"2a05:d014::/32"}, 1, 1},
	{"aws-ap-northeast-1", []string{"13.112.0.0/14"}, []string{"2406:da14::/32"}, 1, 1},
	{"aws-ap-southeast-2", []string{"13.236.0.0/14"}, []string{"2406:da1c::/32"}, 1, 1},
	{"aws-sa-east-1", []string{"18.228.0.0/16"}, []string{"2600:1f1e::/32"}, 1, 1},
	{"netlify", []string{"75.2.60.0/24"}, nil, 2, 0},
	{"netlify-apex", []string{"75.2.60.5"}, nil, 1, 0},
	{"vercel-apex", []string{"76.76.21.21"}, nil, 1, 0},
	{"vercel-cname", []string{"76.76.21.93", "76.76.21.142"}, nil, 2, 0},
	{"google-ns", []string{"216.239.32.0/24", "216.239.34.0/24", "216.239.36.0/24", "216.239.38.0/24"}, []string{"2001:4860:4802::/48"}, 1, 1},
	{"google-mail", []string{"142.250.0.0/16"}, []string{"2a00:1450:4000::/36"}, 1, 1},
	{"google-ghs", []string{"142.251.0.0/16"}, []string{"2001:4860:4000::/40"}, 1, 1},
	{"gcp-us-central1", []string{"34.66.0.0/16"}, []string{"2600:1900:4000::/44"}, 1, 1},
	{"gcp-europe-west1", []string{"34.76.0.0/14"}, []string{"2600:1900:4010::/44"}, 1, 1},
	{"gcp-asia-east1", []string{"34.80.0.0/15"}, []string{"2600:1900:4030::/44"}, 1, 1},
	{"azure-eastus", []string{"20.42.0.0/15"}, []string{"2603:1030:200::/40"}, 1, 1},
	{"azure-westeurope", []string{"20.50.0.0/16"}, []string{"2603:1020:200::/40"}, 1, 1},
	{"azure-dns", []string{"40.90.4.0/24", "13.107.24.0/24", "13.107.160.0/24", "40.90.5.0/24"}, []string{"2620:1ec:8ec::/48"}, 1, 1},
	{"frontdoor", []string{"13.107.246.0/24", "13.107.213.0/24"}, []string{"2620:1ec:bdf::/48"}, 2, 2},
	{"m365-mx", []string{"52.101.0.0/16"}, []string{"2a01:111:f403::/48"}, 2, 1},
	{"akamai-edge", []string{"23.32.0.0/12"}, []string{"2a02:26f0:1000::/36"}, 2, 2},
	{"akamai-ns", []string{"193.108.88.0/24"}, []string{"2600:1401:2::/48"}, 1, 1},
	{"fastly", []string{"151.101.0.0/16"}, []string{"2a04:4e42::/32"}, 4, 4},
	{"fastly-apex", []string{"151.101.1.195", "151.101.65.195", "151.101.129.195", "151.101.193.195"},
		[]string{"2a04:4e42::323", "2a04:4e42:200::323", "2a04:4e42:400::323", "2a04:4e42:600::323"}, 4, 4},
	{"do-nyc", []string{"159.65.0.0/17"}, []string{"2604:a880:400::/40"}, 1, 1},
	{"do-ams", []string{"188.166.0.0/16"}, []string{"2a03:b0c0:2::/48"}, 1, 1},
	{"do-app", []string{"159.65.128.0/18"}, []string{"2604:a880:800::/40"}, 2, 2},
	{"do-ns", []string{"159.65.255.0/24"}, []string{"2604:a880:1::/48"}, 1, 1},
	{"hetzner-fsn1", []string{"88.198.0.0/16"}, []string{"2a01:4f8:1000::/36"}, 1, 1},
	{"hetzner-hel1", []string{"65.108.0.0/16"}, []string{"2a01:4f9:1000::/36"}, 1, 1},
	{"hetzner-ns", []string{"213.133.100.0/24"}, []string{"2a01:4f8::/48"}, 1, 1},
	{"ovh-gra", []string{"51.38.0.0/16"}, []string{"2001:41d0:1000::/36"}, 1, 1},
	{"ovh-bhs", []string{"144.217.0.0/16"}, nil, 1, 0},
	{"ovh-ns", []string{"213.186.33.0/24"}, []string{"2001:41d0:1::/48"}, 1, 1},
	{"linode-us", []string{"45.33.0.0/18"}, []string{"2600:3c00:1000::/36"}, 1, 1},
	{"linode-de", []string{"139.162.0.0/16"}, nil, 1, 0},
	{"linode-ns", []string{"45.33.96.0/20"}, []string{"2600:3c00::/48"}, 1, 1},
	{"godaddy", []string{"160.153.0.0/16"}, nil, 1, 0},
	{"godaddy-mail", []string{"68.178.213.0/24"}, nil, 1, 0},
	{"godaddy-ns", []string{"97.74.96.0/20", "173.201.64.0/20"}, nil, 1, 0},
	{"github", []string{"185.199.108.153", "185.199.109.153", "185.199.110.153", "185.199.111.153"},
		[]string{"2606:50c0:8000::153", "2606:50c0:8001::153", "2606:50c0:8002::153", "2606:50c0:8003::153"}, 4, 4},
	{"squarespace", []string{"198.185.159.144", "198.185.159.145", "198.49.23.144", "198.49.23.145"}, nil, 4, 0},
	{"wix", []string{"185.230.63.171", "185.230.63.186", "185.230.63.107"}, nil, 3, 0},
	{"wix-ns", []string{"185.230.60.0/24"}, nil, 1, 0},
	{"ns1-ns", []string{"198.51.44.0/23"}, []string{"2620:4d:4000::/48"}, 1, 1},
	{"ultradns-ns", []string{"156.154.64.0/20"}, []string{"2610:a1:1014::/48"}, 1, 1},
	{"namecheap-ns", []string{"156.154.132.0/23"}, []string{"2610:a1:1024::/48"}, 1, 1},
	{"dme-ns", []string{"208.94.148.0/22"}, nil, 1, 0},
	{"ionos-ns", []string{"217.160.80.0/22"}, []string{"2001:8d8:fe::/48"}, 1, 1},
	{"gandi-ns", []string{"217.70.177.0/24"}, []string{"2001:4b98:aaaa::/48"}, 1, 1},
	{"proofpoint", []string{"148.163.128.0/19", "67.231.144.0/20"}, nil, 1, 0},
	{"mimecast-eu", []string{"91.220.42.0/24"}, nil, 1, 0},
	{"mimecast-us", []string{"205.139.110.0/24"}, nil, 1, 0},
	{"mimecast-de", []string{"185.58.84.0/22"}, nil, 1, 0},
	{"mimecast-au", []string{"103.13.69.0/24"}, nil, 1, 0},
	{"mimecast-za", []string{"41.74.192.0/20"}, nil, 1, 0},
	{"zoho-us", []string{"136.143.188.0/23"}, nil, 1, 0},
	{"zoho-eu", []string{"185.20.208.0/22"}, nil, 1, 0},
	{"namecheap-mail", []string{"198.54.122.0/24"}, nil, 1, 0},
	{"edgio", []string{"192.229.211.108"}, nil, 1, 0},
	{"edgio-ns", []string{"192.16.16.0/24"}, []string{"2606:2800:3::/48"}, 1, 1},
}

// nsFamily is a DNS operator: its name servers and how it hands out
// delegation sets.
type nsFamily struct {
	id    string // catalog provider ID, Self, or "" (not in the catalog, or per host: see staticName.tag)
	op    string // the truth id of an operator not in the catalog, "" otherwise
	rname string // SOA RNAME of zones it serves
	// sets are the delegation sets it hands out; a domain gets one.
	sets [][]*staticName
}

// mxHost is one MX record of a shared mail service.
type mxHost struct {
	pref uint16
	st   *staticName
}

// ispInfo is an isp with its parsed space and servers.
type ispInfo struct {
	isp
	id   string // truth id: the registrable domain of its name and mail servers
	pool *pool
	ns   []*staticName
	mx   []mxHost
}

type world struct {
	nets  []Network
	pools map[string]*pool
	names map[string]*staticName
	zones map[string]*zone
	// reserved holds every zone name and each of its parent names: a
	// generated domain must not collide with the provider world.
	reserved map[string]bool
	famZone  [numFamilies]*zone
	famPool  [numFamilies]*pool
	// dns holds the operators of the model by dnsKind, the generated ones
	// from dnsGens on.
	dns  [numDNS + numGenDNS]nsFamily
	isps []ispInfo
	// gen are the generated operators the catalog does not know:
	// numGenDNS DNS operators, numHostCos hosting companies, numMailCos
	// mail operators (uncatalogued.go).
	gen []genOp
	// corp holds the delegation sets under catalogued companies' own
	// domains (dnsCorp), with the provider each stands for.
	corp []corpSet

	akamaiEdge []*staticName // eNNNN.x.akamaiedge.net
	akamaiNet  []*staticName // aNNNN.dscX.akamai.net
	msEdge     []*staticName // *.t-msedge.net
	fastlySNI  []*staticName // dualstack.X.sni.global.fastly.net
	shopify    *staticName
	vercel     *staticName
	square     *staticName
	wix        *staticName
	ghs        *staticName
	ghs46      *staticName   // ghs46.googlehosted.com: Google's own domain, no product suffix
	akamaiTech []*staticName // aNNNN.g.akamaitechnologies.com: Akamai's own domain

	googleLegacy, googleNew []mxHost
	mimecast                map[string][]mxHost // by region
	zohoCom, zohoEU         []mxHost
	godaddyMX, namecheapMX  []mxHost

	tldSOA  map[string]*dns.SOA
	rootSOA *dns.SOA
}

func newWorld() (*world, error) {
	w := &world{
		pools:    make(map[string]*pool),
		names:    make(map[string]*staticName),
		zones:    make(map[string]*zone),
		reserved: make(map[string]bool),
		mimecast: make(map[string][]mxHost),
		tldSOA:   make(map[string]*dns.SOA),
		gen:      genSpecs(),
	}
	for _, n := range reservedNames {
		w.reserved[n] = true
	}
	if err := w.buildSpace(); err != nil {
		return nil, err
	}
	if err := w.buildPools(); err != nil {
		return nil, err
	}
	w.buildZones()
	w.buildDNS()
	w.buildMail()
	w.buildTargets()
	w.buildCertHosts()
	if err := w.assignZoneNS(); err != nil {
		return nil, err
	}
	w.addEmptyNonTerminals()
	for _, t := range tlds {
		w.tldSOA[t.name] = tldSOA(t.name)
	}
	w.rootSOA = &dns.SOA{
		Hdr: dns.RR_Header{Name: ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 86400},
		Ns:  "a.root-servers.net.", Mbox: "nstld.verisign-grs.com.",
		Serial: 2025112400, Refresh: 1800, Retry: 900, Expire: 604800, Minttl: 86400,
	}
	for i := range famSpecs {
		s := famSpecs[i]
		if s.zone == "" {
			continue
		}
		w.famZone[i] = w.zones[s.zone]
		if s.pool != "" {
			w.famPool[i] = w.pools[s.pool]
		}
	}
	return w, nil
}

// tldSOA is the SOA a resolver puts in the authority section of an
// NXDOMAIN for a name under a TLD that does not exist.
func tldSOA(suffix string) *dns.SOA {
	last := suffix[strings.LastIndexByte(suffix, '.')+1:]
	ns, mbox := "a.nic."+last+".", "hostmaster.nic."+last+"."
	if last == "com" || last == "net" {
		ns, mbox = "a.gtld-servers.net.", "nstld.verisign-grs.com."
	}
	return &dns.SOA{
		Hdr: dns.RR_Header{Name: last + ".", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: 900},
		Ns:  ns, Mbox: mbox, Serial: 1764000000, Refresh: 1800, Retry: 900, Expire: 604800, Minttl: 900,
	}
}

func (w *world) buildSpace() error {
	for _, s := range addressPlan {
		for _, p := range s.prefixes {
			pfx, err := netip.ParsePrefix(p)
			if err != nil {
				return fmt.Errorf("address plan: %w", err)
			}
			w.nets = append(w.nets, Network{Prefix: pfx, ASN: s.asn, Org: s.org, Country: s.country, Region: s.region, Provider: s.provider, Service: s.service})
		}
	}
	for _, x := range isps {
		for _, p := range []string{x.v4, x.v6} {
			if p == "" {
				continue
			}
			pfx, err := netip.ParsePrefix(p)
			if err != nil {
				return fmt.Errorf("isp %s: %w", x.zone, err)
			}
			w.nets = append(w.nets, Network{Prefix: pfx, ASN: x.asn, Org: x.org, Country: x.country})
		}
	}
	for _, op := range w.gen {
		for _, p := range []string{op.v4, op.v6} {
			if p == "" {
				continue
			}
			pfx, err := netip.ParsePrefix(p)
			if err != nil {
				return fmt.Errorf("operator %s: %w", op.name, err)
			}
			w.nets = append(w.nets, Network{Prefix: pfx, ASN: op.asn, Org: op.org, Country: op.country})
		}
	}
	slices.SortFunc(w.nets, func(a, b Network) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return a.Prefix.Bits() - b.Prefix.Bits()
	})
	return nil
}

// network returns the network containing a, or nil. The networks are
// sorted by first address and do not overlap: the one that may hold a is
// the last starting at or before it.
func (w *world) network(a netip.Addr) *Network {
	i, _ := slices.BinarySearchFunc(w.nets, a, func(n Network, a netip.Addr) int {
		if n.Prefix.Addr().Compare(a) <= 0 {
			return -1
		}
		return 1
	})
	if i > 0 && w.nets[i-1].Prefix.Contains(a) {
		return &w.nets[i-1]
	}
	return nil
}

func parsePoolEntries(list []string) (pfx []netip.Prefix, fixed []netip.Addr, err error) {
	for _, s := range list {
		if strings.Contains(s, "/") {
			p, err := netip.ParsePrefix(s)
			if err != nil {
				return nil, nil, err
			}
			pfx = append(pfx, p)
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, nil, err
		}
		fixed = append(fixed, a)
	}
	return pfx, fixed, nil
}

func (w *world) buildPools() error {
	add := func(s poolSpec) error {
		p := &pool{id: s.id, n4: s.n4, n6: s.n6}
		var err error
		if p.v4, p.fixed4, err = parsePoolEntries(s.v4); err != nil {
			return fmt.Errorf("pool %s: %w", s.id, err)
		}
		if p.v6, p.fixed6, err = parsePoolEntries(s.v6); err != nil {
			return fmt.Errorf("pool %s: %w", s.id, err)
		}
		w.pools[s.id] = p
		return nil
	}
	for _, s := range poolSpecs {
		if err := add(s); err != nil {
			return err
		}
	}
	for _, x := range isps {
		s := poolSpec{id: "isp-" + x.zone, v4: []string{x.v4}, n4: 1}
		if x.v6 != "" {
			s.v6, s.n6 = []string{x.v6}, 1
		}
		if err := add(s); err != nil {
			return err
		}
	}
	for _, op := range w.gen {
		s := poolSpec{id: "gen-" + op.name, v4: []string{op.v4}, n4: 1}
		if op.v6 != "" {
			s.v6, s.n6 = []string{op.v6}, 1
		}
		if err := add(s); err != nil {
			return err
		}
	}
	return nil
}

// providerZones are the zones of the world. The zone of a name is the
// longest of them that is a suffix of the name.
var providerZones = []string{
	// DNS operators.
	"cloudflare.com", "googledomains.com", "azure-dns.com", "azure-dns.net", "azure-dns.org", "azure-dns.info",
	"akam.net", "nsone.net", "ultradns.com", "ultradns.net", "ultradns.org", "ultradns.biz", "ultradns.info",
	"ultradns.co.uk", "dnsmadeeasy.com", "domaincontrol.com", "registrar-servers.com", "ui-dns.com", "ui-dns.de",
	"ui-dns.org", "ui-dns.biz", "ovh.net", "anycast.me", "hetzner.com", "hetzner.de", "digitalocean.com",
	"linode.com", "gandi.net", "wixdns.net", "vercel-dns.com", "msft.net",
	// Mail.
	"google.com", "outlook.com", "pphosted.com", "mimecast.com", "mimecast.co.za", "zoho.com", "zoho.eu",
	"secureserver.net", "privateemail.com",
	// Web.
	"cloudflare.net", "cloudfront.net", "amazonaws.com", "akamaiedge.net", "edgekey.net", "edgesuite.net",
	"akamai.net", "akadns.net", "fastly.net", "azurefd.net", "t-msedge.net", "azurewebsites.net",
	"myshopify.com", "herokudns.com", "netlify.app", "github.io", "squarespace.com", "googlehosted.com",
	"ondigitalocean.app", "akamaitechnologies.com",
}

// reservedNames are names the word lists of names.go can draw that are
// real providers' own domains in the catalog: a simulated site under one
// of them would be taken for the provider (TestPopulationNamesOutsideCatalog
// lists new ones).
var reservedNames = []string{
	"bigcommerce.com", "cargocollective.com", "fastmail.com", "freshworks.com", "keyweb.de",
	"networksolutions.com", "stackpath.com", "webflow.com", "worksmobile.com",
}

// awsdnsTLDs are the four TLDs Route 53 spreads a delegation set over.
var awsdnsTLDs = []string{"com", "net", "org", "co.uk"}

func (w *world) addZone(name string) *zone {
	if z, ok := w.zones[name]; ok {
		return z
	}
	z := &zone{name: name, fqdn: name + "."}
	w.zones[name] = z
	for s := name; ; {
		w.reserved[s] = true
		_, rest, ok := strings.Cut(s, ".")
		if !ok {
			break
		}
		s = rest
	}
	st := &staticName{name: name, fqdn: z.fqdn, zone: z, apex: z}
	w.names[name] = st
	return z
}

func (w *world) buildZones() {
	for _, z := range slices.Concat(providerZones, certZones) {
		w.addZone(z)
	}
	for i := range 64 {
		for _, t := range awsdnsTLDs {
			w.addZone(fmt.Sprintf("awsdns-%02d.%s", i, t))
		}
	}
	for _, x := range isps {
		w.addZone(x.zone)
	}
	for _, op := range w.gen {
		w.addZone(op.name)
		if op.alt != "" {
			w.addZone(op.alt)
		}
	}
}

// zoneOf returns the zone a name lives in, or nil.
func (w *world) zoneOf(name string) *zone {
	for s := name; ; {
		if z, ok := w.zones[s]; ok {
			return z
		}
		_, rest, ok := strings.Cut(s, ".")
		if !ok {
			return nil
		}
		s = rest
	}
}

// host adds a static host name with addresses from pool (nil for none).
func (w *world) host(name, poolID, tag string) *staticName {
	if st, ok := w.names[name]; ok {
		return st
	}
	st := &staticName{name: name, fqdn: name + ".", zone: w.zoneOf(name), tag: tag}
	if poolID != "" {
		p := w.pools[poolID]
		h := hashString(name)
		for _, a := range p.addrs(nil, h, false) {
			st.addrs = append(st.addrs, a)
			st.a = append(st.a, &dns.A{Hdr: rrHeader(st.fqdn, dns.TypeA, 300), A: net.IP(a.AsSlice())})
		}
		if p.has6() {
			for _, a := range p.addrs(nil, h, true) {
				st.addrs = append(st.addrs, a)
				st.aaaa = append(st.aaaa, &dns.AAAA{Hdr: rrHeader(st.fqdn, dns.TypeAAAA, 300), AAAA: net.IP(a.AsSlice())})
			}
		}
	}
	w.names[name] = st
	return st
}

func rrHeader(name string, t uint16, ttl uint32) dns.RR_Header {
	return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
}

// cloudflareNames are first names of the kind Cloudflare gives its name
// servers (kate.ns.cloudflare.com).
var cloudflareNames = []string{
	"ada", "adam", "alex", "alice", "amy", "anna", "arch", "art", "athena", "bart", "ben", "bob",
	"brad", "carl", "cass", "chad", "cheryl", "chin", "clyde", "cody", "coco", "dana", "dave", "dawn",
	"dina", "dom", "duke", "elle", "emma", "ernest", "fay", "gabe", "gail", "gina", "greg", "hank",
	"hugo", "ida", "igor", "ines", "ivan", "jack", "jay", "jean", "josh", "kate", "kay", "kevin",
	"kipp", "lara", "lee", "leo", "lina", "liv", "lola", "lou", "lucy", "mark", "mary", "max",
	"meg", "mike", "nash", "naomi", "nina", "noah", "olga", "pablo", "paul", "pete", "rayne", "rick",
	"rob", "rose", "roxy", "sara", "scott", "sean", "sue", "tim", "tom", "uma", "val", "vera",
	"walt", "will", "zoe",
}

func (w *world) buildDNS() {
	// Cloudflare: two first names under ns.cloudflare.com.
	cf := make([]*staticName, len(cloudflareNames))
	for i, n := range cloudflareNames {
		cf[i] = w.host(n+".ns.cloudflare.com", "cloudflare-ns", pCloudflareDNS)
	}
	var cfSets [][]*staticName
	for i := range cf {
		for _, d := range []int{7, 23, 41} {
			cfSets = append(cfSets, []*staticName{cf[i], cf[(i+d)%len(cf)]})
		}
	}
	w.dns[dnsCloudflare] = nsFamily{id: pCloudflareDNS, rname: "dns.cloudflare.com", sets: cfSets}

	// Route 53: ns-N.awsdns-NN.{com,net,org,co.uk}, one per TLD; N in
	// 0..2047, the TLD is N/512 and NN is (N mod 512)/8, as Route 53 names
	// its servers.
	r53 := make([]*staticName, 2048)
	for n := range 2048 {
		r53[n] = w.host(fmt.Sprintf("ns-%d.awsdns-%02d.%s", n, n%512/8, awsdnsTLDs[n/512]), "route53-ns", pRoute53)
	}
	var r53Sets [][]*staticName
	for i := range 512 {
		r53Sets = append(r53Sets, []*staticName{
			r53[i], r53[512+(i*37+11)%512], r53[1024+(i*101+57)%512], r53[1536+(i*211+301)%512],
		})
	}
	w.dns[dnsRoute53] = nsFamily{id: pRoute53, rname: "awsdns-hostmaster.amazon.com", sets: r53Sets}

	// Google Cloud DNS: ns-cloud-X1..X4.googledomains.com.
	var gSets [][]*staticName
	for _, l := range "abcde" {
		var set []*staticName
		for k := 1; k <= 4; k++ {
			set = append(set, w.host(fmt.Sprintf("ns-cloud-%c%d.googledomains.com", l, k), "google-ns", pGoogleDNS))
		}
		gSets = append(gSets, set)
	}
	w.dns[dnsGoogle] = nsFamily{id: pGoogleDNS, rname: "cloud-dns-hostmaster.google.com", sets: gSets}

	// Azure DNS: ns1-0X.azure-dns.com, ns2-0X.azure-dns.net, ns3-0X.azure-dns.org, ns4-0X.azure-dns.info.
	var azSets [][]*staticName
	for x := 1; x <= 9; x++ {
		var set []*staticName
		for k, t := range []string{"com", "net", "org", "info"} {
			set = append(set, w.host(fmt.Sprintf("ns%d-%02d.azure-dns.%s", k+1, x, t), "azure-dns", pAzureDNS))
		}
		azSets = append(azSets, set)
	}
	w.dns[dnsAzure] = nsFamily{id: pAzureDNS, rname: "azuredns-hostmaster.microsoft.com", sets: azSets}

	// Akamai Edge DNS: six of aN-6X.akam.net.
	var ak []*staticName
	for n := 1; n <= 28; n++ {
		for x := 64; x <= 67; x++ {
			ak = append(ak, w.host(fmt.Sprintf("a%d-%d.akam.net", n, x), "akamai-ns", pAkamaiDNS))
		}
	}
	var akSets [][]*staticName
	for i := range 64 {
		var set []*staticName
		for k := range 6 {
			set = append(set, ak[(i*5+k*19)%len(ak)])
		}
		akSets = append(akSets, set)
	}
	w.dns[dnsAkamai] = nsFamily{id: pAkamaiDNS, rname: "hostmaster.akamai.com", sets: akSets}

	// NS1: dns1..dns4.pNN.nsone.net.
	var ns1Sets [][]*staticName
	for p := 1; p <= 9; p++ {
		var set []*staticName
		for k := 1; k <= 4; k++ {
			set = append(set, w.host(fmt.Sprintf("dns%d.p%02d.nsone.net", k, p), "ns1-ns", pNS1))
		}
		ns1Sets = append(ns1Sets, set)
	}
	w.dns[dnsNS1] = nsFamily{id: pNS1, rname: "hostmaster.nsone.net", sets: ns1Sets}

	// UltraDNS: pdnsN.ultradns.{net,com,org,biz,info,co.uk}.
	var udSets [][]*staticName
	for n := 1; n <= 64; n++ {
		var set []*staticName
		for _, t := range []string{"net", "com", "org", "biz", "info", "co.uk"} {
			set = append(set, w.host(fmt.Sprintf("pdns%d.ultradns.%s", n+132, t), "ultradns-ns", pUltraDNS))
		}
		udSets = append(udSets, set)
	}
	w.dns[dnsUltra] = nsFamily{id: pUltraDNS, rname: "hostmaster.ultradns.net", sets: udSets}

	// DNS Made Easy: ns0..ns4 or ns10..ns15.dnsmadeeasy.com.
	var dme0, dme1 []*staticName
	for k := 0; k <= 4; k++ {
		dme0 = append(dme0, w.host(fmt.Sprintf("ns%d.dnsmadeeasy.com", k), "dme-ns", pDNSMadeEasy))
	}
	for k := 10; k <= 15; k++ {
		dme1 = append(dme1, w.host(fmt.Sprintf("ns%d.dnsmadeeasy.com", k), "dme-ns", pDNSMadeEasy))
	}
	w.dns[dnsDME] = nsFamily{id: pDNSMadeEasy, rname: "dns.dnsmadeeasy.com", sets: [][]*staticName{dme0, dme1}}

	// GoDaddy: pairs nsNN/nsNN+1.domaincontrol.com.
	var gdSets [][]*staticName
	for k := 1; k < 80; k += 2 {
		gdSets = append(gdSets, []*staticName{
			w.host(fmt.Sprintf("ns%02d.domaincontrol.com", k), "godaddy-ns", pGoDaddyDNS),
			w.host(fmt.Sprintf("ns%02d.domaincontrol.com", k+1), "godaddy-ns", pGoDaddyDNS),
		})
	}
	w.dns[dnsGoDaddy] = nsFamily{id: pGoDaddyDNS, rname: "dns.jomax.net", sets: gdSets}

	// Namecheap: dns1/dns2 (free) or pdns1/pdns2 (premium) .registrar-servers.com.
	nc := func(n string) *staticName { return w.host(n+".registrar-servers.com", "namecheap-ns", pNamecheapDNS) }
	w.dns[dnsNamecheap] = nsFamily{id: pNamecheapDNS, rname: "hostmaster.registrar-servers.com", sets: [][]*staticName{
		{nc("dns1"), nc("dns2")}, {nc("dns1"), nc("dns2")}, {nc("dns1"), nc("dns2")}, {nc("pdns1"), nc("pdns2")},
	}}

	// IONOS: nsNNNN.ui-dns.{com,de,org,biz}.
	var ioSets [][]*staticName
	for n := 1000; n < 1100; n += 3 {
		var set []*staticName
		for _, t := range []string{"com", "biz", "de", "org"} {
			set = append(set, w.host(fmt.Sprintf("ns%d.ui-dns.%s", n, t), "ionos-ns", pIONOSDNS))
		}
		ioSets = append(ioSets, set)
	}
	w.dns[dnsIONOS] = nsFamily{id: pIONOSDNS, rname: "hostmaster.1und1.com", sets: ioSets}

	// OVH: dnsN.ovh.net + nsN.ovh.net, or dnsN/nsN.anycast.me.
	var ovhSets [][]*staticName
	for n := 10; n <= 19; n++ {
		ovhSets = append(ovhSets, []*staticName{
			w.host(fmt.Sprintf("dns%d.ovh.net", n), "ovh-ns", pOVHDNS),
			w.host(fmt.Sprintf("ns%d.ovh.net", n), "ovh-ns", pOVHDNS),
		})
	}
	for n := 200; n <= 202; n++ {
		ovhSets = append(ovhSets, []*staticName{
			w.host(fmt.Sprintf("dns%d.anycast.me", n), "ovh-ns", pOVHDNS),
			w.host(fmt.Sprintf("ns%d.anycast.me", n), "ovh-ns", pOVHDNS),
		})
	}
	w.dns[dnsOVH] = nsFamily{id: pOVHDNS, rname: "tech.ovh.net", sets: ovhSets}

	w.dns[dnsHetzner] = nsFamily{id: pHetznerDNS, rname: "dns.hetzner.com", sets: [][]*staticName{{
		w.host("hydrogen.ns.hetzner.com", "hetzner-ns", pHetznerDNS),
		w.host("oxygen.ns.hetzner.com", "hetzner-ns", pHetznerDNS),
		w.host("helium.ns.hetzner.de", "hetzner-ns", pHetznerDNS),
	}}}
	w.dns[dnsDO] = nsFamily{id: pDODNS, rname: "hostmaster.digitalocean.com", sets: [][]*staticName{{
		w.host("ns1.digitalocean.com", "do-ns", pDODNS),
		w.host("ns2.digitalocean.com", "do-ns", pDODNS),
		w.host("ns3.digitalocean.com", "do-ns", pDODNS),
	}}}
	var lin []*staticName
	for k := 1; k <= 5; k++ {
		lin = append(lin, w.host(fmt.Sprintf("ns%d.linode.com", k), "linode-ns", pLinode))
	}
	w.dns[dnsLinode] = nsFamily{id: pLinode, rname: "hostmaster.linode.com", sets: [][]*staticName{lin}}

	var gaSets [][]*staticName
	for n := 1; n <= 64; n++ {
		var set []*staticName
		for _, x := range "abc" {
			set = append(set, w.host(fmt.Sprintf("ns-%d-%c.gandi.net", n*3+100, x), "gandi-ns", pGandiDNS))
		}
		gaSets = append(gaSets, set)
	}
	w.dns[dnsGandi] = nsFamily{id: pGandiDNS, rname: "hostmaster.gandi.net", sets: gaSets}

	var wixSets [][]*staticName
	for k := 0; k < 14; k += 2 {
		wixSets = append(wixSets, []*staticName{
			w.host(fmt.Sprintf("ns%d.wixdns.net", k), "wix-ns", pWix),
			w.host(fmt.Sprintf("ns%d.wixdns.net", k+1), "wix-ns", pWix),
		})
	}
	w.dns[dnsWix] = nsFamily{id: pWix, rname: "support.wix.com", sets: wixSets}

	w.dns[dnsVercel] = nsFamily{id: pVercel, rname: "hostmaster.nsone.net", sets: [][]*staticName{{
		w.host("ns1.vercel-dns.com", "ns1-ns", pVercel),
		w.host("ns2.vercel-dns.com", "ns1-ns", pVercel),
	}}}

	// Self and ISP delegations are per domain; their families carry only
	// the provider ID.
	w.dns[dnsSelf] = nsFamily{id: Self}
	w.dns[dnsISP] = nsFamily{id: ""}

	for _, x := range isps {
		info := ispInfo{isp: x, id: registrable(x.zone), pool: w.pools["isp-"+x.zone]}
		host := func(n string) *staticName {
			st := w.host(n+"."+x.zone, "isp-"+x.zone, "")
			st.op = info.id
			return st
		}
		info.ns = []*staticName{host("ns1"), host("ns2")}
		info.mx = []mxHost{{10, host("mx1")}, {20, host("mx2")}}
		w.isps = append(w.isps, info)
	}
	w.buildGen()
	w.buildCorp()
}

// corpSet is a delegation set under a catalogued company's own domain
// that no product suffix of the catalog matches: the catalog names it
// through the company's owner domains (evidence owner_domain) as the
// company's DNS service, id. TestCatalogConsistency checks that it does.
type corpSet struct {
	id    string
	pool  string
	rname string
	hosts []string
}

// corpSets are the name servers of dnsCorp: the corporate name servers
// that large companies serve their own brands' sites from.
var corpSets = []corpSet{
	{ownerGoogleDNS, "google-ns", "dns-admin.google.com", []string{"ns1.google.com", "ns2.google.com", "ns3.google.com", "ns4.google.com"}},
	{ownerMicrosoftDNS, "azure-dns", "msnhst.microsoft.com", []string{"ns1.msft.net", "ns2.msft.net", "ns3.msft.net", "ns4.msft.net"}},
	{ownerCloudflareDNS, "cloudflare-ns", "dns.cloudflare.com", []string{"ns3.cloudflare.com", "ns4.cloudflare.com", "ns5.cloudflare.com"}},
}

// corpSet returns the delegation set of dnsCorp under domain d.
func (w *world) corpSet(d string) []*staticName {
	for _, set := range w.dns[dnsCorp].sets {
		if strings.HasSuffix(set[0].name, "."+d) {
			return set
		}
	}
	return nil
}

// buildCorp builds the delegation sets of dnsCorp.
func (w *world) buildCorp() {
	f := nsFamily{}
	for _, c := range corpSets {
		var set []*staticName
		for _, n := range c.hosts {
			set = append(set, w.host(n, c.pool, c.id))
		}
		f.sets = append(f.sets, set)
		w.corp = append(w.corp, c)
	}
	w.dns[dnsCorp] = f
}

func (w *world) buildMail() {
	g := func(n string) *staticName { return w.host(n, "google-mail", pWorkspace) }
	w.googleLegacy = []mxHost{
		{1, g("aspmx.l.google.com")}, {5, g("alt1.aspmx.l.google.com")}, {5, g("alt2.aspmx.l.google.com")},
		{10, g("alt3.aspmx.l.google.com")}, {10, g("alt4.aspmx.l.google.com")},
	}
	w.googleNew = []mxHost{{1, g("smtp.google.com")}}
	for _, r := range []string{"eu", "us", "de", "au"} {
		w.mimecast[r] = []mxHost{
			{10, w.host(r+"-smtp-inbound-1.mimecast.com", "mimecast-"+r, pMimecast)},
			{10, w.host(r+"-smtp-inbound-2.mimecast.com", "mimecast-"+r, pMimecast)},
		}
	}
	w.mimecast["za"] = []mxHost{
		{10, w.host("za-smtp-inbound-1.mimecast.co.za", "mimecast-za", pMimecast)},
		{10, w.host("za-smtp-inbound-2.mimecast.co.za", "mimecast-za", pMimecast)},
	}
	w.zohoCom = []mxHost{
		{10, w.host("mx.zoho.com", "zoho-us", pZoho)}, {20, w.host("mx2.zoho.com", "zoho-us", pZoho)},
		{50, w.host("mx3.zoho.com", "zoho-us", pZoho)},
	}
	w.zohoEU = []mxHost{
		{10, w.host("mx.zoho.eu", "zoho-eu", pZoho)}, {20, w.host("mx2.zoho.eu", "zoho-eu", pZoho)},
		{50, w.host("mx3.zoho.eu", "zoho-eu", pZoho)},
	}
	w.godaddyMX = []mxHost{
		{0, w.host("smtp.secureserver.net", "godaddy-mail", pGoDaddyEmail)},
		{10, w.host("mailstore1.secureserver.net", "godaddy-mail", pGoDaddyEmail)},
	}
	w.namecheapMX = []mxHost{
		{10, w.host("mx1.privateemail.com", "namecheap-mail", pNamecheapEmail)},
		{10, w.host("mx2.privateemail.com", "namecheap-mail", pNamecheapEmail)},
	}
}

// akamaiEdgeLabels are the second labels of Akamai edge host names.
var akamaiEdgeLabels = []string{"a", "b", "dscb", "dscx", "dsca", "dscd", "dscg", "dsce"}

func (w *world) buildTargets() {
	// Akamai edge names are shared by many properties; 512 of them.
	for i := range 512 {
		num := 1000 + (i*7919)%98000
		l := akamaiEdgeLabels[i%len(akamaiEdgeLabels)]
		w.akamaiEdge = append(w.akamaiEdge, w.host(fmt.Sprintf("e%d.%s.akamaiedge.net", num, l), "akamai-edge", pAkamaiCDN))
		w.akamaiNet = append(w.akamaiNet, w.host(fmt.Sprintf("a%d.%s.akamai.net", 100+(i*4099)%9000, l), "akamai-edge", pAkamaiCDN))
	}
	for i := range 64 {
		w.msEdge = append(w.msEdge, w.host(fmt.Sprintf("shed.dual-low.s-part-%04d.t-%04d.t-msedge.net", i+1, 9), "frontdoor", pFrontDoor))
	}
	for c := 'a'; c <= 'z'; c++ {
		w.fastlySNI = append(w.fastlySNI, w.host(fmt.Sprintf("dualstack.%c.sni.global.fastly.net", c), "fastly", pFastly))
	}
	w.shopify = w.host("shops.myshopify.com", "shopify-shops", pShopify)
	w.vercel = w.host("cname.vercel-dns.com", "vercel-cname", pVercel)
	w.square = w.host("ext-cust.squarespace.com", "squarespace", pSquarespace)
	w.wix = w.host("cdn1.wixdns.net", "wix", pWix)
	w.ghs = w.host("ghs.googlehosted.com", "google-ghs", pGoogleCloud)
	// Names under a company's own domain that no product suffix matches:
	// the catalog names the company through its owner domains.
	w.ghs46 = w.host("ghs46.googlehosted.com", "google-ghs", ownerGoogleWeb)
	for i := range 64 {
		w.akamaiTech = append(w.akamaiTech, w.host(fmt.Sprintf("a%d.g.akamaitechnologies.com", 1000+i*37), "akamai-edge", ownerAkamaiWeb))
	}
}

// assignZoneNS gives each zone of the world its name servers and SOA. The
// choices are plausible, not verified (a provider's own servers, or a DNS
// operator it is known or likely to use); they feed the provider-to-
// provider edges the crawler sees when it looks up the zones of CNAME
// targets.
func (w *world) assignZoneNS() error {
	set := func(k dnsKind, i int) []*staticName { s := w.dns[k].sets; return s[i%len(s)] }
	// Name servers of operators' own zones get addresses like their peers.
	cfOwn := []*staticName{w.host("ns3.cloudflare.com", "cloudflare-ns", ""), w.host("ns4.cloudflare.com", "cloudflare-ns", ""), w.host("ns5.cloudflare.com", "cloudflare-ns", "")}
	googleOwn := []*staticName{w.host("ns1.google.com", "google-ns", ""), w.host("ns2.google.com", "google-ns", ""), w.host("ns3.google.com", "google-ns", ""), w.host("ns4.google.com", "google-ns", "")}
	assign := map[string][]*staticName{
		"cloudflare.com": cfOwn, "cloudflare.net": cfOwn, "myshopify.com": set(dnsCloudflare, 17),
		"googledomains.com": googleOwn, "google.com": googleOwn, "googlehosted.com": googleOwn,
		"squarespace.com": set(dnsGoogle, 2),
		"akam.net":        set(dnsAkamai, 0), "akamaiedge.net": set(dnsAkamai, 1), "edgekey.net": set(dnsAkamai, 2),
		"edgesuite.net": set(dnsAkamai, 3), "akamai.net": set(dnsAkamai, 4), "akadns.net": set(dnsAkamai, 5),
		"akamaitechnologies.com": set(dnsAkamai, 6),
		"nsone.net":              set(dnsNS1, 0), "netlify.app": set(dnsNS1, 3), "fastly.net": set(dnsNS1, 5),
		"vercel-dns.com": set(dnsVercel, 0),
		"github.io":      append(slices.Clone(set(dnsNS1, 7)), set(dnsRoute53, 99)...),
		"cloudfront.net": set(dnsRoute53, 1), "amazonaws.com": set(dnsRoute53, 2), "herokudns.com": set(dnsRoute53, 3),
		"dnsmadeeasy.com": set(dnsDME, 0), "domaincontrol.com": set(dnsGoDaddy, 0), "secureserver.net": set(dnsGoDaddy, 1),
		"registrar-servers.com": set(dnsNamecheap, 3), "privateemail.com": set(dnsNamecheap, 0),
		"ovh.net": set(dnsOVH, 0), "anycast.me": set(dnsOVH, 10), "hetzner.com": set(dnsHetzner, 0), "hetzner.de": set(dnsHetzner, 0),
		"digitalocean.com": set(dnsDO, 0), "ondigitalocean.app": set(dnsCloudflare, 31), "linode.com": set(dnsLinode, 0),
		"gandi.net": set(dnsGandi, 0), "wixdns.net": set(dnsWix, 0),
		"outlook.com": set(dnsAzure, 0), "azurefd.net": set(dnsAzure, 1), "t-msedge.net": set(dnsAzure, 2),
		"azurewebsites.net": set(dnsAzure, 3), "msft.net": w.corpSet("msft.net"),
		"pphosted.com": set(dnsUltra, 0), "mimecast.com": set(dnsUltra, 1), "mimecast.co.za": set(dnsUltra, 2),
		"zoho.com": set(dnsUltra, 3), "zoho.eu": set(dnsUltra, 4),
	}
	// The CAs' zones (ca.go); plausible, not verified, like the rest.
	// Edgio's phicdn.net is served by its own Edgecast DNS.
	edgioNS := []*staticName{w.host("ns1.edgecastdns.net", "edgio-ns", pEdgioDNS), w.host("ns2.edgecastdns.net", "edgio-ns", pEdgioDNS)}
	assign["lencr.org"] = set(dnsNS1, 11)
	assign["digicert.com"] = set(dnsUltra, 6)
	assign["phicdn.net"], assign["edgecastdns.net"] = edgioNS, edgioNS
	assign["sectigo.com"] = set(dnsCloudflare, 43)
	assign["pki.goog"] = googleOwn
	assign["amazontrust.com"] = set(dnsRoute53, 5)
	assign["globalsign.com"] = set(dnsCloudflare, 47)
	assign["quillmarkca.net"] = set(dnsHetzner, 0)
	for _, t := range []string{"com", "net", "org", "info"} {
		assign["azure-dns."+t] = set(dnsAzure, 4)
	}
	for _, t := range []string{"com", "net", "org", "biz", "info", "co.uk"} {
		assign["ultradns."+t] = set(dnsUltra, 5)
	}
	for _, t := range []string{"com", "de", "org", "biz"} {
		assign["ui-dns."+t] = set(dnsIONOS, 0)
	}
	for i := range 64 {
		for k, t := range awsdnsTLDs {
			assign[fmt.Sprintf("awsdns-%02d.%s", i, t)] = set(dnsRoute53, i*4+k)
		}
	}
	for _, x := range w.isps {
		assign[x.zone] = x.ns
	}
	for _, op := range w.gen {
		assign[op.name] = op.fam.sets[0]
		if op.alt != "" {
			assign[op.alt] = op.fam.sets[0]
		}
	}
	for name, z := range w.zones {
		ns, ok := assign[name]
		if !ok || len(ns) == 0 {
			return fmt.Errorf("zone %s has no name servers", name)
		}
		z.ns = ns
		rname := "hostmaster." + name
		z.soa = &dns.SOA{
			Hdr: rrHeader(z.fqdn, dns.TypeSOA, 3600),
			Ns:  ns[0].fqdn, Mbox: rname + ".",
			Serial: uint32(2025000000 + hashString(name)%1000000), Refresh: 7200, Retry: 3600, Expire: 1209600, Minttl: 300,
		}
		for _, n := range ns {
			z.nsRRs = append(z.nsRRs, &dns.NS{Hdr: rrHeader(z.fqdn, dns.TypeNS, 172800), Ns: n.fqdn})
		}
	}
	return nil
}

// addEmptyNonTerminals registers the names that exist only because names
// below them do (dscb.akamai.net, cdn.cloudflare.net, elb.amazonaws.com):
// a resolver answers NODATA for them, not NXDOMAIN (RFC 8020), and a
// crawler walking up from a CNAME target to its zone must not stop there.
func (w *world) addEmptyNonTerminals() {
	var leaves []string
	for name, st := range w.names {
		if st.apex == nil {
			leaves = append(leaves, name)
		}
	}
	for _, s := range famSpecs {
		if s.suffix != "" {
			leaves = append(leaves, s.suffix[1:])
		}
	}
	for _, o := range origins {
		if o.www == famELB {
			leaves = append(leaves, o.pool[len("aws-"):]+famSpecs[famELB].suffix)
		}
	}
	slices.Sort(leaves) // a fixed order, for determinism of the map contents
	for _, name := range leaves {
		z := w.zoneOf(name)
		if z == nil {
			continue
		}
		for n := name; n != z.name; {
			if _, ok := w.names[n]; !ok {
				w.names[n] = &staticName{name: n, fqdn: n + ".", zone: z}
			}
			_, rest, _ := strings.Cut(n, ".")
			n = rest
		}
	}
}

// ispFor returns the ISP a domain under tld uses when it runs its own
// servers or hosts at a local provider: the ISP of the TLD's country when
// the simulation has one, else one chosen by h.
func (w *world) ispFor(t string, h uint64) uint8 {
	for i, x := range w.isps {
		if slices.Contains(x.tlds, t) {
			return uint8(i)
		}
	}
	return uint8(h % uint64(len(w.isps)))
}

// serialFor returns a zone serial in the YYYYMMDDnn style, in 2025.
func serialFor(h uint64) uint32 {
	month, day, n := 1+h%12, 1+h>>8%28, h>>16%100
	return uint32(2025000000 + month*10000 + day*100 + n)
}
