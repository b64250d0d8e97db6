package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// readInput reads one input of analyze in the given format, calling fn for
// each observation.
func readInput(ctx context.Context, format, path string, stderr io.Writer, fn func(*dnscrawl.Observation)) error {
	switch format {
	case "", "chokepoint":
		return readObservations(ctx, path, stderr, fn)
	case "zdns":
		f, err := os.Open(path)
		if err != nil {
			return usagef("read zdns output: %w", err)
		}
		defer f.Close()
		return dnscrawl.ReadZDNS(f, func(le *dnscrawl.LineError) {
			fmt.Fprintf(stderr, "chokepoint: %s:%v (skipped)\n", path, le)
		}, fn)
	}
	return usagef("--input-format %q: want chokepoint or zdns", format)
}
