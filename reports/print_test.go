package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// TestPrintRowsAgree checks that the print rules of the template hide
// the rows the captions say they hide: printProviderRows providers and
// printUncataloguedRows uncatalogued operators.
func TestPrintRowsAgree(t *testing.T) {
	t.Parallel()
	for _, want := range []string{
		fmt.Sprintf("table.providers tbody tr:nth-child(n+%d)", printProviderRows+1),
		fmt.Sprintf("table.uncatalogued tbody tr:nth-child(n+%d)", printUncataloguedRows+1),
	} {
		if !strings.Contains(reportTemplate, want) {
			t.Errorf("the template's print rules have no %q", want)
		}
	}
}

// TestPrintNotes checks that a printed report says how many rows it
// leaves out of each providers table: "top 10 of N shown in print" where
// a layer has more than 10 providers, nothing where it has fewer.
func TestPrintNotes(t *testing.T) {
	t.Parallel()
	results := benchResults(5000)
	doc := string(renderHTML(t, fixtureRun(), results))
	sum := metrics.Compute(results, metrics.Options{})
	long := 0
	for _, ls := range sum.Layers {
		if len(ls.Rows) > printProviderRows {
			long++
			want := fmt.Sprintf("top 10 of %s shown in print; full list in providers.csv", count(len(ls.Rows)))
			if !strings.Contains(doc, want) {
				t.Errorf("layer %s has %d providers; the report does not say %q", ls.Layer, len(ls.Rows), want)
			}
		}
	}
	if long == 0 {
		t.Fatal("no layer with more than 10 providers: the case does not exercise the note")
	}
	if small := string(renderHTML(t, fixtureRun(), fixtureResults())); strings.Contains(small, "shown in print") {
		t.Error("a report whose tables all print whole says rows are left out")
	}
}
