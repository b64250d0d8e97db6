package main

import (
	"context"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/pipeline"
)

type analyzeOptions struct {
	Inputs    []string
	Out       string
	ASNDB     string
	CountryDB string
	Catalog   string
	// DataDir is the reference data directory ("chokepoint data"); empty
	// means none. ASNTables are prefix-to-AS tables (pfx2as, iptoasn,
	// asnames).
	DataDir   string
	ASNTables []string
	// Quiet suppresses the summary table on stdout.
	Quiet bool
	// Bootstrap is the number of bootstrap replicates for the intervals
	// of the HHI and the top shares (0: none), seeded by BootstrapSeed.
	Bootstrap     int
	BootstrapSeed uint64
	// Formats are the table formats written: csv always, parquet on
	// request.
	Formats []string
	// InputFormat is the format of the inputs: "chokepoint" (observations
	// written by crawl) or "zdns" (zmap/zdns JSON lines).
	InputFormat string
	// List is the domain list that was crawled, read for its country
	// column (the country of each site); empty for none. ListFormat is
	// its format (auto-detected when empty).
	List       string
	ListFormat domains.Format
	// listQuiet: the crawl read the list and reported its bad lines
	// already (run).
	listQuiet bool

	// Engine is the engine of --engine: "go" (also "") or "duckdb", with
	// DuckDB's memory limit, spill folder and threads.
	Engine      string
	DuckMemory  string
	DuckTemp    string
	DuckThreads int

	// beforeWrite, when set, is called with the temporary directory the
	// outputs are written to, before they are written; an error stops
	// the run there. Tests use it to make a write fail midway.
	beforeWrite func(tmp string) error
}

// pipelineOptions returns the options of pipeline.Run that o stands for, with
// the command's standard output and error.
func (o *analyzeOptions) pipelineOptions(crawl *dnscrawl.Manifest, stdout, stderr io.Writer) pipeline.Options {
	p := pipeline.Options{
		Inputs: o.Inputs, InputFormat: o.InputFormat, Out: o.Out,
		List: o.List, ListFormat: o.ListFormat, ListQuiet: o.listQuiet,
		Catalog: o.Catalog, DataDir: o.DataDir, ASNDB: o.ASNDB, CountryDB: o.CountryDB, ASNTables: o.ASNTables,
		Bootstrap: o.Bootstrap, BootstrapSeed: o.BootstrapSeed, Formats: o.Formats,
		Crawl: crawl, ToolVersion: version, Log: stderr, BeforeWrite: o.beforeWrite,
	}
	if !o.Quiet {
		p.Summary = stdout
	}
	if o.Engine == "duckdb" {
		p.Engine = pipeline.DuckDBEngine{MemoryLimit: o.DuckMemory, TempDir: o.DuckTemp, Threads: o.DuckThreads}
	}
	return p
}

func addAnalyzeFlags(cmd *cobra.Command, o *analyzeOptions) {
	f := cmd.Flags()
	f.StringVar(&o.ASNDB, "asn-db", o.ASNDB, "ASN database in MaxMind DB format (GeoLite2-ASN or DB-IP ASN lite)")
	f.StringVar(&o.CountryDB, "country-db", o.CountryDB, "country database in MaxMind DB format (GeoLite2-Country or DB-IP country lite)")
	f.StringVar(&o.Catalog, "catalog", o.Catalog, "provider catalog to use instead of the built-in one: a JSON file, or a folder with catalog.json and catalog.d/*.json")
	f.StringVar(&o.DataDir, "data-dir", refdata.DefaultDir(), `reference data directory kept by "chokepoint data" ("" for none)`)
	f.StringSliceVar(&o.ASNTables, "asn-table", o.ASNTables, "prefix-to-AS table (CAIDA pfx2as, iptoasn TSV) or asnames file; repeatable")
	f.BoolVarP(&o.Quiet, "quiet", "q", o.Quiet, "do not print the summary table")
	f.IntVar(&o.Bootstrap, "bootstrap", defaultBootstrap, "bootstrap replicates for the 95% intervals of HHI and top shares (0 disables)")
	f.Uint64Var(&o.BootstrapSeed, "bootstrap-seed", 1, "seed of the bootstrap (same seed, same intervals)")
	f.StringSliceVar(&o.Formats, "format", []string{"csv"}, "table formats: csv (always written) and parquet (adds domains.parquet, dependencies.parquet, providers.parquet, metrics.parquet, site_countries.parquet)")
	f.StringVar(&o.List, "list", o.List, "the crawled domain list, read for its country column: the country of each site, for site_countries.csv and the report (run passes its list)")
}

