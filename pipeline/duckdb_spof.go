package pipeline

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	aql "github.com/chokepoint-dev/chokepoint/analysis/sql"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// The single points of failure of spof.sql are read once, as they
// stream: counted into the report's figures (reports.SPOFCounter) and
// written, one record per domain, into a spool file in DuckDB's spill
// folder, read again in order for spof.csv and for domains.csv's
// spof_providers column. At ten million domains 9.7 million have one: as
// a []graph.SPOF they were 2.5 GB of live Go heap (docs/benchmarks.md);
// the spool is a file read a buffer at a time.
//
// A record is the domain, the rank (varint), the number of companies
// (uvarint), each company, then AllOnOne and NoEscapeHatch, every string
// as a uvarint length and its bytes.

// spofSpool is the spool file of one run.
type spofSpool struct {
	path    string
	domains int
}

// spofOut is a row of spof.sql as copyRows reads it: at ten million
// domains, 12 million rows, which the driver would hold all at once.
type spofOut struct {
	Domain  string `parquet:"domain,optional"`
	Rank    int64  `parquet:"rank,optional"`
	Company string `parquet:"company,optional"`
	DNS     string `parquet:"dns_providers,optional"`
	CDN     string `parquet:"cdn_providers,optional"`
	Hosting string `parquet:"hosting_providers,optional"`
}

// spof runs spof.sql and writes its domains into a spool file at path,
// returning the spool and the figures of the report.
func (q *querier) spof(path string) (*spofSpool, *reports.SPOFSummary, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	sp := &spofSpool{path: path}
	w := bufio.NewWriterSize(f, 1<<20)
	var c reports.SPOFCounter
	var buf []byte
	var cur graph.SPOF
	var layers [3]string
	have := false
	flush := func() error {
		if !have {
			return nil
		}
		finishSPOF(&cur, layers)
		c.Add(&cur)
		sp.domains++
		buf = appendSPOF(buf[:0], &cur)
		_, err := w.Write(buf)
		return err
	}
	var werr error
	err = copyRows(q, path+".parquet", aql.Text(aql.SPOF), func(r *spofOut) spofOut { return *r }, func(r spofOut) bool {
		if !have || cur.Domain != r.Domain {
			if werr = flush(); werr != nil {
				return false
			}
			cur = graph.SPOF{Domain: r.Domain, Rank: int(r.Rank), Providers: cur.Providers[:0]}
			layers, have = [3]string{r.DNS, r.CDN, r.Hosting}, true
		}
		cur.Providers = append(cur.Providers, r.Company)
		return true
	})
	if err == nil && werr == nil {
		werr = flush()
	}
	if werr == nil {
		werr = w.Flush()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if err = errors.Join(err, werr); err != nil {
		os.Remove(path)
		return nil, nil, err
	}
	return sp, c.Summary(), nil
}

// appendSPOF appends the record of s to b.
func appendSPOF(b []byte, s *graph.SPOF) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(s.Domain)
	b = binary.AppendVarint(b, int64(s.Rank))
	b = binary.AppendUvarint(b, uint64(len(s.Providers)))
	for _, p := range s.Providers {
		str(p)
	}
	str(s.AllOnOne)
	str(s.NoEscapeHatch)
	return b
}

// spoolReader reads the records of a spool in order.
type spoolReader struct {
	f    *os.File
	r    *bufio.Reader
	buf  []byte
	path string
}

func (sp *spofSpool) open() (*spoolReader, error) {
	f, err := os.Open(sp.path)
	if err != nil {
		return nil, err
	}
	return &spoolReader{f: f, r: bufio.NewReaderSize(f, 1<<20), path: sp.path}, nil
}

func (r *spoolReader) Close() error { return r.f.Close() }

// next reads the next record into s (its Providers reused); false at the
// end of the file.
func (r *spoolReader) next(s *graph.SPOF) (bool, error) {
	var err error
	if s.Domain, err = r.str(); err != nil {
		if err == io.EOF {
			return false, nil
		}
		return false, r.bad(err)
	}
	rank, err := binary.ReadVarint(r.r)
	if err != nil {
		return false, r.bad(err)
	}
	s.Rank = int(rank)
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		return false, r.bad(err)
	}
	s.Providers = s.Providers[:0]
	for range n {
		p, err := r.str()
		if err != nil {
			return false, r.bad(err)
		}
		s.Providers = append(s.Providers, p)
	}
	if s.AllOnOne, err = r.str(); err != nil {
		return false, r.bad(err)
	}
	if s.NoEscapeHatch, err = r.str(); err != nil {
		return false, r.bad(err)
	}
	return true, nil
}

func (r *spoolReader) bad(err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("spool of the single points of failure %s: %w", r.path, err)
}

// str reads a string; io.EOF only when the file ends before it.
func (r *spoolReader) str() (string, error) {
	n, err := binary.ReadUvarint(r.r)
	if err != nil {
		return "", err
	}
	if n > 1<<24 {
		return "", fmt.Errorf("a string of %d bytes", n)
	}
	if uint64(cap(r.buf)) < n {
		r.buf = make([]byte, n)
	}
	b := r.buf[:n]
	if _, err := io.ReadFull(r.r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return "", err
	}
	return string(b), nil
}

// rows yields the records of the spool in order (spof.csv's rows).
func (sp *spofSpool) rows(yield func(graph.SPOF) bool) error {
	r, err := sp.open()
	if err != nil {
		return err
	}
	defer r.Close()
	var s graph.SPOF
	for {
		ok, err := r.next(&s)
		if err != nil || !ok {
			return err
		}
		if !yield(s) {
			return nil
		}
	}
}

// spofColumn gives domains.csv's spof_providers column from the spool:
// called with each domain in report order (the spool's order), it
// returns the domain's companies joined by ';', "" for a domain without a
// single point of failure.
type spofColumn struct {
	r    *spoolReader
	cur  graph.SPOF
	have bool
	err  error
}

func (sp *spofSpool) column() (*spofColumn, error) {
	c := &spofColumn{}
	if sp == nil {
		return c, nil
	}
	r, err := sp.open()
	if err != nil {
		return nil, err
	}
	c.r = r
	c.advance()
	return c, nil
}

func (c *spofColumn) advance() {
	c.have, c.err = c.r.next(&c.cur)
}

func (c *spofColumn) of(domain string) string {
	if !c.have || c.cur.Domain != domain {
		return ""
	}
	out := strings.Join(c.cur.Providers, ";")
	c.advance()
	return out
}

func (c *spofColumn) Close() error {
	if c.r == nil {
		return c.err
	}
	return errors.Join(c.err, c.r.Close())
}
