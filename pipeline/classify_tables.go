package pipeline

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// The tables of a classified run, each a folder of Parquet files in Hive
// layout: DIR/<table>/shard=<K>/part-<NNNNN>.parquet. classify writes
// the shard tables; classify --finish adds shard=finished to domains and
// dependencies (the pending domains, decided over every shard) and
// writes the global tables closure and provider_edges (one folder, no
// shard level).
const (
	TableDomains      = "domains"
	TableDependencies = "dependencies"
	TableAddresses    = "addresses"
	TableEdges        = "edges"
	TablePending      = "pending"
	// Global tables, written by FinishClassified.
	TableClosure       = "closure"
	TableProviderEdges = "provider_edges"
	TableElements      = "elements"
	// TableCrawl holds each shard's crawl.json (the crawl manifest found
	// beside its first input): DIR/crawl/shard=K/crawl.json.
	TableCrawl = "crawl"
)

// FinishedShard is the shard name of the rows FinishClassified writes.
const FinishedShard = "finished"

// DomainTableRow is one row of the domains table: the columns of
// reports.DomainRow (without the list's country and the graph's
// spof_providers, which are the analysis's) and what the SQL needs
// besides: the rank weight and whether the domain's DNS servers were
// named by suffix (their addresses then count for no AS or country
// failure, as in graph.Build).
type DomainTableRow struct {
	Domain           string  `parquet:"domain"`
	Rank             int64   `parquet:"rank"`
	Weight           float64 `parquet:"weight"` // 1/rank, 0 without a rank
	Status           string  `parquet:"status"`
	Error            string  `parquet:"error"`
	DNSProviders     string  `parquet:"dns_providers"`
	DNSState         string  `parquet:"dns_state"`
	DNSCritical      bool    `parquet:"dns_critical"`
	CDNProviders     string  `parquet:"cdn_providers"`
	CDNState         string  `parquet:"cdn_state"`
	CDNCritical      bool    `parquet:"cdn_critical"`
	HostingProviders string  `parquet:"hosting_providers"`
	HostingState     string  `parquet:"hosting_state"`
	HostingCritical  bool    `parquet:"hosting_critical"`
	EmailProviders   string  `parquet:"email_providers"`
	EmailState       string  `parquet:"email_state"`
	EmailCritical    bool    `parquet:"email_critical"`
	CAProviders      string  `parquet:"ca_providers"`
	CAState          string  `parquet:"ca_state"`
	CACritical       bool    `parquet:"ca_critical"`
	TLDProviders     string  `parquet:"tld_providers"`
	TLD              string  `parquet:"tld"`
	TLDState         string  `parquet:"tld_state"`
	TLDCritical      bool    `parquet:"tld_critical"`
	DNSByName        bool    `parquet:"dns_by_name"`
	// Simulated: the observation came from the simulated internet.
	Simulated bool `parquet:"simulated"`
}

// DependencyTableRow is one row of the dependencies table: the columns
// of reports.DependencyRow and the keys the SQL joins on.
type DependencyTableRow struct {
	Domain        string  `parquet:"domain"`
	Rank          int64   `parquet:"rank"`
	Layer         string  `parquet:"layer"`
	Provider      string  `parquet:"provider"`
	Service       string  `parquet:"service"`
	Region        string  `parquet:"region"`
	Evidence      string  `parquet:"evidence"`
	EvidenceValue string  `parquet:"evidence_value"`
	Confidence    float64 `parquet:"confidence"`
	ThirdParty    bool    `parquet:"third_party"`
	Catalogued    bool    `parquet:"catalogued"`
	// Seq is the position of the dependency in the domain's list (the
	// order of dependencies.csv).
	Seq int32 `parquet:"seq"`
	// Svc is "company/service", "" for a self-hosted dependency (which
	// no failure takes down).
	Svc string `parquet:"svc"`
	// RegionKey is "company:region" with the region as graph.Graph keys
	// it (after its last '/', lower case), "" without a region.
	RegionKey string `parquet:"region_key"`
	// ByName: found by a CNAME target's name (cname_suffix), so it fails
	// when its service loses only its names (graph.ServiceFailure).
	ByName bool `parquet:"by_name"`
	// Coverage is how the provider was named, 0 to 4: suffix, owner
	// domain, address, self, uncatalogued (metrics.Coverage).
	Coverage int32 `parquet:"coverage"`
}

// AddressTableRow is one row of the addresses table:
// classify.Result.Addrs.
type AddressTableRow struct {
	Domain  string `parquet:"domain"`
	Rank    int64  `parquet:"rank"`
	Layer   string `parquet:"layer"`
	Address string `parquet:"address"`
	ASN     int64  `parquet:"asn"`     // 0 when unknown
	Country string `parquet:"country"` // upper case, "" when unknown
	Region  string `parquet:"region"`
	// InGraph is false for the name-server addresses of a domain whose
	// DNS providers were named by suffix: the provider graph does not
	// record them (an AS or country failure does not reach them).
	InGraph bool `parquet:"in_graph"`
}

