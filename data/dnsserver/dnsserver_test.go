package dnsserver

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/miekg/dns"
)

func TestListenRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "192.0.2.1:53", "localhost:0", ":0"} {
		if _, _, err := Listen(context.Background(), addr); !errors.Is(err, ErrNotLoopback) {
			t.Errorf("Listen(%q) = %v, want ErrNotLoopback", addr, err)
		}
	}
}

// TestServe answers one question over UDP and over TCP on the same port.
func TestServe(t *testing.T) {
	t.Parallel()
	addr, shutdown, err := Serve(dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		rr, _ := dns.NewRR(r.Question[0].Name + " 60 IN A 192.0.2.7")
		m.Answer = append(m.Answer, rr)
		w.WriteMsg(m)
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown()
	for _, proto := range []string{"udp", "tcp"} {
		c := &dns.Client{Net: proto, Timeout: 2 * time.Second}
		m := new(dns.Msg)
		m.SetQuestion("example.test.", dns.TypeA)
		r, _, err := c.Exchange(m, addr)
		if err != nil || len(r.Answer) != 1 {
			t.Errorf("%s: answer %v, error %v", proto, r, err)
		}
	}
	shutdown()
	shutdown() // a second call is harmless
}
