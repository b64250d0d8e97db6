package dnscrawl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// rawServer is a scripted DNS server on a UDP socket of 127.0.0.1: for
// each query it calls reply, which writes whatever datagrams it likes.
type rawServer struct {
	pc   *net.UDPConn
	addr netip.AddrPort
}

func newRawServer(t *testing.T, reply func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg)) *rawServer {
	t.Helper()
	pc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	pc.SetReadBuffer(4 << 20) // hundreds of queries arrive at once
	s := &rawServer{pc: pc, addr: pc.LocalAddr().(*net.UDPAddr).AddrPort()}
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			q := new(dns.Msg)
			if q.Unpack(buf[:n]) != nil || len(q.Question) != 1 {
				continue
			}
			reply(pc, from, q)
		}
	})
	t.Cleanup(func() {
		pc.Close()
		wg.Wait()
	})
	return s
}

// answerA is the reply to q with one A record, addr.
func answerA(q *dns.Msg, addr string) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.ParseIP(addr).To4()})
	return m
}

func send(t *testing.T, pc *net.UDPConn, to netip.AddrPort, m *dns.Msg) {
	b, err := m.Pack()
	if err != nil {
		t.Error(err)
		return
	}
	pc.WriteToUDPAddrPort(b, to)
}

// testConn is a worker's client on tr asking the resolver at addr.
func testConn(tr *transport, addr netip.AddrPort, sock int) *conn {
	return &conn{tr: tr, sock: sock, call: newCall(), addrs: []netip.AddrPort{addr}}
}

// ask asks name/A through c's transport.
func ask(ctx context.Context, c *conn, name string) (*dns.Msg, *dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), dns.TypeA)
	m.SetEdns0(ednsSize, false)
	r, err := c.exchangeUDP(ctx, m, c.addrs[0])
	if err != nil {
		return m, nil, err
	}
	// The reply as miekg/dns reads it, for the checks of its ID and
	// question.
	resp := new(dns.Msg)
	return m, resp, resp.Unpack(r.pkt)
}

func firstA(m *dns.Msg) string {
	for _, rr := range m.Answer {
		if a, ok := rr.(*dns.A); ok {
			return a.A.String()
		}
	}
	return ""
}

// hasAddr reports whether r answers with an address.
func hasAddr(r *reply) bool {
	for _, rr := range r.answers() {
		if _, ok := r.addr(rr); ok {
			return true
		}
	}
	return false
}

// TestTransportDropsMismatched: before the real answer, the server sends
// a reply with another ID and one with the ID but another name, type and
// class. Both are dropped and counted; the real answer is taken.
func TestTransportDropsMismatched(t *testing.T) {
	t.Parallel()
	srv := newRawServer(t, func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg) {
		bad := answerA(q, "192.0.2.66")
		bad.Id = q.Id + 1
		send(t, pc, from, bad)
		for _, wrong := range []dns.Question{
			{Name: "other.test.", Qtype: dns.TypeA, Qclass: dns.ClassINET},
			{Name: q.Question[0].Name, Qtype: dns.TypeAAAA, Qclass: dns.ClassINET},
			{Name: q.Question[0].Name, Qtype: dns.TypeA, Qclass: dns.ClassCHAOS},
		} {
			bad = answerA(q, "192.0.2.66")
			bad.Question[0] = wrong
			send(t, pc, from, bad)
		}
		time.Sleep(5 * time.Millisecond) // the forged ones first
		send(t, pc, from, answerA(q, "192.0.2.1"))
	})
	tr := newTransport(10 * time.Second)
	defer tr.close()
	c := testConn(tr, srv.addr, 0)
	// The answer's name in another case is the same name (0x20).
	q, resp, err := ask(context.Background(), c, "Example.TEST")
	if err != nil {
		t.Fatal(err)
	}
	if got := firstA(resp); got != "192.0.2.1" || checkAnswer(q, resp) != nil {
		t.Errorf("took answer %s (%v), want 192.0.2.1", got, checkAnswer(q, resp))
	}
	st := tr.stats()
	if st.UnknownID != 1 || st.Mismatch != 3 {
		t.Errorf("dropped %+v, want 1 unknown ID and 3 mismatched questions", st)
	}
}

