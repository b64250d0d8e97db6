package simnet

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/gocarina/gocsv"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Truth is what a correct crawl and classification must find for one
// domain: its status and, per layer, the sorted set of catalog provider
// IDs ("self" for self-hosted). A layer is empty when the domain does not
// use it or when no provider can be named from what DNS shows (an origin
// hidden behind a CDN, a server at an ISP the catalog does not know).
//
// The sets follow the classifier's rules: dns by NS host suffix, "self"
// for name servers under the domain; for the apex and www separately, the
// provider of each CNAME hop matching a catalog suffix, then the provider
// of the final addresses' AS when it is a CDN, or when it is a hosting
// provider and no CDN matched on that host's chain; email by MX host
// suffix, "self" for mail servers under the domain.
type Truth struct {
	Rank    int
	Domain  string
	Status  dnscrawl.Status
	DNS     []string
	CDN     []string
	Hosting []string
	Email   []string
}

// Providers returns the expected providers of t on layer l.
func (t *Truth) Providers(l catalog.Layer) []string {
	switch l {
	case catalog.LayerDNS:
		return t.DNS
	case catalog.LayerCDN:
		return t.CDN
	case catalog.LayerHosting:
		return t.Hosting
	case catalog.LayerEmail:
		return t.Email
	}
	return nil
}

var statusNames = [...]dnscrawl.Status{
	statusOK:       dnscrawl.StatusOK,
	statusNXDomain: dnscrawl.StatusNXDomain,
	statusServFail: dnscrawl.StatusServFail,
	statusTimeout:  dnscrawl.StatusTimeout,
}

// TruthAt returns the ground truth of the domain of rank r (1-based).
func (in *Internet) TruthAt(rank int) Truth {
	var p plan
	in.makePlan(&p, rank-1)
	return p.truth()
}

// Truth returns the ground truth of every domain, in rank order. For large
// populations prefer Truths, which does not hold them all at once.
func (in *Internet) Truth() []Truth {
	out := make([]Truth, 0, len(in.doms))
	for t := range in.Truths() {
		out = append(out, t)
	}
	return out
}

// Truths yields the ground truth of every domain, in rank order.
func (in *Internet) Truths() iter.Seq[Truth] {
	return func(yield func(Truth) bool) {
		var p plan
		for i := range in.doms {
			in.makePlan(&p, i)
			if !yield(p.truth()) {
				return
			}
		}
	}
}

func (p *plan) truth() Truth {
	t := Truth{Rank: p.idx + 1, Domain: p.name, Status: statusNames[p.d.status]}
	if p.d.status != statusOK {
		return t
	}
	for _, ns := range p.ns {
		switch {
		case ns.self != 0:
			t.DNS = append(t.DNS, Self)
		case ns.st.tag != "":
			t.DNS = append(t.DNS, ns.st.tag)
		}
	}
	for h := range p.host {
		hp := &p.host[h]
		if !hp.exists {
			continue
		}
		cdn := false
		for _, x := range hp.hops[:hp.n] {
			id := x.provider()
			if id == "" {
				continue
			}
			if webLayers[id] == catalog.LayerCDN {
				t.CDN = append(t.CDN, id)
				cdn = true
			} else {
				t.Hosting = append(t.Hosting, id)
			}
		}
		switch id := p.addrProvider(hp); {
		case id == "":
		case webLayers[id] == catalog.LayerCDN:
			t.CDN = append(t.CDN, id)
		case !cdn:
			t.Hosting = append(t.Hosting, id)
		}
	}
	for _, m := range p.mx {
		switch {
		case m.self:
			t.Email = append(t.Email, Self)
		case m.st != nil:
			if m.st.tag != "" {
				t.Email = append(t.Email, m.st.tag)
			}
		default:
			t.Email = append(t.Email, famSpecs[m.fam].tag)
		}
	}
	for _, s := range []*[]string{&t.DNS, &t.CDN, &t.Hosting, &t.Email} {
		slices.Sort(*s)
		*s = slices.Compact(*s)
	}
	return t
}

// truthRow is one line of the truth CSV: one expected dependency, or an
// empty provider_id for a layer without any.
type truthRow struct {
	Rank       int    `csv:"rank"`
	Domain     string `csv:"domain"`
	Status     string `csv:"status"`
	Layer      string `csv:"layer"`
	ProviderID string `csv:"provider_id"`
}

// WriteTruth writes the ground truth as CSV (rank, domain, status, layer,
// provider_id): one row per expected dependency, in rank and layer order,
// and one row with an empty provider_id for each layer without one.
func (in *Internet) WriteTruth(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	rows := make([]truthRow, 0, 4096)
	header := true
	flush := func() error {
		var err error
		if header {
			err = gocsv.Marshal(rows, bw)
			header = false
		} else {
			err = gocsv.MarshalWithoutHeaders(rows, bw)
		}
		rows = rows[:0]
		return err
	}
	for t := range in.Truths() {
		for _, l := range catalog.Layers {
			ids := t.Providers(l)
			if len(ids) == 0 {
				rows = append(rows, truthRow{t.Rank, t.Domain, string(t.Status), string(l), ""})
			}
			for _, id := range ids {
				rows = append(rows, truthRow{t.Rank, t.Domain, string(t.Status), string(l), id})
			}
		}
		if len(rows) >= 4000 {
			if err := flush(); err != nil {
				return fmt.Errorf("write truth: %w", err)
			}
		}
	}
	if len(rows) > 0 || header {
		if err := flush(); err != nil {
			return fmt.Errorf("write truth: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write truth: %w", err)
	}
	return nil
}

// WriteDomainList writes the population as a plain list, one domain per
// line in rank order, after a comment line saying it is simulated.
func (in *Internet) WriteDomainList(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	fmt.Fprintf(bw, "# simulated internet (chokepoint simnet, seed %d, %d domains): synthetic names served only by the simulator on 127.0.0.1, not real sites\n", in.seed, len(in.doms))
	for i := range in.doms {
		bw.WriteString(in.name(i))
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write domain list: %w", err)
	}
	return nil
}
