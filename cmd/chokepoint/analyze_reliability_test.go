package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// obsLine returns one observation line (without its newline) for domain
// with status st: resolved on Cloudflare's DNS when st is ok, nothing
// but the failure otherwise.
func obsLine(t *testing.T, domain string, st dnscrawl.Status) string {
	t.Helper()
	o := dnscrawl.Observation{SchemaVersion: dnscrawl.SchemaVersion, Domain: domain, Status: st,
		Apex: dnscrawl.Host{Name: domain, Status: st}, WWW: dnscrawl.Host{Name: "www." + domain, Status: st}}
	switch st {
	case dnscrawl.StatusOK:
		o.NS = []dnscrawl.NSHost{{Name: "kate.ns.cloudflare.com"}, {Name: "ada.ns.cloudflare.com"}}
		o.MXStatus = dnscrawl.StatusNoData
		o.Apex.Status, o.WWW.Status = dnscrawl.StatusNoData, dnscrawl.StatusNoData
	case dnscrawl.StatusTimeout:
		o.Error = "read udp 127.0.0.1:40000->127.0.0.1:1: i/o timeout"
	case dnscrawl.StatusNetworkError:
		o.Error = "read udp 127.0.0.1:40000->127.0.0.1:1: connection refused"
	}
	b, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// observations writes the lines, each ended by a newline, to dir/name.
func observations(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	return writeFile(t, dir, name, strings.Join(lines, "\n")+"\n")
}

// runJSON reads the run.json of dir.
func runJSON(t *testing.T, dir string) *reports.Run {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	var r reports.Run
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("run.json: %v", err)
	}
	return &r
}

// TestAnalyzeDataMissing (issue 13, item 3): a crawl where every lookup
// timed out (a closed resolver port) must not read "HHI 0
// (unconcentrated)" and "No domain depends on a single third-party
// provider": the summary and the report say the data is missing, and
// run.json carries data_warning. A crawl where nothing failed has no
// warning.
func TestAnalyzeDataMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var timedOut, fine []string
	for i := range 20 {
		timedOut = append(timedOut, obsLine(t, fmt.Sprintf("site%d.example", i), dnscrawl.StatusTimeout))
		fine = append(fine, obsLine(t, fmt.Sprintf("site%d.example", i), dnscrawl.StatusOK))
	}
	for _, tt := range []struct {
		name    string
		lines   []string
		missing bool
	}{
		{"every lookup timed out", timedOut, true},
		{"nothing failed", fine, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sub := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			obs := observations(t, t.TempDir(), "observations.jsonl", tt.lines...)
			code, stdout, stderr := execute(t, "", "analyze", obs, "--out", sub, "--data-dir", "", "--bootstrap", "0")
			if code != exitOK {
				t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
			}
			doc, err := os.ReadFile(filepath.Join(sub, reports.HTMLFile))
			if err != nil {
				t.Fatal(err)
			}
			readings, _, _ := bytes.Cut(doc, []byte(`<section id="methodology">`))
			w := runJSON(t, sub).DataWarning
			if !tt.missing {
				if w != nil || strings.Contains(stdout, "DATA MISSING") || bytes.Contains(doc, []byte("DATA MISSING")) {
					t.Errorf("a complete crawl is said to miss data: data_warning %+v, stdout:\n%s", w, stdout)
				}
				if !strings.Contains(stdout, "10000 (highly concentrated)") {
					t.Errorf("summary does not read the HHI:\n%s", stdout)
				}
				return
			}
			want := "The data is missing: 20 of 20 lookups failed (timeout or network_error); the figures describe only the 0 domains that resolved."
			if !strings.Contains(stdout, "DATA MISSING: "+want) {
				t.Errorf("summary does not say the data is missing:\n%s", stdout)
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr does not say the data is missing:\n%s", stderr)
			}
			if !bytes.Contains(doc, []byte(`id="data-missing">DATA MISSING<span>`+want)) {
				t.Error("report.html has no data-missing warning")
			}
			if w == nil || w.Failed != 20 || w.Domains != 20 || w.Resolved != 0 || w.Threshold != reports.MissingFraction {
				t.Errorf("run.json data_warning = %+v, want 20 failed of 20, 0 resolved", w)
			}
			for _, lie := range []string{"unconcentrated", "No domain depends on a single third-party provider"} {
				if strings.Contains(stdout, lie) || bytes.Contains(readings, []byte(lie)) {
					t.Errorf("%q read over missing data; stdout:\n%s", lie, stdout)
				}
			}
		})
	}
}

