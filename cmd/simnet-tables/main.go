// Command simnet-tables writes the Parquet tables of "chokepoint classify"
// for a simulated internet of any size straight from its market model
// (pipeline.WriteSyntheticTables), then finishes them
// (pipeline.FinishClassified), for measuring the SQL analysis on ten
// million domains ("make bench-scale"), whose observations would not fit
// on this disk.
//
//	simnet-tables -domains 10000000 -shards 8 -out DIR
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
	"github.com/chokepoint-dev/chokepoint/pipeline"
)

func main() {
	domains := flag.Int("domains", 1_000_000, "number of simulated domains")
	seed := flag.Int64("seed", 1, "seed of the simulated population")
	shards := flag.Int("shards", 8, "number of shards (shard=0 .. shards-1)")
	out := flag.String("out", "", "folder of the tables")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: simnet-tables -domains N -shards S -out DIR")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *domains, *seed, *shards, *out); err != nil {
		fmt.Fprintln(os.Stderr, "simnet-tables:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, seed int64, shards int, out string) error {
	start := time.Now()
	in, err := simnet.Generate(simnet.Config{Domains: n, Seed: seed})
	if err != nil {
		return err
	}
	cat, err := catalog.Default()
	if err != nil {
		return err
	}
	sum, err := pipeline.WriteSyntheticTables(ctx, in, cat, out, shards, 0)
	if err != nil {
		return err
	}
	fmt.Printf("%d domains, %d dependencies, %d addresses in %d shards under %s (%.1f s)\n",
		sum.Domains, sum.Dependencies, sum.Addresses, shards, out, time.Since(start).Seconds())
	_, err = pipeline.FinishClassified(ctx, out, cat, os.Stdout)
	return err
}
