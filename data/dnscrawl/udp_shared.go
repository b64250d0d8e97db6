package dnscrawl

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// UDPTransport lends the crawl's shared UDP transport (transport.go: a
// few sockets for every query in flight, random IDs, replies matched by
// source, ID and question, batched reads, one deadline sweep) to another
// resolver of the crawl's: data/iterative sends its queries to
// authoritative servers through one instead of a socket per query.
type UDPTransport struct {
	t     *transport
	calls sync.Pool
	next  atomic.Uint32
}

// ErrNeedTCP is the error of Exchange for an answer that must be asked
// again over TCP: TC set, longer than the receive buffer, or one that
// cannot be unpacked.
var ErrNeedTCP = errNeedTCP

// NewUDPTransport returns a transport whose queries time out after
// timeout. Close ends it.
func NewUDPTransport(timeout time.Duration) *UDPTransport {
	return &UDPTransport{t: newTransport(timeout), calls: sync.Pool{New: func() any { return newCall() }}}
}

// Exchange sends m to the server at to and returns its reply, matched to
// m (source, ID and question; anything else is dropped and counted in
// Stats). It sets m.Id to the ID the query carried. A timeout is a
// net.Error whose Timeout is true.
func (u *UDPTransport) Exchange(ctx context.Context, m *dns.Msg, to netip.AddrPort) (*dns.Msg, error) {
	cl := u.calls.Get().(*call)
	defer u.calls.Put(cl)
	b, err := m.PackBuffer(cl.query[:cap(cl.query)])
	if err != nil {
		return nil, err
	}
	cl.setQuery(b, to)
	err = u.t.exchange(ctx, cl, int(u.next.Add(1)))
	m.Id = cl.id
	if err != nil {
		return nil, err
	}
	resp := new(dns.Msg)
	if resp.Unpack(cl.resp) != nil {
		return nil, errNeedTCP
	}
	if resp.Truncated {
		return resp, errNeedTCP
	}
	return resp, nil
}

// Stats returns the counts of the datagrams the transport dropped.
func (u *UDPTransport) Stats() TransportStats { return u.t.stats() }

// Close closes the sockets; queries in flight end with an error.
func (u *UDPTransport) Close() { u.t.close() }
