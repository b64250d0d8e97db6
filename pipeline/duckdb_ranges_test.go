package pipeline

import (
	"strings"
	"testing"
)

// TestInRanges: a stored table of rangedTables becomes a view of all its
// rows, then one table of the first range and an INSERT per next range,
// covering did 1 to the number of domains once; other statements and
// lists no longer than a range stay as they are.
func TestInRanges(t *testing.T) {
	stmts := materialize([]string{
		"CREATE OR REPLACE TEMPORARY VIEW radius AS\nSELECT eid FROM domain_outcome",
		"CREATE OR REPLACE TEMPORARY VIEW domain_outcome AS\nSELECT eid, did FROM dead_slots\nGROUP BY eid, did",
		"CREATE OR REPLACE TEMPORARY VIEW dead_slots AS\nSELECT 1 AS did",
	})
	got := inRanges(stmts, 25, 10)
	want := []string{
		stmts[0],
		"CREATE OR REPLACE TEMPORARY VIEW domain_outcome_all AS\nSELECT eid, did FROM dead_slots\nGROUP BY eid, did",
		"CREATE OR REPLACE TEMPORARY TABLE domain_outcome AS SELECT * FROM domain_outcome_all WHERE did BETWEEN 1 AND 10",
		"INSERT INTO domain_outcome SELECT * FROM domain_outcome_all WHERE did BETWEEN 11 AND 20",
		"INSERT INTO domain_outcome SELECT * FROM domain_outcome_all WHERE did BETWEEN 21 AND 30",
		stmts[2],
	}
	if strings.Join(got, "\n;\n") != strings.Join(want, "\n;\n") {
		t.Errorf("inRanges(25 domains, 10 a range):\n%s\nwant:\n%s", strings.Join(got, "\n;\n"), strings.Join(want, "\n;\n"))
	}
	for _, n := range []int{0, 9, 10} {
		if got := inRanges(stmts, n, 10); strings.Join(got, ";") != strings.Join(stmts, ";") {
			t.Errorf("inRanges(%d domains, 10 a range) changed the statements: %q", n, got)
		}
	}
}
