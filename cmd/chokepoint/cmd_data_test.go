package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain points the user cache directory, where "analyze" looks for
// reference data by default, at an empty temporary directory, so that no
// test depends on what "chokepoint data update" put on this machine.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chokepoint-cache-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CACHE_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestDataCommands drives "data import", "data update" and "data status"
// through the root command, as a user would, against a local server.
func TestDataCommands(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	fixtures := filepath.Join("..", "..", "data", "refdata", "testdata", "ranges")

	code, out, errOut := execute(t, "", "data", "import", fixtures, "--data-dir", dataDir)
	if code != exitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "aws") || !strings.Contains(out, "updated") {
		t.Errorf("import report:\n%s", out)
	}

	v4, _ := os.ReadFile(filepath.Join(fixtures, "ips-v4"))
	broken := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ips-v4":
			if broken {
				w.Write([]byte("<html>oops</html>"))
				return
			}
			w.Write(v4)
		case "/ips-v6":
			w.Write([]byte("2400:cb00::/32\n2606:4700::/32\n2405:b500::/32\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	code, out, errOut = execute(t, "", "data", "update", "--data-dir", dataDir, "--base-url", srv.URL, "--source", "cloudflare")
	if code != exitOK {
		t.Fatalf("update: exit %d\n%s\n%s", code, out, errOut)
	}
	broken = true
	code, out, _ = execute(t, "", "data", "update", "--data-dir", dataDir, "--base-url", srv.URL, "--source", "cloudflare")
	if code != exitFailure || !strings.Contains(out, "failed") || !strings.Contains(out, "cloudflare-ips-v4.txt") {
		t.Errorf("broken update: exit %d, want %d, report:\n%s", code, exitFailure, out)
	}
	code, _, errOut = execute(t, "", "data", "update", "--data-dir", dataDir, "--source", "nosuch")
	if code != exitUsage || !strings.Contains(errOut, "unknown source") {
		t.Errorf("unknown source: exit %d\n%s", code, errOut)
	}

	code, out, _ = execute(t, "", "data", "status", "--data-dir", dataDir)
	if code != exitOK {
		t.Fatalf("status: exit %d", code)
	}
	for _, want := range []string{"data directory: " + dataDir, "aws", "ranges", "import", "cloudflare", "download", "cloudflare-ips-v4.txt"} {
		if !strings.Contains(out, want) {
			t.Errorf("status does not show %q:\n%s", want, out)
		}
	}
}

// refFixture reads a range fixture of data/refdata.
func refFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "data", "refdata", "testdata", "ranges", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDataImportRefusesImpossiblePrefixes: a range file claiming every
// address (0.0.0.0/0, ::/0) or private space is refused with a message
// naming the file and why, exit 1, and --force does not store it.
func TestDataImportRefusesImpossiblePrefixes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		file, content, want string
	}{
		{"ips-v4", "104.16.0.0/13\n0.0.0.0/0\n", "ips-v4: 0.0.0.0/0 is shorter than /8, larger than any provider publishes"},
		{"ips-v6", "2606:4700::/32\n::/0\n", "ips-v6: ::/0 is shorter than /19, larger than any provider publishes"},
		{"ips-v4", "104.16.0.0/13\n192.168.0.0/16\n", "ips-v4: 192.168.0.0/16 is in private-use space 192.168.0.0/16 (RFC 1918)"},
	} {
		from := t.TempDir()
		writeFile(t, from, tt.file, tt.content)
		dataDir := t.TempDir()
		want := "source cloudflare: reference data refused: " + from + string(filepath.Separator) + tt.want
		for _, force := range []bool{false, true} {
			args := []string{"data", "import", from, "--data-dir", dataDir}
			if force {
				args = append(args, "--force")
			}
			code, out, _ := execute(t, "", args...)
			if code != exitFailure || !strings.Contains(out, want) || strings.Contains(out, "--force") {
				t.Errorf("%s (force %v): exit %d, want %d; report:\n%s\nwant it to say %q and not --force", tt.content, force, code, exitFailure, out, want)
			}
		}
		code, out, _ := execute(t, "", "data", "status", "--data-dir", dataDir)
		if code != exitOK || !strings.Contains(out, "last attempt failed: "+want) {
			t.Errorf("status after the refusal:\n%s", out)
		}
		if _, err := os.Stat(filepath.Join(dataDir, "cloudflare", "cloudflare-ips-v4.txt")); err == nil {
			t.Errorf("%s: the file was stored", tt.content)
		}
	}
}

