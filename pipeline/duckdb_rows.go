package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

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
// Parquet file at path (removed at the end), then reads them back
// (readRows).
func copyRows[P, T any](q *querier, path, query string, conv func(*P) T, yield func(T) bool) error {
	defer os.Remove(path)
	if err := q.copyTo(path, query); err != nil {
		return err
	}
	return readRows(q.ctx, path, conv, yield)
}

// copyTo has DuckDB write the rows of query, in its order, into a
// Parquet file at path. COPY keeps the order of a query with ORDER BY,
// even with preserve_insertion_order off (TestCopyRows). Uncompressed:
// the file is read once, soon, most likely from the page cache, and
// Snappy made the COPY of 500,000 rows like dependencies.csv's take
// 4.0-4.3 s instead of 2.3-2.9 s (one-off timing at a load of 20); with
// LZ4_RAW, parquet-go v0.32 fails on the last page of DuckDB's files.
func (q *querier) copyTo(path, query string) error {
	stmt := fmt.Sprintf("COPY (\n%s\n) TO %s (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE %d)", query, quote(path), copyRowGroup)
	if _, err := q.db.ExecContext(q.ctx, stmt); err != nil {
		return fmt.Errorf("duckdb: %w\n%s", err, stmt)
	}
	return nil
}

// readRows reads the rows of the Parquet file at path as P (the
// columns by name: its parquet tags, every one optional, as DuckDB
// writes them), turns each into a T with conv and yields them in order
// until yield returns false. The row groups are decoded on every core, a
// few ahead of the one being yielded.
func readRows[P, T any](ctx context.Context, path string, conv func(*P) T, yield func(T) bool) error {
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
		case <-ctx.Done():
			out, stopped = ctx.Err(), true
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

// tableCopies are the Parquet files of domains.csv's and
// dependencies.csv's rows, which DuckDB writes one after the other on a
// goroutine of their own (startCopies): dependencies' while domains.csv
// is being written from the first, so that DuckDB's threads and the Go
// side's decoding and formatting overlap.
type tableCopies struct {
	domains, deps *copyFile
	finished      chan struct{}
}

// copyFile is a file a COPY statement writes; done is closed when it is
// written or has failed (err).
type copyFile struct {
	path string
	done chan struct{}
	err  error
}

// ready waits until f is written.
func (f *copyFile) ready(ctx context.Context) error {
	select {
	case <-f.done:
		return f.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startCopies begins writing the files of the two tables into work; log
// gets the time of each COPY.
func (q *querier) startCopies(work string, log io.Writer) *tableCopies {
	c := &tableCopies{
		domains:  &copyFile{path: filepath.Join(work, "domains.parquet"), done: make(chan struct{})},
		deps:     &copyFile{path: filepath.Join(work, "dependencies.parquet"), done: make(chan struct{})},
		finished: make(chan struct{}),
	}
	go func() {
		defer close(c.finished)
		for _, f := range []struct {
			f     *copyFile
			query string
		}{{c.domains, domainsQuery}, {c.deps, dependenciesQuery}} {
			t := time.Now()
			f.f.err = q.copyTo(f.f.path, f.query)
			logf(log, "duckdb: %.1f s: COPY %s\n", time.Since(t).Seconds(), filepath.Base(f.f.path))
			close(f.f.done)
		}
	}()
	return c
}

// wait waits until both COPY statements are over (the connection free).
func (c *tableCopies) wait() { <-c.finished }
