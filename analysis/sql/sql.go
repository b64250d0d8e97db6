// Package sql holds the analysis as SQL: the queries that compute the
// figures of a classified run (metrics, providers, blast radii) from the
// Parquet tables of "chokepoint classify", in SQL that DuckDB and Spark SQL
// both run. pipeline.DuckDBEngine runs them on embedded DuckDB; the README
// ("Beyond one machine") gives the Spark SQL commands.
//
// Before the queries, the engine registers one view per table, named as
// the table (domains, dependencies, addresses, elements, closure), then
// runs the statements of Views. Each query returns rows the engine turns
// into metrics.Summary and graph.Blast values, so that the outputs are
// written by the same writers as the Go engine's.
package sql

import (
	"embed"
	"strings"
)

//go:embed *.sql
var files embed.FS

// The queries, by file name.
const (
	Views     = "views.sql"     // statements creating the helper views
	Layers    = "layers.sql"    // one row per layer and "any"
	Providers = "providers.sql" // one row per provider and layer
	Statuses  = "statuses.sql"  // domains by crawl status
	Blast     = "blast.sql"     // one row per element
	Groups    = "groups.sql"    // known domains' providers, for the bootstrap
	SPOF      = "spof.sql"      // domains a provider's failure takes down
	// SiteCountries: one row per country of the sites (--list) and layer.
	SiteCountries = "site_countries.sql"
	// CoDependency holds the query of the pairs of companies that share
	// the most domains, then views and the query of what each pair takes
	// down only together.
	CoDependency = "codependency.sql"
	// Report holds the queries of report.html's parts on the list's
	// domains (reports.HTMLDomains), read by position.
	Report = "report.sql"
)

// Text returns the SQL of file name (one of the constants).
func Text(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("analysis/sql: no query " + name) // the names are constants
	}
	return string(b)
}

// Statements splits the SQL of file name into its statements: the text
// between semicolons that end a line, without the comment lines.
func Statements(name string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(Text(name), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "--") || t == "" {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
