//go:build duckdb

package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/csvcmp"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// The files both engines write with the same rows; the first three with
// figures (compared to 1e-9), the others exactly.
var engineFiles = []string{
	reports.MetricsFile, reports.ProvidersFile, reports.BlastFile,
	reports.DomainsFile, reports.DependenciesFile, reports.SPOFFile, reports.RegionsFile, reports.ASNsFile, reports.CountriesFile,
	reports.ProviderEdgesFile,
}

// splitLines writes the lines of path into n files in dir, line i into
// file i mod n, and returns their paths.
func splitLines(t *testing.T, path, dir string, n int) []string {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	paths := make([]string, n)
	outs := make([]*bufio.Writer, n)
	for i := range n {
		paths[i] = filepath.Join(dir, fmt.Sprintf("shard-%d.jsonl", i))
		f, err := os.Create(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		outs[i] = bufio.NewWriter(f)
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 16<<20)
	for i := 0; sc.Scan(); i++ {
		fmt.Fprintln(outs[i%n], sc.Text())
	}
	for _, w := range outs {
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

func sameFiles(t *testing.T, wantDir, gotDir string, names []string) {
	t.Helper()
	for _, name := range names {
		want, err := os.ReadFile(filepath.Join(wantDir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(gotDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := csvcmp.Equal(want, got, 1e-9); err != nil {
			t.Errorf("%s of %s: %v", name, gotDir, err)
		}
	}
}

// TestDuckDBEqualsGo: on a simulated crawl of 600 domains (every third
// unranked, so that the rank weights are exercised with unranked
// domains), the DuckDB engine writes the Go engine's files with the same
// figures, bootstrap intervals included, from the observations and from
// three shards classified apart and finished together.
func TestDuckDBEqualsGo(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	obs, files := crawlSim(t, 600, 3, func(r int) int {
		if r%3 == 0 {
			return 0
		}
		return r
	})
	dir := t.TempDir()
	base := Options{Inputs: []string{obs}, ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir,
		Bootstrap: 40, BootstrapSeed: 7, Log: io.Discard}
	goOut := filepath.Join(dir, "go")
	o := base
	o.Out = goOut
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	duck := DuckDBEngine{MemoryLimit: "512MB", Threads: 2, TempDir: filepath.Join(dir, "spill")}

	// From the observations: classified as one shard on the way.
	o = base
	o.Out, o.Engine = filepath.Join(dir, "duck"), duck
	sum, err := Run(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Engine != "duckdb" || sum.Domains != 600 {
		t.Errorf("summary: engine %q, %d domains", sum.Engine, sum.Domains)
	}
	sameFiles(t, goOut, o.Out, engineFiles)

	// Three shards, classified apart, finished together.
	tables := filepath.Join(dir, "tables")
	pending := 0
	for k, part := range splitLines(t, obs, dir, 3) {
		co := ClassifyOptions{Options: base, Shard: fmt.Sprint(k), PartRows: 150}
		co.Inputs, co.Out = []string{part}, tables
		cs, err := Classify(ctx, co)
		if err != nil {
			t.Fatal(err)
		}
		pending += cs.Pending
		if cs.Domains != 200 {
			t.Errorf("shard %d: %d domains, want 200", k, cs.Domains)
		}
	}
	if pending == 0 {
		t.Fatal("no pending domain: the simulated list should have uncatalogued and self-hosted operators for Finish")
	}
	parts, _ := filepath.Glob(filepath.Join(tables, TableDependencies, "shard=0", "part-*.parquet"))
	if len(parts) < 2 {
		t.Errorf("shard 0's dependencies in %d parts of at most 150 rows, want several", len(parts))
	}
	o = base
	o.Inputs, o.Out, o.Engine = []string{tables}, filepath.Join(dir, "shards"), duck
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	// provider_edges.csv's evidence is the smallest of the shards'
	// (documented): the rows are compared through the graph's figures.
	sameFiles(t, goOut, o.Out, engineFiles[:len(engineFiles)-1])
}

// TestFinishNeedsAllShards shows why the pending domains are decided over
// every shard together: deciding each shard's alone (classify.Finish per
// shard) gives other dependencies for some domains than the whole list
// does (an uncatalogued operator whose users are in different shards
// looks like a sole user's own server), which FinishClassified avoids.
func TestFinishNeedsAllShards(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	obs, files := crawlSim(t, 600, 3, func(r int) int { return r })
	dir := t.TempDir()
	base := Options{ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir, Log: io.Discard}
	tables := filepath.Join(dir, "tables")
	for k, part := range splitLines(t, obs, dir, 3) {
		co := ClassifyOptions{Options: base, Shard: fmt.Sprint(k)}
		co.Inputs, co.Out = []string{part}, tables
		if _, err := Classify(ctx, co); err != nil {
			t.Fatal(err)
		}
	}
	decide := func(pattern string) map[string][]classify.Dependency {
		var rs []classify.Result
		if err := readParquetFiles(pattern, func(p PendingTableRow) error {
			r, err := decodePending(p)
			rs = append(rs, r)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		classify.Finish(rs)
		out := map[string][]classify.Dependency{}
		for _, r := range rs {
			out[r.Domain] = r.DepList()
		}
		return out
	}
	global := decide(filepath.Join(tables, TablePending, "shard=*", "*.parquet"))
	differ := 0
	for k := range 3 {
		for d, deps := range decide(filepath.Join(tables, TablePending, fmt.Sprintf("shard=%d", k), "*.parquet")) {
			if fmt.Sprint(deps) != fmt.Sprint(global[d]) {
				differ++
			}
		}
	}
	if differ == 0 {
		t.Error("per-shard Finish decided every pending domain as the global one: the simulated list should have operators spanning shards")
	}
	t.Logf("%d of %d pending domains decided otherwise by their shard alone", differ, len(global))
}
