package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/simnet"
	"github.com/chokepoint-dev/chokepoint/reports"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenScenario is the simnet scenario of the golden files: a small
// population crawled over loopback with generous timeouts, so that its
// classification, and every output computed from it, is the same on
// every run.
const (
	goldenDomains = 400
	goldenSeed    = 11
	goldenDir     = "testdata/simnet-400"
)

// crawlSimnet generates and crawls a simnet population into dir/out and
// returns the output directory and the reference files.
func crawlSimnet(t *testing.T, ctx context.Context, dir string, n int, seed int64) (string, simnet.Files) {
	t.Helper()
	sim := serveSimnet(t, ctx, n, seed)
	files := sim.files
	out := filepath.Join(dir, "out")
	c := defaultCrawlOptions()
	c.Input, c.Out = files.Domains, out
	c.Resolvers = []string{sim.addr}
	c.Timeout, c.Retries, c.Concurrency, c.Progress = 2*time.Second, 2, 8, 0
	c.QPSPerResolver = 0
	c.Simulated = true
	if _, err := runCrawl(ctx, c, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	return out, files
}

// TestGoldenSimnet analyses one simnet scenario and compares the outputs
// of issue 5 with golden files: metrics (with bootstrap intervals),
// providers, blast radii, single points of failure, co-dependency,
// provider edges, and a what-if scenario. Run with -update to rewrite
// them after a deliberate change.
func TestGoldenSimnet(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	out, files := crawlSimnet(t, ctx, dir, goldenDomains, goldenSeed)
	ao := analyzeOptions{Inputs: []string{filepath.Join(out, ObservationsName)}, Out: out, ASNDB: files.ASN, CountryDB: files.Country,
		DataDir: files.DataDir, Quiet: true, Bootstrap: 100, BootstrapSeed: 1}
	if err := runAnalyze(ctx, ao, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	wo := whatifOptions{Analyze: analyzeOptions{Inputs: []string{out}, Out: out, DataDir: files.DataDir, Quiet: true},
		Fail: []string{"cloudflare", "amazon:us-east-1", "ibm"}}
	var stdout bytes.Buffer
	wo.Analyze.Quiet = false
	if err := runWhatif(ctx, wo, &stdout, io.Discard); err != nil {
		t.Fatalf("whatif: %v", err)
	}
	if !strings.Contains(stdout.String(), "Scenario: cloudflare + amazon:us-east-1 + ibm fail") {
		t.Errorf("whatif summary:\n%s", stdout.String())
	}
	for _, name := range []string{reports.MetricsFile, reports.ProvidersFile, reports.BlastFile, reports.SPOFFile,
		reports.CoDependencyFile, reports.ProviderEdgesFile, reports.WhatIfFile} {
		t.Run(name, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join(goldenDir, name+".golden")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if d := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")); d != "" {
				t.Errorf("%s differs from %s (-want +got):\n%s", name, golden, d)
			}
		})
	}

	// diff of the run with itself: nothing changes.
	var ds bytes.Buffer
	if err := runDiff(ctx, diffOptions{A: out, B: out, Out: dir, Show: 5}, &ds, io.Discard); err != nil {
		t.Fatalf("diff: %v", err)
	}
	rd, err := reports.ReadRunDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports.Diff(rd, rd) {
		if r.Change != 0 || r.Kind == reports.DiffMoved || r.Kind == reports.DiffAdded || r.Kind == reports.DiffRemoved {
			t.Errorf("diff of a run with itself: %+v", r)
		}
	}
	if !strings.Contains(ds.String(), "0 moved provider on a layer, 0 added, 0 removed") {
		t.Errorf("diff summary:\n%s", ds.String())
	}
}

func TestWhatifUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	obs := writeFile(t, dir, "obs.jsonl", `{"schema_version":1,"domain":"example.com","status":"ok","ns":[{"name":"kate.ns.cloudflare.com"}],"apex":{"name":"example.com"},"www":{"name":"www.example.com"}}`+"\n")
	tests := []struct {
		name    string
		args    []string
		code    int
		message string
	}{
		{"no fail", []string{"whatif", obs, "--data-dir", "", "--out", dir}, exitUsage, "--fail"},
		{"bad element", []string{"whatif", obs, "--fail", "country:USA", "--data-dir", "", "--out", dir}, exitUsage, "country"},
		{"missing input", []string{"whatif", filepath.Join(dir, "nope.jsonl"), "--fail", "cloudflare", "--data-dir", ""}, exitUsage, "nope.jsonl"},
		{"ok", []string{"whatif", obs, "--fail", "cloudflare", "--data-dir", "", "--out", dir}, exitOK, "1 of 1 domains down"},
		{"diff missing run", []string{"diff", dir, filepath.Join(dir, "nope"), "--out", dir}, exitUsage, "run.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := execute(t, "", tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.message) {
				t.Errorf("exit %d (want %d), stderr does not mention %q:\n%s", code, tt.code, tt.message, stderr)
			}
		})
	}
	b, err := os.ReadFile(filepath.Join(dir, reports.WhatIfFile))
	if err != nil {
		t.Fatal(err)
	}
	want := "domain,rank,down,direct,failed_layers,email_failed,chain\r\nexample.com,0,true,true,dns,false,example.com -> cloudflare\r\n"
	if string(b) != want {
		t.Errorf("whatif.csv:\n%q\nwant\n%q", b, want)
	}
}

