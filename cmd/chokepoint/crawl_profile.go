package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// CPUProfileEnv names the environment variable that makes "chokepoint
// crawl" write a CPU profile of the whole command (list reading, crawl,
// observation writing) to the file it names. For measuring the command
// against the library in-process (bench-peers profile); not a flag,
// because it is no part of what a crawl is.
const CPUProfileEnv = "CHOKEPOINT_CPUPROFILE"

// startCrawlProfile starts the CPU profile that CPUProfileEnv asks for
// and returns the function that ends it. A profile that cannot be started
// is said on stderr and the crawl goes on without it.
func startCrawlProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv(CPUProfileEnv)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "crawl: %s: %v (no profile written)\n", CPUProfileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		fmt.Fprintf(stderr, "crawl: %s=%s: %v (no profile written)\n", CPUProfileEnv, path, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "crawl: %s=%s: %v\n", CPUProfileEnv, path, err)
		}
	}
}
