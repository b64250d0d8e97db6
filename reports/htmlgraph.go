package reports

import (
	"fmt"
	"html/template"
	"image/color"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
)

// blastChartRows is the number of elements of each kind a blast radius
// chart shows; blast.csv, regions.csv, asns.csv and countries.csv have
// them all.
const blastChartRows = 10

// escapeExamples is the number of domains named per provider in the list
// of domains with DNS and CDN at the same provider; spof.csv has them all.
const escapeExamples = 8

// spofView is the section on single points of failure.
type spofView struct {
	Domains, AllOnOne, NoEscape string
	Escape                      []escapeView
	Pairs                       []pairView
	Cycles                      []string
}

type escapeView struct{ Provider, Domains, Examples, More string }

type pairView struct{ A, B, Domains, Share, Down string }

// hhiInterval formats the bootstrap interval of a layer's HHI.
func hhiInterval(ls *metrics.LayerSummary) string {
	if ls.Bootstrap == 0 {
		return "not computed (--bootstrap 0)"
	}
	return decimal(ls.HHILow, 0) + " – " + decimal(ls.HHIHigh, 0) + " (" + count(ls.Bootstrap) + " replicates)"
}

// hhiChart draws the HHI of every layer (and of all layers together)
// against the thresholds of the US merger guidelines.
func hhiChart(sum *metrics.Summary) (template.HTML, error) {
	var bars []stackedBar
	for _, ls := range append(sum.Layers, sum.Any) {
		if ls.Providers == 0 {
			continue
		}
		name := "Any layer"
		if ls.Layer != metrics.AnyLayer {
			name = layerName(ls.Layer)
		}
		bars = append(bars, stackedBar{label: name, values: []float64{ls.HHI}, colors: []color.Color{accent}})
	}
	if len(bars) == 0 {
		return "", nil
	}
	grey := color.RGBA{0x5a, 0x65, 0x70, 0xff}
	red := color.RGBA{0x8a, 0x1c, 0x1c, 0xff}
	refs := []refLine{
		{hhi2010Moderate, "1,500: 2010 moderately concentrated", grey},
		{hhi2023High, "1,800: 2023 highly concentrated", red},
		{hhi2010High, "2,500: 2010 highly concentrated", grey},
	}
	// The axis ends at a round number past the largest HHI and the last
	// threshold; the label says where, so that it does not promise the
	// whole scale.
	top := float64(hhi2010High)
	for _, b := range bars {
		top = max(top, b.values[0])
	}
	xMax := min(niceMax(top*1.08), 10000)
	xLabel := "HHI (scale 0 to 10,000)"
	if xMax < 10000 {
		xLabel = "HHI (scale to 10,000; axis cut at " + tickLabel(xMax) + ")"
	}
	panel := hbarPanel{title: "HHI of each layer against the US merger-guideline thresholds", bars: bars}
	set := newHbarSet(xLabel, "", xMax, nil, []hbarPanel{panel})
	set.refs, set.decimals = refs, 0
	svg, err := set.svg(panel)
	if err != nil {
		return "", fmt.Errorf("HHI chart: %w", err)
	}
	return template.HTML(svg), nil // accepted by checkSVG in hbarSet.svg
}

// blastKinds are the kinds of element the report ranks, with the words
// it uses for them.
var blastKinds = []struct {
	kind         graph.Kind
	plural, noun string
}{
	{graph.KindProvider, "providers", "provider"},
	{graph.KindRegion, "cloud regions", "region"},
	{graph.KindASN, "autonomous systems", "AS"},
	{graph.KindCountry, "countries", "country"},
}

