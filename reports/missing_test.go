package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// failedResults returns n results of domains whose lookups ended in
// status st (no answer: every layer unresolved).
func failedResults(n int, st dnscrawl.Status) []classify.Result {
	var rs []classify.Result
	for i := range n {
		rs = append(rs, mkResult(fmt.Sprintf("d%d.example", i), i+1, st, "read udp 127.0.0.1:1: connection refused", nil, allStates(classify.StateUnresolved)))
	}
	return rs
}

// okResults returns n resolved domains, all on one DNS provider: the
// most concentrated list there is.
func okResults(n int) []classify.Result {
	var rs []classify.Result
	for i := range n {
		d := fmt.Sprintf("ok%d.example", i)
		rs = append(rs, mkResult(d, 0, dnscrawl.StatusOK, "", []dep{
			{catalog.LayerDNS, "cloudflare", "dns", "", classify.EvidenceNSSuffix, "ada.ns.cloudflare.com", 1},
		}, map[catalog.Layer]classify.State{catalog.LayerCDN: classify.StateNone, catalog.LayerHosting: classify.StateNone, catalog.LayerEmail: classify.StateNone}))
	}
	return rs
}

// TestDataMissing: the threshold is "more than MissingFraction of the
// list got no answer", counted over timeout and network_error only.
func TestDataMissing(t *testing.T) {
	t.Parallel()
	concat := func(rs ...[]classify.Result) []classify.Result {
		var out []classify.Result
		for _, r := range rs {
			out = append(out, r...)
		}
		return out
	}
	tests := []struct {
		name     string
		results  []classify.Result
		missing  bool
		failed   int
		resolved int
	}{
		{"every lookup timed out", failedResults(10, dnscrawl.StatusTimeout), true, 10, 0},
		{"closed port: network errors", failedResults(10, dnscrawl.StatusNetworkError), true, 10, 0},
		{"nothing failed", okResults(10), false, 0, 10},
		{"exactly half failed", concat(failedResults(5, dnscrawl.StatusTimeout), okResults(5)), false, 5, 5},
		{"just over half failed", concat(failedResults(3, dnscrawl.StatusTimeout), failedResults(3, dnscrawl.StatusNetworkError), okResults(5)), true, 6, 5},
		{"nxdomain is an answer", failedResults(10, dnscrawl.StatusNXDomain), false, 0, 0},
		{"servfail is an answer", failedResults(10, dnscrawl.StatusServFail), false, 0, 0},
		{"empty list", nil, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sum := metrics.Compute(tt.results, metrics.Options{})
			w := DataMissing(sum)
			if (w != nil) != tt.missing {
				t.Fatalf("DataMissing = %+v, want missing %v", w, tt.missing)
			}
			if got := FailedLookups(sum.Statuses); got != tt.failed {
				t.Errorf("FailedLookups = %d, want %d", got, tt.failed)
			}
			if w == nil {
				return
			}
			if w.Failed != tt.failed || w.Domains != len(tt.results) || w.Resolved != tt.resolved || w.Threshold != MissingFraction {
				t.Errorf("warning %+v, want %d failed of %d, %d resolved", w, tt.failed, len(tt.results), tt.resolved)
			}
			want := fmt.Sprintf("%d of %d lookups failed (timeout or network_error); the figures describe only the %d domains that resolved",
				tt.failed, len(tt.results), tt.resolved)
			if !strings.Contains(w.Message, want) {
				t.Errorf("message %q lacks %q", w.Message, want)
			}
		})
	}
	if DataMissing(nil) != nil {
		t.Error("DataMissing(nil) is not nil")
	}
}

// TestReportsDataMissing: a crawl where every lookup timed out must not
// read "HHI 0 (unconcentrated)" or "No domain depends on a single
// third-party provider" in the summary and the report; they say the data
// is missing, and run.json carries data_warning. A crawl where nothing
// failed has none of it.
func TestReportsDataMissing(t *testing.T) {
	t.Parallel()
	lies := []string{"unconcentrated", "No domain depends on a single third-party provider", "moderately concentrated", "highly concentrated", "no third-party provider"}
	tests := []struct {
		name    string
		results []classify.Result
		missing bool
	}{
		{"every lookup timed out", failedResults(12, dnscrawl.StatusTimeout), true},
		{"most lookups failed, a few resolved", append(failedResults(9, dnscrawl.StatusNetworkError), okResults(3)...), true},
		{"nothing failed", okResults(12), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sum := metrics.Compute(tt.results, metrics.Options{})
			run := complete(&Run{}, sum)

			var summary bytes.Buffer
			if err := WriteSummary(&summary, run, sum); err != nil {
				t.Fatal(err)
			}
			doc := renderHTML(t, &Run{}, tt.results)
			var js bytes.Buffer
			if err := WriteRun(&js, run); err != nil {
				t.Fatal(err)
			}
			var decoded struct {
				DataWarning *DataWarning `json:"data_warning"`
			}
			if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(js.Bytes(), []byte(`"data_warning":`)) {
				t.Errorf("run.json has no data_warning field:\n%s", js.Bytes())
			}

			if !tt.missing {
				if strings.Contains(summary.String(), "DATA MISSING") || bytes.Contains(doc, []byte("DATA MISSING")) || decoded.DataWarning != nil {
					t.Errorf("a complete crawl is said to miss data:\n%s", summary.String())
				}
				if !strings.Contains(summary.String(), "10000 (highly concentrated)") {
					t.Errorf("summary does not read the HHI of a complete crawl:\n%s", summary.String())
				}
				if !bytes.Contains(doc, []byte("highly concentrated (2010 bands")) {
					t.Error("report.html does not read the HHI of a complete crawl")
				}
				return
			}
			if !strings.HasPrefix(summary.String(), "DATA MISSING: The data is missing: ") {
				t.Errorf("summary does not begin with the warning:\n%s", summary.String())
			}
			if decoded.DataWarning == nil || decoded.DataWarning.Failed != 9 && decoded.DataWarning.Failed != 12 {
				t.Errorf("run.json data_warning = %+v", decoded.DataWarning)
			}
			if !bytes.Contains(doc, []byte(`<div class="banner" role="alert" id="data-missing">DATA MISSING<span>The data is missing: `)) {
				t.Error("report.html has no data-missing warning box")
			}
			if i, j := bytes.Index(doc, []byte(`id="data-missing"`)), bytes.Index(doc, []byte("<h1>")); i < 0 || i > j {
				t.Error("the warning box is not at the top of report.html")
			}
			// The methodology explains the bands in words: only the
			// readings before it count.
			readings, _, ok := bytes.Cut(doc, []byte(`<section id="methodology">`))
			if !ok {
				t.Fatal("report.html has no methodology section")
			}
			for _, lie := range lies {
				if strings.Contains(summary.String(), lie) {
					t.Errorf("summary reads %q over missing data:\n%s", lie, summary.String())
				}
				if bytes.Contains(readings, []byte(lie)) {
					t.Errorf("report.html reads %q over missing data", lie)
				}
			}
		})
	}
}
