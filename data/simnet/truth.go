package simnet

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Truth is what a correct crawl and classification must find for one
// domain: its status and, per layer, the sorted set of dependency ids, as
// classify.Dependency.ID writes them:
//
//   - a catalog provider id, "<company>-<service>" ("cloudflare-dns"), or
//     "<company>-unknown" for a name under a company's own domain when the
//     catalog gives the company no product on that layer (and no other
//     evidence of the domain names one of its products there);
//   - "self" for self-hosting;
//   - an operator the catalog does not know, by the registrable domain of
//     its name servers, CNAME target or mail exchangers ("amberpeakdns.net";
//     for name servers spread over TLD variants, the smallest of them);
//   - a network the catalog does not know, by its AS: "as64700".
//
// A layer is empty when the domain does not use it or when nothing can be
// named (the origin behind a CDN).
//
// The sets follow the rules of analysis/classify (the attribution rules
// of its README), applied to the plan. DNS, per name server: the product
// NS suffix or catalog owner domain it is under; ns1/ns2 under the domain
// on a DNS provider's addresses (vanity) that provider, on the domain's
// ISP self; any other its operator's registrable domain. Every such
// operator serves two domains of the population or more (Generate sees
// to it), so none of them is the site itself, whatever its SOA says. Web,
// for the apex and www separately: the provider of each CNAME hop under a
// product suffix or owner domain; the provider of the final addresses
// when it is a CDN, or a hosting provider and no CDN is on that host's
// path, unless a hop named its company (the address then only adds a
// region to that product); when none of that names anything, the last CNAME hop outside the
// domain (self when the domain's own name servers serve its zone, a
// private CDN; else its registrable domain), or else the AS of the
// addresses. E-mail, per MX host: suffix or owner domain, "self" under
// the domain, else the registrable domain.
//
// The truth assumes that the list classified is the whole population,
// as the end-to-end test crawls it: the sharing of an operator is counted
// over the list.
//
// The layers of issue 12 (tls.go, tld.go):
//   - TLD: every resolving domain has exactly one: the registry operator
//     of its TLD (the last label of its public suffix) with the TLD as
//     service, "verisign-com", "nominet-uk" (TLDID); like every layer,
//     none for a domain that does not resolve (the TLDName and Registry
//     facts are there for all).
//   - CA: the issuer of the leaf certificate www serves, or the apex's
//     when www serves no TLS (or does not exist): the CA's catalog id
//     ("letsencrypt-ca", "google-trustservices"), an expired certificate
//     counting for its issuer; "self" for a self-signed certificate; a
//     CA the catalog does not know by its issuer organisation, lower
//     case, words joined by "-" ("quillmark-trust-services-ltd", which
//     Uncatalogued recognises). Empty when neither host
//     serves TLS, and for domains that do not resolve. CAStapled says
//     whether that host staples an OCSP response; Cert is the state of
//     its certificate (ok, expired, self_signed, or none).
//   - HeaderCDN: the CDN of www that only the HTTP headers show (an
//     address outside every range file, no CNAME). It is not in CDN,
//     which holds what the DNS answers and the range files show; the
//     truth CSV lists it as a cdn row with source http_header, and
//     ProvidersProbed adds it to the cdn layer. It changes no other
//     layer: the address still names the hosting.
type Truth struct {
	Rank    int
	Domain  string
	Status  dnscrawl.Status
	DNS     []string
	CDN     []string
	Hosting []string
	Email   []string

	CA        []string
	TLD       []string
	HeaderCDN []string
	// TLDName is the domain's TLD ("uk"), Registry the company id of its
	// sponsoring organisation and RegistryBackEnd of the back-end
	// operator when another company runs the registry ("" otherwise).
	TLDName         string
	Registry        string
	RegistryBackEnd string
	CAStapled       bool
	Cert            string
	// Delegation is the domain's delegation as the delegation tree
	// (ServeTree) serves it, with the lame servers and the parent/child
	// mismatch planted in the population (delegation.go); zero for a
	// domain that is not delegated. The recursive-style server hides it,
	// as a recursive resolver does.
	Delegation TruthDelegation
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
	case catalog.LayerCA:
		return t.CA
	case catalog.LayerTLD:
		return t.TLD
	}
	return nil
}

