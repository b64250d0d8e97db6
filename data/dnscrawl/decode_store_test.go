package dnscrawl

import (
	"fmt"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// reuseLines returns observation lines that differ in every way a reused
// Observation could leak from one to the next: a failed domain without
// any array, domains with one or many name servers, mail exchangers,
// CNAME chains, target zones, TLS probes with chains of one or two
// certificates, HTTP probes with and without headers, certificate hosts
// with and without a zone, a SOA or none.
func reuseLines(t *testing.T) [][]byte {
	t.Helper()
	addr := netip.MustParseAddr
	day := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	var obs []*Observation
	for i := range 12 {
		d := fmt.Sprintf("site%d.example", i)
		o := &Observation{Domain: d, Rank: i, Status: StatusOK, Resolver: "127.0.0.1:53", StartedAt: day, DurationMS: float64(i), Queries: i, Attempts: i + 1,
			Apex: Host{Name: d, Status: StatusOK}, WWW: Host{Name: "www." + d, Status: StatusNXDomain, Error: "NXDOMAIN"}}
		if i%4 == 3 {
			o.Status, o.Error, o.Apex, o.WWW = StatusNXDomain, "NXDOMAIN", Host{Name: d, Status: StatusNXDomain}, Host{}
			obs = append(obs, o)
			continue
		}
		for j := range 1 + i%3*3 {
			o.NS = append(o.NS, NSHost{Name: fmt.Sprintf("ns%d.dns%d.example", j, i%5), Addrs: []netip.Addr{addr(fmt.Sprintf("192.0.2.%d", i*10+j))}})
		}
		if i%2 == 0 {
			o.SOA = &SOA{MName: o.NS[0].Name, RName: fmt.Sprintf("hostmaster.dns%d.example", i%5), Serial: uint32(2025000000 + i)}
			o.MX = []MXHost{{Preference: uint16(i), Name: "mx." + d, Addrs: []netip.Addr{addr("2001:db8::25"), addr(fmt.Sprintf("198.51.100.%d", i))}}}
			o.MXStatus = StatusOK
			o.WWW = Host{Name: "www." + d, Status: StatusOK, CNAMEs: []string{d + ".cdn.example.net", fmt.Sprintf("e%d.edge.example.net", i)},
				A: []netip.Addr{addr("203.0.113.7")}, AAAA: []netip.Addr{addr("2001:db8::7")}}
			o.TargetZones = []ZoneNS{{Zone: "example.net", NS: []string{"a.ns.example.net", fmt.Sprintf("b%d.ns.example.net", i)}}}
		}
		if i%3 != 2 {
			chain := []Cert{{SubjectCN: d, IssuerCN: "E7", IssuerOrg: "Let's Encrypt", NotBefore: day, NotAfter: day.AddDate(0, 3, 0), SANs: 2,
				SHA256: fmt.Sprintf("%064x", i), OCSP: []string{fmt.Sprintf("http://o%d.lencr.org", i%2)}, CRL: []string{"http://e7.c.lencr.org/49.crl"}}}
			if i%2 == 1 {
				chain = append(chain, Cert{SubjectCN: "E7", SubjectOrg: "Let's Encrypt", IssuerCN: "ISRG Root X1", NotBefore: day, NotAfter: day.AddDate(3, 0, 0),
					SHA256: strings.Repeat("ab", 32), AIA: []string{"http://x1.i.lencr.org/"}, SelfSigned: i == 5})
			}
			o.TLS = []TLSProbe{{Host: d, Addr: addr("203.0.113.7"), Port: 443, Status: ProbeOK, Version: "TLS 1.3", Chain: chain, Verified: true, DurationMS: 1.5},
				{Host: "www." + d, Port: 443, Status: ProbeTLSError, Error: "remote error", VerifyError: fmt.Sprintf("x509: %d", i), OCSPStapled: i == 1}}
			switch i % 4 {
			case 0: // the www host sends the same chain (read once)
				o.TLS[1].Chain = chain
			case 1: // another leaf, the same intermediate
				other := append([]Cert{chain[0]}, chain[1:]...)
				other[0].SubjectCN, other[0].SHA256 = "www."+d, strings.Repeat("cd", 32)
				o.TLS[1].Chain = other
			}
			o.HTTP = []HTTPProbe{{URL: "https://www." + d + "/", Addr: addr("203.0.113.7"), Status: ProbeOK, StatusCode: 200 + i,
				Headers: map[string][]string{"Server": {fmt.Sprintf("edge%d", i)}, "Date": {day.Format(time.RFC1123)}, fmt.Sprintf("X-H%d", i): {"a", "b"}}}}
			if i%2 == 0 {
				o.HTTP = append(o.HTTP, HTTPProbe{URL: "http://" + d + "/", Status: ProbeRefused, Error: "refused"})
			}
			o.CertHosts = []CertHost{{Name: "e7.c.lencr.org", Host: Host{Name: "e7.c.lencr.org", Status: StatusOK, CNAMEs: []string{"c.lencr.edgesuite.net"},
				A: []netip.Addr{addr("23.39.135.79")}}, Zone: &ZoneNS{Zone: "edgesuite.net", NS: []string{"a1.akam.net"}}}}
			if i%2 == 1 {
				o.CertHosts = append(o.CertHosts, CertHost{Name: "x1.i.lencr.org", Host: Host{Name: "x1.i.lencr.org", Status: StatusServFail}})
			}
		}
		obs = append(obs, o)
	}
	var lines [][]byte
	for _, o := range obs {
		lines = append(lines, []byte(strings.TrimSuffix(ourJSON(t, o), "\n")))
	}
	return lines
}

// stringsOf returns every string v holds, recursively.
func stringsOf(v reflect.Value, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		*out = append(*out, v.String())
	case reflect.Pointer:
		if !v.IsNil() {
			stringsOf(v.Elem(), out)
		}
	case reflect.Slice:
		for i := range v.Len() {
			stringsOf(v.Index(i), out)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			stringsOf(it.Key(), out)
			stringsOf(it.Value(), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				stringsOf(v.Field(i), out)
			}
		}
	}
}

