package refdata

import (
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"testing"
)

// TestLookupNet checks the networks LookupNet reports: its answer is
// Lookup's, and every address of the network it gives (sampled, and the
// network's first and last address) has the same answer from Lookup. The
// databases have networks larger and smaller than a /24 (and /48), for
// IPv4 and IPv6, with gaps between them.
func TestLookupNet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	asnNets := []ASNNetwork{
		{netip.MustParsePrefix("10.0.0.0/8"), 64500, "Big"},
		{netip.MustParsePrefix("10.1.2.0/26"), 64501, "Small"},
		{netip.MustParsePrefix("10.1.2.128/30"), 64502, "Tiny"},
		{netip.MustParsePrefix("192.0.2.0/24"), 64503, "Doc"},
		{netip.MustParsePrefix("198.51.100.0/22"), 64504, "Wide"},
		{netip.MustParsePrefix("2001:db8::/32"), 64505, "Six"},
		{netip.MustParsePrefix("2001:db8:1:2::/64"), 64506, "SixSmall"},
	}
	countryNets := []CountryNetwork{
		{netip.MustParsePrefix("10.0.0.0/9"), "DE"},
		{netip.MustParsePrefix("10.1.2.64/27"), "FR"},
		{netip.MustParsePrefix("192.0.0.0/16"), "US"},
		{netip.MustParsePrefix("198.51.100.0/23"), "NL"},
		{netip.MustParsePrefix("2001:db8::/40"), "JP"},
	}
	asnPath, countryPath := filepath.Join(dir, "asn.mmdb"), filepath.Join(dir, "country.mmdb")
	if err := WriteASNDB(asnPath, asnNets, "test ASN"); err != nil {
		t.Fatal(err)
	}
	if err := WriteCountryDB(countryPath, countryNets, "test country"); err != nil {
		t.Fatal(err)
	}
	db, err := Open(asnPath, countryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rnd := rand.New(rand.NewPCG(7, 8))
	random := func(p netip.Prefix) netip.Addr {
		b := p.Masked().Addr().AsSlice()
		for i := p.Bits(); i < len(b)*8; i++ {
			if rnd.IntN(2) == 1 {
				b[i/8] |= 0x80 >> (i % 8)
			}
		}
		a, _ := netip.AddrFromSlice(b)
		return a
	}
	var probes []netip.Addr
	for _, p := range []string{"10.0.0.0/8", "192.0.0.0/8", "198.51.0.0/16", "203.0.113.0/24", "2001:db8::/32", "2001:db8:1::/48", "2001:db9::/32"} {
		for range 300 {
			probes = append(probes, random(netip.MustParsePrefix(p)))
		}
	}
	probes = append(probes, netip.MustParseAddr("10.1.2.130"), netip.MustParseAddr("::ffff:10.1.2.1"))
	small, large := 0, 0
	for _, a := range probes {
		info, bits := db.LookupNet(a)
		if want := db.Lookup(a); info != want {
			t.Fatalf("LookupNet(%v) = %+v, Lookup %+v", a, info, want)
		}
		u := a.Unmap()
		if bits < 0 || bits > u.BitLen() {
			t.Fatalf("LookupNet(%v): %d bits", a, bits)
		}
		if bits <= u.BitLen()-8 {
			large++
		} else {
			small++
		}
		net, err := u.Prefix(bits)
		if err != nil {
			t.Fatal(err)
		}
		same := []netip.Addr{net.Masked().Addr(), lastAddr(net)}
		for range 20 {
			same = append(same, random(net))
		}
		for _, b := range same {
			if got := db.Lookup(b); got != info {
				t.Fatalf("%v is in %v, the network LookupNet gives %v, but Lookup answers %+v for it, %+v for %v", b, net, a, got, info, a)
			}
		}
	}
	if small == 0 || large == 0 {
		t.Fatalf("%d small networks, %d large: the test checks too little", small, large)
	}
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}
