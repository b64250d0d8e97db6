package dnscrawl

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// SchemaVersion is the version of the observation JSONL format written by
// this package. It changes when a field changes meaning or disappears,
// or when a reader of the previous version would miss facts: version 2
// adds the TLS and HTTP probes and the certificate hosts (tls, http,
// cert_hosts), whose absence in a version-1 line means "not probed".
const SchemaVersion = 2

// MinSchemaVersion is the oldest observation format this build still
// reads: version 1, the same lines without probes.
const MinSchemaVersion = 1

// Status is the outcome of a lookup, from a closed vocabulary. It is data,
// not an error: every input domain gets one, whatever happened.
type Status string

// The closed set of statuses. Their meaning is documented in the README.
const (
	StatusOK           Status = "ok"            // the name resolved
	StatusNXDomain     Status = "nxdomain"      // the name does not exist
	StatusNoData       Status = "nodata"        // the name exists but has no record of the type asked
	StatusServFail     Status = "servfail"      // the resolver answered SERVFAIL
	StatusRefused      Status = "refused"       // the resolver answered REFUSED
	StatusTimeout      Status = "timeout"       // no answer within the timeout, after all retries
	StatusNetworkError Status = "network_error" // the query could not be sent or the reply read
	StatusInvalidName  Status = "invalid_name"  // the name is not a valid DNS name
	StatusCNAMELoop    Status = "cname_loop"    // the CNAME chain comes back to a name already seen
	StatusTooLong      Status = "too_long"      // the CNAME chain is longer than the hop limit
	// StatusLameDelegation: the domain is delegated but its name servers
	// do not serve it. Through a recursive resolver this is seen in two
	// ways: the NS question is answered (the delegation exists) and the
	// SOA question for the same zone ends in SERVFAIL or REFUSED after
	// all retries; or the NS question ends in SERVFAIL carrying an
	// Extended DNS Error (RFC 8914) that names the authority: 20 (Not
	// Authoritative), 22 (No Reachable Authority). A plain SERVFAIL
	// without that evidence stays servfail.
	StatusLameDelegation Status = "lame_delegation"
	StatusError          Status = "error" // any other failure (bad rcode, malformed answer)
)

// Statuses lists every status in a fixed order, for reports and counts.
var Statuses = []Status{
	StatusOK, StatusNXDomain, StatusNoData, StatusServFail, StatusRefused,
	StatusTimeout, StatusNetworkError, StatusInvalidName, StatusCNAMELoop,
	StatusTooLong, StatusLameDelegation, StatusError,
}

// ParseStatus returns the status named s, or an error when s is not in the
// closed set.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q", s)
}

func (s Status) String() string { return string(s) }

// Observation is everything the crawl saw for one input domain: raw facts,
// no verdicts, so that a crawl can be analysed again with a newer catalog.
type Observation struct {
	SchemaVersion int    `json:"schema_version"`
	Domain        string `json:"domain"`
	// Rank is the domain's rank in the input list, 0 when the list has none.
	Rank int `json:"rank,omitempty"`
	// Status is the outcome for the domain as a whole: that of its NS
	// lookup, which says whether the domain exists and is delegated.
	Status Status `json:"status"`
	// Error is the raw error text behind a status other than ok.
	Error string `json:"error,omitempty"`

	NS   []NSHost `json:"ns,omitempty"`
	SOA  *SOA     `json:"soa,omitempty"`
	Apex Host     `json:"apex"`
	WWW  Host     `json:"www"`
	MX   []MXHost `json:"mx,omitempty"`
	// MXStatus is the outcome of the MX lookup: ok with MX records,
	// nodata without (no mail), or the failure.
	MXStatus Status `json:"mx_status,omitempty"`
	// TargetZones holds the NS set of the zones that the CNAME targets of
	// the apex and www live in (the DNS provider of a CDN or platform).
	TargetZones []ZoneNS `json:"target_zones,omitempty"`
	// Delegation is the delegation of the domain's zone from both sides,
	// with its lame servers; only a crawl from the root down (crawl
	// --iterative) records it. See delegation.go.
	Delegation *Delegation `json:"delegation,omitempty"`

	// TLS and HTTP are the probes of the apex and www hosts (absent when
	// the crawl ran without probes); CertHosts the resolution of the
	// OCSP, CRL and AIA hosts their certificates name. See probe_types.go.
	TLS       []TLSProbe  `json:"tls,omitempty"`
	HTTP      []HTTPProbe `json:"http,omitempty"`
	CertHosts []CertHost  `json:"cert_hosts,omitempty"`

	Resolver string `json:"resolver,omitempty"`
	// Simulated is true when the observation comes from the simulated
	// internet (data/simnet), not from the real DNS.
	Simulated bool `json:"simulated,omitempty"`

	StartedAt time.Time `json:"started_at"`
	// DurationMS is the wall time spent on the domain, in milliseconds.
	DurationMS float64 `json:"duration_ms"`
	// Queries counts the DNS questions asked for this domain (cache hits
	// excluded); Attempts counts the packets sent, retries included.
	Queries  int `json:"queries"`
	Attempts int `json:"attempts"`
}

