package dnscrawl

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"
)

// Target is one domain to crawl.
type Target struct {
	Domain string
	Rank   int
}

// Config sets how a crawl runs. The zero value of a field means its
// default.
type Config struct {
	// Resolvers are recursive resolvers as host:port; queries are spread
	// over them in turn. Required.
	Resolvers []string
	// Concurrency is the number of workers, each with its own sockets
	// (default 64).
	Concurrency int
	// Timeout is the per-query timeout (default 2s).
	Timeout time.Duration
	// DomainTimeout bounds the whole plan of one domain (default 30s).
	DomainTimeout time.Duration
	// Retries is the number of extra attempts for a retryable outcome:
	// timeout, SERVFAIL, network error (default 2; negative means none).
	Retries int
	// Backoff is the base of the jittered exponential backoff between
	// attempts (default 50ms).
	Backoff time.Duration
	// QPS limits queries per second over all resolvers (0: unlimited);
	// QPSPerResolver limits each resolver.
	QPS            float64
	QPSPerResolver float64
	// Prober, when set, probes the web hosts of every domain whose NS
	// lookup succeeded, after its DNS lookups, in a stage of its own
	// (ProbeConcurrency domains at once) so that slow probes do not hold
	// the DNS workers; the hosts its certificates name are then resolved
	// through the crawl's resolvers and cache. Nil: no probes, and the
	// crawl runs exactly as without this stage.
	Prober Prober
	// ProbeConcurrency is the number of domains probed at once (default
	// 32).
	ProbeConcurrency int
	// Iterative, when set, answers every question instead of Resolvers
	// (which may then be empty): data/iterative resolves from the root
	// down, and the crawl records each zone's Delegation.
	Iterative Resolver
}

func (c *Config) withDefaults() (Config, error) {
	out := *c
	if len(out.Resolvers) == 0 && out.Iterative == nil {
		return out, errors.New("no resolver")
	}
	for _, r := range out.Resolvers {
		if err := CheckResolver(r); err != nil {
			return out, err
		}
	}
	if out.Concurrency <= 0 {
		out.Concurrency = 64
	}
	if out.Timeout <= 0 {
		out.Timeout = 2 * time.Second
	}
	if out.DomainTimeout <= 0 {
		out.DomainTimeout = 30 * time.Second
	}
	if out.Retries == 0 {
		out.Retries = 2
	} else if out.Retries < 0 {
		out.Retries = 0
	}
	if out.Backoff <= 0 {
		out.Backoff = 50 * time.Millisecond
	}
	if out.ProbeConcurrency <= 0 {
		out.ProbeConcurrency = 32
	}
	return out, nil
}

// CheckResolver checks that addr is a resolver address the crawler can
// use: an IP address and a port from 1 to 65535 ("192.0.2.1:53",
// "[2001:db8::1]:53"). A host name is refused: finding the resolver would
// need a resolver.
func CheckResolver(addr string) error {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return fmt.Errorf("resolver %q: want IP:port, such as 127.0.0.1:53 or [::1]:53: %w", addr, err)
	}
	if ap.Port() == 0 {
		return fmt.Errorf("resolver %q: port 0: want a port from 1 to 65535", addr)
	}
	return nil
}

// Stats are the totals of a crawl.
type Stats struct {
	Domains  int            `json:"domains"`
	ByStatus map[Status]int `json:"by_status"`
	Queries  int64          `json:"queries"`
	Elapsed  time.Duration  `json:"elapsed_ns"`
	// TLS and HTTP count the probes by status (empty without a prober).
	TLS  map[ProbeStatus]int `json:"tls,omitempty"`
	HTTP map[ProbeStatus]int `json:"http,omitempty"`
}

// Crawler crawls domains with a bounded pool of workers. It holds no
// per-crawl state outside Crawl, so it may be reused.
type Crawler struct {
	cfg Config
}

// New returns a crawler for cfg.
func New(cfg Config) (*Crawler, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("crawler configuration: %w", err)
	}
	return &Crawler{cfg: c}, nil
}

