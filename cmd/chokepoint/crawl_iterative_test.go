package main

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/iterative/lab"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// TestCrawlIterative crawls a delegation tree on loopback from its root
// (crawl --iterative --root-hints), and analyzes the observations.
func TestCrawlIterative(t *testing.T) {
	t.Parallel()
	const soa = "@ SOA ns.invalid. hostmaster.invalid. 1 7200 900 1209600 300\n"
	a := netip.MustParseAddr
	tree, err := lab.Start(context.Background(), lab.Spec{
		Roots: map[string]netip.Addr{"root.lab": a("127.3.0.1")},
		Zones: map[string]string{
			".":               soa + "@ NS root.lab.\nroot.lab. A 127.3.0.1\ncom. NS tld.lab.\ntld.lab. A 127.3.1.1\n",
			"com":             soa + "@ NS tld.lab.\nexample NS ns1.example-dns.com.\nexample NS ns2.example-dns.com.\nexample-dns NS ns1.example-dns.com.\nns1.example-dns A 127.3.2.1\nns2.example-dns A 127.3.2.2\nlame NS ns1.example-dns.com.\nlame NS ns2.example-dns.com.\n",
			"example-dns.com": soa + "@ NS ns1.example-dns.com.\nns1 A 127.3.2.1\nns2 A 127.3.2.2\n",
			"example.com":     soa + "@ NS ns1.example-dns.com.\n@ NS ns2.example-dns.com.\n@ A 127.8.0.1\nwww CNAME @\n@ MX 10 mx.example-dns.com.\n",
			"lame.com":        soa + "@ NS ns1.example-dns.com.\n@ A 127.8.0.2\n",
		},
		Servers: []lab.Server{
			{Addr: a("127.3.0.1"), Zones: map[string]lab.Mode{".": lab.Serve}},
			{Addr: a("127.3.1.1"), Zones: map[string]lab.Mode{"com": lab.Serve}},
			{Addr: a("127.3.2.1"), Zones: map[string]lab.Mode{"example-dns.com": lab.Serve, "example.com": lab.Serve, "lame.com": lab.Serve}},
			{Addr: a("127.3.2.2"), Zones: map[string]lab.Mode{"example-dns.com": lab.Serve, "example.com": lab.Serve}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()
	dir := t.TempDir()
	var hints strings.Builder
	if err := iterative.WriteRootHints(&hints, tree.Hints); err != nil {
		t.Fatal(err)
	}
	hintsPath := writeFile(t, dir, "named.root", hints.String())
	list := writeFile(t, dir, "list.txt", "example.com\nlame.com\nnosuch.com\n")
	out := filepath.Join(dir, "out")
	port := strconv.Itoa(int(tree.Port))

	code, _, stderr := execute(t, "", "crawl", list, "--iterative", "--root-hints", hintsPath, "--auth-port", port,
		"--qps-per-server", "0", "--timeout", "500ms", "--progress", "0", "--out", out)
	if code != 0 {
		t.Fatalf("crawl: exit %d: %s", code, stderr)
	}
	obs := map[string]*dnscrawl.Observation{}
	if err := readObservations(context.Background(), filepath.Join(out, ObservationsName), os.Stderr, func(o *dnscrawl.Observation) { obs[o.Domain] = o }); err != nil {
		t.Fatal(err)
	}
	ex := obs["example.com"]
	if ex == nil || ex.Status != dnscrawl.StatusOK || len(ex.NS) != 2 || ex.Delegation == nil || ex.Delegation.Parent != "com" {
		t.Fatalf("example.com: %+v", ex)
	}
	if d := obs["lame.com"].Delegation; d == nil || !d.Mismatch || len(d.Lame) != 1 || d.Lame[0].Name != "ns2.example-dns.com" {
		t.Errorf("lame.com delegation %+v: want ns2 lame and a mismatch", d)
	}
	if o := obs["nosuch.com"]; o == nil || o.Status != dnscrawl.StatusNXDomain {
		t.Errorf("nosuch.com: %+v", o)
	}
	var m dnscrawl.Manifest
	readJSON(t, filepath.Join(out, dnscrawl.ManifestName), &m)
	if len(m.Resolvers) != 1 || !strings.Contains(m.Resolvers[0], "iterative") {
		t.Errorf("crawl.json resolvers %v", m.Resolvers)
	}

	code, _, stderr = execute(t, "", "analyze", filepath.Join(out, ObservationsName), "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	deps, err := os.ReadFile(filepath.Join(out, reports.DependenciesFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(deps), "example-dns.com") {
		t.Errorf("dependencies.csv names no example-dns.com:\n%s", deps)
	}
}

func TestCrawlIterativeFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", "example.com\n")
	bad := writeFile(t, dir, "bad.root", ".  3600000  NS  a.root.lab.\n")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"hints without iterative", []string{"--root-hints", bad}, "go with --iterative"},
		{"iterative and resolver", []string{"--iterative", "--resolver", "127.0.0.1:53"}, "give one of them"},
		{"bad qps", []string{"--iterative", "--qps-per-server", "-1"}, "--qps-per-server"},
		{"hints without address", []string{"--iterative", "--root-hints", bad}, "bad.root: root server a.root.lab has no A or AAAA record"},
		{"missing hints", []string{"--iterative", "--root-hints", filepath.Join(dir, "nope")}, "nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"crawl", list, "--out", filepath.Join(dir, c.name)}, c.args...)
			code, _, stderr := execute(t, "", args...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q: want usage error with %q", code, stderr, c.want)
			}
		})
	}
}
