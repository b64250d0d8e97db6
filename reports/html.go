package reports

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

//go:embed report.html.tmpl
var reportTemplate string

// htmlProviderRows is the number of provider rows per layer in the HTML
// report; providers.csv has them all.
const htmlProviderRows = 25

// printProviderRows and printUncataloguedRows are the rows of the
// providers and uncatalogued operators tables a printed report shows
// (the print rules of report.html.tmpl hide the others; a test checks
// that the two agree); the caption says so when rows are left out.
const (
	printProviderRows     = 10
	printUncataloguedRows = 5
)

// htmlUncataloguedRows is the number of uncatalogued operators listed per
// layer.
const htmlUncataloguedRows = 10

// HHI thresholds of the US merger guidelines, shown beside each HHI as
// reference points (they were written for markets, not for DNS).
const (
	hhi2023High     = 1800 // 2023: above is highly concentrated
	hhi2010Moderate = 1500 // 2010: below is unconcentrated
	hhi2010High     = 2500 // 2010: above is highly concentrated
)

// WriteHTML writes report.html: one self-contained page (no external
// script, style, font or image; one small script of ours, allowed by its
// hash in the page's Content-Security-Policy) with the headline, the
// charts and tables of each layer, the blast radius of providers,
// regions, ASes and countries when run.Graph is set, a flow chart, the
// single points of failure, a table of every domain in results, the
// methodology and the provenance of the run. Every string from the data
// is escaped by html/template; the charts are inlined only after checkSVG
// has accepted them.
func WriteHTML(w io.Writer, run *Run, results []classify.Result, sum *metrics.Summary) error {
	return WriteHTMLDomains(w, run, NewHTMLDomains(complete(run, sum), results), sum)
}

// WriteHTMLDomains writes report.html as WriteHTML does, with the parts
// on the list's domains from doms instead of from the classified
// domains: for an engine that holds no domain in memory
// (pipeline.DuckDBEngine). nil doms leaves those parts empty.
func WriteHTMLDomains(w io.Writer, run *Run, doms *HTMLDomains, sum *metrics.Summary) error {
	run = complete(run, sum)
	if doms == nil {
		doms = NewHTMLDomains(run, nil)
	}
	v, err := newView(run, doms, sum)
	if err != nil {
		return err
	}
	t, err := template.New("report").Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("parse report template: %w", err)
	}
	if err := t.Execute(w, v); err != nil {
		return fmt.Errorf("write report.html: %w", err)
	}
	return nil
}

// view is what the template shows: every number already formatted, every
// string from the data passed through visible.
type view struct {
	Simulated bool
	// Missing is the warning of a run whose data is missing
	// (DataMissing); the concentration figures are then not read.
	Missing    string
	Domains    string
	Resolved   string
	Critical   string // the headline sentence on the most critical provider
	Glance     []glanceRow
	Layers     []layerView
	Provenance []pair
	RefData    []refView
	Statuses   []statusView
	Generated  string
	Blast      []blastView
	// BlastPrintNote says how many rows of Blast a printed report shows,
	// when it shows fewer.
	BlastPrintNote string
	// BlastHeadline names the provider whose failure takes the most
	// domains down.
	BlastHeadline string
	HHIChart      template.HTML // checked by checkSVG
	BlastCharts   []chartView
	// BlastNote says what the bars of BlastCharts are, once for all.
	BlastNote string
	Flow      template.HTML // checked by checkSVG
	// FlowLayers names the layers the flow chart draws ("DNS, CDN,
	// hosting and e-mail"), for its caption.
	FlowLayers string
	SPOF       *spofView
	// Exec is the executive summary: plain sentences on the providers
	// whose failure takes down most of the list, the domains without
	// redundancy on DNS and the cloud region with the largest blast
	// radius.
	Exec []string
	// Tops are the key figures of the top of a ranked list beside the
	// whole list; nil when the list has no ranks or is not longer than
	// the smallest cut.
	Tops *topsView
	// DomainData is the table of every domain as tab-separated lines,
	// in pieces of whole lines (DomainTable.Pieces): each is escaped as
	// the whole text would be, since no line holds a piece's end.
	DomainData []string
	// TableNote says that the table holds only the first domains of a
	// list longer than MaxTableDomains; empty when it holds them all.
	TableNote string
	// Ranked is true when some domain of the list has a rank: the table
	// of domains shows its Rank column.
	Ranked bool
	CSP    template.HTML // the Content-Security-Policy meta element
	Script template.HTML // the table script, allowed by CSP
	// CATLD is the section on certificate authorities and TLD
	// registries, SiteCountries the concentration per country of the
	// sites; nil when the list has neither.
	CATLD         *caTLDView
	SiteCountries *siteCountriesView

	names  *Names
	labels productLabels
}

