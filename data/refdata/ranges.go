package refdata

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Range is one prefix of a provider's official range publication, with
// what the publication says of it. Source, Service, Region and
// BorderGroup are copied from the file as published (AWS writes
// "CLOUDFRONT", Azure "AzureFrontDoor"); deciding which catalog provider a
// range belongs to is analysis/classify's job.
type Range struct {
	Prefix netip.Prefix
	// Source is the id of the publication ("aws", "gcp", "azure", ...).
	Source string
	// Service is the product the publication names: AWS "service", the
	// Azure tag's systemService, Google cloud.json "service", Oracle's
	// first tag, the GitHub meta key. Empty when the file has none.
	Service string
	// Region is the provider region ("us-east-1", "eastus", the
	// cloud.json scope, the Oracle region; a geofeed's ISO 3166-2 region).
	// Empty, never "GLOBAL", when the range serves no single region.
	Region string
	// BorderGroup is AWS's network_border_group (a Local Zone or
	// Wavelength zone can differ from its region).
	BorderGroup string
	// Country is the geofeed's ISO 3166-1 country, when the file has one.
	Country string
}

// Format is the file format of a range publication or an ASN table.
type Format string

// The formats chokepoint reads.
const (
	FormatAWS         Format = "aws-ip-ranges"      // ip-ranges.amazonaws.com/ip-ranges.json
	FormatGCPCloud    Format = "gcp-cloud"          // www.gstatic.com/ipranges/cloud.json
	FormatGoog        Format = "google-goog"        // www.gstatic.com/ipranges/goog.json
	FormatAzure       Format = "azure-service-tags" // ServiceTags_Public_YYYYMMDD.json
	FormatOracle      Format = "oracle-public-ip"   // docs.oracle.com/.../public_ip_ranges.json
	FormatCIDRList    Format = "cidr-list"          // one CIDR per line (Cloudflare ips-v4/ips-v6, Akamai)
	FormatFastly      Format = "fastly-public-ip"   // api.fastly.com/public-ip-list
	FormatGitHubMeta  Format = "github-meta"        // api.github.com/meta
	FormatGeofeed     Format = "geofeed"            // RFC 8805 CSV (DigitalOcean, Linode, Vultr)
	FormatPfx2as      Format = "caida-pfx2as"       // CAIDA Routeviews prefix-to-AS
	FormatIP2ASN      Format = "iptoasn-tsv"        // iptoasn.com ip2asn-v4/v6.tsv
	FormatASNames     Format = "asnames"            // "AS13335   CLOUDFLARENET, US"
	FormatMMDBASN     Format = "mmdb-asn"           // GeoLite2-ASN, DB-IP ASN lite
	FormatMMDBCountry Format = "mmdb-country"       // GeoLite2-Country, DB-IP country lite
)

// ErrFormat is wrapped by every error about a reference file that does
// not parse.
var ErrFormat = errors.New("malformed reference file")

// formatError names the file and the reason.
func formatError(name string, f Format, format string, a ...any) error {
	return fmt.Errorf("parse %s (%s): %w: %s", name, f, ErrFormat, fmt.Sprintf(format, a...))
}

// maxLine bounds one line of a text table.
const maxLine = 64 << 10

// ParseRanges reads a range publication of format f. name is used in
// error messages (the file name); source is recorded in every Range. It
// refuses a file that does not parse as f, holds a malformed prefix, or
// holds no prefix at all. It does not judge the prefixes: CheckRanges
// does.
func ParseRanges(f Format, source, name string, r io.Reader) ([]Range, error) {
	rs, _, err := ParseRangeFile(f, source, name, r)
	return rs, err
}

// Publication is what a range file says about its own publication.
type Publication struct {
	// Date is when the provider published the file, in UTC; zero when
	// the file does not say (or says something that is not a date
	// between 2000 and 2199, which is ignored, never an error).
	Date time.Time
	// DateFrom names where Date was read: "createDate" or "syncToken"
	// (AWS), "syncToken" or "creationTime" (Google), "file name" (Azure's
	// ServiceTags_Public_YYYYMMDD), "last_updated_timestamp" (Oracle),
	// "Last-Modified" (the HTTP header of a download), "build_epoch" (a
	// MaxMind DB).
	DateFrom string
	// Version is the file's own serial: "syncToken 1753388594" (AWS,
	// Google), "changeNumber 363" (Azure); empty when it has none.
	Version string
}

