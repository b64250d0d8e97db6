package main

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
)

// iterativeOptions are the flags of a crawl that resolves from the root
// down (crawl --iterative) instead of through recursive resolvers.
type iterativeOptions struct {
	On bool
	// RootHints is a root hints file in named.root format; "" for the
	// built-in root servers.
	RootHints string
	// QPSPerServer limits the queries per second to each authoritative
	// server address (0: no limit).
	QPSPerServer float64
	NoQNameMin   bool
	IPv6         bool
	// Port is the port of every authoritative server: 53, or another
	// for a test or lab hierarchy on loopback.
	Port uint16
}

func defaultIterativeOptions() iterativeOptions {
	// 10 queries/s per server: polite to a small operator's servers; the
	// crawl's speed comes from spreading over many servers.
	return iterativeOptions{QPSPerServer: 10, Port: 53}
}

func addIterativeFlags(cmd *cobra.Command, o *iterativeOptions) {
	f := cmd.Flags()
	f.BoolVar(&o.On, "iterative", o.On, "resolve from the root down (no recursive resolver needed): follow referrals to each domain's own servers, and record each zone's delegation from both sides with its lame servers")
	f.StringVar(&o.RootHints, "root-hints", o.RootHints, "with --iterative: root hints file in the format of IANA's named.root (default: the 13 root servers, built in)")
	f.Float64Var(&o.QPSPerServer, "qps-per-server", o.QPSPerServer, "with --iterative: limit on queries per second to each authoritative server address (0: no limit)")
	f.BoolVar(&o.NoQNameMin, "no-qname-min", o.NoQNameMin, "with --iterative: ask every server the full name (QNAME minimisation, RFC 9156, is on by default)")
	f.BoolVar(&o.IPv6, "ipv6", o.IPv6, "with --iterative: ask authoritative servers at their IPv6 addresses too (default: IPv4 only)")
	f.Uint16Var(&o.Port, "auth-port", o.Port, "with --iterative: port of every authoritative server; another than 53 is for a test or lab hierarchy on loopback")
}

// validate refuses iterative flags without --iterative, and --iterative
// with --resolver.
func (o *iterativeOptions) validate(resolvers bool) error {
	def := defaultIterativeOptions()
	switch {
	case o.On && resolvers:
		return usagef("--iterative resolves from the root, --resolver through a recursive resolver: give one of them")
	case !o.On && (o.RootHints != "" || o.QPSPerServer != def.QPSPerServer || o.NoQNameMin || o.IPv6 || o.Port != def.Port):
		return usagef("--root-hints, --qps-per-server, --no-qname-min, --ipv6 and --auth-port go with --iterative")
	case !validRate(o.QPSPerServer):
		return usagef("--qps-per-server %g: want 0 (no limit) or a positive number of queries per second", o.QPSPerServer)
	case o.Port == 0:
		return usagef("--auth-port 0: want a port from 1 to 65535")
	}
	return nil
}

// resolver returns the iterative resolver of the options, nil without
// --iterative. A root hints file that cannot be read is a usage error
// naming the file and line.
func (o *iterativeOptions) resolver(timeout time.Duration, retries int) (*iterative.Resolver, error) {
	if !o.On {
		return nil, nil
	}
	cfg := iterative.Config{
		Port: o.Port, Timeout: timeout, Retries: retriesFlag(retries),
		QPSPerServer: o.QPSPerServer, NoQNameMin: o.NoQNameMin, IPv6: o.IPv6,
	}
	if o.QPSPerServer == 0 {
		cfg.QPSPerServer = -1 // the flag's 0 is no limit
	}
	if o.RootHints != "" {
		hints, err := iterative.ReadRootHints(o.RootHints)
		if err != nil {
			return nil, usageError{err}
		}
		cfg.Roots = hints
	}
	r, err := iterative.New(cfg)
	if err != nil {
		return nil, usageError{err}
	}
	return r, nil
}

// describe names the resolution for crawl.json's resolvers.
func (o *iterativeOptions) describe() string {
	hints := "built-in root hints"
	if o.RootHints != "" {
		hints = "root hints " + o.RootHints
	}
	return fmt.Sprintf("iterative (%s)", hints)
}

// simulatedRoots asks the root servers of a root hints file who they are
// (dnscrawl.SimulatedResolvers) and returns those that are the simulated
// internet's delegation tree (simnet serve --tree), as IP:port on
// --auth-port: the crawl's observations are then marked simulated, and
// the tree says where the simulated sites serve TLS and HTTP. The
// built-in root servers are the real ones, never asked.
func (o *iterativeOptions) simulatedRoots(ctx context.Context, timeout time.Duration) []string {
	if !o.On || o.RootHints == "" {
		return nil
	}
	hints, err := iterative.ReadRootHints(o.RootHints)
	if err != nil {
		return nil // resolver() said so already
	}
	var addrs []string
	for _, h := range hints {
		for _, a := range h.Addrs {
			if a.Is4() || o.IPv6 {
				addrs = append(addrs, netip.AddrPortFrom(a, o.Port).String())
			}
		}
	}
	return dnscrawl.SimulatedResolvers(ctx, addrs, timeout)
}
