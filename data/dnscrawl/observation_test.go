package dnscrawl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// hugeName and bigName stand in the names of observationLine for names
// of 10 MB and 1 MB.
const (
	hugeName = "huge.invalid"
	bigName  = "big.invalid"
)

// observationLine returns one observation line for domain, with edit
// applied to the observation first. Every hugeName in it becomes a
// name of 10 MB, every bigName one of 1 MB.
func observationLine(t *testing.T, domain string, edit func(*dnscrawl.Observation)) []byte {
	t.Helper()
	o := &dnscrawl.Observation{
		SchemaVersion: dnscrawl.SchemaVersion, Domain: domain, Status: dnscrawl.StatusOK,
		NS:   []dnscrawl.NSHost{{Name: "kate.ns.cloudflare.com"}},
		Apex: dnscrawl.Host{Name: domain, Status: dnscrawl.StatusOK},
		WWW:  dnscrawl.Host{Name: "www." + domain, Status: dnscrawl.StatusOK},
		MX:   []dnscrawl.MXHost{{Preference: 0, Name: ""}}, // a null MX ("."), as the crawler writes it
	}
	if edit != nil {
		edit(o)
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte(`"`+hugeName+`"`), []byte(`"`+strings.Repeat("a", 10<<20)+`.com"`))
	return bytes.ReplaceAll(b, []byte(`"`+bigName+`"`), []byte(`"`+strings.Repeat("b", 1<<20)+`.com"`))
}

