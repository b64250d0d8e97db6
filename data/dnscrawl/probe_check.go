package dnscrawl

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Prober probes the web hosts of a domain whose DNS lookups are done: a
// TLS handshake with the apex and www hosts, a HEAD request to www
// (data/probe implements it). Probe fills o.TLS and o.HTTP from o.Apex
// and o.WWW; it must return soon after ctx ends, and must not touch any
// other field. The crawl then resolves the hosts that the certificates
// name (o.CertHosts).
type Prober interface {
	Probe(ctx context.Context, o *Observation)
}

// The bounds of the probe facts of one observation. The prober cuts what
// it records to them, and ParseObservation refuses a line past them, so a
// hostile server (or a forged file) cannot make an observation of
// megabytes.
const (
	// MaxProbes bounds the TLS probes and the HTTP probes of one
	// observation (the crawler makes at most 2 of each).
	MaxProbes = 4
	// MaxChain bounds the certificates recorded of one chain.
	MaxChain = 10
	// MaxCertText bounds a name or organisation of a certificate, in
	// bytes.
	MaxCertText = 256
	// MaxCertURLs bounds the OCSP, CRL and AIA URLs of one certificate
	// (each kind); MaxURLBytes bounds one URL.
	MaxCertURLs = 4
	MaxURLBytes = 512
	// MaxHeaders bounds the header names of one HTTP probe,
	// MaxHeaderValues the values of one name, MaxHeaderName and
	// MaxHeaderValue their lengths in bytes.
	MaxHeaders      = 48
	MaxHeaderValues = 4
	MaxHeaderName   = 64
	MaxHeaderValue  = 256
	// MaxCertHosts bounds the OCSP/CRL/AIA hosts resolved for one
	// domain.
	MaxCertHosts = 16
	// MaxProbeText bounds the error texts of a probe.
	MaxProbeText = 512
)

// ProbeStatuses lists every probe status in a fixed order.
var ProbeStatuses = []ProbeStatus{
	ProbeOK, ProbeNoAddress, ProbeNotPublic, ProbeRefused, ProbeTimeout, ProbeTLSError, ProbeHTTPError, ProbeError,
}

// ParseProbeStatus returns the probe status named s, or an error when s is
// not in the closed set.
func ParseProbeStatus(s string) (ProbeStatus, error) {
	for _, st := range ProbeStatuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown probe status %q", s)
}

func (s ProbeStatus) String() string { return string(s) }

// CertURLHost returns the host name of an OCSP, CRL or AIA URL, lower
// case without a trailing dot, and false when the URL names no host or
// names it by an IP address (then there is nothing to resolve).
func CertURLHost(raw string) (string, bool) {
	if len(raw) > MaxURLBytes {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if h == "" || strings.ContainsAny(h, ":[]") || isDottedQuad(h) {
		return "", false
	}
	return h, true
}

// isDottedQuad reports whether h is written as an IPv4 address (four
// numeric labels): such a URL host is an address, not a name.
func isDottedQuad(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) != 4 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "0123456789") != "" {
			return false
		}
	}
	return true
}

