//go:build duckdb

package pipeline

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCopyRows checks copyRows on a result of several row groups: every
// row once, in the query's order (descending, so not the order DuckDB
// generates them in), NULLs as zero values; stopping early is no error
// and leaves the connection usable; a cancelled context is an error.
func TestCopyRows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := openDuckDB(t)
	if _, err := db.ExecContext(ctx, "SET preserve_insertion_order = false"); err != nil {
		t.Fatal(err)
	}
	q := &querier{ctx: ctx, db: db}
	type out struct {
		N int64  `parquet:"n,optional"`
		S string `parquet:"s,optional"`
	}
	const rows = 3*copyRowGroup + 123
	query := fmt.Sprintf(`SELECT i AS n, CASE WHEN i %% 7 = 0 THEN NULL ELSE 'x,' || i END AS s FROM range(%d) t(i) ORDER BY i DESC`, rows)
	dir := t.TempDir()
	conv := func(o *out) out { return *o }
	next := int64(rows - 1)
	err := copyRows(q, filepath.Join(dir, "a.parquet"), query, conv, func(o out) bool {
		want := fmt.Sprintf("x,%d", next)
		if next%7 == 0 {
			want = ""
		}
		if o.N != next || o.S != want {
			t.Fatalf("row %+v, want %d %q", o, next, want)
		}
		next--
		return true
	})
	if err != nil || next != -1 {
		t.Fatalf("copyRows: %v, %d rows missing", err, next+1)
	}
	seen := 0
	if err := copyRows(q, filepath.Join(dir, "b.parquet"), query, conv, func(out) bool { seen++; return seen < copyRowGroup+10 }); err != nil || seen != copyRowGroup+10 {
		t.Errorf("stopped after %d rows: %v", seen, err)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT 41 + 1").Scan(&n); err != nil || n != 42 {
		t.Errorf("the connection after an early stop: %d, %v", n, err)
	}
	var log strings.Builder
	q.logMemory(&log)
	if !strings.Contains(log.String(), "MB in the buffer pool") {
		t.Errorf("logMemory wrote %q", log.String())
	}
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	q.ctx = cctx
	if err := copyRows(q, filepath.Join(dir, "c.parquet"), query, conv, func(out) bool { return true }); err == nil {
		t.Error("a cancelled context gave no error")
	}
}

// openDuckDB opens an in-memory DuckDB with one connection (temporary
// tables live in one), closed at the end of tb.
func openDuckDB(tb testing.TB) *dbsql.DB {
	tb.Helper()
	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	return db
}
