package catalog

import (
	"fmt"
	"math/bits"
	"net/textproto"
	"strings"
)

// HeaderRule names a CDN from one response header of the HTTP probe: a
// header its edge adds to every response ("CF-RAY", "X-Amz-Cf-Id"), or a
// value it writes ("Server: cloudflare", "Via: 1.1 varnish"). Rules live
// in the "http_headers" list of a catalog fragment, each citing the
// provider's own documentation of the header.
type HeaderRule struct {
	// Provider is the id of the CDN product the header shows.
	Provider string `json:"provider"`
	// Header is the header name ("CF-RAY"); compared in canonical form.
	Header string `json:"header"`
	// Match is how the value is compared: "present" (any value),
	// "equals", "prefix" or "contains" (Value, lower case, against the
	// value in lower case; every value of a repeated header is tried).
	Match string `json:"match"`
	Value string `json:"value,omitempty"`
	// Confidence is in (0, 1]: a header only that CDN sends is strong, a
	// value other software may write (Via: varnish) weak.
	Confidence float64 `json:"confidence"`
	// Source is the provider's page documenting the header.
	Source string `json:"source"`

	p    *Provider
	name string // canonical header name
	file string // fragment the rule was read from, for messages
}

// The ways a header rule compares a value.
const (
	HeaderPresent  = "present"
	HeaderEquals   = "equals"
	HeaderPrefix   = "prefix"
	HeaderContains = "contains"
)

// maxHeaderValue bounds the part of a header value that is compared.
const maxHeaderValue = 512

// ProviderOf returns the provider the rule names (nil before Parse).
func (r *HeaderRule) ProviderOf() *Provider { return r.p }

// tchar reports whether b may appear in an HTTP header name (RFC 9110
// token).
func tchar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// addHeaderRules validates the header rules and keeps them in order.
func (c *Catalog) addHeaderRules(rules []*HeaderRule) []error {
	var errs []error
	seen := make(map[string]int)
	for i, r := range rules {
		if r == nil {
			errs = append(errs, fmt.Errorf("%w: http header rule #%d is null", ErrInvalid, i))
			continue
		}
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%w: %s: http header rule #%d (%s %s %q): %s",
				ErrInvalid, r.file, i, r.Header, r.Match, r.Value, fmt.Sprintf(format, a...)))
		}
		p, ok := c.byID[r.Provider]
		switch {
		case !ok:
			bad("unknown provider %q", r.Provider)
		case p.WebLayer() != LayerCDN:
			bad("provider %q is not a cdn", r.Provider)
		}
		r.p = p
		if r.Header == "" || len(r.Header) > 64 {
			bad("header name empty or too long")
		}
		for j := 0; j < len(r.Header); j++ {
			if !tchar(r.Header[j]) {
				bad("malformed header name")
				break
			}
		}
		r.name = textproto.CanonicalMIMEHeaderKey(r.Header)
		switch r.Match {
		case HeaderPresent:
			if r.Value != "" {
				bad("a %q rule has no value", HeaderPresent)
			}
		case HeaderEquals, HeaderPrefix, HeaderContains:
			if r.Value == "" || r.Value != strings.ToLower(r.Value) || len(r.Value) > maxHeaderValue {
				bad("the value must be lower case, 1 to %d bytes", maxHeaderValue)
			}
		default:
			bad("match is not present, equals, prefix or contains")
		}
		if !(r.Confidence > 0 && r.Confidence <= 1) {
			bad("confidence %v is not in (0, 1]", r.Confidence)
		}
		if !validSource(r.Source) {
			bad("source %q is not an http(s) URL", r.Source)
		}
		k := r.name + "\x00" + r.Match + "\x00" + r.Value
		if j, dup := seen[k]; dup {
			bad("same header, match and value as rule #%d", j)
		}
		seen[k] = i
		if c.headerRules == nil {
			c.headerRules = make(map[string][]int)
		}
		c.headerRules[r.name] = append(c.headerRules[r.name], len(c.headers))
		c.headers = append(c.headers, r)
	}
	return errs
}

// HeaderRules returns the header rules in catalog order.
func (c *Catalog) HeaderRules() []*HeaderRule { return c.headers }

// HeaderMatch is one provider named by the response headers, with the
// strongest rule that named it and the header it matched.
type HeaderMatch struct {
	Provider *Provider
	Rule     *HeaderRule
	// Evidence is the header as matched, "Server: cloudflare", its value
	// cut to a bounded length.
	Evidence string
}

