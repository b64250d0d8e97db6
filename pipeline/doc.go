// Package pipeline is the analysis run: it reads observation files,
// classifies every domain, computes the concentration figures and the
// blast radius of every provider, service, region, AS and country, and
// writes the CSV files (Parquet on request), run.json and report.html.
// Run is its one entry point; the analyze, run and demo commands only
// turn their flags into Options.
//
// An Engine does the computing: GoEngine, in this process, is the
// reference. Another engine (SQL over Parquet shards, for lists too large
// for one machine's memory) implements the same contract: the same files,
// columns, row order and figures, every input line accounted for. Run
// does what all engines share around it: checking the options, loading
// the catalog, the reference data and the databases, staging the outputs
// and moving them into place as a whole, printing the summary.
//
// The package sits above reports in the import direction
// (cmd -> pipeline -> reports -> analysis -> data), because a run writes
// the reports; nothing below it imports it.
//
// # Invariants
//
//   - Every input line is accounted for: a domain seen twice is kept from
//     the first input that has it and counted as a duplicate; a line that
//     cannot be read is reported on Options.Log with its file and line
//     number, counted in run.json, and the run goes on.
//   - Results do not depend on the number of workers: observations are
//     decoded and classified in parallel, and taken back in file order.
//   - A failed run leaves the previous outputs in Options.Out as they
//     were (reports.WriteSet).
//   - ErrInput marks errors caused by the options or the inputs; other
//     errors are operational (an output that cannot be written).
//
// What does not belong here: the classification rules (analysis/classify),
// the formulas (analysis/metrics, analysis/graph), the file formats
// (reports), flags and exit codes (cmd/chokepoint).
package pipeline
