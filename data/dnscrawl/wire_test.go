package dnscrawl

import (
	"bytes"
	"testing"

	"github.com/miekg/dns"
)

// TestPackQueryAsMiekg: the hand-packed query is byte for byte what
// miekg/dns packs for the same message (ID aside), and names that need
// escapes or are malformed are left to miekg/dns.
func TestPackQueryAsMiekg(t *testing.T) {
	for _, tc := range []struct {
		name  string
		qtype uint16
	}{
		{"example.com", dns.TypeNS},
		{"example.com.", dns.TypeA},
		{"www.Example.COM", dns.TypeAAAA},
		{"a-b_c.co.uk", dns.TypeMX},
		{"xn--bcher-kva.example", dns.TypeSOA},
		{"", dns.TypeNS},
		{".", dns.TypeNS},
		{string(bytes.Repeat([]byte("a"), 63)) + ".test", dns.TypeA},
	} {
		got, ok := packQuery(nil, tc.name, tc.qtype)
		if !ok {
			t.Errorf("%q: not packed", tc.name)
			continue
		}
		m := new(dns.Msg)
		m.SetEdns0(ednsSize, false)
		m.SetQuestion(dns.Fqdn(tc.name), tc.qtype)
		m.Id = 0
		want, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%q: packed\n%x\nmiekg/dns packs\n%x", tc.name, got, want)
		}
	}
	for _, name := range []string{
		`a\.b.example`, "a..example", "..", string(bytes.Repeat([]byte("a"), 64)) + ".test",
		string(bytes.Repeat([]byte("abcdefg."), 40)),
	} {
		if _, ok := packQuery(nil, name, dns.TypeA); ok {
			t.Errorf("%q: packed by hand, want it left to miekg/dns", name)
		}
	}
}

func rr(t testing.TB, s string) dns.RR {
	t.Helper()
	r, err := dns.NewRR(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// replies returns packed replies of the kinds the crawl sees, each
// compressed and not.
func replies(t testing.TB) (out [][]byte) {
	add := func(m *dns.Msg) {
		for _, compress := range []bool{true, false} {
			m.Compress = compress
			b, err := m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	q := func(name string, qtype uint16) *dns.Msg {
		m := new(dns.Msg)
		m.SetQuestion(name, qtype)
		m.Response, m.RecursionAvailable = true, true
		return m
	}

	m := q("www.Example.com.", dns.TypeA)
	m.Answer = []dns.RR{
		rr(t, "www.example.com. 300 IN CNAME edge.cdn.example.net."),
		rr(t, "edge.cdn.example.net. 60 IN CNAME e1.cdn.example.net."),
		rr(t, "e1.cdn.example.net. 20 IN A 192.0.2.7"),
		rr(t, "e1.cdn.example.net. 20 IN A 192.0.2.8"),
	}
	m.SetEdns0(1232, false)
	add(m)

	m = q("example.com.", dns.TypeNS)
	m.Authoritative = true
	m.Answer = []dns.RR{rr(t, "example.com. 3600 IN NS ns1.example.com."), rr(t, "example.com. 3600 IN NS ns.provider.example.")}
	m.Extra = []dns.RR{rr(t, "ns1.example.com. 3600 IN A 198.51.100.1"), rr(t, "ns1.example.com. 3600 IN AAAA 2001:db8::1")}
	add(m)

	m = q("sub.example.com.", dns.TypeNS)
	m.Ns = []dns.RR{rr(t, "example.com. 900 IN SOA ns1.example.com. hostmaster.example.com. 2026120501 7200 900 1209600 300")}
	add(m)

	m = q("example.com.", dns.TypeMX)
	m.Answer = []dns.RR{rr(t, "example.com. 300 IN MX 10 mx1.mail.example."), rr(t, "example.com. 300 IN MX 0 .")}
	add(m)

	m = q("lame.example.", dns.TypeNS)
	m.Rcode = dns.RcodeServerFailure
	m.SetEdns0(1232, true)
	opt := m.IsEdns0()
	opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeNotAuthoritative, ExtraText: "lame"})
	add(m)

	m = q("example.com.", dns.TypeTXT)
	m.Answer = []dns.RR{rr(t, `example.com. 300 IN TXT "v=spf1 -all"`), rr(t, "example.com. 300 IN CAA 0 issue \"ca.example\"")}
	add(m)

	m = q("nx.example.", dns.TypeA)
	m.Rcode = dns.RcodeNameError
	add(m)

	// Names that need escapes in presentation form.
	m = q(`we\ird\.name.example.`, dns.TypeA)
	m.Answer = []dns.RR{rr(t, `we\ird\.name.example. 300 IN CNAME tar\"get.example.`)}
	add(m)

	// A negative answer: NODATA with the zone's SOA in the authority
	// section, owners in upper case.
	m = q("www.example.org.", dns.TypeAAAA)
	m.Ns = []dns.RR{rr(t, "EXAMPLE.org. 300 IN SOA NS1.Example.org. Host\\.Master.example.org. 7 7200 900 1209600 300")}
	add(m)

	// Bytes that miekg/dns writes as \DDD, and an OPT record with a
	// cookie (an option the reader leaves to miekg/dns).
	m = q(`caf\195\169.example.`, dns.TypeMX)
	m.Answer = []dns.RR{rr(t, `caf\195\169.example. 300 IN MX 5 m\000x.example.`), rr(t, `caf\195\169.example. 300 IN AAAA 2001:db8::5`)}
	m.SetEdns0(1232, false)
	m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_COOKIE{Code: dns.EDNS0COOKIE, Cookie: "0102030405060708"})
	add(m)

	// An extended rcode (BADVERS) in the OPT record.
	m = q("example.com.", dns.TypeA)
	m.SetEdns0(1232, false)
	m.Rcode = dns.RcodeBadVers
	add(m)
	return out
}

// BenchmarkPackQuery: a query packed by miekg/dns from the worker's
// reused dns.Msg, and by hand.
func BenchmarkPackQuery(b *testing.B) {
	buf := make([]byte, 0, 512)
	b.Run("miekg", func(b *testing.B) {
		b.ReportAllocs()
		var m dns.Msg
		m.SetEdns0(ednsSize, false)
		for b.Loop() {
			m.SetQuestion(dns.Fqdn("www.example-domain.com"), dns.TypeAAAA)
			if _, err := m.PackBuffer(buf[:cap(buf)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("crawler", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := packQuery(buf, "www.example-domain.com", dns.TypeAAAA); !ok {
				b.Fatal("not packed")
			}
		}
	})
}
