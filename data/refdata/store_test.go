package refdata

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeOrigin serves files by URL path like the providers' servers, with
// ETags, and records the conditional headers it receives.
type fakeOrigin struct {
	mu          sync.Mutex
	files       map[string][]byte
	status      map[string]int
	conditional map[string]string // path -> If-None-Match received
	gets        map[string]int
}

func newFakeOrigin(t *testing.T) (*fakeOrigin, *httptest.Server) {
	t.Helper()
	f := &fakeOrigin{files: map[string][]byte{}, status: map[string]int{}, conditional: map[string]string{}, gets: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeOrigin) set(path string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[path] = b
}

func (f *fakeOrigin) setStatus(path string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status[path] = code
}

func (f *fakeOrigin) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets[r.URL.Path]++
	if c, ok := f.status[r.URL.Path]; ok {
		w.WriteHeader(c)
		return
	}
	b, ok := f.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	f.conditional[r.URL.Path] = r.Header.Get("If-None-Match")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write(b)
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ranges", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveFixtures puts the fixtures at the paths of the official URLs.
func serveFixtures(t *testing.T, f *fakeOrigin) {
	f.set("/ip-ranges.json", readFixture(t, "ip-ranges.json"))
	f.set("/ipranges/cloud.json", readFixture(t, "cloud.json"))
	f.set("/ipranges/goog.json", readFixture(t, "goog.json"))
	f.set("/en-us/download/details.aspx", []byte(`<html><a href="https://download.microsoft.com/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20251117.json">click here</a></html>`))
	f.set("/download/7/1/D/71D86715-5596-4529-9B13-DA13A5DE5B63/ServiceTags_Public_20251117.json", readFixture(t, "ServiceTags_Public_20251117.json"))
	f.set("/ips-v4", readFixture(t, "ips-v4"))
	f.set("/ips-v6", readFixture(t, "ips-v6"))
	f.set("/public-ip-list", readFixture(t, "public-ip-list.json"))
	f.set("/meta", readFixture(t, "meta.json"))
	f.set("/geo/google.csv", readFixture(t, "digitalocean-geofeed.csv"))
	f.set("/property-manager/pdfs/akamai_ipv4_ipv6_CIDRs-txt.zip", zipFixtures(t, "akamai_ipv4_CIDRs.txt", "akamai_ipv6_CIDRs.txt"))
}

// zipFixtures packs fixtures into a zip archive, as Akamai publishes its
// list.
func zipFixtures(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create("akamai/" + n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(readFixture(t, n))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var updateIDs = []string{"aws", "gcp", "goog", "azure", "cloudflare", "fastly", "github", "digitalocean", "akamai"}

func updateOpts(dir, base string) UpdateOptions {
	return UpdateOptions{
		Dir: dir, IDs: updateIDs, BaseURL: base, Timeout: 5 * time.Second,
		Now:    func() time.Time { return time.Date(2025, 11, 24, 12, 0, 0, 0, time.UTC) },
		Getenv: func(string) string { return "" },
	}
}

func outcomes(rs []Report) map[string]Outcome {
	m := map[string]Outcome{}
	for _, r := range rs {
		m[r.ID] = r.Outcome
	}
	return m
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	origin, srv := newFakeOrigin(t)
	serveFixtures(t, origin)
	dir := t.TempDir()
	ctx := context.Background()

	rs, err := Update(ctx, updateOpts(dir, srv.URL))
	if err != nil {
		t.Fatalf("first update: %v (%v)", err, rs)
	}
	for _, id := range updateIDs {
		if got := outcomes(rs)[id]; got != OutcomeUpdated {
			t.Errorf("%s: %s, want updated", id, got)
		}
	}
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	aws := m.Sources["aws"]
	want := sha256.Sum256(readFixture(t, "ip-ranges.json"))
	if aws == nil || len(aws.Files) != 1 || aws.Files[0].SHA256 != hex.EncodeToString(want[:]) || aws.Prefixes != 10 ||
		aws.Files[0].URL != srv.URL+"/ip-ranges.json" || aws.Files[0].ETag == "" {
		t.Fatalf("aws manifest entry %+v", aws)
	}
	if got := strings.Join(aws.Regions, ","); got != "ap-northeast-2,us-east-1,us-west-2" {
		t.Errorf("aws regions %q", got)
	}
	if cf := m.Sources["cloudflare"]; cf == nil || cf.IPv4 != 4 || cf.IPv6 != 2 || len(cf.Files) != 2 {
		t.Errorf("cloudflare manifest entry %+v", cf)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := d.Ranges.Lookup(netip.MustParseAddr("3.210.1.2")); !ok || r.Region != "us-east-1" {
		t.Errorf("loaded table: %+v %v", r, ok)
	}
	if r, ok := d.Ranges.Lookup(netip.MustParseAddr("13.107.213.1")); !ok || r.Service != "AzureFrontDoor.Frontend" {
		t.Errorf("azure file found through the download page: %+v %v", r, ok)
	}

	// Second run: the stored ETag is sent, the server says not modified.
	rs, err = Update(ctx, updateOpts(dir, srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	if got := outcomes(rs)["aws"]; got != OutcomeUnchanged {
		t.Errorf("second update: aws %s, want unchanged", got)
	}
	origin.mu.Lock()
	if origin.conditional["/ip-ranges.json"] == "" {
		t.Error("no If-None-Match sent on the second update")
	}
	origin.mu.Unlock()
}

// TestUpdateKeepsLastGoodCopy serves bad new copies: each is refused
// with a reason, the stored file stays byte for byte, and the table
// still answers from it.
func TestUpdateKeepsLastGoodCopy(t *testing.T) {
	t.Parallel()
	good := readFixture(t, "ip-ranges.json")
	tests := []struct {
		name   string
		serve  func(*fakeOrigin)
		opts   func(*UpdateOptions)
		reason string
	}{
		{"html instead of json", func(f *fakeOrigin) { f.set("/ip-ranges.json", []byte("<html>maintenance</html>")) }, nil, "aws-ip-ranges.json"},
		{"shrank", func(f *fakeOrigin) {
			f.set("/ip-ranges.json", []byte(`{"prefixes": [{"ip_prefix": "3.5.140.0/22", "region": "ap-northeast-2", "service": "AMAZON"}, {"ip_prefix": "3.208.0.0/12", "region": "us-east-1", "service": "EC2"}, {"ip_prefix": "15.181.232.0/21", "region": "us-west-2", "service": "EC2"}], "ipv6_prefixes": []}`))
		}, nil, "shrank from 10 to 3"},
		{"region vanished", func(f *fakeOrigin) {
			f.set("/ip-ranges.json", bytes.ReplaceAll(good, []byte(`"ap-northeast-2"`), []byte(`"us-east-1"`)))
		}, nil, "regions vanished: ap-northeast-2"},
		{"service vanished", func(f *fakeOrigin) {
			f.set("/ip-ranges.json", bytes.ReplaceAll(good, []byte(`"ROUTE53"`), []byte(`"EC2"`)))
		}, nil, "services vanished: ROUTE53"},
		{"absurd prefix", func(f *fakeOrigin) {
			f.set("/ip-ranges.json", bytes.Replace(good, []byte(`3.5.140.0/22`), []byte(`0.0.0.0/1`), 1))
		}, nil, "aws-ip-ranges.json: 0.0.0.0/1 is shorter than /8, larger than any provider publishes"},
		{"server error", func(f *fakeOrigin) { f.setStatus("/ip-ranges.json", http.StatusInternalServerError) }, nil, "500"},
		{"too large", func(f *fakeOrigin) { f.set("/ip-ranges.json", append(good, bytes.Repeat([]byte(" "), 10)...)) },
			func(o *UpdateOptions) { o.MaxSize = int64(len(good)) }, "larger than the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			origin, srv := newFakeOrigin(t)
			serveFixtures(t, origin)
			dir := t.TempDir()
			o := updateOpts(dir, srv.URL)
			o.IDs = []string{"aws", "cloudflare"}
			if _, err := Update(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			tt.serve(origin)
			if tt.opts != nil {
				tt.opts(&o)
			}
			rs, err := Update(context.Background(), o)
			if !errors.Is(err, ErrUpdate) {
				t.Fatalf("err = %v, want ErrUpdate", err)
			}
			oc := outcomes(rs)
			if oc["aws"] != OutcomeFailed || oc["cloudflare"] != OutcomeUnchanged {
				t.Errorf("outcomes %v", oc)
			}
			for _, r := range rs {
				if r.ID == "aws" && (r.Err == nil || !strings.Contains(r.Err.Error(), tt.reason)) {
					t.Errorf("aws error %v, want it to say %q", r.Err, tt.reason)
				}
			}
			stored, err := os.ReadFile(filepath.Join(dir, "aws", "aws-ip-ranges.json"))
			if err != nil || !bytes.Equal(stored, good) {
				t.Errorf("the last good copy was not kept (err %v)", err)
			}
			m, _ := ReadManifest(dir)
			if m.Sources["aws"].LastError == "" || m.Sources["aws"].Prefixes != 10 {
				t.Errorf("manifest after failure: %+v", m.Sources["aws"])
			}
			d, err := Load(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := d.Ranges.Lookup(netip.MustParseAddr("3.5.140.1")); !ok {
				t.Error("the table lost the last good copy")
			}
			// --force stores a copy that parses but fails validation.
			if tt.reason == "shrank from 10 to 3" {
				o.Force = true
				if _, err := Update(context.Background(), o); err != nil {
					t.Errorf("forced update: %v", err)
				}
			}
		})
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarGzipped(t *testing.T, name string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Name: "GeoLite2-ASN_20251121/COPYRIGHT.txt", Mode: 0o644, Size: 3, Typeflag: tar.TypeReg})
	tw.Write([]byte("(c)"))
	tw.WriteHeader(&tar.Header{Name: "GeoLite2-ASN_20251121/" + name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg})
	tw.Write(b)
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

// TestUpdateDatabases downloads DB-IP (gzip, no key) and MaxMind (tar.gz,
// key from the environment, redacted in the manifest).
func TestUpdateDatabases(t *testing.T) {
	t.Parallel()
	asnPath, countryPath := writeFixtures(t)
	asnDB, _ := os.ReadFile(asnPath)
	countryDB, _ := os.ReadFile(countryPath)
	origin, srv := newFakeOrigin(t)
	origin.set("/free/dbip-asn-lite-2025-11.mmdb.gz", gzipped(t, asnDB))
	origin.set("/free/dbip-country-lite-2025-11.mmdb.gz", gzipped(t, countryDB))
	origin.set("/app/geoip_download", tarGzipped(t, "GeoLite2-ASN.mmdb", asnDB))
	dir := t.TempDir()
	o := updateOpts(dir, srv.URL)
	o.IDs = []string{"dbip-asn", "dbip-country", "geolite2-asn"}
	rs, err := Update(context.Background(), o)
	if err != nil {
		t.Fatalf("%v %v", err, rs)
	}
	if oc := outcomes(rs); oc["dbip-asn"] != OutcomeUpdated || oc["dbip-country"] != OutcomeUpdated || oc["geolite2-asn"] != OutcomeSkipped {
		t.Errorf("without a key: %v", oc)
	}
	o.Getenv = func(k string) string {
		if k == "MAXMIND_LICENSE_KEY" {
			return "s3cret"
		}
		return ""
	}
	if rs, err = Update(context.Background(), o); err != nil {
		t.Fatalf("%v %v", err, rs)
	}
	if oc := outcomes(rs); oc["geolite2-asn"] != OutcomeUpdated {
		t.Errorf("with a key: %v", oc)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ManifestName))
	if bytes.Contains(b, []byte("s3cret")) || !bytes.Contains(b, []byte("license_key=REDACTED")) {
		t.Errorf("licence key not redacted in the manifest:\n%s", b)
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(d.ASNDB) != "GeoLite2-ASN.mmdb" || filepath.Base(d.CountryDB) != "dbip-country-lite.mmdb" {
		t.Errorf("databases chosen: %q %q", d.ASNDB, d.CountryDB)
	}
	db, err := Open(d.ASNDB, d.CountryDB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Lookup(netip.MustParseAddr("104.16.1.1")); got.ASN != 13335 || got.Country != "US" {
		t.Errorf("lookup through stored databases: %+v", got)
	}
	// A corrupt database is refused and the good one kept.
	origin.set("/free/dbip-asn-lite-2025-11.mmdb.gz", gzipped(t, asnDB[:len(asnDB)/2]))
	o.IDs = []string{"dbip-asn"}
	if rs, err := Update(context.Background(), o); !errors.Is(err, ErrUpdate) || rs[0].Err == nil || !strings.Contains(rs[0].Err.Error(), "dbip-asn-lite.mmdb") {
		t.Errorf("corrupt database: %v %v", err, rs)
	}
}

// TestUpdateMonthlyFallback: on the first days of a month DB-IP has not
// published the month's file yet; the previous month's is taken.
func TestUpdateMonthlyFallback(t *testing.T) {
	t.Parallel()
	asnPath, _ := writeFixtures(t)
	asnDB, _ := os.ReadFile(asnPath)
	origin, srv := newFakeOrigin(t)
	origin.set("/free/dbip-asn-lite-2025-10.mmdb.gz", gzipped(t, asnDB))
	o := updateOpts(t.TempDir(), srv.URL)
	o.IDs = []string{"dbip-asn"}
	o.Now = func() time.Time { return time.Date(2025, 11, 1, 3, 0, 0, 0, time.UTC) }
	rs, err := Update(context.Background(), o)
	if err != nil || rs[0].Outcome != OutcomeUpdated {
		t.Fatalf("%v %+v", err, rs)
	}
	m, _ := ReadManifest(o.Dir)
	if u := m.Sources["dbip-asn"].Files[0].URL; !strings.HasSuffix(u, "dbip-asn-lite-2025-10.mmdb.gz") {
		t.Errorf("downloaded %s", u)
	}
}

// TestUpdateTimeout: a server that never answers makes the source fail
// when the per-download timeout expires, and the others still run.
func TestUpdateTimeout(t *testing.T) {
	t.Parallel()
	origin, srv := newFakeOrigin(t)
	serveFixtures(t, origin)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	o := updateOpts(t.TempDir(), hang.URL)
	o.IDs = []string{"fastly"}
	o.Timeout = 50 * time.Millisecond
	rs, err := Update(context.Background(), o)
	if !errors.Is(err, ErrUpdate) || rs[0].Outcome != OutcomeFailed || !strings.Contains(rs[0].Err.Error(), "deadline exceeded") {
		t.Errorf("hanging server: %v %+v", err, rs)
	}
	o.BaseURL = srv.URL
	if _, err := Update(context.Background(), o); err != nil {
		t.Errorf("after the timeout: %v", err)
	}
}

func TestImport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from := t.TempDir()
	ents, _ := os.ReadDir(filepath.Join("testdata", "ranges"))
	for _, e := range ents {
		b := readFixture(t, e.Name())
		if err := os.WriteFile(filepath.Join(from, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(from, "notes.md"), []byte("hello"), 0o644)
	rs, err := Import(ImportOptions{Dir: dir, From: from})
	if err != nil {
		t.Fatalf("%v %v", err, rs)
	}
	oc := outcomes(rs)
	for _, id := range []string{"aws", "gcp", "goog", "azure", "oracle", "cloudflare", "fastly", "akamai", "github", "digitalocean", "linode"} {
		if oc[id] != OutcomeUpdated {
			t.Errorf("%s: %s, want updated", id, oc[id])
		}
	}
	if oc["notes.md"] != OutcomeSkipped {
		t.Errorf("unrecognised file: %s, want skipped", oc["notes.md"])
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := fixtureTable(t); d.Ranges.Len() != want.Len() {
		t.Errorf("loaded %d prefixes, want %d", d.Ranges.Len(), want.Len())
	}
	// Importing an older, smaller copy is refused like a download.
	old := t.TempDir()
	os.WriteFile(filepath.Join(old, "cloud.json"), []byte(`{"prefixes": [{"ipv4Prefix": "34.1.208.0/20", "service": "Google Cloud", "scope": "africa-south1"}]}`), 0o644)
	rs, err = Import(ImportOptions{Dir: dir, From: old})
	if !errors.Is(err, ErrUpdate) || outcomes(rs)["gcp"] != OutcomeFailed {
		t.Errorf("smaller gcp import: %v %v", err, rs)
	}
	// A stored file changed behind the manifest's back is an error on load.
	os.WriteFile(filepath.Join(dir, "aws", "aws-ip-ranges.json"), []byte("{"), 0o644)
	if _, err := Load(dir); !errors.Is(err, ErrFormat) {
		t.Errorf("Load of a corrupted store: %v, want ErrFormat", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	aws, _ := SourceByID("aws")
	cf, _ := SourceByID("cloudflare")
	old := &Summary{Prefixes: 100, Regions: []string{"eu-west-1", "us-east-1"}, Services: []string{"EC2"}, Shortest4: 10}
	tests := []struct {
		name   string
		src    *Source
		old    *Summary
		cur    Summary
		reason string // empty: valid
	}{
		{"first copy", aws, nil, Summary{Prefixes: 5, Shortest4: 12}, ""},
		{"grew", aws, old, Summary{Prefixes: 120, Regions: []string{"eu-west-1", "us-east-1", "us-west-2"}, Services: []string{"EC2"}}, ""},
		{"shrank 30 %", aws, old, Summary{Prefixes: 70, Regions: old.Regions, Services: old.Services}, ""},
		{"shrank 31 %", aws, old, Summary{Prefixes: 69, Regions: old.Regions, Services: old.Services}, "shrank"},
		{"region vanished", aws, old, Summary{Prefixes: 100, Regions: []string{"us-east-1"}, Services: old.Services}, "eu-west-1"},
		{"region vanished, unstable source", cf, old, Summary{Prefixes: 100}, ""},
		{"empty", cf, nil, Summary{}, "no prefix"},
		{"short v6", cf, nil, Summary{Prefixes: 1, Shortest6: 8}, "/8"},
	}
	for _, tt := range tests {
		err := Validate(tt.src, tt.old, tt.cur)
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.reason != "" && (err == nil || !errors.Is(err, ErrValidation) || !strings.Contains(err.Error(), tt.reason)):
			t.Errorf("%s: %v, want ErrValidation with %q", tt.name, err, tt.reason)
		}
	}
}

func TestSourcesWellFormed(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, s := range Sources {
		if seen[s.ID] {
			t.Errorf("source %s listed twice", s.ID)
		}
		seen[s.ID] = true
		for _, f := range s.Files {
			if f.URL != "" && !strings.HasPrefix(f.URL, "https://") {
				t.Errorf("%s: URL %q is not https", s.ID, f.URL)
			}
			if len(f.Import) == 0 {
				t.Errorf("%s/%s: no import pattern", s.ID, f.Name)
			}
		}
	}
	for _, id := range Precedence {
		if s, ok := SourceByID(id); !ok || s.Kind != KindRanges {
			t.Errorf("precedence names %q, not a range source", id)
		}
	}
	if len(Precedence) != len(RangeSourceIDs()) {
		t.Errorf("precedence lists %d sources, there are %d", len(Precedence), len(RangeSourceIDs()))
	}
}

func TestUnzipMember(t *testing.T) {
	t.Parallel()
	archive := zipFixtures(t, "akamai_ipv4_CIDRs.txt")
	got, err := unzipMember(archive, "akamai_ipv4_CIDRs.txt", 1<<20)
	if err != nil || !bytes.Equal(got, readFixture(t, "akamai_ipv4_CIDRs.txt")) {
		t.Errorf("member not extracted: %v", err)
	}
	for name, tc := range map[string]struct {
		b      []byte
		member string
		limit  int64
		want   string
	}{
		"missing member": {archive, "akamai_ipv6_CIDRs.txt", 1 << 20, "no akamai_ipv6_CIDRs.txt"},
		"not a zip":      {[]byte("<html>moved</html>"), "akamai_ipv4_CIDRs.txt", 1 << 20, "unzip"},
		"over the limit": {archive, "akamai_ipv4_CIDRs.txt", 4, "larger than the limit"},
	} {
		if _, err := unzipMember(tc.b, tc.member, tc.limit); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, tc.want)
		}
	}
}
