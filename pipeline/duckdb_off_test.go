//go:build !duckdb

package pipeline

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// TestDuckDBNotBuilt: without the duckdb build tag, --engine duckdb is an
// input error that says how to build it, before anything is written.
func TestDuckDBNotBuilt(t *testing.T) {
	dir := t.TempDir()
	obs := writePipelineInput(t, 10)
	_, err := Run(context.Background(), Options{Inputs: []string{obs}, Out: filepath.Join(dir, "out"), Engine: DuckDBEngine{}, Log: io.Discard})
	if !errors.Is(err, ErrInput) || !errors.Is(err, ErrNoDuckDB) || !strings.Contains(err.Error(), "-tags duckdb") {
		t.Fatalf("Run with DuckDBEngine in a build without it: %v", err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "out", "*")); len(m) > 0 {
		t.Errorf("files written: %v", m)
	}
}
