package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// TestTargetList checks that the chunked list gives back what was added,
// in order, across chunk boundaries, and stops when the consumer does.
func TestTargetList(t *testing.T) {
	for _, n := range []int{0, 1, targetChunk - 1, targetChunk, targetChunk + 1, 3*targetChunk + 7} {
		var l targetList
		for i := range n {
			l.add(dnscrawl.Target{Domain: fmt.Sprintf("d%d.example", i), Rank: i + 1})
		}
		if l.n != n {
			t.Fatalf("n = %d after %d adds", l.n, n)
		}
		i := 0
		for tg := range l.all {
			if want := fmt.Sprintf("d%d.example", i); tg.Domain != want || tg.Rank != i+1 {
				t.Fatalf("%d adds: target %d is %+v, want %s rank %d", n, i, tg, want, i+1)
			}
			i++
		}
		if i != n {
			t.Fatalf("%d adds: %d yielded", n, i)
		}
		if n > targetChunk {
			seen := 0
			for range l.all {
				seen++
				if seen == targetChunk+1 {
					break
				}
			}
			if seen != targetChunk+1 {
				t.Fatalf("%d adds: stopped after %d, want %d", n, seen, targetChunk+1)
			}
		}
	}
}

// TestTargetListNames checks the names kept back to back in a chunk's
// bytes: names of every length up to 253 bytes, more of them than one
// chunk's bytes hold, come back equal, and a name handed out stays the
// same after more are added.
func TestTargetListNames(t *testing.T) {
	var l targetList
	var want []string
	for i := range 3 * chunkNameBytes / 100 {
		n := 1 + i%253
		name := strings.Repeat(string(rune('a'+i%26)), n)
		want = append(want, name)
		l.add(dnscrawl.Target{Domain: name, Rank: i})
	}
	if len(l.chunks) < 3 {
		t.Fatalf("%d names of up to 253 bytes in %d chunks; want them spread over at least 3", len(want), len(l.chunks))
	}
	var first string
	for tg := range l.all {
		first = tg.Domain
		break
	}
	for i := range 1000 {
		l.add(dnscrawl.Target{Domain: "z", Rank: i})
	}
	if first != want[0] {
		t.Fatalf("first name changed to %q after more adds", first)
	}
	i := 0
	for tg := range l.all {
		if i < len(want) && (tg.Domain != want[i] || tg.Rank != i) {
			t.Fatalf("target %d: %q rank %d, want %q rank %d", i, tg.Domain, tg.Rank, want[i], i)
		}
		i++
	}
	if i != len(want)+1000 {
		t.Fatalf("%d yielded, want %d", i, len(want)+1000)
	}
}

// TestCrawlCPUProfileEnv checks that CHOKEPOINT_CPUPROFILE makes the crawl
// write a CPU profile that pprof reads, and that a profile that cannot be
// written is said on stderr without failing the crawl.
func TestCrawlCPUProfileEnv(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", "a.example\nb.example\n")
	resolver := serveNXDOMAIN(t)
	prof := filepath.Join(dir, "cpu.prof")

	t.Setenv(CPUProfileEnv, prof)
	code, _, stderr := execute(t, "", "crawl", list, "--resolver", resolver, "--out", filepath.Join(dir, "out"), "--progress", "0", "--no-probe")
	if code != exitOK {
		t.Fatalf("crawl: exit %d\n%s", code, stderr)
	}
	f, err := os.Open(prof)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A pprof profile is a gzip-compressed protocol buffer.
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", prof, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil || len(b) == 0 {
		t.Fatalf("%s: %d bytes, %v", prof, len(b), err)
	}

	t.Setenv(CPUProfileEnv, filepath.Join(dir, "no-such-dir", "cpu.prof"))
	code, _, stderr = execute(t, "", "crawl", list, "--resolver", resolver, "--out", filepath.Join(dir, "out2"), "--progress", "0", "--no-probe")
	if code != exitOK || !strings.Contains(stderr, CPUProfileEnv) || !strings.Contains(stderr, "no profile written") {
		t.Errorf("crawl with an unwritable profile: exit %d, want %d and the variable named\n%s", code, exitOK, stderr)
	}
}
