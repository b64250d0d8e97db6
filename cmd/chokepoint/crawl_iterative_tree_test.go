package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// treeDomains is the size of the population the tree tests crawl.
const treeDomains = 300

// TestIterativeSimnetSameDependencies crawls the simulated internet from
// the root of its delegation tree (crawl --iterative --root-hints
// --auth-port) and through its recursive-style server (crawl
// --resolver), both with TLS and HTTP probes (of the endpoint each
// advertises), classifies both, and checks that every domain that
// resolves has the same dependencies and layer states on every layer,
// that the delegations planted in the population (lame servers,
// parent/child mismatches) are the ones the crawl found and nothing else
// is flagged, and that a domain whose servers fail keeps its parent-side
// name servers as DNS dependencies.
func TestIterativeSimnetSameDependencies(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, treeDomains, 11)
	tree, err := simnet.ServeTree(ctx, sim.inet, simnet.TreeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer tree.Close()

	rec := crawlTreeCLI(t, ctx, sim, "--resolver", sim.addr, "--qps-per-resolver", "0")
	hints := writeHints(t, sim.dir, tree.Hints())
	iter := crawlTreeCLI(t, ctx, sim, "--iterative", "--root-hints", hints, "--auth-port", strconv.Itoa(int(tree.Port())), "--qps-per-server", "0")
	for _, o := range iter {
		if !o.Simulated {
			t.Fatalf("%s: not marked simulated: the tree's root servers say they are", o.Domain)
		}
		tree.PlanObservation(o)
	}
	cl := simnetClassifier(t, sim.files)
	recRes := classifyByDomain(cl, rec)
	iterRes := classifyByDomain(cl, iter)

	planted := map[string]int{}
	for _, tr := range sim.inet.Truth() {
		d := tr.Domain
		i, r := iterRes[d], recRes[d]
		if !sameStatus(r.Status, i.Status) {
			t.Errorf("%s: status %s from the root, %s through the resolver (%s)", d, i.Status, r.Status, i.Error)
			continue
		}
		if r.Status == dnscrawl.StatusOK {
			if diff := cmp.Diff(r, i, sameClassified...); diff != "" {
				t.Errorf("%s (-recursive +iterative):\n%s", d, diff)
			}
		}
		o := iter[d]
		want := tr.Delegation
		if o.Delegation == nil {
			if len(want.ParentNS) > 0 {
				t.Errorf("%s: no delegation recorded, want %+v", d, want)
			}
			continue
		}
		got := simnet.TruthDelegation{ChildNS: o.Delegation.ChildNS, Mismatch: o.Delegation.Mismatch}
		for _, ns := range o.Delegation.ParentNS {
			got.ParentNS = append(got.ParentNS, ns.Name)
		}
		for _, l := range o.Delegation.Lame {
			if lm := (simnet.TruthLame{Name: l.Name, Why: l.Why}); !slices.Contains(got.Lame, lm) {
				got.Lame = append(got.Lame, lm)
			}
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s delegation (-planted +found):\n%s", d, diff)
		}
		if tr.Status == dnscrawl.StatusOK {
			for _, l := range want.Lame {
				planted["lame "+string(l.Why)]++
			}
			if want.Mismatch {
				planted["mismatch"]++
			}
			continue
		}
		// A domain whose servers fail depends on the servers its parent
		// names: the iterative crawl's classification keeps them.
		if st := i.States[catalog.LayerDNS]; st != classify.StateKnown {
			t.Errorf("%s (%s): dns layer %s from the root, want the parent-side name servers known", d, tr.Status, st)
		}
		for _, dep := range i.Deps {
			if dep.Layer == catalog.LayerDNS && !strings.Contains(dep.EvidenceValue, "parent-side NS") {
				t.Errorf("%s (%s): dns dependency %s from %q, not from the parent-side set", d, tr.Status, dep.ID(), dep.EvidenceValue)
			}
		}
	}
	// Every kind of fault is in the list crawled: the comparison above
	// tested each.
	for _, k := range []string{"lame refused", "lame not_auth", "lame timeout", "mismatch"} {
		if planted[k] == 0 {
			t.Errorf("no domain with %s among the %d crawled (%v)", k, treeDomains, planted)
		}
	}
	t.Logf("planted and found: %v", planted)
}

// sameStatus reports whether a domain's status through a recursive
// resolver and from the root agree: from the root, a domain whose servers
// all answer SERVFAIL is a lame delegation, which a recursive resolver
// can only say as SERVFAIL.
func sameStatus(recursive, iterative dnscrawl.Status) bool {
	return recursive == iterative || recursive == dnscrawl.StatusServFail && iterative == dnscrawl.StatusLameDelegation
}

