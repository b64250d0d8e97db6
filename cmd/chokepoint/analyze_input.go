package main

import (
	"context"
	"io"
	"os"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// readInput reads one input of analyze in the given format, calling fn for
// each observation and reporting the lines it cannot read on stderr.
func readInput(ctx context.Context, format, path string, stderr io.Writer, fn func(*dnscrawl.Observation)) error {
	skip, done := printSkipped(stderr, path)
	defer done()
	return readInputSkipping(ctx, format, path, skip, fn)
}

// printSkipped returns a skip function of readInputSkipping that reports
// the lines it is given on stderr, with their numbers when they have one:
// the first maxShownLineErrors of them, then only a count, which done
// prints.
func printSkipped(stderr io.Writer, path string) (skip func(*dnscrawl.LineError), done func()) {
	r := newLineReport(stderr, path)
	return func(le *dnscrawl.LineError) {
		if le.Line > 0 {
			r.printf("chokepoint: %s:%v (skipped)", path, le)
			return
		}
		r.printf("chokepoint: %s: %v (skipped)", path, le.Err)
	}, r.done
}

// readInputSkipping reads one input of analyze in the given format,
// calling fn for each observation and skip for each line that cannot be
// read. A zdns domain whose names are not valid
// (dnscrawl.Observation.CheckNames) is skipped too, without a line
// number: its lines were gathered first.
func readInputSkipping(ctx context.Context, format, path string, skip func(*dnscrawl.LineError), fn func(*dnscrawl.Observation)) error {
	switch format {
	case "", "chokepoint":
		return decodeObservations(ctx, path, skip, fn)
	case "zdns":
		f, err := os.Open(path)
		if err != nil {
			return usagef("read zdns output: %w", err)
		}
		defer f.Close()
		return dnscrawl.ReadZDNS(f, skip, func(ob *dnscrawl.Observation) {
			if err := ob.CheckNames(); err != nil {
				skip(&dnscrawl.LineError{Err: err})
				return
			}
			fn(ob)
		})
	}
	return usagef("--input-format %q: want chokepoint or zdns", format)
}
