package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// profileMain is `bench-peers profile`: the crawl's whole plan over a
// list, in this process through the dnscrawl library (observations
// encoded and discarded), against a server already running (an NSD that
// bench-peers started, or any resolver), with optional CPU and
// allocation profiles. It prints the queries, the rate, the process's
// CPU time per query (getrusage: user and system), heap allocations per
// query and the domains by status. For profiling the crawler; the peer
// table is bench-peers' own run.
func profileMain(args []string) int {
	fs := flag.NewFlagSet("profile", flag.ExitOnError)
	server := fs.String("server", "127.0.0.1:5399", "resolver or authoritative server, IP:port")
	list := fs.String("list", "", "domains, one per line (a population's domains.txt)")
	concurrency := fs.Int("concurrency", 256, "crawl workers")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the crawl here")
	memProfile := fs.String("memprofile", "", "write the allocation profile here after the crawl")
	fs.Parse(args)
	if err := profileCrawl(*server, *list, *concurrency, *cpuProfile, *memProfile); err != nil {
		fmt.Fprintln(os.Stderr, "bench-peers profile:", err)
		return 1
	}
	return 0
}

func profileCrawl(server, list string, concurrency int, cpuProfile, memProfile string) error {
	f, err := os.Open(list)
	if err != nil {
		return err
	}
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		names = append(names, sc.Text())
	}
	f.Close()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", list, err)
	}
	c, err := dnscrawl.New(dnscrawl.Config{Resolvers: []string{server}, Concurrency: concurrency, Timeout: 2 * time.Second})
	if err != nil {
		return err
	}
	if cpuProfile != "" {
		pf, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); pf.Close() }()
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	cpu0 := selfCPU()
	enc := dnscrawl.NewEncoder(io.Discard)
	st, err := c.Crawl(context.Background(), func(yield func(dnscrawl.Target) bool) {
		for i, d := range names {
			if !yield(dnscrawl.Target{Domain: d, Rank: i + 1}) {
				return
			}
		}
	}, enc.Encode)
	if err != nil {
		return err
	}
	cpu := selfCPU() - cpu0
	runtime.ReadMemStats(&ms)
	if memProfile != "" {
		mf, err := os.Create(memProfile)
		if err != nil {
			return err
		}
		if err := pprof.Lookup("allocs").WriteTo(mf, 0); err != nil {
			return err
		}
		mf.Close()
	}
	fmt.Printf("%d domains, %d queries, %.0f queries/s, %.2f us CPU/query, %.2f allocs/query, statuses %v\n",
		st.Domains, st.Queries, float64(st.Queries)/st.Elapsed.Seconds(), float64(cpu.Microseconds())/float64(st.Queries),
		float64(ms.Mallocs-mallocs)/float64(st.Queries), st.ByStatus)
	return nil
}

// selfCPU is this process's user and system CPU time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
