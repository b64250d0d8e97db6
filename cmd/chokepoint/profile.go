package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// CPUProfileEnv names the environment variable that makes "chokepoint
// crawl" and "chokepoint analyze" write a CPU profile of the whole command
// to the file it names, and HeapProfileEnv the one that makes them write
// a heap profile (live and allocated bytes, after a garbage collection)
// when the command ends. For measuring the commands on real inputs
// (bench-peers profile, the million and ten-million runs of
// docs/benchmarks.md); not flags, because they are no part of what a crawl
// or an analysis is.
const (
	CPUProfileEnv  = "CHOKEPOINT_CPUPROFILE"
	HeapProfileEnv = "CHOKEPOINT_MEMPROFILE"
)

// startProfile starts the profiles that CPUProfileEnv and HeapProfileEnv
// ask for and returns the function that ends them. A profile that cannot
// be written is said on stderr, prefixed with the command's name, and the
// command goes on without it.
func startProfile(command string, stderr io.Writer) (stop func()) {
	stopCPU := func() {}
	if path := os.Getenv(CPUProfileEnv); path != "" {
		f, err := os.Create(path)
		switch {
		case err != nil:
			fmt.Fprintf(stderr, "%s: %s: %v (no profile written)\n", command, CPUProfileEnv, err)
		default:
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				fmt.Fprintf(stderr, "%s: %s=%s: %v (no profile written)\n", command, CPUProfileEnv, path, err)
				break
			}
			stopCPU = func() {
				pprof.StopCPUProfile()
				if err := f.Close(); err != nil {
					fmt.Fprintf(stderr, "%s: %s=%s: %v\n", command, CPUProfileEnv, path, err)
				}
			}
		}
	}
	heapPath := os.Getenv(HeapProfileEnv)
	if heapPath != "" {
		// Record every allocation of 64 KiB and more exactly and the rest
		// sampled as usual, so large buffers are never missed.
		runtime.MemProfileRate = 64 << 10
	}
	return func() {
		stopCPU()
		if heapPath == "" {
			return
		}
		if err := writeHeapProfile(heapPath); err != nil {
			fmt.Fprintf(stderr, "%s: %s=%s: %v (no profile written)\n", command, HeapProfileEnv, heapPath, err)
		}
	}
}

// writeHeapProfile writes the heap profile to path.
func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
