package reports

import (
	"bytes"
	"encoding/csv"
	"io"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gocarina/gocsv"
)

// fillRow sets every exported field of the struct v to a value drawn by
// rng: strings from a list with formula starts, quotes, newlines and
// invalid UTF-8; integers and floats of every size, signs included.
func fillRow(rng *rand.Rand, v reflect.Value) {
	strs := []string{"", "amazon", "=cmd|' /c calc'!A1", "a,b", "say \"hi\"", "line\nbreak", "\xff\xfe", "-1", "ünïcode", " lead"}
	floats := []float64{0, 1, 0.1, 1.0 / 3, 1e-9, 2.5e-300, 123456789.125, 1e21, math.MaxFloat64, -0.75, math.SmallestNonzeroFloat64}
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(strs[rng.IntN(len(strs))])
		case reflect.Bool:
			f.SetBool(rng.IntN(2) == 1)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n := rng.Int64()
			if f.OverflowInt(n) {
				n = int64(rng.Int32())
			}
			if rng.IntN(3) == 0 {
				n = -n
			}
			f.SetInt(n)
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			f.SetUint(uint64(rng.Uint32()))
		case reflect.Float32, reflect.Float64:
			f.SetFloat(floats[rng.IntN(len(floats))])
		}
	}
}

// csvReference is the gocsv.CSVWriter the files were written with
// before rowWriter: encoding/csv with CRLF line ends, every cell through
// Neutralize. The tests compare rowWriter's bytes with it.
type csvReference struct{ w *csv.Writer }

func newCSVReference(w io.Writer) *csvReference {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &csvReference{w: cw}
}

func (c *csvReference) Write(row []string) error {
	cells := make([]string, len(row))
	for i, cell := range row {
		cells[i] = Neutralize(cell)
	}
	return c.w.Write(cells)
}

func (c *csvReference) Flush()       { c.w.Flush() }
func (c *csvReference) Error() error { return c.w.Error() }

// sameAsGocsv writes rows of T with writeCSV and with gocsv's marshaller
// into encoding/csv (csvReference), and fails when the bytes differ.
func sameAsGocsv[T any](t *testing.T, rng *rand.Rand) {
	t.Helper()
	rows := make([]T, 50)
	for i := range rows {
		if i > 0 { // the first row stays the zero value
			fillRow(rng, reflect.ValueOf(&rows[i]).Elem())
		}
	}
	var want, got bytes.Buffer
	cw := newCSVReference(&want)
	if err := gocsv.MarshalCSV(rows, cw); err != nil {
		t.Fatal(err)
	}
	if err := writeCSV(&got, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Errorf("%T: writeCSV wrote\n%q\ngocsv\n%q", rows[0], got.String(), want.String())
	}
	var header bytes.Buffer
	if err := writeCSV(&header, slices.Values([]T(nil))); err != nil {
		t.Fatal(err)
	}
	if first, _, _ := bytes.Cut(want.Bytes(), []byte("\r\n")); header.String() != string(first)+"\r\n" {
		t.Errorf("%T: header alone %q, want %q", rows[0], header.String(), first)
	}
}

// TestCellsAsGocsv checks that every row type written as CSV gets the
// header and cells gocsv's marshaller gives, the hand-made cells of
// domains.csv and dependencies.csv included.
func TestCellsAsGocsv(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 4))
	sameAsGocsv[DomainRow](t, rng)
	sameAsGocsv[DependencyRow](t, rng)
	sameAsGocsv[ProviderRow](t, rng)
	sameAsGocsv[MetricsRow](t, rng)
	sameAsGocsv[SiteCountryRow](t, rng)
	sameAsGocsv[DiffRow](t, rng)
	sameAsGocsv[ValidateRow](t, rng)
	sameAsGocsv[RegionRow](t, rng)
	sameAsGocsv[ASNRow](t, rng)
	sameAsGocsv[CountryRow](t, rng)
	sameAsGocsv[BlastRow](t, rng)
	sameAsGocsv[WhatIfRow](t, rng)
	sameAsGocsv[SPOFRow](t, rng)
	sameAsGocsv[PairRow](t, rng)
	sameAsGocsv[EdgeRow](t, rng)
}

