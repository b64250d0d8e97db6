package simnet

import (
	"encoding/binary"
	"net/netip"
)

// Network is one prefix of the simulated address space, with what the
// simulated reference data says about it.
type Network struct {
	Prefix  netip.Prefix
	ASN     uint32
	Org     string
	Country string // ISO 3166-1 alpha-2
	// Region is the provider region the prefix serves ("us-east-1"), empty
	// for anycast and non-regional space.
	Region string
	// Provider is the catalog provider the simulation intends the prefix
	// to map to: through the provider's published range file when
	// rangeFiles writes one for it, else through the ASN. The space of a
	// DNS-only provider (a DNS operator's name servers) counts on no web
	// layer. It is "" when neither is in the catalog (an ISP, an operator
	// the catalog does not know, mail infrastructure).
	Provider string
	// Service is the service the provider's range file lists the prefix
	// under when it is not the provider's generic one (Route 53's name
	// servers are "ROUTE53" in AWS's file), "" otherwise.
	Service string
}

// netSpec is a row of the address plan: prefixes, AS and country. Where a
// row says "published", the prefix is one the operator publishes (range
// files, RIR and routing data) as of 2025; other rows are plausible
// assignments made for the simulation only, and nothing should be inferred
// from them about the real network.
type netSpec struct {
	prefixes []string
	asn      uint32
	org      string
	country  string
	region   string
	provider string
	service  string
}

