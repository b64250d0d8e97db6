package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/validate"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
	"github.com/chokepoint-dev/chokepoint/reports"
)

const validateDir = "testdata/validate-small"

// TestValidateSmall runs the command on a hand-written run directory and
// labels (testdata/validate-small, with its own small catalog), and
// compares validate.csv and the printed tables with golden files (-update
// rewrites them).
//
// The labels, against the run (provider level):
//
//	dns      alpha Cloudflare = cloudflare; beta Route 53 = amazon; gamma self-hosted = self;
//	         delta <script>… (unmatched) vs digicert; epsilon AS13335 = cloudflare, but epsilon
//	         did not resolve (nothing of ours); omega is not in the run (absent)
//	         -> 5 domains, 3 exact, truth 5, ours 4, matched 3:
//	            precision 3/4 = 75.0 %, recall 3/5 = 60.0 %, F1 0.9/1.35 = 66.7 %, exact 60.0 %
//	cdn      alpha cloudflare.com = cloudflare -> 100 %
//	hosting  beta AWS = amazon -> 100 %
//	email    gamma =cmd… (unmatched) vs example-mail.net -> 0 matched of 1: 0 %
//
// The last line of the labels is not a domain: rejected with its number.
func TestValidateSmall(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	o := validateOptions{
		Run: validateDir, Truth: filepath.Join(validateDir, "labels.csv"), Out: out,
		Catalog: filepath.Join(validateDir, "catalog.json"), Top: 10,
	}
	if err := runValidate(context.Background(), o, &stdout, &stderr); err != nil {
		t.Fatalf("validate: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "labels.csv:11") {
		t.Errorf("stderr does not report the rejected line 11:\n%s", stderr.String())
	}
	got, err := os.ReadFile(filepath.Join(out, reports.ValidateFile))
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join(validateDir, "validate.csv.golden"), got)
	compareGolden(t, filepath.Join(validateDir, "summary.txt.golden"), stdout.Bytes())

	// The figures worked out above, in the printed table.
	for _, want := range []string{
		"dns      provider            5    60.0%     75.0%   60.0%   66.7%        5        4        3       1",
		"cdn      provider            1   100.0%    100.0%  100.0%  100.0%        1        1        1       0",
		"email    provider            1     0.0%      0.0%    0.0%    0.0%        1        1        0       0",
		"Truth: 9 rows on 6 domains (1 rejected, 0 blank); 5 in the run, 1 not in the run; 1 of those in the run did not resolve",
		"Labels: 2 by id, 2 by name, 1 by domain, 1 by AS, 1 self, 2 unmatched",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout.String())
		}
	}

	// The hostile labels are neutralised in validate.csv, and every row
	// has the same columns.
	rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := []string{"domain", "layer", "level", "run_status", "truth_labels", "truth_providers", "our_providers", "missing", "extra"}
	if diff := cmp.Diff(wantHeader, rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(rows) != 5 {
		t.Fatalf("%d rows, want a header and 4 disagreements", len(rows))
	}
	for _, r := range rows[1:] {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@", rune(c[0])) {
				t.Errorf("cell %q of row %v is not neutralised", c, r)
			}
		}
	}
	if gamma := rows[3]; gamma[0] != "gamma.com" || gamma[4] != "'=cmd|' /C calc'!A0" {
		t.Errorf("gamma row %q: want the label neutralised", gamma)
	}
	if omega := rows[4]; omega[0] != "omega.com" || omega[3] != validate.RunAbsent || omega[7] != "cloudflare" {
		t.Errorf("omega row %q: want absent, missing cloudflare", omega)
	}
}

// compareGolden compares got with the golden file, or rewrites it with
// -update.
func compareGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", golden, diff)
	}
}

// TestValidateOutDefault writes validate.csv into the run directory when
// --out is not given.
func TestValidateOutDefault(t *testing.T) {
	t.Parallel()
	run := t.TempDir()
	for _, f := range []string{"run.json", "domains.csv", "dependencies.csv", "labels.csv", "catalog.json"} {
		b, err := os.ReadFile(filepath.Join(validateDir, f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, run, f, string(b))
	}
	code, stdout, stderr := execute(t, "", "validate", run, "--truth", filepath.Join(run, "labels.csv"),
		"--catalog", filepath.Join(run, "catalog.json"), "-q")
	if code != exitOK {
		t.Fatalf("exit code %d:\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("-q printed:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(run, reports.ValidateFile)); err != nil {
		t.Errorf("no validate.csv in the run directory: %v", err)
	}
}

func TestValidateUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	labels := filepath.Join(validateDir, "labels.csv")
	cat := filepath.Join(validateDir, "catalog.json")
	empty := writeFile(t, dir, "empty.csv", "")
	bad := writeFile(t, dir, "bad.csv", "domain,layer,provider\nnot a domain,dns,x\n")
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"no provider column", []string{"validate", validateDir, "--truth", filepath.Join(validateDir, "labels-noprovider.csv"), "--out", dir}, exitUsage, "provider"},
		{"no truth flag", []string{"validate", validateDir, "--out", dir}, exitUsage, "--truth"},
		{"missing truth file", []string{"validate", validateDir, "--truth", filepath.Join(dir, "nope.csv"), "--out", dir}, exitUsage, "nope.csv"},
		{"empty truth", []string{"validate", validateDir, "--truth", empty, "--out", dir}, exitUsage, "empty.csv"},
		{"no valid row", []string{"validate", validateDir, "--truth", bad, "--out", dir}, exitUsage, "bad.csv:2"},
		{"missing run", []string{"validate", filepath.Join(dir, "norun"), "--truth", labels, "--out", dir}, exitUsage, "norun"},
		{"no run argument", []string{"validate", "--truth", labels}, exitUsage, "arg"},
		{"bad top", []string{"validate", validateDir, "--truth", labels, "--top", "0", "--out", dir}, exitUsage, "--top"},
		{"ok", []string{"validate", validateDir, "--truth", labels, "--catalog", cat, "--out", dir, "-q"}, exitOK, "4 disagreeing rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := execute(t, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.message) {
				t.Errorf("stderr does not mention %q:\n%s", tt.message, stderr)
			}
		})
	}
}

