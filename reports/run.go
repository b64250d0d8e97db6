package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
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
	// Empty lists are written as [], not null.
	if r.Resolvers == nil {
		r.Resolvers = []string{}
	}
	if r.RefData == nil {
		r.RefData = []RefFile{}
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