// TestTransportMismatchOnly: when the only replies are for another
// question, the query ends in ErrMismatch (network_error), not in a
// timeout, once its time is up.
func TestTransportMismatchOnly(t *testing.T) {
	t.Parallel()
	srv := newRawServer(t, func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg) {
		bad := answerA(q, "192.0.2.66")
		bad.Question[0].Name = "other.test."
		send(t, pc, from, bad)
	})
	tr := newTransport(100 * time.Millisecond)
	defer tr.close()
	_, _, err := ask(context.Background(), testConn(tr, srv.addr, 0), "example.test")
	if !errors.Is(err, ErrMismatch) || classifyError(err) != StatusNetworkError {
		t.Errorf("err = %v, want ErrMismatch", err)
	}
}

// TestTransportWrongSource: a perfect forgery (right ID, right question)
// from another port of the same host arrives first; it is dropped and
// counted, and the resolver's own answer is taken.
func TestTransportWrongSource(t *testing.T) {
	t.Parallel()
	spoofer, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer spoofer.Close()
	srv := newRawServer(t, func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg) {
		send(t, spoofer, from, answerA(q, "192.0.2.66"))
		time.Sleep(5 * time.Millisecond)
		send(t, pc, from, answerA(q, "192.0.2.1"))
	})
	tr := newTransport(10 * time.Second)
	defer tr.close()
	_, resp, err := ask(context.Background(), testConn(tr, srv.addr, 1), "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if got := firstA(resp); got != "192.0.2.1" {
		t.Errorf("took answer %s, want the resolver's 192.0.2.1", got)
	}
	if st := tr.stats(); st.WrongSource != 1 {
		t.Errorf("dropped %+v, want 1 from a wrong source", st)
	}
}

// TestTransportTruncatedToTCP: a UDP answer with TC, and one larger than
// the receive buffer, are both asked again over TCP by the crawler's
// client, which then gets the whole answer.
func TestTransportTruncatedToTCP(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, testZone,
		map[string]string{"big.test": "truncate", "huge.test": "oversize"})
	addr := netip.MustParseAddrPort(srv.addr)
	tr := newTransport(10 * time.Second)
	defer tr.close()
	for _, name := range []string{"big.test", "huge.test"} {
		c := testConn(tr, addr, 0)
		if _, _, err := ask(context.Background(), c, name); !errors.Is(err, errNeedTCP) {
			t.Errorf("%s over UDP: err = %v, want errNeedTCP", name, err)
		}
		c.resolvers = []*resolver{{addr: srv.addr}}
		c.tcp = &dns.Client{Net: "tcp", Timeout: 10 * time.Second}
		c.queries = new(atomic.Int64)
		a := c.query(context.Background(), name, dns.TypeA)
		if a.status != StatusOK || !hasAddr(&a.msg) {
			t.Errorf("%s: status %s %q, answer %s: not completed over TCP", name, a.status, a.err, replyView(&a.msg))
		}
	}
}

// TestTransportManyInFlight: thousands of questions in flight at once on
// one socket, from hundreds of goroutines, all answered, each with the
// answer to its own question (the server encodes the question's number
// in the address it gives).
func TestTransportManyInFlight(t *testing.T) {
	t.Parallel()
	srv := newRawServer(t, func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg) {
		var i int
		fmt.Sscanf(q.Question[0].Name, "q%d.", &i)
		send(t, pc, from, answerA(q, fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255)))
	})
	tr := newTransport(30 * time.Second)
	defer tr.close()
	const workers, each = 300, 20
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			c := testConn(tr, srv.addr, 0) // all on socket 0
			for k := range each {
				i := w*each + k
				_, resp, err := ask(context.Background(), c, fmt.Sprintf("q%d.test", i))
				if err != nil {
					errs <- fmt.Errorf("q%d: %w", i, err)
					return
				}
				if got, want := firstA(resp), fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255); got != want {
					errs <- fmt.Errorf("q%d: answer %s, want %s", i, got, want)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if st := tr.stats(); st != (TransportStats{}) {
		t.Errorf("dropped %+v, want nothing", st)
	}
}

