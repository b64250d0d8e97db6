package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// SchemaVersion is the version of the output files of this package: the
// columns of the CSV files and the fields of run.json. It changes when a
// column or field changes meaning or disappears; adding one does not
// change it.
const SchemaVersion = 1

// Run describes one run of the tool, for run.json and the provenance
// section of report.html. The caller fills it; WriteAll completes
// SchemaVersion, Statuses and Metrics when they are left empty, and
// writes empty lists as [] rather than null.
type Run struct {
	SchemaVersion int       `json:"schema_version"`
	ToolVersion   string    `json:"tool_version"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at"`
	// Input is the path of the domain list ("-" for stdin).
	Input  string      `json:"input"`
	Counts InputCounts `json:"counts"`
	// ObservationFiles accounts for every line of the observation files
	// analyze read, in the order given.
	ObservationFiles []ObservationFile `json:"observation_files"`
	// DataWarning is set when most lookups of the list failed (see
	// DataMissing): the figures then describe only the domains that
	// resolved. It is null otherwise.
	DataWarning *DataWarning `json:"data_warning"`
	// Resolvers are the addresses of the resolvers queried.
	Resolvers []string `json:"resolvers"`
	// Statuses counts input domains by crawl status.
	Statuses       map[dnscrawl.Status]int `json:"statuses"`
	CatalogVersion string                  `json:"catalog_version"`
	// RefData lists the reference data files the classification used.
	RefData []RefFile `json:"reference_data"`
	// Simulated is true when the data comes from the simulated internet
	// (data/simnet) and not from real DNS; every output says so.
	Simulated bool             `json:"simulated"`
	Metrics   *metrics.Summary `json:"metrics"`
	// BlastRadius is the blast radius of the providers that take the most
	// domains down (TopBlastRows), when the caller computed it; blast.csv
	// has every element.
	BlastRadius []BlastRow `json:"blast_radius,omitempty"`
	// Graph is the blast radius of every element, the single points of
	// failure and the provider graph, when the caller computed them:
	// report.html shows them. It is not written to run.json.
	Graph *GraphReport `json:"-"`
	// SiteCountries gives the country of each site (domain -> ISO 3166-1
	// alpha-2) when the domain list has a country column; nil otherwise.
	// It fills the country column of domains.csv; not written to
	// run.json (metrics.countries has the per-country figures).
	SiteCountries map[string]string `json:"-"`
	// Names gives the display names of companies, products and ASes for
	// report.html and the terminal summary; nil shows the ids. The CSV
	// files and run.json keep the ids. It is not written to run.json.
	Names *Names `json:"-"`
}

// InputCounts accounts for every line of the domain list.
type InputCounts struct {
	// Lines read from the input.
	Lines int `json:"lines"`
	// Domains kept, one result each.
	Domains int `json:"domains"`
	// BadLines could not be read as a domain (reported with their line
	// numbers by the reader).
	BadLines int `json:"bad_lines"`
	// Duplicates repeat a domain already read.
	Duplicates int `json:"duplicates"`
	// SkippedObservations counts the lines of the observation files that
	// analyze could not read and skipped (a torn last line, bad JSON, an
	// unsupported schema version, an invalid name), summed over
	// ObservationFiles. Their domains have no row.
	SkippedObservations int `json:"skipped_observations"`
}

// MaxSkippedLines is the number of line numbers of skipped lines that an
// ObservationFile lists; stderr has them all.
const MaxSkippedLines = 20

// ObservationFile accounts for the lines of one observation file (or zdns
// output) that analyze read.
type ObservationFile struct {
	Path string `json:"path"`
	// Observations kept, one result each.
	Observations int `json:"observations"`
	// Duplicates are observations of a domain already read from an
	// earlier line or file: the first one is kept.
	Duplicates int `json:"duplicates"`
	// Skipped lines could not be read as an observation; they are
	// reported on stderr with their numbers.
	Skipped int `json:"skipped"`
	// SkippedLines are the numbers of the first MaxSkippedLines skipped
	// lines, from 1. A zdns domain rejected after its lines were gathered
	// (an invalid name) is counted in Skipped without a line number.
	SkippedLines []int `json:"skipped_lines"`
}

// Skip counts one skipped line (0 when it has no number).
func (f *ObservationFile) Skip(line int) {
	f.Skipped++
	if line > 0 && len(f.SkippedLines) < MaxSkippedLines {
		f.SkippedLines = append(f.SkippedLines, line)
	}
}

