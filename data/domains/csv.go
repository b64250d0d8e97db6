package domains

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gocarina/gocsv"

	"github.com/chokepoint-dev/chokepoint/data/iso3166"
)

// csvRow holds the columns of a CSV list that chokepoint uses. The rank is
// a string so that a bad rank is a bad line with our message, not a gocsv
// conversion error.
type csvRow struct {
	Domain  string `csv:"domain"`
	Rank    string `csv:"rank"`
	Country string `csv:"country"`
}

// csvRows reads the records of a CSV list after its header.
type csvRows struct {
	cr         *csv.Reader
	um         *gocsv.Unmarshaller
	rec        *recorder
	base       int  // lines of the input before the header, the CSV reader's line 0
	hasRank    bool // the header has a rank column
	hasCountry bool // the header has a country column
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
	var columns []string // as written, for the error message
	if err := um.RenormalizeHeaders(func(h []string) []string {
		columns = slices.Clone(h)
		out := make([]string, len(h))
		for i := range h {
			out[i] = headerName(h[i])
		}
		return out
	}); err != nil {
		return fmt.Errorf("read domain list %s: line %d: CSV header: %w", r.source, headerLine, err)
	}
	var domains, ranks, countries int
	for _, h := range um.Headers {
		switch h {
		case "domain":
			domains++
		case "rank":
			ranks++
		case "country":
			countries++
		}
	}
	switch {
	case domains == 0:
		return r.noDomainColumn(headerLine, columns, false)
	case domains > 1 || ranks > 1 || countries > 1:
		return fmt.Errorf("read domain list %s: line %d: CSV header names a column twice", r.source, headerLine)
	}

	// The header and any continuation lines of it are skipped lines.
	n := countLines(rec.take(cr.InputOffset()))
	r.stats.Lines += n
	r.stats.Skipped += n
	r.csv = &csvRows{cr: cr, um: um, rec: rec, base: base, hasRank: ranks == 1, hasCountry: countries == 1}
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
	country := ""
	if c.hasCountry {
		if country, err = parseCountry(row.Country); err != nil {
			return r.bad(start, text, err)
		}
	}
	e, ok, err = r.accept(row.Domain, rank, start, text)
	e.Country = country
	return e, ok, err
}

// parseCountry reads the country of a site: an assigned ISO 3166-1
// alpha-2 code in any case ("de" is DE), or empty for none.
func parseCountry(s string) (string, error) {
	cc := strings.ToUpper(strings.TrimSpace(s))
	if cc == "" || iso3166.Assigned(cc) {
		return cc, nil
	}
	if alt := iso3166.Reserved(cc); alt != "" {
		return "", fmt.Errorf("%w %q: ISO 3166-1 writes it %s", ErrInvalidCountry, s, alt)
	}
	return "", fmt.Errorf("%w %q: want an assigned ISO 3166-1 alpha-2 code (US, DE, ...) or nothing", ErrInvalidCountry, s)
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

// noDomainColumn is the error for a CSV header at line n without a
// "domain" column: it names the columns the header has and what to do.
// detected says that the format was not given but guessed from the header,
// in which case reading the file as text is the other way out.
func (r *Reader) noDomainColumn(n int, columns []string, detected bool) error {
	hint := `name the column that holds the domains "domain"`
	if detected {
		hint += ", or give --input-format text if the file has one domain per line"
	}
	return fmt.Errorf("read domain list %s: line %d: %w (columns: %s); %s",
		r.source, n, ErrNoDomainColumn, quoteColumns(columns), hint)
}

// Bounds of the column list that noDomainColumn quotes: a hostile header
// may have thousands of columns or very long names.
const (
	maxShownColumns    = 8
	maxShownColumnName = 40
)

// quoteColumns returns `"a", "b", "c"`, cut to maxShownColumns names of at
// most maxShownColumnName characters.
func quoteColumns(columns []string) string {
	var b strings.Builder
	for i, c := range columns {
		if i == maxShownColumns {
			fmt.Fprintf(&b, " and %d more", len(columns)-i)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		c = strings.TrimSpace(c)
		if utf8.RuneCountInString(c) > maxShownColumnName {
			c = string([]rune(c)[:maxShownColumnName]) + "..."
		}
		fmt.Fprintf(&b, "%q", c)
	}
	return b.String()
}

// headerColumns returns the fields of the line s when it reads as a CSV
// header, and nil otherwise. A header here is two or more comma-separated
// fields, at least two of them names: letters, digits, spaces, '_', '-',
// '(' and ')', with a letter, and at most 64 characters. Any field with
// another character (the dot of a domain, the slash of a URL, binary
// garbage) means that s is not a header. The caller has already checked
// that s has no "domain" column.
func headerColumns(s string) []string {
	if !strings.Contains(s, ",") {
		return nil
	}
	cr := csv.NewReader(strings.NewReader(s))
	cr.FieldsPerRecord = -1
	fields, err := cr.Read()
	if err != nil || len(fields) < 2 {
		return nil
	}
	names := 0
	for _, f := range fields {
		f = strings.TrimSpace(f)
		switch {
		case f == "":
		case !isColumnName(f):
			return nil
		default:
			names++
		}
	}
	if names < 2 {
		return nil
	}
	return fields
}

// isColumnName reports whether f looks like the name of a column, as
// headerColumns defines it.
func isColumnName(f string) bool {
	if len(f) > 64 {
		return false
	}
	letter := false
	for _, c := range f {
		switch {
		case unicode.IsLetter(c):
			letter = true
		case unicode.IsDigit(c), c == ' ', c == '_', c == '-', c == '(', c == ')':
		default:
			return false
		}
	}
	return letter
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
