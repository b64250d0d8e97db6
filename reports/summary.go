package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// summaryTop is the number of providers per layer in the terminal summary.
const summaryTop = 5

// WriteSummary writes the short terminal summary of a run: per layer the
// top providers with their shares, the HHI and its band, and the
// critical-dependency rate. Names go through visible, so a hostile name
// from DNS cannot move the cursor or recolour a terminal.
func WriteSummary(w io.Writer, run *Run, sum *metrics.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if run != nil && run.Simulated {
		fmt.Fprintln(tw, "SIMULATED DATA: these figures describe the synthetic population of data/simnet, not the real web.")
	}
	resolved := sum.Statuses["ok"]
	fmt.Fprintf(tw, "%d domains, %d resolved\n\n", sum.Domains, resolved)
	fmt.Fprintln(tw, "LAYER\tKNOWN\tTOP PROVIDERS (share of known)\tHHI\tCRITICAL")
	for _, ls := range sum.Layers {
		var top []string
		for i, r := range ls.Rows {
			if i == summaryTop {
				break
			}
			top = append(top, fmt.Sprintf("%s %.1f%%", visible(r.Provider), 100*r.Share))
		}
		fmt.Fprintf(tw, "%s\t%d/%d\t%s\t%.0f (%s)\t%.1f%%\n",
			ls.Layer, ls.Known, ls.Domains, strings.Join(top, ", "), ls.HHI, hhi2010Band(ls.HHI), 100*ls.CriticalRate)
	}
	return tw.Flush()
}
