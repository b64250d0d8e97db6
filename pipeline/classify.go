package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// ClassifyOptions are the inputs of Classify: the observation files of
// one shard and where its tables go. The catalog and reference data are
// those of Options.
type ClassifyOptions struct {
	// Options gives Inputs, InputFormat, Catalog, DataDir, ASNDB,
	// CountryDB, ASNTables and Log; Out is the folder of the tables
	// (DIR in DIR/<table>/shard=<Shard>/part-*.parquet). The other
	// fields are not used.
	Options
	// Shard names the shard's folders ("0", "17"); "" is "0". Letters,
	// digits, '-' and '_' only.
	Shard string
	// PartRows is the largest number of rows of one Parquet file (0:
	// DefaultPartRows).
	PartRows int
}

// DefaultPartRows is the default largest number of rows of one part file.
const DefaultPartRows = 1 << 20

// ClassifySummary is what Classify wrote.
type ClassifySummary struct {
	// Domains is the number of domains classified (one row each in the
	// domains table, or in pending); Pending the number of them whose
	// list-level decisions wait for FinishClassified.
	Domains, Pending int
	// Dependencies, Addresses and Edges are the rows of those tables.
	Dependencies, Addresses, Edges int
	// SkippedLines are the input lines that could not be read;
	// Duplicates the domains seen again and not kept.
	SkippedLines, Duplicates int
	// Files are the inputs with what was read from each, in order (also
	// written as the crawl table's InputsName).
	Files []reports.ObservationFile
}

var shardNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Classify classifies the observations of one shard and writes its
// tables in Hive layout under o.Out: domains, dependencies, addresses,
// edges and pending, each DIR/<table>/shard=<K>/part-NNNNN.parquet. It
// streams: observations are decoded and classified in batches and their
// rows written at once, so its memory does not grow with the shard's
// size except for the set of domain names seen (to keep the first of a
// domain seen twice, as analyze does), the edges seen (one per pair of
// services) and the pending domains.
//
// A pending domain (classify.Result.Pending) is one whose list-level
// decisions (classify.Finish: an uncatalogued operator's TLD variants,
// a family of sites, the sole user of an operator) need the other
// shards: it is written to the pending table with its hints, and its
// domains and dependencies rows are written by FinishClassified, which
// decides over the pending domains of every shard together, exactly as
// analyze decides over the whole list.
//
// A shard's previous tables are replaced when the new ones are complete.
func Classify(ctx context.Context, o ClassifyOptions) (ClassifySummary, error) {
	var sum ClassifySummary
	if o.Shard == "" {
		o.Shard = "0"
	}
	if !shardNameRe.MatchString(o.Shard) || o.Shard == FinishedShard {
		return sum, inputf("--shard %q: want letters, digits, '-' or '_' (and not %q)", o.Shard, FinishedShard)
	}
	if o.Out == "" {
		return sum, inputf("classify: no output folder (--out)")
	}
	if o.PartRows <= 0 {
		o.PartRows = DefaultPartRows
	}
	j, err := Prepare(o.Options)
	if err != nil {
		return sum, err
	}
	defer j.DB.Close()
	log := j.Log

	// Written to shard=K.tmp folders, renamed into place at the end.
	tables := []string{TableDomains, TableDependencies, TableAddresses, TableEdges, TablePending, TableCrawl}
	tmp := func(t string) string { return filepath.Join(o.Out, t, "shard="+o.Shard+".tmp") }
	for _, t := range tables {
		if err := os.RemoveAll(tmp(t)); err != nil {
			return sum, err
		}
	}
	doms, err1 := newPartWriter[DomainTableRow](tmp(TableDomains), o.PartRows)
	deps, err2 := newPartWriter[DependencyTableRow](tmp(TableDependencies), o.PartRows)
	addrs, err3 := newPartWriter[AddressTableRow](tmp(TableAddresses), o.PartRows)
	edgesW, err4 := newPartWriter[EdgeTableRow](tmp(TableEdges), o.PartRows)
	pend, err5 := newPartWriter[PendingTableRow](tmp(TablePending), o.PartRows)
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return sum, err
	}

	cl := classify.New(j.Catalog, j.DB).WithRanges(j.Ref.Ranges)
	// Only the edges the crawl saw: the catalog's are added once, by
	// FinishClassified.
	edges := NewEdgeGatherer(j.Catalog, cl)
	notMeasured := metrics.NewNotMeasured(catalog.LayerCA)
	seen := make(map[string]struct{})
	var depRows []DependencyTableRow
	var addrRows []AddressTableRow
	var werr error
	sum.Files = make([]reports.ObservationFile, len(j.Inputs))
	keep := func(file *reports.ObservationFile, ob *dnscrawl.Observation, r classify.Result, ces []classify.CertEdge) {
		if werr != nil {
			return
		}
		if _, dup := seen[ob.Domain]; dup {
			sum.Duplicates++
			file.Duplicates++
			fmt.Fprintf(log, "chokepoint: %s: domain %s already read, keeping the first\n", file.Path, ob.Domain)
			return
		}
		seen[ob.Domain] = struct{}{}
		file.Observations++
		edges.AddCertEdges(ob, ces)
		if ob.Status == dnscrawl.StatusOK && len(ob.TLS) == 0 {
			notMeasured.Mark(&r)
		}
		sum.Domains++
		addrRows = addressTableRows(addrRows[:0], &r, dnsByName(&r))
		sum.Addresses += len(addrRows)
		if werr = addrs.Write(addrRows...); werr != nil {
			return
		}
		if r.Pending() {
			sum.Pending++
			row, err := pendingRow(&r, ob.Simulated)
			if err != nil {
				werr = err
				return
			}
			werr = pend.Write(row)
			return
		}
		depRows = dependencyTableRows(depRows[:0], &r)
		fillKeys(depRows)
		sum.Dependencies += len(depRows)
		if werr = deps.Write(depRows...); werr != nil {
			return
		}
		row := domainTableRow(&r)
		row.Simulated = ob.Simulated
		werr = doms.Write(row)
	}
	for i, path := range j.Inputs {
		file := &sum.Files[i]
		file.Path = path
		printed, done := printSkipped(log, path)
		skip := func(le *dnscrawl.LineError) {
			sum.SkippedLines++
			file.Skip(le.Line)
			printed(le)
		}
		keepFrom := func(ob *dnscrawl.Observation, r classify.Result, ces []classify.CertEdge) { keep(file, ob, r, ces) }
		if j.InputFormat == "" || j.InputFormat == InputChokepoint {
			err = classifyObservations(ctx, path, cl, skip, keepFrom)
		} else {
			err = ReadInputSkipping(ctx, j.InputFormat, path, skip, func(ob *dnscrawl.Observation) { keepFrom(ob, cl.Classify(ob), cl.CertHostEdges(ob)) })
		}
		done()
		if err = errors.Join(err, werr); err != nil {
			return sum, err
		}
	}
	if sum.Domains == 0 {
		if sum.SkippedLines > 0 {
			return sum, inputf("no readable observation in %v: %d lines skipped", j.Inputs, sum.SkippedLines)
		}
		return sum, inputf("no observation in %v", j.Inputs)
	}
	for _, e := range edges.crawled() {
		sum.Edges++
		if err := edgesW.Write(edgeRow(e)); err != nil {
			return sum, err
		}
	}
	if err := errors.Join(doms.Close(), deps.Close(), addrs.Close(), edgesW.Close(), pend.Close()); err != nil {
		return sum, err
	}
	if err := os.MkdirAll(tmp(TableCrawl), 0o755); err != nil {
		return sum, err
	}
	if j.Crawl != nil {
		if err := dnscrawl.WriteManifest(filepath.Join(tmp(TableCrawl), dnscrawl.ManifestName), j.Crawl); err != nil {
			return sum, err
		}
	}
	inputs, err := json.MarshalIndent(sum.Files, "", "  ")
	if err != nil {
		return sum, err
	}
	if err := os.WriteFile(filepath.Join(tmp(TableCrawl), InputsName), append(inputs, '\n'), 0o644); err != nil {
		return sum, err
	}
	for _, t := range tables {
		final := filepath.Join(o.Out, t, "shard="+o.Shard)
		if err := os.RemoveAll(final); err != nil {
			return sum, err
		}
		if err := os.Rename(tmp(t), final); err != nil {
			return sum, err
		}
	}
	// The finished rows and global tables of an earlier FinishClassified
	// no longer hold.
	for _, stale := range []string{
		filepath.Join(o.Out, TableDomains, "shard="+FinishedShard), filepath.Join(o.Out, TableDependencies, "shard="+FinishedShard),
		filepath.Join(o.Out, TableClosure), filepath.Join(o.Out, TableProviderEdges), filepath.Join(o.Out, TableElements),
	} {
		if err := os.RemoveAll(stale); err != nil {
			return sum, err
		}
	}
	logf(log, "classify: shard %s: %d domains (%d pending for --finish), %d dependencies, %d addresses, %d edges in %s\n",
		o.Shard, sum.Domains, sum.Pending, sum.Dependencies, sum.Addresses, sum.Edges, o.Out)
	return sum, nil
}

