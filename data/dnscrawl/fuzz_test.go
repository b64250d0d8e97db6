package dnscrawl

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"
)

func packed(t testing.TB, m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzAnswer unpacks arbitrary bytes as a DNS message and runs every
// piece of answer handling on it: CNAME-chain and address extraction,
// additional-section addresses, the EDE check and the question check.
// None may panic; the chain never exceeds the hop limit nor repeats a name,
// and the addresses come out sorted without duplicates.
func FuzzAnswer(f *testing.F) {
	m := new(dns.Msg)
	m.SetQuestion("www.example.com.", dns.TypeA)
	m.Answer = []dns.RR{
		&dns.CNAME{Hdr: dns.RR_Header{Name: "www.example.com.", Rrtype: dns.TypeCNAME, Class: dns.ClassINET}, Target: "e1.cdn.net."},
		&dns.CNAME{Hdr: dns.RR_Header{Name: "e1.cdn.net.", Rrtype: dns.TypeCNAME, Class: dns.ClassINET}, Target: "www.example.com."},
		&dns.A{Hdr: dns.RR_Header{Name: "e1.cdn.net.", Rrtype: dns.TypeA, Class: dns.ClassINET}, A: netip.MustParseAddr("192.0.2.1").AsSlice()},
	}
	m.Extra = []dns.RR{&dns.AAAA{Hdr: dns.RR_Header{Name: "ns1.example.com.", Rrtype: dns.TypeAAAA, Class: dns.ClassINET}, AAAA: netip.MustParseAddr("2001:db8::1").AsSlice()}}
	f.Add(packed(f, m), "www.example.com")
	m.SetEdns0(1232, false)
	m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_EDE{InfoCode: 22})
	m.Rcode = dns.RcodeServerFailure
	f.Add(packed(f, m), "ns1.example.com")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		var msg dns.Msg
		if err := msg.Unpack(b); err != nil {
			return
		}
		r, _, err := readReply(b, nil, nil)
		if err != nil {
			t.Fatalf("miekg/dns unpacks it, the reader refuses it: %v", err)
		}
		c := chainWalk{cur: normName(name)}
		c.seen = []string{c.cur}
		for range 3 {
			_, st, _ := c.step(&r)
			if st != "" && st != StatusCNAMELoop && st != StatusTooLong {
				t.Fatalf("step status %q", st)
			}
		}
		if len(c.chain) > MaxCNAMEHops {
			t.Fatalf("chain of %d hops", len(c.chain))
		}
		if s := slices.Clone(c.seen); len(slices.Compact(slices.Sorted(slices.Values(s)))) != len(c.seen) {
			t.Fatalf("chain repeats a name: %v", c.seen)
		}
		if !slices.IsSortedFunc(c.addrs, netip.Addr.Compare) {
			t.Fatalf("addresses not sorted: %v", c.addrs)
		}
		as := additional(&r, normName(name))
		if !slices.IsSortedFunc(as, netip.Addr.Compare) {
			t.Fatalf("additional addresses not sorted: %v", as)
		}
		lameEDE(&r)
		q := new(dns.Msg)
		q.SetQuestion("example.com.", dns.TypeA)
		checkAnswer(q, &msg)
	})
}

