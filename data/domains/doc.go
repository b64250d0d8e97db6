// Package domains reads the lists of domains that chokepoint measures and
// turns each line into a normalised, validated domain name.
//
// A list comes as plain text (one domain per line), as CSV with a header
// that names a "domain" column (an optional "rank" column is used, all other
// columns are ignored; the Cloudflare Radar lists are of this kind), or in
// the Tranco "rank,domain" layout without a header. [FormatAuto] picks the
// format from the first line that is neither blank nor a comment. [Reader]
// streams the list: a list of a million lines is not read whole before the
// first domain comes out.
//
// [Normalize] is the single definition of a valid input name; the crawler,
// the simulator and the tests use it too. [Registrable] gives the registrable
// domain (eTLD+1) of a name for the packages that compare names.
//
// # What does not belong here
//
// No DNS: nothing here resolves a name, and whether a name exists is the
// crawler's business (package dnscrawl). No output formats: writing lists is
// the job of package reports. No flag parsing and no printing: the reader
// hands bad lines to its caller as [*LineError] values and the command line
// decides how to show them.
//
// # Invariants
//
//   - Every physical line of the input is accounted for exactly once. At any
//     point Stats.Lines == Domains + Duplicates + Bad + Skipped; at the end of
//     the input Lines is the number of lines in the file (a byte-order mark
//     is not content).
//   - Every line that is neither blank, a comment, a CSV header nor a
//     duplicate is either returned as an [Entry] or reported as a
//     [*LineError] carrying its real, 1-based line number. Nothing is dropped
//     silently.
//   - Every Entry.Domain satisfies Normalize(d) == d, and no two entries
//     from one Reader have the same Domain.
//   - Bad input is never an operational error: a [*LineError] is reported
//     and reading goes on. Operational errors (an unreadable file, a CSV
//     header without a domain column, including a first line that reads as
//     one when the format is detected) stop the reader with one error.
//   - The package holds no mutable global state and does no I/O except on
//     the readers its callers pass in; standard input is one of them, never
//     os.Stdin directly.
package domains
