package refdata

import (
	"path"
	"regexp"
	"strings"
)

// Kind says what a source holds and how analysis uses it.
type Kind string

// The kinds of sources.
const (
	KindRanges    Kind = "ranges"     // a provider's official range publication
	KindASNTable  Kind = "asn-table"  // a prefix-to-AS table (pfx2as, iptoasn)
	KindASNames   Kind = "asn-names"  // AS number to name
	KindASNDB     Kind = "asn-db"     // MaxMind DB, GeoLite2-ASN schema
	KindCountryDB Kind = "country-db" // MaxMind DB, GeoLite2-Country schema
)

// akamaiZip is where Akamai publishes its origin IP ACL list: one zip
// holding an IPv4 and an IPv6 text file.
const akamaiZip = "https://techdocs.akamai.com/property-manager/pdfs/akamai_ipv4_ipv6_CIDRs-txt.zip"

// SourceFile is one file of a source.
type SourceFile struct {
	// Name is the file's name in the data directory.
	Name   string
	Format Format
	// URL is the official download address; empty when the file can only
	// be imported. "{MAXMIND_LICENSE_KEY}" is replaced by that
	// environment variable, "{YYYY-MM}" by the current month.
	URL string
	// Page, when set, means URL is a web page and the file is the first
	// link on it that Page matches (Microsoft publishes the weekly Azure
	// file under a new address each week).
	Page *regexp.Regexp
	// Compression of the download: "", "gzip", "tar.gz" (the first
	// .mmdb member is the file), or "zip" (the member named Member).
	Compression string
	// Member is the name of the file inside a zip download.
	Member string
	// Import lists base-name patterns (path.Match, case-insensitive) by
	// which "data import" recognises the file.
	Import []string
}

// Source is one publication chokepoint knows how to fetch and read.
type Source struct {
	ID   string
	Name string
	Kind Kind
	// Files of the source; a range source with IPv4 and IPv6 lists has
	// two.
	Files []SourceFile
	// Env names the environment variable the download needs, if any.
	Env string
	// Stable means regions and services must not vanish between two
	// copies: true for the clouds' per-region files, false for lists
	// without them and for geofeeds, whose locations move.
	Stable bool
	// Optional sources are not downloaded by "data update" unless asked
	// for by id (large tables, or alternatives to a default).
	Optional bool
}