// TestTransportTimeoutBounded: queries to a server that never answers end
// with a timeout, none hangs; a late reply, after its query gave up, is
// dropped as an unknown ID; a cancelled context ends a query at once.
func TestTransportTimeoutBounded(t *testing.T) {
	t.Parallel()
	late := make(chan func(), 64)
	srv := newRawServer(t, func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg) {
		late <- func() { send(t, pc, from, answerA(q, "192.0.2.1")) }
	})
	tr := newTransport(50 * time.Millisecond)
	defer tr.close()
	var wg sync.WaitGroup
	const n = 40
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, _, errs[i] = ask(context.Background(), testConn(tr, srv.addr, i), fmt.Sprintf("silent%d.test", i))
		})
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second): // a bound on hanging, not a speed test
		t.Fatal("queries to a silent server did not end")
	}
	for i, err := range errs {
		if classifyError(err) != StatusTimeout {
			t.Errorf("query %d: err = %v, want a timeout", i, err)
		}
	}
	// The replies now come, late: nobody waits for them.
	for range n {
		(<-late)()
	}
	deadline := time.Now().Add(10 * time.Second)
	for tr.stats().UnknownID < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if st := tr.stats(); st.UnknownID != n {
		t.Errorf("late replies: dropped %+v, want %d unknown IDs", st, n)
	}

	// Cancelled while waiting: the query ends with the context's error.
	tr2 := newTransport(time.Hour)
	defer tr2.close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	if _, _, err := ask(ctx, testConn(tr2, srv.addr, 0), "cancel.test"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled query: err = %v", err)
	}
	// The socket's table is empty again: the cancelled query left it.
	for _, s := range tr2.v4 {
		s.mu.Lock()
		if len(s.flight) != 0 {
			t.Errorf("%d queries left in flight after cancel", len(s.flight))
		}
		s.mu.Unlock()
	}
}

// TestTransportClosed: a query on a closed transport fails at once.
func TestTransportClosed(t *testing.T) {
	t.Parallel()
	tr := newTransport(time.Second)
	tr.close()
	_, _, err := ask(context.Background(), testConn(tr, netip.MustParseAddrPort("127.0.0.1:9"), 0), "x.test")
	if !errors.Is(err, errTransportClosed) {
		t.Errorf("err = %v", err)
	}
}

// BenchmarkTransport asks A questions from 256 goroutines, against an
// in-process server that answers everything, over the shared transport
// (transport) and, in the same run, over one miekg/dns connection per
// goroutine (conn-per-worker, the crawler's client before the shared
// transport). allocs/op and B/op are per question, client and server
// together; the server is the same in both.
func BenchmarkTransport(b *testing.B) {
	const workers = 256
	srv := newRawServerB(b)
	run := func(b *testing.B, ask func(c *conn, co *dns.Conn, name string) error, dial bool) {
		tr := newTransport(2 * time.Second)
		defer tr.close()
		var next atomic.Int64
		var failed atomic.Int64
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() {
				c := testConn(tr, srv, w)
				var co *dns.Conn
				if dial {
					var err error
					if co, err = dns.Dial("udp", srv.String()); err != nil {
						failed.Add(1)
						return
					}
					defer co.Close()
				}
				for i := next.Add(1); i <= int64(b.N); i = next.Add(1) {
					if ask(c, co, fmt.Sprintf("q%d.test.", i%10000)) != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "queries/s")
		if f := failed.Load(); f > 0 {
			b.Logf("%d of %d questions failed", f, b.N)
		}
	}
	b.Run("transport", func(b *testing.B) {
		run(b, func(c *conn, _ *dns.Conn, name string) error {
			_, _, err := ask(context.Background(), c, name)
			return err
		}, false)
	})
	b.Run("conn-per-worker", func(b *testing.B) {
		cl := &dns.Client{Net: "udp", Timeout: 2 * time.Second, UDPSize: ednsSize}
		run(b, func(_ *conn, co *dns.Conn, name string) error {
			m := new(dns.Msg)
			m.SetQuestion(name, dns.TypeA)
			m.SetEdns0(ednsSize, false)
			_, _, err := cl.ExchangeWithConn(m, co)
			return err
		}, true)
	})
}

// newRawServerB is an in-process server answering every A question with
// 192.0.2.1, for benchmarks.
func newRawServerB(b *testing.B) netip.AddrPort {
	pc, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		b.Fatal(err)
	}
	pc.SetReadBuffer(4 << 20)
	b.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 4096)
		out := make([]byte, 0, 512)
		q := new(dns.Msg)
		for {
			n, from, err := pc.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if q.Unpack(buf[:n]) != nil || len(q.Question) != 1 {
				continue
			}
			r := answerA(q, "192.0.2.1")
			if out, err = r.PackBuffer(out[:cap(out)]); err == nil {
				pc.WriteToUDPAddrPort(out, from)
			}
		}
	}()
	return pc.LocalAddr().(*net.UDPAddr).AddrPort()
}

