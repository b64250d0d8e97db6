package reports

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"

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
	// SiteCountriesFile has the concentration of every layer per country
	// of the sites (the list's country column); countries.csv is about
	// the countries of the servers.
	SiteCountriesFile = "site_countries.csv"
)

// WriteAll writes every output file in dir, creating it if needed:
// domains.csv, dependencies.csv, providers.csv, metrics.csv,
// site_countries.csv, run.json and report.html. Each file is written to a temporary file in dir and renamed
// into place, so a reader never sees half a file and a failed run leaves
// the previous file of that name intact. The files are written
// concurrently (they only read their inputs); the first error is
// returned. run may be nil; its SchemaVersion, Statuses and Metrics are
// filled from sum when empty (run itself is not modified).
func WriteAll(dir string, run *Run, results []classify.Result, sum *metrics.Summary) error {
	return writeAll(dir, run, results, sum, true, nil)
}

// WriteDependencyFile writes dependencies.csv in dir, atomically, as
// WriteAll does: an engine can begin it, since it needs nothing but the
// results, before their figures are computed, and then write the other
// files with WriteRest.
func WriteDependencyFile(dir string, results []classify.Result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	sorted := sortedResults(results)
	return atomicfile.Write(filepath.Join(dir, DependenciesFile), func(w io.Writer) error { return writeDependencyResults(w, sorted) })
}

// WriteRest writes every file of WriteAll but dependencies.csv
// (WriteDependencyFile). doms, when not nil, are the parts of report.html
// on the domains, gathered from results already (NewHTMLDomains).
func WriteRest(dir string, run *Run, results []classify.Result, sum *metrics.Summary, doms *HTMLDomains) error {
	return writeAll(dir, run, results, sum, false, doms)
}

func writeAll(dir string, run *Run, results []classify.Result, sum *metrics.Summary, deps bool, doms *HTMLDomains) error {
	if sum == nil {
		return errors.New("write reports: no metrics summary")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	run = complete(run, sum)
	sorted := sortedResults(results) // once for both files
	type file struct {
		name  string
		write func(io.Writer) error
	}
	// report.html first: it takes longest, on one goroutine.
	files := []file{
		{HTMLFile, func(w io.Writer) error {
			if doms != nil {
				return WriteHTMLDomains(w, run, doms, sum)
			}
			return WriteHTML(w, run, results, sum)
		}},
		{DomainsFile, func(w io.Writer) error { return writeDomainResults(w, sorted, run.Graph, run.SiteCountries) }},
		{ProvidersFile, func(w io.Writer) error { return WriteProviders(w, sum) }},
		{MetricsFile, func(w io.Writer) error { return WriteMetrics(w, sum) }},
		{SiteCountriesFile, func(w io.Writer) error { return WriteSiteCountries(w, sum) }},
		{RunFile, func(w io.Writer) error { return WriteRun(w, run) }},
	}
	if deps {
		files = slices.Insert(files, 1, file{DependenciesFile, func(w io.Writer) error { return writeDependencyResults(w, sorted) }})
	}
	var g errgroup.Group
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, f := range files {
		g.Go(func() error { return atomicfile.Write(filepath.Join(dir, f.name), f.write) })
	}
	return g.Wait()
}

// OutputFiles returns the name of every file that analyze may write in
// its output directory: those of WriteAll, WriteGraph and WriteParquet,
// with RunFile last. WriteSet removes the ones a run did not write, so
// that a folder never holds files of two runs.
func OutputFiles() []string {
	return []string{
		DomainsFile, DependenciesFile, ProvidersFile, MetricsFile, SiteCountriesFile, HTMLFile,
		BlastFile, SPOFFile, CoDependencyFile, ProviderEdgesFile, RegionsFile, ASNsFile, CountriesFile,
		DomainsParquet, DependenciesParquet, ProvidersParquet, MetricsParquet, SiteCountriesParquet,
		RunFile,
	}
}

// stagePrefix begins the name of the temporary directory of WriteSet.
const stagePrefix = ".chokepoint-tmp-"

// WriteSet writes one run's output files into dir as a whole: either all
// of them replace those of the previous run, or none does. write is
// called with a new temporary directory inside dir and writes the files
// there, named as OutputFiles names them. When write fails (a full disk),
// the temporary directory is removed and dir is left exactly as it was.
// When it succeeds, the files are moved into dir: first the old RunFile is
// removed, then every file but RunFile is renamed into place (each rename
// is atomic), the outputs of the previous run that this one did not write
// (Parquet files of a run with --format parquet) are removed, and RunFile
// is renamed last. So a folder with a run.json holds the complete outputs
// of the run it describes and nothing of another run; a crash during the
// moves leaves no run.json. Files of dir that are not outputs (the
// observations and crawl.json that crawl wrote there, the simulated
// internet of demo) are never touched.
func WriteSet(dir string, write func(tmp string) error) (err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, stagePrefix)
	if err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(tmp); rerr != nil && err == nil {
			err = fmt.Errorf("write reports: remove temporary directory: %w", rerr)
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("%w (the reports in %s are left as they were)", err, dir)
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("write reports: %w", err)
	}
	outputs := OutputFiles()
	written := make(map[string]bool, len(entries))
	for _, e := range entries {
		if !e.Type().IsRegular() || !slices.Contains(outputs, e.Name()) {
			return fmt.Errorf("write reports: %s is not an output file (the reports in %s are left as they were)", e.Name(), dir)
		}
		written[e.Name()] = true
	}
	incomplete := func(err error) error {
		return fmt.Errorf("write reports: %w (the reports in %s are incomplete and have no %s: run again)", err, dir, RunFile)
	}
	if err := os.Remove(filepath.Join(dir, RunFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("write reports: %w (the reports in %s are left as they were)", err, dir)
	}
	for _, name := range outputs {
		switch {
		case name == RunFile:
		case written[name]:
			if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
				return incomplete(err)
			}
		default:
			if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return incomplete(err)
			}
		}
	}
	if written[RunFile] {
		if err := os.Rename(filepath.Join(tmp, RunFile), filepath.Join(dir, RunFile)); err != nil {
			return incomplete(err)
		}
	}
	return nil
}
