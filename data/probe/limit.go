package probe

import (
	"context"
	"net/netip"
	"sync"
)

// addrLimit bounds the connections open at once to each address. Its map
// holds only the addresses in use or waited for, so its size is bounded
// by the number of probes in flight, not by the list.
type addrLimit struct {
	mu    sync.Mutex
	per   int
	slots map[netip.Addr]*addrSlot
}

type addrSlot struct {
	sem   chan struct{}
	users int // holders and waiters
}

func newAddrLimit(per int) *addrLimit {
	return &addrLimit{per: per, slots: make(map[netip.Addr]*addrSlot)}
}

// acquire waits for a slot of a, or for ctx to end, and returns the
// function that gives the slot back.
func (l *addrLimit) acquire(ctx context.Context, a netip.Addr) (func(), error) {
	l.mu.Lock()
	s := l.slots[a]
	if s == nil {
		s = &addrSlot{sem: make(chan struct{}, l.per)}
		l.slots[a] = s
	}
	s.users++
	l.mu.Unlock()
	leave := func() {
		l.mu.Lock()
		if s.users--; s.users == 0 {
			delete(l.slots, a)
		}
		l.mu.Unlock()
	}
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