// TestTransportIPv6: a resolver on ::1 is asked over the IPv6 sockets.
func TestTransportIPv6(t *testing.T) {
	t.Parallel()
	pc, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer pc.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, from, err := pc.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			q := new(dns.Msg)
			if q.Unpack(buf[:n]) == nil && len(q.Question) == 1 {
				send(t, pc, from, answerA(q, "192.0.2.6"))
			}
		}
	}()
	tr := newTransport(10 * time.Second)
	defer tr.close()
	_, resp, err := ask(context.Background(), testConn(tr, pc.LocalAddr().(*net.UDPAddr).AddrPort(), 0), "v6.test")
	if err != nil {
		t.Fatal(err)
	}
	if got := firstA(resp); got != "192.0.2.6" || len(tr.v6) == 0 || len(tr.v4) != 0 {
		t.Errorf("answer %s, %d IPv6 and %d IPv4 sockets", got, len(tr.v6), len(tr.v4))
	}
}

// TestTransportBatchedSend: queries queued while the reader defers sends
// go out in one batch; a datagram the kernel refuses (to port 0: EINVAL)
// ends its own query with the error, and
// the queries after it in the batch are still sent and answered.
func TestTransportBatchedSend(t *testing.T) {
	t.Parallel()
	srv := newRawServer(t, func(pc *net.UDPConn, from netip.AddrPort, q *dns.Msg) {
		send(t, pc, from, answerA(q, "192.0.2.7"))
	})
	tr := newTransport(10 * time.Second)
	defer tr.close()
	socks, err := tr.sockets(srv.addr)
	if err != nil {
		t.Fatal(err)
	}
	s := socks[0]
	// Hold the reader's deferring on, as between its read and its flush.
	s.wmu.Lock()
	s.deferring = true
	s.wmu.Unlock()
	refused := netip.MustParseAddrPort("127.0.0.1:0")
	const n = 5
	errs := make([]error, n)
	answers := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		to := srv.addr
		if i == 2 {
			to = refused
		}
		wg.Go(func() {
			var resp *dns.Msg
			_, resp, errs[i] = ask(context.Background(), testConn(tr, to, 0), fmt.Sprintf("b%d.test", i))
			if resp != nil {
				answers[i] = firstA(resp)
			}
		})
	}
	// Wait until all five are queued, then send them as the reader does.
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.wmu.Lock()
		queued := s.queue.n
		s.wmu.Unlock()
		if queued == n {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d queries queued", queued, n)
		}
		time.Sleep(time.Millisecond)
	}
	s.flush() // as the reader would; the reader waits in recvmmsg: nothing was sent yet
	wg.Wait()
	for i := range n {
		if i == 2 {
			if errs[i] == nil || classifyError(errs[i]) == StatusTimeout {
				t.Errorf("query to port 0: err = %v, want the send's error", errs[i])
			}
			continue
		}
		if errs[i] != nil || answers[i] != "192.0.2.7" {
			t.Errorf("query %d: answer %q, err %v", i, answers[i], errs[i])
		}
	}
	// The reader, woken by the answers, ends its own deferring when it
	// has sent what was queued meanwhile (nothing here).
	for {
		s.wmu.Lock()
		deferring, queued := s.deferring, s.queue.n
		s.wmu.Unlock()
		if !deferring && queued == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after flush: deferring %v, %d queued", deferring, queued)
		}
		time.Sleep(time.Millisecond)
	}
}
