package simnet

import "github.com/chokepoint-dev/chokepoint/data/catalog"

// The market model. Every table below is an approximation, written down so
// that the simulated population can be argued about: shares are rounded
// and blended from public figures of late 2024 and 2025, and were chosen to
// look like a list of popular sites (a Tranco-like top list), not like the
// whole web. They are not measurements and must never be reported as such.
//
// Sources the figures were blended from (orders of magnitude and rankings,
// not exact values):
//   - W3Techs, usage statistics of DNS server providers, of reverse proxy
//     services and of e-mail server providers (w3techs.com/technologies),
//     2025: Cloudflare far ahead for DNS and reverse proxies; GoDaddy,
//     Amazon, Google, Microsoft next.
//   - Cloudflare Radar (radar.cloudflare.com) and its 2024 Year in Review:
//     the share of popular domains behind Cloudflare.
//   - Kashaf, Sekar, Agarwal, "Analyzing Third Party Service Dependencies
//     in Modern Web Services: Have We Learned from the Mirai-Dyn
//     Incident?", IMC 2020: most top sites depend on a third-party DNS
//     provider and only a small minority add a second one; CDN use is
//     concentrated on Cloudflare, Akamai, CloudFront and Fastly.
//   - Public surveys of the MX records of top-domain lists, 2023-2024:
//     Google Workspace and Microsoft 365 together above half, secure
//     e-mail gateways (Proofpoint, Mimecast) next, a sizeable minority
//     without MX.
//
// Google's CDN, which such surveys also list, is left out: the catalog
// has no entry for it.
//
// Not every operator is in the catalog, on the real web or here. About a
// quarter of the population (23 % of the resolving domains; a test checks
// the range 15-25 %) depends on at least one operator the catalog does not
// know, as lists of top sites do once the long tail is counted:
//   - 150 generated DNS operators ("<word><word>dns.net", uncatalogued.go),
//     7 % of the DNS table, sized by a Zipf law so that a few serve many
//     domains and most serve a handful; a quarter of them spread their
//     delegation sets over two TLDs (ns1.<op>.net + ns2.<op>.org); 40 % of
//     their customers' SOA names the customer as rname (hostmaster.<site>),
//     the trap where a shared operator looks like self-hosting;
//   - 40 generated hosting companies (9 % of the origins of directly
//     hosted sites): apex in their own AS, www on their address or a
//     CNAME to <slug>-<token>.<hostco>, and for 40 % of their customers
//     their name servers too;
//   - 20 generated mail operators (2.5 % of the mail table), MX
//     mx1/mx2.<mailco>;
//   - the local ISPs of isps (space.go): 10 % of direct origins, 2.5 % of
//     the DNS table, 2 % of the mail table.
//
// Every generated operator has its own address space in a private-use AS
// (64512-65534, RFC 6996) that no catalog may claim. A shared operator
// serves at least two domains of the population whenever it serves one:
// Generate moves the sole customer of a DNS operator to another one, since
// the classifier takes a name-server operator that only one domain of the
// list uses, for a site whose SOA names it, for the site itself.
//
// Beside them, shapes of the catalogued providers that product suffixes do
// not show: vanity name servers (ns1/ns2.<site> on Cloudflare's, Route
// 53's or NS1's addresses, 2.5 % of the DNS table); corporate name
// servers of large companies' brands (ns1.google.com, ns1.msft.net,
// ns3.cloudflare.com: 1 %) and CNAME targets under companies' own domains
// (ghs46.googlehosted.com, aNNNN.g.akamaitechnologies.com), both named by
// the catalog's owner domains; private CDNs (www CNAME
// edge.<site>-cdn.<tld>, a zone the site's own name servers serve, 1.5 %);
// S3 website buckets (a quarter of the provider CNAMEs of sites on AWS).
//
// Weights are in basis points (1/10,000) of the population a table applies
// to; every table sums to 10,000 (a test checks).

