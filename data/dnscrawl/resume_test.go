package dnscrawl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestShard(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"0/3", "4/3", "1/0", "a/b", "1", "-1/2"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) succeeded, want an error", bad)
		}
	}
	const n = 3
	count := make([]int, n)
	for i := range 3000 {
		d := fmt.Sprintf("d%d.test", i)
		in := 0
		for k := 1; k <= n; k++ {
			if (Shard{K: k, N: n}).Contains(d) {
				in++
				count[k-1]++
			}
		}
		if in != 1 {
			t.Fatalf("%s is in %d shards, want exactly 1", d, in)
		}
	}
	for k, c := range count {
		if c < 800 || c > 1200 {
			t.Errorf("shard %d/%d holds %d of 3000 domains: the hash does not spread", k+1, n, c)
		}
	}
	// The partition is a documented function of the name alone.
	// The published FNV-1a 64 test vector: the shard hash is that function.
	if got := fnv1a("a"); got != 0xaf63dc4c8601ec8c {
		t.Errorf("fnv1a(\"a\") = %#x, want 0xaf63dc4c8601ec8c", got)
	}
	if got := (Shard{K: 1, N: 2}).Contains("example.com"); got != (fnv1a("example.com")%2 == 0) {
		t.Error("shard membership is not FNV-1a mod N")
	}
	if !(Shard{}).Contains("anything.test") {
		t.Error("the zero shard must hold every domain")
	}
}

func TestReadResume(t *testing.T) {
	t.Parallel()
	line := func(d, st string) string {
		return fmt.Sprintf(`{"schema_version":1,"domain":%q,"status":%q,"queries":7}`+"\n", d, st)
	}
	tests := []struct {
		name     string
		content  string
		done     []string
		dropped  int
		keptSize int
	}{
		{"missing file", "", nil, 0, 0},
		{"complete", line("a.test", "ok") + line("b.test", "nxdomain"), []string{"a.test", "b.test"}, 0, -1},
		{"torn last line", line("a.test", "ok") + `{"schema_version":1,"domain":"b.te`, []string{"a.test"}, 1, len(line("a.test", "ok"))},
		{"corrupt line cuts the rest", line("a.test", "ok") + "garbage\n" + line("c.test", "ok"), []string{"a.test"}, 2, len(line("a.test", "ok"))},
		{"unknown status", line("a.test", "ok") + line("b.test", "bogus"), []string{"a.test"}, 1, len(line("a.test", "ok"))},
		{"domain twice", line("a.test", "ok") + line("a.test", "ok"), []string{"a.test"}, 1, len(line("a.test", "ok"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "observations.jsonl")
			if tt.name != "missing file" {
				if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, err := ReadResume(path)
			if err != nil {
				t.Fatal(err)
			}
			var done []string
			for _, d := range []string{"a.test", "b.test", "c.test"} {
				if r.Done.Has(d) {
					done = append(done, d)
				}
			}
			if diff := cmp.Diff(tt.done, done); diff != "" {
				t.Errorf("done (-want +got):\n%s", diff)
			}
			if r.Dropped != tt.dropped {
				t.Errorf("dropped %d lines, want %d", r.Dropped, tt.dropped)
			}
			if tt.name == "missing file" {
				return
			}
			b, _ := os.ReadFile(path)
			want := tt.keptSize
			if want < 0 {
				want = len(tt.content)
			}
			if len(b) != want || int64(want) != r.Size {
				t.Errorf("file is %d bytes after resume (Size %d), want %d", len(b), r.Size, want)
			}
			if len(b) > 0 && !strings.HasSuffix(string(b), "\n") {
				t.Error("kept part does not end with a newline")
			}
			if r.Queries != int64(7*len(tt.done)) {
				t.Errorf("queries %d, want %d", r.Queries, 7*len(tt.done))
			}
		})
	}
}
