//go:build duckdb

package pipeline

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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
	reports.CoDependencyFile, reports.SiteCountriesFile, reports.ProviderEdgesFile,
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

// countryList writes a domain list with a country column for the
// domains of the observations at path into dir: four countries in turn,
// every fifth domain without one, one line with an invalid country (its
// domain gets none) and one domain the crawl did not see.
func countryList(t *testing.T, path, dir string) string {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var b strings.Builder
	b.WriteString("domain,country\n")
	sc := bufio.NewScanner(in)
	sc.Buffer(nil, 16<<20)
	countries := []string{"DE", "FR", "JP", "BR"}
	for i := 0; sc.Scan(); i++ {
		var ob struct{ Domain string }
		if err := json.Unmarshal(sc.Bytes(), &ob); err != nil || ob.Domain == "" {
			t.Fatalf("observation %d: %v", i, err)
		}
		switch {
		case i == 7:
			fmt.Fprintf(&b, "%s,XYZ1\n", ob.Domain)
		case i%5 == 4:
			fmt.Fprintf(&b, "%s,\n", ob.Domain)
		default:
			fmt.Fprintf(&b, "%s,%s\n", ob.Domain, countries[i%len(countries)])
		}
	}
	b.WriteString("not-crawled.example,DE\n")
	list := filepath.Join(dir, "list.csv")
	if err := os.WriteFile(list, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return list
}

// nonEmpty fails t unless the CSV file at path has rows and column col
// is not 0 in one of them, so that comparing it is no empty test.
func nonEmpty(t *testing.T, path, col string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 {
		t.Fatalf("%s: no rows", path)
	}
	i := slices.Index(rows[0], col)
	if i < 0 {
		t.Fatalf("%s: no column %s", path, col)
	}
	for _, r := range rows[1:] {
		if r[i] != "0" && r[i] != "" {
			return
		}
	}
	t.Errorf("%s: %s is 0 in every row", path, col)
}

// TestDuckDBEqualsGo: on a simulated crawl of 600 domains (every third
// unranked, so that the rank weights are exercised with unranked
// domains; a list giving most sites a country), the DuckDB engine writes
// the Go engine's files with the same figures, bootstrap intervals included, from the observations and from
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
		Bootstrap: 40, BootstrapSeed: 7, List: countryList(t, obs, dir), Formats: []string{FormatCSV, FormatParquet}, Log: io.Discard}
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
	sameReport(t, goOut, o.Out, 600)
	nonEmpty(t, filepath.Join(goOut, reports.CoDependencyFile), "down_together")
	nonEmpty(t, filepath.Join(goOut, reports.SiteCountriesFile), "top_share")
	sameParquets(t, goOut, o.Out)
	if want, got := observationFiles(t, goOut), observationFiles(t, o.Out); !reflect.DeepEqual(got, want) || len(want) != 1 || want[0].Observations != 600 {
		t.Errorf("run.json's observation_files: %+v, want %+v (600 observations)", got, want)
	}

	// Three shards, classified apart, finished together.
	tables := filepath.Join(dir, "tables")
	pending := 0
	parts := splitLines(t, obs, dir, 3)
	for k, part := range parts {
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
	if ps, _ := filepath.Glob(filepath.Join(tables, TableDependencies, "shard=0", "part-*.parquet")); len(ps) < 2 {
		t.Errorf("shard 0's dependencies in %d parts of at most 150 rows, want several", len(ps))
	}
	o = base
	o.Inputs, o.Out, o.Engine = []string{tables}, filepath.Join(dir, "shards"), duck
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	// provider_edges.csv's evidence is the smallest of the shards'
	// (documented): the rows are compared through the graph's figures.
	sameFiles(t, goOut, o.Out, engineFiles[:len(engineFiles)-1])
	sameReport(t, goOut, o.Out, 600)
	sameParquets(t, goOut, o.Out)
	// The shards' files, in shard order, from the crawl table.
	var want []reports.ObservationFile
	for _, p := range parts {
		want = append(want, reports.ObservationFile{Path: p, Observations: 200, SkippedLines: []int{}})
	}
	if got := observationFiles(t, o.Out); !reflect.DeepEqual(got, want) {
		t.Errorf("run.json's observation_files from the shards: %+v, want %+v", got, want)
	}
}

// observationFiles reads run.json's observation_files in dir.
func observationFiles(t *testing.T, dir string) []reports.ObservationFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, reports.RunFile))
	if err != nil {
		t.Fatal(err)
	}
	var run struct {
		Files []reports.ObservationFile `json:"observation_files"`
	}
	if err := json.Unmarshal(b, &run); err != nil {
		t.Fatal(err)
	}
	return run.Files
}

