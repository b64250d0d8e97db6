package reports

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"image/color"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// sankeyProviders is the number of providers the flow chart names for
// their size; every provider that depends on another one is named too,
// up to sankeySources more, so that each upstream link leaves from the
// provider it belongs to. The others are drawn together.
const (
	sankeyProviders = 10
	sankeySources   = 30
)

// otherNode and selfNode name the aggregated nodes of the flow chart.
const (
	otherNode = "other providers"
	selfNode  = "self-hosted"
)

// flow is the number of domains between two nodes of the flow chart.
type flow struct {
	from, to string
	domains  int
}

// sankeyData is what the flow chart shows: for each layer, the domains
// using each provider on it, and for each provider, the domains that use
// one of its services that itself depends on another company's service
// (an edge of the provider graph). Only the flow layers count (DNS, CDN,
// hosting, e-mail): every domain has a CA and a TLD registry, and the
// report gives those their own section.
type sankeyData struct {
	layers    []string // display names, in catalog order
	providers []string // the named providers, then otherNode, selfNode when used
	upstreams []string
	first     []flow // layer -> provider
	second    []flow // provider -> upstream
}

// newSankeyData counts the flows of the chart from the results and the
// provider edges (services named company/service).
func newSankeyData(results []classify.Result, edges []graph.ProviderEdge) *sankeyData {
	return sankeyOf(flowCounts(results, edges))
}

// flowCounts counts, from the results, the domains using each provider
// on each layer of the chart, and the domains that reach each upstream
// company of a provider through the edges (HTMLDomains.Flows and Reach).
func flowCounts(results []classify.Result, edges []graph.ProviderEdge) ([]FlowCount, []ReachCount) {
	fc := newFlowCounter(edges)
	for i := range results {
		for _, d := range results[i].Deps() {
			fc.add(&d)
		}
		fc.next()
	}
	return fc.counts()
}

// flowCounter counts what flowCounts returns one domain at a time: add
// each dependency of the domain, then next.
type flowCounter struct {
	perLayer map[flowKey]int
	reach    map[reachKey]int
	// up are the upstream companies of each service (FlowUpstreams),
	// looked up with name, "company/service", made in place.
	up   map[string][]string
	name []byte
	// The flows and reaches the current domain counted already: a few,
	// so a list beats a map cleared for every domain.
	seen    []flowKey
	reached []reachKey
}

type flowKey struct {
	layer    catalog.Layer
	provider string
}

type reachKey struct{ provider, upstream string }

func newFlowCounter(edges []graph.ProviderEdge) *flowCounter {
	return &flowCounter{perLayer: map[flowKey]int{}, reach: map[reachKey]int{}, up: FlowUpstreams(edges)}
}

// add counts dependency d of the current domain.
func (fc *flowCounter) add(d *classify.Dependency) {
	if !flowLayer(d.Layer) {
		return
	}
	if k := (flowKey{d.Layer, d.Provider}); !slices.Contains(fc.seen, k) {
		fc.seen = append(fc.seen, k)
		fc.perLayer[k]++
	}
	if len(fc.up) == 0 {
		return
	}
	fc.name = append(append(append(fc.name[:0], d.Provider...), '/'), d.Service...)
	for _, u := range fc.up[string(fc.name)] {
		if k := (reachKey{d.Provider, u}); !slices.Contains(fc.reached, k) {
			fc.reached = append(fc.reached, k)
			fc.reach[k]++
		}
	}
}

// next ends the current domain.
func (fc *flowCounter) next() { fc.seen, fc.reached = fc.seen[:0], fc.reached[:0] }

// counts returns the flows and reaches counted, in any order.
func (fc *flowCounter) counts() ([]FlowCount, []ReachCount) {
	flows := make([]FlowCount, 0, len(fc.perLayer))
	for k, n := range fc.perLayer {
		flows = append(flows, FlowCount{Layer: k.layer, Provider: k.provider, Domains: n})
	}
	reaches := make([]ReachCount, 0, len(fc.reach))
	for k, n := range fc.reach {
		reaches = append(reaches, ReachCount{Provider: k.provider, Upstream: k.upstream, Domains: n})
	}
	return flows, reaches
}

