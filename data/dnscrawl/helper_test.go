package dnscrawl_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// serveEnv, when set in the environment of this test binary, turns it into
// a simnet server process (see TestMain): the benchmarks run the server in
// a process of its own, so that the crawler and the server do not share a
// Go scheduler and the figures are those of a crawler talking to a
// separate resolver.
const serveEnv = "DNSCRAWL_TEST_SIMNET"

func TestMain(m *testing.M) {
	if spec := os.Getenv(serveEnv); spec != "" {
		os.Exit(serveSimnetProcess(spec))
	}
	os.Exit(m.Run())
}

// serveSimnetProcess generates a population of the size given as
// "N,DIR", writes DIR/domains.txt (all domains in rank order) and
// DIR/ok.txt (the domains that resolve), serves it on 127.0.0.1:0, prints
// the address on stdout and serves until its standard input is closed.
func serveSimnetProcess(spec string) int {
	ns, dir, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(ns)
	if err != nil || dir == "" {
		fmt.Fprintf(os.Stderr, "%s=%q: want N,DIR\n", serveEnv, spec)
		return 2
	}
	inet, err := simnet.Generate(simnet.Config{Domains: n, Seed: 1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := writeLists(inet, dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := simnet.Serve(ctx, inet, "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	fmt.Println(srv.Addr())
	go func() {
		io.Copy(io.Discard, os.Stdin)
		stop()
	}()
	<-ctx.Done()
	return 0
}

func writeLists(inet *simnet.Internet, dir string) error {
	all, err := os.Create(filepath.Join(dir, "domains.txt"))
	if err != nil {
		return err
	}
	defer all.Close()
	if err := inet.WriteDomainList(all); err != nil {
		return err
	}
	ok, err := os.Create(filepath.Join(dir, "ok.txt"))
	if err != nil {
		return err
	}
	defer ok.Close()
	w := bufio.NewWriter(ok)
	for t := range inet.Truths() {
		if t.Status == dnscrawl.StatusOK {
			w.WriteString(t.Domain)
			w.WriteByte('\n')
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return errors.Join(all.Close(), ok.Close())
}

// simnetProcess is a simnet server running in a child process.
type simnetProcess struct {
	addr string
	dir  string // holds domains.txt and ok.txt
}

// startSimnetProcess runs this test binary as a simnet server of n
// domains and returns its address; the process ends with the test.
func startSimnetProcess(tb testing.TB, n int) simnetProcess {
	tb.Helper()
	dir := tb.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d,%s", serveEnv, n, dir))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("simnet process did not print its address: %v", err)
	}
	return simnetProcess{addr: strings.TrimSpace(line), dir: dir}
}
