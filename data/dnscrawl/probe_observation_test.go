package dnscrawl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestParseObservationVersions: this build writes version 2 and reads
// versions 1 (no probes) and 2; others are refused with ErrSchema.
func TestParseObservationVersions(t *testing.T) {
	t.Parallel()
	if dnscrawl.SchemaVersion != 2 {
		t.Fatalf("SchemaVersion %d: the probes of issue 12 are version 2", dnscrawl.SchemaVersion)
	}
	v1 := `{"schema_version":1,"domain":"example.com","status":"ok","apex":{"name":"example.com","status":"ok","a":["192.0.2.1"]},"www":{"name":"www.example.com","status":"nxdomain"}}`
	o, err := dnscrawl.ParseObservation([]byte(v1))
	if err != nil {
		t.Fatalf("version 1 refused: %v", err)
	}
	if o.SchemaVersion != 1 || o.TLS != nil || o.Apex.A[0].String() != "192.0.2.1" {
		t.Errorf("version 1 read as %+v", o)
	}
	for _, v := range []string{"0", "3", "-1"} {
		line := strings.Replace(v1, `"schema_version":1`, `"schema_version":`+v, 1)
		if _, err := dnscrawl.ParseObservation([]byte(line)); !errors.Is(err, dnscrawl.ErrSchema) {
			t.Errorf("version %s: error %v, want ErrSchema", v, err)
		}
	}
}

// TestParseObservationProbes: the probe facts of a line are checked like
// the rest: statuses from the closed set, bounded sizes, the hosts of
// the probes the apex or www, the certificate hosts DNS names.
func TestParseObservationProbes(t *testing.T) {
	t.Parallel()
	good := func(o *dnscrawl.Observation) {
		o.TLS = []dnscrawl.TLSProbe{{Host: "example.com", Port: 443, Status: dnscrawl.ProbeOK, Version: "TLS 1.3",
			Chain: []dnscrawl.Cert{{SubjectCN: `<script>alert(1)</script>`, IssuerOrg: "=1+1", OCSP: []string{"http://ocsp.ca.test"}}}},
			{Host: "www.example.com", Status: dnscrawl.ProbeTimeout, Error: "i/o timeout"}}
		o.HTTP = []dnscrawl.HTTPProbe{{URL: "https://www.example.com/", Status: dnscrawl.ProbeOK, StatusCode: 200,
			Headers: map[string][]string{"Server": {"cloudflare"}, "Cf-Ray": {"abc-FRA"}}}}
		o.CertHosts = []dnscrawl.CertHost{{Name: "ocsp.ca.test", Host: dnscrawl.Host{Name: "ocsp.ca.test", Status: dnscrawl.StatusOK, CNAMEs: []string{"ocsp.ca.test.cdn.test"}},
			Zone: &dnscrawl.ZoneNS{Zone: "cdn.test", NS: []string{"ns1.cdn.test"}}}}
	}
	tests := []struct {
		name string
		edit func(o *dnscrawl.Observation)
		err  string // "" for accepted
	}{
		{"probes with hostile certificate text", good, ""},
		{"unknown probe status", func(o *dnscrawl.Observation) { good(o); o.TLS[0].Status = "fine" }, "unknown probe status"},
		{"TLS probe of another host", func(o *dnscrawl.Observation) { good(o); o.TLS[0].Host = "evil.test" }, "neither"},
		{"HTTP probe of another host", func(o *dnscrawl.Observation) { good(o); o.HTTP[0].URL = "https://evil.test/" }, "neither"},
		{"HTTP probe URL not http", func(o *dnscrawl.Observation) { good(o); o.HTTP[0].URL = "javascript:alert(1)" }, "not an http"},
		{"certificate host not a name", func(o *dnscrawl.Observation) { good(o); o.CertHosts[0].Name = "a..b" }, "not a DNS name"},
		{"certificate host resolved as another", func(o *dnscrawl.Observation) { good(o); o.CertHosts[0].Host.Name = "other.test" }, "resolved as"},
		{"certificate host CNAME not a name", func(o *dnscrawl.Observation) {
			good(o)
			o.CertHosts[0].Host.CNAMEs = []string{strings.Repeat("x", 64) + ".test"}
		}, "not a DNS name"},
		{"certificate host zone server not a name", func(o *dnscrawl.Observation) { good(o); o.CertHosts[0].Zone.NS = []string{"a..b"} }, "not a DNS name"},
		{"long subject", func(o *dnscrawl.Observation) {
			good(o)
			o.TLS[0].Chain[0].SubjectCN = strings.Repeat("x", dnscrawl.MaxCertText+1)
		}, "at most"},
		{"long chain", func(o *dnscrawl.Observation) {
			good(o)
			o.TLS[0].Chain = make([]dnscrawl.Cert, dnscrawl.MaxChain+1)
		}, "at most"},
		{"many headers", func(o *dnscrawl.Observation) {
			good(o)
			for i := range dnscrawl.MaxHeaders + 1 {
				o.HTTP[0].Headers[strings.Repeat("X", i+1)] = []string{"v"}
			}
		}, "at most"},
		{"long header value", func(o *dnscrawl.Observation) {
			good(o)
			o.HTTP[0].Headers["Server"] = []string{strings.Repeat("v", 1000)}
		}, "at most"},
		{"many probes", func(o *dnscrawl.Observation) {
			good(o)
			o.TLS = append(o.TLS, o.TLS...)
			o.TLS = append(o.TLS, o.TLS[0])
		}, "at most"},
		{"many cert hosts", func(o *dnscrawl.Observation) {
			good(o)
			for range dnscrawl.MaxCertHosts {
				o.CertHosts = append(o.CertHosts, o.CertHosts[0])
			}
		}, "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, err := dnscrawl.ParseObservation(observationLine(t, "example.com", tt.edit))
			if tt.err == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if o.TLS[0].Chain[0].SubjectCN != `<script>alert(1)</script>` || o.CertHosts[0].Zone.Zone != "cdn.test" {
					t.Errorf("read back %+v", o)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one with %q", err, tt.err)
			}
		})
	}
}

func TestCertURLHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"http://ocsp.digicert.com":           "ocsp.digicert.com",
		"http://R10.o.lencr.org.":            "r10.o.lencr.org",
		"http://crl3.digicert.com:80/x.crl":  "crl3.digicert.com",
		"http://192.0.2.1/ocsp":              "",
		"http://[2001:db8::1]/ocsp":          "",
		"ldap:///CN=x,O=y?certificateList":   "",
		"not a url":                          "",
		"http://" + strings.Repeat("a", 600): "",
	} {
		got, ok := dnscrawl.CertURLHost(in)
		if got != want || ok != (want != "") {
			t.Errorf("CertURLHost(%.40q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
