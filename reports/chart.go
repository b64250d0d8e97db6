package reports

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image/color"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	xhtml "golang.org/x/net/html"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// chartBars is the number of providers a chart shows.
const chartBars = 10

// chartLabelRunes is the longest provider label drawn in a chart; longer
// names are cut with an ellipsis (the tables have them in full).
const chartLabelRunes = 28

// bar is one bar of a chart.
type bar struct {
	label string
	value float64 // percent
	color color.Color
}

func (b bar) fill() color.Color {
	if b.color == nil {
		return accent
	}
	return b.color
}

// barChart draws a horizontal bar chart of percentages, largest bar on
// top, each bar in its colour and its value after it (hbarSet), and
// returns it as an SVG element ready to be put inline in an HTML page.
func barChart(title, xLabel string, bars []bar) ([]byte, error) {
	if len(bars) == 0 {
		return nil, errors.New("bar chart without bars")
	}
	panel := hbarPanel{title: title}
	top := 0.0
	for _, b := range bars {
		panel.bars = append(panel.bars, stackedBar{label: b.label, values: []float64{b.value}, colors: []color.Color{b.fill()}})
		top = max(top, b.value)
	}
	return newHbarSet(xLabel, " %", niceMax(top*1.08), nil, []hbarPanel{panel}).svg(panel)
}

// stackedBar is one bar made of segments drawn left to right.
type stackedBar struct {
	label  string
	values []float64
	colors []color.Color
}

// legendEntry is a coloured box and its label in a chart's legend.
type legendEntry struct {
	label string
	color color.Color
}

// refLine is a vertical reference line across a horizontal bar chart.
type refLine struct {
	x     float64
	label string
	color color.Color
}

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(chartFont, 13)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(chartFont, 11)
		a.Tick.Label.Font = font.From(chartFont, 10)
	}
	p.Legend.TextStyle.Font = font.From(chartFont, 10)
	return p
}

var chartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// chartFontFamily is the CSS font family of the charts' text: the
// generic sans-serif, so that no font is named, embedded or fetched (the
// layout leaves room for one wider than Liberation Sans: fontSlack).
const chartFontFamily = "sans-serif"

// numberTicks are gonum's default ticks labelled as the report writes
// numbers: thousands separators, no trailing zeros.
type numberTicks struct{}

func (numberTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = tickLabel(ts[i].Value)
		}
	}
	return ts
}

// tickLabel formats an axis value: 2500 -> "2,500", 12.5 -> "12.5".
func tickLabel(v float64) string {
	for d := 0; d < 4; d++ {
		if s := decimal(v, d); math.Abs(v-mustFloat(strings.ReplaceAll(s, ",", ""))) < 1e-9*max(1, math.Abs(v)) {
			return s
		}
	}
	return decimal(v, 4)
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// niceMax rounds a chart's upper bound up to 1, 2, 2.5 or 5 times a power
// of ten, with 10 as the least.
func niceMax(v float64) float64 {
	if v <= 10 {
		return 10
	}
	mag := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= v {
			return m * mag
		}
	}
	return 10 * mag
}

// lorenzChart draws the Lorenz curve of a layer (x, y in 0..1) with the
// line of equality.
func lorenzChart(title string, x, y []float64, c color.Color) ([]byte, error) {
	if len(x) < 2 || len(x) != len(y) {
		return nil, errors.New("lorenz chart without a curve")
	}
	p := newPlot(title, "providers, smallest first (cumulative %)", "domains (cumulative %)")
	grid := plotter.NewGrid()
	grid.Horizontal.Color = color.Gray{Y: 0xdd}
	grid.Vertical.Color = color.Gray{Y: 0xdd}
	eq, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 100, Y: 100}})
	if err != nil {
		return nil, err
	}
	eq.Color = color.Gray{Y: 0x88}
	eq.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	pts := make(plotter.XYs, len(x))
	for i := range x {
		pts[i] = plotter.XY{X: 100 * x[i], Y: 100 * y[i]}
	}
	curve, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	curve.Color = c
	curve.Width = vg.Points(2)
	// No legend: the caption says which line is which, and a legend
	// inside the square would sit on the curve where it reaches 100.
	p.Add(grid, eq, curve)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 100, 0, 100
	p.X.Tick.Marker, p.Y.Tick.Marker = numberTicks{}, numberTicks{}
	return render(p, 4, 3.6, title)
}

// render draws p on a canvas of w by h inches and inlines it.
func render(p *plot.Plot, w, h float64, title string) ([]byte, error) {
	c := vgsvg.NewWith(vgsvg.UseWH(vg.Length(w)*vg.Inch, vg.Length(h)*vg.Inch))
	// A margin of 6 pt keeps the title and the last tick label off the edge.
	p.Draw(draw.Crop(draw.New(c), 6, -6, 4, -6))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("chart %q: %w", title, err)
	}
	return inlineSVG(buf.Bytes(), title)
}

