package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// analyzeMemoryLimit is the soft memory limit of the Go runtime during
// analyze, unless GOMEMLIMIT sets another. A million domains hold about
// 1.4 GB of live classification results; with the default GOGC the heap
// may grow to twice its live size before a collection, so the limit makes
// the collector run earlier instead of letting the process pass 4 GB (the
// budget of issue 5). It is soft: a larger list goes past it, with more
// frequent collections.
const analyzeMemoryLimit = 7 << 29 // 3.5 GiB

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

	// beforeWrite, when set, is called with the temporary directory the
	// outputs are written to, before they are written; an error stops
	// the run there. Tests use it to make a write fail midway.
	beforeWrite func(tmp string) error
}

// check rejects option values that make no sense, as usage errors, before
// any work is done. It returns whether Parquet files are asked for.
func (o *analyzeOptions) check() (parquet bool, err error) {
	if err := checkFormats(o.Formats); err != nil {
		return false, err
	}
	parquet = slices.Contains(o.Formats, "parquet")
	if o.Bootstrap < 0 {
		return false, usagef("--bootstrap %d: want a number of replicates, 0 or more (0 disables the intervals)", o.Bootstrap)
	}
	return parquet, nil
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
	f.StringSliceVar(&o.Formats, "format", []string{"csv"}, "table formats: csv (always written) and parquet (adds domains.parquet, dependencies.parquet, providers.parquet, metrics.parquet)")
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
			return runAnalyze(cmd.Context(), o, nil, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&o.Out, "out", "o", o.Out, "output directory")
	cmd.Flags().StringVar(&o.InputFormat, "input-format", "chokepoint", "format of the inputs: chokepoint (observations.jsonl) or zdns (zmap/zdns JSON lines)")
	addAnalyzeFlags(cmd, &o)
	return cmd
}

