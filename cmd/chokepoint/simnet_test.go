package main

import (
	"context"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// servedSimnet is a simulated internet served on loopback for one test,
// with its files (domain list, ground truth, reference data) written to a
// temporary directory.
type servedSimnet struct {
	inet  *simnet.Internet
	files simnet.Files
	addr  string // the DNS server, host:port on 127.0.0.1
	dir   string // where the files are; tests may write beside them
}

// serveSimnet generates n domains with seed, writes the files and serves
// them until ctx ends or the test is over.
func serveSimnet(t *testing.T, ctx context.Context, n int, seed int64) *servedSimnet {
	t.Helper()
	inet, err := simnet.Generate(simnet.Config{Domains: n, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := inet.WriteAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := simnet.Serve(ctx, inet, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &servedSimnet{inet: inet, files: files, addr: srv.Addr(), dir: dir}
}
