// Package csvcmp compares two CSV files as the engines' equality tests
// need: the same header and rows, counts and words exactly, fractional
// numbers within a relative tolerance (two engines sum floating-point
// numbers in different orders); and two lines of a report as printed,
// numbers to a unit of their last digit.
package csvcmp

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Equal returns nil when want and got hold the same rows: every cell
// equal, except cells that are both numbers with a fraction or an
// exponent, which may differ by tol relative to the larger (absolute
// below 1). The error names the first row and column that differ.
func Equal(want, got []byte, tol float64) error {
	w, err := csv.NewReader(bytes.NewReader(want)).ReadAll()
	if err != nil {
		return fmt.Errorf("want: %w", err)
	}
	g, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		return fmt.Errorf("got: %w", err)
	}
	if len(w) != len(g) {
		return fmt.Errorf("%d rows, want %d", len(g), len(w))
	}
	for i := range w {
		if len(w[i]) != len(g[i]) {
			return fmt.Errorf("line %d: %d columns, want %d", i+1, len(g[i]), len(w[i]))
		}
		for j := range w[i] {
			if !cellEqual(w[i][j], g[i][j], tol) {
				col := strconv.Itoa(j + 1)
				if len(w) > 0 && j < len(w[0]) {
					col = w[0][j]
				}
				return fmt.Errorf("line %d, column %s: %q, want %q", i+1, col, g[i][j], w[i][j])
			}
		}
	}
	return nil
}

func cellEqual(a, b string, tol float64) bool {
	if a == b {
		return true
	}
	if !strings.ContainsAny(a+b, ".eE") {
		return false
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	return math.Abs(x-y) <= tol*max(1, math.Abs(x), math.Abs(y))
}

// printedNumber matches a number as report.html prints it: digits with
// thousands separators and an optional fraction.
var printedNumber = regexp.MustCompile(`\d[\d,]*(\.\d+)?`)

// SameButRounding reports whether two lines of a report (report.html)
// are the same but for printed numbers that differ by one unit of their last printed
// digit. The two engines' figures are equal to 1e-9 (the CSV files are
// compared to that), but a figure whose exact value lies on a half of
// its last printed digit (an HHI of 2,812.5 printed whole: 120 sites
// whose provider counts square to 4,050) is rounded either way by a last
// bit of a sum DuckDB adds in no fixed order; seen once in a CI run.
func SameButRounding(a, b string) bool {
	if printedNumber.ReplaceAllString(a, "#") != printedNumber.ReplaceAllString(b, "#") {
		return false
	}
	na, nb := printedNumber.FindAllString(a, -1), printedNumber.FindAllString(b, -1)
	for i := range na {
		if na[i] == nb[i] {
			continue
		}
		x, errx := strconv.ParseFloat(strings.ReplaceAll(na[i], ",", ""), 64)
		y, erry := strconv.ParseFloat(strings.ReplaceAll(nb[i], ",", ""), 64)
		if errx != nil || erry != nil || decimals(na[i]) != decimals(nb[i]) ||
			math.Abs(x-y) > math.Pow(10, -float64(decimals(na[i])))*1.000001 {
			return false
		}
	}
	return true
}

// decimals returns the number of digits after the point of a printed
// number.
func decimals(n string) int {
	if dot := strings.IndexByte(n, '.'); dot >= 0 {
		return len(n) - dot - 1
	}
	return 0
}

// ReportDiff compares two reports (report.html) line by line, lines
// that are SameButRounding counting as equal, and returns the number of
// the first line that differs (from 1) with both sides ("" past the end
// of one), or 0 when none does.
func ReportDiff(want, got string) (line int, w, g string) {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		w, g = "", ""
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g && (i >= len(wl) || i >= len(gl) || !SameButRounding(w, g)) {
			return i + 1, w, g
		}
	}
	return 0, "", ""
}