// checkProbes checks the probe facts of o against the closed set of
// statuses and the bounds above.
func (o *Observation) checkProbes() error {
	if len(o.TLS) > MaxProbes || len(o.HTTP) > MaxProbes {
		return fmt.Errorf("%d TLS and %d HTTP probes (at most %d each)", len(o.TLS), len(o.HTTP), MaxProbes)
	}
	if len(o.CertHosts) > MaxCertHosts {
		return fmt.Errorf("%d certificate hosts (at most %d)", len(o.CertHosts), MaxCertHosts)
	}
	text := func(what, s string, max int) error {
		if len(s) > max {
			return fmt.Errorf("%s of %d bytes (at most %d)", what, len(s), max)
		}
		return nil
	}
	for _, p := range o.TLS {
		if _, err := ParseProbeStatus(string(p.Status)); err != nil {
			return fmt.Errorf("TLS probe: %w", err)
		}
		if err := firstErr(text("TLS probe error", p.Error, MaxProbeText), text("TLS verify error", p.VerifyError, MaxProbeText),
			text("TLS version", p.Version, 32)); err != nil {
			return err
		}
		if len(p.Chain) > MaxChain {
			return fmt.Errorf("chain of %d certificates (at most %d)", len(p.Chain), MaxChain)
		}
		for _, c := range p.Chain {
			if err := firstErr(text("certificate subject", c.SubjectCN, MaxCertText), text("certificate subject organisation", c.SubjectOrg, MaxCertText),
				text("certificate issuer", c.IssuerCN, MaxCertText), text("certificate issuer organisation", c.IssuerOrg, MaxCertText),
				text("certificate fingerprint", c.SHA256, 64)); err != nil {
				return err
			}
			for _, urls := range [][]string{c.OCSP, c.CRL, c.AIA} {
				if len(urls) > MaxCertURLs {
					return fmt.Errorf("certificate with %d URLs of one kind (at most %d)", len(urls), MaxCertURLs)
				}
				for _, u := range urls {
					if err := text("certificate URL", u, MaxURLBytes); err != nil {
						return err
					}
				}
			}
		}
	}
	for _, p := range o.HTTP {
		if _, err := ParseProbeStatus(string(p.Status)); err != nil {
			return fmt.Errorf("HTTP probe: %w", err)
		}
		if err := firstErr(text("HTTP probe error", p.Error, MaxProbeText), text("HTTP probe URL", p.URL, MaxURLBytes)); err != nil {
			return err
		}
		if len(p.Headers) > MaxHeaders {
			return fmt.Errorf("HTTP probe with %d headers (at most %d)", len(p.Headers), MaxHeaders)
		}
		for name, vals := range p.Headers {
			if len(name) > MaxHeaderName || len(vals) > MaxHeaderValues {
				return fmt.Errorf("HTTP header %s with %d values (at most %d, names of at most %d bytes)", quoteName(name), len(vals), MaxHeaderValues, MaxHeaderName)
			}
			for _, v := range vals {
				if err := text("HTTP header value", v, MaxHeaderValue); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// probeURLHost reads the URL of an HTTP probe as the prober writes it,
// "https://" or "http://", a host name, "/" or nothing, without
// net/url: ok only for that form, where url.Parse would give the scheme
// http or https and the host returned (FuzzProbeURLHost checks it). For
// anything else (a port, a path, a query, an escape, user information,
// capitals in the scheme) ok is false and the caller asks net/url.
func probeURLHost(raw string) (host string, ok bool) {
	rest, found := strings.CutPrefix(raw, "https://")
	if !found {
		if rest, found = strings.CutPrefix(raw, "http://"); !found {
			return "", false
		}
	}
	host = strings.TrimSuffix(rest, "/")
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_':
		default:
			return "", false
		}
	}
	return host, true
}

// checkProbeNames checks the names of the probe facts, as CheckNames
// does the rest: the host of a probe is the apex or www, as the crawler
// names them; a certificate host and the names of its resolution are DNS
// names.
func (o *Observation) checkProbeNames(check func(what, name string) error, hostNames func(what string, h *Host) error) error {
	own := func(what, host string) error {
		if host != o.Domain && !isWWWOf(host, o.Domain) {
			return fmt.Errorf("%w: %s %s is neither %s nor its www host", ErrName, what, quoteName(host), o.Domain)
		}
		return nil
	}
	for _, p := range o.TLS {
		if err := own("TLS probe host", p.Host); err != nil {
			return err
		}
	}
	for _, p := range o.HTTP {
		host, ok := probeURLHost(p.URL)
		if !ok {
			u, err := url.Parse(p.URL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return fmt.Errorf("%w: HTTP probe URL %s is not an http or https URL", ErrName, quoteName(p.URL))
			}
			host = u.Host
		}
		if err := own("HTTP probe host", host); err != nil {
			return err
		}
	}
	for i := range o.CertHosts {
		ch := &o.CertHosts[i]
		if err := check("certificate host", ch.Name); err != nil {
			return err
		}
		if ch.Host.Name != "" && ch.Host.Name != ch.Name {
			return fmt.Errorf("%w: certificate host %s resolved as %s", ErrName, quoteName(ch.Name), quoteName(ch.Host.Name))
		}
		if err := hostNames("certificate host", &ch.Host); err != nil {
			return err
		}
		if ch.Zone != nil {
			if err := check("certificate host zone", ch.Zone.Zone); err != nil {
				return err
			}
			for _, ns := range ch.Zone.NS {
				if err := check("certificate host zone name server", ns); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
