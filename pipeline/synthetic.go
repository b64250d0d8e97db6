package pipeline

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
	"github.com/chokepoint-dev/chokepoint/data/simnet"
)

// SyntheticSummary is what WriteSyntheticTables wrote.
type SyntheticSummary struct {
	Domains, Dependencies, Addresses int
}

// WriteSyntheticTables writes the tables Classify would write for the
// simulated internet in, without crawling or classifying it: straight
// from its ground truth (simnet.Internet.Truths, the market model), into
// shards shards (domain of rank r in shard r mod shards) under dir, for
// measuring the SQL analysis on lists too large to crawl here (ten
// million domains' observations would be about 37 GB). Every domain,
// provider and state follows the model; what the truth does not give is
// made up deterministically and said so here: evidence by layer (a
// catalogued provider named by suffix on dns, cdn and email, by address
// on hosting, by issuer and TLD on ca and tld; an uncatalogued one by
// registrable domain), one address per provider and layer (dns only for
// self-hosted name servers, as by-name ones record none) from a network
// the simulation gives that provider (any of its company's; for self and
// uncatalogued operators one without a provider), with that network's
// AS, country and region. No domain is pending; run FinishClassified
// afterwards for the global tables.
func WriteSyntheticTables(ctx context.Context, in *simnet.Internet, cat *catalog.Catalog, dir string, shards, partRows int) (SyntheticSummary, error) {
	var sum SyntheticSummary
	if shards < 1 {
		return sum, inputf("synthetic tables: %d shards, want 1 or more", shards)
	}
	if partRows <= 0 {
		partRows = DefaultPartRows
	}
	type shardWriters struct {
		doms  *partWriter[DomainTableRow]
		deps  *partWriter[DependencyTableRow]
		addrs *partWriter[AddressTableRow]
		edges *partWriter[EdgeTableRow]
		pend  *partWriter[PendingTableRow]
	}
	ws := make([]shardWriters, shards)
	for k := range ws {
		shard := func(t string) string { return filepath.Join(dir, t, fmt.Sprintf("shard=%d", k)) }
		var errs [5]error
		ws[k].doms, errs[0] = newPartWriter[DomainTableRow](shard(TableDomains), partRows)
		ws[k].deps, errs[1] = newPartWriter[DependencyTableRow](shard(TableDependencies), partRows)
		ws[k].addrs, errs[2] = newPartWriter[AddressTableRow](shard(TableAddresses), partRows)
		ws[k].edges, errs[3] = newPartWriter[EdgeTableRow](shard(TableEdges), partRows)
		ws[k].pend, errs[4] = newPartWriter[PendingTableRow](shard(TablePending), partRows)
		if err := errors.Join(errs[:]...); err != nil {
			return sum, err
		}
	}
	// The networks of each company, and those of no provider.
	nets := map[string][]simnet.Network{}
	for _, n := range in.Networks() {
		co := ""
		if p, ok := cat.Provider(n.Provider); ok {
			co = p.Company
		}
		nets[co] = append(nets[co], n)
	}
	var r classify.Result
	var depRows []DependencyTableRow
	var addrRows []AddressTableRow
	i := 0
	for t := range in.Truths() {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return sum, err
			}
		}
		i++
		syntheticResult(&r, &t, cat, nets)
		w := &ws[t.Rank%shards]
		depRows = dependencyTableRows(depRows[:0], &r)
		fillKeys(depRows)
		addrRows = addressTableRows(addrRows[:0], &r, dnsByName(&r))
		sum.Domains++
		sum.Dependencies += len(depRows)
		sum.Addresses += len(addrRows)
		row := domainTableRow(&r)
		row.Simulated = true
		if err := errors.Join(w.doms.Write(row), w.deps.Write(depRows...), w.addrs.Write(addrRows...)); err != nil {
			return sum, err
		}
	}
	for k := range ws {
		w := &ws[k]
		if err := errors.Join(w.doms.Close(), w.deps.Close(), w.addrs.Close(), w.edges.Close(), w.pend.Close()); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// syntheticLayers are the layers of a synthetic result, in order.
var syntheticLayers = []catalog.Layer{catalog.LayerDNS, catalog.LayerCDN, catalog.LayerHosting, catalog.LayerEmail, catalog.LayerCA, catalog.LayerTLD}

// syntheticResult sets r to the classification the truth t describes.
func syntheticResult(r *classify.Result, t *simnet.Truth, cat *catalog.Catalog, nets map[string][]simnet.Network) {
	*r = classify.Result{Domain: t.Domain, Rank: t.Rank, Status: t.Status,
		States: make(map[catalog.Layer]classify.State, len(syntheticLayers)), OCSPStapled: t.CAStapled, NoOCSPFetch: t.CAStapled}
	var deps []classify.Dependency
	var addrs []classify.AddrInfo
	if t.Status != dnscrawl.StatusOK {
		r.Error = strings.ToUpper(string(t.Status))
	}
	for _, l := range syntheticLayers {
		ids := t.Providers(l)
		switch {
		case len(ids) > 0:
			r.States[l] = classify.StateKnown
		case t.Status != dnscrawl.StatusOK:
			r.States[l] = classify.StateUnresolved
		case l == catalog.LayerDNS || l == catalog.LayerHosting:
			r.States[l] = classify.StateUnattributed
		default:
			r.States[l] = classify.StateNone
		}
		for _, id := range ids {
			d := classify.Dependency{Domain: t.Domain, Rank: t.Rank, Layer: l, Confidence: 1, ThirdParty: true}
			p, catalogued := cat.Provider(id)
			switch {
			case id == classify.SelfProvider:
				d.Provider, d.Service, d.ThirdParty = classify.SelfProvider, classify.SelfProvider, false
				d.Evidence, d.EvidenceValue = classify.EvidenceSelf, t.Domain
			case catalogued:
				d.Provider, d.Service = p.Company, p.Service
				d.Evidence = map[catalog.Layer]classify.Evidence{
					catalog.LayerDNS: classify.EvidenceNSSuffix, catalog.LayerCDN: classify.EvidenceCNAMESuffix,
					catalog.LayerHosting: classify.EvidenceIPRange, catalog.LayerEmail: classify.EvidenceMXSuffix,
					catalog.LayerCA: classify.EvidenceIssuer, catalog.LayerTLD: classify.EvidenceTLD,
				}[l]
				d.EvidenceValue = id
			default:
				company, service, _ := strings.Cut(id, "-")
				if strings.Contains(id, ".") || simnet.Uncatalogued(id) {
					company, service = id, string(l)
					d.Uncatalogued = true
					d.Evidence = classify.EvidenceRegistrableDomain
				} else {
					d.Evidence = classify.EvidenceOwnerDomain
				}
				d.Provider, d.Service, d.EvidenceValue = company, service, id
			}
			if l == catalog.LayerTLD {
				d.Service = t.TLDName
			}
			byName := d.Evidence == classify.EvidenceNSSuffix
			if l != catalog.LayerCA && l != catalog.LayerTLD && !(l == catalog.LayerDNS && byName) {
				co := d.Provider
				if d.Uncatalogued || co == classify.SelfProvider {
					co = ""
				}
				if n, ok := pickNetwork(nets[co], t.Domain+"|"+string(l)+"|"+id); ok {
					if l == catalog.LayerHosting && catalogued {
						d.Region = n.Region
					}
					addrs = append(addrs, classify.AddrInfo{Layer: l, Addr: hostIn(n.Prefix, t.Domain), ASN: n.ASN, Country: n.Country, Region: n.Region})
				}
			}
			deps = append(deps, d)
		}
	}
	if ps := t.Providers(catalog.LayerCA); len(ps) != 1 {
		r.NoOCSPFetch = true
	}
	slices.SortStableFunc(deps, cmpLayerProvider)
	slices.SortStableFunc(addrs, func(a, b classify.AddrInfo) int {
		if c := slices.Index(syntheticLayers, a.Layer) - slices.Index(syntheticLayers, b.Layer); c != 0 {
			return c
		}
		return a.Addr.Compare(b.Addr)
	})
	r.SetDeps(deps)
	r.SetAddrs(addrs)
}

func cmpLayerProvider(a, b classify.Dependency) int {
	if c := slices.Index(syntheticLayers, a.Layer) - slices.Index(syntheticLayers, b.Layer); c != 0 {
		return c
	}
	if c := strings.Compare(a.Provider, b.Provider); c != 0 {
		return c
	}
	return strings.Compare(a.Service, b.Service)
}

// pickNetwork picks one of ns by a hash of key.
func pickNetwork(ns []simnet.Network, key string) (simnet.Network, bool) {
	if len(ns) == 0 {
		return simnet.Network{}, false
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	return ns[h.Sum64()%uint64(len(ns))], true
}

// hostIn is an address in p chosen by a hash of name.
func hostIn(p netip.Prefix, name string) netip.Addr {
	h := fnv.New64a()
	h.Write([]byte(name))
	b := p.Addr().AsSlice()
	v := h.Sum64()
	for i := len(b) - 1; i >= p.Bits()/8 && i >= 0 && v > 0; i-- {
		if i == p.Bits()/8 && p.Bits()%8 != 0 {
			mask := byte(0xff >> (p.Bits() % 8))
			b[i] = b[i]&^mask | byte(v)&mask
		} else {
			b[i] = byte(v)
		}
		v >>= 8
	}
	a, _ := netip.AddrFromSlice(b)
	return a.Unmap()
}
