package reports

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"path/filepath"

	"github.com/parquet-go/parquet-go"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// The Parquet files WriteParquet writes: the CSV files' rows and columns,
// for lists in the millions.
const (
	DomainsParquet      = "domains.parquet"
	DependenciesParquet = "dependencies.parquet"
	ProvidersParquet    = "providers.parquet"
	MetricsParquet      = "metrics.parquet"
	// SiteCountriesParquet is site_countries.csv's twin: no rows when
	// the list gives no country.
	SiteCountriesParquet = "site_countries.parquet"
)

// WriteParquet writes domains, dependencies, providers, metrics and the
// figures per country of the sites as Parquet files in dir, with the same columns and row order as the CSV
// files. Values are written as they are: the formula neutralising of the
// CSV files is for spreadsheets, which do not open Parquet.
//
// gr gives domains' spof_providers column and countries its country
// column; either may be nil.
func WriteParquet(dir string, results []classify.Result, sum *metrics.Summary, gr *GraphReport, countries map[string]string) error {
	return WriteParquetTables(dir, sum, seqSource(DomainRows(results, gr, countries)), seqSource(DependencyRows(results)))
}

// WriteParquetTables writes the files of WriteParquet for an engine that
// holds no classification results in memory (pipeline.DuckDBEngine):
// domains.parquet and dependencies.parquet from the rows domains and deps
// yield in report order, streaming, the others from sum.
func WriteParquetTables(dir string, sum *metrics.Summary, domains RowSource[DomainRow], deps RowSource[DependencyRow]) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{DomainsParquet, func(w io.Writer) error { return writeParquetSource(w, domains) }},
		{DependenciesParquet, func(w io.Writer) error { return writeParquetSource(w, deps) }},
		{ProvidersParquet, func(w io.Writer) error { return writeParquet(w, ProviderRows(sum)) }},
		{MetricsParquet, func(w io.Writer) error { return writeParquet(w, MetricsRows(sum)) }},
		{SiteCountriesParquet, func(w io.Writer) error { return writeParquet(w, SiteCountryRows(sum)) }},
	}
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

// seqSource is rows as a RowSource that never fails.
func seqSource[T any](rows iter.Seq[T]) RowSource[T] {
	return func(yield func(T) bool) error {
		rows(yield)
		return nil
	}
}

// writeParquetSource writes the rows of src as one Parquet file,
// streaming.
func writeParquetSource[T any](w io.Writer, src RowSource[T]) error {
	var srcErr error
	err := writeParquet(w, func(yield func(T) bool) { srcErr = src(yield) })
	return errors.Join(srcErr, err)
}

// batchSize is the number of rows handed to the Parquet writer at a
// time.
const batchSize = 1024

// writeParquet streams rows into one Parquet file, in batches, so a large
// file is never held in memory as Go values.
func writeParquet[T any](w io.Writer, rows iter.Seq[T]) error {
	pw := parquet.NewGenericWriter[T](w)
	batch := make([]T, 0, batchSize)
	flush := func() error {
		if _, err := pw.Write(batch); err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
		batch = batch[:0]
		return nil
	}
	for r := range rows {
		batch = append(batch, r)
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(batch) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}
