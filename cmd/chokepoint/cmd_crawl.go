package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
	"unsafe"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/probe"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// ObservationsName is the file a crawl writes in its output directory.
const ObservationsName = "observations.jsonl"

type crawlOptions struct {
	Input          string
	InputFormat    domains.Format
	Out            string
	Resolvers      []string
	ResolvConf     string
	Concurrency    int
	Timeout        time.Duration
	DomainTimeout  time.Duration
	Retries        int
	QPS            float64
	QPSPerResolver float64
	Progress       time.Duration
	Resume         bool
	Shard          dnscrawl.Shard
	// ShardAuto is N of --shard auto/N (0 otherwise): the shard is taken
	// from a Kubernetes Indexed Job's JOB_COMPLETION_INDEX and the output
	// goes to the folder Out/shard=K (resolveShard). lookupEnv, when
	// set, replaces os.LookupEnv (tests).
	ShardAuto int
	lookupEnv func(string) (string, bool)
	// MaxFailed is the largest fraction of the domains looked up that may
	// fail on network errors (timeout, network_error) before the crawl
	// ends with exit code 1; 1 accepts any crawl.
	MaxFailed float64
	// Force replaces an observations.jsonl already in Out. Without it,
	// and without Resume, the crawl refuses to start.
	Force bool
	// AllowDifferentList lets Resume continue a crawl made from another
	// list (or shard); crawl.json then names both.
	AllowDifferentList bool
	// Iterative resolves from the root down instead of through
	// Resolvers (data/iterative); see iterativeOptions.
	Iterative iterativeOptions
	// Simulated marks a crawl of the simulated internet (set by demo).
	// Such a crawl may replace the output of an earlier simulated crawl
	// without Force: demo regenerates it.
	Simulated bool
	// Probe, NoProbe, ProbeTimeout, ProbeConcurrency and CARoots set
	// the TLS and HTTP probes made after each domain's DNS lookups
	// (data/probe).
	Probe            probeFlag
	NoProbe          bool
	ProbeTimeout     time.Duration
	ProbeConcurrency int
	CARoots          string
	// ProbePerAddress is the number of probe connections open at once
	// to one address (0: the prober's default, 2). No flag sets it: demo
	// raises it, as it lifts the rate limit, since the simulator runs
	// on this machine.
	ProbePerAddress int
}

func defaultCrawlOptions() crawlOptions {
	return crawlOptions{
		InputFormat:   domains.FormatAuto,
		Out:           ".",
		ResolvConf:    "/etc/resolv.conf",
		Concurrency:   64,
		Timeout:       2 * time.Second,
		DomainTimeout: 30 * time.Second,
		Retries:       2,
		// Polite for a public resolver (Google Public DNS allows 1,500
		// queries/s per client address); raise it or set 0 for a
		// resolver of your own.
		QPSPerResolver: 1000,
		Iterative:      defaultIterativeOptions(),
		Progress:       5 * time.Second,
		// The report's threshold of missing data: a crawl that exits 0
		// never gets a report that says its data is missing.
		MaxFailed: reports.MissingFraction,
		Probe:     probeFlag{kinds: []probe.Kind{probe.KindTLS, probe.KindHTTP}},
		// One connection is bounded by ProbeTimeout; a domain takes at
		// most two at once (apex and www) and two in a row (HTTPS, HTTP).
		ProbeTimeout:     5 * time.Second,
		ProbeConcurrency: 32,
	}
}

