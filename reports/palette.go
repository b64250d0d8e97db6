package reports

import (
	"fmt"
	"image/color"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// accent is the colour of charts that show no provider.
var accent = color.RGBA{R: 0x2b, G: 0x5c, B: 0x8a, A: 0xff}

// palette holds the colours given to the largest providers of a report,
// in order: twelve colours that stay apart from each other and from the
// greys of "other" and "self" (mostly from Paul Tol's "bright" and
// "muted" schemes, which are chosen for colour-blind readers).
var palette = []color.RGBA{
	{0x44, 0x77, 0xaa, 0xff}, {0xee, 0x66, 0x77, 0xff}, {0x22, 0x88, 0x33, 0xff}, {0xcc, 0xbb, 0x44, 0xff},
	{0x66, 0xcc, 0xee, 0xff}, {0xaa, 0x33, 0x77, 0xff}, {0xee, 0x77, 0x33, 0xff}, {0x00, 0x99, 0x88, 0xff},
	{0x33, 0x22, 0x88, 0xff}, {0x99, 0x99, 0x33, 0xff}, {0x88, 0x22, 0x55, 0xff}, {0x99, 0x55, 0x22, 0xff},
}

var (
	otherColor = color.RGBA{0x9a, 0xa3, 0xab, 0xff} // providers beyond the palette
	selfColor  = color.RGBA{0xc8, 0xcd, 0xd2, 0xff} // self-hosting
)

// colors gives each provider of a report the same colour in every chart:
// the palette goes to the providers used by the most domains on any
// layer, in that order; the others share one grey.
type colors map[string]color.RGBA

func newColors(sum *metrics.Summary) colors {
	c := colors{}
	for _, r := range sum.Any.Rows {
		if r.Provider == classify.SelfProvider {
			continue
		}
		if len(c) == len(palette) {
			break
		}
		c[r.Provider] = palette[len(c)]
	}
	return c
}

// of returns the colour of provider p (a company id).
func (c colors) of(p string) color.RGBA {
	if p == classify.SelfProvider {
		return selfColor
	}
	if col, ok := c[p]; ok {
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
