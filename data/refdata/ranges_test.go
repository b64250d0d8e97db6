package refdata

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fixture is one official-format file in testdata/ranges.
type fixture struct {
	source, file string
	format       Format
	prefixes     int
}

var fixtures = []fixture{
	{"aws", "ip-ranges.json", FormatAWS, 10},
	{"gcp", "cloud.json", FormatGCPCloud, 3},
	{"goog", "goog.json", FormatGoog, 4},
	{"azure", "ServiceTags_Public_20251117.json", FormatAzure, 6},
	{"oracle", "public_ip_ranges.json", FormatOracle, 3},
	{"cloudflare", "ips-v4", FormatCIDRList, 4},
	{"cloudflare", "ips-v6", FormatCIDRList, 2},
	{"fastly", "public-ip-list.json", FormatFastly, 4},
	{"github", "meta.json", FormatGitHubMeta, 4},
	{"digitalocean", "digitalocean-geofeed.csv", FormatGeofeed, 3},
	{"linode", "linode-geofeed.csv", FormatGeofeed, 2},
	{"akamai", "akamai_ipv4_CIDRs.txt", FormatCIDRList, 2},
	{"akamai", "akamai_ipv6_CIDRs.txt", FormatCIDRList, 1},
}

func parseFixture(t testing.TB, f fixture) []Range {
	t.Helper()
	b, err := os.Open(filepath.Join("testdata", "ranges", f.file))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rs, err := ParseRanges(f.format, f.source, f.file, b)
	if err != nil {
		t.Fatalf("parse %s: %v", f.file, err)
	}
	return rs
}

func fixtureTable(t testing.TB) *Ranges {
	t.Helper()
	var all [][]Range
	for _, f := range fixtures {
		all = append(all, parseFixture(t, f))
	}
	return NewRanges(all...)
}

func TestParseRangesFixtures(t *testing.T) {
	t.Parallel()
	for _, f := range fixtures {
		t.Run(f.file, func(t *testing.T) {
			rs := parseFixture(t, f)
			if len(rs) != f.prefixes {
				t.Errorf("%d prefixes, want %d", len(rs), f.prefixes)
			}
			for _, r := range rs {
				if r.Source != f.source || !r.Prefix.IsValid() || r.Prefix != r.Prefix.Masked() {
					t.Errorf("bad range %+v", r)
				}
			}
		})
	}
}

// TestParseRangesFields checks that the fields the formats carry are
// kept: AWS region, service and border group; cloud.json scope; the
// Azure tag's service and region; Oracle's region and tags; the GitHub
// meta key; the geofeed's country and region.
func TestParseRangesFields(t *testing.T) {
	t.Parallel()
	want := map[string]Range{
		"15.181.232.0/21":  {Source: "aws", Service: "EC2", Region: "us-west-2", BorderGroup: "us-west-2-lax-1"},
		"13.32.0.0/15":     {Source: "aws", Service: "CLOUDFRONT"},
		"34.66.0.0/15":     {Source: "gcp", Service: "Google Cloud", Region: "us-central1"},
		"20.60.0.0/24":     {Source: "azure", Service: "Storage", Region: "westeurope"},
		"20.42.0.0/15":     {Source: "azure", Service: "AzureCloud", Region: "eastus"},
		"134.70.24.0/21":   {Source: "oracle", Service: "OBJECT_STORAGE+OSN", Region: "us-ashburn-1"},
		"185.199.108.0/22": {Source: "github", Service: "pages"},
		"188.166.0.0/18":   {Source: "digitalocean", Region: "NL-NH", Country: "NL"},
	}
	got := map[string]Range{}
	for _, f := range fixtures {
		for _, r := range parseFixture(t, f) {
			k := r.Prefix.String()
			if _, ok := want[k]; ok {
				if r.Service == "AMAZON" {
					continue // the catch-all copy
				}
				r.Prefix = netip.Prefix{}
				got[k] = r
			}
		}
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestParseRangesRefusesCorrupt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format Format
		in     string
		reason string
	}{
		{"aws truncated", FormatAWS, `{"prefixes": [{"ip_prefix": "3.5.140.0/22"`, "unexpected EOF"},
		{"aws not an object", FormatAWS, `[1,2]`, "cannot unmarshal"},
		{"aws no arrays", FormatAWS, `{"syncToken": "1"}`, "no \"prefixes\""},
		{"aws bad prefix", FormatAWS, `{"prefixes": [{"ip_prefix": "3.5.140.0/33"}]}`, "entry 0"},
		{"aws host without length", FormatAWS, `{"prefixes": [{"ip_prefix": "3.5.140.1"}]}`, "entry 0"},
		{"aws empty", FormatAWS, `{"prefixes": [], "ipv6_prefixes": []}`, "no prefix"},
		{"aws trailing data", FormatAWS, `{"prefixes": []} {}`, "data after"},
		{"gcp wrong field type", FormatGCPCloud, `{"prefixes": [{"ipv4Prefix": 5}]}`, "cannot unmarshal"},
		{"goog no prefixes", FormatGoog, `{"syncToken": "1"}`, "no \"prefixes\""},
		{"azure no change number", FormatAzure, `{"values": []}`, "changeNumber"},
		{"azure bad prefix", FormatAzure, `{"changeNumber": 1, "values": [{"name": "X", "properties": {"addressPrefixes": ["nope"]}}]}`, "tag X"},
		{"oracle bad cidr", FormatOracle, `{"regions": [{"region": "r", "cidrs": [{"cidr": "1.2.3.0/24/1"}]}]}`, "region r"},
		{"cidr list garbage", FormatCIDRList, "104.16.0.0/13\n<html>\n", "line 2"},
		{"cidr list html only", FormatCIDRList, "<!doctype html>", "line 1"},
		{"fastly empty object", FormatFastly, `{}`, "no \"addresses\""},
		{"github not prefixes", FormatGitHubMeta, `{"pages": ["github.io"]}`, "\"pages\""},
		{"github empty", FormatGitHubMeta, `{"ssh_keys": []}`, "no prefix"},
		{"geofeed bad country", FormatGeofeed, "1.2.3.0/24,USA,US-NY,,\n", "line 1"},
		{"geofeed too many fields", FormatGeofeed, "1.2.3.0/24,US,US-NY,x,y,z\n", "6 fields"},
		{"unknown format", Format("nope"), "", "not a range format"},
		{"prefix with zone", FormatCIDRList, "fe80::%eth0/64\n", "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseRanges(tt.format, "x", "the-file.json", strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("parsed, want an error")
			}
			if !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "the-file.json") || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q: want ErrFormat, the file name and %q", err, tt.reason)
			}
		})
	}
}

