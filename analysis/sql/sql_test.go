package sql

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestStatements: the helper views are CREATE statements and each query
// file ends with one query.
func TestStatements(t *testing.T) {
	views := Statements(Views)
	if len(views) < 5 {
		t.Fatalf("views.sql: %d statements", len(views))
	}
	for _, s := range views {
		if !strings.HasPrefix(s, "CREATE OR REPLACE TEMPORARY VIEW ") {
			t.Errorf("views.sql: not a view: %.60s", s)
		}
	}
	for _, name := range []string{Layers, Providers, Statuses, Blast, Groups, SPOF} {
		st := Statements(name)
		last := st[len(st)-1]
		if !strings.HasPrefix(last, "SELECT") && !strings.HasPrefix(last, "WITH") {
			t.Errorf("%s: last statement is no query: %.60s", name, last)
		}
		for _, s := range st[:len(st)-1] {
			if !strings.HasPrefix(s, "CREATE OR REPLACE TEMPORARY VIEW ") {
				t.Errorf("%s: not a view: %.60s", name, s)
			}
		}
	}
}

// TestPortable: no file uses a construct that DuckDB and Spark SQL do not
// both run (the list of views.sql's header).
func TestPortable(t *testing.T) {
	banned := map[string]*regexp.Regexp{
		"::cast":                  regexp.MustCompile(`::`),
		"FILTER (WHERE":           regexp.MustCompile(`(?i)FILTER\s*\(\s*WHERE`),
		"QUALIFY":                 regexp.MustCompile(`(?i)\bQUALIFY\b`),
		"string_agg/list/array":   regexp.MustCompile(`(?i)\b(string_agg|list|array_agg|list_sort|collect_list|array_join)\s*\(`),
		"bool_or/bool_and":        regexp.MustCompile(`(?i)\bbool_(or|and)\s*\(`),
		"LOG(b, x)":               regexp.MustCompile(`(?i)\bLOG\s*\(`),
		"read_parquet (engine's)": regexp.MustCompile(`(?i)read_parquet`),
		"integer division //":     regexp.MustCompile(`//`),
	}
	names, err := fs.Glob(files, "*.sql")
	if err != nil || len(names) < 7 {
		t.Fatalf("sql files: %v %v", names, err)
	}
	for _, f := range names {
		for _, s := range Statements(f) {
			for what, re := range banned {
				if re.MatchString(s) {
					t.Errorf("%s uses %s: %.80s", f, what, re.FindString(s))
				}
			}
		}
	}
}