// sameParquets compares the Parquet copies of the Go engine's run in
// wantDir and the DuckDB engine's in gotDir.
func sameParquets(t *testing.T, wantDir, gotDir string) {
	t.Helper()
	sameParquet[reports.DomainRow](t, wantDir, gotDir, reports.DomainsParquet)
	sameParquet[reports.DependencyRow](t, wantDir, gotDir, reports.DependenciesParquet)
	sameParquet[reports.ProviderRow](t, wantDir, gotDir, reports.ProvidersParquet)
	sameParquet[reports.MetricsRow](t, wantDir, gotDir, reports.MetricsParquet)
	sameParquet[reports.SiteCountryRow](t, wantDir, gotDir, reports.SiteCountriesParquet)
}

// sameParquet reads the rows of the Parquet file name in wantDir and in
// gotDir and compares them field by field: floating-point fields to 1e-9
// (relative above 1), the others exactly. The Go engine's file must have
// rows.
func sameParquet[T any](t *testing.T, wantDir, gotDir, name string) {
	t.Helper()
	read := func(dir string) []T {
		var rows []T
		if err := readParquetFiles(filepath.Join(dir, name), func(r T) error {
			rows = append(rows, r)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	want, got := read(wantDir), read(gotDir)
	if len(want) == 0 {
		t.Fatalf("%s of %s: no rows", name, wantDir)
	}
	if len(got) != len(want) {
		t.Fatalf("%s of %s: %d rows, want %d", name, gotDir, len(got), len(want))
	}
	for i := range want {
		w, g := reflect.ValueOf(want[i]), reflect.ValueOf(got[i])
		for f := range w.NumField() {
			wf, gf := w.Field(f), g.Field(f)
			same := false
			if wf.Kind() == reflect.Float64 {
				a, b := wf.Float(), gf.Float()
				same = math.Abs(a-b) <= 1e-9*max(1, math.Abs(a))
			} else {
				same = reflect.DeepEqual(wf.Interface(), gf.Interface())
			}
			if !same {
				t.Errorf("%s of %s, row %d, %s: %v, want %v", name, gotDir, i+1, w.Type().Field(f).Name, gf.Interface(), wf.Interface())
				return
			}
		}
	}
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

// TestDuckDBObservationFiles: with two observation files, the second
// holding a domain of the first again and an unreadable line, run.json's
// observation_files of the DuckDB engine are the Go engine's (what was
// kept, the duplicates, the skipped lines and their numbers, per file),
// from the observations and from the tables classified apart.
func TestDuckDBObservationFiles(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	obs, files := crawlSim(t, 120, 5, func(r int) int { return r })
	dir := t.TempDir()
	parts := splitLines(t, obs, dir, 2)
	first, err := os.ReadFile(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	dup, _, _ := strings.Cut(string(first), "\n")
	f, err := os.OpenFile(parts[1], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "{not an observation\n%s\n", dup)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	base := Options{Inputs: parts, ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir, Log: io.Discard}
	o := base
	o.Out = filepath.Join(dir, "go")
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	want := observationFiles(t, o.Out)
	if len(want) != 2 || want[1].Duplicates != 1 || want[1].Skipped != 1 || len(want[1].SkippedLines) != 1 {
		t.Fatalf("the Go engine's observation_files: %+v, want one duplicate and one skipped line in the second", want)
	}
	duck := DuckDBEngine{MemoryLimit: "512MB", Threads: 2, TempDir: filepath.Join(dir, "spill")}
	o = base
	o.Out, o.Engine = filepath.Join(dir, "duck"), duck
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	if got := observationFiles(t, o.Out); !reflect.DeepEqual(got, want) {
		t.Errorf("observation_files: %+v, want %+v", got, want)
	}
	// One shard, then analyze on the tables.
	tables := filepath.Join(dir, "tables")
	co := ClassifyOptions{Options: base}
	co.Out = tables
	if _, err := Classify(ctx, co); err != nil {
		t.Fatal(err)
	}
	o = base
	o.Inputs, o.Out, o.Engine = []string{tables}, filepath.Join(dir, "tables-out"), duck
	if _, err := Run(ctx, o); err != nil {
		t.Fatal(err)
	}
	if got := observationFiles(t, o.Out); !reflect.DeepEqual(got, want) {
		t.Errorf("observation_files from the tables: %+v, want %+v", got, want)
	}
	// The engine's own files in a spill folder it was given (the spool,
	// the Parquet copies) are gone once the reports are written.
	if left, _ := filepath.Glob(filepath.Join(duck.TempDir, "chokepoint-rows-*")); len(left) > 0 {
		t.Errorf("left in the spill folder: %v", left)
	}
}