// TestAnalyzeSkippedObservations (issue 13, items 4 and 8): the lines
// analyze skips (bad JSON, an unsupported schema version, a 10 MB domain
// name, a torn last line) are counted in run.json, per file with their
// numbers, and in the report's provenance; a hostile but valid name is
// kept.
func TestAnalyzeSkippedObservations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	label63 := strings.Repeat("x", 63)
	hostile := label63 + "." + label63 + "." + label63 + "._a-" + strings.Repeat("9", 47) + "-b_.example" // 253 characters
	huge := strings.Repeat("a", 10<<20) + ".example"
	hugeLine := strings.Replace(obsLine(t, "placeholder.example", dnscrawl.StatusOK), `"domain":"placeholder.example"`, `"domain":"`+huge+`"`, 1)
	shard1 := writeFile(t, dir, "shard1.jsonl", strings.Join([]string{
		obsLine(t, "a.example", dnscrawl.StatusOK),
		"{not json",
		obsLine(t, hostile, dnscrawl.StatusOK),
		`{"schema_version":99,"domain":"future.example","status":"ok"}`,
		hugeLine,
		obsLine(t, "b.example", dnscrawl.StatusOK),
		`{"schema_version":1,"domain":"torn.example","sta`, // killed mid-line: no newline
	}, "\n"))
	shard2 := observations(t, dir, "shard2.jsonl",
		obsLine(t, "c.example", dnscrawl.StatusOK),
		obsLine(t, "a.example", dnscrawl.StatusOK), // a duplicate of shard 1
		obsLine(t, "Upper.example", dnscrawl.StatusOK),
	)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := execute(t, "", "analyze", shard1, shard2, "--out", out, "--data-dir", "", "--bootstrap", "0")
	if code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	if len(stderr) > 10_000 {
		t.Errorf("stderr of %d bytes: the 10 MB name is printed", len(stderr))
	}
	if !strings.Contains(stdout, "4 domains") {
		t.Errorf("summary does not count 4 domains (a, hostile, b, c):\n%s", stdout)
	}
	run := runJSON(t, out)
	if run.Counts.SkippedObservations != 5 {
		t.Errorf("counts.skipped_observations = %d, want 5", run.Counts.SkippedObservations)
	}
	want := []reports.ObservationFile{
		{Path: shard1, Observations: 3, Skipped: 4, SkippedLines: []int{2, 4, 5, 7}},
		{Path: shard2, Observations: 1, Duplicates: 1, Skipped: 1, SkippedLines: []int{3}},
	}
	if diff := cmp.Diff(want, run.ObservationFiles); diff != "" {
		t.Errorf("run.json observation_files (-want +got):\n%s", diff)
	}
	doc, err := os.ReadFile(filepath.Join(out, reports.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	prov := fmt.Sprintf("<dt>Observation lines skipped</dt><dd>5 — %s: 4 (lines 2, 4, 5, 7); %s: 1 (lines 3)</dd>", shard1, shard2)
	if !bytes.Contains(doc, []byte(prov)) {
		t.Errorf("report.html provenance lacks %q", prov)
	}
	domains, err := os.ReadFile(filepath.Join(out, reports.DomainsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(domains, []byte(hostile+",")) {
		t.Error("the hostile but valid 253-character domain has no row")
	}

	t.Run("zdns", func(t *testing.T) {
		t.Parallel()
		zdns := observations(t, t.TempDir(), "zdns.jsonl",
			`{"name":"good.example","results":{"NS":{"data":{"answers":[{"answer":"kate.ns.cloudflare.com.","class":"IN","name":"good.example","type":"NS"}]},"status":"NOERROR"}}}`,
			`not json`,
			`{"name":"localhost","results":{"NS":{"data":{},"status":"NXDOMAIN"}}}`,
		)
		out := filepath.Join(t.TempDir(), "out")
		code, _, stderr := execute(t, "", "analyze", zdns, "--input-format", "zdns", "--out", out, "--data-dir", "", "--bootstrap", "0", "-q")
		if code != exitOK {
			t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
		}
		want := []reports.ObservationFile{{Path: zdns, Observations: 1, Skipped: 2, SkippedLines: []int{2}}}
		if diff := cmp.Diff(want, runJSON(t, out).ObservationFiles); diff != "" {
			t.Errorf("run.json observation_files (-want +got):\n%s\nstderr:\n%s", diff, stderr)
		}
	})
}

// TestAnalyzeFlagValues (issue 13, item 7): nonsense values are usage
// errors, refused before any work.
func TestAnalyzeFlagValues(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	obs := observations(t, dir, "obs.jsonl", obsLine(t, "example.com", dnscrawl.StatusOK))
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"negative bootstrap", []string{"--bootstrap", "-5"}, exitUsage, "--bootstrap -5"},
		{"bogus format", []string{"--format", "bogus"}, exitUsage, `--format "bogus"`},
		{"no bootstrap", []string{"--bootstrap", "0"}, exitOK, "1 domains"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))
			args := append([]string{"analyze", obs, "--out", out, "--data-dir", "", "-q"}, tt.args...)
			code, _, stderr := execute(t, "", args...)
			if code != tt.code || !strings.Contains(stderr, tt.message) {
				t.Errorf("exit code %d, stderr %q; want %d mentioning %q", code, stderr, tt.code, tt.message)
			}
			if _, err := os.Stat(out); tt.code != exitOK && err == nil {
				t.Errorf("a refused run created %s", out)
			}
		})
	}
}