// Provider IDs the simulation uses. Each must exist in the catalog with the
// layer the simulation gives it; TestCatalogConsistency checks both. The
// operators the catalog does not know have no constant here: their truth
// ids are their registrable domains and AS numbers (truth.go).
const (
	pCloudflareDNS  = "cloudflare-dns"
	pCloudflareCDN  = "cloudflare-cdn"
	pRoute53        = "amazon-route53"
	pCloudFront     = "amazon-cloudfront"
	pEC2            = "amazon-ec2"
	pELB            = "amazon-elb"
	pS3             = "amazon-s3"
	pGoogleDNS      = "google-clouddns"
	pGoogleCloud    = "google-cloud"
	pWorkspace      = "google-workspace"
	pAzureDNS       = "microsoft-azuredns"
	pFrontDoor      = "microsoft-frontdoor"
	pAzure          = "microsoft-azure"
	pM365           = "microsoft-365"
	pAkamaiDNS      = "akamai-edgedns"
	pAkamaiCDN      = "akamai-cdn"
	pLinode         = "akamai-linode"
	pFastly         = "fastly-cdn"
	pGoDaddyDNS     = "godaddy-dns"
	pGoDaddyHosting = "godaddy-hosting"
	pGoDaddyEmail   = "godaddy-email"
	pNS1            = "ibm-ns1"
	pUltraDNS       = "digicert-ultradns"
	pDNSMadeEasy    = "digicert-dnsmadeeasy"
	pNamecheapDNS   = "namecheap-dns"
	pNamecheapEmail = "namecheap-privateemail"
	// Namecheap's and IONOS's hosting ASes carry only their mail and name
	// servers in the simulation; no web host lives there.
	pNamecheapHosting = "namecheap-hosting"
	pIONOSHosting     = "ionos-hosting"
	pIONOSDNS         = "ionos-dns"
	pOVHDNS           = "ovh-dns"
	pOVHHosting       = "ovh-hosting"
	pHetznerDNS       = "hetzner-dns"
	pHetznerHosting   = "hetzner-hosting"
	pDODNS            = "digitalocean-dns"
	pDOHosting        = "digitalocean-hosting"
	pGandiDNS         = "gandi-dns"
	// Gandi's AS carries only its name servers in the simulation.
	pGandiHosting = "gandi-hosting"
	pProofpoint   = "proofpoint-email"
	pMimecast     = "mimecast-email"
	pZoho         = "zoho-mail"
	pShopify      = "shopify-platform"
	pWix          = "wix-platform"
	pSquarespace  = "squarespace-platform"
	pGitHubPages  = "github-pages"
	pNetlify      = "netlify-cdn"
	pVercel       = "vercel-cdn"
	pHeroku       = "salesforce-heroku"
	// Edgio's DNS serves phicdn.net, the CDN zone of DigiCert's OCSP host
	// (ca.go).
	pEdgioDNS = "edgio-route"
	pEdgioCDN = "edgio-edgecast"

	// Self is the provider ID of a self-hosted dependency, as the
	// classifier writes it.
	Self = "self"
)

// Ids the catalog gives names under companies' own domains that no
// product suffix matches (evidence owner_domain): the company's one (or
// main) product on the layer, or "<company>-unknown" when it has none
// there. TestCatalogConsistency checks them.
const (
	ownerGoogleDNS     = pGoogleDNS          // ns1.google.com
	ownerMicrosoftDNS  = "microsoft-unknown" // ns1.msft.net
	ownerCloudflareDNS = pCloudflareDNS      // ns3.cloudflare.com
	ownerGoogleWeb     = "google-unknown"    // ghs46.googlehosted.com
	ownerAkamaiWeb     = pAkamaiCDN          // a1000.g.akamaitechnologies.com
)

// unknownLayers gives the web layer of the "<company>-unknown" ids the
// simulation uses for CNAME targets: the company's web layer in the
// catalog.
var unknownLayers = map[string]catalog.Layer{"google-unknown": catalog.LayerHosting, "akamai-unknown": catalog.LayerCDN}

// webLayer returns the layer web evidence for id counts on.
func webLayer(id string) catalog.Layer {
	if l, ok := webLayers[id]; ok {
		return l
	}
	return unknownLayers[id]
}

