// Command bench-peers measures chokepoint's crawler beside other DNS
// clients, all against one NSD serving a synthetic population of zones on
// 127.0.0.1, and prints one table. `make bench-peers` installs the tools
// and runs it; see docs/benchmarks.md for the figures.
//
//	go run ./cmd/bench-peers [-domains N] [-rounds 3] [-dir DIR]
//
// The tools: dnsperf (a load generator, the ceiling), massdns (C, when
// scripts/bench-peers/install.sh could build it: see massdns.go), the
// in-repo bare client, chokepoint, zdns and dnsx.
// Every tool is asked the same 7 questions per domain (NS, SOA, MX, A and
// AAAA of the domain, A and AAAA of its www host), except chokepoint,
// which runs its whole lookup plan (it follows the www CNAME chains into
// the CDN-like zones and asks for name server and mail host addresses
// when the answers do not carry them), DNS only (`--no-probe`: its TLS
// and HTTP probes, on by default, are no part of what the other tools
// do). Rounds are interleaved: round 1 of
// every tool, then round 2, and so on, so that a change of load on a
// shared machine touches every tool alike. CPU is the client process's
// user+system time (getrusage of the child), peak RSS its ru_maxrss.
//
// The same binary is the in-repo bare client (`bench-peers bare`): a
// miekg/dns client with one persistent UDP socket per worker, each worker
// asking one question at a time. `bench-peers profile` crawls a list
// in-process through the dnscrawl library against a running server, with
// CPU and allocation profiles (see profile.go).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/miekg/dns"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "bare" {
		os.Exit(bareMain(os.Args[2:]))
	}
	if len(os.Args) > 1 && os.Args[1] == "profile" {
		os.Exit(profileMain(os.Args[2:]))
	}
	os.Exit(benchMain(os.Args[1:]))
}

// defaultTools are the tools of a run, in round order.
const defaultTools = "dnsperf,massdns,bare,chokepoint,zdns,dnsx"

type options struct {
	domains     int
	rounds      int
	dir         string
	port        int
	chokepoint  string
	baseline    string
	concurrency int
	tools       string
}

func benchMain(args []string) int {
	var o options
	fs := flag.NewFlagSet("bench-peers", flag.ExitOnError)
	fs.IntVar(&o.domains, "domains", 200_000, "number of domains (zones) served and asked about")
	fs.IntVar(&o.rounds, "rounds", 3, "interleaved rounds per tool")
	fs.StringVar(&o.dir, "dir", "bin/bench-peers", "working directory: zones, NSD's files, tool outputs")
	fs.IntVar(&o.port, "port", 5399, "NSD's UDP and TCP port on 127.0.0.1")
	fs.StringVar(&o.chokepoint, "chokepoint", "bin/chokepoint", "the chokepoint binary")
	fs.StringVar(&o.baseline, "baseline", "", "another chokepoint binary (an older build), run as the tool chokepoint-base to compare builds in one run")
	fs.IntVar(&o.concurrency, "concurrency", 256, "in-flight queries or workers of every tool")
	fs.StringVar(&o.tools, "tools", defaultTools, "tools to run, in round order (by default massdns only when it is on PATH)")
	fs.Parse(args)
	toolsSet := false
	fs.Visit(func(f *flag.Flag) { toolsSet = toolsSet || f.Name == "tools" })
	if _, err := exec.LookPath("massdns"); err != nil && !toolsSet {
		fmt.Fprintln(os.Stderr, "bench-peers: massdns is not on PATH, the table goes without it (scripts/bench-peers/install.sh builds it from MASSDNS_SRC)")
		o.tools = strings.Replace(o.tools, ",massdns", "", 1)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-peers:", err)
		return 1
	}
	return 0
}