// addGraph fills the parts of the view that come from the provider graph:
// the blast radius headline and charts, the flow chart and the single
// points of failure. Without a graph only the headline from
// run.BlastRadius is shown.
func (v *view) addGraph(run *Run, doms *HTMLDomains, col colors) error {
	gr := run.Graph
	if gr == nil {
		if len(run.BlastRadius) > 0 {
			b := run.BlastRadius[0]
			v.BlastHeadline = blastSentence(v.names.blastElement(b.Kind, b.Element), b.Domains, b.Direct, b.Transitive, b.Share)
		}
		return nil
	}
	if top := rankedBlast(gr.Blast, graph.KindProvider); len(top) > 0 && top[0].Domains > 0 {
		b := top[0]
		v.BlastHeadline = blastSentence(v.names.element(b.Element), b.Domains, b.Direct, b.Transitive, b.Share)
	}
	direct, transitive := color.RGBA{0x4a, 0x55, 0x60, 0xff}, tint(color.RGBA{0x4a, 0x55, 0x60, 0xff}, 0.6)
	legend := []legendEntry{{"direct (dark)", direct}, {"through an upstream provider (light)", transitive}}
	// One scale for the four panels, so that bars compare across them.
	xMax := 0.0
	n := float64(gr.Graph.Domains())
	for _, k := range blastKinds {
		for _, b := range rankedBlast(gr.Blast, k.kind) {
			xMax = max(xMax, 100*float64(b.Direct+b.Transitive)/n)
		}
	}
	xMax = niceMax(xMax * 1.08)
	// The panels first, to measure every label before drawing one.
	var panels []hbarPanel
	for _, k := range blastKinds {
		var drawn []string
		for _, b := range rankedBlast(gr.Blast, k.kind) {
			if len(drawn) == blastChartRows || b.Domains == 0 {
				break
			}
			drawn = append(drawn, b.Element.Company)
		}
		switch k.kind {
		case graph.KindProvider, graph.KindRegion:
			col.chart(drawn)
		}
		var bars []stackedBar
		for _, b := range rankedBlast(gr.Blast, k.kind) {
			if len(bars) == blastChartRows || b.Domains == 0 {
				break
			}
			c := accent
			label := v.names.element(b.Element) // "Cloudflare", "AS13335 Cloudflare", "United States (US)"
			switch k.kind {
			case graph.KindProvider, graph.KindRegion:
				c = col.of(b.Element.Company)
			}
			bars = append(bars, stackedBar{label: label,
				values: []float64{100 * float64(b.Direct) / n, 100 * float64(b.Transitive) / n},
				colors: []color.Color{c, tint(c, 0.6)}})
		}
		title := fmt.Sprintf("%s by blast radius, top %d", strings.ToUpper(k.plural[:1])+k.plural[1:], len(bars))
		panels = append(panels, hbarPanel{title: title, bars: bars})
	}
	set := newHbarSet("% of the list down (one scale for all four panels)", " %", xMax, legend, panels)
	for i, k := range blastKinds {
		if len(panels[i].bars) == 0 {
			v.BlastCharts = append(v.BlastCharts, chartView{Caption: fmt.Sprintf("No %s failure takes a domain down (or none was attributed).", k.noun)})
			continue
		}
		svg, err := set.svg(panels[i])
		if err != nil {
			return fmt.Errorf("blast radius chart: %w", err)
		}
		v.BlastCharts = append(v.BlastCharts, chartView{Chart: template.HTML(svg)}) // accepted by checkSVG in svg
	}
	v.BlastNote = fmt.Sprintf("In the four charts below, each bar is the share of the %s domains that go down when the element fails: the dark part directly (all their providers on a required layer fail), the light part through a provider that itself depends on it. The four share one scale.", count(gr.Graph.Domains()))

	sd := sankeyOf(doms.Flows, doms.Reach)
	if len(sd.first) > 0 {
		svg, err := sankeySVG(sd, col, "Domains by layer → their providers → the providers those depend on", v.names)
		if err != nil {
			return err
		}
		v.Flow = template.HTML(svg) // accepted by checkSVG in sankeySVG
		var ls []string
		for _, l := range sd.layers {
			ls = append(ls, inSentence(l))
		}
		v.FlowLayers = joinAnd(ls)
	}

	sp := &spofView{}
	total := gr.Graph.Domains()
	sum := gr.spofSummary()
	sp.Domains = fmt.Sprintf("%s (%s of the list)", count(sum.Domains), pct(sum.Domains, total))
	sp.AllOnOne = fmt.Sprintf("%s (%s)", count(sum.AllOnOne), pct(sum.AllOnOne, total))
	sp.NoEscape = fmt.Sprintf("%s (%s)", count(sum.NoEscapeHatch), pct(sum.NoEscapeHatch, total))
	for _, e := range sum.Escape {
		ev := escapeView{Provider: v.names.label(e.Provider, v.names.catalogued(e.Provider)), Domains: count(e.Domains)}
		for i, d := range e.Examples {
			if i > 0 {
				ev.Examples += ", "
			}
			ev.Examples += visible(d)
		}
		if n := e.Domains - escapeExamples; n > 0 {
			ev.More = fmt.Sprintf("and %s more", count(n))
		}
		sp.Escape = append(sp.Escape, ev)
	}
	for i, p := range gr.Pairs {
		if i == 10 {
			break
		}
		sp.Pairs = append(sp.Pairs, pairView{A: v.names.label(p.A, v.names.catalogued(p.A)), B: v.names.label(p.B, v.names.catalogued(p.B)), Domains: count(p.Domains), Share: pctF(p.Share), Down: count(p.Down)})
	}
	for _, c := range gr.Cycles {
		sp.Cycles = append(sp.Cycles, visible(strings.Join(c, " ⇄ ")))
	}
	v.SPOF = sp
	return nil
}

// blastSentence is the headline on the provider with the largest blast
// radius.
func blastSentence(provider string, n, direct, transitive int, share float64) string {
	verb := "go"
	if n == 1 {
		verb = "goes"
	}
	s := fmt.Sprintf("If %s fails, %s %s down (%s of the list)", visible(provider), domains(n), verb, pctF(share))
	if transitive > 0 {
		s += fmt.Sprintf(": %s directly, %s through a provider that depends on it", count(direct), count(transitive))
	}
	return s + "."
}
