package dnscrawl

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// The UDP transport of the crawler: a few unconnected sockets shared by
// every query in flight, as massdns and stub resolvers do, instead of a
// socket per worker and resolver. Each query gets a random ID that is
// free on its socket (the socket's port is chosen at random by the
// kernel); a reply is taken only when its source is the resolver asked,
// its ID is that of a query in flight on the socket and its question
// section is the question asked (name compared without regard to case,
// type and class exactly). Anything else is dropped and counted. One
// goroutine per socket reads replies in batches (recvmmsg into reused
// buffers and source addresses on Linux, recv_linux.go) and sends the questions that the workers it woke ask
// next in one batch (sendmmsg; see read), and one goroutine scans the
// deadlines of the queries in flight instead of a timer per query.

// udpReadSize is the receive buffer of one datagram: more than the EDNS
// size we advertise, so that an answer larger than that (a server that
// ignores it) is seen whole up to this size, and anything larger is seen
// as cut (MSG_TRUNC) and asked again over TCP.
const udpReadSize = 4096

// readBatch is the number of datagrams taken by one recvmmsg call.
const readBatch = 32

// socketsPerFamily is the number of UDP sockets per address family. One
// reader goroutine serves each; two keep the readers of a 2-core machine
// busy without contention on one socket's table of queries in flight.
const socketsPerFamily = 2

// msgTrunc is Linux's MSG_TRUNC: the datagram was longer than the buffer.
const msgTrunc = 0x20

// errTransportClosed is the error of a query on a closed transport.
var errTransportClosed = errors.New("udp transport closed")

// errNeedTCP is the outcome of a reply that must be asked again over TCP:
// TC set, or longer than the receive buffer.
var errNeedTCP = errors.New("answer truncated: ask over TCP")

// TransportStats counts the datagrams the transport dropped, by reason.
type TransportStats struct {
	// WrongSource: from an address and port other than the resolver's.
	WrongSource int64
	// UnknownID: no query in flight with that ID on the socket (a late
	// reply after its timeout, or a forged one).
	UnknownID int64
	// Mismatch: the ID of a query in flight, but another question.
	Mismatch int64
	// Malformed: shorter than a header, or not a response.
	Malformed int64
}

// batchConn is the batched reader and writer of ipv4.PacketConn and
// ipv6.PacketConn.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

// batchReader reads a socket's datagrams in batches (newBatchReader: our
// own recvmmsg on Linux, recv_linux.go; golang.org/x/net's ReadBatch
// elsewhere, recv_other.go).
type batchReader interface {
	// read waits for datagrams and takes up to a batch of them.
	read() (int, error)
	// datagram returns the i-th datagram of the last read (valid until
	// the next read), its source, and whether it was cut to the buffer.
	datagram(i int) (b []byte, from netip.AddrPort, cut bool)
}

// transport is the set of shared UDP sockets of one crawl.
type transport struct {
	timeout time.Duration
	start   time.Time // deadlines are nanoseconds since start (monotonic)
	mu      sync.Mutex
	v4, v6  []*muxSocket
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup

	wrongSource, unknownID, mismatch, malformed atomic.Int64

	// names are the names in replies' records, shared by every worker's
	// unpacking (wire.go).
	names internTable
}

// muxSocket is one UDP socket with its queries in flight by ID.
type muxSocket struct {
	t      *transport
	pc     *net.UDPConn
	bc     batchConn // for batched sends
	rd     batchReader
	mu     sync.Mutex
	flight map[uint16]*call

	// Queries waiting for the reader's batched send (see read): while
	// deferring is set, a query is copied into queue instead of being
	// sent at once.
	wmu       sync.Mutex
	deferring bool
	queue     sendQueue
	spare     sendQueue // the queue being sent, swapped with queue
	out       []ipv4.Message
}

// sendQueue is a list of queries to send: copies of their bytes (the
// worker may reuse its buffer as soon as its query ends, even before the
// copy is sent), with their calls and IDs to end them on a send error.
type sendQueue struct {
	n     int
	bufs  [][]byte
	to    []*net.UDPAddr
	calls []*call
	ids   []uint16
}

// maxQueued bounds a socket's queue of deferred sends; a query that finds
// it full is sent at once.
const maxQueued = 1024

