package probe

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// BenchmarkProbe probes one domain per iteration (TLS to the apex and
// www, HEAD over the www connection) against a loopback HTTPS server with
// a root -> intermediate -> leaf chain, verified against the root: the
// CPU a domain's probes cost on both sides, without network latency.
func BenchmarkProbe(b *testing.B) {
	root := newCA(b, "Bench Root", "Bench CA", nil)
	inter := newCA(b, "Bench Issuing CA", "Bench CA", root)
	cert := inter.leaf(b, leafSpec{cn: "example.test", sans: []string{"example.test", "www.example.test"}, ocsp: []string{"http://ocsp.ca.test"}}, inter)
	ep := tlsServer(b, cert, nil, func(h http.Header) { h.Set("Server", "cloudflare") })
	p, err := New(Config{TLS: true, HTTP: true, Timeout: 5 * time.Second, Roots: root.pool(), Redirect: &Redirect{TLS: ep, HTTP: ep}})
	if err != nil {
		b.Fatal(err)
	}
	ok := 0
	for b.Loop() {
		o := observation("example.test", "192.0.2.10", "192.0.2.11")
		p.Probe(context.Background(), o)
		if len(o.TLS) == 2 && o.TLS[1].Status == dnscrawl.ProbeOK && o.TLS[1].Verified {
			ok++
		}
	}
	if ok != b.N {
		b.Fatalf("%d of %d probes ok", ok, b.N)
	}
}