// ParseRangeFile is ParseRanges that also returns what the file says of
// its publication: AWS createDate and syncToken; Google syncToken (Unix
// milliseconds; creationTime when it is absent, read as UTC although
// Google writes it in Pacific time); Azure changeNumber (its date is in
// the file name, see PublicationFromName); Oracle
// last_updated_timestamp (read as UTC). The CIDR lists, Fastly's list,
// GitHub's meta and geofeeds carry none.
func ParseRangeFile(f Format, source, name string, r io.Reader) ([]Range, Publication, error) {
	var (
		out []Range
		pub Publication
		err error
	)
	switch f {
	case FormatAWS:
		out, pub, err = parseAWS(r)
	case FormatGCPCloud, FormatGoog:
		out, pub, err = parseGoogle(r, f == FormatGCPCloud)
	case FormatAzure:
		out, pub, err = parseAzure(r)
	case FormatOracle:
		out, pub, err = parseOracle(r)
	case FormatCIDRList:
		out, err = parseCIDRList(r)
	case FormatFastly:
		out, err = parseFastly(r)
	case FormatGitHubMeta:
		out, err = parseGitHub(r)
	case FormatGeofeed:
		out, err = parseGeofeed(r)
	default:
		return nil, Publication{}, fmt.Errorf("parse %s: %w: %q is not a range format", name, ErrFormat, f)
	}
	if err != nil {
		return nil, Publication{}, formatError(name, f, "%v", err)
	}
	if len(out) == 0 {
		return nil, Publication{}, formatError(name, f, "no prefix")
	}
	for i := range out {
		out[i].Source = source
	}
	return out, pub, nil
}

// plausible keeps a publication date only between 2000 and 2199: a file
// that says year 9999 must not make every later copy look older.
func plausible(t time.Time) bool {
	return t.Year() >= 2000 && t.Year() < 2200
}

// parseDate reads s with the first layout that fits, as UTC when it has
// no zone.
func parseDate(s string, layouts ...string) (time.Time, bool) {
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, strings.TrimSpace(s), time.UTC); err == nil && plausible(t) {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// unixToken reads a syncToken: Unix seconds (AWS) or milliseconds
// (Google).
func unixToken(s string, millis bool) (time.Time, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, false
	}
	t := time.Unix(n, 0)
	if millis {
		t = time.UnixMilli(n)
	}
	return t.UTC(), plausible(t)
}

// azureName matches the date in the name Microsoft gives the weekly file.
var azureName = regexp.MustCompile(`ServiceTags_Public_([0-9]{8})`)

// PublicationFromName reads a publication date from a file name or URL
// where the provider puts it there (Azure's ServiceTags_Public_YYYYMMDD);
// zero otherwise.
func PublicationFromName(f Format, name string) Publication {
	if f != FormatAzure {
		return Publication{}
	}
	m := azureName.FindStringSubmatch(name)
	if m == nil {
		return Publication{}
	}
	if t, ok := parseDate(m[1], "20060102"); ok {
		return Publication{Date: t, DateFrom: "file name"}
	}
	return Publication{}
}

// parsePrefix parses a CIDR and insists it is in canonical (masked) form
// up to IPv4-mapped addresses, which are unmapped. A host address without
// a length is refused: every official file writes the length.
func parsePrefix(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("prefix %q has a zone", s)
	}
	if p.Addr().Is4In6() {
		if p.Bits() < 96 {
			return netip.Prefix{}, fmt.Errorf("prefix %q: mapped prefix shorter than /96", s)
		}
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}

// decodeJSON decodes exactly one JSON value into v.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

// region drops the placeholder values the publications use for "no
// region".
func region(s string) string {
	if strings.EqualFold(s, "GLOBAL") {
		return ""
	}
	return s
}

