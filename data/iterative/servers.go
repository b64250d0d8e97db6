package iterative

import (
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// server is one authoritative server address with what the resolver
// knows of it: its rate limit, a smoothed RTT, and its failures.
type server struct {
	limiter *rate.Limiter // nil: unlimited

	mu    sync.Mutex
	srtt  time.Duration // 0: never answered
	fails int           // consecutive timeouts and network errors
	down  time.Time     // avoided until then
}

const (
	// A server that failed failThreshold times in a row is avoided for
	// a period that doubles with each further failure, up to maxDown.
	failThreshold = 2
	minDown       = time.Second
	maxDown       = time.Minute
	// lameFor is how long a server found lame for a zone is avoided for
	// it.
	lameFor = 15 * time.Minute
)

// answered records an answer after rtt.
func (s *server) answered(rtt time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srtt == 0 {
		s.srtt = rtt
	} else {
		s.srtt = (7*s.srtt + 3*rtt) / 10
	}
	s.fails, s.down = 0, time.Time{}
}

// failed records a timeout or network error; the RTT counts as timeout.
func (s *server) failed(timeout time.Duration, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.srtt = max(s.srtt, timeout)
	s.fails++
	if s.fails >= failThreshold {
		s.down = now.Add(min(minDown<<min(s.fails-failThreshold, 10), maxDown))
	}
}

// score orders the servers of a zone for the next query: lower is
// better. A server never heard from scores a few random microseconds, so
// that new servers are tried and load spreads over them; a known one its
// smoothed RTT; one without a token to spare the wait for it on top, and
// one avoided after failures an hour on top, so that it is asked only
// when every other server of the zone is worse.
func (s *server) score(now time.Time) time.Duration {
	s.mu.Lock()
	srtt, down := s.srtt, s.down
	s.mu.Unlock()
	sc := srtt
	if srtt == 0 {
		sc = time.Duration(rand.IntN(1000)) * time.Microsecond
	}
	if s.limiter != nil && s.limiter.TokensAt(now) < 1 {
		sc += time.Duration((1 - s.limiter.TokensAt(now)) / float64(s.limiter.Limit()) * float64(time.Second))
	}
	if now.Before(down) {
		sc += time.Hour
	}
	return sc
}

// servers is the shared table of every server address the resolver has
// talked to.
type servers struct {
	qps  float64
	mu   sync.Mutex
	m    map[netip.Addr]*server
	lame map[lameKey]lameEntry
	max  int
}

type lameKey struct {
	zone string
	addr netip.Addr
}

type lameEntry struct {
	why     dnscrawl.LameWhy
	until   time.Time
	errText string
}

func newServers(qps float64, max int) *servers {
	return &servers{qps: qps, m: map[netip.Addr]*server{}, lame: map[lameKey]lameEntry{}, max: max}
}

// get returns the state of the server at a, created on first use.
func (t *servers) get(a netip.Addr) *server {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.m[a]
	if ok {
		return s
	}
	s = &server{}
	if t.qps > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(t.qps), max(1, int(t.qps/10)))
	}
	if len(t.m) < t.max {
		// Past the bound, a new server still gets its limit for this
		// query but is not remembered.
		t.m[a] = s
	}
	return s
}

// setLame records that the server at a does not serve zone.
func (t *servers) setLame(zone string, a netip.Addr, why dnscrawl.LameWhy, errText string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lame) >= t.max {
		for k, v := range t.lame {
			if !now.Before(v.until) {
				delete(t.lame, k)
			}
		}
		if len(t.lame) >= t.max {
			return
		}
	}
	t.lame[lameKey{zone, a}] = lameEntry{why: why, until: now.Add(lameFor), errText: errText}
}

// isLame reports whether the server at a was found lame for zone lately.
func (t *servers) isLame(zone string, a netip.Addr, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.lame[lameKey{zone, a}]
	return ok && now.Before(e.until)
}
