package reports

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gocarina/gocsv"

	"github.com/chokepoint-dev/chokepoint/analysis/validate"
)

// ValidateFile is the file the validate command writes.
const ValidateFile = "validate.csv"

// ValidateRow is one row of validate.csv: one domain, layer and level
// where the run and the truth disagree (validate.Disagreement), or a
// truth domain the run does not have (run_status "absent"). List cells
// are sorted and joined by ';'.
type ValidateRow struct {
	Domain string `csv:"domain"`
	Layer  string `csv:"layer"`
	// Level is provider, service or third_party.
	Level string `csv:"level"`
	// RunStatus is the domain's crawl status in the run, or "absent".
	RunStatus string `csv:"run_status"`
	// TruthLabels are the truth's labels as written.
	TruthLabels    string `csv:"truth_labels"`
	TruthProviders string `csv:"truth_providers"`
	OurProviders   string `csv:"our_providers"`
	// Missing are in the truth only, Extra in the run only.
	Missing string `csv:"missing"`
	Extra   string `csv:"extra"`
}

// ValidateRows turns the disagreements of rep into rows, in its order.
func ValidateRows(rep *validate.Report) []ValidateRow {
	out := make([]ValidateRow, len(rep.Rows))
	for i, d := range rep.Rows {
		out[i] = ValidateRow{
			Domain: d.Domain, Layer: string(d.Layer), Level: string(d.Level), RunStatus: d.RunStatus,
			TruthLabels: strings.Join(d.Labels, ";"), TruthProviders: strings.Join(d.Truth, ";"),
			OurProviders: strings.Join(d.Ours, ";"), Missing: strings.Join(d.Missing, ";"), Extra: strings.Join(d.Extra, ";"),
		}
	}
	return out
}

// WriteValidate writes validate.csv: the header and the rows of rep, every
// cell through Neutralize.
func WriteValidate(w io.Writer, rep *validate.Report) error {
	return writeCSV(w, rowsOf(ValidateRows(rep)))
}

// validateDomainRow is what validation reads of domains.csv.
type validateDomainRow struct {
	Domain string `csv:"domain"`
	Status string `csv:"status"`
}

