package probe

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// certFacts returns what an observation keeps of one certificate: names
// and organisations as the certificate writes them (any bytes, cut to
// dnscrawl.MaxCertText, as valid UTF-8), validity, the number of DNS
// names in its SAN extension (not the names), its fingerprint and up to
// dnscrawl.MaxCertURLs OCSP, CRL and AIA URLs of each kind.
func certFacts(c *x509.Certificate) dnscrawl.Cert {
	sum := sha256.Sum256(c.Raw)
	return dnscrawl.Cert{
		SubjectCN:  text(c.Subject.CommonName, dnscrawl.MaxCertText),
		SubjectOrg: text(strings.Join(c.Subject.Organization, "; "), dnscrawl.MaxCertText),
		IssuerCN:   text(c.Issuer.CommonName, dnscrawl.MaxCertText),
		IssuerOrg:  text(strings.Join(c.Issuer.Organization, "; "), dnscrawl.MaxCertText),
		NotBefore:  c.NotBefore.UTC(),
		NotAfter:   c.NotAfter.UTC(),
		SANs:       len(c.DNSNames),
		SHA256:     hex.EncodeToString(sum[:]),
		OCSP:       urls(c.OCSPServer),
		CRL:        urls(c.CRLDistributionPoints),
		AIA:        urls(c.IssuingCertificateURL),
		SelfSigned: selfSigned(c),
	}
}

// urls returns the URLs of one kind, bounded in number and length: a URL
// longer than dnscrawl.MaxURLBytes is left out rather than cut (a cut
// URL would name another host).
func urls(in []string) []string {
	var out []string
	for _, u := range in {
		if len(out) == dnscrawl.MaxCertURLs {
			break
		}
		if len(u) <= dnscrawl.MaxURLBytes {
			out = append(out, strings.ToValidUTF8(u, "\uFFFD"))
		}
	}
	return out
}

// selfSigned reports whether c names itself as issuer and its signature
// checks with its own key. The signature is checked directly, not with
// CheckSignatureFrom, which also wants the issuer to be a CA: a
// self-signed server certificate usually is not.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}
