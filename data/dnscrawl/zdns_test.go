package dnscrawl

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadZDNS(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/zdns/multiple.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var bad []int
	got := map[string]*Observation{}
	var order []string
	err = ReadZDNS(f, func(le *LineError) { bad = append(bad, le.Line) }, func(o *Observation) {
		got[o.Domain] = o
		order = append(order, o.Domain)
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{4}, bad); diff != "" {
		t.Errorf("bad lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"example.com", "missing.test", "slow.test", "mail-less.test"}, order); diff != "" {
		t.Errorf("domains (-want +got):\n%s", diff)
	}
	want := &Observation{
		SchemaVersion: SchemaVersion,
		Domain:        "example.com",
		Status:        StatusOK,
		NS: []NSHost{
			{Name: "ns1.dnsprov.net", Addrs: mkAddrs("203.0.113.1")},
			{Name: "ns2.dnsprov.net", Addrs: mkAddrs("203.0.113.2", "2001:db8::53")},
		},
		Apex: Host{Name: "example.com", Status: StatusOK, A: mkAddrs("192.0.2.10"), AAAA: mkAddrs("2001:db8::10")},
		WWW: Host{Name: "www.example.com", Status: StatusOK,
			CNAMEs: []string{"www.example.com.cdn-a.net", "e1.edge.cdn-a.net"},
			A:      mkAddrs("198.51.100.7", "198.51.100.8")},
		MX: []MXHost{
			{Preference: 10, Name: "mx1.mailprov.net", Addrs: mkAddrs("203.0.113.25")},
			{Preference: 20, Name: "mx2.mailprov.net", Addrs: mkAddrs("203.0.113.26")},
		},
		MXStatus: StatusOK,
		Resolver: "127.0.0.1:53",
		// www has an A lookup only, and nothing asked SOA.
		Error: "not in the zdns input: AAAA of www.example.com, SOA",
	}
	ignore := cmpopts.IgnoreFields(Observation{}, "StartedAt", "DurationMS")
	if diff := cmp.Diff(want, got["example.com"], ignore, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("example.com (-want +got):\n%s", diff)
	}
	tests := []struct {
		domain       string
		status, apex Status
		mx           Status
	}{
		// No MX lookup in the input: unknown (error), not "no mail".
		{"missing.test", StatusNXDomain, StatusNXDomain, StatusError},
		// No A/AAAA lookup: the apex is unknown, not nodata.
		{"slow.test", StatusTimeout, StatusError, StatusError},
		{"mail-less.test", StatusOK, StatusError, StatusNoData},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			o := got[tt.domain]
			if o.Status != tt.status || o.Apex.Status != tt.apex || o.MXStatus != tt.mx {
				t.Errorf("status %s apex %s mx %q, want %s %s %q", o.Status, o.Apex.Status, o.MXStatus, tt.status, tt.apex, tt.mx)
			}
			if _, err := ParseStatus(string(o.WWW.Status)); err != nil {
				t.Errorf("www status %q not in the vocabulary", o.WWW.Status)
			}
		})
	}
	if s := got["mail-less.test"].SOA; s == nil || s.MName != "ns1.dnsprov.net" || s.Serial != 42 {
		t.Errorf("SOA = %+v", s)
	}
}

