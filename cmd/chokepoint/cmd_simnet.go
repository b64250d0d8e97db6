package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
	"github.com/chokepoint-dev/chokepoint/data/iterative"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

type simnetServeOptions struct {
	Domains int
	Seed    int64
	Addr    string
	List    string
	Roots   string
	// Tree serves the delegation tree instead of the recursive-style
	// server, on AuthPort (0: a free one).
	Tree     bool
	AuthPort uint16
	Hints    string
}

// newSimnetCmd is a hidden command for benchmarks and experiments: it
// serves the simulated internet from a process of its own, so that a
// crawl can be measured against a resolver that does not share its CPU
// scheduler:
//
//	chokepoint simnet serve --domains 1000000 --list /tmp/list.txt &
//	chokepoint crawl /tmp/list.txt --resolver 127.0.0.1:PORT --qps-per-resolver 0 --concurrency 256
//
// or, as a delegation tree for a crawl from the root down:
//
//	chokepoint simnet serve --tree --auth-port 5353 --list /tmp/list.txt > /tmp/named.root &
//	chokepoint crawl /tmp/list.txt --iterative --root-hints /tmp/named.root --auth-port 5353 --qps-per-server 0
func newSimnetCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{Use: "simnet", Short: "The simulated internet", Hidden: true}
	o := simnetServeOptions{Domains: simnet.DefaultDomains, Seed: simnet.DefaultSeed, Addr: "127.0.0.1:0"}
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve the simulated internet on a loopback address until interrupted",
		Long: `serve generates the simulated internet, optionally writes its domain list,
prints the address it serves DNS on (UDP and TCP) as one line on stdout and
serves until interrupted. Asked who it is (TXT id.server. in class CHAOS),
it answers "chokepoint-simnet": a crawl against it is marked simulated.
Asked TXT probe.simnet. in class CHAOS, it answers where the simulated
sites serve TLS and HTTP ("tls=127.0.0.1:PORT http=127.0.0.1:PORT");
--roots writes the simulated CAs' root certificates for crawl --ca-roots.

With --tree it serves the same population as a delegation tree instead, as
the real DNS is served: root servers, TLD servers and the name servers of
the population, each on its own loopback address (127.53.0.0/16 and
127.64.0.0/16), all on the port --auth-port gives, with referrals, glue,
authoritative answers, and the lame servers and parent/child NS mismatches
planted in the population. It prints the root hints (named.root format) on
stdout, for crawl --iterative --root-hints FILE --auth-port PORT. The
tree's name servers listen on loopback: a crawl records those addresses
for them, where the recursive-style server gives the simulated plan's.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSimnetServe(cmd.Context(), o, stdout, stderr)
		},
	}
	f := serve.Flags()
	f.IntVar(&o.Domains, "domains", o.Domains, "number of simulated domains")
	f.Int64Var(&o.Seed, "seed", o.Seed, "seed of the simulated population")
	f.StringVar(&o.Addr, "addr", o.Addr, "loopback address to serve on (port 0: any free port)")
	f.StringVar(&o.List, "list", "", "also write the domain list to this file")
	f.StringVar(&o.Roots, "roots", "", "also write the simulated CAs' root certificates (PEM) to this file")
	f.BoolVar(&o.Tree, "tree", false, "serve a delegation tree (root, TLD and name servers on their own loopback addresses) instead of a recursive-style server; print its root hints")
	f.Uint16Var(&o.AuthPort, "auth-port", 0, "with --tree: the port of every server of the tree (0: any free port; 53 needs root)")
	f.StringVar(&o.Hints, "hints", "", "with --tree: also write the root hints to this file")
	cmd.AddCommand(serve)
	return cmd
}

func runSimnetServe(ctx context.Context, o simnetServeOptions, stdout, stderr io.Writer) error {
	if o.Domains <= 0 {
		return usagef("--domains must be positive, got %d", o.Domains)
	}
	if !o.Tree && (o.AuthPort != 0 || o.Hints != "") {
		return usagef("--auth-port and --hints go with --tree")
	}
	inet, err := simnet.Generate(simnet.Config{Domains: o.Domains, Seed: o.Seed})
	if err != nil {
		return fmt.Errorf("generate simulated internet: %w", err)
	}
	if o.List != "" {
		if err := atomicfile.Write(o.List, inet.WriteDomainList); err != nil {
			return fmt.Errorf("write domain list: %w", err)
		}
	}
	if o.Roots != "" {
		if err := atomicfile.Write(o.Roots, inet.WriteRoots); err != nil {
			return fmt.Errorf("write CA roots: %w", err)
		}
	}
	if o.Tree {
		return runSimnetTree(ctx, o, inet, stdout, stderr)
	}
	srv, err := simnet.Serve(ctx, inet, o.Addr)
	if err != nil {
		return usagef("serve simulated internet: %w", err)
	}
	defer srv.Close()
	fmt.Fprintln(stdout, srv.Addr())
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	fmt.Fprintf(stderr, "simnet: %d simulated domains (seed %d) served on %s until interrupted (sites: %s); crawls against it are marked simulated\n", o.Domains, o.Seed, srv.Addr(), srv.Endpoint().Advert())
	<-ctx.Done()
	st := srv.Stats()
	hs, reqs := srv.Endpoint().Counts()
	fmt.Fprintf(stderr, "simnet: %d questions, %d over TCP, %d answered; %d TLS handshakes, %d HTTP requests\n", st.Queries, st.TCP, st.Answered, hs, reqs)
	return nil
}

// runSimnetTree serves inet as a delegation tree until ctx is done.
func runSimnetTree(ctx context.Context, o simnetServeOptions, inet *simnet.Internet, stdout, stderr io.Writer) error {
	tree, err := simnet.ServeTree(ctx, inet, simnet.TreeConfig{Port: o.AuthPort})
	if err != nil {
		return usagef("serve simulated internet as a delegation tree: %w", err)
	}
	defer tree.Close()
	writeHints := func(w io.Writer) error { return iterative.WriteRootHints(w, tree.Hints()) }
	if o.Hints != "" {
		if err := atomicfile.Write(o.Hints, writeHints); err != nil {
			return fmt.Errorf("write root hints: %w", err)
		}
	}
	if err := writeHints(stdout); err != nil {
		return fmt.Errorf("write root hints: %w", err)
	}
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	fmt.Fprintf(stderr, "simnet: %d simulated domains (seed %d) served as a delegation tree of %d servers on port %d until interrupted; crawl with --iterative --root-hints FILE --auth-port %d\n",
		o.Domains, o.Seed, len(tree.Queries()), tree.Port(), tree.Port())
	<-ctx.Done()
	st := tree.Stats()
	roles := map[string]uint64{}
	for _, q := range tree.Queries() {
		roles[q.Role] += q.Queries
	}
	fmt.Fprintf(stderr, "simnet: %d questions (root %d, TLD %d, name servers %d), %d over TCP, %d answered\n",
		st.Queries, roles["root"], roles["tld"], roles["auth"], st.TCP, st.Answered)
	return nil
}
