package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestMemoryLimit checks the soft memory limit of a run: 9/8 of the
// input files' size, at least 1 GiB, inputs that are not regular files
// counting for nothing, bounded by the domains of the crawls' manifests
// when every input has one; a folder of classified tables gives
// tablesLimit.
func TestMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.jsonl")
	if err := os.WriteFile(small, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.jsonl")
	f, err := os.Create(large)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	// A folder of classified tables (DuckDBEngine's input), however large.
	tables := filepath.Join(dir, "tables")
	if err := os.MkdirAll(filepath.Join(tables, TableDomains, "shard=0"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		inputs []string
		want   int64
	}{
		{nil, 1 << 30},
		{[]string{small}, 1 << 30},
		{[]string{"-", filepath.Join(dir, "missing.jsonl"), dir}, 1 << 30},
		{[]string{large}, 9 << 28}, // 2 GiB * 9/8
		{[]string{large, small, large}, (4<<30 + 3) * 9 / 8},
		{[]string{tables}, tablesLimit},
		{[]string{large, tables}, 512 << 20},
	} {
		if got := MemoryLimit(tt.inputs); got != tt.want {
			t.Errorf("MemoryLimit(%v) = %d, want %d", tt.inputs, got, tt.want)
		}
	}

	// A crawl with probes: 2 GiB of lines for a million domains.
	probed := t.TempDir()
	obs := filepath.Join(probed, "observations.jsonl")
	if err := os.Link(large, obs); err != nil {
		t.Fatal(err)
	}
	writeManifest := func(domains int) {
		t.Helper()
		b := fmt.Sprintf(`{"schema_version":2,"domains":%d}`, domains)
		if err := os.WriteFile(filepath.Join(probed, dnscrawl.ManifestName), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeManifest(1_000_000)
	if got, want := MemoryLimit([]string{obs}), int64(1_000_000*limitPerDomain); got != want {
		t.Errorf("a million domains in 2 GiB: MemoryLimit = %d, want %d", got, want)
	}
	if got, want := MemoryLimit([]string{obs, large}), int64(9<<29); got != want {
		t.Errorf("one input without a manifest: MemoryLimit = %d, want the size rule's %d", got, want)
	}
	writeManifest(10)
	if got := MemoryLimit([]string{obs}); got != 1<<30 {
		t.Errorf("10 domains: MemoryLimit = %d, want the 1 GiB floor", got)
	}
	writeManifest(100_000_000) // more domains than the size allows: the size rule holds
	if got, want := MemoryLimit([]string{obs}), int64(9<<28); got != want {
		t.Errorf("a manifest beyond the size: MemoryLimit = %d, want %d", got, want)
	}
}

// TestResultsHint checks the room made for the results at once: the
// manifest's domains for one input, no more than the input's size
// allows, nothing without a manifest or with several inputs.
func TestResultsHint(t *testing.T) {
	dir := t.TempDir()
	obs := filepath.Join(dir, "observations.jsonl")
	if err := os.WriteFile(obs, make([]byte, 4000), 0o644); err != nil { // room for 100 lines of 40 bytes
		t.Fatal(err)
	}
	for _, tt := range []struct {
		inputs  []string
		domains int
		crawl   bool
		want    int
	}{
		{[]string{obs}, 60, true, 60},
		{[]string{obs}, 100, true, 100},
		{[]string{obs}, 1 << 40, true, 100}, // a manifest that lies
		{[]string{obs}, -5, true, 0},
		{[]string{obs}, 60, false, 0},
		{[]string{obs, obs}, 60, true, 0},
		{[]string{filepath.Join(dir, "missing.jsonl")}, 60, true, 0},
	} {
		j := &Job{Options: Options{Inputs: tt.inputs}}
		if tt.crawl {
			j.Crawl = &dnscrawl.Manifest{Domains: tt.domains}
		}
		if got := resultsHint(j); got != tt.want {
			t.Errorf("inputs %v, manifest %v with %d domains: resultsHint = %d, want %d", tt.inputs, tt.crawl, tt.domains, got, tt.want)
		}
	}
}
