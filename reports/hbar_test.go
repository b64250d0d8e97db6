package reports

import (
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var rectWidthRe = regexp.MustCompile(`<rect x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)" height="14"`)

// TestHbarSetOneScale draws two panels with labels of very different
// lengths: a bar of 25 % is the same length in both, a quarter of the
// axis, and starts where the labels end plus the gap.
func TestHbarSetOneScale(t *testing.T) {
	t.Parallel()
	blue := []color.Color{color.RGBA{0x44, 0x77, 0xaa, 0xff}}
	panels := []hbarPanel{
		{title: "short", bars: []stackedBar{{label: "a", values: []float64{25}, colors: blue}}},
		{title: "long", bars: []stackedBar{{label: "AS396982 GOOGLE-CLOUD-PLATFORM", values: []float64{25}, colors: blue}}},
	}
	set := newHbarSet("% of the list", " %", 100, nil, panels)
	x0, length := set.plot()
	if want := 2 + textWidth(fitLabel(panels[1].bars[0].label, hbarLabelMax, hbarText), hbarText) + hbarPad; math.Abs(x0-want) > 1e-9 {
		t.Errorf("plot starts at %g; want the widest label's width plus the gap, %g", x0, want)
	}
	for _, p := range panels {
		svg, err := set.svg(p)
		if err != nil {
			t.Fatal(err)
		}
		m := rectWidthRe.FindStringSubmatch(string(svg))
		if m == nil {
			t.Fatalf("%s: no bar in %s", p.title, svg)
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		w, _ := strconv.ParseFloat(m[2], 64)
		if math.Abs(x-x0) > 0.01 || math.Abs(w-length/4) > 0.01 {
			t.Errorf("%s: bar at x %g, %g long; want at %g, %g long (25 of 100)", p.title, x, w, x0, length/4)
		}
		if !strings.Contains(string(svg), ">25.0 %</text>") {
			t.Errorf("%s: the bar's value is not written after it", p.title)
		}
	}
	// The value of a bar at the end of the axis stays in the panel.
	if x0+length+4+set.valueW > hbarW {
		t.Errorf("a full bar's value ends at %g, past the panel's %g", x0+length+4+set.valueW, hbarW)
	}
	if got := set.ticks(); got[0] != 0 || got[len(got)-1] != 100 || len(got) < 4 || len(got) > 6 {
		t.Errorf("ticks %v; want 0 to 100 in 4 or 5 steps", got)
	}
}

// TestHbarCutsWideLabels: labels wider than hbarLabelMax are cut with
// an ellipsis, so that the plot keeps the rest of the panel; a label
// column left too narrow a plot is refused.
func TestHbarCutsWideLabels(t *testing.T) {
	t.Parallel()
	wide := strings.Repeat("W", 200)
	p := hbarPanel{title: "t", bars: []stackedBar{{label: wide, values: []float64{1}, colors: []color.Color{accent}}}}
	set := newHbarSet("x", " %", 10, nil, []hbarPanel{p})
	if set.labelW > hbarLabelMax {
		t.Errorf("label column %g wide; want at most %g", set.labelW, hbarLabelMax)
	}
	svg, err := set.svg(p)
	if err != nil {
		t.Fatal(err)
	}
	cut := fitLabel(wide, set.labelW, hbarText)
	if !strings.HasSuffix(cut, "…") || !strings.Contains(string(svg), ">"+cut+"</text>") {
		t.Errorf("the label is not drawn cut with an ellipsis (%q)", cut)
	}
	set.labelW = hbarW
	if _, err := set.svg(p); err == nil {
		t.Error("a label column as wide as the panel was accepted")
	}
}

func TestNiceStep(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want float64 }{{20, 20}, {21, 25}, {9, 10}, {3, 5}, {0.7, 1}, {12.5, 20}} {
		if got := niceStep(c.in); got != c.want {
			t.Errorf("niceStep(%g) = %g; want %g", c.in, got, c.want)
		}
	}
}
