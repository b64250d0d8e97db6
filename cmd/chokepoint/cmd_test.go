package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// execute runs the root command with args and returns its exit code and
// outputs, as main would.
func execute(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return executeContext(t, context.Background(), stdin, args...)
}

// executeContext is execute under ctx: a cancelled ctx is what main's
// context is after Ctrl-C or SIGTERM.
func executeContext(t *testing.T, ctx context.Context, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd(strings.NewReader(stdin), &out, &errb)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	code = exitCode(err, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := writeFile(t, dir, "empty.txt", "# nothing here\n\n")
	garbage := writeFile(t, dir, "garbage.txt", "not a domain\n-bad-.com\n")
	badDB := writeFile(t, dir, "bad.mmdb", "this is not a MaxMind database")
	obs := writeFile(t, dir, "obs.jsonl", `{"schema_version":1,"domain":"example.com","status":"nxdomain","apex":{"name":"example.com"},"www":{"name":"www.example.com"}}`+"\n")
	tests := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		message string
	}{
		{"empty list", "", []string{"crawl", empty, "--resolver", "127.0.0.1:1", "--out", filepath.Join(dir, "o1")}, exitUsage, "no valid domain"},
		{"only garbage", "", []string{"crawl", garbage, "--resolver", "127.0.0.1:1", "--out", filepath.Join(dir, "o2")}, exitUsage, "garbage.txt:1"},
		{"empty stdin", "", []string{"crawl", "-", "--resolver", "127.0.0.1:1", "--out", filepath.Join(dir, "o3")}, exitUsage, "no valid domain"},
		{"missing list", "", []string{"crawl", filepath.Join(dir, "nope.txt"), "--resolver", "127.0.0.1:1"}, exitUsage, "nope.txt"},
		{"bad resolver", "", []string{"crawl", garbage, "--resolver", "127.0.0.1"}, exitUsage, "resolver"},
		{"bad flag", "", []string{"crawl", "--timeout", "soon", garbage}, exitUsage, "timeout"},
		{"corrupt asn db", "", []string{"analyze", obs, "--asn-db", badDB, "--out", filepath.Join(dir, "o4")}, exitUsage, "bad.mmdb"},
		{"missing observations", "", []string{"analyze", filepath.Join(dir, "nope.jsonl"), "--out", filepath.Join(dir, "o5")}, exitUsage, "nope.jsonl"},
		{"analyze ok", "", []string{"analyze", obs, "--out", filepath.Join(dir, "o6"), "-q"}, exitOK, "1 domains"},
		{"analyze parquet", "", []string{"analyze", obs, "--out", filepath.Join(dir, "o7"), "-q", "--format", "csv,parquet"}, exitOK, "1 domains"},
		{"bad format", "", []string{"analyze", obs, "--out", filepath.Join(dir, "o8"), "--format", "xlsx"}, exitUsage, "xlsx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := execute(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.message) {
				t.Errorf("stderr does not mention %q:\n%s", tt.message, stderr)
			}
		})
	}
}

// TestAnalyzeBadLines feeds analyze an observations file with broken lines
// and a duplicate: the bad lines are reported with their numbers, the rest
// is analysed, and every good domain has its row.
func TestAnalyzeBadLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	line := func(domain, status string) string {
		o := dnscrawl.Observation{SchemaVersion: 1, Domain: domain, Status: dnscrawl.Status(status),
			Apex: dnscrawl.Host{Name: domain}, WWW: dnscrawl.Host{Name: "www." + domain}}
		if status == "ok" {
			o.NS = []dnscrawl.NSHost{{Name: "kate.ns.cloudflare.com"}}
			o.MXStatus = dnscrawl.StatusNoData
		}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	obs := writeFile(t, dir, "obs.jsonl", strings.Join([]string{
		line("a.com", "ok"),
		`{"schema_version":1,"domain":"torn.com","sta`,
		line("b.com", "timeout"),
		`{"schema_version":99,"domain":"future.com","status":"ok"}`,
		line("a.com", "ok"),
		`{"schema_version":1,"domain":"c.com","status":"weird"}`,
		line("d.com", "ok"),
	}, "\n")+"\n")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := execute(t, "", "analyze", obs, "--out", out)
	if code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"obs.jsonl:line 2", "obs.jsonl:line 4", "obs.jsonl:line 6", "a.com already read"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not report %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "3 domains") {
		t.Errorf("summary does not count 3 domains:\n%s", stdout)
	}
	b, err := os.ReadFile(filepath.Join(out, reports.DomainsFile))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(rows) != 4 {
		t.Errorf("domains.csv has %d lines, want a header and 3 rows:\n%s", len(rows), b)
	}
	for _, f := range []string{reports.DependenciesFile, reports.ProvidersFile, reports.MetricsFile, reports.RunFile, reports.HTMLFile} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("output %s missing: %v", f, err)
		}
	}
}

