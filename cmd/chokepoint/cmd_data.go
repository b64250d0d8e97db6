package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

type dataOptions struct {
	Dir string
	// update
	Sources []string
	BaseURL string
	Timeout time.Duration
	MaxSize int64
	Force   bool
	// import
	From string
	// Now is the clock (tests set it).
	Now func() time.Time
}

func newDataCmd(stdout, stderr io.Writer) *cobra.Command {
	o := dataOptions{Dir: refdata.DefaultDir(), Timeout: 60 * time.Second, MaxSize: 256 << 20}
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Download, import and inspect the reference data (provider ranges, ASN and country databases)",
		Long: `data keeps the reference data that analysis uses in --data-dir: the
providers' official range publications (AWS, Google Cloud, Azure, Oracle,
Cloudflare, Fastly, GitHub, geofeeds ...), ASN and country databases in
MaxMind DB format and prefix-to-AS tables. Every new copy is validated
before it replaces the last good one.`,
	}
	cmd.PersistentFlags().StringVar(&o.Dir, "data-dir", o.Dir, "reference data directory")

	update := &cobra.Command{
		Use:   "update",
		Short: "Download every source from its official URL, validate it, keep the last good copy on failure",
		Long: `update downloads each source from its official URL (conditional on the
stored copy's ETag and Last-Modified), validates it and only then replaces
the stored copy. A source that fails keeps its last good copy and is
reported; the exit status is then 1. MaxMind GeoLite2 needs
MAXMIND_LICENSE_KEY; DB-IP lite needs none.

` + validationHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDataUpdate(cmd.Context(), o, stdout, stderr)
		},
	}
	f := update.Flags()
	f.StringSliceVar(&o.Sources, "source", nil, "sources to update (default: every downloadable, non-optional source); see 'data status'")
	f.StringVar(&o.BaseURL, "base-url", "", "replace the scheme and host of every official URL (a mirror)")
	f.DurationVar(&o.Timeout, "timeout", o.Timeout, "timeout of one download")
	f.Int64Var(&o.MaxSize, "max-size", o.MaxSize, "largest accepted download in bytes, after decompression")
	f.BoolVar(&o.Force, "force", false, forceHelp)

	imp := &cobra.Command{
		Use:   "import DIR",
		Short: "Import reference files you already have, with the same validation",
		Long: `import takes the files of DIR that it recognises by name (see the README),
validates them exactly as update does, also against each other, and stores
those that pass. A source that fails keeps its last good copy and is
reported; the exit status is then 1.

` + validationHelp,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.From = args[0]
			return runDataImport(cmd.Context(), o, stdout, stderr)
		},
	}
	imp.Flags().BoolVar(&o.Force, "force", false, forceHelp)

	status := &cobra.Command{
		Use:   "status",
		Short: "Show what reference data is stored and how old it is",
		Long: `status shows, per source, what is stored and how old it is: PUBLISHED is
the date the provider gave the file (AWS createDate, Google syncToken,
Azure's file name, Oracle last_updated_timestamp, a MaxMind DB's build
time, else the download's Last-Modified header), with its age and where it
was read; VERSION is the file's own serial (syncToken, changeNumber);
STORED is when this copy was downloaded or imported. NOTE is why the last
attempt failed, or what it reported.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDataStatus(cmd.Context(), o, stdout)
		},
	}
	cmd.AddCommand(update, imp, status)
	return cmd
}

// validationHelp says what update and import check.
const validationHelp = `Validation refuses, and --force cannot override: a file that does not
parse or holds no prefix; a prefix shorter than /8 (IPv4) or /19 (IPv6),
no provider publishes a block that large; a prefix in or holding private,
loopback, link-local, shared (100.64.0.0/10), documentation,
benchmarking, multicast or reserved space, or IPv6 outside 2000::/3.
It refuses, and --force stores anyway: a copy with more than 30 % fewer
entries than the stored one; a region or service of a cloud's file that
vanished (the message gives both publication dates: an older snapshot
over a newer one); a prefix that another source also publishes (except
cloud.json and goog.json, Azure and GitHub, which share prefixes by
design). Entries repeated in a file count once and are reported.`

// forceHelp is the help of --force.
const forceHelp = "store a copy refused only for a judgement (shrink, vanished region or service, prefix another source publishes, see above)"

func (o dataOptions) dir() (string, error) {
	if o.Dir == "" {
		return "", usagef("no --data-dir given and no user cache directory")
	}
	return o.Dir, nil
}

func runDataUpdate(ctx context.Context, o dataOptions, stdout, stderr io.Writer) error {
	dir, err := o.dir()
	if err != nil {
		return err
	}
	reports, err := refdata.Update(ctx, refdata.UpdateOptions{
		Dir: dir, IDs: o.Sources, BaseURL: o.BaseURL, Timeout: o.Timeout, MaxSize: o.MaxSize,
		Force: o.Force, Now: o.Now, UserAgent: "chokepoint/" + version,
	})
	printReports(stdout, reports)
	return dataError(err)
}

func runDataImport(_ context.Context, o dataOptions, stdout, stderr io.Writer) error {
	dir, err := o.dir()
	if err != nil {
		return err
	}
	if st, err := os.Stat(o.From); err != nil || !st.IsDir() {
		return usagef("import: %s is not a directory", o.From)
	}
	reports, err := refdata.Import(refdata.ImportOptions{Dir: dir, From: o.From, Force: o.Force, Now: o.Now})
	printReports(stdout, reports)
	return dataError(err)
}

// dataError maps refdata's errors: an unknown source or base URL is a
// usage error.
func dataError(err error) error {
	switch {
	case err == nil, errors.Is(err, refdata.ErrUpdate), errors.Is(err, context.Canceled):
		return err
	case strings.HasPrefix(err.Error(), "unknown source"), strings.HasPrefix(err.Error(), "base URL"):
		return usageError{err}
	}
	return err
}

func printReports(w io.Writer, reports []refdata.Report) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tOUTCOME\tPREFIXES\tNOTE")
	for _, r := range reports {
		note := strings.Join(r.Notes, "; ")
		if r.Err != nil {
			note = r.Err.Error()
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", r.ID, r.Outcome, r.Prefixes, note)
	}
	tw.Flush()
}

func runDataStatus(_ context.Context, o dataOptions, stdout io.Writer) error {
	dir, err := o.dir()
	if err != nil {
		return err
	}
	m, err := refdata.ReadManifest(dir)
	if err != nil {
		return err
	}
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	fmt.Fprintf(stdout, "data directory: %s\n", dir)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tKIND\tPREFIXES\tREGIONS\tPUBLISHED\tVERSION\tSTORED\tORIGIN\tNOTE")
	for _, s := range refdata.Sources {
		st := m.Sources[s.ID]
		if st == nil {
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\tnever\t-\t\n", s.ID, s.Kind)
			continue
		}
		published, version, stored := "-", "-", "never"
		if !st.UpdatedAt.IsZero() {
			stored = fmt.Sprintf("%s (%s)", st.UpdatedAt.Format(time.RFC3339), humanAge(now.Sub(st.UpdatedAt)))
		}
		if !st.Published.IsZero() {
			published = fmt.Sprintf("%s (%s, %s)", st.Published.Format(time.RFC3339), humanAge(now.Sub(st.Published)), publishedFrom(st))
		}
		var versions []string
		for _, f := range st.Files {
			if f.Version != "" {
				versions = append(versions, f.Version)
			}
		}
		if len(versions) > 0 {
			version = strings.Join(versions, ", ")
		}
		note := strings.Join(st.Notes, "; ")
		if st.LastError != "" {
			note = "last attempt failed: " + st.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Kind, st.Prefixes, len(st.Regions), published, version, stored, orDash(st.Origin), note)
	}
	return tw.Flush()
}

// publishedFrom names where the source's publication date was read: the
// field of its latest file.
func publishedFrom(st *refdata.SourceState) string {
	for _, f := range st.Files {
		if f.Published.Equal(st.Published) && f.PublishedFrom != "" {
			return f.PublishedFrom
		}
	}
	return "?"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// humanAge writes a duration in days or hours.
func humanAge(d time.Duration) string {
	switch {
	case d < 0:
		return "0h"
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