// addressPlan lists every network of the simulated internet. Prefixes never
// overlap (a test checks), so the ASN and country databases have exactly
// one answer per address.
var addressPlan = []netSpec{
	// Cloudflare, AS13335: published ranges (cloudflare.com/ips). 23.227.38.0/24
	// carries Shopify storefronts and is announced by Cloudflare.
	{[]string{"104.16.0.0/13", "172.64.0.0/13", "173.245.48.0/20", "108.162.192.0/18", "2606:4700::/32"}, 13335, "CLOUDFLARENET", "US", "", pCloudflareCDN, ""},
	{[]string{"23.227.38.0/24"}, 13335, "CLOUDFLARENET", "CA", "", pCloudflareCDN, ""},

	// Amazon, AS16509 / AS14618: published in ip-ranges.json (CloudFront,
	// Route 53 name servers, EC2 per region). 75.2.60.0/24 (Global
	// Accelerator, Netlify's load balancer) and 76.76.21.0/24 (Vercel) are
	// plausible assignments.
	{[]string{"13.224.0.0/14", "2600:9000:2000::/36"}, 16509, "AMAZON-02", "US", "", pEC2, ""},
	{[]string{"205.251.192.0/21", "2600:9000:5300::/45"}, 16509, "AMAZON-02", "US", "", pEC2, "ROUTE53"},
	{[]string{"3.208.0.0/12", "2600:1f18::/32"}, 14618, "AMAZON-AES", "US", "us-east-1", pEC2, ""},
	{[]string{"34.208.0.0/12", "2600:1f14::/32"}, 16509, "AMAZON-02", "US", "us-west-2", pEC2, ""},
	{[]string{"34.240.0.0/13", "2a05:d018::/32"}, 16509, "AMAZON-02", "IE", "eu-west-1", pEC2, ""},
	{[]string{"3.120.0.0/14", "2a05:d014::/32"}, 16509, "AMAZON-02", "DE", "eu-central-1", pEC2, ""},
	{[]string{"13.112.0.0/14", "2406:da14::/32"}, 16509, "AMAZON-02", "JP", "ap-northeast-1", pEC2, ""},
	{[]string{"13.236.0.0/14", "2406:da1c::/32"}, 16509, "AMAZON-02", "AU", "ap-southeast-2", pEC2, ""},
	{[]string{"18.228.0.0/16", "2600:1f1e::/32"}, 16509, "AMAZON-02", "BR", "sa-east-1", pEC2, ""},
	{[]string{"75.2.60.0/24", "76.76.21.0/24"}, 16509, "AMAZON-02", "US", "", pEC2, ""},

	// Google, AS15169 (services, Cloud DNS name servers, mail) and AS396982
	// (Google Cloud regions): published in goog.json / cloud.json.
	{[]string{"142.250.0.0/15", "216.239.32.0/19", "2001:4860::/32", "2a00:1450::/32"}, 15169, "GOOGLE", "US", "", pGoogleCloud, ""},
	{[]string{"34.66.0.0/16", "2600:1900:4000::/44"}, 396982, "GOOGLE-CLOUD-PLATFORM", "US", "us-central1", pGoogleCloud, ""},
	{[]string{"34.76.0.0/14", "2600:1900:4010::/44"}, 396982, "GOOGLE-CLOUD-PLATFORM", "BE", "europe-west1", pGoogleCloud, ""},
	{[]string{"34.80.0.0/15", "2600:1900:4030::/44"}, 396982, "GOOGLE-CLOUD-PLATFORM", "TW", "asia-east1", pGoogleCloud, ""},

	// Microsoft, AS8075: Front Door and Azure DNS anycast (13.107.0.0/16,
	// 2620:1ec::/36), Exchange Online Protection (52.100.0.0/14,
	// 2a01:111:f400::/40), Azure regions (service tags).
	{[]string{"13.107.0.0/16", "40.90.0.0/16", "2620:1ec::/36"}, 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US", "", pAzure, ""},
	{[]string{"52.100.0.0/14", "2a01:111:f400::/40"}, 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US", "", pAzure, ""},
	{[]string{"20.42.0.0/15", "2603:1030:200::/40"}, 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "US", "eastus", pAzure, ""},
	{[]string{"20.50.0.0/16", "2603:1020:200::/40"}, 8075, "MICROSOFT-CORP-MSN-AS-BLOCK", "NL", "westeurope", pAzure, ""},

	// Akamai: AS20940 edge (23.32.0.0/11, 2a02:26f0::/29, published in RIR
	// data); AS21342 for the akam.net name servers (plausible).
	{[]string{"23.32.0.0/11", "2a02:26f0::/29"}, 20940, "Akamai International B.V.", "US", "", pAkamaiCDN, ""},
	{[]string{"193.108.88.0/24", "2600:1401:2::/48"}, 21342, "AKAMAI-ASN2", "US", "", pAkamaiDNS, ""},

	// Fastly, AS54113: published (api.fastly.com/public-ip-list).
	{[]string{"151.101.0.0/16", "2a04:4e42::/32"}, 54113, "FASTLY", "US", "", pFastly, ""},

	// Cloud and hosting companies (RIR data; regions plausible).
	{[]string{"159.65.0.0/16", "2604:a880::/32"}, 14061, "DIGITALOCEAN-ASN", "US", "nyc", pDOHosting, ""},
	{[]string{"188.166.0.0/16", "2a03:b0c0::/32"}, 14061, "DIGITALOCEAN-ASN", "NL", "ams", pDOHosting, ""},
	{[]string{"88.198.0.0/16", "213.133.96.0/19", "2a01:4f8::/32"}, 24940, "Hetzner Online GmbH", "DE", "fsn1", pHetznerHosting, ""},
	{[]string{"65.108.0.0/16", "2a01:4f9::/32"}, 24940, "Hetzner Online GmbH", "FI", "hel1", pHetznerHosting, ""},
	{[]string{"51.38.0.0/16", "213.186.32.0/19", "2001:41d0::/32"}, 16276, "OVH SAS", "FR", "gra", pOVHHosting, ""},
	{[]string{"144.217.0.0/16"}, 16276, "OVH SAS", "CA", "bhs", pOVHHosting, ""},
	{[]string{"45.33.0.0/17", "2600:3c00::/32"}, 63949, "Akamai Connected Cloud", "US", "us-east", pLinode, ""},
	{[]string{"139.162.0.0/16"}, 63949, "Akamai Connected Cloud", "DE", "eu-central", pLinode, ""},
	{[]string{"160.153.0.0/16", "68.178.128.0/17"}, 26496, "AS-26496-GO-DADDY-COM-LLC", "US", "", pGoDaddyHosting, ""},

	// Platforms. GitHub Pages by its CNAMEs and GitHub's published ranges
	// (api.github.com/meta, "pages"; its AS is not in the catalog);
	// Squarespace and Wix also by their AS.
	{[]string{"185.199.108.0/22", "2606:50c0::/32"}, 36459, "GITHUB", "US", "", pGitHubPages, "pages"},
	{[]string{"198.185.159.0/24", "198.49.23.0/24"}, 53831, "SQUARESPACE", "US", "", pSquarespace, ""},
	{[]string{"185.230.60.0/22"}, 58182, "Wix.com Ltd.", "IL", "", pWix, ""},

	// DNS infrastructure (name server addresses; plausible). The DNS
	// operators announce their own ASes.
	{[]string{"97.74.96.0/19", "173.201.64.0/19"}, 44273, "GODADDY-DNS", "US", "", "", ""},
	{[]string{"198.51.44.0/23", "2620:4d:4000::/48"}, 62597, "NSONE", "US", "", pNS1, ""},
	{[]string{"156.154.64.0/20", "156.154.128.0/20", "2610:a1::/32"}, 12008, "ULTRADNS", "US", "", pUltraDNS, ""},
	{[]string{"208.94.148.0/22"}, 16552, "TIGGEE", "US", "", pDNSMadeEasy, ""},
	{[]string{"217.160.0.0/16", "2001:8d8::/32"}, 8560, "IONOS-AS", "DE", "", pIONOSHosting, ""},
	{[]string{"217.70.176.0/20", "2001:4b98::/32"}, 29169, "GANDI.NET", "FR", "", pGandiHosting, ""},

	// Mail infrastructure (plausible).
	{[]string{"148.163.128.0/19", "67.231.144.0/20"}, 26211, "PROOFPOINT-ASN-US-WEST", "US", "", "", ""},
	{[]string{"91.220.42.0/24"}, 30031, "MIMECAST", "GB", "", "", ""},
	{[]string{"205.139.110.0/24"}, 30031, "MIMECAST", "US", "", "", ""},
	{[]string{"185.58.84.0/22"}, 30031, "MIMECAST", "DE", "", "", ""},
	{[]string{"103.13.69.0/24"}, 30031, "MIMECAST", "AU", "", "", ""},
	{[]string{"41.74.192.0/20"}, 30031, "MIMECAST", "ZA", "", "", ""},
	{[]string{"136.143.188.0/23"}, 2639, "ZOHO-AS", "US", "", "", ""},
	{[]string{"185.20.208.0/22"}, 2639, "ZOHO-AS", "NL", "", "", ""},
	{[]string{"198.54.112.0/20"}, 22612, "NAMECHEAP-NET", "US", "", pNamecheapHosting, ""},

	// Edgio (Edgecast), AS15133: the CDN behind DigiCert's OCSP and CRL
	// hosts (fp2e7a.wpc.phicdn.net, 192.229.211.108, as resolvers showed
	// it in 2023) and its DNS (RIR data).
	{[]string{"192.229.128.0/17", "192.16.0.0/18", "2606:2800::/32"}, 15133, "EDGECAST", "US", "", pEdgioCDN, ""},
}

// isp is a local access or hosting ISP that is not in the catalog: its
// name and mail servers are named by its registrable domain, sites in its
// space by its AS ("as13030"). The AS numbers are the ISPs' real ones; the
// prefixes are plausible assignments for the simulation.
// TestUncataloguedAbsentFromCatalog fails if the catalog learns one.
type isp struct {
	zone    string // the ISP's own domain, for its name and mail servers
	asn     uint32
	org     string
	country string
	v4, v6  string
	tlds    []string // TLDs whose domains prefer this ISP
}

var isps = []isp{
	{"init7.net", 13030, "INIT7", "CH", "77.109.128.0/19", "2001:1620::/32", []string{"ch"}},
	{"netcologne.de", 8422, "NETCOLOGNE", "DE", "78.35.0.0/16", "2001:4dd0::/32", []string{"de", "eu"}},
	{"bahnhof.net", 8473, "BAHNHOF", "SE", "83.233.0.0/16", "2a00:801::/32", []string{"se"}},
	{"internode.on.net", 4739, "INTERNODE-AS", "AU", "150.101.0.0/16", "2001:44b8::/32", []string{"com.au"}},
	{"zen.co.uk", 13037, "ZEN-AS", "GB", "82.68.0.0/14", "2a02:8010::/32", []string{"co.uk"}},
	{"netia.pl", 12741, "NETIA", "PL", "83.238.0.0/16", "2a01:1d0::/32", []string{"pl"}},
	{"free.fr", 12322, "PROXAD", "FR", "82.64.0.0/14", "2a01:e00::/32", []string{"fr"}},
	{"kpn.net", 1136, "KPN", "NL", "77.160.0.0/14", "2a02:a40::/32", []string{"nl"}},
	{"teksavvy.com", 5645, "TEKSAVVY", "CA", "206.248.128.0/18", "2607:f2c0::/32", []string{"ca"}},
	{"claro.net.br", 28573, "CLARO S.A.", "BR", "179.208.0.0/12", "", []string{"com.br"}},
	{"rcn.net", 6079, "RCN-AS", "US", "207.237.0.0/16", "", nil},
	{"viewqwest.com", 18106, "VIEWQWEST-SG-AP", "SG", "202.73.32.0/19", "2406:3003::/32", nil},
}

// pool is a range addresses of one kind are drawn from: a provider's
// proxied-site addresses, a region's instances, a name server farm. Its
// ranges lie inside networks of addressPlan (a test checks). A host gets
// n4 IPv4 and n6 IPv6 addresses, drawn deterministically from its hash;
// fixed addresses, when given, are used as they are.
type pool struct {
	id     string
	v4     []netip.Prefix
	v6     []netip.Prefix
	fixed4 []netip.Addr
	fixed6 []netip.Addr
	n4, n6 int
}

// addrs appends the addresses of a host with hash h to dst: IPv4 when v4
// is set, IPv6 when v6 is set.
func (p *pool) addrs(dst []netip.Addr, h uint64, v6 bool) []netip.Addr {
	if v6 {
		if len(p.fixed6) > 0 {
			return append(dst, p.fixed6...)
		}
		for i := range p.n6 {
			dst = append(dst, pick6(p.v6[(int(h>>3)+i)%len(p.v6)], mix(h, uint64(i)+101)))
		}
		return dst
	}
	if len(p.fixed4) > 0 {
		return append(dst, p.fixed4...)
	}
	for i := range p.n4 {
		dst = append(dst, pick4(p.v4[(int(h>>3)+i)%len(p.v4)], mix(h, uint64(i)+1)))
	}
	return dst
}

// has6 reports whether the pool has IPv6 addresses.
func (p *pool) has6() bool { return len(p.v6) > 0 || len(p.fixed6) > 0 }

// pick4 returns an address of prefix p chosen by h, avoiding the first
// and last address of each /24 so that no host looks like a network or
// broadcast address.
func pick4(p netip.Prefix, h uint64) netip.Addr {
	b := p.Addr().As4()
	base := binary.BigEndian.Uint32(b[:])
	size := uint64(1) << (32 - p.Bits())
	off := uint32(h % size)
	if size >= 256 {
		if last := off & 0xff; last == 0 || last == 0xff {
			off ^= 0x81
		}
	}
	binary.BigEndian.PutUint32(b[:], base+off)
	return netip.AddrFrom4(b)
}

// pick6 returns an address of prefix p (at most /64 bits of choice) chosen
// by h, with a short interface identifier as operators tend to assign.
func pick6(p netip.Prefix, h uint64) netip.Addr {
	b := p.Addr().As16()
	hostBits := 128 - p.Bits()
	// The subnet part (bits between the prefix and /64) and a 16-bit
	// interface identifier.
	if hostBits > 64 {
		subnetBits := hostBits - 64
		if subnetBits > 32 {
			subnetBits = 32
		}
		sub := (h >> 16) & (1<<subnetBits - 1)
		hi := binary.BigEndian.Uint64(b[:8]) | sub
		binary.BigEndian.PutUint64(b[:8], hi)
		hostBits = 64
	}
	iid := h&0xfff + 1
	if hostBits < 16 {
		iid &= 1<<hostBits - 1
	}
	lo := binary.BigEndian.Uint64(b[8:]) | iid
	binary.BigEndian.PutUint64(b[8:], lo)
	return netip.AddrFrom16(b)
}
