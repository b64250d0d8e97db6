package refdata

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var importNow = func() time.Time { return time.Date(2025, 11, 24, 12, 0, 0, 0, time.UTC) }

// importDir writes files (name -> content; content "@name" is that
// fixture) into a new folder and returns it.
func importDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		b := []byte(content)
		if strings.HasPrefix(content, "@") {
			b = readFixture(t, content[1:])
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// reportsByID indexes reports by source id.
func reportsByID(rs []Report) map[string]Report {
	m := map[string]Report{}
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

// TestImportRefusesHostile imports hostile range files (huge prefixes,
// private and reserved space, one prefix claimed by two providers,
// duplicates, padding) and checks the outcome of each source with the
// exact message, that a refused copy leaves the store as it was, and
// what --force can and cannot override. "{in}" in a message is the
// import folder, "{store}" the data directory.
func TestImportRefusesHostile(t *testing.T) {
	t.Parallel()
	awsFixture := string(readFixture(t, "ip-ranges.json"))
	padded := `{"prefixes": [` + strings.Repeat(`{"ip_prefix": "3.5.140.0/22", "region": "ap-northeast-2", "service": "AMAZON"}, {"ip_prefix": "3.208.0.0/12", "region": "us-east-1", "service": "EC2"}, {"ip_prefix": "15.181.232.0/21", "region": "us-west-2", "service": "ROUTE53"}, `, 4) +
		`{"ip_prefix": "15.181.232.0/21", "region": "us-west-2", "service": "CLOUDFRONT"}], "ipv6_prefixes": []}`
	type want struct {
		outcome Outcome
		err     string
		notes   []string
	}
	tests := []struct {
		name   string
		stored map[string]string // imported first, must pass
		files  map[string]string
		force  bool
		want   map[string]want
		// probe: address -> source that must answer it after the import
		// ("" for nothing).
		probe map[string]string
	}{
		{name: "IPv4 /0", files: map[string]string{"ips-v4": "104.16.0.0/13\n0.0.0.0/0\n"},
			want:  map[string]want{"cloudflare": {OutcomeFailed, "source cloudflare: reference data refused: {in}/ips-v4: 0.0.0.0/0 is shorter than /8, larger than any provider publishes", nil}},
			probe: map[string]string{"8.8.8.8": "", "104.16.1.1": ""}},
		{name: "IPv4 /0 with force", files: map[string]string{"ips-v4": "104.16.0.0/13\n0.0.0.0/0\n"}, force: true,
			want:  map[string]want{"cloudflare": {OutcomeFailed, "source cloudflare: reference data refused: {in}/ips-v4: 0.0.0.0/0 is shorter than /8, larger than any provider publishes", nil}},
			probe: map[string]string{"8.8.8.8": ""}},
		{name: "IPv6 ::/0 over a good copy", stored: map[string]string{"ips-v4": "@ips-v4", "ips-v6": "@ips-v6"}, files: map[string]string{"ips-v6": "2606:4700::/32\n::/0\n"},
			want:  map[string]want{"cloudflare": {OutcomeFailed, "source cloudflare: reference data refused: {in}/ips-v6: ::/0 is shorter than /19, larger than any provider publishes", nil}},
			probe: map[string]string{"2001:4860::1": "", "2606:4700::1": "cloudflare", "104.16.1.1": "cloudflare"}},
		{name: "IPv6 /18", files: map[string]string{"ips-v6": "2600::/18\n"},
			want: map[string]want{"cloudflare": {OutcomeFailed, "source cloudflare: reference data refused: {in}/ips-v6: 2600::/18 is shorter than /19, larger than any provider publishes", nil}}},
		{name: "mapped /96 is the IPv4 /0", files: map[string]string{"public-ip-list.json": `{"addresses": ["151.101.0.0/16"], "ipv6_addresses": ["::ffff:0.0.0.0/96"]}`},
			want: map[string]want{"fastly": {OutcomeFailed, "source fastly: reference data refused: {in}/public-ip-list.json: 0.0.0.0/0 is shorter than /8, larger than any provider publishes", nil}}},
		{name: "private space in AWS", files: map[string]string{"ip-ranges.json": strings.Replace(awsFixture, `"13.32.0.0/15"`, `"10.0.0.0/8"`, 1)},
			want:  map[string]want{"aws": {OutcomeFailed, "source aws: reference data refused: {in}/ip-ranges.json: 10.0.0.0/8 is in private-use space 10.0.0.0/8 (RFC 1918)", nil}},
			probe: map[string]string{"10.1.1.1": "", "3.210.1.2": ""}},
		{name: "shared address space holds", files: map[string]string{"goog.json": `{"prefixes": [{"ipv4Prefix": "8.8.8.0/24"}, {"ipv4Prefix": "100.0.0.0/8"}]}`},
			want: map[string]want{"goog": {OutcomeFailed, "source goog: reference data refused: {in}/goog.json: 100.0.0.0/8 holds shared address space 100.64.0.0/10 (RFC 6598, carrier-grade NAT)", nil}}},
		{name: "link-local in a geofeed", files: map[string]string{"linode-geofeed.csv": "45.33.0.0/17,US,US-CA,,\n169.254.0.0/16,US,US-CA,,\nfe80::/64,US,US-CA,,\n"},
			want: map[string]want{"linode": {OutcomeFailed, "source linode: reference data refused: {in}/linode-geofeed.csv: 169.254.0.0/16 is in link-local 169.254.0.0/16 (RFC 3927); fe80::/64 is in link-local fe80::/10 (RFC 4291)", nil}}},
		{name: "loopback and multicast", files: map[string]string{"akamai_ipv4_CIDRs.txt": "23.32.0.0/11\n127.0.0.0/8\n224.0.0.0/8\n", "akamai_ipv6_CIDRs.txt": "::1/128\nff02::/16\n"},
			want: map[string]want{"akamai": {OutcomeFailed, "source akamai: reference data refused: {in}/akamai_ipv4_CIDRs.txt: 127.0.0.0/8 is in loopback 127.0.0.0/8 (RFC 1122); 224.0.0.0/8 is in multicast 224.0.0.0/4 (RFC 5771)", nil}}},
		{name: "documentation space", files: map[string]string{"meta.json": `{"pages": ["185.199.108.0/22", "203.0.113.0/24"]}`},
			want: map[string]want{"github": {OutcomeFailed, "source github: reference data refused: {in}/meta.json: 203.0.113.0/24 is in documentation 203.0.113.0/24 (RFC 5737)", nil}}},
		{name: "one prefix in two imported files", files: map[string]string{"ip-ranges.json": "@ip-ranges.json", "ips-v4": "104.16.0.0/13\n13.32.0.0/15\n"},
			want: map[string]want{
				"aws":        {OutcomeFailed, "source aws: reference data refused: 1 prefix also published by cloudflare ({in}/ips-v4): 13.32.0.0/15; use --force to store it anyway", nil},
				"cloudflare": {OutcomeFailed, "source cloudflare: reference data refused: 1 prefix also published by aws ({in}/ip-ranges.json): 13.32.0.0/15; use --force to store it anyway", nil},
			},
			probe: map[string]string{"13.33.0.1": "", "104.16.1.1": ""}},
		{name: "one prefix in an imported and a stored file", stored: map[string]string{"ip-ranges.json": "@ip-ranges.json"}, files: map[string]string{"ips-v4": "104.16.0.0/13\n13.32.0.0/15\n3.208.0.0/12\n"},
			want:  map[string]want{"cloudflare": {OutcomeFailed, "source cloudflare: reference data refused: 2 prefixes also published by aws ({store}/aws/aws-ip-ranges.json): 13.32.0.0/15, 3.208.0.0/12; use --force to store it anyway", nil}},
			probe: map[string]string{"13.33.0.1": "aws", "104.16.1.1": ""}},
		{name: "one prefix in two files, forced", stored: map[string]string{"ip-ranges.json": "@ip-ranges.json"}, files: map[string]string{"ips-v4": "104.16.0.0/13\n13.32.0.0/15\n"}, force: true,
			want: map[string]want{"cloudflare": {OutcomeUpdated, "", []string{"stored with --force despite: 1 prefix also published by aws ({store}/aws/aws-ip-ranges.json): 13.32.0.0/15"}}},
			// Precedence still gives the prefix to AWS.
			probe: map[string]string{"13.33.0.1": "aws", "104.16.1.1": "cloudflare"}},
		{name: "cloud.json and goog.json share prefixes by design", files: map[string]string{"cloud.json": "@cloud.json", "goog.json": `{"prefixes": [{"ipv4Prefix": "34.66.0.0/15"}, {"ipv4Prefix": "8.8.8.0/24"}]}`},
			want:  map[string]want{"gcp": {OutcomeUpdated, "", nil}, "goog": {OutcomeUpdated, "", nil}},
			probe: map[string]string{"34.66.1.1": "gcp", "8.8.8.8": "goog"}},
		{name: "GitHub lists Azure's ranges by design", files: map[string]string{"ServiceTags_Public_20251117.json": "@ServiceTags_Public_20251117.json", "meta.json": `{"actions": ["20.42.0.0/15"]}`},
			want:  map[string]want{"azure": {OutcomeUpdated, "", nil}, "github": {OutcomeUpdated, "", nil}},
			probe: map[string]string{"20.42.1.1": "azure"}},
		{name: "a platform inside a cloud's block", files: map[string]string{"ip-ranges.json": "@ip-ranges.json", "public-ip-list.json": `{"addresses": ["3.208.1.0/24"]}`},
			want:  map[string]want{"aws": {OutcomeUpdated, "", nil}, "fastly": {OutcomeUpdated, "", nil}},
			probe: map[string]string{"3.208.1.1": "fastly", "3.208.2.1": "aws"}},
		{name: "duplicates counted once", files: map[string]string{"ips-v4": "104.16.0.0/13\n104.16.0.0/13\n172.64.0.0/13\n104.16.0.0/13\n"},
			want:  map[string]want{"cloudflare": {OutcomeUpdated, "", []string{"2 duplicate entries counted once"}}},
			probe: map[string]string{"104.16.1.1": "cloudflare"}},
		{name: "truncated copy padded with duplicates", stored: map[string]string{"ip-ranges.json": "@ip-ranges.json"}, files: map[string]string{"ip-ranges.json": padded},
			want:  map[string]want{"aws": {OutcomeFailed, "source aws: reference data refused: shrank from 10 to 4 prefixes (more than 30 %); use --force to store it anyway", nil}},
			probe: map[string]string{"13.33.0.1": "aws"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := t.TempDir()
			if tt.stored != nil {
				if rs, err := Import(ImportOptions{Dir: store, From: importDir(t, tt.stored), Now: importNow}); err != nil {
					t.Fatalf("stored copy refused: %v %+v", err, rs)
				}
			}
			before := map[string][]byte{} // source/file -> stored content
			if m, err := ReadManifest(store); err == nil {
				for id, st := range m.Sources {
					for _, f := range st.Files {
						before[id+"/"+f.Name], _ = os.ReadFile(filepath.Join(store, id, f.Name))
					}
				}
			}
			in := importDir(t, tt.files)
			rs, err := Import(ImportOptions{Dir: store, From: in, Force: tt.force, Now: importNow})
			got := reportsByID(rs)
			failed := false
			for id, w := range tt.want {
				r := got[id]
				failed = failed || w.outcome == OutcomeFailed
				msg := ""
				if r.Err != nil {
					msg = r.Err.Error()
				}
				wantErr := strings.NewReplacer("{in}", in, "{store}", store).Replace(w.err)
				if r.Outcome != w.outcome || msg != wantErr {
					t.Errorf("%s: %s %q\nwant %s %q", id, r.Outcome, msg, w.outcome, wantErr)
				}
				var wantNotes []string
				for _, n := range w.notes {
					wantNotes = append(wantNotes, strings.NewReplacer("{in}", in, "{store}", store).Replace(n))
				}
				if diff := cmp.Diff(wantNotes, r.Notes); diff != "" {
					t.Errorf("%s notes (-want +got):\n%s", id, diff)
				}
				if w.outcome == OutcomeFailed && !errors.Is(r.Err, ErrValidation) {
					t.Errorf("%s: %v does not wrap ErrValidation", id, r.Err)
				}
			}
			if failed != errors.Is(err, ErrUpdate) {
				t.Errorf("Import error %v", err)
			}
			d, err := Load(store)
			if err != nil {
				t.Fatalf("Load after the import: %v", err)
			}
			for addr, source := range tt.probe {
				r, ok := d.Ranges.Lookup(netip.MustParseAddr(addr))
				if got := r.Source; !ok && source != "" || ok && got != source {
					t.Errorf("Lookup(%s) = %+v %v, want source %q", addr, r, ok, source)
				}
			}
			if !failed {
				return
			}
			// A refused source keeps its stored files byte for byte, and
			// the manifest records why.
			after, _ := ReadManifest(store)
			for id, w := range tt.want {
				if w.outcome != OutcomeFailed {
					continue
				}
				st := after.Sources[id]
				if st == nil || st.LastError == "" {
					t.Errorf("%s: no last_error recorded: %+v", id, st)
					continue
				}
				if tt.stored == nil && !st.UpdatedAt.IsZero() {
					t.Errorf("%s: a refused first copy was stored: %+v", id, st)
				}
				for _, f := range st.Files {
					b, _ := os.ReadFile(filepath.Join(store, id, f.Name))
					if before[id+"/"+f.Name] == nil || !bytes.Equal(b, before[id+"/"+f.Name]) {
						t.Errorf("%s: stored %s changed", id, f.Name)
					}
				}
			}
		})
	}
}

// TestLoadRefusesPoisonedStore: a store written before the checks existed
// (or changed by hand) with a /0 is refused on load, naming the file,
// instead of attributing every address.
func TestLoadRefusesPoisonedStore(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	if _, err := Import(ImportOptions{Dir: store, From: importDir(t, map[string]string{"ips-v4": "@ips-v4"}), Now: importNow}); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(store, "cloudflare", "cloudflare-ips-v4.txt")
	if err := os.WriteFile(p, []byte("104.16.0.0/13\n0.0.0.0/0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(store)
	want := "data directory " + store + ": source cloudflare: reference data refused: " + p + ": 0.0.0.0/0 is shorter than /8, larger than any provider publishes" +
		" (the stored copy changed after it was validated: delete " + filepath.Join(store, "cloudflare") +
		` and run "chokepoint data update --source cloudflare", or import a good copy with "chokepoint data import")`
	if err == nil || err.Error() != want || !errors.Is(err, ErrValidation) {
		t.Errorf("Load = %v\nwant %s", err, want)
	}
	// Doing what the message says repairs the store.
	origin, srv := newFakeOrigin(t)
	serveFixtures(t, origin)
	if err := os.RemoveAll(filepath.Join(store, "cloudflare")); err != nil {
		t.Fatal(err)
	}
	o := updateOpts(store, srv.URL)
	o.IDs = []string{"cloudflare"}
	if rs, err := Update(t.Context(), o); err != nil {
		t.Fatalf("update after deleting the poisoned copy: %v %+v", err, rs)
	}
	d, err := Load(store)
	if err != nil {
		t.Fatalf("Load after the repair: %v", err)
	}
	if r, ok := d.Ranges.Lookup(netip.MustParseAddr("8.8.8.8")); ok {
		t.Errorf("8.8.8.8 still attributed: %+v", r)
	}
}

// TestParsePublication reads each format's own date and version.
func TestParsePublication(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		format Format
		in     string
		want   Publication
	}{
		{"aws", FormatAWS, `{"syncToken": "1753388594", "createDate": "2025-07-24-20-23-14", "prefixes": [{"ip_prefix": "3.5.140.0/22"}]}`,
			Publication{time.Date(2025, 7, 24, 20, 23, 14, 0, time.UTC), "createDate", "syncToken 1753388594"}},
		{"aws without createDate", FormatAWS, `{"syncToken": "1753388594", "prefixes": [{"ip_prefix": "3.5.140.0/22"}]}`,
			Publication{time.Date(2025, 7, 24, 20, 23, 14, 0, time.UTC), "syncToken", "syncToken 1753388594"}},
		{"aws garbage dates", FormatAWS, `{"syncToken": "soon", "createDate": "yesterday", "prefixes": [{"ip_prefix": "3.5.140.0/22"}]}`,
			Publication{Version: "syncToken soon"}},
		// Google's creationTime is Pacific time without a zone; the
		// syncToken (Unix milliseconds) is exact.
		{"gcp", FormatGCPCloud, `{"syncToken": "1753409788780", "creationTime": "2025-07-24T19:16:28.780563", "prefixes": [{"ipv4Prefix": "34.1.208.0/20"}]}`,
			Publication{time.Date(2025, 7, 25, 2, 16, 28, 780e6, time.UTC), "syncToken", "syncToken 1753409788780"}},
		{"goog creationTime only", FormatGoog, `{"creationTime": "2024-04-25T07:05:03.68994", "prefixes": [{"ipv4Prefix": "8.8.8.0/24"}]}`,
			Publication{time.Date(2024, 4, 25, 7, 5, 3, 689940000, time.UTC), "creationTime", ""}},
		{"azure", FormatAzure, `{"changeNumber": 363, "values": [{"name": "X", "properties": {"addressPrefixes": ["20.42.0.0/15"]}}]}`,
			Publication{Version: "changeNumber 363"}},
		{"oracle", FormatOracle, `{"last_updated_timestamp": "2025-07-21T07:13:25.457838", "regions": [{"region": "r", "cidrs": [{"cidr": "129.80.0.0/16"}]}]}`,
			Publication{time.Date(2025, 7, 21, 7, 13, 25, 457838000, time.UTC), "last_updated_timestamp", ""}},
		{"implausible year ignored", FormatOracle, `{"last_updated_timestamp": "9999-12-31T23:59:59", "regions": [{"region": "r", "cidrs": [{"cidr": "129.80.0.0/16"}]}]}`,
			Publication{}},
		{"cidr list has none", FormatCIDRList, "104.16.0.0/13\n", Publication{}},
	}
	for _, tt := range tests {
		_, got, err := ParseRangeFile(tt.format, "x", "f", strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if got := PublicationFromName(FormatAzure, "https://download.microsoft.com/download/7/1/D/x/ServiceTags_Public_20251117.json"); !got.Date.Equal(time.Date(2025, 11, 17, 0, 0, 0, 0, time.UTC)) || got.DateFrom != "file name" {
		t.Errorf("Azure file name: %+v", got)
	}
	if got := PublicationFromName(FormatAWS, "ServiceTags_Public_20251117.json"); !got.Date.IsZero() {
		t.Errorf("date read from the name of a format that has none there: %+v", got)
	}
}

// TestPublicationRecorded imports the fixtures and downloads a file with a
// Last-Modified header: the manifest records each file's publication
// date, where it was read, and its version, and each source the latest.
func TestPublicationRecorded(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	from := importDir(t, map[string]string{
		"ip-ranges.json": "@ip-ranges.json", "cloud.json": "@cloud.json", "goog.json": "@goog.json",
		"ServiceTags_Public_20251117.json": "@ServiceTags_Public_20251117.json", "public_ip_ranges.json": "@public_ip_ranges.json",
		"public-ip-list.json": "@public-ip-list.json",
	})
	if rs, err := Import(ImportOptions{Dir: store, From: from, Now: importNow}); err != nil {
		t.Fatalf("%v %+v", err, rs)
	}
	lastModified := time.Date(2025, 10, 1, 8, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Last-Modified", lastModified.Format(http.TimeFormat))
		switch r.URL.Path {
		case "/ips-v4":
			w.Write(readFixture(t, "ips-v4"))
		case "/ips-v6":
			w.Write(readFixture(t, "ips-v6"))
		case "/ip-ranges.json":
			w.Write(readFixture(t, "ip-ranges.json"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	o := updateOpts(store, srv.URL)
	o.IDs = []string{"cloudflare"}
	if rs, err := Update(t.Context(), o); err != nil {
		t.Fatalf("%v %+v", err, rs)
	}
	m, err := ReadManifest(store)
	if err != nil {
		t.Fatal(err)
	}
	type pub struct {
		Published time.Time
		From      string
		Version   string
	}
	got := map[string]pub{}
	for id, st := range m.Sources {
		for _, f := range st.Files {
			got[id+"/"+f.Name] = pub{f.Published, f.PublishedFrom, f.Version}
		}
		got[id] = pub{Published: st.Published}
	}
	d := func(y int, mo time.Month, day, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, day, h, mi, s, ns, time.UTC)
	}
	want := map[string]pub{
		"aws/aws-ip-ranges.json":              {d(2025, 11, 24, 0, 0, 0, 0), "createDate", "syncToken 1763942400"},
		"aws":                                 {Published: d(2025, 11, 24, 0, 0, 0, 0)},
		"gcp/gcp-cloud.json":                  {d(2025, 11, 24, 0, 0, 0, 0), "syncToken", "syncToken 1763942400000"},
		"gcp":                                 {Published: d(2025, 11, 24, 0, 0, 0, 0)},
		"goog/google-goog.json":               {d(2024, 4, 25, 14, 5, 3, 689e6), "syncToken", "syncToken 1714053903689"},
		"goog":                                {Published: d(2024, 4, 25, 14, 5, 3, 689e6)},
		"azure/azure-service-tags.json":       {d(2025, 11, 17, 0, 0, 0, 0), "file name", "changeNumber 363"},
		"azure":                               {Published: d(2025, 11, 17, 0, 0, 0, 0)},
		"oracle/oracle-public-ip-ranges.json": {d(2025, 7, 21, 7, 13, 25, 457838000), "last_updated_timestamp", ""},
		"oracle":                              {Published: d(2025, 7, 21, 7, 13, 25, 457838000)},
		"fastly/fastly-public-ip-list.json":   {},
		"fastly":                              {},
		"cloudflare/cloudflare-ips-v4.txt":    {lastModified, "Last-Modified", ""},
		"cloudflare/cloudflare-ips-v6.txt":    {lastModified, "Last-Modified", ""},
		"cloudflare":                          {Published: lastModified},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("publications (-want +got):\n%s", diff)
	}
	// A file's own date wins over Last-Modified.
	o.IDs = []string{"aws"}
	store2 := t.TempDir()
	o.Dir = store2
	if rs, err := Update(t.Context(), o); err != nil {
		t.Fatalf("%v %+v", err, rs)
	}
	m, _ = ReadManifest(store2)
	if f := m.Sources["aws"].Files[0]; f.PublishedFrom != "createDate" || !f.Published.Equal(d(2025, 11, 24, 0, 0, 0, 0)) {
		t.Errorf("downloaded aws: %+v", f)
	}
}

// TestImportOlderSnapshot imports an older copy over a newer one: refused
// with the regions that vanished, both publication dates and how to
// override; --force stores it with notes saying so; an older copy that
// loses nothing is stored with a note.
func TestImportOlderSnapshot(t *testing.T) {
	t.Parallel()
	store := t.TempDir()
	if _, err := Import(ImportOptions{Dir: store, From: importDir(t, map[string]string{"ip-ranges.json": "@ip-ranges.json"}), Now: importNow}); err != nil {
		t.Fatal(err)
	}
	newer := readFixture(t, "ip-ranges.json")
	older := bytes.Replace(newer, []byte(`"2025-11-24-00-00-00"`), []byte(`"2025-07-01-00-00-00"`), 1)
	older = bytes.Replace(older, []byte(`"1763942400"`), []byte(`"1751328000"`), 1)
	lost := bytes.ReplaceAll(older, []byte(`"ap-northeast-2"`), []byte(`"us-east-1"`))

	from := importDir(t, map[string]string{"ip-ranges.json": string(lost)})
	rs, err := Import(ImportOptions{Dir: store, From: from, Now: importNow})
	want := "source aws: reference data refused: regions vanished: ap-northeast-2; this copy was published 2025-07-01T00:00:00Z, " +
		"before the stored copy (published 2025-11-24T00:00:00Z); use --force to store it anyway"
	if !errors.Is(err, ErrUpdate) || len(rs) != 1 || rs[0].Err == nil || rs[0].Err.Error() != want {
		t.Fatalf("older snapshot: %v %+v\nwant %s", err, rs, want)
	}
	if b, _ := os.ReadFile(filepath.Join(store, "aws", "aws-ip-ranges.json")); !bytes.Equal(b, newer) {
		t.Error("the newer copy was replaced")
	}

	rs, err = Import(ImportOptions{Dir: store, From: from, Now: importNow, Force: true})
	if err != nil || rs[0].Outcome != OutcomeUpdated {
		t.Fatalf("forced: %v %+v", err, rs)
	}
	wantNotes := []string{
		"stored with --force despite: regions vanished: ap-northeast-2",
		"this copy was published 2025-07-01T00:00:00Z, before the copy it replaces (published 2025-11-24T00:00:00Z)",
	}
	if diff := cmp.Diff(wantNotes, rs[0].Notes); diff != "" {
		t.Errorf("forced notes (-want +got):\n%s", diff)
	}
	m, _ := ReadManifest(store)
	if st := m.Sources["aws"]; !st.Published.Equal(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)) || st.LastError != "" || cmp.Diff(wantNotes, st.Notes) != "" {
		t.Errorf("manifest after the forced import: %+v", st)
	}

	// Back to the newer copy, then an older one that loses nothing.
	if _, err := Import(ImportOptions{Dir: store, From: importDir(t, map[string]string{"ip-ranges.json": "@ip-ranges.json"}), Now: importNow}); err != nil {
		t.Fatal(err)
	}
	rs, err = Import(ImportOptions{Dir: store, From: importDir(t, map[string]string{"ip-ranges.json": string(older)}), Now: importNow})
	if err != nil || rs[0].Outcome != OutcomeUpdated {
		t.Fatalf("older, nothing lost: %v %+v", err, rs)
	}
	if diff := cmp.Diff(wantNotes[1:], rs[0].Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}