// chartView is one chart with its caption.
type chartView struct {
	Chart   template.HTML // checked by checkSVG
	Caption string
}

type blastView struct {
	Provider, Domains, Share, Weighted, Direct, Transitive string
}

type glanceRow struct {
	Layer, ID, Known, Top, HHI, EMD, Band, Critical string
	// TopShare is the share of Top, kept on one line apart from the
	// name, which may wrap between words.
	TopShare string
}

type layerView struct {
	Name, ID  string
	Chart     template.HTML // checked by checkSVG
	Lorenz    template.HTML // checked by checkSVG
	NoChart   string
	Metrics   []metricView
	Providers []providerView
	More      string
	// Uncatalogued lists the largest operators the catalog does not know.
	Uncatalogued []providerView
	// PrintNote and UncataloguedPrintNote say how many rows of each table
	// a printed report shows, when it shows fewer than there are.
	PrintNote, UncataloguedPrintNote string
	// MetricsPrintNote says which rows of the metrics table a printed
	// report leaves out.
	MetricsPrintNote string
	// PrintElsewhere, on the ca and tld layers, says that a printed
	// report shows their providers in the section on CAs and registries
	// (their tables here are left out of print).
	PrintElsewhere string
}

type metricView struct {
	Name, Value, Reading string
	// Detail marks a row a printed report leaves out (the caption says
	// so: layerView.MetricsPrintNote).
	Detail bool
}

type providerView struct {
	Provider, Domains, Share, Weighted, Critical, CriticalShare string
	// Uncatalogued marks an operator named by its registrable domain or
	// AS, not from the catalog.
	Uncatalogued bool
}

type pair struct{ Name, Value string }

type refView struct {
	Name, Date, SHA256 string
	// Path may break after each "/" (a <wbr>), never inside a name.
	Path template.HTML
}

// breakablePath returns path as HTML text that may break after each
// slash: the escaped text with a <wbr> after every "/".
func breakablePath(path string) template.HTML {
	return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(visible(path)), "/", "/<wbr>")) // escaped first
}

type statusView struct {
	Status, Count, Percent string
	// Zero: no domain has the status (left out of the printed report).
	Zero bool
}

// layerName is the display name of a layer.
func layerName(l catalog.Layer) string {
	switch l {
	case catalog.LayerDNS:
		return "DNS"
	case catalog.LayerCDN:
		return "CDN"
	case catalog.LayerHosting:
		return "Hosting"
	case catalog.LayerEmail:
		return "E-mail"
	case catalog.LayerCA:
		return "CA"
	case catalog.LayerTLD:
		return "TLD"
	}
	return visible(string(l))
}

