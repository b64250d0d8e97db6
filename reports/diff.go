package reports

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// DiffFile is the file the diff command writes.
const DiffFile = "diff.csv"

// DiffKind says what a row of diff.csv compares.
type DiffKind string

// The kinds of diff rows, in the order diff.csv lists them.
const (
	DiffMetric  DiffKind = "metric"  // a concentration figure of a layer
	DiffShare   DiffKind = "share"   // a provider's share of a layer
	DiffBlast   DiffKind = "blast"   // an element's blast radius (share of the list)
	DiffMoved   DiffKind = "moved"   // a domain's providers on a layer changed
	DiffAdded   DiffKind = "added"   // a domain only in run B
	DiffRemoved DiffKind = "removed" // a domain only in run A
)

// DiffKinds lists the kinds in file order.
var DiffKinds = []DiffKind{DiffMetric, DiffShare, DiffBlast, DiffMoved, DiffAdded, DiffRemoved}

func (k DiffKind) String() string { return string(k) }

// ParseDiffKind returns the diff kind named s.
func ParseDiffKind(s string) (DiffKind, error) {
	for _, k := range DiffKinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown diff kind %q", s)
}

// DiffRow is one row of diff.csv: one figure in run A and run B.
type DiffRow struct {
	Kind DiffKind `csv:"kind"`
	// Layer is the layer (or "any") for metric, share and moved rows, the
	// element kind for blast rows, empty otherwise.
	Layer string `csv:"layer"`
	// Subject is the metric name, the provider, the element or the domain.
	Subject string `csv:"subject"`
	// A and B are the values in each run: numbers for metric, share and
	// blast rows (shares as fractions); providers joined by ';' for moved
	// rows; empty when absent from that run.
	A string `csv:"a"`
	B string `csv:"b"`
	// Change is |B − A| for numeric rows and Direction says which way it
	// went: up, down or same (empty for other rows). The sign is not in
	// one signed column because every cell goes through Neutralize, which
	// would quote a leading minus.
	Change    float64 `csv:"change"`
	Direction string  `csv:"direction"`
	// delta is B − A, for sorting and printing.
	delta float64
}

// setDelta sets Change and Direction from B − A.
func (r *DiffRow) setDelta(d float64) {
	r.delta, r.Change = d, math.Abs(d)
	switch {
	case d > 0:
		r.Direction = "up"
	case d < 0:
		r.Direction = "down"
	default:
		r.Direction = "same"
	}
}

// RunData is what diff reads of a finished run directory.
type RunData struct {
	Dir     string
	Metrics *metrics.Summary
	Blast   []BlastRow
	Domains []DomainRow
}

// ReadRunDir reads run.json, domains.csv and blast.csv (when present: runs
// made before blast radii existed have none) from dir.
func ReadRunDir(dir string) (*RunData, error) {
	rd := &RunData{Dir: dir}
	b, err := os.ReadFile(filepath.Join(dir, RunFile))
	if err != nil {
		return nil, fmt.Errorf("read run %s: %w", dir, err)
	}
	var run Run
	if err := json.Unmarshal(b, &run); err != nil {
		return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, RunFile), err)
	}
	if run.Metrics == nil {
		return nil, fmt.Errorf("read %s: no metrics", filepath.Join(dir, RunFile))
	}
	rd.Metrics = run.Metrics
	if err := readCSVFile(filepath.Join(dir, DomainsFile), &rd.Domains); err != nil {
		return nil, err
	}
	if err := readCSVFile(filepath.Join(dir, BlastFile), &rd.Blast); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	for i := range rd.Domains {
		d := &rd.Domains[i]
		d.Domain = unneutralize(d.Domain)
		d.DNSProviders, d.CDNProviders = unneutralize(d.DNSProviders), unneutralize(d.CDNProviders)
		d.HostingProviders, d.EmailProviders = unneutralize(d.HostingProviders), unneutralize(d.EmailProviders)
		d.CAProviders, d.TLDProviders = unneutralize(d.CAProviders), unneutralize(d.TLDProviders)
	}
	for i := range rd.Blast {
		rd.Blast[i].Element = unneutralize(rd.Blast[i].Element)
	}
	return rd, nil
}

