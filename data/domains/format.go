package domains

import "fmt"

// Format is the layout of a domain list.
type Format string

// The formats a Reader understands. The zero value is treated as FormatAuto.
const (
	// FormatAuto picks the format from the first line that is neither blank
	// nor a comment: a CSV header with a "domain" column means FormatCSV,
	// "<integer>,<name>" means FormatTranco, a line that reads as a CSV
	// header without a "domain" column (such as "site,rank") is an error
	// wrapping ErrNoDomainColumn, anything else FormatText.
	FormatAuto Format = "auto"
	// FormatText is one domain per line, with '#' comments.
	FormatText Format = "text"
	// FormatCSV is CSV with a header naming a "domain" column and optionally
	// a "rank" column (names matched without regard to case).
	FormatCSV Format = "csv"
	// FormatTranco is "rank,domain" per line without a header, as in the
	// Tranco list.
	FormatTranco Format = "tranco"
)

// Formats lists every format in the order the command line documents them.
var Formats = []Format{FormatAuto, FormatText, FormatCSV, FormatTranco}

// ParseFormat returns the format named s, or an error when s names none.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown domain list format %q (want auto, text, csv or tranco)", s)
}

func (f Format) String() string { return string(f) }

// Set implements pflag.Value, so that a Format can be a command-line flag.
func (f *Format) Set(s string) error {
	v, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Type implements pflag.Value.
func (f Format) Type() string { return "format" }

// MarshalText implements encoding.TextMarshaler.
func (f Format) MarshalText() ([]byte, error) {
	if _, err := ParseFormat(string(f)); err != nil {
		return nil, err
	}
	return []byte(f), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (f *Format) UnmarshalText(b []byte) error { return f.Set(string(b)) }
