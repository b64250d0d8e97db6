package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnsserver"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// TestExitCode checks the mapping of errors to the README's exit codes.
func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"plain", errors.New("disk full"), exitFailure},
		{"interrupted", fmt.Errorf("crawl: %w", context.Canceled), exitInterrupted},
		{"interrupted wins over usage", usageError{fmt.Errorf("read: %w", context.Canceled)}, exitInterrupted},
		{"usage", usagef("bad --shard"), exitUsage},
		{"usage wrapped", fmt.Errorf("run: %w", usagef("bad")), exitUsage},
		{"empty list", fmt.Errorf("x: %w", domains.ErrEmpty), exitUsage},
		{"no domain column", fmt.Errorf("x: %w", domains.ErrNoDomainColumn), exitUsage},
		{"corrupt database", fmt.Errorf("x: %w", refdata.ErrDatabase), exitUsage},
		{"malformed reference file", fmt.Errorf("x: %w", refdata.ErrFormat), exitUsage},
		{"range file refused by validation", fmt.Errorf("x: %w", refdata.ErrValidation), exitUsage},
		{"invalid catalog", fmt.Errorf("x: %w", catalog.ErrInvalid), exitUsage},
		{"missing input, open", fmt.Errorf("x: %w", &fs.PathError{Op: "open", Path: "a", Err: fs.ErrNotExist}), exitUsage},
		{"missing input, stat", fmt.Errorf("x: %w", &fs.PathError{Op: "stat", Path: "a", Err: fs.ErrNotExist}), exitUsage},
		{"output folder not created", fmt.Errorf("x: %w", &fs.PathError{Op: "mkdir", Path: "a", Err: fs.ErrNotExist}), exitFailure},
		{"input not readable", fmt.Errorf("x: %w", &fs.PathError{Op: "open", Path: "a", Err: fs.ErrPermission}), exitFailure},
		{"not a directory", fmt.Errorf("x: %w", &fs.PathError{Op: "mkdir", Path: "a", Err: errors.New("not a directory")}), exitFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stderr bytes.Buffer
			if got := exitCode(tt.err, &stderr); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
			want := ""
			if tt.err != nil {
				want = "chokepoint: " + tt.err.Error() + "\n"
			}
			if stderr.String() != want {
				t.Errorf("printed %q, want %q", stderr.String(), want)
			}
		})
	}
}

// exitEnv holds what the commands of TestExitCodesByCommand read: every
// placeholder "{name}" in a case's arguments is replaced by a path or an
// address from here.
type exitEnv map[string]string

