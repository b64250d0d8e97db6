//go:build duckdb

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/csvcmp"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// TestGoldenSimnetDuckDB: on the golden simnet-400 crawl, the SQL
// analysis on DuckDB gives the golden files of the Go engine (metrics
// with bootstrap intervals, providers, blast radii, single points of
// failure, co-dependent pairs): counts exactly, figures to 1e-9, and the
// Go engine's report.html but for its timestamps. Once from the
// observations, once through the command line as a cluster runs it:
// "classify" on two shards, "classify --finish", then "analyze --engine
// duckdb" on the tables.
func TestGoldenSimnetDuckDB(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	out, files := crawlSimnet(t, ctx, dir, goldenDomains, goldenSeed)
	obs := filepath.Join(out, ObservationsName)
	golden := func(t *testing.T, got string) {
		t.Helper()
		for _, name := range []string{reports.MetricsFile, reports.ProvidersFile, reports.BlastFile, reports.SPOFFile, reports.CoDependencyFile} {
			want, err := os.ReadFile(filepath.Join(goldenDir, name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(got, name))
			if err != nil {
				t.Fatal(err)
			}
			if err := csvcmp.Equal(want, b, 1e-9); err != nil {
				t.Errorf("%s of the DuckDB engine: %v", name, err)
			}
		}
	}

	goOut := filepath.Join(dir, "go")
	ao := analyzeOptions{Inputs: []string{obs}, Out: goOut, ASNDB: files.ASN, CountryDB: files.Country,
		DataDir: files.DataDir, Quiet: true, Bootstrap: 100, BootstrapSeed: 1}
	if err := runAnalyze(ctx, ao, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze: %v", err)
	}
	direct := filepath.Join(dir, "duck")
	ao.Out, ao.Engine, ao.DuckMemory, ao.DuckThreads = direct, "duckdb", "1GB", 2
	if err := runAnalyze(ctx, ao, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze --engine duckdb: %v", err)
	}
	golden(t, direct)
	sameReportHTML(t, goOut, direct)

	// Two shards: every other line.
	in, err := os.Open(obs)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var shards [2]*os.File
	for k := range shards {
		if shards[k], err = os.Create(filepath.Join(dir, fmt.Sprintf("shard%d.jsonl", k))); err != nil {
			t.Fatal(err)
		}
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 16<<20)
	for i := 0; sc.Scan(); i++ {
		fmt.Fprintln(shards[i%2], sc.Text())
	}
	// The crawl's manifest beside the shards, as a sharded crawl leaves
	// one beside each shard's observations: the report's provenance
	// (the list, its counts, the resolvers) comes from it.
	manifest, err := os.ReadFile(filepath.Join(out, dnscrawl.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, dnscrawl.ManifestName), manifest, 0o644); err != nil {
		t.Fatal(err)
	}
	tables := filepath.Join(dir, "tables")
	ref := []string{"--asn-db", files.ASN, "--country-db", files.Country, "--data-dir", files.DataDir}
	for k, f := range shards {
		f.Close()
		args := append([]string{"classify", f.Name(), "--out", tables, "--shard", fmt.Sprint(k)}, ref...)
		if code, _, stderr := executeContext(t, ctx, "", args...); code != 0 {
			t.Fatalf("classify shard %d: exit %d\n%s", k, code, stderr)
		}
	}
	if code, _, stderr := executeContext(t, ctx, "", "classify", "--finish", "--out", tables); code != 0 {
		t.Fatalf("classify --finish: exit %d\n%s", code, stderr)
	}
	sharded := filepath.Join(dir, "sharded")
	args := append([]string{"analyze", tables, "--engine", "duckdb", "--out", sharded, "-q", "--bootstrap", "100", "--bootstrap-seed", "1"}, ref...)
	if code, _, stderr := executeContext(t, ctx, "", args...); code != 0 {
		t.Fatalf("analyze --engine duckdb on the tables: exit %d\n%s", code, stderr)
	}
	golden(t, sharded)
	sameReportHTML(t, goOut, sharded)
}

// reportTime matches the timestamps of report.html.
var reportTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC`)

// sameReportHTML fails t unless report.html in gotDir is the one in
// wantDir but for its timestamps (pipeline's TestDuckDBEqualsGo also
// checks that the parts on the domains are there).
func sameReportHTML(t *testing.T, wantDir, gotDir string) {
	t.Helper()
	read := func(dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
		if err != nil {
			t.Fatal(err)
		}
		return reportTime.ReplaceAllString(string(b), "TIME")
	}
	want, got := read(wantDir), read(gotDir)
	if !strings.Contains(want, `id="dt-data"`) {
		t.Fatalf("%s/%s has no table of domains", wantDir, reports.HTMLFile)
	}
	if line, w, g := csvcmp.ReportDiff(want, got); line > 0 {
		t.Errorf("report.html of %s differs from the Go engine's at line %d:\n go:     %.300s\n duckdb: %.300s", gotDir, line, w, g)
	}
}