// runAnalyze classifies the observation files and writes the reports.
// crawl is the manifest of the crawl when the caller has it; otherwise the
// crawl.json beside the first input is used when present.
func runAnalyze(ctx context.Context, o analyzeOptions, crawl *dnscrawl.Manifest, stdout, stderr io.Writer) error {
	start := time.Now().UTC()
	if os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(analyzeMemoryLimit))
	}
	parquet, err := o.check()
	if err != nil {
		return err
	}
	cat, err := loadCatalog(o.Catalog)
	if err != nil {
		return err
	}
	ref, err := loadRefData(&o, stderr)
	if err != nil {
		return err
	}
	db, err := refdata.Open(o.ASNDB, o.CountryDB)
	if err != nil {
		return err
	}
	defer db.Close()
	if ref.ASNTable != nil {
		db.WithASNTable(ref.ASNTable)
	}
	if !db.HasASN() {
		fmt.Fprintln(stderr, "chokepoint: no --asn-db given: addresses are not attributed, hosting and some CDN dependencies will be unattributed")
	}
	if crawl == nil {
		if m, err := dnscrawl.ReadManifest(filepath.Join(filepath.Dir(o.Inputs[0]), dnscrawl.ManifestName)); err == nil {
			crawl = m
		} else if !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "chokepoint: ignoring crawl manifest: %v\n", err)
		}
	}

	var countries map[string]string
	if o.List != "" {
		w := stderr
		if o.listQuiet {
			w = io.Discard
		}
		if countries, err = readSiteCountries(ctx, o.List, o.ListFormat, w); err != nil {
			return err
		}
	}

	cl := classify.New(cat, db).WithRanges(ref.Ranges)
	edges := newEdgeGatherer(cat, cl)
	// The ca layer of a resolved domain whose crawl ran no TLS probe
	// (--no-probe, observations from before the probes, zdns input) is
	// not measured, never "no CA".
	notMeasured := metrics.NewNotMeasured(catalog.LayerCA)
	var results []classify.Result
	seen := make(map[string]bool)
	files := make([]reports.ObservationFile, len(o.Inputs))
	skipped := 0
	// simulated: an observation says it came from the simulated internet
	// (shards, or a file without its crawl.json, keep the banner).
	simulated := false
	for i, path := range o.Inputs {
		file := &files[i]
		file.Path = path
		keep := func(ob *dnscrawl.Observation, r classify.Result) {
			if seen[ob.Domain] {
				file.Duplicates++
				fmt.Fprintf(stderr, "chokepoint: %s: domain %s already read, keeping the first\n", path, ob.Domain)
				return
			}
			seen[ob.Domain] = true
			simulated = simulated || ob.Simulated
			file.Observations++
			edges.add(ob)
			if ob.Status == dnscrawl.StatusOK && len(ob.TLS) == 0 {
				notMeasured.Mark(&r)
			}
			results = append(results, r)
		}
		printed, done := printSkipped(stderr, path)
		skip := func(le *dnscrawl.LineError) {
			file.Skip(le.Line)
			printed(le)
		}
		var err error
		if o.InputFormat == "" || o.InputFormat == "chokepoint" {
			err = classifyObservations(ctx, path, cl, skip, keep)
		} else {
			err = readInputSkipping(ctx, o.InputFormat, path, skip, func(ob *dnscrawl.Observation) { keep(ob, cl.Classify(ob)) })
		}
		done()
		if err != nil {
			return err
		}
		skipped += file.Skipped
	}
	if len(results) == 0 {
		if skipped > 0 {
			return usagef("no readable observation in %v: %d lines skipped", o.Inputs, skipped)
		}
		return usagef("no observation in %v", o.Inputs)
	}
	classify.Finish(results)

	// In report order once, so that the writers of domains.csv,
	// dependencies.csv and report.html only check it. The figures do not
	// depend on the order of results.
	reports.SortResults(results)

	// The metrics and the graph only read results: compute them side by
	// side.
	var sum *metrics.Summary
	var computed errgroup.Group
	computed.Go(func() error {
		sum = metrics.Compute(results, metrics.Options{Bootstrap: o.Bootstrap, Seed: o.BootstrapSeed, Countries: countries})
		return nil
	})
	gr := reports.NewGraphReport(graph.Build(results, cat, edges.edges()), 0)
	computed.Wait()
	run := &reports.Run{
		ToolVersion:    version,
		StartedAt:      start,
		CatalogVersion: cat.Version,
		Names:          &reports.Names{Catalog: cat, AS: asNames(results, ref.ASNTable, db)},
		SiteCountries:  countries,
	}
	if crawl != nil {
		run.StartedAt = crawl.StartedAt
		run.Input = crawl.Input
		run.Resolvers = crawl.Resolvers
		run.Simulated = crawl.Simulated
		run.Counts = reports.InputCounts{Lines: crawl.Lines, Domains: crawl.Domains, BadLines: crawl.BadLines, Duplicates: crawl.Duplicates}
	} else {
		run.Counts.Domains = len(results)
	}
	run.Simulated = run.Simulated || simulated
	run.Counts.SkippedObservations = skipped
	run.ObservationFiles = files
	if skipped > 0 {
		fmt.Fprintf(stderr, "chokepoint: %d observation lines skipped: their domains have no row (counted in run.json and report.html)\n", skipped)
	}
	for _, p := range []struct{ name, path string }{{"ASN database", o.ASNDB}, {"country database", o.CountryDB}} {
		if p.path == "" {
			continue
		}
		rf, err := refFile(p.name, p.path)
		if err != nil {
			return err
		}
		run.RefData = append(run.RefData, rf)
	}
	run.RefData = append(run.RefData, rangeRefFiles(o.DataDir, ref)...)
	run.FinishedAt = time.Now().UTC()
	run.BlastRadius = reports.TopBlastRows(gr, blastReportRows)
	run.Graph = gr
	// All outputs go to a temporary folder first and replace the
	// previous run's as a whole: a full disk leaves the previous set.
	err = reports.WriteSet(o.Out, func(tmp string) error {
		if o.beforeWrite != nil {
			if err := o.beforeWrite(tmp); err != nil {
				return err
			}
		}
		var written errgroup.Group
		written.Go(func() error { return reports.WriteAll(tmp, run, results, sum) })
		written.Go(func() error { return reports.WriteGraph(tmp, gr) })
		if err := written.Wait(); err != nil {
			return err
		}
		if parquet {
			return reports.WriteParquet(tmp, results, sum, gr, run.SiteCountries)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !o.Quiet {
		if err := reports.WriteSummary(stdout, run, sum); err != nil {
			return err
		}
		if err := reports.WriteBlastSummary(stdout, gr, blastSummaryRows, run.Names); err != nil {
			return err
		}
	}
	if w := reports.DataMissing(sum); w != nil {
		fmt.Fprintf(stderr, "chokepoint: %s\n", w.Message)
	}
	fmt.Fprintf(stderr, "analyze: %d domains, reports in %s\n", len(results), o.Out)
	return nil
}

// asNames returns the name of each AS the results reach: from the ASN
// table's names (asnames) when it has one, else the organisation the ASN
// database gives for an address of the AS (one lookup per AS).
func asNames(results []classify.Result, table *refdata.ASNTable, db *refdata.DB) func(uint32) string {
	orgs := make(map[uint32]string)
	for i := range results {
		for _, a := range results[i].Addrs {
			if a.ASN == 0 {
				continue
			}
			if _, done := orgs[a.ASN]; done {
				continue
			}
			name := table.ASName(a.ASN)
			if name == "" && db != nil {
				if info := db.Lookup(a.Addr); info.ASN == a.ASN {
					name = info.Org
				}
			}
			orgs[a.ASN] = name
		}
	}
	return func(asn uint32) string { return orgs[asn] }
}

func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		return catalog.Default()
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, usagef("read catalog: %w", err)
	}
	var c *catalog.Catalog
	if st.IsDir() {
		// A catalog folder: catalog.json and its catalog.d fragments.
		c, err = catalog.ParseFS(os.DirFS(path))
	} else {
		var b []byte
		if b, err = os.ReadFile(path); err != nil {
			return nil, usagef("read catalog: %w", err)
		}
		c, err = catalog.Parse(b)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

// readObservations decodes an observations file, reporting bad lines on
// stderr with their numbers and going on.
func readObservations(ctx context.Context, path string, stderr io.Writer, fn func(*dnscrawl.Observation)) error {
	skip, done := printSkipped(stderr, path)
	defer done()
	return decodeObservations(ctx, path, skip, fn)
}

// decodeObservations decodes an observations file, passing bad lines to
// skip with their numbers and going on.
func decodeObservations(ctx context.Context, path string, skip func(*dnscrawl.LineError), fn func(*dnscrawl.Observation)) error {
	f, err := os.Open(path)
	if err != nil {
		return usagef("read observations: %w", err)
	}
	defer f.Close()
	dec := dnscrawl.NewDecoder(f)
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ob, err := dec.Next()
		var le *dnscrawl.LineError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &le):
			skip(le)
			continue
		case err != nil:
			return fmt.Errorf("read observations %s: %w", path, err)
		}
		fn(ob)
	}
}