// TestParseObservationNames: the names of an observation are checked as
// the list reader checks a list's (item 8 of issue 13). A name of
// megabytes is refused, with a short message; a hostile but valid name,
// as DNS can serve it, is accepted.
func TestParseObservationNames(t *testing.T) {
	t.Parallel()
	huge, big := hugeName, bigName
	label63 := strings.Repeat("x", 63)
	// 253 characters: three labels of 63, one of 53 with '_' and '-', and
	// the top-level label.
	long := label63 + "." + label63 + "." + label63 + "." + "_a-" + strings.Repeat("9", 47) + "-b_.example"
	if len(long) != 253 {
		t.Fatalf("test name has %d characters, want 253", len(long))
	}
	tests := []struct {
		name string
		line []byte
		ok   bool
	}{
		{"plain", observationLine(t, "example.com", nil), true},
		{"253 characters, 63-character labels, '_' and '-'", observationLine(t, long, nil), true},
		{"punycode", observationLine(t, "xn--bcher-kva.example", nil), true},
		{"www kept", observationLine(t, "www.example.co.uk", nil), true},
		{"hostile names from DNS, escaped", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.NS = []dnscrawl.NSHost{{Name: `<script>alert(1)<\/script>.ns.cloudflare.com`}, {Name: `a\000b\007c\027[31md.ns.cloudflare.com`}}
			o.WWW.CNAMEs = []string{`=hyperlink("http://x"\,"y").cdn.cloudflare.net`, label63 + ".cdn.cloudflare.net"}
			o.SOA = &dnscrawl.SOA{MName: `"><img\ src=x>.ns.cloudflare.com`, RName: `john\.doe.example.com`}
			o.MX = []dnscrawl.MXHost{{Name: `+cmd|'\ /C\ calc'!A0.mail.protection.outlook.com`}}
			o.TargetZones = []dnscrawl.ZoneNS{{Zone: "cloudflare.net", NS: []string{"ns1.cloudflare.net"}}}
		}), true},

		{"10 MB domain", observationLine(t, huge, nil), false},
		{"10 MB name server", observationLine(t, "example.com", func(o *dnscrawl.Observation) { o.NS[0].Name = huge }), false},
		{"1 MB CNAME", observationLine(t, "example.com", func(o *dnscrawl.Observation) { o.Apex.CNAMEs = []string{big} }), false},
		{"1 MB mail exchanger", observationLine(t, "example.com", func(o *dnscrawl.Observation) { o.MX[0].Name = big }), false},
		{"1 MB SOA", observationLine(t, "example.com", func(o *dnscrawl.Observation) { o.SOA = &dnscrawl.SOA{MName: "a.example", RName: big} }), false},
		{"1 MB zone name server", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.TargetZones = []dnscrawl.ZoneNS{{Zone: "cloudflare.net", NS: []string{big}}}
		}), false},
		{"1 MB www name", observationLine(t, "example.com", func(o *dnscrawl.Observation) { o.WWW.Name = big }), false},
		{"254 characters", observationLine(t, "a"+long, nil), false},
		{"64-character label", observationLine(t, label63+"x.example", nil), false},
		{"empty label", observationLine(t, "a..example", nil), false},
		{"single label", observationLine(t, "localhost", nil), false},
		{"public suffix", observationLine(t, "co.uk", nil), false},
		{"space", observationLine(t, "exa mple.com", nil), false},
		{"upper case, not as the crawler writes it", observationLine(t, "Example.com", nil), false},
		{"URL, not as the crawler writes it", observationLine(t, "https://example.com/", nil), false},
		{"IP address", observationLine(t, "192.0.2.1", nil), false},
		{"name server with an empty label", observationLine(t, "example.com", func(o *dnscrawl.Observation) { o.NS[0].Name = "a..cloudflare.com" }), false},
		{"label of 64 octets in a CNAME", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.WWW.CNAMEs = []string{label63 + "x.cdn.cloudflare.net"}
		}), false},
		{"certificate host with an empty label", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.CertHosts = []dnscrawl.CertHost{{Name: "ocsp..ca.test", Host: dnscrawl.Host{Name: "ocsp..ca.test"}}}
		}), false},
		{"certificate host's CNAME of 1 MB", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.CertHosts = []dnscrawl.CertHost{{Name: "ocsp.ca.test", Host: dnscrawl.Host{Name: "ocsp.ca.test", CNAMEs: []string{big}}}}
		}), false},
		{"certificate host's zone name server with an empty label", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.CertHosts = []dnscrawl.CertHost{{Name: "ocsp.ca.test", Host: dnscrawl.Host{Name: "ocsp.ca.test"},
				Zone: &dnscrawl.ZoneNS{Zone: "ca.test", NS: []string{"ns1.ca.test", "ns2..ca.test"}}}}
		}), false},
		{"two bad names: the first CheckNames meets is named", observationLine(t, "example.com", func(o *dnscrawl.Observation) {
			o.MX[0].Name = "mx..example.com"
			o.SOA = &dnscrawl.SOA{MName: "a.example", RName: big}
		}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := dnscrawl.ParseObservation(tt.line)
			// A Parser checks the names as it reads them, and remembers
			// them: it gives the same error, the second and third time
			// too (from its tables and caches).
			p := dnscrawl.NewParser()
			var st dnscrawl.Store
			for round := range 3 {
				_, perr := p.Parse(tt.line)
				var into dnscrawl.Observation
				ierr := p.ParseInto(tt.line, &into, &st)
				if fmt.Sprint(perr) != fmt.Sprint(err) || fmt.Sprint(ierr) != fmt.Sprint(err) {
					t.Errorf("round %d: Parse: %.200v, ParseInto: %.200v; want ParseObservation's %.200v", round, perr, ierr, err)
				}
			}
			if tt.ok {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				var want dnscrawl.Observation
				if err := json.Unmarshal(tt.line, &want); err != nil {
					t.Fatal(err)
				}
				if o.Domain != want.Domain {
					t.Errorf("domain %q, want %q", o.Domain, want.Domain)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %.80q", o.Domain)
			}
			if !errors.Is(err, dnscrawl.ErrName) {
				t.Errorf("error %v does not wrap ErrName", err)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error message of %d bytes: a long name is quoted whole", len(err.Error()))
			}
		})
	}
}

// TestDecoderSkipsHugeName: a line with a 10 MB name is a bad line with
// its number, and the decoder goes on to the next line.
func TestDecoderSkipsHugeName(t *testing.T) {
	t.Parallel()
	var in bytes.Buffer
	in.Write(observationLine(t, "a.example", nil))
	in.WriteByte('\n')
	in.Write(observationLine(t, hugeName, func(o *dnscrawl.Observation) {
		o.Apex.Name, o.WWW.Name = "b.example", "www.b.example" // one copy of the name: the line fits the scanner
	}))
	in.WriteByte('\n')
	in.Write(observationLine(t, "c.example", nil))
	in.WriteByte('\n')
	dec := dnscrawl.NewDecoder(&in)
	var got []string
	var bad []int
	for range 10 {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *dnscrawl.LineError
		if errors.As(err, &le) {
			bad = append(bad, le.Line)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.Domain)
	}
	if strings.Join(got, " ") != "a.example c.example" || len(bad) != 1 || bad[0] != 2 {
		t.Errorf("read %q, bad lines %v; want a.example and c.example, line 2 bad", got, bad)
	}
}
