package simnet

import (
	"encoding/binary"
	"net"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// crawlQueries packs the questions a crawler asks about the resolving
// domains of in (NS, SOA, A and AAAA of apex and www, MX), with EDNS0.
func crawlQueries(tb testing.TB, in *Internet, max int) [][]byte {
	tb.Helper()
	var out [][]byte
	var p plan
	for i := 0; i < in.Len() && len(out) < max; i++ {
		in.makePlan(&p, i)
		if p.d.status != statusOK {
			continue // timeout domains would stall a worker
		}
		for _, q := range []struct {
			name string
			qt   uint16
		}{
			{p.name, dns.TypeNS}, {p.name, dns.TypeSOA}, {p.name, dns.TypeA}, {p.name, dns.TypeAAAA},
			{"www." + p.name, dns.TypeA}, {"www." + p.name, dns.TypeAAAA}, {p.name, dns.TypeMX},
		} {
			m := query(q.name, q.qt)
			m.SetEdns0(1232, false)
			b, err := m.Pack()
			if err != nil {
				tb.Fatal(err)
			}
			out = append(out, b)
		}
	}
	return out
}

// BenchmarkServe measures the server's throughput over UDP on loopback:
// bare clients, one persistent socket each, one question in flight per
// socket.
func BenchmarkServe(b *testing.B) {
	in := generate(b, Config{Domains: 100_000, Seed: 1})
	s := startServer(b, in)
	msgs := crawlQueries(b, in, 50_000)
	addr, err := net.ResolveUDPAddr("udp", s.Addr())
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Uint64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		conn, err := net.DialUDP("udp", nil, addr)
		if err != nil {
			b.Error(err)
			return
		}
		defer conn.Close()
		q := make([]byte, 512)
		buf := make([]byte, 65535)
		for pb.Next() {
			k := next.Add(1)
			n := copy(q, msgs[k%uint64(len(msgs))])
			id := uint16(k)
			binary.BigEndian.PutUint16(q, id)
			if _, err := conn.Write(q[:n]); err != nil {
				b.Error(err)
				return
			}
			conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			for {
				nr, err := conn.Read(buf)
				if err != nil {
					b.Errorf("query %d: %v", k, err)
					return
				}
				if nr >= 12 && binary.BigEndian.Uint16(buf) == id {
					break
				}
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

// BenchmarkAnswer measures the resolver alone, without network or wire
// format.
func BenchmarkAnswer(b *testing.B) {
	in := generate(b, Config{Domains: 100_000, Seed: 1})
	var qs []dns.Question
	for _, raw := range crawlQueries(b, in, 50_000) {
		m := new(dns.Msg)
		if err := m.Unpack(raw); err != nil {
			b.Fatal(err)
		}
		qs = append(qs, m.Question[0])
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var r reply
		in.answer(qs[i%len(qs)], &r)
		i++
	}
}

// BenchmarkGenerate measures generating a population of a million domains
// and the heap it keeps.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	var in *Internet
	for b.Loop() {
		var err error
		if in, err = Generate(Config{Domains: 1_000_000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	runtime.KeepAlive(in)
}