// Shapes of catalogued providers' names outside their product suffixes.
const (
	ghs46BP       = 3000 // of the ghs CNAMEs of sites on Google Cloud: ghs46.googlehosted.com
	akamaiTechPct = 10   // of the www of Akamai sites: a CNAME to aNNNN.g.akamaitechnologies.com
)

// webLayers gives the layer on which CNAME and address evidence for a web
// provider counts, as the catalog says (cdn for a CDN, hosting otherwise).
var webLayers = map[string]catalog.Layer{
	pCloudflareCDN: catalog.LayerCDN, pCloudFront: catalog.LayerCDN, pAkamaiCDN: catalog.LayerCDN,
	pFastly: catalog.LayerCDN, pFrontDoor: catalog.LayerCDN, pEdgioCDN: catalog.LayerCDN, pNetlify: catalog.LayerCDN, pVercel: catalog.LayerCDN,
	pEC2: catalog.LayerHosting, pELB: catalog.LayerHosting, pS3: catalog.LayerHosting, pGoogleCloud: catalog.LayerHosting, pAzure: catalog.LayerHosting,
	pLinode: catalog.LayerHosting, pGoDaddyHosting: catalog.LayerHosting, pOVHHosting: catalog.LayerHosting,
	pHetznerHosting: catalog.LayerHosting, pDOHosting: catalog.LayerHosting, pShopify: catalog.LayerHosting,
	pWix: catalog.LayerHosting, pSquarespace: catalog.LayerHosting, pGitHubPages: catalog.LayerHosting,
	pHeroku: catalog.LayerHosting, pNamecheapHosting: catalog.LayerHosting, pIONOSHosting: catalog.LayerHosting,
	pGandiHosting: catalog.LayerHosting,
}

// weighted is one row of a market table.
type weighted[T any] struct {
	v T
	w int // basis points
}

// table is a market table: choices with weights summing to 10,000.
type table[T any] []weighted[T]

// total is the sum of the weights.
func (t table[T]) total() int {
	n := 0
	for _, r := range t {
		n += r.w
	}
	return n
}

// pick returns the choice that u (uniform over 64 bits) falls on.
func (t table[T]) pick(u uint64) T {
	x := int(u % uint64(t.total()))
	for _, r := range t {
		if x < r.w {
			return r.v
		}
		x -= r.w
	}
	return t[len(t)-1].v
}

// chance reports whether u falls within bp basis points.
func chance(u uint64, bp int) bool { return int(u%10000) < bp }

// status of a simulated domain.
type status uint8

const (
	statusOK       status = iota
	statusNXDomain        // the registry does not know the domain
	statusServFail        // lame or DNSSEC-broken delegation: the resolver gives up
	statusTimeout         // the authoritative servers do not answer at all
)

// statusTable: broken delegations are rare among popular sites; the rates
// are of the order measured for top lists (about 1-2 % failing in total).
var statusTable = table[status]{
	{statusOK, 9870},
	{statusNXDomain, 50},
	{statusServFail, 50},
	{statusTimeout, 30},
}

// webKind is how a domain's apex and www are served.
type webKind uint8

const (
	webDirect            webKind = iota // apex and www on an origin (cloud region, hoster or ISP)
	webCloudflareProxied                // full Cloudflare setup: NS at Cloudflare, A/AAAA in Cloudflare space
	webCloudflareCNAME                  // partial setup: www CNAME to <host>.cdn.cloudflare.net, apex on the origin
	webCloudFront                       // www CNAME to dXXXX.cloudfront.net, apex on the origin
	webAkamai                           // www CNAME via edgekey/edgesuite to Akamai, apex on Akamai addresses
	webFastly                           // www CNAME to Fastly, apex on Fastly anycast addresses
	webFrontDoor                        // www CNAME to Azure Front Door, apex on the origin
	webShopify                          // Shopify store: www CNAME shops.myshopify.com, apex on Cloudflare
	webNetlify                          // www CNAME <site>.netlify.app, apex on Netlify's load balancer (AWS)
	webVercel                           // www CNAME cname.vercel-dns.com, apex 76.76.21.21 (AWS)
	webHeroku                           // www CNAME <app>.herokudns.com, apex ALIAS to the same (AWS)
	webGitHubPages                      // www CNAME <user>.github.io, apex on GitHub's four addresses
	webSquarespace                      // www CNAME ext-cust.squarespace.com, apex on Squarespace
	webWix                              // www CNAME cdn1.wixdns.net, apex on Wix
	webPrivateCDN                       // www CNAME edge.<site>-cdn.<tld>, a zone of the site's own name servers; apex at the ISP
)