// Sources lists every source, in Precedence order for the range sources,
// then the ASN and country data. The URLs are the official ones.
var Sources = []Source{
	{ID: "aws", Name: "Amazon Web Services ip-ranges.json", Kind: KindRanges, Stable: true, Files: []SourceFile{
		{Name: "aws-ip-ranges.json", Format: FormatAWS, URL: "https://ip-ranges.amazonaws.com/ip-ranges.json", Import: []string{"ip-ranges.json", "*aws*.json"}}}},
	{ID: "gcp", Name: "Google Cloud cloud.json", Kind: KindRanges, Stable: true, Files: []SourceFile{
		{Name: "gcp-cloud.json", Format: FormatGCPCloud, URL: "https://www.gstatic.com/ipranges/cloud.json", Import: []string{"cloud.json", "*google-cloud*.json", "*gcp*.json"}}}},
	{ID: "azure", Name: "Microsoft Azure service tags (public cloud)", Kind: KindRanges, Stable: true, Files: []SourceFile{
		{Name: "azure-service-tags.json", Format: FormatAzure, URL: "https://www.microsoft.com/en-us/download/details.aspx?id=56519",
			Page:   regexp.MustCompile(`https://download\.microsoft\.com/download/[A-Za-z0-9/._-]*ServiceTags_Public_[0-9]+\.json`),
			Import: []string{"ServiceTags_Public*.json", "*azure*.json"}}}},
	{ID: "oracle", Name: "Oracle Cloud public_ip_ranges.json", Kind: KindRanges, Stable: true, Files: []SourceFile{
		{Name: "oracle-public-ip-ranges.json", Format: FormatOracle, URL: "https://docs.oracle.com/en-us/iaas/tools/public_ip_ranges.json", Import: []string{"public_ip_ranges.json", "*oracle*.json"}}}},
	{ID: "cloudflare", Name: "Cloudflare IP ranges", Kind: KindRanges, Files: []SourceFile{
		{Name: "cloudflare-ips-v4.txt", Format: FormatCIDRList, URL: "https://www.cloudflare.com/ips-v4", Import: []string{"ips-v4", "*cloudflare*v4*"}},
		{Name: "cloudflare-ips-v6.txt", Format: FormatCIDRList, URL: "https://www.cloudflare.com/ips-v6", Import: []string{"ips-v6", "*cloudflare*v6*"}}}},
	{ID: "fastly", Name: "Fastly public IP list", Kind: KindRanges, Files: []SourceFile{
		{Name: "fastly-public-ip-list.json", Format: FormatFastly, URL: "https://api.fastly.com/public-ip-list", Import: []string{"public-ip-list*", "*fastly*"}}}},
	{ID: "akamai", Name: "Akamai origin IP ACL CIDRs", Kind: KindRanges, Files: []SourceFile{
		{Name: "akamai-ipv4-cidrs.txt", Format: FormatCIDRList, URL: akamaiZip, Compression: "zip", Member: "akamai_ipv4_CIDRs.txt", Import: []string{"akamai_ipv4_CIDRs.txt", "*akamai*v4*"}},
		{Name: "akamai-ipv6-cidrs.txt", Format: FormatCIDRList, URL: akamaiZip, Compression: "zip", Member: "akamai_ipv6_CIDRs.txt", Import: []string{"akamai_ipv6_CIDRs.txt", "*akamai*v6*"}}}},
	{ID: "github", Name: "GitHub meta", Kind: KindRanges, Stable: true, Files: []SourceFile{
		{Name: "github-meta.json", Format: FormatGitHubMeta, URL: "https://api.github.com/meta", Import: []string{"meta", "meta.json", "*github*.json"}}}},
	{ID: "digitalocean", Name: "DigitalOcean geofeed", Kind: KindRanges, Files: []SourceFile{
		{Name: "digitalocean-geofeed.csv", Format: FormatGeofeed, URL: "https://digitalocean.com/geo/google.csv", Import: []string{"*digitalocean*"}}}},
	{ID: "linode", Name: "Linode (Akamai Connected Cloud) geofeed", Kind: KindRanges, Files: []SourceFile{
		{Name: "linode-geofeed.csv", Format: FormatGeofeed, URL: "https://geoip.linode.com/", Import: []string{"*linode*"}}}},
	{ID: "vultr", Name: "Vultr geofeed", Kind: KindRanges, Files: []SourceFile{
		{Name: "vultr-geofeed.csv", Format: FormatGeofeed, URL: "https://geofeed.constant.com/?text", Import: []string{"*vultr*"}}}},
	{ID: "goog", Name: "Google goog.json (all Google networks)", Kind: KindRanges, Files: []SourceFile{
		{Name: "google-goog.json", Format: FormatGoog, URL: "https://www.gstatic.com/ipranges/goog.json", Import: []string{"goog.json", "*goog-*.json"}}}},

	{ID: "dbip-asn", Name: "DB-IP IP to ASN Lite (CC BY 4.0, no key)", Kind: KindASNDB, Files: []SourceFile{
		{Name: "dbip-asn-lite.mmdb", Format: FormatMMDBASN, URL: "https://download.db-ip.com/free/dbip-asn-lite-{YYYY-MM}.mmdb.gz", Compression: "gzip", Import: []string{"dbip-asn*.mmdb"}}}},
	{ID: "dbip-country", Name: "DB-IP IP to Country Lite (CC BY 4.0, no key)", Kind: KindCountryDB, Files: []SourceFile{
		{Name: "dbip-country-lite.mmdb", Format: FormatMMDBCountry, URL: "https://download.db-ip.com/free/dbip-country-lite-{YYYY-MM}.mmdb.gz", Compression: "gzip", Import: []string{"dbip-country*.mmdb"}}}},
	{ID: "geolite2-asn", Name: "MaxMind GeoLite2-ASN (needs MAXMIND_LICENSE_KEY)", Kind: KindASNDB, Env: "MAXMIND_LICENSE_KEY", Files: []SourceFile{
		{Name: "GeoLite2-ASN.mmdb", Format: FormatMMDBASN, URL: "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-ASN&license_key={MAXMIND_LICENSE_KEY}&suffix=tar.gz", Compression: "tar.gz", Import: []string{"GeoLite2-ASN*.mmdb"}}}},
	{ID: "geolite2-country", Name: "MaxMind GeoLite2-Country (needs MAXMIND_LICENSE_KEY)", Kind: KindCountryDB, Env: "MAXMIND_LICENSE_KEY", Files: []SourceFile{
		{Name: "GeoLite2-Country.mmdb", Format: FormatMMDBCountry, URL: "https://download.maxmind.com/app/geoip_download?edition_id=GeoLite2-Country&license_key={MAXMIND_LICENSE_KEY}&suffix=tar.gz", Compression: "tar.gz", Import: []string{"GeoLite2-Country*.mmdb", "GeoIP2-Country*.mmdb"}}}},
	{ID: "iptoasn-v4", Name: "iptoasn.com ip2asn-v4 (PDDL)", Kind: KindASNTable, Optional: true, Files: []SourceFile{
		{Name: "ip2asn-v4.tsv", Format: FormatIP2ASN, URL: "https://iptoasn.com/data/ip2asn-v4.tsv.gz", Compression: "gzip", Import: []string{"ip2asn-v4.tsv*"}}}},
	{ID: "iptoasn-v6", Name: "iptoasn.com ip2asn-v6 (PDDL)", Kind: KindASNTable, Optional: true, Files: []SourceFile{
		{Name: "ip2asn-v6.tsv", Format: FormatIP2ASN, URL: "https://iptoasn.com/data/ip2asn-v6.tsv.gz", Compression: "gzip", Import: []string{"ip2asn-v6.tsv*"}}}},
	{ID: "pfx2as", Name: "CAIDA Routeviews prefix-to-AS (import only: dated file names)", Kind: KindASNTable, Files: []SourceFile{
		{Name: "routeviews.pfx2as.tsv", Format: FormatPfx2as, Import: []string{"*pfx2as*"}}}},
	{ID: "asnames", Name: "AS names (RIPE asn.txt format)", Kind: KindASNames, Optional: true, Files: []SourceFile{
		{Name: "asnames.txt", Format: FormatASNames, URL: "https://ftp.ripe.net/ripe/asnames/asn.txt", Import: []string{"asnames.txt", "asn.txt"}}}},
}

// SourceByID returns the source with the given id.
func SourceByID(id string) (*Source, bool) {
	for i := range Sources {
		if Sources[i].ID == id {
			return &Sources[i], true
		}
	}
	return nil, false
}

// RangeSourceIDs returns the ids of the range sources, in Precedence
// order.
func RangeSourceIDs() []string {
	var out []string
	for _, s := range Sources {
		if s.Kind == KindRanges {
			out = append(out, s.ID)
		}
	}
	return out
}

// matchImport returns the source and file that a file named base is, by
// the Import patterns, matched case-insensitively.
func matchImport(base string) (*Source, *SourceFile, bool) {
	lb := strings.ToLower(base)
	for i := range Sources {
		s := &Sources[i]
		for j := range s.Files {
			for _, pat := range s.Files[j].Import {
				if ok, _ := path.Match(strings.ToLower(pat), lb); ok {
					return s, &s.Files[j], true
				}
			}
		}
	}
	return nil, nil, false
}
