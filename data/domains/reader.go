package domains

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. ErrInvalidName, ErrInvalidRank, ErrInvalidCountry, ErrMalformed and
// ErrLineTooLong are wrapped by the Err of a *LineError; ErrNoDomainColumn
// and ErrEmpty are operational.
var (
	// ErrInvalidRank is a rank that is not an integer of at least 1.
	ErrInvalidRank = errors.New("invalid rank")
	// ErrInvalidCountry is a country column cell that is not an assigned
	// ISO 3166-1 alpha-2 code.
	ErrInvalidCountry = errors.New("invalid country")
	// ErrMalformed is a line that does not have the shape of its format: a
	// Tranco line without exactly two fields, a CSV record with a stray quote.
	ErrMalformed = errors.New("malformed line")
	// ErrLineTooLong is a line longer than 64 KiB in a text or Tranco list.
	ErrLineTooLong = errors.New("line too long")
	// ErrNoDomainColumn is a CSV header without a "domain" column, in a
	// list given as CSV or whose first line reads as such a header.
	ErrNoDomainColumn = errors.New(`CSV header has no "domain" column`)
	// ErrEmpty is returned by ReadAll when a list yields no valid domain.
	ErrEmpty = errors.New("no valid domain")
)

// maxLineLen bounds a line of a text or Tranco list. No domain, even
// written as a URL with a long query, comes close.
const maxLineLen = 64 << 10

var bom = []byte("\ufeff")

// Entry is one domain of a list.
type Entry struct {
	Domain string // normalised as by Normalize
	Rank   int    // rank given by the list, 1 is the top; 0 when the list has none
	Line   int    // 1-based line of the input where the entry starts
	// Country is the country of the site as a CSV list's country column
	// gives it (ISO 3166-1 alpha-2, upper case); empty without one.
	Country string
}

// Stats counts the lines a Reader has consumed. After every call of Next,
// Lines == Domains + Duplicates + Bad + Skipped.
type Stats struct {
	Lines      int // physical lines consumed so far
	Domains    int // entries returned by Next
	Duplicates int // valid lines whose domain had already been returned
	Bad        int // lines reported as *LineError
	// Skipped counts lines that carry no entry by design: blank lines,
	// comments, the CSV header, and the second and later lines of a CSV
	// record whose quoted field spans several lines.
	Skipped int
}

// LineError is one bad line. It is not operational: the Reader goes on with
// the next line.
type LineError struct {
	Source string // name of the list, as given to NewReader
	Line   int    // 1-based line number
	Text   string // the line as read, without its line ending
	Err    error  // why it was rejected
}

// maxShownText bounds the line text that Error quotes, in runes.
const maxShownText = 60

// Error returns "<source>:<line>: <reason> (<quoted text>)", the text cut to
// sixty characters.
func (e *LineError) Error() string {
	if e.Text == "" {
		return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err)
	}
	text := e.Text
	if utf8.RuneCountInString(text) > maxShownText {
		text = string([]rune(text)[:maxShownText]) + "..."
	}
	return fmt.Sprintf("%s:%d: %v (%q)", e.Source, e.Line, e.Err, text)
}

func (e *LineError) Unwrap() error { return e.Err }

// Reader reads the entries of a domain list one at a time, merging
// duplicates. It keeps each distinct domain in a compact NameSet (under 40
// bytes a domain) and reads the input in a single pass. A Reader is not safe for concurrent use.
type Reader struct {
	in     io.Reader
	source string
	format Format

	br      *bufio.Reader
	started bool
	err     error // sticky: io.EOF or an operational error
	stats   Stats
	seen    NameSet

	// The first content line, read while detecting the format, waiting to
	// be parsed as text or Tranco.
	pending     []byte
	pendingLong bool
	hasPending  bool

	csv *csvRows // set for FormatCSV once the header is read
}

// NewReader returns a Reader of the list in r. source names the list in
// errors (a path, or "stdin"). Nothing is read before the first call of Next.
func NewReader(r io.Reader, source string, f Format) *Reader {
	if f == "" {
		f = FormatAuto
	}
	return &Reader{in: r, source: source, format: f}
}

