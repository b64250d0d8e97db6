package reports

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// readTree returns every file under dir with its content, by slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// writeFiles returns a write function of WriteSet that writes names with
// the content "<tag> <name>", one after the other, and fails with err
// after failAfter files (never when failAfter < 0).
func writeFiles(tag string, names []string, failAfter int, err error) func(string) error {
	return func(tmp string) error {
		for i, name := range names {
			if i == failAfter {
				return err
			}
			if werr := atomicfile.Write(filepath.Join(tmp, name), func(w io.Writer) error {
				_, e := io.WriteString(w, tag+" "+name)
				return e
			}); werr != nil {
				return werr
			}
		}
		return nil
	}
}

// TestWriteSet: a folder holds one whole run's outputs at all times. A
// write that fails midway (a full disk) leaves the previous run's files
// exactly as they were; a successful run replaces them all and removes
// the previous run's outputs it did not write; files that are not
// outputs (observations, crawl.json, the simulated internet) are never
// touched; no temporary folder is left behind.
func TestWriteSet(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	others := map[string]string{
		"observations.jsonl": `{"schema_version":1}`,
		"crawl.json":         "{}",
		"simnet/domains.txt": "a.example\n",
		"whatif.csv":         "element\n",
		"notes.txt":          "mine",
	}
	for name, content := range others {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	all := OutputFiles()
	if all[len(all)-1] != RunFile {
		t.Fatalf("OutputFiles does not end with %s: %v", RunFile, all)
	}
	withOthers := func(m map[string]string) map[string]string {
		for k, v := range others {
			m[k] = v
		}
		return m
	}
	set := func(tag string, names []string) map[string]string {
		m := map[string]string{}
		for _, n := range names {
			m[n] = tag + " " + n
		}
		return withOthers(m)
	}

	// Run 1: every output, Parquet included.
	if err := WriteSet(dir, writeFiles("run1", all, -1, nil)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(set("run1", all), readTree(t, dir)); diff != "" {
		t.Fatalf("after run 1 (-want +got):\n%s", diff)
	}

	// Run 2 fails after a few files: nothing changes.
	full := errors.New("no space left on device")
	csvOnly := slices.DeleteFunc(slices.Clone(all), func(n string) bool { return strings.HasSuffix(n, ".parquet") })
	for _, after := range []int{0, 3, len(csvOnly) - 1} {
		err := WriteSet(dir, writeFiles("run2", csvOnly, after, full))
		if !errors.Is(err, full) {
			t.Fatalf("failing after %d files: error %v, want the writer's", after, err)
		}
		if !strings.Contains(err.Error(), "left as they were") {
			t.Errorf("error %q does not say the previous reports are intact", err)
		}
		if diff := cmp.Diff(set("run1", all), readTree(t, dir)); diff != "" {
			t.Fatalf("after a failure after %d files (-want run 1 +got):\n%s", after, diff)
		}
	}

	// A file WriteSet does not know is refused before anything moves.
	if err := WriteSet(dir, writeFiles("run2", append(slices.Clone(csvOnly), "stray.csv"), -1, nil)); err == nil {
		t.Error("a stray file was accepted")
	}
	if diff := cmp.Diff(set("run1", all), readTree(t, dir)); diff != "" {
		t.Fatalf("after a stray file (-want run 1 +got):\n%s", diff)
	}

	// Run 3 writes CSV only: the Parquet files of run 1 go.
	if err := WriteSet(dir, writeFiles("run3", csvOnly, -1, nil)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(set("run3", csvOnly), readTree(t, dir)); diff != "" {
		t.Fatalf("after run 3 (-want +got):\n%s", diff)
	}

	// Into a folder that does not exist yet.
	sub := filepath.Join(dir, "new", "out")
	if err := WriteSet(sub, writeFiles("run4", []string{DomainsFile, RunFile}, -1, nil)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{DomainsFile: "run4 " + DomainsFile, RunFile: "run4 " + RunFile}, readTree(t, sub)); diff != "" {
		t.Errorf("new folder (-want +got):\n%s", diff)
	}
}
