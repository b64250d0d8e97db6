package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
	"github.com/chokepoint-dev/chokepoint/reports"
)

type diffOptions struct {
	A, B string
	Out  string
	// Show is the number of share and blast-radius changes printed.
	Show  int
	Quiet bool
}

func newDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	o := diffOptions{Out: ".", Show: 10}
	cmd := &cobra.Command{
		Use:   "diff RUN_A RUN_B",
		Short: "Compare two finished runs: shares, HHI, blast radius, domains that moved provider",
		Long: `diff reads two run directories written by "chokepoint run" or "analyze"
(run.json, domains.csv and blast.csv) and writes diff.csv to --out: the
concentration figures of every layer, every provider's share, every
element's blast radius in both runs with the change, and the domains
whose providers changed on a layer, or that are in one run only.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.A, o.B = args[0], args[1]
			return runDiff(cmd.Context(), o, stdout, stderr)
		},
	}
	cmd.Flags().StringVarP(&o.Out, "out", "o", o.Out, "output directory of diff.csv")
	cmd.Flags().IntVar(&o.Show, "show", o.Show, "share and blast-radius changes printed")
	cmd.Flags().BoolVarP(&o.Quiet, "quiet", "q", o.Quiet, "do not print the summary")
	return cmd
}

func runDiff(_ context.Context, o diffOptions, stdout, stderr io.Writer) error {
	a, err := reports.ReadRunDir(o.A)
	if err != nil {
		return usageError{err}
	}
	b, err := reports.ReadRunDir(o.B)
	if err != nil {
		return usageError{err}
	}
	rows := reports.Diff(a, b)
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	path := filepath.Join(o.Out, reports.DiffFile)
	if err := atomicfile.Write(path, func(w io.Writer) error { return reports.WriteDiff(w, rows) }); err != nil {
		return err
	}
	if !o.Quiet {
		if err := reports.WriteDiffSummary(stdout, a, b, rows, o.Show); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "diff: %d rows in %s\n", len(rows), path)
	return nil
}