// call is one query in flight. A worker owns one and reuses it: it asks
// one question at a time.
type call struct {
	s        *muxSocket
	id       uint16
	to       netip.AddrPort
	udpTo    *net.UDPAddr // udpToKey, for batched sends; never changed, replaced
	udpToKey netip.AddrPort
	query    []byte // the packed query
	qlen     int    // length of its question section (name, type, class)
	deadline int64
	mismatch bool  // a reply with the ID but another question was seen
	err      error // outcome: nil (resp holds the reply), timeout, errNeedTCP
	resp     []byte
	done     chan struct{} // capacity 1: signalled once per exchange
}

func newCall() *call {
	return &call{query: make([]byte, 0, 512), resp: make([]byte, 0, udpReadSize), done: make(chan struct{}, 1)}
}

// newTransport returns a transport whose queries time out after timeout.
// Sockets are opened when first needed.
func newTransport(timeout time.Duration) *transport {
	t := &transport{timeout: timeout, start: time.Now(), done: make(chan struct{})}
	tick := min(max(timeout/10, time.Millisecond), 50*time.Millisecond)
	t.wg.Go(func() { t.sweep(tick) })
	return t
}

func (t *transport) now() int64 { return int64(time.Since(t.start)) }

// sockets returns the sockets of to's address family, opening them on
// first use.
func (t *transport) sockets(to netip.AddrPort) ([]*muxSocket, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, errTransportClosed
	}
	v6 := to.Addr().Is6() && !to.Addr().Is4In6()
	list := &t.v4
	if v6 {
		list = &t.v6
	}
	if *list != nil {
		return *list, nil
	}
	var out []*muxSocket
	for range socketsPerFamily {
		network, laddr := "udp4", &net.UDPAddr{IP: net.IPv4zero}
		if v6 {
			network, laddr = "udp6", &net.UDPAddr{IP: net.IPv6unspecified}
		}
		pc, err := net.ListenUDP(network, laddr)
		if err != nil {
			for _, s := range out {
				s.pc.Close()
			}
			return nil, err
		}
		// Large kernel buffers: a burst of replies to hundreds of
		// queries in flight must not overflow the socket's queue.
		pc.SetReadBuffer(8 << 20)
		pc.SetWriteBuffer(4 << 20)
		s := &muxSocket{t: t, pc: pc, flight: make(map[uint16]*call)}
		if v6 {
			s.bc = ipv6.NewPacketConn(pc)
		} else {
			s.bc = ipv4.NewPacketConn(pc)
		}
		if s.rd, err = newBatchReader(pc, v6, readBatch, udpReadSize); err != nil {
			pc.Close()
			for _, s := range out {
				s.pc.Close()
			}
			return nil, err
		}
		t.wg.Go(s.read)
		out = append(out, s)
	}
	*list = out
	return out, nil
}

// close closes the sockets and ends the goroutines; queries in flight end
// with errTransportClosed.
func (t *transport) close() {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return
	}
	t.closed = true
	socks := append(t.v4[:len(t.v4):len(t.v4)], t.v6...)
	t.mu.Unlock()
	close(t.done)
	for _, s := range socks {
		s.pc.Close()
	}
	t.wg.Wait()
	for _, s := range socks {
		s.failAll(errTransportClosed)
	}
}

// stats returns the counts of dropped datagrams.
func (t *transport) stats() TransportStats {
	return TransportStats{WrongSource: t.wrongSource.Load(), UnknownID: t.unknownID.Load(), Mismatch: t.mismatch.Load(), Malformed: t.malformed.Load()}
}

// exchange sends c.query (whose ID bytes it sets) to c.to on socket
// number pick of the family and waits for the reply, the deadline or the
// end of ctx. On success c.resp holds the reply.
func (t *transport) exchange(ctx context.Context, c *call, pick int) error {
	socks, err := t.sockets(c.to)
	if err != nil {
		return err
	}
	s := socks[pick%len(socks)]
	c.s, c.err, c.mismatch, c.resp = s, nil, false, c.resp[:0]
	c.deadline = t.now() + int64(t.timeout)
	if dl, ok := ctx.Deadline(); ok {
		c.deadline = min(c.deadline, t.now()+int64(time.Until(dl)))
	}
	s.mu.Lock()
	for {
		c.id = uint16(rand.Uint32())
		if _, busy := s.flight[c.id]; !busy {
			break
		}
	}
	s.flight[c.id] = c
	s.mu.Unlock()
	c.query[0], c.query[1] = byte(c.id>>8), byte(c.id)
	if !s.enqueue(c) {
		if _, err := s.pc.WriteToUDPAddrPort(c.query, c.to); err != nil {
			if s.remove(c) {
				return err
			}
			<-c.done // answered or timed out meanwhile: take the signal
			return err
		}
	}
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		if !s.remove(c) {
			<-c.done
		}
		return ctx.Err()
	}
}

// remove takes c out of the table of queries in flight. It reports false
// when c was no longer there: someone else took it and signals c.done.
func (s *muxSocket) remove(c *call) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.flight[c.id] != c {
		return false
	}
	delete(s.flight, c.id)
	return true
}

// enqueue copies c's query into the socket's queue when the reader is
// about to send a batch (deferring), and reports whether it did; when it
// did not, the caller sends the query itself.
func (s *muxSocket) enqueue(c *call) bool {
	s.wmu.Lock()
	q := &s.queue
	if !s.deferring || q.n == maxQueued {
		s.wmu.Unlock()
		return false
	}
	if c.udpTo == nil || c.udpToKey != c.to {
		c.udpTo, c.udpToKey = net.UDPAddrFromAddrPort(c.to), c.to
	}
	if q.n == len(q.bufs) {
		q.bufs = append(q.bufs, make([]byte, 0, 512))
		q.to = append(q.to, nil)
		q.calls = append(q.calls, nil)
		q.ids = append(q.ids, 0)
	}
	q.bufs[q.n] = append(q.bufs[q.n][:0], c.query...)
	q.to[q.n], q.calls[q.n], q.ids[q.n] = c.udpTo, c, c.id
	q.n++
	s.wmu.Unlock()
	return true
}

// flush sends the queued queries, in batches (sendmmsg), until the queue
// is empty, and then ends the deferring: queries are sent by their
// workers again. Only the socket's reader calls it (s.spare and s.out
// are its own).
func (s *muxSocket) flush() {
	for {
		s.wmu.Lock()
		if s.queue.n == 0 {
			s.deferring = false
			s.wmu.Unlock()
			return
		}
		s.queue, s.spare = s.spare, s.queue
		s.wmu.Unlock()
		q := &s.spare
		if len(s.out) < q.n {
			s.out = make([]ipv4.Message, max(q.n, 2*len(s.out), readBatch))
			for i := range s.out {
				s.out[i].Buffers = make([][]byte, 1)
			}
		}
		out := s.out[:q.n]
		for i := range out {
			out[i].Buffers[0], out[i].Addr = q.bufs[i], q.to[i]
		}
		for i := 0; i < len(out); {
			n, err := s.bc.WriteBatch(out[i:], 0)
			// sendmmsg sends up to the first datagram it cannot send;
			// when that is the first, it gives its error (and x/net a
			// count of -1).
			i += max(n, 0)
			if (err != nil || n <= 0) && i < len(out) {
				if err == nil {
					err = errors.New("sendmmsg sent nothing")
				}
				// The datagram at i could not be sent: its query ends
				// with the error, unless it already ended.
				s.fail(q.calls[i], q.ids[i], err)
				i++
			}
		}
		for i := range out {
			out[i].Addr = nil
			q.calls[i], q.to[i] = nil, nil
		}
		q.n = 0
	}
}

// fail ends c's query with ID id with err, if it is still in flight.
func (s *muxSocket) fail(c *call, id uint16, err error) {
	s.mu.Lock()
	if s.flight[id] != c {
		s.mu.Unlock()
		return
	}
	delete(s.flight, id)
	s.mu.Unlock()
	c.err = err
	c.done <- struct{}{}
}

// read takes the replies on s until it is closed. After each batch of
// replies it lets the workers they woke run, collects the questions they
// ask next in the socket's queue and sends them in one sendmmsg (flush)
// before it reads again: fewer system calls per query than a sendto per
// question. While the reader waits for replies, workers send their
// questions themselves, so that nothing waits on a reader that sleeps.
func (s *muxSocket) read() {
	for {
		n, err := s.rd.read()
		if err != nil {
			select {
			case <-s.t.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// A transient error (an ICMP error queued on the socket):
			// go on reading.
			continue
		}
		s.wmu.Lock()
		s.deferring = true
		s.wmu.Unlock()
		for i := range n {
			s.deliver(s.rd.datagram(i))
		}
		// Let the workers just woken run (and queue their next
		// questions) before reading again: the next read then takes a
		// larger batch, fewer system calls and wake-ups per reply
		// (measured: 16-17 instead of 22-23 us of CPU per query in
		// BenchmarkCrawl).
		runtime.Gosched()
		s.flush()
	}
}

// deliver matches one datagram to its query in flight.
func (s *muxSocket) deliver(b []byte, from netip.AddrPort, cut bool) {
	t := s.t
	if len(b) < 12 || b[2]&0x80 == 0 {
		t.malformed.Add(1)
		return
	}
	id := uint16(b[0])<<8 | uint16(b[1])
	s.mu.Lock()
	c := s.flight[id]
	if c == nil {
		s.mu.Unlock()
		t.unknownID.Add(1)
		return
	}
	if !sameAddr(from, c.to) {
		s.mu.Unlock()
		t.wrongSource.Add(1)
		return
	}
	if !sameQuestion(c.query, c.qlen, b) {
		c.mismatch = true
		s.mu.Unlock()
		t.mismatch.Add(1)
		return
	}
	delete(s.flight, id)
	s.mu.Unlock()
	if cut || b[2]&0x02 != 0 {
		c.err = errNeedTCP
	} else {
		c.resp = append(c.resp[:0], b...)
	}
	c.done <- struct{}{}
}

// failAll ends every query in flight on s with err.
func (s *muxSocket) failAll(err error) {
	s.mu.Lock()
	var calls []*call
	for id, c := range s.flight {
		delete(s.flight, id)
		calls = append(calls, c)
	}
	s.mu.Unlock()
	for _, c := range calls {
		c.err = err
		c.done <- struct{}{}
	}
}

// sweep ends the queries whose deadline has passed, every tick: one scan
// of the queries in flight instead of one timer per query.
func (t *transport) sweep(tick time.Duration) {
	tk := time.NewTicker(tick)
	defer tk.Stop()
	var expired []*call
	for {
		select {
		case <-t.done:
			return
		case <-tk.C:
		}
		t.mu.Lock()
		socks := append(t.v4[:len(t.v4):len(t.v4)], t.v6...)
		t.mu.Unlock()
		now := t.now()
		for _, s := range socks {
			expired = expired[:0]
			s.mu.Lock()
			for id, c := range s.flight {
				if c.deadline <= now {
					delete(s.flight, id)
					expired = append(expired, c)
				}
			}
			s.mu.Unlock()
			for _, c := range expired {
				if c.mismatch {
					// The only replies were for another question.
					c.err = ErrMismatch
				} else {
					c.err = errUDPTimeout
				}
				c.done <- struct{}{}
			}
		}
	}
}

// errUDPTimeout is the outcome of a query without a reply in time; it is
// a net.Error with Timeout() true, as a socket's deadline error is.
var errUDPTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout: no reply in time" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

// sameAddr reports whether the source of a datagram is to.
func sameAddr(from, to netip.AddrPort) bool {
	return from.Port() == to.Port() && from.Addr().Unmap() == to.Addr().Unmap()
}

// setQuery makes the packed query b to server to the call's query, with
// the length of its question section: the name (uncompressed in a query
// of one question), type and class.
func (c *call) setQuery(b []byte, to netip.AddrPort) {
	c.query, c.to = b, to
	i := 12
	for i < len(b) && b[i] != 0 {
		i += int(b[i]) + 1
	}
	c.qlen = i + 1 + 4 - 12
}

// sameQuestion reports whether reply b holds exactly one question, the
// question of query q (its qlen bytes after the header): the name equal
// without regard to ASCII case, type and class equal. The question of a
// message is its first name, so it is never compressed and the bytes can
// be compared as they are.
func sameQuestion(q []byte, qlen int, b []byte) bool {
	if b[4] != 0 || b[5] != 1 || len(b) < 12+qlen {
		return false
	}
	nameLen := qlen - 4
	x, y := q[12:12+nameLen], b[12:12+nameLen]
	for i := range x {
		cx, cy := x[i], y[i]
		if cx != cy && lower(cx) != lower(cy) {
			return false
		}
	}
	return string(q[12+nameLen:12+qlen]) == string(b[12+nameLen:12+qlen])
}

// lower folds an ASCII upper-case letter. Folding a label's length byte
// is harmless: lengths are below 64, letters from 65.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
