package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// Table formats of Options.Formats.
const (
	FormatCSV     = "csv"
	FormatParquet = "parquet"
)

// Input formats of Options.InputFormat.
const (
	InputChokepoint = "chokepoint" // observations.jsonl written by crawl
	InputZDNS       = "zdns"       // zmap/zdns JSON lines
)

// BlastReportRows is the number of providers whose blast radius run.json
// and report.html show; BlastSummaryRows the number in the blast-radius
// table of the terminal summary.
const (
	BlastReportRows  = 20
	BlastSummaryRows = 10
)

// Options are the inputs and settings of one analysis. The zero value of
// each field is a valid choice except Inputs (at least one) and Out.
type Options struct {
	// Inputs are the observation files, read in this order: a domain seen
	// twice is kept from the first file that has it.
	Inputs []string
	// InputFormat is the format of every input: InputChokepoint (also
	// "") or InputZDNS.
	InputFormat string
	// Out is the output directory. Its previous run's files are replaced
	// as a whole, and only when every file has been written.
	Out string
	// List is the domain list that was crawled, read for its country
	// column (the country of each site); "" for none. ListFormat is its
	// format (detected when empty). ListQuiet: its bad lines are not
	// reported again (the crawl of the same run reported them).
	List       string
	ListFormat domains.Format
	ListQuiet  bool

	// Catalog is a catalog file or folder; "" for the embedded one.
	Catalog string
	// DataDir is the reference data directory kept by "chokepoint data"
	// ("" for none). Its ASN and country databases are used unless ASNDB
	// or CountryDB name others.
	DataDir string
	// ASNDB and CountryDB are MaxMind DB files ("" for none).
	ASNDB, CountryDB string
	// ASNTables are prefix-to-AS tables (pfx2as, iptoasn, asnames).
	ASNTables []string

	// Bootstrap is the number of bootstrap replicates for the intervals
	// of the HHI and the top shares (0: none), seeded by BootstrapSeed.
	Bootstrap     int
	BootstrapSeed uint64
	// Formats are the table formats written: FormatCSV always,
	// FormatParquet on request.
	Formats []string

	// Crawl is the manifest of the crawl when the caller has it;
	// otherwise the crawl.json beside the first input is read when
	// present.
	Crawl *dnscrawl.Manifest
	// ToolVersion is written to run.json.
	ToolVersion string
	// Engine computes the analysis; nil is the Go engine (GoEngine).
	Engine Engine

	// Summary, when not nil, receives the summary tables (figures and the
	// largest blast radii) once the outputs are written.
	Summary io.Writer
	// Log receives notes and the input lines that are skipped, with
	// their numbers; nil discards them.
	Log io.Writer

	// BeforeWrite, when set, is called with the temporary directory the
	// outputs are written to, before they are written; an error stops
	// the run there, leaving the previous outputs. Tests use it to make a
	// write fail midway.
	BeforeWrite func(tmp string) error
}

// Check rejects option values that make no sense, as ErrInput errors,
// before any work is done.
func (o *Options) Check() error {
	for _, f := range o.Formats {
		if f != FormatCSV && f != FormatParquet {
			return inputf("--format %q: want csv or parquet", f)
		}
	}
	if o.Bootstrap < 0 {
		return inputf("--bootstrap %d: want a number of replicates, 0 or more (0 disables the intervals)", o.Bootstrap)
	}
	switch o.InputFormat {
	case "", InputChokepoint, InputZDNS:
	default:
		return inputf("--input-format %q: want chokepoint or zdns", o.InputFormat)
	}
	if len(o.Inputs) == 0 {
		return inputf("no input: give at least one observation file")
	}
	return nil
}

// Parquet reports whether Parquet tables are asked for.
func (o *Options) Parquet() bool { return slices.Contains(o.Formats, FormatParquet) }

// Summary is what a run produced, for a caller that goes on with it (the
// files are in Options.Out).
type Summary struct {
	// Engine is the name of the engine that computed the run.
	Engine string
	// Domains is the number of domains analysed (one row each in
	// domains.csv); SkippedLines the input lines that could not be read.
	Domains      int
	SkippedLines int
	// Run is what run.json holds: provenance, counts, names, the largest
	// blast radii.
	Run *reports.Run
	// Metrics are the concentration figures of every layer.
	Metrics *metrics.Summary
	// Graph holds the blast radius of every element, the single points
	// of failure and the provider graph's edges.
	Graph *reports.GraphReport
}

// Engine computes an analysis: it reads the observations of a Job,
// classifies every domain, computes the figures and writes the tables
// into the staging folder it is given. Run does what is common to all
// engines around it: it checks the options, loads the catalog and the
// reference data, moves the staged files into place as a whole and
// prints the summary.
//
// The contract every engine keeps: the same files with the same columns,
// row order and figures as the Go engine (GoEngine), which is the
// reference; every input line accounted for (a domain seen twice kept
// once, from the first input that has it; a bad line counted in
// run.json with its file and line); ErrInput for inputs that cannot be
// used.
type Engine interface {
	// Name names the engine, as in --engine.
	Name() string
	// Analyze reads j's inputs and computes the run; Write then writes
	// its tables into a staging folder. Analyze may keep state for
	// Write in the Analysis it returns.
	Analyze(ctx context.Context, j *Job) (Analysis, error)
}

// Analysis is a computed run that has not been written yet.
type Analysis interface {
	// Summary is the run's figures (Run, Metrics and Graph set).
	Summary() Summary
	// Write writes every table of the run (and run.json and report.html)
	// into dir, which is empty; Run moves its files into place.
	Write(ctx context.Context, dir string) error
}

