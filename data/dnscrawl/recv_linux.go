//go:build linux

package dnscrawl

import (
	"net"
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmsgReader reads a socket's datagrams in batches with recvmmsg into
// buffers, headers and source addresses that it reuses: no allocation
// per datagram (golang.org/x/net's ReadBatch makes a net.UDPAddr for
// each). It waits for the socket through the Go runtime's poller, as
// every read of a net.UDPConn does.
type mmsgReader struct {
	rc    syscall.RawConn
	hdrs  []unix.Mmsghdr
	iovs  []unix.Iovec
	addrs []unix.RawSockaddrInet6 // room for an IPv4 source too
	bufs  [][]byte
	n     int
	errno syscall.Errno
}

// newBatchReader returns the reader of pc's datagrams, n per call, each
// of at most size bytes (longer ones are cut and flagged).
func newBatchReader(pc *net.UDPConn, v6 bool, n, size int) (batchReader, error) {
	rc, err := pc.SyscallConn()
	if err != nil {
		return nil, err
	}
	r := &mmsgReader{
		rc:    rc,
		hdrs:  make([]unix.Mmsghdr, n),
		iovs:  make([]unix.Iovec, n),
		addrs: make([]unix.RawSockaddrInet6, n),
		bufs:  make([][]byte, n),
	}
	for i := range n {
		r.bufs[i] = make([]byte, size)
		r.iovs[i].Base = &r.bufs[i][0]
		r.iovs[i].SetLen(size)
		h := &r.hdrs[i].Hdr
		h.Iov = &r.iovs[i]
		h.SetIovlen(1)
		h.Name = (*byte)(unsafe.Pointer(&r.addrs[i]))
	}
	return r, nil
}

// read waits for datagrams and takes up to a batch of them.
func (r *mmsgReader) read() (int, error) {
	for i := range r.hdrs {
		h := &r.hdrs[i]
		h.Hdr.Namelen = unix.SizeofSockaddrInet6
		h.Hdr.Flags = 0
		h.Len = 0
	}
	err := r.rc.Read(func(fd uintptr) bool {
		for {
			n, _, e := unix.Syscall6(unix.SYS_RECVMMSG, fd, uintptr(unsafe.Pointer(&r.hdrs[0])), uintptr(len(r.hdrs)), unix.MSG_DONTWAIT, 0, 0)
			switch e {
			case unix.EINTR:
				continue // interrupted by a signal: datagrams may be waiting
			case unix.EAGAIN:
				return false // nothing yet: wait for the poller
			}
			r.n, r.errno = int(n), e
			return true
		}
	})
	if err != nil {
		return 0, err
	}
	if r.errno != 0 {
		return 0, r.errno
	}
	return r.n, nil
}

// datagram returns the i-th datagram of the last read, its source, and
// whether it was longer than the buffer.
func (r *mmsgReader) datagram(i int) (b []byte, from netip.AddrPort, cut bool) {
	h := &r.hdrs[i]
	b = r.bufs[i][:min(int(h.Len), len(r.bufs[i]))]
	cut = h.Hdr.Flags&unix.MSG_TRUNC != 0
	sa := &r.addrs[i]
	switch sa.Family {
	case unix.AF_INET:
		s4 := (*unix.RawSockaddrInet4)(unsafe.Pointer(sa))
		from = netip.AddrPortFrom(netip.AddrFrom4(s4.Addr), netPort(s4.Port))
	case unix.AF_INET6:
		from = netip.AddrPortFrom(netip.AddrFrom16(sa.Addr), netPort(sa.Port))
	}
	return b, from, cut
}

// netPort reads a port stored in network byte order.
func netPort(p uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return uint16(b[0])<<8 | uint16(b[1])
}
