package reports

import (
	"cmp"
	"slices"

	"gonum.org/v1/plot/font"
)

// This file lays out a layered flow chart (a Sankey diagram): columns of
// nodes, and links of a given value from a node to a node of the next
// column. It is ours so that three things hold by construction, and can
// be checked:
//
//   - every link leaves from the right edge of its own source node and
//     ends on the left edge of its own target node;
//   - no link crosses a label: the labels of the first column are left
//     of it, those of the last column right of it, and those of the
//     columns between are inside their node's box, which links never
//     enter (a link from column c to c+1 stays between the two columns,
//     its curve being monotone in x);
//   - labels never overlap: every node is at least a label tall.
//
// Nodes are ordered to reduce the crossings of links (barycentre sweeps,
// keeping the order with the fewest crossings weighted by value, after
// Sugiyama et al. 1981), then moved towards the nodes they are linked to
// (a few relaxation passes, nodes kept in order and apart).

// flowNode is a node of a layered flow chart.
type flowNode struct {
	id     string // the caller's name for it
	label  string // drawn beside the node (first and last column) or in it
	pinned bool   // kept at the bottom of its column (an aggregate: "other")
	// Set by layout: the node's box, and its value (the larger of what
	// flows in and out).
	x, y, w, h float64
	value      float64
}

// flowLink is a link from node from of column col to node to of column
// col+1.
type flowLink struct {
	col, from, to int
	value         float64
	// Set by layout: where the link leaves its source (y0) and reaches
	// its target (y1), both at its top edge, and its width.
	y0, y1, width float64
}

// flowLayout is a layered flow chart to lay out: the geometry fields are
// inputs, the nodes' and links' positions outputs.
type flowLayout struct {
	cols  [][]flowNode
	links []flowLink
	// Inputs: the width of the drawing (grown if the labels need it) and
	// its height, the space above the nodes (title and headings) and
	// below them, the width of a node's bar, the least gap between the
	// nodes of a column, the label font size, and the least gap between
	// columns for the links.
	width, height, top, bottom float64
	bar, gap, fontSize, minGap float64
	heads                      []string // a heading above each column, or none
	// Outputs: the scale (units per unit of value) and the crossings of
	// the chosen order.
	scale     float64
	crossings float64
}

// labelPad is the room between a bar and its label.
const labelPad = 5.0

// textWidth is the width of s drawn in the charts' sans-serif at size,
// with room for a browser font wider than Liberation Sans (fontSlack).
func textWidth(s string, size float64) float64 {
	face := font.DefaultCache.Lookup(chartFont, font.Length(size))
	return float64(face.Width(s)) * (1 + fontSlack)
}

// lineHeight is the height of a label's box at size.
func lineHeight(size float64) float64 { return 1.3 * size }

// layout orders and places the nodes and links.
func (l *flowLayout) layout() {
	l.values()
	l.order()
	l.columns()
	l.heights()
	l.relax()
	l.attach()
}

// values sets each node's value: the larger of its inflow and outflow.
func (l *flowLayout) values() {
	in := make([][]float64, len(l.cols))
	out := make([][]float64, len(l.cols))
	for c := range l.cols {
		in[c] = make([]float64, len(l.cols[c]))
		out[c] = make([]float64, len(l.cols[c]))
	}
	for _, k := range l.links {
		out[k.col][k.from] += k.value
		in[k.col+1][k.to] += k.value
	}
	for c := range l.cols {
		for i := range l.cols[c] {
			l.cols[c][i].value = max(in[c][i], out[c][i])
		}
	}
}

