package refdata

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// UpdateOptions configure Update.
type UpdateOptions struct {
	// Dir is the data directory.
	Dir string
	// IDs selects sources; empty means every source with a download URL
	// that is not Optional.
	IDs []string
	// BaseURL, when set, replaces the scheme and host of every official
	// URL (keeping path and query): how tests serve the files from a
	// local server, and how a mirror is used.
	BaseURL string
	// Client is the HTTP client; nil means one with Timeout.
	Client *http.Client
	// Timeout bounds each request (default 60s).
	Timeout time.Duration
	// MaxSize bounds each download after decompression (default 256 MiB).
	MaxSize int64
	// Getenv reads environment variables (default os.Getenv).
	Getenv func(string) string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Force stores files that validation refuses for soft reasons only
	// (see ValidationError): a shrink, a vanished region or service, a
	// prefix another source publishes. A file that does not parse, is
	// empty or holds a prefix no provider can publish is never stored.
	Force bool
	// UserAgent sent with every request.
	UserAgent string
}

// Outcome of one source in an update or import.
type Outcome string

// The outcomes.
const (
	OutcomeUpdated   Outcome = "updated"   // a new copy was validated and stored
	OutcomeUnchanged Outcome = "unchanged" // the server said not modified, or same content
	OutcomeSkipped   Outcome = "skipped"   // not attempted (no URL, missing key)
	OutcomeFailed    Outcome = "failed"    // download, parse or validation failed; the last good copy is kept
)

// Report is the result for one source.
type Report struct {
	ID       string
	Outcome  Outcome
	Prefixes int
	// Err is why it failed or was skipped.
	Err error
	// Notes are what a stored copy reported without being refused
	// (duplicate entries, an older publication, reasons overridden by
	// Force).
	Notes []string
}

// ErrUpdate is returned by Update and Import when at least one source
// failed; the reports say which.
var ErrUpdate = errors.New("some reference data sources failed")

func (o *UpdateOptions) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxSize <= 0 {
		o.MaxSize = 256 << 20
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: o.Timeout}
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.UserAgent == "" {
		o.UserAgent = "chokepoint (https://github.com/chokepoint-dev/chokepoint)"
	}
}