func addCrawlFlags(cmd *cobra.Command, o *crawlOptions) {
	f := cmd.Flags()
	f.Var(&o.InputFormat, "input-format", "format of the domain list: auto, text, csv, tranco")
	f.StringArrayVar(&o.Resolvers, "resolver", nil, "recursive resolver as IP:port; repeat to spread queries over several (default: the system's, from /etc/resolv.conf)")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "domains crawled at once")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "timeout of one DNS query")
	f.DurationVar(&o.DomainTimeout, "domain-timeout", o.DomainTimeout, "timeout of all the lookups of one domain")
	f.IntVar(&o.Retries, "retries", o.Retries, "extra attempts for a query that timed out, got SERVFAIL or a network error")
	f.Float64Var(&o.QPS, "qps", o.QPS, "limit on queries per second over all resolvers (0: no limit)")
	f.Float64Var(&o.QPSPerResolver, "qps-per-resolver", o.QPSPerResolver, "limit on queries per second to each resolver (0: no limit)")
	f.DurationVar(&o.Progress, "progress", o.Progress, "interval of progress lines on stderr when it is not a terminal (0: no progress at all)")
	f.BoolVar(&o.Resume, "resume", o.Resume, "continue an interrupted crawl of the same list: keep the domains already in observations.jsonl (a torn last line is cut and redone) and append the rest")
	f.BoolVar(&o.Force, "force", o.Force, "replace the observations.jsonl already in the output directory (without --force or --resume the crawl refuses to start)")
	f.BoolVar(&o.AllowDifferentList, "allow-different-list", o.AllowDifferentList, "with --resume: continue although crawl.json says the observations come from another list or shard; crawl.json then names both")
	f.Float64Var(&o.MaxFailed, "max-failed", o.MaxFailed, "exit with code 1 when more than this fraction of the domains looked up failed on network errors (timeout, network_error); 1: never")
	addIterativeFlags(cmd, &o.Iterative)
	f.Var(shardValue{o}, "shard", "crawl only part K of N of the list (1 <= K <= N), by a stable hash of each domain; analyze takes the shards' outputs together. auto/N: K is JOB_COMPLETION_INDEX+1 (Kubernetes Indexed Job) and the output goes to OUT/shard=K")
	f.Var(&o.Probe, "probe", "probes made after each domain's DNS lookups: tls (handshake with the apex and www on 443: certificate chain, OCSP stapling), http (one HEAD to www: edge headers), or both")
	f.BoolVar(&o.NoProbe, "no-probe", o.NoProbe, "no TLS or HTTP probe: DNS only")
	f.DurationVar(&o.ProbeTimeout, "probe-timeout", o.ProbeTimeout, "timeout of one probe connection: connect, handshake and response")
	f.IntVar(&o.ProbeConcurrency, "probe-concurrency", o.ProbeConcurrency, "domains probed at once (at most 2 connections at once to any one address)")
	f.StringVar(&o.CARoots, "ca-roots", o.CARoots, "PEM `FILE` of root certificates to verify the chains against, instead of the system's (simnet writes simnet-roots.pem)")
}

func newCrawlCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	o := defaultCrawlOptions()
	cmd := &cobra.Command{
		Use:   "crawl LIST",
		Short: "Crawl the DNS of a domain list into observations.jsonl",
		Long: `crawl reads a domain list (a file, or - for standard input) and writes one
JSON line per domain to DIR/observations.jsonl, and DIR/crawl.json with the
crawl's counts. "chokepoint analyze" turns that into reports.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Input = args[0]
			defer startProfile("crawl", stderr)()
			_, err := runCrawl(cmd.Context(), o, stdin, stdout, stderr)
			return err
		},
	}
	cmd.Flags().StringVarP(&o.Out, "out", "o", o.Out, "output directory")
	addCrawlFlags(cmd, &o)
	return cmd
}

// validate refuses flag values that make no sense, before anything is
// read or sent.
func (o *crawlOptions) validate() error {
	switch {
	case o.Concurrency < 1:
		return usagef("--concurrency %d: want 1 or more domains at once", o.Concurrency)
	case o.Timeout <= 0:
		return usagef("--timeout %s: want a positive duration, such as 2s", o.Timeout)
	case o.DomainTimeout <= 0:
		return usagef("--domain-timeout %s: want a positive duration, such as 30s", o.DomainTimeout)
	case o.Retries < 0:
		return usagef("--retries %d: want 0 (no retry) or more", o.Retries)
	case !validRate(o.QPS):
		return usagef("--qps %g: want 0 (no limit) or a positive number of queries per second", o.QPS)
	case !validRate(o.QPSPerResolver):
		return usagef("--qps-per-resolver %g: want 0 (no limit) or a positive number of queries per second", o.QPSPerResolver)
	case o.Progress < 0:
		return usagef("--progress %s: want a positive interval, or 0 for no progress", o.Progress)
	case !(o.MaxFailed >= 0 && o.MaxFailed <= 1):
		return usagef("--max-failed %g: want a fraction from 0 to 1, such as 0.5 for half the domains", o.MaxFailed)
	case o.Resume && o.Force:
		return usagef("--resume keeps observations.jsonl and --force replaces it: give one of them")
	case o.AllowDifferentList && !o.Resume:
		return usagef("--allow-different-list goes with --resume")
	case o.NoProbe && o.Probe.set:
		return usagef("--probe says which probes to make and --no-probe makes none: give one of them")
	case o.ProbeTimeout <= 0:
		return usagef("--probe-timeout %s: want a positive duration, such as 5s", o.ProbeTimeout)
	case o.ProbeConcurrency < 1:
		return usagef("--probe-concurrency %d: want 1 or more domains at once", o.ProbeConcurrency)
	}
	if err := o.Iterative.validate(len(o.Resolvers) > 0); err != nil {
		return err
	}
	if err := o.resolveShard(); err != nil {
		return err
	}
	if o.Shard.N != 0 {
		if _, err := dnscrawl.ParseShard(o.Shard.String()); err != nil {
			return usageError{err}
		}
	}
	for _, r := range o.Resolvers {
		if err := dnscrawl.CheckResolver(r); err != nil {
			return usageError{err}
		}
	}
	return nil
}

// validRate reports whether q is a usable rate limit: 0 (none) or a
// positive finite number. NaN fails.
func validRate(q float64) bool { return q >= 0 && !math.IsInf(q, 0) }

// crawlGCPercent is the crawl's GOGC unless the environment sets one. A
// crawl's live heap is mostly its list (about 50 bytes a domain) and
// grows with it; with Go's default of 100 the heap may reach twice that
// before a collection, which put a million-domain crawl at 177-197 MB
// of RSS. At 50 the heap stays within 1.5 times the live one, in
// proportion to any list size; a crawl allocates little per query
// (docs/benchmarks.md), so the extra collections cost about 1 % of its
// CPU.
const crawlGCPercent = 50

// runCrawl crawls the list and writes observations.jsonl and crawl.json in
// opts.Out. It returns the manifest, also when interrupted (with an error
// that wraps context.Canceled) or when too many lookups failed (with a
// *failedError).
//
// Everything that can be checked is checked before the first query: the
// flags, the output directory (an existing crawl is replaced only with
// --force, resumed only from the same list), the whole list (read into
// memory: its hash and size are needed before the crawl starts).
func runCrawl(ctx context.Context, o crawlOptions, stdin io.Reader, stdout, stderr io.Writer) (*dnscrawl.Manifest, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(crawlGCPercent))
	}
	resolvers := o.Resolvers
	iter, err := o.Iterative.resolver(o.Timeout, o.Retries)
	if err != nil {
		return nil, err
	}
	if iter != nil {
		defer iter.Close()
		resolvers = []string{o.Iterative.describe()}
	} else if len(resolvers) == 0 {
		var err error
		if resolvers, err = dnscrawl.SystemResolvers(o.ResolvConf); err != nil {
			return nil, fmt.Errorf("no --resolver given and %w", err)
		}
	}
	crawlCfg := dnscrawl.Config{
		Resolvers: resolvers, Concurrency: o.Concurrency, Timeout: o.Timeout,
		DomainTimeout: o.DomainTimeout, Retries: retriesFlag(o.Retries), QPS: o.QPS, QPSPerResolver: o.QPSPerResolver,
		ProbeConcurrency: o.ProbeConcurrency,
	}
	if iter != nil {
		crawlCfg.Resolvers, crawlCfg.Iterative = nil, iter
	}
	if _, err := dnscrawl.New(crawlCfg); err != nil {
		return nil, usageError{err}
	}
	roots, err := loadCARoots(o.CARoots)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(o.Out, ObservationsName)
	manifestPath := filepath.Join(o.Out, dnscrawl.ManifestName)
	existing, err := checkOverwrite(o, path, manifestPath)
	if err != nil {
		return nil, err
	}

	list, err := readCrawlList(ctx, o, stdin, stderr)
	if err != nil {
		return nil, err
	}
	var prev *dnscrawl.Manifest
	var merged []dnscrawl.ListRef
	if o.Resume && existing {
		if prev, merged, err = checkResumeList(o, list, path, manifestPath, stderr); err != nil {
			return nil, err
		}
	}

	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	resumed := &dnscrawl.Resumed{ByStatus: map[dnscrawl.Status]int{}}
	if o.Resume {
		if resumed, err = dnscrawl.ReadResume(path); err != nil {
			return nil, err
		}
		fmt.Fprintf(stderr, "crawl: resuming: %d domains already done%s\n", resumed.Done.Len(), droppedNote(resumed.Dropped))
	}
	plan := list.plan(o.Shard, &resumed.Done)

	simulated := o.Simulated || (prev != nil && prev.Simulated)
	var sims []string
	if (!o.Simulated || len(o.probeKinds()) > 0) && ctx.Err() == nil {
		// Asked for demo's crawls too when they probe: the probes
		// need the simulated resolver to say where it serves TLS. From
		// the root down, the root servers of a simulated delegation
		// tree are asked.
		if iter == nil {
			sims = dnscrawl.SimulatedResolvers(ctx, resolvers, o.Timeout)
		} else {
			sims = o.Iterative.simulatedRoots(ctx, o.Timeout)
		}
		if len(sims) > 0 && !o.Simulated {
			simulated = true
			fmt.Fprintf(stderr, "crawl: %s is the simulated internet (chokepoint simnet): the observations are marked simulated\n", strings.Join(sims, ", "))
		}
	}

	if ctx.Err() != nil {
		// Interrupted before the crawl began: nothing is touched.
		return nil, interruptedError{done: plan.inShard - plan.todo, total: plan.inShard}
	}

	st := list.stats
	m := &dnscrawl.Manifest{
		ToolVersion: version, Input: o.Input, ListSHA256: list.sha256, MergedLists: merged,
		Lines: st.Lines, Domains: st.Domains, BadLines: st.Bad, Duplicates: st.Duplicates,
		Shard: o.Shard.String(), OtherShards: list.targets.n - plan.inShard, Resumed: resumed.Done.Len(),
		Resolvers: resolvers, Concurrency: o.Concurrency, Timeout: o.Timeout.String(), Retries: o.Retries,
		StartedAt: time.Now().UTC(), Simulated: simulated,
	}
	countStatuses(m, resumed, dnscrawl.Stats{})
	prober, err := newCrawlProber(ctx, o, roots, simulated, sims, m, stderr)
	if err != nil {
		return nil, err
	}
	if prober != nil {
		crawlCfg.Prober = prober
	}
	if prev != nil && strings.Join(prev.Probes, ",") != strings.Join(m.Probes, ",") {
		fmt.Fprintf(stderr, "crawl: resuming a crawl made with probes %q, now %q: the domains already done keep what they had\n", strings.Join(prev.Probes, ","), strings.Join(m.Probes, ","))
	}
	crawler, err := dnscrawl.New(crawlCfg)
	if err != nil {
		return nil, usageError{err}
	}
	// crawl.json first, then the observations: a file of observations
	// always has the crawl.json that says which list it comes from, even
	// after kill -9.
	if err := dnscrawl.WriteManifest(manifestPath, m); err != nil {
		return nil, err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if o.Resume {
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create observations file: %w", err)
	}
	defer f.Close()
	enc := dnscrawl.NewEncoder(f)

	var counts statusCounts
	stopProgress := startProgress(o, stderr, int64(plan.todo), &counts)
	stats, crawlErr := crawler.Crawl(ctx, plan.targets, func(ob *dnscrawl.Observation) error {
		ob.Simulated = simulated
		counts.add(ob.Status)
		return enc.Encode(ob)
	})
	stopProgress(crawlErr == nil)
	// A write that failed matters more than an interruption: it is the
	// error reported.
	if err := errors.Join(enc.Flush(), f.Close()); err != nil && (crawlErr == nil || errors.Is(crawlErr, context.Canceled)) {
		crawlErr = fmt.Errorf("write %s: %w", path, err)
	}
	m.FinishedAt = time.Now().UTC()
	m.Interrupted = errors.Is(crawlErr, context.Canceled)
	countStatuses(m, resumed, stats)
	if err := dnscrawl.WriteManifest(manifestPath, m); err != nil && crawlErr == nil {
		crawlErr = err
	}
	if m.Interrupted {
		return m, interruptedError{done: plan.inShard - plan.todo + stats.Domains, total: plan.inShard}
	}
	fmt.Fprintf(stderr, "crawl: %d domains in %s (%d queries, %.0f domains/s%s)\n",
		stats.Domains, stats.Elapsed.Round(time.Millisecond), stats.Queries,
		float64(stats.Domains)/max(stats.Elapsed.Seconds(), 1e-9), probeSummary(stats))
	if crawlErr != nil {
		return m, crawlErr
	}
	if err := checkFailed(o, m, path); err != nil {
		return m, err
	}
	return m, nil
}

// countStatuses sets the status counts and queries of m: those of the
// observations already in the file plus those of this run.
func countStatuses(m *dnscrawl.Manifest, resumed *dnscrawl.Resumed, stats dnscrawl.Stats) {
	m.Statuses = make(map[dnscrawl.Status]int, len(dnscrawl.Statuses))
	for _, s := range dnscrawl.Statuses {
		m.Statuses[s] = stats.ByStatus[s] + resumed.ByStatus[s]
	}
	m.Queries = stats.Queries + resumed.Queries
}

// interruptedError is the error of a crawl stopped by Ctrl-C or SIGTERM:
// one line that says what was done and how to go on. It wraps
// context.Canceled, which maps to the interrupted exit code.
type interruptedError struct{ done, total int }

func (e interruptedError) Error() string {
	return fmt.Sprintf("interrupted: %d of %d domains done; run the same command again with --resume to continue", e.done, e.total)
}

func (e interruptedError) Unwrap() error { return context.Canceled }

// failedError is the error of a crawl in which more than --max-failed of
// the domains looked up failed on network errors: the data is missing,
// which says nothing about the domains' providers. Its observations and
// crawl.json are written all the same.
type failedError struct {
	failed, domains  int
	timeout, network int
	max              float64
	resolvers        []string
	observations     string
}

func (e *failedError) Error() string {
	return fmt.Sprintf("%d of %d domains (%.0f%%) failed on network errors (timeout %d, network_error %d), more than --max-failed %g%%: "+
		"the resolver or the network failed, the data is missing; check that %s answers (%s and crawl.json are kept; --max-failed 1 accepts such a crawl)",
		e.failed, e.domains, 100*float64(e.failed)/float64(e.domains), e.timeout, e.network, 100*e.max,
		strings.Join(e.resolvers, ", "), e.observations)
}

// checkFailed returns a *failedError when more than o.MaxFailed of the
// domains of the file (resumed ones included) got no answer: status
// timeout or network_error (reports.FailedStatuses), which say that the
// resolver could not be reached, not what DNS says about the domain. The
// statuses and the count are those of the report's "data missing"
// warning.
func checkFailed(o crawlOptions, m *dnscrawl.Manifest, path string) error {
	total := 0
	for _, n := range m.Statuses {
		total += n
	}
	failed := reports.FailedLookups(m.Statuses)
	if !reports.TooManyFailed(failed, total, o.MaxFailed) {
		return nil
	}
	return &failedError{failed: failed, domains: total,
		timeout: m.Statuses[dnscrawl.StatusTimeout], network: m.Statuses[dnscrawl.StatusNetworkError],
		max: o.MaxFailed, resolvers: m.Resolvers, observations: path}
}

// checkOverwrite refuses to start a crawl that would replace the
// observations already in the output directory, unless --force or
// --resume says what to do with them. It reports whether there are any.
func checkOverwrite(o crawlOptions, path, manifestPath string) (existing bool, err error) {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("check output: %w", err)
	case st.IsDir():
		return false, usagef("%s is a directory", path)
	case st.Size() == 0:
		return false, nil
	case o.Resume || o.Force:
		return true, nil
	}
	prev, err := dnscrawl.ReadManifest(manifestPath)
	if o.Simulated && err == nil && prev.Simulated {
		return true, nil // demo replaces its own simulated crawl
	}
	what := fmt.Sprintf("%d bytes", st.Size())
	if err == nil {
		n := 0
		for _, c := range prev.Statuses {
			n += c
		}
		what = fmt.Sprintf("%d observations", n)
	}
	return true, usagef("%s already holds a crawl (%s): add --resume to continue it, --force to replace it, or give another --out", path, what)
}

// checkResumeList checks that the observations being resumed come from
// the same list and shard, as their crawl.json says. With
// --allow-different-list it lets a different list go on and returns the
// lists the file then holds besides this one.
func checkResumeList(o crawlOptions, list *crawlList, path, manifestPath string, stderr io.Writer) (*dnscrawl.Manifest, []dnscrawl.ListRef, error) {
	prev, err := dnscrawl.ReadManifest(manifestPath)
	var why string
	switch {
	case err != nil:
		why = fmt.Sprintf("nothing says which list it comes from (%v)", err)
		prev = nil
	case prev.ListSHA256 == "":
		why = fmt.Sprintf("%s does not say which list it comes from (an older chokepoint wrote it)", manifestPath)
	case prev.ListSHA256 != list.sha256:
		why = fmt.Sprintf("it comes from another list: %s (list_sha256 %.12s...), not %s (%.12s...)", prev.Input, prev.ListSHA256, o.Input, list.sha256)
	case prev.Shard != o.Shard.String():
		why = fmt.Sprintf("it comes from shard %s of the list, not %s", shardName(prev.Shard), shardName(o.Shard.String()))
	default:
		return prev, prev.MergedLists, nil
	}
	if !o.AllowDifferentList {
		return nil, nil, usagef("will not resume %s: %s, and resuming would mix two lists in one crawl; crawl into another --out, or add --allow-different-list to merge them on purpose (crawl.json then names both)", path, why)
	}
	fmt.Fprintf(stderr, "crawl: resuming %s although %s (--allow-different-list): crawl.json names both\n", path, why)
	cur := dnscrawl.ListRef{Input: o.Input, ListSHA256: list.sha256, Shard: o.Shard.String()}
	var merged []dnscrawl.ListRef
	earlier := dnscrawl.ListRef{Input: "unknown"}
	if prev != nil {
		merged = prev.MergedLists
		earlier = dnscrawl.ListRef{Input: prev.Input, ListSHA256: prev.ListSHA256, Shard: prev.Shard}
	}
	for _, r := range append(merged, earlier) {
		if r != cur && !containsRef(merged, r) {
			merged = append(merged, r)
		}
	}
	return prev, merged, nil
}

func containsRef(refs []dnscrawl.ListRef, r dnscrawl.ListRef) bool {
	for _, x := range refs {
		if x == r {
			return true
		}
	}
	return false
}

func shardName(s string) string {
	if s == "" {
		return "all"
	}
	return s
}

// crawlList is a domain list read whole before the first query: its hash
// must be known to check a resume, and its size to show progress.
type crawlList struct {
	targets targetList // the distinct valid domains, in list order
	stats   domains.Stats
	sha256  string // dnscrawl.ListHash
}

// readCrawlList reads the list of o, reporting bad lines on stderr (the
// first few, then their count: lineReport). A list without a valid domain
// is an error.
func readCrawlList(ctx context.Context, o crawlOptions, stdin io.Reader, stderr io.Writer) (*crawlList, error) {
	r, closer, err := domains.Open(o.Input, stdin, o.InputFormat)
	if err != nil {
		return nil, usageError{err}
	}
	defer closer.Close()
	name := o.Input
	if name == domains.StdinPath {
		name = "stdin"
	}
	bad := newLineReport(stderr, name)
	defer bad.done()
	l := &crawlList{}
	h := dnscrawl.NewListHash()
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, fmt.Errorf("interrupted while reading the domain list, before any query: %w", ctx.Err())
		}
		e, err := r.Next()
		var le *domains.LineError
		if errors.As(err, &le) {
			bad.printf("chokepoint: skipped %v", le)
			continue
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usageError{err} // the reader's error names the list
		}
		l.targets.add(dnscrawl.Target{Domain: e.Domain, Rank: e.Rank})
		h.Add(e.Domain, e.Rank)
	}
	bad.done() // the count of bad lines not shown comes before any error
	if l.targets.n == 0 {
		return nil, fmt.Errorf("domain list %s: %w", o.Input, domains.ErrEmpty)
	}
	l.stats, l.sha256 = r.Stats(), h.Sum()
	return l, nil
}

// targetChunk is the largest number of targets in each chunk of a
// targetList, and chunkNameBytes the room for their names.
const (
	targetChunk    = 4096
	chunkNameBytes = 64 << 10
)

// targetList keeps a list's targets in chunks, in order. It grows by a
// chunk at a time and never copies what it holds: one slice grown by
// append copies the targets about twice over (touching new pages each
// time) and holds two copies at once while it grows: for a list of
// 200,000 domains, about a fifth of the CPU profile of the command
// outside the crawl and 9 MB of its peak RSS (docs/benchmarks.md).
//
// A chunk keeps its targets' names back to back in one byte slice, not
// as a string each: a string is a 16-byte header and an allocation of
// its own (16 bytes for most domains), which made the list 40 bytes a
// domain plus its name; now it is the name, 4 bytes of offset and 8 of
// rank. The names handed out point into the chunk's bytes, which are
// never written again once added, so they stay valid and unchanged.
type targetList struct {
	chunks []*targetListChunk
	n      int
}

type targetListChunk struct {
	names []byte   // the names back to back; cap chunkNameBytes, never reallocated
	ends  []uint32 // end of each target's name in names
	ranks []int
}

func (l *targetList) add(t dnscrawl.Target) {
	var c *targetListChunk
	if k := len(l.chunks); k > 0 {
		c = l.chunks[k-1]
	}
	if c == nil || len(c.ends) == targetChunk || len(c.names)+len(t.Domain) > cap(c.names) {
		c = &targetListChunk{
			names: make([]byte, 0, max(chunkNameBytes, len(t.Domain))),
			ends:  make([]uint32, 0, targetChunk),
			ranks: make([]int, 0, targetChunk),
		}
		l.chunks = append(l.chunks, c)
	}
	c.names = append(c.names, t.Domain...)
	c.ends = append(c.ends, uint32(len(c.names)))
	c.ranks = append(c.ranks, t.Rank)
	l.n++
}

// all yields the targets in the order they were added.
func (l *targetList) all(yield func(dnscrawl.Target) bool) {
	for _, c := range l.chunks {
		start := uint32(0)
		for i, end := range c.ends {
			name := ""
			if end > start {
				name = unsafe.String(&c.names[start], end-start)
			}
			start = end
			if !yield(dnscrawl.Target{Domain: name, Rank: c.ranks[i]}) {
				return
			}
		}
	}
}

// crawlPlan is what one crawl of a list does: the domains of its shard
// that are not done yet.
type crawlPlan struct {
	inShard int // domains of the list in the shard
	todo    int // of which not done yet: the crawl's total
	targets func(yield func(dnscrawl.Target) bool)
}

func (l *crawlList) plan(shard dnscrawl.Shard, done *domains.NameSet) crawlPlan {
	p := crawlPlan{}
	for t := range l.targets.all {
		if shard.Contains(t.Domain) {
			p.inShard++
			if !done.Has(t.Domain) {
				p.todo++
			}
		}
	}
	p.targets = func(yield func(dnscrawl.Target) bool) {
		for t := range l.targets.all {
			if shard.Contains(t.Domain) && !done.Has(t.Domain) && !yield(t) {
				return
			}
		}
	}
	return p
}

func droppedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d torn or unreadable trailing lines cut and redone", n)
}

// retriesFlag maps the --retries flag, where 0 means none, to the crawler's
// configuration, where 0 means the default.
func retriesFlag(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// progress prints status() to w every interval until the returned stop
// function is called.
func progress(interval time.Duration, w io.Writer, status func() string) (stop func()) {
	if interval <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				fmt.Fprintln(w, status())
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}
