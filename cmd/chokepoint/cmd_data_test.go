package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
