package domains

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(file, []byte("example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.txt")

	tests := []struct {
		name    string
		path    string
		stdin   io.Reader
		source  string   // Reader source when Open succeeds
		errText []string // error text when it fails
		errIs   error
	}{
		{name: "file", path: file, source: file},
		{name: "stdin", path: "-", stdin: strings.NewReader("example.com\n"), source: "stdin"},
		{name: "missing file", path: missing, errText: []string{"open domain list", missing}, errIs: fs.ErrNotExist},
		{name: "directory", path: dir, errText: []string{"open domain list", dir, "directory"}},
		{name: "stdin without reader", path: "-", errText: []string{"stdin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, closer, err := Open(tt.path, tt.stdin, FormatAuto)
			if tt.errText != nil {
				if err == nil {
					closer.Close()
					t.Fatalf("Open(%q) succeeded, want an error", tt.path)
				}
				for _, s := range tt.errText {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not say %q", err, s)
					}
				}
				if tt.errIs != nil && !errors.Is(err, tt.errIs) {
					t.Errorf("error %q does not wrap %v", err, tt.errIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tt.path, err)
			}
			entries, err := ReadAll(r, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := closer.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			want := []Entry{{Domain: "example.com", Line: 1}}
			if diff := cmp.Diff(want, entries); diff != "" {
				t.Errorf("entries (-want +got):\n%s", diff)
			}
			if r.source != tt.source {
				t.Errorf("source %q, want %q", r.source, tt.source)
			}
		})
	}
}

func TestReadAll(t *testing.T) {
	t.Parallel()
	r, closer, err := Open(filepath.Join("testdata", "plain.txt"), nil, FormatAuto)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	var warnings []string
	entries, err := ReadAll(r, func(e *LineError) { warnings = append(warnings, e.Error()) })
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 5 {
		t.Errorf("%d entries, want 5", len(entries))
	}
	want := []string{
		`testdata/plain.txt:7: invalid domain name: character ' ' not allowed ("not a domain")`,
		`testdata/plain.txt:8: invalid domain name: label "-bad-" begins or ends with '-' ("-bad-.com")`,
		`testdata/plain.txt:9: invalid domain name: empty label ("a..b.com")`,
		`testdata/plain.txt:10: invalid domain name: "co.uk" is a public suffix, not a domain under one ("co.uk")`,
		`testdata/plain.txt:13: invalid domain name: IP address literal ("1.2.3.4")`,
		`testdata/plain.txt:14: invalid domain name: wildcard ("*.example.org")`,
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestReadAllErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    io.Reader
		warns int
		is    error
	}{
		{name: "empty input", in: strings.NewReader(""), is: ErrEmpty},
		{name: "comments only", in: strings.NewReader("# nothing yet\n\n"), is: ErrEmpty},
		{name: "bad lines only", in: strings.NewReader("not a domain\nco.uk\n"), warns: 2, is: ErrEmpty},
		{name: "csv header only", in: strings.NewReader("domain,rank\n"), is: ErrEmpty},
		{name: "tranco bad ranks only", in: strings.NewReader("0,example.com\n"), warns: 1, is: ErrEmpty},
		{name: "operational error wins", in: iotest.ErrReader(errBoom), is: errBoom},
		{
			name:  "operational error after bad lines",
			in:    io.MultiReader(strings.NewReader("bad name\n"), iotest.ErrReader(errBoom)),
			warns: 1,
			is:    errBoom,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			warns := 0
			entries, err := ReadAll(NewReader(tt.in, "list", FormatAuto), func(*LineError) { warns++ })
			if !errors.Is(err, tt.is) || entries != nil {
				t.Errorf("ReadAll = %v, %v; want no entries and an error wrapping %v", entries, err, tt.is)
			}
			if tt.is == ErrEmpty && errors.Is(err, errBoom) {
				t.Errorf("ReadAll error %v: an empty list is not a read error", err)
			}
			if warns != tt.warns {
				t.Errorf("%d warnings, want %d", warns, tt.warns)
			}
		})
	}
	// A nil warn function is allowed.
	if _, err := ReadAll(NewReader(strings.NewReader("bad name\nexample.com\n"), "list", FormatAuto), nil); err != nil {
		t.Errorf("ReadAll with nil warn: %v", err)
	}
}

func TestLineError(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 70)
	tests := []struct {
		name string
		err  *LineError
		want string
	}{
		{
			name: "text",
			err:  &LineError{Source: "top.csv", Line: 12, Text: "not a domain", Err: ErrInvalidName},
			want: `top.csv:12: invalid domain name ("not a domain")`,
		},
		{
			name: "no text",
			err:  &LineError{Source: "stdin", Line: 3, Err: ErrMalformed},
			want: `stdin:3: malformed line`,
		},
		{
			name: "long text cut",
			err:  &LineError{Source: "x", Line: 1, Text: long, Err: ErrLineTooLong},
			want: fmt.Sprintf("x:1: line too long (%q)", strings.Repeat("é", 60)+"..."),
		},
		{
			name: "control characters quoted",
			err:  &LineError{Source: "x", Line: 2, Text: "a\x1b[2Jb", Err: ErrInvalidName},
			want: `x:2: invalid domain name ("a\x1b[2Jb")`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %s\nwant      %s", got, tt.want)
			}
			if !errors.Is(tt.err, tt.err.Err) {
				t.Errorf("errors.Is(LineError, %v) = false", tt.err.Err)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, f := range Formats {
		got, err := ParseFormat(f.String())
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f.String(), got, err)
		}
		text, err := f.MarshalText()
		if err != nil {
			t.Errorf("%q.MarshalText: %v", f, err)
		}
		var back Format
		if err := back.UnmarshalText(text); err != nil || back != f {
			t.Errorf("UnmarshalText(%q) = %q, %v", text, back, err)
		}
	}
	for _, s := range []string{"", "CSV", "xml", "txt"} {
		if f, err := ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q) = %q, want an error", s, f)
		}
	}
	var f Format
	if err := f.Set("tranco"); err != nil || f != FormatTranco {
		t.Errorf("Set(tranco) = %v, format %q", err, f)
	}
	if err := f.Set("bogus"); err == nil || f != FormatTranco {
		t.Errorf("Set(bogus) = %v, format %q; want an error and the format unchanged", err, f)
	}
	if _, err := Format("bogus").MarshalText(); err == nil {
		t.Error("MarshalText of an unknown format succeeded")
	}
	if got := NewReader(strings.NewReader(""), "x", "").Format(); got != FormatAuto {
		t.Errorf("zero Format reads as %q, want auto", got)
	}
}
