package simnet

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// TestReferenceCoversAddresses checks that the simulated databases know
// the AS and country of every address the population uses.
func TestReferenceCoversAddresses(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 2000, Seed: 5})
	dir := t.TempDir()
	files, err := in.WriteAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := Files{
		Domains: filepath.Join(dir, DomainsFile), Sites: filepath.Join(dir, SitesFile), Truth: filepath.Join(dir, TruthFile),
		ASN: filepath.Join(dir, ASNFile), Country: filepath.Join(dir, CountryFile),
		Ranges: filepath.Join(dir, RangesDir), DataDir: filepath.Join(dir, DataDir),
		Roots: filepath.Join(dir, RootsFile),
	}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("WriteAll paths (-want +got):\n%s", diff)
	}
	for _, f := range []string{files.Domains, files.Sites, files.Truth, files.ASN, files.Country, files.Roots} {
		if !strings.Contains(filepath.Base(f), "simnet") {
			t.Errorf("%s: file name does not say simulated", f)
		}
	}
	db, err := refdata.Open(files.ASN, files.Country)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	check := func(what string, a netip.Addr) {
		t.Helper()
		info := db.Lookup(a)
		n := in.w.network(a)
		if n == nil {
			t.Errorf("%s %s: in no simulated network", what, a)
			return
		}
		if info.ASN != n.ASN || info.Country != n.Country || info.Org != n.Org {
			t.Errorf("%s %s: database says %+v, plan says AS%d %s %s", what, a, info, n.ASN, n.Org, n.Country)
		}
	}
	for _, st := range in.w.names {
		for _, a := range st.addrs {
			check(st.name, a)
		}
	}
	for _, pl := range in.w.pools {
		for h := range uint64(64) {
			for _, a := range pl.addrs(nil, mix(h, 99), false) {
				check(pl.id, a)
			}
			if pl.has6() {
				for _, a := range pl.addrs(nil, mix(h, 99), true) {
					check(pl.id, a)
				}
			}
		}
	}
	// The answers of the population, through the resolver.
	for i := 1; i <= in.Len(); i += 7 {
		for _, name := range []string{in.Domain(i), "www." + in.Domain(i)} {
			for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeMX, dns.TypeNS} {
				var r reply
				in.answer(dns.Question{Name: name + ".", Qtype: qt, Qclass: dns.ClassINET}, &r)
				for _, rr := range slices.Concat(r.ans, r.extra) {
					var ip net.IP
					switch rr := rr.(type) {
					case *dns.A:
						ip = rr.A
					case *dns.AAAA:
						ip = rr.AAAA
					default:
						continue
					}
					a, _ := netip.AddrFromSlice(ip)
					check(rr.Header().Name, a.Unmap())
				}
			}
		}
	}
}

// TestNetworksDoNotOverlap: one answer per address in the databases.
func TestNetworksDoNotOverlap(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 10})
	nets := in.Networks()
	for i := range nets {
		for j := i + 1; j < len(nets); j++ {
			if nets[i].Prefix.Overlaps(nets[j].Prefix) {
				t.Errorf("%s (AS%d) overlaps %s (AS%d)", nets[i].Prefix, nets[i].ASN, nets[j].Prefix, nets[j].ASN)
			}
		}
	}
	// Every pool lies in networks (a pool outside the plan would give
	// addresses the databases do not know).
	for _, pl := range in.w.pools {
		for _, p := range slices.Concat(pl.v4, pl.v6) {
			if n := in.w.network(p.Addr()); n == nil || n.Prefix.Bits() > p.Bits() {
				t.Errorf("pool %s: %s is not inside a network of the plan", pl.id, p)
			}
		}
	}
}

