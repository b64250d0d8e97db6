package catalog

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func defaultCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return c
}

func TestDefault(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	if n := len(c.Providers()); n < 800 {
		t.Errorf("embedded catalog has %d providers, want at least 800", n)
	}
	if !regexp.MustCompile(`^[0-9]{4}\.[0-9]{2}\.[0-9]{2}-[0-9]+$`).MatchString(c.Version) {
		t.Errorf("version %q is not YYYY.MM.DD-N", c.Version)
	}
	perLayer := make(map[Layer]int)
	for _, p := range c.Providers() {
		if len(p.Sources) == 0 || len(p.Layers) == 0 {
			t.Errorf("%s: %d sources, %d layers", p.ID, len(p.Sources), len(p.Layers))
		}
		for _, l := range p.Layers {
			perLayer[l]++
		}
		if len(p.NSSuffixes)+len(p.CNAMESuffixes)+len(p.MXSuffixes)+len(p.ASNs)+len(p.Issuers) == 0 {
			t.Errorf("%s: no evidence (no suffix, no ASN): nothing can ever point to it", p.ID)
		}
	}
	// The breadth targets of the catalog: providers serving each layer.
	minPerLayer := map[Layer]int{LayerDNS: 400, LayerCDN: 150, LayerHosting: 200, LayerEmail: 100, LayerCA: 30}
	for _, l := range append(slices.Clone(Layers), LayerCA) {
		if perLayer[l] < minPerLayer[l] {
			t.Errorf("layer %s has %d providers, want at least %d", l, perLayer[l], minPerLayer[l])
		}
	}
}