func newAnalyzeCmd(stdout, stderr io.Writer) *cobra.Command {
	o := analyzeOptions{Out: "."}
	cmd := &cobra.Command{
		Use:   "analyze OBSERVATIONS.jsonl...",
		Short: "Classify observations and write the CSV files, run.json and report.html",
		Long: `analyze reads one or more observation files written by "chokepoint crawl"
(for example the outputs of several shards), classifies every domain with
the provider catalog and the reference data, computes the metrics and
the blast radius of every provider, region, AS and country, and writes
domains.csv, dependencies.csv, providers.csv, metrics.csv, blast.csv,
spof.csv, codependency.csv, provider_edges.csv, regions.csv, asns.csv,
countries.csv, run.json and report.html to --out.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Inputs = args
			defer startProfile("analyze", stderr)()
			return runAnalyze(cmd.Context(), o, nil, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&o.Out, "out", "o", o.Out, "output directory")
	cmd.Flags().StringVar(&o.InputFormat, "input-format", "chokepoint", "format of the inputs: chokepoint (observations.jsonl) or zdns (zmap/zdns JSON lines)")
	cmd.Flags().StringVar(&o.Engine, "engine", "go", `analysis engine: go (in memory), or duckdb (SQL on embedded DuckDB, out of core; its input is observation files or one folder of "chokepoint classify" tables; needs a build with -tags duckdb)`)
	cmd.Flags().StringVar(&o.DuckMemory, "duckdb-memory", "", `DuckDB's memory limit ("2GB"; default: DuckDB's, 80% of the memory)`)
	cmd.Flags().StringVar(&o.DuckTemp, "duckdb-temp", "", "folder where DuckDB spills what does not fit in its memory limit (default: a temporary folder)")
	cmd.Flags().IntVar(&o.DuckThreads, "duckdb-threads", 0, "DuckDB's threads (default: one per core)")
	addAnalyzeFlags(cmd, &o)
	return cmd
}

// runAnalyze classifies the observation files and writes the reports
// (pipeline.Run). crawl is the manifest of the crawl when the caller has
// it; otherwise the crawl.json beside the first input is used when
// present.
func runAnalyze(ctx context.Context, o analyzeOptions, crawl *dnscrawl.Manifest, stdout, stderr io.Writer) error {
	if o.Engine != "" && o.Engine != "go" && o.Engine != "duckdb" {
		return usagef("--engine %q: want go or duckdb", o.Engine)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(pipeline.MemoryLimit(o.Inputs)))
	}
	_, err := pipeline.Run(ctx, o.pipelineOptions(crawl, stdout, stderr))
	return err
}

// loadCatalog reads the catalog of --catalog ("" for the embedded one).
func loadCatalog(path string) (*catalog.Catalog, error) { return pipeline.LoadCatalog(path) }

// loadRefData reads the data directory and the ASN tables of o, and sets
// the databases of the data directory in o unless --asn-db or
// --country-db name others (pipeline.Options.LoadRefData).
func loadRefData(o *analyzeOptions, stderr io.Writer) (*refdata.Data, error) {
	p := o.pipelineOptions(nil, nil, stderr)
	ref, err := p.LoadRefData(stderr)
	o.ASNDB, o.CountryDB = p.ASNDB, p.CountryDB
	return ref, err
}

// readInput reads one input of analyze in the given format, calling fn for
// each observation and reporting the lines it cannot read on stderr.
func readInput(ctx context.Context, format, path string, stderr io.Writer, fn func(*dnscrawl.Observation)) error {
	return pipeline.ReadInput(ctx, format, path, stderr, fn)
}