// tree returns every file under dir with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestAnalyzeOutputsWholeSet (issue 13, item 11): analyze writes into the
// folder that holds the crawl (as run does). A write that fails midway
// leaves the previous run's complete set and the crawl's files as they
// were; the next successful run replaces every output, removes the
// Parquet files it did not write, and keeps the crawl's files.
func TestAnalyzeOutputsWholeSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	first := []string{obsLine(t, "one.example", dnscrawl.StatusOK), obsLine(t, "two.example", dnscrawl.StatusOK)}
	obs := observations(t, dir, ObservationsName, first...)
	manifest := &dnscrawl.Manifest{SchemaVersion: 1, Input: "list.txt", Lines: 2, Domains: 2, Resolvers: []string{"127.0.0.1:53"}}
	if err := dnscrawl.WriteManifest(filepath.Join(dir, dnscrawl.ManifestName), manifest); err != nil {
		t.Fatal(err)
	}
	crawlFiles := tree(t, dir)
	o := analyzeOptions{Inputs: []string{obs}, Out: dir, Quiet: true, Formats: []string{"csv", "parquet"}}

	if err := runAnalyze(ctx, o, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	var outputs []string
	for name := range before {
		if _, crawl := crawlFiles[name]; !crawl {
			outputs = append(outputs, name)
		}
	}
	slices.Sort(outputs)
	all := slices.Clone(reports.OutputFiles())
	slices.Sort(all)
	if !slices.Equal(outputs, all) {
		t.Fatalf("outputs %v, want %v", outputs, all)
	}

	// A full disk halfway: report.html cannot be written in the
	// temporary folder while the other files are.
	broken := o
	broken.Formats = []string{"csv"}
	broken.beforeWrite = func(tmp string) error {
		return os.MkdirAll(filepath.Join(tmp, reports.HTMLFile, "in-the-way"), 0o755)
	}
	err := runAnalyze(ctx, broken, nil, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("a failed write gave no error")
	}
	if !strings.Contains(err.Error(), reports.HTMLFile) || !strings.Contains(err.Error(), "left as they were") {
		t.Errorf("error %q does not name the file and say the previous reports are kept", err)
	}
	if diff := cmp.Diff(before, tree(t, dir)); diff != "" {
		t.Fatalf("a failed run changed the folder (-before +after):\n%s", diff)
	}

	// A successful second run, on other observations, CSV only.
	if err := os.WriteFile(obs, []byte(strings.Join(append(first, obsLine(t, "three.example", dnscrawl.StatusOK)), "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	crawlFiles[ObservationsName] = tree(t, dir)[ObservationsName]
	second := o
	second.Formats = []string{"csv"}
	if err := runAnalyze(ctx, second, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	after := tree(t, dir)
	for name, content := range crawlFiles {
		if after[name] != content {
			t.Errorf("%s was changed by analyze", name)
		}
	}
	for _, name := range reports.OutputFiles() {
		_, there := after[name]
		if parquet := strings.HasSuffix(name, ".parquet"); there == parquet {
			t.Errorf("%s: present %v after a CSV-only run", name, there)
		}
	}
	parquets := 0
	for _, name := range reports.OutputFiles() {
		if strings.HasSuffix(name, ".parquet") {
			parquets++
		}
	}
	if len(after) != len(crawlFiles)+len(reports.OutputFiles())-parquets {
		t.Errorf("%d files after the second run, want the crawl's and the CSV outputs: %v", len(after), slices.Sorted(maps.Keys(after)))
	}
	if !strings.Contains(after[reports.DomainsFile], "three.example") || !strings.Contains(after[reports.HTMLFile], "three.example") {
		t.Error("domains.csv or report.html is not the second run's")
	}
	if r := runJSON(t, dir); r.ObservationFiles[0].Observations != 3 {
		t.Errorf("run.json is not the second run's: %+v", r.ObservationFiles)
	}
}

// TestAnalyzeCapsSkippedLines: a file of garbage prints the first bad
// lines and one count, not a line each; run.json still counts them all.
func TestAnalyzeCapsSkippedLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	lines := []string{obsLine(t, "good.example", dnscrawl.StatusOK)}
	for i := range 45 {
		lines = append(lines, fmt.Sprintf("not json %d", i))
	}
	in := observations(t, dir, "observations.jsonl", lines...)
	var stderr bytes.Buffer
	o := analyzeOptions{Inputs: []string{in}, Out: filepath.Join(dir, "out"), Quiet: true, Formats: []string{"csv"}}
	if err := runAnalyze(context.Background(), o, nil, io.Discard, &stderr); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(stderr.String(), "(skipped)"); n != maxShownLineErrors {
		t.Errorf("%d skipped lines printed, want %d:\n%s", n, maxShownLineErrors, stderr.String())
	}
	if want := fmt.Sprintf("%s: 25 more bad lines not shown (45 in all)", in); !strings.Contains(stderr.String(), want) {
		t.Errorf("no count line %q in:\n%s", want, stderr.String())
	}
	if got := runJSON(t, o.Out).Counts.SkippedObservations; got != 45 {
		t.Errorf("run.json counts %d skipped lines, want 45", got)
	}
}

// TestAnalyzeSimulatedFromObservations: observations that say they came
// from the simulated internet mark the run simulated even without the
// crawl.json beside them (a shard copied elsewhere).
func TestAnalyzeSimulatedFromObservations(t *testing.T) {
	t.Parallel()
	for _, simulated := range []bool{false, true} {
		dir := t.TempDir()
		line := obsLine(t, "a.example", dnscrawl.StatusOK)
		if simulated {
			v := fmt.Sprintf(`"schema_version":%d,`, dnscrawl.SchemaVersion)
			line = strings.Replace(line, v, v+`"simulated":true,`, 1)
		}
		in := observations(t, dir, "shard.jsonl", line)
		o := analyzeOptions{Inputs: []string{in}, Out: filepath.Join(dir, "out"), Quiet: true, Formats: []string{"csv"}}
		if err := runAnalyze(context.Background(), o, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		if got := runJSON(t, o.Out).Simulated; got != simulated {
			t.Errorf("observations simulated=%v: run.json simulated %v", simulated, got)
		}
	}
}
