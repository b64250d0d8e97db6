package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

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
	root.AddCommand(
		newRunCmd(stdin, stdout, stderr),
		newCrawlCmd(stdin, stdout, stderr),
		newAnalyzeCmd(stdout, stderr),
		newClassifyCmd(stdout, stderr),
		newDemoCmd(stdout, stderr),
		newProvidersCmd(stdout),
		newWhatifCmd(stdout, stderr),
		newDiffCmd(stdout, stderr),
		newValidateCmd(stdout, stderr),
		newDataCmd(stdout, stderr),
		newSimnetCmd(stdout, stderr),
	)
	// cobra adds these when the command runs; added now, they get the
	// same treatment as the others.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	usageErrors(root)
	return root
}

// usageErrors makes every mistake in calling cmd or one of its subcommands
// a usageError, exit code 2, with the command named in the message:
//   - a flag error (unknown flag, bad value) through the FlagErrorFunc,
//     which subcommands inherit;
//   - wrong arguments through the command's Args validator, wrapped;
//   - a command group (root, data, simnet, ...) called without a command
//     or with an unknown one, through a RunE of its own. cobra's default
//     prints the help with exit code 0 for a group, and for the root
//     returns an unknown-command error that no hook can mark.
func usageErrors(cmd *cobra.Command) {
	if !cmd.HasParent() {
		cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
			return usagef("%s%v (see %s --help)", commandPrefix(c), err, c.CommandPath())
		})
	}
	switch {
	case cmd.HasSubCommands() && !cmd.Runnable():
		cmd.Args = cobra.ArbitraryArgs
		cmd.RunE = runGroup
	case cmd.HasParent() && cmd.Name() == "help" && cmd.Args == nil:
		cmd.Args = helpArgs
	case cmd.Args != nil:
		args := cmd.Args
		cmd.Args = func(c *cobra.Command, a []string) error {
			err := args(c, a)
			var ue usageError
			switch {
			case err == nil || errors.As(err, &ue):
				return err
			case cobra.NoArgs(c, a) != nil && err.Error() == cobra.NoArgs(c, a).Error():
				// cobra says "unknown command" of the argument of a
				// command that has none.
				err = fmt.Errorf("takes no argument, got %q", a[0])
			}
			return usagef("%s%v (usage: %s)", commandPrefix(c), err, c.UseLine())
		}
	}
	for _, c := range cmd.Commands() {
		usageErrors(c)
	}
}

// runGroup runs a command that only groups others: called alone it prints
// its usage and fails, called with anything else it names the unknown
// command.
func runGroup(cmd *cobra.Command, args []string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if len(args) == 0 {
		fmt.Fprint(cmd.ErrOrStderr(), cmd.UsageString())
		return usagef("%smissing command: one of %s", commandPrefix(cmd), strings.Join(names, ", "))
	}
	hint := ""
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's default, which only cobra's own lookup applies
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		hint = fmt.Sprintf(", did you mean %q?", s[0])
	}
	return usagef("%sunknown command %q%s (commands: %s; see %s --help)",
		commandPrefix(cmd), args[0], hint, strings.Join(names, ", "), cmd.CommandPath())
}

// helpArgs refuses "help X" when X names no command: cobra would print the
// help of the nearest command found with exit code 0.
func helpArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if _, rest, err := c.Root().Find(args); err != nil || len(rest) > 0 {
		return usagef("help: unknown command %q (see %s --help)", strings.Join(args, " "), c.Root().Name())
	}
	return nil
}

// commandPrefix is "data import: " for "chokepoint data import", and ""
// for the root: the message is printed after "chokepoint: ".
func commandPrefix(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return ""
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ") + ": "
}