// fontSlack is how much wider than Liberation Sans the browser's
// sans-serif may draw a label.
const fontSlack = 0.2

// chartLabel shortens a label for a chart axis.
func chartLabel(s string) string {
	s = visible(s)
	if r := []rune(s); len(r) > chartLabelRunes {
		return string(r[:chartLabelRunes-1]) + "…"
	}
	return s
}

var (
	viewBoxRe = regexp.MustCompile(`viewBox="([0-9. ]+)"`)
	// fontRe matches the font family vgsvg writes at the start of the
	// style attribute of a text element. Text content cannot match: vgsvg
	// escapes the quote in it.
	fontRe = regexp.MustCompile(`style="font-family:[^;"]*`)
)

// inlineSVG turns a vgsvg document into an element for an HTML page:
//
//   - the XML prolog and comment are dropped, and the root element is
//     rewritten with vgsvg's viewBox only, so the chart scales with the
//     page and carries no namespace URL (the HTML parser puts <svg> in
//     the SVG namespace by itself);
//   - the font family, Liberation Sans (whose metrics laid the chart
//     out), becomes the generic sans-serif: no font is named or embedded;
//   - the result is checked against a whitelist of elements and
//     attributes (checkSVG), so that nothing but drawing can be inlined.
func inlineSVG(doc []byte, title string) ([]byte, error) {
	start := bytes.Index(doc, []byte("<svg"))
	if start < 0 {
		return nil, errors.New("inline svg: no <svg> element")
	}
	doc = doc[start:]
	end := bytes.IndexByte(doc, '>')
	if end < 0 {
		return nil, errors.New("inline svg: unterminated <svg> tag")
	}
	vb := viewBoxRe.FindSubmatch(doc[:end])
	if vb == nil {
		return nil, errors.New("inline svg: no viewBox")
	}
	var out bytes.Buffer
	// The chart is drawn at most at its own size (1 unit = 1 pt), so
	// that its text is never larger than the page's.
	var w float64
	if f := strings.Fields(string(vb[1])); len(f) == 4 {
		w, _ = strconv.ParseFloat(f[2], 64)
	}
	fmt.Fprintf(&out, `<svg viewBox="%s" role="img" aria-label="%s" style="max-width:%.0fpt">`, vb[1], html.EscapeString(title), w)
	out.Write(fontRe.ReplaceAll(doc[end+1:], []byte(`style="font-family:`+chartFontFamily)))
	if err := checkSVG(out.Bytes()); err != nil {
		return nil, fmt.Errorf("inline svg: %w", err)
	}
	return out.Bytes(), nil
}

// svgElements and svgAttrs are what a chart may contain: vgsvg's drawing
// vocabulary, without <image>, <use>, <a>, <style>, <script> or
// <foreignObject>, and without any attribute that can point elsewhere
// (href, src) or run code (on*).
var (
	svgElements = map[string]bool{"svg": true, "g": true, "path": true, "text": true, "rect": true, "title": true}
	svgAttrs    = map[string]bool{
		"viewbox": true, "role": true, "aria-label": true,
		"transform": true, "style": true, "d": true, "x": true, "y": true,
		"width": true, "height": true,
		// The flow chart's names of nodes and link ends, for tests.
		"data-node": true, "data-from": true, "data-to": true, "data-label": true,
	}
)

// errUnsafeSVG is wrapped by the errors of checkSVG.
var errUnsafeSVG = errors.New("unsafe svg")

// checkSVG accepts an SVG fragment made of whitelisted elements and
// attributes only, with no url(), @import or escape in its styles. It is
// why a chart may be inlined in the report without escaping.
func checkSVG(b []byte) error {
	z := xhtml.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			if err := z.Err(); err != io.EOF {
				return fmt.Errorf("%w: %v", errUnsafeSVG, err)
			}
			return nil
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken, xhtml.EndTagToken:
			tok := z.Token()
			if !svgElements[tok.Data] {
				return fmt.Errorf("%w: element <%s>", errUnsafeSVG, tok.Data)
			}
			for _, a := range tok.Attr {
				if a.Namespace != "" || !svgAttrs[a.Key] {
					return fmt.Errorf("%w: attribute %s on <%s>", errUnsafeSVG, a.Key, tok.Data)
				}
				v := strings.ToLower(a.Val)
				if strings.Contains(v, "url(") || strings.Contains(v, "@import") || strings.Contains(v, `\`) || strings.Contains(v, "//") {
					return fmt.Errorf("%w: attribute %s=%q", errUnsafeSVG, a.Key, a.Val)
				}
			}
		case xhtml.CommentToken, xhtml.DoctypeToken:
			return fmt.Errorf("%w: comment or doctype", errUnsafeSVG)
		}
	}
}
