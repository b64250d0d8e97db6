package probe

import (
	"fmt"
	"net/netip"
	"strings"
)

// Redirect names the loopback endpoints where the simulated internet
// answers TLS and HTTP for every simulated host (by SNI and Host header).
type Redirect struct {
	TLS  netip.AddrPort // dialled instead of addr:443
	HTTP netip.AddrPort // dialled instead of addr:80
}

// ParseRedirect reads the simulated internet's answer to the CHAOS TXT
// question dnscrawl.SimulatedProbeName: space-separated key=value pairs,
// "tls=127.0.0.1:PORT http=127.0.0.1:PORT". Keys other than tls and http
// are ignored (a later simnet may say more). Each endpoint must be a
// loopback address with a port: a redirect never leaves the machine. At
// least one must be given.
func ParseRedirect(s string) (*Redirect, error) {
	r := &Redirect{}
	for _, f := range strings.Fields(s) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("probe endpoints %q: %q is not key=value", s, f)
		}
		var dst *netip.AddrPort
		switch k {
		case "tls":
			dst = &r.TLS
		case "http":
			dst = &r.HTTP
		default:
			continue
		}
		ap, err := netip.ParseAddrPort(v)
		if err != nil {
			return nil, fmt.Errorf("probe endpoints %q: %s: %w", s, k, err)
		}
		if !ap.Addr().IsLoopback() || ap.Port() == 0 {
			return nil, fmt.Errorf("probe endpoints %q: %s=%s is not a loopback address with a port", s, k, v)
		}
		*dst = ap
	}
	if !r.TLS.IsValid() && !r.HTTP.IsValid() {
		return nil, fmt.Errorf("probe endpoints %q: neither tls= nor http=", s)
	}
	return r, nil
}

// String writes r as ParseRedirect reads it.
func (r *Redirect) String() string {
	var parts []string
	if r.TLS.IsValid() {
		parts = append(parts, "tls="+r.TLS.String())
	}
	if r.HTTP.IsValid() {
		parts = append(parts, "http="+r.HTTP.String())
	}
	return strings.Join(parts, " ")
}
