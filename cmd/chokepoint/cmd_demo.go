package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

type demoOptions struct {
	Domains     int
	Seed        int64
	Out         string
	Concurrency int
	Timeout     time.Duration
}

func newDemoCmd(stdout, stderr io.Writer) *cobra.Command {
	o := demoOptions{Domains: 5000, Seed: 1, Out: filepath.Join("reports", "demo"), Concurrency: 128, Timeout: 500 * time.Millisecond}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole job offline on the simulated internet",
		Long: `demo generates a simulated internet (data/simnet: a synthetic population of
domains whose providers follow a documented market model), serves it with a
DNS server on 127.0.0.1, crawls every domain over real UDP/TCP DNS with the
real crawler, classifies, computes the metrics and writes the reports to
--out. Everything it produces says "simulated".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Domains, "domains", o.Domains, "number of simulated domains")
	f.Int64Var(&o.Seed, "seed", o.Seed, "seed of the simulated population")
	f.StringVarP(&o.Out, "out", "o", o.Out, "output directory")
	f.IntVar(&o.Concurrency, "concurrency", o.Concurrency, "domains crawled at once")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "timeout of one DNS query")
	return cmd
}

func runDemo(ctx context.Context, o demoOptions, stdout, stderr io.Writer) error {
	if o.Domains <= 0 {
		return usagef("--domains must be positive, got %d", o.Domains)
	}
	inet, err := simnet.Generate(simnet.Config{Domains: o.Domains, Seed: o.Seed})
	if err != nil {
		return fmt.Errorf("generate simulated internet: %w", err)
	}
	simDir := filepath.Join(o.Out, "simnet")
	if err := os.MkdirAll(simDir, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	files, err := inet.WriteAll(simDir)
	if err != nil {
		return err
	}
	srv, err := simnet.Serve(ctx, inet, "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("start simulated DNS server: %w", err)
	}
	defer srv.Close()
	fmt.Fprintf(stderr, "demo: simulated internet of %d domains (seed %d) served on %s (sites: %s)\n", o.Domains, o.Seed, srv.Addr(), srv.Endpoint().Advert())

	c := defaultCrawlOptions()
	// The list with the sites' countries, so the report has the figures
	// per country of the sites.
	c.Input = files.Sites
	c.Out = o.Out
	c.Resolvers = []string{srv.Addr()}
	c.Concurrency = o.Concurrency
	c.Timeout = o.Timeout
	c.Retries = 1
	c.QPSPerResolver = 0 // the simulator runs here: no need to be polite
	c.Simulated = true
	// The chains of the simulated CAs verify against their roots, as
	// real chains against the system's; the probes go to the local
	// endpoint, so they need no politeness either.
	c.CARoots = files.Roots
	c.ProbeConcurrency, c.ProbePerAddress = o.Concurrency, o.Concurrency
	return runRun(ctx, runOptions{
		Crawl:   c,
		Analyze: analyzeOptions{Out: o.Out, ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir, Bootstrap: defaultBootstrap, BootstrapSeed: 1},
	}, nil, stdout, stderr)
}
