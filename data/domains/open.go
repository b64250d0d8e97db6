package domains

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// StdinPath is the path that names standard input.
const StdinPath = "-"

// Open opens the domain list at path for reading in format f. The path "-"
// reads stdin, which the caller passes in (usually os.Stdin), under the
// source name "stdin"; closing the returned Closer does not close it. Errors
// name the path and wrap the cause, so errors.Is(err, fs.ErrNotExist) works.
func Open(path string, stdin io.Reader, f Format) (*Reader, io.Closer, error) {
	if path == StdinPath {
		if stdin == nil {
			return nil, nil, errors.New("read domain list from stdin: no standard input")
		}
		return NewReader(stdin, "stdin", f), nopCloser{}, nil
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open domain list %s: %w", path, unwrapPath(err))
	}
	info, err := file.Stat()
	if err == nil && info.IsDir() {
		err = errors.New("is a directory")
	}
	if err != nil {
		file.Close() // read-only, and the Stat error is the one to report
		return nil, nil, fmt.Errorf("open domain list %s: %w", path, unwrapPath(err))
	}
	return NewReader(file, path, f), file, nil
}

// unwrapPath drops the *fs.PathError around err, whose text would repeat
// the path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// ReadAll reads every entry of r, in list order. warn, when not nil, is
// called with every bad line. When the list yields no valid domain at all,
// ReadAll returns an error wrapping ErrEmpty; on an operational error it
// returns that error and no entries.
func ReadAll(r *Reader, warn func(*LineError)) ([]Entry, error) {
	var entries []Entry
	for {
		e, err := r.Next()
		var lineErr *LineError
		switch {
		case err == nil:
			entries = append(entries, e)
		case err == io.EOF:
			if len(entries) == 0 {
				return nil, fmt.Errorf("domain list %s: %w", r.source, ErrEmpty)
			}
			return entries, nil
		case errors.As(err, &lineErr):
			if warn != nil {
				warn(lineErr)
			}
		default:
			return nil, err
		}
	}
}