// webProfile is one way of serving a site, with its share and the
// dependencies it brings.
type webProfile struct {
	kind webKind
	name string
	w    int
	// origins is the table of origin hosting for the hosts not behind the
	// CDN; nil when the profile has no origin of its own in view.
	origins table[originID]
	// dns forces the DNS provider with probability dnsBP: a proxied
	// Cloudflare site has its NS at Cloudflare.
	dns   dnsKind
	dnsBP int
	// v6BP is the probability that the site publishes AAAA records.
	v6BP int
}

// webProfiles: about 40 % of top sites use a CDN, Cloudflare far ahead
// (W3Techs, Cloudflare Radar), then CloudFront, Akamai, Fastly, Azure Front
// Door; the rest is hosted directly, a fifth of it at local ISPs and small
// hosters the catalog does not know. Platforms (Shopify, Squarespace, Wix,
// PaaS) make up a few percent; a few large sites run their own CDN under
// another of their domains, on their own name servers.
var webProfiles = []webProfile{
	{webDirect, "direct", 5350, originsGeneral, dnsNone, 0, 3000},
	{webCloudflareProxied, "cloudflare-proxied", 1600, nil, dnsCloudflare, 10000, 9000},
	{webCloudflareCNAME, "cloudflare-cname", 200, originsGeneral, dnsNone, 0, 9000},
	{webCloudFront, "cloudfront", 700, originsAWS, dnsNone, 0, 5000},
	{webAkamai, "akamai", 450, nil, dnsNone, 0, 5000},
	{webFastly, "fastly", 300, nil, dnsNone, 0, 5000},
	{webFrontDoor, "frontdoor", 150, originsAzure, dnsNone, 0, 6000},
	{webShopify, "shopify", 200, nil, dnsNone, 0, 0},
	{webNetlify, "netlify", 150, nil, dnsNone, 0, 0},
	{webVercel, "vercel", 150, nil, dnsVercel, 3000, 0},
	{webHeroku, "heroku", 100, nil, dnsNone, 0, 0},
	{webGitHubPages, "github-pages", 100, nil, dnsNone, 0, 5000},
	{webSquarespace, "squarespace", 200, nil, dnsNone, 0, 0},
	{webWix, "wix", 200, nil, dnsWix, 7000, 0},
	{webPrivateCDN, "private-cdn", 150, nil, dnsSelf, 10000, 5000},
}

// webTable indexes webProfiles by weight.
func webTable() table[uint8] {
	t := make(table[uint8], len(webProfiles))
	for i, p := range webProfiles {
		t[i] = weighted[uint8]{uint8(i), p.w}
	}
	return t
}

// originID names an origin: a cloud region, a hoster, or the domain's ISP.
type originID uint8

const (
	originAWSUSEast1 originID = iota
	originAWSUSWest2
	originAWSEUWest1
	originAWSEUCentral1
	originAWSAPNortheast1
	originAWSAPSoutheast2
	originAWSSAEast1
	originGCPUSCentral1
	originGCPEuropeWest1
	originGCPAsiaEast1
	originAzureEastUS
	originAzureWestEurope
	originDONYC
	originDOAMS
	originHetznerFSN1
	originHetznerHEL1
	originOVHGRA
	originOVHBHS
	originLinodeUS
	originLinodeDE
	originGoDaddy
	originISP
	originHostCo // a generated hosting company: Generate stores originHostCos+k
	numOrigins
)

