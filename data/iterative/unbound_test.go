package iterative_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/iterative/lab"
)

// needOrSkip skips the test for a missing tool or privilege, except under
// CI=true, where .ci/run installs what the tests need.
func needOrSkip(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// TestUnboundAgrees crawls the test tree through unbound, a real
// recursive resolver started on loopback with the tree's root as its
// root hints, and from the root down: the facts are the same. unbound
// asks the servers it learns from referrals on port 53, so the tree runs
// on port 53 (which needs root or CAP_NET_BIND_SERVICE).
func TestUnboundAgrees(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("unbound")
	if err != nil {
		needOrSkip(t, "unbound is not installed (apt-get install unbound; .ci/run does)")
	}
	spec := treeSpec()
	spec.Port = 53
	tree, err := lab.Start(context.Background(), spec)
	if err != nil {
		if errors.Is(err, syscall.EACCES) || strings.Contains(err.Error(), "permission denied") {
			needOrSkip(t, "cannot bind port 53 on loopback for the tree: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(tree.Close)
	addr := startUnbound(t, bin, tree)

	domains := []string{"example.com", "cdnuser.com", "shop.com", "mismatch.com", "lame.com", "nosuch.com"}
	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{addr}, Concurrency: 2, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	viaUnbound := map[string]*dnscrawl.Observation{}
	if _, err := c.Crawl(ctxT(t), func(yield func(dnscrawl.Target) bool) {
		for _, tg := range targetsOf(domains) {
			if !yield(tg) {
				return
			}
		}
	}, func(o *dnscrawl.Observation) error {
		viaUnbound[o.Domain] = o
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Not two failures that agree: unbound found the provider's servers
	// and followed the CNAME into the CDN's zone.
	if o := viaUnbound["cdnuser.com"]; o.Status != dnscrawl.StatusOK || len(o.NS) != 2 || len(o.WWW.CNAMEs) != 1 || len(o.WWW.A) != 1 {
		t.Fatalf("cdnuser.com through unbound: %+v", o)
	}
	if o := viaUnbound["nosuch.com"]; o.Status != dnscrawl.StatusNXDomain {
		t.Errorf("nosuch.com through unbound: %s", o.Status)
	}
	iter := crawl(t, newResolver(t, tree, iterative.Config{}), 2, domains...)
	sameFacts(t, "unbound", viaUnbound, iter, domains)
}

// startUnbound runs unbound in the foreground on a free port of
// 127.1.255.1 with the tree's root hints, stopped at the end of the test,
// and returns its address once it answers.
func startUnbound(t *testing.T, bin string, tree *lab.Tree) string {
	t.Helper()
	dir := t.TempDir()
	var hints strings.Builder
	if err := iterative.WriteRootHints(&hints, tree.Hints); err != nil {
		t.Fatal(err)
	}
	hintsPath := filepath.Join(dir, "root.hints")
	if err := os.WriteFile(hintsPath, []byte(hints.String()), 0o644); err != nil {
		t.Fatal(err)
	}
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
	cl := &dns.Client{Net: "udp", Timeout: 200 * time.Millisecond}
	m := new(dns.Msg)
	m.SetQuestion("shop.com.", dns.TypeA)
	for range 50 {
		if r, _, err := cl.Exchange(m, addr); err == nil && r.Rcode == dns.RcodeSuccess {
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("unbound did not answer at %s within 5 s: %s", addr, stderr.String())
	return ""
}
