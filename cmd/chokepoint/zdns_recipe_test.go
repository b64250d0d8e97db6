package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/reports"
)

// The README's zdns recipe is the fenced block between these two lines.
const (
	recipeStart = "<!-- zdns-recipe -->"
	recipeEnd   = "<!-- /zdns-recipe -->"
)

// readmePath and installScript are relative to this package.
var (
	readmePath    = filepath.Join("..", "..", "README.md")
	installScript = filepath.Join("..", "..", "scripts", "install-zdns.sh")
)

// zdnsRecipe returns the shell commands of the README's zdns recipe: the
// one fenced code block between recipeStart and recipeEnd.
func zdnsRecipe(readme string) (string, error) {
	_, rest, ok := strings.Cut(readme, recipeStart)
	if !ok {
		return "", fmt.Errorf("no %q line", recipeStart)
	}
	block, _, ok := strings.Cut(rest, recipeEnd)
	if !ok {
		return "", fmt.Errorf("no %q line after %q", recipeEnd, recipeStart)
	}
	block = strings.TrimSpace(block)
	body, ok := strings.CutPrefix(block, "```sh\n")
	if !ok {
		return "", errors.New("the recipe is not one ```sh block")
	}
	body, ok = strings.CutSuffix(body, "\n```")
	if !ok || strings.Contains(body, "\n```") {
		return "", errors.New("the recipe is not one ```sh block")
	}
	return body + "\n", nil
}

func TestZDNSRecipeExtract(t *testing.T) {
	t.Parallel()
	good := "text\n" + recipeStart + "\n```sh\necho a\necho b\n```\n" + recipeEnd + "\nmore\n"
	if got, err := zdnsRecipe(good); err != nil || got != "echo a\necho b\n" {
		t.Errorf("zdnsRecipe = %q, %v", got, err)
	}
	for name, in := range map[string]string{
		"no start":   "```sh\necho\n```\n" + recipeEnd,
		"no end":     recipeStart + "\n```sh\necho\n```\n",
		"not sh":     recipeStart + "\n```ini\n[A]\n```\n" + recipeEnd,
		"two blocks": recipeStart + "\n```sh\necho\n```\n```sh\necho\n```\n" + recipeEnd,
	} {
		if got, err := zdnsRecipe(in); err == nil {
			t.Errorf("%s: zdnsRecipe = %q, want an error", name, got)
		}
	}
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zdnsRecipe(string(b)); err != nil {
		t.Errorf("README.md: %v", err)
	}
}

// requireTool fails the test under CI=true and skips it elsewhere: what
// the zdns recipe test needs is installed by .ci/run, and may be missing
// on a developer's machine.
func requireTool(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (skipped; required under CI=true)")
}

// zdnsVersion returns the version scripts/install-zdns.sh installs.
func zdnsVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(installScript)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^ZDNS_VERSION=(v[0-9][^\s]*)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no ZDNS_VERSION=vX.Y.Z line", installScript)
	}
	return string(m[1])
}

// findZDNS returns the directory of a zdns binary of the pinned version:
// $ZDNS_DIR, the PATH or $(go env GOPATH)/bin when one holds it; else it
// installs it in $(go env GOPATH)/bin with scripts/install-zdns.sh, as
// "make zdns" does (that needs the Go module proxy).
func findZDNS(t *testing.T, ctx context.Context) string {
	t.Helper()
	version := zdnsVersion(t)
	want := "zdns version " + strings.TrimPrefix(version, "v")
	ok := func(dir string) bool {
		out, err := exec.CommandContext(ctx, filepath.Join(dir, "zdns"), "--version").Output()
		return err == nil && strings.TrimSpace(string(out)) == want
	}
	dirs := []string{os.Getenv("ZDNS_DIR")}
	if p, err := exec.LookPath("zdns"); err == nil {
		dirs = append(dirs, filepath.Dir(p))
	}
	gobin := ""
	if out, err := exec.CommandContext(ctx, "go", "env", "GOPATH").Output(); err == nil {
		if ps := filepath.SplitList(strings.TrimSpace(string(out))); len(ps) > 0 && ps[0] != "" {
			gobin = filepath.Join(ps[0], "bin")
			dirs = append(dirs, gobin)
		}
	}
	for _, d := range dirs {
		if d != "" && ok(d) {
			return d
		}
	}
	if gobin == "" {
		requireTool(t, "zdns %s not found, and no GOPATH to install it in", version)
	}
	script, err := filepath.Abs(installScript)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, "bash", script, gobin)
	// TestMain points XDG_CACHE_HOME at an empty folder; the Go build
	// cache under it would make the install compile everything again.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "XDG_CACHE_HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || !ok(gobin) {
		requireTool(t, "zdns %s is not installed and could not be installed (scripts/install-zdns.sh %s: %v):\n%s\n", version, gobin, err, strings.TrimSpace(out.String()))
	}
	t.Logf("installed zdns %s in %s", version, gobin)
	return gobin
}

