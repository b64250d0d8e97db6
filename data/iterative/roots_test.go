package iterative_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/iterative"
)

func TestBuiltinRoots(t *testing.T) {
	t.Parallel()
	roots := iterative.BuiltinRoots()
	if len(roots) != 13 {
		t.Fatalf("%d root servers, want 13 (a to m)", len(roots))
	}
	for i, h := range roots {
		if want := string(rune('a'+i)) + ".root-servers.net"; h.Name != want {
			t.Errorf("root %d is %s, want %s", i, h.Name, want)
		}
		v4, v6 := 0, 0
		for _, a := range h.Addrs {
			if a.Is4() {
				v4++
			} else {
				v6++
			}
		}
		if v4 != 1 || v6 != 1 {
			t.Errorf("%s: %d IPv4 and %d IPv6 addresses, want one of each", h.Name, v4, v6)
		}
	}
	// Spot checks from the operators' own pages (Verisign for a, RIPE NCC
	// for k, WIDE for m).
	for name, want := range map[string]string{"a.root-servers.net": "198.41.0.4", "k.root-servers.net": "2001:7fd::1", "m.root-servers.net": "202.12.27.33"} {
		found := false
		for _, h := range roots {
			if h.Name == name {
				for _, a := range h.Addrs {
					found = found || a == netip.MustParseAddr(want)
				}
			}
		}
		if !found {
			t.Errorf("%s lacks %s", name, want)
		}
	}
}

// A root hints file as IANA writes named.root: upper-case names, a TTL
// column, comments, NS records of the root then the addresses.
const namedRoot = `;       root hints for a test
;
.                        3600000      NS    A.ROOT.TEST.
A.ROOT.TEST.             3600000      A     192.0.2.1
A.ROOT.TEST.             3600000      AAAA  2001:db8::1
;
.                        3600000      NS    B.ROOT.TEST.
B.ROOT.TEST.             3600000      A     192.0.2.2
; End of file
`

func TestParseRootHints(t *testing.T) {
	t.Parallel()
	got, err := iterative.ParseRootHints(strings.NewReader(namedRoot), "named.root")
	if err != nil {
		t.Fatal(err)
	}
	want := []iterative.Hint{
		{Name: "a.root.test", Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("2001:db8::1")}},
		{Name: "b.root.test", Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.2")}},
	}
	if diff := cmp.Diff(want, got, eqAddr); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var b strings.Builder
	if err := iterative.WriteRootHints(&b, got); err != nil {
		t.Fatal(err)
	}
	back, err := iterative.ParseRootHints(strings.NewReader(b.String()), "written")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, back, eqAddr); diff != "" {
		t.Errorf("after a round trip (-want +got):\n%s", diff)
	}
}

func TestParseRootHintsErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, text, want string }{
		{"empty", "", "no NS record"},
		{"no address", ". 3600000 NS a.root.test.\n", "a.root.test has no A or AAAA"},
		{"NS of another owner", "com. 3600000 NS a.root.test.\n", `NS record of "com."`},
		{"syntax", ". 3600000 NS a.root.test.\na.root.test. 3600000 A 999.1.1.1\n", "hints.txt"},
		{"include", "$INCLUDE /etc/passwd\n", "hints.txt"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := iterative.ParseRootHints(strings.NewReader(c.text), "hints.txt")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one with %q", err, c.want)
			}
		})
	}
}

func FuzzParseRootHints(f *testing.F) {
	f.Add(namedRoot)
	f.Add(". NS x.\nx. A 192.0.2.1\n")
	f.Fuzz(func(t *testing.T, text string) {
		hints, err := iterative.ParseRootHints(strings.NewReader(text), "fuzz")
		if err != nil {
			return
		}
		for _, h := range hints {
			if len(h.Addrs) == 0 {
				t.Fatalf("hint %+v without address", h)
			}
		}
		if _, err := iterative.New(iterative.Config{Roots: hints, IPv6: true}); err != nil {
			t.Fatalf("parsed hints refused by New: %v", err)
		}
	})
}
