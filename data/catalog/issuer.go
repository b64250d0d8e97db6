package catalog

import (
	"fmt"
	"strings"
	"unicode"
)

// A certificate authority is recognised by the issuer of a site's leaf
// certificate: its organisation (O), which CAs write the same way across
// their issuing CAs ("Let's Encrypt", "DigiCert Inc"), and its common name
// (CN), which names a brand or a sub-CA run for another company
// ("RapidSSL TLS RSA CA G1", "Amazon RSA 2048 M02"). A provider lists
// them in "issuers" as "O=<organisation>" or "CN=<prefix>".
//
// Both are compared in a normal form: lower case, every run of
// punctuation and white space one space, trimmed, so that "DigiCert,
// Inc." and "DigiCert Inc" are one organisation. A CN prefix matches
// whole words ("CN=Amazon RSA 2048" matches "Amazon RSA 2048 M02" but
// "CN=R1" does not match "R10"). The longest CN prefix wins; only when no
// CN prefix matches does the organisation decide, since a CN names the
// brand or the operated sub-CA more precisely than the organisation.

// maxIssuerLen bounds an issuer pattern and the part of a certificate's
// name that is compared.
const maxIssuerLen = 256

// NormalizeIssuer returns the normal form in which issuer organisations
// and common names are compared: lower case letters and digits, every
// other run of characters one space, no space at either end, cut to a
// bounded length. It returns "" for a name with no letter or digit.
func NormalizeIssuer(s string) string {
	if len(s) > maxIssuerLen {
		s = s[:maxIssuerLen]
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '\u2019':
			// "Let's Encrypt" and "Lets Encrypt" are one name.
		default:
			space = true
		}
	}
	return b.String()
}

// issuerIndex maps normalised organisations and CN prefixes to providers.
type issuerIndex struct {
	orgs map[string]*Provider
	cns  map[string]*Provider
	// maxCNWords is the most words of any CN prefix, to bound the lookup.
	maxCNWords int
}

func newIssuerIndex() *issuerIndex {
	return &issuerIndex{orgs: make(map[string]*Provider), cns: make(map[string]*Provider)}
}

// add records pattern s ("O=..." or "CN=...") for p.
func (x *issuerIndex) add(s string, p *Provider) error {
	kind, val, ok := strings.Cut(s, "=")
	if !ok || (kind != "O" && kind != "CN") {
		return fmt.Errorf("%q is not O=<organisation> or CN=<prefix>", s)
	}
	if len(val) > maxIssuerLen {
		return fmt.Errorf("%q is longer than %d bytes", s, maxIssuerLen)
	}
	n := NormalizeIssuer(val)
	if n == "" {
		return fmt.Errorf("%q has no letter or digit", s)
	}
	m := x.orgs
	if kind == "CN" {
		m = x.cns
	}
	if other, dup := m[n]; dup {
		if other == p {
			return fmt.Errorf("%q listed twice (as %q)", s, n)
		}
		return fmt.Errorf("%q already claimed by %q", s, other.ID)
	}
	m[n] = p
	if kind == "CN" {
		x.maxCNWords = max(x.maxCNWords, strings.Count(n, " ")+1)
	}
	return nil
}

// IssuerMatch says which pattern named a certificate's issuer.
type IssuerMatch struct {
	Provider *Provider
	// Pattern is the matching pattern in normal form, "CN=amazon rsa
	// 2048" or "O=lets encrypt".
	Pattern string
}

// MatchIssuer returns the certificate authority product that issued a
// certificate whose issuer has organisation org and common name cn: the
// provider with the longest CN prefix matching cn by whole words, else
// the provider whose organisation is org (both compared in the normal
// form of NormalizeIssuer). ok is false when none matches.
func (c *Catalog) MatchIssuer(org, cn string) (m IssuerMatch, ok bool) {
	x := c.issuers
	if x == nil {
		return IssuerMatch{}, false
	}
	if n := NormalizeIssuer(cn); n != "" && len(x.cns) > 0 {
		// The prefixes of whole words, longest first: n up to each space
		// (n is in normal form: single spaces between words).
		end, words := len(n), strings.Count(n, " ")+1
		for ; words > x.maxCNWords; words-- {
			end = strings.LastIndexByte(n[:end], ' ')
		}
		for end > 0 {
			if p, ok := x.cns[n[:end]]; ok {
				return IssuerMatch{Provider: p, Pattern: "CN=" + n[:end]}, true
			}
			end = max(strings.LastIndexByte(n[:end], ' '), 0)
		}
	}
	if n := NormalizeIssuer(org); n != "" {
		if p, ok := x.orgs[n]; ok {
			return IssuerMatch{Provider: p, Pattern: "O=" + n}, true
		}
	}
	return IssuerMatch{}, false
}
