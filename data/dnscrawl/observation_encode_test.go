package dnscrawl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

// hostileStrings are names and texts as DNS and the web may give them:
// quotes, backslashes, every kind of control character, HTML, invalid
// UTF-8, the JavaScript line separators, non-ASCII.
var hostileStrings = []string{
	"example.com", "", `a"b\c`, "tab\there\nnew\rline", "\b\f\x00\x01\x1f\x7f", "<script>&amp;</script>",
	"bad\xffutf8\xc3", "sep\u2028par\u2029", "bücher.de", "日本.jp", "emoji 😀", `\\065xample`, "x,y;z",
}

// filler sets every field of a value, recursively, to a value that is
// not the zero value (slices get two elements, maps two keys), drawing
// strings from hostileStrings and numbers from rng.
type filler struct {
	rng *rand.Rand
	n   int
}

var (
	timeType = reflect.TypeFor[time.Time]()
	addrType = reflect.TypeFor[netip.Addr]()
)

func (f *filler) fill(v reflect.Value, depth int) {
	f.n++
	switch v.Type() {
	case timeType:
		v.Set(reflect.ValueOf(time.Date(2026, 12, 5, 9, 30, f.rng.IntN(60), f.rng.IntN(1e9), time.UTC)))
		return
	case addrType:
		a := netip.AddrFrom4([4]byte{192, 0, 2, byte(f.n)})
		if f.n%2 == 0 {
			a = netip.MustParseAddr(fmt.Sprintf("2001:db8::%x", f.n))
		}
		v.Set(reflect.ValueOf(a))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(hostileStrings[f.n%len(hostileStrings)])
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(1 + f.rng.IntN(100000)))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(1 + f.rng.IntN(60000)))
	case reflect.Float32, reflect.Float64:
		floats := []float64{12.345, 0.001, 1e-7, 123456789.125, 3e21, 1}
		v.SetFloat(floats[f.n%len(floats)])
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		for range 2 {
			k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			f.fill(k, depth+1)
			f.fill(e, depth+1)
			m.SetMapIndex(k, e)
		}
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i), depth+1)
			}
		}
	default:
		panic(fmt.Sprintf("filler: no rule for %s", v.Type()))
	}
}

// stdJSON is what encoding/json writes for o, HTML escaping off: the
// format the Encoder must keep.
func stdJSON(t *testing.T, o *Observation) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(o); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func ourJSON(t *testing.T, o *Observation) string {
	t.Helper()
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	if err := enc.Encode(o); err != nil {
		t.Fatal(err)
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestEncoderMatchesJSON: the hand-written encoder writes what
// encoding/json writes, for an observation with every field set
// (recursively: a field added to Observation or to a type it holds and
// not written by the encoder fails here), for the zero observation, and
// for observations with fields cleared at random (omitempty, nil versus
// empty slices).
func TestEncoderMatchesJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	full := func(seed int) *Observation {
		var o Observation
		(&filler{rng: rng, n: seed}).fill(reflect.ValueOf(&o).Elem(), 0)
		o.SchemaVersion = SchemaVersion
		return &o
	}
	check := func(name string, o *Observation) {
		t.Helper()
		want, got := stdJSON(t, o), ourJSON(t, o)
		if got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
	}
	o := full(0)
	// Every field of Observation is set, so that every key is written.
	ot := reflect.TypeFor[Observation]()
	line := stdJSON(t, o)
	for i := range ot.NumField() {
		key, _, _ := strings.Cut(ot.Field(i).Tag.Get("json"), ",")
		if !strings.Contains(line, `"`+key+`":`) {
			t.Errorf("field %s (%q) not set by the filler: the test does not cover it", ot.Field(i).Name, key)
		}
	}
	check("every field set", o)
	check("zero observation", &Observation{SchemaVersion: SchemaVersion})
	for k := range len(hostileStrings) * 4 {
		o := full(k)
		// Clear a random subset of the fields, top level and nested.
		clear := func(v reflect.Value) {
			for i := range v.NumField() {
				if rng.IntN(3) == 0 {
					v.Field(i).SetZero()
				}
			}
		}
		clear(reflect.ValueOf(o).Elem())
		o.SchemaVersion = SchemaVersion // Encode sets it when 0
		clear(reflect.ValueOf(&o.Apex).Elem())
		for i := range o.TargetZones {
			if rng.IntN(2) == 0 {
				o.TargetZones[i].NS = nil // null, not omitted
			} else {
				o.TargetZones[i].NS = []string{}
			}
		}
		for i := range o.NS {
			if rng.IntN(2) == 0 {
				o.NS[i].Addrs = []netip.Addr{}
			}
		}
		check(fmt.Sprintf("random %d", k), o)
	}
	// Every single byte in a name.
	for c := range 256 {
		o := &Observation{SchemaVersion: SchemaVersion, Domain: "d.test", Error: string([]byte{'x', byte(c), 'y'})}
		check(fmt.Sprintf("byte %#x", c), o)
	}
}

func BenchmarkEncoder(b *testing.B) {
	o := &Observation{
		SchemaVersion: SchemaVersion, Domain: "example.com", Rank: 1234, Status: StatusOK,
		NS:   []NSHost{{Name: "ns1.dnsprov.net", Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.1")}}, {Name: "ns2.dnsprov.net"}},
		SOA:  &SOA{MName: "ns1.dnsprov.net", RName: "hostmaster.example.com", Serial: 2026120501},
		Apex: Host{Name: "example.com", Status: StatusOK, A: []netip.Addr{netip.MustParseAddr("198.51.100.7")}, AAAA: []netip.Addr{netip.MustParseAddr("2001:db8::7")}},
		WWW: Host{Name: "www.example.com", Status: StatusOK, CNAMEs: []string{"example-com.cdn.net", "e12.cdn-edge.net"},
			A: []netip.Addr{netip.MustParseAddr("198.51.100.12")}},
		MX:          []MXHost{{Preference: 10, Name: "mx1.mail.com", Addrs: []netip.Addr{netip.MustParseAddr("192.0.2.25")}}},
		MXStatus:    StatusOK,
		TargetZones: []ZoneNS{{Zone: "cdn.net", NS: []string{"ns1.dnsprov.net", "ns2.dnsprov.net"}}},
		Resolver:    "127.0.0.1:53", StartedAt: time.Date(2026, 12, 5, 9, 0, 0, 123456789, time.UTC), DurationMS: 12.345, Queries: 9, Attempts: 9,
	}
	b.Run("hand", func(b *testing.B) {
		enc := NewEncoder(io.Discard)
		b.ReportAllocs()
		for b.Loop() {
			enc.Encode(o)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		enc := json.NewEncoder(io.Discard)
		enc.SetEscapeHTML(false)
		b.ReportAllocs()
		for b.Loop() {
			enc.Encode(o)
		}
	})
}
