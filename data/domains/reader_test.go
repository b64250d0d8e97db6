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
	"github.com/google/go-cmp/cmp/cmpopts"
)

// badLine is a *LineError without its source, for comparison.
type badLine struct {
	Line int
	Text string
	Err  error // compared with errors.Is
}

// result is everything a Reader produced from one list.
type result struct {
	Format  Format
	Entries []Entry
	Bad     []badLine
	Stats   Stats
}

// checkStats fails the test when the line counts do not add up.
func checkStats(t testing.TB, s Stats) {
	t.Helper()
	if sum := s.Domains + s.Duplicates + s.Bad + s.Skipped; sum != s.Lines {
		t.Fatalf("stats %+v: domains+duplicates+bad+skipped = %d, want lines = %d", s, sum, s.Lines)
	}
}

// readList reads r to the end and fails the test on an operational error.
func readList(t *testing.T, r *Reader) result {
	t.Helper()
	var res result
	for {
		e, err := r.Next()
		checkStats(t, r.Stats())
		var lineErr *LineError
		switch {
		case err == nil:
			res.Entries = append(res.Entries, e)
		case err == io.EOF:
			res.Format, res.Stats = r.Format(), r.Stats()
			return res
		case errors.As(err, &lineErr):
			if lineErr.Source != r.source {
				t.Fatalf("LineError.Source = %q, want %q", lineErr.Source, r.source)
			}
			res.Bad = append(res.Bad, badLine{Line: lineErr.Line, Text: lineErr.Text, Err: lineErr.Err})
		default:
			t.Fatalf("Next: operational error: %v", err)
		}
	}
}

func openFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var fixtures = []struct {
	file   string
	format Format // as given to NewReader
	want   result
}{
	{
		file:   "plain.txt",
		format: FormatAuto,
		want: result{
			Format: FormatText,
			Entries: []Entry{
				{Domain: "example.com", Line: 3},
				{Domain: "www.example.net", Line: 5},
				{Domain: "xn--bcher-kva.de", Line: 6},
				{Domain: "sub.example.co.uk", Line: 12},
				{Domain: "example.org", Line: 15},
			},
			Bad: []badLine{
				{Line: 7, Text: "not a domain", Err: ErrInvalidName},
				{Line: 8, Text: "-bad-.com", Err: ErrInvalidName},
				{Line: 9, Text: "a..b.com", Err: ErrInvalidName},
				{Line: 10, Text: "co.uk", Err: ErrInvalidName},
				{Line: 13, Text: "1.2.3.4", Err: ErrInvalidName},
				{Line: 14, Text: "*.example.org", Err: ErrInvalidName},
			},
			Stats: Stats{Lines: 15, Domains: 5, Duplicates: 1, Bad: 6, Skipped: 3},
		},
	},
	{
		file:   "tranco.csv",
		format: FormatAuto,
		want: result{
			Format: FormatTranco,
			Entries: []Entry{
				{Domain: "google.com", Rank: 1, Line: 1},
				{Domain: "youtube.com", Rank: 2, Line: 2},
				{Domain: "facebook.com", Rank: 3, Line: 3},
				{Domain: "xn--bcher-kva.de", Rank: 10, Line: 10},
			},
			Bad: []badLine{
				{Line: 4, Text: "x,baidu.com", Err: ErrInvalidRank},
				{Line: 5, Text: "0,wikipedia.org", Err: ErrInvalidRank},
				{Line: 7, Text: "7", Err: ErrMalformed},
				{Line: 8, Text: "8,amazon.com,extra", Err: ErrMalformed},
			},
			Stats: Stats{Lines: 10, Domains: 4, Duplicates: 1, Bad: 4, Skipped: 1},
		},
	},
	{
		file:   "radar.csv",
		format: FormatAuto,
		want: result{
			Format: FormatCSV,
			Entries: []Entry{
				{Domain: "google.com", Line: 2},
				{Domain: "facebook.com", Line: 3},
				{Domain: "apple.com", Line: 4},
			},
			Stats: Stats{Lines: 5, Domains: 3, Duplicates: 1, Skipped: 1},
		},
	},
	{
		// BOM, CRLF, a comment before a header with odd spacing and case,
		// quoted fields, a record over two lines, a blank record.
		file:   "ranked.csv",
		format: FormatAuto,
		want: result{
			Format: FormatCSV,
			// The Country column is read and checked: the record over
			// lines 6 and 7 has two lines of text there, not a country.
			Entries: []Entry{
				{Domain: "example.com", Rank: 1, Line: 3, Country: "US"},
				{Domain: "xn--bcher-kva.de", Rank: 2, Line: 4, Country: "DE"},
				{Domain: "no-rank.example.org", Line: 12, Country: "GB"},
			},
			Bad: []badLine{
				{Line: 6, Text: "3,\"multi.example.com\",\"line one\r\nline two\"", Err: ErrInvalidCountry},
				{Line: 8, Text: "four,bad-rank.example.org,FR", Err: ErrInvalidRank},
				{Line: 9, Text: "5,,NL", Err: ErrInvalidName},
				{Line: 11, Text: `6,"stray"quote.example.org,SE`, Err: ErrMalformed},
			},
			Stats: Stats{Lines: 13, Domains: 3, Duplicates: 1, Bad: 4, Skipped: 5},
		},
	},
	{
		// An explicit format is obeyed: a Tranco list read as text has no
		// valid line.
		file:   "tranco.csv",
		format: FormatText,
		want: result{
			Format: FormatText,
			Bad: []badLine{
				{Line: 1, Text: "1,google.com", Err: ErrInvalidName},
				{Line: 2, Text: "2,youtube.com", Err: ErrInvalidName},
				{Line: 3, Text: "3,facebook.com", Err: ErrInvalidName},
				{Line: 4, Text: "x,baidu.com", Err: ErrInvalidName},
				{Line: 5, Text: "0,wikipedia.org", Err: ErrInvalidName},
				{Line: 6, Text: "6,Google.com", Err: ErrInvalidName},
				{Line: 7, Text: "7", Err: ErrInvalidName},
				{Line: 8, Text: "8,amazon.com,extra", Err: ErrInvalidName},
				{Line: 10, Text: "10,bücher.de", Err: ErrInvalidName},
			},
			Stats: Stats{Lines: 10, Bad: 9, Skipped: 1},
		},
	},
}