// FuzzDecoder feeds arbitrary bytes to the observation decoder: it must
// never panic, and whatever it accepts must encode and decode again to
// the same observation.
func FuzzDecoder(f *testing.F) {
	f.Add([]byte(`{"schema_version":1,"domain":"example.com","status":"ok","apex":{"name":"example.com","status":"ok","a":["192.0.2.1"]},"www":{"name":"www.example.com","status":"nxdomain"}}` + "\n"))
	f.Add([]byte("{}\n\n{\"schema_version\":1}\n"))
	f.Add([]byte(`{"schema_version":1,"domain":"x","status":"bogus"}`))
	f.Add([]byte(`{"schema_version":2,"domain":"example.com","status":"ok","apex":{"name":"example.com"},"www":{"name":"www.example.com","status":"ok","a":["192.0.2.1"]},` +
		`"tls":[{"host":"www.example.com","addr":"192.0.2.1","port":443,"status":"ok","chain":[{"subject_cn":"<b>x</b>","issuer_org":"=1+1","not_before":"2026-01-01T00:00:00Z","not_after":"2027-01-01T00:00:00Z","ocsp":["http://ocsp.ca.test"]}],"ocsp_stapled":true}],` +
		`"http":[{"url":"https://www.example.com/","addr":"192.0.2.1","status":"ok","status_code":200,"headers":{"Server":["cloudflare"]}}],` +
		`"cert_hosts":[{"name":"ocsp.ca.test","host":{"name":"ocsp.ca.test","status":"ok"},"zone":{"zone":"ca.test","ns":["ns.ca.test"]}}]}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := NewDecoder(bytes.NewReader(b))
		for range 1000 {
			o, err := dec.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var le *LineError
			if errors.As(err, &le) {
				continue
			}
			if err != nil {
				return // a line too long for the scanner
			}
			roundTrip(t, o)
		}
	})
}

// FuzzEncodeDecode builds observations from fuzzed fields and checks that
// Encode then Decode gives them back.
func FuzzEncodeDecode(f *testing.F) {
	f.Add("example.com", 3, uint8(0), []byte{192, 0, 2, 1}, "ns1.dnsprov.net", "e1.cdn.net", "")
	f.Add("xn--bcher-kva.example", 0, uint8(5), []byte{}, "", "", "timeout after 2s \"quoted\" \u2028")
	f.Fuzz(func(t *testing.T, domain string, rank int, st uint8, addr []byte, ns, cname, errText string) {
		if domain == "" {
			return
		}
		o := &Observation{
			SchemaVersion: SchemaVersion, Domain: domain, Rank: rank,
			Status: Statuses[int(st)%len(Statuses)], Error: errText,
			Apex: Host{Name: domain, Status: StatusOK}, WWW: Host{Name: "www." + domain, Status: StatusNoData},
		}
		if a, ok := netip.AddrFromSlice(addr); ok {
			o.Apex.A = []netip.Addr{a}
		}
		if ns != "" {
			o.NS = []NSHost{{Name: ns}}
		}
		if cname != "" {
			o.WWW.CNAMEs = []string{cname}
		}
		if o.CheckNames() != nil || !utf8.ValidString(ns+cname) {
			// The decoder refuses it, or JSON would change it (invalid
			// UTF-8): not a line the crawler writes, whose names from
			// DNS are in presentation format (\DDD escapes), ASCII.
			return
		}
		roundTrip(t, o)
	})
}

func roundTrip(t *testing.T, o *Observation) {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	if err := enc.Encode(o); err != nil {
		t.Fatalf("encode: %v", err)
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 1 {
		t.Fatalf("one observation took %d lines", n)
	}
	back, err := NewDecoder(&buf).Next()
	if err != nil {
		// Strings that are not valid UTF-8 are replaced by the encoder,
		// which is not a round-trip failure of ours.
		t.Fatalf("decode what was encoded: %v\n%s", err, buf.String())
	}
	opts := []cmp.Option{cmpopts.EquateComparable(netip.Addr{}), cmpopts.EquateEmpty(), cmpopts.EquateApproxTime(0)}
	if !validUTF8(o) {
		return
	}
	if diff := cmp.Diff(o, back, opts...); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
}

func validUTF8(o *Observation) bool {
	for _, s := range []string{o.Domain, o.Error, o.Apex.Name, o.WWW.Name} {
		if strings.ToValidUTF8(s, "\uFFFD") != s {
			return false
		}
	}
	for _, n := range o.NS {
		if strings.ToValidUTF8(n.Name, "\uFFFD") != n.Name {
			return false
		}
	}
	for _, c := range o.WWW.CNAMEs {
		if strings.ToValidUTF8(c, "\uFFFD") != c {
			return false
		}
	}
	return true
}

// FuzzReadResume: whatever an observations file holds, ReadResume does
// not panic, keeps a prefix of the file made of whole lines, and counts
// one status per domain kept.
func FuzzReadResume(f *testing.F) {
	f.Add([]byte(`{"schema_version":1,"domain":"a.test","status":"ok"}` + "\n" + `{"schema_version":1,"domain":"b.te`))
	f.Add([]byte("garbage\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := t.TempDir() + "/observations.jsonl"
		if err := writeFile(path, b); err != nil {
			t.Fatal(err)
		}
		r, err := ReadResume(path)
		if err != nil {
			t.Fatal(err)
		}
		if r.Size > int64(len(b)) || (r.Size > 0 && b[r.Size-1] != '\n') {
			t.Fatalf("kept %d bytes of %d, not ending a line", r.Size, len(b))
		}
		sum := 0
		for _, n := range r.ByStatus {
			sum += n
		}
		if sum != r.Done.Len() {
			t.Fatalf("%d statuses for %d domains", sum, r.Done.Len())
		}
	})
}

// FuzzReadZDNS: arbitrary input never panics and yields one observation
// per domain whose statuses, the MX status included, are in the closed
// vocabulary (a lookup missing from the input is a status too, never
// empty), with sorted target zones that hold name servers.
func FuzzReadZDNS(f *testing.F) {
	f.Add([]byte(`{"name":"example.com","results":{"A":{"data":{"answers":[{"answer":"192.0.2.1","name":"example.com","type":"A"}]},"status":"NOERROR"}}}`))
	f.Add([]byte(`{"name":"www.a.test","results":{"MXLOOKUP":{"data":{"exchanges":[{"name":"mx.a.test","ipv4_addresses":["x"]}]},"status":"SERVFAIL"}}}`))
	f.Add([]byte(`{"name":"a.test","results":{"NSLOOKUP":{"error":"cycling lookup failed - context expired","status":"ERROR"},"SOA":{"status":"SERVFAIL"}}}` + "\n" +
		`{"name":"www.a.test","alexa_rank":3,"results":{"A":{"data":{"answers":[{"answer":"t.cdn.test.","name":"www.a.test","type":"CNAME"}]},"status":"NOERROR"}}}` + "\n" +
		`{"metadata":"target_zone","name":"cdn.test","results":{"NS":{"data":{"answers":[{"answer":"ns.cdn.test.","name":"cdn.test","type":"NS"}],"authorities":[{"name":"test","type":"SOA"}]},"status":"NOERROR"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		seen := map[string]bool{}
		err := ReadZDNS(bytes.NewReader(b), func(*LineError) {}, func(o *Observation) {
			if seen[o.Domain] {
				t.Fatalf("domain %q twice", o.Domain)
			}
			seen[o.Domain] = true
			for _, s := range []Status{o.Status, o.Apex.Status, o.WWW.Status, o.MXStatus} {
				if _, err := ParseStatus(string(s)); err != nil {
					t.Fatalf("status %q outside the vocabulary", s)
				}
			}
			for i, z := range o.TargetZones {
				if len(z.NS) == 0 || (i > 0 && o.TargetZones[i-1].Zone >= z.Zone) {
					t.Fatalf("target zones %+v: empty or not sorted", o.TargetZones)
				}
			}
		})
		if err != nil && !strings.Contains(err.Error(), "token too long") {
			t.Fatal(err)
		}
	})
}

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }
