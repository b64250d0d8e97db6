package dnscrawl

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/time/rate"
)

// ednsSize is the EDNS0 UDP buffer size we advertise: the DNS Flag Day
// 2020 value, which avoids IP fragmentation on nearly every path.
const ednsSize = 1232

// ErrMismatch is the error of an answer whose question is not the one
// asked: it is dropped, never used.
var ErrMismatch = errors.New("answer does not match the question")

// ErrRateLimited is the error of a query that the rate limit would hold
// past its deadline: it is not sent, and the outcome is a timeout.
var ErrRateLimited = errors.New("rate limit: the query would wait past its deadline")

// classifyError maps a Go error from an exchange to a status. It is the
// one place where transport errors become the closed vocabulary.
func classifyError(err error) Status {
	var ne net.Error
	switch {
	case err == nil:
		return StatusOK
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, ErrRateLimited):
		return StatusTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return StatusTimeout
	case errors.Is(err, ErrMismatch), errors.Is(err, dns.ErrId):
		return StatusNetworkError
	case errors.Is(err, context.Canceled):
		return StatusError
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return StatusNetworkError
	}
	var de *dns.Error
	if errors.As(err, &de) {
		return StatusError
	}
	return StatusNetworkError
}

// classifyRcode maps a response code to a status. NOERROR is ok here;
// whether the answer holds the records asked for (ok versus nodata) is
// decided by the caller, which knows the CNAME chain.
func classifyRcode(rcode int) Status {
	switch rcode {
	case dns.RcodeSuccess:
		return StatusOK
	case dns.RcodeNameError:
		return StatusNXDomain
	case dns.RcodeServerFailure:
		return StatusServFail
	case dns.RcodeRefused:
		return StatusRefused
	}
	return StatusError
}

// retryable reports whether a query that ended in s is worth asking again.
func retryable(s Status) bool {
	return s == StatusTimeout || s == StatusServFail || s == StatusNetworkError
}

// resolver is one upstream recursive resolver, shared by the workers,
// with its health: after failThreshold consecutive failures (timeouts,
// network errors) it is avoided for a while, a period that doubles with
// each new failure up to maxAvoid and ends with the first success.
type resolver struct {
	addr    string
	limiter *rate.Limiter // nil: unlimited
	fails   atomic.Int32  // consecutive failures
	until   atomic.Int64  // avoided until this time (Unix ns)
}

const (
	failThreshold = 3
	minAvoid      = 500 * time.Millisecond
	maxAvoid      = 30 * time.Second
)

// report records the outcome of an exchange with r.
func (r *resolver) report(ok bool, now time.Time) {
	if ok {
		if r.fails.Load() != 0 {
			r.fails.Store(0)
			r.until.Store(0)
		}
		return
	}
	n := r.fails.Add(1)
	if n < failThreshold {
		return
	}
	d := min(minAvoid<<min(n-failThreshold, 16), maxAvoid)
	r.until.Store(now.Add(d).UnixNano())
}

// healthy reports whether r is not being avoided at now.
func (r *resolver) healthy(now int64) bool { return r.until.Load() <= now }

// conn is a worker's client. Its UDP queries go through the crawl's
// shared transport (a few sockets for all workers, see transport.go), on
// the socket numbered by the worker; TCP, for truncated answers, opens a
// connection per question.
type conn struct {
	tr        *transport
	sock      int // the worker's socket of the transport
	call      *call
	addrs     []netip.AddrPort // of resolvers, parsed
	tcp       *dns.Client
	resolvers []*resolver
	next      int
	global    *rate.Limiter
	retries   int
	backoff   time.Duration
	rng       *rand.Rand
	queries   *atomic.Int64
	msg       dns.Msg // the query, reused
	arena     replyArena
}

// answer is the outcome of one question after retries.
type answer struct {
	msg      reply // read from its packet (reply.go); none after an error
	status   Status
	err      string
	attempts int
	resolver string
}

// query asks name/qtype, retrying retryable outcomes with jittered
// exponential backoff and moving to the next resolver on each attempt.
func (c *conn) query(ctx context.Context, name string, qtype uint16) answer {
	var a answer
	for attempt := 0; attempt <= c.retries; attempt++ {
		if attempt > 0 {
			d := c.backoff << (attempt - 1)
			d = d/2 + time.Duration(c.rng.Int64N(int64(d)+1))
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				a.status, a.err = classifyError(ctx.Err()), ctx.Err().Error()
				return a
			case <-t.C:
			}
		}
		a.attempts++
		msg, res, err := c.exchange(ctx, name, qtype)
		a.resolver = res
		if err != nil {
			a.msg, a.status, a.err = reply{}, classifyError(err), err.Error()
		} else {
			a.msg, a.status, a.err = msg, classifyRcode(msg.rcode), ""
			if a.status != StatusOK {
				a.err = rcodeText(msg.rcode)
			}
		}
		if !retryable(a.status) || ctx.Err() != nil {
			return a
		}
	}
	return a
}

// rcodeText names a response code as the crawl's error texts do.
func rcodeText(rcode int) string {
	if s := dns.RcodeToString[rcode]; s != "" {
		return s
	}
	return fmt.Sprintf("rcode %d", rcode)
}

// pick returns the index of the resolver for the next query: the next in
// turn that is not being avoided, or, when all are, the one that recovers
// first.
func (c *conn) pick() int {
	n := len(c.resolvers)
	if n == 1 {
		return 0
	}
	now := time.Now().UnixNano()
	best := -1
	for k := range n {
		i := (c.next + k) % n
		if c.resolvers[i].healthy(now) {
			c.next = i + 1
			return i
		}
		if best < 0 || c.resolvers[i].until.Load() < c.resolvers[best].until.Load() {
			best = i
		}
	}
	c.next = best + 1
	return best
}

// exchange sends one query to the next resolver over its persistent UDP
// socket and falls back to TCP when the answer is truncated or does not
// fit the UDP buffer. It checks that the answer is for the question asked.
func (c *conn) exchange(ctx context.Context, name string, qtype uint16) (reply, string, error) {
	i := c.pick()
	r := c.resolvers[i]
	if err := wait(ctx, c.global); err != nil {
		return reply{}, r.addr, err
	}
	if err := wait(ctx, r.limiter); err != nil {
		return reply{}, r.addr, err
	}
	c.queries.Add(1)

	// The query is packed by hand into the worker's buffer (wire.go);
	// the dns.Msg is built only for a name that needs miekg/dns to pack
	// it and for TCP.
	var m *dns.Msg
	b, ok := packQuery(c.call.query[:cap(c.call.query)], name, qtype)
	var resp reply
	var err error
	var tcpResp *dns.Msg
	if ok {
		resp, err = c.roundTrip(ctx, b, c.addrs[i])
	} else {
		m = c.question(name, qtype)
		resp, err = c.exchangeUDP(ctx, m, c.addrs[i])
	}
	if errors.Is(err, errNeedTCP) {
		// Truncated, or an answer that could not be unpacked (larger
		// than the buffer, malformed): ask again over TCP.
		if m == nil {
			m = c.question(name, qtype)
		}
		tcpResp, err = exchangeTCP(ctx, c.tcp, m, r.addr)
		if tcpResp == nil && err == nil {
			err = errors.New("no answer over TCP")
		}
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			err = fmt.Errorf("%w: %v", ctx.Err(), err)
		}
		if ctx.Err() == nil {
			r.report(false, time.Now())
		}
		return reply{}, r.addr, err
	}
	r.report(true, time.Time{})
	// Over UDP the transport matched the reply to the question; over TCP
	// it is checked here.
	if tcpResp != nil {
		if err := checkAnswer(m, tcpResp); err != nil {
			return reply{}, r.addr, err
		}
		if resp, err = replyOfMsg(tcpResp, &c.tr.names); err != nil {
			return reply{}, r.addr, err
		}
	}
	return resp, r.addr, nil
}

// question returns the worker's reused dns.Msg asking name/qtype with
// EDNS0, as packQuery packs it.
func (c *conn) question(name string, qtype uint16) *dns.Msg {
	m := &c.msg
	if len(m.Extra) == 0 {
		m.SetEdns0(ednsSize, false)
	}
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	return m
}

// exchangeUDP asks m over the shared transport: it packs m into the
// worker's buffer, waits for the matching reply (the transport sets the
// ID, and so m.Id) and reads it.
func (c *conn) exchangeUDP(ctx context.Context, m *dns.Msg, to netip.AddrPort) (reply, error) {
	b, err := m.PackBuffer(c.call.query[:cap(c.call.query)])
	if err != nil {
		return reply{}, err
	}
	resp, err := c.roundTrip(ctx, b, to)
	// The ID the transport chose: the query and its answer carry it.
	m.Id = c.call.id
	return resp, err
}

// roundTrip sends the packed query b (the transport sets its ID) to to
// and reads the reply, which the transport has matched to the question
// (source, ID, name, type and class), into the worker's arena. An
// answer that is truncated, cut by the receive buffer or malformed (one
// miekg/dns would not unpack) gives errNeedTCP.
func (c *conn) roundTrip(ctx context.Context, b []byte, to netip.AddrPort) (reply, error) {
	cl := c.call
	cl.setQuery(b, to)
	if err := c.tr.exchange(ctx, cl, c.sock); err != nil {
		return reply{}, err
	}
	resp, err := c.arena.read(cl.resp, &c.tr.names)
	if err != nil {
		return reply{}, errNeedTCP
	}
	return resp, nil
}

// exchangeOn sends m on co and reads the answer. miekg/dns takes only the
// deadline of ctx; exchangeOn also ends the exchange as soon as ctx is
// cancelled (Ctrl-C), by moving the socket's deadline to now, so that an
// interrupted crawl does not wait for its queries to time out. The socket
// stays usable: the next exchange sets its own deadlines.
func exchangeOn(ctx context.Context, cl *dns.Client, m *dns.Msg, co *dns.Conn) (*dns.Msg, error) {
	moved := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		co.SetDeadline(time.Now())
		close(moved)
	})
	resp, _, err := cl.ExchangeWithConnContext(ctx, m, co)
	if !stop() {
		// The deadline is being moved: wait for it, so that it cannot
		// cut short the next exchange on co (after a domain's timeout,
		// the worker goes on with the next domain on the same socket).
		<-moved
	}
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		err = fmt.Errorf("%w: %v", ctx.Err(), err)
	}
	return resp, err
}

// exchangeTCP asks m over a new TCP connection to addr, cut short like
// exchangeOn when ctx is cancelled.
func exchangeTCP(ctx context.Context, cl *dns.Client, m *dns.Msg, addr string) (*dns.Msg, error) {
	co, err := cl.DialContext(ctx, addr)
	if err != nil {
		return nil, err
	}
	defer co.Close()
	return exchangeOn(ctx, cl, m, co)
}

// SimulatedServerID is the identity that the simulated internet
// (data/simnet) gives when asked who it is (Identify). A crawl whose
// resolver answers with it is marked simulated.
const SimulatedServerID = "chokepoint-simnet"

// Identify asks the resolver at addr who it is, as RFC 4892 describes:
// TXT "id.server." in class CHAOS. It returns the text of the first TXT
// answer, "" when the resolver gives none (many refuse the question or
// answer with a host name). It gives up after timeout or when ctx ends.
func Identify(ctx context.Context, addr string, timeout time.Duration) (string, error) {
	id, err := chaosTXT(ctx, addr, "id.server.", timeout)
	if err != nil {
		return "", fmt.Errorf("identify resolver %s: %w", addr, err)
	}
	return id, nil
}

// SimulatedProbeName is the CHAOS-class TXT question by which the
// simulated internet says where it serves TLS and HTTP for its hosts
// (SimulatedProbeEndpoints).
const SimulatedProbeName = "probe.simnet."

// SimulatedProbeEndpoints asks the resolver at addr, which must have
// identified itself as the simulated internet (Identify), where it serves
// TLS and HTTP for the simulated hosts: TXT "probe.simnet." in class
// CHAOS, answered "tls=127.0.0.1:PORT http=127.0.0.1:PORT"
// (data/probe.ParseRedirect reads it). It returns "" when there is no
// answer. A real resolver is never asked: a crawl of the real internet
// never redirects its probes.
func SimulatedProbeEndpoints(ctx context.Context, addr string, timeout time.Duration) (string, error) {
	txt, err := chaosTXT(ctx, addr, SimulatedProbeName, timeout)
	if err != nil {
		return "", fmt.Errorf("ask resolver %s for its probe endpoints: %w", addr, err)
	}
	return txt, nil
}

// chaosTXT asks addr the TXT question name in class CHAOS and returns the
// strings of the first TXT answer joined, "" when there is none.
func chaosTXT(ctx context.Context, addr, name string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	m := new(dns.Msg)
	m.SetQuestion(name, dns.TypeTXT)
	m.Question[0].Qclass = dns.ClassCHAOS
	cl := &dns.Client{Net: "udp", Timeout: timeout}
	co, err := cl.DialContext(ctx, addr)
	if err != nil {
		return "", err
	}
	defer co.Close()
	resp, err := exchangeOn(ctx, cl, m, co)
	if err != nil {
		return "", err
	}
	if err := checkAnswer(m, resp); err != nil || resp.Rcode != dns.RcodeSuccess {
		return "", nil
	}
	for _, rr := range resp.Answer {
		if t, ok := rr.(*dns.TXT); ok && len(t.Txt) > 0 {
			return strings.Join(t.Txt, ""), nil
		}
	}
	return "", nil
}

// SimulatedResolvers asks each resolver who it is (Identify), all at
// once, and returns those that are the simulated internet, in the order
// given. A resolver that does not answer is not simulated.
func SimulatedResolvers(ctx context.Context, resolvers []string, timeout time.Duration) []string {
	sim := make([]bool, len(resolvers))
	var wg sync.WaitGroup
	for i, addr := range resolvers {
		wg.Go(func() {
			id, err := Identify(ctx, addr, timeout)
			sim[i] = err == nil && id == SimulatedServerID
		})
	}
	wg.Wait()
	var out []string
	for i, s := range sim {
		if s {
			out = append(out, resolvers[i])
		}
	}
	return out
}

// checkAnswer verifies that resp answers q: same ID and same question.
func checkAnswer(q, resp *dns.Msg) error {
	if resp.Id != q.Id {
		return fmt.Errorf("%w: id %d, asked %d", ErrMismatch, resp.Id, q.Id)
	}
	if len(resp.Question) != 1 {
		return fmt.Errorf("%w: %d questions in answer", ErrMismatch, len(resp.Question))
	}
	got, want := resp.Question[0], q.Question[0]
	if got.Qtype != want.Qtype || got.Qclass != want.Qclass || !strings.EqualFold(got.Name, want.Name) {
		return fmt.Errorf("%w: answer for %s %s", ErrMismatch, got.Name, dns.TypeToString[got.Qtype])
	}
	return nil
}

// wait takes a token from l, giving up at once with ErrRateLimited when
// the wait would pass the context's deadline instead of sleeping into it.
func wait(ctx context.Context, l *rate.Limiter) error {
	if l == nil {
		return nil
	}
	now := time.Now()
	res := l.ReserveN(now, 1)
	if !res.OK() {
		return ErrRateLimited
	}
	d := res.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(d).After(dl) {
		res.CancelAt(now)
		return ErrRateLimited
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		res.Cancel()
		return ctx.Err()
	}
}

// SystemResolvers returns the name servers of a resolv.conf file as
// host:port addresses.
func SystemResolvers(path string) ([]string, error) {
	cfg, err := dns.ClientConfigFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("read resolver configuration %s: %w", path, err)
	}
	var out []string
	for _, s := range cfg.Servers {
		out = append(out, net.JoinHostPort(s, cfg.Port))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("read resolver configuration %s: no nameserver line", path)
	}
	return out, nil
}
