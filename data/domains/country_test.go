package domains

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCountryColumn(t *testing.T) {
	t.Parallel()
	list := "domain,country\r\na.example,de\r\nb.example, US \r\nc.example,UK\r\nd.example,XX\r\ne.example,\r\nf.example,USA\r\n"
	r := NewReader(strings.NewReader(list), "sites.csv", FormatAuto)
	var got []string
	var bad []string
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			if !errors.Is(err, ErrInvalidCountry) {
				t.Errorf("line %d: %v, want an invalid country", le.Line, err)
			}
			bad = append(bad, le.Error())
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.Domain+"="+e.Country)
	}
	if want := "a.example=DE b.example=US e.example="; strings.Join(got, " ") != want {
		t.Errorf("entries %q, want %q", strings.Join(got, " "), want)
	}
	want := []string{
		`sites.csv:4: invalid country "UK": ISO 3166-1 writes it GB ("c.example,UK")`,
		`sites.csv:5: invalid country "XX": want an assigned ISO 3166-1 alpha-2 code (US, DE, ...) or nothing ("d.example,XX")`,
		`sites.csv:7: invalid country "USA": want an assigned ISO 3166-1 alpha-2 code (US, DE, ...) or nothing ("f.example,USA")`,
	}
	if strings.Join(bad, "\n") != strings.Join(want, "\n") {
		t.Errorf("bad lines:\n%s\nwant:\n%s", strings.Join(bad, "\n"), strings.Join(want, "\n"))
	}
}

func TestCountryColumnTwice(t *testing.T) {
	t.Parallel()
	r := NewReader(strings.NewReader("domain,country,Country\na.example,DE,FR\n"), "x.csv", FormatAuto)
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "names a column twice") {
		t.Errorf("err %v, want a column named twice", err)
	}
}
