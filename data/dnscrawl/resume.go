package dnscrawl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/chokepoint-dev/chokepoint/data/domains"
)

// Resumed is what an interrupted crawl left in its observations file.
type Resumed struct {
	// Done holds the domains that have a complete observation line.
	Done domains.NameSet
	// ByStatus counts those observations per status.
	ByStatus map[Status]int
	// Queries sums their queries.
	Queries int64
	// Size is the length in bytes of the part of the file kept: every
	// line up to the first one that is torn or cannot be read.
	Size int64
	// Dropped counts the lines cut off after Size (a torn last line
	// written when the crawl was killed; anything after a corrupt line).
	// Their domains are not in Done and are crawled again.
	Dropped int
}

// ReadResume reads the observations file at path, written by an earlier
// crawl of the same list, and truncates it after its last complete,
// readable line, so that appending to it continues the crawl: every
// domain in Done has exactly one line, every other domain none. A file
// that does not exist is an empty crawl.
func ReadResume(path string) (*Resumed, error) {
	r := &Resumed{ByStatus: make(map[Status]int)}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resume %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	var off int64
	cut := false
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: read it whole.
			long := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			if cut || err != nil || !r.take(line) {
				// Torn (no newline: the write was cut short) or not an
				// observation: keep nothing from here on.
				cut = true
				r.Dropped++
			} else {
				off += int64(len(line))
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("resume %s: %w", path, err)
		}
	}
	r.Size = off
	if cut {
		if err := f.Truncate(off); err != nil {
			return nil, fmt.Errorf("resume %s: cut torn tail: %w", path, err)
		}
		if err := f.Sync(); err != nil {
			return nil, fmt.Errorf("resume %s: %w", path, err)
		}
	}
	return r, nil
}

// take records one complete line and reports whether it is a valid
// observation of a domain not seen before.
func (r *Resumed) take(line []byte) bool {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return true
	}
	var o struct {
		SchemaVersion int    `json:"schema_version"`
		Domain        string `json:"domain"`
		Status        Status `json:"status"`
		Queries       int64  `json:"queries"`
	}
	if json.Unmarshal(line, &o) != nil || o.SchemaVersion < MinSchemaVersion || o.SchemaVersion > SchemaVersion || o.Domain == "" {
		return false
	}
	if _, err := ParseStatus(string(o.Status)); err != nil {
		return false
	}
	if !r.Done.Add(o.Domain) {
		return false // a domain twice: the file is not one crawl's output
	}
	r.ByStatus[o.Status]++
	r.Queries += o.Queries
	return true
}
