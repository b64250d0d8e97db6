package validate

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// smallRun and smallTruth are the scenario whose scores are worked out by
// hand in TestValidate.
func smallRun() *Run {
	dep := func(d string, l catalog.Layer, p, s string) Dep {
		return Dep{Domain: d, Layer: l, Provider: p, Service: s, ThirdParty: p != SelfProvider, Catalogued: !strings.Contains(p, ".")}
	}
	const dns, cdn, hosting, email = catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail
	return &Run{
		CatalogVersion: "2026.01.01-1",
		Domains: []Domain{
			{"a.com", "ok"}, {"b.com", "ok"}, {"c.com", "ok"}, {"d.com", "ok"}, {"e.com", "nxdomain"}, {"f.com", "ok"},
		},
		Deps: []Dep{
			dep("a.com", dns, "cloudflare", "dns"),
			dep("a.com", cdn, "cloudflare", "cdn"),
			dep("a.com", email, "google", "workspace"),
			dep("b.com", dns, "amazon", "route53"),
			dep("b.com", dns, "digicert", "ultradns"),
			dep("b.com", hosting, "amazon", "ec2"),
			dep("c.com", dns, "self", "self"),
			dep("c.com", hosting, "example-host.net", "hosting"),
			dep("d.com", dns, "dnsprov.net", "dns"),
			dep("d.com", email, "self", "self"),
			dep("f.com", dns, "cloudflare", "dns"), // not in the truth: not scored
		},
	}
}

const smallTruth = `domain,layer,provider,service,third_party
a.com,dns,Cloudflare,,true
a.com,cdn,cloudflare-cdn,,
a.com,email,Gmail,,
b.com,dns,Route 53,,
b.com,hosting,AWS,S3,
c.com,dns,ns1.c.com,,false
c.com,hosting,AS64500,,
d.com,dns,dnsprov.com,,
d.com,email,Microsoft 365,,
e.com,dns,UltraDNS,,
g.com,dns,Cloudflare,,
a.com,hosting,none,,
not a domain,dns,x,,
b.com,web,x,,
`

