package refdata

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fuzzRanges fuzzes the parser of one range format, seeded with its
// fixtures: it must never panic, and what it accepts must be canonical
// prefixes with the source set.
func fuzzRanges(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		if b, err := os.ReadFile(filepath.Join("testdata", "ranges", s)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := ParseRanges(format, "src", "fuzz", bytes.NewReader(b))
		if err != nil {
			if rs != nil {
				t.Fatal("ranges returned with an error")
			}
			return
		}
		if len(rs) == 0 {
			t.Fatal("accepted with no prefix")
		}
		for _, r := range rs {
			if !r.Prefix.IsValid() || r.Prefix != r.Prefix.Masked() || r.Prefix.Addr().Is4In6() || r.Source != "src" {
				t.Fatalf("bad range %+v", r)
			}
		}
		// Building a table from it never panics and finds each prefix.
		tbl := NewRanges(rs)
		for _, r := range rs {
			if _, ok := tbl.Lookup(r.Prefix.Addr()); !ok {
				t.Fatalf("%s not found in its own table", r.Prefix)
			}
		}
	})
}

func FuzzParseAWS(f *testing.F)    { fuzzRanges(f, FormatAWS, "ip-ranges.json") }
func FuzzParseGCP(f *testing.F)    { fuzzRanges(f, FormatGCPCloud, "cloud.json") }
func FuzzParseGoog(f *testing.F)   { fuzzRanges(f, FormatGoog, "goog.json") }
func FuzzParseAzure(f *testing.F)  { fuzzRanges(f, FormatAzure, "ServiceTags_Public_20251117.json") }
func FuzzParseOracle(f *testing.F) { fuzzRanges(f, FormatOracle, "public_ip_ranges.json") }
func FuzzParseCIDRList(f *testing.F) {
	fuzzRanges(f, FormatCIDRList, "ips-v4", "ips-v6", "akamai_ipv4_CIDRs.txt")
}
func FuzzParseFastly(f *testing.F) { fuzzRanges(f, FormatFastly, "public-ip-list.json") }
func FuzzParseGitHub(f *testing.F) { fuzzRanges(f, FormatGitHubMeta, "meta.json") }
func FuzzParseGeofeed(f *testing.F) {
	fuzzRanges(f, FormatGeofeed, "digitalocean-geofeed.csv", "linode-geofeed.csv")
}

// fuzzASN fuzzes one ASN table parser: no panic, and lookups of an
// accepted table never panic.
func fuzzASN(f *testing.F, seed string, add func(*ASNTable, []byte) error) {
	if b, err := os.ReadFile(filepath.Join("testdata", "asn", seed)); err == nil {
		f.Add(b)
	}
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		tbl := NewASNTable()
		if err := add(tbl, b); err != nil {
			return
		}
		tbl.Lookup(mustAddr("1.2.3.4"))
		tbl.Lookup(mustAddr("2606:4700::1"))
	})
}

func FuzzPfx2as(f *testing.F) {
	fuzzASN(f, "routeviews-rv2-20251101-1200.pfx2as", func(t *ASNTable, b []byte) error { return t.AddPfx2as("fuzz", bytes.NewReader(b)) })
}

func FuzzIP2ASN(f *testing.F) {
	fuzzASN(f, "ip2asn-v6.tsv", func(t *ASNTable, b []byte) error { return t.AddIP2ASN("fuzz", bytes.NewReader(b)) })
}

func FuzzASNames(f *testing.F) {
	fuzzASN(f, "asnames.txt", func(t *ASNTable, b []byte) error { return t.AddASNames("fuzz", bytes.NewReader(b)) })
}