// TestRangesPrecedence checks the documented tie rule and that longer
// prefixes win whatever their source.
func TestRangesPrecedence(t *testing.T) {
	t.Parallel()
	tbl := fixtureTable(t)
	tests := []struct {
		addr string
		want Range // Prefix filled in by the test
		pfx  string
	}{
		// AMAZON and EC2 list the same prefix: the specific service wins.
		{"3.210.1.2", Range{Source: "aws", Service: "EC2", Region: "us-east-1", BorderGroup: "us-east-1"}, "3.208.0.0/12"},
		{"13.33.0.1", Range{Source: "aws", Service: "CLOUDFRONT"}, "13.32.0.0/15"},
		// cloud.json's /15 is longer than goog.json's /9.
		{"34.66.1.1", Range{Source: "gcp", Service: "Google Cloud", Region: "us-central1"}, "34.66.0.0/15"},
		{"34.100.1.1", Range{Source: "goog"}, "34.0.0.0/9"},
		// The same /24 in AzureCloud.eastus and AzureFrontDoor.Frontend:
		// the one with a region wins within a source.
		{"13.107.246.7", Range{Source: "azure", Service: "AzureCloud", Region: "eastus"}, "13.107.246.0/24"},
		{"13.107.213.7", Range{Source: "azure", Service: "AzureFrontDoor.Frontend"}, "13.107.213.0/24"},
		{"2606:4700::6810:84e5", Range{Source: "cloudflare"}, "2606:4700::/32"},
		{"::ffff:104.16.1.1", Range{Source: "cloudflare"}, "104.16.0.0/13"},
		{"185.199.109.153", Range{Source: "github", Service: "pages"}, "185.199.108.0/22"},
		{"45.33.1.1", Range{Source: "linode", Region: "US-CA", Country: "US"}, "45.33.0.0/17"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got, ok := tbl.Lookup(netip.MustParseAddr(tt.addr))
			if !ok {
				t.Fatal("not found")
			}
			tt.want.Prefix = netip.MustParsePrefix(tt.pfx)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, a := range []string{"192.0.2.1", "2001:db8::1"} {
		if r, ok := tbl.Lookup(netip.MustParseAddr(a)); ok {
			t.Errorf("Lookup(%s) = %+v, want nothing", a, r)
		}
	}
	var nilTable *Ranges
	if _, ok := nilTable.Lookup(netip.MustParseAddr("1.1.1.1")); ok || nilTable.Len() != 0 {
		t.Error("a nil table found something")
	}
}

// TestRangesOrderIndependent builds the table from shuffled inputs: the
// answers never depend on the order, and the test fails if they did
// (precedence by a source in a different position gives other answers).
func TestRangesOrderIndependent(t *testing.T) {
	t.Parallel()
	var all []Range
	for _, f := range fixtures {
		all = append(all, parseFixture(t, f)...)
	}
	// Same prefix in two sources: the earlier one in Precedence wins.
	all = append(all, Range{Prefix: netip.MustParsePrefix("3.208.0.0/12"), Source: "goog"})
	ref := NewRanges(all)
	probe := func(tb *Ranges) []Range {
		var out []Range
		for _, r := range all {
			got, _ := tb.Lookup(r.Prefix.Addr())
			out = append(out, got)
		}
		return out
	}
	want := probe(ref)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		s := append([]Range(nil), all...)
		rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		if diff := cmp.Diff(want, probe(NewRanges(s)), cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
			t.Fatalf("shuffle %d changed the answers:\n%s", i, diff)
		}
	}
	if better(&Range{Source: "goog"}, &Range{Source: "aws"}) || !better(&Range{Source: "aws"}, &Range{Source: "goog"}) {
		t.Error("precedence of aws over goog not applied")
	}
	if better(&Range{Source: "zzz-unknown"}, &Range{Source: "zzz-z"}) == better(&Range{Source: "zzz-z"}, &Range{Source: "zzz-unknown"}) {
		t.Error("unknown sources are not ordered by id")
	}
}
