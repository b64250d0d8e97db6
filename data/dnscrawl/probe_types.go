package dnscrawl

import (
	"net/netip"
	"time"
)

// This file holds the raw facts of the TLS and HTTP probes that a crawl
// records beside the DNS answers (issue 12). They are facts, not verdicts:
// the certificate authority and the edge are classified at analysis time.

// ProbeStatus is the outcome of one TLS or HTTP probe, from a closed set.
type ProbeStatus string

// The closed set of probe statuses.
const (
	ProbeOK        ProbeStatus = "ok"         // handshake done / response read
	ProbeNoAddress ProbeStatus = "no_address" // the host has no address to probe
	// ProbeNotPublic: the address is not a public one (private,
	// loopback, link-local, shared, documentation, reserved: RFC 6890):
	// a crawl of the real internet does not connect to it.
	ProbeNotPublic ProbeStatus = "not_public"
	ProbeRefused   ProbeStatus = "refused"    // connection refused
	ProbeTimeout   ProbeStatus = "timeout"    // connect, handshake or response timed out
	ProbeTLSError  ProbeStatus = "tls_error"  // the handshake failed (alert, protocol error)
	ProbeHTTPError ProbeStatus = "http_error" // the HTTP exchange failed after connecting
	ProbeError     ProbeStatus = "error"      // any other failure
)

// TLSProbe is one TLS handshake with SNI to one host (the apex or www) at
// one of its addresses.
type TLSProbe struct {
	Host   string      `json:"host"` // the SNI name: the domain or www.<domain>
	Addr   netip.Addr  `json:"addr"`
	Port   uint16      `json:"port"`
	Status ProbeStatus `json:"status"`
	Error  string      `json:"error,omitempty"`
	// Version is the negotiated protocol ("TLS 1.3").
	Version string `json:"version,omitempty"`
	// Chain is the chain the server sent, leaf first, as sent (not as
	// verified).
	Chain []Cert `json:"chain,omitempty"`
	// OCSPStapled is true when the server stapled an OCSP response.
	OCSPStapled bool `json:"ocsp_stapled,omitempty"`
	// Verified is true when the chain verifies for Host against the
	// system roots (or the roots the crawl was given); VerifyError says
	// why not otherwise.
	Verified    bool    `json:"verified,omitempty"`
	VerifyError string  `json:"verify_error,omitempty"`
	DurationMS  float64 `json:"duration_ms,omitempty"`
}

// Cert is what the report needs of one certificate of a chain.
type Cert struct {
	SubjectCN  string    `json:"subject_cn,omitempty"`
	SubjectOrg string    `json:"subject_org,omitempty"`
	IssuerCN   string    `json:"issuer_cn,omitempty"`
	IssuerOrg  string    `json:"issuer_org,omitempty"`
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
	// SANs counts the DNS names of the subject alternative name
	// extension; the names themselves are not kept.
	SANs int `json:"sans,omitempty"`
	// SHA256 is the hex SHA-256 fingerprint of the DER certificate.
	SHA256 string `json:"sha256,omitempty"`
	// OCSP, CRL and AIA are the URLs of the certificate's OCSP responders,
	// CRL distribution points and CA issuers (authority information
	// access).
	OCSP []string `json:"ocsp,omitempty"`
	CRL  []string `json:"crl,omitempty"`
	AIA  []string `json:"aia,omitempty"`
	// SelfSigned is true when subject and issuer are the same and the
	// certificate's signature checks with its own key.
	SelfSigned bool `json:"self_signed,omitempty"`
}

// HTTPProbe is one HEAD request to the www host (HTTPS first, then HTTP).
type HTTPProbe struct {
	URL        string      `json:"url"`
	Addr       netip.Addr  `json:"addr"`
	Status     ProbeStatus `json:"status"`
	Error      string      `json:"error,omitempty"`
	StatusCode int         `json:"status_code,omitempty"`
	// Headers holds the response headers that can identify an edge
	// (Server, Via, CF-RAY, X-Amz-Cf-Id, X-Served-By, X-Cache, ...), names
	// in canonical form, values cut to a bounded length.
	Headers    map[string][]string `json:"headers,omitempty"`
	DurationMS float64             `json:"duration_ms,omitempty"`
}

// CertHost is the DNS resolution of a host named in a certificate's OCSP,
// CRL or AIA URL: its own DNS and CDN providers are transitive
// dependencies of the sites whose certificates name it.
type CertHost struct {
	Name string `json:"name"`
	Host Host   `json:"host"`
	// Zone is the NS set of the zone the host (or its last CNAME target)
	// lives in.
	Zone *ZoneNS `json:"zone,omitempty"`
}