// Format returns the format of the list: the one given to NewReader, or once
// Next has been called, the one FormatAuto detected.
func (r *Reader) Format() Format { return r.format }

// Stats returns the line counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Next returns the next distinct domain of the list. At the end of the list
// it returns io.EOF. For a bad line it returns a *LineError, and the caller
// goes on calling Next. Any other error is operational (the input could not
// be read, a CSV header has no domain column); it is returned again by every
// later call.
func (r *Reader) Next() (Entry, error) {
	if r.err != nil {
		return Entry{}, r.err
	}
	if !r.started {
		r.started = true
		if err := r.start(); err != nil {
			r.err = err
			return Entry{}, err
		}
	}
	for {
		var (
			e   Entry
			ok  bool
			err error
		)
		if r.csv != nil {
			e, ok, err = r.nextRecord()
		} else {
			e, ok, err = r.nextLine()
		}
		var lineErr *LineError
		switch {
		case errors.As(err, &lineErr):
			return Entry{}, err
		case err != nil:
			r.err = err
			return Entry{}, err
		case ok:
			return e, nil
		}
	}
}

// start strips a byte-order mark, skips the blank and comment lines at the
// top, and settles the format on the first line with content.
func (r *Reader) start() error {
	switch r.format {
	case FormatAuto, FormatText, FormatCSV, FormatTranco:
	default:
		return fmt.Errorf("read domain list %s: unknown format %q", r.source, string(r.format))
	}
	r.br = bufio.NewReaderSize(r.in, maxLineLen)
	if b, err := r.br.Peek(len(bom)); bytes.Equal(b, bom) {
		if _, err := r.br.Discard(len(bom)); err != nil {
			return r.readErr(err)
		}
	} else if err != nil && err != io.EOF {
		return r.readErr(err)
	}
	for {
		line, long, err := r.readLine(true)
		if err == io.EOF {
			if r.format == FormatAuto {
				r.format = FormatText
			}
			return io.EOF
		}
		if err != nil {
			return err
		}
		if isComment(line) || (!long && isBlank(line)) {
			if long {
				if err := r.skipRest(); err != nil {
					return err
				}
			}
			r.stats.Lines++
			r.stats.Skipped++
			continue
		}
		if r.format == FormatAuto {
			f, columns := detect(line)
			if f == "" {
				return r.noDomainColumn(r.stats.Lines+1, columns, true)
			}
			r.format = f
		}
		if r.format == FormatCSV {
			// The CSV reader takes the stream from the start of this line:
			// the line itself is replayed, and with a long line the rest
			// of it is still in r.br.
			return r.startCSV(bytes.Clone(line))
		}
		r.pending, r.pendingLong, r.hasPending = trimEOL(bytes.Clone(line)), long, true
		if long {
			return r.skipRest()
		}
		return nil
	}
}

// readLine returns the next line including its '\n', valid until the next
// read. A line longer than the buffer comes back cut, with long set; unless
// keepRest is set, the rest of it is consumed. At the end of the input it
// returns io.EOF; any other error is operational.
func (r *Reader) readLine(keepRest bool) (line []byte, long bool, err error) {
	line, err = r.br.ReadSlice('\n')
	switch {
	case err == nil:
	case errors.Is(err, bufio.ErrBufferFull):
		long = true
		if !keepRest {
			// Keep the text: skipRest overwrites the buffer.
			line = bytes.Clone(line)
			if err := r.skipRest(); err != nil {
				return nil, false, err
			}
		}
	case err == io.EOF && len(line) > 0:
	case err == io.EOF:
		return nil, false, io.EOF
	default:
		return nil, false, r.readErr(err)
	}
	return line, long, nil
}

// skipRest consumes the rest of a line that was too long.
func (r *Reader) skipRest() error {
	for {
		_, err := r.br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
		case err == nil || err == io.EOF:
			return nil
		default:
			return r.readErr(err)
		}
	}
}

func (r *Reader) readErr(err error) error {
	return fmt.Errorf("read domain list %s: %w", r.source, err)
}

