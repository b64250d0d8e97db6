package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/probe"
)

// probeFlag is the value of --probe: the kinds of probe, and whether the
// flag was given (--probe with --no-probe is refused).
type probeFlag struct {
	kinds []probe.Kind
	set   bool
}

func (f *probeFlag) String() string {
	parts := make([]string, len(f.kinds))
	for i, k := range f.kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

func (f *probeFlag) Set(s string) error {
	k, err := probe.ParseKinds(s)
	if err != nil {
		return err
	}
	f.kinds, f.set = k, true
	return nil
}

func (f *probeFlag) Type() string { return "kinds" }

// probeKinds returns the probes the crawl makes, none with --no-probe.
func (o *crawlOptions) probeKinds() []probe.Kind {
	if o.NoProbe {
		return nil
	}
	return o.Probe.kinds
}

// loadCARoots reads the PEM file of --ca-roots; nil for none (the
// system's roots).
func loadCARoots(path string) (*x509.CertPool, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--ca-roots: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		return nil, usagef("--ca-roots %s: no PEM certificate in it", path)
	}
	return pool, nil
}

// newCrawlProber returns the prober of the crawl, or nil when it makes no
// probes, and fills the probe fields of the manifest. On the simulated
// internet the probes go to the loopback endpoint that the simulated
// resolver advertises, asked only of a resolver that identified itself
// as the simulated internet (sims); without one, the probes are switched
// off with a note, never sent to the simulated addresses, which are real
// addresses of other people.
func newCrawlProber(ctx context.Context, o crawlOptions, roots *x509.CertPool, simulated bool, sims []string, m *dnscrawl.Manifest, stderr io.Writer) (*probe.Prober, error) {
	kinds := o.probeKinds()
	if len(kinds) == 0 {
		return nil, nil
	}
	cfg := probe.Config{Timeout: o.ProbeTimeout, PerAddress: o.ProbePerAddress, Roots: roots, UserAgent: "chokepoint/" + version + " (web dependency measurement)"}
	for _, k := range kinds {
		cfg.TLS = cfg.TLS || k == probe.KindTLS
		cfg.HTTP = cfg.HTTP || k == probe.KindHTTP
	}
	if simulated {
		if len(sims) == 0 {
			fmt.Fprintln(stderr, "crawl: probes off: the crawl is of the simulated internet but no resolver identified itself as such, so there is no endpoint to probe")
			return nil, nil
		}
		txt, err := dnscrawl.SimulatedProbeEndpoints(ctx, sims[0], o.Timeout)
		if err == nil && txt == "" {
			err = fmt.Errorf("%s gave no answer to %s (CHAOS TXT)", sims[0], dnscrawl.SimulatedProbeName)
		}
		var r *probe.Redirect
		if err == nil {
			r, err = probe.ParseRedirect(txt)
		}
		if err != nil {
			fmt.Fprintf(stderr, "crawl: probes off: the simulated internet serves no TLS/HTTP endpoint: %v\n", err)
			return nil, nil
		}
		cfg.Redirect = r
		m.ProbeRedirect = r.String()
	}
	p, err := probe.New(cfg)
	if err != nil {
		return nil, err
	}
	for _, k := range kinds {
		m.Probes = append(m.Probes, string(k))
	}
	m.ProbeTimeout, m.ProbeConcurrency, m.CARoots = o.ProbeTimeout.String(), o.ProbeConcurrency, o.CARoots
	return p, nil
}

// probeSummary is the part of the crawl's last line about its probes, ""
// without probes.
func probeSummary(st dnscrawl.Stats) string {
	var parts []string
	for _, kind := range []struct {
		name   string
		counts map[dnscrawl.ProbeStatus]int
	}{{"tls", st.TLS}, {"http", st.HTTP}} {
		total := 0
		for _, n := range kind.counts {
			total += n
		}
		if total > 0 {
			parts = append(parts, fmt.Sprintf("%s %d ok of %d", kind.name, kind.counts[dnscrawl.ProbeOK], total))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; probes: " + strings.Join(parts, ", ")
}