// selectSources returns the sources ids names, or the default set.
func selectSources(ids []string, dflt func(*Source) bool) ([]*Source, error) {
	var out []*Source
	if len(ids) == 0 {
		for i := range Sources {
			if dflt(&Sources[i]) {
				out = append(out, &Sources[i])
			}
		}
		return out, nil
	}
	for _, id := range ids {
		s, ok := SourceByID(id)
		if !ok {
			var known []string
			for _, s := range Sources {
				known = append(known, s.ID)
			}
			return nil, fmt.Errorf("unknown source %q (known: %s)", id, strings.Join(known, ", "))
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Update downloads the selected sources one after the other, validates
// each, and replaces a stored copy only when the new one passes. A source
// that fails keeps its last good copy; its error is in its Report and the
// returned error wraps ErrUpdate. The manifest is rewritten at the end.
func Update(ctx context.Context, o UpdateOptions) ([]Report, error) {
	o.defaults()
	srcs, err := selectSources(o.IDs, func(s *Source) bool { return !s.Optional && hasURL(s) })
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	m, err := ReadManifest(o.Dir)
	if err != nil {
		return nil, err
	}
	var reports []Report
	failed := false
	var c claims // the stored sources' prefixes, read when first needed
	for _, src := range srcs {
		if ctx.Err() != nil {
			return reports, ctx.Err()
		}
		r := updateSource(ctx, o, m, src, &c)
		if r.Outcome == OutcomeFailed {
			failed = true
		}
		reports = append(reports, r)
	}
	if err := writeManifest(o.Dir, m); err != nil {
		return reports, err
	}
	if failed {
		return reports, ErrUpdate
	}
	return reports, nil
}

func hasURL(s *Source) bool {
	return slices.ContainsFunc(s.Files, func(f SourceFile) bool { return f.URL != "" })
}

// updateSource downloads and commits one source. *c holds the stored
// range sources' prefixes; it is read when a range source first needs it.
func updateSource(ctx context.Context, o UpdateOptions, m *Manifest, src *Source, c *claims) Report {
	r := Report{ID: src.ID}
	if !hasURL(src) {
		r.Outcome, r.Err = OutcomeSkipped, errors.New("no download URL: use data import")
		return r
	}
	if src.Env != "" && o.Getenv(src.Env) == "" {
		r.Outcome, r.Err = OutcomeSkipped, fmt.Errorf("%s is not set", src.Env)
		return r
	}
	now := o.Now().UTC()
	st := m.Sources[src.ID]
	b := newBatch()
	for _, f := range src.Files {
		if f.URL == "" {
			continue
		}
		var prev *FileState
		if st != nil {
			if i := slices.IndexFunc(st.Files, func(x FileState) bool { return x.Name == f.Name }); i >= 0 {
				if _, err := os.Stat(filepath.Join(o.Dir, src.ID, f.Name)); err == nil {
					prev = &st.Files[i]
				}
			}
		}
		body, fs, err := fetch(ctx, o, src, &f, prev, now)
		if err != nil {
			return fail(m, src, now, fmt.Errorf("source %s: %w", src.ID, err))
		}
		if body == nil { // not modified
			continue
		}
		if prev != nil && prev.SHA256 == fs.SHA256 {
			continue
		}
		b.fresh[f.Name], b.meta[f.Name] = body, fs
	}
	if len(b.fresh) == 0 {
		if st == nil {
			st = &SourceState{ID: src.ID, Kind: src.Kind}
			m.Sources[src.ID] = st
		}
		st.CheckedAt, st.LastError = now, ""
		r.Outcome, r.Prefixes = OutcomeUnchanged, st.Prefixes
		return r
	}
	if src.Kind == KindRanges && *c == nil {
		*c = storedClaims(o.Dir, m)
	}
	notes, err := commit(o.Dir, m, src, b, "download", now, o.Force, *c)
	if err != nil {
		r.Outcome, r.Err = OutcomeFailed, err
		return r
	}
	r.Outcome, r.Prefixes, r.Notes = OutcomeUpdated, m.Sources[src.ID].Prefixes, notes
	return r
}

// fail records err for src in m and returns its report.
func fail(m *Manifest, src *Source, now time.Time, err error) Report {
	st := m.Sources[src.ID]
	if st == nil {
		st = &SourceState{ID: src.ID, Kind: src.Kind}
		m.Sources[src.ID] = st
	}
	st.CheckedAt, st.LastError = now, err.Error()
	return Report{ID: src.ID, Outcome: OutcomeFailed, Err: err}
}

// expand fills the placeholders of an official URL.
func expand(o UpdateOptions, u string, now time.Time) string {
	u = strings.ReplaceAll(u, "{YYYY-MM}", now.Format("2006-01"))
	if strings.Contains(u, "{MAXMIND_LICENSE_KEY}") {
		u = strings.ReplaceAll(u, "{MAXMIND_LICENSE_KEY}", url.QueryEscape(o.Getenv("MAXMIND_LICENSE_KEY")))
	}
	return u
}

// rebase replaces the scheme and host of u by those of base.
func rebase(base, u string) (string, error) {
	if base == "" {
		return u, nil
	}
	b, err := url.Parse(base)
	if err != nil || b.Scheme == "" || b.Host == "" {
		return "", fmt.Errorf("base URL %q is not an absolute URL", base)
	}
	x, err := url.Parse(u)
	if err != nil {
		return "", err
	}
	x.Scheme, x.Host = b.Scheme, b.Host
	x.Path = strings.TrimSuffix(b.Path, "/") + x.Path
	return x.String(), nil
}

// redact removes a licence key from a URL before it is recorded.
func redact(u string) string {
	x, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := x.Query()
	if q.Has("license_key") {
		q.Set("license_key", "REDACTED")
		x.RawQuery = q.Encode()
	}
	return x.String()
}

// fetch downloads one file. It returns nil bytes when the server says the
// stored copy (prev) is current.
func fetch(ctx context.Context, o UpdateOptions, src *Source, f *SourceFile, prev *FileState, now time.Time) ([]byte, FileState, error) {
	u, err := rebase(o.BaseURL, expand(o, f.URL, now))
	if err != nil {
		return nil, FileState{}, err
	}
	if strings.Contains(f.URL, "{YYYY-MM}") {
		// A monthly file may not be out yet on the first days of a
		// month: fall back to the previous month's.
		prevMonth := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
		b, fs, err := fetchURL(ctx, o, f, u, prev, now)
		var se *statusError
		if !errors.As(err, &se) || se.code != http.StatusNotFound {
			return b, fs, err
		}
		if u, err = rebase(o.BaseURL, expand(o, f.URL, prevMonth)); err != nil {
			return nil, FileState{}, err
		}
		return fetchURL(ctx, o, f, u, prev, now)
	}
	if f.Page != nil {
		page, _, err := get(ctx, o, u, nil, 4<<20)
		if err != nil {
			return nil, FileState{}, err
		}
		link := f.Page.Find(page)
		if link == nil {
			return nil, FileState{}, fmt.Errorf("%s: no link to the file on %s", f.Name, redact(u))
		}
		if u, err = rebase(o.BaseURL, string(link)); err != nil {
			return nil, FileState{}, err
		}
	}
	return fetchURL(ctx, o, f, u, prev, now)
}

// fetchURL downloads f from u (already expanded and rebased).
func fetchURL(ctx context.Context, o UpdateOptions, f *SourceFile, u string, prev *FileState, now time.Time) ([]byte, FileState, error) {
	body, resp, err := get(ctx, o, u, prev, o.MaxSize)
	if err != nil {
		return nil, FileState{}, err
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, FileState{}, nil
	}
	b, err := decompress(f, body, o.MaxSize)
	if err != nil {
		return nil, FileState{}, fmt.Errorf("%s from %s: %w", f.Name, redact(u), err)
	}
	return b, FileState{
		Name: f.Name, URL: redact(u), FetchedAt: now,
		ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"),
		SHA256: sha(b),
	}, nil
}

// get performs one GET, conditional on prev's ETag and Last-Modified,
// reading at most limit bytes of body.
func get(ctx context.Context, o UpdateOptions, u string, prev *FileState, limit int64) ([]byte, *http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("User-Agent", o.UserAgent)
	if prev != nil {
		if prev.ETag != "" {
			req.Header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.Header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", redact(u), scrub(err, u))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified && prev != nil:
		return nil, resp, nil
	case resp.StatusCode != http.StatusOK:
		return nil, nil, &statusError{url: redact(u), code: resp.StatusCode, status: resp.Status}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", redact(u), scrub(err, u))
	}
	if int64(len(b)) > limit {
		return nil, nil, fmt.Errorf("GET %s: larger than the limit of %d bytes", redact(u), limit)
	}
	return b, resp, nil
}

// statusError is an HTTP answer other than 200 or 304.
type statusError struct {
	url    string
	code   int
	status string
}

func (e *statusError) Error() string { return fmt.Sprintf("GET %s: %s", e.url, e.status) }

// scrub keeps a licence key out of an error message.
func scrub(err error, u string) error {
	if r := redact(u); r != u {
		return errors.New(strings.ReplaceAll(err.Error(), u, r))
	}
	return err
}

// decompress undoes the download's compression, bounded by limit.
func decompress(f *SourceFile, b []byte, limit int64) ([]byte, error) {
	switch f.Compression {
	case "":
		return b, nil
	case "zip":
		return unzipMember(b, f.Member, limit)
	case "gzip", "tar.gz":
	default:
		return nil, fmt.Errorf("unknown compression %q", f.Compression)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("gunzip: %w", err)
	}
	defer zr.Close()
	var r io.Reader = zr
	if f.Compression == "tar.gz" {
		tr := tar.NewReader(zr)
		for {
			h, err := tr.Next()
			if err == io.EOF {
				return nil, errors.New("no .mmdb file in the archive")
			}
			if err != nil {
				return nil, fmt.Errorf("untar: %w", err)
			}
			if h.Typeflag == tar.TypeReg && strings.HasSuffix(h.Name, ".mmdb") {
				r = tr
				break
			}
		}
	}
	out, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	if int64(len(out)) > limit {
		return nil, fmt.Errorf("larger than the limit of %d bytes once decompressed", limit)
	}
	return out, nil
}

// unzipMember returns the file named member (by base name) from the zip
// archive b, bounded by limit.
func unzipMember(b []byte, member string, limit int64) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("unzip: %w", err)
	}
	for _, zf := range zr.File {
		if path.Base(zf.Name) != member || zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return nil, fmt.Errorf("unzip %s: %w", member, err)
		}
		defer rc.Close()
		out, err := io.ReadAll(io.LimitReader(rc, limit+1))
		if err != nil {
			return nil, fmt.Errorf("unzip %s: %w", member, err)
		}
		if int64(len(out)) > limit {
			return nil, fmt.Errorf("%s is larger than the limit of %d bytes once decompressed", member, limit)
		}
		return out, nil
	}
	return nil, fmt.Errorf("no %s in the zip archive", member)
}

// ImportOptions configure Import.
type ImportOptions struct {
	Dir  string // the data directory
	From string // the directory holding the user's files
	// Force is UpdateOptions.Force.
	Force bool
	Now   func() time.Time
}

// Import takes the files of From that it recognises by name (see each
// SourceFile's Import patterns; "data status" and the README list them),
// validates them source by source exactly as Update does, and stores
// those that pass. Files it does not recognise are reported as skipped.
// The imported files are checked against each other as well as against
// the stored sources: when two of them publish the same prefix, both are
// refused, whatever their order.
func Import(o ImportOptions) ([]Report, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	ents, err := os.ReadDir(o.From)
	if err != nil {
		return nil, fmt.Errorf("read import directory: %w", err)
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	m, err := ReadManifest(o.Dir)
	if err != nil {
		return nil, err
	}
	now := o.Now().UTC()
	batches := map[string]*batch{}
	var reports []Report
	for _, e := range ents { // ReadDir is sorted by name
		if !e.Type().IsRegular() {
			continue
		}
		src, f, ok := matchImport(e.Name())
		if !ok {
			reports = append(reports, Report{ID: e.Name(), Outcome: OutcomeSkipped, Err: errors.New("not a file chokepoint recognises by name")})
			continue
		}
		p := filepath.Join(o.From, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", p, err)
		}
		if strings.HasSuffix(strings.ToLower(e.Name()), ".gz") {
			if b, err = decompress(&SourceFile{Compression: "gzip"}, b, 1<<30); err != nil {
				return nil, fmt.Errorf("import %s: %w", p, err)
			}
		}
		bt := batches[src.ID]
		if bt == nil {
			bt = newBatch()
			batches[src.ID] = bt
		}
		if _, dup := bt.fresh[f.Name]; dup {
			reports = append(reports, Report{ID: e.Name(), Outcome: OutcomeSkipped, Err: fmt.Errorf("a second file for %s/%s", src.ID, f.Name)})
			continue
		}
		bt.fresh[f.Name] = b
		abs, _ := filepath.Abs(p)
		bt.meta[f.Name] = FileState{Name: f.Name, URL: abs, FetchedAt: now, SHA256: sha(b)}
		bt.labels[f.Name] = p
	}
	// Every range source's prefixes as they would be after this import:
	// the imported copy where there is one that parses, else the stored.
	c := storedClaims(o.Dir, m)
	for i := range Sources {
		src := &Sources[i]
		if bt := batches[src.ID]; bt != nil && src.Kind == KindRanges {
			if pfs, _, err := bt.parse(o.Dir, src, m.Sources[src.ID]); err == nil {
				c.set(src.ID, pfs)
			}
		}
	}
	failed := false
	for i := range Sources { // fixed order
		src := &Sources[i]
		bt := batches[src.ID]
		if bt == nil {
			continue
		}
		notes, err := commit(o.Dir, m, src, bt, "import", now, o.Force, c)
		if err != nil {
			failed = true
			reports = append(reports, Report{ID: src.ID, Outcome: OutcomeFailed, Err: err})
			continue
		}
		reports = append(reports, Report{ID: src.ID, Outcome: OutcomeUpdated, Prefixes: m.Sources[src.ID].Prefixes, Notes: notes})
	}
	if err := writeManifest(o.Dir, m); err != nil {
		return reports, err
	}
	if failed {
		return reports, ErrUpdate
	}
	return reports, nil
}
