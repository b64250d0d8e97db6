package iterative

import (
	"fmt"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"

	"github.com/miekg/dns"
)

// Hint is one root server: its name and addresses.
type Hint struct {
	Name  string
	Addrs []netip.Addr
}

// BuiltinRoots returns the 13 root servers with their IPv4 and IPv6
// addresses, as IANA's root hints file (named.root, last changed for
// b.root-servers.net's renumbering in 2023) lists them.
func BuiltinRoots() []Hint {
	type root struct{ name, v4, v6 string }
	roots := []root{
		{"a.root-servers.net", "198.41.0.4", "2001:503:ba3e::2:30"},
		{"b.root-servers.net", "170.247.170.2", "2801:1b8:10::b"},
		{"c.root-servers.net", "192.33.4.12", "2001:500:2::c"},
		{"d.root-servers.net", "199.7.91.13", "2001:500:2d::d"},
		{"e.root-servers.net", "192.203.230.10", "2001:500:a8::e"},
		{"f.root-servers.net", "192.5.5.241", "2001:500:2f::f"},
		{"g.root-servers.net", "192.112.36.4", "2001:500:12::d0d"},
		{"h.root-servers.net", "198.97.190.53", "2001:500:1::53"},
		{"i.root-servers.net", "192.36.148.17", "2001:7fe::53"},
		{"j.root-servers.net", "192.58.128.30", "2001:503:c27::2:30"},
		{"k.root-servers.net", "193.0.14.129", "2001:7fd::1"},
		{"l.root-servers.net", "199.7.83.42", "2001:500:9f::42"},
		{"m.root-servers.net", "202.12.27.33", "2001:dc3::35"},
	}
	out := make([]Hint, len(roots))
	for i, r := range roots {
		out[i] = Hint{Name: r.name, Addrs: []netip.Addr{netip.MustParseAddr(r.v4), netip.MustParseAddr(r.v6)}}
	}
	return out
}

// ReadRootHints reads a root hints file (see ParseRootHints).
func ReadRootHints(path string) ([]Hint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("root hints: %w", err)
	}
	defer f.Close()
	return ParseRootHints(f, path)
}

// ParseRootHints reads root hints in the format of IANA's named.root: a
// zone file holding the NS records of the root (".") and the A and AAAA
// records of the servers they name. Records of other types or owners are
// ignored; a syntax error, an NS record of another owner than the root, a
// server without an address, or a file without any NS record is an error
// naming the file and line. The hints are returned in the order of the NS
// records.
func ParseRootHints(r io.Reader, file string) ([]Hint, error) {
	zp := dns.NewZoneParser(r, ".", file)
	zp.SetIncludeAllowed(false)
	var names []string
	addrs := map[string][]netip.Addr{}
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		h := rr.Header()
		owner := normName(h.Name)
		switch rr := rr.(type) {
		case *dns.NS:
			if h.Name != "." {
				return nil, fmt.Errorf("root hints %s: NS record of %q: want the root \".\"", file, h.Name)
			}
			if n := normName(rr.Ns); !slices.Contains(names, n) {
				names = append(names, n)
			}
		case *dns.A:
			if a, ok := netip.AddrFromSlice(rr.A.To4()); ok {
				addrs[owner] = append(addrs[owner], a)
			}
		case *dns.AAAA:
			if a, ok := netip.AddrFromSlice(rr.AAAA.To16()); ok {
				addrs[owner] = append(addrs[owner], a)
			}
		}
	}
	if err := zp.Err(); err != nil {
		return nil, fmt.Errorf("root hints: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("root hints %s: no NS record for the root \".\"", file)
	}
	out := make([]Hint, 0, len(names))
	for _, n := range names {
		if len(addrs[n]) == 0 {
			return nil, fmt.Errorf("root hints %s: root server %s has no A or AAAA record", file, n)
		}
		out = append(out, Hint{Name: n, Addrs: addrs[n]})
	}
	return out, nil
}

// WriteRootHints writes hints in the format ParseRootHints reads.
func WriteRootHints(w io.Writer, hints []Hint) error {
	var b strings.Builder
	b.WriteString("; root hints written by chokepoint\n")
	for _, h := range hints {
		fmt.Fprintf(&b, ".\t3600000\tNS\t%s.\n", h.Name)
	}
	for _, h := range hints {
		for _, a := range h.Addrs {
			t := "A"
			if a.Is6() && !a.Is4In6() {
				t = "AAAA"
			}
			fmt.Fprintf(&b, "%s.\t3600000\t%s\t%s\n", h.Name, t, a)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// normName is a name in the form the package keeps: lower case, without
// the root dot ("" for the root).
func normName(s string) string { return strings.ToLower(strings.TrimSuffix(s, ".")) }
