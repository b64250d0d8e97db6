package simnet

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chokepoint-dev/chokepoint/data/refdata"
)

// File names written by WriteAll and WriteReference. Each says it is
// simulated.
const (
	DomainsFile = "simnet-domains.txt"
	// SitesFile is the same list as CSV with a country column.
	SitesFile   = "simnet-sites.csv"
	TruthFile   = "simnet-truth.csv"
	ASNFile     = "simnet-asn.mmdb"
	CountryFile = "simnet-country.mmdb"
	// RootsFile holds the root certificates of the simulated CAs (PEM),
	// for crawl --ca-roots.
	RootsFile = "simnet-roots.pem"
)

// Descriptions stored in the metadata of the simulated databases.
const (
	ASNDescription     = "chokepoint simulated ASN database: synthetic data for the simulated internet, not real"
	CountryDescription = "chokepoint simulated country database: synthetic data for the simulated internet, not real"
)

// Files are the paths of the files written for a simulated internet; a
// path is empty when that file was not written.
type Files struct {
	Domains string
	// Sites is the list with the country of each site (WriteSiteList).
	Sites   string
	Truth   string
	ASN     string
	Country string
	// Ranges is the directory of range files in the providers' official
	// formats; DataDir the reference data directory they were imported
	// into (pass it as the analysis's data directory).
	Ranges  string
	DataDir string
	// Roots is the PEM file of the simulated CAs' roots.
	Roots string
}

// WriteReference writes the ASN and country databases of the simulated
// address space into dir: every prefix the population's records use, in
// the GeoLite2-ASN and GeoLite2-Country schemas.
func (in *Internet) WriteReference(dir string) (Files, error) {
	var asn []refdata.ASNNetwork
	var country []refdata.CountryNetwork
	for _, n := range in.w.nets {
		asn = append(asn, refdata.ASNNetwork{Prefix: n.Prefix, ASN: n.ASN, Org: n.Org})
		country = append(country, refdata.CountryNetwork{Prefix: n.Prefix, Country: n.Country})
	}
	f := Files{ASN: filepath.Join(dir, ASNFile), Country: filepath.Join(dir, CountryFile)}
	if err := refdata.WriteASNDB(f.ASN, asn, ASNDescription); err != nil {
		return Files{}, fmt.Errorf("simnet reference: %w", err)
	}
	if err := refdata.WriteCountryDB(f.Country, country, CountryDescription); err != nil {
		return Files{}, fmt.Errorf("simnet reference: %w", err)
	}
	return f, nil
}

// WriteAll writes the domain list (plain, and as CSV with the country of
// each site), the ground truth, the reference databases and the simulated
// CAs' roots into dir and returns their paths.
func (in *Internet) WriteAll(dir string) (Files, error) {
	f, err := in.WriteReference(dir)
	if err != nil {
		return Files{}, err
	}
	f.Domains = filepath.Join(dir, DomainsFile)
	if err := writeFile(f.Domains, in.WriteDomainList); err != nil {
		return Files{}, err
	}
	f.Sites = filepath.Join(dir, SitesFile)
	if err := writeFile(f.Sites, in.WriteSiteList); err != nil {
		return Files{}, err
	}
	f.Truth = filepath.Join(dir, TruthFile)
	if err := writeFile(f.Truth, in.WriteTruth); err != nil {
		return Files{}, err
	}
	if f.Ranges, f.DataDir, err = in.WriteRanges(dir); err != nil {
		return Files{}, err
	}
	f.Roots = filepath.Join(dir, RootsFile)
	if err := writeFile(f.Roots, in.WriteRoots); err != nil {
		return Files{}, err
	}
	return f, nil
}

// writeFile writes path through a temporary file renamed into place, so
// that a reader never sees half a file.
func writeFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".simnet-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", path, err), tmp.Close())
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