// EdgeTableRow is a provider-to-provider edge one shard saw (or, in
// provider_edges, the catalog's and every shard's, merged).
type EdgeTableRow struct {
	From     string `parquet:"from_svc"`
	To       string `parquet:"to_svc"`
	Layer    string `parquet:"layer"`
	Source   string `parquet:"source"`
	Evidence string `parquet:"evidence"`
	Domains  int64  `parquet:"domains"`
}

// PendingTableRow is a domain whose list-level decisions (classify.Finish)
// wait for every shard: its classification without addresses (in the
// addresses table already) and its hints, as JSON.
type PendingTableRow struct {
	Domain    string `parquet:"domain"`
	Result    string `parquet:"result"`
	Hints     string `parquet:"hints"`
	Simulated bool   `parquet:"simulated"`
}

// ClosureTableRow says that a service fails when an element fails:
// directly (the element is an AS that announces all of a catalogued
// service's addresses) or through the provider graph (every upstream of
// one kind failed), then possibly for its names only (a CDN whose
// target zone's DNS failed). It is computed in Go from the provider
// graph (graph.Graph.Fail on the graph without domains); the element's
// own services are not listed (the SQL matches them by name).
type ClosureTableRow struct {
	Kind      string `parquet:"kind"`
	Element   string `parquet:"element"`
	Svc       string `parquet:"svc"`
	Direct    bool   `parquet:"direct"`
	NamesOnly bool   `parquet:"names_only"`
}

// ElementTableRow is one element whose blast radius is computed, with
// the keys the SQL matches: company, svc ("company/service"), region key
// ("company:region"), AS number, country.
type ElementTableRow struct {
	Ord       int32  `parquet:"ord"`
	Kind      string `parquet:"kind"`
	Element   string `parquet:"element"`
	Company   string `parquet:"company"`
	Svc       string `parquet:"svc"`
	RegionKey string `parquet:"region_key"`
	ASN       int64  `parquet:"asn"`
	Country   string `parquet:"country"`
}

// domainTableRow returns the domains-table row of r.
func domainTableRow(r *classify.Result) DomainTableRow {
	var d reports.DomainRow
	for row := range reports.DomainRows([]classify.Result{*r}, nil, nil) {
		d = row
	}
	out := DomainTableRow{
		Domain: r.Domain, Rank: int64(r.Rank), Status: string(r.Status), Error: r.Error,
		DNSProviders: d.DNSProviders, DNSState: string(d.DNSState), DNSCritical: d.DNSCritical,
		CDNProviders: d.CDNProviders, CDNState: string(d.CDNState), CDNCritical: d.CDNCritical,
		HostingProviders: d.HostingProviders, HostingState: string(d.HostingState), HostingCritical: d.HostingCritical,
		EmailProviders: d.EmailProviders, EmailState: string(d.EmailState), EmailCritical: d.EmailCritical,
		CAProviders: d.CAProviders, CAState: string(d.CAState), CACritical: d.CACritical,
		TLDProviders: d.TLDProviders, TLD: d.TLD, TLDState: string(d.TLDState), TLDCritical: d.TLDCritical,
		DNSByName: dnsByName(r),
	}
	if r.Rank > 0 {
		out.Weight = 1 / float64(r.Rank)
	}
	return out
}

// dnsByName reports whether a DNS provider of r was named by its name
// servers' suffix (graph.Build then leaves the DNS addresses out).
func dnsByName(r *classify.Result) bool {
	for _, d := range r.Deps() {
		if d.Layer == catalog.LayerDNS && d.Evidence == classify.EvidenceNSSuffix {
			return true
		}
	}
	return false
}

// dependencyTableRows appends the dependencies-table rows of r to out.
func dependencyTableRows(out []DependencyTableRow, r *classify.Result) []DependencyTableRow {
	for row := range reports.DependencyRows([]classify.Result{*r}) {
		out = append(out, DependencyTableRow{
			Domain: row.Domain, Rank: int64(row.Rank), Layer: string(row.Layer), Provider: row.Provider,
			Service: row.Service, Region: row.Region, Evidence: string(row.Evidence), EvidenceValue: row.EvidenceValue,
			Confidence: row.Confidence, ThirdParty: row.ThirdParty, Catalogued: row.Catalogued,
		})
	}
	return out
}

// fillKeys sets the join keys of the rows of one domain (rows, in
// dependencies.csv order).
func fillKeys(rows []DependencyTableRow) {
	for i := range rows {
		d := &rows[i]
		d.Seq = int32(i)
		if d.Provider != classify.SelfProvider && d.Provider != "" {
			d.Svc = d.Provider + "/" + d.Service
			if d.Region != "" {
				reg := d.Region
				if j := strings.LastIndexByte(reg, '/'); j >= 0 {
					reg = reg[j+1:]
				}
				d.RegionKey = d.Provider + ":" + strings.ToLower(reg)
			}
		}
		d.ByName = d.Evidence == string(classify.EvidenceCNAMESuffix)
		d.Coverage = coverageClass(d)
	}
}

