package reports

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image/color"
	"io"
	"regexp"
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
}

// barChart draws a horizontal bar chart, largest bar on top, and returns
// it as an SVG element ready to be put inline in an HTML page; see
// inlineSVG for what is done to vgsvg's output.
func barChart(title, xLabel, yLabel string, bars []bar) ([]byte, error) {
	if len(bars) == 0 {
		return nil, errors.New("bar chart without bars")
	}
	p := plot.New()
	sans := font.Font{Typeface: "Liberation", Variant: "Sans"}
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, 13)
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, 11)
		a.Tick.Label.Font = font.From(sans, 10)
	}

	// Bars are drawn bottom-up, so the largest goes last.
	n := len(bars)
	values := make(plotter.Values, n)
	labels := make([]string, n)
	maxV := 0.0
	for i, b := range bars {
		values[n-1-i] = b.value
		labels[n-1-i] = chartLabel(b.label)
		maxV = max(maxV, b.value)
	}
	bc, err := plotter.NewBarChart(values, vg.Points(14))
	if err != nil {
		return nil, fmt.Errorf("bar chart %q: %w", title, err)
	}
	bc.Horizontal = true
	bc.Color = color.RGBA{R: 0x2b, G: 0x5c, B: 0x8a, A: 0xff}
	bc.LineStyle.Width = 0
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color = color.Gray{Y: 0xdd}
	p.Add(grid, bc)
	p.NominalY(labels...)
	p.X.Min = 0
	p.X.Max = max(10, min(100, maxV*1.1))

	c := vgsvg.NewWith(vgsvg.UseWH(6.5*vg.Inch, vg.Length(n)*0.3*vg.Inch+1.3*vg.Inch))
	// A margin of 6 pt keeps the title and the last tick label off the edge.
	p.Draw(draw.Crop(draw.New(c), 6, -6, 4, -6))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("bar chart %q: %w", title, err)
	}
	return inlineSVG(buf.Bytes(), title)
}

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
	fmt.Fprintf(&out, `<svg viewBox="%s" role="img" aria-label="%s">`, vb[1], html.EscapeString(title))
	out.Write(fontRe.ReplaceAll(doc[end+1:], []byte(`style="font-family:sans-serif`)))
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
	svgElements = map[string]bool{"svg": true, "g": true, "path": true, "text": true}
	svgAttrs    = map[string]bool{
		"viewbox": true, "role": true, "aria-label": true,
		"transform": true, "style": true, "d": true, "x": true, "y": true,
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
