package refdata

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestPrefixProblem lists what a provider can and cannot publish, with
// the exact reason.
func TestPrefixProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		prefix string
		want   string // "" when a provider can publish it
	}{
		// Too large.
		{"0.0.0.0/0", "is shorter than /8, larger than any provider publishes"},
		{"::/0", "is shorter than /19, larger than any provider publishes"},
		{"0.0.0.0/1", "is shorter than /8, larger than any provider publishes"},
		{"128.0.0.0/7", "is shorter than /8, larger than any provider publishes"},
		{"2000::/3", "is shorter than /19, larger than any provider publishes"},
		{"2600::/18", "is shorter than /19, larger than any provider publishes"},
		{"224.0.0.0/4", "is shorter than /8, larger than any provider publishes"},
		{"fc00::/7", "is shorter than /19, larger than any provider publishes"},
		// Private, reserved, special-purpose: inside one.
		{"0.0.0.0/8", `is in "this network" 0.0.0.0/8 (RFC 1122)`},
		{"10.0.0.0/8", "is in private-use space 10.0.0.0/8 (RFC 1918)"},
		{"10.20.0.0/16", "is in private-use space 10.0.0.0/8 (RFC 1918)"},
		{"100.64.0.0/10", "is in shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT)"},
		{"127.0.0.0/8", "is in loopback 127.0.0.0/8 (RFC 1122)"},
		{"169.254.0.0/16", "is in link-local 169.254.0.0/16 (RFC 3927)"},
		{"172.16.0.0/12", "is in private-use space 172.16.0.0/12 (RFC 1918)"},
		{"172.31.255.0/24", "is in private-use space 172.16.0.0/12 (RFC 1918)"},
		{"192.0.0.0/29", "is in IETF protocol assignments 192.0.0.0/24 (RFC 6890)"},
		{"192.0.2.0/24", "is in documentation 192.0.2.0/24 (RFC 5737)"},
		{"192.168.1.0/24", "is in private-use space 192.168.0.0/16 (RFC 1918)"},
		{"198.18.0.0/15", "is in benchmarking 198.18.0.0/15 (RFC 2544)"},
		{"198.51.100.0/24", "is in documentation 198.51.100.0/24 (RFC 5737)"},
		{"203.0.113.128/25", "is in documentation 203.0.113.0/24 (RFC 5737)"},
		{"224.0.0.0/8", "is in multicast 224.0.0.0/4 (RFC 5771)"},
		{"239.255.0.0/16", "is in multicast 224.0.0.0/4 (RFC 5771)"},
		{"240.0.0.0/8", "is in reserved 240.0.0.0/4 (RFC 1112)"},
		{"255.255.255.255/32", "is in reserved 240.0.0.0/4 (RFC 1112)"},
		{"::/128", "is in the unspecified address ::/128 (RFC 4291)"},
		{"::1/128", "is in loopback ::1/128 (RFC 4291)"},
		{"100::/64", "is in discard-only 100::/64 (RFC 6666)"},
		{"2001:2::/48", "is in benchmarking 2001:2::/48 (RFC 5180)"},
		{"2001:db8::/32", "is in documentation 2001:db8::/32 (RFC 3849)"},
		{"2001:db8:1::/48", "is in documentation 2001:db8::/32 (RFC 3849)"},
		{"3fff::/20", "is in documentation 3fff::/20 (RFC 9637)"},
		{"fd00::/48", "is in unique local fc00::/7 (RFC 4193)"},
		{"fe80::/64", "is in link-local fe80::/10 (RFC 4291)"},
		{"ff02::1/128", "is in multicast ff00::/8 (RFC 4291)"},
		// Holding one.
		{"100.0.0.0/8", "holds shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT)"},
		{"172.0.0.0/8", "holds private-use space 172.16.0.0/12 (RFC 1918)"},
		{"192.0.0.0/16", "holds IETF protocol assignments 192.0.0.0/24 (RFC 6890)"},
		{"198.0.0.0/8", "holds benchmarking 198.18.0.0/15 (RFC 2544)"},
		{"2001::/19", "holds benchmarking 2001:2::/48 (RFC 5180)"},
		// Outside the global unicast space.
		{"4000::/19", "is outside the IPv6 global unicast space 2000::/3 (RFC 4291)"},
		{"64:ff9b::/96", "is outside the IPv6 global unicast space 2000::/3 (RFC 4291)"},
		{"::102:304/128", "is outside the IPv6 global unicast space 2000::/3 (RFC 4291)"},
		// What providers publish, including the largest real blocks and
		// the neighbours of the special blocks.
		{"3.0.0.0/8", ""},
		{"23.32.0.0/11", ""},
		{"34.0.0.0/9", ""},
		{"100.128.0.0/9", ""},
		{"100.63.255.0/24", ""},
		{"172.15.0.0/16", ""},
		{"172.32.0.0/11", ""},
		{"192.0.1.0/24", ""},
		{"192.88.99.0/24", ""},
		{"198.51.44.0/23", ""},
		{"223.255.255.0/24", ""},
		{"2400:cb00::/32", ""},
		{"2600::/19", ""},
		{"2600:1400::/24", ""},
		{"2001:db9::/32", ""},
		{"2001:4860::/32", ""},
		{"3ffe::/19", ""},
		{"2620:1ec::/36", ""},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			t.Parallel()
			if got := PrefixProblem(netip.MustParsePrefix(tt.prefix)); got != tt.want {
				t.Errorf("PrefixProblem(%s) = %q, want %q", tt.prefix, got, tt.want)
			}
		})
	}
	if got := PrefixProblem(netip.Prefix{}); got != "is not a valid prefix" {
		t.Errorf("zero prefix: %q", got)
	}
}