// originHostCos is the first originID of the generated hosting companies:
// originHostCos+k is hosting company k of uncatalogued.go.
const originHostCos = numOrigins

// originSpec describes an origin: the pool its addresses come from and the
// provider CNAME its www may point to (an ELB name, an App Service name).
type originSpec struct {
	name string
	pool string // "" for originISP: the domain's ISP pool
	www  family // provider CNAME family for www, famNone when none
}

var origins = [numOrigins]originSpec{
	originAWSUSEast1:      {"aws-us-east-1", "aws-us-east-1", famELB},
	originAWSUSWest2:      {"aws-us-west-2", "aws-us-west-2", famELB},
	originAWSEUWest1:      {"aws-eu-west-1", "aws-eu-west-1", famELB},
	originAWSEUCentral1:   {"aws-eu-central-1", "aws-eu-central-1", famELB},
	originAWSAPNortheast1: {"aws-ap-northeast-1", "aws-ap-northeast-1", famELB},
	originAWSAPSoutheast2: {"aws-ap-southeast-2", "aws-ap-southeast-2", famELB},
	originAWSSAEast1:      {"aws-sa-east-1", "aws-sa-east-1", famELB},
	originGCPUSCentral1:   {"gcp-us-central1", "gcp-us-central1", famGHS},
	originGCPEuropeWest1:  {"gcp-europe-west1", "gcp-europe-west1", famGHS},
	originGCPAsiaEast1:    {"gcp-asia-east1", "gcp-asia-east1", famGHS},
	originAzureEastUS:     {"azure-eastus", "azure-eastus", famAzureWeb},
	originAzureWestEurope: {"azure-westeurope", "azure-westeurope", famAzureWeb},
	originDONYC:           {"do-nyc", "do-nyc", famDOApp},
	originDOAMS:           {"do-ams", "do-ams", famDOApp},
	originHetznerFSN1:     {"hetzner-fsn1", "hetzner-fsn1", famNone},
	originHetznerHEL1:     {"hetzner-hel1", "hetzner-hel1", famNone},
	originOVHGRA:          {"ovh-gra", "ovh-gra", famNone},
	originOVHBHS:          {"ovh-bhs", "ovh-bhs", famNone},
	originLinodeUS:        {"linode-us", "linode-us", famNone},
	originLinodeDE:        {"linode-de", "linode-de", famNone},
	originGoDaddy:         {"godaddy", "godaddy", famNone},
	originISP:             {"isp", "", famNone},
	originHostCo:          {"hostco", "", famHostCo},
}

// originsGeneral: where sites that are not behind a platform run. AWS
// leads with about a quarter (us-east-1 the largest region), Google Cloud
// and Azure follow; DigitalOcean, Hetzner, OVH, Linode and GoDaddy share
// the long tail with local ISPs and small hosting companies the catalog
// does not know, a fifth together (W3Techs web hosting and data-centre
// statistics, rounded).
var originsGeneral = table[originID]{
	{originAWSUSEast1, 1500}, {originAWSUSWest2, 500}, {originAWSEUWest1, 450}, {originAWSEUCentral1, 250},
	{originAWSAPNortheast1, 150}, {originAWSAPSoutheast2, 100}, {originAWSSAEast1, 50},
	{originGCPUSCentral1, 500}, {originGCPEuropeWest1, 250}, {originGCPAsiaEast1, 100},
	{originAzureEastUS, 500}, {originAzureWestEurope, 300},
	{originDONYC, 450}, {originDOAMS, 250},
	{originHetznerFSN1, 450}, {originHetznerHEL1, 250},
	{originOVHGRA, 450}, {originOVHBHS, 250},
	{originLinodeUS, 250}, {originLinodeDE, 100},
	{originGoDaddy, 1000},
	{originISP, 1000},
	{originHostCo, 900},
}

// originsAWS: CloudFront distributions mostly front AWS origins.
var originsAWS = table[originID]{
	{originAWSUSEast1, 5000}, {originAWSUSWest2, 1500}, {originAWSEUWest1, 1500}, {originAWSEUCentral1, 500},
	{originAWSAPNortheast1, 500}, {originGCPUSCentral1, 500}, {originISP, 500},
}