// TestDataForce: an older snapshot imported over a newer one is refused
// with the regions that vanished, both publication dates and how to
// override; --force stores it, for import and for update.
func TestDataForce(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	newer := refFixture(t, "ip-ranges.json")
	from := t.TempDir()
	writeFile(t, from, "ip-ranges.json", string(newer))
	if code, out, errOut := execute(t, "", "data", "import", from, "--data-dir", dataDir); code != exitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	older := bytes.Replace(newer, []byte(`"2025-11-24-00-00-00"`), []byte(`"2025-07-01-00-00-00"`), 1)
	older = bytes.ReplaceAll(older, []byte(`"ap-northeast-2"`), []byte(`"us-east-1"`))
	old := t.TempDir()
	writeFile(t, old, "ip-ranges.json", string(older))

	code, out, _ := execute(t, "", "data", "import", old, "--data-dir", dataDir)
	want := "source aws: reference data refused: regions vanished: ap-northeast-2; this copy was published 2025-07-01T00:00:00Z, " +
		"before the stored copy (published 2025-11-24T00:00:00Z); use --force to store it anyway"
	if code != exitFailure || !strings.Contains(out, want) {
		t.Errorf("older snapshot: exit %d, want %d; report:\n%s\nwant %q", code, exitFailure, out, want)
	}
	code, out, _ = execute(t, "", "data", "import", old, "--data-dir", dataDir, "--force")
	if code != exitOK || !strings.Contains(out, "stored with --force despite: regions vanished: ap-northeast-2; this copy was published 2025-07-01T00:00:00Z, before the copy it replaces") {
		t.Errorf("import --force: exit %d; report:\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dataDir, "aws", "aws-ip-ranges.json")); !bytes.Equal(b, older) {
		t.Error("import --force did not store the older copy")
	}

	// update: a copy that shrank is refused, then stored with --force.
	shrunk := []byte(`{"createDate": "2025-12-01-00-00-00", "prefixes": [{"ip_prefix": "3.208.0.0/12", "region": "us-east-1", "service": "EC2"}], "ipv6_prefixes": []}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ip-ranges.json" {
			http.NotFound(w, r)
			return
		}
		w.Write(shrunk)
	}))
	defer srv.Close()
	code, out, _ = execute(t, "", "data", "update", "--data-dir", dataDir, "--base-url", srv.URL, "--source", "aws")
	if code != exitFailure || !strings.Contains(out, "shrank from 10 to 1 prefixes (more than 30 %)") || !strings.Contains(out, "after the stored copy (published 2025-07-01T00:00:00Z); use --force to store it anyway") {
		t.Errorf("update of a shrunk copy: exit %d; report:\n%s", code, out)
	}
	code, out, _ = execute(t, "", "data", "update", "--data-dir", dataDir, "--base-url", srv.URL, "--source", "aws", "--force")
	if code != exitOK || !strings.Contains(out, "stored with --force despite: shrank from 10 to 1 prefixes") {
		t.Errorf("update --force: exit %d; report:\n%s", code, out)
	}
	if b, _ := os.ReadFile(filepath.Join(dataDir, "aws", "aws-ip-ranges.json")); !bytes.Equal(b, shrunk) {
		t.Error("update --force did not store the copy")
	}
}

// TestDataStatusPublished: status shows when the provider published each
// file (with where the date was read and the file's version) beside when
// it was stored.
func TestDataStatusPublished(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	fixtures := filepath.Join("..", "..", "data", "refdata", "testdata", "ranges")
	stored := time.Date(2025, 11, 30, 12, 0, 0, 0, time.UTC)
	o := dataOptions{Dir: dataDir, From: fixtures, Now: func() time.Time { return stored }}
	var out bytes.Buffer
	if err := runDataImport(t.Context(), o, &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	out.Reset()
	o.Now = func() time.Time { return stored.Add(72 * time.Hour) }
	if err := runDataStatus(t.Context(), o, &out); err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = f
		}
	}
	if got := strings.Join(rows["SOURCE"], " "); got != "SOURCE KIND PREFIXES REGIONS PUBLISHED VERSION STORED ORIGIN NOTE" {
		t.Errorf("header %q", got)
	}
	for id, want := range map[string]string{
		"aws":        "aws ranges 10 3 2025-11-24T00:00:00Z (9d, createDate) syncToken 1763942400 2025-11-30T12:00:00Z (3d) import",
		"gcp":        "gcp ranges 3 2 2025-11-24T00:00:00Z (9d, syncToken) syncToken 1763942400000 2025-11-30T12:00:00Z (3d) import",
		"azure":      "azure ranges 6 2 2025-11-17T00:00:00Z (16d, file name) changeNumber 363 2025-11-30T12:00:00Z (3d) import",
		"oracle":     "oracle ranges 3 2 2025-07-21T07:13:25Z (135d, last_updated_timestamp) - 2025-11-30T12:00:00Z (3d) import",
		"cloudflare": "cloudflare ranges 6 0 - - 2025-11-30T12:00:00Z (3d) import",
		"vultr":      "vultr ranges - - - - never - ",
	} {
		if got := strings.Join(rows[id], " "); got != strings.TrimSpace(want) {
			t.Errorf("%s row\n got %q\nwant %q", id, got, want)
		}
	}
}