func newView(run *Run, doms *HTMLDomains, sum *metrics.Summary) (*view, error) {
	if sum == nil {
		sum = metrics.Compute(nil, metrics.Options{})
	}
	col := newColors(sum)
	labels := productLabels{names: run.Names, services: doms.Products}
	v := &view{
		names:      run.Names,
		labels:     labels,
		Ranked:     doms.Ranked,
		CSP:        cspMeta(),
		Script:     scriptElement(),
		DomainData: doms.Table.Pieces(),
		TableNote:  doms.Table.note(sum.Domains),
		Simulated:  run.Simulated,
		Domains:    count(sum.Domains),
		Resolved:   fmt.Sprintf("%s (%s)", count(sum.Statuses[dnscrawl.StatusOK]), pct(sum.Statuses[dnscrawl.StatusOK], sum.Domains)),
		Critical:   criticalHeadline(sum, labels),
		Generated:  timestamp(run.FinishedAt),
	}
	if run.DataWarning != nil {
		v.Missing = run.DataWarning.Message
		v.Critical = "Not read: most lookups failed (see the warning above)."
	}
	for _, ls := range sum.Layers {
		lv, err := newLayerView(&ls, col, labels, v.Missing != "")
		if err != nil {
			return nil, err
		}
		v.Layers = append(v.Layers, lv)
		g := glanceRow{
			Layer: lv.Name, ID: lv.ID,
			Known:    fmt.Sprintf("%s (%s)", count(ls.Known), pct(ls.Known, ls.Domains)),
			Top:      "—",
			HHI:      "—",
			EMD:      emdValue(&ls),
			Band:     glanceHHI(&ls, v.Missing != ""),
			Critical: pct(ls.CriticalDomains, ls.Known),
		}
		if top := topThirdParty(&ls); top != nil {
			g.Top, g.TopShare = labels.of(ls.Layer, top.Provider, top.Catalogued), pctF(top.Share)
		}
		if ls.Providers > 0 {
			g.HHI = decimal(ls.HHI, 0)
		}
		v.Glance = append(v.Glance, g)
	}
	hhi, err := hhiChart(sum)
	if err != nil {
		return nil, err
	}
	if v.Missing == "" {
		v.HHIChart = hhi // its threshold lines are a reading
	}
	if err := v.addGraph(run, doms, col); err != nil {
		return nil, err
	}
	v.Exec = v.execSummary(run, sum)
	v.CATLD = newCATLDView(run, doms.TLDs, sum, labels)
	for i := range v.Layers {
		lv := &v.Layers[i]
		switch {
		case v.CATLD == nil:
		case lv.ID == "layer-"+anchor(string(catalog.LayerCA)) && len(v.CATLD.CAs) > 0:
			lv.PrintElsewhere = "In print, this layer's certificate authorities are listed in the section “Certificate authorities and TLD registries”, with the domains each takes down (on screen also here; all in providers.csv)."
		case lv.ID == "layer-"+anchor(string(catalog.LayerTLD)) && len(v.CATLD.Registries) > 0:
			lv.PrintElsewhere = "In print, this layer's registries are listed in the section “Certificate authorities and TLD registries”, with their TLDs and the domains each takes down (on screen also here; all in providers.csv)."
		}
	}
	v.SiteCountries = newSiteCountriesView(sum)
	if v.Missing == "" {
		v.Tops = topFigures(doms.Top, sum, labels)
	}
	v.Provenance = []pair{
		{"Tool version", orDash(visible(run.ToolVersion))},
		{"Started", timestamp(run.StartedAt)},
		{"Finished", timestamp(run.FinishedAt)},
		{"Input", orDash(visible(run.Input))},
		{"Input lines", count(run.Counts.Lines)},
		{"Domains analysed", count(run.Counts.Domains)},
		{"Lines that are not a domain", count(run.Counts.BadLines)},
		{"Duplicate domains", count(run.Counts.Duplicates)},
		{"Observation lines skipped", skippedObservations(run)},
		{"Resolvers", orDash(visible(strings.Join(run.Resolvers, ", ")))},
		{"Catalog version", orDash(visible(run.CatalogVersion))},
		{"Simulated data", strconv.FormatBool(run.Simulated)},
		{"Output schema version", strconv.Itoa(run.SchemaVersion)},
	}
	for _, f := range run.RefData {
		v.RefData = append(v.RefData, refView{
			Name: visible(f.Name), Date: timestamp(f.Date), SHA256: visible(f.SHA256), Path: breakablePath(f.Path),
		})
	}
	statuses := slices.Clone(dnscrawl.Statuses)
	var extra []dnscrawl.Status
	for st := range run.Statuses {
		if !slices.Contains(statuses, st) {
			extra = append(extra, st)
		}
	}
	slices.Sort(extra)
	total := 0
	for _, n := range run.Statuses {
		total += n
	}
	for _, st := range append(statuses, extra...) {
		n := run.Statuses[st]
		v.Statuses = append(v.Statuses, statusView{Status: visible(string(st)), Count: count(n), Percent: pct(n, total), Zero: n == 0})
	}
	for _, b := range run.BlastRadius {
		v.Blast = append(v.Blast, blastView{Provider: run.Names.blastElement(b.Kind, b.Element), Domains: count(b.Domains), Share: pctF(b.Share),
			Weighted: pctF(b.WeightedShare), Direct: count(b.Direct), Transitive: count(b.Transitive)})
	}
	if len(v.Blast) > printProviderRows {
		v.BlastPrintNote = fmt.Sprintf("top %d of these %d shown in print; every provider in blast.csv", printProviderRows, len(v.Blast))
	}
	return v, nil
}