func parseAWS(r io.Reader) ([]Range, Publication, error) {
	type pfx struct {
		IPPrefix    string `json:"ip_prefix"`
		IPv6Prefix  string `json:"ipv6_prefix"`
		Region      string `json:"region"`
		Service     string `json:"service"`
		BorderGroup string `json:"network_border_group"`
	}
	var doc struct {
		SyncToken  string `json:"syncToken"`
		CreateDate string `json:"createDate"`
		Prefixes   []pfx  `json:"prefixes"`
		IPv6       []pfx  `json:"ipv6_prefixes"`
	}
	if err := decodeJSON(r, &doc); err != nil {
		return nil, Publication{}, err
	}
	if doc.Prefixes == nil && doc.IPv6 == nil {
		return nil, Publication{}, errors.New(`no "prefixes" or "ipv6_prefixes" array`)
	}
	var pub Publication
	if doc.SyncToken != "" {
		pub.Version = "syncToken " + doc.SyncToken
	}
	if t, ok := parseDate(doc.CreateDate, "2006-01-02-15-04-05"); ok {
		pub.Date, pub.DateFrom = t, "createDate"
	} else if t, ok := unixToken(doc.SyncToken, false); ok {
		pub.Date, pub.DateFrom = t, "syncToken"
	}
	out := make([]Range, 0, len(doc.Prefixes)+len(doc.IPv6))
	for i, e := range append(doc.Prefixes, doc.IPv6...) {
		s := e.IPPrefix
		if i >= len(doc.Prefixes) {
			s = e.IPv6Prefix
		}
		p, err := parsePrefix(s)
		if err != nil {
			return nil, Publication{}, fmt.Errorf("entry %d: %v", i, err)
		}
		out = append(out, Range{Prefix: p, Service: e.Service, Region: region(e.Region), BorderGroup: region(e.BorderGroup)})
	}
	return out, pub, nil
}

func parseGoogle(r io.Reader, cloud bool) ([]Range, Publication, error) {
	var doc struct {
		SyncToken    string `json:"syncToken"`
		CreationTime string `json:"creationTime"`
		Prefixes     []struct {
			IPv4    string `json:"ipv4Prefix"`
			IPv6    string `json:"ipv6Prefix"`
			Service string `json:"service"`
			Scope   string `json:"scope"`
		} `json:"prefixes"`
	}
	if err := decodeJSON(r, &doc); err != nil {
		return nil, Publication{}, err
	}
	if doc.Prefixes == nil {
		return nil, Publication{}, errors.New(`no "prefixes" array`)
	}
	var pub Publication
	if doc.SyncToken != "" {
		pub.Version = "syncToken " + doc.SyncToken
	}
	if t, ok := unixToken(doc.SyncToken, true); ok {
		pub.Date, pub.DateFrom = t, "syncToken"
	} else if t, ok := parseDate(doc.CreationTime, "2006-01-02T15:04:05.999999999", time.RFC3339Nano); ok {
		pub.Date, pub.DateFrom = t, "creationTime"
	}
	out := make([]Range, 0, len(doc.Prefixes))
	for i, e := range doc.Prefixes {
		s := e.IPv4
		if s == "" {
			s = e.IPv6
		}
		p, err := parsePrefix(s)
		if err != nil {
			return nil, Publication{}, fmt.Errorf("entry %d: %v", i, err)
		}
		rg := Range{Prefix: p}
		if cloud {
			rg.Service, rg.Region = e.Service, region(e.Scope)
		}
		out = append(out, rg)
	}
	return out, pub, nil
}

func parseAzure(r io.Reader) ([]Range, Publication, error) {
	var doc struct {
		ChangeNumber *int   `json:"changeNumber"`
		Cloud        string `json:"cloud"`
		Values       []struct {
			Name       string `json:"name"`
			Properties struct {
				Region          string   `json:"region"`
				SystemService   string   `json:"systemService"`
				AddressPrefixes []string `json:"addressPrefixes"`
			} `json:"properties"`
		} `json:"values"`
	}
	if err := decodeJSON(r, &doc); err != nil {
		return nil, Publication{}, err
	}
	if doc.Values == nil || doc.ChangeNumber == nil {
		return nil, Publication{}, errors.New(`no "changeNumber" or "values"`)
	}
	pub := Publication{Version: fmt.Sprintf("changeNumber %d", *doc.ChangeNumber)}
	var out []Range
	for _, v := range doc.Values {
		// The service is the tag name without its region
		// ("AzureFrontDoor.Frontend", "Storage" for "Storage.WestEurope",
		// "AzureCloud" for "AzureCloud.eastus").
		svc := v.Name
		if rg := v.Properties.Region; rg != "" {
			if i := strings.LastIndexByte(svc, '.'); i >= 0 && strings.EqualFold(svc[i+1:], rg) {
				svc = svc[:i]
			}
		}
		for _, s := range v.Properties.AddressPrefixes {
			p, err := parsePrefix(s)
			if err != nil {
				return nil, Publication{}, fmt.Errorf("tag %s: %v", v.Name, err)
			}
			out = append(out, Range{Prefix: p, Service: svc, Region: v.Properties.Region})
		}
	}
	return out, pub, nil
}

