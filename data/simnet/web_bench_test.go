package simnet

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// tlsNames returns the SNI names of the hosts of in that serve TLS.
func tlsNames(in *Internet) []string {
	var out []string
	var p plan
	for i := range in.Len() {
		in.makePlan(&p, i)
		tp := p.tlsPlan()
		for h, prefix := range []string{"", "www."} {
			if p.host[h].exists && tp.host[h].kind != certNone {
				out = append(out, prefix+p.name)
			}
		}
	}
	return out
}

// BenchmarkIssueLeaf measures issuing one leaf certificate (key, signature
// and, for a share, an OCSP response), the cost of a host's first
// handshake.
func BenchmarkIssueLeaf(b *testing.B) {
	in := generate(b, Config{Domains: 20000, Seed: 1})
	k, err := in.pki()
	if err != nil {
		b.Fatal(err)
	}
	var p plan
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		in.makePlan(&p, i%in.Len())
		i++
		tp := p.tlsPlan()
		if tp.host[hostApex].kind == certNone {
			continue
		}
		if _, err := k.issue(&p, hostApex, tp.host[hostApex]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEndpointHandshake measures a full TLS handshake with the
// endpoint over loopback, certificates already issued (the cache warm):
// what a crawl's probe of one host costs the simulator.
func BenchmarkEndpointHandshake(b *testing.B) {
	in := generate(b, Config{Domains: 500, Seed: 1})
	srv := startServer(b, in)
	names := tlsNames(in)
	addr := srv.Endpoint().TLSAddr()
	dial := func(name string) {
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 2 * time.Second}, "tcp", addr, &tls.Config{ServerName: name, InsecureSkipVerify: true})
		if err != nil {
			b.Fatal(err)
		}
		c.Close()
	}
	for _, n := range names {
		dial(n)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dial(names[i%len(names)])
		i++
	}
}