func edgeRow(e graph.ProviderEdge) EdgeTableRow {
	return EdgeTableRow{From: e.From, To: e.To, Layer: string(e.Layer), Source: string(e.Source), Evidence: e.Evidence, Domains: int64(e.Domains)}
}

// pendingRow is r (without its addresses) and its hints as JSON.
func pendingRow(r *classify.Result, simulated bool) (PendingTableRow, error) {
	c := *r
	c.SetAddrs(nil)
	res, err := json.Marshal(&c)
	if err != nil {
		return PendingTableRow{}, err
	}
	h, err := json.Marshal(r.ListHints())
	if err != nil {
		return PendingTableRow{}, err
	}
	return PendingTableRow{Domain: r.Domain, Result: string(res), Hints: string(h), Simulated: simulated}, nil
}

// decodePending is the pending result of row p, hints set.
func decodePending(p PendingTableRow) (classify.Result, error) {
	var r classify.Result
	if err := json.Unmarshal([]byte(p.Result), &r); err != nil {
		return r, fmt.Errorf("pending %s: %w", p.Domain, err)
	}
	var h classify.ListHints
	if err := json.Unmarshal([]byte(p.Hints), &h); err != nil {
		return r, fmt.Errorf("pending %s: %w", p.Domain, err)
	}
	r.SetListHints(&h)
	return r, nil
}

// FinishSummary is what FinishClassified wrote.
type FinishSummary struct {
	// Shards are the shard folders found; Pending the domains decided.
	Shards  []string
	Pending int
	// Edges are the provider_edges rows (the catalog's and the shards');
	// Closure the closure rows; Elements the elements of the blast radii.
	Edges, Closure, Elements int
}

