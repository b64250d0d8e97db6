package dnscrawl

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"testing"

	"github.com/miekg/dns"
)

// TestReplyAsMiekg: the crawl's kinds of replies are taken and read as
// miekg/dns's Unpack reads them.
func TestReplyAsMiekg(t *testing.T) {
	for i, b := range replies(t) {
		if _, _, err := readReply(b, nil, nil); err != nil {
			t.Errorf("reply %d: %v", i, err)
		}
		if d := CompareWithMiekg(b); d != "" {
			t.Errorf("reply %d: %s", i, d)
		}
	}
}

// wireMsg builds a message by hand: a header with the counts given, then
// the bytes of its sections.
func wireMsg(qd, an, ns, ar uint16, body ...[]byte) []byte {
	b := []byte{0x12, 0x34, 0x81, 0x80}
	for _, n := range []uint16{qd, an, ns, ar} {
		b = binary.BigEndian.AppendUint16(b, n)
	}
	for _, p := range body {
		b = append(b, p...)
	}
	return b
}

// rec is the bytes of a record after its owner name: type, class IN, TTL
// 300, the length of data and data.
func rec(typ uint16, data ...byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, typ)
	b = append(b, 0, 1, 0, 0, 1, 44)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

var (
	wExample = []byte("\x07example\x03com\x00")
	wQuestA  = append(append([]byte{}, wExample...), 0, 1, 0, 1) // example.com A IN, at offset 12
	wPtrQ    = []byte{0xC0, 12}                                  // a pointer to the question's name
)