// TestValidateSimnet crawls and analyses the simulated internet and
// validates the run against the simulator's own ground truth (its
// provider_id column names catalog products, "self", and uncatalogued
// operators by registrable domain or AS), through the built-in catalog.
func TestValidateSimnet(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const n = 300
	out, files := crawlSimnet(t, ctx, t.TempDir(), n, 5)
	ao := analyzeOptions{Inputs: []string{filepath.Join(out, ObservationsName)}, Out: out, ASNDB: files.ASN, CountryDB: files.Country,
		DataDir: files.DataDir, Quiet: true}
	if err := runAnalyze(ctx, ao, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	var stdout, stderr bytes.Buffer
	if err := runValidate(ctx, validateOptions{Run: out, Truth: files.Truth, Top: 5}, &stdout, &stderr); err != nil {
		t.Fatalf("validate: %v\n%s", err, stderr.String())
	}
	t.Logf("\n%s", stdout.String())

	// The same through the package, to check the figures.
	run, err := reports.ReadValidateRun(out)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(files.Truth)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := validate.ReadTruth(f, files.Truth)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	rep := validate.Validate(run, truth, validate.NewMatcher(cat), validate.Options{})
	if rep.TruthDomains != n || rep.Scored != n || rep.Absent != 0 || len(truth.Bad) != 0 {
		t.Errorf("truth %d domains, scored %d, absent %d, rejected %d; want %d, %d, 0, 0", rep.TruthDomains, rep.Scored, rep.Absent, len(truth.Bad), n, n)
	}
	// A label is unmatched when it is none of the catalog's names and not
	// a domain: the simulated CA the catalog does not know is named by its
	// issuer organisation, as the classifier names it, and is compared as
	// written. Any other unmatched label is a defect.
	for _, lc := range rep.Unmatched {
		if lc.Kind != validate.MatchUnmatched || !simnet.Uncatalogued(lc.Label) {
			t.Errorf("truth label %q %s (%d rows)", lc.Label, lc.Kind, lc.Rows)
		}
	}
	// The simulator's truth and the classifier agree almost everywhere
	// (the end-to-end test holds them to 99 % per domain); the matching
	// must not lose that.
	for _, lr := range rep.Layers {
		s := lr.Scores[0]
		if math.IsNaN(s.Recall()) {
			// No truth provider on the layer: the simulator does not
			// model it (yet); nothing to score.
			t.Logf("%s: no truth provider, not scored", lr.Layer)
			continue
		}
		if s.Domains != n || s.Precision() < 0.95 || s.Recall() < 0.95 {
			t.Errorf("%s: %d domains, precision %.3f, recall %.3f; want %d and both >= 0.95", lr.Layer, s.Domains, s.Precision(), s.Recall(), n)
		}
	}
}

// TestValidateHostileLabels gives the labels a hostile zone could carry
// (hostile_test.go) as truth providers: validate.csv stays valid UTF-8
// CSV with every cell neutralised, and the printed tables carry no
// control or reordering character.
func TestValidateHostileLabels(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var truth bytes.Buffer
	w := csv.NewWriter(&truth)
	w.Write([]string{"domain", "layer", "provider", "service"})
	for _, l := range hostileLabels {
		w.Write([]string{"alpha.com", "dns", l, l})
		w.Write([]string{"beta.com", "email", l + "\xff", ""})
	}
	w.Flush()
	labels := writeFile(t, dir, "labels.csv", truth.String())
	var stdout, stderr bytes.Buffer
	o := validateOptions{Run: validateDir, Truth: labels, Out: dir, Catalog: filepath.Join(validateDir, "catalog.json"), Top: 3}
	if err := runValidate(context.Background(), o, &stdout, &stderr); err != nil {
		t.Fatalf("validate: %v\n%s", err, stderr.String())
	}
	got, err := os.ReadFile(filepath.Join(dir, reports.ValidateFile))
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(got) {
		t.Error("validate.csv is not valid UTF-8")
	}
	rows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatalf("validate.csv does not parse: %v", err)
	}
	if len(rows) < 3 {
		t.Fatalf("%d rows, want disagreements on alpha.com and beta.com", len(rows))
	}
	for _, r := range rows {
		if len(r) != len(rows[0]) {
			t.Errorf("row %q has %d cells, want %d", r, len(r), len(rows[0]))
		}
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q is not neutralised", c)
			}
		}
	}
	for _, r := range stdout.String() {
		if r < 0x20 && r != '\n' || r == 0x7f || r == '\u202e' {
			t.Errorf("stdout carries %U:\n%s", r, stdout.String())
			break
		}
	}
}