func readCSVFile[T any](path string, out *[]T) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	if err := gocsv.Unmarshal(f, out); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}

// unneutralize undoes Neutralize.
func unneutralize(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Diff compares run a with run b: the concentration figures of every
// layer (metric rows, always listed), every provider's share (share rows,
// for providers with a share in either run), every element's blast radius
// as a share of its list (blast rows), and the domains present in both
// whose providers changed on a layer where both runs know them (moved
// rows), then the domains only in b (added) or only in a (removed).
// Metric rows follow the layers of a; share and blast rows are sorted by
// the size of the change, largest first, then by name; domain rows by
// domain.
func Diff(a, b *RunData) []DiffRow {
	var out []DiffRow
	layers := func(s *metrics.Summary) []metrics.LayerSummary {
		if s.Any.Layer == "" {
			return s.Layers
		}
		return append(slices.Clone(s.Layers), s.Any)
	}
	lb := map[catalog.Layer]metrics.LayerSummary{}
	for _, ls := range layers(b.Metrics) {
		lb[ls.Layer] = ls
	}
	var shares []DiffRow
	for _, la := range layers(a.Metrics) {
		bl, ok := lb[la.Layer]
		figures := []struct {
			name string
			a, b float64
		}{
			{"known", float64(la.Known), float64(bl.Known)},
			{"hhi", la.HHI, bl.HHI},
			{"emd", la.EMD, bl.EMD},
			{"cr1", la.CR1, bl.CR1},
			{"cr3", la.CR3, bl.CR3},
			{"cr5", la.CR5, bl.CR5},
			{"effective_n", la.EffectiveN, bl.EffectiveN},
			{"critical_rate", la.CriticalRate, bl.CriticalRate},
			{"redundancy_rate", la.RedundancyRate, bl.RedundancyRate},
		}
		for _, f := range figures {
			r := DiffRow{Kind: DiffMetric, Layer: string(la.Layer), Subject: f.name, A: num(f.a)}
			if ok {
				r.B = num(f.b)
				r.setDelta(f.b - f.a)
			}
			out = append(out, r)
		}
		sa := map[string]float64{}
		for _, p := range la.Rows {
			sa[p.Provider] = p.Share
		}
		sb := map[string]float64{}
		for _, p := range bl.Rows {
			sb[p.Provider] = p.Share
		}
		shares = append(shares, numericRows(DiffShare, string(la.Layer), sa, sb)...)
	}
	out = append(out, shares...)

	ba := map[string]float64{}
	kinds := map[string]string{}
	for _, r := range a.Blast {
		ba[r.Element], kinds[r.Element] = r.Share, string(r.Kind)
	}
	bb := map[string]float64{}
	for _, r := range b.Blast {
		bb[r.Element], kinds[r.Element] = r.Share, string(r.Kind)
	}
	blast := numericRows(DiffBlast, "", ba, bb)
	for i := range blast {
		blast[i].Layer = kinds[blast[i].Subject]
	}
	out = append(out, blast...)

	da := map[string]*DomainRow{}
	for i := range a.Domains {
		da[a.Domains[i].Domain] = &a.Domains[i]
	}
	db := map[string]*DomainRow{}
	for i := range b.Domains {
		db[b.Domains[i].Domain] = &b.Domains[i]
	}
	var moved, added, removed []DiffRow
	for name, x := range da {
		y, ok := db[name]
		if !ok {
			removed = append(removed, DiffRow{Kind: DiffRemoved, Subject: name})
			continue
		}
		for _, l := range catalog.Layers {
			px, _, _ := x.layer(l)
			py, _, _ := y.layer(l)
			if px == nil || py == nil || *px == "" || *py == "" || *px == *py {
				continue
			}
			moved = append(moved, DiffRow{Kind: DiffMoved, Layer: string(l), Subject: name, A: *px, B: *py})
		}
	}
	for name := range db {
		if _, ok := da[name]; !ok {
			added = append(added, DiffRow{Kind: DiffAdded, Subject: name})
		}
	}
	byDomain := func(x, y DiffRow) int {
		return cmp.Or(strings.Compare(x.Subject, y.Subject),
			cmp.Compare(slices.Index(catalog.Layers, catalog.Layer(x.Layer)), slices.Index(catalog.Layers, catalog.Layer(y.Layer))))
	}
	slices.SortFunc(moved, byDomain)
	slices.SortFunc(added, byDomain)
	slices.SortFunc(removed, byDomain)
	return slices.Concat(out, moved, added, removed)
}

// numericRows compares two maps of values: one row per key in either,
// a missing value counting as 0, largest |B − A| first, then by key.
func numericRows(kind DiffKind, layer string, a, b map[string]float64) []DiffRow {
	var out []DiffRow
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		r := DiffRow{Kind: kind, Layer: layer, Subject: k}
		va, okA := a[k]
		vb, okB := b[k]
		if okA {
			r.A = num(va)
		}
		if okB {
			r.B = num(vb)
		}
		r.setDelta(vb - va)
		out = append(out, r)
	}
	slices.SortFunc(out, func(x, y DiffRow) int {
		return cmp.Or(cmp.Compare(y.Change, x.Change), strings.Compare(x.Subject, y.Subject))
	})
	return out
}