// sankeyOf lays out the flows of the chart: flows are the domains using
// each provider on each layer of the chart, reach the domains of each
// provider that reach each upstream company (in any order).
func sankeyOf(flows []FlowCount, reaches []ReachCount) *sankeyData {
	// Provider totals over layers, to choose the named ones.
	total := map[string]int{}
	for _, f := range flows {
		if flowLayer(f.Layer) {
			total[f.Provider] += f.Domains
		}
	}
	var names []string
	for p := range total {
		if p != classify.SelfProvider {
			names = append(names, p)
		}
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(total[b], total[a]), strings.Compare(a, b)) })
	// The providers with the most domains reaching an upstream one, beyond
	// the largest, are named too.
	reachOf := map[string]int{}
	for _, k := range reaches {
		if k.Provider != classify.SelfProvider {
			reachOf[k.Provider] += k.Domains
		}
	}
	var sources []string
	for p := range reachOf {
		if i := slices.Index(names, p); i >= sankeyProviders {
			sources = append(sources, p)
		}
	}
	slices.SortFunc(sources, func(a, b string) int { return cmp.Or(cmp.Compare(reachOf[b], reachOf[a]), strings.Compare(a, b)) })
	named := slices.Clone(names[:min(len(names), sankeyProviders)])
	for _, p := range sources[:min(len(sources), sankeySources)] {
		named = append(named, p)
	}
	slices.SortStableFunc(named, func(a, b string) int { return cmp.Compare(slices.Index(names, a), slices.Index(names, b)) })
	node := func(p string) string {
		if p == classify.SelfProvider {
			return selfNode
		}
		if slices.Contains(named, p) {
			return p
		}
		return otherNode
	}
	sd := &sankeyData{}
	first := map[[2]string]int{}
	for _, l := range catalog.Layers {
		if !flowLayer(l) {
			continue
		}
		ln := layerName(l)
		used := false
		for _, k := range flows {
			if k.Layer == l {
				first[[2]string{ln, node(k.Provider)}] += k.Domains
				used = true
			}
		}
		if used {
			sd.layers = append(sd.layers, ln)
		}
	}
	second := map[[2]string]int{}
	upTotal := map[string]int{}
	for _, k := range reaches {
		second[[2]string{node(k.Provider), k.Upstream}] += k.Domains
		upTotal[k.Upstream] += k.Domains
	}
	sd.providers = named
	for _, extra := range []string{otherNode, selfNode} {
		for k := range first {
			if k[1] == extra {
				sd.providers = append(sd.providers, extra)
				break
			}
		}
	}
	for u := range upTotal {
		sd.upstreams = append(sd.upstreams, u)
	}
	slices.SortFunc(sd.upstreams, func(a, b string) int { return cmp.Or(cmp.Compare(upTotal[b], upTotal[a]), strings.Compare(a, b)) })
	for _, l := range sd.layers {
		for _, p := range sd.providers {
			if n := first[[2]string{l, p}]; n > 0 {
				sd.first = append(sd.first, flow{l, p, n})
			}
		}
	}
	for _, p := range sd.providers {
		for _, u := range sd.upstreams {
			if n := second[[2]string{p, u}]; n > 0 {
				sd.second = append(sd.second, flow{p, u, n})
			}
		}
	}
	return sd
}

// flowLayer reports whether the flow chart draws layer l: the serving
// layers and e-mail, not the certificate authority and the TLD registry
// (as the blast summary and the single points of failure leave them to
// their own section). Counted with the others, they would be the largest
// "providers" of the chart (every domain has one of each) and push the
// serving providers out of it.
func flowLayer(l catalog.Layer) bool { return l != catalog.LayerCA && l != catalog.LayerTLD }

// Geometry of the flow chart, in SVG user units (the chart scales with
// the page).
const (
	sankeyW      = 900.0
	sankeyMinH   = 560.0
	sankeyTop    = 56.0
	sankeyBottom = 12.0
	sankeyGap    = 6.0 // between the nodes of a column
	sankeyBar    = 12.0
	sankeyFont   = 13.0
	sankeyMinGap = 90.0 // between columns, for the links
)

// sankeyHeads say what each column counts: a domain counts once for each
// provider it uses on a layer (provider uses); upstream providers count
// domains.
var sankeyHeads = []string{"Layer: provider uses", "Provider: uses", "Upstream: domains reaching it"}