// NSHost is one name server of the domain with its addresses.
type NSHost struct {
	Name  string       `json:"name"`
	Addrs []netip.Addr `json:"addrs,omitempty"`
}

// SOA holds the fields of the domain's SOA record that identify who runs
// the zone.
type SOA struct {
	MName  string `json:"mname"`
	RName  string `json:"rname"`
	Serial uint32 `json:"serial"`
}

// Host is the resolution of one web host name (the apex or www).
type Host struct {
	Name   string `json:"name"`
	Status Status `json:"status"`
	Error  string `json:"error,omitempty"`
	// CNAMEs is the chain of CNAME targets in the order followed: the
	// first element is the target of Name, the last the canonical name.
	CNAMEs []string     `json:"cnames,omitempty"`
	A      []netip.Addr `json:"a,omitempty"`
	AAAA   []netip.Addr `json:"aaaa,omitempty"`
}

// Addrs returns the IPv4 and IPv6 addresses of the host, v4 first.
func (h Host) Addrs() []netip.Addr {
	out := make([]netip.Addr, 0, len(h.A)+len(h.AAAA))
	out = append(out, h.A...)
	return append(out, h.AAAA...)
}

// Canonical returns the last name of the CNAME chain, or Name when there
// is no CNAME.
func (h Host) Canonical() string {
	if len(h.CNAMEs) == 0 {
		return h.Name
	}
	return h.CNAMEs[len(h.CNAMEs)-1]
}

// MXHost is one mail exchanger with its addresses.
type MXHost struct {
	Preference uint16       `json:"preference"`
	Name       string       `json:"name"`
	Addrs      []netip.Addr `json:"addrs,omitempty"`
}

// ZoneNS is the NS set of a zone a CNAME target lives in.
type ZoneNS struct {
	Zone string   `json:"zone"`
	NS   []string `json:"ns"`
}

// ErrSchema is returned when an observation line has a schema version this
// build does not read.
var ErrSchema = errors.New("unsupported observation schema version")

// ErrName is wrapped by the error of an observation whose domain or host
// names are not names (see CheckNames).
var ErrName = errors.New("invalid name in observation")

// maxNameBytes bounds the length of any name of an observation before it
// is looked at: 255 octets on the wire, each written \DDD at most in
// presentation format. A name longer than that is rejected without being
// parsed or copied.
const maxNameBytes = 4 * 255

// Encoder writes observations as JSON lines, as encoding/json would
// write them, without its reflection (see appendObservation).
type Encoder struct {
	w   *bufio.Writer
	buf []byte
}

// NewEncoder returns an encoder writing to w. Call Flush when done.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 64<<10), buf: make([]byte, 0, 4096)}
}

// Encode writes one observation as one line. On an error (a value JSON
// cannot hold) nothing is written.
func (e *Encoder) Encode(o *Observation) error {
	if o.SchemaVersion == 0 {
		o.SchemaVersion = SchemaVersion
	}
	b, err := appendObservation(e.buf[:0], o)
	if err != nil {
		return err
	}
	e.buf = b
	_, err = e.w.Write(b)
	return err
}

// Flush writes any buffered lines to the underlying writer.
func (e *Encoder) Flush() error { return e.w.Flush() }

// LineError is a line of an observations file that could not be decoded.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// Decoder reads observations from JSON lines, with their recurring names
// interned (Parser).
type Decoder struct {
	sc    *bufio.Scanner
	line  int
	names *Parser
}

