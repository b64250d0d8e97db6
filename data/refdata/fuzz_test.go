package refdata

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileSeeds are range files of each format that must be refused or
// reported: a /0, a mapped /96, private, reserved and special-purpose
// space, a prefix holding one, duplicates.
var hostileSeeds = map[Format][]string{
	FormatAWS: {
		`{"syncToken": "1", "createDate": "2025-01-01-00-00-00", "prefixes": [{"ip_prefix": "0.0.0.0/0", "region": "us-east-1", "service": "EC2"}], "ipv6_prefixes": [{"ipv6_prefix": "::/0"}]}`,
		`{"prefixes": [{"ip_prefix": "10.0.0.0/8"}, {"ip_prefix": "10.0.0.0/8"}, {"ip_prefix": "3.5.140.0/22"}], "ipv6_prefixes": [{"ipv6_prefix": "fe80::/64"}]}`,
		`{"createDate": "9999-99-99-99-99-99", "prefixes": [{"ip_prefix": "::ffff:0.0.0.0/96"}]}`,
	},
	FormatGCPCloud:   {`{"syncToken": "-5", "prefixes": [{"ipv4Prefix": "100.0.0.0/8", "scope": "x"}, {"ipv6Prefix": "2001:db8::/32"}]}`},
	FormatGoog:       {`{"prefixes": [{"ipv4Prefix": "224.0.0.0/4"}, {"ipv6Prefix": "ff00::/8"}, {"ipv4Prefix": "8.8.8.0/24"}]}`},
	FormatAzure:      {`{"changeNumber": 1, "values": [{"name": "AzureCloud.eastus", "properties": {"region": "eastus", "addressPrefixes": ["0.0.0.0/1", "127.0.0.1/32", "20.42.0.0/15", "20.42.0.0/15"]}}]}`},
	FormatOracle:     {`{"last_updated_timestamp": "x", "regions": [{"region": "r", "cidrs": [{"cidr": "192.168.0.0/16", "tags": ["OCI"]}, {"cidr": "240.0.0.0/8"}]}]}`},
	FormatCIDRList:   {"0.0.0.0/0\n", "::/0\n", "104.16.0.0/13\n104.16.0.0/13\n", "169.254.0.0/16\n198.18.0.0/15\n", "4000::/19\nfd00::/8\n3fff::/20\n"},
	FormatFastly:     {`{"addresses": ["0.0.0.0/0"], "ipv6_addresses": ["::ffff:0:0/96", "2001:2::/48"]}`},
	FormatGitHubMeta: {`{"pages": ["0.0.0.0/0"], "actions": ["100.64.0.0/10", "::1/128"]}`},
	FormatGeofeed:    {"0.0.0.0/0,US,US-CA,,\n172.16.0.0/12,US,,,\n", "45.33.0.0/17,US,US-CA,,\n45.33.0.0/17,US,US-CA,,\n"},
}

