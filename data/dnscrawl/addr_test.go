package dnscrawl

import (
	"net/netip"
	"testing"
)

// addrCases are addresses and near misses, in the forms netip documents
// and refuses (leading zeros, too many fields, misplaced "::", zones).
var addrCases = []string{
	"", "0.0.0.0", "192.0.2.1", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "0.0.0.00",
	"1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", "a.b.c.d", "1.2.3.-4", "1234.1.1.1",
	"::", "::1", "1::", "2001:db8::1", "2001:DB8::AB:cd", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8:0:0:0:0:0:1",
	"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1::2::3", ":1::2", "1::2:",
	"12345::1", "00000::1", "0000::1", "::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:1.2.3.4",
	"1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.04", "1.2.3.4::", "::1.2.3.4:5", "fe80::1%eth0", "fe80::1%", ":::", "::g", "1:",
	"2606:4700:58:5d6a::32d", "2a0e:a000:2:dfc8::cda",
}

func TestParseAddr(t *testing.T) {
	t.Parallel()
	for _, c := range addrCases {
		checkParseAddr(t, c)
	}
}

// checkParseAddr fails when the fast path accepts s and netip.ParseAddr
// refuses it or reads another address, or when it refuses a plain form
// it should read.
func checkParseAddr(t *testing.T, s string) {
	t.Helper()
	got, ok := parseAddr([]byte(s))
	want, err := netip.ParseAddr(s)
	switch {
	case ok && err != nil:
		t.Errorf("parseAddr(%q) = %v, netip refuses it: %v", s, got, err)
	case ok && got != want:
		t.Errorf("parseAddr(%q) = %v, netip reads %v", s, got, want)
	case !ok && err == nil && want.Zone() == "" && s == want.String():
		// The canonical form of an address without a zone is the
		// fast path's to read.
		t.Errorf("parseAddr(%q) refused; netip reads %v", s, want)
	}
}

func FuzzParseAddr(f *testing.F) {
	for _, c := range addrCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) { checkParseAddr(t, s) })
}
