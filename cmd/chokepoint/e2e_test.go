package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// minAccuracy is the share of domains whose providers on a layer must
// match simnet's ground truth exactly: on each layer, and separately over
// the (domain, layer) pairs whose truth names only catalogued providers
// (or self) and those whose truth names an operator the catalog does not
// know.
const minAccuracy = 0.99

// minBucket is the number of (domain, layer) pairs below which a layer's
// share of one part is printed but not held to minAccuracy: one miss in
// 50 is 98 %.
const minBucket = 100

// TestEndToEnd starts the simulated internet on loopback, runs crawl and
// analyze through the command functions, and checks that every domain is
// accounted for exactly once and that the classification matches the
// ground truth on every layer, for the catalogued and the uncatalogued
// parts of the population alike.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	const n = 2000
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, n, 7)
	inet, files := sim.inet, sim.files

	out := filepath.Join(sim.dir, "out")
	c := defaultCrawlOptions()
	c.Input, c.Out = files.Domains, out
	c.Resolvers = []string{sim.addr}
	// A generous timeout and two retries: on a loaded machine (the suite
	// beside other builds) answers of a live server arrive late, and a
	// domain lost to that would count against the classification.
	c.Timeout, c.Retries, c.Concurrency, c.Progress = time.Second, 2, 64, 0
	c.QPSPerResolver = 0
	c.Simulated = true
	m, err := runCrawl(ctx, c, nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("crawl: %v", err)
	}
	if m.Domains != n || m.BadLines != 0 {
		t.Errorf("crawl read %d domains and %d bad lines, want %d and 0", m.Domains, m.BadLines, n)
	}
	obsPath := filepath.Join(out, ObservationsName)
	err = runAnalyze(ctx, analyzeOptions{Inputs: []string{obsPath}, Out: out, ASNDB: files.ASN, CountryDB: files.Country, DataDir: files.DataDir, Quiet: true}, nil, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("analyze: %v", err)
	}
	for _, f := range []string{ObservationsName, dnscrawl.ManifestName, reports.DomainsFile, reports.DependenciesFile,
		reports.ProvidersFile, reports.MetricsFile, reports.RunFile, reports.HTMLFile} {
		if st, err := os.Stat(filepath.Join(out, f)); err != nil || st.Size() == 0 {
			t.Errorf("output %s missing or empty: %v", f, err)
		}
	}

	// Every domain exactly once in the observations.
	obs := map[string]*dnscrawl.Observation{}
	if err := readInput(ctx, "", obsPath, io.Discard, func(o *dnscrawl.Observation) {
		if obs[o.Domain] != nil {
			t.Errorf("domain %s observed twice", o.Domain)
		}
		obs[o.Domain] = o
	}); err != nil {
		t.Fatal(err)
	}
	if len(obs) != n {
		t.Fatalf("%d observations, want %d", len(obs), n)
	}

	// Classification against the ground truth, per layer.
	cl := simnetClassifier(t, files)
	truth := inet.Truth()
	list := make([]*dnscrawl.Observation, len(truth))
	for i, tr := range truth {
		if list[i] = obs[tr.Domain]; list[i] == nil {
			t.Fatalf("truth domain %s not observed", tr.Domain)
		}
	}
	// The whole list at once: the decisions about operators the catalog
	// does not know (shared or the site's own, TLD variants) need it.
	results := classify.ClassifyAll(cl, list)
	regions, regionAddrs, regionWrong := 0, 0, 0
	nets := inet.Networks()
	type tally struct{ ok, n int }
	const catalogued, uncatalogued = 0, 1
	parts := [2]string{"catalogued", "uncatalogued"}
	correct := map[catalog.Layer]*[2]tally{}
	// A layer the simulator's truth gives no domain a provider on is one
	// it does not model (yet): not scored, and said.
	covered := map[catalog.Layer]bool{}
	for _, l := range catalog.Layers {
		correct[l] = &[2]tally{}
		covered[l] = slices.ContainsFunc(truth, func(tr simnet.Truth) bool { return len(tr.Providers(l)) > 0 })
		if !covered[l] {
			t.Logf("%s: the simulated internet's truth has no provider on this layer: not scored", l)
		}
	}
	var domains [2]tally
	statusOK := 0
	shown := 0
	for i, tr := range truth {
		o, r := list[i], &results[i]
		if o.Status == tr.Status {
			statusOK++
		} else if shown < 10 {
			shown++
			t.Logf("%s: status %s, truth %s (%s)", tr.Domain, o.Status, tr.Status, o.Error)
		}
		for _, d := range r.Deps() {
			if d.Evidence == classify.EvidenceIPRange && d.Region != "" {
				regions++
			}
		}
		// Every address given a region is in a simulated network of that
		// region (geofeeds write it upper case).
		for _, ai := range r.Addrs() {
			if ai.Region == "" {
				continue
			}
			regionAddrs++
			k := slices.IndexFunc(nets, func(n simnet.Network) bool { return n.Prefix.Contains(ai.Addr) })
			if k < 0 || !strings.EqualFold(nets[k].Region, ai.Region) {
				regionWrong++
			}
		}
		domainPart, domainOK := catalogued, true
		for _, l := range catalog.Layers {
			if !covered[l] {
				continue
			}
			var got []string
			for _, d := range r.LayerDeps(l) {
				got = append(got, d.ID())
			}
			slices.Sort(got)
			got = slices.Compact(got)
			want := tr.ProvidersProbed(l) // the crawl ran the probes (the default)
			part := catalogued
			if slices.ContainsFunc(want, simnet.Uncatalogued) {
				part, domainPart = uncatalogued, uncatalogued
			}
			c := &correct[l][part]
			c.n++
			if slices.Equal(got, want) {
				c.ok++
			} else {
				domainOK = false
				if shown < 20 {
					shown++
					t.Logf("%s %s (%s): got %v, truth %v", tr.Domain, l, parts[part], got, want)
				}
			}
		}
		domains[domainPart].n++
		if domainOK {
			domains[domainPart].ok++
		}
	}
	t.Logf("%d dependencies with a region from ip_range evidence; %d addresses with a region, %d wrong", regions, regionAddrs, regionWrong)
	if regions == 0 || regionAddrs == 0 || regionWrong > 0 {
		t.Error("regions from the range data missing or wrong")
	}
	t.Logf("status accuracy %.2f%% (%d/%d)", 100*float64(statusOK)/n, statusOK, n)
	if float64(statusOK)/n < minAccuracy {
		t.Errorf("status accuracy %.4f below %.2f", float64(statusOK)/n, minAccuracy)
	}
	check := func(what string, c tally, min int) {
		t.Helper()
		if c.n == 0 {
			t.Logf("%-26s no pairs", what)
			return
		}
		acc := float64(c.ok) / float64(c.n)
		t.Logf("%-26s accuracy %6.2f%% (%d/%d)", what, 100*acc, c.ok, c.n)
		if c.n >= min && acc < minAccuracy {
			t.Errorf("%s accuracy %.4f below %.2f", what, acc, minAccuracy)
		}
	}
	var all [2]tally
	for _, l := range catalog.Layers {
		c := correct[l]
		check(string(l), tally{c[0].ok + c[1].ok, c[0].n + c[1].n}, 0)
		for part := range parts {
			check(string(l)+" "+parts[part], c[part], minBucket)
			all[part].ok += c[part].ok
			all[part].n += c[part].n
		}
	}
	for part := range parts {
		check("all layers "+parts[part], all[part], 0)
		check("domains "+parts[part], domains[part], 0)
	}
	// The population must have both parts for the comparison to mean
	// anything.
	if all[uncatalogued].n < n/10 {
		t.Errorf("only %d (domain, layer) pairs name an operator the catalog does not know", all[uncatalogued].n)
	}
}

