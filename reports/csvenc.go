package reports

import (
	"encoding"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/gocarina/gocsv"
)

// The cells of a row are made without gocsv's marshaller, which looks at
// every cell through reflection and fmt (a third of the CPU time of
// writing a million domains). The text of each cell is the one gocsv
// gives (TestCellsAsGocsv compares them for every row type): the csv tag
// (else the field name) as the header; strings as they are; booleans as
// true/false; integers in decimal; floats with strconv's shortest 'f'
// format; a named type through its MarshalCSV, MarshalText or String
// method, in that order, when it has one.

// cellWriterTo is a row type that writes its own cells, in the order of
// its fields, with the text rowCodec would give them: the rows of the
// large files (domains.csv, dependencies.csv).
type cellWriterTo interface {
	writeCells(e *rowWriter)
}

// fieldCodec is how one column of a row type is made.
type fieldCodec struct {
	index  []int // reflect.Value.FieldByIndex
	kind   reflect.Kind
	method bool // a MarshalCSV, MarshalText or String method gives the text
}

// rowCodec makes the header and the cells of one struct type.
type rowCodec struct {
	header []string
	fields []fieldCodec
}

var (
	codecs sync.Map // reflect.Type -> *rowCodec or error

	typeMarshaller = reflect.TypeFor[gocsv.TypeMarshaller]()
	textMarshaler  = reflect.TypeFor[encoding.TextMarshaler]()
	stringer       = reflect.TypeFor[fmt.Stringer]()
)

// codecOf returns the codec of the struct type t, made once.
func codecOf(t reflect.Type) (*rowCodec, error) {
	if c, ok := codecs.Load(t); ok {
		if err, bad := c.(error); bad {
			return nil, err
		}
		return c.(*rowCodec), nil
	}
	c, err := newRowCodec(t)
	if err != nil {
		err = fmt.Errorf("csv rows of %v: %w", t, err)
		codecs.Store(t, err)
		return nil, err
	}
	codecs.Store(t, c)
	return c, nil
}

func newRowCodec(t reflect.Type) (*rowCodec, error) {
	if t.Kind() != reflect.Struct {
		return nil, errors.New("not a struct")
	}
	c := &rowCodec{}
	return c, c.add(t, nil)
}

// add adds the columns of the fields of the struct type t, reached from
// the row by the field indexes at; an embedded struct's fields are
// columns of the row, as gocsv has them.
func (c *rowCodec) add(t reflect.Type, at []int) error {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		index := append(slices.Clone(at), i)
		fc := fieldCodec{index: index, kind: f.Type.Kind()}
		if f.Type.PkgPath() != "" {
			p := reflect.PointerTo(f.Type)
			fc.method = p.Implements(typeMarshaller) || p.Implements(textMarshaler) || p.Implements(stringer)
		}
		if f.Anonymous && fc.kind == reflect.Struct && !fc.method {
			if err := c.add(f.Type, index); err != nil {
				return err
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("csv"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		switch fc.kind {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		default:
			if !fc.method {
				return fmt.Errorf("field %s of kind %v has no cell text", f.Name, fc.kind)
			}
		}
		c.header = append(c.header, name)
		c.fields = append(c.fields, fc)
	}
	return nil
}

// appendCells appends the cells of the struct v (addressable, for the
// methods of pointer receivers) to dst.
func (c *rowCodec) appendCells(dst []string, v reflect.Value) ([]string, error) {
	for _, fc := range c.fields {
		f := v.FieldByIndex(fc.index)
		if fc.method {
			s, err := methodText(f.Addr().Interface())
			if err != nil {
				return dst, err
			}
			dst = append(dst, s)
			continue
		}
		switch fc.kind {
		case reflect.String:
			dst = append(dst, f.String())
		case reflect.Bool:
			dst = append(dst, strconv.FormatBool(f.Bool()))
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			dst = append(dst, strconv.FormatInt(f.Int(), 10))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			dst = append(dst, strconv.FormatUint(f.Uint(), 10))
		case reflect.Float32:
			dst = append(dst, strconv.FormatFloat(f.Float(), 'f', -1, 32))
		case reflect.Float64:
			dst = append(dst, strconv.FormatFloat(f.Float(), 'f', -1, 64))
		}
	}
	return dst, nil
}

// methodText is the text of a cell whose type has a method for it, in
// gocsv's order of preference.
func methodText(v any) (string, error) {
	switch m := v.(type) {
	case gocsv.TypeMarshaller:
		return m.MarshalCSV()
	case encoding.TextMarshaler:
		b, err := m.MarshalText()
		return string(b), err
	case fmt.Stringer:
		return m.String(), nil
	}
	return "", fmt.Errorf("csv cell of type %T: no method", v)
}

// rowWriter writes CSV rows as encoding/csv's Writer does with UseCRLF
// (comma, CRLF line ends, a cell quoted when it holds a comma, a quote, a
// CR or a LF, begins with a space or is `\.`; a CR inside a quoted cell
// dropped, a LF written as CRLF), every cell through Neutralize. The
// cells are formatted into one buffer, numbers with strconv's Append
// functions, and the buffer is written out when it is full: no cell is
// a string of its own and no row a slice. The first error of the
// underlying writer is kept and returned by flush; later rows are
// dropped.
type rowWriter struct {
	w     io.Writer
	buf   []byte
	cells int // cells written in the current row
	err   error
	// scratch holds a cell made of parts (joined provider names).
	scratch []byte
}

// rowWriterBuffer is the size the buffer is written out at.
const rowWriterBuffer = 64 << 10

func newRowWriter(w io.Writer) *rowWriter {
	return &rowWriter{w: w, buf: make([]byte, 0, rowWriterBuffer+4<<10)}
}

// sep writes the comma before every cell but a row's first.
func (e *rowWriter) sep() {
	if e.cells > 0 {
		e.buf = append(e.buf, ',')
	}
	e.cells++
}

// plainCell reports whether s is written as it is: ASCII, no character
// Neutralize or quoting acts on.
func plainCell[T string | []byte](s T) bool {
	if len(s) == 0 {
		return true
	}
	if cellStart[s[0]] {
		return false
	}
	for i := 0; i < len(s); i++ {
		if cellInner[s[i]] {
			return false
		}
	}
	return len(s) != 2 || s[0] != '\\' || s[1] != '.'
}

// cellInner marks the bytes that make a cell more than its text: those
// of non-ASCII characters (which may be invalid UTF-8) and those that
// need quotes. cellStart marks, besides, those that Neutralize acts on
// or that make encoding/csv quote a cell when they begin it (ASCII
// spaces).
var cellInner, cellStart = func() (inner, start [256]bool) {
	for c := utf8.RuneSelf; c < 256; c++ {
		inner[c] = true
	}
	for _, c := range []byte{',', '"', '\r', '\n'} {
		inner[c] = true
	}
	start = inner
	for _, c := range []byte{'=', '+', '-', '@', '\t', ' ', '\v', '\f'} {
		start[c] = true
	}
	return inner, start
}()

// str writes the cell s.
func (e *rowWriter) str(s string) {
	e.sep()
	if plainCell(s) {
		e.buf = append(e.buf, s...)
		return
	}
	e.quoted(Neutralize(s))
}

// quoted writes the neutralised cell s, quoted when encoding/csv would.
func (e *rowWriter) quoted(s string) {
	if !fieldNeedsQuotes(s) {
		e.buf = append(e.buf, s...)
		return
	}
	e.buf = append(e.buf, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			e.buf = append(e.buf, '"', '"')
		case '\r':
		case '\n':
			e.buf = append(e.buf, '\r', '\n')
		default:
			e.buf = append(e.buf, c)
		}
	}
	e.buf = append(e.buf, '"')
}

// fieldNeedsQuotes is encoding/csv's rule for a comma-separated file.
func fieldNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// join writes one cell of parts joined by sep, as str(strings.Join(parts,
// sep)) would.
func (e *rowWriter) join(parts []string, sep byte) {
	if len(parts) == 1 {
		e.str(parts[0])
		return
	}
	b := e.scratch[:0]
	for i, p := range parts {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, p...)
	}
	e.scratch = b
	e.bytes(b)
}

