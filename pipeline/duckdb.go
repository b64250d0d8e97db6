package pipeline

import (
	"cmp"
	"context"
	dbsql "database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	aql "github.com/chokepoint-dev/chokepoint/analysis/sql"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// duckdbBuilt is true when the DuckDB driver is compiled in (build tag
// duckdb, which needs cgo).
var duckdbBuilt bool

// ErrNoDuckDB is returned by DuckDBEngine when this build has no DuckDB.
var ErrNoDuckDB = errors.New(`--engine duckdb: this chokepoint was built without DuckDB; build it with "go build -tags duckdb ./cmd/chokepoint" (cgo and a C compiler needed) or "make build"`)

// DuckDBEngine computes the analysis as SQL (package analysis/sql) on an
// embedded DuckDB, over the Parquet tables of Classify: out of core, with
// a memory limit and a spill folder, so the list it can take is bounded
// by the disk rather than the memory.
//
// Its input (Options.Inputs) is either one folder of classified tables
// (chokepoint classify --out DIR, for every shard; FinishClassified is
// run first when the shards have not been finished), or observation
// files, which it classifies first as one shard into a temporary folder.
//
// It writes the Go engine's files with the same figures: domains.csv,
// dependencies.csv, providers.csv, metrics.csv, blast.csv, spof.csv,
// codependency.csv, provider_edges.csv, regions.csv, asns.csv,
// countries.csv, site_countries.csv (--list), run.json and report.html
// (its parts on the list's domains from report.sql, duckdb_report.go),
// and with --format parquet the Parquet copies.
type DuckDBEngine struct {
	// MemoryLimit is DuckDB's memory_limit ("2GB"; "" for DuckDB's
	// default, 80 % of the memory).
	MemoryLimit string
	// TempDir is where DuckDB spills what does not fit ("" for a
	// temporary folder removed at the end).
	TempDir string
	// Threads is DuckDB's number of threads (0 for its default, the
	// number of cores).
	Threads int
	// Keep, when not "", is where the classified tables of observation
	// inputs are written and kept ("" for a temporary folder).
	Keep string
}

// Name returns "duckdb".
func (DuckDBEngine) Name() string { return "duckdb" }

// Classified reports whether path is a folder of classified tables.
func Classified(path string) bool {
	st, err := os.Stat(filepath.Join(path, TableDomains))
	return err == nil && st.IsDir()
}

// duckAnalysis is a run computed by DuckDBEngine.
type duckAnalysis struct {
	sum     Summary
	parquet bool // --format parquet: the Parquet copies too
	db      *dbsql.DB
	doms    *reports.HTMLDomains // report.html's parts on the domains
	spof    *spofSpool           // the single points of failure
	work    string               // the folder of the spool and the Parquet copies
	log     io.Writer
	cleanup func()
}

func (a *duckAnalysis) Summary() Summary { return a.sum }

// Analyze classifies the inputs when they are observations, then runs the
// SQL of package analysis/sql.
func (e DuckDBEngine) Analyze(ctx context.Context, j *Job) (an Analysis, err error) {
	if !duckdbBuilt {
		return nil, inputError{ErrNoDuckDB}
	}
	var countries map[string]string
	if j.List != "" {
		w := j.Log
		if j.ListQuiet {
			w = io.Discard
		}
		if countries, err = ReadSiteCountries(ctx, j.List, j.ListFormat, w); err != nil {
			return nil, err
		}
	}
	start := time.Now().UTC()
	var cleanups []func()
	cleanup := func() {
		for _, c := range slices.Backward(cleanups) {
			c()
		}
	}
	defer func() {
		if err != nil {
			cleanup()
		}
	}()
	dir := ""
	skipped := 0
	var files []reports.ObservationFile
	if len(j.Inputs) == 1 && Classified(j.Inputs[0]) {
		dir = j.Inputs[0]
		if j.Crawl == nil {
			// The crawl manifest of the first shard that has one, as the
			// Go engine reads the one beside its first input.
			ms, _ := filepath.Glob(filepath.Join(dir, TableCrawl, "shard=*", dnscrawl.ManifestName))
			for _, m := range ms {
				if c, err := dnscrawl.ReadManifest(m); err == nil {
					j.Crawl = c
					break
				}
			}
		}
		if _, err := os.Stat(filepath.Join(dir, TableClosure)); err != nil {
			if _, err := FinishClassified(ctx, dir, j.Catalog, j.Log); err != nil {
				return nil, err
			}
		}
		if files, err = shardInputs(dir); err != nil {
			return nil, err
		}
		for _, f := range files {
			skipped += f.Skipped
		}
	} else {
		dir = e.Keep
		if dir == "" {
			tmp, err := os.MkdirTemp("", "chokepoint-classified-")
			if err != nil {
				return nil, err
			}
			cleanups = append(cleanups, func() { os.RemoveAll(tmp) })
			dir = tmp
		}
		co := ClassifyOptions{Options: j.Options, Shard: "0"}
		co.Out = dir
		co.Log = j.Log
		cs, err := Classify(ctx, co)
		if err != nil {
			return nil, err
		}
		skipped = cs.SkippedLines
		if _, err := FinishClassified(ctx, dir, j.Catalog, j.Log); err != nil {
			return nil, err
		}
		files = cs.Files
	}

	db, err := dbsql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("duckdb: %w", err)
	}
	cleanups = append(cleanups, func() { db.Close() })
	db.SetMaxOpenConns(1) // temporary views live in one connection
	spill := e.TempDir
	if spill == "" {
		tmp, err := os.MkdirTemp("", "chokepoint-duckdb-")
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(tmp) })
		spill = tmp
	}
	exec := func(stmts ...string) error {
		for _, s := range stmts {
			t := time.Now()
			if _, err := db.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("duckdb: %w\n%s", err, s)
			}
			logf(j.Log, "duckdb: %.1f s: %s\n", time.Since(t).Seconds(), firstLine(s))
		}
		return nil
	}
	setup := []string{"SET temp_directory = " + quote(spill), "SET preserve_insertion_order = false"}
	if e.MemoryLimit != "" {
		setup = append(setup, "SET memory_limit = "+quote(e.MemoryLimit))
	}
	if e.Threads > 0 {
		setup = append(setup, fmt.Sprintf("SET threads = %d", e.Threads))
	}
	for _, t := range []string{TableDomains, TableDependencies, TableAddresses} {
		setup = append(setup, fmt.Sprintf("CREATE OR REPLACE TEMPORARY VIEW %s AS SELECT * FROM read_parquet(%s)", t, quote(filepath.Join(dir, t, "shard=*", "*.parquet"))))
	}
	for _, t := range []string{TableElements, TableClosure} {
		setup = append(setup, fmt.Sprintf("CREATE OR REPLACE TEMPORARY VIEW %s AS SELECT * FROM read_parquet(%s)", t, quote(filepath.Join(dir, t, "*.parquet"))))
	}
	// The co-dependent pairs of companies (codependency.sql), filled in
	// once the pairs are known.
	setup = append(setup,
		"CREATE OR REPLACE TEMPORARY TABLE pair_elements (element INTEGER, company VARCHAR)",
		"CREATE OR REPLACE TEMPORARY TABLE pair_closure (element INTEGER, svc VARCHAR, names_only BOOLEAN)")
	// The country of each site (--list), for site_countries.sql and
	// domains.csv: through a Parquet file, which DuckDB reads in bulk.
	setup = append(setup, "CREATE OR REPLACE TEMPORARY TABLE site_countries (domain VARCHAR, country VARCHAR)")
	if len(countries) > 0 {
		sites := filepath.Join(spill, "site_countries")
		cleanups = append(cleanups, func() { os.RemoveAll(sites) })
		if err := writeSiteCountries(sites, countries); err != nil {
			return nil, err
		}
		setup = append(setup, "INSERT INTO site_countries SELECT domain, country FROM read_parquet("+quote(filepath.Join(sites, "*.parquet"))+")")
	}
	// The helper views of the SQL files are made tables here: DuckDB
	// computes a view again each time a query reads it, and several
	// queries read the same ones (on Spark, CACHE TABLE does the same).
	setup = append(setup, materialize(aql.Statements(aql.Views))...)
	if err := exec(setup...); err != nil {
		return nil, err
	}
	edges, err := readEdges(filepath.Join(dir, TableProviderEdges, "*.parquet"))
	if err != nil {
		return nil, err
	}
	g := graph.Build(nil, j.Catalog, edges)
	q := &querier{ctx: ctx, db: db}
	pairs, err := q.pairs(g, reports.CoDependencyPairs)
	if err != nil {
		return nil, err
	}
	blast := aql.Statements(aql.Blast)
	if err := exec(materialize(blast[:len(blast)-1])...); err != nil {
		return nil, err
	}
	phase := time.Now()
	step := func(what string) {
		logf(j.Log, "duckdb: %.1f s: %s\n", time.Since(phase).Seconds(), what)
		phase = time.Now()
	}

	sum, err := q.summary()
	if err != nil {
		return nil, err
	}
	step("metrics (layers.sql, providers.sql, statuses.sql)")
	if len(countries) > 0 {
		if sum.Countries, err = q.siteCountries(); err != nil {
			return nil, err
		}
		step("figures per country of the sites (site_countries.sql)")
	}
	if j.Bootstrap > 0 {
		if err := q.bootstrap(sum, metrics.Options{Bootstrap: j.Bootstrap, Seed: j.BootstrapSeed}); err != nil {
			return nil, err
		}
		step("bootstrap (groups.sql)")
	}
	g.Sized(sum.Domains)
	blasts, err := q.blast(blast[len(blast)-1])
	if err != nil {
		return nil, err
	}
	step("blast radii (blast.sql)")
	// The spool of spof and the files of copyRows: a folder of this run
	// beside DuckDB's spill files (DuckDB makes its folder only when it
	// spills).
	if err := os.MkdirAll(spill, 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp(spill, "chokepoint-rows-")
	if err != nil {
		return nil, err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(work) })
	spool := filepath.Join(work, "spof.spool")
	spof, spofSum, err := q.spof(spool)
	if err != nil {
		return nil, err
	}
	step("single points of failure (spof.sql)")
	if err := q.downTogether(pairs, sum.Domains); err != nil {
		return nil, err
	}
	step("co-dependent pairs (codependency.sql)")
	gr := &reports.GraphReport{Graph: g, Blast: blasts, SPOFRows: spof.rows, SPOFSummary: spofSum, Pairs: pairs, Cycles: g.Cycles()}
	asn, err := q.asNames(j)
	if err != nil {
		return nil, err
	}
	run := &reports.Run{
		ToolVersion: j.ToolVersion, StartedAt: start, CatalogVersion: j.Catalog.Version,
		Names:         &reports.Names{Catalog: j.Catalog, AS: asn},
		SiteCountries: countries,
	}
	fromCrawl(run, j.Crawl, sum.Domains)
	if run.Names.Products, err = q.products(); err != nil {
		return nil, err
	}
	if err := q.rows("SELECT MAX(CASE WHEN simulated THEN 1 ELSE 0 END) AS simulated FROM domains", func(r row) error {
		run.Simulated = run.Simulated || r.bool("simulated")
		return nil
	}); err != nil {
		return nil, err
	}
	run.Counts.SkippedObservations = skipped
	run.ObservationFiles = files
	run.RefData = j.RefFiles
	run.FinishedAt = time.Now().UTC()
	run.BlastRadius = reports.TopBlastRows(gr, BlastReportRows)
	run.Graph = gr
	doms, err := q.htmlDomains(g.Edges(), run.Names.Products, sum)
	if err != nil {
		return nil, err
	}
	step("the report's parts on the domains (report.sql)")
	q.logMemory(j.Log)
	return &duckAnalysis{
		sum:     Summary{Domains: sum.Domains, SkippedLines: skipped, Run: run, Metrics: sum, Graph: gr},
		parquet: j.Parquet(),
		db:      db,
		doms:    doms,
		spof:    spof,
		work:    work,
		log:     j.Log,
		cleanup: cleanup,
	}, nil
}