// TestRunStdinBadLines runs the whole job on a list given on standard
// input with bad lines and duplicates: each bad line is reported with its
// number, counted in crawl.json and run.json, and every good domain gets
// its row.
func TestRunStdinBadLines(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, 50, 3)
	inet, files, dir := sim.inet, sim.files, sim.dir
	list := strings.Join([]string{
		"# my list",
		inet.Domain(1),
		"not a domain", // line 3
		"https://" + inet.Domain(2) + "/path",
		strings.ToUpper(inet.Domain(1)) + ".", // duplicate of line 2
		"-bad-.com",                           // line 6
		inet.Domain(3),
	}, "\n") + "\n"
	out := filepath.Join(dir, "out")
	code, stdout, stderr := execute(t, list, "run", "-", "--out", out, "--resolver", sim.addr,
		"--asn-db", files.ASN, "--timeout", "300ms", "--progress", "0")
	if code != exitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	for _, want := range []string{"stdin:3", "stdin:6"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not report %s:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "3 domains") {
		t.Errorf("summary does not count 3 domains:\n%s", stdout)
	}
	var m dnscrawl.Manifest
	readJSON(t, filepath.Join(out, dnscrawl.ManifestName), &m)
	if m.Lines != 7 || m.Domains != 3 || m.BadLines != 2 || m.Duplicates != 1 || m.Interrupted {
		t.Errorf("crawl.json counts lines=%d domains=%d bad=%d dup=%d interrupted=%v; want 7 3 2 1 false",
			m.Lines, m.Domains, m.BadLines, m.Duplicates, m.Interrupted)
	}
	var run reports.Run
	readJSON(t, filepath.Join(out, reports.RunFile), &run)
	if run.Counts.BadLines != 2 || run.Counts.Domains != 3 || run.Counts.Duplicates != 1 {
		t.Errorf("run.json counts %+v; want 3 domains, 2 bad lines, 1 duplicate", run.Counts)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}
