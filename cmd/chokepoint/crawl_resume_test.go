package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// helperEnv makes TestCrawlHelperProcess run the chokepoint command line
// given after "--" in this test binary's arguments: the resume test needs
// a real crawl process it can kill.
const helperEnv = "CHOKEPOINT_TEST_HELPER"

func TestCrawlHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for TestResumeAfterKill")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cmd := newRootCmd(os.Stdin, os.Stdout, os.Stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

func helperCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^TestCrawlHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	return cmd
}

// startCrawlUntil starts chokepoint with args in a child process and
// returns once its observations file obs holds more than size bytes, so
// that the caller can interrupt it half-way. It fails the test after 60 s.
func startCrawlUntil(t *testing.T, obs string, size int64, args ...string) *exec.Cmd {
	t.Helper()
	cmd := helperCommand(args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st, err := os.Stat(obs); err == nil && st.Size() > size {
			return cmd
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the crawl wrote no more than %d bytes within 60s", size)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestResumeAfterKill crawls a simulated list in a child process, kills it
// with SIGKILL half-way, adds a torn line as a crash in the middle of a
// write would, resumes, and checks that every domain of the list has
// exactly one observation and that crawl.json accounts for all of them.
func TestResumeAfterKill(t *testing.T) {
	t.Parallel()
	const n = 1500
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, n, 11)
	inet, dir, list := sim.inet, sim.dir, sim.files.Domains
	out := filepath.Join(dir, "out")
	obs := filepath.Join(out, ObservationsName)
	common := []string{"crawl", list, "--out", out, "--resolver", sim.addr, "--timeout", "300ms", "--retries", "1", "--progress", "0"}

	// First run, slowed down by the rate limit so that it can be killed
	// half-way: about 150 domains/s.
	first := startCrawlUntil(t, obs, 150<<10, append(common, "--qps", "1000", "--concurrency", "8")...)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	first.Wait()
	before := countLines(t, obs)
	if before == 0 || before >= n {
		t.Fatalf("killed crawl left %d lines; want some, not all of %d", before, n)
	}
	// A torn line, as a crash in the middle of a write leaves it.
	f, err := os.OpenFile(obs, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, `{"schema_version":1,"domain":"%s","status":"o`, inet.Domain(n))
	f.Close()

	second := helperCommand(append(common, "--resume", "--qps-per-resolver", "0", "--concurrency", "32")...)
	if outb, err := second.CombinedOutput(); err != nil {
		t.Fatalf("resumed crawl: %v\n%s", err, outb)
	}

	want := map[string]bool{}
	lf2, err := os.Open(list)
	if err != nil {
		t.Fatal(err)
	}
	defer lf2.Close()
	entries, err := domains.ReadAll(domains.NewReader(lf2, list, domains.FormatAuto), func(*domains.LineError) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		want[e.Domain] = true
	}
	got := map[string]int{}
	of, err := os.Open(obs)
	if err != nil {
		t.Fatal(err)
	}
	defer of.Close()
	dec := dnscrawl.NewDecoder(of)
	for {
		o, err := dec.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("resumed observations: %v", err)
		}
		got[o.Domain]++
	}
	for d := range want {
		if got[d] != 1 {
			t.Errorf("domain %s has %d observations, want 1", d, got[d])
		}
	}
	for d := range got {
		if !want[d] {
			t.Errorf("observation of %s, which is not in the list", d)
		}
	}
	m, err := dnscrawl.ReadManifest(filepath.Join(out, dnscrawl.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range m.Statuses {
		sum += c
	}
	if sum != len(want) || m.Domains != len(want) || m.Interrupted {
		t.Errorf("crawl.json: statuses add up to %d, domains %d, interrupted %v; want %d, not interrupted", sum, m.Domains, m.Interrupted, len(want))
	}
	if m.Resumed == 0 || m.Resumed > before {
		t.Errorf("crawl.json resumed = %d, want 1..%d", m.Resumed, before)
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		n++
	}
	return n
}

// TestInterruptFlushes sends SIGINT to a crawl process half-way: it exits
// with the interrupted code, and what it wrote is whole lines that
// crawl.json counts, with "interrupted": true.
func TestInterruptFlushes(t *testing.T) {
	t.Parallel()
	const n = 1000
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, n, 12)
	dir, list := sim.dir, sim.files.Domains
	out := filepath.Join(dir, "out")
	obs := filepath.Join(out, ObservationsName)
	cmd := startCrawlUntil(t, obs, 70<<10, "crawl", list, "--out", out, "--resolver", sim.addr, "--progress", "0",
		"--qps", "500", "--concurrency", "8", "--timeout", "300ms")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("interrupted crawl ended with %v, want exit code %d", err, exitInterrupted)
	}
	m, err := dnscrawl.ReadManifest(filepath.Join(out, dnscrawl.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range m.Statuses {
		sum += c
	}
	lines := countLines(t, obs)
	if !m.Interrupted || sum != lines || lines == 0 || lines >= n {
		t.Errorf("interrupted=%v, statuses add up to %d, file has %d lines (of %d domains)", m.Interrupted, sum, lines, n)
	}
	r, err := dnscrawl.ReadResume(obs)
	if err != nil {
		t.Fatal(err)
	}
	if r.Dropped != 0 {
		t.Errorf("the flushed file has %d torn or unreadable lines", r.Dropped)
	}
}

// TestInterruptAbandonsInFlight sends SIGINT to a crawl process while
// every worker waits on a resolver that does not answer: the process does
// not wait for those queries; it exits with the interrupted code and one
// line that says how far it got and how to go on; it writes the domains
// that were complete and none of those in flight (an observation of the
// interruption would be wrong data); and --resume then completes every
// domain exactly once. The wait for the process is bounded only as a test
// timeout, well above the query timeout, so that a crawl that waits for
// its queries fails on what it writes, not on time.
func TestInterruptAbandonsInFlight(t *testing.T) {
	t.Parallel()
	const fast, slow, workers = 300, 50, 4
	var answerAll atomic.Bool
	var mu sync.Mutex
	waiting := map[string]bool{}
	stuck := make(chan struct{})
	srv := startFakeResolver(t, func(f *fakeResolver) {
		f.drop = func(q dns.Question) bool {
			if answerAll.Load() || !strings.HasPrefix(q.Name, "slow") {
				return false
			}
			mu.Lock()
			defer mu.Unlock()
			waiting[q.Name] = true
			if len(waiting) == workers {
				close(stuck) // every worker now waits on a slow domain
			}
			return true
		}
	})
	dir := t.TempDir()
	var b strings.Builder
	for i := range fast {
		fmt.Fprintf(&b, "fast%d.com\n", i)
	}
	for i := range slow {
		fmt.Fprintf(&b, "slow%d.com\n", i)
	}
	list := writeFile(t, dir, "list.txt", b.String())
	out := filepath.Join(dir, "out")
	obs := filepath.Join(out, ObservationsName)
	args := []string{"crawl", list, "--out", out, "--resolver", srv.addr, "--concurrency", fmt.Sprint(workers),
		"--timeout", "5s", "--domain-timeout", "30s", "--retries", "0", "--qps-per-resolver", "0", "--progress", "0"}

	cmd := helperCommand(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-stuck:
	case err := <-exited:
		t.Fatalf("the crawl ended before it was interrupted: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the crawl never reached the slow domains\n%s", stderr.String())
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-exited:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-exited
		t.Fatalf("the crawl did not end after SIGINT\n%s", stderr.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("interrupted crawl ended with %v, want exit code %d", err, exitInterrupted)
	}
	want := fmt.Sprintf("chokepoint: interrupted: %d of %d domains done; run the same command again with --resume to continue", fast, fast+slow)
	if got := lastLine(stderr.String()); got != want {
		t.Errorf("last line:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(stderr.String(), "context canceled") {
		t.Errorf("stderr speaks of a cancelled context:\n%s", stderr.String())
	}
	m, err := dnscrawl.ReadManifest(filepath.Join(out, dnscrawl.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	got := observedDomains(t, obs)
	if !m.Interrupted || len(got) != fast {
		t.Errorf("crawl.json interrupted = %v, %d observations written; want true, the %d fast domains", m.Interrupted, len(got), fast)
	}
	for d := range got {
		if strings.HasPrefix(d, "slow") {
			t.Errorf("%s, in flight when interrupted, was written", d)
		}
	}

	answerAll.Store(true)
	if outb, err := helperCommand(append(args, "--resume")...).CombinedOutput(); err != nil {
		t.Fatalf("resumed crawl: %v\n%s", err, outb)
	}
	got = observedDomains(t, obs)
	if len(got) != fast+slow {
		t.Errorf("after --resume, %d domains observed, want %d", len(got), fast+slow)
	}
	for d, n := range got {
		if n != 1 {
			t.Errorf("%s has %d observations, want 1", d, n)
		}
	}
	if m := readManifest(t, out); m.Interrupted || m.Statuses[dnscrawl.StatusNXDomain] != fast+slow {
		t.Errorf("crawl.json after --resume: interrupted %v, statuses %v; want every domain nxdomain", m.Interrupted, m.Statuses)
	}
}
