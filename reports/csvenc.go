package reports

import (
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

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

// cellAppender is a row type that makes its own cells, in the order of
// its fields, with the text rowCodec would give them: the rows of the
// large files (domains.csv, dependencies.csv).
type cellAppender interface {
	appendCells(dst []string) []string
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

// Cells of the float and integer columns of the large files, as rowCodec
// makes them.
func floatCell(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
func intCell(i int) string       { return strconv.Itoa(i) }