func TestWriteTruthCSV(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 300, Seed: 11})
	var buf bytes.Buffer
	if err := in.WriteTruth(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if lines[0] != "rank,domain,status,layer,provider_id,source,tld,registry,registry_backend,ca,ca_stapled,cert" {
		t.Errorf("header = %q", lines[0])
	}
	// Rebuild the truth from the rows and compare.
	got := map[string]map[string][]string{}
	status := map[string]string{}
	facts := map[string]string{}
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 12 {
			t.Fatalf("row %q: %d fields", l, len(f))
		}
		if got[f[1]] == nil {
			got[f[1]] = map[string][]string{}
		}
		status[f[1]] = f[2]
		fact := strings.Join(f[6:], ",")
		if old, ok := facts[f[1]]; ok && old != fact {
			t.Errorf("%s: domain columns differ between rows: %q and %q", f[1], old, fact)
		}
		facts[f[1]] = fact
		if _, ok := got[f[1]][f[3]]; !ok {
			got[f[1]][f[3]] = []string{}
		}
		if f[4] != "" {
			got[f[1]][f[3]] = append(got[f[1]][f[3]], f[4])
		}
		if f[5] != "" && (f[5] != "http_header" || f[3] != "cdn") {
			t.Errorf("row %q: source %q on layer %s", l, f[5], f[3])
		}
	}
	for tr := range in.Truths() {
		if status[tr.Domain] != string(tr.Status) {
			t.Errorf("%s: status %q, want %q", tr.Domain, status[tr.Domain], tr.Status)
		}
		ca, stapled := "", ""
		if len(tr.CA) > 0 {
			ca, stapled = tr.CA[0], fmt.Sprint(tr.CAStapled)
		}
		if want := strings.Join([]string{tr.TLDName, tr.Registry, tr.RegistryBackEnd, ca, stapled, tr.Cert}, ","); facts[tr.Domain] != want {
			t.Errorf("%s: domain columns %q, want %q", tr.Domain, facts[tr.Domain], want)
		}
		for _, l := range catalog.Layers {
			want := tr.ProvidersProbed(l)
			if want == nil {
				want = []string{}
			}
			if diff := cmp.Diff(want, got[tr.Domain][string(l)]); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tr.Domain, l, diff)
			}
		}
	}
}

func TestDomainList(t *testing.T) {
	t.Parallel()
	in := generate(t, Config{Domains: 1000, Seed: 2})
	var buf bytes.Buffer
	if err := in.WriteDomainList(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if !strings.HasPrefix(lines[0], "# simulated ") {
		t.Errorf("first line %q does not start with \"# simulated \"", lines[0])
	}
	if len(lines) != 1001 {
		t.Fatalf("%d lines, want 1001", len(lines))
	}
	seen := map[string]bool{}
	idn, multi := 0, 0
	for i, d := range lines[1:] {
		if d != in.Domain(i+1) {
			t.Errorf("line %d = %q, Domain(%d) = %q", i+2, d, i+1, in.Domain(i+1))
		}
		if seen[d] {
			t.Errorf("%s listed twice", d)
		}
		seen[d] = true
		if _, ok := dns.IsDomainName(d); !ok || strings.ToLower(d) != d {
			t.Errorf("%q is not a lower-case domain name", d)
		}
		if strings.HasPrefix(d, "xn--") {
			idn++
		}
		if strings.Count(d, ".") == 2 {
			multi++
		}
	}
	if idn == 0 || multi < 50 {
		t.Errorf("%d IDN names and %d under multi-label suffixes: the TLD mix is off", idn, multi)
	}
}

// TestDomainsAreValidListEntries checks every generated name is one the
// domain-list reader accepts unchanged (an invalid punycode label, such as
// digits appended to an xn-- label, would be skipped as a bad line).
func TestDomainsAreValidListEntries(t *testing.T) {
	t.Parallel()
	in, err := Generate(Config{Domains: 200_000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for rank := 1; rank <= in.Len(); rank++ {
		d := in.Domain(rank)
		if n, err := domains.Normalize(d); err != nil || n != d {
			if bad++; bad <= 5 {
				t.Errorf("rank %d: %q is not a valid list entry (%v, %q)", rank, d, err, n)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d invalid names", bad)
	}
}
