//go:build duckdb

package pipeline

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// BenchmarkDuckDBRows compares the two ways of reading dependencies.csv's
// rows out of DuckDB, on 500,000 rows shaped like them: database/sql
// scanning into typed values (the driver materializes the whole result
// first, then converts every cell on the reading goroutine), and
// copyRows (COPY into Parquet, decoded on every core). Each reads the
// rows in report order and formats them as CSV into io.Discard, as
// reports.WriteTables does. Run both in one command so that their ratio
// is measured under the same load:
//
//	go test -tags duckdb -run '^$' -bench DuckDBRows -count 3 ./pipeline
func BenchmarkDuckDBRows(b *testing.B) {
	ctx := context.Background()
	db := openDuckDB(b)
	const rows = 500_000
	for _, s := range []string{
		"SET preserve_insertion_order = false",
		fmt.Sprintf(`CREATE TEMPORARY TABLE dependencies AS
SELECT 'site-' || (i // 5) || '.example' AS domain, CAST(i // 5 + 1 AS BIGINT) AS rank,
  CASE i %% 5 WHEN 0 THEN 'dns' WHEN 1 THEN 'cdn' WHEN 2 THEN 'hosting' WHEN 3 THEN 'email' ELSE 'ca' END AS layer,
  'provider' || (i %% 97) AS provider, 'service' || (i %% 13) AS service, CASE WHEN i %% 4 = 0 THEN 'eu-west-1' ELSE '' END AS region,
  'ns_suffix' AS evidence, 'ns' || (i %% 3) || '.provider' || (i %% 97) || '.net' AS evidence_value,
  CAST((i %% 10) / 10.0 AS DOUBLE) AS confidence, i %% 2 = 0 AS third_party, i %% 3 <> 0 AS catalogued, CAST(i %% 5 AS INTEGER) AS seq
FROM range(%d) t(i)`, rows),
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	q := &querier{ctx: ctx, db: db}
	write := func(b *testing.B, src reports.RowSource[reports.DependencyRow]) {
		b.Helper()
		n := 0
		counted := func(yield func(reports.DependencyRow) bool) error {
			return src(func(r reports.DependencyRow) bool { n++; return yield(r) })
		}
		if err := reports.WriteRows(io.Discard, counted); err != nil {
			b.Fatal(err)
		}
		if n != rows {
			b.Fatalf("%d rows, want %d", n, rows)
		}
	}
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			write(b, q.scanDependencyRows)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	})
	b.Run("copy", func(b *testing.B) {
		dir := b.TempDir()
		for b.Loop() {
			write(b, func(yield func(reports.DependencyRow) bool) error {
				path := filepath.Join(dir, "dependencies.parquet")
				if err := q.copyTo(path, dependenciesQuery); err != nil {
					return err
				}
				return q.dependencyRows(path, yield)
			})
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
	})
}

// scanDependencyRows is dependencyRows as it was before copyRows: the
// rows scanned through database/sql (kept for BenchmarkDuckDBRows).
func (q *querier) scanDependencyRows(yield func(reports.DependencyRow) bool) error {
	var r reports.DependencyRow
	var rank int64
	var layer, evidence string
	dest := []any{&r.Domain, &rank, &layer, &r.Provider, &r.Service, &r.Region, &evidence, &r.EvidenceValue, &r.Confidence, &r.ThirdParty, &r.Catalogued}
	return q.scan(`SELECT domain, rank, layer, provider, service, region, evidence, evidence_value, confidence, third_party, catalogued
FROM dependencies ORDER BY CASE WHEN rank > 0 THEN 0 ELSE 1 END, rank, domain, seq`, dest, func() bool {
		r.Rank, r.Layer, r.Evidence = int(rank), catalog.Layer(layer), classify.Evidence(evidence)
		return yield(r)
	})
}