// nextLine reads one line of a text or Tranco list. ok reports whether e is
// an entry to return; a duplicate or a skipped line gives ok false and no
// error.
func (r *Reader) nextLine() (e Entry, ok bool, err error) {
	var line []byte
	var long bool
	if r.hasPending {
		line, long = r.pending, r.pendingLong
		r.pending, r.hasPending = nil, false
	} else {
		line, long, err = r.readLine(false)
		if err != nil {
			return Entry{}, false, err
		}
		line = trimEOL(line)
	}
	r.stats.Lines++
	n := r.stats.Lines
	text := string(line)
	if long {
		if isComment(line) {
			r.stats.Skipped++
			return Entry{}, false, nil
		}
		return r.bad(n, text, ErrLineTooLong)
	}
	if r.format == FormatTranco {
		return r.trancoLine(n, text)
	}
	return r.textLine(n, text)
}

// textLine parses "name", "name # comment", "# comment" or a blank line.
func (r *Reader) textLine(n int, text string) (Entry, bool, error) {
	name := strings.TrimSpace(cutComment(text))
	if name == "" {
		r.stats.Skipped++
		return Entry{}, false, nil
	}
	return r.accept(name, 0, n, text)
}

// trancoLine parses "rank,name", a '#' comment or a blank line.
func (r *Reader) trancoLine(n int, text string) (Entry, bool, error) {
	t := strings.TrimSpace(text)
	if t == "" || t[0] == '#' {
		r.stats.Skipped++
		return Entry{}, false, nil
	}
	fields := strings.Split(t, ",")
	if len(fields) != 2 {
		return r.bad(n, text, fmt.Errorf("%w: want rank,domain, got %d fields", ErrMalformed, len(fields)))
	}
	rank, err := parseRank(fields[0])
	if err != nil {
		return r.bad(n, text, err)
	}
	return r.accept(fields[1], rank, n, text)
}

// accept normalises name and returns it as an entry, or counts a duplicate,
// or reports a bad line.
func (r *Reader) accept(name string, rank, n int, text string) (Entry, bool, error) {
	d, err := Normalize(name)
	if err != nil {
		return r.bad(n, text, err)
	}
	if !r.seen.Add(d) {
		r.stats.Duplicates++
		return Entry{}, false, nil
	}
	// Normalize may return a substring of the line or record; a copy
	// keeps the entry from pinning it.
	d = strings.Clone(d)
	r.stats.Domains++
	return Entry{Domain: d, Rank: rank, Line: n}, true, nil
}

func (r *Reader) bad(n int, text string, err error) (Entry, bool, error) {
	r.stats.Bad++
	return Entry{}, false, &LineError{Source: r.source, Line: n, Text: text, Err: err}
}

// parseRank parses a rank: decimal digits, at least 1.
func parseRank(s string) (int, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w %q: want an integer of at least 1", ErrInvalidRank, s)
	}
	return v, nil
}

// detect picks the format of a list from its first content line. A line
// that reads as a CSV header without a "domain" column gives no format and
// its columns: read as text, every line of such a file would be rejected
// one by one, so the caller stops with one error instead.
func detect(line []byte) (Format, []string) {
	s := strings.TrimSpace(string(line))
	if hasDomainColumn(s) {
		return FormatCSV, nil
	}
	rank, name, ok := strings.Cut(s, ",")
	rank = strings.TrimSpace(rank)
	if ok && rank != "" && strings.Trim(rank, "0123456789") == "" && strings.TrimSpace(name) != "" {
		return FormatTranco, nil
	}
	if columns := headerColumns(s); columns != nil {
		return "", columns
	}
	return FormatText, nil
}

// cutComment removes a comment: a '#' at the start of the line or after
// white space. A '#' inside a word, as in a URL fragment, is kept.
func cutComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// isComment reports whether the first character of line that is not white
// space is '#'.
func isComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t\r\n\v\f")
	return len(t) > 0 && t[0] == '#'
}

func isBlank(line []byte) bool { return len(bytes.TrimSpace(line)) == 0 }

// trimEOL removes a trailing "\n" or "\r\n".
func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}