// Write writes the tables, run.json and report.html into dir, then closes
// the database.
func (a *duckAnalysis) Write(ctx context.Context, dir string) error {
	defer a.cleanup()
	q := &querier{ctx: ctx, db: a.db}
	timed := func(what string, f func() error) error {
		t := time.Now()
		err := f()
		logf(a.log, "duckdb: %.1f s: %s\n", time.Since(t).Seconds(), what)
		return err
	}
	defer q.logMemory(a.log) // once the copies are over
	copies := q.startCopies(a.work, a.log)
	defer copies.wait()
	domains := func(yield func(reports.DomainRow) bool) error {
		return timed("domains.csv's rows", func() error {
			if err := copies.domains.ready(ctx); err != nil {
				return err
			}
			return q.domainRows(copies.domains.path, a.spof, yield)
		})
	}
	deps := func(yield func(reports.DependencyRow) bool) error {
		return timed("dependencies.csv's rows", func() error {
			if err := copies.deps.ready(ctx); err != nil {
				return err
			}
			return q.dependencyRows(copies.deps.path, yield)
		})
	}
	if err := reports.WriteTables(dir, a.sum.Run, a.sum.Metrics, a.doms, domains, deps); err != nil {
		return err
	}
	if err := reports.WriteGraph(dir, a.sum.Graph); err != nil {
		return err
	}
	if a.parquet {
		return reports.WriteParquetTables(dir, a.sum.Metrics, domains, deps)
	}
	return nil
}