func newLayerView(ls *metrics.LayerSummary, col colors, labels productLabels, missing bool) (layerView, error) {
	name := layerName(ls.Layer)
	lv := layerView{Name: name, ID: "layer-" + anchor(string(ls.Layer))}

	var bars []bar
	for _, r := range ls.Rows {
		if r.Provider == classify.SelfProvider {
			continue
		}
		if len(bars) == chartBars {
			break
		}
		bars = append(bars, bar{label: labels.of(ls.Layer, r.Provider, r.Catalogued), value: 100 * r.Share, color: col.of(r.Provider)})
	}
	if len(bars) == 0 {
		lv.NoChart = "No third-party provider was attributed on this layer."
	} else {
		title := fmt.Sprintf("%s: top %d providers by share of domains", name, len(bars))
		if len(bars) == 1 {
			title = name + ": the one provider, by share of domains"
		}
		svg, err := barChart(title, "share of domains with a known "+inSentence(name)+" provider (%)", bars)
		if err != nil {
			return lv, fmt.Errorf("chart of layer %s: %w", ls.Layer, err)
		}
		lv.Chart = template.HTML(svg) // accepted by checkSVG in hbarSet.svg
	}
	if ls.Providers > 1 && len(ls.LorenzX) > 2 {
		svg, err := lorenzChart(name+": Lorenz curve of providers", ls.LorenzX, ls.LorenzY, accent)
		if err != nil {
			return lv, fmt.Errorf("Lorenz curve of layer %s: %w", ls.Layer, err)
		}
		lv.Lorenz = template.HTML(svg) // accepted by checkSVG in render
	}

	known := func(n int) string { return fmt.Sprintf("%s (%s of known)", count(n), pct(n, ls.Known)) }
	list := func(n int) string { return fmt.Sprintf("%s (%s of the list)", count(n), pct(n, ls.Domains)) }
	conc := func(s string) string {
		if ls.Providers == 0 {
			return "—"
		}
		return s
	}
	lv.Metrics = []metricView{
		{"Domains in the list", count(ls.Domains), "", false},
		{"Provider known", list(ls.Known), "the base of shares and rates below", false},
		{"Layer not used", list(ls.None), "resolved, no such service (no MX, no CDN)", false},
		{"Provider not identified", list(ls.Unattributed), "records present, no operator could be named", false},
		{"Lookups failed", list(ls.Unresolved), "counted, never dropped", false},
		{notMeasuredRow, list(ls.NotMeasured), "no TLS probe in the crawl: outside every base, not counted as no CA", false},
		{"Third-party providers", count(ls.Providers), "", false},
		{"Self-hosted", known(ls.SelfHosted), "excluded from the concentration figures", false},
		{"HHI", conc(decimal(ls.HHI, 0)), readHHI(ls, missing), false},
		{"HHI 95 % interval", conc(hhiInterval(ls)), "bootstrap over the domains of the list", false},
		{"EMD", emdValue(ls), "0 a provider per domain, near 0.5 one for all or few for many; see Methodology", false},
		{"Rank-weighted HHI", conc(decimal(ls.WeightedHHI, 0)), "each domain weighted 1/rank", false},
		{"CR1 / CR3 / CR5", conc(pctF(ls.CR1) + " / " + pctF(ls.CR3) + " / " + pctF(ls.CR5)), crReading, false},
		{"Gini coefficient", conc(decimal(ls.Gini, 3)), "inequality among the providers present", false},
		{"Entropy", conc(decimal(ls.EntropyBits, 3) + " bits (" + decimal(ls.EntropyNorm, 3) + " of maximum)"), "", false},
		{"Effective number of providers", conc(decimal(ls.EffectiveN, 2)), "10,000 / HHI", false},
		{"Critically dependent", known(ls.CriticalDomains), "one third-party provider, no alternative", false},
		{"Redundant", known(ls.RedundantDomains), "two providers or more (self-hosting counts)", false},
	}
	// How the providers were named (metrics.csv, by_* columns): details
	// a printed report leaves out.
	switch ls.Layer {
	case catalog.LayerCA:
		// A CA is named by the issuer of the certificate, never by a
		// company's domain or an address.
		lv.Metrics = append(lv.Metrics,
			metricView{"Named by the certificate's issuer", known(ls.Coverage.Suffix), "the issuer (or a CA up its chain) is a catalogued CA", true},
			metricView{"Self-signed", known(ls.Coverage.Self), "the site's own certificate", true},
			metricView{"Named by the issuer's organisation only", known(ls.Coverage.Uncatalogued), "CAs outside the catalog (marked ◦)", true})
	case catalog.LayerTLD:
		lv.Metrics = append(lv.Metrics,
			metricView{"Named from the root zone database", known(ls.Coverage.Suffix), "the TLD's registry is a catalogued company", true},
			metricView{"Registry outside the catalog", known(ls.Coverage.Uncatalogued), "named by its sponsoring organisation (marked ◦)", true})
	default:
		lv.Metrics = append(lv.Metrics,
			metricView{"Named by a product suffix", known(ls.Coverage.Suffix), "name server, CNAME or MX under a catalogued product's suffix", true},
			metricView{"Named by a company's domain", known(ls.Coverage.OwnerDomain), "a name under a domain a catalogued company operates", true},
			metricView{"Named by address", known(ls.Coverage.Address), "a catalogued provider's published range or AS", true},
			metricView{"Self-hosted only", known(ls.Coverage.Self), "the site's own servers", true},
			metricView{"Named by registrable domain or AS only", known(ls.Coverage.Uncatalogued), "operators outside the catalog (marked ◦)", true})
	}
	if ls.Layer != catalog.LayerCA && ls.NotMeasured == 0 {
		// Only the ca layer can be left unmeasured (no TLS probe).
		lv.Metrics = slices.DeleteFunc(lv.Metrics, func(m metricView) bool { return m.Name == notMeasuredRow })
	}
	details := 0
	for _, m := range lv.Metrics {
		if m.Detail {
			details++
		}
	}
	lv.MetricsPrintNote = fmt.Sprintf("the %d rows on how the providers were named left out in print; in metrics.csv", details)
	row := func(r *metrics.ProviderRow) providerView {
		return providerView{
			Provider:      labels.of(ls.Layer, r.Provider, true),
			Domains:       count(r.Domains),
			Share:         pctF(r.Share),
			Weighted:      pctF(r.WeightedShare),
			Critical:      count(r.CriticalDomains),
			CriticalShare: pctF(r.CriticalShare),
			Uncatalogued:  !r.Catalogued,
		}
	}
	for i := range ls.Rows {
		if i == htmlProviderRows {
			lv.More = fmt.Sprintf("%s more providers are listed in providers.csv.", count(len(ls.Rows)-i))
			break
		}
		lv.Providers = append(lv.Providers, row(&ls.Rows[i]))
	}
	uncatalogued := 0
	for i := range ls.Rows {
		if !ls.Rows[i].Catalogued {
			uncatalogued++
			if len(lv.Uncatalogued) < htmlUncataloguedRows {
				lv.Uncatalogued = append(lv.Uncatalogued, row(&ls.Rows[i]))
			}
		}
	}
	if n := len(ls.Rows); n > printProviderRows {
		lv.PrintNote = fmt.Sprintf("top %d of %s shown in print; full list in providers.csv", printProviderRows, count(n))
	}
	if uncatalogued > printUncataloguedRows {
		lv.UncataloguedPrintNote = fmt.Sprintf("top %d of %s shown in print; full list in providers.csv", printUncataloguedRows, count(uncatalogued))
	}
	return lv, nil
}

