package dnscrawl

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"
)

// fill sets every field of v, recursively, to a value of its own: strings,
// numbers, times and addresses all differ, slices get two elements, maps
// one key, pointers a value. n numbers the values.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 2, 3, 4, 5, *n, time.UTC)))
		return
	case reflect.TypeFor[netip.Addr]():
		if *n%2 == 0 {
			v.Set(reflect.ValueOf(netip.AddrFrom4([4]byte{192, 0, 2, byte(*n)})))
		} else {
			v.Set(reflect.ValueOf(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(*n >> 8), 15: byte(*n)})))
		}
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d.example", *n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n))
	case reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float64:
		v.SetFloat(float64(*n) + 0.25)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), n)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), n)
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k := reflect.New(v.Type().Key()).Elem()
		fill(t, k, n)
		e := reflect.New(v.Type().Elem()).Elem()
		fill(t, e, n)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), n)
			}
		}
	default:
		t.Fatalf("fill: no value for a %s (%s): add one", v.Type(), v.Kind())
	}
}

// zeroFields lists the exported fields of v, recursively, left at their
// zero value: fill must leave none.
func zeroFields(v reflect.Value, path string) []string {
	if v.IsZero() {
		return []string{path}
	}
	var out []string
	switch v.Kind() {
	case reflect.Pointer:
		return zeroFields(v.Elem(), path)
	case reflect.Slice:
		for i := range v.Len() {
			out = append(out, zeroFields(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() || v.Type() == reflect.TypeFor[netip.Addr]() {
			return nil
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				out = append(out, zeroFields(v.Field(i), path+"."+f.Name)...)
			}
		}
	}
	return out
}

// everyFieldLine returns an observation with every field set, and its
// JSON line written by the Encoder.
func everyFieldLine(t *testing.T) (*Observation, []byte) {
	t.Helper()
	var want Observation
	n := 0
	fill(t, reflect.ValueOf(&want).Elem(), &n)
	if z := zeroFields(reflect.ValueOf(want), "Observation"); len(z) > 0 {
		t.Fatalf("fill left fields empty: %v", z)
	}
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	if err := enc.Encode(&want); err != nil {
		t.Fatal(err)
	}
	if err := enc.Flush(); err != nil {
		t.Fatal(err)
	}
	return &want, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// TestDecodeEveryField writes an observation with every field of the
// type set (nested ones too) and decodes it: a field the decoder does not
// read, such as one added to Observation without a case in decode.go,
// comes back empty and fails the test.
func TestDecodeEveryField(t *testing.T) {
	t.Parallel()
	want, line := everyFieldLine(t)
	var got Observation
	if err := decodeObservation(line, &got); err != nil {
		t.Fatalf("decode: %v\n%s", err, line)
	}
	if diff := cmp.Diff(want, &got, addrEqual); diff != "" {
		t.Errorf("decoded observation (-written +decoded): a field is not decoded (add it to decode.go):\n%s", diff)
	}

	// The check can fail: the same line without one field.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatal(err)
	}
	for key := range m {
		short := make(map[string]json.RawMessage, len(m))
		for k, v := range m {
			if k != key {
				short[k] = v
			}
		}
		b, err := json.Marshal(short)
		if err != nil {
			t.Fatal(err)
		}
		var partial Observation
		if err := decodeObservation(b, &partial); err != nil {
			t.Fatalf("decode without %s: %v", key, err)
		}
		if cmp.Equal(want, &partial, addrEqual) {
			t.Errorf("the line without %q decodes to the full observation: the comparison cannot see a missing field", key)
		}
	}
}

// addrEqual compares addresses with ==.
var addrEqual = cmpopts.EquateComparable(netip.Addr{})

// decodeBoth decodes b with decodeObservation and with encoding/json.
func decodeBoth(b []byte) (got, want Observation, gotErr, wantErr error) {
	gotErr = decodeObservation(b, &got)
	wantErr = json.Unmarshal(b, &want)
	return
}

// checkSameAsEncodingJSON fails when decodeObservation and encoding/json
// disagree on b: one accepts and the other refuses it, or both accept it
// with different values. A field given twice, which encoding/json merges,
// is refused on purpose.
func checkSameAsEncodingJSON(t *testing.T, b []byte) {
	t.Helper()
	got, want, gotErr, wantErr := decodeBoth(b)
	switch {
	case gotErr != nil && wantErr != nil:
	case gotErr != nil && strings.Contains(gotErr.Error(), "given twice"):
	case gotErr != nil:
		t.Errorf("decodeObservation refuses what encoding/json reads: %v\n%q", gotErr, b)
	case wantErr != nil:
		t.Errorf("decodeObservation reads what encoding/json refuses (%v)\n%q", wantErr, b)
	default:
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), addrEqual); diff != "" {
			t.Errorf("decoded differently (-encoding/json +decodeObservation):\n%s\n%q", diff, b)
		}
	}
	// A Parser, which interns names, gives the same values, the second
	// time too (from its table).
	p := NewParser()
	for range 2 {
		var interned Observation
		err := decodeWith(b, &interned, p)
		if (err == nil) != (gotErr == nil) {
			t.Fatalf("with a Parser: err %v, without: %v\n%q", err, gotErr, b)
		}
		if diff := cmp.Diff(got, interned, addrEqual); err == nil && diff != "" {
			t.Errorf("decoded differently with a Parser (-without +with):\n%s\n%q", diff, b)
		}
	}
	// So does a Parser with a Store (ParseInto), the second time into
	// a Store that holds the first.
	var st Store
	for range 2 {
		var stored Observation
		err := decodeIn(b, &stored, p, &st)
		if (err == nil) != (gotErr == nil) {
			t.Fatalf("with a Store: err %v, without: %v\n%q", err, gotErr, b)
		}
		if diff := cmp.Diff(got, stored, addrEqual); err == nil && diff != "" {
			t.Errorf("decoded differently with a Store (-without +with):\n%s\n%q", diff, b)
		}
	}
}

