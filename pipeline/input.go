package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// MaxShownLineErrors is the number of bad lines of one input printed on
// the log; the others are counted in one line. A garbage file of a
// million lines must not bury the message that matters. The counts in
// crawl.json and run.json are kept by the readers and stay exact.
const MaxShownLineErrors = 20

// LineReport prints the bad lines of one input on a log: the first
// MaxShownLineErrors of them, then only counts them; Done prints the
// count of those not shown.
type LineReport struct {
	w     io.Writer
	input string // names the input in the count line
	n     int    // bad lines reported so far
	ended bool   // Done has printed the count
}

// NewLineReport returns a LineReport of input that prints on w.
func NewLineReport(w io.Writer, input string) *LineReport {
	return &LineReport{w: w, input: input}
}

// Printf prints one bad line as a line of its own (format has no "\n"),
// or only counts it once MaxShownLineErrors lines have been printed.
func (r *LineReport) Printf(format string, a ...any) {
	r.n++
	if r.n <= MaxShownLineErrors {
		fmt.Fprintf(r.w, format+"\n", a...)
	}
}

// Done prints how many bad lines were not shown, if any. Calling it again
// prints nothing new.
func (r *LineReport) Done() {
	if r.n > MaxShownLineErrors && !r.ended {
		fmt.Fprintf(r.w, "chokepoint: %s: %d more bad lines not shown (%d in all)\n", r.input, r.n-MaxShownLineErrors, r.n)
	}
	r.ended = true
}

// ReadInput reads one input in the given format, calling fn for each
// observation and reporting the lines it cannot read on log.
func ReadInput(ctx context.Context, format, path string, log io.Writer, fn func(*dnscrawl.Observation)) error {
	skip, done := printSkipped(log, path)
	defer done()
	return ReadInputSkipping(ctx, format, path, skip, fn)
}

// printSkipped returns a skip function of ReadInputSkipping that reports
// the lines it is given on log, with their numbers when they have one:
// the first MaxShownLineErrors of them, then only a count, which done
// prints.
func printSkipped(log io.Writer, path string) (skip func(*dnscrawl.LineError), done func()) {
	if log == nil {
		log = io.Discard
	}
	r := NewLineReport(log, path)
	return func(le *dnscrawl.LineError) {
		if le.Line > 0 {
			r.Printf("chokepoint: %s:%v (skipped)", path, le)
			return
		}
		r.Printf("chokepoint: %s: %v (skipped)", path, le.Err)
	}, r.Done
}

// ReadInputSkipping reads one input in the given format (InputChokepoint
// or InputZDNS), calling fn for each observation and skip for each line
// that cannot be read. A zdns domain whose names are not valid
// (dnscrawl.Observation.CheckNames) is skipped too, without a line
// number: its lines were gathered first.
func ReadInputSkipping(ctx context.Context, format, path string, skip func(*dnscrawl.LineError), fn func(*dnscrawl.Observation)) error {
	switch format {
	case "", InputChokepoint:
		return decodeObservations(ctx, path, skip, fn)
	case InputZDNS:
		f, err := os.Open(path)
		if err != nil {
			return inputf("read zdns output: %w", err)
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
	return inputf("--input-format %q: want chokepoint or zdns", format)
}

// decodeObservations decodes an observations file, passing bad lines to
// skip with their numbers and going on.
func decodeObservations(ctx context.Context, path string, skip func(*dnscrawl.LineError), fn func(*dnscrawl.Observation)) error {
	f, err := os.Open(path)
	if err != nil {
		return inputf("read observations: %w", err)
	}
	defer f.Close()
	dec := dnscrawl.NewDecoder(f)
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		ob, err := dec.Next()
		var le *dnscrawl.LineError
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case errors.As(err, &le):
			skip(le)
			continue
		case err != nil:
			return fmt.Errorf("read observations %s: %w", path, err)
		}
		fn(ob)
	}
}