func refFile(name, path string) (reports.RefFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return reports.RefFile{}, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return reports.RefFile{}, fmt.Errorf("%s %s: %w", name, path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return reports.RefFile{}, fmt.Errorf("%s %s: %w", name, path, err)
	}
	return reports.RefFile{Name: name, Path: path, Date: st.ModTime().UTC(), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// loadRefData reads the data directory and the ASN tables of o. The
// databases of the data directory are used unless --asn-db or
// --country-db name others; a missing data directory is not an error.
func loadRefData(o *analyzeOptions, stderr io.Writer) (*refdata.Data, error) {
	ref := &refdata.Data{Ranges: &refdata.Ranges{}}
	if o.DataDir != "" {
		d, err := refdata.Load(o.DataDir)
		if err != nil {
			return nil, err
		}
		ref = d
		if o.ASNDB == "" {
			o.ASNDB = d.ASNDB
		}
		if o.CountryDB == "" {
			o.CountryDB = d.CountryDB
		}
	}
	if len(o.ASNTables) > 0 {
		t, err := refdata.LoadASNTable(o.ASNTables...)
		if err != nil {
			return nil, err
		}
		ref.ASNTable = t
	}
	if ref.Ranges.Len() == 0 {
		fmt.Fprintln(stderr, `chokepoint: no provider range data loaded (run "chokepoint data update"): no ip_range evidence, no cloud regions`)
	}
	return ref, nil
}