func TestProvidersCommand(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := execute(t, "", "providers")
	if code != exitOK {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) < 150 {
		t.Errorf("providers lists %d lines, want the whole catalog (150+)", len(lines))
	}
	for _, want := range []string{"amazon-route53", "cloudflare-cdn", "microsoft-365"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("providers does not list %s", want)
		}
	}
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.json", `{"providers":[{"id":"x"}]}`)
	if code, _, stderr := execute(t, "", "providers", "--catalog", bad); code != exitUsage || !strings.Contains(stderr, "bad.json") {
		t.Errorf("an invalid catalog gave exit code %d, stderr %q; want %d naming the file", code, stderr, exitUsage)
	}
}

// TestListMessages checks, word for word, what a crawl says about a domain
// list it cannot use: the list is named once, a CSV without a domain column
// is one message that names its columns, and the bad lines of a garbage
// file are shown up to maxShownLineErrors and then counted, while
// crawl.json counts all of them.
func TestListMessages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	resolver := serveNXDOMAIN(t)
	sites := writeFile(t, dir, "sites.csv", "site,rank\nexample.com,1\nexample.net,2\n")
	noColumn := func(list, hint string) string {
		return `chokepoint: read domain list ` + list + `: line 1: CSV header has no "domain" column (columns: "site", "rank"); ` +
			`name the column that holds the domains "domain"` + hint + "\n"
	}
	var garbage, mixed strings.Builder
	for i := range 4000 { // about 1 MB
		fmt.Fprintf(&garbage, "this is line %d of a file that holds no domain at all %s\n", i+1, strings.Repeat("~", 190))
	}
	for i := range 30 {
		fmt.Fprintf(&mixed, "bad domain %d\n", i+1)
	}
	mixed.WriteString("example.com\nexample.net\n")
	garbageList := writeFile(t, dir, "garbage.txt", garbage.String())
	mixedList := writeFile(t, dir, "mixed.txt", mixed.String())
	// skipped is what the first maxShownLineErrors bad lines of list say,
	// each as the reader words it (data/domains tests the wording).
	skipped := func(list, text string) string {
		var b strings.Builder
		for i, line := range strings.SplitN(text, "\n", maxShownLineErrors+1)[:maxShownLineErrors] {
			_, err := domains.Normalize(line)
			if err == nil {
				t.Fatalf("line %q is valid", line)
			}
			fmt.Fprintf(&b, "chokepoint: skipped %v\n", &domains.LineError{Source: list, Line: i + 1, Text: line, Err: err})
		}
		return b.String()
	}

	tests := []struct {
		name   string
		args   []string
		stderr string // the whole of stderr
	}{
		{
			name:   "csv without domain column, detected",
			args:   []string{"crawl", sites},
			stderr: noColumn(sites, ", or give --input-format text if the file has one domain per line"),
		},
		{
			name:   "csv without domain column, given",
			args:   []string{"crawl", sites, "--input-format", "csv"},
			stderr: noColumn(sites, ""),
		},
		{
			name: "1 MB of garbage",
			args: []string{"crawl", garbageList},
			stderr: skipped(garbageList, garbage.String()) +
				"chokepoint: " + garbageList + ": 3980 more bad lines not shown (4000 in all)\n" +
				"chokepoint: domain list " + garbageList + ": no valid domain\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append(tt.args, "--resolver", resolver, "--progress", "0", "--out", filepath.Join(t.TempDir(), "out"))
			code, _, stderr := execute(t, "", args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if stderr != tt.stderr {
				t.Errorf("stderr (%d lines):\n%.5000s\nwant (%d lines):\n%s", strings.Count(stderr, "\n"), stderr, strings.Count(tt.stderr, "\n"), tt.stderr)
			}
		})
	}

	t.Run("bad lines counted in crawl.json", func(t *testing.T) {
		t.Parallel()
		out := filepath.Join(t.TempDir(), "out")
		code, _, stderr := execute(t, "", "crawl", mixedList, "--resolver", resolver, "--progress", "0", "--out", out)
		if code != exitOK {
			t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
		}
		want := skipped(mixedList, mixed.String()) + "chokepoint: " + mixedList + ": 10 more bad lines not shown (30 in all)\n"
		if !strings.HasPrefix(stderr, want) {
			t.Errorf("stderr:\n%s\nwant it to start with:\n%s", stderr, want)
		}
		var m dnscrawl.Manifest
		readJSON(t, filepath.Join(out, dnscrawl.ManifestName), &m)
		if m.BadLines != 30 || m.Domains != 2 || m.Lines != 32 {
			t.Errorf("crawl.json counts %d lines, %d domains, %d bad lines; want 32, 2, 30", m.Lines, m.Domains, m.BadLines)
		}
	})
}

func TestLineReport(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, maxShownLineErrors, maxShownLineErrors + 1, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			r := newLineReport(&b, "list.txt")
			var want strings.Builder
			for i := 1; i <= n; i++ {
				r.printf("chokepoint: skipped line %d", i)
				if i <= maxShownLineErrors {
					fmt.Fprintf(&want, "chokepoint: skipped line %d\n", i)
				}
			}
			if n > maxShownLineErrors {
				fmt.Fprintf(&want, "chokepoint: list.txt: %d more bad lines not shown (%d in all)\n", n-maxShownLineErrors, n)
			}
			r.done()
			r.done()
			if b.String() != want.String() {
				t.Errorf("printed:\n%s\nwant:\n%s", b.String(), want.String())
			}
		})
	}
}
