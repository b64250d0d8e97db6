package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// The files WriteAll writes in its directory.
const (
	DomainsFile      = "domains.csv"
	DependenciesFile = "dependencies.csv"
	ProvidersFile    = "providers.csv"
	MetricsFile      = "metrics.csv"
	RunFile          = "run.json"
	HTMLFile         = "report.html"
)

// WriteAll writes every output file in dir, creating it if needed:
// domains.csv, dependencies.csv, providers.csv, metrics.csv, run.json and
// report.html. Each file is written to a temporary file in dir and renamed
// into place, so a reader never sees half a file and a failed run leaves
// the previous file of that name intact. The files are written
// concurrently (they only read their inputs); the first error is
// returned. run may be nil; its SchemaVersion, Statuses and Metrics are
// filled from sum when empty (run itself is not modified).
func WriteAll(dir string, run *Run, results []classify.Result, sum *metrics.Summary) error {
	if sum == nil {
		return errors.New("write reports: no metrics summary")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	run = complete(run, sum)
	sorted := sortedResults(results) // once for both files
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{DomainsFile, func(w io.Writer) error { return writeCSV(w, domainRows(sorted, run.Graph)) }},
		{DependenciesFile, func(w io.Writer) error { return writeCSV(w, dependencyRows(sorted)) }},
		{ProvidersFile, func(w io.Writer) error { return WriteProviders(w, sum) }},
		{MetricsFile, func(w io.Writer) error { return WriteMetrics(w, sum) }},
		{RunFile, func(w io.Writer) error { return WriteRun(w, run) }},
		{HTMLFile, func(w io.Writer) error { return WriteHTML(w, run, results, sum) }},
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, f := range files {
		g.Go(func() error { return atomicfile.Write(filepath.Join(dir, f.name), f.write) })
	}
	return g.Wait()
}
