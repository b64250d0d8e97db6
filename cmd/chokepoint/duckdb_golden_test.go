//go:build duckdb

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/csvcmp"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// TestGoldenSimnetDuckDB: on the golden simnet-400 crawl, the SQL
// analysis on DuckDB gives the golden files of the Go engine (metrics
// with bootstrap intervals, providers, blast radii, single points of
// failure): counts exactly, figures to 1e-9. Once from the observations,
// once through the command line as a cluster runs it: "classify" on two
// shards, "classify --finish", then "analyze --engine duckdb" on the
// tables.
func TestGoldenSimnetDuckDB(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	out, files := crawlSimnet(t, ctx, dir, goldenDomains, goldenSeed)
	obs := filepath.Join(out, ObservationsName)
	golden := func(t *testing.T, got string) {
		t.Helper()
		for _, name := range []string{reports.MetricsFile, reports.ProvidersFile, reports.BlastFile, reports.SPOFFile} {
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

	direct := filepath.Join(dir, "duck")
	ao := analyzeOptions{Inputs: []string{obs}, Out: direct, ASNDB: files.ASN, CountryDB: files.Country,
		DataDir: files.DataDir, Quiet: true, Bootstrap: 100, BootstrapSeed: 1, Engine: "duckdb", DuckMemory: "1GB", DuckThreads: 2}
	if err := runAnalyze(ctx, ao, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze --engine duckdb: %v", err)
	}
	golden(t, direct)

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
}
