package pipeline

import (
	"context"
	"iter"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// crawlSim crawls n simulated domains of the population of seed, served
// on 127.0.0.1, into observations.jsonl in a temporary folder, the domain
// of line r (from 1) with rank rank(r) (0: unranked). It returns the
// observations file and the simulated reference files.
func crawlSim(tb testing.TB, n int, seed int64, rank func(int) int) (obs string, files simnet.Files) {
	tb.Helper()
	inet, err := simnet.Generate(simnet.Config{Domains: n, Seed: seed})
	if err != nil {
		tb.Fatal(err)
	}
	dir := tb.TempDir()
	sim := filepath.Join(dir, "simnet")
	if err := os.Mkdir(sim, 0o755); err != nil {
		tb.Fatal(err)
	}
	if files, err = inet.WriteAll(sim); err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	srv, err := simnet.Serve(ctx, inet, "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer srv.Close()
	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{srv.Addr()}, Concurrency: 128, Timeout: time.Second, Retries: 1})
	if err != nil {
		tb.Fatal(err)
	}
	obs = filepath.Join(dir, "observations.jsonl")
	f, err := os.Create(obs)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	enc := dnscrawl.NewEncoder(f)
	targets := func(yield func(dnscrawl.Target) bool) {
		for r := 1; r <= inet.Len(); r++ {
			if !yield(dnscrawl.Target{Domain: inet.Domain(r), Rank: rank(r)}) {
				return
			}
		}
	}
	if _, err := c.Crawl(ctx, iter.Seq[dnscrawl.Target](targets), func(o *dnscrawl.Observation) error {
		o.Simulated = true
		return enc.Encode(o)
	}); err != nil {
		tb.Fatal(err)
	}
	if err := enc.Flush(); err != nil {
		tb.Fatal(err)
	}
	return obs, files
}
