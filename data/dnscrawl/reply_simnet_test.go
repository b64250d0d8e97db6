package dnscrawl_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// TestReplySimnetAsMiekg: the answers of the simulated internet to the
// crawl's questions (NS, SOA, MX, A and AAAA of each domain, A and AAAA
// of www and of the CNAME targets), taken as they come off the socket,
// are read by the crawl's reader as miekg/dns's Unpack reads them.
func TestReplySimnetAsMiekg(t *testing.T) {
	inet, err := simnet.Generate(simnet.Config{Domains: 300, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := simnet.Serve(ctx, inet, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var list bytes.Buffer
	if err := inet.WriteDomainList(&list); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf := make([]byte, 4096)
	var id uint16
	// ask returns the raw reply to name/qtype, nil when none came.
	ask := func(name string, qtype uint16) []byte {
		m := new(dns.Msg)
		m.SetQuestion(dns.Fqdn(name), qtype)
		m.SetEdns0(1232, false)
		id++
		m.Id = id
		q, err := m.Pack()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Write(q); err != nil {
			t.Fatal(err)
		}
		conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		for {
			n, err := conn.Read(buf)
			if err != nil {
				return nil // dropped on purpose by the simulation
			}
			if n >= 2 && uint16(buf[0])<<8|uint16(buf[1]) == id {
				return append([]byte{}, buf[:n]...)
			}
		}
	}
	compared, records := 0, 0
	check := func(name string, qtype uint16) *dns.Msg {
		b := ask(name, qtype)
		if b == nil {
			return nil
		}
		if d := dnscrawl.CompareWithMiekg(b); d != "" {
			t.Fatalf("%s %s: %s", name, dns.TypeToString[qtype], d)
		}
		m := new(dns.Msg)
		if m.Unpack(b) != nil {
			return nil
		}
		compared++
		records += len(m.Answer) + len(m.Ns) + len(m.Extra)
		return m
	}
	sc := bufio.NewScanner(&list)
	for sc.Scan() {
		domain := strings.TrimSpace(sc.Text())
		if domain == "" || strings.HasPrefix(domain, "#") {
			continue
		}
		for _, qt := range []uint16{dns.TypeNS, dns.TypeSOA, dns.TypeMX, dns.TypeA, dns.TypeAAAA} {
			check(domain, qt)
		}
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA} {
			m := check("www."+domain, qt)
			// The CNAME targets the resolver did not follow.
			for hops := 0; m != nil && hops < 4; hops++ {
				var next string
				for _, rr := range m.Answer {
					if c, ok := rr.(*dns.CNAME); ok {
						next = c.Target
					}
				}
				if next == "" {
					break
				}
				m = check(next, qt)
			}
		}
	}
	if compared < 1000 || records < 2*compared {
		t.Errorf("%d replies with %d records compared: too few to test the reader", compared, records)
	}
	t.Logf("%d replies, %d records read alike", compared, records)
}