// readZDNSString reads zdns lines from s and returns the observations by
// domain; a bad line fails the test.
func readZDNSString(t *testing.T, s string) map[string]*Observation {
	t.Helper()
	got := map[string]*Observation{}
	err := ReadZDNS(strings.NewReader(s), func(le *LineError) { t.Errorf("bad line: %v", le) }, func(o *Observation) {
		if got[o.Domain] != nil {
			t.Errorf("domain %s twice", o.Domain)
		}
		got[o.Domain] = o
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Lines of zdns output for the tests, as zdns v2.1.1 writes them (keys
// sorted, normal verbosity), cut to the fields the reader uses.
const (
	zNSLookup = `"NSLOOKUP":{"data":{"servers":[{"ipv4_addresses":["203.0.113.1"],"ipv6_addresses":["2001:db8::53"],"name":"ns1.dnsprov.net","type":"NS"}]},"status":"NOERROR"}`
	zMXLookup = `"MXLOOKUP":{"data":{"exchanges":[{"ipv4_addresses":["203.0.113.25"],"name":"mx1.mailprov.net","preference":10,"type":"MX"}]},"status":"NOERROR"}`
	zMXNone   = `"MXLOOKUP":{"data":{"exchanges":[]},"status":"NOERROR"}`
	zSOA      = `"SOA":{"data":{"answers":[{"mbox":"hostmaster.dnsprov.net","name":"%[1]s","ns":"ns1.dnsprov.net","serial":7,"type":"SOA"}]},"status":"NOERROR"}`
	zA        = `"A":{"data":{"answers":[{"answer":"192.0.2.10","name":"%[1]s","type":"A"}]},"status":"NOERROR"}`
	zANone    = `"A":{"data":{},"status":"NOERROR"}`
	zAAAA     = `"AAAA":{"data":{"answers":[{"answer":"2001:db8::10","name":"%[1]s","type":"AAAA"}]},"status":"NOERROR"}`
	zAAAANone = `"AAAA":{"data":{},"status":"NOERROR"}`
	zANX      = `"A":{"data":{},"status":"NXDOMAIN"}`
)

// zline returns one zdns line for name with the given module results, in
// which %[1]s stands for the name.
func zline(name string, results ...string) string {
	parts := make([]string, len(results))
	for i, r := range results {
		parts[i] = strings.ReplaceAll(r, "%[1]s", name)
	}
	return fmt.Sprintf(`{"name":%q,"results":{%s}}`, name, strings.Join(parts, ",")) + "\n"
}

// TestReadZDNSMissingLookups: a lookup that is not in the input is
// unknown, never "nothing there": no MX lookup is not "no mail", no www
// lookup is not "www does not exist", one address family missing leaves
// the host unknown unless the other one answered.
func TestReadZDNSMissingLookups(t *testing.T) {
	t.Parallel()
	const d = "example.com"
	full := []string{zNSLookup, zSOA, zMXLookup, zA, zAAAA}
	tests := []struct {
		name     string
		in       string
		status   Status
		mx       Status
		apex     Status
		www      Status
		errorHas []string // in Observation.Error
	}{
		{
			name: "everything", in: zline(d, full...) + zline("www."+d, zA, zAAAA),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusOK,
		},
		{
			name: "no MX module", in: zline(d, zNSLookup, zSOA, zA, zAAAA) + zline("www."+d, zA, zAAAA),
			status: StatusOK, mx: StatusError, apex: StatusOK, www: StatusOK, errorHas: []string{"MX"},
		},
		{
			name: "MX asked, none", in: zline(d, zNSLookup, zSOA, zMXNone, zA, zAAAA) + zline("www."+d, zA, zAAAA),
			status: StatusOK, mx: StatusNoData, apex: StatusOK, www: StatusOK,
		},
		{
			name: "no www lookup", in: zline(d, full...),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusError, errorHas: []string{"A/AAAA of www.example.com"},
		},
		{
			name: "www A only, nodata", in: zline(d, full...) + zline("www."+d, zANone),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusError, errorHas: []string{"AAAA of www.example.com"},
		},
		{
			name: "www A only, answered", in: zline(d, full...) + zline("www."+d, zA),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusOK, errorHas: []string{"AAAA of www.example.com"},
		},
		{
			name: "www A only, nxdomain", in: zline(d, full...) + zline("www."+d, zANX),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusNXDomain,
		},
		{
			name: "www both, no records", in: zline(d, full...) + zline("www."+d, zANone, zAAAANone),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusNoData,
		},
		{
			name: "no NS module", in: zline(d, zSOA, zMXLookup, zA, zAAAA) + zline("www."+d, zA, zAAAA),
			status: StatusOK, mx: StatusOK, apex: StatusOK, www: StatusOK, errorHas: []string{"NS"},
		},
		{
			name: "no apex lookup, no NS", in: zline(d, zMXLookup),
			status: StatusOK, mx: StatusOK, apex: StatusError, www: StatusError, errorHas: []string{"A/AAAA of example.com", "NS", "SOA"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := readZDNSString(t, tt.in)[d]
			if o == nil {
				t.Fatal("no observation")
			}
			if o.Status != tt.status || o.MXStatus != tt.mx || o.Apex.Status != tt.apex || o.WWW.Status != tt.www {
				t.Errorf("status %s mx %s apex %s www %s, want %s %s %s %s",
					o.Status, o.MXStatus, o.Apex.Status, o.WWW.Status, tt.status, tt.mx, tt.apex, tt.www)
			}
			for _, s := range tt.errorHas {
				if !strings.Contains(o.Error, s) {
					t.Errorf("error %q does not name %q", o.Error, s)
				}
			}
			if len(tt.errorHas) == 0 && o.Error != "" {
				t.Errorf("error %q, want none", o.Error)
			}
			for _, h := range []Host{o.Apex, o.WWW} {
				if h.Status == StatusError && !strings.Contains(h.Error, "zdns input") {
					t.Errorf("%s: error %q does not say the lookup is missing", h.Name, h.Error)
				}
			}
		})
	}
}

// TestReadZDNSStatuses: zdns's ERROR for a lookup whose deadline passed
// is a timeout; an answered NS with a failing SOA is a lame delegation,
// as the crawler decides.
func TestReadZDNSStatuses(t *testing.T) {
	t.Parallel()
	in := zline("slow.test", `"NSLOOKUP":{"data":{},"error":"cycling lookup failed - context expired","status":"ERROR"}`) +
		zline("limited.test", `"NSLOOKUP":{"error":"cycling lookup failed - rate limit exceeded and out of retries","status":"ERROR"}`) +
		zline("odd.test", `"NSLOOKUP":{"error":"something else","status":"ERROR"}`) +
		zline("lame.test", zNSLookup, `"SOA":{"data":{},"status":"SERVFAIL"}`, zMXNone, zA, zAAAA) +
		zline("refused.test", zNSLookup, `"SOA":{"data":{},"status":"REFUSED"}`, zMXNone, zA, zAAAA) +
		zline("fine.test", zNSLookup, `"SOA":{"data":{},"status":"TIMEOUT"}`, zMXNone, zA, zAAAA)
	got := readZDNSString(t, in)
	for d, want := range map[string]Status{
		"slow.test": StatusTimeout, "limited.test": StatusTimeout, "odd.test": StatusError,
		"lame.test": StatusLameDelegation, "refused.test": StatusLameDelegation, "fine.test": StatusOK,
	} {
		if o := got[d]; o == nil || o.Status != want {
			t.Errorf("%s: %+v, want status %s", d, o, want)
		}
	}
	if e := got["lame.test"].Error; !strings.Contains(e, "SOA lame.test") || !strings.Contains(e, "SERVFAIL") {
		t.Errorf("lame.test error %q", e)
	}
}

// TestReadZDNSTargetZones: lines marked target_zone (zdns
// --metadata-passthrough) give the NS of the zones the CNAME targets of
// each domain live in, as the crawler records them, and are not domains.
func TestReadZDNSTargetZones(t *testing.T) {
	t.Parallel()
	www := `"A":{"data":{"answers":[` +
		`{"answer":"www.site.test.cdn-a.net.","name":"www.site.test","type":"CNAME"},` +
		`{"answer":"e1.edge.cdn-a.net.","name":"www.site.test.cdn-a.net","type":"CNAME"},` +
		`{"answer":"shop.site.test.","name":"e1.edge.cdn-a.net","type":"CNAME"},` +
		`{"answer":"x.platform.test.","name":"shop.site.test","type":"CNAME"},` +
		`{"answer":"198.51.100.7","name":"x.platform.test","type":"A"}]},"status":"NOERROR"}`
	zone := func(name, result string) string {
		return fmt.Sprintf(`{"metadata":"target_zone","name":%q,"results":{%s}}`, name, result) + "\n"
	}
	nsOf := func(owner string, ns ...string) string {
		var as []string
		for _, n := range ns {
			as = append(as, fmt.Sprintf(`{"answer":"%s.","name":%q,"type":"NS"}`, n, owner))
		}
		return `"NS":{"data":{"answers":[` + strings.Join(as, ",") + `]},"status":"NOERROR"}`
	}
	in := zline("site.test", zNSLookup, zSOA, zMXNone, zA, zAAAA) + zline("www.site.test", www, zAAAANone) +
		// cdn-a.net: NS at the name, in two lines merged.
		zone("cdn-a.net", nsOf("cdn-a.net", "ns2.cdn-dns.test", "ns1.cdn-dns.test")) +
		zone("edge.cdn-a.net", `"NS":{"data":{"authorities":[{"name":"cdn-a.net","type":"SOA"}]},"status":"NOERROR"}`) +
		// platform.test: not a zone apex; the SOA of the negative
		// answer names the zone whose NS count.
		zone("platform.test", `"NS":{"data":{"answers":[{"answer":"elsewhere.test.","name":"platform.test","type":"CNAME"},{"answer":"ns9.elsewhere.test.","name":"elsewhere.test","type":"NS"}],"authorities":[]},"status":"NOERROR"}`) +
		// site.test is the domain's own zone: left out.
		zone("site.test", nsOf("site.test", "ns1.site.test"))
	got := readZDNSString(t, in)
	if len(got) != 1 {
		t.Fatalf("%d domains, want 1 (site.test): target_zone lines are not domains", len(got))
	}
	o := got["site.test"]
	want := []ZoneNS{{Zone: "cdn-a.net", NS: []string{"ns1.cdn-dns.test", "ns2.cdn-dns.test"}}}
	if diff := cmp.Diff(want, o.TargetZones); diff != "" {
		t.Errorf("target zones (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"www.site.test.cdn-a.net", "e1.edge.cdn-a.net", "shop.site.test", "x.platform.test"}, o.WWW.CNAMEs); diff != "" {
		t.Errorf("www chain (-want +got):\n%s", diff)
	}

	// The zone walk: NS at the zone, else the zone named by the SOA of
	// the negative answer, else the parent, never above the registrable
	// domain; nothing when a lookup on the way is missing or failed.
	zs := zdnsZones{}
	add := func(name, result string) {
		var l zdnsLine
		if err := json.Unmarshal([]byte(zone(name, result)), &l); err != nil {
			t.Fatal(err)
		}
		for m, raw := range l.Results {
			var r zdnsResult
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			zs.add(m, name, &r)
		}
	}
	add("a.blob.cloud.test", `"NS":{"data":{"authorities":[{"name":"blob.cloud.test","type":"SOA"}]},"status":"NOERROR"}`)
	add("blob.cloud.test", nsOf("blob.cloud.test", "ns.blob.cloud.test"))
	add("empty.test", `"NS":{"data":{},"status":"NOERROR"}`)
	add("gone.test", `"NS":{"data":{},"status":"NXDOMAIN"}`)
	add("x.gone.test", `"NS":{"data":{},"status":"NOERROR"}`)
	add("deep.a.cloud.test", `"NS":{"data":{},"status":"NOERROR"}`)
	add("a.cloud.test", `"NS":{"data":{},"status":"NOERROR"}`)
	add("cloud.test", nsOf("cloud.test", "ns.cloud.test"))
	for zone, want := range map[string][]string{
		"a.blob.cloud.test": {"ns.blob.cloud.test"},
		"deep.a.cloud.test": {"ns.cloud.test"},
		"empty.test":        nil, // the registrable domain: no walking above it
		"x.gone.test":       nil, // the parent failed
		"missing.test":      nil, // not looked up
	} {
		if diff := cmp.Diff(want, zs.ns(zone)); diff != "" {
			t.Errorf("ns(%s) (-want +got):\n%s", zone, diff)
		}
	}
}

// TestReadZDNSMerge: a lookup in two modules or two lines adds up when
// the outcomes are alike, the answer wins over a failure, and
// altered_name and alexa_rank are read.
func TestReadZDNSMerge(t *testing.T) {
	t.Parallel()
	in := zline("a.test", `"NS":{"data":{"answers":[{"answer":"ns1.dnsprov.net.","name":"a.test","type":"NS"},{"answer":"ns0.elsewhere.test.","name":"other.test","type":"NS"}]},"status":"NOERROR"}`) +
		zline("a.test", zNSLookup) +
		zline("b.test", `"MXLOOKUP":{"status":"TIMEOUT"}`) + zline("b.test", zMXLookup) + zline("b.test", `"MXLOOKUP":{"status":"SERVFAIL"}`) +
		`{"alexa_rank":42,"altered_name":"www.c.test","name":"c.test","results":{` + strings.ReplaceAll(zA, "%[1]s", "www.c.test") + `}}` + "\n" +
		`{"alexa_rank":42,"name":"c.test","results":{` + strings.ReplaceAll(zA, "%[1]s", "c.test") + `}}` + "\n"
	got := readZDNSString(t, in)
	a := got["a.test"]
	wantNS := []NSHost{{Name: "ns1.dnsprov.net", Addrs: mkAddrs("203.0.113.1", "2001:db8::53")}}
	if diff := cmp.Diff(wantNS, a.NS, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("a.test NS (-want +got):\n%s", diff)
	}
	b := got["b.test"]
	if b.MXStatus != StatusOK || len(b.MX) != 1 || b.MX[0].Name != "mx1.mailprov.net" {
		t.Errorf("b.test MX %s %+v, want ok with mx1.mailprov.net", b.MXStatus, b.MX)
	}
	c := got["c.test"]
	if c == nil || c.Rank != 42 || c.WWW.Status != StatusOK || len(c.WWW.A) != 1 || c.Apex.Status != StatusOK {
		t.Errorf("c.test = %+v, want rank 42 with apex and www (altered_name) resolved", c)
	}
	if len(got) != 3 {
		t.Errorf("%d domains, want 3", len(got))
	}
}
