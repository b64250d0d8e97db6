package simnet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
)

// ErrNotLoopback is returned by Serve for an address that is not a
// literal loopback IP address: the simulated internet never leaves the
// machine.
var ErrNotLoopback = errors.New("simnet serves on loopback addresses only")

// advertisedUDPSize is the EDNS0 buffer size the server announces, the
// DNS Flag Day 2020 value.
const advertisedUDPSize = 1232

// udpReadBuffer is the receive buffer asked for the UDP socket.
const udpReadBuffer = 4 << 20

// Server answers DNS questions about a simulated internet over UDP and TCP
// on one loopback port, like a recursive resolver would.
type Server struct {
	in        *Internet
	addr      string
	udp, tcp  *dns.Server
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	stats     counters
	web       *Endpoint
	advert    string
}

// Stats counts what a Server has done since it started.
type Stats struct {
	Queries   uint64 // questions received, UDP and TCP
	TCP       uint64 // of which over TCP
	Answered  uint64 // replies sent
	NXDomain  uint64 // replies with NXDOMAIN
	ServFail  uint64 // replies with SERVFAIL
	Dropped   uint64 // questions left without reply (timeout domains)
	Truncated uint64 // UDP replies truncated (TC set)
}

type counters struct {
	queries, tcp, answered, nxdomain, servfail, dropped, truncated atomic.Uint64
}

// Serve starts a server for in on addr ("127.0.0.1:0" picks a free port),
// listening on UDP and TCP on the same port, with its own handler. It
// stops when ctx is done or Close is called.
func Serve(ctx context.Context, in *Internet, addr string) (*Server, error) {
	pc, ln, err := dnsserver.Listen(ctx, addr)
	if errors.Is(err, dnsserver.ErrNotLoopback) {
		return nil, fmt.Errorf("simnet serve: %w: %v", ErrNotLoopback, err)
	}
	if err != nil {
		return nil, fmt.Errorf("simnet serve %s: %w", addr, err)
	}
	if u, ok := pc.(*net.UDPConn); ok {
		// Like a production resolver (unbound's so-rcvbuf), a large
		// receive buffer absorbs bursts of questions; the kernel caps it
		// at net.core.rmem_max.
		_ = u.SetReadBuffer(udpReadBuffer)
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	web, err := ServeEndpoint(ctx, in, host)
	if err != nil {
		pc.Close()
		ln.Close()
		return nil, fmt.Errorf("simnet serve %s: %w", addr, err)
	}
	s := &Server{in: in, addr: ln.Addr().String(), done: make(chan struct{}), web: web, advert: web.Advert()}
	h := dns.HandlerFunc(s.serveDNS)
	started := make(chan struct{}, 2)
	notify := func() { started <- struct{}{} }
	s.udp = &dns.Server{PacketConn: pc, Handler: h, UDPSize: 4096, NotifyStartedFunc: notify}
	s.tcp = &dns.Server{Listener: ln, Handler: h, NotifyStartedFunc: notify,
		ReadTimeout: 5 * time.Second, IdleTimeout: func() time.Duration { return 10 * time.Second }}
	errc := make(chan error, 2)
	for _, srv := range []*dns.Server{s.udp, s.tcp} {
		go func() { errc <- srv.ActivateAndServe() }()
	}
	timer := time.NewTimer(5 * time.Second)
	defer timer.Stop()
	for range 2 {
		select {
		case <-started:
		case err := <-errc:
			pc.Close()
			ln.Close()
			web.Close()
			return nil, fmt.Errorf("simnet serve %s: %w", addr, err)
		case <-timer.C:
			pc.Close()
			ln.Close()
			web.Close()
			return nil, fmt.Errorf("simnet serve %s: servers did not start", addr)
		}
	}
	go func() {
		select {
		case <-ctx.Done():
			s.Close()
		case <-s.done:
		}
	}()
	return s, nil
}

// Addr returns the address the server listens on (UDP and TCP), as
// "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Endpoint returns the web endpoint (TLS and HTTP) started with the
// server, which it advertises in answer to TXT ProbeName in class CHAOS.
func (s *Server) Endpoint() *Endpoint { return s.web }

// Stats returns the counters of the server.
func (s *Server) Stats() Stats { return s.stats.snapshot() }

// snapshot returns the counts.
func (c *counters) snapshot() Stats {
	return Stats{
		Queries: c.queries.Load(), TCP: c.tcp.Load(), Answered: c.answered.Load(),
		NXDomain: c.nxdomain.Load(), ServFail: c.servfail.Load(), Dropped: c.dropped.Load(),
		Truncated: c.truncated.Load(),
	}
}

// Close stops the server and waits for it, at most a few seconds.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.closeErr = errors.Join(s.udp.ShutdownContext(ctx), s.tcp.ShutdownContext(ctx), s.web.Close())
	})
	return s.closeErr
}