func newExitEnv(t *testing.T) exitEnv {
	t.Helper()
	dir := t.TempDir()
	env := exitEnv{
		"list":    writeFile(t, dir, "list.txt", "example.com\nexample.net\n"),
		"nocol":   writeFile(t, dir, "sites.csv", "site,rank\nexample.com,1\n"),
		"obs":     writeFile(t, dir, "obs.jsonl", `{"schema_version":1,"domain":"example.com","status":"nxdomain","apex":{"name":"example.com"},"www":{"name":"www.example.com"}}`+"\n"),
		"truth":   writeFile(t, dir, "truth.csv", "domain,layer,provider\nexample.com,dns,cloudflare\n"),
		"missing": filepath.Join(dir, "missing.file"),
		"ranges":  filepath.Join("..", "..", "data", "refdata", "testdata", "ranges"),
	}
	// --out DIR under a regular file cannot be created, whoever runs the
	// test (root ignores permissions).
	env["unwritable"] = filepath.Join(writeFile(t, dir, "regular", "x"), "out")
	env["resolver"] = serveNXDOMAIN(t)
	v4, err := os.ReadFile(filepath.Join(env["ranges"], "ips-v4"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ips-v4":
			w.Write(v4)
		case "/ips-v6":
			w.Write([]byte("2400:cb00::/32\n2606:4700::/32\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	env["url"] = srv.URL
	// A finished run, for diff and validate.
	env["run"] = filepath.Join(dir, "run")
	if code, _, stderr := execute(t, "", "analyze", env["obs"], "--data-dir", "", "-q", "--out", env["run"]); code != exitOK {
		t.Fatalf("analyze for the run directory: exit %d\n%s", code, stderr)
	}
	return env
}

// args replaces the placeholders of args; "{out}" and "{datadir}" are new
// folders of t.
func (e exitEnv) args(t *testing.T, args []string) []string {
	t.Helper()
	out := make([]string, len(args))
	for i, a := range args {
		switch a {
		case "{out}":
			out[i] = filepath.Join(t.TempDir(), "out")
		case "{datadir}":
			out[i] = t.TempDir()
		default:
			out[i] = a
			if strings.HasPrefix(a, "{") {
				v, ok := e[strings.Trim(a, "{}")]
				if !ok {
					t.Fatalf("no placeholder %s", a)
				}
				out[i] = v
			}
		}
	}
	return out
}

// serveNXDOMAIN starts a DNS server on 127.0.0.1 that answers every
// question with NXDOMAIN: a crawl against it finishes, every domain with a
// result, none with a network error.
func serveNXDOMAIN(t *testing.T) string {
	t.Helper()
	addr, shutdown, err := dnsserver.Serve(dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNameError)
		m.RecursionAvailable = true
		w.WriteMsg(m)
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)
	return addr
}

// exitCase is one line of the exit-code table for one command.
type exitCase struct {
	name        string
	args        []string // after the command's path; placeholders as in exitEnv
	stdin       string
	interrupted bool   // run under a cancelled context, as after Ctrl-C
	code        int    // the exit code wanted
	says        string // stderr contains this
}

// commandPaths returns the path of every command of root ("chokepoint",
// "chokepoint data import", ...) but cobra's hidden completion helpers.
func commandPaths(root *cobra.Command) []string {
	var paths []string
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if !strings.HasPrefix(c.Name(), "__") {
			paths = append(paths, c.CommandPath())
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	slices.Sort(paths)
	return paths
}

// TestExitCodesByCommand runs every command of the tool through the rows
// of the README's exit-code table that apply to it: no or extra argument,
// unknown command, bad flag, a missing input file (2), success (0),
// interruption (130), an output that cannot be written (1). Every command
// must have its cases here, and every command refuses an unknown flag.
func TestExitCodesByCommand(t *testing.T) {
	t.Parallel()
	env := newExitEnv(t)
	crawlFlags := []string{"--resolver", "{resolver}", "--progress", "0"}
	analysisInputs := func(cmd ...string) []exitCase {
		return []exitCase{
			{name: "missing --asn-db", args: append(cmd, "--asn-db", "{missing}"), code: exitUsage, says: "missing.file"},
			{name: "missing --country-db", args: append(cmd, "--country-db", "{missing}"), code: exitUsage, says: "missing.file"},
			{name: "missing --asn-table", args: append(cmd, "--asn-table", "{missing}"), code: exitUsage, says: "missing.file"},
			{name: "missing --catalog", args: append(cmd, "--catalog", "{missing}"), code: exitUsage, says: "missing.file"},
		}
	}
	table := map[string][]exitCase{
		"chokepoint": {
			{name: "no command", code: exitUsage, says: "chokepoint: missing command: one of analyze, "},
			{name: "unknown command", args: []string{"nosuch"}, code: exitUsage, says: `chokepoint: unknown command "nosuch" (commands: analyze, `},
			{name: "misspelt command", args: []string{"rnu"}, code: exitUsage, says: `chokepoint: unknown command "rnu", did you mean "run"?`},
			{name: "version", args: []string{"--version"}, code: exitOK},
			{name: "help", args: []string{"--help"}, code: exitOK},
		},
		"chokepoint help": {
			{name: "help of a command", args: []string{"run"}, code: exitOK},
			{name: "help of an unknown command", args: []string{"data", "nosuch"}, code: exitUsage, says: `chokepoint: help: unknown command "data nosuch"`},
		},
		"chokepoint run": append([]exitCase{
			{name: "no argument", code: exitUsage, says: "chokepoint: run: accepts 1 arg(s), received 0 (usage: chokepoint run LIST [flags])"},
			{name: "two arguments", args: []string{"{list}", "{list}"}, code: exitUsage, says: "received 2"},
			{name: "missing list", args: []string{"{missing}", "--resolver", "{resolver}"}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"{list}", "--timeout", "soon"}, code: exitUsage, says: `chokepoint: run: invalid argument "soon" for "--timeout" flag`},
			{name: "list without domain column", args: append([]string{"{nocol}", "--out", "{out}"}, crawlFlags...), code: exitUsage, says: `CSV header has no "domain" column`},
			{name: "success", args: append([]string{"{list}", "--out", "{out}", "--data-dir", "", "-q"}, crawlFlags...), code: exitOK},
			{name: "interrupted", args: append([]string{"{list}", "--out", "{out}", "--data-dir", ""}, crawlFlags...), interrupted: true, code: exitInterrupted},
			{name: "unwritable output", args: append([]string{"{list}", "--out", "{unwritable}", "--data-dir", ""}, crawlFlags...), code: exitFailure, says: "not a directory"},
		}, analysisInputs("{list}", "--resolver", "{resolver}", "--out", "{out}")...),
		"chokepoint crawl": {
			{name: "no argument", code: exitUsage, says: "chokepoint: crawl: accepts 1 arg(s), received 0"},
			{name: "missing list", args: []string{"{missing}", "--resolver", "{resolver}"}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"{list}", "--concurrency", "many"}, code: exitUsage, says: `invalid argument "many" for "--concurrency" flag`},
			{name: "list without domain column", args: append([]string{"{nocol}", "--out", "{out}"}, crawlFlags...), code: exitUsage, says: `CSV header has no "domain" column`},
			{name: "success", args: append([]string{"{list}", "--out", "{out}"}, crawlFlags...), code: exitOK},
			{name: "success from stdin", args: append([]string{"-", "--out", "{out}"}, crawlFlags...), stdin: "example.org\n", code: exitOK},
			{name: "interrupted", args: append([]string{"{list}", "--out", "{out}"}, crawlFlags...), interrupted: true, code: exitInterrupted},
			{name: "unwritable output", args: append([]string{"{list}", "--out", "{unwritable}"}, crawlFlags...), code: exitFailure, says: "not a directory"},
		},
		"chokepoint analyze": append([]exitCase{
			{name: "no argument", code: exitUsage, says: "chokepoint: analyze: requires at least 1 arg(s), only received 0"},
			{name: "missing observations", args: []string{"{missing}", "--data-dir", ""}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"{obs}", "--bootstrap", "lots"}, code: exitUsage, says: `invalid argument "lots" for "--bootstrap" flag`},
			{name: "unknown engine", args: []string{"{obs}", "--engine", "spark", "--out", "{out}"}, code: exitUsage, says: `--engine "spark": want go or duckdb`},
			{name: "success", args: []string{"{obs}", "--out", "{out}", "-q"}, code: exitOK},
			{name: "interrupted", args: []string{"{obs}", "--out", "{out}", "-q"}, interrupted: true, code: exitInterrupted},
			{name: "unwritable output", args: []string{"{obs}", "--out", "{unwritable}", "-q"}, code: exitFailure, says: "not a directory"},
		}, analysisInputs("{obs}", "--out", "{out}", "-q")...),
		"chokepoint classify": append([]exitCase{
			{name: "no argument", args: []string{"--out", "{out}"}, code: exitUsage, says: "chokepoint: classify: give at least one observation file (or --finish)"},
			{name: "no --out", args: []string{"{obs}"}, code: exitUsage, says: "--out DIR is required"},
			{name: "missing observations", args: []string{"{missing}", "--out", "{out}", "--data-dir", ""}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"{obs}", "--part-rows", "lots"}, code: exitUsage, says: `invalid argument "lots" for "--part-rows" flag`},
			{name: "bad shard name", args: []string{"{obs}", "--out", "{out}", "--shard", "a/b"}, code: exitUsage, says: `--shard "a/b"`},
			{name: "finish without shards", args: []string{"--finish", "--out", "{out}"}, code: exitUsage, says: "no shard"},
			{name: "success", args: []string{"{obs}", "--out", "{out}", "--data-dir", ""}, code: exitOK},
			{name: "interrupted", args: []string{"{obs}", "--out", "{out}", "--data-dir", ""}, interrupted: true, code: exitInterrupted},
			{name: "unwritable output", args: []string{"{obs}", "--out", "{unwritable}", "--data-dir", ""}, code: exitFailure, says: "not a directory"},
		}, analysisInputs("{obs}", "--out", "{out}")...),
		"chokepoint whatif": append([]exitCase{
			{name: "no argument", args: []string{"--fail", "cloudflare"}, code: exitUsage, says: "chokepoint: whatif: requires at least 1 arg(s), only received 0"},
			{name: "no --fail", args: []string{"{obs}"}, code: exitUsage, says: "--fail"},
			{name: "missing observations", args: []string{"--fail", "cloudflare", "{missing}"}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"--fail", "cloudflare", "{obs}", "--show", "some"}, code: exitUsage, says: `invalid argument "some" for "--show" flag`},
			{name: "success", args: []string{"--fail", "cloudflare", "{obs}", "--out", "{out}", "-q"}, code: exitOK},
			{name: "interrupted", args: []string{"--fail", "cloudflare", "{obs}", "--out", "{out}", "-q"}, interrupted: true, code: exitInterrupted},
			{name: "unwritable output", args: []string{"--fail", "cloudflare", "{obs}", "--out", "{unwritable}", "-q"}, code: exitFailure, says: "not a directory"},
		}, analysisInputs("--fail", "cloudflare", "{obs}", "--out", "{out}", "-q")...),
		"chokepoint diff": {
			{name: "no argument", code: exitUsage, says: "chokepoint: diff: accepts 2 arg(s), received 0"},
			{name: "one argument", args: []string{"{run}"}, code: exitUsage, says: "received 1"},
			{name: "missing run", args: []string{"{run}", "{missing}"}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"{run}", "{run}", "--show", "x"}, code: exitUsage, says: `invalid argument "x" for "--show" flag`},
			{name: "success", args: []string{"{run}", "{run}", "--out", "{out}", "-q"}, code: exitOK},
			{name: "unwritable output", args: []string{"{run}", "{run}", "--out", "{unwritable}", "-q"}, code: exitFailure, says: "not a directory"},
		},
		"chokepoint validate": {
			{name: "no argument", args: []string{"--truth", "{truth}"}, code: exitUsage, says: "received 0"},
			{name: "no --truth", args: []string{"{run}"}, code: exitUsage, says: "--truth"},
			{name: "missing truth", args: []string{"{run}", "--truth", "{missing}"}, code: exitUsage, says: "missing.file"},
			{name: "missing run", args: []string{"{missing}", "--truth", "{truth}"}, code: exitUsage, says: "missing.file"},
			{name: "bad flag value", args: []string{"{run}", "--truth", "{truth}", "--top", "x"}, code: exitUsage, says: `invalid argument "x" for "--top" flag`},
			{name: "success", args: []string{"{run}", "--truth", "{truth}", "--out", "{out}", "-q"}, code: exitOK},
			{name: "unwritable output", args: []string{"{run}", "--truth", "{truth}", "--out", "{unwritable}", "-q"}, code: exitFailure, says: "not a directory"},
		},
		"chokepoint demo": {
			{name: "extra argument", args: []string{"now"}, code: exitUsage, says: `chokepoint: demo: takes no argument, got "now" (usage: chokepoint demo [flags])`},
			{name: "bad flag value", args: []string{"--domains", "many"}, code: exitUsage, says: `invalid argument "many" for "--domains" flag`},
			{name: "no domains", args: []string{"--domains", "0", "--out", "{out}"}, code: exitUsage, says: "--domains"},
			{name: "success", args: []string{"--domains", "30", "--out", "{out}"}, code: exitOK},
			{name: "interrupted", args: []string{"--domains", "30", "--out", "{out}"}, interrupted: true, code: exitInterrupted},
			{name: "unwritable output", args: []string{"--domains", "30", "--out", "{unwritable}"}, code: exitFailure, says: "not a directory"},
		},
		"chokepoint providers": {
			{name: "extra argument", args: []string{"all"}, code: exitUsage, says: `chokepoint: providers: takes no argument, got "all"`},
			{name: "missing catalog", args: []string{"--catalog", "{missing}"}, code: exitUsage, says: "missing.file"},
			{name: "success", code: exitOK},
		},
		"chokepoint data": {
			{name: "no command", code: exitUsage, says: "chokepoint: data: missing command: one of import, status, update"},
			{name: "unknown command", args: []string{"delete"}, code: exitUsage, says: `chokepoint: data: unknown command "delete"`},
		},
		"chokepoint data update": {
			{name: "extra argument", args: []string{"aws"}, code: exitUsage, says: `chokepoint: data update: takes no argument, got "aws"`},
			{name: "unknown source", args: []string{"--data-dir", "{datadir}", "--source", "nosuch"}, code: exitUsage, says: `unknown source "nosuch"`},
			{name: "bad flag value", args: []string{"--timeout", "soon"}, code: exitUsage, says: `invalid argument "soon" for "--timeout" flag`},
			{name: "success", args: []string{"--data-dir", "{datadir}", "--base-url", "{url}", "--source", "cloudflare"}, code: exitOK},
			{name: "unwritable data directory", args: []string{"--data-dir", "{unwritable}", "--base-url", "{url}", "--source", "cloudflare"}, code: exitFailure, says: "not a directory"},
		},
		"chokepoint data import": {
			{name: "no argument", args: []string{"--data-dir", "{datadir}"}, code: exitUsage, says: "chokepoint: data import: accepts 1 arg(s), received 0"},
			{name: "missing folder", args: []string{"{missing}", "--data-dir", "{datadir}"}, code: exitUsage, says: "missing.file"},
			{name: "success", args: []string{"{ranges}", "--data-dir", "{datadir}"}, code: exitOK},
			{name: "unwritable data directory", args: []string{"{ranges}", "--data-dir", "{unwritable}"}, code: exitFailure, says: "not a directory"},
		},
		"chokepoint data status": {
			{name: "extra argument", args: []string{"aws", "--data-dir", "{datadir}"}, code: exitUsage, says: `takes no argument, got "aws"`},
			{name: "success", args: []string{"--data-dir", "{datadir}"}, code: exitOK},
		},
		"chokepoint simnet": {
			{name: "no command", code: exitUsage, says: "chokepoint: simnet: missing command: one of serve"},
			{name: "unknown command", args: []string{"srve"}, code: exitUsage, says: `chokepoint: simnet: unknown command "srve", did you mean "serve"?`},
		},
		"chokepoint simnet serve": {
			{name: "extra argument", args: []string{"now"}, code: exitUsage, says: `takes no argument, got "now"`},
			{name: "no domains", args: []string{"--domains", "0"}, code: exitUsage, says: "--domains"},
			{name: "bad flag value", args: []string{"--seed", "x"}, code: exitUsage, says: `invalid argument "x" for "--seed" flag`},
			// Serving until interrupted is its job: an interruption ends it
			// normally.
			{name: "interrupted", args: []string{"--domains", "10"}, interrupted: true, code: exitOK},
			{name: "unwritable list", args: []string{"--domains", "10", "--list", "{unwritable}"}, code: exitFailure, says: "not a directory"},
		},
		"chokepoint completion": {
			{name: "no command", code: exitUsage, says: "chokepoint: completion: missing command: one of bash, "},
			{name: "unknown command", args: []string{"tcsh"}, code: exitUsage, says: `chokepoint: completion: unknown command "tcsh"`},
		},
	}
	for _, shell := range []string{"bash", "fish", "powershell", "zsh"} {
		table["chokepoint completion "+shell] = []exitCase{
			{name: "success", code: exitOK},
			{name: "extra argument", args: []string{"x"}, code: exitUsage, says: `takes no argument, got "x"`},
		}
	}

	paths := commandPaths(newRootCmd(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{}))
	for _, p := range paths {
		if _, ok := table[p]; !ok {
			t.Errorf("no exit-code cases for %q: add its row to this table (and to the README's exit codes if it brings a new case)", p)
		}
		// Every command refuses an unknown flag with exit code 2.
		table[p] = append(table[p], exitCase{name: "unknown flag", args: []string{"--no-such-flag"}, code: exitUsage, says: "unknown flag: --no-such-flag"})
	}
	for p := range table {
		if !slices.Contains(paths, p) {
			t.Errorf("cases for %q, which is not a command", p)
		}
	}

	for _, p := range paths {
		for _, tc := range table[p] {
			t.Run(p+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if tc.interrupted {
					cancel()
				}
				args := append(strings.Fields(p)[1:], env.args(t, tc.args)...)
				code, stdout, stderr := executeContext(t, ctx, tc.stdin, args...)
				if code != tc.code {
					t.Errorf("chokepoint %s: exit code %d, want %d\nstderr:\n%s\nstdout:\n%.2000s", strings.Join(args, " "), code, tc.code, stderr, stdout)
				}
				if !strings.Contains(stderr, tc.says) {
					t.Errorf("chokepoint %s: stderr does not say %q:\n%s", strings.Join(args, " "), tc.says, stderr)
				}
			})
		}
	}
}
