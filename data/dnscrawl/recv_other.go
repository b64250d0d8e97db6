//go:build !linux

package dnscrawl

import (
	"net"
	"net/netip"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// xnetReader reads a socket's datagrams through golang.org/x/net's
// ReadBatch: one datagram per call outside Linux.
type xnetReader struct {
	bc batchConn
	ms []ipv4.Message
}

// newBatchReader returns the reader of pc's datagrams, n per call where
// the system batches reads, each of at most size bytes.
func newBatchReader(pc *net.UDPConn, v6 bool, n, size int) (batchReader, error) {
	ms := make([]ipv4.Message, n)
	for i := range ms {
		ms[i].Buffers = [][]byte{make([]byte, size)}
	}
	var bc batchConn = ipv4.NewPacketConn(pc)
	if v6 {
		bc = ipv6.NewPacketConn(pc)
	}
	return &xnetReader{bc: bc, ms: ms}, nil
}

func (r *xnetReader) read() (int, error) { return r.bc.ReadBatch(r.ms, 0) }

func (r *xnetReader) datagram(i int) (b []byte, from netip.AddrPort, cut bool) {
	m := &r.ms[i]
	if u, ok := m.Addr.(*net.UDPAddr); ok {
		from = u.AddrPort()
	}
	return m.Buffers[0][:m.N], from, m.Flags&msgTrunc != 0
}