func run(o options) error {
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	pop := filepath.Join(dir, fmt.Sprintf("pop-%d", o.domains))
	if done, err := os.ReadFile(filepath.Join(pop, "done")); err != nil || string(done) != generatorVersion {
		fmt.Fprintf(os.Stderr, "generating %d zones in %s\n", o.domains, pop)
		if err := generate(pop, o.domains); err != nil {
			return err
		}
	}
	addr := fmt.Sprintf("127.0.0.1:%d", o.port)
	stop, err := startNSD(pop, dir, o.port)
	if err != nil {
		return err
	}
	defer stop()

	tools := map[string]func(round int) (result, error){
		"dnsperf": func(int) (result, error) {
			return runDnsperf(pop, o)
		},
		"bare": func(int) (result, error) {
			return runBare(self, pop, addr, o)
		},
		"chokepoint": func(r int) (result, error) {
			return runChokepoint(pop, dir, addr, o, r)
		},
		"chokepoint-base": func(r int) (result, error) {
			if o.baseline == "" {
				return result{}, fmt.Errorf("chokepoint-base needs -baseline")
			}
			base := o
			base.chokepoint = o.baseline
			return runChokepoint(pop, dir, addr, base, r)
		},
		"massdns": func(r int) (result, error) {
			return runMassdns(pop, dir, addr, o, r)
		},
		"zdns": func(r int) (result, error) {
			return runZdns(pop, dir, addr, o, r)
		},
		"dnsx": func(r int) (result, error) {
			return runDnsx(pop, dir, addr, o, r)
		},
	}
	names := strings.Split(o.tools, ",")
	for _, n := range names {
		if tools[n] == nil {
			return fmt.Errorf("unknown tool %q", n)
		}
	}
	results := map[string][]result{}
	for r := 1; r <= o.rounds; r++ {
		for _, n := range names {
			res, err := tools[n](r)
			if err != nil {
				return fmt.Errorf("%s, round %d: %w", n, r, err)
			}
			fmt.Fprintf(os.Stderr, "round %d %-10s %8.0f q/s %7.0f domains/s %6.1f us/query %6.0f MB %s\n",
				r, n, res.qps(), res.dps(), res.usPerQuery(), res.rssMB, res.note)
			results[n] = append(results[n], res)
		}
	}
	printTable(os.Stdout, o, names, results)
	return nil
}

// result is one run of one tool.
type result struct {
	queries, domains int64
	lost             int64 // questions without an answer, -1 when the tool does not say
	wall, cpu        time.Duration
	rssMB            float64
	note             string
}

func (r result) qps() float64        { return float64(r.queries) / r.wall.Seconds() }
func (r result) dps() float64        { return float64(r.domains) / r.wall.Seconds() }
func (r result) usPerQuery() float64 { return float64(r.cpu.Microseconds()) / float64(r.queries) }

// measure runs cmd and returns its wall time, CPU time (user+system of
// the process and the children it waited for) and peak RSS. The command
// runs under GNU time (/usr/bin/time -f %M), which reports the peak RSS:
// a child started straight from this process would count this process's
// own high-water mark in its ru_maxrss (Go starts children with vfork,
// and Linux carries the parent's peak RSS over the exec).
func measure(cmd *exec.Cmd) (wall, cpu time.Duration, rssMB float64, err error) {
	var stderr strings.Builder
	if cmd.Stderr == nil {
		cmd.Stderr = &stderr
	}
	rssFile, err := os.CreateTemp("", "bench-peers-rss")
	if err != nil {
		return 0, 0, 0, err
	}
	rssFile.Close()
	defer os.Remove(rssFile.Name())
	cmd.Args = append([]string{"/usr/bin/time", "-f", "%M", "-o", rssFile.Name()}, cmd.Args...)
	cmd.Path = "/usr/bin/time"
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args[5:], " "), err, lastLines(stderr.String(), 5))
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	b, err := os.ReadFile(rssFile.Name())
	if err != nil {
		return 0, 0, 0, err
	}
	var kb float64
	if _, err := fmt.Sscan(lastLines(string(b), 1), &kb); err != nil {
		return 0, 0, 0, fmt.Errorf("peak RSS from /usr/bin/time: %q: %w", b, err)
	}
	return wall, cpu, kb / 1024, nil
}

func lastLines(s string, n int) string {
	l := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(l[max(0, len(l)-n):], "\n")
}

func runDnsperf(pop string, o options) (result, error) {
	var out strings.Builder
	cmd := exec.Command("dnsperf", "-s", "127.0.0.1", "-p", fmt.Sprint(o.port), "-d", filepath.Join(pop, "questions.txt"),
		"-n", "1", "-c", "8", "-T", "1", "-q", fmt.Sprint(o.concurrency), "-t", "2")
	cmd.Stdout = &out
	wall, cpu, rss, err := measure(cmd)
	if err != nil {
		return result{}, err
	}
	var completed, lost int64
	note := ""
	for _, line := range strings.Split(out.String(), "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "Response codes:"); ok {
			note = "(" + strings.TrimSpace(v) + ")"
		}
		if v, ok := strings.CutPrefix(line, "Queries completed:"); ok {
			fmt.Sscan(v, &completed)
		}
		if v, ok := strings.CutPrefix(line, "Queries lost:"); ok {
			fmt.Sscan(v, &lost)
		}
	}
	if completed == 0 {
		return result{}, fmt.Errorf("dnsperf: no completed queries in its output:\n%s", out.String())
	}
	return result{queries: completed, domains: int64(o.domains), lost: lost, wall: wall, cpu: cpu, rssMB: rss, note: note}, nil
}