func TestReaderFixtures(t *testing.T) {
	t.Parallel()
	for _, tt := range fixtures {
		t.Run(tt.file+"/"+string(tt.format), func(t *testing.T) {
			t.Parallel()
			data := openFixture(t, tt.file)
			got := readList(t, NewReader(bytes.NewReader(data), tt.file, tt.format))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("read %s (-want +got):\n%s", tt.file, diff)
			}
		})
	}
}

// TestReaderChunking reads every fixture through readers that return one
// byte, or half of what is asked, at a time: the result must not change.
func TestReaderChunking(t *testing.T) {
	t.Parallel()
	chunkers := []struct {
		name  string
		chunk func(io.Reader) io.Reader
	}{
		{"one byte", iotest.OneByteReader},
		{"half", iotest.HalfReader},
		{"data with EOF", iotest.DataErrReader},
	}
	for _, tt := range fixtures {
		for _, c := range chunkers {
			t.Run(tt.file+"/"+string(tt.format)+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				data := openFixture(t, tt.file)
				got := readList(t, NewReader(c.chunk(bytes.NewReader(data)), tt.file, tt.format))
				if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
					t.Errorf("read %s (-want +got):\n%s", tt.file, diff)
				}
			})
		}
	}
}

func TestReader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", maxLineLen+100) + ".com"
	tests := []struct {
		name   string
		in     string
		format Format
		want   result
	}{
		{
			name:   "empty input",
			in:     "",
			format: FormatAuto,
			want:   result{Format: FormatText},
		},
		{
			name:   "only a byte-order mark",
			in:     "\ufeff",
			format: FormatAuto,
			want:   result{Format: FormatText},
		},
		{
			name:   "text with BOM and CRLF, no final newline",
			in:     "\ufeffa.example.com\r\n\r\nb.example.com",
			format: FormatAuto,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "a.example.com", Line: 1}, {Domain: "b.example.com", Line: 3}},
				Stats:   Stats{Lines: 3, Domains: 2, Skipped: 1},
			},
		},
		{
			name:   "text comments and white space",
			in:     "  \t\n#c\n\t# c\nexample.com\t# tab comment\nexample.net # c # c\n \n",
			format: FormatAuto,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "example.com", Line: 4}, {Domain: "example.net", Line: 5}},
				Stats:   Stats{Lines: 6, Domains: 2, Skipped: 4},
			},
		},
		{
			name:   "text hash inside a URL is a fragment",
			in:     "https://example.com/#section\n",
			format: FormatText,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "example.com", Line: 1}},
				Stats:   Stats{Lines: 1, Domains: 1},
			},
		},
		{
			name:   "text two words",
			in:     "example.com other.com\n",
			format: FormatText,
			want: result{
				Format: FormatText,
				Bad:    []badLine{{Line: 1, Text: "example.com other.com", Err: ErrInvalidName}},
				Stats:  Stats{Lines: 1, Bad: 1},
			},
		},
		{
			name:   "text duplicates after normalisation",
			in:     "example.com\nEXAMPLE.COM.\nhttps://example.com/x\nwww.example.com\n",
			format: FormatText,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "example.com", Line: 1}, {Domain: "www.example.com", Line: 4}},
				Stats:   Stats{Lines: 4, Domains: 2, Duplicates: 2},
			},
		},
		{
			name:   "text long line",
			in:     long + "\nexample.com\n",
			format: FormatAuto,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "example.com", Line: 2}},
				Bad:     []badLine{{Line: 1, Text: long[:maxLineLen], Err: ErrLineTooLong}},
				Stats:   Stats{Lines: 2, Domains: 1, Bad: 1},
			},
		},
		{
			name:   "text long line later and at the end",
			in:     "example.com\n" + long + "\nexample.net\n" + long,
			format: FormatText,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "example.com", Line: 1}, {Domain: "example.net", Line: 3}},
				Bad: []badLine{
					{Line: 2, Text: long[:maxLineLen], Err: ErrLineTooLong},
					{Line: 4, Text: long[:maxLineLen], Err: ErrLineTooLong},
				},
				Stats: Stats{Lines: 4, Domains: 2, Bad: 2},
			},
		},
		{
			name:   "long comments",
			in:     "# " + long + "\nexample.com\n#" + long + "\n",
			format: FormatAuto,
			want: result{
				Format:  FormatText,
				Entries: []Entry{{Domain: "example.com", Line: 2}},
				Stats:   Stats{Lines: 3, Domains: 1, Skipped: 2},
			},
		},
		{
			name:   "tranco spaces and first rank kept",
			in:     " 5 , a.example.com \n1,a.example.com\n# c\n",
			format: FormatAuto,
			want: result{
				Format:  FormatTranco,
				Entries: []Entry{{Domain: "a.example.com", Rank: 5, Line: 1}},
				Stats:   Stats{Lines: 3, Domains: 1, Duplicates: 1, Skipped: 1},
			},
		},
		{
			name:   "tranco bad ranks",
			in:     "1,a.com\n-2,b.com\n+3,c.com\n99999999999999999999,d.com\n,e.com\n",
			format: FormatTranco,
			want: result{
				Format:  FormatTranco,
				Entries: []Entry{{Domain: "a.com", Rank: 1, Line: 1}},
				Bad: []badLine{
					{Line: 2, Text: "-2,b.com", Err: ErrInvalidRank},
					{Line: 3, Text: "+3,c.com", Err: ErrInvalidRank},
					{Line: 4, Text: "99999999999999999999,d.com", Err: ErrInvalidRank},
					{Line: 5, Text: ",e.com", Err: ErrInvalidRank},
				},
				Stats: Stats{Lines: 5, Domains: 1, Bad: 4},
			},
		},
		{
			name:   "tranco explicit on a domain",
			in:     "example.com\n",
			format: FormatTranco,
			want: result{
				Format: FormatTranco,
				Bad:    []badLine{{Line: 1, Text: "example.com", Err: ErrMalformed}},
				Stats:  Stats{Lines: 1, Bad: 1},
			},
		},
		{
			name:   "csv header after comments and blanks",
			in:     "# one\n\n  # three\nDomain\nexample.com\n",
			format: FormatAuto,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "example.com", Line: 5}},
				Stats:   Stats{Lines: 5, Domains: 1, Skipped: 4},
			},
		},
		{
			name:   "csv explicit with quoted header",
			in:     "\"Domain\",\"Rank\"\n\"example.com\",\"7\"\n",
			format: FormatCSV,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "example.com", Rank: 7, Line: 2}},
				Stats:   Stats{Lines: 2, Domains: 1, Skipped: 1},
			},
		},
		{
			name:   "csv short, long, blank and comment rows",
			in:     "rank,domain\n1\n2,a.example.com,extra,more\n   \n  # note\n,,\n3, b.example.com \n",
			format: FormatAuto,
			want: result{
				Format: FormatCSV,
				Entries: []Entry{
					{Domain: "a.example.com", Rank: 2, Line: 3},
					{Domain: "b.example.com", Rank: 3, Line: 7},
				},
				Bad:   []badLine{{Line: 2, Text: "1", Err: ErrInvalidName}},
				Stats: Stats{Lines: 7, Domains: 2, Bad: 1, Skipped: 4},
			},
		},
		{
			name:   "csv first occurrence kept even without rank",
			in:     "domain,rank\nexample.com,\nexample.com,1\n",
			format: FormatAuto,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "example.com", Line: 2}},
				Stats:   Stats{Lines: 3, Domains: 1, Duplicates: 1, Skipped: 1},
			},
		},
		{
			name:   "csv without rank column ignores other numbers",
			in:     "position,domain\n4,example.com\n",
			format: FormatAuto,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "example.com", Line: 2}},
				Stats:   Stats{Lines: 2, Domains: 1, Skipped: 1},
			},
		},
		{
			name:   "csv quote left open to the end",
			in:     "domain\na.example.com\n\"b.example.com\nc.example.com\nd.example.com\n",
			format: FormatAuto,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "a.example.com", Line: 2}},
				Bad: []badLine{{
					Line: 3,
					Text: "\"b.example.com\nc.example.com\nd.example.com",
					Err:  ErrMalformed,
				}},
				Stats: Stats{Lines: 5, Domains: 1, Bad: 1, Skipped: 3},
			},
		},
		{
			name:   "csv long field",
			in:     "domain\n" + long + "\nexample.com\n\n",
			format: FormatAuto,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "example.com", Line: 3}},
				Bad:     []badLine{{Line: 2, Text: long, Err: ErrInvalidName}},
				Stats:   Stats{Lines: 4, Domains: 1, Bad: 1, Skipped: 2},
			},
		},
		{
			name:   "csv long first line",
			in:     "domain," + long + "\nexample.com\n",
			format: FormatAuto,
			want: result{
				Format:  FormatCSV,
				Entries: []Entry{{Domain: "example.com", Line: 2}},
				Stats:   Stats{Lines: 2, Domains: 1, Skipped: 1},
			},
		},
		{
			name:   "csv header only",
			in:     "domain\r\n",
			format: FormatAuto,
			want:   result{Format: FormatCSV, Stats: Stats{Lines: 1, Skipped: 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readList(t, NewReader(strings.NewReader(tt.in), "list", tt.format))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want Format
	}{
		{name: "empty", in: "", want: FormatText},
		{name: "comments only", in: "# a\n\n# b\n", want: FormatText},
		{name: "domain", in: "example.com\n", want: FormatText},
		{name: "URL", in: "https://example.com/\n", want: FormatText},
		{name: "word containing domain", in: "my-domain.com\n", want: FormatText},
		{name: "header domains", in: "domains\nexample.com\n", want: FormatText},
		{name: "domain then rank", in: "example.com,5\n", want: FormatText},
		{name: "rank only", in: "1\n", want: FormatText},
		{name: "rank and empty name", in: "1,\n", want: FormatText},
		{name: "tranco", in: "1,google.com\n2,youtube.com\n", want: FormatTranco},
		{name: "tranco with spaces", in: " 1 , google.com\n", want: FormatTranco},
		{name: "tranco after comments", in: "# Tranco list\n\n1,google.com\n", want: FormatTranco},
		{name: "radar header", in: "domain\ngoogle.com\n", want: FormatCSV},
		{name: "header upper case", in: "DOMAIN\ngoogle.com\n", want: FormatCSV},
		{name: "rank,domain header", in: "rank,domain\n1,google.com\n", want: FormatCSV},
		{name: "quoted header", in: "\"Rank\",\" Domain \"\n", want: FormatCSV},
		{name: "header after BOM", in: "\ufeffdomain\n", want: FormatCSV},
		{name: "header after comment", in: "# exported\ndomain,category\n", want: FormatCSV},
		{name: "broken quote", in: "\"domain\n", want: FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.in), "list", FormatAuto)
			if _, err := r.Next(); err != nil && err != io.EOF {
				var lineErr *LineError
				if !errors.As(err, &lineErr) {
					t.Fatalf("Next: %v", err)
				}
			}
			if got := r.Format(); got != tt.want {
				t.Errorf("detected %s, want %s", got, tt.want)
			}
		})
	}
}