// TestCheckRangesMessages checks the exact messages of CheckRanges on
// hostile files parsed from each format.
func TestCheckRangesMessages(t *testing.T) {
	t.Parallel()
	var many strings.Builder
	for i := range 13 {
		fmt.Fprintf(&many, "10.%d.0.0/16\n", i)
	}
	tests := []struct {
		name   string
		format Format
		in     string
		want   string // "" when accepted
	}{
		{"cidr list /0", FormatCIDRList, "104.16.0.0/13\n0.0.0.0/0\n",
			"source x: reference data refused: f.txt: 0.0.0.0/0 is shorter than /8, larger than any provider publishes"},
		{"cidr list ::/0", FormatCIDRList, "2606:4700::/32\n::/0\n",
			"source x: reference data refused: f.txt: ::/0 is shorter than /19, larger than any provider publishes"},
		// A mapped /96 is the IPv4 /0 it stands for.
		{"fastly mapped /96", FormatFastly, `{"addresses": ["151.101.0.0/16"], "ipv6_addresses": ["::ffff:0.0.0.0/96"]}`,
			"source x: reference data refused: f.txt: 0.0.0.0/0 is shorter than /8, larger than any provider publishes"},
		{"aws private and loopback, duplicate listed once", FormatAWS,
			`{"prefixes": [{"ip_prefix": "10.0.0.0/8", "service": "AMAZON"}, {"ip_prefix": "10.0.0.0/8", "service": "EC2"}, {"ip_prefix": "127.0.0.0/8"}], "ipv6_prefixes": []}`,
			"source x: reference data refused: f.txt: 10.0.0.0/8 is in private-use space 10.0.0.0/8 (RFC 1918); 127.0.0.0/8 is in loopback 127.0.0.0/8 (RFC 1122)"},
		{"gcp shared address space", FormatGCPCloud, `{"prefixes": [{"ipv4Prefix": "100.0.0.0/8", "scope": "us-east1"}]}`,
			"source x: reference data refused: f.txt: 100.0.0.0/8 holds shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT)"},
		{"azure link-local v6", FormatAzure, `{"changeNumber": 1, "values": [{"name": "X", "properties": {"addressPrefixes": ["20.42.0.0/15", "fe80::/64"]}}]}`,
			"source x: reference data refused: f.txt: fe80::/64 is in link-local fe80::/10 (RFC 4291)"},
		{"oracle multicast", FormatOracle, `{"regions": [{"region": "r", "cidrs": [{"cidr": "239.1.0.0/16", "tags": ["OCI"]}]}]}`,
			"source x: reference data refused: f.txt: 239.1.0.0/16 is in multicast 224.0.0.0/4 (RFC 5771)"},
		{"github documentation", FormatGitHubMeta, `{"pages": ["192.0.2.0/24", "2001:db8::/32"]}`,
			"source x: reference data refused: f.txt: 192.0.2.0/24 is in documentation 192.0.2.0/24 (RFC 5737); 2001:db8::/32 is in documentation 2001:db8::/32 (RFC 3849)"},
		{"geofeed unique local", FormatGeofeed, "fd12:3456::/32,US,US-CA,,\n",
			"source x: reference data refused: f.txt: fd12:3456::/32 is in unique local fc00::/7 (RFC 4193)"},
		{"goog reserved", FormatGoog, `{"prefixes": [{"ipv4Prefix": "240.0.0.0/8"}]}`,
			"source x: reference data refused: f.txt: 240.0.0.0/8 is in reserved 240.0.0.0/4 (RFC 1112)"},
		{"more than ten", FormatCIDRList, many.String(),
			"source x: reference data refused: f.txt: 10.0.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); 10.1.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); " +
				"10.2.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); 10.3.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); 10.4.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); " +
				"10.5.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); 10.6.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); 10.7.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); " +
				"10.8.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); 10.9.0.0/16 is in private-use space 10.0.0.0/8 (RFC 1918); and 3 more such prefixes"},
		{"duplicates are not refused", FormatCIDRList, "104.16.0.0/13\n104.16.0.0/13\n", ""},
		{"largest real blocks", FormatCIDRList, "23.32.0.0/11\n34.0.0.0/9\n2600:1400::/24\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs, err := ParseRanges(tt.format, "x", "f.txt", strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			err = CheckRanges("x", "f.txt", rs)
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %q\nwant %q", err, tt.want)
			}
			if !errors.Is(err, ErrValidation) || asValidation(err).Forceable() {
				t.Errorf("want a hard ErrValidation: %#v", err)
			}
		})
	}
}

