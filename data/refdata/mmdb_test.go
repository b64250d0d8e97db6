package refdata

import (
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func writeFixtures(t *testing.T) (asnPath, countryPath string) {
	t.Helper()
	dir := t.TempDir()
	asnPath = filepath.Join(dir, "asn.mmdb")
	countryPath = filepath.Join(dir, "country.mmdb")
	nets := []ASNNetwork{
		{Prefix: netip.MustParsePrefix("104.16.0.0/13"), ASN: 13335, Org: "CLOUDFLARENET"},
		{Prefix: netip.MustParsePrefix("2606:4700::/32"), ASN: 13335, Org: "CLOUDFLARENET"},
		// A more specific prefix given first must still win over its cover.
		{Prefix: netip.MustParsePrefix("52.95.110.0/24"), ASN: 14618, Org: "AMAZON-AES"},
		{Prefix: netip.MustParsePrefix("52.0.0.0/8"), ASN: 16509, Org: "AMAZON-02"},
	}
	if err := WriteASNDB(asnPath, nets, "test ASN"); err != nil {
		t.Fatal(err)
	}
	cn := []CountryNetwork{
		{Prefix: netip.MustParsePrefix("104.16.0.0/13"), Country: "US"},
		{Prefix: netip.MustParsePrefix("52.0.0.0/8"), Country: "IE"},
	}
	if err := WriteCountryDB(countryPath, cn, "test country"); err != nil {
		t.Fatal(err)
	}
	return asnPath, countryPath
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	asnPath, countryPath := writeFixtures(t)
	db, err := Open(asnPath, countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tests := []struct {
		addr string
		want Info
	}{
		{"104.16.1.1", Info{ASN: 13335, Org: "CLOUDFLARENET", Country: "US"}},
		{"2606:4700::1111", Info{ASN: 13335, Org: "CLOUDFLARENET"}},
		{"::ffff:104.16.1.1", Info{ASN: 13335, Org: "CLOUDFLARENET", Country: "US"}},
		{"52.95.110.7", Info{ASN: 14618, Org: "AMAZON-AES", Country: "IE"}},
		{"52.1.2.3", Info{ASN: 16509, Org: "AMAZON-02", Country: "IE"}},
		{"192.0.2.1", Info{}},
		{"2001:db8::1", Info{}},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := db.Lookup(netip.MustParseAddr(tt.addr))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%s) mismatch (-want +got):\n%s", tt.addr, diff)
			}
		})
	}
}

func TestOpenRefusesBadFiles(t *testing.T) {
	t.Parallel()
	asnPath, countryPath := writeFixtures(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.mmdb")
	if err := os.WriteFile(garbage, []byte("this is not a maxmind database"), 0o644); err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.mmdb")
	b, err := os.ReadFile(asnPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(truncated, b[:len(b)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, asn, country string
		wantDB             bool // the error must wrap ErrDatabase
	}{
		{"missing", filepath.Join(dir, "nope.mmdb"), "", false},
		{"garbage", garbage, "", true},
		{"truncated", truncated, "", true},
		{"country db given as asn", countryPath, "", true},
		{"asn db given as country", "", asnPath, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.asn, tt.country)
			if err == nil {
				t.Fatal("Open succeeded, want an error")
			}
			if got := errors.Is(err, ErrDatabase); got != tt.wantDB {
				t.Errorf("errors.Is(err, ErrDatabase) = %v, want %v (err: %v)", got, tt.wantDB, err)
			}
		})
	}
	// The good files open, so the cases above fail for their own reason.
	db, err := Open(asnPath, countryPath)
	if err != nil {
		t.Fatalf("good files refused: %v", err)
	}
	db.Close()
}

// TestMaxMindTestDatabases opens MaxMind's own test databases, when the
// shared reference data is present: the good ones open, the broken ones
// are refused with a message.
func TestMaxMindTestDatabases(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "maxmind-test", "test-data")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared reference data not present (%s): %v", dir, err)
	}
	db, err := Open(filepath.Join(dir, "GeoLite2-ASN-Test.mmdb"), filepath.Join(dir, "GeoIP2-Country-Test.mmdb"))
	if err != nil {
		t.Fatalf("MaxMind test databases refused: %v", err)
	}
	defer db.Close()
	// 1.128.0.0/11 is AS1221 (Telstra) in MaxMind's GeoLite2-ASN test data.
	if got := db.Lookup(netip.MustParseAddr("1.128.0.1")); got.ASN != 1221 {
		t.Errorf("Lookup(1.128.0.1).ASN = %d, want 1221", got.ASN)
	}
	// The broken databases are refused whichever kind they are opened as,
	// and the message names the file.
	broken, _ := filepath.Glob(filepath.Join(dir, "*[Bb]roken*.mmdb"))
	invalid, _ := filepath.Glob(filepath.Join(dir, "*Invalid*.mmdb"))
	broken = append(broken, invalid...)
	if len(broken) == 0 {
		t.Fatal("no broken test databases found")
	}
	for _, p := range broken {
		t.Run(filepath.Base(p), func(t *testing.T) {
			_, err := Open("", p)
			if err == nil {
				t.Fatalf("broken database %s opened as a country database", p)
			}
			if !errors.Is(err, ErrDatabase) || !strings.Contains(err.Error(), filepath.Base(p)) {
				t.Errorf("error %q does not wrap ErrDatabase or name the file", err)
			}
		})
	}
}
