package dnscrawl

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// ManifestName is the file written beside observations.jsonl that says
// how the crawl was made.
const ManifestName = "crawl.json"

// Manifest describes one crawl: its input, resolvers, times and counts.
// Analysis reads it to fill the provenance of its reports.
type Manifest struct {
	SchemaVersion int    `json:"schema_version"`
	ToolVersion   string `json:"tool_version"`
	// Input is the path of the domain list ("-" for stdin).
	Input string `json:"input"`
	// Lines, Domains, BadLines and Duplicates account for every line of
	// the input list.
	Lines      int `json:"lines"`
	Domains    int `json:"domains"`
	BadLines   int `json:"bad_lines"`
	Duplicates int `json:"duplicates"`

	// Shard is the part of the list this crawl took ("K/N"), empty for
	// all of it; OtherShards counts the domains left to the other shards.
	Shard       string `json:"shard,omitempty"`
	OtherShards int    `json:"other_shards,omitempty"`
	// Resumed counts the domains already in the observations file when
	// the crawl was resumed (--resume); Statuses and Queries include them.
	Resumed int `json:"resumed,omitempty"`

	Resolvers   []string       `json:"resolvers"`
	Concurrency int            `json:"concurrency"`
	Timeout     string         `json:"timeout"`
	Retries     int            `json:"retries"`
	StartedAt   time.Time      `json:"started_at"`
	FinishedAt  time.Time      `json:"finished_at"`
	Interrupted bool           `json:"interrupted"`
	Statuses    map[Status]int `json:"statuses"`
	Queries     int64          `json:"queries"`
	// Simulated is true when the resolver was the simulated internet.
	Simulated bool `json:"simulated"`
}

// WriteManifest writes m as indented JSON to path, atomically.
func WriteManifest(path string, m *Manifest) error {
	if m.SchemaVersion == 0 {
		m.SchemaVersion = SchemaVersion
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write crawl manifest %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// ReadManifest reads a manifest written by WriteManifest.
func ReadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read crawl manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("read crawl manifest %s: %w", path, err)
	}
	return &m, nil
}