// MissingFraction is the fraction of the list above which the data of a
// run is missing: when more than this fraction of the domains got no
// answer at all (FailedStatuses), the figures describe a remnant of the
// list, not the list. The report and the summary then say so instead of
// reading the concentration figures, and run.json carries a DataWarning.
// It is the one statement of that threshold; crawl and run use it as the
// default of their limit on failed lookups.
const MissingFraction = 0.5

// FailedStatuses are the statuses of a lookup that got no answer: the
// resolver could not be reached or did not reply (a closed port, no
// network). Other failures (nxdomain, servfail, ...) are answers.
var FailedStatuses = []dnscrawl.Status{dnscrawl.StatusTimeout, dnscrawl.StatusNetworkError}

// FailedLookups counts the domains whose status is one of FailedStatuses.
func FailedLookups(statuses map[dnscrawl.Status]int) int {
	n := 0
	for _, st := range FailedStatuses {
		n += statuses[st]
	}
	return n
}

// TooManyFailed reports whether failed domains out of total are more than
// the fraction max of the list.
func TooManyFailed(failed, total int, max float64) bool {
	return total > 0 && float64(failed) > max*float64(total)
}

// DataWarning says that most of the list could not be looked up.
type DataWarning struct {
	// Failed domains got no answer (FailedStatuses), out of Domains.
	Failed  int `json:"failed"`
	Domains int `json:"domains"`
	// Resolved domains have status ok: the figures describe them.
	Resolved int `json:"resolved"`
	// Threshold is MissingFraction.
	Threshold float64 `json:"threshold"`
	// Message is the sentence the report and the summary show.
	Message string `json:"message"`
}

// DataMissing returns the warning of a run whose data is missing: more
// than MissingFraction of the domains of sum failed (FailedLookups). It
// returns nil when enough of the list was looked up, and for a nil sum.
func DataMissing(sum *metrics.Summary) *DataWarning {
	if sum == nil {
		return nil
	}
	failed := FailedLookups(sum.Statuses)
	if !TooManyFailed(failed, sum.Domains, MissingFraction) {
		return nil
	}
	resolved := sum.Statuses[dnscrawl.StatusOK]
	return &DataWarning{
		Failed: failed, Domains: sum.Domains, Resolved: resolved, Threshold: MissingFraction,
		Message: fmt.Sprintf("The data is missing: %d of %d lookups failed (%s); the figures describe only the %d domains that resolved.",
			failed, sum.Domains, statusNames(FailedStatuses), resolved),
	}
}

func statusNames(sts []dnscrawl.Status) string {
	var b strings.Builder
	for i, st := range sts {
		if i > 0 {
			b.WriteString(" or ")
		}
		b.WriteString(string(st))
	}
	return b.String()
}

// RefFile is one reference data file: a provider's range file or an
// ASN/country database.
type RefFile struct {
	// Name says what the file is ("aws ip-ranges.json").
	Name string `json:"name"`
	Path string `json:"path"`
	// Date is when the file was published or downloaded.
	Date   time.Time `json:"date"`
	SHA256 string    `json:"sha256"`
}

// complete returns a copy of run with the fields WriteAll fills in when
// the caller left them empty. run may be nil.
func complete(run *Run, sum *metrics.Summary) *Run {
	var r Run
	if run != nil {
		r = *run
	}
	if r.SchemaVersion == 0 {
		r.SchemaVersion = SchemaVersion
	}
	if r.Metrics == nil {
		r.Metrics = sum
	}
	if r.Statuses == nil && sum != nil {
		r.Statuses = maps.Clone(sum.Statuses)
	}
	if r.DataWarning == nil {
		r.DataWarning = DataMissing(sum)
	}
	// Empty lists are written as [], not null.
	if r.Resolvers == nil {
		r.Resolvers = []string{}
	}
	if r.RefData == nil {
		r.RefData = []RefFile{}
	}
	if r.ObservationFiles == nil {
		r.ObservationFiles = []ObservationFile{}
	}
	for i := range r.ObservationFiles {
		if r.ObservationFiles[i].SkippedLines == nil {
			r.ObservationFiles = slices.Clone(r.ObservationFiles)
			for j := range r.ObservationFiles {
				if r.ObservationFiles[j].SkippedLines == nil {
					r.ObservationFiles[j].SkippedLines = []int{}
				}
			}
			break
		}
	}
	return &r
}

// WriteRun writes run as indented JSON.
func WriteRun(w io.Writer, run *Run) error {
	b, err := json.MarshalIndent(run, "", "  ")
	if err != nil {
		return fmt.Errorf("encode run.json: %w", err)
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