// matches reports whether one value matches r.
func (r *HeaderRule) matches(v string) bool {
	if r.Match == HeaderPresent {
		return true
	}
	if len(v) > maxHeaderValue {
		v = v[:maxHeaderValue]
	}
	v = strings.TrimSpace(v)
	if !asciiOnly(v) {
		// strings.ToLower maps more than A-Z beyond ASCII: compare its
		// result.
		v = strings.ToLower(v)
		switch r.Match {
		case HeaderEquals:
			return v == r.Value
		case HeaderPrefix:
			return strings.HasPrefix(v, r.Value)
		case HeaderContains:
			return strings.Contains(v, r.Value)
		}
		return false
	}
	// An ASCII value in lower case is v with A-Z mapped: compared so,
	// without making it.
	switch r.Match {
	case HeaderEquals:
		return len(v) == len(r.Value) && hasLowerPrefix(v, r.Value)
	case HeaderPrefix:
		return hasLowerPrefix(v, r.Value)
	case HeaderContains:
		for i := 0; i+len(r.Value) <= len(v); i++ {
			if hasLowerPrefix(v[i:], r.Value) {
				return true
			}
		}
	}
	return false
}

// asciiOnly reports whether s has only ASCII bytes.
func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// hasLowerPrefix reports whether ASCII string v, with A-Z in lower case,
// starts with p.
func hasLowerPrefix(v, p string) bool {
	if len(v) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// MatchHeaders returns the CDN products that response headers h name,
// one per provider with its strongest rule (at equal confidence the
// first in catalog order), in catalog order of those rules. Header names
// in h are looked up in canonical form and as given.
func (c *Catalog) MatchHeaders(h map[string][]string) []HeaderMatch {
	return c.AppendHeaderMatches(nil, h)
}

// AppendHeaderMatches appends to out what MatchHeaders returns for h.
func (c *Catalog) AppendHeaderMatches(out []HeaderMatch, h map[string][]string) []HeaderMatch {
	if len(h) == 0 {
		return out
	}
	base := len(out)
	// When every name in h is an ASCII token in canonical form, as Go's
	// HTTP client records them, a name missing from h in canonical form
	// is missing in every case: the rules' names are canonical tokens.
	// The rules of the names h has are then found from h's few names,
	// and tried in catalog order.
	if rules, ok := c.canonicalRules(h); ok {
		for rules != 0 {
			i := bits.TrailingZeros64(rules)
			rules &= rules - 1
			r := c.headers[i]
			out = r.appendMatch(out, base, h[r.name])
		}
		return out
	}
	for _, r := range c.headers {
		vals, ok := h[r.name]
		if !ok {
			vals, ok = lookupHeader(h, r.name)
		}
		if ok {
			out = r.appendMatch(out, base, vals)
		}
	}
	return out
}

// canonicalRules returns the set of the rules (bit i: c.headers[i])
// whose header names h has, in one pass over h; ok is false when a name
// in h is not a canonical token (canonicalToken) or the rules do not fit
// the set.
func (c *Catalog) canonicalRules(h map[string][]string) (rules uint64, ok bool) {
	if len(c.headers) > 64 {
		return 0, false
	}
	for k := range h {
		if !canonicalToken(k) {
			return 0, false
		}
		for _, i := range c.headerRules[k] {
			rules |= 1 << i
		}
	}
	return rules, true
}

// appendMatch adds to the matches out[base:] the first of vals that r
// matches, unless a stronger rule named r's provider.
func (r *HeaderRule) appendMatch(out []HeaderMatch, base int, vals []string) []HeaderMatch {
	for _, v := range vals {
		if !r.matches(v) {
			continue
		}
		// The evidence is made only for a match that is kept.
		found := false
		for i := base; i < len(out); i++ {
			if out[i].Provider == r.p {
				found = true
				if r.Confidence > out[i].Rule.Confidence {
					out[i].Rule, out[i].Evidence = r, r.name+": "+clip(v, 120)
				}
			}
		}
		if !found {
			out = append(out, HeaderMatch{Provider: r.p, Rule: r, Evidence: r.name + ": " + clip(v, 120)})
		}
		break
	}
	return out
}

// canonicalToken reports whether k is made of token characters (tchar)
// and is its own textproto.CanonicalMIMEHeaderKey: each letter in upper
// case at the start and after a hyphen, in lower case elsewhere.
func canonicalToken(k string) bool {
	upper := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case 'a' <= c && c <= 'z':
			if upper {
				return false
			}
		case 'A' <= c && c <= 'Z':
			if !upper {
				return false
			}
		case !tchar(c):
			return false
		}
		upper = c == '-'
	}
	return true
}

// lookupHeader finds header name in h whatever the case of its keys.
func lookupHeader(h map[string][]string, name string) ([]string, bool) {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

// clip cuts s to at most n bytes, on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
