package domains

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// ErrInvalidName is wrapped by every error of Normalize and Registrable; the
// text after it says what is wrong with the name.
var ErrInvalidName = errors.New("invalid domain name")

// Length limits of RFC 1035, counted on the ASCII form without the root dot.
const (
	maxNameLen  = 253
	maxLabelLen = 63
)

// profile is the IDNA profile of Normalize: idna.Lookup (UTS #46 mapping,
// non-transitional, hyphen, joiner and bidi checks) except that the STD3
// restriction to letters, digits and hyphen is left to checkName, which also
// allows '_'. A Profile is immutable and safe for concurrent use.
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
)

// Normalize turns one domain as written in a list into the form chokepoint
// uses everywhere, or says why it is not a domain. The rules, in order:
//
//  1. The input must be valid UTF-8; surrounding white space is trimmed.
//  2. A URL is cut down to its host: a scheme ("https://"), and after it any
//     user information ("user@"), are removed; so are a path, a query and a
//     fragment, with or without a scheme ("example.com/path"), and a numeric
//     port ("example.com:8080"). Without a scheme an '@' is not stripped: an
//     e-mail address is not a domain.
//  3. The name is mapped with the IDNA lookup rules of UTS #46 (case folding,
//     width and compatibility mapping, NFC) and converted to its ASCII form
//     (punycode); whatever that profile rejects is rejected. The result is
//     lower case and one trailing root dot is removed.
//  4. The name is checked: at most 253 characters; at least two labels; every
//     label 1 to 63 characters of letters, digits, '-' and '_', not beginning
//     or ending with '-'; the top-level label begins with a letter and has no
//     '_'. IP address literals and wildcards ("*.example.com") are rejected.
//  5. The name must lie under a public suffix (see Registrable): a bare
//     top-level domain ("com") or a bare public suffix ("co.uk") is rejected.
//     Top-level domains missing from the Public Suffix List are accepted
//     under its default rule, so "example.internal" is a valid name.
//
// A leading "www." is kept: the crawler looks up both the name and
// www.<name>, and "www.example.com" and "example.com" stay two domains if a
// list names both.
//
// Every error wraps ErrInvalidName. Normalize is idempotent: for every s it
// accepts, Normalize(Normalize(s)) returns the same name.
func Normalize(s string) (string, error) {
	if plainName(s) {
		// The IDNA step gives such a name back unchanged (TestPlainName):
		// only rules 4 and 5 are left to check.
		if err := checkName(s); err != nil {
			return "", err
		}
		return s, nil
	}
	return normalize(s)
}

// plainName reports whether s is made of lower-case letters, digits, '-'
// and '_' in labels separated by single dots, with no dot at either end
// and no label holding "--" at its third and fourth characters (the IDNA
// profile checks those, "xn--" labels among them): a name, most often
// already normal, that Normalize's URL and IDNA steps leave as it is.
func plainName(s string) bool {
	if s == "" || len(s) > maxNameLen {
		return false
	}
	start := 0 // of the current label
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if i == start || i-start >= 4 && s[start+2] == '-' && s[start+3] == '-' {
				return false
			}
			start = i + 1
			continue
		}
		if c := s[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// normalize is Normalize for every name.
func normalize(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", invalid("not valid UTF-8")
	}
	host, err := hostOf(strings.TrimSpace(s))
	if err != nil {
		return "", err
	}
	if host == "" {
		return "", invalid("empty name")
	}
	ascii, err := profile.ToASCII(host)
	if err != nil {
		// Prefer the plain reason ("label begins with a hyphen") to the IDNA
		// code when the name was ASCII and breaks one of our own rules.
		if isASCII(host) {
			if e := checkName(strings.TrimSuffix(strings.ToLower(host), ".")); e != nil {
				return "", e
			}
		}
		return "", fmt.Errorf("%w: %v", ErrInvalidName, err)
	}
	name := strings.TrimSuffix(strings.ToLower(ascii), ".")
	if err := checkName(name); err != nil {
		return "", err
	}
	return name, nil
}

// Registrable returns the registrable domain of name: its public suffix per
// the Public Suffix List (ICANN and private sections) plus one label, so
// "www.example.co.uk" gives "example.co.uk" and "user.github.io" gives
// itself. A name that is itself a suffix from the private section of the
// list, such as "github.io" or "blogspot.com", is returned unchanged: it is a
// domain registered under an ICANN suffix by the company that runs it. A
// bare ICANN suffix ("com", "co.uk") is an error wrapping ErrInvalidName.
//
// name should be in the ASCII form Normalize returns; upper case and one
// trailing root dot, as in names taken from DNS answers, are tolerated.
func Registrable(name string) (string, error) {
	name, suffix, err := publicSuffix(name)
	if err != nil {
		return "", err
	}
	if suffix == name {
		return name, nil // a private suffix (publicSuffix)
	}
	// The suffix plus one label, as publicsuffix.EffectiveTLDPlusOne
	// finds it, without looking the suffix up a second time: name has no
	// empty label, and the suffix is its last labels.
	i := len(name) - len(suffix) - 1
	if i < 0 || name[i] != '.' {
		return "", fmt.Errorf("%w: publicsuffix: invalid public suffix %q for domain %q", ErrInvalidName, suffix, name)
	}
	return name[1+strings.LastIndexByte(name[:i], '.'):], nil
}