// notMeasuredRow names the metrics row of the domains a layer was not
// measured on.
const notMeasuredRow = "Not measured"

// inSentence writes a layer name as it reads inside a sentence: acronyms
// stay upper case, other names go lower case.
func inSentence(name string) string {
	if name == strings.ToUpper(name) {
		return name
	}
	return strings.ToLower(name)
}

// topThirdParty returns the largest third-party provider row of a layer.
func topThirdParty(ls *metrics.LayerSummary) *metrics.ProviderRow {
	for i := range ls.Rows {
		if ls.Rows[i].Provider != classify.SelfProvider {
			return &ls.Rows[i]
		}
	}
	return nil
}

// criticalHeadline names the provider with the most critically dependent
// domains on any layer; ties go to the earlier layer, then to the row
// order of the summary.
func criticalHeadline(sum *metrics.Summary, labels productLabels) string {
	var best *metrics.ProviderRow
	for i := range sum.Layers {
		if sum.Layers[i].Layer == catalog.LayerTLD {
			// A TLD has one registry: every domain depends on it alone,
			// by construction, and the section on registries says so.
			continue
		}
		for j := range sum.Layers[i].Rows {
			r := &sum.Layers[i].Rows[j]
			if r.CriticalDomains > 0 && (best == nil || r.CriticalDomains > best.CriticalDomains) {
				best = r
			}
		}
	}
	if best == nil {
		return "No domain depends on a single third-party provider for any layer."
	}
	return fmt.Sprintf("%s is the only %s provider of %s (%s of the list).",
		labels.of(best.Layer, best.Provider, best.Catalogued), inSentence(layerName(best.Layer)), domains(best.CriticalDomains), pct(best.CriticalDomains, sum.Domains))
}