// fuzzRanges fuzzes the parser of one range format and the validation of
// what it accepts, seeded with its fixtures and hostile files: the parser
// never panics, and what it accepts is canonical prefixes with the source
// set; CheckRanges refuses the file exactly when a prefix has a
// PrefixProblem, with a hard error naming the file; Validate of a file
// CheckRanges accepts never finds a prefix too short.
func fuzzRanges(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		if b, err := os.ReadFile(filepath.Join("testdata", "ranges", s)); err == nil {
			f.Add(b)
		}
	}
	for _, s := range hostileSeeds[format] {
		f.Add([]byte(s))
	}
	f.Add([]byte(""))
	f.Add([]byte("{}"))
	src := &Source{ID: "src", Kind: KindRanges, Stable: true}
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
		bad := false
		for _, r := range rs {
			if !r.Prefix.IsValid() || r.Prefix != r.Prefix.Masked() || r.Prefix.Addr().Is4In6() || r.Source != "src" {
				t.Fatalf("bad range %+v", r)
			}
			bad = bad || PrefixProblem(r.Prefix) != ""
		}
		// Building a table from it never panics and finds each prefix.
		tbl := NewRanges(rs)
		for _, r := range rs {
			if _, ok := tbl.Lookup(r.Prefix.Addr()); !ok {
				t.Fatalf("%s not found in its own table", r.Prefix)
			}
		}
		cerr := CheckRanges("src", "fuzz", rs)
		if (cerr != nil) != bad {
			t.Fatalf("CheckRanges = %v, but a prefix with a problem: %v", cerr, bad)
		}
		if cerr != nil {
			ve := asValidation(cerr)
			if ve == nil || ve.Forceable() || !errors.Is(cerr, ErrValidation) || !strings.Contains(cerr.Error(), "fuzz: ") {
				t.Fatalf("CheckRanges error %#v: want a hard ErrValidation naming the file", cerr)
			}
			return
		}
		sum := summarize(rs)
		if sum.Prefixes+sum.Duplicates != len(rs) || sum.IPv4+sum.IPv6 != sum.Prefixes {
			t.Fatalf("summary %+v of %d entries", sum, len(rs))
		}
		if err := Validate(src, nil, sum); err != nil {
			t.Fatalf("accepted by CheckRanges, refused by Validate: %v", err)
		}
		// Against itself as the stored copy: nothing shrank or vanished.
		if err := Validate(src, &sum, sum); err != nil {
			t.Fatalf("a copy refused against itself: %v", err)
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

// importNames are files Import recognises, one per range source and
// format.
var importNames = []string{
	"ip-ranges.json", "cloud.json", "goog.json", "ServiceTags_Public_20251117.json", "public_ip_ranges.json",
	"ips-v4", "public-ip-list.json", "akamai_ipv6_CIDRs.txt", "meta.json", "linode-geofeed.csv",
}

// FuzzImportRanges imports two hostile range files of two sources (the
// pick chooses which, and whether with --force) into a fresh data
// directory and checks what was stored, whatever the files say: Import
// never panics and reports every file; the store always loads; no stored
// prefix is one a provider cannot publish, even with --force; without
// --force no prefix is stored for two sources other than the pairs that
// share prefixes by design; a source reported failed stored nothing.
func FuzzImportRanges(f *testing.F) {
	fixture := func(name string) []byte {
		b, _ := os.ReadFile(filepath.Join("testdata", "ranges", name))
		return b
	}
	f.Add(uint8(5+6*10), []byte("104.16.0.0/13\n0.0.0.0/0\n"), fixture("public-ip-list.json"))
	f.Add(uint8(5+0*10), []byte("104.16.0.0/13\n13.32.0.0/15\n"), fixture("ip-ranges.json"))
	f.Add(uint8(5+0*10+128), []byte("13.32.0.0/15\n"), fixture("ip-ranges.json"))
	f.Add(uint8(1+2*10), fixture("cloud.json"), []byte(`{"prefixes": [{"ipv4Prefix": "34.66.0.0/15"}]}`))
	f.Add(uint8(3+8*10), fixture("ServiceTags_Public_20251117.json"), []byte(`{"actions": ["20.42.0.0/15", "10.0.0.0/8"]}`))
	f.Add(uint8(9+6*10), []byte("45.33.0.0/17,US,US-CA,,\n45.33.0.0/17,US,US-CA,,\n"), []byte(`{"addresses": ["45.33.0.0/17"], "ipv6_addresses": ["::ffff:0:0/96"]}`))
	f.Add(uint8(4+7*10+128), fixture("public_ip_ranges.json"), []byte("fe80::/64\n2600:1400::/24\n"))
	f.Fuzz(func(t *testing.T, pick uint8, a, b []byte) {
		force := pick&128 != 0
		i, j := int(pick&127)%len(importNames), int(pick&127)/len(importNames)%len(importNames)
		if i == j {
			j = (j + 1) % len(importNames)
		}
		from := t.TempDir()
		for k, content := range map[int][]byte{i: a, j: b} {
			if err := os.WriteFile(filepath.Join(from, importNames[k]), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		store := t.TempDir()
		rs, err := Import(ImportOptions{Dir: store, From: from, Force: force, Now: importNow})
		if err != nil && !errors.Is(err, ErrUpdate) {
			t.Fatalf("Import: %v", err)
		}
		if len(rs) != 2 {
			t.Fatalf("%d reports for 2 files: %+v", len(rs), rs)
		}
		d, err := Load(store)
		if err != nil {
			t.Fatalf("the store does not load: %v", err)
		}
		d.Ranges.All(func(r Range) bool {
			if why := PrefixProblem(r.Prefix); why != "" {
				t.Fatalf("stored %s (%s): %s", r.Prefix, r.Source, why)
			}
			return true
		})
		owner := map[netip.Prefix]string{}
		for _, r := range rs {
			st := d.Manifest.Sources[r.ID]
			if r.Outcome == OutcomeFailed && st != nil && !st.UpdatedAt.IsZero() {
				t.Fatalf("%s failed (%v) but was stored", r.ID, r.Err)
			}
			if r.Outcome != OutcomeUpdated || force {
				continue
			}
			src, _ := SourceByID(r.ID)
			files, _ := storedFiles(store, src, st)
			pfs, _, err := parseSource(src, files, nil)
			if err != nil {
				t.Fatalf("stored %s does not parse: %v", r.ID, err)
			}
			for _, pf := range pfs {
				for _, rg := range pf.ranges {
					if o, ok := owner[rg.Prefix]; ok && o != r.ID && !mayShare(o, r.ID) {
						t.Fatalf("%s stored for %s and %s", rg.Prefix, o, r.ID)
					}
					owner[rg.Prefix] = r.ID
				}
			}
		}
	})
}