// NewDecoder returns a decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	return &Decoder{sc: sc, names: NewParser()}
}

// Next decodes the next observation. It returns io.EOF at the end, and a
// *LineError for a line that is not a valid observation; the caller may
// go on reading after a *LineError.
func (d *Decoder) Next() (*Observation, error) {
	for d.sc.Scan() {
		d.line++
		b := d.sc.Bytes()
		if len(b) == 0 {
			continue
		}
		o, err := d.names.Parse(b)
		if err != nil {
			return nil, &LineError{Line: d.line, Err: err}
		}
		return o, nil
	}
	if err := d.sc.Err(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

// ParseObservation decodes one non-empty line of an observations file and
// checks it as Next does: schema version, domain, status, the bounds of
// the probe facts (checkProbes), the names (CheckNames). It does not
// keep b. Callers that read lines themselves (to decode them on several
// goroutines) use it; the error is not a *LineError.
func ParseObservation(b []byte) (*Observation, error) { return parseObservation(b, nil) }

// parseObservation is ParseObservation, with names interned by p when p
// is not nil.
func parseObservation(b []byte, p *Parser) (*Observation, error) {
	o := new(Observation)
	if err := parseInto(b, o, p, nil); err != nil {
		return nil, err
	}
	return o, nil
}

// parseInto is parseObservation into o (overwritten whole), with the
// arrays of o in s when s is not nil (p must then be too). A lean Parser
// that refuses the line reads it again in full, without s, for the error
// a Parser gives.
func parseInto(b []byte, o *Observation, p *Parser, s *Store) error {
	err := parseOnce(b, o, p, s)
	if err != nil && p != nil && p.lean {
		p.lean = false
		err = parseOnce(b, o, p, nil)
		p.lean = true
	}
	return err
}

// parseOnce is parseInto, once.
func parseOnce(b []byte, o *Observation, p *Parser, s *Store) error {
	*o = Observation{}
	if err := decodeIn(b, o, p, s); err != nil {
		return err
	}
	if o.SchemaVersion < MinSchemaVersion || o.SchemaVersion > SchemaVersion {
		return fmt.Errorf("%w %d (this build reads %d to %d)", ErrSchema, o.SchemaVersion, MinSchemaVersion, SchemaVersion)
	}
	if o.Domain == "" {
		return errors.New("observation without domain")
	}
	if _, err := ParseStatus(string(o.Status)); err != nil {
		return err
	}
	if err := o.checkProbes(); err != nil {
		return err
	}
	check := checkName
	if p != nil && p.namesValid {
		check = validChecked // found valid as they were read
	}
	return o.checkNames(check)
}

// CheckNames checks the names of o as the list reader checks the names of
// a domain list. The domain must be one that domains.Normalize accepts,
// written as it returns it (lower case, ASCII, no root dot): the form the
// crawler writes, since its targets come from the list reader. Every
// other name (name servers, SOA, hosts, CNAME targets, mail exchangers,
// zones) comes from DNS answers, where a label may hold any byte (RFC 2181
// section 11): it must be empty or a DNS name in presentation format, at
// most 255 octets on the wire with labels of 1 to 63 octets, escapes
// allowed; the apex and www hosts may also be named as the crawler names
// them, the domain and "www." before it. The hosts of the TLS and HTTP
// probes must be the apex or www host; the certificate hosts and the
// names of their resolution (CNAMEs, zone, zone name servers) are DNS
// names like the rest. So a hostile but valid name
// passes, and a name of megabytes from a forged file does not. The error
// wraps ErrName and never quotes more than the start of a long name.
func (o *Observation) CheckNames() error { return o.checkNames(checkName) }

// checkNames is CheckNames with the names from DNS answers checked by
// check (checkName, or a Parser's, which remembers the valid ones).
func (o *Observation) checkNames(check func(what, name string) error) error {
	if len(o.Domain) > maxNameBytes {
		return fmt.Errorf("%w: domain of %d bytes (a name has at most 253 characters)", ErrName, len(o.Domain))
	}
	norm, err := domains.Normalize(o.Domain)
	if err != nil {
		return fmt.Errorf("%w: domain %s: %v", ErrName, quoteName(o.Domain), err)
	}
	if norm != o.Domain {
		return fmt.Errorf("%w: domain %s is not in normal form (%q)", ErrName, quoteName(o.Domain), norm)
	}
	// hostNames checks a host named what ("apex", written in errors
	// "apex name" and "apex CNAME", made only then).
	hostNames := func(what string, h *Host) error {
		// The crawler names the hosts after the domain, and the www
		// name of a domain of 250 characters or more is too long for
		// DNS: its lookup fails, and the name is as valid as the domain.
		if h.Name != o.Domain && !isWWWOf(h.Name, o.Domain) {
			if err := check("", h.Name); err != nil {
				return check(what+" name", h.Name)
			}
		}
		for _, c := range h.CNAMEs {
			if err := check("", c); err != nil {
				return check(what+" CNAME", c)
			}
		}
		return nil
	}
	for _, ns := range o.NS {
		if err := check("name server", ns.Name); err != nil {
			return err
		}
	}
	if o.SOA != nil {
		if err := check("SOA mname", o.SOA.MName); err != nil {
			return err
		}
		if err := check("SOA rname", o.SOA.RName); err != nil {
			return err
		}
	}
	if err := hostNames("apex", &o.Apex); err != nil {
		return err
	}
	if err := hostNames("www", &o.WWW); err != nil {
		return err
	}
	for _, mx := range o.MX {
		if err := check("mail exchanger", mx.Name); err != nil {
			return err
		}
	}
	for _, z := range o.TargetZones {
		if err := check("target zone", z.Zone); err != nil {
			return err
		}
		for _, ns := range z.NS {
			if err := check("target zone name server", ns); err != nil {
				return err
			}
		}
	}
	if err := o.checkProbeNames(check, hostNames); err != nil {
		return err
	}
	return o.Delegation.checkNames()
}

// isWWWOf reports whether host is "www." and domain.
func isWWWOf(host, domain string) bool {
	return len(host) == len(domain)+4 && host[:4] == "www." && host[4:] == domain
}

// validChecked is the check of checkNames for names already found valid
// (validName).
func validChecked(what, name string) error { return nil }

// validName reports whether checkName accepts name, without allocating
// for a name without escapes (dns.IsDomainName makes the name fully
// qualified first, a new string).
func validName(name string) bool {
	if name == "" || name == "." {
		return true
	}
	if len(name) > maxNameBytes {
		return false
	}
	if strings.IndexByte(name, '\\') < 0 {
		return plainDomainName(name)
	}
	_, ok := dns.IsDomainName(name)
	return ok
}

// plainDomainName is dns.IsDomainName(s)'s ok for a non-empty s without
// a backslash (FuzzPlainDomainName): labels of 1 to 63 octets (no
// leading dot but for the root, no empty label), at most 255 octets on
// the wire, s read as if it ended with a dot.
func plainDomainName(s string) bool {
	end := len(s) // the index of the last dot, real or added
	if s[len(s)-1] != '.' {
		end++
	}
	off, begin, wasDot := 0, 0, false
	for i := 0; i <= end-1; i++ {
		if i < len(s) && s[i] != '.' {
			wasDot = false
			continue
		}
		if (i == 0 && end > 1) || wasDot {
			return false
		}
		wasDot = true
		l := i - begin
		if l >= 64 {
			return false
		}
		if off += 1 + l; off > 256 {
			return false
		}
		begin = i + 1
	}
	return true
}

// checkName checks one name from a DNS answer for CheckNames: empty, the
// root, or a DNS name in presentation format of bounded length
// (validName).
func checkName(what, name string) error {
	if name == "" || name == "." {
		return nil
	}
	if len(name) > maxNameBytes {
		return fmt.Errorf("%w: %s of %d bytes (a name has at most 255 octets)", ErrName, what, len(name))
	}
	if _, ok := dns.IsDomainName(name); !ok {
		return fmt.Errorf("%w: %s %s is not a DNS name", ErrName, what, quoteName(name))
	}
	return nil
}

// quoteName quotes a name for an error message, cut after 64 bytes.
func quoteName(s string) string {
	const max = 64
	if len(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q... (%d bytes)", s[:max], len(s))
}

// Line returns the number of the line last read.
func (d *Decoder) Line() int { return d.line }
