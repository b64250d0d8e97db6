package refdata

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestASNTable(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "asn")
	tbl, err := LoadASNTable(
		filepath.Join(dir, "routeviews-rv2-20251101-1200.pfx2as"),
		filepath.Join(dir, "ip2asn-v6.tsv"),
		filepath.Join(dir, "asnames.txt"),
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		addr string
		want Info
	}{
		{"1.0.0.1", Info{ASN: 13335, Org: "CLOUDFLARENET"}},
		{"52.1.2.3", Info{ASN: 16509, Org: "AMAZON-02"}},
		// Multi-origin "14618_16509": the first AS is kept; the /24 beats
		// the covering /10.
		{"52.95.110.9", Info{ASN: 14618, Org: "AMAZON-AES"}},
		// An AS set "64496,64497" without a name.
		{"198.51.100.1", Info{ASN: 64496}},
		// iptoasn gives the country; asnames overrides the description.
		{"2606:4700::1111", Info{ASN: 13335, Org: "CLOUDFLARENET", Country: "US"}},
		{"2a00:1450:4001:800::200e", Info{ASN: 15169, Org: "GOOGLE", Country: "US"}},
		{"::1", Info{}}, // "Not routed"
		{"192.0.2.1", Info{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tbl.Lookup(netip.MustParseAddr(tt.addr))); diff != "" {
			t.Errorf("Lookup(%s) (-want +got):\n%s", tt.addr, diff)
		}
	}
}

func TestASNTableRefusesCorrupt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, reason string
		add              func(*ASNTable, string, *strings.Reader) error
	}{
		{"pfx2as two fields", "1.0.0.0\t24\n", "2 fields", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddPfx2as(n, r) }},
		{"pfx2as bad length", "1.0.0.0\t33\t13335\n", "line 1", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddPfx2as(n, r) }},
		{"pfx2as bad asn", "1.0.0.0\t24\tAS-X\n", "AS number", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddPfx2as(n, r) }},
		{"pfx2as empty", "# nothing\n", "no prefix", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddPfx2as(n, r) }},
		{"ip2asn reversed", "2.0.0.0\t1.0.0.0\t1\tUS\tX\n", "bad range", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddIP2ASN(n, r) }},
		{"ip2asn mixed families", "1.0.0.0\t::1\t1\tUS\tX\n", "bad range", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddIP2ASN(n, r) }},
		{"ip2asn empty", "", "no row", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddIP2ASN(n, r) }},
		{"asnames bad number", "ASX foo, US\n", "AS number", func(t *ASNTable, n string, r *strings.Reader) error { return t.AddASNames(n, r) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.add(NewASNTable(), "table.tsv", strings.NewReader(tt.in))
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "table.tsv") || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %v: want ErrFormat naming the file and %q", err, tt.reason)
			}
		})
	}
}

func TestRangePrefixes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		start, end string
		want       []string
	}{
		{"10.0.0.0", "10.0.0.255", []string{"10.0.0.0/24"}},
		{"10.0.0.1", "10.0.0.6", []string{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}},
		{"0.0.0.0", "255.255.255.255", []string{"0.0.0.0/0"}},
		{"2606:4700::", "2606:4700:ffff:ffff:ffff:ffff:ffff:ffff", []string{"2606:4700::/32"}},
		{"::", "::", []string{"::/128"}},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range rangePrefixes(netip.MustParseAddr(tt.start), netip.MustParseAddr(tt.end)) {
			got = append(got, p.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s-%s (-want +got):\n%s", tt.start, tt.end, diff)
		}
	}
}

func TestDBWithASNTable(t *testing.T) {
	t.Parallel()
	asnPath, countryPath := writeFixtures(t)
	db, err := Open(asnPath, countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tbl, err := LoadASNTable(filepath.Join("testdata", "asn", "ip2asn-v6.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	db.WithASNTable(tbl)
	// The MaxMind answer stands; the table fills the missing country.
	if got, want := db.Lookup(netip.MustParseAddr("2606:4700::1")), (Info{ASN: 13335, Org: "CLOUDFLARENET", Country: "US"}); got != want {
		t.Errorf("Lookup = %+v, want %+v", got, want)
	}
	if got := db.Lookup(netip.MustParseAddr("2a00:1450:4001::1")); got.ASN != 15169 {
		t.Errorf("table fallback: ASN %d, want 15169", got.ASN)
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// TestRangePrefixesProperty checks random ranges: the prefixes are
// canonical, contiguous, in order, and cover exactly start..end.
func TestRangePrefixesProperty(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 2000 {
		var start, end netip.Addr
		if i%2 == 0 {
			a, b := rng.Uint32(), rng.Uint32()
			if a > b {
				a, b = b, a
			}
			start, end = u128{lo: uint64(a)}.addr(true), u128{lo: uint64(b)}.addr(true)
		} else {
			hi := rng.Uint64()
			a, b := rng.Uint64(), rng.Uint64()
			if a > b {
				a, b = b, a
			}
			start, end = u128{hi, a}.addr(false), u128{hi, b}.addr(false)
		}
		ps := rangePrefixes(start, end)
		next := start
		for j, p := range ps {
			if p != p.Masked() || p.Addr() != next {
				t.Fatalf("%s-%s: prefix %d %s not canonical or not contiguous (want start %s)", start, end, j, p, next)
			}
			last, _ := toU128(p.Addr()).addMask(p.Addr().BitLen() - p.Bits())
			if j == len(ps)-1 {
				if last.addr(start.Is4()) != end {
					t.Fatalf("%s-%s: ends at %s", start, end, last.addr(start.Is4()))
				}
				break
			}
			n, _ := last.addMask(1)
			next = n.addr(start.Is4())
		}
	}
}
