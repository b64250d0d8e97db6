package pipeline

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// TestSyntheticTables: the synthetic tables of a simulated internet hold
// one domain row per domain, spread over the shards, and one dependency
// row per provider the ground truth gives each layer, named as the
// catalog names it.
func TestSyntheticTables(t *testing.T) {
	const n = 3000
	in, err := simnet.Generate(simnet.Config{Domains: n, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := WriteSyntheticTables(context.Background(), in, cat, dir, 3, 500)
	if err != nil {
		t.Fatal(err)
	}
	wantDeps := 0
	cloudflareDNS := 0
	for tr := range in.Truths() {
		for _, l := range syntheticLayers {
			wantDeps += len(tr.Providers(l))
		}
		for _, id := range tr.DNS {
			if id == "cloudflare-dns" {
				cloudflareDNS++
			}
		}
	}
	if sum.Domains != n || sum.Dependencies != wantDeps {
		t.Errorf("summary %+v: want %d domains and %d dependencies", sum, n, wantDeps)
	}
	for k := range 3 {
		rows := 0
		if err := readParquetFiles(filepath.Join(dir, TableDomains, fmt.Sprintf("shard=%d", k), "*.parquet"), func(d DomainTableRow) error {
			if int(d.Rank%3) != k || !d.Simulated {
				t.Errorf("shard %d: %s of rank %d, simulated %v", k, d.Domain, d.Rank, d.Simulated)
			}
			rows++
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if rows != n/3 {
			t.Errorf("shard %d: %d domains, want %d", k, rows, n/3)
		}
	}
	got := 0
	if err := readParquetFiles(filepath.Join(dir, TableDependencies, "shard=*", "*.parquet"), func(d DependencyTableRow) error {
		if d.Layer == "dns" && d.Svc == "cloudflare/dns" {
			got++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got != cloudflareDNS || got == 0 {
		t.Errorf("%d dependencies on cloudflare/dns, the truth has %d", got, cloudflareDNS)
	}
	if _, err := FinishClassified(context.Background(), dir, cat, io.Discard); err != nil {
		t.Fatal(err)
	}
}