// ProvidersProbed is Providers for a crawl that ran the TLS and HTTP
// probes: the cdn layer adds the CDN only the headers show.
func (t *Truth) ProvidersProbed(l catalog.Layer) []string {
	if l == catalog.LayerCDN && len(t.HeaderCDN) > 0 {
		ids := slices.Concat(t.CDN, t.HeaderCDN)
		slices.Sort(ids)
		return slices.Compact(ids)
	}
	return t.Providers(l)
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
	t := Truth{Rank: p.idx + 1, Domain: p.name, Status: statusNames[p.d.status], Cert: certKindNames[certNone]}
	tld, reg := p.tldOf()
	t.TLDName, t.Registry, t.RegistryBackEnd = tld, reg.id, reg.backEnd
	t.Delegation, _ = p.delegation()
	if p.d.status != statusOK {
		return t
	}
	t.TLD = []string{TLDID(reg.id, tld)}
	tp := p.tlsPlan()
	if _, c, ok := tp.webCert(); ok {
		t.Cert, t.CAStapled = certKindNames[c.kind], c.stapled
		if c.kind == certSelfSigned {
			t.CA = []string{Self}
		} else {
			t.CA = []string{caSpecs[c.ca].id}
		}
	}
	if tp.headerCDN != "" {
		t.HeaderCDN = []string{tp.headerCDN}
	}
	for _, ns := range p.ns {
		switch {
		case ns.self != 0:
			t.DNS = append(t.DNS, p.selfNSID())
		case ns.st.tag != "":
			t.DNS = append(t.DNS, ns.st.tag)
		case ns.st.op != "":
			t.DNS = append(t.DNS, ns.st.op)
		}
	}
	for h := range p.host {
		hp := &p.host[h]
		if !hp.exists {
			continue
		}
		cdn, named := false, false
		var last hop     // the last hop outside the domain that no catalog entry names
		var hopCo string // the company a hop named (one per chain in the model)
		for _, x := range hp.hops[:hp.n] {
			if id := x.provider(); id != "" {
				if webLayer(id) == catalog.LayerCDN {
					t.CDN = append(t.CDN, id)
					cdn = true
				} else {
					t.Hosting = append(t.Hosting, id)
				}
				named, hopCo = true, company(id)
				continue
			}
			if x.fam != famDomain {
				last = x
			}
		}
		n := p.addrNetwork(hp)
		switch id := n.Provider; {
		case id == "":
		case webLayer(id) == "":
			named = true // a DNS operator's space says nothing of the web, and names no AS
		case company(id) == hopCo:
			// The company a CNAME named: its address only adds a region
			// to that product (an ELB name on EC2's ranges).
		case webLayer(id) == catalog.LayerCDN:
			t.CDN = append(t.CDN, id)
			cdn, named = true, true
		case !cdn:
			t.Hosting = append(t.Hosting, id)
			named = true
		}
		switch {
		case named:
		case last.st != nil:
			t.Hosting = append(t.Hosting, last.st.op)
		case last.fam == famPrivateCDN:
			t.Hosting = append(t.Hosting, Self)
		case last.fam == famHostCo:
			t.Hosting = append(t.Hosting, p.hostco().id)
		case n.Provider == "" && !cdn:
			t.Hosting = append(t.Hosting, ASID(n.ASN))
		}
	}
	for _, m := range p.mx {
		switch {
		case m.self:
			t.Email = append(t.Email, Self)
		case m.st != nil && m.st.tag != "":
			t.Email = append(t.Email, m.st.tag)
		case m.st != nil:
			t.Email = append(t.Email, m.st.op)
		default:
			t.Email = append(t.Email, famSpecs[m.fam].tag)
		}
	}
	for _, s := range []*[]string{&t.DNS, &t.CDN, &t.Hosting, &t.Email} {
		slices.Sort(*s)
		*s = dropSubsumed(slices.Compact(*s))
	}
	return t
}