// crawlTreeCLI crawls the simulated list through the crawl command with
// the given flags and returns the observations by domain.
func crawlTreeCLI(t *testing.T, ctx context.Context, sim *servedSimnet, flags ...string) map[string]*dnscrawl.Observation {
	t.Helper()
	out, err := os.MkdirTemp(sim.dir, "crawl")
	if err != nil {
		t.Fatal(err)
	}
	args := append([]string{"crawl", sim.files.Domains, "--out", out, "--timeout", "1s", "--progress", "0", "--concurrency", "32"}, flags...)
	if code, _, stderr := execute(t, "", args...); code != 0 {
		t.Fatalf("crawl %v: exit %d: %s", flags, code, stderr)
	}
	obs := map[string]*dnscrawl.Observation{}
	if err := readInput(ctx, "", filepath.Join(out, ObservationsName), io.Discard, func(o *dnscrawl.Observation) { obs[o.Domain] = o }); err != nil {
		t.Fatal(err)
	}
	if len(obs) != sim.inet.Len() {
		t.Fatalf("%d observations for %d domains", len(obs), sim.inet.Len())
	}
	return obs
}

// writeHints writes root hints in named.root format and returns the path.
func writeHints(t *testing.T, dir string, hints []iterative.Hint) string {
	t.Helper()
	var b strings.Builder
	if err := iterative.WriteRootHints(&b, hints); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(dir, "named.root")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
	return f.Name()
}

