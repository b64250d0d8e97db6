package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// dep is a compact dependency for fixtures.
type dep struct {
	layer                     catalog.Layer
	provider, service, region string
	evidence                  classify.Evidence
	value                     string
	confidence                float64
}

// mkResult builds a Result. Layers with dependencies are known; the
// others take their state from states.
func mkResult(domain string, rank int, status dnscrawl.Status, errText string, deps []dep, states map[catalog.Layer]classify.State) classify.Result {
	r := classify.Result{Domain: domain, Rank: rank, Status: status, Error: errText, States: map[catalog.Layer]classify.State{}}
	for _, l := range catalog.Layers {
		r.States[l] = states[l]
	}
	var list []classify.Dependency
	for _, d := range deps {
		r.States[d.layer] = classify.StateKnown
		list = append(list, classify.Dependency{
			Domain: domain, Rank: rank, Layer: d.layer, Provider: d.provider, Service: d.service,
			Region: d.region, Evidence: d.evidence, EvidenceValue: d.value, Confidence: d.confidence,
			ThirdParty: d.provider != classify.SelfProvider,
		})
	}
	r.SetDeps(list)
	return r
}

func allStates(s classify.State) map[catalog.Layer]classify.State {
	m := map[catalog.Layer]classify.State{}
	for _, l := range catalog.Layers {
		m[l] = s
	}
	return m
}

// fixtureResults is the small fixed input of the golden files. It is
// given out of order on purpose: the writers sort.
func fixtureResults() []classify.Result {
	const (
		dns, cdn, hosting, email = catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail
		ns, cn, mx, ipr, self    = classify.EvidenceNSSuffix, classify.EvidenceCNAMESuffix, classify.EvidenceMXSuffix, classify.EvidenceIPRange, classify.EvidenceSelf
	)
	return []classify.Result{
		mkResult("shop.example", 3, dnscrawl.StatusOK, "", []dep{
			{dns, "cloudflare", "dns", "", ns, "ada.ns.cloudflare.com", 1},
			{cdn, "cloudflare", "cdn", "", cn, "shop.example.cdn.cloudflare.net", 1},
			{hosting, "shopify", "shopify", "", cn, "shops.myshopify.com", 1},
			{email, "google", "workspace", "", mx, "aspmx.l.google.com", 1},
		}, nil),
		mkResult("gone.example", 0, dnscrawl.StatusNXDomain, "-ERR no such domain", nil, allStates(classify.StateUnresolved)),
		mkResult("bank.example", 1, dnscrawl.StatusOK, "", []dep{
			{dns, "amazon", "route53", "", ns, "ns-1.awsdns-01.org", 1},
			{dns, "cloudflare", "dns", "", ns, "ada.ns.cloudflare.com", 1},
			{hosting, "amazon", "ec2", "us-east-1", ipr, "192.0.2.10", 0.8},
			{email, "microsoft", "exchange-online", "", mx, "bank-example.mail.protection.outlook.com", 1},
		}, map[catalog.Layer]classify.State{cdn: classify.StateNone}),
		mkResult("slow.example", 4, dnscrawl.StatusTimeout, `read udp 192.0.2.53:53: i/o timeout, "retried" 3 times`, nil, allStates(classify.StateUnresolved)),
		mkResult("uni.example", 2, dnscrawl.StatusOK, "", []dep{
			{dns, "self", "self", "", self, "ns1.uni.example", 1},
			{hosting, "self", "self", "", self, "198.51.100.7", 0.9},
			{email, "google", "workspace", "", mx, "aspmx.l.google.com", 1},
			{email, "self", "self", "", self, "mx.uni.example", 1},
		}, map[catalog.Layer]classify.State{cdn: classify.StateNone}),
	}
}

func fixtureRun() *Run {
	return &Run{
		ToolVersion: "v0.1.0-test",
		StartedAt:   time.Date(2025, 11, 18, 11, 20, 0, 0, time.UTC),
		FinishedAt:  time.Date(2025, 11, 18, 11, 21, 30, 0, time.UTC),
		Input:       "testdata/list.txt",
		Counts:      InputCounts{Lines: 7, Domains: 5, BadLines: 1, Duplicates: 1, SkippedObservations: 2},
		ObservationFiles: []ObservationFile{
			{Path: "testdata/observations.jsonl", Observations: 5, Skipped: 2, SkippedLines: []int{3, 8}},
		},
		Resolvers:      []string{"192.0.2.53:53"},
		CatalogVersion: "2025-11-01",
		RefData: []RefFile{{
			Name: "aws ip-ranges.json", Path: "refdata/aws-ip-ranges.json",
			Date: time.Date(2025, 11, 17, 0, 0, 0, 0, time.UTC), SHA256: "0123456789abcdef",
		}},
	}
}

// goldenCSV compares a CSV output with testdata/<name>.golden, cell by
// cell, numbers within a relative 1e-12 (floating point may differ in the
// last bit across platforms, where fused multiply-add is used), and the
// rest exactly. With -update it rewrites the golden file.
func goldenCSV(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotRows, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatalf("%s: output is not CSV: %v", name, err)
	}
	wantRows, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	if err != nil {
		t.Fatalf("%s: golden is not CSV: %v", name, err)
	}
	cellEq := cmp.Comparer(func(a, b string) bool {
		if a == b {
			return true
		}
		x, errA := strconv.ParseFloat(a, 64)
		y, errB := strconv.ParseFloat(b, 64)
		return errA == nil && errB == nil && approx(x, y, 1e-12)
	})
	if d := cmp.Diff(wantRows, gotRows, cellEq); d != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", name, path, d)
	} else if bytes.Contains(want, []byte("\r\n")) != bytes.Contains(got, []byte("\r\n")) {
		t.Errorf("%s: line ends differ from %s", name, path)
	}
}

func approx(x, y, rel float64) bool {
	d := x - y
	if d < 0 {
		d = -d
	}
	m := max(x, -x, y, -y)
	return d <= rel*m
}

// goldenJSON compares a JSON output with testdata/<name>.golden as
// decoded values, numbers within a relative 1e-12.
func goldenJSON(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s: output is not JSON: %v", name, err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("%s: golden is not JSON: %v", name, err)
	}
	if d := cmp.Diff(w, g, cmpopts.EquateApprox(1e-12, 0)); d != "" {
		t.Errorf("%s differs from %s (-want +got):\n%s", name, path, d)
	}
}

// fixtureCountries gives the sites of the fixture a country, as a list's
// country column would.
func fixtureCountries() map[string]string {
	return map[string]string{"shop.example": "US", "gone.example": "US", "bank.example": "DE", "uni.example": "DE"}
}

func fixtureSummary() *metrics.Summary {
	return metrics.Compute(fixtureResults(), metrics.Options{Countries: fixtureCountries()})
}
