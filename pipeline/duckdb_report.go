package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	aql "github.com/chokepoint-dev/chokepoint/analysis/sql"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// The queries of report.sql, by position.
const (
	reportRanked = iota
	reportTLDs
	reportReach
	reportTopDomains
	reportTopDeps
	reportTable
	reportQueries
)

// htmlDomains computes the parts of report.html on the list's domains
// (reports.HTMLDomains) with the queries of report.sql: aggregates, the
// domains ranked up to reports.TopRank and the first
// reports.MaxTableDomains rows of the table of domains, so that what it
// holds is bounded whatever the size of the list. edges are the provider
// graph's, products the catalogued products of the dependencies (the
// run's Names.Products), sum the figures (the flow chart's first step is
// the providers' domains, reports.FlowsOf).
func (q *querier) htmlDomains(edges []graph.ProviderEdge, products reports.LayerProducts, sum *metrics.Summary) (*reports.HTMLDomains, error) {
	st := aql.Statements(aql.Report)
	if len(st) != reportQueries {
		return nil, fmt.Errorf("duckdb: %s has %d statements, want %d", aql.Report, len(st), reportQueries)
	}
	h := &reports.HTMLDomains{Products: products, Flows: reports.FlowsOf(sum), TLDs: map[string][]string{},
		Table: reports.NewDomainTable(min(sum.Domains, reports.MaxTableDomains))}

	// The upstream companies of each service, for the flow chart.
	var ups []string
	for svc, us := range reports.FlowUpstreams(edges) {
		for _, u := range us {
			ups = append(ups, fmt.Sprintf("(%s, %s)", quote(svc), quote(u)))
		}
	}
	slices.Sort(ups)
	stmts := []string{"CREATE OR REPLACE TEMPORARY TABLE flow_upstreams (svc VARCHAR, upstream VARCHAR)"}
	if len(ups) > 0 {
		stmts = append(stmts, "INSERT INTO flow_upstreams VALUES "+strings.Join(ups, ", "))
	}
	for _, s := range stmts {
		if _, err := q.db.ExecContext(q.ctx, s); err != nil {
			return nil, fmt.Errorf("duckdb: %w\n%s", err, s)
		}
	}

	err := q.rows(st[reportRanked], func(r row) error {
		h.Ranked = r.int("ranked") > 0
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := q.rows(st[reportTLDs], func(r row) error {
		p := r.str("provider")
		h.TLDs[p] = append(h.TLDs[p], r.str("service"))
		return nil
	}); err != nil {
		return nil, err
	}
	if err := q.rows(st[reportReach], func(r row) error {
		h.Reach = append(h.Reach, reports.ReachCount{Provider: r.str("provider"), Upstream: r.str("upstream"), Domains: r.int("domains")})
		return nil
	}); err != nil {
		return nil, err
	}
	if h.Top, err = q.topResults(st[reportTopDomains], st[reportTopDeps]); err != nil {
		return nil, err
	}
	if err := q.domainTable(st[reportTable], h.Table); err != nil {
		return nil, err
	}
	return h, nil
}

// reportLayerColumns are the domains table's columns of each layer's
// state and providers, in catalog.Layers order.
var reportLayerColumns = func() [][2]string {
	var out [][2]string
	for _, l := range catalog.Layers {
		out = append(out, [2]string{string(l) + "_state", string(l) + "_providers"})
	}
	return out
}()

// topResults rebuilds the classification of the domains ranked up to
// reports.TopRank from their rows in the domains and dependencies tables
// (queries domains and deps), as metrics.Compute reads it: the states,
// the dependencies, and whether the CA is a critical dependency (the
// ca_critical column: the certificates' OCSP facts are not in the
// tables).
func (q *querier) topResults(domains, deps string) ([]classify.Result, error) {
	var out []classify.Result
	index := map[string]int{}
	err := q.rows(domains, func(r row) error {
		res := classify.Result{Domain: r.str("domain"), Rank: r.int("rank"), Status: dnscrawl.Status(r.str("status")),
			Error: r.str("error"), States: map[catalog.Layer]classify.State{}, NoOCSPFetch: !r.bool("ca_critical")}
		for i, l := range catalog.Layers {
			res.States[l] = classify.State(r.str(reportLayerColumns[i][0]))
		}
		index[res.Domain] = len(out)
		out = append(out, res)
		return nil
	})
	if err != nil {
		return nil, err
	}
	byDomain := make([][]classify.Dependency, len(out))
	err = q.rows(deps, func(r row) error {
		i, ok := index[r.str("domain")]
		if !ok {
			return nil // a dependency of a domain the domains table ranks otherwise
		}
		byDomain[i] = append(byDomain[i], classify.Dependency{
			Layer: catalog.Layer(r.str("layer")), Provider: r.str("provider"), Service: r.str("service"), Region: r.str("region"),
			Evidence: classify.Evidence(r.str("evidence")), EvidenceValue: r.str("evidence_value"), Confidence: r.float("confidence"),
			ThirdParty: r.bool("third_party"), Uncatalogued: !r.bool("catalogued") && r.str("provider") != classify.SelfProvider,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].SetDeps(byDomain[i])
	}
	return out, nil
}

// domainTable adds the rows of query (report order) to t until it is
// full, reading each row into typed values (the table can have a
// million rows).
func (q *querier) domainTable(query string, t *reports.DomainTable) error {
	rs, err := q.db.QueryContext(q.ctx, fmt.Sprintf("%s\nLIMIT %d", query, reports.MaxTableDomains))
	if err != nil {
		return fmt.Errorf("duckdb: %w\n%s", err, query)
	}
	defer rs.Close()
	var rank int64
	var domain, status string
	cells := make([]string, 2*len(catalog.Layers))
	dest := []any{&rank, &domain, &status}
	for i := range cells {
		dest = append(dest, &cells[i])
	}
	cell := func(l catalog.Layer) (classify.State, string) {
		i := slices.Index(catalog.Layers, l)
		return classify.State(cells[2*i]), cells[2*i+1]
	}
	for rs.Next() {
		if err := rs.Scan(dest...); err != nil {
			return fmt.Errorf("duckdb: %w", err)
		}
		if !t.Add(int(rank), domain, dnscrawl.Status(status), cell) {
			break
		}
	}
	return rs.Err()
}