// decodeCases are lines that decoders get wrong: escapes, invalid UTF-8,
// surrogates, case-folded names, nulls, numbers at their limits, syntax
// errors, unknown fields, trailing data.
var decodeCases = []string{
	`{"schema_version":1,"domain":"a.example","status":"ok"}`,
	` {"schema_version" : 1 , "domain" : "a.example" , "status" : "ok" } ` + "\r\n",
	`{"SCHEMA_VERSION":1,"Domain":"a.example","sTaTuS":"ok"}`,
	`{"domain":"a\u002eexample\"\\\/\b\f\n\r\t","status":"\u006fk"}`,
	`{"domain":"\ud83d\ude00 \ud83d x \ude00 \ud83d\u0041","status":"ok"}`,
	"{\"domain\":\"bad \xff\xfe utf8 \xc3\x28 é\",\"status\":\"ok\"}",
	"{\"domain\":\"ctl \x01\",\"status\":\"ok\"}",
	`{"domain":"a","status":"ok","ns":null,"soa":null,"apex":null,"mx":[null],"target_zones":[{"zone":null,"ns":[null,"x"]}]}`,
	`{"ns":[{"name":"ns1","addrs":["192.0.2.1","2001:db8::1",null,""]}]}`,
	`{"ns":[{"name":"ns1","addrs":["192.0.2.300"]}]}`,
	`{"ns":[{"name":"ns1","addrs":[5]}]}`,
	`{"soa":{"mname":"m","rname":"r","serial":4294967295}}`,
	`{"soa":{"serial":4294967296}}`,
	`{"soa":{"serial":-1}}`,
	`{"soa":{"serial":1.5}}`,
	`{"mx":[{"preference":65535,"name":"mx"}]}`,
	`{"mx":[{"preference":65536}]}`,
	`{"rank":-0,"queries":9223372036854775807}`,
	`{"rank":9223372036854775808}`,
	`{"rank":1e2}`,
	`{"rank":"5"}`,
	`{"rank":01}`,
	`{"rank":-}`,
	`{"duration_ms":1.5e3,"attempts":0}`,
	`{"duration_ms":1e400}`,
	`{"duration_ms":-0.0}`,
	`{"duration_ms":.5}`,
	`{"duration_ms":1.}`,
	`{"simulated":true}`,
	`{"simulated":"true"}`,
	`{"simulated":tru}`,
	`{"started_at":"2026-12-05T09:07:57.588149495Z"}`,
	`{"started_at":"2026-12-05T09:07:57+02:00"}`,
	`{"started_at":"yesterday"}`,
	`{"started_at":null}`,
	`{"started_at":5}`,
	`{"unknown":{"deep":[1,2,{"x":null}],"s":"\u00e9"},"domain":"a"}`,
	`{"unknown":[1,2,}`,
	`{"unknown":"\x"}`,
	`{"domain":"a"} x`,
	`{"domain":"a",}`,
	`{"domain":"a"`,
	`{"domain":"a`,
	`{"domain"}`,
	`{domain:"a"}`,
	`[1]`,
	`null`,
	`"str"`,
	``,
	`{}`,
	`{"apex":{"name":"a","status":"nodata","cnames":["c1","c2"],"a":["192.0.2.1"],"aaaa":["2001:db8::1"],"error":"e"}}`,
	`{"apex":{"cnames":"c1"}}`,
	`{"www":[]}`,
	`{"tls":[{"host":"a","addr":"192.0.2.1","port":443,"status":"ok","chain":[{"subject_cn":"a","not_before":"2026-01-01T00:00:00Z","not_after":"2027-01-01T00:00:00Z"}]}]}`,
	`{"http":[{"url":"https://a","addr":"192.0.2.1","status":"ok","headers":{"Server":["x"]}}]}`,
	`{"cert_hosts":[{"name":"ocsp.example","host":{"name":"ocsp.example","status":"ok"},"zone":{"zone":"example","ns":["ns1"]}}]}`,
	`{"tls":{"host":"a"}}`,
	`{"tls":[null,{"HOST":"a","Addr":"","port":65535,"status":"tls_error","error":"e","version":"TLS 1.3","ocsp_stapled":false,"verified":true,"verify_error":"v","duration_ms":1.5,"x":[1]}]}`,
	`{"tls":[{"port":65536}]}`,
	`{"tls":[{"port":-1}]}`,
	`{"tls":[{"addr":"a.b"}]}`,
	`{"tls":[{"addr":1}]}`,
	`{"tls":[{"verified":1}]}`,
	`{"tls":[{"status":"weird"}]}`,
	`{"tls":[{"chain":null}]}`,
	`{"tls":[{"chain":[null,{"subject_cn":"\u003cb\u003e","subject_org":"o","issuer_cn":"i","issuer_org":"io","sans":3,"sha256":"ab","ocsp":["http://o",null],"crl":[],"aia":null,"self_signed":true}]}]}`,
	`{"tls":[{"chain":[{"not_before":"soon"}]}]}`,
	`{"tls":[{"chain":[{"sha256":"a"}]},{"chain":[{"sha256":"a"}]},{"chain":[{"sha256":"a"},{}]},{"chain":[{"sha256":"a"}]},{"chain":null},{"chain":null}]}`,
	`{"tls":[{"chain":[{"sha256":"a"}]},{"chain":[{"sha256":"a"}],"chain":[]}]}`,
	`{"tls":[{"chain":[{"sans":1}]},{"chain":[{"sans":1}] }]}`,
	`{"tls":[{"chain":[{"not_after":null,"sans":1.5}]}]}`,
	`{"tls":[{"chain":[{"ocsp":"http://o"}]}]}`,
	`{"tls":[{"host":"a","host":"b"}]}`,
	`{"http":null}`,
	`{"http":[null,{"URL":"u","status":"http_error","error":"e","status_code":301,"duration_ms":2}]}`,
	`{"http":[{"headers":null}]}`,
	`{"http":[{"headers":{}}]}`,
	`{"http":[{"headers":{"Server":["a"],"Server":["b","c"],"server":null,"X-\u00e9":[null,"v"]}}]}`,
	`{"http":[{"headers":{"Server":"a"}}]}`,
	`{"http":[{"headers":{"Server":[1]}}]}`,
	`{"http":[{"headers":[]}]}`,
	`{"http":[{"status_code":"200"}]}`,
	`{"http":[{"status_code":1e3}]}`,
	`{"cert_hosts":null}`,
	`{"cert_hosts":[null,{"Name":"c","host":null,"zone":null}]}`,
	`{"cert_hosts":[{"zone":{"zone":"z","ns":null}},{"zone":{}}]}`,
	`{"cert_hosts":[{"zone":"z"}]}`,
	`{"cert_hosts":[{"host":{"a":["192.0.2.1"],"cnames":["x"]},"unknown":{}}]}`,
	`{"status":"weird-status"}`,
	`{"domain":"a","domain":"b"}`,
}

func TestDecodeSameAsEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, c := range decodeCases {
		checkSameAsEncodingJSON(t, []byte(c))
	}
	_, line := everyFieldLine(t)
	checkSameAsEncodingJSON(t, line)
}

func TestDecodeDuplicateField(t *testing.T) {
	t.Parallel()
	for _, c := range []string{
		`{"domain":"a","domain":"b"}`,
		`{"domain":"a","DOMAIN":"b"}`,
		`{"apex":{"name":"a","name":"b"}}`,
		`{"tls":[{"chain":[{"sans":1,"SANS":2}]}]}`,
		`{"http":[{"headers":{},"headers":{}}]}`,
		`{"cert_hosts":[{"zone":null,"zone":null}]}`,
		`{"ns":[{"addrs":[],"addrs":[]}]}`,
	} {
		var o Observation
		if err := decodeObservation([]byte(c), &o); err == nil || !strings.Contains(err.Error(), "given twice") {
			t.Errorf("%s: err = %v, want a field given twice", c, err)
		}
	}
}

// FuzzDecodeObservation checks the decoder against encoding/json on any
// input (see checkSameAsEncodingJSON).
func FuzzDecodeObservation(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkSameAsEncodingJSON(t, b)
	})
}

// BenchmarkDecodeObservation decodes crawl-like lines with the decoder
// and, for comparison, with encoding/json.
func BenchmarkDecodeObservation(b *testing.B) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	for i := range 1000 {
		d := fmt.Sprintf("site%d.example", i)
		o := &Observation{Domain: d, Rank: i + 1, Status: StatusOK, Resolver: "127.0.0.1:53", StartedAt: time.Now(), DurationMS: 12.5, Queries: 7, Attempts: 7,
			NS: []NSHost{
				{Name: "ada.ns.cloudflare.com", Addrs: []netip.Addr{netip.MustParseAddr("173.245.58.47"), netip.MustParseAddr("2606:4700:58::9ae")}},
				{Name: "bob.ns.cloudflare.com", Addrs: []netip.Addr{netip.MustParseAddr("108.162.192.115"), netip.MustParseAddr("2606:4700:58::e37")}},
			},
			SOA:  &SOA{MName: "bob.ns.cloudflare.com", RName: "dns.cloudflare.com", Serial: 2025042797},
			Apex: Host{Name: d, Status: StatusOK, A: []netip.Addr{netip.MustParseAddr("104.21.43.73")}, AAAA: []netip.Addr{netip.MustParseAddr("2606:4700:3030::c9f")}},
			WWW:  Host{Name: "www." + d, Status: StatusOK, CNAMEs: []string{d + ".cdn.cloudflare.net"}, A: []netip.Addr{netip.MustParseAddr("104.21.43.73")}},
			MX: []MXHost{{Preference: 10, Name: "mxa.gslb.pphosted.com", Addrs: []netip.Addr{netip.MustParseAddr("148.163.138.234")}},
				{Preference: 20, Name: "mxb.gslb.pphosted.com", Addrs: []netip.Addr{netip.MustParseAddr("148.163.148.9")}}},
			MXStatus: StatusOK,
		}
		if err := enc.Encode(o); err != nil {
			b.Fatal(err)
		}
	}
	enc.Flush()
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	b.Run("decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				var o Observation
				if err := decodeObservation(l, &o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	benchParsers(b, lines)
}

// benchParsers decodes lines with a Parser (new observations, and
// observations reused as the workers of analyze reuse them) and with
// encoding/json.
func benchParsers(b *testing.B, lines [][]byte) {
	b.Run("parser", func(b *testing.B) {
		b.ReportAllocs()
		p := NewParser()
		for b.Loop() {
			for _, l := range lines {
				if _, err := p.Parse(l); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("parse-into", func(b *testing.B) {
		b.ReportAllocs()
		parseIntoBatches(b, NewParser(), nil, lines)
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				var o Observation
				if err := json.Unmarshal(l, &o); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkDecodeProbes decodes lines with TLS and HTTP probes and
// certificate hosts, shaped like those of a simulated crawl (two TLS
// probes of a two-certificate chain, one HTTP probe with five headers,
// two certificate hosts behind a CDN), with the Parser and, for
// comparison, with encoding/json.
func BenchmarkDecodeProbes(b *testing.B) {
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	day := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	addr := netip.MustParseAddr
	for i := range 1000 {
		d := fmt.Sprintf("site%d.example", i)
		web := []netip.Addr{addr("104.21.86.179"), addr("172.67.236.32")}
		chain := []Cert{
			{SubjectCN: d, IssuerCN: "E7", IssuerOrg: "Let's Encrypt", NotBefore: day, NotAfter: day.AddDate(0, 3, 0), SANs: 2,
				SHA256: fmt.Sprintf("%064x", i), CRL: []string{"http://e7.c.lencr.org/49.crl"}, AIA: []string{"http://e7.i.lencr.org/"}},
			{SubjectCN: "E7", SubjectOrg: "Let's Encrypt", IssuerCN: "ISRG Root X1", IssuerOrg: "Internet Security Research Group",
				NotBefore: day.AddDate(-1, 0, 0), NotAfter: day.AddDate(3, 0, 0), SHA256: "24283e70f41a3f86947c74ef458311fd539923cdd2e195a9056fd8db63e055fb"},
		}
		certHost := func(name, cname string) CertHost {
			return CertHost{Name: name,
				Host: Host{Name: name, Status: StatusOK, CNAMEs: []string{cname, "a1887.dscq.akamai.net"}, A: []netip.Addr{addr("23.39.135.79"), addr("23.43.51.94")},
					AAAA: []netip.Addr{addr("2a02:26f0:164c:5751::1c7")}},
				Zone: &ZoneNS{Zone: "akamai.net", NS: []string{"a1-67.akam.net", "a10-67.akam.net", "a15-66.akam.net", "a20-65.akam.net"}}}
		}
		o := &Observation{Domain: d, Rank: i + 1, Status: StatusOK, Resolver: "127.0.0.1:53", StartedAt: time.Now(), DurationMS: 12.5, Queries: 7, Attempts: 7,
			NS: []NSHost{
				{Name: "chad.ns.cloudflare.com", Addrs: []netip.Addr{addr("173.245.58.10"), addr("2606:4700:58:5d6a::32d")}},
				{Name: "mike.ns.cloudflare.com", Addrs: []netip.Addr{addr("173.245.58.152"), addr("2606:4700:58:2409::ddc")}},
			},
			SOA:  &SOA{MName: "mike.ns.cloudflare.com", RName: "dns.cloudflare.com", Serial: 2025070330},
			Apex: Host{Name: d, Status: StatusOK, A: web},
			WWW:  Host{Name: "www." + d, Status: StatusOK, A: web},
			TLS: []TLSProbe{
				{Host: d, Addr: web[0], Port: 443, Status: ProbeOK, Version: "TLS 1.3", Chain: chain, Verified: true, DurationMS: 9.9},
				{Host: "www." + d, Addr: web[0], Port: 443, Status: ProbeOK, Version: "TLS 1.3", Chain: chain, Verified: true, DurationMS: 9.5},
			},
			HTTP: []HTTPProbe{{URL: "https://www." + d + "/", Addr: web[0], Status: ProbeOK, StatusCode: 200, Headers: map[string][]string{
				"Cf-Cache-Status": {"DYNAMIC"}, "Cf-Ray": {fmt.Sprintf("%016x-LHR", i)}, "Content-Type": {"text/html; charset=utf-8"},
				"Date": {"Sat, 05 Dec 2026 14:23:17 GMT"}, "Server": {"cloudflare"}}}},
			CertHosts: []CertHost{certHost("e7.c.lencr.org", "c.lencr.edgesuite.net"), certHost("e7.i.lencr.org", "i.lencr.edgesuite.net")},
		}
		if err := enc.Encode(o); err != nil {
			b.Fatal(err)
		}
	}
	enc.Flush()
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	benchParsers(b, lines)
}

// BenchmarkDecodeFile decodes the first lines (at most 50,000) of the
// observations file CHOKEPOINT_BENCH_OBS names with one Parser, as a
// worker of analyze does; skipped without it.
func BenchmarkDecodeFile(b *testing.B) {
	path := os.Getenv("CHOKEPOINT_BENCH_OBS")
	if path == "" {
		b.Skip("CHOKEPOINT_BENCH_OBS names no observations file")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	lines = lines[:min(len(lines), 50_000)]
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := processCPU()
		for b.Loop() {
			p := NewParser()
			for _, l := range lines {
				if _, err := p.Parse(l); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportPerLine(b, cpu0, len(lines))
	})
	b.Run("parse-into", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := processCPU()
		parseIntoBatches(b, nil, NewParser, lines)
		reportPerLine(b, cpu0, len(lines))
	})
	b.Run("parse-into-lean", func(b *testing.B) { // as analyze's workers
		b.ReportAllocs()
		cpu0 := processCPU()
		parseIntoBatches(b, nil, NewLeanParser, lines)
		reportPerLine(b, cpu0, len(lines))
	})
}

// processCPU returns the CPU time of the process so far, user and
// system, collector included: on a shared machine, where wall time
// depends on the other processes, a steadier measure of work.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportPerLine reports the wall and CPU time per line of b's loop of
// n lines, the CPU time since cpu0 (processCPU).
func reportPerLine(b *testing.B, cpu0 time.Duration, n int) {
	lines := float64(b.N * n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/lines, "ns/line")
	b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/lines, "cpu-ns/line")
}

// parseIntoBatches decodes lines with p.ParseInto in batches of 512
// observations and one Store, reused from batch to batch as the workers
// of analyze (pipeline.classifyObservations) reuse them. With p nil, each
// round has a new Parser from fresh: what its tables and caches learnt
// from the lines does not carry over to the same lines again.
func parseIntoBatches(b *testing.B, p *Parser, fresh func() *Parser, lines [][]byte) {
	obs := make([]Observation, 512)
	var st Store
	for b.Loop() {
		if fresh != nil {
			p = fresh()
		}
		for i, l := range lines {
			if i%len(obs) == 0 {
				st.Reset()
			}
			if err := p.ParseInto(l, &obs[i%len(obs)], &st); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestPlain8 checks the eight-byte test of strBytes against the byte
// test: every byte value at every position, among plain bytes and among
// bytes of every value.
func TestPlain8(t *testing.T) {
	t.Parallel()
	plain := func(c byte) bool { return c != '"' && c != '\\' && c >= 0x20 && c < 0x80 }
	for _, fill := range []byte{'a', 0x20, 0x7f, '"', 0x00, 0x80, 0xff, '\\', 0x1f, 0x21} {
		for pos := range 8 {
			for v := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(v)
				want := true
				for _, c := range w {
					want = want && plain(c)
				}
				if got := plain8(binary.LittleEndian.Uint64(w[:])); got != want {
					t.Fatalf("plain8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
}

// FuzzParseErrors checks that a Parser, which checks names as it reads
// them and remembers them, and caches chains and certificate hosts, and
// a lean Parser, accept and refuse what ParseObservation does, with the same error,
// and reads the same observation: with and without a Store, and the
// second and third time, from its tables and caches (a value is kept the
// second time it is seen, found the third).
func FuzzParseErrors(f *testing.F) {
	for _, c := range decodeCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(`{"schema_version":2,"domain":"example.com","status":"ok","ns":[{"name":"a..example.net"}],"apex":{"name":"example.com"},"www":{"name":"www.example.com"}}`))
	f.Add([]byte(`{"schema_version":2,"domain":"example.com","status":"ok","apex":{"name":"example.com","cnames":["x.cdn.test"]},"www":{"name":"www.example.com"},` +
		`"cert_hosts":[{"name":"ocsp.ca.test","host":{"name":"ocsp.ca.test","status":"ok","cnames":["a.ca-cdn.test","b..ca-cdn.test","c.ca-cdn.test","d.ca-cdn.test","e.ca-cdn.test"]},` +
		`"zone":{"zone":"ca-cdn.test","ns":["ns1.ca-cdn.test","ns2.ca-cdn.test","ns3.ca-cdn.test"]}}]}`))
	f.Add([]byte(`{"schema_version":2,"domain":"example.com","status":"ok","apex":{"name":"www.example.com"},"www":{"name":"example.com"},"domain":"example.org"}`))
	f.Add([]byte(`{"schema_version":2,"apex":{"name":"a b.example"},"domain":"example.com","status":"ok","www":{"name":"www.example.com"}}`))
	probes := `{"schema_version":2,"domain":"example.com","status":"ok","apex":{"name":"example.com"},"www":{"name":"www.example.com","status":"ok","a":["192.0.2.1"]},` +
		`"tls":[{"host":"www.example.com","addr":"192.0.2.1","port":443,"status":"ok","version":"TLS 1.3","chain":[{"subject_cn":"www.example.com","issuer_org":"=1+1","not_before":"2026-01-01T00:00:00Z","not_after":"2027-01-01T00:00:00Z","sha256":"ab","ocsp":["http://ocsp.ca.test"]},` +
		`{"subject_cn":"CA 1","subject_org":"CA","issuer_cn":"Root","issuer_org":"CA","not_before":"2020-01-01T00:00:00Z","not_after":"2030-01-01T00:00:00Z","sha256":"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}],"ocsp_stapled":true,"verified":true,"duration_ms":1.5}],` +
		`"http":[{"url":"https://www.example.com/","addr":"192.0.2.1","status":"ok","status_code":200,"headers":{"Server":["cloudflare"]},"duration_ms":2}],` +
		`"cert_hosts":[{"name":"ocsp.ca.test","host":{"name":"ocsp.ca.test","status":"ok"},"zone":{"zone":"ca.test","ns":["ns.ca.test"]}}],` +
		`"resolver":"127.0.0.1:53","started_at":"2026-12-05T14:23:17.2Z","duration_ms":3,"queries":4,"attempts":5}`
	f.Add([]byte(probes))
	for _, c := range [][2]string{{`"TLS 1.3"`, `"` + strings.Repeat("v", 33) + `"`}, {`"sha256":"ab"`, `"sha256":"` + strings.Repeat("a", 65) + `"`},
		{`"subject_cn":"CA 1"`, `"subject_cn":"` + strings.Repeat("c", MaxCertText+1) + `"`}, {`"port":443`, `"port":65536`}, {`"addr":"192.0.2.1","port"`, `"addr":"192.0.2.300","port"`},
		{`"not_after":"2030-01-01T00:00:00Z"`, `"not_after":"2030-01-01"`}, {`"status_code":200`, `"status_code":"200"`}, {`"queries":4`, `"queries":4.5`}} {
		f.Add([]byte(strings.Replace(probes, c[0], c[1], 1)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr := ParseObservation(b)
		p, lean := NewParser(), NewLeanParser()
		var st, leanSt Store
		for round := range 3 {
			var lo Observation
			lerr := lean.ParseInto(b, &lo, &leanSt)
			if fmt.Sprint(lerr) != fmt.Sprint(wantErr) {
				t.Fatalf("round %d: lean ParseInto: %v; ParseObservation: %v\n%q", round, lerr, wantErr, b)
			}
			if wantErr == nil {
				if diff := cmp.Diff(want, &lo, append(leanOmits, addrEqual)...); diff != "" {
					t.Errorf("round %d: lean ParseInto read (-ParseObservation +lean):\n%s", round, diff)
				}
				if f := leanFilled(&lo); len(f) > 0 {
					t.Errorf("round %d: a lean Parser filled %v", round, f)
				}
			}
			got, err := p.Parse(b)
			var into Observation
			ierr := p.ParseInto(b, &into, &st)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || fmt.Sprint(ierr) != fmt.Sprint(wantErr) {
				t.Fatalf("round %d: Parse: %v, ParseInto: %v; ParseObservation: %v\n%q", round, err, ierr, wantErr, b)
			}
			if wantErr != nil {
				continue
			}
			if diff := cmp.Diff(want, got, addrEqual); diff != "" {
				t.Errorf("round %d: Parse read (-ParseObservation +Parse):\n%s", round, diff)
			}
			if diff := cmp.Diff(want, &into, addrEqual); diff != "" {
				t.Errorf("round %d: ParseInto read (-ParseObservation +ParseInto):\n%s", round, diff)
			}
		}
	})
}

// leanOmits are the fields a lean Parser leaves out (NewLeanParser).
var leanOmits = []cmp.Option{
	cmpopts.IgnoreFields(Observation{}, "Resolver", "StartedAt", "DurationMS", "Queries", "Attempts"),
	cmpopts.IgnoreFields(TLSProbe{}, "Addr", "Port", "Error", "Version", "Verified", "VerifyError", "DurationMS"),
	cmpopts.IgnoreFields(Cert{}, "SubjectCN", "SubjectOrg", "NotBefore", "NotAfter", "SANs", "SHA256"),
	cmpopts.IgnoreFields(HTTPProbe{}, "Addr", "Error", "StatusCode", "DurationMS"),
}

// leanFilled returns the fields of o (a lean Parser's) that leanOmits
// names and that are not empty.
func leanFilled(o *Observation) []string {
	var out []string
	nonZero := func(what string, v any) {
		if !reflect.ValueOf(v).IsZero() {
			out = append(out, what)
		}
	}
	nonZero("Resolver", o.Resolver)
	nonZero("StartedAt", o.StartedAt)
	nonZero("DurationMS", o.DurationMS)
	nonZero("Queries", o.Queries)
	nonZero("Attempts", o.Attempts)
	for _, p := range o.TLS {
		nonZero("TLS", TLSProbe{Addr: p.Addr, Port: p.Port, Error: p.Error, Version: p.Version, Verified: p.Verified, VerifyError: p.VerifyError, DurationMS: p.DurationMS})
		for _, c := range p.Chain {
			nonZero("Cert", Cert{SubjectCN: c.SubjectCN, SubjectOrg: c.SubjectOrg, NotBefore: c.NotBefore, NotAfter: c.NotAfter, SANs: c.SANs, SHA256: c.SHA256})
		}
	}
	for _, p := range o.HTTP {
		nonZero("HTTP", HTTPProbe{Addr: p.Addr, Error: p.Error, StatusCode: p.StatusCode, DurationMS: p.DurationMS})
	}
	return out
}

// TestLeanParser checks that a lean Parser decodes every field a Parser
// decodes but those of leanOmits, which it leaves empty, and that
// leanOmits leaves out only what it must: without it, the comparison
// sees the difference.
func TestLeanParser(t *testing.T) {
	t.Parallel()
	want, line := everyFieldLine(t)
	for _, st := range []*Store{nil, new(Store)} {
		var got Observation
		if err := decodeIn(line, &got, NewLeanParser(), st); err != nil {
			t.Fatalf("decode: %v\n%s", err, line)
		}
		if diff := cmp.Diff(want, &got, append(leanOmits, addrEqual)...); diff != "" {
			t.Errorf("store %v: lean observation (-written +decoded):\n%s", st != nil, diff)
		}
		if f := leanFilled(&got); len(f) > 0 {
			t.Errorf("store %v: a lean Parser filled %v", st != nil, f)
		}
		if cmp.Equal(want, &got, addrEqual) {
			t.Error("the lean observation is the whole one: leanOmits names fields a lean Parser decodes")
		}
		for i := range leanOmits {
			fewer := append(slices.Clone(leanOmits[:i]), leanOmits[i+1:]...)
			if cmp.Equal(want, &got, append(fewer, addrEqual)...) {
				t.Errorf("leanOmits[%d] leaves out nothing a lean Parser leaves out", i)
			}
		}
	}
}

// FuzzPlainDomainName checks plainDomainName against dns.IsDomainName on
// names without a backslash, and validName against checkName on any.
func FuzzPlainDomainName(f *testing.F) {
	label63 := strings.Repeat("a", 63)
	for _, s := range []string{"a", "a.", ".", "..", ".a", "a..b", "a.b.", "a.b..", label63 + ".com", label63 + "a.com", label63 + "." + label63,
		strings.Repeat(label63+".", 3) + strings.Repeat("b", 61), strings.Repeat(label63+".", 3) + strings.Repeat("b", 62), strings.Repeat(label63+".", 3) + strings.Repeat("b", 61) + ".",
		strings.Repeat(label63+".", 4), "a b.example", `a\.b`, `a\046b.c`, `\\`, "x" + label63} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s != "" && !strings.Contains(s, `\`) {
			_, want := dns.IsDomainName(s)
			if got := plainDomainName(s); got != want {
				t.Errorf("plainDomainName(%q) = %v, dns.IsDomainName: %v", s, got, want)
			}
		}
		if got, want := validName(s), checkName("", s) == nil; got != want {
			t.Errorf("validName(%q) = %v, checkName: %v", s, got, want)
		}
	})
}