// TestReplyEdgeCases: hand-made messages at the edges of the format, each
// taken or refused as miekg/dns takes or refuses it, and read the same.
func TestReplyEdgeCases(t *testing.T) {
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	long := make([]byte, 0, 300) // a name of 5 labels of 63: over 255 octets
	for range 5 {
		long = append(long, 63)
		long = append(long, make([]byte, 63)...)
	}
	long = append(long, 0)
	cases := []struct {
		name   string
		msg    []byte
		refuse bool // miekg/dns refuses it (checked too)
	}{
		{"header only", wireMsg(1, 1, 0, 0), false},
		{"short header", wireMsg(1, 0, 0, 0)[:7], true},
		{"question cut after its name", wireMsg(1, 0, 0, 0, wExample), false},
		{"question cut in its type", wireMsg(1, 0, 0, 0, wExample, []byte{0}), true},
		{"second question missing", wireMsg(2, 0, 0, 0, wQuestA), true},
		{"pointer to itself", wireMsg(1, 0, 0, 0, []byte{0xC0, 12}, []byte{0, 1, 0, 1}), true},
		{"pointer loop between two names", wireMsg(1, 1, 0, 0, wQuestA, []byte{1, 'a', 0xC0, 29}, rec(dns.TypeA, 1, 2, 3, 4)), true},
		{"pointer past the end", wireMsg(1, 1, 0, 0, wQuestA, []byte{0xC0, 0xFF}, rec(dns.TypeA, 1, 2, 3, 4)), true},
		{"forward pointer", wireMsg(1, 1, 0, 0, wQuestA, []byte{0xC0, 45}, rec(dns.TypeA, 1, 2, 3, 4), wExample), false},
		{"reserved label type", wireMsg(1, 0, 0, 0, []byte{0x40, 0}, []byte{0, 1, 0, 1}), true},
		{"name over 255 octets", wireMsg(1, 0, 0, 0, long, []byte{0, 1, 0, 1}), true},
		{"counts larger than the data", wireMsg(1, 5, 3, 2, wQuestA, wPtrQ, rec(dns.TypeA, 192, 0, 2, 1)), false},
		{"record cut in its header", wireMsg(1, 2, 0, 0, wQuestA, wPtrQ, rec(dns.TypeA, 192, 0, 2, 1), wPtrQ, []byte{0, 1, 0}), true},
		{"record data past the end", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeA, 192, 0, 2, 1)[:12]), true},
		{"A of 3 bytes", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeA, 192, 0, 2)), true},
		{"A of 5 bytes", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeA, 192, 0, 2, 1, 9)), true},
		{"A without data", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeA)), false},
		{"AAAA of 4 bytes", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeAAAA, 192, 0, 2, 1)), true},
		{"CNAME without data", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeCNAME)), false},
		{"CNAME longer than its name", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeCNAME, 0xC0, 12, 7)), true},
		{"CNAME name past its data", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeCNAME, 3, 'w', 'w')), true},
		{"CNAME pointing into the next record", wireMsg(1, 2, 0, 0, wQuestA, wPtrQ, rec(dns.TypeCNAME, 0xC0, 43), wPtrQ, rec(dns.TypeA, 1, 2, 3, 4)), true},
		{"NS at the root", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeNS, 0)), false},
		{"MX of one byte", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeMX, 0)), true},
		{"MX without exchanger", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeMX, 0, 10)), false},
		{"null MX", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeMX, 0, 0, 0)), false},
		{"SOA of its first name", wireMsg(1, 0, 1, 0, wQuestA, wPtrQ, rec(dns.TypeSOA, 0xC0, 12)), false},
		{"SOA with a serial", wireMsg(1, 0, 1, 0, wQuestA, wPtrQ, rec(dns.TypeSOA, 0xC0, 12, 0xC0, 12, 0, 0, 0, 9)), false},
		{"SOA cut in its serial", wireMsg(1, 0, 1, 0, wQuestA, wPtrQ, rec(dns.TypeSOA, 0xC0, 12, 0xC0, 12, 0, 0, 9)), true},
		{"SOA one byte too long", wireMsg(1, 0, 1, 0, wQuestA, wPtrQ, rec(dns.TypeSOA, 0xC0, 12, 0xC0, 12, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, 6)), true},
		{"OPT with EDE 22", wireMsg(1, 0, 0, 1, wQuestA, []byte{0}, rec(dns.TypeOPT, 0, 15, 0, 2, 0, 22)), false},
		{"OPT with EDE of one byte", wireMsg(1, 0, 0, 1, wQuestA, []byte{0}, rec(dns.TypeOPT, 0, 15, 0, 1, 0)), true},
		{"OPT option past its data", wireMsg(1, 0, 0, 1, wQuestA, []byte{0}, rec(dns.TypeOPT, 0, 15, 0, 9, 0, 22)), true},
		{"OPT with a bad client subnet", wireMsg(1, 0, 0, 1, wQuestA, []byte{0}, rec(dns.TypeOPT, 0, 8, 0, 4, 0, 9, 0, 0)), true},
		{"two OPT records, the last one counts", wireMsg(1, 0, 0, 2, wQuestA, []byte{0}, rec(dns.TypeOPT, 0, 15, 0, 2, 0, 20), []byte{0}, rec(dns.TypeOPT, 0, 15, 0, 2, 0, 3)), false},
		{"TXT string past its data", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeTXT, 9, 'a')), true},
		{"unknown type", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(65280, 1, 2, 3)), false},
		{"trailing bytes", wireMsg(1, 1, 0, 0, wQuestA, wPtrQ, rec(dns.TypeA, 1, 2, 3, 4), []byte{7, 7, 7}), false},
		{"escapes in names", wireMsg(1, 1, 0, 0, cat([]byte("\x04a.b\\\x02\x00\xff\x00"), []byte{0, 1, 0, 1}), wPtrQ, rec(dns.TypeCNAME, 3, '@', ' ', ';', 0)), false},
	}
	for _, c := range cases {
		werr := new(dns.Msg).Unpack(c.msg)
		if (werr != nil) != c.refuse {
			t.Errorf("%s: miekg/dns error %v, test expects refused=%v", c.name, werr, c.refuse)
		}
		if d := CompareWithMiekg(c.msg); d != "" {
			t.Errorf("%s: %s", c.name, d)
		}
	}
	// "Too many records": a message full of records is read whole, its
	// records bounded by its length.
	many := wireMsg(1, 1000, 0, 0, wQuestA)
	for range 1000 {
		many = append(many, wPtrQ...)
		many = append(many, rec(dns.TypeA, 10, 0, 0, 1)...)
	}
	r, _, err := readReply(many, nil, nil)
	if err != nil || len(r.answers()) != 1000 {
		t.Errorf("1000 records: %d read, error %v", len(r.answers()), err)
	}
	if d := CompareWithMiekg(many); d != "" {
		t.Error(d)
	}
}

// TestReplyMutations: random changes to the crawl's kinds of replies (a
// byte changed, bytes cut, a pointer written anywhere, a count changed)
// are taken or refused, and read, as miekg/dns does. Seeded: the same
// inputs every run.
func TestReplyMutations(t *testing.T) {
	base := replies(t)
	rng := rand.New(rand.NewPCG(10, 1))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	refused := 0
	for i := range n {
		b := append([]byte{}, base[rng.IntN(len(base))]...)
		for range 1 + rng.IntN(3) {
			switch k := rng.IntN(len(b)); rng.IntN(4) {
			case 0:
				b[k] = byte(rng.Uint32())
			case 1:
				b = b[:k]
			case 2:
				if k+1 < len(b) {
					b[k], b[k+1] = 0xC0|byte(rng.IntN(2)), byte(rng.Uint32())
				}
			case 3:
				if len(b) >= 12 {
					binary.BigEndian.PutUint16(b[4+2*rng.IntN(4):], uint16(rng.IntN(8)))
				}
			}
			if len(b) == 0 {
				break
			}
		}
		if new(dns.Msg).Unpack(b) != nil {
			refused++
		}
		if d := CompareWithMiekg(b); d != "" {
			t.Fatalf("mutation %d (%x): %s", i, b, d)
		}
	}
	// Both kinds of outcome must have been exercised.
	if refused == 0 || refused == n {
		t.Errorf("%d of %d mutations refused: the mutations do not test both outcomes", refused, n)
	}
}

