package main

import (
	"io"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "chokepoint",
		Short: "Measure how much of a list of domains hangs on a few infrastructure providers",
		Long: `chokepoint crawls the DNS of a list of domains, works out which DNS, CDN,
hosting and e-mail providers each depends on, and measures how concentrated
that dependence is. Start with "chokepoint demo" (offline, simulated data)
or "chokepoint run domains.txt --out DIR".`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newRunCmd(stdin, stdout, stderr),
		newCrawlCmd(stdin, stdout, stderr),
		newAnalyzeCmd(stdout, stderr),
		newDemoCmd(stdout, stderr),
		newProvidersCmd(stdout),
		newWhatifCmd(stdout, stderr),
		newDiffCmd(stdout, stderr),
		newDataCmd(stdout, stderr),
		newSimnetCmd(stdout, stderr),
	)
	return root
}