// logMemory notes what DuckDB's buffer pool holds now and what it has in
// its spill files (duckdb_memory()), to compare with its memory limit and
// with the process's resident memory: its allocations outside the pool
// are not counted here.
func (q *querier) logMemory(w io.Writer) {
	var mem, spilled int64
	if err := q.db.QueryRowContext(q.ctx, "SELECT CAST(SUM(memory_usage_bytes) AS BIGINT), CAST(SUM(temporary_storage_bytes) AS BIGINT) FROM duckdb_memory()").Scan(&mem, &spilled); err == nil {
		logf(w, "duckdb: memory: %d MB in the buffer pool, %d MB in spill files\n", mem>>20, spilled>>20)
	}
}

// shardInputs reads the observation files of every shard of the tables
// in dir (the crawl table's InputsName, which tables classified before
// it existed lack), shards in order of their names, shorter first (so
// numbered shards in numeric order).
func shardInputs(dir string) ([]reports.ObservationFile, error) {
	paths, err := filepath.Glob(filepath.Join(dir, TableCrawl, "shard=*", InputsName))
	if err != nil {
		return nil, err
	}
	shard := func(p string) string { return strings.TrimPrefix(filepath.Base(filepath.Dir(p)), "shard=") }
	slices.SortFunc(paths, func(a, b string) int {
		x, y := shard(a), shard(b)
		return cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(x, y))
	})
	var out []reports.ObservationFile
	for _, p := range paths {
		if strings.HasSuffix(shard(p), ".tmp") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var fs []reports.ObservationFile
		if err := json.Unmarshal(b, &fs); err != nil {
			return nil, inputf("%s: %v", p, err)
		}
		out = append(out, fs...)
	}
	return out, nil
}

