// Package csvcmp compares two CSV files as the engines' equality tests
// need: the same header and rows, counts and words exactly, fractional
// numbers within a relative tolerance (two engines sum floating-point
// numbers in different orders).
package csvcmp

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
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
