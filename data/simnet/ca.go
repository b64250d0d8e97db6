package simnet

import (
	"bytes"
	"cmp"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// The simulated certificate authorities. Each has a root and one or two
// intermediates made with crypto/x509 when the Internet first needs them,
// named like the real CA's current hierarchy (subjects and URL forms from
// the CAs' own repository pages and from certificates they issue, late
// 2025); the keys are fresh ECDSA P-256 keys, so the certificates are
// unmistakably not the real ones and verify only against simnet's roots
// (WriteAll writes them as simnet-roots.pem). Let's Encrypt ended its OCSP
// service in 2025: its certificates carry CRL and CA-issuer URLs only, so
// no server can staple for them.

// caKind is a simulated CA.
type caKind uint8

const (
	caLetsEncrypt caKind = iota
	caDigiCert
	caSectigo
	caGoogle
	caAmazon
	caGlobalSign
	caQuillmark // a small CA the catalog does not know
	numCAs
)

// caInter is an intermediate of a CA: its common name and the slug its
// URLs are built with.
type caInter struct {
	cn, slug string
}

// caSpec describes a CA. URL templates replace {s} with the
// intermediate's slug and {n} with a shard number drawn per certificate.
type caSpec struct {
	// id is the truth id: the catalog provider id ("letsencrypt-ca",
	// "google-trustservices"), or for a CA the catalog does not know the
	// classifier's name for it: its issuer organisation in lower case,
	// words joined by "-".
	id       string
	rootCN   string
	rootOrg  string
	rootOU   string
	country  string
	interOrg string
	inters   []caInter
	ocsp     string // "" when the CA runs no OCSP responder
	crl      []string
	aia      string
	// days is the validity of the leaves it issues.
	days int
}

var caSpecs = [numCAs]caSpec{
	caLetsEncrypt: {
		id: "letsencrypt-ca", rootCN: "ISRG Root X1", rootOrg: "Internet Security Research Group", country: "US",
		interOrg: "Let's Encrypt", inters: []caInter{{"E7", "e7"}, {"E8", "e8"}},
		crl: []string{"http://{s}.c.lencr.org/{n}.crl"}, aia: "http://{s}.i.lencr.org/", days: 90,
	},
	caDigiCert: {
		id: "digicert-ca", rootCN: "DigiCert Global Root G3", rootOrg: "DigiCert Inc", rootOU: "www.digicert.com", country: "US",
		interOrg: "DigiCert Inc", inters: []caInter{{"DigiCert Global G3 TLS ECC SHA384 2020 CA1", "DigiCertGlobalG3TLSECCSHA3842020CA1-2"}},
		ocsp: "http://ocsp.digicert.com",
		crl:  []string{"http://crl3.digicert.com/{s}.crl", "http://crl4.digicert.com/{s}.crl"},
		aia:  "http://cacerts.digicert.com/{s}.crt", days: 397,
	},
	caSectigo: {
		id: "sectigo-ca", rootCN: "Sectigo Public Server Authentication Root E46", rootOrg: "Sectigo Limited", country: "GB",
		interOrg: "Sectigo Limited", inters: []caInter{{"Sectigo Public Server Authentication CA DV E36", "SectigoPublicServerAuthenticationCADVE36"}},
		ocsp: "http://ocsp.sectigo.com", aia: "http://crt.sectigo.com/{s}.crt", days: 397,
	},
	caGoogle: {
		id: "google-trustservices", rootCN: "GTS Root R4", rootOrg: "Google Trust Services LLC", country: "US",
		interOrg: "Google Trust Services", inters: []caInter{{"WE1", "we1"}, {"WE2", "we2"}},
		ocsp: "http://o.pki.goog/{s}", crl: []string{"http://c.pki.goog/{s}/{n}.crl"}, aia: "http://i.pki.goog/{s}.crt", days: 90,
	},
	caAmazon: {
		id: "amazon-ca", rootCN: "Amazon Root CA 3", rootOrg: "Amazon", country: "US",
		interOrg: "Amazon", inters: []caInter{{"Amazon ECDSA 256 M02", "e2m02"}, {"Amazon ECDSA 256 M03", "e2m03"}},
		ocsp: "http://ocsp.{s}.amazontrust.com", crl: []string{"http://crl.{s}.amazontrust.com/{s}.crl"},
		aia: "http://crt.{s}.amazontrust.com/{s}.cer", days: 395,
	},
	caGlobalSign: {
		id: "globalsign-ca", rootCN: "GlobalSign", rootOrg: "GlobalSign", rootOU: "GlobalSign ECC Root CA - R5", country: "BE",
		interOrg: "GlobalSign nv-sa", inters: []caInter{{"GlobalSign ECC OV SSL CA 2018", "gseccovsslca2018"}},
		ocsp: "http://ocsp.globalsign.com/{s}", crl: []string{"http://crl.globalsign.com/{s}.crl"},
		aia: "http://secure.globalsign.com/cacert/{s}.crt", days: 397,
	},
	caQuillmark: {
		id: "quillmark-trust-services-ltd", rootCN: "Quillmark Root CA 2021", rootOrg: "Quillmark Trust Services Ltd", country: "NZ",
		interOrg: "Quillmark Trust Services Ltd", inters: []caInter{{"Quillmark TLS Issuing CA 1", "qtls1"}},
		ocsp: "http://ocsp.quillmarkca.net", crl: []string{"http://crl.quillmarkca.net/{s}.crl"},
		aia: "http://crt.quillmarkca.net/{s}.crt", days: 365,
	},
}

// url fills a URL template for intermediate in and shard n.
func (in caInter) url(tmpl string, n uint64) string {
	return strings.NewReplacer("{s}", in.slug, "{n}", strconv.FormatUint(n, 10)).Replace(tmpl)
}

// certHostSpec is a host named in the CAs' URLs with its DNS: the CNAME
// chain it follows and the pool of the addresses at its end. Chains are
// modelled on lookups of the real names (ocsp.digicert.com through
// Edgio's phicdn.net as resolvers showed it in 2023, Let's Encrypt's
// lencr.org hosts on Akamai, Sectigo's and GlobalSign's on Cloudflare,
// Google's pki.goog on Google's front ends, Amazon's on CloudFront);
// where a hop is not known, the name is plausible, not verified.
type certHostSpec struct {
	name  string
	chain []string // CNAME targets, in order
	pool  string   // the addresses of the last name
	tag   string   // the catalog provider the last CNAME target is evidence for
}

var certHostSpecs = []certHostSpec{
	{"e7.c.lencr.org", []string{"c.lencr.edgesuite.net", "a1887.dscq.akamai.net"}, "akamai-edge", pAkamaiCDN},
	{"e8.c.lencr.org", []string{"c.lencr.edgesuite.net", "a1887.dscq.akamai.net"}, "akamai-edge", pAkamaiCDN},
	{"e7.i.lencr.org", []string{"i.lencr.edgesuite.net", "a1890.dscq.akamai.net"}, "akamai-edge", pAkamaiCDN},
	{"e8.i.lencr.org", []string{"i.lencr.edgesuite.net", "a1890.dscq.akamai.net"}, "akamai-edge", pAkamaiCDN},
	{"ocsp.digicert.com", []string{"ocsp.edge.digicert.com", "fp2e7a.wpc.2be4.phicdn.net", "fp2e7a.wpc.phicdn.net"}, "edgio", ""},
	{"crl3.digicert.com", []string{"cs9.wac.phicdn.net"}, "edgio", ""},
	{"crl4.digicert.com", []string{"cs9.wac.phicdn.net"}, "edgio", ""},
	{"cacerts.digicert.com", []string{"cacerts.digicert.com.cdn.cloudflare.net"}, "cloudflare-cname", pCloudflareCDN},
	{"ocsp.sectigo.com", []string{"ocsp.sectigo.com.cdn.cloudflare.net"}, "cloudflare-cname", pCloudflareCDN},
	{"crt.sectigo.com", []string{"crt.sectigo.com.cdn.cloudflare.net"}, "cloudflare-cname", pCloudflareCDN},
	{"o.pki.goog", []string{"pki-goog.l.google.com"}, "google-ghs", ""},
	{"c.pki.goog", []string{"pki-goog.l.google.com"}, "google-ghs", ""},
	{"i.pki.goog", []string{"pki-goog.l.google.com"}, "google-ghs", ""},
	{"ocsp.e2m02.amazontrust.com", []string{"d2bfm1dr3yd6cx.cloudfront.net"}, "cloudfront", pCloudFront},
	{"crl.e2m02.amazontrust.com", []string{"d2bfm1dr3yd6cx.cloudfront.net"}, "cloudfront", pCloudFront},
	{"crt.e2m02.amazontrust.com", []string{"d2bfm1dr3yd6cx.cloudfront.net"}, "cloudfront", pCloudFront},
	{"ocsp.e2m03.amazontrust.com", []string{"d3qp8hpnb7ozdw.cloudfront.net"}, "cloudfront", pCloudFront},
	{"crl.e2m03.amazontrust.com", []string{"d3qp8hpnb7ozdw.cloudfront.net"}, "cloudfront", pCloudFront},
	{"crt.e2m03.amazontrust.com", []string{"d3qp8hpnb7ozdw.cloudfront.net"}, "cloudfront", pCloudFront},
	{"ocsp.globalsign.com", []string{"global.prd.cdn.globalsign.com"}, "cloudflare-cname", ""},
	{"crl.globalsign.com", []string{"global.prd.cdn.globalsign.com"}, "cloudflare-cname", ""},
	{"secure.globalsign.com", []string{"global.prd.cdn.globalsign.com"}, "cloudflare-cname", ""},
	{"ocsp.quillmarkca.net", nil, "hetzner-fsn1", ""},
	{"crl.quillmarkca.net", nil, "hetzner-fsn1", ""},
	{"crt.quillmarkca.net", nil, "hetzner-fsn1", ""},
}

// certZones are the zones of the CAs' hosts and of the CDN names they
// point to that the world has no zone for otherwise.
var certZones = []string{"lencr.org", "digicert.com", "phicdn.net", "edgecastdns.net", "sectigo.com", "pki.goog",
	"amazontrust.com", "globalsign.com", "quillmarkca.net"}

// buildCertHosts adds the CAs' hosts and their CNAME chains to the world.
func (w *world) buildCertHosts() {
	for _, s := range certHostSpecs {
		names := append([]string{s.name}, s.chain...)
		var next *staticName
		for i := len(names) - 1; i >= 0; i-- {
			if st, ok := w.names[names[i]]; ok {
				next = st
				continue
			}
			var st *staticName
			if i == len(names)-1 {
				st = w.host(names[i], s.pool, s.tag)
			} else {
				st = w.host(names[i], "", "")
				st.cname = next
			}
			next = st
		}
	}
}

// pki is the CAs' certificates and keys, and the leaves issued so far.
type pki struct {
	// epoch is the day the certificates' validity is anchored to.
	epoch time.Time
	roots [numCAs]*x509.Certificate
	inter [numCAs][]issuer
	// leaves caches the issued certificates by leafKey; count bounds it.
	leaves sync.Map
	count  atomic.Int64
	// routes and caHosts are the URL forms of the CAs' own services
	// (caserve.go).
	routes  []caRoute
	caHosts map[string]bool
}

// issuer is an intermediate with its key.
type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

// maxLeaves bounds the leaf cache: past it the cache starts again, so a
// crawl of millions of domains holds a bounded number of certificates.
const maxLeaves = 20_000

// pki returns the CAs of the Internet, made on first use.
func (in *Internet) pki() (*pki, error) {
	in.pkiOnce.Do(func() { in.pkiVal, in.pkiErr = newPKI(in.seed) })
	return in.pkiVal, in.pkiErr
}

func newPKI(seed int64) (*pki, error) {
	k := &pki{epoch: time.Now().UTC().Truncate(24 * time.Hour)}
	k.routes, k.caHosts = caRoutes()
	for c := range caKind(numCAs) {
		s := &caSpecs[c]
		rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("simnet CA %s: %w", s.id, err)
		}
		rootTmpl := &x509.Certificate{
			SerialNumber:          serial(mix(uint64(seed), 0xca00+uint64(c))),
			Subject:               pkix.Name{CommonName: s.rootCN, Organization: []string{s.rootOrg}, Country: []string{s.country}, OrganizationalUnit: nonEmpty(s.rootOU)},
			NotBefore:             k.epoch.AddDate(-5, 0, 0),
			NotAfter:              k.epoch.AddDate(15, 0, 0),
			KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
			BasicConstraintsValid: true, IsCA: true,
		}
		root, err := createCert(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
		if err != nil {
			return nil, fmt.Errorf("simnet CA %s root: %w", s.id, err)
		}
		k.roots[c] = root
		for j, im := range s.inters {
			key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				return nil, fmt.Errorf("simnet CA %s: %w", s.id, err)
			}
			t := &x509.Certificate{
				SerialNumber:          serial(mix(uint64(seed), 0xcb00+uint64(c)<<4+uint64(j))),
				Subject:               pkix.Name{CommonName: im.cn, Organization: []string{s.interOrg}, Country: []string{s.country}},
				NotBefore:             k.epoch.AddDate(-1, 0, 0),
				NotAfter:              k.epoch.AddDate(3, 0, 0),
				KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
				ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
				BasicConstraintsValid: true, IsCA: true, MaxPathLenZero: true,
			}
			cert, err := createCert(t, root, &key.PublicKey, rootKey)
			if err != nil {
				return nil, fmt.Errorf("simnet CA %s intermediate: %w", s.id, err)
			}
			k.inter[c] = append(k.inter[c], issuer{cert, key})
		}
	}
	return k, nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// serial is a positive 127-bit serial number drawn from h.
func serial(h uint64) *big.Int {
	b := make([]byte, 16)
	for i := range 2 {
		v := mix(h, uint64(i))
		for j := range 8 {
			b[i*8+j] = byte(v >> (8 * j))
		}
	}
	b[0] &= 0x7f
	b[0] |= 0x01
	return new(big.Int).SetBytes(b)
}

func createCert(t, parent *x509.Certificate, pub crypto.PublicKey, key crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, t, parent, pub, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

// WriteRoots writes the root certificates of the simulated CAs as PEM,
// each preceded by a comment saying it is simulated. A crawl given this
// file (--ca-roots) verifies the certificates simnet serves.
func (in *Internet) WriteRoots(w io.Writer) error {
	k, err := in.pki()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for c, r := range k.roots {
		fmt.Fprintf(&b, "# simulated CA %q (%s), chokepoint simnet seed %d: not a real root\n", r.Subject.CommonName, caSpecs[c].id, in.seed)
		if err := pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: r.Raw}); err != nil {
			return err
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}

// RootPool returns a pool of the simulated roots, for tests and callers
// in the same process.
func (in *Internet) RootPool() (*x509.CertPool, error) {
	k, err := in.pki()
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	for _, r := range k.roots {
		pool.AddCert(r)
	}
	return pool, nil
}

// leafKey identifies a cached leaf: domain index and host.
type leafKey struct {
	idx  int
	host uint8
}

// certificate returns the TLS certificate the domain of p serves on host
// (hostApex, hostWWW), issuing it on first use; nil when the host serves
// no TLS.
func (in *Internet) certificate(p *plan, host int) (*tls.Certificate, error) {
	tp := p.tlsPlan()
	hc := tp.host[host]
	if hc.kind == certNone {
		return nil, nil
	}
	k, err := in.pki()
	if err != nil {
		return nil, err
	}
	// Apex and www share one certificate when their plans are the same.
	if host == hostWWW && tp.host[hostApex] == hc {
		host = hostApex
	}
	key := leafKey{p.idx, uint8(host)}
	if c, ok := k.leaves.Load(key); ok {
		return c.(*tls.Certificate), nil
	}
	c, err := k.issue(p, host, hc)
	if err != nil {
		return nil, err
	}
	if k.count.Add(1) > maxLeaves {
		k.leaves.Clear()
		k.count.Store(1)
	}
	actual, _ := k.leaves.LoadOrStore(key, c)
	return actual.(*tls.Certificate), nil
}

// issue makes the leaf certificate of one host of p.
func (k *pki) issue(p *plan, host int, hc hostCert) (*tls.Certificate, error) {
	name := p.name
	if host == hostWWW {
		name = "www." + p.name
	}
	sans := []string{name}
	if hc.shared {
		sans = []string{p.name, "www." + p.name}
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	h := mix(p.h, drawCertAge+uint64(host))
	t := &x509.Certificate{
		SerialNumber: serial(h),
		Subject:      pkix.Name{CommonName: name},
		DNSNames:     sans,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if hc.kind == certSelfSigned {
		t.NotBefore = k.epoch.AddDate(0, 0, -int(h%700))
		t.NotAfter = t.NotBefore.AddDate(10, 0, 0)
		// As openssl req -x509 makes them: a CA certificate of its own.
		t.BasicConstraintsValid, t.IsCA = true, true
		t.KeyUsage |= x509.KeyUsageCertSign
		cert, err := createCert(t, t, &leafKey.PublicKey, leafKey)
		if err != nil {
			return nil, err
		}
		return &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: leafKey, Leaf: cert}, nil
	}
	s := &caSpecs[hc.ca]
	is := k.inter[hc.ca][int(h>>32)%len(k.inter[hc.ca])]
	im := s.inters[int(h>>32)%len(s.inters)]
	age := int(h % uint64(s.days*2/3))
	t.NotBefore = k.epoch.AddDate(0, 0, -age)
	if hc.kind == certExpired {
		t.NotBefore = k.epoch.AddDate(0, 0, -s.days-1-int(h%200))
	}
	t.NotAfter = t.NotBefore.AddDate(0, 0, s.days)
	shard := h >> 40 % 128
	if s.ocsp != "" {
		t.OCSPServer = []string{im.url(s.ocsp, shard)}
	}
	for _, c := range s.crl {
		t.CRLDistributionPoints = append(t.CRLDistributionPoints, im.url(c, shard))
	}
	t.IssuingCertificateURL = []string{im.url(s.aia, shard)}
	cert, err := createCert(t, is.cert, &leafKey.PublicKey, is.key)
	if err != nil {
		return nil, err
	}
	tc := &tls.Certificate{Certificate: [][]byte{cert.Raw, is.cert.Raw}, PrivateKey: leafKey, Leaf: cert}
	if hc.stapled {
		resp, err := ocsp.CreateResponse(is.cert, is.cert, ocsp.Response{
			Status:       ocsp.Good,
			SerialNumber: cert.SerialNumber,
			ThisUpdate:   k.epoch.Add(-24 * time.Hour),
			NextUpdate:   k.epoch.Add(6 * 24 * time.Hour),
		}, is.key)
		if err != nil {
			return nil, err
		}
		tc.OCSPStaple = resp
	}
	return tc, nil
}

// CAEdge is an edge of the provider graph the CAs' hosts should give: the
// CA (truth id) depends on Provider on Layer (dns or cdn) through Host,
// one of the OCSP, CRL or CA-issuer hosts its leaves name.
type CAEdge struct {
	CA       string
	Layer    catalog.Layer
	Provider string
	Host     string
}

// CAEdges returns the edges from each catalogued CA to the DNS provider
// of the zone of each of its hosts' canonical name (the last CNAME
// target, the zone the crawl records for a certificate host) and to the
// CDNs on their CNAME chains and addresses, as a crawl that resolves the
// hosts and the catalog should find them: sorted, each (CA, Layer, Provider) once with its smallest
// host, and no edge from a company to itself. A CA's hosts are those of
// every intermediate; a crawl sees only those of the intermediates that
// issued the leaves it met.
func (in *Internet) CAEdges() []CAEdge {
	var out []CAEdge
	add := func(ca, host string, l catalog.Layer, id string) {
		if id == "" || company(id) == company(ca) {
			return
		}
		for i := range out {
			if e := &out[i]; e.CA == ca && e.Layer == l && e.Provider == id {
				e.Host = min(e.Host, host)
				return
			}
		}
		out = append(out, CAEdge{CA: ca, Layer: l, Provider: id, Host: host})
	}
	for c := range caKind(numCAs) {
		s := &caSpecs[c]
		if c == caQuillmark {
			continue // the catalog does not know it: no edges
		}
		for _, im := range s.inters {
			urls := append(slices.Clone(s.crl), s.aia)
			if s.ocsp != "" {
				urls = append(urls, s.ocsp)
			}
			for _, tmpl := range urls {
				u, err := url.Parse(im.url(tmpl, 0))
				if err != nil {
					continue
				}
				h := u.Hostname()
				st := in.w.names[h]
				if st == nil {
					continue
				}
				last := st
				for x := st.cname; x != nil; x = x.cname {
					if webLayer(x.tag) == catalog.LayerCDN {
						add(s.id, h, catalog.LayerCDN, x.tag)
					}
					last = x
				}
				for _, ns := range last.zone.ns {
					add(s.id, h, catalog.LayerDNS, ns.tag)
				}
				if n := in.w.network(last.addrs[0]); n != nil && webLayer(n.Provider) == catalog.LayerCDN {
					add(s.id, h, catalog.LayerCDN, n.Provider)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b CAEdge) int {
		return cmp.Or(strings.Compare(a.CA, b.CA), strings.Compare(string(a.Layer), string(b.Layer)), strings.Compare(a.Provider, b.Provider))
	})
	return out
}
