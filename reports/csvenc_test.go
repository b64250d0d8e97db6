package reports

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
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

// sameAsGocsv writes rows of T with writeCSV and with gocsv's marshaller
// into the same cell writer, and fails when the bytes differ.
func sameAsGocsv[T any](t *testing.T, rng *rand.Rand) {
	t.Helper()
	rows := make([]T, 50)
	for i := range rows {
		if i > 0 { // the first row stays the zero value
			fillRow(rng, reflect.ValueOf(&rows[i]).Elem())
		}
	}
	var want, got bytes.Buffer
	cw := newCellWriter(&want)
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