// TestDefaultCompaniesDeclared checks that every company a provider names
// is declared by a company entry in catalog.json or a fragment, not made
// up from the provider's company id.
func TestDefaultCompaniesDeclared(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	var missing []string
	for _, p := range c.Providers() {
		co, ok := c.Company(p.Company)
		if !ok || co.Implicit {
			if !slices.Contains(missing, p.Company) {
				missing = append(missing, p.Company)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("companies used by providers but declared in no file: %v", missing)
	}
}

// TestDefaultHTTPSSources checks that every provider and every declared
// company cites at least one https source.
func TestDefaultHTTPSSources(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	hasHTTPS := func(sources []string) bool {
		return slices.ContainsFunc(sources, func(s string) bool { return strings.HasPrefix(s, "https://") })
	}
	for _, p := range c.Providers() {
		if !hasHTTPS(p.Sources) {
			t.Errorf("provider %s: no https source in %v", p.ID, p.Sources)
		}
	}
	for _, co := range c.Companies() {
		if co.Implicit {
			continue // TestDefaultCompaniesDeclared reports it
		}
		if !hasHTTPS(co.Sources) {
			t.Errorf("company %s: no https source in %v", co.ID, co.Sources)
		}
	}
}

// TestDefaultOwnerDomains checks names under owner domains, among them the
// companies' domains under private public-suffix-list entries
// (cloudflare.net, akamaiedge.net, googleapis.com).
func TestDefaultOwnerDomains(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	tests := []struct {
		name            string
		company, provid string // provid "" for a company domain
	}{
		{"example.com.cdn.cloudflare.net", "cloudflare", ""},
		{"storage.googleapis.com", "google", ""},
		{"example.withgoogle.com", "google", ""},
		{"d-1234567890.awsapps.com", "amazon", ""},
		{"a1234.dscb.akamai.net", "akamai", ""},
		{"e1234.dscb.akamaiedge.net", "akamai", ""},
		{"example.com.edgekey.net", "akamai", ""},
		{"example.com.edgesuite.net", "akamai", ""},
		{"example.akamaized.net", "akamai", ""},
		{"example-f.akamaihd.net", "akamai", ""},
		{"example.com.akadns.net", "akamai", ""},
		{"prod.example.map.fastlylb.net", "fastly", ""},
		{"example.azureedge.net", "microsoft", ""},
		{"storage.yandexcloud.net", "yandex", ""},
		{"example.wixsite.com", "wix", ""},
		{"raw.githubusercontent.com", "github", ""},
		{"example.sakura.ne.jp", "sakura", ""},
		{"api.arvancloud.com", "arvancloud", ""},
		// OCSP, CRL and AIA hosts as the CAs write them in their
		// certificates (issue 12): the CA company's domains.
		{"r11.o.lencr.org", "letsencrypt", ""},
		{"x1.c.lencr.org", "letsencrypt", ""},
		{"ocsp.sectigo.com", "sectigo", ""},
		{"crt.usertrust.com", "sectigo", ""},
		{"ocsp.comodoca.com", "sectigo", ""},
		{"ocsp.digicert.com", "digicert", ""},
		{"status.rapidssl.com", "digicert", ""},
		{"o.pki.goog", "google", ""},
		{"ocsp.r2m02.amazontrust.com", "amazon", ""},
		{"ocsp.globalsign.com", "globalsign", ""},
		{"ocsp.entrust.net", "entrust", ""},
		{"ocsp.starfieldtech.com", "godaddy", ""},
		{"commercial.ocsp.identrust.com", "identrust", ""},
		{"ocsp.buypass.com", "buypass", ""},
		{"ocsp.harica.gr", "harica", ""},
		{"ocsps.ssl.com", "sslcom", ""},
		{"oneocsp.microsoft.com", "microsoft", ""},
		{"a-0001.a-msedge.net", "", ""}, // a product suffix, no owner domain
		{"example.msedge.net", "microsoft", "microsoft-frontdoor"},
		{"notakamai.net", "", ""},
	}
	for _, tc := range tests {
		o, ok := c.MatchDomain(tc.name)
		var gotCompany, gotProvider string
		if ok {
			gotCompany = o.Company.ID
			if o.Provider != nil {
				gotProvider = o.Provider.ID
			}
		}
		if gotCompany != tc.company || gotProvider != tc.provid {
			t.Errorf("MatchDomain(%q) = company %q provider %q, want %q %q", tc.name, gotCompany, gotProvider, tc.company, tc.provid)
		}
	}
}

// TestDefaultRequiredProviders lists, per layer, providers the catalog
// must keep: the ones that dominate real top lists.
func TestDefaultRequiredProviders(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	required := map[Layer][]string{
		LayerDNS: {
			"cloudflare-dns", "amazon-route53", "google-clouddns", "microsoft-azuredns", "akamai-edgedns",
			"ibm-ns1", "digicert-ultradns", "digicert-dnsmadeeasy", "digicert-constellix", "godaddy-dns",
			"namecheap-dns", "ionos-dns", "ovh-dns", "hetzner-dns", "digitalocean-dns", "gandi-dns",
			"oracle-dyn", "oracle-clouddns", "csc-dns", "newfold-markmonitor", "newfold-networksolutions",
			"newfold-registercom", "newfold-bluehost", "easydns-dns", "dnsimple-dns", "cloudns-dns",
			"alibaba-dns", "tencent-dnspod", "yandex-dns", "squarespace-domains", "automattic-wpcom",
			"namecom-dns", "porkbun-dns", "hostinger-dns", "dreamhost-hosting", "tucows-hover",
			"ionos-strato", "ionos-sedo", "godaddy-afternic", "azion-dns", "gcore-dns", "bunny-dns",
			"desec-dns", "hurricaneelectric-dns", "rucenter-dns", "huawei-clouddns", "wix-platform", "vercel-cdn",
		},
		LayerCDN: {
			"cloudflare-cdn", "amazon-cloudfront", "akamai-cdn", "fastly-cdn", "microsoft-frontdoor",
			"netlify-cdn", "vercel-cdn", "edgio-edgecast", "edgio-limelight", "stackpath-cdn",
			"thales-imperva", "godaddy-sucuri", "bunny-cdn", "keycdn-cdn", "cdn77-cdn", "gcore-cdn",
			"alibaba-cdn", "tencent-cdn", "wangsu-cdn", "wangsu-cdnetworks", "chinacache-cdn", "baidu-cdn",
			"azion-cdn", "medianova-cdn", "arvancloud-cdn", "yottaa-cdn", "cachefly-cdn",
		},
		LayerHosting: {
			"amazon-ec2", "google-cloud", "microsoft-azure", "oracle-cloud", "ibm-cloud", "alibaba-cloud",
			"tencent-cloud", "digitalocean-hosting", "akamai-linode", "vultr-hosting", "hetzner-hosting",
			"ovh-hosting", "scaleway-hosting", "contabo-hosting", "leaseweb-hosting", "rackspace-hosting",
			"hostinger-hosting", "newfold-bluehost", "godaddy-hosting", "squarespace-platform", "wix-platform",
			"wpengine-platform", "kinsta-platform", "pantheon-platform", "salesforce-heroku", "render-platform",
			"flyio-platform", "automattic-wpcom", "webflow-platform", "ghost-pro", "hubspot-cms",
			"salesforce-platform", "zendesk-platform", "cloudflare-pages", "google-firebase", "github-pages",
			"shopify-platform", "ionos-strato", "ionos-hosting", "yandex-cloud",
		},
		LayerEmail: {
			"google-workspace", "microsoft-365", "proofpoint-email", "mimecast-email", "zoho-mail",
			"yahoo-mail", "yandex-mail", "barracuda-email", "cisco-secureemail", "trendmicro-email",
			"sophos-email", "fastmail-email", "proton-mail", "apple-icloud", "amazon-ses", "sinch-mailgun",
			"twilio-sendgrid", "ovh-email", "ionos-email", "godaddy-email", "namecheap-privateemail", "vk-mail",
			"tencent-exmail", "netease-mail", "hornetsecurity-email", "forcepoint-email",
			"broadcom-messagelabs", "rackspace-email", "opentext-appriver",
		},
	}
	for _, layer := range Layers {
		t.Run(string(layer), func(t *testing.T) {
			t.Parallel()
			var missing []string
			for _, id := range required[layer] {
				p, ok := c.Provider(id)
				if !ok || !p.HasLayer(layer) {
					missing = append(missing, id)
				}
			}
			if len(missing) > 0 {
				t.Errorf("missing on layer %s: %v", layer, missing)
			}
		})
	}
}

// TestDefaultSeedStable guards the ids other packages use: the seed
// entries keep their id, company and service.
func TestDefaultSeedStable(t *testing.T) {
	t.Parallel()
	type key struct{ ID, Company, Service string }
	want := []key{
		{"cloudflare-dns", "cloudflare", "dns"}, {"cloudflare-cdn", "cloudflare", "cdn"},
		{"amazon-route53", "amazon", "route53"}, {"amazon-cloudfront", "amazon", "cloudfront"},
		{"amazon-ec2", "amazon", "ec2"}, {"google-clouddns", "google", "clouddns"},
		{"google-cloud", "google", "cloud"}, {"google-workspace", "google", "workspace"},
		{"microsoft-azuredns", "microsoft", "azuredns"}, {"microsoft-frontdoor", "microsoft", "frontdoor"},
		{"microsoft-azure", "microsoft", "azure"}, {"microsoft-365", "microsoft", "365"},
		{"akamai-edgedns", "akamai", "edgedns"}, {"akamai-cdn", "akamai", "cdn"},
		{"akamai-linode", "akamai", "linode"}, {"fastly-cdn", "fastly", "cdn"},
		{"godaddy-dns", "godaddy", "dns"}, {"godaddy-hosting", "godaddy", "hosting"},
		{"godaddy-email", "godaddy", "email"}, {"ibm-ns1", "ibm", "ns1"},
		{"digicert-ultradns", "digicert", "ultradns"}, {"digicert-dnsmadeeasy", "digicert", "dnsmadeeasy"},
		{"namecheap-dns", "namecheap", "dns"}, {"namecheap-privateemail", "namecheap", "privateemail"},
		{"ionos-dns", "ionos", "dns"}, {"ovh-dns", "ovh", "dns"}, {"ovh-hosting", "ovh", "hosting"},
		{"hetzner-dns", "hetzner", "dns"}, {"hetzner-hosting", "hetzner", "hosting"},
		{"digitalocean-dns", "digitalocean", "dns"}, {"digitalocean-hosting", "digitalocean", "hosting"},
		{"gandi-dns", "gandi", "dns"}, {"proofpoint-email", "proofpoint", "email"},
		{"mimecast-email", "mimecast", "email"}, {"zoho-mail", "zoho", "mail"},
		{"shopify-platform", "shopify", "platform"}, {"wix-platform", "wix", "platform"},
		{"squarespace-platform", "squarespace", "platform"}, {"github-pages", "github", "pages"},
		{"netlify-cdn", "netlify", "cdn"}, {"vercel-cdn", "vercel", "cdn"},
		{"salesforce-heroku", "salesforce", "heroku"},
	}
	c := defaultCatalog(t)
	var got []key
	for _, w := range want {
		if p, ok := c.Provider(w.ID); ok {
			got = append(got, key{p.ID, p.Company, p.Service})
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("seed providers changed (-want +got):\n%s", diff)
	}
}

// TestDefaultRealWorld checks host names shaped like real answers.
func TestDefaultRealWorld(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	type kind int
	const (
		ns kind = iota
		cname
		mx
	)
	tests := []struct {
		name string
		kind kind
		host string
		want string // provider id, "" for no match
	}{
		{"route53", ns, "ns-1234.awsdns-12.org", "amazon-route53"},
		{"route53 co.uk", ns, "ns-2048.awsdns-00.co.uk.", "amazon-route53"},
		{"cloud dns wildcard beats googledomains", ns, "ns-cloud-a1.googledomains.com", "google-clouddns"},
		{"google domains now squarespace", ns, "ns1.googledomains.com", "squarespace-domains"},
		{"squarespace dns", ns, "nsa1.squarespacedns.com", "squarespace-domains"},
		{"ns1", ns, "dns1.p01.nsone.net", "ibm-ns1"},
		{"ultradns", ns, "pdns1.ultradns.net", "digicert-ultradns"},
		{"akamai edge dns", ns, "a1-64.akam.net", "akamai-edgedns"},
		{"azure dns", ns, "ns1-01.azure-dns.com", "microsoft-azuredns"},
		{"cloudflare", ns, "kate.ns.cloudflare.com", "cloudflare-dns"},
		{"cloudflare upper case", ns, "KATE.NS.CLOUDFLARE.COM.", "cloudflare-dns"},
		{"cloudflare foundation dns", ns, "gold.foundationdns.com", "cloudflare-dns"},
		{"not cloudflare", ns, "ns.notcloudflare.com", ""},
		{"godaddy", ns, "ns01.domaincontrol.com", "godaddy-dns"},
		{"namecheap", ns, "dns1.registrar-servers.com", "namecheap-dns"},
		{"oci dns", ns, "ns1.p68.dns.oraclecloud.net", "oracle-clouddns"},
		{"dyn", ns, "ns1.p01.dynect.net", "oracle-dyn"},
		{"csc", ns, "udns1.cscdns.net", "csc-dns"},
		{"markmonitor", ns, "ns1.markmonitor.com", "newfold-markmonitor"},
		{"network solutions", ns, "ns19.worldnic.com", "newfold-networksolutions"},
		{"dnsimple edge", ns, "ns2.dnsimple-edge.net", "dnsimple-dns"},
		{"dnspod", ns, "f1g1ns1.dnspod.net", "tencent-dnspod"},
		{"alibaba", ns, "dns9.hichina.com", "alibaba-dns"},
		{"porkbun", ns, "curitiba.ns.porkbun.com", "porkbun-dns"},
		{"hostinger", ns, "ns1.dns-parking.com", "hostinger-dns"},
		{"bunny", ns, "kiki.bunny.net", "bunny-dns"},
		{"scaleway", ns, "ns0.dom.scw.cloud", "scaleway-dns"},
		{"azion", ns, "ns1.aziondns.net", "azion-dns"},
		{"vercel", ns, "ns1.vercel-dns.com", "vercel-cdn"},
		{"strato", ns, "docks01.rzone.de", "ionos-strato"},
		{"sedo parking", ns, "ns1.sedoparking.com", "ionos-sedo"},

		// Fragments (catalog.d): hosters' and registrars' DNS, regional operators.
		{"siteground", ns, "ns1.siteground.net", "siteground-dns"},
		{"a2 hosting", ns, "ns1.a2hosting.com", "a2hosting-dns"},
		{"inmotion", ns, "ns1.inmotionhosting.com", "inmotion-dns"},
		{"liquid web", ns, "ns.liquidweb.com", "liquidweb-dns"},
		{"ipage", ns, "ns1.ipage.com", "newfold-ipage-dns"},
		{"resellerclub orderbox", ns, "dns1.orderbox-dns.com", "newfold-resellerclub-dns"},
		{"host europe", ns, "ns1.hosteurope.de", "godaddy-hosteurope-dns"},
		{"domainfactory", ns, "ns1.namespace4you.de", "godaddy-domainfactory-dns"},
		{"123-reg", ns, "ns.123-reg.co.uk", "godaddy-123reg-dns"},
		{"heart internet", ns, "ns.mainnameserver.com", "godaddy-heartinternet-dns"},
		{"media temple", ns, "ns1.mediatemple.net", "godaddy-mediatemple-dns"},
		{"fasthosts", ns, "ns1.livedns.co.uk", "ionos-fasthosts-dns"},
		{"20i stackdns", ns, "ns1.stackdns.com", "20i-dns"},
		{"infomaniak", ns, "ns11.infomaniak.ch", "infomaniak-dns"},
		{"hostpoint", ns, "ns1.hostpoint.ch", "hostpoint-dns"},
		{"netcup", ns, "root-dns.netcup.net", "netcup-dns"},
		{"all-inkl", ns, "ns5.kasserver.com", "allinkl-dns"},
		{"inwx", ns, "ns.inwx.de", "inwx-dns"},
		{"united-domains", ns, "ns.udag.de", "uniteddomains-dns"},
		{"antagonist", ns, "ns1.webhostingserver.nl", "antagonist-dns"},
		{"openprovider", ns, "ns1.openprovider.nl", "openprovider-dns"},
		{"combell", ns, "ns1.combell.net", "teamblue-combell-dns"},
		{"register.it", ns, "dns.register.it", "teamblue-registerit-dns"},
		{"aruba technorail", ns, "dns.technorail.com", "aruba-dns"},
		{"forpsi", ns, "ns.forpsi.net", "internetcz-dns"},
		{"home.pl", ns, "dns.home.pl", "homepl-dns"},
		{"active 24", ns, "ns.active24.cz", "active24-dns"},
		{"loopia", ns, "ns1.loopia.se", "loopia-dns"},
		{"domeneshop", ns, "ns1.hyp.net", "domeneshop-dns"},
		{"zone.eu", ns, "ns.zone.eu", "zonemedia-dns"},
		{"ventraip", ns, "ns1.nameserver.net.au", "ventraip-dns"},
		{"west.cn", ns, "ns1.myhostadmin.net", "westcn-dns"},
		{"xinnet", ns, "ns.xincache.com", "xinnet-dns"},
		{"ddos-guard", ns, "ns1.ddos-guard.net", "ddosguard-dns"},
		{"hosting ukraine", ns, "ns1.ukraine.com.ua", "hostingukraine-dns"},
		{"value-domain", ns, "ns1.value-domain.com", "gmo-valuedomain-dns"},
		{"muumuu", ns, "dns01.muumuu-domain.com", "gmo-muumuu-dns"},
		{"lolipop", ns, "uns01.lolipop.jp", "gmo-lolipop-dns"},
		{"gabia", ns, "ns.gabia.co.kr", "gabia-dns"},
		{"cafe24", ns, "ns1.cafe24.com", "cafe24-dns"},
		{"naver cloud dns", ns, "ns1-1.ns-ncloud.com", "naver-clouddns"},
		{"niagahoster", ns, "ns1.niagahoster.com", "hostinger-niagahoster-dns"},
		{"locaweb", ns, "ns1.locaweb.com.br", "locaweb-dns"},
		{"registro.br", ns, "a.auto.dns.br", "nicbr-dns"},
		{"natro", ns, "ns1.natrohost.com", "natro-dns"},
		{"afraid", ns, "ns1.afraid.org", "afraid-freedns"},
		{"joker", ns, "a.ns.joker.com", "joker-dns"},
		{"autodns", ns, "a.ns14.net", "internetx-autodns"},
		{"hexonet", ns, "ns1.ispapi.net", "teaminternet-hexonet"},
		{"bodis parking", ns, "ns1.bodis.com", "bodis-parking"},
		{"ascio", ns, "ns1.ascio.net", "tucows-ascio"},
		{"microsoft 365 dns", ns, "ns1.bdm.microsoftonline.com", "microsoft-365dns"},
		{"rcodezero", ns, "sec1.rcode0.net", "nicat-rcodezero"},
		{"netnod", ns, "dnsnode.net", "netnod-dnsnode"},
		{"timeweb .org", ns, "ns3.timeweb.org", "timeweb-hosting"},
		{"markmonitor .zone", ns, "ha1.markmonitor.zone", "newfold-markmonitor"},
		{"cloudns premium .com", ns, "pns42.cloudns.com", "cloudns-dns"},

		{"akamai", cname, "e1234.a.akamaiedge.net", "akamai-cdn"},
		{"akamai edgekey", cname, "www.example.com.edgekey.net", "akamai-cdn"},
		{"cloudfront", cname, "d111111abcdef8.cloudfront.net", "amazon-cloudfront"},
		{"fastly", cname, "dualstack.j.sni.global.fastly.net", "fastly-cdn"},
		{"cloudflare partial setup", cname, "www.example.com.cdn.cloudflare.net", "cloudflare-cdn"},
		{"shopify", cname, "shops.myshopify.com", "shopify-platform"},
		{"netlify", cname, "example.netlify.app", "netlify-cdn"},
		{"vercel", cname, "cname.vercel-dns.com", "vercel-cdn"},
		{"vercel numbered", cname, "d1d4fc829fe7bc7c.vercel-dns-017.com", "vercel-cdn"},
		{"azure front door", cname, "example-abc.z01.azurefd.net", "microsoft-frontdoor"},
		{"azure app service", cname, "example.azurewebsites.net", "microsoft-azure"},
		{"elb", cname, "my-lb-123.us-east-1.elb.amazonaws.com", "amazon-elb"},
		{"heroku", cname, "example.herokudns.com", "salesforce-heroku"},
		{"github pages", cname, "example.github.io", "github-pages"},
		{"blogger and app engine", cname, "ghs.googlehosted.com", "google-cloud"},
		{"squarespace", cname, "ext-cust.squarespace.com", "squarespace-platform"},
		{"imperva", cname, "abcd.x.incapdns.net", "thales-imperva"},
		{"bunny", cname, "example.b-cdn.net", "bunny-cdn"},
		{"alibaba kunlun wildcard", cname, "example.com.w.kunlunsl.com", "alibaba-cdn"},
		{"alibaba alikunlun", cname, "example.com.w.alikunlun.com", "alibaba-cdn"},
		{"tencent", cname, "example.com.cdn.dnsv1.com", "tencent-cdn"},
		{"edgecast", cname, "wpc.1234.edgecastcdn.net", "edgio-edgecast"},
		{"wp engine", cname, "example.wpenginepowered.com", "wpengine-platform"},
		{"kinsta", cname, "example.kinsta.cloud", "kinsta-platform"},
		{"pantheon", cname, "live-example.pantheonsite.io", "pantheon-platform"},
		{"cloudflare pages", cname, "example.pages.dev", "cloudflare-pages"},
		{"firebase", cname, "example.web.app", "google-firebase"},
		{"hubspot wildcard", cname, "1234.group34.sites.hscoscdn20.net", "hubspot-cms"},
		{"webflow", cname, "proxy-ssl.webflow.com", "webflow-platform"},
		{"wordpress.com", cname, "example.wordpress.com", "automattic-wpcom"},

		// Fragments and suffixes added in 2026.12.05-2: CDNs, edge platforms, PaaS and SaaS.
		{"facebook cdn", cname, "scontent.xx.fbcdn.net", "meta-cdn"},
		{"instagram cdn", cname, "scontent.cdninstagram.com", "meta-cdn"},
		{"twitter images", cname, "pbs.twimg.com", "xcorp-twimg"},
		{"netflix open connect", cname, "ipv4-c001-lax001-ix.1.oca.nflxvideo.net", "netflix-openconnect"},
		{"twitch", cname, "video-edge-c2a8e4.jfk04.abs.hls.ttvnw.net", "amazon-twitch"},
		{"akamai china", cname, "www.example.com.tl88.net", "akamai-china"},
		{"akamai staging", cname, "example.akamaized-staging.net", "akamai-cdn"},
		{"microsoft edge a", cname, "a-0001.a-msedge.net", "microsoft-frontdoor"},
		{"microsoft edge l", cname, "l-0007.l-msedge.net", "microsoft-frontdoor"},
		{"sharepoint edge", cname, "dual-spo-0005.spo-msedge.net", "microsoft-frontdoor"},
		{"tencent edgeone", cname, "www.example.com.eo.dnse2.com", "tencent-edgeone"},
		{"tencent dsa .cn", cname, "www.example.com.dsa.dnsv1.com.cn", "tencent-cdn"},
		{"huawei cdn wildcard", cname, "www.example.com.c.cdnhwc1.com", "huawei-cdn"},
		{"baidu yunjiasu", cname, "www.example.com.cname1541.yjs-cdn.com", "baidu-cdn"},
		{"wangsu wsdvs", cname, "www.example.com.wsdvs.com", "wangsu-cdn"},
		{"wangsu wtxcdn", cname, "trk.example.com.wtxcdn.com", "wangsu-cdn"},
		{"wangsu cdn20", cname, "www.example.com.cdn20.com", "wangsu-cdn"},
		{"cdnetworks wcdnga", cname, "api.example.com.wcdnga.com", "wangsu-cdnetworks"},
		{"chinacache .cn", cname, "www.example.com.ccgslb.cn", "chinacache-cdn"},
		{"stackpath netdna", cname, "example.netdna.com", "stackpath-cdn"},
		{"azion", cname, "example.azion.net", "azion-cdn"},
		{"baishan", cname, "www.example.com.qingcdn.com", "baishan-cdn"},
		{"kingsoft", cname, "www.example.com.download.ks-cdn.com", "kingsoft-cdn"},
		{"ctyun", cname, "www.example.com.ctadns.cn", "ctyun-cdn"},
		{"knownsec jiasule", cname, "www.example.com.jiashule.com", "knownsec-jiasule"},
		{"naver cloud cdn", cname, "example.cdn.ntruss.com", "naver-cloudcdn"},
		{"lumen", cname, "cdn.example.com.c.footprint.net", "lumen-cdn"},
		{"ngenix", cname, "example.ngenix.net", "ngenix-cdn"},
		{"imgix", cname, "example.imgix.net", "imgix-cdn"},
		{"jsdelivr", cname, "cdn.jsdelivr.net", "jsdelivr-cdn"},
		{"yandex cloud cdn", cname, "abc123.a.yccdn.cloud.yandex.net", "yandex-cdn"},
		{"spaces cdn beats spaces", cname, "example.nyc3.cdn.digitaloceanspaces.com", "digitalocean-spacescdn"},
		{"spaces", cname, "example.nyc3.digitaloceanspaces.com", "digitalocean-spaces"},
		{"exoscale sos", cname, "sos-ch-gva-2.exo.io", "exoscale-cloud"},
		{"backblaze b2", cname, "f000.backblazeb2.com", "backblaze-b2"},
		{"wasabi", cname, "s3.eu-central-1.wasabisys.com", "wasabi-storage"},
		{"app runner", cname, "abcdefghij.us-east-1.awsapprunner.com", "amazon-apprunner"},
		{"cloudways", cname, "wordpress-123456-1234567.cloudwaysapps.com", "digitalocean-cloudways"},
		{"linode object storage", cname, "example.us-east-1.linodeobjects.com", "akamai-objectstorage"},
		{"r2 public bucket", cname, "pub-0123456789abcdef.r2.dev", "cloudflare-r2"},
		{"fastly compute", cname, "example.edgecompute.app", "fastly-compute"},
		{"railway", cname, "example.up.railway.app", "railway-platform"},
		{"deno deploy", cname, "example.deno.dev", "deno-deploy"},
		{"flywheel", cname, "example.flywheelsites.com", "wpengine-flywheel"},
		{"adobe aem", cname, "cdn.adobeaemcloud.com", "adobe-aem"},
		{"salesforce commerce cloud", cname, "example.demandware.net", "salesforce-commercecloud"},
		{"statuspage", cname, "example.stspg-customer.com", "atlassian-statuspage"},
		{"gitbook", cname, "hosting.gitbook.io", "gitbook-platform"},
		{"codeberg pages", cname, "example.codeberg.page", "codeberg-pages"},
		{"notion sites", cname, "example.notion.site", "notion-sites"},

		{"google", mx, "aspmx.l.google.com", "google-workspace"},
		{"microsoft 365", mx, "example-com.mail.protection.outlook.com", "microsoft-365"},
		{"microsoft 365 dane", mx, "example-com.l-v1.mx.microsoft", "microsoft-365"},
		{"proofpoint", mx, "mxa-00123.gslb.pphosted.com", "proofpoint-email"},
		{"mimecast", mx, "us-smtp-inbound-1.mimecast.com", "mimecast-email"},
		{"cisco", mx, "mx1.hc1234-56.iphmx.com", "cisco-secureemail"},
		{"yahoo", mx, "mta5.am0.yahoodns.net", "yahoo-mail"},
		{"fastmail", mx, "in1-smtp.messagingengine.com", "fastmail-email"},
		{"proton", mx, "mail.protonmail.ch", "proton-mail"},
		{"icloud", mx, "mx01.mail.icloud.com", "apple-icloud"},
		{"ses", mx, "inbound-smtp.us-east-1.amazonaws.com", "amazon-ses"},
		{"ec2 host is not ses", mx, "ec2-198-51-100-7.compute-1.amazonaws.com", ""},
		{"mailgun", mx, "mxa.eu.mailgun.org", "sinch-mailgun"},
		{"cloudflare email routing", mx, "route1.mx.cloudflare.net", "cloudflare-email"},
		{"zoho eu", mx, "mx.zoho.eu", "zoho-mail"},
		{"barracuda", mx, "d123456a.ess.barracudanetworks.com", "barracuda-email"},
		{"sophos", mx, "mx-01-eu-west-1.prod.hydra.sophos.com", "sophos-email"},
		{"messagelabs", mx, "cluster1.eu.messagelabs.com", "broadcom-messagelabs"},
		{"rackspace", mx, "mx1.emailsrvr.com", "rackspace-email"},
		{"ionos", mx, "mx00.ionos.de", "ionos-email"},
		{"ovh", mx, "mx1.mail.ovh.net", "ovh-email"},
		{"tencent", mx, "mxbiz1.qq.com", "tencent-exmail"},
		{"yandex", mx, "mx.yandex.net", "yandex-mail"},
		{"strato", mx, "smtpin.rzone.de", "ionos-strato"},
		{"godaddy", mx, "mailstore1.secureserver.net", "godaddy-email"},

		// Fragments: mailbox providers, hosters' mail, gateways, forwarders.
		{"tuta", mx, "mail.tutanota.de", "tuta-mail"},
		{"mailbox.org", mx, "mxext1.mailbox.org", "mailboxorg-mail"},
		{"migadu", mx, "aspmx1.migadu.com", "migadu-mail"},
		{"infomaniak", mx, "mta-gw.infomaniak.ch", "infomaniak-mail"},
		{"gmx", mx, "mx00.gmx.net", "unitedinternet-gmx"},
		{"web.de", mx, "mx-ha02.web.de", "unitedinternet-webde"},
		{"loopia", mx, "mailcluster.loopia.se", "loopia-email"},
		{"seznam", mx, "mx1.seznam.cz", "seznam-email"},
		{"all-inkl", mx, "w0123456.kasserver.com", "allinkl-email"},
		{"domainfactory", mx, "mxlb.ispgateway.de", "godaddy-domainfactory"},
		{"dreamhost", mx, "mx1.dreamhost.com", "dreamhost-email"},
		{"siteground", mx, "mx10.mailspamprotection.com", "siteground-email"},
		{"outlook.com consumer", mx, "hotmail-com.olc.protection.outlook.com", "microsoft-outlookcom"},
		{"pobox", mx, "mx-1.pobox.com", "fastmail-pobox"},
		{"improvmx", mx, "mx1.improvmx.com", "improvmx-forwarding"},
		{"forward email", mx, "mx1.forwardemail.net", "forwardemail-forwarding"},
		{"simplelogin", mx, "mx1.simplelogin.co", "proton-simplelogin"},
		{"postmark inbound", mx, "inbound.postmarkapp.com", "activecampaign-postmark"},
		{"uol host", mx, "mx.uhserver.com", "uol-host"},
		{"locaweb", mx, "mx.a.locaweb.com.br", "locaweb-email"},
		{"naver works", mx, "kr1-aspmx1.worksmobile.com", "naver-works"},
		{"lolipop", mx, "mx01.lolipop.jp", "gmo-lolipop"},
		{"sakura", mx, "www1234.sakura.ne.jp", "sakura-email"},
		{"huawei enterprise mail", mx, "mx1.sparkspace.huaweicloud.com", "huawei-enterprisemail"},
		{"lark", mx, "mx1.larksuite.com", "bytedance-lark"},
		{"feishu", mx, "mx1.feishu.cn", "bytedance-lark"},
		{"alibaba mail new", mx, "mx1.qiye.aliyun.com", "alibaba-mail"},
		{"alibaba mail old", mx, "mxw.mxhichina.com", "alibaba-mail"},
		{"mailchannels", mx, "mx1.mailchannels.net", "mailchannels-inbound"},
		{"area 1", mx, "mailstream-east.mxrecord.io", "cloudflare-emailsecurity"},
		{"microsoft 365 gcc high", mx, "example-com.mail.protection.office365.us", "microsoft-365"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			match := map[kind]func(string) (*Provider, string, bool){ns: c.MatchNS, cname: c.MatchCNAME, mx: c.MatchMX}[tc.kind]
			got := ""
			if p, _, ok := match(tc.host); ok {
				got = p.ID
			}
			if got != tc.want {
				t.Errorf("%q matched %q, want %q", tc.host, got, tc.want)
			}
		})
	}
}

func TestDefaultByASN(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	tests := []struct {
		name string
		asn  uint32
		want string
	}{
		{"cloudflare", 13335, "cloudflare-cdn"},
		{"amazon", 16509, "amazon-ec2"},
		{"google", 15169, "google-cloud"},
		{"microsoft", 8075, "microsoft-azure"},
		{"akamai", 20940, "akamai-cdn"},
		{"fastly", 54113, "fastly-cdn"},
		{"oracle", 31898, "oracle-cloud"},
		{"automattic", 2635, "automattic-wpcom"},
		{"ns1 on a dns-only entry", 62597, "ibm-ns1"},
		{"ultradns", 12008, "digicert-ultradns"},
		{"dns made easy", 16552, "digicert-dnsmadeeasy"},
		{"akamai edge dns", 21342, "akamai-edgedns"},
		{"dyn", 33517, "oracle-dyn"},
		{"unknown", 3356, ""},
		{"zero", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ""
			if p, ok := c.ByASN(tc.asn); ok {
				got = p.ID
			}
			if got != tc.want {
				t.Errorf("ByASN(%d) = %q, want %q", tc.asn, got, tc.want)
			}
		})
	}
}

func TestDefaultMatchSuffix(t *testing.T) {
	t.Parallel()
	c := defaultCatalog(t)
	tests := []struct {
		name, host string
		want       match
	}{
		{"cloud dns wildcard", "ns-cloud-a1.googledomains.com", match{"google-clouddns", "ns-cloud-*.googledomains.com", true}},
		{"google domains exact", "ns1.googledomains.com", match{"squarespace-domains", "googledomains.com", true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, s, ok := c.MatchNS(tc.host)
			got := match{Suffix: s, OK: ok}
			if ok {
				got.ID = p.ID
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MatchNS(%q) mismatch (-want +got):\n%s", tc.host, diff)
			}
		})
	}
}

// provider returns one provider object in JSON; overrides replace or add
// fields (raw JSON values), and a nil value removes the field.
func provider(id string, overrides map[string]any) string {
	company, service, _ := strings.Cut(id, "-")
	fields := []struct {
		k string
		v any
	}{
		{"id", `"` + id + `"`},
		{"company", `"` + company + `"`},
		{"service", `"` + service + `"`},
		{"name", `"` + id + ` name"`},
		{"layers", `["dns"]`},
		{"ns_suffixes", `["ns.` + company + `.example"]`},
		{"sources", `["https://` + company + `.example/docs"]`},
	}
	var b strings.Builder
	b.WriteString("{")
	seen := make(map[string]bool)
	write := func(k string, v any) {
		if v == nil {
			return
		}
		if b.Len() > 1 {
			b.WriteString(",")
		}
		b.WriteString(`"` + k + `":` + v.(string))
	}
	for _, f := range fields {
		seen[f.k] = true
		if v, ok := overrides[f.k]; ok {
			write(f.k, v)
			continue
		}
		write(f.k, f.v)
	}
	for k, v := range overrides {
		if !seen[k] {
			write(k, v)
		}
	}
	b.WriteString("}")
	return b.String()
}

func catalogJSON(providers ...string) string {
	return `{"version":"2026.01.02-1","providers":[` + strings.Join(providers, ",") + `]}`
}

// withCompanies adds a companies array to a catalog made by catalogJSON.
func withCompanies(catalog string, companies ...string) string {
	return strings.Replace(catalog, `"providers":`, `"companies":[`+strings.Join(companies, ",")+`],"providers":`, 1)
}

// cdn is a valid web-layer provider the cases can point upstreams at.
var cdn = provider("acme-cdn", map[string]any{
	"layers": `["cdn"]`, "ns_suffixes": nil,
	"cname_suffixes": `["cdn.acme.example"]`, "asns": `[13335]`,
})

func TestParse(t *testing.T) {
	t.Parallel()
	dns := provider("acme-dns", nil)
	tests := []struct {
		name    string
		in      string
		wantErr string // "" when the catalog is valid
	}{
		{"valid minimal", catalogJSON(dns), ""},
		{"valid two layers and an upstream", catalogJSON(dns, cdn, provider("shop-platform", map[string]any{
			"layers": `["hosting"]`, "ns_suffixes": nil, "cname_suffixes": `["shop.example"]`,
			"upstreams": `[{"provider":"acme-cdn","layer":"cdn"}]`})), ""},
		{"valid same suffix in two indexes", catalogJSON(dns, provider("other-cdn", map[string]any{
			"layers": `["cdn"]`, "ns_suffixes": nil, "cname_suffixes": `["ns.acme.example"]`})), ""},
		{"valid wildcard suffix", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["acmedns-*.example"]`})), ""},
		{"valid without version", `{"providers":[` + dns + `]}`, ""},

		{"not json", `{"providers":`, "unexpected EOF"},
		{"data after the object", catalogJSON(dns) + `{}`, "data after the catalog object"},
		{"unknown top-level field", `{"version":"2026.01.02-1","extra":1,"providers":[` + dns + `]}`, "unknown field"},
		{"unknown provider field", catalogJSON(provider("acme-dns", map[string]any{"ns": `["x.example"]`})), "unknown field"},
		{"malformed version", `{"version":"v1","providers":[` + dns + `]}`, "is not YYYY.MM.DD-N"},
		{"empty provider list", catalogJSON(), "no providers"},
		{"null provider", catalogJSON("null"), "is null"},

		{"no source", catalogJSON(provider("acme-dns", map[string]any{"sources": `[]`})), "no source"},
		{"sources missing", catalogJSON(provider("acme-dns", map[string]any{"sources": nil})), "no source"},
		{"source not a URL", catalogJSON(provider("acme-dns", map[string]any{"sources": `["acme.example/docs"]`})), "not an http(s) URL"},
		{"source without host", catalogJSON(provider("acme-dns", map[string]any{"sources": `["https://"]`})), "not an http(s) URL"},
		{"source ftp", catalogJSON(provider("acme-dns", map[string]any{"sources": `["ftp://acme.example/x"]`})), "not an http(s) URL"},
		{"duplicate id", catalogJSON(dns, provider("acme-dns", map[string]any{"ns_suffixes": `["other.example"]`})), "duplicate id"},
		{"malformed id", catalogJSON(provider("acme-dns", map[string]any{"id": `"Acme-DNS"`})), "malformed id"},
		{"malformed company", catalogJSON(provider("acme-dns", map[string]any{"company": `"acme-co"`})), "malformed company"},
		{"id not prefixed by company", catalogJSON(provider("acme-dns", map[string]any{"company": `"other"`})), "id is not <company>-<service>"},
		{"id not ending in service", catalogJSON(provider("acme-dns", map[string]any{"service": `"hosting"`})), "id is not <company>-<service>"},
		{"malformed service", catalogJSON(provider("acme-dns", map[string]any{"service": `"DNS"`})), "malformed service"},
		{"no name", catalogJSON(provider("acme-dns", map[string]any{"name": `""`})), "no name"},

		{"suffix upper case", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["NS.acme.example"]`})), "not lower case"},
		{"suffix trailing dot", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["ns.acme.example."]`})), "not lower case"},
		{"suffix single label", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["example"]`})), "fewer than two labels"},
		{"suffix bad char", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["ns.ac!me.example"]`})), "malformed label"},
		{"suffix empty label", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["ns..example"]`})), "malformed label"},
		{"suffix bare wildcard", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["*.acme.example"]`})), "wildcard label needs a prefix"},
		{"suffix wildcard inside label", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["ns*x.acme.example"]`})), "malformed label"},
		{"suffix wildcard not first label", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["ns.acme*.example"]`})), "malformed label"},
		{"suffix claimed by two providers", catalogJSON(dns, provider("other-dns", map[string]any{"ns_suffixes": `["ns.acme.example"]`})), "already claimed by"},
		{"suffix listed twice", catalogJSON(provider("acme-dns", map[string]any{"ns_suffixes": `["ns.acme.example","ns.acme.example"]`})), "listed twice"},
		{"mx suffix claimed twice", catalogJSON(
			provider("acme-mail", map[string]any{"layers": `["email"]`, "ns_suffixes": nil, "mx_suffixes": `["mx.example"]`}),
			provider("other-mail", map[string]any{"layers": `["email"]`, "ns_suffixes": nil, "mx_suffixes": `["mx.example"]`})), "already claimed by"},

		{"AS0", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[0]`})), "AS0 is reserved"},
		{"AS_TRANS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[23456]`})), "AS23456 is reserved"},
		{"documentation AS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[64496]`})), "AS64496 is reserved"},
		{"private 16-bit AS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[65000]`})), "AS65000 is reserved"},
		{"reserved AS65535", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[65535]`})), "AS65535 is reserved"},
		{"documentation 32-bit AS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[65536]`})), "AS65536 is reserved"},
		{"IANA-reserved AS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[131071]`})), "AS131071 is reserved"},
		{"private 32-bit AS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[4200000000]`})), "AS4200000000 is reserved"},
		{"last AS", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[4294967295]`})), "AS4294967295 is reserved"},
		{"AS out of range", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "asns": `[4294967296]`})), "cannot unmarshal"},
		{"ASN claimed twice", catalogJSON(cdn, provider("other-cdn", map[string]any{"layers": `["cdn"]`, "ns_suffixes": nil, "asns": `[13335]`})), "AS13335 already claimed"},

		{"unknown layer", catalogJSON(provider("acme-dns", map[string]any{"layers": `["dns","web"]`})), `unknown layer "web"`},
		{"no layer", catalogJSON(provider("acme-dns", map[string]any{"layers": `[]`, "ns_suffixes": nil})), "no layer"},
		{"layer listed twice", catalogJSON(provider("acme-dns", map[string]any{"layers": `["dns","dns"]`})), "listed twice"},
		{"ns suffix without dns layer", catalogJSON(provider("acme-dns", map[string]any{"layers": `["hosting"]`})), "ns suffixes without the dns layer"},
		{"mx suffix without email layer", catalogJSON(provider("acme-dns", map[string]any{"mx_suffixes": `["mx.acme.example"]`})), "mx suffixes without the email layer"},
		{"cname without cdn or hosting", catalogJSON(provider("acme-dns", map[string]any{"cname_suffixes": `["www.acme.example"]`})), "without a cdn or hosting layer"},
		{"valid asn on a dns-only provider", catalogJSON(provider("acme-dns", map[string]any{"asns": `[13335]`})), ""},
		{"asn without dns, cdn or hosting", catalogJSON(provider("acme-mail", map[string]any{"layers": `["email"]`, "ns_suffixes": nil, "mx_suffixes": `["mx.acme.example"]`, "asns": `[13335]`})), "asns without a dns, cdn or hosting layer"},

		{"valid company with domains", withCompanies(catalogJSON(dns), `{"id":"acme","name":"Acme","aliases":["ACME Corp"],"domains":["acme.example","acme-cdn.example"],"web_layer":"cdn","sources":["https://acme.example/"]}`), ""},
		{"valid product domain", catalogJSON(provider("acme-dns", map[string]any{"domains": `["acmedns.example"]`, "aliases": `["Acme DNS"]`})), ""},
		{"company declared twice", withCompanies(catalogJSON(dns), `{"id":"acme","name":"Acme","sources":["https://acme.example/"]}`, `{"id":"acme","name":"Acme 2","sources":["https://acme.example/"]}`), "declared twice"},
		{"company without name", withCompanies(catalogJSON(dns), `{"id":"acme","sources":["https://acme.example/"]}`), "no name"},
		{"company without source", withCompanies(catalogJSON(dns), `{"id":"acme","name":"Acme"}`), "no source"},
		{"company malformed id", withCompanies(catalogJSON(dns), `{"id":"Acme Inc","name":"Acme","sources":["https://acme.example/"]}`), "malformed id"},
		{"company bad web layer", withCompanies(catalogJSON(dns), `{"id":"acme","name":"Acme","web_layer":"email","sources":["https://acme.example/"]}`), "is not cdn or hosting"},
		{"domain owned twice", withCompanies(catalogJSON(provider("acme-dns", map[string]any{"domains": `["acme.example"]`})), `{"id":"acme","name":"Acme","domains":["acme.example"],"sources":["https://acme.example/"]}`), "already owned by"},
		{"domain is a public suffix", withCompanies(catalogJSON(dns), `{"id":"acme","name":"Acme","domains":["co.uk"],"sources":["https://acme.example/"]}`), "is a public suffix"},
		{"domain with a wildcard", catalogJSON(provider("acme-dns", map[string]any{"domains": `["acme*.example"]`})), "no wildcard"},
		{"domain of one label", catalogJSON(provider("acme-dns", map[string]any{"domains": `["example"]`})), "fewer than two labels"},

		{"unknown upstream", catalogJSON(provider("acme-dns", map[string]any{"upstreams": `[{"provider":"nobody-cdn","layer":"cdn"}]`})), `unknown upstream "nobody-cdn"`},
		{"upstream with unknown layer", catalogJSON(cdn, provider("acme-dns", map[string]any{"upstreams": `[{"provider":"acme-cdn","layer":"edge"}]`})), `unknown layer "edge"`},
		{"upstream layer not served", catalogJSON(cdn, provider("acme-dns", map[string]any{"upstreams": `[{"provider":"acme-cdn","layer":"hosting"}]`})), "does not serve layer"},
		{"upstream to itself", catalogJSON(provider("acme-dns", map[string]any{"upstreams": `[{"provider":"acme-dns","layer":"dns"}]`})), "upstream to itself"},

		{"valid range sources", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "ns_suffixes": nil, "range_sources": `["acme", "acme:EDGE_V2"]`})), ""},
		{"malformed range source", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "ns_suffixes": nil, "range_sources": `["Acme Ranges"]`})), `malformed range source "Acme Ranges"`},
		{"empty range service", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "ns_suffixes": nil, "range_sources": `["acme:"]`})), "malformed range source"},
		{"range source without a layer to count on", catalogJSON(provider("acme-email", map[string]any{"layers": `["email"]`, "ns_suffixes": nil, "range_sources": `["acme"]`})), "without a dns, cdn or hosting layer"},
		{"range source claimed twice", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "ns_suffixes": nil, "range_sources": `["acme"]`}),
			provider("acme-cloud", map[string]any{"layers": `["hosting"]`, "ns_suffixes": nil, "range_sources": `["acme"]`})), `range source "acme" already claimed by "acme-cdn"`},
		{"range service claimed twice, any case", catalogJSON(provider("acme-cdn", map[string]any{"layers": `["cdn"]`, "ns_suffixes": nil, "range_sources": `["acme:EDGE"]`}),
			provider("acme-cloud", map[string]any{"layers": `["hosting"]`, "ns_suffixes": nil, "range_sources": `["acme:edge"]`})), "already claimed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse([]byte(tc.in))
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: unexpected error: %v\ninput: %s", err, tc.in)
				}
				if len(c.Providers()) == 0 {
					t.Fatal("Parse returned an empty catalog")
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want error containing %q\ninput: %s", tc.wantErr, tc.in)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %v, want it to contain %q", err, tc.wantErr)
			}
			if c != nil {
				t.Error("Parse returned a catalog together with an error")
			}
		})
	}
}

func TestParseSortsProviders(t *testing.T) {
	t.Parallel()
	c, err := Parse([]byte(catalogJSON(provider("zeta-dns", nil), cdn, provider("beta-dns", nil))))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Providers() {
		got = append(got, p.ID)
	}
	if diff := cmp.Diff([]string{"acme-cdn", "beta-dns", "zeta-dns"}, got); diff != "" {
		t.Errorf("Providers() order (-want +got):\n%s", diff)
	}
}

func TestDefaultByRange(t *testing.T) {
	t.Parallel()
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ source, service, want string }{
		{"aws", "EC2", "amazon-ec2"},
		{"aws", "AMAZON", "amazon-ec2"},
		{"aws", "CLOUDFRONT", "amazon-cloudfront"},
		{"aws", "cloudfront", "amazon-cloudfront"},
		{"aws", "ROUTE53", "amazon-route53"},
		{"azure", "AzureFrontDoor.Frontend", "microsoft-frontdoor"},
		{"azure", "AzureCloud", "microsoft-azure"},
		{"gcp", "Google Cloud", "google-cloud"},
		{"goog", "", "google-cloud"},
		{"cloudflare", "", "cloudflare-cdn"},
		{"github", "pages", "github-pages"},
		{"github", "web", ""},
		{"nosuch", "", ""},
	}
	for _, tc := range tests {
		got := ""
		if p, ok := c.ByRange(tc.source, tc.service); ok {
			got = p.ID
		}
		if got != tc.want {
			t.Errorf("ByRange(%q, %q) = %q, want %q", tc.source, tc.service, got, tc.want)
		}
	}
}

// TestProviderServiceName checks that a parsed provider's service name is
// "<company>/<service>", made once (no allocation when asked), and that a
// provider made by hand gets the same name.
func TestProviderServiceName(t *testing.T) {
	c := defaultCatalog(t)
	p, ok := c.Provider("amazon-cloudfront")
	if !ok {
		t.Fatal("amazon-cloudfront not in the catalog")
	}
	if got := p.ServiceName(); got != "amazon/cloudfront" {
		t.Errorf("ServiceName = %q, want amazon/cloudfront", got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = p.ServiceName() }); n != 0 {
		t.Errorf("ServiceName of a parsed provider allocates %v times", n)
	}
	hand := &Provider{Company: "example", Service: "cdn"}
	if got := hand.ServiceName(); got != "example/cdn" {
		t.Errorf("ServiceName of a provider made by hand = %q, want example/cdn", got)
	}
}
