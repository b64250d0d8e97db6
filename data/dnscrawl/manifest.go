package dnscrawl

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"strconv"
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
	// ListSHA256 identifies the list crawled, whatever its path: see
	// ListHash. A crawl is resumed only with the same list (and shard),
	// unless told otherwise; MergedLists then names the earlier lists
	// whose observations the file also holds.
	ListSHA256  string    `json:"list_sha256,omitempty"`
	MergedLists []ListRef `json:"merged_lists,omitempty"`
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

	Resolvers   []string  `json:"resolvers"`
	Concurrency int       `json:"concurrency"`
	Timeout     string    `json:"timeout"`
	Retries     int       `json:"retries"`
	StartedAt   time.Time `json:"started_at"`
	// FinishedAt is absent while the crawl runs (crawl.json is written
	// when it starts, so that a crawl killed before its end can be
	// checked when it is resumed) and after a crash.
	FinishedAt  time.Time      `json:"finished_at,omitzero"`
	Interrupted bool           `json:"interrupted"`
	Statuses    map[Status]int `json:"statuses"`
	Queries     int64          `json:"queries"`
	// Simulated is true when the resolver was the simulated internet:
	// run by demo, or a resolver that identified itself as the
	// simulated internet (Identify) when the crawl started.
	Simulated bool `json:"simulated"`
	// Probes are the probes made after each domain's DNS lookups ("tls",
	// "http"; absent without probes), with their timeout and
	// concurrency, the file of root certificates the chains were
	// verified against (absent: the system's) and, on the simulated
	// internet, the loopback endpoints dialled instead of the simulated
	// addresses ("tls=127.0.0.1:PORT http=127.0.0.1:PORT").
	Probes           []string `json:"probes,omitempty"`
	ProbeTimeout     string   `json:"probe_timeout,omitempty"`
	ProbeConcurrency int      `json:"probe_concurrency,omitempty"`
	CARoots          string   `json:"ca_roots,omitempty"`
	ProbeRedirect    string   `json:"probe_redirect,omitempty"`
}

// ListRef names a domain list by its path and ListHash, with the shard
// crawled ("" for all of it).
type ListRef struct {
	Input      string `json:"input"`
	ListSHA256 string `json:"list_sha256"`
	Shard      string `json:"shard,omitempty"`
}

// ListHash computes the list_sha256 of crawl.json: the SHA-256, in hex,
// of the list's distinct valid domains in list order, each written as
// "rank,domain\n" (rank 0 when the list has none), the domain normalised
// as data/domains gives it. Comments, blank and bad lines, duplicates,
// the list's format and its line endings do not change it; a domain
// added, removed or moved, or a rank changed, does.
type ListHash struct{ h hash.Hash }

// NewListHash returns an empty ListHash.
func NewListHash() *ListHash { return &ListHash{h: sha256.New()} }

// Add adds the next domain of the list.
func (l *ListHash) Add(domain string, rank int) {
	var buf [24]byte
	l.h.Write(strconv.AppendInt(buf[:0], int64(rank), 10))
	l.h.Write([]byte{','})
	io.WriteString(l.h, domain)
	l.h.Write([]byte{'\n'})
}

// Sum returns the hash of the domains added so far, in hex.
func (l *ListHash) Sum() string { return hex.EncodeToString(l.h.Sum(nil)) }

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