// products gathers the catalogued products of the dependencies, for the
// report's labels (reports.ProductsOf), each company's in sorted order.
func (q *querier) products() (reports.LayerProducts, error) {
	lp := reports.LayerProducts{}
	err := q.rows(`SELECT DISTINCT layer, provider, service FROM dependencies WHERE provider <> 'self' AND catalogued ORDER BY layer, provider, service`, func(r row) error {
		l := catalog.Layer(r.str("layer"))
		if lp[l] == nil {
			lp[l] = map[string][]string{}
		}
		lp[l][r.str("provider")] = append(lp[l][r.str("provider")], r.str("service"))
		return nil
	})
	return lp, err
}

// unstoredViews are the helper views of the SQL files that stay views:
// each is read once, or is a cheap unfolding of a stored table
// (domain_wide's one row per domain into one row per domain and layer),
// so storing it would cost more than computing it where it is read.
var unstoredViews = map[string]bool{
	"domain_layers": true, "all_layers": true, "all_providers": true,
	"slot_failures": true, "dead_slots": true,
}

// materialize turns the statements that create temporary views into
// ones that create temporary tables, computed once, but for
// unstoredViews.
func materialize(stmts []string) []string {
	const view = "CREATE OR REPLACE TEMPORARY VIEW "
	out := make([]string, len(stmts))
	for i, s := range stmts {
		name, _, _ := strings.Cut(strings.TrimPrefix(s, view), " ")
		if strings.HasPrefix(s, view) && !unstoredViews[name] {
			s = "CREATE OR REPLACE TEMPORARY TABLE " + strings.TrimPrefix(s, view)
		}
		out[i] = s
	}
	return out
}

// firstLine is the first line of s.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// quote is s as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// querier runs the queries of one analysis.
type querier struct {
	ctx context.Context
	db  *dbsql.DB
}

// rows runs query and calls fn with each row as a map of its columns.
func (q *querier) rows(query string, fn func(row) error) error {
	rs, err := q.db.QueryContext(q.ctx, query)
	if err != nil {
		return fmt.Errorf("duckdb: %w\n%s", err, query)
	}
	defer rs.Close()
	cols, err := rs.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	r := row{}
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return err
		}
		for i, c := range cols {
			r[c] = vals[i]
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rs.Err()
}

// row is one result row by column name; its getters convert the types
// the engines return (DuckDB's HUGEINT sums, Spark's longs) to Go's.
type row map[string]any

