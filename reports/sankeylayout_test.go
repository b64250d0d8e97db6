package reports

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// newTestLayout is a flow layout with the flow chart's geometry.
func newTestLayout(cols [][]string, links []flowLink) *flowLayout {
	l := &flowLayout{width: sankeyW, height: sankeyMinH, top: sankeyTop, bottom: sankeyBottom, bar: sankeyBar,
		gap: sankeyGap, fontSize: sankeyFont, minGap: sankeyMinGap, heads: sankeyHeads[:len(cols)]}
	for _, names := range cols {
		var nodes []flowNode
		for _, n := range names {
			nodes = append(nodes, flowNode{id: n, label: n + " 1,234", pinned: n == otherNode})
		}
		l.cols = append(l.cols, nodes)
	}
	l.links = slices.Clone(links)
	return l
}

// ids are the ids of a column's nodes, top to bottom.
func ids(nodes []flowNode) string {
	s := ""
	for i, n := range nodes {
		if i > 0 {
			s += " "
		}
		s += n.id
	}
	return s
}

// TestFlowLayoutOrder checks the ordering against crossings counted by
// hand.
func TestFlowLayoutOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		cols      [][]string
		links     []flowLink
		given     float64 // weighted crossings of the given order
		want      string  // last column after layout
		crossings float64
	}{
		{
			// A→Y and B→X cross (10 × 10); swapping X and Y uncrosses them.
			name:  "swap",
			cols:  [][]string{{"A", "B"}, {"X", "Y"}},
			links: []flowLink{{col: 0, from: 0, to: 1, value: 10}, {col: 0, from: 1, to: 0, value: 10}},
			given: 100, want: "Y X", crossings: 0,
		},
		{
			// "other" would go on top by its barycentre, but stays last:
			// A→other (5) crosses B→X (4): 20, the least with other last.
			name:  "pinned aggregate stays last",
			cols:  [][]string{{"A", "B"}, {otherNode, "X"}},
			links: []flowLink{{col: 0, from: 0, to: 0, value: 5}, {col: 0, from: 1, to: 1, value: 4}},
			given: 0, want: "X " + otherNode, crossings: 20,
		},
		{
			// Three columns: P1 depends on U2, P2 on U1. Layers L1→P1 (3),
			// L2→P2 (2); in the given order U1 U2 the second links cross
			// (1 × 1); ordering U2 first leaves none.
			name: "upstream column follows its sources",
			cols: [][]string{{"L1", "L2"}, {"P1", "P2"}, {"U1", "U2"}},
			links: []flowLink{
				{col: 0, from: 0, to: 0, value: 3}, {col: 0, from: 1, to: 1, value: 2},
				{col: 1, from: 0, to: 1, value: 1}, {col: 1, from: 1, to: 0, value: 1},
			},
			given: 1, want: "U2 U1", crossings: 0,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			l := newTestLayout(c.cols, c.links)
			pos := make([][]int, len(l.cols))
			for i := range l.cols {
				for j := range l.cols[i] {
					pos[i] = append(pos[i], j)
				}
			}
			if got := l.crossingsOf(pos); got != c.given {
				t.Errorf("given order: %g crossings; want %g", got, c.given)
			}
			l.layout()
			if got := ids(l.cols[len(l.cols)-1]); got != c.want {
				t.Errorf("last column %q; want %q", got, c.want)
			}
			if l.crossings != c.crossings {
				t.Errorf("%g crossings after layout; want %g", l.crossings, c.crossings)
			}
			// Links still join the same nodes.
			for _, k := range l.links {
				from, to := l.cols[k.col][k.from].id, l.cols[k.col+1][k.to].id
				found := false
				for _, g := range c.links {
					found = found || (c.cols[g.col][g.from] == from && c.cols[g.col+1][g.to] == to && g.value == k.value)
				}
				if !found {
					t.Errorf("link %s → %s (%g) was not given", from, to, k.value)
				}
			}
		})
	}
}

// chartLike is a flow chart the size of the demo's: 4 layers, 20
// providers (the last one "other"), 4 upstreams, with flows of very
// different sizes.
func chartLike() *flowLayout {
	cols := [][]string{{"DNS", "CDN", "Hosting", "E-mail"}, nil, {"U0", "U1", "U2", "U3"}}
	for i := range 19 {
		cols[1] = append(cols[1], fmt.Sprintf("provider-%02d", i))
	}
	cols[1] = append(cols[1], otherNode)
	var links []flowLink
	for p := range 20 {
		for layer := range 4 {
			if (p+layer)%3 != 0 {
				links = append(links, flowLink{col: 0, from: layer, to: p, value: float64(1 + (p*37+layer*11)%400)})
			}
		}
		if p%2 == 1 && p < 19 {
			links = append(links, flowLink{col: 1, from: p, to: p % 4, value: float64(1 + p*7)})
		}
	}
	return newTestLayout(cols, links)
}

// TestFlowLayoutGeometry checks the properties the flow chart promises
// on a chart the size of the demo's (flowProblems).
func TestFlowLayoutGeometry(t *testing.T) {
	t.Parallel()
	l := chartLike()
	given := l.crossingsBefore()
	l.layout()
	if l.crossings > given {
		t.Errorf("%g weighted crossings after ordering, %g before", l.crossings, given)
	}
	if l.scale <= 0 {
		t.Fatalf("scale %g", l.scale)
	}
	for _, p := range flowProblems(l) {
		t.Error(p)
	}
}

