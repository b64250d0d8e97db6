package dnscrawl

import (
	"net/netip"
	"os"
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
		{"missing.test", StatusNXDomain, StatusNXDomain, ""},
		{"slow.test", StatusTimeout, StatusNoData, ""},
		{"mail-less.test", StatusOK, StatusNoData, StatusNoData},
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
