package refdata

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
}

// Summary is what validation compares between two copies of a source.
type Summary struct {
	Prefixes int `json:"prefixes"`
	IPv4     int `json:"ipv4_prefixes"`
	IPv6     int `json:"ipv6_prefixes"`
	// Regions and Services are the distinct values, sorted.
	Regions  []string `json:"regions,omitempty"`
	Services []string `json:"services,omitempty"`
	// Shortest4 and Shortest6 are the shortest prefix lengths (0 when the
	// family is absent).
	Shortest4 int `json:"shortest_ipv4,omitempty"`
	Shortest6 int `json:"shortest_ipv6,omitempty"`
}

// summarize counts the prefixes of rs and collects their regions and
// services.
func summarize(rs []Range) Summary {
	var s Summary
	regions, services := map[string]bool{}, map[string]bool{}
	for _, r := range rs {
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

func (s *Summary) add(p netip.Prefix) {
	s.Prefixes++
	if p.Addr().Is4() {
		s.IPv4++
		if s.Shortest4 == 0 || p.Bits() < s.Shortest4 {
			s.Shortest4 = p.Bits()
		}
		return
	}
	s.IPv6++
	if s.Shortest6 == 0 || p.Bits() < s.Shortest6 {
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

// Validation limits.
const (
	// MaxShrink is the largest share of its prefixes a source may lose
	// from one copy to the next.
	MaxShrink = 0.30
	// MinBits4 and MinBits6 are the shortest prefixes a range file may
	// hold: no provider publishes a block larger than a /8 or a /16 (the
	// largest real ones are /10 and /19 to /24).
	MinBits4 = 8
	MinBits6 = 16
)

// ErrValidation is wrapped by every error of a file that parses but is
// refused by validation.
var ErrValidation = errors.New("reference data refused")

// Validate checks a new copy of src against the previous good one (old
// may be nil): not empty, no absurdly short prefix, no shrink by more than
// MaxShrink, and, for stable sources, no region or service vanished.
func Validate(src *Source, old *Summary, cur Summary) error {
	var errs []string
	if cur.Prefixes == 0 {
		errs = append(errs, "no prefix")
	}
	if src.Kind == KindRanges {
		if cur.Shortest4 != 0 && cur.Shortest4 < MinBits4 {
			errs = append(errs, fmt.Sprintf("IPv4 prefix of length /%d (shorter than /%d)", cur.Shortest4, MinBits4))
		}
		if cur.Shortest6 != 0 && cur.Shortest6 < MinBits6 {
			errs = append(errs, fmt.Sprintf("IPv6 prefix of length /%d (shorter than /%d)", cur.Shortest6, MinBits6))
		}
	}
	if old != nil && old.Prefixes > 0 {
		if float64(cur.Prefixes) < (1-MaxShrink)*float64(old.Prefixes) {
			errs = append(errs, fmt.Sprintf("shrank from %d to %d prefixes (more than %.0f %%)", old.Prefixes, cur.Prefixes, 100*MaxShrink))
		}
		if src.Stable {
			if gone := missing(old.Regions, cur.Regions); len(gone) > 0 {
				errs = append(errs, fmt.Sprintf("regions vanished: %s", list(gone)))
			}
			if gone := missing(old.Services, cur.Services); len(gone) > 0 {
				errs = append(errs, fmt.Sprintf("services vanished: %s", list(gone)))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("source %s: %w: %s", src.ID, ErrValidation, strings.Join(errs, "; "))
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

// parseSource parses the files of one source held in memory (name ->
// content) and returns its ranges (for a range source) and its summary.
// Database files are opened from a temporary copy and verified.
func parseSource(src *Source, files map[string][]byte) ([]Range, Summary, error) {
	var all []Range
	var sum Summary
	for _, f := range src.Files {
		b, ok := files[f.Name]
		if !ok {
			continue
		}
		switch src.Kind {
		case KindRanges:
			rs, err := ParseRanges(f.Format, src.ID, f.Name, bytes.NewReader(b))
			if err != nil {
				return nil, Summary{}, err
			}
			all = append(all, rs...)
		case KindASNTable, KindASNames:
			t := NewASNTable()
			var err error
			switch f.Format {
			case FormatPfx2as:
				err = t.AddPfx2as(f.Name, bytes.NewReader(b))
			case FormatIP2ASN:
				err = t.AddIP2ASN(f.Name, bytes.NewReader(b))
			case FormatASNames:
				err = t.AddASNames(f.Name, bytes.NewReader(b))
			}
			if err != nil {
				return nil, Summary{}, err
			}
			sum.Prefixes += t.Len() + len(t.names)
		case KindASNDB, KindCountryDB:
			n, err := checkMMDB(src.Kind, f.Name, b)
			if err != nil {
				return nil, Summary{}, err
			}
			sum.Prefixes += n
		}
	}
	if src.Kind == KindRanges {
		sum = summarize(all)
	}
	return all, sum, nil
}

// checkMMDB verifies a MaxMind DB held in memory by opening a temporary
// copy as the expected kind, and returns its node count as a size.
func checkMMDB(k Kind, name string, b []byte) (int, error) {
	tmp, err := os.CreateTemp("", "chokepoint-*.mmdb")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	asn, country := tmp.Name(), ""
	if k == KindCountryDB {
		asn, country = "", tmp.Name()
	}
	db, err := Open(asn, country)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	defer db.Close()
	r := db.asn
	if r == nil {
		r = db.country
	}
	return int(r.Metadata().NodeCount), nil
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

// commit validates the new files of src (merged over the stored ones),
// and, when they pass or force is set, writes them atomically into
// dir/<id>/ and records them in m. On refusal nothing is written and the
// error is recorded in m.
func commit(dir string, m *Manifest, src *Source, fresh map[string][]byte, meta map[string]FileState, origin string, now time.Time, force bool) error {
	st := m.Sources[src.ID]
	if st == nil {
		st = &SourceState{ID: src.ID, Kind: src.Kind}
		m.Sources[src.ID] = st
	}
	st.CheckedAt = now
	files, err := storedFiles(dir, src, st)
	if err != nil {
		files = map[string][]byte{} // a lost copy is replaced
	}
	for k, v := range fresh {
		files[k] = v
	}
	_, sum, err := parseSource(src, files)
	if err == nil {
		var old *Summary
		if !st.UpdatedAt.IsZero() {
			old = &st.Summary
		}
		err = Validate(src, old, sum)
		if err != nil && force {
			err = nil
		}
	}
	if err != nil {
		st.LastError = err.Error()
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, src.ID), 0o755); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	var states []FileState
	for _, f := range src.Files {
		b, ok := files[f.Name]
		if !ok {
			continue
		}
		fs, isNew := meta[f.Name]
		if !isNew {
			i := slices.IndexFunc(st.Files, func(x FileState) bool { return x.Name == f.Name })
			if i >= 0 {
				fs = st.Files[i]
			}
		}
		if _, changed := fresh[f.Name]; changed {
			if err := atomicfile.Write(filepath.Join(dir, src.ID, f.Name), func(w io.Writer) error {
				_, err := w.Write(b)
				return err
			}); err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			fs.Name, fs.SHA256, fs.Size = f.Name, hex.EncodeToString(sum[:]), int64(len(b))
			if fs.FetchedAt.IsZero() {
				fs.FetchedAt = now
			}
			if src.Kind == KindRanges {
				if rs, err := ParseRanges(f.Format, src.ID, f.Name, bytes.NewReader(b)); err == nil {
					fs.Prefixes = len(rs)
				}
			}
		}
		states = append(states, fs)
	}
	st.Files, st.Summary, st.UpdatedAt, st.LastError, st.Origin = states, sum, now, "", origin
	return nil
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
			rs, _, err := parseSource(src, files)
			if err != nil {
				return nil, fmt.Errorf("data directory %s: %w", dir, err)
			}
			for _, r := range rs {
				d.Ranges.Add(r)
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