// sankeySVG draws the flow chart as an SVG element of our own, laid out
// by flowLayout: rectangles for nodes, filled Bézier ribbons for flows
// (width proportional to domains), each with a <title> for a tooltip.
// Links from a provider to its upstream leave from that provider's node
// and take its colour. Every string from the data is made visible and
// escaped, and the result goes through checkSVG.
//
// Nodes carry data-node (their column and place), their labels
// data-label, and links data-from and data-to, so that a test can find
// them.
//
// names gives the providers' display names (nil: their ids); the nodes
// of the first column (layers) and the "self" and "other" nodes keep
// their own names.
func sankeySVG(sd *sankeyData, col colors, title string, names *Names) ([]byte, error) {
	if len(sd.first) == 0 {
		return nil, fmt.Errorf("flow chart without flows")
	}
	columns := [][]string{sd.layers, sd.providers}
	flows := [][]flow{sd.first}
	if len(sd.second) > 0 {
		columns = append(columns, sd.upstreams)
		flows = append(flows, sd.second)
	}
	lay := &flowLayout{width: sankeyW, top: sankeyTop, bottom: sankeyBottom, bar: sankeyBar,
		gap: sankeyGap, fontSize: sankeyFont, minGap: sankeyMinGap, heads: sankeyHeads[:len(columns)]}
	rows := 0
	for _, names := range columns {
		rows = max(rows, len(names))
	}
	// Room for every node at its least height, and some for the
	// proportional part of the largest ones.
	lay.height = max(sankeyMinH, sankeyTop+sankeyBottom+(lineHeight(sankeyFont)+sankeyGap)*float64(rows)+140)
	// Node names by column: ids, and what is shown.
	display := func(c int, name string) string {
		if c > 0 && name != selfNode && name != otherNode {
			return names.label(name, names.catalogued(name))
		}
		return name
	}
	// A node's count: the larger of what flows in and out, in domains.
	in, out := map[[2]int]int{}, map[[2]int]int{}
	for c, fs := range flows {
		for _, f := range fs {
			i, j := slices.Index(columns[c], f.from), slices.Index(columns[c+1], f.to)
			lay.links = append(lay.links, flowLink{col: c, from: i, to: j, value: float64(f.domains)})
			out[[2]int{c, i}] += f.domains
			in[[2]int{c + 1, j}] += f.domains
		}
	}
	for c, ns := range columns {
		lay.cols = append(lay.cols, nil)
		for i, n := range ns {
			v := max(in[[2]int{c, i}], out[[2]int{c, i}])
			lay.cols[c] = append(lay.cols[c], flowNode{id: n, label: chartLabel(display(c, n)) + " " + count(v), pinned: n == otherNode || n == selfNode})
		}
	}
	lay.layout()
	// Every provider drawn gets a colour of its own.
	var drawn []string
	for _, ns := range columns[1:] {
		for _, n := range ns {
			if n != otherNode && n != selfNode && !slices.Contains(drawn, n) {
				drawn = append(drawn, n)
			}
		}
	}
	col.chart(drawn)
	fill := func(name string) color.RGBA {
		switch name {
		case otherNode:
			return otherColor
		case selfNode:
			return selfColor
		}
		return col.of(name)
	}
	last := len(lay.cols) - 1

	var b bytes.Buffer
	// At most 1.2 times its size, so that its text stays near the page's.
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" style="max-width:%.0fpx">`, lay.width, lay.height, html.EscapeString(title), 1.2*lay.width)
	fmt.Fprintf(&b, `<text x="%g" y="20" style="font-family:sans-serif;font-size:15px;font-weight:600">%s</text>`, 2.0, html.EscapeString(title))
	for c := range lay.cols {
		x, anchor := lay.cols[c][0].x, "start"
		if c == 0 && last > 0 {
			x, anchor = x+sankeyBar, "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="44" style="font-family:sans-serif;font-size:%gpx;fill:#5a6570;text-anchor:%s">%s</text>`, x, headSize, anchor, html.EscapeString(lay.heads[c]))
	}
	// Links first, under the nodes and labels. A link between a layer and
	// a provider takes the provider's colour, one between a provider and
	// its upstream the colour of the provider that depends.
	for i := range lay.links {
		k := &lay.links[i]
		from, to := lay.cols[k.col][k.from].id, lay.cols[k.col+1][k.to].id
		colour := fill(to)
		if k.col > 0 {
			colour = fill(from)
		}
		x0, x1, xm := lay.linkPath(k)
		y0, y1, h := k.y0, k.y1, k.width
		fmt.Fprintf(&b, `<path d="M%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1fL%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1fZ" data-from="%s" data-to="%s" style="fill:%s;fill-opacity:0.45;stroke:none"><title>%s → %s: %s</title></path>`,
			x0, y0, xm, y0, xm, y1, x1, y1, x1, y1+h, xm, y1+h, xm, y0+h, x0, y0+h,
			nodeKey(k.col, k.from), nodeKey(k.col+1, k.to),
			css(colour), html.EscapeString(visible(display(k.col, from))), html.EscapeString(visible(display(k.col+1, to))), domains(int(k.value)))
	}
	for c := range lay.cols {
		for i := range lay.cols[c] {
			n := &lay.cols[c][i]
			colour := fill(n.id)
			if c == 0 {
				colour = color.RGBA{0x1d, 0x23, 0x2a, 0xff}
			}
			key := nodeKey(c, i)
			if c > 0 && c < last {
				// A middle node is a box holding its bar and its label.
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-node="%s" style="fill:%s"><title>%s</title></rect>`,
					n.x, n.y, n.w, n.h, key, css(tint(colour, 0.85)), html.EscapeString(n.label))
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%g" height="%.1f" style="fill:%s"/>`, n.x, n.y, sankeyBar, n.h, css(colour))
			} else {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%g" height="%.1f" data-node="%s" style="fill:%s"><title>%s</title></rect>`,
					n.x, n.y, sankeyBar, n.h, key, css(colour), html.EscapeString(n.label))
			}
			x, _, _, _ := lay.labelBox(c, i)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" data-label="%s" style="font-family:sans-serif;font-size:%gpx;dominant-baseline:middle">%s</text>`,
				x, n.y+n.h/2, key, sankeyFont, html.EscapeString(n.label))
		}
	}
	b.WriteString(`</svg>`)
	if err := checkSVG(b.Bytes()); err != nil {
		return nil, fmt.Errorf("flow chart: %w", err)
	}
	return b.Bytes(), nil
}

// nodeKey names node i of column c in the data attributes of the flow
// chart: "c:i" (names could hold what checkSVG refuses).
func nodeKey(c, i int) string { return fmt.Sprintf("%d:%d", c, i) }
