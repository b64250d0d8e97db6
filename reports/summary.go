package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// summaryTop is the number of providers per layer in the terminal summary.
const summaryTop = 5

// WriteSummary writes the short terminal summary of a run: per layer the
// top third-party providers with their shares, the self-hosted share, the
// HHI and its band, the EMD (metrics.EMD) and the critical-dependency
// rate; a layer some domains of which were not measured (ca without TLS
// probes) says how many. The shares are those
// of report.html and providers.csv (shareDefinition); self-hosting is
// never among the top providers. Providers are named by run.Names when
// set, else by id: by the product when the domains use one product of the
// company on the layer and Names.Products says so ("Google Trust
// Services", "Amazon Route 53"), as the report's tables begin their
// labels, else by the company. Names go through visible, so a hostile name from DNS
// cannot move the cursor or recolour a terminal.
//
// When the data is missing (DataMissing), it says so first and reads no
// HHI band: "unconcentrated" over a remnant of the list would be a lie.
// A layer without a third-party provider has no HHI and no rate ("—").
func WriteSummary(w io.Writer, run *Run, sum *metrics.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if run != nil && run.Simulated {
		fmt.Fprintln(tw, "SIMULATED DATA: these figures describe the synthetic population of data/simnet, not the real web.")
	}
	missing := DataMissing(sum)
	if missing != nil {
		fmt.Fprintln(tw, "DATA MISSING: "+missing.Message)
	}
	if run != nil && run.Counts.SkippedObservations > 0 {
		fmt.Fprintf(tw, "%d observation lines could not be read and were skipped (see run.json).\n", run.Counts.SkippedObservations)
	}
	resolved := sum.Statuses["ok"]
	fmt.Fprintf(tw, "%d domains, %d resolved\n\n", sum.Domains, resolved)
	var names *Names
	uncat := false
	if run != nil {
		names = run.Names
	}
	labels := productLabels{names: names}
	if names != nil {
		labels.services = names.Products
	}
	fmt.Fprintln(tw, "LAYER\tKNOWN\tTOP PROVIDERS (share of known)\tSELF-HOSTED\tHHI\tEMD\tCRITICAL")
	for _, ls := range sum.Layers {
		var top []string
		for _, r := range ls.Rows {
			if len(top) == summaryTop {
				break
			}
			if r.Provider == classify.SelfProvider {
				continue
			}
			top = append(top, fmt.Sprintf("%s %.1f%%", labels.short(ls.Layer, r.Provider, r.Catalogued), 100*r.Share))
			uncat = uncat || !r.Catalogued
		}
		if len(top) == 0 {
			top = []string{"—"}
		}
		hhi, critical, self := "— (no third-party provider)", "—", "—"
		switch {
		case missing != nil && ls.Providers > 0:
			hhi = fmt.Sprintf("%.0f (not read: data missing)", ls.HHI)
		case missing != nil:
			hhi = "— (data missing)"
		case ls.Providers > 0:
			hhi = fmt.Sprintf("%.0f (%s)", ls.HHI, hhi2010Band(ls.HHI))
		}
		emd := "—"
		if ls.Known > 0 {
			critical = fmt.Sprintf("%.1f%%", 100*ls.CriticalRate)
			self = fmt.Sprintf("%.1f%%", 100*ls.SelfHostedRate)
			emd = fmt.Sprintf("%.3f", ls.EMD)
		}
		known := fmt.Sprintf("%d/%d", ls.Known, ls.Domains)
		if ls.NotMeasured > 0 {
			known += fmt.Sprintf(" (%d not measured)", ls.NotMeasured)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			ls.Layer, known, strings.Join(top, ", "), self, hhi, emd, critical)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	note := ""
	if uncat {
		note = " ◦: an operator the catalog does not know, named by its registrable domain or AS."
	}
	_, err := fmt.Fprintf(w, "\nShares: %s. CR1 in metrics.csv is over third-party provider uses only.%s\n", shareDefinition, note)
	return err
}