func (r row) int(c string) int {
	switch v := r[c].(type) {
	case int64:
		return int(v)
	case int32:
		return int(v)
	case int:
		return v
	case *big.Int:
		return int(v.Int64())
	case float64:
		return int(v)
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

func (r row) float(c string) float64 {
	switch v := r[c].(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return f
	}
	return float64(r.int(c))
}

func (r row) str(c string) string {
	switch v := r[c].(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}

func (r row) bool(c string) bool {
	if v, ok := r[c].(bool); ok {
		return v
	}
	return r.int(c) != 0
}

// summary builds the metrics summary from layers.sql, providers.sql and
// statuses.sql.
func (q *querier) summary() (*metrics.Summary, error) {
	sum := &metrics.Summary{Statuses: map[dnscrawl.Status]int{}}
	for _, st := range dnscrawl.Statuses {
		sum.Statuses[st] = 0
	}
	err := q.rows(aql.Text(aql.Statuses), func(r row) error {
		sum.Statuses[dnscrawl.Status(r.str("status"))] += r.int("domains")
		sum.Domains += r.int("domains")
		return nil
	})
	if err != nil {
		return nil, err
	}
	layers := map[catalog.Layer]*metrics.LayerSummary{}
	err = q.rows(aql.Text(aql.Layers), func(r row) error {
		l := catalog.Layer(r.str("layer"))
		ls := &metrics.LayerSummary{
			Layer: l, Domains: r.int("domains"), Known: r.int("known"), None: r.int("none"),
			Unattributed: r.int("unattributed"), Unresolved: r.int("unresolved"), NotMeasured: r.int("not_measured"),
			Ranked: r.int("ranked"), Providers: r.int("providers"), SelfHosted: r.int("self_hosted"),
			CriticalDomains: r.int("critical_domains"), RedundantDomains: r.int("redundant_domains"),
			HHI: r.float("hhi"), CR1: r.float("cr1"), CR3: r.float("cr3"), CR5: r.float("cr5"), Gini: r.float("gini"),
			EntropyBits: r.float("entropy_bits"), EntropyNorm: r.float("entropy_norm"), EMD: r.float("emd"),
			WeightedHHI: r.float("weighted_hhi"), WeightedCR1: r.float("weighted_cr1"), WeightedCR3: r.float("weighted_cr3"),
			WeightedCR5: r.float("weighted_cr5"), WeightedGini: r.float("weighted_gini"),
			WeightedEntropyBits: r.float("weighted_entropy_bits"), WeightedEntropyNorm: r.float("weighted_entropy_norm"),
			Coverage: metrics.Coverage{
				Suffix: r.int("cov_suffix"), OwnerDomain: r.int("cov_owner_domain"), Address: r.int("cov_address"),
				Self: r.int("cov_self"), Uncatalogued: r.int("cov_uncatalogued"),
			},
		}
		ls.EffectiveN = metrics.EffectiveN(ls.HHI)
		ls.WeightedEffectiveN = metrics.EffectiveN(ls.WeightedHHI)
		layers[l] = ls
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = q.rows(aql.Text(aql.Providers), func(r row) error {
		ls := layers[catalog.Layer(r.str("layer"))]
		if ls == nil {
			return fmt.Errorf("duckdb: provider row of unknown layer %q", r.str("layer"))
		}
		ls.Rows = append(ls.Rows, metrics.ProviderRow{
			Provider: r.str("provider"), Catalogued: r.bool("catalogued"), Layer: ls.Layer,
			Domains: r.int("domains"), Share: r.float("share"), WeightedShare: r.float("weighted_share"),
			CriticalDomains: r.int("critical_domains"), CriticalShare: r.float("critical_share"),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, l := range append(slices.Clone(catalog.Layers), metrics.AnyLayer) {
		ls := layers[l]
		if ls == nil {
			ls = &metrics.LayerSummary{Layer: l, Domains: sum.Domains}
		}
		frac := func(n int) float64 {
			if ls.Known == 0 {
				return 0
			}
			return float64(n) / float64(ls.Known)
		}
		slices.SortFunc(ls.Rows, func(x, y metrics.ProviderRow) int {
			return cmp.Or(cmp.Compare(y.Domains, x.Domains), strings.Compare(x.Provider, y.Provider))
		})
		var sizes []float64
		for _, p := range ls.Rows {
			if p.Provider != classify.SelfProvider {
				sizes = append(sizes, float64(p.Domains))
			}
		}
		if ls.Rows == nil {
			ls.Rows = []metrics.ProviderRow{}
		}
		ls.LorenzX, ls.LorenzY = metrics.Lorenz(sizes)
		ls.CriticalRate = frac(ls.CriticalDomains)
		ls.RedundancyRate = frac(ls.RedundantDomains)
		ls.SelfHostedRate = frac(ls.SelfHosted)
		if l == metrics.AnyLayer {
			sum.Any = *ls
		} else {
			sum.Layers = append(sum.Layers, *ls)
		}
	}
	return sum, nil
}

// siteCountryRow is one row of the site_countries table DuckDBEngine
// writes from the list (--list).
type siteCountryRow struct {
	Domain  string `parquet:"domain"`
	Country string `parquet:"country"`
}

// writeSiteCountries writes the country of each site into Parquet parts
// in folder dir.
func writeSiteCountries(dir string, countries map[string]string) error {
	return writeTable(dir, func(w *partWriter[siteCountryRow]) error {
		for d, c := range countries {
			if err := w.Write(siteCountryRow{Domain: d, Country: c}); err != nil {
				return err
			}
		}
		return nil
	})
}

// siteCountries gathers the rows of site_countries.sql into one summary
// per country, in country order, each with its layers in catalog order
// (metrics.Compute's).
func (q *querier) siteCountries() ([]metrics.CountrySummary, error) {
	byCountry := map[string]*metrics.CountrySummary{}
	layers := map[string]map[catalog.Layer]metrics.CountryLayer{}
	err := q.rows(aql.Text(aql.SiteCountries), func(r row) error {
		cc := r.str("country")
		if byCountry[cc] == nil {
			byCountry[cc] = &metrics.CountrySummary{Country: cc, Domains: r.int("domains")}
			layers[cc] = map[catalog.Layer]metrics.CountryLayer{}
		}
		l := catalog.Layer(r.str("layer"))
		layers[cc][l] = metrics.CountryLayer{Layer: l, Known: r.int("known"), Providers: r.int("providers"),
			HHI: r.float("hhi"), EMD: r.float("emd"), Top: r.str("top_provider"), TopShare: r.float("top_share")}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]metrics.CountrySummary, 0, len(byCountry))
	for cc, cs := range byCountry {
		for _, l := range catalog.Layers {
			if cl, ok := layers[cc][l]; ok {
				cs.Layers = append(cs.Layers, cl)
			}
		}
		out = append(out, *cs)
	}
	slices.SortFunc(out, func(a, b metrics.CountrySummary) int { return strings.Compare(a.Country, b.Country) })
	return out, nil
}

// bootstrap sets the bootstrap intervals of every layer of sum from the
// groups of its known domains (groups.sql: one row per domain and
// provider, by layer and domain), counted here as they stream.
func (q *querier) bootstrap(sum *metrics.Summary, opts metrics.Options) error {
	groups := map[string]map[string]int{}
	layer, domain := "", int64(-1)
	var ps []string
	flush := func() {
		if domain < 0 {
			return
		}
		g := groups[layer]
		if g == nil {
			g = map[string]int{}
			groups[layer] = g
		}
		g[metrics.GroupKey(ps)]++
	}
	err := q.rows(aql.Text(aql.Groups), func(r row) error {
		l, d := r.str("layer"), int64(r.int("did"))
		if l != layer || d != domain {
			flush()
			layer, domain, ps = l, d, ps[:0]
		}
		ps = append(ps, r.str("provider"))
		return nil
	})
	if err != nil {
		return err
	}
	flush()
	for i := range sum.Layers {
		metrics.BootstrapGroups(&sum.Layers[i], groups[string(sum.Layers[i].Layer)], opts)
	}
	metrics.BootstrapGroups(&sum.Any, groups[string(metrics.AnyLayer)], opts)
	return nil
}

// pairs runs codependency.sql's first query for the k pairs of companies
// that share the most domains, and fills the tables pair_elements (each
// pair as element N, its index, one row per company) and pair_closure (the
// services the two failing together take down in g, the provider graph).
func (q *querier) pairs(g *graph.Graph, k int) ([]graph.Pair, error) {
	var out []graph.Pair
	err := q.rows(fmt.Sprintf("%s\nLIMIT %d", aql.Statements(aql.CoDependency)[0], k), func(r row) error {
		out = append(out, graph.Pair{A: r.str("provider_a"), B: r.str("provider_b"), Domains: r.int("domains")})
		return nil
	})
	if err != nil || len(out) == 0 {
		return out, err
	}
	var els, cl []string
	for i, p := range out {
		els = append(els, fmt.Sprintf("(%d, %s)", i, quote(p.A)), fmt.Sprintf("(%d, %s)", i, quote(p.B)))
		scenario := []graph.Element{{Kind: graph.KindProvider, Company: p.A}, {Kind: graph.KindProvider, Company: p.B}}
		for _, s := range g.Fail(scenario, false).Services {
			cl = append(cl, fmt.Sprintf("(%d, %s, %t)", i, quote(s.Service), s.NamesOnly))
		}
	}
	stmts := []string{"INSERT INTO pair_elements VALUES " + strings.Join(els, ", ")}
	if len(cl) > 0 {
		stmts = append(stmts, "INSERT INTO pair_closure VALUES "+strings.Join(cl, ", "))
	}
	for _, s := range stmts {
		if _, err := q.db.ExecContext(q.ctx, s); err != nil {
			return nil, fmt.Errorf("duckdb: %w", err)
		}
	}
	return out, nil
}

// downTogether sets the share and Down of every pair from the views and
// the last query of codependency.sql, run after blast.sql's views.
func (q *querier) downTogether(pairs []graph.Pair, domains int) error {
	for i := range pairs {
		if domains > 0 {
			pairs[i].Share = float64(pairs[i].Domains) / float64(domains)
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	st := aql.Statements(aql.CoDependency)
	for _, s := range materialize(st[1 : len(st)-1]) {
		if _, err := q.db.ExecContext(q.ctx, s); err != nil {
			return fmt.Errorf("duckdb: %w\n%s", err, s)
		}
	}
	down := map[int]int{}
	if err := q.rows(st[len(st)-1], func(r row) error {
		down[r.int("element")] = r.int("down_together")
		return nil
	}); err != nil {
		return err
	}
	for i := range pairs {
		pairs[i].Down = down[i]
	}
	return nil
}

// blast turns the rows of blast.sql into the blast radius of every
// element.
func (q *querier) blast(query string) ([]graph.Blast, error) {
	var out []graph.Blast
	err := q.rows(query, func(r row) error {
		el := graph.Element{Kind: graph.Kind(r.str("kind"))}
		switch el.Kind {
		case graph.KindProvider:
			el.Company = r.str("company")
		case graph.KindService:
			el.Company, el.Service, _ = strings.Cut(r.str("svc"), "/")
		case graph.KindRegion:
			el.Company, el.Region, _ = strings.Cut(r.str("region_key"), ":")
		case graph.KindASN:
			el.ASN = uint32(r.int("asn"))
		case graph.KindCountry:
			el.Country = r.str("country")
		}
		out = append(out, graph.Blast{
			Element: el, Domains: r.int("domains"), Direct: r.int("direct"), Transitive: r.int("transitive"),
			Share: r.float("share"), WeightedShare: r.float("weighted_share"),
			EmailFailed: r.int("email_domains"), EmailShare: r.float("email_share"), Services: r.int("services"),
			CADomains: r.int("ca_domains"), TLDDomains: r.int("tld_domains"), ServingDomains: r.int("serving_domains"),
		})
		return nil
	})
	return out, err
}

// finishSPOF sets AllOnOne and NoEscapeHatch of s from its providers on
// dns, cdn and hosting (joined by ';'), with graph.SPOF.SetLayers, the rule
// graph.Graph.SinglePoints uses.
func finishSPOF(s *graph.SPOF, providers [3]string) {
	var co [3]string
	var has [3]bool
	for i, p := range providers {
		if p == "" {
			continue
		}
		has[i] = true
		if !strings.Contains(p, ";") && p != classify.SelfProvider {
			co[i] = p
		}
	}
	s.SetLayers(co, has)
}

// asNames names the AS numbers of the addresses, as asNames does for the
// Go engine.
func (q *querier) asNames(j *Job) (func(uint32) string, error) {
	orgs := map[uint32]string{}
	err := q.rows("SELECT asn, MIN(address) AS address FROM addresses WHERE asn <> 0 GROUP BY asn", func(r row) error {
		asn := uint32(r.int("asn"))
		name := j.Ref.ASNTable.ASName(asn)
		if name == "" && j.DB != nil {
			if a, err := netip.ParseAddr(r.str("address")); err == nil {
				if info := j.DB.Lookup(a); info.ASN == asn {
					name = info.Org
				}
			}
		}
		orgs[asn] = name
		return nil
	})
	return func(a uint32) string { return orgs[a] }, err
}

// domainsQuery gives domains.csv's rows (domainOut) in report order.
const domainsQuery = `SELECT d.domain, CAST(d.rank AS BIGINT) AS rank, COALESCE(s.country, '') AS country, d.status, d.error,
  d.dns_providers, d.dns_state, d.dns_critical, d.cdn_providers, d.cdn_state, d.cdn_critical,
  d.hosting_providers, d.hosting_state, d.hosting_critical, d.email_providers, d.email_state, d.email_critical,
  d.ca_providers, d.ca_state, d.ca_critical, d.tld_providers, d.tld, d.tld_state, d.tld_critical
FROM domains d LEFT JOIN site_countries s ON s.domain = d.domain
ORDER BY CASE WHEN d.rank > 0 THEN 0 ELSE 1 END, d.rank, d.domain, d.status, d.error`

// dependenciesQuery gives dependencies.csv's rows (dependencyOut) in
// report order.
const dependenciesQuery = `SELECT domain, CAST(rank AS BIGINT) AS rank, layer, provider, service, region, evidence, evidence_value,
  CAST(confidence AS DOUBLE) AS confidence, third_party, catalogued
FROM dependencies ORDER BY CASE WHEN rank > 0 THEN 0 ELSE 1 END, rank, domain, seq`

// domainOut is a row of domains.csv as readRows reads it.
type domainOut struct {
	Domain           string `parquet:"domain,optional"`
	Rank             int64  `parquet:"rank,optional"`
	Country          string `parquet:"country,optional"`
	Status           string `parquet:"status,optional"`
	Error            string `parquet:"error,optional"`
	DNSProviders     string `parquet:"dns_providers,optional"`
	DNSState         string `parquet:"dns_state,optional"`
	DNSCritical      bool   `parquet:"dns_critical,optional"`
	CDNProviders     string `parquet:"cdn_providers,optional"`
	CDNState         string `parquet:"cdn_state,optional"`
	CDNCritical      bool   `parquet:"cdn_critical,optional"`
	HostingProviders string `parquet:"hosting_providers,optional"`
	HostingState     string `parquet:"hosting_state,optional"`
	HostingCritical  bool   `parquet:"hosting_critical,optional"`
	EmailProviders   string `parquet:"email_providers,optional"`
	EmailState       string `parquet:"email_state,optional"`
	EmailCritical    bool   `parquet:"email_critical,optional"`
	CAProviders      string `parquet:"ca_providers,optional"`
	CAState          string `parquet:"ca_state,optional"`
	CACritical       bool   `parquet:"ca_critical,optional"`
	TLDProviders     string `parquet:"tld_providers,optional"`
	TLD              string `parquet:"tld,optional"`
	TLDState         string `parquet:"tld_state,optional"`
	TLDCritical      bool   `parquet:"tld_critical,optional"`
}

// domainRows yields domains.csv's rows in report order from their
// Parquet file at path (domainsQuery's), with the companies of the single
// points of failure of spof (in the same order: did's) of each domain.
func (q *querier) domainRows(path string, spof *spofSpool, yield func(reports.DomainRow) bool) (err error) {
	col, err := spof.column()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, col.Close()) }()
	conv := func(d *domainOut) reports.DomainRow {
		return reports.DomainRow{Domain: d.Domain, Rank: int(d.Rank), Country: d.Country, Status: dnscrawl.Status(d.Status), Error: d.Error,
			DNSProviders: d.DNSProviders, DNSState: classify.State(d.DNSState), DNSCritical: d.DNSCritical,
			CDNProviders: d.CDNProviders, CDNState: classify.State(d.CDNState), CDNCritical: d.CDNCritical,
			HostingProviders: d.HostingProviders, HostingState: classify.State(d.HostingState), HostingCritical: d.HostingCritical,
			EmailProviders: d.EmailProviders, EmailState: classify.State(d.EmailState), EmailCritical: d.EmailCritical,
			CAProviders: d.CAProviders, CAState: classify.State(d.CAState), CACritical: d.CACritical,
			TLDProviders: d.TLDProviders, TLD: d.TLD, TLDState: classify.State(d.TLDState), TLDCritical: d.TLDCritical}
	}
	return readRows(q.ctx, path, conv, func(r reports.DomainRow) bool {
		r.SPOFProviders = col.of(r.Domain)
		return yield(r)
	})
}

// dependencyOut is a row of dependencies.csv as readRows reads it.
type dependencyOut struct {
	Domain        string  `parquet:"domain,optional"`
	Rank          int64   `parquet:"rank,optional"`
	Layer         string  `parquet:"layer,optional"`
	Provider      string  `parquet:"provider,optional"`
	Service       string  `parquet:"service,optional"`
	Region        string  `parquet:"region,optional"`
	Evidence      string  `parquet:"evidence,optional"`
	EvidenceValue string  `parquet:"evidence_value,optional"`
	Confidence    float64 `parquet:"confidence,optional"`
	ThirdParty    bool    `parquet:"third_party,optional"`
	Catalogued    bool    `parquet:"catalogued,optional"`
}

// dependencyRows yields dependencies.csv's rows in report order from
// their Parquet file at path (dependenciesQuery's).
func (q *querier) dependencyRows(path string, yield func(reports.DependencyRow) bool) error {
	conv := func(d *dependencyOut) reports.DependencyRow {
		return reports.DependencyRow{Domain: d.Domain, Rank: int(d.Rank), Layer: catalog.Layer(d.Layer), Provider: d.Provider, Service: d.Service,
			Region: d.Region, Evidence: classify.Evidence(d.Evidence), EvidenceValue: d.EvidenceValue, Confidence: d.Confidence,
			ThirdParty: d.ThirdParty, Catalogued: d.Catalogued}
	}
	return readRows(q.ctx, path, conv, yield)
}

// scan runs query and scans each row into dest, typed as the columns
// (no value per cell, as rows makes), then calls fn until it returns
// false.
func (q *querier) scan(query string, dest []any, fn func() bool) error {
	rs, err := q.db.QueryContext(q.ctx, query)
	if err != nil {
		return fmt.Errorf("duckdb: %w\n%s", err, query)
	}
	defer rs.Close()
	for rs.Next() {
		if err := rs.Scan(dest...); err != nil {
			return fmt.Errorf("duckdb: %w\n%s", err, query)
		}
		if !fn() {
			return nil
		}
	}
	return rs.Err()
}

// readEdges reads the provider_edges table.
func readEdges(pattern string) ([]graph.ProviderEdge, error) {
	var out []graph.ProviderEdge
	err := readParquetFiles(pattern, func(r EdgeTableRow) error {
		out = append(out, graph.ProviderEdge{From: r.From, To: r.To, Layer: catalog.Layer(r.Layer), Source: graph.EdgeSource(r.Source), Evidence: r.Evidence, Domains: int(r.Domains)})
		return nil
	})
	return out, err
}