// TestValidate checks Validate against scores worked out by hand.
//
// How the truth's labels match: Cloudflare -> cloudflare, cloudflare-cdn
// -> cloudflare/cdn, Gmail -> google/workspace, Route 53 ->
// amazon/route53, AWS with service S3 -> amazon/s3 (no such product in
// the catalog: kept as written), ns1.c.com -> self (c.com's own domain),
// AS64500 -> as64500, dnsprov.com -> dnsprov.com (our dnsprov.net is the
// same operator under another suffix), Microsoft 365 -> unmatched,
// UltraDNS -> digicert/ultradns. g.com is not in the run; the last two
// rows are bad (invalid domain, unknown layer).
//
// Provider level, per domain (truth | ours):
//
//	dns      a {cloudflare}|{cloudflare} ok; b {amazon}|{amazon,digicert}: 1 extra;
//	         c {self}|{self} ok; d {dnsprov.com}|{dnsprov.com} ok; e {digicert}|{}: 1 missing
//	         -> 5 domains, 3 exact, truth 5, ours 5, matched 4: P 4/5, R 4/5, F1 0.8, exact 3/5
//	cdn      a {cloudflare}|{cloudflare} -> 1, 1, 1, 1, 1: P 1, R 1
//	hosting  a {}|{} ok; b {amazon}|{amazon} ok; c {as64500}|{example-host.net}
//	         -> 3 domains, 2 exact, truth 2, ours 2, matched 1: P 1/2, R 1/2, exact 2/3
//	email    a {google}|{google} ok; d {microsoft 365}|{self}
//	         -> 2 domains, 1 exact, truth 2, ours 2, matched 1: P 1/2, R 1/2, exact 1/2
//
// Service level: as the provider level except b.com hosting
// {amazon-s3}|{amazon-ec2}, so hosting -> 3 domains, 1 exact, truth 2,
// ours 2, matched 0: P 0, R 0, F1 0, exact 1/3. (a.com dns: the truth
// names no product, so cloudflare matches our cloudflare-dns.)
//
// Third-party level (c.com dns is self, everything else a third party):
//
//	dns      a,b,c,d equal; e {third_party}|{} -> 5, 4 exact, truth 5, ours 4, matched 4:
//	         P 1, R 4/5, F1 2·0.8/1.8 = 8/9, exact 4/5
//	cdn      1, 1, 1, 1, 1
//	hosting  a {}|{}, b and c {third_party} -> 3, 3 exact, truth 2, ours 2, matched 2
//	email    a equal; d {third_party}|{self} -> 2, 1 exact, truth 2, ours 2, matched 1
func TestValidate(t *testing.T) {
	t.Parallel()
	tr, err := ReadTruth(strings.NewReader(smallTruth), "labels.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Bad) != 2 {
		t.Fatalf("%d bad rows, want 2: %v", len(tr.Bad), tr.Bad)
	}
	rep := Validate(smallRun(), tr, NewMatcher(testCatalog(t)), Options{})
	checkReport(t, rep)

	if rep.TruthDomains != 6 || rep.Scored != 5 || rep.Absent != 1 || rep.RunDomains != 6 || rep.NotOK != 1 {
		t.Errorf("domains: truth %d scored %d absent %d run %d not ok %d; want 6 5 1 6 1",
			rep.TruthDomains, rep.Scored, rep.Absent, rep.RunDomains, rep.NotOK)
	}
	if diff := cmp.Diff([]Level{LevelProvider, LevelService, LevelThirdParty}, rep.Levels); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	s := func(l Level, domains, exact, truth, ours, matched int) Score {
		return Score{Level: l, Domains: domains, Exact: exact, Truth: truth, Ours: ours, Matched: matched}
	}
	want := map[catalog.Layer][]Score{
		catalog.LayerDNS:     {s(LevelProvider, 5, 3, 5, 5, 4), s(LevelService, 5, 3, 5, 5, 4), s(LevelThirdParty, 5, 4, 5, 4, 4)},
		catalog.LayerCDN:     {s(LevelProvider, 1, 1, 1, 1, 1), s(LevelService, 1, 1, 1, 1, 1), s(LevelThirdParty, 1, 1, 1, 1, 1)},
		catalog.LayerHosting: {s(LevelProvider, 3, 2, 2, 2, 1), s(LevelService, 3, 1, 2, 2, 0), s(LevelThirdParty, 3, 3, 2, 2, 2)},
		catalog.LayerEmail:   {s(LevelProvider, 2, 1, 2, 2, 1), s(LevelService, 2, 1, 2, 2, 1), s(LevelThirdParty, 2, 1, 2, 2, 1)},
	}
	if len(rep.Layers) != 4 {
		t.Fatalf("%d layers, want 4", len(rep.Layers))
	}
	for i, lr := range rep.Layers {
		if lr.Layer != catalog.Layers[i] {
			t.Errorf("layer %d is %s, want %s", i, lr.Layer, catalog.Layers[i])
		}
		if diff := cmp.Diff(want[lr.Layer], lr.Scores); diff != "" {
			t.Errorf("%s scores (-want +got):\n%s", lr.Layer, diff)
		}
	}
	dns := rep.Layers[0]
	if dns.Absent != 1 || dns.NotOK != 1 {
		t.Errorf("dns absent %d not ok %d, want 1 and 1", dns.Absent, dns.NotOK)
	}

	// The ratios, by hand, to 1e-12.
	const tol = 1e-12
	ratios := []struct {
		name      string
		got, want float64
	}{
		{"dns provider precision", dns.Scores[0].Precision(), 0.8},
		{"dns provider recall", dns.Scores[0].Recall(), 0.8},
		{"dns provider F1", dns.Scores[0].F1(), 0.8},
		{"dns provider exact", dns.Scores[0].Accuracy(), 0.6},
		{"dns third-party precision", dns.Scores[2].Precision(), 1},
		{"dns third-party recall", dns.Scores[2].Recall(), 0.8},
		{"dns third-party F1", dns.Scores[2].F1(), 8.0 / 9},
		{"hosting provider precision", rep.Layers[2].Scores[0].Precision(), 0.5},
		{"hosting provider exact", rep.Layers[2].Scores[0].Accuracy(), 2.0 / 3},
		{"hosting service F1", rep.Layers[2].Scores[1].F1(), 0},
		{"hosting service exact", rep.Layers[2].Scores[1].Accuracy(), 1.0 / 3},
		{"email provider recall", rep.Layers[3].Scores[0].Recall(), 0.5},
	}
	for _, r := range ratios {
		if math.Abs(r.got-r.want) > tol {
			t.Errorf("%s = %v, want %v", r.name, r.got, r.want)
		}
	}

	wantKinds := map[MatchKind]int{MatchID: 3, MatchName: 4, MatchSelf: 1, MatchASN: 1, MatchRegDomain: 1, MatchUnmatched: 1, MatchNone: 1}
	if diff := cmp.Diff(wantKinds, rep.Kinds); diff != "" {
		t.Errorf("match kinds (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]LabelCount{{Label: "Microsoft 365", Kind: MatchUnmatched, Rows: 1}}, rep.Unmatched); diff != "" {
		t.Errorf("unmatched (-want +got):\n%s", diff)
	}

	row := func(d string, l catalog.Layer, lv Level, st string, labels, truth, ours, missing, extra []string) Disagreement {
		return Disagreement{Domain: d, Layer: l, Level: lv, RunStatus: st, Labels: labels, Truth: truth, Ours: ours, Missing: missing, Extra: extra}
	}
	type ss = []string
	wantRows := []Disagreement{
		row("b.com", "dns", LevelProvider, "ok", ss{"Route 53"}, ss{"amazon"}, ss{"amazon", "digicert"}, ss{}, ss{"digicert"}),
		row("b.com", "dns", LevelService, "ok", ss{"Route 53"}, ss{"amazon-route53"}, ss{"amazon-route53", "digicert-ultradns"}, ss{}, ss{"digicert-ultradns"}),
		row("b.com", "hosting", LevelService, "ok", ss{"AWS"}, ss{"amazon-s3"}, ss{"amazon-ec2"}, ss{"amazon-s3"}, ss{"amazon-ec2"}),
		row("c.com", "hosting", LevelProvider, "ok", ss{"AS64500"}, ss{"as64500"}, ss{"example-host.net"}, ss{"as64500"}, ss{"example-host.net"}),
		row("c.com", "hosting", LevelService, "ok", ss{"AS64500"}, ss{"as64500"}, ss{"example-host.net"}, ss{"as64500"}, ss{"example-host.net"}),
		row("d.com", "email", LevelProvider, "ok", ss{"Microsoft 365"}, ss{"microsoft 365"}, ss{"self"}, ss{"microsoft 365"}, ss{"self"}),
		row("d.com", "email", LevelService, "ok", ss{"Microsoft 365"}, ss{"microsoft 365"}, ss{"self"}, ss{"microsoft 365"}, ss{"self"}),
		row("d.com", "email", LevelThirdParty, "ok", ss{"Microsoft 365"}, ss{"third_party"}, ss{"self"}, ss{"third_party"}, ss{"self"}),
		row("e.com", "dns", LevelProvider, "nxdomain", ss{"UltraDNS"}, ss{"digicert"}, ss{}, ss{"digicert"}, ss{}),
		row("e.com", "dns", LevelService, "nxdomain", ss{"UltraDNS"}, ss{"digicert-ultradns"}, ss{}, ss{"digicert-ultradns"}, ss{}),
		row("e.com", "dns", LevelThirdParty, "nxdomain", ss{"UltraDNS"}, ss{"third_party"}, ss{}, ss{"third_party"}, ss{}),
		row("g.com", "dns", LevelProvider, RunAbsent, ss{"Cloudflare"}, ss{"cloudflare"}, nil, ss{"cloudflare"}, nil),
	}
	if diff := cmp.Diff(wantRows, rep.Rows, cmpEmpty); diff != "" {
		t.Errorf("disagreements (-want +got):\n%s", diff)
	}

	// Confusion of dns: every truth provider has one pair, so the labels
	// are in name order. b.com's extra digicert is in the (none) row,
	// e.com's missing digicert in the (none) column.
	wantDNS := Confusion{
		Labels: []string{"amazon", "cloudflare", "digicert", "dnsprov.com", "self", Other, NoProvider},
		Counts: [][]int{
			{1, 0, 0, 0, 0, 0, 0},
			{0, 1, 0, 0, 0, 0, 0},
			{0, 0, 0, 0, 0, 0, 1},
			{0, 0, 0, 1, 0, 0, 0},
			{0, 0, 0, 0, 1, 0, 0},
			{0, 0, 0, 0, 0, 0, 0},
			{0, 0, 1, 0, 0, 0, 0},
		},
	}
	if diff := cmp.Diff(wantDNS, dns.Confusion); diff != "" {
		t.Errorf("dns confusion (-want +got):\n%s", diff)
	}
	// Hosting: c.com's as64500 taken for example-host.net, outside the top.
	wantHosting := Confusion{
		Labels: []string{"amazon", "as64500", Other, NoProvider},
		Counts: [][]int{{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}},
	}
	if diff := cmp.Diff(wantHosting, rep.Layers[2].Confusion); diff != "" {
		t.Errorf("hosting confusion (-want +got):\n%s", diff)
	}
}

// TestValidateTop folds the smaller providers into (other).
func TestValidateTop(t *testing.T) {
	t.Parallel()
	tr, err := ReadTruth(strings.NewReader(smallTruth), "labels.csv")
	if err != nil {
		t.Fatal(err)
	}
	rep := Validate(smallRun(), tr, NewMatcher(testCatalog(t)), Options{Top: 2})
	want := Confusion{
		Labels: []string{"amazon", "cloudflare", Other, NoProvider},
		Counts: [][]int{
			{1, 0, 0, 0},
			{0, 1, 0, 0},
			{0, 0, 2, 1}, // self and dnsprov.com matched; e.com's digicert missed
			{0, 0, 1, 0}, // b.com's extra digicert
		},
	}
	if diff := cmp.Diff(want, rep.Layers[0].Confusion); diff != "" {
		t.Errorf("dns confusion (-want +got):\n%s", diff)
	}
}

// TestValidateNoOptionalColumns scores the provider level alone, and a
// truth domain given with "www." finds the run's bare domain.
func TestValidateNoOptionalColumns(t *testing.T) {
	t.Parallel()
	tr, err := ReadTruth(strings.NewReader("domain,layer,provider\nwww.a.com,dns,cloudflare\nh.com,cdn,akamai\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	rep := Validate(smallRun(), tr, NewMatcher(testCatalog(t)), Options{})
	checkReport(t, rep)
	if diff := cmp.Diff([]Level{LevelProvider}, rep.Levels); diff != "" {
		t.Errorf("levels (-want +got):\n%s", diff)
	}
	if rep.Scored != 1 || rep.Absent != 1 {
		t.Errorf("scored %d absent %d, want 1 and 1", rep.Scored, rep.Absent)
	}
	if got := rep.Layers[0].Scores[0]; got != (Score{Level: LevelProvider, Domains: 1, Exact: 1, Truth: 1, Ours: 1, Matched: 1}) {
		t.Errorf("dns score %+v", got)
	}
	// A layer with only absent domains has a row but nothing scored.
	cdn := rep.Layers[1]
	if cdn.Layer != catalog.LayerCDN || cdn.Absent != 1 || cdn.Scores[0].Domains != 0 || !math.IsNaN(cdn.Scores[0].Precision()) {
		t.Errorf("cdn %+v", cdn)
	}
}

func TestScoreRatios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s           Score
		p, r, f1, a float64
	}{
		{Score{Domains: 4, Exact: 2, Truth: 4, Ours: 2, Matched: 2}, 1, 0.5, 2.0 / 3, 0.5},
		{Score{Domains: 2, Exact: 0, Truth: 2, Ours: 2, Matched: 0}, 0, 0, 0, 0},
		{Score{Domains: 1, Exact: 0, Truth: 1}, math.NaN(), 0, math.NaN(), 0},
		{Score{}, math.NaN(), math.NaN(), math.NaN(), math.NaN()},
	}
	same := func(a, b float64) bool { return math.IsNaN(a) && math.IsNaN(b) || math.Abs(a-b) < 1e-12 }
	for _, tt := range tests {
		if !same(tt.s.Precision(), tt.p) || !same(tt.s.Recall(), tt.r) || !same(tt.s.F1(), tt.f1) || !same(tt.s.Accuracy(), tt.a) {
			t.Errorf("%+v: P %v R %v F1 %v A %v, want %v %v %v %v", tt.s,
				tt.s.Precision(), tt.s.Recall(), tt.s.F1(), tt.s.Accuracy(), tt.p, tt.r, tt.f1, tt.a)
		}
	}
}

// cmpEmpty treats nil and empty string slices as equal.
var cmpEmpty = cmp.FilterValues(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 }, cmp.Ignore())