// FinishClassified completes the tables Classify wrote under dir, once
// every shard is there: it reads the pending domains of every shard,
// makes their list-level decisions together (classify.Finish) and writes
// their rows as shard=finished of domains and dependencies; it merges
// the shards' edges with the catalog's into provider_edges, lists the
// elements whose blast radius the analysis computes (elements), and
// computes what each element's failure does to the services through the
// provider graph (closure). It holds the pending domains, the edges and
// the distinct services, regions, AS numbers and countries in memory:
// the domains table is not read whole.
func FinishClassified(ctx context.Context, dir string, cat *catalog.Catalog, log io.Writer) (FinishSummary, error) {
	var sum FinishSummary
	shards, err := filepath.Glob(filepath.Join(dir, TableDomains, "shard=*"))
	if err != nil {
		return sum, err
	}
	for _, s := range shards {
		name := strings.TrimPrefix(filepath.Base(s), "shard=")
		if name != FinishedShard && !strings.HasSuffix(name, ".tmp") {
			sum.Shards = append(sum.Shards, name)
		}
	}
	if len(sum.Shards) == 0 {
		return sum, inputf("classify --finish: no shard in %s (run chokepoint classify --out %s first)", dir, dir)
	}
	files := func(table string) string { return filepath.Join(dir, table, "shard=*", "*.parquet") }

	var pending []classify.Result
	simulated := map[string]bool{}
	err = readParquetFiles(files(TablePending), func(p PendingTableRow) error {
		r, err := decodePending(p)
		pending = append(pending, r)
		if p.Simulated {
			simulated[p.Domain] = true
		}
		return err
	})
	if err != nil {
		return sum, err
	}
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	classify.Finish(pending)
	sum.Pending = len(pending)
	for _, t := range []string{TableDomains, TableDependencies} {
		if err := os.RemoveAll(filepath.Join(dir, t, "shard="+FinishedShard)); err != nil {
			return sum, err
		}
	}
	doms, err1 := newPartWriter[DomainTableRow](filepath.Join(dir, TableDomains, "shard="+FinishedShard), DefaultPartRows)
	deps, err2 := newPartWriter[DependencyTableRow](filepath.Join(dir, TableDependencies, "shard="+FinishedShard), DefaultPartRows)
	if err := errors.Join(err1, err2); err != nil {
		return sum, err
	}
	var depRows []DependencyTableRow
	for i := range pending {
		r := &pending[i]
		depRows = dependencyTableRows(depRows[:0], r)
		fillKeys(depRows)
		row := domainTableRow(r)
		row.Simulated = simulated[r.Domain]
		if err := errors.Join(deps.Write(depRows...), doms.Write(row)); err != nil {
			return sum, err
		}
	}
	if err := errors.Join(doms.Close(), deps.Close()); err != nil {
		return sum, err
	}

	edges, err := mergedEdges(files(TableEdges), cat)
	if err != nil {
		return sum, err
	}
	sum.Edges = len(edges)
	if err := writeTable(filepath.Join(dir, TableProviderEdges), func(w *partWriter[EdgeTableRow]) error {
		for _, e := range edges {
			if err := w.Write(edgeRow(e)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return sum, err
	}

	els, err := blastElements(files, cat, edges)
	if err != nil {
		return sum, err
	}
	sum.Elements = len(els)
	if err := writeTable(filepath.Join(dir, TableElements), func(w *partWriter[ElementTableRow]) error {
		return w.Write(els...)
	}); err != nil {
		return sum, err
	}
	g := graph.Build(nil, cat, edges)
	if err := writeTable(filepath.Join(dir, TableClosure), func(w *partWriter[ClosureTableRow]) error {
		for _, e := range els {
			rows := closureRows(g, e)
			sum.Closure += len(rows)
			if err := w.Write(rows...); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return sum, err
	}
	logf(log, "classify --finish: %d shards, %d pending domains decided, %d provider edges, %d elements, %d closure rows in %s\n",
		len(sum.Shards), sum.Pending, sum.Edges, sum.Elements, sum.Closure, dir)
	return sum, nil
}

// writeTable replaces the global table in folder dir with what fill
// writes.
func writeTable[T any](dir string, fill func(*partWriter[T]) error) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	w, err := newPartWriter[T](dir, DefaultPartRows)
	if err != nil {
		return err
	}
	return errors.Join(fill(w), w.Close())
}

// mergedEdges returns the catalog's edges and those of the shards,
// merged: the same (from, to, layer, source) seen by several shards is
// one edge with their domain counts added, its evidence the smallest of
// theirs (one shard: the evidence analyze gives).
func mergedEdges(pattern string, cat *catalog.Catalog) ([]graph.ProviderEdge, error) {
	type key struct{ from, to, layer, source string }
	byKey := map[key]*graph.ProviderEdge{}
	var order []key
	err := readParquetFiles(pattern, func(r EdgeTableRow) error {
		k := key{r.From, r.To, r.Layer, r.Source}
		e := byKey[k]
		if e == nil {
			e = &graph.ProviderEdge{From: r.From, To: r.To, Layer: catalog.Layer(r.Layer), Source: graph.EdgeSource(r.Source), Evidence: r.Evidence}
			byKey[k] = e
			order = append(order, k)
		} else if r.Evidence < e.Evidence {
			e.Evidence = r.Evidence
		}
		e.Domains += int(r.Domains)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := graph.CatalogEdges(cat)
	crawl := make([]graph.ProviderEdge, 0, len(order))
	for _, k := range order {
		crawl = append(crawl, *byKey[k])
	}
	slices.SortFunc(crawl, func(a, b graph.ProviderEdge) int {
		return strings.Compare(a.From+"\x00"+a.To+"\x00"+string(a.Layer)+"\x00"+string(a.Source), b.From+"\x00"+b.To+"\x00"+string(b.Layer)+"\x00"+string(b.Source))
	})
	return append(out, crawl...), nil
}

// blastElements lists the elements whose blast radius the analysis
// computes, as graph.Graph.Elements does: every company and service a
// domain depends on, every region of a dependency, every AS and country
// of an address the graph records.
func blastElements(files func(string) string, cat *catalog.Catalog, edges []graph.ProviderEdge) ([]ElementTableRow, error) {
	svcs := map[string]bool{}
	regions := map[string]bool{}
	err := readParquetFiles(files(TableDependencies), func(d DependencyTableRow) error {
		if d.Svc != "" {
			svcs[d.Svc] = true
		}
		if d.RegionKey != "" {
			regions[d.RegionKey] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	asns := map[uint32]bool{}
	countries := map[string]bool{}
	err = readParquetFiles(files(TableAddresses), func(a AddressTableRow) error {
		if !a.InGraph {
			return nil
		}
		if a.ASN != 0 {
			asns[uint32(a.ASN)] = true
		}
		if a.Country != "" {
			countries[a.Country] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var els []graph.Element
	companies := map[string]bool{}
	for s := range svcs {
		c, sv, _ := strings.Cut(s, "/")
		if !companies[c] {
			companies[c] = true
			els = append(els, graph.Element{Kind: graph.KindProvider, Company: c})
		}
		els = append(els, graph.Element{Kind: graph.KindService, Company: c, Service: sv})
	}
	for r := range regions {
		c, reg, _ := strings.Cut(r, ":")
		els = append(els, graph.Element{Kind: graph.KindRegion, Company: c, Region: reg})
	}
	for a := range asns {
		els = append(els, graph.Element{Kind: graph.KindASN, ASN: a})
	}
	for c := range countries {
		els = append(els, graph.Element{Kind: graph.KindCountry, Country: c})
	}
	slices.SortFunc(els, graph.CompareElements)
	out := make([]ElementTableRow, len(els))
	for i, e := range els {
		row := ElementTableRow{Ord: int32(i), Kind: string(e.Kind), Element: e.String(), Company: e.Company, ASN: int64(e.ASN), Country: e.Country}
		switch e.Kind {
		case graph.KindService:
			row.Svc = e.Company + "/" + e.Service
		case graph.KindRegion:
			row.RegionKey = e.Company + ":" + e.Region
		}
		out[i] = row
	}
	return out, nil
}

// closureRows are the services e's failure takes down in g, the provider
// graph without domains (the services only dependencies name are not in
// it: the SQL matches e's own by name).
func closureRows(g *graph.Graph, e ElementTableRow) []ClosureTableRow {
	var el graph.Element
	switch graph.Kind(e.Kind) {
	case graph.KindProvider:
		el = graph.Element{Kind: graph.KindProvider, Company: e.Company}
	case graph.KindService:
		c, s, _ := strings.Cut(e.Svc, "/")
		el = graph.Element{Kind: graph.KindService, Company: c, Service: s}
	case graph.KindASN:
		el = graph.Element{Kind: graph.KindASN, ASN: uint32(e.ASN)}
	default:
		return nil // regions and countries take no service down
	}
	var out []ClosureTableRow
	for _, s := range g.Fail([]graph.Element{el}, false).Services {
		out = append(out, ClosureTableRow{Kind: e.Kind, Element: e.Element, Svc: s.Service, Direct: s.Direct, NamesOnly: s.NamesOnly})
	}
	return out
}
