package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/pipeline"
)

// Exit codes: the table of the README's "Exit codes" section, which
// exitcodes_test.go checks command by command.
const (
	// exitOK: the job finished. Domains that did not resolve are results,
	// not failures.
	exitOK = 0
	// exitFailure: an operational failure, such as an output that cannot
	// be written, a crawl whose lookups failed on network errors past
	// --max-failed, a download that failed.
	exitFailure = 1
	// exitUsage: bad usage or unusable input. A missing, extra or unknown
	// argument or command, an unknown flag or a bad flag value, a file
	// named on the command line that does not exist, an empty or
	// unreadable domain list, a CSV list without a "domain" column, a
	// corrupt or wrong database, an invalid catalog.
	exitUsage = 2
	// exitInterrupted: interrupted (Ctrl-C, SIGTERM); what was done is
	// flushed.
	exitInterrupted = 130
)

// usageError marks an error caused by how the tool was called or by the
// input it was given.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// exitCode maps an error to the documented exit code and prints it. It is
// the only place that decides exit codes.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "chokepoint: %v\n", err)
	var ue usageError
	switch {
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	case errors.As(err, &ue),
		isMissingInput(err),
		errors.Is(err, domains.ErrEmpty),
		errors.Is(err, domains.ErrNoDomainColumn),
		errors.Is(err, refdata.ErrDatabase),
		errors.Is(err, refdata.ErrFormat),
		errors.Is(err, refdata.ErrValidation),
		errors.Is(err, catalog.ErrInvalid),
		errors.Is(err, pipeline.ErrInput):
		return exitUsage
	}
	return exitFailure
}

// isMissingInput reports whether err comes from opening or statting a file
// that does not exist. chokepoint creates its outputs and their folders
// (a missing folder fails in "mkdir", not here), so such a file is one it
// was told to read: a flag's file (--asn-db), an argument, or
// /etc/resolv.conf when no --resolver is given.
func isMissingInput(err error) bool {
	var pe *fs.PathError
	if !errors.As(err, &pe) || !errors.Is(pe.Err, fs.ErrNotExist) {
		return false
	}
	switch pe.Op {
	case "open", "stat", "lstat":
		return true
	}
	return false
}

// maxShownLineErrors is the number of bad lines of one input printed on
// stderr; the others are counted in one line (pipeline.LineReport).
const maxShownLineErrors = pipeline.MaxShownLineErrors

// lineReport prints the bad lines of one input on stderr: the first
// maxShownLineErrors of them, then only counts them; done prints the count
// of those not shown. It is the analysis pipeline's LineReport, used by
// crawl for the domain list too.
type lineReport struct{ r *pipeline.LineReport }

func newLineReport(w io.Writer, input string) *lineReport {
	return &lineReport{pipeline.NewLineReport(w, input)}
}

// printf prints one bad line as a line of its own (format has no "\n"),
// or only counts it once maxShownLineErrors lines have been printed.
func (r *lineReport) printf(format string, a ...any) { r.r.Printf(format, a...) }

// done prints how many bad lines were not shown, if any. Calling it again
// prints nothing new.
func (r *lineReport) done() { r.r.Done() }
