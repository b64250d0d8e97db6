package simnet

// The TLS side of the market model: which CA issued the certificate a
// host serves, whether the server staples an OCSP response, which hosts
// serve no TLS or a broken certificate, and the CDNs that only HTTP
// headers reveal. Like the rest of the model it is an approximation,
// blended from public figures and never to be reported as a measurement:
//   - Let's Encrypt issues most certificates of the web, far fewer of the
//     most popular sites (Internet Society Pulse, certificate authority
//     shares of top sites; crt.sh issuance statistics); DigiCert, Sectigo,
//     Google Trust Services, GlobalSign and Amazon share most of the rest.
//   - CDNs and platforms pick the CA themselves: Cloudflare's Universal
//     SSL uses Google Trust Services and Let's Encrypt (Cloudflare's
//     "Certificate authorities" documentation), CloudFront sites mostly
//     carry Amazon-issued ACM certificates, Netlify, Vercel, GitHub Pages,
//     Shopify, Squarespace and Heroku's ACM issue from Let's Encrypt, Azure
//     Front Door's managed certificates come from DigiCert.
//   - OCSP stapling: on by default at the large CDNs and in IIS, off by
//     default in nginx and Apache, so about a third of directly hosted
//     sites staple. Let's Encrypt runs no OCSP responder since 2025: its
//     certificates cannot be stapled.
//   - A few percent of directly hosted sites answer no TLS at all, or
//     serve an expired or self-signed certificate.
//
// The draws use purposes of their own (names.go): adding the TLS layer did
// not change the DNS side of any domain.

// certKind is what a host serves on the TLS endpoint.
type certKind uint8

const (
	certNone       certKind = iota // no TLS: the handshake fails
	certValid                      // a certificate from a CA, valid now
	certExpired                    // from a CA, expired
	certSelfSigned                 // self-signed
)

var certKindNames = [...]string{certNone: "none", certValid: "ok", certExpired: "expired", certSelfSigned: "self_signed"}

// hostCert is the certificate plan of one host.
type hostCert struct {
	kind    certKind
	ca      caKind
	stapled bool
	// shared is true when one certificate covers the apex and www (SANs
	// apex and www).
	shared bool
}

// tlsPlan is the TLS and HTTP-edge plan of a domain.
type tlsPlan struct {
	host [2]hostCert
	// headerCDN is the CDN whose headers the site's hosts answer with
	// although neither a CNAME nor a published range shows it (the CDN
	// serves the site from the customer's own addresses), "" otherwise.
	headerCDN string
}

// caTable is a market table of CAs.
type caTable = table[caKind]

var (
	caDirect = caTable{{caLetsEncrypt, 5200}, {caSectigo, 1400}, {caDigiCert, 1200}, {caGlobalSign, 600},
		{caGoogle, 500}, {caAmazon, 500}, {caQuillmark, 600}}
	caCloudflare = caTable{{caGoogle, 5000}, {caLetsEncrypt, 4500}, {caSectigo, 500}}
	caCloudFront = caTable{{caAmazon, 8500}, {caDigiCert, 1000}, {caSectigo, 500}}
	caAkamai     = caTable{{caDigiCert, 6000}, {caLetsEncrypt, 2500}, {caGlobalSign, 1500}}
	caFastly     = caTable{{caLetsEncrypt, 5000}, {caGlobalSign, 4000}, {caDigiCert, 1000}}
	caFrontDoor  = caTable{{caDigiCert, 10000}}
	caLEOnly     = caTable{{caLetsEncrypt, 10000}}
	caWix        = caTable{{caLetsEncrypt, 6000}, {caGoogle, 4000}}
	caPrivateCDN = caTable{{caDigiCert, 5000}, {caSectigo, 2500}, {caGlobalSign, 2500}}
)

// edgeTLS is how a web profile's edge serves TLS: its CA table and the
// share of its hosts that staple (in basis points).
type edgeTLS struct {
	cas      caTable
	stapleBP int
}

var edgeTLSByKind = map[webKind]edgeTLS{
	webCloudflareProxied: {caCloudflare, 10000},
	webCloudflareCNAME:   {caCloudflare, 10000},
	webCloudFront:        {caCloudFront, 9000},
	webAkamai:            {caAkamai, 9000},
	webFastly:            {caFastly, 8000},
	webFrontDoor:         {caFrontDoor, 10000},
	webShopify:           {caLEOnly, 0},
	webNetlify:           {caLEOnly, 0},
	webVercel:            {caLEOnly, 0},
	webHeroku:            {caLEOnly, 0},
	webGitHubPages:       {caLEOnly, 0},
	webSquarespace:       {caLEOnly, 0},
	webWix:               {caWix, 8000},
	webPrivateCDN:        {caPrivateCDN, 8000},
}

