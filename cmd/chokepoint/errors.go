package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/domains"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// Exit codes, documented in the README.
const (
	exitOK          = 0   // the job finished
	exitFailure     = 1   // an operational failure: unwritable output, resolver unusable, ...
	exitUsage       = 2   // bad flags or unusable input: empty or unreadable list, corrupt database or catalog
	exitInterrupted = 130 // interrupted (Ctrl-C, SIGTERM); what was done is flushed
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
		errors.Is(err, domains.ErrEmpty),
		errors.Is(err, refdata.ErrDatabase),
		errors.Is(err, refdata.ErrFormat),
		errors.Is(err, catalog.ErrInvalid):
		return exitUsage
	}
	return exitFailure
}
