package simnet

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ocsp"
)

// The simulated CAs' own services on the web endpoint: the OCSP
// responder, the CRLs and the CA-issuer certificates their leaves name,
// answered by Host like the sites, so that a client can follow a leaf's
// URLs to its CA as on the real web.

// caRole is what a CA URL serves.
type caRole uint8

const (
	roleOCSP caRole = iota + 1
	roleCRL
	roleAIA
)

// caRoute is one URL form of one intermediate.
type caRoute struct {
	re   *regexp.Regexp // matches host and path, "host/path"
	role caRole
	ca   caKind
	j    int // intermediate
}

// caRoutes builds the URL forms of every intermediate's services.
func caRoutes() (routes []caRoute, hosts map[string]bool) {
	hosts = make(map[string]bool)
	add := func(tmpl string, role caRole, c caKind, j int, in caInter) {
		u, err := url.Parse(in.url(tmpl, 0))
		if err != nil {
			panic("simnet: CA URL template " + tmpl + ": " + err.Error()) // a bug in caSpecs
		}
		hosts[u.Hostname()] = true
		// The template with the slug filled in, {n} any number.
		pat := regexp.QuoteMeta(strings.TrimPrefix(strings.ReplaceAll(tmpl, "{s}", in.slug), "http://"))
		pat = strings.ReplaceAll(pat, regexp.QuoteMeta("{n}"), `\d+`)
		if role == roleOCSP {
			pat += `(/.*)?` // GET requests append the base64 request
		}
		routes = append(routes, caRoute{re: regexp.MustCompile("^" + pat + "$"), role: role, ca: c, j: j})
	}
	for c := range caKind(numCAs) {
		s := &caSpecs[c]
		for j, in := range s.inters {
			if s.ocsp != "" {
				add(s.ocsp, roleOCSP, c, j, in)
			}
			for _, t := range s.crl {
				add(t, roleCRL, c, j, in)
			}
			add(s.aia, roleAIA, c, j, in)
		}
	}
	return routes, hosts
}

// serveCA answers a request to a CA host; it reports false when host is
// no CA host.
func (k *pki) serveCA(w http.ResponseWriter, r *http.Request, host string) bool {
	if !k.caHosts[host] {
		return false
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	target := host + path
	for _, rt := range k.routes {
		if !rt.re.MatchString(target) {
			continue
		}
		is := k.inter[rt.ca][rt.j]
		switch rt.role {
		case roleAIA:
			w.Header().Set("Content-Type", "application/pkix-cert")
			w.Write(is.cert.Raw)
		case roleCRL:
			crl, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
				Number:     big.NewInt(k.epoch.Unix() / 3600),
				ThisUpdate: k.epoch.Add(-time.Hour),
				NextUpdate: k.epoch.Add(7 * 24 * time.Hour),
			}, is.cert, is.key)
			if err != nil {
				http.Error(w, "crl: "+err.Error(), http.StatusInternalServerError)
				return true
			}
			w.Header().Set("Content-Type", "application/pkix-crl")
			w.Write(crl)
		case roleOCSP:
			k.serveOCSP(w, r, is)
		}
		return true
	}
	http.NotFound(w, r)
	return true
}

// serveOCSP answers an OCSP request (RFC 6960, POST or GET) about a
// certificate of intermediate is: good for a serial of a certificate it
// issued, which the simulation does not track, so good for any serial
// under this issuer, and unauthorized for another issuer.
func (k *pki) serveOCSP(w http.ResponseWriter, r *http.Request, is issuer) {
	var der []byte
	var err error
	switch r.Method {
	case http.MethodPost:
		der, err = io.ReadAll(io.LimitReader(r.Body, 10<<10))
	case http.MethodGet:
		p := r.URL.EscapedPath()
		var s string
		if s, err = url.PathUnescape(p[strings.LastIndexByte(p, '/')+1:]); err == nil {
			der, err = base64.StdEncoding.DecodeString(s)
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	req, perr := ocsp.ParseRequest(der)
	if err != nil || perr != nil {
		w.Write(ocsp.MalformedRequestErrorResponse)
		return
	}
	if !req.HashAlgorithm.Available() {
		w.Write(ocsp.MalformedRequestErrorResponse)
		return
	}
	h := req.HashAlgorithm.New()
	h.Write(subjectPublicKeyBits(is.cert))
	if !bytes.Equal(h.Sum(nil), req.IssuerKeyHash) {
		w.Write(ocsp.UnauthorizedErrorResponse)
		return
	}
	resp, err := ocsp.CreateResponse(is.cert, is.cert, ocsp.Response{
		Status: ocsp.Good, SerialNumber: req.SerialNumber,
		ThisUpdate: k.epoch.Add(-time.Hour), NextUpdate: k.epoch.Add(6 * 24 * time.Hour),
	}, is.key)
	if err != nil {
		w.Write(ocsp.InternalErrorErrorResponse)
		return
	}
	w.Header().Set("Cache-Control", "max-age="+strconv.Itoa(3*24*3600))
	w.Write(resp)
}

// subjectPublicKeyBits returns the bits of a certificate's public key, as
// OCSP's issuer key hash covers them (RFC 6960 4.1.1).
func subjectPublicKeyBits(c *x509.Certificate) []byte {
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(c.RawSubjectPublicKeyInfo, &spki); err != nil {
		return nil
	}
	return spki.PublicKey.RightAlign()
}