// Job is what Run hands an engine: the checked options and the loaded
// inputs every engine shares.
type Job struct {
	Options
	// Catalog is the provider catalog.
	Catalog *catalog.Catalog
	// Ref is the reference data: ranges, ASN table, the data directory's
	// manifest.
	Ref *refdata.Data
	// DB answers the AS and country of an address (with Ref's ASN table
	// when there is one). It is closed by Run.
	DB *refdata.DB
	// RefFiles are the reference files used, for run.json.
	RefFiles []reports.RefFile
}

// ErrInput marks an error caused by the options or the inputs of a run
// (a missing file, a bad option value, a file without one readable
// observation), as opposed to an operational failure such as an output
// that cannot be written. The command line exits with status 2 for it.
var ErrInput = errors.New("unusable input")

// inputError is an error with ErrInput's meaning and its own text.
type inputError struct{ err error }

func (e inputError) Error() string        { return e.err.Error() }
func (e inputError) Unwrap() error        { return e.err }
func (e inputError) Is(target error) bool { return target == ErrInput }

func inputf(format string, a ...any) error { return inputError{fmt.Errorf(format, a...)} }

// Run analyses the inputs of o with its engine and writes every output to
// o.Out: the CSV files (and Parquet on request), run.json and
// report.html. Bad input lines are reported on o.Log and counted; they do
// not stop the run.
func Run(ctx context.Context, o Options) (Summary, error) {
	j, err := Prepare(o)
	if err != nil {
		return Summary{}, err
	}
	defer j.DB.Close()
	eng := j.Engine
	if eng == nil {
		eng = GoEngine{}
	}
	an, err := eng.Analyze(ctx, j)
	if err != nil {
		return Summary{}, err
	}
	// All outputs go to a temporary folder first and replace the
	// previous run's as a whole: a full disk leaves the previous set.
	err = reports.WriteSet(j.Out, func(tmp string) error {
		if j.BeforeWrite != nil {
			if err := j.BeforeWrite(tmp); err != nil {
				return err
			}
		}
		return an.Write(ctx, tmp)
	})
	// After Write, which an engine may begin while it computes the
	// figures (GoEngine); waited for on an error too, so that nothing of
	// the run goes on after Run returns.
	sum := an.Summary()
	sum.Engine = eng.Name()
	if err != nil {
		return Summary{}, err
	}
	if j.Summary != nil {
		if err := reports.WriteSummary(j.Summary, sum.Run, sum.Metrics); err != nil {
			return Summary{}, err
		}
		if err := reports.WriteBlastSummary(j.Summary, sum.Graph, BlastSummaryRows, sum.Run.Names); err != nil {
			return Summary{}, err
		}
	}
	if w := reports.DataMissing(sum.Metrics); w != nil {
		logf(j.Log, "chokepoint: %s\n", w.Message)
	}
	logf(j.Log, "analyze: %d domains, reports in %s\n", sum.Domains, j.Out)
	return sum, nil
}

// Prepare checks o and loads what every engine shares: the catalog, the
// reference data and databases, the crawl manifest. The caller closes
// the Job's DB.
func Prepare(o Options) (*Job, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	cat, err := LoadCatalog(o.Catalog)
	if err != nil {
		return nil, err
	}
	ref, err := o.LoadRefData(o.Log)
	if err != nil {
		return nil, err
	}
	db, err := refdata.Open(o.ASNDB, o.CountryDB)
	if err != nil {
		return nil, err
	}
	if ref.ASNTable != nil {
		db.WithASNTable(ref.ASNTable)
	}
	if !db.HasASN() {
		fmt.Fprintln(o.Log, "chokepoint: no --asn-db given: addresses are not attributed, hosting and some CDN dependencies will be unattributed")
	}
	if o.Crawl == nil {
		if m, err := dnscrawl.ReadManifest(filepath.Join(filepath.Dir(o.Inputs[0]), dnscrawl.ManifestName)); err == nil {
			o.Crawl = m
		} else if !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(o.Log, "chokepoint: ignoring crawl manifest: %v\n", err)
		}
	}
	j := &Job{Options: o, Catalog: cat, Ref: ref, DB: db}
	for _, p := range []struct{ name, path string }{{"ASN database", o.ASNDB}, {"country database", o.CountryDB}} {
		if p.path == "" {
			continue
		}
		rf, err := refFile(p.name, p.path)
		if err != nil {
			db.Close()
			return nil, err
		}
		j.RefFiles = append(j.RefFiles, rf)
	}
	j.RefFiles = append(j.RefFiles, rangeRefFiles(o.DataDir, ref)...)
	return j, nil
}

// CheckInputs opens every input that Run with o will read, with the
// loaders Run uses: the option values, the catalog, the reference data
// directory and ASN tables, and the ASN and country databases (those of
// DataDir included). It keeps nothing open and reads no observation:
// "run" calls it before crawling, so that a bad input fails at once
// rather than after hours of crawling.
func CheckInputs(o Options) error {
	if len(o.Inputs) == 0 {
		o.Inputs = []string{"-"} // not read: Check wants one
	}
	if err := o.Check(); err != nil {
		return err
	}
	if _, err := LoadCatalog(o.Catalog); err != nil {
		return err
	}
	// LoadRefData sets the databases of the data directory in o, a copy;
	// its notes (no range data, ...) are printed by the run itself.
	if _, err := o.LoadRefData(io.Discard); err != nil {
		return err
	}
	db, err := refdata.Open(o.ASNDB, o.CountryDB)
	if err != nil {
		return err
	}
	return db.Close()
}

func logf(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format, a...)
	}
}
