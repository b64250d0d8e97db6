package classify

import (
	"fmt"
	"math"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// syntheticObservations returns n resolved domains in the shape of a
// crawl: name servers of a few providers (their addresses recur across
// domains), vanity name servers on a shared pool of addresses, web hosts
// behind a CDN range or on an origin address of their own, and mail
// exchangers.
func syntheticObservations(n int) []*dnscrawl.Observation {
	out := make([]*dnscrawl.Observation, n)
	for i := range out {
		d := fmt.Sprintf("site%d.example", i)
		o := obs(d)
		switch i % 4 {
		case 0:
			o.NS = []dnscrawl.NSHost{{Name: "ada.ns.cloudflare.com"}, {Name: "bob.ns.cloudflare.com"}}
		case 1:
			o.NS = []dnscrawl.NSHost{{Name: "ns-1.awsdns-01.com"}, {Name: "ns-2.awsdns-02.net"}}
		default:
			o.NS = []dnscrawl.NSHost{{Name: "ns1." + d, Addrs: []netip.Addr{netip.AddrFrom4([4]byte{52, 0, byte(i % 7), 1})}}}
		}
		origin := netip.AddrFrom4([4]byte{84, 128 + byte(i>>16&63), byte(i >> 8), byte(i)})
		if i%3 == 0 {
			o.Apex = dnscrawl.Host{Name: d, Status: dnscrawl.StatusOK, A: []netip.Addr{netip.AddrFrom4([4]byte{104, 16, byte(i % 50), 1})}}
			o.WWW = dnscrawl.Host{Name: "www." + d, Status: dnscrawl.StatusOK, CNAMEs: []string{d + ".cdn.cloudflare.net"}, A: []netip.Addr{netip.AddrFrom4([4]byte{104, 16, byte(i % 50), 2})}}
		} else {
			o.Apex = dnscrawl.Host{Name: d, Status: dnscrawl.StatusOK, A: []netip.Addr{origin}}
			o.WWW = dnscrawl.Host{Name: "www." + d, Status: dnscrawl.StatusOK, A: []netip.Addr{origin}}
		}
		o.MXStatus = dnscrawl.StatusOK
		o.MX = []dnscrawl.MXHost{{Preference: 10, Name: "aspmx.l.google.com"}}
		out[i] = o
	}
	return out
}

func benchClassifier(b testing.TB) *Classifier {
	cat, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	return New(cat, testASN)
}

// BenchmarkClassify classifies 100,000 synthetic domains, one at a time;
// the addresses of name servers and CDN edges recur, origins do not.
func BenchmarkClassify(b *testing.B) {
	obs := syntheticObservations(100_000)
	b.ReportAllocs()
	for b.Loop() {
		c := benchClassifier(b) // cold caches each time
		for _, o := range obs {
			c.Classify(o)
		}
	}
}

// withProbes adds to each observation what the TLS and HTTP probes of a
// crawl record: a leaf certificate of www from one of three issuers (two
// catalogued, one not), stapled on every third domain, and an HTTP
// answer with edge headers on the sites behind the CDN.
func withProbes(obs []*dnscrawl.Observation) []*dnscrawl.Observation {
	issuers := [][2]string{{"Let's Encrypt", "R11"}, {"Google Trust Services", "WR2"}, {"Example Trust Services, Inc.", "Example TLS CA 1"}}
	out := make([]*dnscrawl.Observation, len(obs))
	for i, o := range obs {
		c := *o
		is := issuers[i%len(issuers)]
		c.TLS = []dnscrawl.TLSProbe{{Host: "www." + o.Domain, Port: 443, Status: dnscrawl.ProbeOK, OCSPStapled: i%3 == 0,
			Chain: []dnscrawl.Cert{{SubjectCN: "www." + o.Domain, IssuerOrg: is[0], IssuerCN: is[1], SANs: 2}}}}
		h := map[string][]string{"Server": {"nginx"}}
		if i%3 == 0 {
			h = map[string][]string{"Server": {"cloudflare"}, "Cf-Ray": {"8c5d9d4a5e3c1f2a-FRA"}}
		}
		c.HTTP = []dnscrawl.HTTPProbe{{URL: "https://www." + o.Domain + "/", Status: dnscrawl.ProbeOK, StatusCode: 200, Headers: h}}
		out[i] = &c
	}
	return out
}

// BenchmarkClassifyProbes is BenchmarkClassify on observations that also
// carry TLS and HTTP probes: the cost of the ca layer and the header
// rules over the DNS-only classification.
func BenchmarkClassifyProbes(b *testing.B) {
	obs := withProbes(syntheticObservations(100_000))
	b.ReportAllocs()
	for b.Loop() {
		c := benchClassifier(b)
		for _, o := range obs {
			c.Classify(o)
		}
	}
}

// BenchmarkClassifyParallel is BenchmarkClassify from GOMAXPROCS
// goroutines sharing one classifier (and its caches), as analyze
// does.
func BenchmarkClassifyParallel(b *testing.B) {
	obs := syntheticObservations(100_000)
	c := benchClassifier(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			c.Classify(obs[i%len(obs)])
			i++
		}
	})
}

// TestClassifyCacheInvisible checks that the caches of names and the shared
// state maps change nothing: classifying with a warm classifier gives the
// results of a fresh classifier per domain.
func TestClassifyCacheInvisible(t *testing.T) {
	t.Parallel()
	obs := syntheticObservations(2_000)
	warm := benchClassifier(t)
	for _, o := range obs { // fill the cache
		warm.Classify(o)
	}
	for _, o := range obs {
		got, want := warm.Classify(o), New(warm.cat, testASN).Classify(o)
		if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{}, packedAddr{}, packedDep{}), cmp.AllowUnexported(Result{}, listHints{})); diff != "" {
			t.Fatalf("%s: cached classification differs (-fresh +cached):\n%s", o.Domain, diff)
		}
	}
}

func TestStateSets(t *testing.T) {
	t.Parallel()
	s := newStateSets()
	seen := make(map[string]bool)
	for _, dns := range States {
		for _, cdn := range States {
			for _, hosting := range States {
				for _, email := range States {
					want := states(dns, cdn, hosting, email)
					want[catalog.LayerCA], want[catalog.LayerTLD] = StateUnresolved, StateKnown
					got := s.get([]State{dns, cdn, hosting, email, StateUnresolved, StateKnown})
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("get(%s %s %s %s) (-want +got):\n%s", dns, cdn, hosting, email, diff)
					}
					seen[fmt.Sprint(got)] = true
				}
			}
		}
	}
	if n := len(States) * len(States) * len(States) * len(States); len(seen) != n {
		t.Errorf("%d distinct maps handed out, want %d", len(seen), n)
	}
	if len(s.maps) != int(math.Pow(float64(len(States)), float64(len(StateLayers)))) {
		t.Errorf("%d maps for %d layers", len(s.maps), len(StateLayers))
	}
	// The check above can fail: two layers swapped give another map.
	if cmp.Equal(s.get([]State{StateKnown, StateNone, StateNone, StateNone, StateNone, StateNone}), s.get([]State{StateNone, StateKnown, StateNone, StateNone, StateNone, StateNone})) {
		t.Error("different states share a map")
	}
}
