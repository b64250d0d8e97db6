//go:build duckdb

package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/csvcmp"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// reportTimes matches the timestamps of report.html (generated, started,
// finished), which differ between two runs.
var reportTimes = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC`)

// sameReport fails t unless the report.html files in wantDir (the Go
// engine's) and gotDir (the DuckDB engine's) are equal apart from their
// timestamps, and unless the Go engine's has every part on the list's
// domains (so that two pages lacking one do not pass): the table of
// domains with a line per domain and its Rank column, the top-of-list
// figures, the flow chart with its upstream step, the registries' TLDs
// and products named by the catalog.
func sameReport(t *testing.T, wantDir, gotDir string, domains int) {
	t.Helper()
	read := func(dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
		if err != nil {
			t.Fatal(err)
		}
		return reportTimes.ReplaceAllString(string(b), "TIME")
	}
	want, got := read(wantDir), read(gotDir)
	parts := map[string]*regexp.Regexp{
		"table of domains":        regexp.MustCompile(`(?s)<pre class="tsv" id="dt-data" hidden>rank\tdomain\tstatus\tDNS[^\n]*\n(.*?)</pre>`),
		"Rank column shown":       regexp.MustCompile(`<th class="n"><button type="button">Rank</button></th>`),
		"top-of-list figures":     regexp.MustCompile(`<table id="top-of-list">[\s\S]*?<th class="n">Top 100</th>`),
		"flow chart":              regexp.MustCompile(`<path d="M[^"]*" data-from="0:\d+" data-to="1:\d+"`),
		"flow chart's upstreams":  regexp.MustCompile(`<path d="M[^"]*" data-from="1:\d+" data-to="2:\d+"`),
		"registries with TLDs":    regexp.MustCompile(`<table id="tld-table">[\s\S]*?<td class="name">\.[a-z]+`),
		"product names in labels": regexp.MustCompile(`Route 53|Cloud DNS|Azure DNS|CloudFront`),
	}
	for what, re := range parts {
		m := re.FindStringSubmatch(want)
		if m == nil {
			t.Errorf("the Go engine's report.html has no %s (%s)", what, re)
			continue
		}
		if what == "table of domains" {
			if n := strings.Count(m[1], "\n"); n != domains {
				t.Errorf("the Go engine's table of domains has %d lines, want %d", n, domains)
			}
		}
	}
	if line, w, g := csvcmp.ReportDiff(want, got); line > 0 {
		t.Errorf("report.html of %s differs from the Go engine's at line %d:\n go:     %.300s\n duckdb: %.300s", gotDir, line, w, g)
	}
}

// BenchmarkDuckDBReport times htmlDomains, the report's parts on the
// domains, over the classified tables (finished: classify --finish or
// simnet-tables) in the folder $CHOKEPOINT_BENCH_TABLES; skipped without
// it. For example, with a million domains:
//
//	go run ./cmd/simnet-tables -domains 1000000 -shards 8 -out /tmp/t1m
//	CHOKEPOINT_BENCH_TABLES=/tmp/t1m go test -tags duckdb -run '^$' -bench DuckDBReport -benchtime 1x ./pipeline
func BenchmarkDuckDBReport(b *testing.B) {
	dir := os.Getenv("CHOKEPOINT_BENCH_TABLES")
	if dir == "" {
		b.Skip("CHOKEPOINT_BENCH_TABLES is not set")
	}
	ctx := context.Background()
	db := openDuckDB(b)
	for _, t := range []string{TableDomains, TableDependencies} {
		s := fmt.Sprintf("CREATE OR REPLACE TEMPORARY VIEW %s AS SELECT * FROM read_parquet(%s)", t, quote(filepath.Join(dir, t, "shard=*", "*.parquet")))
		if _, err := db.ExecContext(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	edges, err := readEdges(filepath.Join(dir, TableProviderEdges, "*.parquet"))
	if err != nil {
		b.Fatal(err)
	}
	q := &querier{ctx: ctx, db: db}
	// The flow chart's first step comes from the figures (providers.sql),
	// which Analyze computes anyway: only the list size is needed here.
	sum := &metrics.Summary{}
	if err := q.rows("SELECT COUNT(*) AS n FROM domains", func(r row) error { sum.Domains = r.int("n"); return nil }); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		h, err := q.htmlDomains(edges, nil, sum)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(h.Table.Rows()), "table-rows")
		b.ReportMetric(float64(len(h.Top)), "top-domains")
		b.ReportMetric(float64(len(h.Table.String()))/1e6, "table-MB")
	}
}
