package domains

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"example.com", "Example.COM.", "www.example.co.uk", "_dmarc.example.com",
		"bücher.de", "Münchën.DE.", "xn--bcher-kva.de", "example。com",
		"https://user@Example.com:443/path?q#f", "example.com:8080", "example.com/path",
		"not a domain", "-bad-.com", "a..b.com", "co.uk", "com", "1.2.3.4", "[::1]",
		"", "*.example.com", "github.io", "ab--cd.com", "xn--zz.com", "exa\xffmple.com",
		"ｅｘａｍｐｌｅ．ｃｏｍ", "ß.de", "\u200d.com", "مثال.إختبار",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := Normalize(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidName) {
				t.Fatalf("Normalize(%q) error %v does not wrap ErrInvalidName", s, err)
			}
			if name != "" {
				t.Fatalf("Normalize(%q) = %q with error %v", s, name, err)
			}
			return
		}
		if name == "" || len(name) > maxNameLen {
			t.Fatalf("Normalize(%q) = %q: length %d", s, name, len(name))
		}
		for i := 0; i < len(name); i++ {
			c := name[i]
			if !('a' <= c && c <= 'z' || isDigit(c) || c == '-' || c == '_' || c == '.') {
				t.Fatalf("Normalize(%q) = %q: character %q", s, name, c)
			}
		}
		if !strings.Contains(name, ".") || strings.HasSuffix(name, ".") || strings.HasPrefix(name, ".") {
			t.Fatalf("Normalize(%q) = %q: want two labels and no outer dot", s, name)
		}
		again, err := Normalize(name)
		if err != nil || again != name {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q, %v", s, name, name, again, err)
		}
		reg, err := Registrable(name)
		if err != nil || !(reg == name || strings.HasSuffix(name, "."+reg)) {
			t.Fatalf("Registrable(%q) = %q, %v", name, reg, err)
		}
	})
}

// fuzzRun is what one Reader made of a list, with every check of the
// invariants done on the way.
type fuzzRun struct {
	Entries []Entry
	Bad     []badLine
	Stats   Stats
	Err     error // operational error, or nil at io.EOF
}

func readForFuzz(t *testing.T, r *Reader, limit int) fuzzRun {
	t.Helper()
	var run fuzzRun
	seen := make(map[string]bool)
	last := 0 // line of the last entry or bad line
	for calls := 0; ; calls++ {
		if calls > limit {
			t.Fatalf("Next called %d times without reaching the end", calls)
		}
		e, err := r.Next()
		s := r.Stats()
		checkStats(t, s)
		var lineErr *LineError
		switch {
		case err == nil:
			if e.Line <= last || e.Line > s.Lines {
				t.Fatalf("entry %+v out of order: last line %d, lines read %d", e, last, s.Lines)
			}
			last = e.Line
			if d, err := Normalize(e.Domain); err != nil || d != e.Domain {
				t.Fatalf("entry %+v is not normalised: %q, %v", e, d, err)
			}
			if seen[e.Domain] {
				t.Fatalf("entry %+v returned twice", e)
			}
			seen[e.Domain] = true
			if e.Rank < 0 {
				t.Fatalf("entry %+v has a negative rank", e)
			}
			run.Entries = append(run.Entries, e)
		case errors.As(err, &lineErr):
			if lineErr.Line <= last || lineErr.Line > s.Lines || lineErr.Err == nil {
				t.Fatalf("bad line %v out of order: last line %d, lines read %d", lineErr, last, s.Lines)
			}
			last = lineErr.Line
			run.Bad = append(run.Bad, badLine{Line: lineErr.Line, Text: lineErr.Text, Err: lineErr.Err})
		case err == io.EOF:
			run.Stats = s
			return run
		default:
			run.Stats, run.Err = s, err
			return run
		}
	}
}

func FuzzReader(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for i := range Formats {
			f.Add(data, uint8(i))
		}
	}
	for _, s := range []string{
		"", "\ufeff", "\r", "\n\n", "a.com\r\nb.com", "domain\n\"x\ny\"\n", "domain\n\"open",
		"1,a.com\n1,a.com\n", "rank,domain\n,a.com\n2,a.com\n", "domain\n  # c\n,,\n",
		"#\xff\n", "domain,domain\n", "\"domain\"\"\n", "domain\na.com\r",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, format uint8) {
		fmtIn := Formats[int(format)%len(Formats)]
		// Every call of Next consumes a line at least, but for the last.
		limit := bytes.Count(data, []byte("\n")) + 2

		run := readForFuzz(t, NewReader(bytes.NewReader(data), "fuzz", fmtIn), limit)
		if run.Err != nil {
			// With an in-memory input only a CSV header can stop a reader.
			if !strings.Contains(run.Err.Error(), "CSV header") {
				t.Fatalf("operational error on an in-memory list: %v", run.Err)
			}
		} else {
			body := bytes.TrimPrefix(data, bom)
			lines := countLines(body)
			if run.Stats.Lines != lines {
				t.Fatalf("stats %+v: want %d lines", run.Stats, lines)
			}
			if run.Stats.Domains != len(run.Entries) || run.Stats.Bad != len(run.Bad) {
				t.Fatalf("stats %+v: %d entries and %d bad lines returned", run.Stats, len(run.Entries), len(run.Bad))
			}
		}

		// The way the input arrives must not change what is read.
		byByte := readForFuzz(t, NewReader(iotest.OneByteReader(bytes.NewReader(data)), "fuzz", fmtIn), limit)
		sameText := cmp.Comparer(func(a, b error) bool {
			return (a == nil) == (b == nil) && (a == nil || a.Error() == b.Error())
		})
		if diff := cmp.Diff(run, byByte, sameText); diff != "" {
			t.Fatalf("reading one byte at a time differs (-whole +by byte):\n%s", diff)
		}
	})
}
