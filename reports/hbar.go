package reports

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image/color"
	"math"
)

// hbarPanel is one panel of a set of horizontal bar charts drawn on one
// scale (the blast radius panels): the panels share the width of their
// label column and their axis, so that equal values are equal lengths in
// every panel.
type hbarPanel struct {
	title string
	bars  []stackedBar
}

// hbarSet is the shared geometry of a set of panels.
type hbarSet struct {
	xLabel string // the axis title, under each panel
	unit   string // after the value at a bar's end: " %"
	xMax   float64
	legend []legendEntry
	refs   []refLine // dashed vertical lines across the plot, in the legend
	// decimals is the number of decimals of the values after the bars.
	decimals int
	labelW   float64 // the widest label of every panel
	valueW   float64 // the widest value written after a bar
}

// Geometry of a panel, in SVG user units (1 unit = 1 px at its size).
const (
	hbarW        = 460.0
	hbarTitle    = 13.0 // font sizes
	hbarText     = 12.0
	hbarTick     = 11.0
	hbarRow      = 22.0 // height of a bar's row
	hbarBarH     = 14.0
	hbarPad      = 8.0 // between a label and its bar, around the plot
	hbarSwatch   = 10.0
	hbarMaxScale = 1.2 // the panel is drawn at most this much larger
)

// hbarLabelMax is the widest a label column may be: labels wider are
// cut (fitLabel), so that the plot keeps most of the panel.
const hbarLabelMax = 0.45 * hbarW

// newHbarSet measures the labels and values of every panel.
func newHbarSet(xLabel, unit string, xMax float64, legend []legendEntry, panels []hbarPanel) *hbarSet {
	s := &hbarSet{xLabel: xLabel, unit: unit, xMax: xMax, legend: legend, decimals: 1}
	for _, p := range panels {
		for _, b := range p.bars {
			s.labelW = max(s.labelW, textWidth(fitLabel(b.label, hbarLabelMax, hbarText), hbarText))
			s.valueW = max(s.valueW, textWidth(s.value(b), hbarTick))
		}
	}
	return s
}

// fitLabel is chartLabel(s), cut further with an ellipsis until it is at
// most w wide at size.
func fitLabel(s string, w, size float64) string {
	s = chartLabel(s)
	r := []rune(s)
	for len(r) > 1 && textWidth(string(r), size) > w {
		r = append(r[:len(r)-2], '…')
	}
	return string(r)
}

// value is what is written after a bar: its total.
func (s *hbarSet) value(b stackedBar) string {
	t := 0.0
	for _, v := range b.values {
		t += v
	}
	return decimal(t, s.decimals) + s.unit
}

// plot returns the x of the axis's 0 and its length.
func (s *hbarSet) plot() (x0, length float64) {
	x0 = 2 + s.labelW + hbarPad
	// Right of the plot: the value of a bar that reaches the end of the
	// axis, or half of the last tick label.
	right := max(s.valueW+4, textWidth(tickLabel(s.xMax), hbarTick)/2) + 2
	return x0, hbarW - x0 - right
}

// ticks are the axis values: 0 to xMax in 4 or 5 round steps.
func (s *hbarSet) ticks() []float64 {
	step := niceStep(s.xMax / 5)
	var out []float64
	for v := 0.0; v <= s.xMax*(1+1e-9); v += step {
		out = append(out, v)
	}
	return out
}

// niceStep rounds a step up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= v*(1-1e-9) {
			return m * mag
		}
	}
	return 10 * mag
}