// TestWhatifTargets: an element that names nothing known exits 2 with the
// nearest names; a known one that nothing in the list uses is said in
// words and exits 0.
func TestWhatifTargets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	obs := writeFile(t, dir, "obs.jsonl",
		`{"schema_version":1,"domain":"example.com","status":"ok","ns":[{"name":"kate.ns.cloudflare.com"}],"apex":{"name":"example.com"},"www":{"name":"www.example.com"}}`+"\n"+
			`{"schema_version":1,"domain":"other.org","status":"ok","ns":[{"name":"ns1.example-dns.net"},{"name":"ns2.example-dns.net"}],"apex":{"name":"other.org"},"www":{"name":"www.other.org"}}`+"\n")
	tests := []struct {
		name string
		fail []string
		code int
		// stderr must hold every one of these.
		want []string
	}{
		{"typo", []string{"cloudfare"}, exitUsage, []string{"unknown provider cloudfare; did you mean cloudflare?"}},
		{"service typo", []string{"cloudflare/dnz"}, exitUsage, []string{"unknown service cloudflare/dnz; did you mean cloudflare/dns?"}},
		{"unknown AS", []string{"AS99999999"}, exitUsage, []string{"unknown AS99999999"}},
		{"unknown country", []string{"country:XX"}, exitUsage, []string{"unknown country XX: not an assigned ISO 3166-1 alpha-2 code\n"}},
		{"absent uncatalogued", []string{"example-dns.org"}, exitUsage, []string{"unknown provider example-dns.org", "did you mean example-dns.net?"}},
		{"one bad among good", []string{"cloudflare", "cloudfare"}, exitUsage, []string{"unknown provider cloudfare"}},
		{"region without range data", []string{"amazon:us-east-1"}, exitOK,
			[]string{"no range data loaded for amazon (aws)", "chokepoint data update", "0 of 2 domains down"}},
		{"unused provider", []string{"fastly"}, exitOK, []string{"no domain in the list depends on fastly", "0 of 2 domains down"}},
		{"unused country", []string{"country:FR"}, exitOK, []string{"no address of the list is in country:FR", "0 of 2 domains down"}},
		{"catalog AS, no address", []string{"AS54113"}, exitOK, []string{"nothing in the list uses AS54113", "0 of 2 domains down"}},
		{"alias and case", []string{"Cloudflare", "CLOUDFLARE-DNS"}, exitOK, []string{"1 of 2 domains down"}},
		{"uncatalogued present", []string{"Example-DNS.net"}, exitOK, []string{"1 of 2 domains down"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"whatif", obs, "--data-dir", "", "-q", "--out", filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-"))}
			for _, f := range tt.fail {
				args = append(args, "--fail", f)
			}
			code, _, stderr := execute(t, "", args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, stderr)
				}
			}
			if tt.code != exitOK && strings.Contains(stderr, "domains down") {
				t.Errorf("an unknown element still ran the scenario:\n%s", stderr)
			}
		})
	}
}

// TestWhatifResolvedScenario: names and aliases fail what they name, once.
func TestWhatifResolvedScenario(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	obs := writeFile(t, dir, "obs.jsonl", `{"schema_version":1,"domain":"example.com","status":"ok","ns":[{"name":"kate.ns.cloudflare.com"}],"apex":{"name":"example.com"},"www":{"name":"www.example.com"}}`+"\n")
	code, stdout, stderr := execute(t, "", "whatif", obs, "--data-dir", "", "--out", dir, "--fail", "AWS", "--fail", "amazon", "--fail", "Cloudflare")
	if code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "Scenario: amazon + cloudflare fail") {
		t.Errorf("summary:\n%s", stdout)
	}
	if !strings.Contains(stderr, "no domain in the list depends on amazon") || !strings.Contains(stderr, "1 of 1 domains down") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// TestWhatifSyntaxFirst: an element no list can make valid is refused
// before the list is read (here it does not even exist).
func TestWhatifSyntaxFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	code, _, stderr := execute(t, "", "whatif", filepath.Join(dir, "nope.jsonl"), "--data-dir", "", "--fail", "Amazon Web Servics")
	if code != exitUsage || !strings.Contains(stderr, "did you mean amazon?") || strings.Contains(stderr, "nope.jsonl") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
}
