package main

import (
	"context"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"
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
report.html to --out.`,
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

func runRun(ctx context.Context, o runOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	m, err := runCrawl(ctx, o.Crawl, stdin, stdout, stderr)
	if err != nil {
		return err
	}
	o.Analyze.Inputs = []string{filepath.Join(o.Crawl.Out, ObservationsName)}
	return runAnalyze(ctx, o.Analyze, m, stdout, stderr)
}