// ReadValidateRun reads what validation needs of a run directory: the
// catalog version from run.json (when present), every domain and its
// status from domains.csv, and every dependency from dependencies.csv,
// streamed row by row.
func ReadValidateRun(dir string) (*validate.Run, error) {
	run := &validate.Run{}
	b, err := os.ReadFile(filepath.Join(dir, RunFile))
	switch {
	case err == nil:
		var r Run
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("read %s: %w", filepath.Join(dir, RunFile), err)
		}
		run.CatalogVersion = r.CatalogVersion
	case !errors.Is(err, os.ErrNotExist):
		return nil, fmt.Errorf("read run %s: %w", dir, err)
	}
	path := filepath.Join(dir, DomainsFile)
	missing, err := readCSVRows(path, func(r *validateDomainRow) {
		run.Domains = append(run.Domains, validate.Domain{Name: unneutralize(r.Domain), Status: r.Status})
	})
	if err == nil && slices.Contains(missing, "domain") {
		err = fmt.Errorf("read %s: no domain column", path)
	}
	if err != nil {
		return nil, err
	}
	path = filepath.Join(dir, DependenciesFile)
	missing, err = readCSVRows(path, func(r *DependencyRow) {
		run.Deps = append(run.Deps, validate.Dep{
			Domain: unneutralize(r.Domain), Layer: r.Layer, Provider: unneutralize(r.Provider),
			Service: unneutralize(r.Service), ThirdParty: r.ThirdParty, Catalogued: r.Catalogued,
		})
	})
	if err == nil {
		for _, c := range []string{"domain", "layer", "provider"} {
			if slices.Contains(missing, c) {
				err = fmt.Errorf("read %s: no %s column", path, c)
				break
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if slices.Contains(missing, "catalogued") {
		// Runs made before the column existed named catalog companies
		// only, and self.
		for i := range run.Deps {
			run.Deps[i].Catalogued = true
		}
	}
	return run, nil
}

// readCSVRows reads the CSV file at path one row at a time into a T and
// hands it to f. It returns the csv tags of T that the header lacks.
func readCSVRows[T any](path string, f func(*T)) (missing []string, err error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer file.Close()
	cr := csv.NewReader(file)
	cr.ReuseRecord = true
	var zero T
	um, err := gocsv.NewUnmarshaller(cr, zero)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	for {
		v, err := um.Read()
		if err == io.EOF {
			return um.MismatchedStructFields, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		row := v.(T)
		f(&row)
	}
}

// WriteValidateSummary prints the validation: what was compared, how the
// labels matched (with the first unmatched ones), a table of scores per
// layer and level, and the confusion table of each layer.
func WriteValidateSummary(w io.Writer, runDir string, truth *validate.Truth, rep *validate.Report) error {
	ew := &errWriter{w: w}
	catalogNote := ""
	if rep.CatalogVersion != "" {
		catalogNote = " (run made with catalog " + rep.CatalogVersion + ")"
	}
	ew.printf("Validation of %s against %s%s\n", visible(runDir), visible(truth.Source), catalogNote)
	ew.printf("Truth: %s on %s (%d rejected, %d blank); %d in the run, %d not in the run",
		plural(len(truth.Rows), "row"), plural(rep.TruthDomains, "domain"), len(truth.Bad), truth.Blank, rep.Scored, rep.Absent)
	if rep.NotOK > 0 {
		ew.printf("; %d of those in the run did not resolve", rep.NotOK)
	}
	ew.printf("\n")
	ew.printf("Labels:")
	sep := " "
	for _, k := range validate.MatchKinds {
		if n := rep.Kinds[k]; n > 0 {
			ew.printf("%s%d %s", sep, n, kindPhrase[k])
			sep = ", "
		}
	}
	ew.printf("\n")
	if len(rep.Unmatched) > 0 {
		rows := 0
		for _, u := range rep.Unmatched {
			rows += u.Rows
		}
		ew.printf("Unmatched labels, compared as written in lower case (%d distinct, %s):\n", len(rep.Unmatched), plural(rows, "row"))
		for i, u := range rep.Unmatched {
			if i == maxShownLabels {
				ew.printf("  ... %d more\n", len(rep.Unmatched)-i)
				break
			}
			note := ""
			if u.Kind == validate.MatchAmbiguous {
				note = " ambiguous: " + strings.Join(u.Candidates, ", ") + ";"
			}
			ew.printf("  %-32s%s %s\n", visible(clip(fmt.Sprintf("%q", u.Label), 32)), note, plural(u.Rows, "row"))
		}
	}

	ew.printf("\n%-8s %-12s %8s %8s %9s %7s %7s %8s %8s %8s %7s\n",
		"layer", "level", "domains", "exact", "precision", "recall", "F1", "truth", "ours", "matched", "absent")
	for _, lr := range rep.Layers {
		for i, s := range lr.Scores {
			layer, absent := "", ""
			if i == 0 {
				layer, absent = string(lr.Layer), fmt.Sprint(lr.Absent)
			}
			ew.printf("%-8s %-12s %8d %8s %9s %7s %7s %8d %8d %8d %7s\n", layer, s.Level, s.Domains,
				ratioPct(s.Accuracy()), ratioPct(s.Precision()), ratioPct(s.Recall()), ratioPct(s.F1()), s.Truth, s.Ours, s.Matched, absent)
		}
	}

	for _, lr := range rep.Layers {
		c := lr.Confusion
		if len(c.Labels) <= 2 {
			continue // nothing scored on the layer
		}
		ew.printf("\nConfusion on %s (rows: truth, columns: ours; the truth's %d largest providers by pairs)\n", lr.Layer, len(c.Labels)-2)
		ew.printf("%-*s", confRowWidth, "truth \\ ours")
		for _, l := range c.Labels {
			ew.printf(" %*s", confColWidth, visible(clip(l, confColWidth)))
		}
		ew.printf("\n")
		for i, l := range c.Labels {
			ew.printf("%-*s", confRowWidth, visible(clip(l, confRowWidth)))
			for _, n := range c.Counts[i] {
				cell := "."
				if n > 0 {
					cell = fmt.Sprint(n)
				}
				ew.printf(" %*s", confColWidth, cell)
			}
			ew.printf("\n")
		}
	}
	return ew.err
}

// kindPhrase says how labels of a match kind were matched.
var kindPhrase = map[validate.MatchKind]string{
	validate.MatchID: "by id", validate.MatchName: "by name", validate.MatchDomain: "by domain",
	validate.MatchASN: "by AS", validate.MatchRegDomain: "uncatalogued domains", validate.MatchSelf: "self",
	validate.MatchNone: "no provider", validate.MatchAmbiguous: "ambiguous", validate.MatchUnmatched: "unmatched",
}

// plural writes n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Widths of the confusion table, and the unmatched labels shown.
const (
	confRowWidth   = 18
	confColWidth   = 10
	maxShownLabels = 10
)

// ratioPct prints a ratio as a percentage, "-" when it is undefined (NaN).
func ratioPct(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}

// clip cuts s to n runes, marking the cut with "~".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "~"
}
