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
// their size; sankeySources more are named because they depend on
// another provider, so that each upstream link leaves from the provider
// it belongs to. The others are drawn together.
const (
	sankeyProviders = 10
	sankeySources   = 8
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
// (an edge of the provider graph).
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
	// Provider totals over layers, to choose the named ones.
	type lp struct {
		layer    catalog.Layer
		provider string
	}
	perLayer := map[lp]int{}
	total := map[string]int{}
	// Upstream companies of each service, from the edges.
	up := map[string][]string{}
	for _, e := range edges {
		from, _, _ := strings.Cut(e.From, "/")
		to, _, _ := strings.Cut(e.To, "/")
		if from != to && !slices.Contains(up[e.From], to) {
			up[e.From] = append(up[e.From], to)
		}
	}
	// Domains of each company that reach each upstream company.
	type pu struct{ provider, upstream string }
	reach := map[pu]int{}
	for i := range results {
		r := &results[i]
		seen := map[lp]bool{}
		reached := map[pu]bool{}
		for _, d := range r.Deps {
			k := lp{d.Layer, d.Provider}
			if !seen[k] {
				seen[k] = true
				perLayer[k]++
				total[d.Provider]++
			}
			for _, u := range up[d.Provider+"/"+d.Service] {
				k := pu{d.Provider, u}
				if !reached[k] {
					reached[k] = true
					reach[k]++
				}
			}
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
	for k, n := range reach {
		if k.provider != classify.SelfProvider {
			reachOf[k.provider] += n
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
		ln := layerName(l)
		used := false
		for k, n := range perLayer {
			if k.layer == l {
				first[[2]string{ln, node(k.provider)}] += n
				used = true
			}
		}
		if used {
			sd.layers = append(sd.layers, ln)
		}
	}
	second := map[[2]string]int{}
	upTotal := map[string]int{}
	for k, n := range reach {
		second[[2]string{node(k.provider), k.upstream}] += n
		upTotal[k.upstream] += n
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

// Geometry of the flow chart, in SVG user units (the chart scales with
// the page).
const (
	sankeyW      = 900.0
	sankeyMinH   = 560.0
	sankeyRow    = 26.0 // height given to each node of the longest column
	sankeyTop    = 56.0
	sankeyBottom = 12.0
	sankeyGap    = 16.0 // between nodes: more than a label's height
	sankeyBar    = 12.0
)

// sankeyNode is a node's place in its column.
type sankeyNode struct {
	name     string
	y, h     float64
	inY, out float64 // where the next flow in and out starts
}

// sankeySVG draws the flow chart as an SVG element of our own: rectangles
// for nodes, filled Bézier ribbons for flows (width proportional to
// domains), each with a <title> for a tooltip. Every string from the data
// is made visible and escaped, and the result goes through checkSVG.
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
	xs := []float64{150, 470, 760}
	if len(columns) == 2 {
		xs = []float64{200, 640}
	}
	// Node values: the larger of what flows in and out.
	in, out := map[[2]int]int{}, map[[2]int]int{}
	index := func(c int, name string) int { return slices.Index(columns[c], name) }
	for c, fs := range flows {
		for _, f := range fs {
			out[[2]int{c, index(c, f.from)}] += f.domains
			in[[2]int{c + 1, index(c+1, f.to)}] += f.domains
		}
	}
	value := func(c, i int) float64 { return float64(max(in[[2]int{c, i}], out[[2]int{c, i}])) }
	rows := 0
	for _, names := range columns {
		rows = max(rows, len(names))
	}
	sankeyH := max(sankeyMinH, sankeyTop+sankeyBottom+sankeyRow*float64(rows)+200)
	scale := 1e18
	for c, names := range columns {
		sum := 0.0
		for i := range names {
			sum += value(c, i)
		}
		avail := sankeyH - sankeyTop - sankeyBottom - sankeyGap*float64(len(names)-1)
		if sum > 0 && avail > 0 {
			scale = min(scale, avail/sum)
		}
	}
	nodes := make([][]sankeyNode, len(columns))
	for c, names := range columns {
		y := sankeyTop
		for i, n := range names {
			h := max(1, value(c, i)*scale)
			nodes[c] = append(nodes[c], sankeyNode{name: n, y: y, h: h, inY: y, out: y})
			y += h + sankeyGap
		}
	}
	fill := func(name string) color.RGBA {
		switch name {
		case otherNode:
			return otherColor
		case selfNode:
			return selfColor
		}
		return col.of(name)
	}

	var b bytes.Buffer
	// At most 1.2 times its size, so that its text stays near the page's.
	fmt.Fprintf(&b, `<svg viewBox="0 0 %g %g" role="img" aria-label="%s" style="max-width:%gpx">`, sankeyW, sankeyH, html.EscapeString(title), 1.2*sankeyW)
	fmt.Fprintf(&b, `<text x="%g" y="20" style="font-family:sans-serif;font-size:15px;font-weight:600">%s</text>`, 10.0, html.EscapeString(title))
	// What each column counts: a domain counts once for each provider it
	// uses on a layer (provider uses); upstream providers count domains.
	heads := []string{"Layer (provider uses)", "Provider (uses)", "Upstream provider (domains)"}
	for c := range columns {
		anchor := "middle"
		fmt.Fprintf(&b, `<text x="%.1f" y="44" style="font-family:sans-serif;font-size:12px;fill:#5a6570;text-anchor:%s">%s</text>`, xs[c]+sankeyBar/2, anchor, heads[c])
	}
	// Flows first, under the nodes and labels.
	for c, fs := range flows {
		for _, f := range fs {
			from := &nodes[c][index(c, f.from)]
			to := &nodes[c+1][index(c+1, f.to)]
			h := float64(f.domains) * scale
			x0, x1 := xs[c]+sankeyBar, xs[c+1]
			y0, y1 := from.out, to.inY
			from.out += h
			to.inY += h
			xm := (x0 + x1) / 2
			colour := fill(f.to)
			if c == 0 {
				colour = fill(f.to)
			}
			fmt.Fprintf(&b, `<path d="M%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1fL%.1f,%.1fC%.1f,%.1f %.1f,%.1f %.1f,%.1fZ" style="fill:%s;fill-opacity:0.45;stroke:none"><title>%s → %s: %s</title></path>`,
				x0, y0, xm, y0, xm, y1, x1, y1, x1, y1+h, xm, y1+h, xm, y0+h, x0, y0+h,
				css(colour), html.EscapeString(visible(f.from)), html.EscapeString(visible(f.to)), domains(f.domains))
		}
	}
	for c := range columns {
		for i, n := range nodes[c] {
			colour := fill(n.name)
			if c == 0 {
				colour = color.RGBA{0x1d, 0x23, 0x2a, 0xff}
			}
			name := n.name
			if c > 0 && name != selfNode && name != otherNode {
				name = names.label(name, names.catalogued(name))
			}
			label := chartLabel(name) + " " + count(int(value(c, i)))
			x, anchor := xs[c]-5, "end"
			if c > 0 {
				x, anchor = xs[c]+sankeyBar+5, "start"
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%g" height="%.1f" style="fill:%s"><title>%s</title></rect>`,
				xs[c], n.y, sankeyBar, n.h, css(colour), html.EscapeString(label))
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" style="font-family:sans-serif;font-size:13px;text-anchor:%s;dominant-baseline:middle;paint-order:stroke;stroke:#fff;stroke-width:3px">%s</text>`,
				x, n.y+n.h/2, anchor, html.EscapeString(label))
		}
	}
	b.WriteString(`</svg>`)
	if err := checkSVG(b.Bytes()); err != nil {
		return nil, fmt.Errorf("flow chart: %w", err)
	}
	return b.Bytes(), nil
}