// simnetClassifier is the classifier with the simulated internet's
// reference data.
func simnetClassifier(t *testing.T, files simnet.Files) *classify.Classifier {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	db, err := refdata.Open(files.ASN, files.Country)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ref, err := refdata.Load(files.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Ranges.Len() == 0 {
		t.Fatal("simnet wrote no range data")
	}
	return classify.New(cat, db).WithRanges(ref.Ranges)
}

// classified is what the tests compare of a domain's classification.
type classified struct {
	Status                   dnscrawl.Status
	Error                    string // not compared: the text of a failure
	States                   map[catalog.Layer]classify.State
	Deps                     []classify.Dependency
	Addrs                    []classify.AddrInfo
	OCSPStapled, NoOCSPFetch bool
}

// sameClassified are the options of comparing two classified.
var sameClassified = []cmp.Option{cmpopts.EquateComparable(netip.Addr{}), cmpopts.IgnoreFields(classified{}, "Error")}

// classifyByDomain classifies a whole list (in rank order) and returns
// the results by domain.
func classifyByDomain(cl *classify.Classifier, obs map[string]*dnscrawl.Observation) map[string]classified {
	list := make([]*dnscrawl.Observation, 0, len(obs))
	for _, o := range obs {
		list = append(list, o)
	}
	slices.SortFunc(list, func(x, y *dnscrawl.Observation) int { return x.Rank - y.Rank })
	out := map[string]classified{}
	for _, r := range classify.ClassifyAll(cl, list) {
		c := classified{Status: r.Status, Error: r.Error, States: r.States, Deps: r.DepList(), Addrs: r.AddrInfos(),
			OCSPStapled: r.OCSPStapled, NoOCSPFetch: r.NoOCSPFetch}
		// An edge's header value differs from one request to the
		// next (CF-Ray, X-Amz-Cf-Id): the header's name is the evidence.
		for i := range c.Deps {
			v := c.Deps[i].EvidenceValue
			h := strings.Index(v, "http_header ")
			if c.Deps[i].Evidence == classify.EvidenceHTTPHeader {
				h = 0
			}
			if k := strings.IndexByte(v[max(h, 0):], ':'); h >= 0 && k >= 0 {
				c.Deps[i].EvidenceValue = v[:h+k]
			}
		}
		out[r.Domain] = c
	}
	return out
}

// TestUnboundOnSimnetTree starts unbound, a real recursive resolver, on
// loopback with the simulated internet's delegation tree as its root
// hints, crawls through it (crawl --resolver) and from the tree's root
// (crawl --iterative): the dependencies are the same. unbound asks the
// servers it learns from referrals on port 53, so the tree serves on
// port 53 (root or CAP_NET_BIND_SERVICE). Skipped, saying why, when
// unbound is not installed (.ci/run installs it) or the port cannot be
// had.
func TestUnboundOnSimnetTree(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("unbound")
	if err != nil {
		needOrSkip(t, "unbound is not installed (apt-get install unbound; .ci/run does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	sim := serveSimnet(t, ctx, treeDomains, 13)
	tree, err := simnet.ServeTree(ctx, sim.inet, simnet.TreeConfig{Port: 53})
	if err != nil {
		if errors.Is(err, syscall.EACCES) || strings.Contains(err.Error(), "permission denied") || strings.Contains(err.Error(), "address already in use") {
			needOrSkip(t, "cannot serve the tree on port 53 of loopback: %v", err)
		}
		t.Fatal(err)
	}
	defer tree.Close()
	addr := startUnbound(t, bin, writeHints(t, sim.dir, tree.Hints()), sim.inet.Domain(1))

	// No probes: unbound does not say it is the simulated internet, so a
	// crawl through it would probe the sites' simulated addresses, which
	// are not on loopback.
	viaUnbound := crawlTreeCLI(t, ctx, sim, "--no-probe", "--resolver", addr, "--qps-per-resolver", "0")
	iter := crawlTreeCLI(t, ctx, sim, "--no-probe", "--iterative", "--root-hints", writeHints(t, sim.dir, tree.Hints()), "--auth-port", "53", "--qps-per-server", "0")
	// unbound and the crawl both see the tree's addresses of the name
	// servers: no mapping needed to compare them.
	cl := simnetClassifier(t, sim.files)
	ub, it := classifyByDomain(cl, viaUnbound), classifyByDomain(cl, iter)
	ok := 0
	for r := 1; r <= sim.inet.Len(); r++ {
		d := sim.inet.Domain(r)
		u, i := ub[d], it[d]
		if u.Status != dnscrawl.StatusOK || i.Status != dnscrawl.StatusOK {
			// unbound says SERVFAIL for a domain whose servers all fail
			// or time out, whatever the crawl makes of it.
			if (u.Status == dnscrawl.StatusOK) != (i.Status == dnscrawl.StatusOK) {
				t.Errorf("%s: %s through unbound (%s), %s from the root (%s)", d, u.Status, u.Error, i.Status, i.Error)
			}
			continue
		}
		ok++
		if diff := cmp.Diff(u, i, sameClassified...); diff != "" {
			t.Errorf("%s (-unbound +iterative):\n%s", d, diff)
		}
	}
	// Not two failures that agree.
	if ok < treeDomains*9/10 {
		t.Errorf("only %d of %d domains resolved through unbound", ok, treeDomains)
	}
}

// needOrSkip skips the test for a missing tool or privilege, except under
// CI=true, where .ci/run installs what the tests need.
func needOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// startUnbound runs unbound in the foreground on a free port of
// 127.1.255.1 with the root hints file, stopped at the end of the test,
// and returns its address once it resolves probe.
func startUnbound(t *testing.T, bin, hintsPath, probe string) string {
	t.Helper()
	dir := t.TempDir()
	port := 20000 + rand.IntN(40000)
	addr := fmt.Sprintf("127.1.255.1:%d", port)
	conf := fmt.Sprintf(`server:
	interface: 127.1.255.1
	port: %d
	do-ip6: no
	do-not-query-localhost: no
	access-control: 127.0.0.0/8 allow
	root-hints: %q
	module-config: "iterator"
	chroot: ""
	username: ""
	directory: %q
	pidfile: ""
	use-syslog: no
	logfile: ""
	num-threads: 1
	so-reuseport: no
	qname-minimisation: yes
	outgoing-range: 256
	num-queries-per-thread: 256
remote-control:
	control-enable: no
`, port, hintsPath, dir)
	confPath := filepath.Join(dir, "unbound.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-d", "-c", confPath)
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	cl := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(probe), dns.TypeNS)
	for range 40 {
		if r, _, err := cl.Exchange(m, addr); err == nil && r.Rcode != dns.RcodeRefused {
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("unbound did not answer at %s within 5 s: %s", addr, stderr.String())
	return ""
}

// TestSimnetServeTree runs simnet serve --tree: it prints root hints a
// crawl can read (and writes them to --hints), and its root server
// answers for the root zone on --auth-port.
func TestSimnetServeTree(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	hints := filepath.Join(dir, "named.root")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout strings.Builder
	done := make(chan error, 1)
	port := uint16(20000 + rand.IntN(40000))
	o := simnetServeOptions{Domains: 50, Seed: 1, Addr: "127.0.0.1:0", Tree: true, Hints: hints, AuthPort: port}
	go func() { done <- runSimnetServe(ctx, o, &stdout, io.Discard) }()
	for range 100 {
		if _, err := os.Stat(hints); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	roots, err := iterative.ReadRootHints(hints)
	if err != nil {
		t.Fatalf("root hints: %v", err)
	}
	if len(roots) != 2 || roots[0].Name != "a.root-servers.net" || !roots[0].Addrs[0].IsLoopback() {
		t.Fatalf("root hints %+v", roots)
	}
	m := new(dns.Msg)
	m.SetQuestion(".", dns.TypeNS)
	r, _, err := (&dns.Client{Timeout: 2 * time.Second}).Exchange(m, netip.AddrPortFrom(roots[0].Addrs[0], port).String())
	if err != nil || !r.Authoritative || len(r.Answer) != 2 {
		t.Errorf("root NS at port %d: %v %v", port, r, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(hints)
	if stdout.String() != string(file) {
		t.Errorf("stdout %q, hints file %q: want the root hints on both", stdout.String(), file)
	}
	code, _, stderr := execute(t, "", "simnet", "serve", "--auth-port", "5353")
	if code != exitUsage || !strings.Contains(stderr, "go with --tree") {
		t.Errorf("--auth-port without --tree: exit %d, %q", code, stderr)
	}
}
