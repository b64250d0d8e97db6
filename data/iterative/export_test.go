package iterative

import "time"

// SetClock makes r read the time of its caches from now (tests only).
func SetClock(r *Resolver, now func() time.Time) { r.now = now }
