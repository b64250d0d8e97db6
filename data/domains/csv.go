package domains

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gocarina/gocsv"
)

// csvRow holds the columns of a CSV list that chokepoint uses. The rank is
// a string so that a bad rank is a bad line with our message, not a gocsv
// conversion error.
type csvRow struct {
	Domain string `csv:"domain"`
	Rank   string `csv:"rank"`
}

// csvRows reads the records of a CSV list after its header.
type csvRows struct {
	cr      *csv.Reader
	um      *gocsv.Unmarshaller
	rec     *recorder
	base    int  // lines of the input before the header, the CSV reader's line 0
	hasRank bool // the header has a rank column
}

// startCSV reads the header of a CSV list whose first content line is first;
// the rest of the input is still in r.br.
func (r *Reader) startCSV(first []byte) error {
	rec := &recorder{r: io.MultiReader(bytes.NewReader(first), r.br)}
	cr := csv.NewReader(rec)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	base := r.stats.Lines
	headerLine := base + 1

	um, err := gocsv.NewUnmarshaller(cr, csvRow{})
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("read domain list %s: line %d: CSV header: %w", r.source, headerLine, pe.Err)
		}
		return r.readErr(err)
	}
	// Match column names without regard to case or surrounding spaces.
	// Setting this per Unmarshaller leaves gocsv's global normaliser alone.
	if err := um.RenormalizeHeaders(func(h []string) []string {
		out := make([]string, len(h))
		for i := range h {
			out[i] = headerName(h[i])
		}
		return out
	}); err != nil {
		return fmt.Errorf("read domain list %s: line %d: CSV header: %w", r.source, headerLine, err)
	}
	var domains, ranks int
	for _, h := range um.Headers {
		switch h {
		case "domain":
			domains++
		case "rank":
			ranks++
		}
	}
	switch {
	case domains == 0:
		return fmt.Errorf("read domain list %s: line %d: %w", r.source, headerLine, ErrNoDomainColumn)
	case domains > 1 || ranks > 1:
		return fmt.Errorf("read domain list %s: line %d: CSV header names a column twice", r.source, headerLine)
	}

	// The header and any continuation lines of it are skipped lines.
	n := countLines(rec.take(cr.InputOffset()))
	r.stats.Lines += n
	r.stats.Skipped += n
	r.csv = &csvRows{cr: cr, um: um, rec: rec, base: base, hasRank: ranks == 1}
	return nil
}

// nextRecord reads one CSV record. ok reports whether e is an entry to
// return.
func (r *Reader) nextRecord() (e Entry, ok bool, err error) {
	c := r.csv
	v, err := c.um.Read()
	raw := c.rec.take(c.cr.InputOffset())
	if err == io.EOF {
		// Blank and comment lines after the last record.
		n := countLines(raw)
		r.stats.Lines += n
		r.stats.Skipped += n
		return Entry{}, false, io.EOF
	}
	var pe *csv.ParseError
	var start int
	switch {
	case err == nil:
		start, _ = c.cr.FieldPos(0)
	case errors.As(err, &pe):
		start = pe.StartLine
	default:
		return Entry{}, false, r.readErr(err)
	}
	// raw holds the blank and comment lines the CSV reader skipped, then
	// the record, which may span lines.
	start += c.base
	end := r.stats.Lines + countLines(raw)
	r.stats.Skipped += (start - r.stats.Lines - 1) + (end - start)
	r.stats.Lines = end
	text := string(lastLines(raw, end-start+1))

	if pe != nil {
		return r.bad(start, text, fmt.Errorf("%w: %v", ErrMalformed, pe.Err))
	}
	if isBlankRecord(text) || isComment([]byte(text)) {
		r.stats.Skipped++
		return Entry{}, false, nil
	}
	row := v.(csvRow)
	rank := 0
	if c.hasRank && strings.TrimSpace(row.Rank) != "" {
		if rank, err = parseRank(row.Rank); err != nil {
			return r.bad(start, text, err)
		}
	}
	return r.accept(row.Domain, rank, start, text)
}

// headerName is the form in which CSV column names are compared.
func headerName(h string) string { return strings.ToLower(strings.TrimSpace(h)) }

// hasDomainColumn reports whether the CSV record s has a "domain" field.
func hasDomainColumn(s string) bool {
	if !strings.Contains(strings.ToLower(s), "domain") {
		return false
	}
	cr := csv.NewReader(strings.NewReader(s))
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	if err != nil {
		return false
	}
	for _, f := range fields {
		if headerName(f) == "domain" {
			return true
		}
	}
	return false
}

// isBlankRecord reports whether a record has no content at all, such as
// ",," or `"",""` in a spreadsheet export.
func isBlankRecord(text string) bool {
	return strings.Trim(text, " \t\r\n\v\f,\"") == ""
}

// countLines returns the number of lines in b: its '\n' characters, plus one
// for a last line without one.
func countLines(b []byte) int {
	n := bytes.Count(b, []byte("\n"))
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}

// lastLines returns the last n lines of b without the final line ending.
func lastLines(b []byte, n int) []byte {
	b = trimEOL(b)
	i := len(b)
	for ; n > 0; n-- {
		j := bytes.LastIndexByte(b[:i], '\n')
		if j < 0 {
			return b
		}
		i = j
	}
	return b[i+1:]
}

// recorder keeps the bytes the CSV reader has read and not yet claimed, so
// that each record can be traced to its lines and its text. csv.Reader
// reports where a record ends as a byte offset (InputOffset); the bytes up
// to that offset are the record and the lines it skipped before it.
type recorder struct {
	r     io.Reader
	buf   []byte // unclaimed bytes are buf[start:]
	start int
	base  int64 // input offset of buf[start]
}

func (c *recorder) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.start == len(c.buf) {
		c.buf, c.start = c.buf[:0], 0
	} else if c.start > cap(c.buf)/2 {
		c.buf = c.buf[:copy(c.buf, c.buf[c.start:])]
		c.start = 0
	}
	c.buf = append(c.buf, p[:n]...)
	return n, err
}

// take claims the bytes up to input offset off. The slice is valid until the
// next Read.
func (c *recorder) take(off int64) []byte {
	n := int(off - c.base)
	b := c.buf[c.start : c.start+n]
	c.start += n
	c.base = off
	return b
}