// TestValidationErrorMessage checks how a refusal explains itself: the
// publication dates when both are known, and --force only where it
// works.
func TestValidationErrorMessage(t *testing.T) {
	t.Parallel()
	newer := time.Date(2026, 5, 6, 2, 57, 6, 0, time.UTC)
	older := time.Date(2025, 7, 24, 20, 23, 14, 0, time.UTC)
	tests := []struct {
		name string
		err  *ValidationError
		want string
	}{
		{"older snapshot", &ValidationError{Source: "aws", Soft: []string{"regions vanished: ap-east-2"}, Published: older, StoredPublished: newer},
			"source aws: reference data refused: regions vanished: ap-east-2; this copy was published 2025-07-24T20:23:14Z, before the stored copy (published 2026-05-06T02:57:06Z); use --force to store it anyway"},
		{"newer copy", &ValidationError{Source: "aws", Soft: []string{"shrank from 10 to 3 prefixes (more than 30 %)"}, Published: newer, StoredPublished: older},
			"source aws: reference data refused: shrank from 10 to 3 prefixes (more than 30 %); this copy was published 2026-05-06T02:57:06Z, after the stored copy (published 2025-07-24T20:23:14Z); use --force to store it anyway"},
		{"same date", &ValidationError{Source: "aws", Soft: []string{"services vanished: ROUTE53"}, Published: older, StoredPublished: older},
			"source aws: reference data refused: services vanished: ROUTE53; use --force to store it anyway"},
		{"no dates", &ValidationError{Source: "cloudflare", Soft: []string{"shrank from 6 to 1 prefixes (more than 30 %)"}},
			"source cloudflare: reference data refused: shrank from 6 to 1 prefixes (more than 30 %); use --force to store it anyway"},
		{"hard and soft", &ValidationError{Source: "aws", Hard: []string{"no prefix"}, Soft: []string{"shrank from 10 to 0 prefixes (more than 30 %)"}},
			"source aws: reference data refused: no prefix; shrank from 10 to 0 prefixes (more than 30 %)"},
		{"file", &ValidationError{Source: "cloudflare", File: "/tmp/ips-v4", Hard: []string{"0.0.0.0/0 is shorter than /8, larger than any provider publishes"}},
			"source cloudflare: reference data refused: /tmp/ips-v4: 0.0.0.0/0 is shorter than /8, larger than any provider publishes"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// TestSummaryShortest is the bug of issue 13: a /0 was taken for "no
// prefix of this family" and passed validation.
func TestSummaryShortest(t *testing.T) {
	t.Parallel()
	aws, _ := SourceByID("aws")
	for _, tt := range []struct {
		prefixes []string
		want     string
	}{
		{[]string{"0.0.0.0/0"}, "IPv4 prefix of length /0 (shorter than /8)"},
		{[]string{"0.0.0.0/0", "3.5.140.0/22"}, "IPv4 prefix of length /0 (shorter than /8)"},
		{[]string{"3.5.140.0/22", "0.0.0.0/0"}, "IPv4 prefix of length /0 (shorter than /8)"},
		{[]string{"::/0", "2600:1f18::/33"}, "IPv6 prefix of length /0 (shorter than /19)"},
		{[]string{"2600:1f18::/33", "2600::/18"}, "IPv6 prefix of length /18 (shorter than /19)"},
		{[]string{"3.5.140.0/22", "2600:1f18::/33"}, ""},
	} {
		var rs []Range
		for _, p := range tt.prefixes {
			rs = append(rs, Range{Prefix: netip.MustParsePrefix(p), Source: "aws"})
		}
		err := Validate(aws, nil, summarize(rs))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%v: %v", tt.prefixes, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || asValidation(err).Forceable()):
			t.Errorf("%v: %v, want a hard refusal with %q", tt.prefixes, err, tt.want)
		}
	}
}

// TestSummaryDuplicates: an entry repeated counts once, so that a
// truncated file padded with copies of its lines still looks shrunk.
func TestSummaryDuplicates(t *testing.T) {
	t.Parallel()
	a := Range{Prefix: netip.MustParsePrefix("3.5.140.0/22"), Source: "aws", Service: "AMAZON", Region: "ap-northeast-2"}
	b := a
	b.Service = "EC2" // the same prefix under another service is another entry
	s := summarize([]Range{a, a, b, a})
	if s.Prefixes != 2 || s.Duplicates != 2 || s.IPv4 != 2 {
		t.Errorf("summary %+v, want 2 entries and 2 duplicates", s)
	}
}