var errBoom = errors.New("boom")

func TestReaderOperationalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     io.Reader
		format Format
		good   int      // entries before the error
		is     error    // when set, the error wraps it
		text   []string // the error says all of these
	}{
		{
			name:   "csv without domain column",
			in:     strings.NewReader("# c\nname,rank\nexample.com,1\n"),
			format: FormatCSV,
			is:     ErrNoDomainColumn,
			text:   []string{"list", "line 2"},
		},
		{
			name:   "csv with two domain columns",
			in:     strings.NewReader("domain,Domain\nexample.com,example.net\n"),
			format: FormatAuto,
			text:   []string{"list", "line 1", "twice"},
		},
		{
			name:   "csv header quote never closed",
			in:     strings.NewReader("\"domain\n"),
			format: FormatCSV,
			text:   []string{"list", "line 1", "CSV header"},
		},
		{
			name:   "unknown format",
			in:     strings.NewReader("example.com\n"),
			format: Format("xml"),
			text:   []string{"unknown format"},
		},
		{
			name:   "read error in text",
			in:     io.MultiReader(strings.NewReader("example.com\n"), iotest.ErrReader(errBoom)),
			format: FormatAuto,
			good:   1,
			is:     errBoom,
			text:   []string{"read domain list list"},
		},
		{
			name:   "read error before the first line",
			in:     iotest.ErrReader(errBoom),
			format: FormatAuto,
			is:     errBoom,
		},
		{
			name:   "read error in csv",
			in:     io.MultiReader(strings.NewReader("domain\nexample.com\n"), iotest.ErrReader(errBoom)),
			format: FormatAuto,
			good:   1,
			is:     errBoom,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(tt.in, "list", tt.format)
			var err error
			good := 0
			for err == nil {
				if _, err = r.Next(); err == nil {
					good++
				}
			}
			var lineErr *LineError
			if err == io.EOF || errors.As(err, &lineErr) {
				t.Fatalf("Next = %v, want an operational error", err)
			}
			if good != tt.good {
				t.Errorf("%d entries before the error, want %d", good, tt.good)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %q", err, tt.is)
			}
			for _, s := range tt.text {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if _, again := r.Next(); again != err {
				t.Errorf("second Next = %v, want the same error %v", again, err)
			}
		})
	}
}

