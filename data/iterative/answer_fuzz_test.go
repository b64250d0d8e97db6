package iterative

import (
	"testing"
	"time"

	"github.com/miekg/dns"
)

// FuzzAnswer feeds arbitrary answers from a server of com to the code
// that reads them: it must not panic, a referral must lead below com
// toward the name asked, and the cut learned keeps only in-bailiwick
// glue.
func FuzzAnswer(f *testing.F) {
	ref := new(dns.Msg)
	ref.SetQuestion("www.example.com.", dns.TypeA)
	ref.Response = true
	ref.Ns = append(ref.Ns, &dns.NS{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeNS, Class: dns.ClassINET, Ttl: 60}, Ns: "ns1.example.com."})
	ref.Extra = append(ref.Extra, &dns.A{Hdr: dns.RR_Header{Name: "ns1.example.com.", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: []byte{192, 0, 2, 1}})
	b, err := ref.Pack()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	r, err := New(Config{Roots: []Hint{{Name: "a.root.test"}}, IPv6: true})
	if err == nil {
		f.Fatal("New accepted roots without addresses")
	}
	r, err = New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	com := &cut{zone: "com"}
	f.Fuzz(func(t *testing.T, b []byte) {
		m := new(dns.Msg)
		if m.Unpack(b) != nil {
			return
		}
		kind, _ := verdict(m, "com", "www.example.com")
		if kind != answerReferral {
			return
		}
		c := r.learnCut(m, com, time.Now())
		if c.zone == "com" || !under(c.zone, "com") || !under("www.example.com", c.zone) {
			t.Fatalf("referral to %q accepted from com for www.example.com", c.zone)
		}
		for _, h := range c.ns {
			if len(h.addrs) > 0 && !under(h.name, "com") {
				t.Fatalf("glue for %s kept from a com server", h.name)
			}
		}
	})
}