// flowProblems checks a laid-out chart: nodes inside the drawing, apart
// and at least a label tall; labels inside the drawing, apart, and inside
// their box for middle nodes; links proportional to their values, leaving
// and reaching their own nodes, stacked at a node in the order of their
// other ends, and crossing no label box and no node box (both edges of
// each ribbon sampled).
func flowProblems(l *flowLayout) []string {
	var out []string
	bad := func(format string, a ...any) { out = append(out, fmt.Sprintf(format, a...)) }
	const eps = 1e-6
	minH := l.minNodeH()
	type box struct {
		name       string
		x, y, w, h float64
	}
	var labels, nodes []box
	for c := range l.cols {
		for i, n := range l.cols[c] {
			if n.y < l.top-eps || n.y+n.h > l.height-l.bottom+eps || n.x < 0 || n.x+n.w > l.width+eps {
				bad("node %s outside the drawing: %+v", n.id, n)
			}
			if n.h < minH-eps || n.h < n.value*l.scale-eps {
				bad("node %s is %g tall; want at least %g and %g", n.id, n.h, minH, n.value*l.scale)
			}
			if i > 0 {
				p := l.cols[c][i-1]
				if n.y < p.y+p.h+l.gap-eps {
					bad("nodes %s and %s closer than %g", p.id, n.id, l.gap)
				}
			}
			x, y, w, h := l.labelBox(c, i)
			if x < 0 || x+w > l.width+eps {
				bad("label of %s outside the drawing: x %g to %g of %g", n.id, x, x+w, l.width)
			}
			if c > 0 && c < len(l.cols)-1 && (x+w > n.x+n.w+eps || y < n.y-eps || y+h > n.y+n.h+eps) {
				bad("label of middle node %s not inside its box", n.id)
			}
			labels = append(labels, box{"label " + n.id, x, y, w, h})
			nodes = append(nodes, box{"node " + n.id, n.x, n.y, n.w, n.h})
		}
	}
	for i, a := range labels {
		for _, b := range labels[i+1:] {
			if a.x < b.x+b.w && b.x < a.x+a.w && a.y < b.y+b.h && b.y < a.y+a.h {
				bad("%s and %s overlap", a.name, b.name)
			}
		}
	}
	inside := func(b box, x, y float64) bool {
		return x > b.x+eps && x < b.x+b.w-eps && y > b.y+eps && y < b.y+b.h-eps
	}
	for _, k := range l.links {
		from, to := l.cols[k.col][k.from], l.cols[k.col+1][k.to]
		name := from.id + " → " + to.id
		if math.Abs(k.width-k.value*l.scale) > eps {
			bad("link %s is %g wide for %g; want %g", name, k.width, k.value, k.value*l.scale)
		}
		if k.y0 < from.y-eps || k.y0+k.width > from.y+from.h+eps {
			bad("link %s leaves at %g to %g, outside its source %g to %g", name, k.y0, k.y0+k.width, from.y, from.y+from.h)
		}
		if k.y1 < to.y-eps || k.y1+k.width > to.y+to.h+eps {
			bad("link %s arrives at %g to %g, outside its target %g to %g", name, k.y1, k.y1+k.width, to.y, to.y+to.h)
		}
		x0, x1, xm := l.linkPath(&k)
		if x0 != from.x+from.w || x1 != to.x {
			bad("link %s from x %g to %g; want its source's right edge %g and its target's left edge %g", name, x0, x1, from.x+from.w, to.x)
		}
		crossed := map[string]bool{}
		for _, dy := range []float64{0, k.width} {
			for s := 0; s <= 40; s++ {
				u := float64(s) / 40
				x := bezier(x0, xm, xm, x1, u)
				y := bezier(k.y0+dy, k.y0+dy, k.y1+dy, k.y1+dy, u)
				for _, b := range append(labels, nodes...) {
					if inside(b, x, y) && !crossed[b.name] {
						crossed[b.name] = true
						bad("link %s crosses the %s at (%.1f, %.1f)", name, b.name, x, y)
					}
				}
			}
		}
	}
	for i, a := range l.links {
		for _, b := range l.links[i+1:] {
			if a.col == b.col && a.from == b.from && a.to != b.to && (a.to < b.to) != (a.y0 < b.y0) {
				bad("links from %s cross where they leave", l.cols[a.col][a.from].id)
			}
			if a.col == b.col && a.to == b.to && a.from != b.from && (a.from < b.from) != (a.y1 < b.y1) {
				bad("links to %s cross where they arrive", l.cols[a.col+1][a.to].id)
			}
		}
	}
	return out
}

// crossingsBefore is the weighted crossings of the given order.
func (l *flowLayout) crossingsBefore() float64 {
	pos := make([][]int, len(l.cols))
	for c := range l.cols {
		for i := range l.cols[c] {
			pos[c] = append(pos[c], i)
		}
	}
	return l.crossingsOf(pos)
}

// bezier is a cubic Bézier coordinate at u.
func bezier(p0, p1, p2, p3, u float64) float64 {
	v := 1 - u
	return v*v*v*p0 + 3*v*v*u*p1 + 3*v*u*u*p2 + u*u*u*p3
}

// TestFlowLayoutCatchesOverlap proves flowProblems can fail: with the
// middle nodes cut back to their bars and their labels beside them, as
// the flow chart drew them before this layout, the links that leave a
// bar cross its label.
func TestFlowLayoutCatchesOverlap(t *testing.T) {
	t.Parallel()
	l := chartLike()
	l.layout()
	for i := range l.cols[1] {
		l.cols[1][i].w = l.bar
	}
	crossed := false
	for _, p := range flowProblems(l) {
		crossed = crossed || strings.Contains(p, "crosses the label")
	}
	if !crossed {
		t.Errorf("no link found crossing a label beside its bar; problems: %q", flowProblems(l))
	}
}
