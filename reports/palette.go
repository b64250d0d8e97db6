package reports

import (
	"fmt"
	"image/color"
	"slices"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// accent is the colour of charts that show no provider.
var accent = color.RGBA{R: 0x2b, G: 0x5c, B: 0x8a, A: 0xff}

// palette holds the colours given to the providers a report draws, in
// order of use: Paul Tol's "bright" scheme, then his "muted" and "light"
// ones and the Okabe-Ito colours that are not already close to one of
// those (all four chosen to stay apart for colour-blind readers), without
// their greys, which belong to "other" and "self". Twenty-eight colours:
// more than any one chart has bars, so that no two bars of a chart share
// a colour (newColors).
var palette = []color.RGBA{
	// Tol bright
	{0x44, 0x77, 0xaa, 0xff}, {0xee, 0x66, 0x77, 0xff}, {0x22, 0x88, 0x33, 0xff}, {0xcc, 0xbb, 0x44, 0xff},
	{0x66, 0xcc, 0xee, 0xff}, {0xaa, 0x33, 0x77, 0xff},
	// Tol vibrant orange and teal, Tol muted
	{0xee, 0x77, 0x33, 0xff}, {0x00, 0x99, 0x88, 0xff}, {0x33, 0x22, 0x88, 0xff}, {0x99, 0x99, 0x33, 0xff},
	{0x88, 0x22, 0x55, 0xff}, {0x99, 0x55, 0x22, 0xff}, {0x11, 0x77, 0x33, 0xff}, {0xdd, 0xcc, 0x77, 0xff},
	{0xaa, 0x44, 0x99, 0xff}, {0x88, 0xcc, 0xee, 0xff},
	// Tol light
	{0x77, 0xaa, 0xdd, 0xff}, {0xee, 0x88, 0x66, 0xff}, {0xff, 0xaa, 0xbb, 0xff}, {0x44, 0xbb, 0x99, 0xff},
	{0xbb, 0xcc, 0x33, 0xff}, {0xaa, 0xaa, 0x00, 0xff},
	// Okabe-Ito
	{0xe6, 0x9f, 0x00, 0xff}, {0x56, 0xb4, 0xe9, 0xff}, {0x00, 0x9e, 0x73, 0xff}, {0x00, 0x72, 0xb2, 0xff},
	{0xd5, 0x5e, 0x00, 0xff}, {0xcc, 0x79, 0xa7, 0xff},
}

var (
	otherColor = color.RGBA{0x9a, 0xa3, 0xab, 0xff} // "other providers"
	selfColor  = color.RGBA{0xc8, 0xcd, 0xd2, 0xff} // self-hosting
)

// colors gives each provider of a report the same colour in every chart.
// Every provider drawn gets a colour of its own while the palette lasts;
// beyond, a provider takes the first colour that no provider drawn in
// one of its charts has, so that the bars of one chart always differ.
// Grey is for "other" and self-hosting only.
type colors struct {
	byProvider map[string]color.RGBA
	groups     map[string][]string // provider -> the providers it shares a chart with
}

// newColors colours the providers of the share charts of sum (the
// chartBars largest third-party providers of each layer), in the order
// of the providers used by the most domains on any layer.
func newColors(sum *metrics.Summary) colors {
	c := colors{byProvider: map[string]color.RGBA{}, groups: map[string][]string{}}
	var order []string
	for _, ls := range sum.Layers {
		var group []string
		for _, r := range ls.Rows {
			if len(group) == chartBars {
				break
			}
			if r.Provider != classify.SelfProvider {
				group = append(group, r.Provider)
			}
		}
		c.group(group)
	}
	for _, r := range sum.Any.Rows {
		if _, ok := c.groups[r.Provider]; ok {
			order = append(order, r.Provider)
		}
	}
	c.assign(order)
	return c
}

// group records that the providers of g are drawn in one chart.
func (c colors) group(g []string) {
	for _, p := range g {
		for _, q := range g {
			if p != q && !slices.Contains(c.groups[p], q) {
				c.groups[p] = append(c.groups[p], q)
			}
		}
		if _, ok := c.groups[p]; !ok {
			c.groups[p] = nil
		}
	}
}

// assign gives a colour to each provider of order that has none: the
// first palette colour no provider has yet, or else the first that none
// of the providers drawn beside it has.
func (c colors) assign(order []string) {
	used := map[color.RGBA]bool{}
	for _, col := range c.byProvider {
		used[col] = true
	}
	for _, p := range order {
		if _, ok := c.byProvider[p]; ok || p == classify.SelfProvider {
			continue
		}
		near := map[color.RGBA]bool{}
		for _, q := range c.groups[p] {
			if col, ok := c.byProvider[q]; ok {
				near[col] = true
			}
		}
		pick, found := otherColor, false
		for _, col := range palette {
			if !used[col] {
				pick, found = col, true
				break
			}
		}
		if !found {
			for _, col := range palette {
				if !near[col] {
					pick = col
					break
				}
			}
		}
		c.byProvider[p] = pick
		used[pick] = true
	}
}

// chart records a further chart with providers g (in its order) and
// colours those that have no colour yet.
func (c colors) chart(g []string) {
	c.group(g)
	c.assign(g)
}

// of returns the colour of provider p (a company id).
func (c colors) of(p string) color.RGBA {
	if p == classify.SelfProvider {
		return selfColor
	}
	if col, ok := c.byProvider[p]; ok {
		return col
	}
	return otherColor
}

// tint mixes c with white: f = 0 is c, f = 1 is white.
func tint(c color.RGBA, f float64) color.RGBA {
	mix := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f + 0.5) }
	return color.RGBA{mix(c.R), mix(c.G), mix(c.B), 0xff}
}

// css writes a colour as #rrggbb.
func css(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
