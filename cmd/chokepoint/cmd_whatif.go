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
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/pipeline"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// defaultBootstrap is the default number of bootstrap replicates of
// analyze: enough for stable 95 % intervals, cheap on a million domains.
const defaultBootstrap = 200

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
provider it has on a required layer (dns, cdn, hosting, its TLD registry,
and its certificate authority when it depends on it critically: one CA,
no OCSP stapling) has failed. It prints the totals and the affected
domains, each with the chain that explains it, and writes whatif.csv to
--out.

Elements: a provider (cloudflare, or an uncatalogued operator by its
registrable domain: example-dns.net; a certificate authority: letsencrypt;
a TLD registry: verisign), a service (cloudflare/cdn; one TLD of a
registry: verisign/com), a region
(amazon:us-east-1), an AS (AS13335), a country (country:US). Providers and
services can also be written by the catalog's names and aliases, in any
case ("AWS", "Route 53"). An element that names nothing known (a typo, an
AS neither in the list nor in the catalog, a code that is not ISO 3166)
is an error (exit 2) that suggests the nearest names; a known one that
nothing in the list uses is said in words. Inputs are
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
	cat, err := loadCatalog(o.Analyze.Catalog)
	if err != nil {
		return err
	}
	// What no list can make valid is refused before the list is read.
	names := graph.NewResolver(nil, cat, nil)
	for _, f := range o.Fail {
		if _, err := names.Resolve(f); err != nil {
			return usageError{err}
		}
	}
	g, ranges, err := loadGraph(ctx, &o.Analyze, cat, stderr)
	if err != nil {
		return err
	}
	res := graph.NewResolver(g, cat, ranges)
	var scenario []graph.Element
	var notes []string
	for _, f := range o.Fail {
		t, err := res.Resolve(f)
		if err != nil {
			return usageError{err}
		}
		if slices.Contains(scenario, t.Element) {
			continue
		}
		scenario = append(scenario, t.Element)
		if t.Note != "" {
			notes = append(notes, t.Note)
		}
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
	for _, n := range notes {
		fmt.Fprintf(stderr, "whatif: %s\n", n)
	}
	fmt.Fprintf(stderr, "whatif: %d of %d domains down, %d lose e-mail; %s\n", out.Failed, out.Domains, out.EmailFailed, path)
	return nil
}

// loadGraph classifies the inputs of o with cat as analyze does and
// builds the dependency graph, with the catalog's and the crawl's provider
// edges; it returns the range data used too. A directory input stands for
// its observations.jsonl; its run.json names the databases to use when o
// has none.
func loadGraph(ctx context.Context, o *analyzeOptions, cat *catalog.Catalog, stderr io.Writer) (*graph.Graph, *refdata.Ranges, error) {
	inputs := make([]string, len(o.Inputs))
	for i, in := range o.Inputs {
		st, err := os.Stat(in)
		if err != nil {
			return nil, nil, usagef("read observations: %w", err)
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
	ref, err := loadRefData(o, stderr)
	if err != nil {
		return nil, nil, err
	}
	db, err := refdata.Open(o.ASNDB, o.CountryDB)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	if ref.ASNTable != nil {
		db.WithASNTable(ref.ASNTable)
	}
	cl := classify.New(cat, db).WithRanges(ref.Ranges)
	edges := pipeline.NewEdgeGatherer(cat, cl)
	var results []classify.Result
	seen := make(map[string]bool)
	for _, path := range inputs {
		if err := readInput(ctx, o.InputFormat, path, stderr, func(ob *dnscrawl.Observation) {
			if seen[ob.Domain] {
				return
			}
			seen[ob.Domain] = true
			edges.Add(ob)
			results = append(results, cl.Classify(ob))
		}); err != nil {
			return nil, nil, err
		}
	}
	if len(results) == 0 {
		return nil, nil, usagef("no observation in %v", o.Inputs)
	}
	classify.Finish(results)
	return graph.Build(results, cat, edges.Edges()), ref.Ranges, nil
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
