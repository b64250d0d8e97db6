package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

type simnetServeOptions struct {
	Domains int
	Seed    int64
	Addr    string
	List    string
	Roots   string
}

// newSimnetCmd is a hidden command for benchmarks and experiments: it
// serves the simulated internet from a process of its own, so that a
// crawl can be measured against a resolver that does not share its CPU
// scheduler:
//
//	chokepoint simnet serve --domains 1000000 --list /tmp/list.txt &
//	chokepoint crawl /tmp/list.txt --resolver 127.0.0.1:PORT --qps-per-resolver 0 --concurrency 256
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
--roots writes the simulated CAs' root certificates for crawl --ca-roots.`,
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
	cmd.AddCommand(serve)
	return cmd
}

func runSimnetServe(ctx context.Context, o simnetServeOptions, stdout, stderr io.Writer) error {
	if o.Domains <= 0 {
		return usagef("--domains must be positive, got %d", o.Domains)
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
