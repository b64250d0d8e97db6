package domains

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchList returns a generated list of n lines in format f, with a comment,
// a duplicate and a bad line every thousand lines, as real lists have.
func benchList(f Format, n int) []byte {
	var b bytes.Buffer
	if f == FormatCSV {
		b.WriteString("rank,domain,category\n")
		n--
	}
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("site-%d.example%d.com", i, i%7)
		switch {
		case i%1000 == 0:
			name = "not a domain"
		case i%1000 == 1 && i > 1:
			name = fmt.Sprintf("site-%d.example%d.com", i-1, (i-1)%7)
		}
		switch f {
		case FormatText:
			if i%1000 == 500 {
				b.WriteString("# section\n")
				continue
			}
			fmt.Fprintf(&b, "%s\n", name)
		case FormatTranco:
			fmt.Fprintf(&b, "%d,%s\n", i, name)
		case FormatCSV:
			fmt.Fprintf(&b, "%d,%s,\"News, Media\"\n", i, name)
		}
	}
	return b.Bytes()
}

func BenchmarkReader(b *testing.B) {
	const lines = 100_000
	for _, f := range []Format{FormatText, FormatTranco, FormatCSV} {
		data := benchList(f, lines)
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReader(bytes.NewReader(data), "bench", FormatAuto)
				for {
					_, err := r.Next()
					if err == io.EOF {
						break
					}
				}
				if s := r.Stats(); s.Lines != lines || s.Domains < lines*99/100 {
					b.Fatalf("stats %+v", s)
				}
			}
		})
	}
}

// normalNames are names already in the form Normalize returns, as the
// names of a crawl's observations are (dnscrawl.Observation.CheckNames
// normalises every domain again).
var normalNames = []string{
	"example.com", "www.example.co.uk", "site-12345.example3.com", "xn--grelab-cta7p.com",
	"_dmarc.example.org", "a.b.c.d.example.net", "blogspot.com", "user.github.io", "ns1.example-dns.net",
}

// BenchmarkNormalize normalises names already in normal form.
func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range normalNames {
			if got, err := Normalize(n); err != nil || got != n {
				b.Fatalf("Normalize(%q) = %q, %v", n, got, err)
			}
		}
	}
}