func parseOracle(r io.Reader) ([]Range, Publication, error) {
	var doc struct {
		LastUpdated string `json:"last_updated_timestamp"`
		Regions     []struct {
			Region string `json:"region"`
			CIDRs  []struct {
				CIDR string   `json:"cidr"`
				Tags []string `json:"tags"`
			} `json:"cidrs"`
		} `json:"regions"`
	}
	if err := decodeJSON(r, &doc); err != nil {
		return nil, Publication{}, err
	}
	if doc.Regions == nil {
		return nil, Publication{}, errors.New(`no "regions" array`)
	}
	var pub Publication
	if t, ok := parseDate(doc.LastUpdated, "2006-01-02T15:04:05.999999999", time.RFC3339Nano); ok {
		pub.Date, pub.DateFrom = t, "last_updated_timestamp"
	}
	var out []Range
	for _, rg := range doc.Regions {
		for _, c := range rg.CIDRs {
			p, err := parsePrefix(c.CIDR)
			if err != nil {
				return nil, Publication{}, fmt.Errorf("region %s: %v", rg.Region, err)
			}
			tags := slices.Clone(c.Tags)
			slices.Sort(tags)
			out = append(out, Range{Prefix: p, Service: strings.Join(tags, "+"), Region: rg.Region})
		}
	}
	return out, pub, nil
}

// parseCIDRList reads one CIDR per line; blank lines and "#" comments are
// allowed, as is white space around the prefix (Akamai's file ends lines
// with a tab).
func parseCIDRList(r io.Reader) ([]Range, error) {
	var out []Range
	err := eachLine(r, func(n int, line string) error {
		p, err := parsePrefix(line)
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		out = append(out, Range{Prefix: p})
		return nil
	})
	return out, err
}

// eachLine calls fn with every line that is neither blank nor a comment,
// trimmed, and its line number.
func eachLine(r io.Reader, fn func(n int, line string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || line[0] == '#' {
			continue
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %v", n+1, err)
	}
	return nil
}

func parseFastly(r io.Reader) ([]Range, error) {
	var doc struct {
		Addresses []string `json:"addresses"`
		IPv6      []string `json:"ipv6_addresses"`
	}
	if err := decodeJSON(r, &doc); err != nil {
		return nil, err
	}
	if doc.Addresses == nil && doc.IPv6 == nil {
		return nil, errors.New(`no "addresses" or "ipv6_addresses"`)
	}
	var out []Range
	for _, s := range append(doc.Addresses, doc.IPv6...) {
		p, err := parsePrefix(s)
		if err != nil {
			return nil, err
		}
		out = append(out, Range{Prefix: p})
	}
	return out, nil
}

// githubServices are the keys of api.github.com/meta that list prefixes
// of GitHub's own services (the others list keys, domains, or ranges of
// third parties GitHub uses).
var githubServices = []string{"actions", "actions_macos", "api", "codespaces", "copilot", "dependabot", "git", "github_enterprise_importer", "hooks", "importer", "packages", "pages", "web"}

func parseGitHub(r io.Reader) ([]Range, error) {
	var doc map[string]json.RawMessage
	if err := decodeJSON(r, &doc); err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, errors.New("not a JSON object")
	}
	var out []Range
	for _, k := range githubServices { // fixed order, never map order
		raw, ok := doc[k]
		if !ok {
			continue
		}
		var list []string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, fmt.Errorf("%q: %v", k, err)
		}
		for _, s := range list {
			p, err := parsePrefix(s)
			if err != nil {
				return nil, fmt.Errorf("%q: %v", k, err)
			}
			out = append(out, Range{Prefix: p, Service: k})
		}
	}
	return out, nil
}

// parseGeofeed reads an RFC 8805 geofeed: prefix,country,region,city,postal
// with "#" comments; trailing fields may be absent.
func parseGeofeed(r io.Reader) ([]Range, error) {
	var out []Range
	err := eachLine(r, func(n int, line string) error {
		fields := strings.Split(line, ",")
		if len(fields) > 5 {
			return fmt.Errorf("line %d: %d fields, want at most 5", n, len(fields))
		}
		p, err := parsePrefix(fields[0])
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		rg := Range{Prefix: p}
		if len(fields) > 1 {
			rg.Country = strings.ToUpper(strings.TrimSpace(fields[1]))
			if rg.Country != "" && !isAlpha2(rg.Country) {
				return fmt.Errorf("line %d: country %q is not ISO 3166-1 alpha-2", n, fields[1])
			}
		}
		if len(fields) > 2 {
			rg.Region = strings.ToUpper(strings.TrimSpace(fields[2]))
		}
		out = append(out, rg)
		return nil
	})
	return out, err
}

func isAlpha2(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}
