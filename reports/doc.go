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
//   - blast.csv, spof.csv, codependency.csv, provider_edges.csv,
//     regions.csv, asns.csv, countries.csv (WriteGraph): the blast radius
//     of every element, single points of failure, co-dependent providers,
//     the provider graph's edges, and regions, ASes and countries ranked;
//   - whatif.csv (WriteWhatIf) and diff.csv (WriteDiff), written by the
//     whatif and diff commands;
//   - run.json: the Run, with the metrics.Summary;
//   - report.html: a summary in sentences, headline, charts, tables (with
//     the top 100 / top 1,000 of a ranked list beside the whole list), the
//     flow chart, every domain, methodology and provenance (WriteHTML; the
//     graph parts when Run.Graph is set).
//
// Column and field names are snake_case; SchemaVersion versions them.
//
// # Invariants
//
//   - All CSV goes through one writer (writeCSV: the cells gocsv's
//     marshaller would give, made without its per-cell reflection):
//     RFC 4180 (comma, CRLF, quoting), UTF-8, header first. Every cell goes through Neutralize, so
//     a name from DNS cannot start a spreadsheet formula.
//   - Row order is deterministic: domains by rank then name, dependencies
//     by layer, provider and service within a domain, providers and layers
//     in the summary's order. Nothing is written in map order.
//   - report.html loads nothing: no external script, style, font or
//     image, and a Content-Security-Policy that forbids them and allows
//     one inline script, ours (tableScript), by its hash. Its text is
//     escaped by html/template; charts are our own SVG (bar panels:
//     hbar.go; the flow chart: sankey.go, laid out by sankeylayout.go) or
//     gonum/plot SVG (Lorenz curves), inlined only after a whitelist check
//     (checkSVG), with a generic font family whose width is allowed for
//     (fontSlack). The script writes text nodes only.
//   - The CSV files and run.json carry ids ("ibm", "AS13335", "US");
//     report.html and the terminal summary show names (Run.Names: "IBM NS1
//     Connect", "AS13335 CLOUDFLARENET", "United States (US)"), ids when
//     there are none. A provider's share has one definition
//     (shareDefinition), the same in every output.
//   - A file is replaced only when written in full (temporary file, then
//     rename). WriteSet goes further for a whole run: every output is
//     written into a temporary folder, then moved into place with run.json
//     last, and the previous run's outputs this run did not write are
//     removed, so a folder with a run.json holds one run's complete set.
//   - A run whose data is missing (DataMissing: more than MissingFraction
//     of the list got no answer) says so at the top of the summary and the
//     report and in run.json, and its concentration figures are not read.
//
// What does not belong here: computing (package metrics, graph), reading
// inputs, and anything about the command line (package cmd/chokepoint).
package reports