// originsAzure: Front Door mostly fronts Azure origins.
var originsAzure = table[originID]{
	{originAzureEastUS, 5000}, {originAzureWestEurope, 3000}, {originAWSUSEast1, 1000}, {originISP, 1000},
}

// wwwStyles for direct hosting: www with its own A record, www CNAME to the
// apex, or www CNAME to the provider's name (ELB, App Service, App
// Platform, ghs.googlehosted.com, the hosting company's name) when the
// origin has one. A quarter of the provider CNAMEs of AWS origins are S3
// website buckets (www.<site>.s3.amazonaws.com) rather than an ELB.
const (
	wwwPlainBP = 4500
	wwwAliasBP = 3000 // the rest (2,500) is the provider CNAME
	wwwS3BP    = 2500 // of the provider CNAMEs of AWS origins
)

// dnsKind is a DNS operator of the model.
type dnsKind uint8

const (
	dnsCloudflare dnsKind = iota
	dnsRoute53
	dnsGoDaddy
	dnsSelf // ns1/ns2 under the domain itself, on ISP addresses
	dnsGoogle
	dnsAzure
	dnsAkamai
	dnsNS1
	dnsUltra
	dnsDME
	dnsNamecheap
	dnsIONOS
	dnsOVH
	dnsHetzner
	dnsDO
	dnsLinode
	dnsGandi
	dnsWix
	dnsVercel
	dnsISP       // the ISP's or a small registrar's name servers: not in the catalog
	dnsVanityCF  // ns1/ns2.<domain> on Cloudflare's name-server addresses (custom name servers)
	dnsVanityR53 // ns1/ns2.<domain> on Route 53's name-server addresses (white-label name servers)
	dnsVanityNS1 // ns1/ns2.<domain> on NS1's name-server addresses (white-label name servers)
	dnsHostCo    // the name servers of the domain's generated hosting company
	dnsCorp      // name servers under a catalogued company's own domain, not a product suffix (corpNS)
	dnsGen       // a generated DNS operator: Generate stores dnsGens+k
	numDNS
	dnsNone dnsKind = 0xff
)

// dnsGens is the first dnsKind of the generated DNS operators: dnsGens+k
// is DNS operator k of uncatalogued.go.
const dnsGens = numDNS

// selfNS reports whether operator k puts ns1/ns2 under the domain itself.
func selfNS(k dnsKind) bool {
	return k == dnsSelf || k == dnsVanityCF || k == dnsVanityR53 || k == dnsVanityNS1
}

// dnsTable: the DNS operator of domains whose web profile does not force
// one. Cloudflare's total share (about 23 %) is this row plus the proxied
// sites and the vanity name servers; Route 53, GoDaddy, self-hosted (about
// 10 %), Google, Azure, Akamai, NS1, UltraDNS, DNS Made Easy, registrar
// and hoster DNS follow (W3Techs DNS server providers; Kashaf et al.
// 2020), then the long tail the catalog does not know: local ISPs and the
// generated operators.
var dnsTable = table[dnsKind]{
	{dnsCloudflare, 900}, {dnsRoute53, 1650}, {dnsGoDaddy, 1050}, {dnsSelf, 1000},
	{dnsGoogle, 500}, {dnsAzure, 400}, {dnsAkamai, 350}, {dnsNS1, 200}, {dnsUltra, 250},
	{dnsDME, 150}, {dnsNamecheap, 650}, {dnsIONOS, 450}, {dnsOVH, 400}, {dnsHetzner, 250},
	{dnsDO, 300}, {dnsLinode, 80}, {dnsGandi, 120}, {dnsISP, 250},
	{dnsVanityCF, 120}, {dnsVanityR53, 80}, {dnsVanityNS1, 50}, {dnsCorp, 100}, {dnsGen, 700},
}

// hostcoDNSBP is the share of the customers of a generated hosting company
// (when their profile forces no DNS operator) who use its name servers.
const hostcoDNSBP = 4000

