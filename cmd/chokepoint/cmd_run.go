package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/pipeline"
)

type runOptions struct {
	Crawl   crawlOptions
	Analyze analyzeOptions
}

func newRunCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	o := runOptions{Crawl: defaultCrawlOptions()}
	var out string
	cmd := &cobra.Command{
		Use:   "run LIST",
		Short: "Crawl a domain list and analyse it: observations, CSV files and report.html in one go",
		Long: `run is crawl followed by analyze: it reads a domain list (a file, or - for
standard input), crawls it with the system's resolver or --resolver, and
writes observations.jsonl, crawl.json, domains.csv, dependencies.csv,
providers.csv, metrics.csv, blast.csv, spof.csv, codependency.csv,
provider_edges.csv, regions.csv, asns.csv, countries.csv, run.json and
report.html to --out. The analysis inputs (catalog, reference data,
databases) are checked before the first query.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Crawl.Input = args[0]
			o.Crawl.Out, o.Analyze.Out = out, out
			return runRun(cmd.Context(), o, stdin, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "chokepoint-out", "output directory")
	addCrawlFlags(cmd, &o.Crawl)
	addAnalyzeFlags(cmd, &o.Analyze)
	return cmd
}

// runRun crawls, then analyses. Every input of the analysis is opened and
// checked before the first query, so that a missing or corrupt one fails
// at once rather than after hours of crawling. A crawl in which too many
// lookups failed (*failedError) is analysed all the same, and its error
// returned after the analysis; when the analysis fails, the error says
// that the observations are kept and how to analyse them again.
func runRun(ctx context.Context, o runOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := o.Crawl.validate(); err != nil {
		return err
	}
	if o.Crawl.ShardAuto > 0 {
		o.Analyze.Out = o.Crawl.Out // the shard's folder
	}
	if err := checkAnalyzeInputs(o.Analyze); err != nil {
		return err
	}
	m, crawlErr := runCrawl(ctx, o.Crawl, stdin, stdout, stderr)
	var failed *failedError
	if crawlErr != nil && !errors.As(crawlErr, &failed) {
		return crawlErr
	}
	obs := filepath.Join(o.Crawl.Out, ObservationsName)
	o.Analyze.Inputs = []string{obs}
	if o.Analyze.List == "" && o.Crawl.Input != domains.StdinPath {
		// The list's country column, read again for the analysis.
		o.Analyze.List, o.Analyze.ListFormat, o.Analyze.listQuiet = o.Crawl.Input, o.Crawl.InputFormat, true
	}
	if err := runAnalyze(ctx, o.Analyze, m, stdout, stderr); err != nil {
		again := fmt.Sprintf("the crawl is kept in %s: analyse it again with %s", obs, reanalyseCommand(o.Analyze, obs))
		if errors.Is(err, context.Canceled) {
			return messageError{"interrupted during the analysis; " + again, err}
		}
		return fmt.Errorf("analysis failed: %w (%s)", err, again)
	}
	return crawlErr
}

// messageError is err, which decides the exit code, told in other words.
type messageError struct {
	msg string
	err error
}

func (e messageError) Error() string { return e.msg }
func (e messageError) Unwrap() error { return e.err }

// checkAnalyzeInputs opens every input that the analysis after a crawl
// will read, with the loaders analyze uses: its option values, the
// catalog, the reference data directory and ASN tables, and the ASN and
// country databases (those of --data-dir included). It keeps nothing
// open.
func checkAnalyzeInputs(o analyzeOptions) error {
	return pipeline.CheckInputs(o.pipelineOptions(nil, nil, io.Discard))
}

// reanalyseCommand is the command line that analyses obs again with the
// analysis options of a run, those left at their defaults omitted.
func reanalyseCommand(o analyzeOptions, obs string) string {
	args := []string{"chokepoint", "analyze", obs, "--out", o.Out}
	add := func(flag, v string) { args = append(args, flag, v) }
	if o.List != "" {
		add("--list", o.List)
	}
	if o.ASNDB != "" {
		add("--asn-db", o.ASNDB)
	}
	if o.CountryDB != "" {
		add("--country-db", o.CountryDB)
	}
	if o.Catalog != "" {
		add("--catalog", o.Catalog)
	}
	if o.DataDir != refdata.DefaultDir() {
		add("--data-dir", o.DataDir)
	}
	for _, t := range o.ASNTables {
		add("--asn-table", t)
	}
	if o.Bootstrap != defaultBootstrap {
		add("--bootstrap", strconv.Itoa(o.Bootstrap))
	}
	if o.BootstrapSeed != 1 {
		add("--bootstrap-seed", strconv.FormatUint(o.BootstrapSeed, 10))
	}
	if len(o.Formats) > 0 && !slices.Equal(o.Formats, []string{"csv"}) {
		add("--format", strings.Join(o.Formats, ","))
	}
	if o.Quiet {
		args = append(args, "--quiet")
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// letters, digits and -_./:,=+@%.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:,=+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
