package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
	"github.com/chokepoint-dev/chokepoint/data/refdata"
	"github.com/chokepoint-dev/chokepoint/reports"
)

// LoadCatalog reads the catalog at path, a JSON file or a folder with
// catalog.json and its catalog.d fragments; "" is the embedded catalog.
func LoadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		return catalog.Default()
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, inputf("read catalog: %w", err)
	}
	var c *catalog.Catalog
	if st.IsDir() {
		// A catalog folder: catalog.json and its catalog.d fragments.
		c, err = catalog.ParseFS(os.DirFS(path))
	} else {
		var b []byte
		if b, err = os.ReadFile(path); err != nil {
			return nil, inputf("read catalog: %w", err)
		}
		c, err = catalog.Parse(b)
	}
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

// LoadRefData reads the data directory and the ASN tables of o. The
// databases of the data directory are set in o unless ASNDB or CountryDB
// name others; a missing data directory is not an error. A note goes to
// log when no range data is loaded.
func (o *Options) LoadRefData(log io.Writer) (*refdata.Data, error) {
	ref := &refdata.Data{Ranges: &refdata.Ranges{}}
	if o.DataDir != "" {
		d, err := refdata.Load(o.DataDir)
		if err != nil {
			return nil, err
		}
		ref = d
		if o.ASNDB == "" {
			o.ASNDB = d.ASNDB
		}
		if o.CountryDB == "" {
			o.CountryDB = d.CountryDB
		}
	}
	if len(o.ASNTables) > 0 {
		t, err := refdata.LoadASNTable(o.ASNTables...)
		if err != nil {
			return nil, err
		}
		ref.ASNTable = t
	}
	if ref.Ranges.Len() == 0 && log != nil {
		fmt.Fprintln(log, `chokepoint: no provider range data loaded (run "chokepoint data update"): no ip_range evidence, no cloud regions`)
	}
	return ref, nil
}

// refFile describes a reference file for run.json: its date and hash.
func refFile(name, path string) (reports.RefFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return reports.RefFile{}, fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return reports.RefFile{}, fmt.Errorf("%s %s: %w", name, path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return reports.RefFile{}, fmt.Errorf("%s %s: %w", name, path, err)
	}
	return reports.RefFile{Name: name, Path: path, Date: st.ModTime().UTC(), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// rangeRefFiles lists the stored range files analysis used, for run.json:
// one entry per file, with the date it was stored and its hash.
func rangeRefFiles(dir string, ref *refdata.Data) []reports.RefFile {
	if ref == nil || ref.Manifest == nil {
		return nil
	}
	var out []reports.RefFile
	for _, s := range refdata.Sources {
		st := ref.Manifest.Sources[s.ID]
		if s.Kind != refdata.KindRanges || st == nil || st.UpdatedAt.IsZero() {
			continue
		}
		for _, f := range st.Files {
			out = append(out, reports.RefFile{
				Name: s.ID + " " + f.Name, Path: filepath.Join(dir, s.ID, f.Name),
				Date: f.FetchedAt, SHA256: f.SHA256,
			})
		}
	}
	return out
}

// asNames returns the name of each AS the results reach: from the ASN
// table's names (asnames) when it has one, else the organisation the ASN
// database gives for an address of the AS (one lookup per AS).
func asNames(results []classify.Result, table *refdata.ASNTable, db *refdata.DB) func(uint32) string {
	orgs := make(map[uint32]string)
	for i := range results {
		r := &results[i]
		for k := range r.NumAddrs() {
			// The AS alone first: the whole address only for an AS not
			// seen yet (a few thousand in a run).
			if _, asn, _ := r.AddrASN(k); asn == 0 {
				continue
			} else if _, done := orgs[asn]; done {
				continue
			}
			var a classify.AddrInfo
			for j, ai := range r.Addrs() {
				if j == k {
					a = ai
					break
				}
			}
			name := table.ASName(a.ASN)
			if name == "" && db != nil {
				if info := db.Lookup(a.Addr); info.ASN == a.ASN {
					name = info.Org
				}
			}
			orgs[a.ASN] = name
		}
	}
	return func(asn uint32) string { return orgs[asn] }
}