// order sorts the nodes of every column but the first to reduce the
// crossings of links: barycentre sweeps down and up the columns, keeping
// the order with the fewest weighted crossings seen (the given order
// included). Pinned nodes stay at the bottom, in their order.
func (l *flowLayout) order() {
	// pos[c][i] is the place of node i of column c in its column.
	// Pinned nodes go last first of all, in their order.
	pos := make([][]int, len(l.cols))
	for c := range l.cols {
		pos[c] = make([]int, len(l.cols[c]))
		p := 0
		for _, pinned := range []bool{false, true} {
			for i, n := range l.cols[c] {
				if n.pinned == pinned {
					pos[c][i] = p
					p++
				}
			}
		}
	}
	clone := func() [][]int {
		out := make([][]int, len(pos))
		for c := range pos {
			out[c] = slices.Clone(pos[c])
		}
		return out
	}
	best, bestX := clone(), l.crossingsOf(pos)
	// sortBy reorders column c by the weighted mean place of each node's
	// links to column other; nodes without one keep their place.
	sortBy := func(c, other int) {
		sum := make([]float64, len(l.cols[c]))
		weight := make([]float64, len(l.cols[c]))
		for _, k := range l.links {
			switch {
			case other == c-1 && k.col == c-1:
				sum[k.to] += k.value * float64(pos[other][k.from])
				weight[k.to] += k.value
			case other == c+1 && k.col == c:
				sum[k.from] += k.value * float64(pos[other][k.to])
				weight[k.from] += k.value
			}
		}
		idx := make([]int, len(l.cols[c]))
		key := make([]float64, len(l.cols[c]))
		for i := range idx {
			idx[i] = i
			key[i] = float64(pos[c][i])
			if weight[i] > 0 {
				key[i] = sum[i] / weight[i]
			}
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			pa, pb := l.cols[c][a].pinned, l.cols[c][b].pinned
			switch {
			case pa && pb:
				return cmp.Compare(pos[c][a], pos[c][b])
			case pa != pb:
				if pa {
					return 1
				}
				return -1
			}
			return cmp.Or(cmp.Compare(key[a], key[b]), cmp.Compare(pos[c][a], pos[c][b]))
		})
		for p, i := range idx {
			pos[c][i] = p
		}
	}
	for range 4 {
		for c := 1; c < len(l.cols); c++ {
			sortBy(c, c-1)
		}
		if x := l.crossingsOf(pos); x < bestX {
			best, bestX = clone(), x
		}
		for c := len(l.cols) - 2; c >= 1; c-- {
			sortBy(c, c+1)
		}
		if x := l.crossingsOf(pos); x < bestX {
			best, bestX = clone(), x
		}
	}
	l.crossings = bestX
	// Put the nodes in their places and renumber the links.
	for c := range l.cols {
		nodes := make([]flowNode, len(l.cols[c]))
		for i, n := range l.cols[c] {
			nodes[best[c][i]] = n
		}
		l.cols[c] = nodes
	}
	for i := range l.links {
		k := &l.links[i]
		k.from, k.to = best[k.col][k.from], best[k.col+1][k.to]
	}
}

// crossingsOf is the number of pairs of links that cross with the nodes
// in the places pos, each pair weighted by the product of their values.
// Two links between the same columns cross when their sources and their
// targets are in opposite orders.
func (l *flowLayout) crossingsOf(pos [][]int) float64 {
	x := 0.0
	for i, a := range l.links {
		for _, b := range l.links[i+1:] {
			if a.col != b.col {
				continue
			}
			if (pos[a.col][a.from]-pos[b.col][b.from])*(pos[a.col+1][a.to]-pos[b.col+1][b.to]) < 0 {
				x += a.value * b.value
			}
		}
	}
	return x
}

