package pipeline

import (
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// analyze computes the figures of what gather read: the metrics, the
// provider graph with the blast radius of every element, and the run's
// description. It sorts in.results into report order.
func (in *gathered) analyze(j *Job) *goAnalysis {
	results := in.results
	// In report order once, so that the writers of domains.csv,
	// dependencies.csv and report.html only check it. The figures do not
	// depend on the order of results.
	reports.SortResults(results)

	// The metrics and the graph only read results: compute them side by
	// side.
	var sum *metrics.Summary
	var computed errgroup.Group
	computed.Go(func() error {
		sum = metrics.Compute(results, metrics.Options{Bootstrap: j.Bootstrap, Seed: j.BootstrapSeed, Countries: in.countries})
		return nil
	})
	gr := reports.NewGraphReport(graph.Build(results, j.Catalog, in.edges), 0)
	computed.Wait()
	run := &reports.Run{
		ToolVersion:    j.ToolVersion,
		StartedAt:      in.start,
		CatalogVersion: j.Catalog.Version,
		Names:          &reports.Names{Catalog: j.Catalog, AS: asNames(results, j.Ref.ASNTable, j.DB), Products: reports.ProductsOf(results)},
		SiteCountries:  in.countries,
	}
	fromCrawl(run, j.Crawl, len(results))
	run.Simulated = run.Simulated || in.simulated
	run.Counts.SkippedObservations = in.skipped
	run.ObservationFiles = in.files
	if in.skipped > 0 {
		fmt.Fprintf(j.Log, "chokepoint: %d observation lines skipped: their domains have no row (counted in run.json and report.html)\n", in.skipped)
	}
	run.RefData = j.RefFiles
	run.FinishedAt = time.Now().UTC()
	run.BlastRadius = reports.TopBlastRows(gr, BlastReportRows)
	run.Graph = gr
	return &goAnalysis{
		parquet: j.Parquet(),
		results: results,
		sum:     Summary{Domains: len(results), SkippedLines: in.skipped, Run: run, Metrics: sum, Graph: gr},
	}
}
