// Package reports presents the results of a run: CSV files for
// spreadsheets, pandas and DuckDB, a run.json with the provenance and the
// metrics, and a self-contained HTML report.
//
// Files (written together by WriteAll, each also by its own writer):
//
//   - domains.csv: one DomainRow per input domain;
//   - dependencies.csv: one DependencyRow per dependency, with evidence;
//   - providers.csv: one ProviderRow per provider and layer;
//   - metrics.csv: one MetricsRow per layer;
//   - blast.csv, spof.csv, codependency.csv, provider_edges.csv (WriteGraph):
//     the blast radius of every element, single points of failure,
//     co-dependent providers and the provider graph's edges;
//   - whatif.csv (WriteWhatIf) and diff.csv (WriteDiff), written by the
//     whatif and diff commands;
//   - run.json: the Run, with the metrics.Summary;
//   - report.html: charts, tables, methodology and provenance.
//
// Column and field names are snake_case; SchemaVersion versions them.
//
// # Invariants
//
//   - All CSV goes through gocsv and one writer: RFC 4180 (comma, CRLF,
//     quoting), UTF-8, header first. Every cell goes through Neutralize, so
//     a name from DNS cannot start a spreadsheet formula.
//   - Row order is deterministic: domains by rank then name, dependencies
//     by layer, provider and service within a domain, providers and layers
//     in the summary's order. Nothing is written in map order.
//   - report.html loads nothing: no script, no external style, font or
//     image, and a Content-Security-Policy that forbids them. Its text is
//     escaped by html/template; charts are gonum/plot SVG inlined only
//     after a whitelist check (checkSVG), with a generic font family.
//   - A file is replaced only when written in full (temporary file, then
//     rename).
//
// What does not belong here: computing (package metrics, graph), reading
// inputs, and anything about the command line (package cmd/chokepoint).
package reports