// TestCodecRejects checks that a row type with a column that has no cell
// text is an error, not a silent empty cell.
func TestCodecRejects(t *testing.T) {
	type bad struct {
		Name  string   `csv:"name"`
		Parts []string `csv:"parts"`
	}
	var buf bytes.Buffer
	if err := writeCSV(&buf, slices.Values([]bad{{Name: "x"}})); err == nil {
		t.Error("a []string column was written")
	}
}

// cellTexts are cells that exercise every rule of rowWriter: formula
// starts, quotes, CR and LF alone and together, commas, leading spaces of
// every kind, `\.`, invalid UTF-8 and non-ASCII text.
var cellTexts = []string{
	"", "a", "amazon", "=1+2", "+1", "-1", "@x", "\tx", "\rx", "\nx", " x", "\vx", "\fx", "\u0085x", "\u00a0x", "\u2003x",
	"a,b", "say \"hi\"", "line\nbreak", "cr\ronly", "crlf\r\nend", "\\.", "\\.\\.", ".\\", "\xff\xfe", "ü", "x\xc3", "'quoted",
	"tab\tinside", "end ", "\x00nul",
}

// TestRowWriterAsCSV checks rowWriter against encoding/csv and
// Neutralize, cell by cell and on rows of random cells, numbers
// included; and that an error of the underlying writer is returned.
func TestRowWriterAsCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	floats := []float64{0, math.Copysign(0, -1), 1, 0.1, 1.0 / 3, 1e-9, 1e21, -0.75, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64}
	ints := []int{0, 1, 42, -1, math.MaxInt64, math.MinInt64}
	for round := range 200 {
		var want, got bytes.Buffer
		ref := newCSVReference(&want)
		e := newRowWriter(&got)
		for range 1 + rng.IntN(5) {
			var cells []string
			for range 1 + rng.IntN(6) {
				switch rng.IntN(6) {
				case 0:
					f := floats[rng.IntN(len(floats))]
					cells = append(cells, strconv.FormatFloat(f, 'f', -1, 64))
					e.float(f)
				case 1:
					n := ints[rng.IntN(len(ints))]
					cells = append(cells, strconv.Itoa(n))
					e.int(n)
				case 2:
					b := rng.IntN(2) == 0
					cells = append(cells, strconv.FormatBool(b))
					e.bool(b)
				case 3:
					parts := make([]string, 1+rng.IntN(3))
					for i := range parts {
						parts[i] = cellTexts[rng.IntN(len(cellTexts))]
					}
					cells = append(cells, strings.Join(parts, ";"))
					e.join(parts, ';')
				default:
					s := cellTexts[rng.IntN(len(cellTexts))] + cellTexts[rng.IntN(len(cellTexts))]
					cells = append(cells, s)
					e.str(s)
				}
			}
			if err := ref.Write(cells); err != nil {
				t.Fatal(err)
			}
			e.end()
		}
		ref.Flush()
		if err := e.flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("round %d: rowWriter wrote\n%q\nencoding/csv\n%q", round, got.String(), want.String())
		}
	}
	e := newRowWriter(failingWriter{})
	for range 2 * rowWriterBuffer / 8 {
		e.str("1234567")
		e.end()
	}
	if err := e.flush(); err == nil {
		t.Error("the underlying writer's error was not returned")
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }

// FuzzRowWriter checks one cell of any text against encoding/csv.
func FuzzRowWriter(f *testing.F) {
	for _, s := range cellTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want, got bytes.Buffer
		ref := newCSVReference(&want)
		if err := ref.Write([]string{s, s}); err != nil {
			t.Fatal(err)
		}
		ref.Flush()
		e := newRowWriter(&got)
		e.str(s)
		e.bytes([]byte(s))
		e.end()
		if err := e.flush(); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%q: rowWriter wrote %q, encoding/csv %q", s, got.String(), want.String())
		}
	})
}