// TestParseIntoReuse decodes different lines into the same observations
// and Store, as the workers of analyze do, and checks that each comes out
// as a new observation would (ParseObservation): nothing of a previous
// line leaks into a reused Observation, no observation of a batch
// overwrites another's arrays, and the strings of an observation are
// still what they were once its Store was reset and reused.
func TestParseIntoReuse(t *testing.T) {
	t.Parallel()
	lines := reuseLines(t)
	want := make([]*Observation, len(lines))
	for i, l := range lines {
		o, err := ParseObservation(l)
		if err != nil {
			t.Fatalf("line %d: %v\n%s", i, err, l)
		}
		want[i] = o
	}
	p := NewParser()
	var st Store
	obs := make([]Observation, len(lines))
	check := func(pass string, o *Observation, w *Observation) {
		t.Helper()
		if diff := cmp.Diff(w, o, addrEqual); diff != "" {
			t.Errorf("%s: %s (-new observation +reused):\n%s", pass, w.Domain, diff)
		}
	}
	// A batch: every line into its own observation, one Store.
	for i, l := range lines {
		if err := p.ParseInto(l, &obs[i], &st); err != nil {
			t.Fatal(err)
		}
	}
	for i := range obs {
		check("batch", &obs[i], want[i])
	}
	var kept, copies []string
	for i := range obs {
		stringsOf(reflect.ValueOf(obs[i]), &kept)
	}
	for _, s := range kept {
		copies = append(copies, strings.Clone(s))
	}
	// The next batch into the same observations, in reverse order.
	st.Reset()
	for i := range obs {
		if err := p.ParseInto(lines[len(lines)-1-i], &obs[i], &st); err != nil {
			t.Fatal(err)
		}
	}
	for i := range obs {
		check("next batch", &obs[i], want[len(lines)-1-i])
	}
	// One observation for every line, in both orders, the Store reset
	// after each; a line that fails leaves the next line unharmed.
	bad := []byte(`{"schema_version":2,"domain":"bad.example","status":"ok","ns":[{"name":"ns1.example","addrs":["192.0.2.300"]}]}`)
	var one Observation
	for _, i := range append(cmpRange(len(lines)), cmpRange(len(lines))...) {
		st.Reset()
		if err := p.ParseInto(bad, &one, &st); err == nil {
			t.Fatal("a bad line decoded")
		} else if _, werr := ParseObservation(bad); werr == nil || werr.Error() != err.Error() {
			t.Errorf("error %v, a new observation's %v", err, werr)
		}
		if err := p.ParseInto(lines[i], &one, &st); err != nil {
			t.Fatal(err)
		}
		check("one observation", &one, want[i])
	}
	for i, s := range kept {
		if s != copies[i] {
			t.Errorf("a string of the first batch changed after the Store's reuse: %q, was %q", s, copies[i])
		}
	}
}

// cmpRange returns 0..n-1 then n-1..0.
func cmpRange(n int) []int {
	out := make([]int, 0, 2*n)
	for i := range n {
		out = append(out, i)
	}
	for i := n - 1; i >= 0; i-- {
		out = append(out, i)
	}
	return out
}

// TestParseIntoAllocs: once its Store has grown, ParseInto allocates
// about one object a line (the domain; the Parser's chunk of strings
// and new names now and then), where Parse allocates dozens.
func TestParseIntoAllocs(t *testing.T) {
	lines := reuseLines(t)
	p := NewParser()
	var st Store
	obs := make([]Observation, len(lines))
	batch := func() {
		st.Reset()
		for i, l := range lines {
			if err := p.ParseInto(l, &obs[i], &st); err != nil {
				t.Fatal(err)
			}
		}
	}
	batch()
	into := testing.AllocsPerRun(20, batch) / float64(len(lines))
	parse := testing.AllocsPerRun(20, func() {
		for _, l := range lines {
			if _, err := p.Parse(l); err != nil {
				t.Fatal(err)
			}
		}
	}) / float64(len(lines))
	t.Logf("allocations a line: ParseInto %.1f, Parse %.1f", into, parse)
	// The domain, and domains.Normalize's (it tries the name as an
	// address); the rest is reused.
	if into > 6 || into*3 > parse {
		t.Errorf("ParseInto allocates %.1f objects a line (Parse %.1f)", into, parse)
	}
}

// FuzzProbeURLHost checks probeURLHost against net/url: where it reads
// a URL, url.Parse reads it too, with the scheme http or https and the
// same host.
func FuzzProbeURLHost(f *testing.F) {
	for _, s := range []string{"https://www.example.com/", "http://example.com", "https://", "https:///", "HTTPS://a/", "https://a:443/",
		"https://a/b", "https://a?x", "https://u@a/", "https://a%41/", "https://[::1]/", "http://a_b.example/", "https://a b/", "ftp://a/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, ok := probeURLHost(s)
		if !ok {
			return
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host != host {
			t.Fatalf("probeURLHost(%q) = %q; url.Parse: %+v, %v", s, host, u, err)
		}
	})
}