// serveDNS answers one message. It reads only immutable data and atomic
// counters: no lock on the path of a query.
func (s *Server) serveDNS(w dns.ResponseWriter, req *dns.Msg) {
	respond(w, req, &s.stats, true, s.advert, func(q dns.Question, m *dns.Msg) bool {
		var r reply
		s.in.answer(q, &r)
		if r.drop {
			return true
		}
		m.Rcode, m.Answer, m.Ns, m.Extra = r.rcode, r.ans, r.auth, r.extra
		return false
	})
}

// respond answers one message: the checks every server makes, the
// server's identity (TXT id.server. in class CHAOS, RFC 4892: the crawler
// asks, and marks what it crawls here as simulated), where the simulated
// sites answer TLS and HTTP (TXT ProbeName in class CHAOS: advert; a
// crawler that knows it is on the simulated internet dials this endpoint
// instead of a site's address), EDNS0 and truncation, counted in st.
// answer fills the reply to a question in class IN; it reports whether to
// send nothing. recursive sets the RA bit.
func respond(w dns.ResponseWriter, req *dns.Msg, st *counters, recursive bool, advert string, answer func(dns.Question, *dns.Msg) (drop bool)) {
	st.queries.Add(1)
	_, tcp := w.RemoteAddr().(*net.TCPAddr)
	if tcp {
		st.tcp.Add(1)
	}
	m := new(dns.Msg)
	m.SetReply(req)
	m.RecursionAvailable = recursive
	switch {
	case req.Response:
		st.dropped.Add(1) // never answer an answer
		return
	case req.Opcode != dns.OpcodeQuery:
		m.Rcode = dns.RcodeNotImplemented
	case len(req.Question) != 1:
		m.Rcode = dns.RcodeFormatError
	case isIDServer(req.Question[0]):
		m.Answer = []dns.RR{&dns.TXT{
			Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS},
			Txt: []string{dnscrawl.SimulatedServerID},
		}}
	case isChaosTXT(req.Question[0], ProbeName):
		m.Answer = []dns.RR{&dns.TXT{
			Hdr: dns.RR_Header{Name: req.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassCHAOS},
			Txt: []string{advert},
		}}
	case req.Question[0].Qclass != dns.ClassINET:
		m.Rcode = dns.RcodeRefused
	case req.IsEdns0() != nil && req.IsEdns0().Version() != 0:
		m.Rcode = dns.RcodeBadVers // RFC 6891 6.1.3: only version 0 exists
	default:
		if answer(req.Question[0], m) {
			st.dropped.Add(1)
			return
		}
	}
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = max(size, int(opt.UDPSize()))
		m.SetEdns0(advertisedUDPSize, false)
	}
	if tcp {
		m.Compress = true
	} else {
		m.Truncate(size)
		if m.Truncated {
			st.truncated.Add(1)
		}
	}
	switch m.Rcode {
	case dns.RcodeNameError:
		st.nxdomain.Add(1)
	case dns.RcodeServerFailure:
		st.servfail.Add(1)
	}
	if err := w.WriteMsg(m); err == nil {
		st.answered.Add(1)
	}
}

// isIDServer reports whether q asks for the server's identity: TXT
// "id.server." in class CHAOS (RFC 4892).
func isIDServer(q dns.Question) bool { return isChaosTXT(q, "id.server.") }

// isChaosTXT reports whether q asks for TXT name in class CHAOS.
func isChaosTXT(q dns.Question, name string) bool {
	return q.Qclass == dns.ClassCHAOS && q.Qtype == dns.TypeTXT && strings.EqualFold(q.Name, name)
}
