package main

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const modulePath = "github.com/chokepoint-dev/chokepoint"

// stage returns the pipeline stage of a package path inside the module:
// data 0, analysis 1, reports 2, pipeline 3 (the analysis run that reads,
// computes and writes: it needs reports), cmd 4; -1 for anything else.
func stage(pkg string) int {
	rel, ok := strings.CutPrefix(pkg, modulePath+"/")
	if !ok {
		return -1
	}
	top, _, _ := strings.Cut(rel, "/")
	switch top {
	case "data":
		return 0
	case "analysis":
		return 1
	case "reports":
		return 2
	case "pipeline":
		return 3
	case "cmd":
		return 4
	}
	return -1
}

// checkImport enforces the direction cmd -> pipeline -> reports ->
// analysis -> data:
// a package may import its own stage or a lower one, never a higher one,
// and nothing imports cmd.
func checkImport(importer, imported string) bool {
	si, sd := stage(importer), stage(imported)
	if sd < 0 {
		return !strings.HasPrefix(imported, modulePath) // outside the module: fine; an unknown top-level package: not
	}
	if sd == 4 {
		return false
	}
	return si >= sd
}

func TestCheckImport(t *testing.T) {
	t.Parallel()
	m := modulePath + "/"
	tests := []struct {
		importer, imported string
		ok                 bool
	}{
		{m + "cmd/chokepoint", m + "reports", true},
		{m + "reports", m + "analysis/metrics", true},
		{m + "analysis/classify", m + "data/catalog", true},
		{m + "analysis/metrics", m + "analysis/classify", true},
		{m + "cmd/chokepoint", m + "pipeline", true},
		{m + "pipeline", m + "reports", true},
		{m + "data/simnet", m + "data/refdata", true},
		{m + "data/simnet", "github.com/miekg/dns", true},
		// The cases that must fail.
		{m + "data/dnscrawl", m + "analysis/classify", false},
		{m + "data/catalog", m + "reports", false},
		{m + "analysis/graph", m + "reports", false},
		{m + "reports", m + "cmd/chokepoint", false},
		{m + "reports", m + "pipeline", false},
		{m + "analysis/classify", m + "pipeline", false},
		{m + "pipeline", m + "cmd/chokepoint", false},
		{m + "analysis/metrics", m + "util", false},
	}
	for _, tt := range tests {
		if got := checkImport(tt.importer, tt.imported); got != tt.ok {
			t.Errorf("checkImport(%s, %s) = %v, want %v", tt.importer, tt.imported, got, tt.ok)
		}
	}
}

// TestImportDirection parses every Go file of the module and checks each
// import against the pipeline direction.
func TestImportDirection(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root not found at %s: %v", root, err)
	}
	fset := token.NewFileSet()
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		files++
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		importer := modulePath + "/" + filepath.ToSlash(rel)
		if stage(importer) < 0 {
			t.Errorf("%s: package outside the data/analysis/reports/pipeline/cmd layout", rel)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !checkImport(importer, p) {
				t.Errorf("%s imports %s: against the direction cmd -> pipeline -> reports -> analysis -> data", rel, p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 10 {
		t.Fatalf("only %d Go files found under %s: the walk is broken", files, root)
	}
}
