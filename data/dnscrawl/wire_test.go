package dnscrawl

import (
	"bytes"
	"reflect"
	"testing"
	"unsafe"

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

// replies returns packed replies of the kinds the crawl sees, with
// whether the fast path is expected to take them.
func replies(t testing.TB) (out [][]byte, fast []bool) {
	add := func(m *dns.Msg, isFast bool) {
		for _, compress := range []bool{true, false} {
			m.Compress = compress
			b, err := m.Pack()
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
			fast = append(fast, isFast)
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
	add(m, true)

	m = q("example.com.", dns.TypeNS)
	m.Authoritative = true
	m.Answer = []dns.RR{rr(t, "example.com. 3600 IN NS ns1.example.com."), rr(t, "example.com. 3600 IN NS ns.provider.example.")}
	m.Extra = []dns.RR{rr(t, "ns1.example.com. 3600 IN A 198.51.100.1"), rr(t, "ns1.example.com. 3600 IN AAAA 2001:db8::1")}
	add(m, true)

	m = q("sub.example.com.", dns.TypeNS)
	m.Ns = []dns.RR{rr(t, "example.com. 900 IN SOA ns1.example.com. hostmaster.example.com. 2026120501 7200 900 1209600 300")}
	add(m, true)

	m = q("example.com.", dns.TypeMX)
	m.Answer = []dns.RR{rr(t, "example.com. 300 IN MX 10 mx1.mail.example."), rr(t, "example.com. 300 IN MX 0 .")}
	add(m, true)

	m = q("lame.example.", dns.TypeNS)
	m.Rcode = dns.RcodeServerFailure
	m.SetEdns0(1232, true)
	opt := m.IsEdns0()
	opt.Option = append(opt.Option, &dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeNotAuthoritative, ExtraText: "lame"})
	add(m, true)

	m = q("example.com.", dns.TypeTXT)
	m.Answer = []dns.RR{rr(t, `example.com. 300 IN TXT "v=spf1 -all"`), rr(t, "example.com. 300 IN CAA 0 issue \"ca.example\"")}
	add(m, true)

	m = q("nx.example.", dns.TypeA)
	m.Rcode = dns.RcodeNameError
	add(m, true)

	// Names that need escapes in presentation form: miekg/dns's path.
	m = q(`we\ird\.name.example.`, dns.TypeA)
	m.Answer = []dns.RR{rr(t, `we\ird\.name.example. 300 IN CNAME tar\"get.example.`)}
	add(m, false)

	// An extended rcode (BADVERS) in the OPT record.
	m = q("example.com.", dns.TypeA)
	m.SetEdns0(1232, false)
	m.Rcode = dns.RcodeBadVers
	add(m, true)
	return out, fast
}

// TestUnpackReplyAsMiekg: the fast unpacking gives the message that
// miekg/dns's Unpack gives, and takes the ordinary replies itself.
func TestUnpackReplyAsMiekg(t *testing.T) {
	msgs, fast := replies(t)
	var names internTable // shared by all, as the crawl's is
	for i, b := range msgs {
		want := new(dns.Msg)
		if err := want.Unpack(b); err != nil {
			t.Fatal(err)
		}
		p := replyParser{intern: &names}
		got, ok := p.parse(b)
		if ok != fast[i] {
			t.Errorf("reply %d (%s): fast path %v, want %v", i, want.Question[0].Name, ok, fast[i])
		}
		if !ok {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("reply %d: fast unpacking gives\n%v\nmiekg/dns gives\n%v", i, got, want)
		}
		// Shared owner names: the answer's first owner is the question's.
		if len(got.Answer) > 0 && got.Answer[0].Header().Name == got.Question[0].Name && want.Compress {
			if !sameMemory(got.Answer[0].Header().Name, got.Question[0].Name) {
				t.Errorf("reply %d: owner name decoded again instead of shared", i)
			}
		}
	}
}

// sameMemory reports whether two strings share their bytes.
func sameMemory(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// TestUnpackReplyMalformed: replies miekg/dns refuses are refused, and
// odd ones are unpacked as miekg/dns does.
func TestUnpackReplyMalformed(t *testing.T) {
	msgs, _ := replies(t)
	base := msgs[0]
	cases := [][]byte{
		base[:5],
		base[:len(base)-3],
		append(append([]byte{}, base[:12]...), 0xC0, 12, 0, 1, 0, 1), // the question points at itself
		append(append([]byte{}, base[:12]...), 0x40, 0, 0, 1, 0, 1),  // reserved label type
	}
	// Counts larger than the data.
	more := append([]byte{}, base...)
	more[7] += 3
	cases = append(cases, more)
	for i, b := range cases {
		want := new(dns.Msg)
		werr := want.Unpack(b)
		got, err := unpackReply(b, nil)
		if (err != nil) != (werr != nil) {
			t.Errorf("case %d: error %v, miekg/dns %v", i, err, werr)
			continue
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("case %d: got\n%v\nwant\n%v", i, got, want)
		}
	}
}

// FuzzUnpackReply: on any bytes, unpackReply fails exactly when
// miekg/dns's Unpack fails and otherwise gives the same message.
func FuzzUnpackReply(f *testing.F) {
	msgs, _ := replies(f)
	for _, b := range msgs {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := new(dns.Msg)
		werr := want.Unpack(b)
		var names internTable
		for range 2 { // the second time with the names of the first
			got, err := unpackReply(b, &names)
			if (err != nil) != (werr != nil) {
				t.Fatalf("error %v, miekg/dns %v", err, werr)
			}
			if err == nil && !reflect.DeepEqual(got, want) {
				t.Fatalf("got\n%v\nwant\n%v", got, want)
			}
		}
		got, err := unpackReply(b, nil)
		if (err != nil) != (werr != nil) {
			t.Fatalf("error %v, miekg/dns %v", err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("got\n%v\nwant\n%v", got, want)
		}
	})
}

// BenchmarkUnpackReply: the replies of the crawl's kinds, unpacked by
// miekg/dns and by unpackReply with a table of names.
func BenchmarkUnpackReply(b *testing.B) {
	msgs, _ := replies(b)
	b.Run("miekg", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m := new(dns.Msg)
			if err := m.Unpack(msgs[i%len(msgs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("crawler", func(b *testing.B) {
		b.ReportAllocs()
		var names internTable
		for i := 0; b.Loop(); i++ {
			if _, err := unpackReply(msgs[i%len(msgs)], &names); err != nil {
				b.Fatal(err)
			}
		}
	})
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
