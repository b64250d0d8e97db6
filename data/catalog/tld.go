package catalog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// TLDFile is the TLD registry table beside catalog.json: every delegated
// top-level domain with its manager (IANA's "sponsoring organisation")
// and, where the catalog knows them, the company that is that manager or
// owns it and the company running its registry back end.
const TLDFile = "tld.json"

// TLD is one top-level domain of the root zone.
type TLD struct {
	// Name is the TLD, lower case, A-label for an IDN ("xn--p1ai").
	Name string `json:"tld"`
	// Type is IANA's type: generic, country-code, sponsored or
	// infrastructure.
	Type string `json:"type"`
	// Manager is the sponsoring organisation as the IANA root zone
	// database writes it.
	Manager string `json:"manager"`
	// Registry is the catalog company that is the manager or owns it
	// ("verisign" for .com, "identitydigital" for Binky Moon's TLDs);
	// empty when the catalog has no company for it.
	Registry string `json:"registry,omitempty"`
	// Backend is the company running the registry's back end when it is
	// not the manager (Identity Digital for PIR's .org), empty otherwise
	// or when unknown.
	Backend string `json:"backend,omitempty"`
}

type tldFile struct {
	Sources []string `json:"sources"`
	TLDs    []*TLD   `json:"tlds"`
}

var (
	tldRe    = regexp.MustCompile(`^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$`)
	tldTypes = []string{"generic", "country-code", "sponsored", "infrastructure"}
)

// loadTLDs reads and validates the TLD table: a known type, a manager, a
// TLD listed once, registry and back end naming declared companies.
func (c *Catalog) loadTLDs(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f tldFile
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrInvalid, TLDFile, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("%w: %s: data after the table", ErrInvalid, TLDFile)
	}
	var errs []error
	if len(f.Sources) == 0 {
		errs = append(errs, fmt.Errorf("%w: %s: no source", ErrInvalid, TLDFile))
	}
	for _, s := range f.Sources {
		if !validSource(s) {
			errs = append(errs, fmt.Errorf("%w: %s: source %q is not an http(s) URL", ErrInvalid, TLDFile, s))
		}
	}
	c.tlds = make(map[string]*TLD, len(f.TLDs))
	company := func(id string) bool {
		co, ok := c.companies[id]
		return ok && !co.Implicit
	}
	for i, t := range f.TLDs {
		if t == nil {
			errs = append(errs, fmt.Errorf("%w: %s: entry #%d is null", ErrInvalid, TLDFile, i))
			continue
		}
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%w: %s: tld %q (entry #%d): %s", ErrInvalid, TLDFile, t.Name, i, fmt.Sprintf(format, a...)))
		}
		if !tldRe.MatchString(t.Name) {
			bad("malformed tld")
		}
		if _, dup := c.tlds[t.Name]; dup {
			bad("listed twice")
		}
		if !slices.Contains(tldTypes, t.Type) {
			bad("type %q is not one of %v", t.Type, tldTypes)
		}
		if strings.TrimSpace(t.Manager) == "" {
			bad("no manager")
		}
		if t.Registry != "" && !company(t.Registry) {
			bad("registry %q is no declared company", t.Registry)
		}
		if t.Backend != "" && (!company(t.Backend) || t.Backend == t.Registry) {
			bad("backend %q is no declared company, or the registry itself", t.Backend)
		}
		c.tlds[t.Name] = t
	}
	return errors.Join(errs...)
}

// TLD returns the entry of top-level domain name (any case, with or
// without a trailing dot).
func (c *Catalog) TLD(name string) (*TLD, bool) {
	t, ok := c.tlds[NormalizeName(name)]
	return t, ok
}

// TLDs returns the number of TLDs in the table; 0 when the catalog was
// read without one.
func (c *Catalog) TLDs() int { return len(c.tlds) }

// TLDOf returns the top-level domain of a domain name: its last label
// ("uk" for "example.co.uk"), lower case; "" for an empty name.
func TLDOf(domain string) string {
	d := NormalizeName(domain)
	if i := strings.LastIndexByte(d, '.'); i >= 0 {
		return d[i+1:]
	}
	return d
}
