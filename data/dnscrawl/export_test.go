package dnscrawl

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/miekg/dns"
)

// What the crawl reads from an answer, written out the same way from a
// reply (replyView) and from miekg/dns's unpacking (msgView), so that the
// tests compare the two readers record by record: the response code, the
// Extended DNS Errors of the OPT record, and for every record of every
// section its type, owner name and, for the types the lookup plan reads,
// its data. Names are in the lookup code's form (normName of miekg/dns's
// presentation form).

func replyView(r *reply) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rcode %d\n", r.rcode)
	r.ede(func(code uint16) bool {
		fmt.Fprintf(&b, "ede %d\n", code)
		return false
	})
	for s, sec := range [][]wireRR{r.answers(), r.authority(), r.additionals()} {
		for _, rr := range sec {
			fmt.Fprintf(&b, "%d %s %q", s, dns.TypeToString[rr.typ], r.owner(rr))
			if !r.ownerIs(rr, r.owner(rr)) {
				b.WriteString(" (ownerIs fails)")
			}
			switch rr.typ {
			case dns.TypeA, dns.TypeAAAA:
				if a, ok := r.addr(rr); ok {
					fmt.Fprintf(&b, " %s", a)
				}
			case dns.TypeNS, dns.TypeCNAME:
				fmt.Fprintf(&b, " %q", r.target(rr))
			case dns.TypeMX:
				p, n := r.mx(rr)
				fmt.Fprintf(&b, " %d %q", p, n)
			case dns.TypeSOA:
				m, n, s := r.soa(rr)
				fmt.Fprintf(&b, " %q %q %d", m, n, s)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func msgView(m *dns.Msg) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rcode %d\n", m.Rcode)
	if opt := m.IsEdns0(); opt != nil {
		for _, o := range opt.Option {
			if e, ok := o.(*dns.EDNS0_EDE); ok {
				fmt.Fprintf(&b, "ede %d\n", e.InfoCode)
			}
		}
	}
	for s, sec := range [][]dns.RR{m.Answer, m.Ns, m.Extra} {
		for _, rr := range sec {
			h := rr.Header()
			fmt.Fprintf(&b, "%d %s %q", s, dns.TypeToString[h.Rrtype], normName(h.Name))
			switch r := rr.(type) {
			case *dns.A:
				if a, ok := netip.AddrFromSlice(r.A.To4()); ok {
					fmt.Fprintf(&b, " %s", a)
				}
			case *dns.AAAA:
				if a, ok := netip.AddrFromSlice(r.AAAA.To16()); ok {
					fmt.Fprintf(&b, " %s", a)
				}
			case *dns.NS:
				fmt.Fprintf(&b, " %q", normName(r.Ns))
			case *dns.CNAME:
				fmt.Fprintf(&b, " %q", normName(r.Target))
			case *dns.MX:
				fmt.Fprintf(&b, " %d %q", r.Preference, normName(r.Mx))
			case *dns.SOA:
				fmt.Fprintf(&b, " %q %q %d", normName(r.Ns), normName(r.Mbox), r.Serial)
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// CompareWithMiekg reads msg with the crawl's reader and with miekg/dns's
// Unpack and returns a description of the first difference: in whether
// the message is taken, or in what is read from it. "" means equal.
func CompareWithMiekg(msg []byte) string {
	if len(msg) > 0xFFFF {
		// Never read: a datagram is at most 4 KB here and TCP frames at
		// most 64 KiB. (miekg/dns takes longer messages.)
		return ""
	}
	want := new(dns.Msg)
	werr := want.Unpack(msg)
	var names internTable
	got, _, err := readReply(msg, nil, &names)
	if (err != nil) != (werr != nil) {
		return fmt.Sprintf("reader error %v, miekg/dns error %v", err, werr)
	}
	if err != nil {
		return ""
	}
	if g, w := replyView(&got), msgView(want); g != w {
		return fmt.Sprintf("reader reads\n%s\nmiekg/dns reads\n%s", g, w)
	}
	// Again with the table of names filled by the first reading.
	again, _, _ := readReply(msg, nil, &names)
	if g, w := replyView(&again), msgView(want); g != w {
		return fmt.Sprintf("with the names of the first reading, reader reads\n%s\nmiekg/dns reads\n%s", g, w)
	}
	return ""
}
