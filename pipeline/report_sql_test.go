package pipeline

import (
	"fmt"
	"strings"
	"testing"

	aql "github.com/chokepoint-dev/chokepoint/analysis/sql"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// TestReportSQL: report.sql has the queries htmlDomains reads by
// position, and the constants it writes out agree with the report's: the
// top-of-list bound (reports.TopRank) and the layers of the flow chart
// (reports.FlowLayer).
func TestReportSQL(t *testing.T) {
	st := aql.Statements(aql.Report)
	if len(st) != reportQueries {
		t.Fatalf("%s: %d statements, want %d", aql.Report, len(st), reportQueries)
	}
	for i, s := range st {
		if !strings.HasPrefix(s, "SELECT") {
			t.Errorf("statement %d is no query: %.60s", i+1, s)
		}
	}
	bound := fmt.Sprintf("rank > 0 AND rank <= %d", reports.TopRank)
	for _, i := range []int{reportTopDomains, reportTopDeps} {
		if !strings.Contains(st[i], bound) {
			t.Errorf("query %d does not select %q:\n%s", i+1, bound, st[i])
		}
	}
	var out []string
	for _, l := range catalog.Layers {
		if !reports.FlowLayer(l) {
			out = append(out, "'"+string(l)+"'")
		}
	}
	not := "layer NOT IN (" + strings.Join(out, ", ") + ")"
	for _, i := range []int{reportReach} {
		if !strings.Contains(st[i], not) {
			t.Errorf("query %d does not leave out the layers the flow chart does not draw (%q):\n%s", i+1, not, st[i])
		}
	}
	if !strings.Contains(st[reportTable], "ORDER BY CASE WHEN rank > 0 THEN 0 ELSE 1 END, rank, domain") {
		t.Errorf("the table's query is not in report order:\n%s", st[reportTable])
	}
}
