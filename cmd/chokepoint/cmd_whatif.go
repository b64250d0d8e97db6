package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// defaultBootstrap is the default number of bootstrap replicates of
// analyze: enough for stable 95 % intervals, cheap on a million domains.
const defaultBootstrap = 200

// blastReportRows is the number of providers whose blast radius run.json
// and report.html show.
const blastReportRows = 20

// blastSummaryRows is the number of providers in the blast-radius table
// printed by analyze.
const blastSummaryRows = 10

type whatifOptions struct {
	Analyze analyzeOptions
	// Fail are the scenario's elements, as given on the command line.
	Fail []string
	// Show is the number of affected domains printed (all are in
	// whatif.csv).
	Show int
}

func newWhatifCmd(stdout, stderr io.Writer) *cobra.Command {
	o := whatifOptions{Analyze: analyzeOptions{Out: "."}, Show: 20}
	cmd := &cobra.Command{
		Use:   "whatif --fail ELEMENT... OBSERVATIONS.jsonl|RUN_DIR...",
		Short: "Show which domains go down when providers, regions, ASes or countries fail",
		Long: `whatif fails every --fail element together and propagates the failure
through the providers' own dependencies: a domain goes down when every
provider it has on a required layer (dns, cdn, hosting) has failed. It
prints the totals and the affected domains, each with the chain that
explains it, and writes whatif.csv to --out.

Elements: a provider (cloudflare), a service (cloudflare/cdn), a region
(amazon:us-east-1), an AS (AS13335), a country (country:US). Inputs are
observation files, or run directories (their observations.jsonl is
classified again, with the databases their run.json names unless
--asn-db or --country-db say otherwise).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Analyze.Inputs = args
			return runWhatif(cmd.Context(), o, stdout, stderr)
		},
	}
	cmd.Flags().StringArrayVar(&o.Fail, "fail", nil, "element that fails (repeatable): provider, provider/service, provider:region, AS<number>, country:<CC>")
	cmd.Flags().IntVar(&o.Show, "show", o.Show, "affected domains printed (whatif.csv has all)")
	cmd.Flags().StringVarP(&o.Analyze.Out, "out", "o", o.Analyze.Out, "output directory of whatif.csv")
	cmd.Flags().StringVar(&o.Analyze.InputFormat, "input-format", "chokepoint", "format of the inputs: chokepoint (observations.jsonl) or zdns (zmap/zdns JSON lines)")
	addAnalyzeFlags(cmd, &o.Analyze)
	return cmd
}

func runWhatif(ctx context.Context, o whatifOptions, stdout, stderr io.Writer) error {
	if len(o.Fail) == 0 {
		return usagef("whatif needs at least one --fail element")
	}
	var scenario []graph.Element
	for _, f := range o.Fail {
		e, err := graph.ParseElement(f)
		if err != nil {
			return usageError{err}
		}
		if !slices.Contains(scenario, e) {
			scenario = append(scenario, e)
		}
	}
	g, err := loadGraph(ctx, &o.Analyze, stderr)
	if err != nil {
		return err
	}
	out := g.Fail(scenario, true)
	if err := os.MkdirAll(o.Analyze.Out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	path := filepath.Join(o.Analyze.Out, reports.WhatIfFile)
	if err := atomicfile.Write(path, func(w io.Writer) error { return reports.WriteWhatIf(w, out) }); err != nil {
		return err
	}
	if !o.Analyze.Quiet {
		if err := reports.WriteWhatIfSummary(stdout, out, o.Show); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "whatif: %d of %d domains down, %d lose e-mail; %s\n", out.Failed, out.Domains, out.EmailFailed, path)
	return nil
}

// loadGraph classifies the inputs of o as analyze does and builds the
// dependency graph, with the catalog's and the crawl's provider edges. A
// directory input stands for its observations.jsonl; its run.json names
// the databases to use when o has none.
func loadGraph(ctx context.Context, o *analyzeOptions, stderr io.Writer) (*graph.Graph, error) {
	inputs := make([]string, len(o.Inputs))
	for i, in := range o.Inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, usagef("read observations: %w", err)
		}
		if !st.IsDir() {
			inputs[i] = in
			continue
		}
		inputs[i] = filepath.Join(in, ObservationsName)
		if o.ASNDB == "" && o.CountryDB == "" {
			runRefData(o, in, stderr)
		}
	}
	cat, err := loadCatalog(o.Catalog)
	if err != nil {
		return nil, err
	}
	ref, err := loadRefData(o, stderr)
	if err != nil {
		return nil, err
	}
	db, err := refdata.Open(o.ASNDB, o.CountryDB)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if ref.ASNTable != nil {
		db.WithASNTable(ref.ASNTable)
	}
	cl := classify.New(cat, db).WithRanges(ref.Ranges)
	finder := graph.NewEdgeFinder(cat)
	var results []classify.Result
	seen := make(map[string]bool)
	for _, path := range inputs {
		if err := readInput(ctx, o.InputFormat, path, stderr, func(ob *dnscrawl.Observation) {
			if seen[ob.Domain] {
				return
			}
			seen[ob.Domain] = true
			finder.Add(ob)
			results = append(results, cl.Classify(ob))
		}); err != nil {
			return nil, err
		}
	}
	if len(results) == 0 {
		return nil, usagef("no observation in %v", o.Inputs)
	}
	classify.Finish(results)
	return graph.Build(results, cat, slices.Concat(graph.CatalogEdges(cat), finder.Edges())), nil
}

// runRefData sets the databases of o from the run.json of a run
// directory, when it names files that still exist; and, when the data
// directory is the default one, the data directory the run's range files
// came from (<dir>/<source>/<file>, the same for all of them).
func runRefData(o *analyzeOptions, dir string, stderr io.Writer) {
	b, err := os.ReadFile(filepath.Join(dir, reports.RunFile))
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "chokepoint: ignoring %s: %v\n", reports.RunFile, err)
		}
		return
	}
	var run reports.Run
	if err := json.Unmarshal(b, &run); err != nil {
		fmt.Fprintf(stderr, "chokepoint: ignoring %s: %v\n", filepath.Join(dir, reports.RunFile), err)
		return
	}
	dataDir, same := "", true
	for _, rf := range run.RefData {
		if _, err := os.Stat(rf.Path); err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(rf.Name, "ASN database"):
			o.ASNDB = rf.Path
		case strings.HasPrefix(rf.Name, "country database"):
			o.CountryDB = rf.Path
		default:
			d := filepath.Dir(filepath.Dir(rf.Path))
			same = same && (dataDir == "" || dataDir == d)
			dataDir = d
		}
	}
	if dataDir != "" && same && o.DataDir == refdata.DefaultDir() {
		o.DataDir = dataDir
	}
}