// checkReport checks the invariants of a report.
func checkReport(t *testing.T, rep *Report) {
	t.Helper()
	if rep.Scored+rep.Absent != rep.TruthDomains {
		t.Errorf("scored %d + absent %d != truth domains %d", rep.Scored, rep.Absent, rep.TruthDomains)
	}
	for _, lr := range rep.Layers {
		if len(lr.Scores) != len(rep.Levels) {
			t.Errorf("%s: %d scores for %d levels", lr.Layer, len(lr.Scores), len(rep.Levels))
		}
		for _, s := range lr.Scores {
			if s.Matched > s.Truth || s.Matched > s.Ours || s.Exact > s.Domains || s.Matched < 0 {
				t.Errorf("%s %s: impossible counts %+v", lr.Layer, s.Level, s)
			}
			for _, x := range []float64{s.Precision(), s.Recall(), s.F1(), s.Accuracy()} {
				if x < 0 || x > 1 {
					t.Errorf("%s %s: ratio %v outside [0, 1]", lr.Layer, s.Level, x)
				}
			}
		}
		n := len(lr.Confusion.Labels)
		if len(lr.Confusion.Counts) != n {
			t.Errorf("%s: confusion has %d rows for %d labels", lr.Layer, len(lr.Confusion.Counts), n)
		}
		// The diagonal holds the matches, except (other, other), which
		// may hold confusions among small providers too.
		diag := 0
		for i := range n - 2 {
			diag += lr.Confusion.Counts[i][i]
		}
		if p := lr.Scores[0]; diag > p.Matched || diag+lr.Confusion.Counts[n-2][n-2] < p.Matched {
			t.Errorf("%s: confusion diagonal %d (+%d other) does not hold the %d matches", lr.Layer, diag, lr.Confusion.Counts[n-2][n-2], p.Matched)
		}
	}
	for i := 1; i < len(rep.Rows); i++ {
		a, b := rep.Rows[i-1], rep.Rows[i]
		if a.Domain > b.Domain || a.Domain == b.Domain && layerIndex(a.Layer) > layerIndex(b.Layer) {
			t.Errorf("rows out of order: %s %s before %s %s", a.Domain, a.Layer, b.Domain, b.Layer)
		}
	}
}