// WriteDiff writes diff.csv.
func WriteDiff(w io.Writer, rows []DiffRow) error { return writeCSV(w, rowsOf(rows)) }

// WriteDiffSummary prints the main changes between two runs: the HHI of
// every layer, the n largest share and blast-radius changes, and the
// number of domains that moved, appeared or disappeared.
func WriteDiffSummary(w io.Writer, a, b *RunData, rows []DiffRow, n int) error {
	ew := &errWriter{w: w}
	ew.printf("A: %s (%d domains)\nB: %s (%d domains)\n", visible(a.Dir), a.Metrics.Domains, visible(b.Dir), b.Metrics.Domains)
	ew.printf("HHI by layer:\n")
	for _, r := range rows {
		if r.Kind == DiffMetric && r.Subject == "hhi" {
			if r.B == "" {
				ew.printf("  %-8s %8.0f -> none\n", r.Layer, parseNum(r.A))
				continue
			}
			ew.printf("  %-8s %8.0f -> %-8.0f (%+.0f)\n", r.Layer, parseNum(r.A), parseNum(r.B), r.delta)
		}
	}
	for _, k := range []struct {
		kind  DiffKind
		title string
	}{{DiffShare, "Largest share changes (points of the layer)"}, {DiffBlast, "Largest blast-radius changes (points of the list)"}} {
		var top []DiffRow
		for _, r := range rows {
			if r.Kind == k.kind && r.Change != 0 {
				top = append(top, r)
			}
		}
		slices.SortStableFunc(top, func(x, y DiffRow) int { return cmp.Compare(y.Change, x.Change) })
		ew.printf("%s:\n", k.title)
		for i, r := range top {
			if i == n {
				break
			}
			ew.printf("  %-8s %-28s %+.2f\n", r.Layer, visible(r.Subject), 100*r.delta)
		}
	}
	count := map[DiffKind]int{}
	for _, r := range rows {
		count[r.Kind]++
	}
	ew.printf("Domains: %d moved provider on a layer, %d added, %d removed\n", count[DiffMoved], count[DiffAdded], count[DiffRemoved])
	return ew.err
}

func parseNum(s string) float64 {
	x, _ := strconv.ParseFloat(s, 64)
	return x
}
