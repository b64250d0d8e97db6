package pipeline

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// goAnalysis is a run computed by GoEngine. Its figures are computed
// while dependencies.csv, which needs only the results in report order,
// is written: Summary waits for them.
type goAnalysis struct {
	parquet bool
	results []classify.Result // in report order
	done    chan struct{}     // closed when sum and doms are complete
	sum     Summary
	doms    *reports.HTMLDomains
}

// Summary returns the run's figures, once they are computed.
func (a *goAnalysis) Summary() Summary {
	<-a.done
	return a.sum
}

// Write writes the CSV files, run.json and report.html (and the Parquet
// tables when asked) into dir. dependencies.csv is begun at once, beside
// the computing of the figures; the files made from the figures when
// they are ready.
func (a *goAnalysis) Write(ctx context.Context, dir string) error {
	var written errgroup.Group
	written.Go(func() error { return reports.WriteDependencyFile(dir, a.results) })
	sum := a.Summary()
	written.Go(func() error { return reports.WriteRest(dir, sum.Run, a.results, sum.Metrics, a.doms) })
	written.Go(func() error { return reports.WriteGraph(dir, sum.Graph) })
	if err := written.Wait(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if a.parquet {
		return reports.WriteParquet(dir, a.results, sum.Metrics, sum.Graph, sum.Run.SiteCountries)
	}
	return nil
}

// analyze puts what gather read in report order and begins computing
// its figures: the metrics, the provider graph with the blast radius of
// every element, and the run's description. They are computed on other
// goroutines; the Analysis returned has them when its Summary returns
// (Run waits for it before it closes j's databases, which the names of
// the ASes are looked up in).
func (in *gathered) analyze(j *Job) *goAnalysis {
	results := in.results
	// In report order once, so that the writers of domains.csv,
	// dependencies.csv and report.html only check it. The figures do not
	// depend on the order of results.
	reports.SortResultsBy(results, in.order)
	run := &reports.Run{
		ToolVersion:    j.ToolVersion,
		StartedAt:      in.start,
		CatalogVersion: j.Catalog.Version,
		Names:          &reports.Names{Catalog: j.Catalog},
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
	a := &goAnalysis{parquet: j.Parquet(), results: results, done: make(chan struct{})}
	opts := metrics.Options{Bootstrap: j.Bootstrap, Seed: j.BootstrapSeed, Countries: in.countries}
	// What report.html shows of the domains needs the provider edges, not
	// the graph: it is gathered beside the figures, with the products the
	// summary names the providers by (reports.ProductsOf), in one pass
	// over the dependencies.
	doms := make(chan *reports.HTMLDomains, 1)
	go func() { doms <- reports.HTMLDomainsOf(results, in.edges, nil) }()
	go func() {
		defer close(a.done)
		// The metrics and the graph only read results: compute them
		// side by side.
		var sum *metrics.Summary
		var computed errgroup.Group
		computed.Go(func() error {
			sum = metrics.Compute(results, opts)
			run.Names.AS = asNames(results, j.Ref.ASNTable, j.DB)
			return nil
		})
		gr := reports.NewGraphReport(graph.Build(results, j.Catalog, in.edges), 0)
		computed.Wait()
		run.FinishedAt = time.Now().UTC()
		run.BlastRadius = reports.TopBlastRows(gr, BlastReportRows)
		run.Graph = gr
		a.doms = <-doms
		run.Names.Products = a.doms.Products
		a.sum = Summary{Domains: len(results), SkippedLines: in.skipped, Run: run, Metrics: sum, Graph: gr}
	}()
	return a
}
