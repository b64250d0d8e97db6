package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// ReadSiteCountries reads the country column of the domain list at path
// (format as domains.Open takes it): the country of each site, by its
// normalised domain, the name the crawl recorded. Bad lines are reported
// on stderr, the first few then their count, and the reading goes on: a
// line with an invalid country gives its domain no country. It returns
// nil when no line of the list gives a country.
func ReadSiteCountries(ctx context.Context, path string, format domains.Format, stderr io.Writer) (map[string]string, error) {
	if path == domains.StdinPath {
		return nil, inputf("--list -: the list of countries cannot be read from standard input, which the crawl read; give the list's file")
	}
	r, closer, err := domains.Open(path, nil, format)
	if err != nil {
		return nil, inputError{err}
	}
	defer closer.Close()
	bad := NewLineReport(stderr, path)
	defer bad.Done()
	var out map[string]string
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		e, err := r.Next()
		var le *domains.LineError
		switch {
		case errors.As(err, &le):
			bad.Printf("chokepoint: skipped %v", le)
			continue
		case errors.Is(err, io.EOF):
			return out, nil
		case err != nil:
			return nil, inputError{fmt.Errorf("--list: %w", err)}
		}
		if e.Country == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[e.Domain] = e.Country
	}
}
