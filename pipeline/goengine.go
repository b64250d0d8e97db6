package pipeline

import (
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// GoEngine is the engine in Go: it classifies the observations on a
// pool of workers (GOMAXPROCS of them) in one process and holds every
// classified domain in memory, packed (classify.Result), so the list it
// can take is bounded by the machine's memory: about 0.8 KB of live heap
// per domain (0.8 GB for a million, docs/benchmarks.md).
type GoEngine struct{}

// MemoryLimit is the soft memory limit "chokepoint analyze" gives the Go
// runtime for a run of GoEngine over inputs (unless GOMEMLIMIT sets
// another): 9/8 of the size of the input files, at least 1 GiB, and no
// more than limitPerDomain bytes for each domain their crawls' manifests
// (crawl.json beside each input) count, when every input has one. With
// the default GOGC the heap would grow to twice the live one before a
// collection; the limit makes the collector run earlier (a million
// domains: 1.3 GB peak instead of 2.3 GB, for more CPU time in the
// collector: docs/benchmarks.md). The size alone misjudges crawls with
// TLS probes: their lines are 3.7 KB where a crawl without them has about
// 1.1 KB, for about the same classified domain, so the limit would have
// been 4.2 GB for a million probed domains. It is soft: when the live
// heap comes near it, collections are more frequent, never a failure. An
// input that is not a regular file counts for nothing, but a folder of
// classified tables (DuckDBEngine's input) gives tablesLimit.
func MemoryLimit(inputs []string) int64 {
	for _, in := range inputs {
		if Classified(in) {
			return tablesLimit
		}
	}
	var size int64
	domains, counted := 0, len(inputs) > 0
	for _, in := range inputs {
		if fi, err := os.Stat(in); err == nil && fi.Mode().IsRegular() {
			size += fi.Size()
		}
		m, err := dnscrawl.ReadManifest(filepath.Join(filepath.Dir(in), dnscrawl.ManifestName))
		if err != nil || m.Domains <= 0 {
			counted = false
		} else {
			domains += m.Domains
		}
	}
	limit := size + size/8
	if counted {
		limit = min(limit, int64(domains)*limitPerDomain)
	}
	return max(1<<30, limit)
}

// tablesLimit is MemoryLimit for a folder of classified tables, which
// DuckDBEngine analyses out of core. Its Go side keeps no list as long as
// the domains: what it holds is the report's table of domains (at most
// reports.MaxTableDomains lines, 76 MB), the row groups of the large CSV
// files being decoded and the figures (a million domains: 156 MB live at
// most, 293 MB before a collection; docs/benchmarks.md), about as much at
// ten million. DuckDB's memory is outside the Go heap and bounded by its
// own limit (--duckdb-memory), so the Go side is given a small one that
// keeps the two under the machine's memory together, with room for
// about three times its live heap.
const tablesLimit = 512 << 20

// limitPerDomain bounds MemoryLimit by the domains of the crawl: about
// 1.5 times the live heap a classified domain keeps once the run is
// through (BenchmarkLiveHeap: 0.84 KB), for the tail's own allocations.
const limitPerDomain = 1280

// Name returns "go".
func (GoEngine) Name() string { return "go" }

// minObservationLine is less than the bytes of any observation line
// ({"domain":"a.io","rank":1,"status":"nxdomain"} and its newline).
const minObservationLine = 40

// resultsHint returns the number of results to make room for at once:
// the domains of the crawl when its manifest describes the one input,
// so that the results are not grown step by step (a million results
// are 128 MB; grown a quarter at a time, about four times that is
// copied, and at each step the old and the new array are both live). The manifest is trusted no further than the input's size
// allows; 0 when there is no manifest or several inputs.
func resultsHint(j *Job) int {
	if j.Crawl == nil || len(j.Inputs) != 1 || j.Crawl.Domains <= 0 {
		return 0
	}
	fi, err := os.Stat(j.Inputs[0])
	if err != nil {
		return 0
	}
	return int(min(int64(j.Crawl.Domains), fi.Size()/minObservationLine))
}

// Analyze reads and classifies every input, then begins computing the
// metrics and the provider graph with the blast radius of every element
// (gathered.analyze): the Analysis's Summary waits for them, its Write
// begins dependencies.csv beside them.
func (GoEngine) Analyze(ctx context.Context, j *Job) (Analysis, error) {
	in, err := gather(ctx, j)
	if err != nil {
		return nil, err
	}
	return in.analyze(j), nil
}

// gathered is what the read loop of GoEngine keeps: every classified
// domain and what the figures need besides.
type gathered struct {
	start     time.Time
	results   []classify.Result
	order     []int32 // results' report order (reports.ReportOrder)
	countries map[string]string
	edges     []graph.ProviderEdge
	files     []reports.ObservationFile
	skipped   int
	simulated bool
}

// gather reads and classifies every input of j.
func gather(ctx context.Context, j *Job) (*gathered, error) {
	start := time.Now().UTC()
	log := j.Log
	cl := classify.New(j.Catalog, j.DB).WithRanges(j.Ref.Ranges)
	var countries map[string]string
	if j.List != "" {
		w := log
		if j.ListQuiet {
			w = io.Discard
		}
		var err error
		if countries, err = ReadSiteCountries(ctx, j.List, j.ListFormat, w); err != nil {
			return nil, err
		}
	}
	edges := NewEdgeGatherer(j.Catalog, cl)
	// The ca layer of a resolved domain whose crawl ran no TLS probe
	// (--no-probe, observations from before the probes, zdns input) is
	// not measured, never "no CA".
	notMeasured := metrics.NewNotMeasured(catalog.LayerCA)
	hint := resultsHint(j)
	results := make([]classify.Result, 0, hint)
	seen := newDomainSet(hint)
	files := make([]reports.ObservationFile, len(j.Inputs))
	skipped := 0
	// simulated: an observation says it came from the simulated internet
	// (shards, or a file without its crawl.json, keep the banner).
	simulated := false
	for i, path := range j.Inputs {
		file := &files[i]
		file.Path = path
		keep := func(ob *dnscrawl.Observation, r classify.Result, certs []classify.CertEdge) {
			if seen.add(ob.Domain, results) {
				file.Duplicates++
				fmt.Fprintf(log, "chokepoint: %s: domain %s already read, keeping the first\n", path, ob.Domain)
				return
			}
			simulated = simulated || ob.Simulated
			file.Observations++
			edges.AddCertEdges(ob, certs)
			if ob.Status == dnscrawl.StatusOK && len(ob.TLS) == 0 {
				notMeasured.Mark(&r)
			}
			results = append(results, r)
		}
		printed, done := printSkipped(log, path)
		skip := func(le *dnscrawl.LineError) {
			file.Skip(le.Line)
			printed(le)
		}
		var err error
		if j.InputFormat == "" || j.InputFormat == InputChokepoint {
			err = classifyObservations(ctx, path, cl, skip, keep)
		} else {
			err = ReadInputSkipping(ctx, j.InputFormat, path, skip, func(ob *dnscrawl.Observation) { keep(ob, cl.Classify(ob), cl.CertHostEdges(ob)) })
		}
		done()
		if err != nil {
			return nil, err
		}
		skipped += file.Skipped
	}
	if len(results) == 0 {
		if skipped > 0 {
			return nil, inputf("no readable observation in %v: %d lines skipped", j.Inputs, skipped)
		}
		return nil, inputf("no observation in %v", j.Inputs)
	}
	// The report order is found beside Finish, which changes no field it
	// compares (a million: 0.6 s of one core each).
	var order []int32
	var sorting sync.WaitGroup
	sorting.Go(func() { order = reports.ReportOrder(results) })
	classify.Finish(results)
	sorting.Wait()
	return &gathered{start: start, results: results, order: order, countries: countries, edges: edges.Edges(),
		files: files, skipped: skipped, simulated: simulated}, nil
}

// domainSet is the set of the domains gather kept, without a pointer for
// the collector to follow: the hash of each name, with the position of
// its result (whose Domain it is), instead of a map of a million strings.
// Names whose hash another name has are kept by name in more. The result
// at a position has the domain added there (classify.Result.Domain is
// the observation's).
type domainSet struct {
	seed maphash.Seed
	at   map[uint64]int32
	more map[string]struct{}
}

func newDomainSet(hint int) *domainSet {
	return &domainSet{seed: maphash.MakeSeed(), at: make(map[uint64]int32, hint), more: map[string]struct{}{}}
}

// add adds domain, whose result is to be appended to results, and
// reports whether it was in the set already.
func (s *domainSet) add(domain string, results []classify.Result) bool {
	h := maphash.String(s.seed, domain)
	i, ok := s.at[h]
	if !ok {
		s.at[h] = int32(len(results))
		return false
	}
	if results[i].Domain == domain {
		return true
	}
	if _, ok := s.more[domain]; ok {
		return true
	}
	s.more[domain] = struct{}{}
	return false
}
