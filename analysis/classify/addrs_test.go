package classify

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"unsafe"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// randomAddrInfos returns n AddrInfos over every layer of StateLayers,
// IPv4 and IPv6 addresses (a few with zones, a few equal but for the
// zone), countries and regions, empty ones included.
func randomAddrInfos(rng *rand.Rand, n int) []AddrInfo {
	countries := []string{"", "DE", "US", "de", "ZZ"}
	regions := []string{"", "us-east-1", "eu-central-1", "fra"}
	zones := []string{"", "", "", "eth0", "1"}
	out := make([]AddrInfo, n)
	for i := range out {
		var a netip.Addr
		if rng.IntN(2) == 0 {
			a = netip.AddrFrom4([4]byte{byte(rng.IntN(3)), 0, byte(rng.IntN(2)), byte(rng.IntN(4))})
		} else {
			var b [16]byte
			b[0], b[15] = 0xfe, byte(rng.IntN(4))
			a = netip.AddrFrom16(b).WithZone(zones[rng.IntN(len(zones))])
		}
		out[i] = AddrInfo{
			Layer: StateLayers[rng.IntN(len(StateLayers))], Addr: a, ASN: uint32(rng.IntN(3)) * 64500,
			Country: countries[rng.IntN(len(countries))], Region: regions[rng.IntN(len(regions))],
		}
	}
	return out
}

// TestPackedAddrs checks that a Result gives back the AddrInfos it was
// given, and that packed addresses sort and compare as AddrInfos do (by
// layer in StateLayers order, then netip.Addr.Compare).
func TestPackedAddrs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	as := randomAddrInfos(rng, 400)
	as = append(as, AddrInfo{Layer: catalog.LayerDNS}) // no address at all
	var r Result
	r.SetAddrs(as)
	if r.NumAddrs() != len(as) {
		t.Fatalf("NumAddrs %d, want %d", r.NumAddrs(), len(as))
	}
	if got := r.AddrInfos(); !slices.Equal(got, as) {
		t.Fatalf("AddrInfos gave back\n%v\nwant\n%v", got, as)
	}
	for i, a := range r.Addrs() {
		if a != as[i] {
			t.Fatalf("Addrs %d: %v, want %v", i, a, as[i])
		}
		l, asn, country := r.AddrASN(i)
		if l != a.Layer || asn != a.ASN || country != a.Country {
			t.Fatalf("AddrASN %d: %v %d %q, want %v", i, l, asn, country, a)
		}
	}
	want := func(x, y AddrInfo) int {
		if x.Layer != y.Layer {
			return layerIndex(x.Layer) - layerIndex(y.Layer)
		}
		return x.Addr.Compare(y.Addr)
	}
	for i := range as {
		for j := range as {
			x, y := pack(as[i]), pack(as[j])
			if got, w := sign(x.compare(&y)), sign(want(as[i], as[j])); got != w {
				t.Fatalf("compare %v and %v: %d, want %d", as[i], as[j], got, w)
			}
			same := as[i].Layer == as[j].Layer && as[i].Addr == as[j].Addr
			// The same address on the same layer has one place (the
			// classifier's facts); only then is sameAddr asked.
			if same && as[i].Country == as[j].Country && as[i].Region == as[j].Region && !x.sameAddr(&y) {
				t.Fatalf("sameAddr %v and %v: false", as[i], as[j])
			}
			if !same && x.sameAddr(&y) {
				t.Fatalf("sameAddr %v and %v: true", as[i], as[j])
			}
		}
	}
	r.SetAddrs(nil)
	if r.NumAddrs() != 0 || r.AddrInfos() != nil {
		t.Error("SetAddrs(nil) left addresses")
	}
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// TestPlacesConcurrent interns places from several goroutines (run with
// -race): every index gives back its place.
func TestPlacesConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	const n = 3 * internChunk // enough to grow the chunk directory
	got := make([][]uint32, 4)
	for g := range got {
		wg.Go(func() {
			for i := range n {
				got[g] = append(got[g], placeIndex(place{country: "T" + fmt.Sprint(i), region: "test-concurrent"}))
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i, idx := range got[g] {
			if p := placeAt(idx); p.country != "T"+fmt.Sprint(i) || p.region != "test-concurrent" {
				t.Fatalf("goroutine %d, place %d: index %d holds %+v", g, i, idx, *p)
			}
			if idx != got[0][i] {
				t.Fatalf("place %d: index %d in goroutine %d, %d in 0", i, idx, g, got[0][i])
			}
		}
	}
}

// TestPackedAddrSize keeps packedAddr small and free of pointers.
func TestPackedAddrSize(t *testing.T) {
	if s := unsafe.Sizeof(packedAddr{}); s > 28 {
		t.Errorf("packedAddr is %d bytes, want at most 28", s)
	}
}