// coverageClass is metrics.Coverage's class of a dependency.
func coverageClass(d *DependencyTableRow) int32 {
	switch {
	case d.Provider == classify.SelfProvider:
		return 3
	case !d.Catalogued:
		return 4
	}
	switch classify.Evidence(d.Evidence) {
	case classify.EvidenceNSSuffix, classify.EvidenceCNAMESuffix, classify.EvidenceMXSuffix, classify.EvidenceIssuer, classify.EvidenceTLD:
		return 0
	case classify.EvidenceOwnerDomain:
		return 1
	}
	return 2
}

// addressTableRows appends the addresses-table rows of r to out.
func addressTableRows(out []AddressTableRow, r *classify.Result, byName bool) []AddressTableRow {
	for _, a := range r.Addrs() {
		out = append(out, AddressTableRow{
			Domain: r.Domain, Rank: int64(r.Rank), Layer: string(a.Layer), Address: a.Addr.String(),
			ASN: int64(a.ASN), Country: strings.ToUpper(a.Country), Region: a.Region,
			InGraph: !(byName && a.Layer == catalog.LayerDNS),
		})
	}
	return out
}

// partWriter writes the rows of one table of one shard into
// part-NNNNN.parquet files of at most partRows rows each, in batches:
// the rows it holds are one batch.
type partWriter[T any] struct {
	dir      string
	partRows int
	part     int
	rows     int // in the open part
	f        *os.File
	w        *parquet.GenericWriter[T]
	batch    []T
}

// batchRows is the number of rows a partWriter holds before writing them.
const batchRows = 4096

// rowGroupRows is the number of rows of a Parquet row group: the writer
// holds one row group's columns until it is full, so this bounds its
// memory (a part file holds several row groups).
const rowGroupRows = 64 << 10

// newParquetWriter writes rows of T to w, zstd-compressed, in row groups
// of rowGroupRows rows.
func newParquetWriter[T any](w io.Writer) *parquet.GenericWriter[T] {
	return parquet.NewGenericWriter[T](w, parquet.Compression(&parquet.Zstd), parquet.MaxRowsPerRowGroup(rowGroupRows))
}

func newPartWriter[T any](dir string, partRows int) (*partWriter[T], error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &partWriter[T]{dir: dir, partRows: partRows, batch: make([]T, 0, batchRows)}, nil
}

func (p *partWriter[T]) Write(rows ...T) error {
	for _, r := range rows {
		p.batch = append(p.batch, r)
		if len(p.batch) == cap(p.batch) {
			if err := p.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *partWriter[T]) flush() error {
	for len(p.batch) > 0 {
		if p.w == nil {
			f, err := os.Create(filepath.Join(p.dir, fmt.Sprintf("part-%05d.parquet", p.part)))
			if err != nil {
				return err
			}
			p.f, p.w, p.rows = f, newParquetWriter[T](f), 0
		}
		n := min(len(p.batch), p.partRows-p.rows)
		if _, err := p.w.Write(p.batch[:n]); err != nil {
			return fmt.Errorf("parquet %s: %w", p.dir, err)
		}
		p.rows += n
		p.batch = p.batch[:copy(p.batch, p.batch[n:])]
		if p.rows == p.partRows {
			if err := p.closePart(); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *partWriter[T]) closePart() error {
	if p.w == nil {
		return nil
	}
	err := p.w.Close()
	if cerr := p.f.Close(); err == nil {
		err = cerr
	}
	p.w, p.f = nil, nil
	p.part++
	if err != nil {
		return fmt.Errorf("parquet %s: %w", p.dir, err)
	}
	return nil
}

// Close writes what is left. A table without rows still gets one part
// (with the schema and no rows), so that every engine finds its columns.
func (p *partWriter[T]) Close() error {
	if err := p.flush(); err != nil {
		return err
	}
	if p.part == 0 && p.w == nil {
		f, err := os.Create(filepath.Join(p.dir, "part-00000.parquet"))
		if err != nil {
			return err
		}
		p.f, p.w = f, newParquetWriter[T](f)
	}
	return p.closePart()
}

// readParquetFiles calls fn for every row of the Parquet files matching
// pattern (a filepath.Glob pattern), in file name order, a batch at a
// time.
func readParquetFiles[T any](pattern string, fn func(T) error) error {
	files, err := filepath.Glob(pattern)
	if err != nil {
		return err
	}
	buf := make([]T, 1024)
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		r := parquet.NewGenericReader[T](f)
		for {
			n, err := r.Read(buf)
			for _, row := range buf[:n] {
				if ferr := fn(row); ferr != nil {
					r.Close()
					f.Close()
					return ferr
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					r.Close()
					f.Close()
					return fmt.Errorf("%s: %w", name, err)
				}
				break
			}
		}
		r.Close()
		f.Close()
	}
	return nil
}