// soaTrapBP is the share of the customers of an uncatalogued DNS operator
// whose zone's SOA has their own address as rname (hostmaster.<site>)
// rather than the operator's: the operator's default template, edited.
const soaTrapBP = 4000

// redundantBP is the share of domains (without a forced DNS operator)
// that draw a second operator; a draw equal to the primary adds nothing,
// so about 6.5 % of the resolving domains end up with two. Kashaf et al.
// found about 6 % of top sites with redundant DNS providers.
const redundantBP = 850

// secondaryTable: the second operator of a redundant setup, typically an
// enterprise DNS service paired with another (Route 53 + NS1, Akamai +
// UltraDNS, Cloudflare + own servers).
var secondaryTable = table[dnsKind]{
	{dnsNS1, 2500}, {dnsUltra, 2000}, {dnsRoute53, 2000}, {dnsDME, 1000},
	{dnsAkamai, 1000}, {dnsSelf, 1000}, {dnsCloudflare, 500},
}

// emailKind is a mail operator of the model.
type emailKind uint8

const (
	emailGoogle emailKind = iota
	emailM365
	emailProofpoint
	emailMimecast
	emailZoho
	emailGoDaddy
	emailNamecheap
	emailSelf // mail.<domain> on ISP addresses
	emailISP  // the ISP's mail servers: not in the catalog
	emailNone // no MX record
	emailGen  // a generated mail operator: Generate stores emailGens+k
	numEmail
)

// emailGens is the first emailKind of the generated mail operators:
// emailGens+k is mail operator k of uncatalogued.go.
const emailGens = numEmail

// emailTable: Google Workspace about 30 %, Microsoft 365 about 25 %,
// gateways (Proofpoint, Mimecast), Zoho, hoster mail, self-hosted about
// 10 %, small mail operators and ISPs the catalog does not know, no MX
// about 15 %.
var emailTable = table[emailKind]{
	{emailGoogle, 3000}, {emailM365, 2500}, {emailProofpoint, 500}, {emailMimecast, 300},
	{emailZoho, 300}, {emailGoDaddy, 300}, {emailNamecheap, 200}, {emailSelf, 900},
	{emailISP, 200}, {emailGen, 250}, {emailNone, 1550},
}

// Smaller features, in basis points of the domains that resolve.
const (
	noWWWBP          = 200  // www does not exist (NXDOMAIN on www only)
	googleLegacyMXBP = 7000 // Google Workspace with the five aspmx hosts rather than smtp.google.com
	idnBP            = 50   // internationalised names (punycode)
)

// tld is a public suffix the population is registered under.
type tld struct {
	name    string
	country string // for the choice of ISP and mail region; "" for generic TLDs
	w       int
}

// tlds: a top list's mix, .com about half, country-code TLDs for a third,
// including the multi-label public suffixes co.uk, com.au, com.br, co.jp,
// co.za. Each TLD's registry is in registries (tld.go). .cn came last,
// with weight taken from the row before it, so that no other domain's TLD
// changed.
var tlds = []tld{
	{"com", "", 5380}, {"net", "", 400}, {"org", "", 450}, {"io", "", 200}, {"co", "", 80},
	{"ai", "", 60}, {"app", "", 50}, {"dev", "", 40}, {"de", "DE", 600}, {"co.uk", "GB", 450},
	{"fr", "FR", 300}, {"nl", "NL", 220}, {"com.au", "AU", 200}, {"com.br", "BR", 220},
	{"co.jp", "JP", 120}, {"ca", "CA", 200}, {"it", "IT", 180}, {"es", "ES", 150},
	{"pl", "PL", 130}, {"se", "SE", 100}, {"ch", "CH", 100}, {"in", "IN", 120},
	{"ru", "RU", 150}, {"eu", "", 60}, {"co.za", "ZA", 25},
	{"cn", "CN", 15},
}

func tldTable() table[uint8] {
	t := make(table[uint8], len(tlds))
	for i, x := range tlds {
		t[i] = weighted[uint8]{uint8(i), x.w}
	}
	return t
}