// readDomainsCSV reads a domains.csv into its header and its rows by
// domain.
func readDomainsCSV(t *testing.T, path string) ([]string, map[string][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(recs) == 0 {
		t.Fatalf("%s: empty", path)
	}
	rows := make(map[string][]string, len(recs)-1)
	for _, r := range recs[1:] {
		if rows[r[0]] != nil {
			t.Errorf("%s: domain %s twice", path, r[0])
		}
		rows[r[0]] = r
	}
	return recs[0], rows
}

// TestZDNSRecipe runs the README's zdns recipe, exactly as written there,
// against the simulated internet, analyses its output with
// --input-format zdns, crawls the same list with chokepoint's own crawler,
// and requires the two domains.csv to agree row by row on every column,
// the error of a failed domain excepted (the raw error texts of two
// programs differ: "read udp ...: i/o timeout" against "TIMEOUT: cycling
// lookup failed - context expired"). It needs zdns at the version of
// scripts/install-zdns.sh (installed by it when missing), bash, jq, sed,
// awk and sort; without them it is skipped, except under CI=true where it
// fails.
func TestZDNSRecipe(t *testing.T) {
	if testing.Short() {
		t.Skip("runs zdns and a crawl")
	}
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	recipe, err := zdnsRecipe(string(b))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	for _, tool := range []string{"bash", "jq", "sed", "awk", "sort"} {
		if _, err := exec.LookPath(tool); err != nil {
			requireTool(t, "the zdns recipe needs %s: %v", tool, err)
		}
	}
	zdnsDir := findZDNS(t, ctx)

	const n = 600
	sim := serveSimnet(t, ctx, n, 13)
	work := filepath.Join(sim.dir, "zdns")
	if err := os.MkdirAll(work, 0o755); err != nil {
		t.Fatal(err)
	}
	// domains.txt: the list without its comment line, as the recipe
	// wants it (simnet's names are already in normal form).
	var list bytes.Buffer
	lf, err := os.Open(sim.files.Domains)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(lf)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			list.WriteString(l + "\n")
		}
	}
	lf.Close()
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(list.String(), "\n"); got != n {
		t.Fatalf("domain list has %d domains, want %d", got, n)
	}
	listPath := filepath.Join(work, "domains.txt")
	if err := os.WriteFile(listPath, list.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", recipe)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "RESOLVER="+sim.addr, "PATH="+zdnsDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("the README's zdns recipe: %v\n%s", err, lastLines(stderr.String(), 40))
	}

	zout := filepath.Join(sim.dir, "zdns-report")
	var aerr bytes.Buffer
	err = runAnalyze(ctx, analyzeOptions{Inputs: []string{filepath.Join(work, "zdns.jsonl")}, InputFormat: "zdns", Out: zout,
		ASNDB: sim.files.ASN, CountryDB: sim.files.Country, DataDir: sim.files.DataDir, Quiet: true}, nil, io.Discard, &aerr)
	if err != nil {
		t.Fatalf("analyze --input-format zdns: %v\n%s", err, aerr.String())
	}
	if strings.Contains(aerr.String(), "skipped") {
		t.Errorf("analyze skipped zdns lines:\n%s", lastLines(aerr.String(), 20))
	}

	cout := filepath.Join(sim.dir, "crawl")
	c := defaultCrawlOptions()
	c.Input, c.Out = listPath, cout
	c.Resolvers = []string{sim.addr}
	c.QPSPerResolver = 0
	c.Progress = 0
	c.Simulated = true
	// zdns asks DNS only: the crawl compared with it does too, so that
	// both read the same facts (the probes' header-only CDNs and CAs are
	// the TLS/HTTP tests' business).
	c.NoProbe = true
	if _, err := runCrawl(ctx, c, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	err = runAnalyze(ctx, analyzeOptions{Inputs: []string{filepath.Join(cout, ObservationsName)}, Out: cout,
		ASNDB: sim.files.ASN, CountryDB: sim.files.Country, DataDir: sim.files.DataDir, Quiet: true}, nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("analyze the crawl: %v", err)
	}

	zh, zrows := readDomainsCSV(t, filepath.Join(zout, reports.DomainsFile))
	ch, crows := readDomainsCSV(t, filepath.Join(cout, reports.DomainsFile))
	if strings.Join(zh, ",") != strings.Join(ch, ",") {
		t.Fatalf("headers differ:\nzdns  %v\ncrawl %v", zh, ch)
	}
	if len(crows) != n || len(zrows) != n {
		t.Errorf("domains.csv has %d rows from zdns and %d from the crawl, want %d", len(zrows), len(crows), n)
	}
	statusCol := slices.Index(ch, "status")
	diffs := 0
	for d, cr := range crows {
		zr := zrows[d]
		if zr == nil {
			t.Errorf("%s: in the crawl's domains.csv, not in zdns's", d)
			continue
		}
		for i, col := range ch {
			if zr[i] == cr[i] {
				continue
			}
			if col == "error" && cr[statusCol] != "ok" {
				// The raw texts of two programs' failures differ; for
				// an ok domain both are empty, and zdns's names the
				// lookups the recipe left out.
				continue
			}
			if diffs++; diffs <= 30 {
				t.Errorf("%s %s: zdns %q, crawl %q", d, col, zr[i], cr[i])
			}
		}
	}
	for d := range zrows {
		if crows[d] == nil {
			t.Errorf("%s: in zdns's domains.csv, not in the crawl's", d)
		}
	}
	if diffs > 30 {
		t.Errorf("... %d differences in all", diffs)
	}
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestZDNSMissingModules: zdns input that lacks a lookup leaves the layers
// that need it unresolved, never "none": without an MX module, e-mail is
// unknown rather than "no mail"; with the MX module and no MX records, it
// is none.
func TestZDNSMissingModules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	host := func(name string) string {
		return `"A":{"data":{"answers":[{"answer":"192.0.2.10","name":"` + name + `","type":"A"}]},"status":"NOERROR"},` +
			`"AAAA":{"data":{},"status":"NOERROR"}`
	}
	ns := `"NSLOOKUP":{"data":{"servers":[{"ipv4_addresses":["192.0.2.53"],"name":"ns1.example.net","type":"NS"}]},"status":"NOERROR"}`
	lines := []string{
		`{"name":"nomx.test","results":{` + ns + `,` + host("nomx.test") + `}}`,
		`{"name":"www.nomx.test","results":{` + host("www.nomx.test") + `}}`,
		`{"name":"nomail.test","results":{` + ns + `,` + host("nomail.test") + `,"MXLOOKUP":{"data":{"exchanges":[]},"status":"NOERROR"}}}`,
		`{"name":"www.nomail.test","results":{` + host("www.nomail.test") + `}}`,
		`{"name":"nowww.test","results":{` + ns + `,"MXLOOKUP":{"data":{"exchanges":[]},"status":"NOERROR"}}}`,
	}
	in := filepath.Join(dir, "zdns.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stderr bytes.Buffer
	if err := runAnalyze(ctx, analyzeOptions{Inputs: []string{in}, InputFormat: "zdns", Out: out, Quiet: true}, nil, io.Discard, &stderr); err != nil {
		t.Fatalf("analyze: %v\n%s", err, stderr.String())
	}
	header, rows := readDomainsCSV(t, filepath.Join(out, reports.DomainsFile))
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, header)
		return -1
	}
	for _, tt := range []struct {
		domain, column, want string
	}{
		{"nomx.test", "email_state", "unresolved"},
		{"nomail.test", "email_state", "none"},
		// Neither the apex nor www looked up: the web layers are unknown.
		{"nowww.test", "cdn_state", "unresolved"},
		{"nowww.test", "hosting_state", "unresolved"},
	} {
		r := rows[tt.domain]
		if r == nil {
			t.Errorf("%s: no row", tt.domain)
			continue
		}
		if got := r[col(tt.column)]; got != tt.want {
			t.Errorf("%s %s = %q, want %q", tt.domain, tt.column, got, tt.want)
		}
	}
	if e := rows["nomx.test"][col("error")]; !strings.Contains(e, "MX") {
		t.Errorf("nomx.test error %q does not say the MX lookup is missing", e)
	}
}
