package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/analysis/validate"
	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
	"github.com/chokepoint-dev/chokepoint/reports"
)

type validateOptions struct {
	Run   string
	Truth string
	// Out is the directory of validate.csv; the run directory when empty.
	Out     string
	Catalog string
	// Top is the number of the truth's providers in each confusion table.
	Top   int
	Quiet bool
}

// maxShownBadLines is the number of rejected truth lines printed.
const maxShownBadLines = 10

func newValidateCmd(stdout, stderr io.Writer) *cobra.Command {
	o := validateOptions{Top: 10}
	cmd := &cobra.Command{
		Use:   "validate RUN_DIR --truth LABELS.csv",
		Short: "Score a finished run against labels you trust: precision, recall, confusion, disagreeing rows",
		Long: `validate reads a run directory written by "chokepoint run", "analyze" or
"demo" (domains.csv, dependencies.csv, run.json) and a CSV of labels you
trust, with the columns domain, layer, provider and optionally service and
third_party. Provider labels are matched through the catalog: company and
product ids, names and aliases ("AWS", "Route 53"), domains and name
server suffixes ("cloudflare.com", "awsdns-12.org"), AS numbers
("AS13335"), and self-hosting forms ("self", "private"); other domains are
compared with the operators the catalog does not know.

It prints, per layer, precision, recall, F1 and exact-set accuracy over
(domain, provider) pairs (and over products and the third-party decision
when the labels have those columns), and the confusion between the
labels' largest providers and ours; it writes the disagreeing rows to
validate.csv in --out (default: the run directory). Domains of the labels
that the run does not have are counted and listed apart.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.ExactArgs(1)(cmd, args); err != nil {
				return usagef("validate needs one run directory: %w", err)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Run = args[0]
			return runValidate(cmd.Context(), o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Truth, "truth", o.Truth, "CSV of trusted labels: domain,layer,provider[,service][,third_party] (required)")
	f.StringVarP(&o.Out, "out", "o", o.Out, "output directory of validate.csv (default: the run directory)")
	f.StringVar(&o.Catalog, "catalog", o.Catalog, "provider catalog to match labels with instead of the built-in one: a JSON file, or a folder with catalog.json and catalog.d/*.json")
	f.IntVar(&o.Top, "top", o.Top, "the truth's largest providers shown in each confusion table")
	f.BoolVarP(&o.Quiet, "quiet", "q", o.Quiet, "do not print the tables")
	return cmd
}

func runValidate(_ context.Context, o validateOptions, stdout, stderr io.Writer) error {
	if o.Truth == "" {
		return usagef("validate needs --truth LABELS.csv")
	}
	if o.Top < 1 {
		return usagef("--top must be at least 1, not %d", o.Top)
	}
	cat, err := loadCatalog(o.Catalog)
	if err != nil {
		return err
	}
	run, err := reports.ReadValidateRun(o.Run)
	if err != nil {
		return usageError{err}
	}
	f, err := os.Open(o.Truth)
	if err != nil {
		return usagef("read truth: %w", err)
	}
	truth, err := validate.ReadTruth(f, o.Truth)
	f.Close()
	if truth != nil {
		for i, b := range truth.Bad {
			if i == maxShownBadLines {
				fmt.Fprintf(stderr, "validate: %d more rejected lines\n", len(truth.Bad)-i)
				break
			}
			fmt.Fprintf(stderr, "validate: %v\n", b)
		}
	}
	if err != nil {
		// A header without the columns, no usable row, broken CSV: the
		// input is unusable.
		return usageError{err}
	}
	if run.CatalogVersion != "" && run.CatalogVersion != cat.Version {
		fmt.Fprintf(stderr, "validate: the run was classified with catalog %s, labels are matched with catalog %s\n", run.CatalogVersion, cat.Version)
	}
	rep := validate.Validate(run, truth, validate.NewMatcher(cat), validate.Options{Top: o.Top})

	out := o.Out
	if out == "" {
		out = o.Run
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create output directory: %w", err)
	}
	path := filepath.Join(out, reports.ValidateFile)
	if err := atomicfile.Write(path, func(w io.Writer) error { return reports.WriteValidate(w, rep) }); err != nil {
		return err
	}
	if !o.Quiet {
		if err := reports.WriteValidateSummary(stdout, o.Run, truth, rep); err != nil {
			return err
		}
	}
	fmt.Fprintf(stderr, "validate: %d disagreeing rows in %s\n", len(rep.Rows), path)
	return nil
}