// FuzzAnswerAsMiekg: on any bytes, the reader takes the message exactly
// when miekg/dns's Unpack takes it, and reads the same records from it.
func FuzzAnswerAsMiekg(f *testing.F) {
	for _, b := range replies(f) {
		f.Add(b)
	}
	f.Add(wireMsg(1, 1, 0, 0, wQuestA, []byte{0xC0, 45}, rec(dns.TypeA, 1, 2, 3, 4), wExample))
	f.Add(wireMsg(1, 0, 1, 1, wQuestA, wPtrQ, rec(dns.TypeSOA, 0xC0, 12, 0xC0, 12, 0, 0, 0, 9), []byte{0}, rec(dns.TypeOPT, 0, 15, 0, 2, 0, 22)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if d := CompareWithMiekg(b); d != "" {
			t.Fatal(d)
		}
	})
}

// TestReplyArena: replies read into a worker's arena stay as they were
// while the arena fills and grows, and once the arena has grown a
// domain's replies cost no allocation.
func TestReplyArena(t *testing.T) {
	msgs := replies(t)
	var a replyArena
	var names internTable
	var kept []reply
	var views []string
	for i := range 3 * arenaBytes / 100 { // past the first chunk
		r, err := a.read(msgs[i%len(msgs)], &names)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, r)
		views = append(views, replyView(&r))
	}
	for i := range kept {
		if v := replyView(&kept[i]); v != views[i] {
			t.Fatalf("reply %d changed while the arena filled:\n%s\nwas\n%s", i, v, views[i])
		}
	}
	if _, err := a.read([]byte{1, 2, 3}, &names); err == nil {
		t.Error("a malformed reply was read")
	}
	allocs := testing.AllocsPerRun(100, func() {
		a.reset()
		for _, b := range msgs[:8] {
			if _, err := a.read(b, &names); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations for a domain's replies, want 0", allocs)
	}
}

// TestReplyLookupReads: the lookup plan's readings of a reply: owners
// compared without regard to case, the addresses of the additional
// section, the lame EDE, the extended rcode.
func TestReplyLookupReads(t *testing.T) {
	m := new(dns.Msg)
	m.SetQuestion("Example.COM.", dns.TypeNS)
	m.Response = true
	m.Answer = []dns.RR{rr(t, "EXAMPLE.com. 300 IN NS NS1.Example.com."), rr(t, "example.com. 300 IN NS ns2.other.example.")}
	m.Extra = []dns.RR{rr(t, "NS1.example.COM. 300 IN A 192.0.2.9"), rr(t, "ns1.example.com. 300 IN AAAA 2001:db8::9"), rr(t, "ns1.example.com. 300 IN A 192.0.2.1")}
	m.SetEdns0(1232, false)
	m.IsEdns0().Option = append(m.IsEdns0().Option, &dns.EDNS0_EDE{InfoCode: dns.ExtendedErrorCodeNoReachableAuthority})
	m.Rcode = dns.RcodeBadVers
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := readReply(b, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.rcode != dns.RcodeBadVers {
		t.Errorf("rcode %d, want %d", r.rcode, dns.RcodeBadVers)
	}
	var ns []string
	key := nameKey("example.com")
	for _, x := range r.answers() {
		if x.typ == dns.TypeNS && r.ownerIs(x, key) {
			ns = append(ns, r.target(x))
		}
	}
	if len(ns) != 2 || ns[0] != "ns1.example.com" || ns[1] != "ns2.other.example" {
		t.Errorf("NS %q", ns)
	}
	got := additional(&r, "ns1.example.com")
	want := []netip.Addr{netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.9"), netip.MustParseAddr("2001:db8::9")}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("additional %v, want %v", got, want)
	}
	if additional(&r, "ns1.example") != nil || additional(&r, "s1.example.com") != nil {
		t.Error("addresses of another name taken")
	}
	if !lameEDE(&r) || lameEDE(&reply{}) {
		t.Error("lame EDE not read")
	}
}

// BenchmarkReadReply: the crawl's kinds of replies unpacked by miekg/dns
// and read by the crawl's reader into a worker's arena.
func BenchmarkReadReply(b *testing.B) {
	msgs := replies(b)
	b.Run("miekg", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			m := new(dns.Msg)
			if err := m.Unpack(msgs[i%len(msgs)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		var a replyArena
		var names internTable
		for i := 0; b.Loop(); i++ {
			if i%8 == 0 {
				a.reset()
			}
			if _, err := a.read(msgs[i%len(msgs)], &names); err != nil {
				b.Fatal(err)
			}
		}
	})
}