// svg draws one panel: the title; the legend in a row of its own under
// it; the labels right-aligned in their column, hbarPad clear of the
// bars; the bars with their values after them; the axis, its ticks and
// its title under the bars. Nothing is rotated and nothing is drawn over
// anything else.
func (s *hbarSet) svg(p hbarPanel) ([]byte, error) {
	if len(p.bars) == 0 {
		return nil, errors.New("bar chart without bars")
	}
	if s.xMax <= 0 {
		return nil, fmt.Errorf("bar chart %q: axis end %g", p.title, s.xMax)
	}
	x0, length := s.plot()
	if length < 60 {
		return nil, fmt.Errorf("bar chart %q: labels too wide for the panel", p.title)
	}
	xOf := func(v float64) float64 { return x0 + length*min(v, s.xMax)/s.xMax }
	var b bytes.Buffer
	line := lineHeight(hbarText)
	y := 2 + lineHeight(hbarTitle)
	title := fmt.Sprintf(`<text x="%.1f" y="%.1f" style="font-family:%s;font-size:%gpx;font-weight:600">%s</text>`, 2.0, y-4, chartFontFamily, hbarTitle, html.EscapeString(p.title))
	var legend bytes.Buffer
	if len(s.legend)+len(s.refs) > 0 {
		// Entries left to right, on as many rows as they need: a box for
		// a bar's colour, a dashed stroke for a reference line.
		lx, ly := 2.0, y+4
		entry := func(label string, swatch func(x, y float64) string, sw float64) {
			w := sw + 4 + textWidth(label, hbarTick)
			if lx > 2 && lx+w > hbarW-2 {
				lx, ly = 2, ly+line
			}
			legend.WriteString(swatch(lx, ly))
			fmt.Fprintf(&legend, `<text x="%.1f" y="%.1f" style="font-family:%s;font-size:%gpx;dominant-baseline:middle">%s</text>`, lx+sw+4, ly+line/2, chartFontFamily, hbarTick, html.EscapeString(label))
			lx += w + 14
		}
		for _, e := range s.legend {
			entry(e.label, func(x, y float64) string {
				return fmt.Sprintf(`<rect x="%.1f" y="%.1f" width="%g" height="%g" style="fill:%s"/>`, x, y+(line-hbarSwatch)/2, hbarSwatch, hbarSwatch, cssColor(e.color))
			}, hbarSwatch)
		}
		for _, r := range s.refs {
			entry(r.label, func(x, y float64) string {
				return fmt.Sprintf(`<path d="M%.1f,%.1fh%g" style="fill:none;stroke:%s;stroke-width:1.5;stroke-dasharray:4,3"/>`, x, y+line/2, 2*hbarSwatch, cssColor(r.color))
			}, 2*hbarSwatch)
		}
		y = ly + line + 4
	}
	top := y + 2
	bottom := top + hbarRow*float64(len(p.bars))
	height := bottom + 6 + lineHeight(hbarTick) + 2 + lineHeight(hbarText) + 4
	fmt.Fprintf(&b, `<svg viewBox="0 0 %g %.0f" role="img" aria-label="%s" style="max-width:%.0fpx">`, hbarW, height, html.EscapeString(p.title), hbarMaxScale*hbarW)
	b.WriteString(title)
	b.Write(legend.Bytes())
	// Grid and ticks.
	for _, t := range s.ticks() {
		x := xOf(t)
		fmt.Fprintf(&b, `<path d="M%.1f,%.1fV%.1f" style="fill:none;stroke:#dddddd;stroke-width:1"/>`, x, top, bottom)
		fmt.Fprintf(&b, `<path d="M%.1f,%.1fv4" style="fill:none;stroke:#1d232a;stroke-width:1"/>`, x, bottom)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" style="font-family:%s;font-size:%gpx;text-anchor:middle;dominant-baseline:hanging">%s</text>`, x, bottom+6, chartFontFamily, hbarTick, tickLabel(t))
	}
	fmt.Fprintf(&b, `<path d="M%.1f,%.1fH%.1f" style="fill:none;stroke:#1d232a;stroke-width:1"/>`, x0, bottom, x0+length)
	// The axis title is centred under the plot, or moved left as far as
	// it must to stay in the panel.
	tw := textWidth(s.xLabel, hbarText)
	if tw > hbarW-4 {
		return nil, fmt.Errorf("bar chart %q: axis title %q wider than the panel", p.title, s.xLabel)
	}
	tx := min(x0+length/2, hbarW-2-tw/2)
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" style="font-family:%s;font-size:%gpx;text-anchor:middle;dominant-baseline:hanging">%s</text>`,
		tx, bottom+6+lineHeight(hbarTick)+2, chartFontFamily, hbarText, html.EscapeString(s.xLabel))
	var values bytes.Buffer
	for i, bar := range p.bars {
		cy := top + hbarRow*(float64(i)+0.5)
		label := fitLabel(bar.label, s.labelW, hbarText)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" style="font-family:%s;font-size:%gpx;text-anchor:end;dominant-baseline:middle">%s</text>`, x0-hbarPad, cy, chartFontFamily, hbarText, html.EscapeString(label))
		x := x0
		total := 0.0
		for j, v := range bar.values {
			total += v
			w := xOf(total) - x
			if w <= 0 {
				continue
			}
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.1f" width="%.2f" height="%g" style="fill:%s"><title>%s: %s</title></rect>`,
				x, cy-hbarBarH/2, w, hbarBarH, cssColor(bar.colors[j%len(bar.colors)]), html.EscapeString(visible(bar.label)), html.EscapeString(s.value(stackedBar{values: []float64{v}})))
			x += w
		}
		// On a white box, so that reference lines pass behind it.
		vw := textWidth(s.value(bar), hbarTick)
		fmt.Fprintf(&values, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" style="fill:#ffffff"/>`, x+2, cy-lineHeight(hbarTick)/2, vw+4, lineHeight(hbarTick))
		fmt.Fprintf(&values, `<text x="%.1f" y="%.1f" style="font-family:%s;font-size:%gpx;fill:#5a6570;dominant-baseline:middle">%s</text>`, x+4, cy, chartFontFamily, hbarTick, html.EscapeString(s.value(bar)))
	}
	// Reference lines over the bars, values over both.
	for _, r := range s.refs {
		if r.x <= s.xMax {
			fmt.Fprintf(&b, `<path d="M%.1f,%.1fV%.1f" style="fill:none;stroke:%s;stroke-width:1.5;stroke-dasharray:4,3"><title>%s</title></path>`, xOf(r.x), top, bottom, cssColor(r.color), html.EscapeString(r.label))
		}
	}
	b.Write(values.Bytes())
	b.WriteString(`</svg>`)
	if err := checkSVG(b.Bytes()); err != nil {
		return nil, fmt.Errorf("bar chart %q: %w", p.title, err)
	}
	return b.Bytes(), nil
}

// cssColor writes any colour as #rrggbb.
func cssColor(c color.Color) string {
	if rgba, ok := c.(color.RGBA); ok {
		return css(rgba)
	}
	r, g, b, _ := c.RGBA()
	return css(color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff})
}