// company is the company of a catalog id ("amazon" for "amazon-elb").
func company(id string) string {
	co, _, _ := strings.Cut(id, "-")
	return co
}

// dropSubsumed removes the "<company>-unknown" ids of a layer's sorted
// ids when another names one of the company's products: the product says
// more.
func dropSubsumed(ids []string) []string {
	return slices.DeleteFunc(ids, func(id string) bool {
		co, ok := strings.CutSuffix(id, "-unknown")
		return ok && slices.ContainsFunc(ids, func(o string) bool { return o != id && strings.HasPrefix(o, co+"-") })
	})
}

// selfNSID is the truth id of ns1/ns2 under the domain: the DNS provider
// whose addresses they have, or self.
func (p *plan) selfNSID() string {
	switch p.selfNSKind() {
	case dnsVanityCF:
		return pCloudflareDNS
	case dnsVanityR53:
		return pRoute53
	case dnsVanityNS1:
		return pNS1
	}
	return Self
}

// ASID is the truth id of a network the catalog does not know: "as64700".
func ASID(asn uint32) string { return "as" + strconv.FormatUint(uint64(asn), 10) }

// Uncatalogued reports whether a truth id names an operator the catalog
// does not know: a registrable domain, an AS ("as64700"), or a simulated
// CA the catalog does not know (by its issuer organisation); not a
// catalog provider id, "<company>-unknown" or "self".
func Uncatalogued(id string) bool {
	if strings.Contains(id, ".") || id == caSpecs[caQuillmark].id {
		return true
	}
	digits, ok := strings.CutPrefix(id, "as")
	if !ok || digits == "" {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// truthRow is one line of the truth CSV: one expected dependency, or an
// empty provider_id for a layer without any.
//
// The columns after provider_id describe the domain, the same on each of
// its rows: tld, registry and registry_backend (TLD layer), ca,
// ca_stapled and cert (the certificate the CA layer is read from, see
// Truth); source is "http_header" on a cdn row that only the HTTP
// headers show, "" otherwise.
type truthRow struct {
	Rank            int    `csv:"rank"`
	Domain          string `csv:"domain"`
	Status          string `csv:"status"`
	Layer           string `csv:"layer"`
	ProviderID      string `csv:"provider_id"`
	Source          string `csv:"source"`
	TLD             string `csv:"tld"`
	Registry        string `csv:"registry"`
	RegistryBackEnd string `csv:"registry_backend"`
	CA              string `csv:"ca"`
	CAStapled       string `csv:"ca_stapled"`
	Cert            string `csv:"cert"`
}

// WriteTruth writes the ground truth as CSV (rank, domain, status, layer,
// provider_id, then the columns truthRow describes): one row per expected
// dependency, in rank and layer order, and one row with an empty
// provider_id for each layer without one.
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
		base := truthRow{Rank: t.Rank, Domain: t.Domain, Status: string(t.Status), TLD: t.TLDName,
			Registry: t.Registry, RegistryBackEnd: t.RegistryBackEnd, Cert: t.Cert}
		if len(t.CA) > 0 {
			base.CA, base.CAStapled = t.CA[0], strconv.FormatBool(t.CAStapled)
		}
		// The layers the catalog knows: ca and tld rows appear once
		// catalog.Layers lists them, so that readers of this file never
		// meet a layer they cannot parse.
		for _, l := range catalog.Layers {
			r := base
			r.Layer = string(l)
			ids := t.Providers(l)
			if len(ids) == 0 && (l != catalog.LayerCDN || len(t.HeaderCDN) == 0) {
				rows = append(rows, r)
			}
			for _, id := range ids {
				r.ProviderID = id
				rows = append(rows, r)
			}
			if l == catalog.LayerCDN {
				for _, id := range t.HeaderCDN {
					r.ProviderID, r.Source = id, "http_header"
					rows = append(rows, r)
				}
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
