package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// RowSource streams the rows of one table, in the order of its file,
// until yield returns false; it returns what stopped it early otherwise.
type RowSource[T any] func(yield func(T) bool) error

// WriteTables writes the files of WriteAll for an engine that holds no
// classification results in memory (pipeline.DuckDBEngine): domains.csv
// and dependencies.csv from row streams already in report order,
// providers.csv, metrics.csv, site_countries.csv and run.json from sum
// and run, and report.html with its parts on the list's domains from doms
// (WriteHTMLDomains).
func WriteTables(dir string, run *Run, sum *metrics.Summary, doms *HTMLDomains, domains RowSource[DomainRow], deps RowSource[DependencyRow]) error {
	if sum == nil {
		return errors.New("write reports: no metrics summary")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	run = complete(run, sum)
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{DomainsFile, func(w io.Writer) error { return writeSource(w, domains) }},
		{DependenciesFile, func(w io.Writer) error { return writeSource(w, deps) }},
		{ProvidersFile, func(w io.Writer) error { return WriteProviders(w, sum) }},
		{MetricsFile, func(w io.Writer) error { return WriteMetrics(w, sum) }},
		{SiteCountriesFile, func(w io.Writer) error { return WriteSiteCountries(w, sum) }},
		{RunFile, func(w io.Writer) error { return WriteRun(w, run) }},
		{HTMLFile, func(w io.Writer) error { return WriteHTMLDomains(w, run, doms, sum) }},
	}
	// One after the other: the sources may share one database connection.
	for _, f := range files {
		if err := atomicfile.Write(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

// WriteRows writes the rows of src as CSV, streaming, as WriteTables
// writes domains.csv and dependencies.csv.
func WriteRows[T any](w io.Writer, src RowSource[T]) error { return writeSource(w, src) }

// writeSource writes the rows of src as CSV, streaming.
func writeSource[T any](w io.Writer, src RowSource[T]) error {
	var srcErr error
	err := writeCSV(w, func(yield func(T) bool) { srcErr = src(yield) })
	return errors.Join(srcErr, err)
}
