package dnscrawl

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// TestUDPTransportExchange asks a server on loopback that first answers
// another question with the query's ID (a spoofed or confused reply),
// then the question asked: the first is dropped and counted, the second
// taken. A truncated answer asks for TCP.
func TestUDPTransportExchange(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q := new(dns.Msg)
			if q.Unpack(buf[:n]) != nil {
				continue
			}
			if q.Question[0].Name == "tc.example." {
				r := new(dns.Msg)
				r.SetReply(q)
				r.Truncated = true
				b, _ := r.Pack()
				pc.WriteTo(b, from)
				continue
			}
			wrong := new(dns.Msg)
			wrong.SetReply(q)
			wrong.Question[0].Name = "other.example."
			b, _ := wrong.Pack()
			pc.WriteTo(b, from)
			r := new(dns.Msg)
			r.SetReply(q)
			r.Answer = []dns.RR{&dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(192, 0, 2, 1)}}
			b, _ = r.Pack()
			pc.WriteTo(b, from)
		}
	}()
	to := netip.MustParseAddrPort(pc.LocalAddr().String())
	u := NewUDPTransport(2 * time.Second)
	defer u.Close()
	ctx := context.Background()
	m := new(dns.Msg)
	m.SetQuestion("www.example.", dns.TypeA)
	resp, err := u.Exchange(ctx, m, to)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Id != m.Id || len(resp.Answer) != 1 || resp.Question[0].Name != "www.example." {
		t.Errorf("reply %v to query %d", resp, m.Id)
	}
	if st := u.Stats(); st.Mismatch != 1 {
		t.Errorf("stats %+v: want the reply to another question counted", st)
	}
	m.SetQuestion("tc.example.", dns.TypeA)
	if _, err := u.Exchange(ctx, m, to); !errors.Is(err, ErrNeedTCP) {
		t.Errorf("truncated answer: %v, want ErrNeedTCP", err)
	}
}
