package pipeline

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// TestClassifyLayout: classify writes each table of a shard in Hive
// layout, in parts of at most PartRows rows, accounts for every line (bad
// lines and duplicates counted, not kept), replaces a shard's tables when
// run again, and --finish writes the finished rows and the global tables.
func TestClassifyLayout(t *testing.T) {
	ctx := context.Background()
	obs := writePipelineInput(t, 1500) // 1497 domains, 3 again, 3 bad lines
	dir := t.TempDir()
	o := ClassifyOptions{Options: Options{Inputs: []string{obs}, Out: dir, Log: io.Discard}, Shard: "7", PartRows: 1000}
	sum, err := Classify(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Domains != 1497 || sum.Duplicates != 3 || sum.SkippedLines != 4 {
		t.Errorf("summary %+v: want 1497 domains, 3 duplicates, 4 skipped lines (and three empty ones)", sum)
	}
	count := func(table, shard string) int {
		n := 0
		if err := readParquetFiles(filepath.Join(dir, table, "shard="+shard, "part-*.parquet"), func(DomainTableRow) error { n++; return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	parts, _ := filepath.Glob(filepath.Join(dir, TableDomains, "shard=7", "part-*.parquet"))
	if len(parts) != 2 || count(TableDomains, "7") != sum.Domains-sum.Pending {
		t.Errorf("domains of shard 7: %d parts, %d rows; want 2 parts and %d rows", len(parts), count(TableDomains, "7"), sum.Domains-sum.Pending)
	}
	for _, table := range []string{TableDependencies, TableAddresses, TableEdges, TablePending} {
		if m, _ := filepath.Glob(filepath.Join(dir, table, "shard=7", "part-00000.parquet")); len(m) != 1 {
			t.Errorf("%s: no part-00000.parquet in shard=7", table)
		}
	}
	svcs := map[string]int{}
	if err := readParquetFiles(filepath.Join(dir, TableDependencies, "shard=7", "*.parquet"), func(d DependencyTableRow) error {
		svcs[d.Layer+" "+d.Svc]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Every domain that resolved (4 in 5) is on Cloudflare's DNS.
	if n := svcs["dns cloudflare/dns"]; n < 1100 || n > 1300 {
		t.Errorf("%d dependencies on Cloudflare's DNS, want the resolved domains': %v", n, svcs)
	}

	// Again, with fewer lines: the shard's tables are replaced.
	small := writePipelineInput(t, 20)
	o.Inputs = []string{small}
	if _, err := Classify(ctx, o); err != nil {
		t.Fatal(err)
	}
	if n := count(TableDomains, "7"); n > 17 {
		t.Errorf("after a second run: %d domains in shard 7, want the second run's 17 at most", n)
	}

	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	fs, err := FinishClassified(ctx, dir, cat, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.Shards) != 1 || fs.Shards[0] != "7" || fs.Elements == 0 || fs.Edges == 0 {
		t.Errorf("finish: %+v", fs)
	}
	for _, table := range []string{TableClosure, TableElements, TableProviderEdges} {
		if _, err := os.Stat(filepath.Join(dir, table, "part-00000.parquet")); err != nil {
			t.Errorf("finish: %v", err)
		}
	}
	if got := count(TableDomains, "7") + count(TableDomains, FinishedShard); got != 17 {
		t.Errorf("after finish: %d domains, want 17", got)
	}
}

func TestClassifyBadOptions(t *testing.T) {
	ctx := context.Background()
	obs := writePipelineInput(t, 10)
	for _, c := range []struct {
		o    ClassifyOptions
		want string
	}{
		{ClassifyOptions{Options: Options{Inputs: []string{obs}, Out: t.TempDir()}, Shard: "../x"}, "--shard"},
		{ClassifyOptions{Options: Options{Inputs: []string{obs}, Out: t.TempDir()}, Shard: FinishedShard}, "--shard"},
		{ClassifyOptions{Options: Options{Inputs: []string{obs}}}, "--out"},
		{ClassifyOptions{Options: Options{Inputs: []string{filepath.Join(t.TempDir(), "missing.jsonl")}, Out: t.TempDir()}}, "missing.jsonl"},
	} {
		_, err := Classify(ctx, c.o)
		if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Classify(%+v) = %v, want an input error naming %s", c.o, err, c.want)
		}
	}
	cat, _ := catalog.Default()
	if _, err := FinishClassified(ctx, t.TempDir(), cat, io.Discard); !errors.Is(err, ErrInput) {
		t.Errorf("finish with no shard: %v", err)
	}
}