// columns sets the nodes' x and widths: labels of the first column on
// its left, of the last on its right, of the others inside their node;
// the gaps between columns share what is left of the width, at least
// minGap each (the drawing grows if needed).
func (l *flowLayout) columns() {
	last := len(l.cols) - 1
	widest := func(c int) float64 {
		w := 0.0
		for _, n := range l.cols[c] {
			w = max(w, textWidth(n.label, l.fontSize))
		}
		return w
	}
	nodeW := make([]float64, len(l.cols))
	for c := range l.cols {
		nodeW[c] = l.bar
		if c > 0 && c < last {
			nodeW[c] = l.bar + 2*labelPad + widest(c)
		}
	}
	headW := func(c int) float64 {
		if c < len(l.heads) {
			return textWidth(l.heads[c], headSize)
		}
		return 0
	}
	// Left of the first column: its labels, or its heading (drawn ending
	// at the bar's right edge).
	left := max(labelPad+widest(0), headW(0)-l.bar) + 2
	right := 2.0
	if last > 0 {
		right = max(labelPad+widest(last), headW(last)-l.bar) + 2
	}
	sum := left + right
	for _, w := range nodeW {
		sum += w
	}
	gap := 0.0
	if last > 0 {
		gap = max(l.minGap, (l.width-sum)/float64(last))
		// A middle heading starts at its node and must end before the
		// next column's heading does.
		for c := 1; c < last; c++ {
			gap = max(gap, headW(c)-nodeW[c]+labelPad)
		}
		l.width = max(l.width, sum+gap*float64(last))
	} else {
		l.width = max(l.width, sum)
	}
	x := left
	for c := range l.cols {
		for i := range l.cols[c] {
			l.cols[c][i].x, l.cols[c][i].w = x, nodeW[c]
		}
		x += nodeW[c] + gap
	}
}

// headSize is the font size of the column headings.
const headSize = 12.0

// minNodeH is the least height of a node: one label.
func (l *flowLayout) minNodeH() float64 { return lineHeight(l.fontSize) }

