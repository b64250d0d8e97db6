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
	"time"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/reports"
)

type analyzeOptions struct {
	Inputs    []string
	Out       string
	ASNDB     string
	CountryDB string
	Catalog   string
	// Quiet suppresses the summary table on stdout.
	Quiet bool
	// Formats are the table formats written: csv always, parquet on
	// request.
	Formats []string
}

func addAnalyzeFlags(cmd *cobra.Command, o *analyzeOptions) {
	f := cmd.Flags()
	f.StringVar(&o.ASNDB, "asn-db", o.ASNDB, "ASN database in MaxMind DB format (GeoLite2-ASN or DB-IP ASN lite)")
	f.StringVar(&o.CountryDB, "country-db", o.CountryDB, "country database in MaxMind DB format (GeoLite2-Country or DB-IP country lite)")
	f.StringVar(&o.Catalog, "catalog", o.Catalog, "provider catalog JSON file to use instead of the built-in one")
	f.BoolVarP(&o.Quiet, "quiet", "q", o.Quiet, "do not print the summary table")
	f.StringSliceVar(&o.Formats, "format", []string{"csv"}, "table formats: csv (always written) and parquet (adds domains.parquet, dependencies.parquet, providers.parquet, metrics.parquet)")
}

func newAnalyzeCmd(stdout, stderr io.Writer) *cobra.Command {
	o := analyzeOptions{Out: "."}
	cmd := &cobra.Command{
		Use:   "analyze OBSERVATIONS.jsonl...",
		Short: "Classify observations and write the CSV files, run.json and report.html",
		Long: `analyze reads one or more observation files written by "chokepoint crawl"
(for example the outputs of several shards), classifies every domain with
the provider catalog and the reference data, computes the metrics and
writes domains.csv, dependencies.csv, providers.csv, metrics.csv, run.json
and report.html to --out.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Inputs = args
			return runAnalyze(cmd.Context(), o, nil, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&o.Out, "out", "o", o.Out, "output directory")
	addAnalyzeFlags(cmd, &o)
	return cmd
}

// runAnalyze classifies the observation files and writes the reports.
// crawl is the manifest of the crawl when the caller has it; otherwise the
// crawl.json beside the first input is used when present.
func runAnalyze(ctx context.Context, o analyzeOptions, crawl *dnscrawl.Manifest, stdout, stderr io.Writer) error {
	start := time.Now().UTC()
	parquet := false
	for _, f := range o.Formats {
		switch f {
		case "csv":
		case "parquet":
			parquet = true
		default:
			return usagef("--format %q: want csv or parquet", f)
		}
	}
	cat, err := loadCatalog(o.Catalog)
	if err != nil {
		return err
	}
	db, err := refdata.Open(o.ASNDB, o.CountryDB)
	if err != nil {
		return err
	}
	defer db.Close()
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

	cl := classify.New(cat, db)
	var results []classify.Result
	seen := make(map[string]bool)
	for _, path := range o.Inputs {
		if err := readObservations(ctx, path, stderr, func(ob *dnscrawl.Observation) {
			if seen[ob.Domain] {
				fmt.Fprintf(stderr, "chokepoint: %s: domain %s already read, keeping the first\n", path, ob.Domain)
				return
			}
			seen[ob.Domain] = true
			results = append(results, cl.Classify(ob))
		}); err != nil {
			return err
		}
	}
	if len(results) == 0 {
		return usagef("no observation in %v", o.Inputs)
	}

	sum := metrics.Compute(results, metrics.Options{})
	run := &reports.Run{
		ToolVersion:    version,
		StartedAt:      start,
		CatalogVersion: cat.Version,
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
	run.FinishedAt = time.Now().UTC()
	if err := reports.WriteAll(o.Out, run, results, sum); err != nil {
		return err
	}
	if parquet {
		if err := reports.WriteParquet(o.Out, results, sum); err != nil {
			return err
		}
	}
	if !o.Quiet {
		if err := reports.WriteSummary(stdout, run, sum); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "analyze: %d domains, reports in %s\n", len(results), o.Out)
	return nil
}

func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		return catalog.Default()
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("read catalog: %w", err)
	}
	c, err := catalog.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

// readObservations decodes an observations file, reporting bad lines with
// their numbers and going on.
func readObservations(ctx context.Context, path string, stderr io.Writer, fn func(*dnscrawl.Observation)) error {
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
			fmt.Fprintf(stderr, "chokepoint: %s:%v (skipped)\n", path, le)
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
