// Package dnsserver opens the sockets of a DNS server on loopback: a UDP
// socket and a TCP listener on the same port, as resolvers expect (a
// truncated UDP answer is asked again over TCP on the same address). The
// simulated internet and the tests' own servers use it.
//
// What does not belong here: answering questions (callers bring a
// dns.Handler), anything not on loopback.
//
// Invariants: only loopback addresses are bound; with port 0 a port free
// for both protocols is found in a bounded number of tries.
package dnsserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"

	"github.com/miekg/dns"
)

// ErrNotLoopback is returned for an address that is not on loopback.
var ErrNotLoopback = errors.New("not a loopback address")

// tries bounds the search for a port free for both UDP and TCP.
const tries = 20

// Listen opens a UDP socket and a TCP listener on the same port of addr
// ("127.0.0.1:0" picks a port). With port 0, when TCP cannot have the
// port the kernel gave UDP, it tries again with a new one.
func Listen(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %q: %v", ErrNotLoopback, addr, err)
	}
	if !ap.Addr().IsLoopback() {
		return nil, nil, fmt.Errorf("%w: %s", ErrNotLoopback, addr)
	}
	var lc net.ListenConfig
	var lastErr error
	for range tries {
		pc, err := lc.ListenPacket(ctx, "udp", ap.String())
		if err != nil {
			return nil, nil, err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := lc.Listen(ctx, "tcp", netip.AddrPortFrom(ap.Addr(), uint16(port)).String())
		if err == nil {
			return pc, ln, nil
		}
		pc.Close()
		if ap.Port() != 0 {
			return nil, nil, err
		}
		lastErr = err
	}
	return nil, nil, lastErr
}

// Serve answers with h on UDP and TCP on a free port of 127.0.0.1 and
// returns the address and a function that stops both servers (safe to
// call more than once).
func Serve(h dns.Handler) (addr string, shutdown func(), err error) {
	pc, ln, err := Listen(context.Background(), "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	udp := &dns.Server{PacketConn: pc, Handler: h}
	tcp := &dns.Server{Listener: ln, Handler: h}
	go udp.ActivateAndServe()
	go tcp.ActivateAndServe()
	var once sync.Once
	return pc.LocalAddr().String(), func() { once.Do(func() { udp.Shutdown(); tcp.Shutdown() }) }, nil
}