// TestValidateServiceWildcard: at the service level a truth label that
// names no product matches any product of its company, and is dropped
// when the truth names one of that company's products on the same domain.
//
//	dns  truth AWS + Route 53 -> {amazon-route53}; ours {amazon-route53}: 1 of 1
//	cdn  truth amazon + Cloudflare/CDN -> {amazon, cloudflare-cdn};
//	     ours {amazon-cloudfront, cloudflare-cdn}: cloudflare-cdn equal, amazon any product: 2 of 2
func TestValidateServiceWildcard(t *testing.T) {
	t.Parallel()
	tr, err := ReadTruth(strings.NewReader("domain,layer,provider,service\nx.com,dns,AWS,\nx.com,dns,Route 53,\nx.com,cdn,amazon,\nx.com,cdn,Cloudflare,CDN\n"), "t.csv")
	if err != nil {
		t.Fatal(err)
	}
	run := &Run{
		Domains: []Domain{{"x.com", "ok"}},
		Deps: []Dep{
			{Domain: "x.com", Layer: catalog.LayerDNS, Provider: "amazon", Service: "route53", ThirdParty: true, Catalogued: true},
			{Domain: "x.com", Layer: catalog.LayerCDN, Provider: "amazon", Service: "cloudfront", ThirdParty: true, Catalogued: true},
			{Domain: "x.com", Layer: catalog.LayerCDN, Provider: "cloudflare", Service: "cdn", ThirdParty: true, Catalogued: true},
		},
	}
	rep := Validate(run, tr, NewMatcher(testCatalog(t)), Options{})
	checkReport(t, rep)
	want := [][]Score{
		{{Level: LevelProvider, Domains: 1, Exact: 1, Truth: 1, Ours: 1, Matched: 1}, {Level: LevelService, Domains: 1, Exact: 1, Truth: 1, Ours: 1, Matched: 1}},
		{{Level: LevelProvider, Domains: 1, Exact: 1, Truth: 2, Ours: 2, Matched: 2}, {Level: LevelService, Domains: 1, Exact: 1, Truth: 2, Ours: 2, Matched: 2}},
	}
	for i, lr := range rep.Layers {
		if diff := cmp.Diff(want[i], lr.Scores); diff != "" {
			t.Errorf("%s (-want +got):\n%s", lr.Layer, diff)
		}
	}
	if len(rep.Rows) != 0 {
		t.Errorf("disagreements: %+v", rep.Rows)
	}
}
