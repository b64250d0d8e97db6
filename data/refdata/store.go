package refdata

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// ManifestName is the manifest's file name in a data directory.
const ManifestName = "manifest.json"

// ManifestSchemaVersion is the version of the manifest's JSON form.
const ManifestSchemaVersion = 1

// DefaultDir returns the default data directory: "chokepoint" under the
// user's cache directory (os.UserCacheDir), or "" when there is none.
func DefaultDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "chokepoint")
}

// Manifest records what a data directory holds. It is rewritten
// atomically after every update or import.
type Manifest struct {
	SchemaVersion int `json:"schema_version"`
	// Sources by id; encoding/json writes map keys sorted.
	Sources map[string]*SourceState `json:"sources"`
}

// SourceState is the state of one source in a data directory.
type SourceState struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Origin is "download" or "import".
	Origin string `json:"origin,omitempty"`
	// UpdatedAt is when the current good copy was stored; zero when there
	// is none.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	// CheckedAt is the last attempt, successful or not.
	CheckedAt time.Time   `json:"checked_at,omitzero"`
	Files     []FileState `json:"files,omitempty"`
	Summary
	// LastError is why the last attempt did not replace the good copy;
	// empty after a success.
	LastError string `json:"last_error,omitempty"`
	// Notes are what the last successful attempt reported without
	// refusing the copy: duplicate entries counted once, a copy older
	// than the one it replaced, reasons overridden by --force.
	Notes []string `json:"notes,omitempty"`
}

