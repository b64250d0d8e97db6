package probe

import "testing"

// FuzzParseRedirect feeds arbitrary text as the simulated resolver's
// CHAOS answer: it must never panic, whatever it accepts names loopback
// endpoints only, and it reads back what it writes.
func FuzzParseRedirect(f *testing.F) {
	f.Add("tls=127.0.0.1:4443 http=127.0.0.1:8080")
	f.Add("tls=[::1]:1 x=y")
	f.Add("tls=192.0.2.1:443")
	f.Add("==== tls=")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRedirect(s)
		if err != nil {
			return
		}
		if (r.TLS.IsValid() && !r.TLS.Addr().IsLoopback()) || (r.HTTP.IsValid() && !r.HTTP.Addr().IsLoopback()) {
			t.Fatalf("ParseRedirect(%q) accepted a non-loopback endpoint: %v", s, r)
		}
		again, err := ParseRedirect(r.String())
		if err != nil || *again != *r {
			t.Fatalf("ParseRedirect(%q) = %v; its String %q reads back as %v, %v", s, r, r.String(), again, err)
		}
	})
}