// TestNoDomainColumn checks the one error a CSV list without a "domain"
// column gives, word for word: given as CSV, or taken for CSV because its
// first line reads as a header. Lines that do not read as a header are
// still taken for text.
func TestNoDomainColumn(t *testing.T) {
	t.Parallel()
	const hint = `name the column that holds the domains "domain"`
	const textHint = hint + ", or give --input-format text if the file has one domain per line"
	many := strings.Repeat("x", 50) + strings.Repeat(",col", 11)
	tests := []struct {
		name   string
		in     string
		format Format
		want   string // the error; "" for none
		detect Format // the format read when there is no error
	}{
		{"auto, two names", "site,rank\nexample.com,1\n", FormatAuto,
			`read domain list list: line 1: CSV header has no "domain" column (columns: "site", "rank"); ` + textHint, ""},
		{"auto, after comments, spaces and an empty column", "# export\n\n,Domain Name , Rank (2024)\n", FormatAuto,
			`read domain list list: line 3: CSV header has no "domain" column (columns: "", "Domain Name", "Rank (2024)"); ` + textHint, ""},
		{"auto, many long columns", many + "\n", FormatAuto,
			`read domain list list: line 1: CSV header has no "domain" column (columns: "` + strings.Repeat("x", 40) + `...", "col", "col", "col", "col", "col", "col", "col" and 4 more); ` + textHint, ""},
		{"csv given", "# c\nname,rank\nexample.com,1\n", FormatCSV,
			`read domain list list: line 2: CSV header has no "domain" column (columns: "name", "rank"); ` + hint, ""},
		{"csv given, one column", "Site\nexample.com\n", FormatCSV,
			`read domain list list: line 1: CSV header has no "domain" column (columns: "Site"); ` + hint, ""},
		{"text given", "site,rank\nexample.com\n", FormatText, "", FormatText},
		{"domain column", "rank,domain\n1,example.com\n", FormatAuto, "", FormatCSV},
		{"tranco", "1,example.com\n", FormatAuto, "", FormatTranco},
		{"domain then rank", "example.com,5\n", FormatAuto, "", FormatText},
		{"URL and a name", "https://example.com/,shop\n", FormatAuto, "", FormatText},
		{"one name and a number", "site,2\n", FormatAuto, "", FormatText},
		{"one name", "site\n", FormatAuto, "", FormatText},
		{"binary", "a\x00b,c\x01d\n", FormatAuto, "", FormatText},
		{"name too long", "site," + strings.Repeat("r", 65) + "\n", FormatAuto, "", FormatText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := NewReader(strings.NewReader(tt.in), "list", tt.format)
			var err error
			for range 10 {
				var lineErr *LineError
				if _, err = r.Next(); err == nil || errors.As(err, &lineErr) {
					continue
				}
				break
			}
			if tt.want == "" {
				if err != io.EOF {
					t.Fatalf("Next = %v, want io.EOF", err)
				}
				if r.Format() != tt.detect {
					t.Errorf("format %s, want %s", r.Format(), tt.detect)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tt.want)
			}
			if !errors.Is(err, ErrNoDomainColumn) {
				t.Errorf("error does not wrap ErrNoDomainColumn")
			}
		})
	}
}