// bytes writes the cell b (not kept).
func (e *rowWriter) bytes(b []byte) {
	e.sep()
	if plainCell(b) {
		e.buf = append(e.buf, b...)
		return
	}
	e.quoted(Neutralize(string(b)))
}

// cellsOf appends to dst the text of the cells write writes, as they
// would begin a row, and leaves the row as it was: cells to be written
// again and again with begin.
func (e *rowWriter) cellsOf(dst []byte, write func()) []byte {
	start, cells := len(e.buf), e.cells
	e.cells = 0
	write()
	dst = append(dst, e.buf[start:]...)
	e.buf, e.cells = e.buf[:start], cells
	return dst
}

// begin begins a row with the text of its first n cells, made by
// cellsOf.
func (e *rowWriter) begin(cells []byte, n int) {
	e.buf = append(e.buf, cells...)
	e.cells = n
}

// int writes i in decimal.
func (e *rowWriter) int(i int) {
	if i < 0 {
		e.str(strconv.Itoa(i))
		return
	}
	e.sep()
	e.buf = strconv.AppendInt(e.buf, int64(i), 10)
}

// float writes f with strconv's shortest 'f' format of a float64.
func (e *rowWriter) float(f float64) {
	if math.Signbit(f) || math.IsInf(f, 0) || math.IsNaN(f) {
		e.str(strconv.FormatFloat(f, 'f', -1, 64))
		return
	}
	e.sep()
	e.buf = strconv.AppendFloat(e.buf, f, 'f', -1, 64)
}

// bool writes true or false.
func (e *rowWriter) bool(b bool) {
	e.sep()
	e.buf = strconv.AppendBool(e.buf, b)
}

// end ends the row, and writes the buffer out when it is full.
func (e *rowWriter) end() {
	e.buf = append(e.buf, '\r', '\n')
	e.cells = 0
	if len(e.buf) >= rowWriterBuffer {
		e.write()
	}
}

func (e *rowWriter) write() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// row writes the cells of a row and ends it.
func (e *rowWriter) row(cells []string) {
	for _, c := range cells {
		e.str(c)
	}
	e.end()
}

// flush writes out what is buffered and returns the first error.
func (e *rowWriter) flush() error {
	e.write()
	return e.err
}