// hhi2010Band names the band of the 2010 US merger guidelines that an HHI
// value falls in.
func hhi2010Band(h float64) string {
	switch {
	case h < hhi2010Moderate:
		return "unconcentrated"
	case h <= hhi2010High:
		return "moderately concentrated"
	}
	return "highly concentrated"
}

// hhiBand reads an HHI against the US merger guidelines of 2010 and 2023.
func hhiBand(ls *metrics.LayerSummary) string {
	if ls.Providers == 0 {
		return "no third-party provider"
	}
	h := ls.HHI
	band := hhi2010Band(h)
	rel := "below"
	if h > hhi2023High {
		rel = "above"
	}
	return fmt.Sprintf("%s (2010 bands 1,500 / 2,500); %s the 2023 threshold of 1,800", band, rel)
}

// notRead replaces the reading of a concentration figure when the data
// is missing.
const notRead = "Not read: the data is missing"

// readHHI is hhiBand, or notRead when the data is missing.
// glanceHHI is readHHI in the few words the at a glance table has room
// for beside the EMD ("highly concentrated (2010); above 1,800 (2023)");
// the layer's metrics table reads it in full.
func glanceHHI(ls *metrics.LayerSummary, missing bool) string {
	if missing || ls.Providers == 0 {
		return readHHI(ls, missing)
	}
	rel := "below"
	if ls.HHI > hhi2023High {
		rel = "above"
	}
	return fmt.Sprintf("%s (2010); %s 1,800 (2023)", hhi2010Band(ls.HHI), rel)
}

func readHHI(ls *metrics.LayerSummary, missing bool) string {
	if missing {
		return notRead
	}
	return hhiBand(ls)
}

// skippedObservations says how many observation lines analyze skipped,
// and where: "3 (obs.jsonl: lines 2, 4, 6)".
func skippedObservations(run *Run) string {
	s := count(run.Counts.SkippedObservations)
	var where []string
	for _, f := range run.ObservationFiles {
		if f.Skipped == 0 {
			continue
		}
		w := visible(f.Path) + ": " + count(f.Skipped)
		if len(f.SkippedLines) > 0 {
			var ls []string
			for _, l := range f.SkippedLines {
				ls = append(ls, strconv.Itoa(l))
			}
			w += " (lines " + strings.Join(ls, ", ")
			if f.Skipped > len(f.SkippedLines) {
				w += ", …"
			}
			w += ")"
		}
		where = append(where, w)
	}
	if len(where) > 0 {
		s += " — " + strings.Join(where, "; ")
	}
	return s
}

// anchor makes an id attribute value out of s.
func anchor(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, strings.ToLower(s))
}

// count formats n with thousands separators: 1234567 -> "1,234,567".
func count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// domains formats a number of domains: "1 domain", "1,200 domains".
func domains(n int) string {
	if n == 1 {
		return "1 domain"
	}
	return count(n) + " domains"
}

// decimal formats x with the given decimals and thousands separators.
func decimal(x float64, decimals int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "—"
	}
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(intPart)
	if err != nil {
		return s
	}
	out := count(n)
	if intPart == "-0" {
		out = "-0"
	}
	if frac != "" {
		out += "." + frac
	}
	return out
}

// pct formats n/d as a percentage with one decimal; "—" when d is 0.
func pct(n, d int) string {
	if d == 0 {
		return "—"
	}
	return pctF(float64(n) / float64(d))
}

// pctF formats a fraction as a percentage with one decimal.
func pctF(f float64) string { return decimal(100*f, 1) + " %" }

func timestamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