func runBare(self, pop, addr string, o options) (result, error) {
	var out strings.Builder
	cmd := exec.Command(self, "bare", "-server", addr, "-questions", filepath.Join(pop, "questions.txt"), "-workers", fmt.Sprint(o.concurrency))
	cmd.Stdout = &out
	wall, cpu, rss, err := measure(cmd)
	if err != nil {
		return result{}, err
	}
	var answered, lost int64
	fmt.Sscanf(out.String(), "answered %d lost %d", &answered, &lost)
	return result{queries: answered + lost, domains: int64(o.domains), lost: lost, wall: wall, cpu: cpu, rssMB: rss}, nil
}

func runChokepoint(pop, dir, addr string, o options, round int) (result, error) {
	out := filepath.Join(dir, fmt.Sprintf("chokepoint-%d", round))
	cmd := exec.Command(o.chokepoint, "crawl", filepath.Join(pop, "domains.txt"), "--resolver", addr,
		"--qps-per-resolver", "0", "--concurrency", fmt.Sprint(o.concurrency), "--progress", "0",
		"--timeout", "2s", "--out", out, "--force", "--no-probe")
	wall, cpu, rss, err := measure(cmd)
	if err != nil {
		return result{}, err
	}
	b, err := os.ReadFile(filepath.Join(out, "crawl.json"))
	if err != nil {
		return result{}, err
	}
	var m struct {
		Queries  int64          `json:"queries"`
		Domains  int64          `json:"domains"`
		Statuses map[string]int `json:"statuses"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return result{}, err
	}
	failed := int64(m.Statuses["timeout"] + m.Statuses["network_error"])
	note := ""
	if ok := m.Statuses["ok"]; int64(ok) != m.Domains {
		note = fmt.Sprintf("(%d of %d domains ok: %v)", ok, m.Domains, m.Statuses)
	}
	return result{queries: m.Queries, domains: m.Domains, lost: failed, wall: wall, cpu: cpu, rssMB: rss, note: note}, nil
}

// runZdns asks the 7 questions with zdns MULTIPLE: the 5 of the domains,
// then the 2 of the www hosts; the two processes' times are added.
func runZdns(pop, dir, addr string, o options, round int) (result, error) {
	var r result
	for _, part := range []struct{ list, ini string }{{"domains.txt", "apex.ini"}, {"www.txt", "www.ini"}} {
		in, err := os.Open(filepath.Join(pop, part.list))
		if err != nil {
			return r, err
		}
		outPath := filepath.Join(dir, fmt.Sprintf("zdns-%d-%s.jsonl", round, strings.TrimSuffix(part.ini, ".ini")))
		cmd := exec.Command("zdns", "MULTIPLE", "--multi-config-file", filepath.Join(pop, part.ini),
			"--name-servers", addr, "--threads", fmt.Sprint(o.concurrency), "--output-file", outPath, "--retries", "1")
		cmd.Stdin = in
		wall, cpu, rss, err := measure(cmd)
		in.Close()
		if err != nil {
			return r, err
		}
		r.wall += wall
		r.cpu += cpu
		r.rssMB = max(r.rssMB, rss)
		n, err := countLines(outPath)
		if err != nil {
			return r, err
		}
		r.note += fmt.Sprintf("%s: %d lines; ", part.list, n)
	}
	r.queries, r.domains, r.lost = 7*int64(o.domains), int64(o.domains), -1
	return r, nil
}

// runDnsx asks the 7 questions with dnsx: NS, SOA, MX, A, AAAA of the
// domains, then A and AAAA of the www hosts.
func runDnsx(pop, dir, addr string, o options, round int) (result, error) {
	var r result
	for _, part := range []struct {
		list  string
		types []string
	}{{"domains.txt", []string{"-a", "-aaaa", "-ns", "-soa", "-mx"}}, {"www.txt", []string{"-a", "-aaaa"}}} {
		outPath := filepath.Join(dir, fmt.Sprintf("dnsx-%d-%s", round, part.list))
		args := append([]string{"-l", filepath.Join(pop, part.list), "-r", addr, "-t", fmt.Sprint(o.concurrency),
			"-retry", "1", "-silent", "-duc", "-nc", "-resp", "-o", outPath}, part.types...)
		cmd := exec.Command("dnsx", args...)
		wall, cpu, rss, err := measure(cmd)
		if err != nil {
			return r, err
		}
		r.wall += wall
		r.cpu += cpu
		r.rssMB = max(r.rssMB, rss)
	}
	r.queries, r.domains, r.lost = 7*int64(o.domains), int64(o.domains), -1
	return r, nil
}

// countLines counts the lines of a file, streaming: this process must
// stay small (see measure).
func countLines(path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// startNSD writes nsd.conf for the population and runs NSD in the
// foreground, one server process, rate limiting off; it returns when NSD
// answers for the last zone.
func startNSD(pop, dir string, port int) (func(), error) {
	run := filepath.Join(dir, "nsd")
	os.RemoveAll(run)
	if err := os.MkdirAll(run, 0o755); err != nil {
		return nil, err
	}
	conf := filepath.Join(run, "nsd.conf")
	f, err := os.Create(conf)
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, `server:
	ip-address: 127.0.0.1@%d
	do-ip6: no
	server-count: 1
	username: ""
	chroot: ""
	zonesdir: %q
	zonelistfile: %q
	xfrdfile: %q
	xfrdir: %q
	pidfile: %q
	logfile: %q
	database: ""
	verbosity: 0
	hide-version: yes
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
	tcp-count: 256
	receive-buffer-size: 4194304
	send-buffer-size: 4194304
remote-control:
	control-enable: no
pattern:
	name: bench
	zonefile: "%%s.zone"
`, port, filepath.Join(pop, "zones"), filepath.Join(run, "zone.list"), filepath.Join(run, "xfrd.state"), run,
		filepath.Join(run, "nsd.pid"), filepath.Join(run, "nsd.log"))
	zones, err := os.ReadFile(filepath.Join(pop, "zones.txt"))
	if err != nil {
		return nil, err
	}
	for _, z := range strings.Fields(string(zones)) {
		fmt.Fprintf(w, "zone:\n\tname: %s\n\tinclude-pattern: bench\n", z)
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	f.Close()
	cmd := exec.Command("nsd", "-d", "-c", conf)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nsd (apt-get install nsd): %w", err)
	}
	stop := func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	zl := strings.Fields(string(zones))
	last := zl[len(zl)-1]
	cl := &dns.Client{Timeout: time.Second}
	m := new(dns.Msg)
	m.SetQuestion(last+".", dns.TypeSOA)
	deadline := time.Now().Add(10 * time.Minute)
	fmt.Fprintf(os.Stderr, "waiting for NSD to load %d zones\n", len(zl))
	for time.Now().Before(deadline) {
		r, _, err := cl.Exchange(m, fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil && r.Rcode == dns.RcodeSuccess && len(r.Answer) > 0 {
			if err := zoneErrors(filepath.Join(run, "nsd.log")); err != nil {
				stop()
				return nil, err
			}
			return stop, nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	stop()
	return nil, errors.New("NSD did not answer for the last zone within 10 minutes (see its log)")
}

// zoneErrors reads NSD's log and returns an error naming the first few
// zones NSD refused, with their count: NSD answers SERVFAIL for a zone
// whose file it could not read, which would make every tool's figures
// those of a smaller, different population.
func zoneErrors(logPath string) error {
	f, err := os.Open(logPath)
	if err != nil {
		return err
	}
	defer f.Close()
	var first []string
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.Contains(line, " error: ") {
			n++
			if len(first) < 5 {
				first = append(first, line)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", logPath, err)
	}
	if n > 0 {
		return fmt.Errorf("NSD logged %d errors loading the zones (%s), the first:\n%s", n, logPath, strings.Join(first, "\n"))
	}
	return nil
}

// bareMain is the in-repo bare client: workers, each with one persistent
// UDP socket, ask the questions of a file ("name TYPE" lines) one at a
// time; it prints "answered N lost M".
func bareMain(args []string) int {
	fs := flag.NewFlagSet("bare", flag.ExitOnError)
	server := fs.String("server", "", "server address, IP:port")
	qfile := fs.String("questions", "", "questions file, one \"name TYPE\" per line")
	workers := fs.Int("workers", 256, "workers, one socket each")
	timeout := fs.Duration("timeout", 2*time.Second, "timeout of one question")
	fs.Parse(args)
	type q struct {
		name  string
		qtype uint16
	}
	var qs []q
	f, err := os.Open(*qfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, typ, ok := strings.Cut(sc.Text(), " ")
		t, known := dns.StringToType[typ]
		if !ok || !known {
			fmt.Fprintf(os.Stderr, "%s: bad line %q\n", *qfile, sc.Text())
			return 1
		}
		qs = append(qs, q{dns.Fqdn(name), t})
	}
	f.Close()
	var next, answered, lost atomic.Int64
	var wg sync.WaitGroup
	for range *workers {
		wg.Go(func() {
			cl := &dns.Client{Net: "udp", Timeout: *timeout, UDPSize: 1232}
			co, err := cl.DialContext(context.Background(), *server)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return
			}
			defer co.Close()
			m := new(dns.Msg)
			m.SetEdns0(1232, false)
			for i := next.Add(1) - 1; i < int64(len(qs)); i = next.Add(1) - 1 {
				m.SetQuestion(qs[i].name, qs[i].qtype)
				if _, _, err := cl.ExchangeWithConn(m, co); err != nil {
					lost.Add(1)
				} else {
					answered.Add(1)
				}
			}
		})
	}
	wg.Wait()
	fmt.Printf("answered %d lost %d\n", answered.Load(), lost.Load())
	return 0
}

// printTable prints the median of each tool's rounds with the range, and
// the ratios of the medians to dnsperf's, massdns's and the bare
// client's (those of them that ran).
func printTable(w io.Writer, o options, names []string, results map[string][]result) {
	med := func(rs []result, f func(result) float64) (m, lo, hi float64) {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2], v[0], v[len(v)-1]
	}
	qpsOf := map[string]float64{}
	for _, n := range names {
		qpsOf[n], _, _ = med(results[n], result.qps)
	}
	fmt.Fprintf(w, "\n%d domains, %d rounds, concurrency %d, NSD on 127.0.0.1:%d\n\n", o.domains, o.rounds, o.concurrency, o.port)
	var refs []string // the tools that the ratio columns divide by
	for _, ref := range []string{"dnsperf", "massdns", "bare"} {
		if slices.Contains(names, ref) {
			refs = append(refs, ref)
		}
	}
	fmt.Fprint(w, "| tool | queries/s (median, range) | domains/s | client CPU us/query | peak RSS MB | lost |")
	for _, ref := range refs {
		fmt.Fprintf(w, " x %s |", ref)
	}
	fmt.Fprint(w, "\n|---|---|---|---|---|---|")
	fmt.Fprint(w, strings.Repeat("---|", len(refs))+"\n")
	for _, n := range names {
		rs := results[n]
		q, qlo, qhi := med(rs, result.qps)
		d, _, _ := med(rs, result.dps)
		c, clo, chi := med(rs, result.usPerQuery)
		m, _, mhi := med(rs, func(r result) float64 { return r.rssMB })
		lost := "n/a"
		if rs[0].lost >= 0 {
			var l []string
			for _, r := range rs {
				l = append(l, fmt.Sprint(r.lost))
			}
			lost = strings.Join(l, "/")
		}
		fmt.Fprintf(w, "| %s | %.0f (%.0f-%.0f) | %.0f | %.1f (%.1f-%.1f) | %.0f (max %.0f) | %s |",
			n, q, qlo, qhi, d, c, clo, chi, m, mhi, lost)
		for _, ref := range refs {
			fmt.Fprintf(w, " %.2f |", q/qpsOf[ref])
		}
		fmt.Fprintln(w)
	}
	// Per round, the queries/s over the first reference's in the same
	// round, and the CPU per query beside it.
	if len(refs) > 0 {
		ref := refs[0]
		if slices.Contains(refs, "massdns") {
			ref = "massdns"
		}
		fmt.Fprintf(w, "\nper round, queries/s over %s's in the same round (client CPU us/query, %s's):\n", ref, ref)
		for _, n := range names {
			if n == ref {
				continue
			}
			var l []string
			for i, r := range results[n] {
				if i < len(results[ref]) {
					l = append(l, fmt.Sprintf("%.2f (%.1f, %.1f)", r.qps()/results[ref][i].qps(), r.usPerQuery(), results[ref][i].usPerQuery()))
				}
			}
			fmt.Fprintf(w, "- %s: %s\n", n, strings.Join(l, "; "))
		}
	}
}

// generatorVersion is written to a population's "done" file; a
// population written by another version of generate is written again.
// Version 2: apex AAAA addresses valid beyond 65,535 domains (version 1
// wrote a 5-digit group from domain 65,535 on, which NSD refuses: it
// answered SERVFAIL for those zones).
const generatorVersion = "generator 2\n"

// domainAAAA is the apex AAAA address of domain i: the domain's index,
// split into two 16-bit groups, after a prefix that spreads the domains
// over 4,096 /48s.
func domainAAAA(i int) string {
	return fmt.Sprintf("2001:db8:%x::%x:%x", 0x1000+i%4096, (i+1)>>16, (i+1)&0xffff)
}

// generate writes a population of n zones to dir: zones/NAME.zone for
// every zone, zones.txt (all zones), domains.txt and www.txt (the
// domains and their www hosts), questions.txt (the 7 questions per domain
// in dnsperf's format) and the zdns configurations.
//
// The shapes: name servers shared by provider-like hosts (40 DNS
// providers, a few large, most small; 8% of domains run their own with
// glue), an SOA naming the first server, apex A (1-2) and AAAA (half of
// the domains), www either an A or (60%) a CNAME into one of 10 CDN-like
// zones, which points on into that CDN's edge zone (a chain of 2 across 3
// zones), MX at one of 8 mail providers (60%), at the domain itself
// (25%), or none.
func generate(dir string, n int) error {
	os.RemoveAll(dir)
	zdir := filepath.Join(dir, "zones")
	if err := os.MkdirAll(zdir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const providers, cdns, mails = 40, 10, 8
	tlds := []string{"com", "com", "com", "net", "org", "io", "de"}
	var zones []string
	writeZone := func(name string, body string) error {
		zones = append(zones, name)
		return os.WriteFile(filepath.Join(zdir, name+".zone"), []byte(body), 0o644)
	}
	hostAddr := func(k, i int) (string, string) {
		return fmt.Sprintf("198.18.%d.%d", k, i+1), fmt.Sprintf("2001:db8:%x::%x", k+1, i+1)
	}
	soa := func(zone, ns string) string {
		return fmt.Sprintf("$ORIGIN %s.\n$TTL 3600\n@ IN SOA %s. hostmaster.%s. 2026120501 7200 3600 1209600 300\n", zone, ns, zone)
	}
	// Provider, CDN and mail zones.
	for k := range providers {
		z := fmt.Sprintf("dnsprov%02d.net", k)
		var b strings.Builder
		b.WriteString(soa(z, "ns1."+z))
		for i := range 4 {
			fmt.Fprintf(&b, "@ IN NS ns%d\n", i+1)
		}
		for i := range 4 {
			a, aaaa := hostAddr(k, i)
			fmt.Fprintf(&b, "ns%d IN A %s\nns%d IN AAAA %s\n", i+1, a, i+1, aaaa)
		}
		if err := writeZone(z, b.String()); err != nil {
			return err
		}
	}
	cdnLabels := make([][]string, cdns) // customer labels per CDN, filled below
	www := make([]int, n)               // CDN of the www host, -1: none
	var domains []string
	for i := range n {
		domains = append(domains, fmt.Sprintf("d%06d-%04x.%s", i, rng.IntN(1<<16), tlds[rng.IntN(len(tlds))]))
	}
	for i := range n {
		www[i] = -1
		if rng.IntN(10) < 6 {
			c := rng.IntN(cdns)
			www[i] = c
			cdnLabels[c] = append(cdnLabels[c], strings.ReplaceAll(domains[i], ".", "-"))
		}
	}
	for c := range cdns {
		z := fmt.Sprintf("cdn%d.net", c)
		edge := fmt.Sprintf("cdn%d-edge.net", c)
		var b strings.Builder
		b.WriteString(soa(z, "ns1.dnsprov00.net"))
		b.WriteString("@ IN NS ns1.dnsprov00.net.\n@ IN NS ns2.dnsprov00.net.\n")
		for j, l := range cdnLabels[c] {
			fmt.Fprintf(&b, "%s IN CNAME e%d.%s.\n", l, j%256, edge)
		}
		if err := writeZone(z, b.String()); err != nil {
			return err
		}
		b.Reset()
		b.WriteString(soa(edge, "ns1."+edge))
		b.WriteString("@ IN NS ns1\n@ IN NS ns2\nns1 IN A 198.19.0.1\nns2 IN A 198.19.0.2\n")
		for e := range 256 {
			fmt.Fprintf(&b, "e%d IN A 198.19.%d.%d\ne%d IN AAAA 2001:db8:cd%x::%x\n", e, c+1, e, e, c, e+1)
		}
		if err := writeZone(edge, b.String()); err != nil {
			return err
		}
	}
	for k := range mails {
		z := fmt.Sprintf("mail%d.com", k)
		var b strings.Builder
		b.WriteString(soa(z, "ns1.dnsprov01.net"))
		b.WriteString("@ IN NS ns1.dnsprov01.net.\n@ IN NS ns2.dnsprov01.net.\n")
		fmt.Fprintf(&b, "mx1 IN A 198.18.200.%d\nmx2 IN A 198.18.201.%d\n", k+1, k+1)
		if err := writeZone(z, b.String()); err != nil {
			return err
		}
	}
	// The domains.
	for i, d := range domains {
		var b strings.Builder
		var ns []string
		if rng.IntN(100) < 8 {
			ns = []string{"ns1." + d, "ns2." + d}
		} else {
			p := int(float64(providers) * rng.Float64() * rng.Float64()) // a few large providers
			p = min(p, providers-1)
			for j := range 2 + rng.IntN(3) {
				ns = append(ns, fmt.Sprintf("ns%d.dnsprov%02d.net", j+1, p))
			}
		}
		b.WriteString(soa(d, ns[0]))
		for _, h := range ns {
			fmt.Fprintf(&b, "@ IN NS %s.\n", h)
			if strings.HasSuffix(h, "."+d) {
				fmt.Fprintf(&b, "%s. IN A 198.18.%d.%d\n", h, 100+i%100, 1+i%250)
			}
		}
		fmt.Fprintf(&b, "@ IN A 198.18.%d.%d\n", 128+i%64, 1+i%250)
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "@ IN A 198.18.%d.%d\n", 192+i%8, 1+i%250)
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "@ IN AAAA %s\n", domainAAAA(i))
		}
		if c := www[i]; c >= 0 {
			fmt.Fprintf(&b, "www IN CNAME %s.cdn%d.net.\n", strings.ReplaceAll(d, ".", "-"), c)
		} else {
			fmt.Fprintf(&b, "www IN A 198.18.%d.%d\n", 128+i%64, 1+i%250)
		}
		switch m := rng.IntN(100); {
		case m < 60:
			k := rng.IntN(mails)
			fmt.Fprintf(&b, "@ IN MX 10 mx1.mail%d.com.\n@ IN MX 20 mx2.mail%d.com.\n", k, k)
		case m < 85:
			fmt.Fprintf(&b, "@ IN MX 10 mx\nmx IN A 198.18.%d.%d\n", 64+i%64, 1+i%250)
		}
		if err := writeZone(d, b.String()); err != nil {
			return err
		}
	}
	var zl, dl, wl, ql strings.Builder
	for _, z := range zones {
		zl.WriteString(z + "\n")
	}
	for _, d := range domains {
		dl.WriteString(d + "\n")
		wl.WriteString("www." + d + "\n")
		for _, t := range []string{"NS", "SOA", "MX", "A", "AAAA"} {
			fmt.Fprintf(&ql, "%s %s\n", d, t)
		}
		fmt.Fprintf(&ql, "www.%s A\nwww.%s AAAA\n", d, d)
	}
	files := map[string]string{
		"zones.txt": zl.String(), "domains.txt": dl.String(), "www.txt": wl.String(), "questions.txt": ql.String(),
		"apex.ini": "[NS]\n[SOA]\n[MX]\n[A]\n[AAAA]\n", "www.ini": "[A]\n[AAAA]\n", "done": generatorVersion,
	}
	for _, name := range []string{"zones.txt", "domains.txt", "www.txt", "questions.txt", "apex.ini", "www.ini", "done"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(files[name]), 0o644); err != nil {
			return err
		}
	}
	return nil
}