// publicSuffix returns name lower case without its root dot and its public
// suffix (ICANN and private sections), or the error of Registrable: an
// empty label, or a name that is an ICANN suffix or a single label. A
// suffix equal to the name is then a private suffix, registered by its
// operator.
func publicSuffix(name string) (lower, suffix string, err error) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if name == "" || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return "", "", invalid(fmt.Sprintf("%q has an empty label", name))
	}
	suffix, icann := publicsuffix.PublicSuffix(name)
	if suffix == name {
		// Without a dot the suffix came from the default rule "*", so the
		// name is a single label; with one and outside the ICANN section it
		// is a private suffix, registered by its operator.
		if icann || !strings.Contains(name, ".") {
			return "", "", invalid(fmt.Sprintf("%q is a public suffix, not a domain under one", name))
		}
	}
	return name, suffix, nil
}

func invalid(reason string) error {
	return fmt.Errorf("%w: %s", ErrInvalidName, reason)
}

// hostOf cuts a URL or host:port down to the host, leaving a plain name as
// it is.
func hostOf(s string) (string, error) {
	hadScheme := false
	if i := strings.Index(s, "://"); i > 0 && isScheme(s[:i]) {
		s = s[i+len("://"):]
		hadScheme = true
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if hadScheme {
		if i := strings.LastIndexByte(s, '@'); i >= 0 {
			s = s[i+1:]
		}
	}
	if strings.HasPrefix(s, "[") {
		return "", invalid("IP address literal")
	}
	// One colon is a port; more are an IPv6 address, rejected by checkName.
	if strings.Count(s, ":") == 1 {
		host, port, _ := strings.Cut(s, ":")
		if port == "" || strings.Trim(port, "0123456789") != "" {
			return "", invalid(fmt.Sprintf("invalid port %q", port))
		}
		s = host
	}
	return s, nil
}

// isScheme reports whether s is a URL scheme (RFC 3986 section 3.1).
func isScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLetter(c):
		case i > 0 && (isDigit(c) || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return s != ""
}

// checkName applies rule 4 and 5 of Normalize to a lower-case ASCII name
// without its root dot.
func checkName(name string) error {
	if name == "" {
		return invalid("empty name")
	}
	if mayBeAddr(name) {
		if _, err := netip.ParseAddr(name); err == nil {
			return invalid("IP address literal")
		}
	}
	if name == "*" || strings.HasPrefix(name, "*.") {
		return invalid("wildcard")
	}
	if len(name) > maxNameLen {
		return invalid(fmt.Sprintf("name longer than %d characters", maxNameLen))
	}
	labels := 0
	var label string
	for rest := name; ; {
		var more bool
		label, rest, more = strings.Cut(rest, ".")
		labels++
		if err := checkLabel(label); err != nil {
			return err
		}
		if !more {
			break
		}
	}
	if labels < 2 {
		return invalid("a single label is not a domain")
	}
	// The top-level label is the last one, still in label.
	if !isLetter(label[0]) || strings.Contains(label, "_") {
		return invalid(fmt.Sprintf("top-level label %q must begin with a letter and hold only letters, digits and '-'", label))
	}
	if _, _, err := publicSuffix(name); err != nil {
		return err
	}
	return nil
}

// mayBeAddr reports whether name may be an IP address literal: an IPv6
// address has a colon, an IPv4 address only digits and dots. The others
// are not parsed (a failed parse costs an error value).
func mayBeAddr(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == ':' {
			return true
		} else if c != '.' && !isDigit(c) {
			return false
		}
	}
	return true
}

func checkLabel(label string) error {
	switch {
	case label == "":
		return invalid("empty label")
	case len(label) > maxLabelLen:
		return invalid(fmt.Sprintf("label longer than %d characters", maxLabelLen))
	}
	for i := 0; i < len(label); i++ {
		if c := label[i]; !isLetter(c) && !isDigit(c) && c != '-' && c != '_' {
			return invalid(fmt.Sprintf("character %q not allowed", c))
		}
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return invalid(fmt.Sprintf("label %q begins or ends with '-'", label))
	}
	return nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