// FileState describes one stored file.
type FileState struct {
	Name string `json:"name"`
	// URL it was downloaded from (licence key removed), or the path it
	// was imported from.
	URL          string    `json:"url"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	SHA256       string    `json:"sha256"`
	Size         int64     `json:"size"`
	Prefixes     int       `json:"prefixes"`
	// Published is the date the provider gave this copy, from the file
	// itself or, failing that, from the download's Last-Modified header
	// (see Publication); zero when neither says. PublishedFrom names
	// where it was read, Version is the file's own serial.
	Published     time.Time `json:"published,omitzero"`
	PublishedFrom string    `json:"published_from,omitempty"`
	Version       string    `json:"version,omitempty"`
}

// Summary is what validation compares between two copies of a source.
type Summary struct {
	// Prefixes counts the distinct entries (prefix with its service,
	// region, border group and country): an entry repeated in a file
	// counts once, so that padding a truncated file with copies of its
	// lines cannot hide a shrink.
	Prefixes int `json:"prefixes"`
	IPv4     int `json:"ipv4_prefixes"`
	IPv6     int `json:"ipv6_prefixes"`
	// Duplicates counts the entries left out of Prefixes because an
	// identical one came before.
	Duplicates int `json:"duplicate_entries,omitempty"`
	// Regions and Services are the distinct values, sorted.
	Regions  []string `json:"regions,omitempty"`
	Services []string `json:"services,omitempty"`
	// Shortest4 and Shortest6 are the shortest prefix lengths (0 when the
	// family is absent).
	Shortest4 int `json:"shortest_ipv4,omitempty"`
	Shortest6 int `json:"shortest_ipv6,omitempty"`
	// Published is the latest publication date of the source's files
	// (see FileState.Published); zero when none says.
	Published time.Time `json:"published,omitzero"`
}

// summarize counts the distinct entries of rs and collects their regions
// and services.
func summarize(rs []Range) Summary {
	var s Summary
	regions, services := map[string]bool{}, map[string]bool{}
	seen := make(map[Range]bool, len(rs))
	for _, r := range rs {
		if seen[r] {
			s.Duplicates++
			continue
		}
		seen[r] = true
		s.add(r.Prefix)
		if r.Region != "" {
			regions[r.Region] = true
		}
		if r.Service != "" {
			services[r.Service] = true
		}
	}
	s.Regions, s.Services = sortedKeys(regions), sortedKeys(services)
	return s
}

// add counts p. The shortest length of a family is set by its first
// prefix, whatever its length: a /0 is the shortest, not "unset".
func (s *Summary) add(p netip.Prefix) {
	s.Prefixes++
	if p.Addr().Is4() {
		s.IPv4++
		if s.IPv4 == 1 || p.Bits() < s.Shortest4 {
			s.Shortest4 = p.Bits()
		}
		return
	}
	s.IPv6++
	if s.IPv6 == 1 || p.Bits() < s.Shortest6 {
		s.Shortest6 = p.Bits()
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// MaxShrink is the largest share of its prefixes a source may lose from
// one copy to the next.
const MaxShrink = 0.30

// ErrValidation is wrapped by every error of a file that parses but is
// refused by validation.
var ErrValidation = errors.New("reference data refused")

// Validate checks a new copy of src against the previous good one (old
// may be nil). Hard reasons: empty, a prefix shorter than MinBits4 or
// MinBits6. Soft reasons (--force overrides them): a shrink by more than
// MaxShrink, and, for stable sources, a region or service that vanished.
// The error is a *ValidationError; it gives both publication dates when
// both summaries have one.
func Validate(src *Source, old *Summary, cur Summary) error {
	e := &ValidationError{Source: src.ID}
	if cur.Prefixes == 0 {
		e.Hard = append(e.Hard, "no prefix")
	}
	if src.Kind == KindRanges {
		// A family is present when it is counted or has a length (a
		// summary written by hand may give only the length).
		if (cur.IPv4 > 0 || cur.Shortest4 > 0) && cur.Shortest4 < MinBits4 {
			e.Hard = append(e.Hard, fmt.Sprintf("IPv4 prefix of length /%d (shorter than /%d)", cur.Shortest4, MinBits4))
		}
		if (cur.IPv6 > 0 || cur.Shortest6 > 0) && cur.Shortest6 < MinBits6 {
			e.Hard = append(e.Hard, fmt.Sprintf("IPv6 prefix of length /%d (shorter than /%d)", cur.Shortest6, MinBits6))
		}
	}
	if old != nil && old.Prefixes > 0 {
		if float64(cur.Prefixes) < (1-MaxShrink)*float64(old.Prefixes) {
			e.Soft = append(e.Soft, fmt.Sprintf("shrank from %d to %d prefixes (more than %.0f %%)", old.Prefixes, cur.Prefixes, 100*MaxShrink))
		}
		if src.Stable {
			if gone := missing(old.Regions, cur.Regions); len(gone) > 0 {
				e.Soft = append(e.Soft, fmt.Sprintf("regions vanished: %s", list(gone)))
			}
			if gone := missing(old.Services, cur.Services); len(gone) > 0 {
				e.Soft = append(e.Soft, fmt.Sprintf("services vanished: %s", list(gone)))
			}
		}
		e.Published, e.StoredPublished = cur.Published, old.Published
	}
	if len(e.Hard)+len(e.Soft) > 0 {
		return e
	}
	return nil
}

// missing returns the values of old not in cur (both sorted).
func missing(old, cur []string) []string {
	var out []string
	for _, v := range old {
		if _, ok := slices.BinarySearch(cur, v); !ok {
			out = append(out, v)
		}
	}
	return out
}

// list shows at most ten values.
func list(v []string) string {
	if len(v) > 10 {
		return strings.Join(v[:10], ", ") + fmt.Sprintf(" and %d more", len(v)-10)
	}
	return strings.Join(v, ", ")
}

// ReadManifest reads the manifest of dir; a directory without one yields
// an empty manifest.
func ReadManifest(dir string) (*Manifest, error) {
	m := &Manifest{SchemaVersion: ManifestSchemaVersion, Sources: map[string]*SourceState{}}
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read data manifest: %w", err)
	}
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("data manifest %s: %w: %v", filepath.Join(dir, ManifestName), ErrFormat, err)
	}
	if m.SchemaVersion != ManifestSchemaVersion {
		return nil, fmt.Errorf("data manifest %s: %w: schema_version %d, want %d", filepath.Join(dir, ManifestName), ErrFormat, m.SchemaVersion, ManifestSchemaVersion)
	}
	if m.Sources == nil {
		m.Sources = map[string]*SourceState{}
	}
	return m, nil
}

// writeManifest writes m into dir atomically.
func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode data manifest: %w", err)
	}
	b = append(b, '\n')
	return atomicfile.Write(filepath.Join(dir, ManifestName), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// parsedFile is one parsed file of a source.
type parsedFile struct {
	name   string // in the data directory
	label  string // as the user knows it: the path imported, the stored path, the name
	format Format
	ranges []Range     // of a range file
	pub    Publication // what the file says of its publication
}

// parseSource parses the files of one source held in memory (name ->
// content), in the order of src.Files, refuses a range file that holds a
// prefix no provider can publish (CheckRanges), and returns the files and
// the source's summary. labels name the files in errors; a file without
// one is named by its name. Database files are opened from a temporary
// copy and verified.
func parseSource(src *Source, files map[string][]byte, labels map[string]string) ([]parsedFile, Summary, error) {
	var out []parsedFile
	var all []Range
	var sum Summary
	for _, f := range src.Files {
		b, ok := files[f.Name]
		if !ok {
			continue
		}
		pf := parsedFile{name: f.Name, label: labels[f.Name], format: f.Format}
		if pf.label == "" {
			pf.label = f.Name
		}
		switch src.Kind {
		case KindRanges:
			rs, pub, err := ParseRangeFile(f.Format, src.ID, pf.label, bytes.NewReader(b))
			if err != nil {
				return nil, Summary{}, err
			}
			if err := CheckRanges(src.ID, pf.label, rs); err != nil {
				return nil, Summary{}, err
			}
			pf.ranges, pf.pub = rs, pub
			all = append(all, rs...)
		case KindASNTable, KindASNames:
			t := NewASNTable()
			var err error
			switch f.Format {
			case FormatPfx2as:
				err = t.AddPfx2as(pf.label, bytes.NewReader(b))
			case FormatIP2ASN:
				err = t.AddIP2ASN(pf.label, bytes.NewReader(b))
			case FormatASNames:
				err = t.AddASNames(pf.label, bytes.NewReader(b))
			}
			if err != nil {
				return nil, Summary{}, err
			}
			sum.Prefixes += t.Len() + len(t.names)
		case KindASNDB, KindCountryDB:
			n, built, err := checkMMDB(src.Kind, pf.label, b)
			if err != nil {
				return nil, Summary{}, err
			}
			sum.Prefixes += n
			if plausible(built) {
				pf.pub = Publication{Date: built, DateFrom: "build_epoch"}
			}
		}
		out = append(out, pf)
	}
	if src.Kind == KindRanges {
		sum = summarize(all)
	}
	return out, sum, nil
}

// checkMMDB verifies a MaxMind DB held in memory by opening a temporary
// copy as the expected kind, and returns its node count as a size and
// its build time.
func checkMMDB(k Kind, name string, b []byte) (int, time.Time, error) {
	tmp, err := os.CreateTemp("", "chokepoint-*.mmdb")
	if err != nil {
		return 0, time.Time{}, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return 0, time.Time{}, err
	}
	if err := tmp.Close(); err != nil {
		return 0, time.Time{}, err
	}
	asn, country := tmp.Name(), ""
	if k == KindCountryDB {
		asn, country = "", tmp.Name()
	}
	db, err := Open(asn, country)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("%s: %w", name, err)
	}
	defer db.Close()
	r := db.asn
	if r == nil {
		r = db.country
	}
	md := r.Metadata
	return int(md.NodeCount), time.Unix(int64(md.BuildEpoch), 0).UTC(), nil
}

// storedFiles reads the current copies of src's files in dir.
func storedFiles(dir string, src *Source, st *SourceState) (map[string][]byte, error) {
	out := map[string][]byte{}
	if st == nil {
		return out, nil
	}
	for _, fs := range st.Files {
		b, err := os.ReadFile(filepath.Join(dir, src.ID, fs.Name))
		if err != nil {
			return nil, fmt.Errorf("read stored %s: %w", fs.Name, err)
		}
		out[fs.Name] = b
	}
	return out, nil
}

// storedLabels names the stored files of src by their paths.
func storedLabels(dir string, src *Source, files map[string][]byte) map[string]string {
	out := make(map[string]string, len(files))
	for name := range files {
		out[name] = filepath.Join(dir, src.ID, name)
	}
	return out
}

// storedClaims returns the prefixes of every stored range source of dir.
// A stored copy that no longer parses claims nothing (Load reports it).
func storedClaims(dir string, m *Manifest) claims {
	c := claims{}
	for i := range Sources {
		src := &Sources[i]
		st := m.Sources[src.ID]
		if src.Kind != KindRanges || st == nil || st.UpdatedAt.IsZero() {
			continue
		}
		files, err := storedFiles(dir, src, st)
		if err != nil {
			continue
		}
		if pfs, _, err := parseSource(src, files, storedLabels(dir, src, files)); err == nil {
			c.set(src.ID, pfs)
		}
	}
	return c
}

// batch is a new copy of some files of one source.
type batch struct {
	// fresh holds the new files' contents by name in the data directory.
	fresh map[string][]byte
	// meta is what is known of each new file: URL or imported path,
	// ETag, Last-Modified, FetchedAt, SHA256.
	meta map[string]FileState
	// labels name the new files in messages (the imported path); a file
	// without one is named by its name.
	labels map[string]string

	// The result of parse, kept: Import parses a batch before committing
	// it, to check the other sources against it.
	parsed   bool
	pfs      []parsedFile
	sum      Summary
	parseErr error
}

// parse parses the files a commit of b would store (see merged), once.
func (b *batch) parse(dir string, src *Source, st *SourceState) ([]parsedFile, Summary, error) {
	if !b.parsed {
		files, labels := b.merged(dir, src, st)
		b.pfs, b.sum, b.parseErr = parseSource(src, files, labels)
		b.parsed = true
	}
	return b.pfs, b.sum, b.parseErr
}

func newBatch() *batch {
	return &batch{fresh: map[string][]byte{}, meta: map[string]FileState{}, labels: map[string]string{}}
}

// merged returns the files of src a commit of b would store (the stored
// copies with b's files over them) and their labels.
func (b *batch) merged(dir string, src *Source, st *SourceState) (map[string][]byte, map[string]string) {
	files, err := storedFiles(dir, src, st)
	if err != nil {
		files = map[string][]byte{} // a lost copy is replaced
	}
	labels := storedLabels(dir, src, files)
	for k, v := range b.fresh {
		files[k] = v
		labels[k] = b.labels[k]
	}
	return files, labels
}

// publication returns the publication of a parsed file: a stored file's
// as the manifest records it; a new file's from its content, else from
// its name (Azure), else from the download's Last-Modified header.
func (b *batch) publication(pf *parsedFile, st *SourceState) Publication {
	if _, isNew := b.fresh[pf.name]; !isNew {
		if st != nil {
			if i := slices.IndexFunc(st.Files, func(x FileState) bool { return x.Name == pf.name }); i >= 0 {
				fs := st.Files[i]
				return Publication{Date: fs.Published, DateFrom: fs.PublishedFrom, Version: fs.Version}
			}
		}
		return pf.pub
	}
	p := pf.pub
	fs := b.meta[pf.name]
	if p.Date.IsZero() {
		if n := PublicationFromName(pf.format, fs.URL); !n.Date.IsZero() {
			p.Date, p.DateFrom = n.Date, n.DateFrom
		}
	}
	if p.Date.IsZero() && fs.LastModified != "" {
		if t, err := http.ParseTime(fs.LastModified); err == nil && plausible(t) {
			p.Date, p.DateFrom = t.UTC(), "Last-Modified"
		}
	}
	return p
}

// commit validates the new files of src in b (merged over the stored
// ones) and, when they pass, writes them atomically into dir/<id>/ and
// records them in m. Force stores a copy whose every reason for refusal
// is soft (see ValidationError). c, when not nil, holds the prefixes of
// the range sources: a prefix another source (not one of sharedPrefixes)
// also publishes is a soft reason, and on success c is updated with
// src's. On refusal nothing is written and the error is recorded in m.
// It returns the notes of a stored copy (also recorded in m).
func commit(dir string, m *Manifest, src *Source, b *batch, origin string, now time.Time, force bool, c claims) ([]string, error) {
	st := m.Sources[src.ID]
	if st == nil {
		st = &SourceState{ID: src.ID, Kind: src.Kind}
		m.Sources[src.ID] = st
	}
	st.CheckedAt = now
	pfs, sum, err := b.parse(dir, src, st)
	var notes []string
	if err == nil {
		for i := range pfs {
			pfs[i].pub = b.publication(&pfs[i], st)
			if pfs[i].pub.Date.After(sum.Published) {
				sum.Published = pfs[i].pub.Date
			}
		}
		var old *Summary
		if !st.UpdatedAt.IsZero() {
			old = &st.Summary
		}
		verr := asValidation(Validate(src, old, sum))
		if src.Kind == KindRanges && c != nil {
			if cs := c.conflicts(src.ID, pfs); len(cs) > 0 {
				if verr == nil {
					verr = &ValidationError{Source: src.ID}
				}
				verr.Soft = append(verr.Soft, cs...)
			}
		}
		switch {
		case verr == nil:
		case force && verr.Forceable():
			notes = append(notes, "stored with --force despite: "+strings.Join(verr.Soft, "; "))
		default:
			err = verr
		}
		if sum.Duplicates > 0 {
			notes = append(notes, fmt.Sprintf("%d duplicate %s counted once", sum.Duplicates, plural(sum.Duplicates, "entry", "entries")))
		}
		if old != nil && !old.Published.IsZero() && !sum.Published.IsZero() && sum.Published.Before(old.Published) {
			notes = append(notes, fmt.Sprintf("this copy was published %s, before the copy it replaces (published %s)",
				sum.Published.Format(time.RFC3339), old.Published.Format(time.RFC3339)))
		}
	}
	if err != nil {
		st.LastError = err.Error()
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, src.ID), 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	var states []FileState
	for _, pf := range pfs {
		fs, isNew := b.meta[pf.name]
		if !isNew {
			i := slices.IndexFunc(st.Files, func(x FileState) bool { return x.Name == pf.name })
			if i >= 0 {
				fs = st.Files[i]
			}
		}
		if content, changed := b.fresh[pf.name]; changed {
			if err := atomicfile.Write(filepath.Join(dir, src.ID, pf.name), func(w io.Writer) error {
				_, err := w.Write(content)
				return err
			}); err != nil {
				return nil, err
			}
			h := sha256.Sum256(content)
			fs.Name, fs.SHA256, fs.Size = pf.name, hex.EncodeToString(h[:]), int64(len(content))
			if fs.FetchedAt.IsZero() {
				fs.FetchedAt = now
			}
			if src.Kind == KindRanges {
				fs.Prefixes = len(pf.ranges)
			}
			fs.Published, fs.PublishedFrom, fs.Version = pf.pub.Date, pf.pub.DateFrom, pf.pub.Version
		}
		states = append(states, fs)
	}
	st.Files, st.Summary, st.UpdatedAt, st.LastError, st.Origin, st.Notes = states, sum, now, "", origin, notes
	if src.Kind == KindRanges && c != nil {
		c.set(src.ID, pfs)
	}
	return notes, nil
}

// Data is what analysis uses from a data directory.
type Data struct {
	// Ranges is the table over every stored range source (empty when
	// there is none).
	Ranges *Ranges
	// ASNTable holds the stored prefix-to-AS tables and AS names; nil
	// when there is none.
	ASNTable *ASNTable
	// ASNDB and CountryDB are the paths of the stored MaxMind databases,
	// GeoLite2 preferred over DB-IP; empty when absent.
	ASNDB, CountryDB string
	Manifest         *Manifest
}

// Load reads every stored source of dir. A stored file that no longer
// parses is an error naming it (the directory was changed behind the
// manifest's back).
func Load(dir string) (*Data, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	d := &Data{Ranges: &Ranges{}, Manifest: m}
	for i := range Sources {
		src := &Sources[i]
		st := m.Sources[src.ID]
		if st == nil || st.UpdatedAt.IsZero() {
			continue
		}
		switch src.Kind {
		case KindRanges:
			files, err := storedFiles(dir, src, st)
			if err != nil {
				return nil, err
			}
			pfs, _, err := parseSource(src, files, storedLabels(dir, src, files))
			if err != nil {
				return nil, fmt.Errorf("data directory %s: %w (the stored copy changed after it was validated: "+
					"delete %s and run \"chokepoint data update --source %s\", or import a good copy with \"chokepoint data import\")",
					dir, err, filepath.Join(dir, src.ID), src.ID)
			}
			for _, pf := range pfs {
				for _, r := range pf.ranges {
					d.Ranges.Add(r)
				}
			}
		case KindASNTable, KindASNames:
			if d.ASNTable == nil {
				d.ASNTable = NewASNTable()
			}
			for _, fs := range st.Files {
				if err := loadASNFile(d.ASNTable, src, filepath.Join(dir, src.ID, fs.Name)); err != nil {
					return nil, err
				}
			}
		case KindASNDB, KindCountryDB:
			if len(st.Files) == 0 {
				continue
			}
			p := filepath.Join(dir, src.ID, st.Files[0].Name)
			target := &d.ASNDB
			if src.Kind == KindCountryDB {
				target = &d.CountryDB
			}
			// GeoLite2 sources come after DB-IP in Sources: the later wins.
			*target = p
		}
	}
	return d, nil
}

// loadASNFile adds one stored table file to t, by its source's format.
func loadASNFile(t *ASNTable, src *Source, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	switch src.Files[0].Format {
	case FormatPfx2as:
		return t.AddPfx2as(path, f)
	case FormatIP2ASN:
		return t.AddIP2ASN(path, f)
	case FormatASNames:
		return t.AddASNames(path, f)
	}
	return nil
}

// LoadASNTable reads the prefix-to-AS tables and AS-name files at paths
// (pfx2as, iptoasn TSV or asnames, told apart by their names and, failing
// that, by their first data line).
func LoadASNTable(paths ...string) (*ASNTable, error) {
	t := NewASNTable()
	for _, p := range paths {
		src, _, ok := matchImport(filepath.Base(p))
		if !ok || (src.Kind != KindASNTable && src.Kind != KindASNames) {
			var err error
			src, err = sniffASNFile(p)
			if err != nil {
				return nil, err
			}
		}
		if err := loadASNFile(t, src, p); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// sniffASNFile tells the table formats apart by their first data line:
// 5 tab-separated fields is iptoasn, 3 is pfx2as, "AS<n> name" is
// asnames.
func sniffASNFile(path string) (*Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read ASN table: %w", err)
	}
	defer f.Close()
	var first string
	_ = eachLine(io.LimitReader(f, maxLine), func(_ int, line string) error {
		first = line
		return io.EOF
	})
	id := ""
	switch n := len(strings.Split(first, "\t")); {
	case n == 5:
		id = "iptoasn-v4"
	case n == 3:
		id = "pfx2as"
	case strings.HasPrefix(strings.ToUpper(first), "AS") || (first != "" && first[0] >= '0' && first[0] <= '9'):
		id = "asnames"
	default:
		return nil, fmt.Errorf("ASN table %s: %w: not pfx2as, iptoasn or asnames", path, ErrFormat)
	}
	s, _ := SourceByID(id)
	return s, nil
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