// heights sets the scale, the largest for which every column fits in
// the height with nodes at least minNodeH tall, and each node's height.
func (l *flowLayout) heights() {
	avail := l.height - l.top - l.bottom
	minH := l.minNodeH()
	// The drawing grows if its tallest column cannot fit at any scale.
	for _, nodes := range l.cols {
		need := float64(len(nodes))*minH + float64(len(nodes)-1)*l.gap + 1
		if need > avail {
			l.height += need - avail
			avail = need
		}
	}
	fits := func(s float64) bool {
		for _, nodes := range l.cols {
			h := float64(len(nodes)-1) * l.gap
			for _, n := range nodes {
				h += max(minH, n.value*s)
			}
			if h > avail {
				return false
			}
		}
		return true
	}
	maxV := 0.0
	for _, nodes := range l.cols {
		for _, n := range nodes {
			maxV = max(maxV, n.value)
		}
	}
	lo, hi := 0.0, avail/max(maxV, 1e-9)
	for range 60 {
		if mid := (lo + hi) / 2; fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	l.scale = lo
	for c := range l.cols {
		y := l.top
		for i := range l.cols[c] {
			n := &l.cols[c][i]
			n.h = max(minH, n.value*l.scale)
			n.y = y
			y += n.h + l.gap
		}
	}
}

// relax moves each node towards the weighted mean height of the nodes it
// is linked to, left to right then right to left, a few times with a
// shrinking step, keeping every column in order, apart and inside the
// drawing.
func (l *flowLayout) relax() {
	centre := func(n *flowNode) float64 { return n.y + n.h/2 }
	alpha := 1.0
	for range 6 {
		for c := 1; c < len(l.cols); c++ {
			l.pull(c, c-1, alpha, centre)
		}
		for c := len(l.cols) - 2; c >= 0; c-- {
			l.pull(c, c+1, alpha, centre)
		}
		alpha *= 0.7
	}
}

// pull moves the nodes of column c towards their links' nodes in column
// other, then resolves collisions.
func (l *flowLayout) pull(c, other int, alpha float64, centre func(*flowNode) float64) {
	sum := make([]float64, len(l.cols[c]))
	weight := make([]float64, len(l.cols[c]))
	for _, k := range l.links {
		switch {
		case other == c-1 && k.col == c-1:
			sum[k.to] += k.value * centre(&l.cols[other][k.from])
			weight[k.to] += k.value
		case other == c+1 && k.col == c:
			sum[k.from] += k.value * centre(&l.cols[other][k.to])
			weight[k.from] += k.value
		}
	}
	for i := range l.cols[c] {
		if weight[i] > 0 {
			n := &l.cols[c][i]
			n.y += (sum[i]/weight[i] - centre(n)) * alpha
		}
	}
	// Down: each node below the one above it; then up: the last above
	// the bottom, each above the one below it; then down again from the
	// top, which wins (the column fits, so nothing is left overlapping).
	nodes := l.cols[c]
	floor := l.height - l.bottom
	for i := range nodes {
		least := l.top
		if i > 0 {
			least = nodes[i-1].y + nodes[i-1].h + l.gap
		}
		nodes[i].y = max(nodes[i].y, least)
	}
	for i := len(nodes) - 1; i >= 0; i-- {
		most := floor - nodes[i].h
		if i < len(nodes)-1 {
			most = nodes[i+1].y - l.gap - nodes[i].h
		}
		nodes[i].y = min(nodes[i].y, most)
	}
	for i := range nodes {
		least := l.top
		if i > 0 {
			least = nodes[i-1].y + nodes[i-1].h + l.gap
		}
		nodes[i].y = max(nodes[i].y, least)
	}
}

// attach sets where each link leaves and reaches its nodes: the links of
// a node's side stacked in the order of the nodes at their other end (so
// that they do not cross at the node), centred on the node when it is
// taller than they are.
func (l *flowLayout) attach() {
	type side struct{ c, i int }
	outs := map[side][]int{}
	ins := map[side][]int{}
	for k := range l.links {
		lk := &l.links[k]
		lk.width = lk.value * l.scale
		outs[side{lk.col, lk.from}] = append(outs[side{lk.col, lk.from}], k)
		ins[side{lk.col + 1, lk.to}] = append(ins[side{lk.col + 1, lk.to}], k)
	}
	stack := func(s side, ks []int, other func(*flowLink) int, set func(*flowLink, float64)) {
		slices.SortStableFunc(ks, func(a, b int) int { return cmp.Compare(other(&l.links[a]), other(&l.links[b])) })
		total := 0.0
		for _, k := range ks {
			total += l.links[k].width
		}
		n := &l.cols[s.c][s.i]
		y := n.y + (n.h-total)/2
		for _, k := range ks {
			set(&l.links[k], y)
			y += l.links[k].width
		}
	}
	for s, ks := range outs {
		stack(s, ks, func(k *flowLink) int { return k.to }, func(k *flowLink, y float64) { k.y0 = y })
	}
	for s, ks := range ins {
		stack(s, ks, func(k *flowLink) int { return k.from }, func(k *flowLink, y float64) { k.y1 = y })
	}
}

// labelBox is the box of the label of node i of column c: left of the
// first column, right of the last, inside the node in between.
func (l *flowLayout) labelBox(c, i int) (x, y, w, h float64) {
	n := &l.cols[c][i]
	w, h = textWidth(n.label, l.fontSize), lineHeight(l.fontSize)
	y = n.y + n.h/2 - h/2
	switch {
	case c == 0 && len(l.cols) > 1:
		x = n.x - labelPad - w
	default:
		x = n.x + l.bar + labelPad
	}
	return x, y, w, h
}

// linkPath is the SVG path of a link: a ribbon between two cubic Bézier
// curves whose control points share the middle x, so that x grows along
// both edges and the ribbon stays between its two columns.
func (l *flowLayout) linkPath(k *flowLink) (x0, x1, xm float64) {
	from := &l.cols[k.col][k.from]
	to := &l.cols[k.col+1][k.to]
	x0, x1 = from.x+from.w, to.x
	return x0, x1, (x0 + x1) / 2
}