// Crawl looks up every target and hands each observation to emit, from a
// single goroutine, in completion order. Every target yields exactly one
// observation unless ctx is cancelled. Then Crawl stops taking targets,
// abandons the domains in flight (their queries are cut short and their
// observations, which would describe the interruption rather than the
// domain, are not emitted: a resumed crawl does them again), emits the
// observations already complete and returns ctx's error at once. An error
// from emit stops the crawl the same way and is returned.
func (c *Crawler) Crawl(ctx context.Context, targets iter.Seq[Target], emit func(*Observation) error) (Stats, error) {
	start := time.Now()
	stats := Stats{ByStatus: make(map[Status]int), TLS: make(map[ProbeStatus]int), HTTP: make(map[ProbeStatus]int)}
	var queries atomic.Int64
	var global *rate.Limiter
	if c.cfg.QPS > 0 {
		global = rate.NewLimiter(rate.Limit(c.cfg.QPS), max(1, int(c.cfg.QPS/10)))
	}
	resolvers := make([]*resolver, len(c.cfg.Resolvers))
	for i, addr := range c.cfg.Resolvers {
		resolvers[i] = &resolver{addr: addr}
		if c.cfg.QPSPerResolver > 0 {
			resolvers[i].limiter = rate.NewLimiter(rate.Limit(c.cfg.QPSPerResolver), max(1, int(c.cfg.QPSPerResolver/10)))
		}
	}
	shared := newCache()
	addrs := make([]netip.AddrPort, len(c.cfg.Resolvers))
	for i, r := range c.cfg.Resolvers {
		addrs[i] = netip.MustParseAddrPort(r) // checked by New
	}
	tr := newTransport(c.cfg.Timeout)
	defer tr.close()

	// When ctx is cancelled (or emit fails), workers stop taking targets
	// and the lookups in flight end at once: every query watches gctx.
	// A domain whose lookups were cut short is dropped, not emitted.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g, gctx := errgroup.WithContext(wctx)
	work := make(chan Target)
	results := make(chan *Observation)

	g.Go(func() error {
		defer close(work)
		for t := range targets {
			select {
			case work <- t:
			case <-gctx.Done():
				return nil
			}
		}
		return nil
	})
	// Without a prober the DNS workers hand their observations straight
	// to the writer; with one, to the probe stage, which hands them on.
	looked := results
	if c.cfg.Prober != nil {
		looked = make(chan *Observation)
	}
	var dnsWorkers sync.WaitGroup
	for i := range c.cfg.Concurrency {
		dnsWorkers.Add(1)
		g.Go(func() error {
			defer dnsWorkers.Done()
			w := c.newWorker(i, start, tr, addrs, resolvers, global, shared, &queries)
			for t := range work {
				o := w.lookup(gctx, t)
				if gctx.Err() != nil {
					return nil // abandoned: the domain is done again on resume
				}
				select {
				case looked <- o:
				case <-gctx.Done():
					return nil
				}
			}
			return nil
		})
	}
	if c.cfg.Prober != nil {
		g.Go(func() error {
			dnsWorkers.Wait()
			close(looked)
			return nil
		})
		for i := range c.cfg.ProbeConcurrency {
			g.Go(func() error {
				w := c.newWorker(c.cfg.Concurrency+i, start, tr, addrs, resolvers, global, shared, &queries)
				for o := range looked {
					w.probe(gctx, c.cfg.Prober, o)
					if gctx.Err() != nil {
						return nil // abandoned, as in the DNS stage
					}
					select {
					case results <- o:
					case <-gctx.Done():
					}
				}
				return nil
			})
		}
	}
	var waitErr error
	go func() {
		waitErr = g.Wait()
		close(results)
	}()

	var emitErr error
	for o := range results {
		if emitErr != nil {
			continue // drain so the workers can return
		}
		if err := emit(o); err != nil {
			emitErr = err
			cancel()
			continue
		}
		stats.Domains++
		stats.ByStatus[o.Status]++
		for _, p := range o.TLS {
			stats.TLS[p.Status]++
		}
		for _, p := range o.HTTP {
			stats.HTTP[p.Status]++
		}
	}
	stats.Queries = queries.Load()
	stats.Elapsed = time.Since(start)
	switch {
	case emitErr != nil:
		return stats, emitErr
	case ctx.Err() != nil:
		return stats, ctx.Err()
	}
	return stats, waitErr
}

func (c *Crawler) newWorker(i int, start time.Time, tr *transport, addrs []netip.AddrPort, resolvers []*resolver, global *rate.Limiter, shared *cache, queries *atomic.Int64) *worker {
	return &worker{
		c: &conn{
			tr:        tr,
			sock:      i,
			call:      newCall(),
			addrs:     addrs,
			tcp:       &dns.Client{Net: "tcp", Timeout: c.cfg.Timeout},
			resolvers: resolvers,
			next:      i,
			global:    global,
			retries:   c.cfg.Retries,
			backoff:   c.cfg.Backoff,
			rng:       rand.New(rand.NewPCG(uint64(i), uint64(start.UnixNano()))),
			queries:   queries,
		},
		cache: shared,
		cfg:   &c.cfg,
	}
}
