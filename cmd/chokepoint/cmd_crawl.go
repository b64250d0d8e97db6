package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
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
	// Simulated marks a crawl of the simulated internet (set by demo).
	Simulated bool
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
		Progress:       5 * time.Second,
	}
}

func addCrawlFlags(cmd *cobra.Command, o *crawlOptions) {
	f := cmd.Flags()
	f.Var(&o.InputFormat, "input-format", "format of the domain list: auto, text, csv, tranco")
	f.StringArrayVar(&o.Resolvers, "resolver", nil, "recursive resolver as host:port; repeat to spread queries over several (default: the system's, from /etc/resolv.conf)")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "domains crawled at once")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "timeout of one DNS query")
	f.DurationVar(&o.DomainTimeout, "domain-timeout", o.DomainTimeout, "timeout of all the lookups of one domain")
	f.IntVar(&o.Retries, "retries", o.Retries, "extra attempts for a query that timed out, got SERVFAIL or a network error")
	f.Float64Var(&o.QPS, "qps", o.QPS, "limit on queries per second over all resolvers (0: no limit)")
	f.Float64Var(&o.QPSPerResolver, "qps-per-resolver", o.QPSPerResolver, "limit on queries per second to each resolver (0: no limit)")
	f.DurationVar(&o.Progress, "progress", o.Progress, "interval of progress lines on stderr when it is not a terminal (0: no progress at all)")
	f.BoolVar(&o.Resume, "resume", o.Resume, "continue an interrupted crawl: keep the domains already in observations.jsonl (a torn last line is cut and redone) and append the rest")
	f.Var(&o.Shard, "shard", "crawl only part K of N of the list (1 <= K <= N), by a stable hash of each domain; analyze takes the shards' outputs together")
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
			_, err := runCrawl(cmd.Context(), o, stdin, stdout, stderr)
			return err
		},
	}
	cmd.Flags().StringVarP(&o.Out, "out", "o", o.Out, "output directory")
	addCrawlFlags(cmd, &o)
	return cmd
}

// runCrawl crawls the list and writes observations.jsonl and crawl.json in
// opts.Out. It returns the manifest, also when interrupted (with the
// context's error).
func runCrawl(ctx context.Context, o crawlOptions, stdin io.Reader, stdout, stderr io.Writer) (*dnscrawl.Manifest, error) {
	resolvers := o.Resolvers
	if len(resolvers) == 0 {
		var err error
		if resolvers, err = dnscrawl.SystemResolvers(o.ResolvConf); err != nil {
			return nil, fmt.Errorf("no --resolver given and %w", err)
		}
	}
	crawler, err := dnscrawl.New(dnscrawl.Config{
		Resolvers: resolvers, Concurrency: o.Concurrency, Timeout: o.Timeout,
		DomainTimeout: o.DomainTimeout, Retries: retriesFlag(o.Retries), QPS: o.QPS, QPSPerResolver: o.QPSPerResolver,
	})
	if err != nil {
		return nil, usageError{err}
	}

	list, closer, err := domains.Open(o.Input, stdin, o.InputFormat)
	if err != nil {
		return nil, usageError{err}
	}
	defer closer.Close()
	warn := func(le *domains.LineError) { fmt.Fprintf(stderr, "chokepoint: skipped %v\n", le) }
	// Read up to the first valid domain before creating any output, so an
	// empty or unreadable list fails cleanly.
	first, err := nextEntry(list, warn)
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("domain list %s: %w", o.Input, domains.ErrEmpty)
	}
	if err != nil {
		return nil, usageError{fmt.Errorf("domain list %s: %w", o.Input, err)}
	}

	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	path := filepath.Join(o.Out, ObservationsName)
	resumed := &dnscrawl.Resumed{ByStatus: map[dnscrawl.Status]int{}}
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if o.Resume {
		if resumed, err = dnscrawl.ReadResume(path); err != nil {
			return nil, err
		}
		flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		fmt.Fprintf(stderr, "crawl: resuming: %d domains already done%s\n", resumed.Done.Len(), droppedNote(resumed.Dropped))
	}
	f, err := os.OpenFile(path, flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create observations file: %w", err)
	}
	defer f.Close()
	enc := dnscrawl.NewEncoder(f)

	var readErr error
	otherShards := 0
	targets := func(yield func(dnscrawl.Target) bool) {
		for e := first; ; {
			switch {
			case !o.Shard.Contains(e.Domain):
				otherShards++
			case resumed.Done.Has(e.Domain):
			default:
				if !yield(dnscrawl.Target{Domain: e.Domain, Rank: e.Rank}) {
					return
				}
			}
			var err error
			if e, err = nextEntry(list, warn); err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = fmt.Errorf("read domain list %s: %w", o.Input, err)
				}
				return
			}
		}
	}

	m := &dnscrawl.Manifest{
		ToolVersion: version, Input: o.Input, Resolvers: resolvers,
		Concurrency: o.Concurrency, Timeout: o.Timeout.String(), Retries: o.Retries,
		StartedAt: time.Now().UTC(), Simulated: o.Simulated,
		Shard: o.Shard.String(), Resumed: resumed.Done.Len(),
	}
	var counts statusCounts
	stopProgress := startProgress(o, stderr, estimateTotal(o, resumed.Done.Len()), &counts)
	stats, crawlErr := crawler.Crawl(ctx, targets, func(ob *dnscrawl.Observation) error {
		counts.add(ob.Status)
		return enc.Encode(ob)
	})
	stopProgress(crawlErr == nil)
	if err := enc.Flush(); err != nil && crawlErr == nil {
		crawlErr = fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil && crawlErr == nil {
		crawlErr = fmt.Errorf("write %s: %w", path, err)
	}
	st := list.Stats()
	m.Lines, m.Domains, m.BadLines, m.Duplicates = st.Lines, st.Domains, st.Bad, st.Duplicates
	m.OtherShards = otherShards
	m.FinishedAt = time.Now().UTC()
	m.Interrupted = errors.Is(crawlErr, context.Canceled)
	m.Statuses = make(map[dnscrawl.Status]int, len(dnscrawl.Statuses))
	for _, s := range dnscrawl.Statuses {
		m.Statuses[s] = stats.ByStatus[s] + resumed.ByStatus[s]
	}
	m.Queries = stats.Queries + resumed.Queries
	if err := dnscrawl.WriteManifest(filepath.Join(o.Out, dnscrawl.ManifestName), m); err != nil && crawlErr == nil {
		crawlErr = err
	}
	fmt.Fprintf(stderr, "crawl: %d domains in %s (%d queries, %.0f domains/s)%s\n",
		stats.Domains, stats.Elapsed.Round(time.Millisecond), stats.Queries,
		float64(stats.Domains)/max(stats.Elapsed.Seconds(), 1e-9), interruptedNote(m.Interrupted))
	if crawlErr != nil {
		return m, crawlErr
	}
	return m, readErr
}

func droppedNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d torn or unreadable trailing lines cut and redone", n)
}

func interruptedNote(b bool) string {
	if b {
		return ", interrupted"
	}
	return ""
}

// retriesFlag maps the --retries flag, where 0 means none, to the crawler's
// configuration, where 0 means the default.
func retriesFlag(n int) int {
	if n == 0 {
		return -1
	}
	return n
}

// nextEntry returns the next valid domain of the list, passing bad lines to
// warn.
func nextEntry(r *domains.Reader, warn func(*domains.LineError)) (domains.Entry, error) {
	for {
		e, err := r.Next()
		var le *domains.LineError
		if errors.As(err, &le) {
			warn(le)
			continue
		}
		return e, err
	}
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
