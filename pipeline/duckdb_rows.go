package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/parquet-go/parquet-go"
)

// The two large tables, domains.csv and dependencies.csv (at ten million
// domains, 10 and about 50 million rows), are not read through
// database/sql: the DuckDB driver materializes a query's whole result
// before the first row is read (7 GB for dependencies.csv at ten million
// domains, beyond DuckDB's memory limit) and converts each cell to a
// driver.Value on the one goroutine that also formats the CSV. Instead
// DuckDB writes the rows, sorted, into a Parquet file in its spill folder
// (COPY: its own threads, out of core), and the file's row groups are
// decoded on every core, a few at a time, and handed over in order
// (copyRows).

// copyRowGroup is the number of rows of each row group of the files of
// copyRows: small enough that the row groups decoded ahead stay a few
// megabytes, large enough for DuckDB to write them on several threads.
const copyRowGroup = 32 * 1024

// copyRows has DuckDB write the rows of query, in its order, into a
// Parquet file at path (removed at the end), reads them back as P (the
// query's columns by name: its parquet tags, every one optional, as
// DuckDB writes them), turns each into a T with conv and yields them in
// order until yield returns false.
func copyRows[P, T any](q *querier, path, query string, conv func(*P) T, yield func(T) bool) error {
	defer os.Remove(path)
	// COPY keeps the order of a query with ORDER BY, even with
	// preserve_insertion_order off (TestCopyRows).
	copyStmt := fmt.Sprintf("COPY (\n%s\n) TO %s (FORMAT parquet, ROW_GROUP_SIZE %d)", query, quote(path), copyRowGroup)
	if _, err := q.db.ExecContext(q.ctx, copyStmt); err != nil {
		return fmt.Errorf("duckdb: %w\n%s", err, copyStmt)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	groups := pf.RowGroups()

	// Each row group is decoded by one of the workers into its slot; the
	// slots go in order through pending, whose capacity bounds the row
	// groups decoded ahead of the one being yielded.
	type slot struct {
		rows []T
		err  error
		done chan struct{}
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	pending := make(chan *slot, 2*workers)
	jobs := make(chan struct {
		rg parquet.RowGroup
		s  *slot
	})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				j.s.rows, j.s.err = readRowGroup(j.rg, conv, stop)
				close(j.s.done)
			}
		})
	}
	go func() {
		defer close(pending)
		defer close(jobs)
		for _, rg := range groups {
			s := &slot{done: make(chan struct{})}
			select {
			case pending <- s:
			case <-stop:
				return
			}
			select {
			case jobs <- struct {
				rg parquet.RowGroup
				s  *slot
			}{rg, s}:
			case <-stop:
				return
			}
		}
	}()
	var out error
	stopped := false
	for s := range pending {
		if stopped {
			continue
		}
		select {
		case <-s.done:
		case <-q.ctx.Done():
			out, stopped = q.ctx.Err(), true
			close(stop)
			continue
		}
		if s.err != nil {
			out, stopped = fmt.Errorf("%s: %w", path, s.err), true
			close(stop)
			continue
		}
		for _, r := range s.rows {
			if !yield(r) {
				stopped = true
				close(stop)
				break
			}
		}
		s.rows = nil
	}
	wg.Wait()
	return out
}

// readRowGroup decodes the rows of rg.
func readRowGroup[P, T any](rg parquet.RowGroup, conv func(*P) T, stop <-chan struct{}) ([]T, error) {
	r := parquet.NewGenericRowGroupReader[P](rg)
	defer r.Close()
	out := make([]T, 0, rg.NumRows())
	buf := make([]P, 1024)
	for {
		select {
		case <-stop:
			return nil, nil
		default:
		}
		n, err := r.Read(buf)
		for i := range buf[:n] {
			out = append(out, conv(&buf[i]))
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
	}
}