// originTLS is how directly hosted hosts serve TLS.
var originTLS = edgeTLS{caDirect, 3300}

// Shares of directly hosted domains, in basis points.
const (
	noTLSBP      = 500  // no TLS on the origin
	expiredBP    = 150  // an expired certificate
	selfSignedBP = 100  // a self-signed certificate
	headerCDNBP  = 2500 // of the plain-www sites on addresses outside every range file: behind a CDN only headers show
)

// headerCDNs are the CDNs that serve sites from the customers' own
// addresses (Cloudflare's BYOIP and Magic Transit, Akamai and Fastly on
// customer space).
var headerCDNs = table[string]{{pCloudflareCDN, 5000}, {pAkamaiCDN, 3000}, {pFastly, 2000}}

// tlsPlan computes the TLS plan of the domain of p (status ok).
func (p *plan) tlsPlan() tlsPlan {
	var tp tlsPlan
	if p.d.status != statusOK {
		return tp
	}
	kind := webProfiles[p.d.web].kind
	origin := p.originCert(mix(p.h, drawTLS))
	edge, hasEdge := edgeTLSByKind[kind]
	var front hostCert
	if hasEdge {
		front = hostCert{kind: certValid, ca: edge.cas.pick(mix(p.h, drawCA))}
		front.stapled = caSpecs[front.ca].ocsp != "" && chance(mix(p.h, drawStaple), edge.stapleBP)
	}
	switch kind {
	case webDirect:
		tp.host[hostApex], tp.host[hostWWW] = origin, origin
		if p.headerOnlyEdge() {
			tp.headerCDN = headerCDNs.pick(mix(p.h, drawHeaderCDN+1))
		}
	case webCloudflareCNAME, webCloudFront, webFrontDoor, webPrivateCDN:
		// The apex stays on the origin, with the origin's certificate.
		tp.host[hostApex], tp.host[hostWWW] = origin, front
	default:
		tp.host[hostApex], tp.host[hostWWW] = front, front
	}
	if !p.host[hostWWW].exists {
		tp.host[hostWWW] = hostCert{}
	}
	if !p.host[hostApex].exists {
		tp.host[hostApex] = hostCert{}
	}
	if a, w := tp.host[hostApex], tp.host[hostWWW]; a.kind != certNone && a == w {
		tp.host[hostApex].shared, tp.host[hostWWW].shared = true, true
	}
	return tp
}

// originCert draws the certificate of a directly hosted host.
func (p *plan) originCert(h uint64) hostCert {
	switch x := int(h % 10000); {
	case x < noTLSBP:
		return hostCert{}
	case x < noTLSBP+expiredBP:
		return hostCert{kind: certExpired, ca: originTLS.cas.pick(mix(h, 1))}
	case x < noTLSBP+expiredBP+selfSignedBP:
		return hostCert{kind: certSelfSigned}
	}
	c := hostCert{kind: certValid, ca: originTLS.cas.pick(mix(h, 1))}
	c.stapled = caSpecs[c.ca].ocsp != "" && chance(mix(h, 2), originTLS.stapleBP)
	return c
}

// headerOnlyEdge reports whether a directly hosted domain sits behind a
// CDN that nothing but HTTP headers shows: its www has its own address
// records (no CNAME) in space no range file lists (the ISP's or a hosting
// company's), and the draw says so.
func (p *plan) headerOnlyEdge() bool {
	hp := &p.host[hostWWW]
	if !hp.exists || hp.n != 0 || (p.d.origin != originISP && p.d.origin < originHostCos) {
		return false
	}
	return chance(mix(p.h, drawHeaderCDN), headerCDNBP)
}

// webCert returns the host whose certificate names the domain's CA (www
// when it serves TLS, else the apex) and its plan; ok is false when
// neither serves TLS.
func (tp *tlsPlan) webCert() (host int, c hostCert, ok bool) {
	for _, h := range []int{hostWWW, hostApex} {
		if tp.host[h].kind != certNone {
			return h, tp.host[h], true
		}
	}
	return 0, hostCert{}, false
}
