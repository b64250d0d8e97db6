package refdata

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
	geoip2 "github.com/oschwald/geoip2-golang/v2"
	"github.com/oschwald/maxminddb-golang/v2"

	"github.com/chokepoint-dev/chokepoint/data/atomicfile"
)

// Info is what the reference data says about one address. Zero fields
// mean "not known".
type Info struct {
	ASN     uint32
	Org     string
	Country string // ISO 3166-1 alpha-2, upper case
}

// ASNNetwork is one prefix of an ASN database.
type ASNNetwork struct {
	Prefix netip.Prefix
	ASN    uint32
	Org    string
}

// CountryNetwork is one prefix of a country database.
type CountryNetwork struct {
	Prefix  netip.Prefix
	Country string // ISO 3166-1 alpha-2
}

// ErrDatabase is wrapped by every error about a database file that
// exists but cannot be used (corrupt, wrong type).
var ErrDatabase = errors.New("unusable database")

// DB answers address lookups from MaxMind DB files (GeoLite2-ASN or DB-IP
// ASN lite for AS numbers; GeoLite2/GeoIP2 Country or City, DB-IP country
// for countries). Either may be absent. A DB is safe for concurrent use.
//
// Lookups decode only the fields Info needs (asnRecord, countryRecord),
// not geoip2's whole records: a country record holds the names of the
// country and its continent in every language, which a million lookups
// would decode into maps for nothing.
type DB struct {
	asn     *maxminddb.Reader
	country *maxminddb.Reader
	table   *ASNTable

	// Decoded records by their offset in the file: many addresses share
	// one record (every address of an AS's networks points at the same
	// data), and decoding is most of a lookup's cost. See recordCache.
	asnRecs     recordCache[asnRecord]
	countryRecs recordCache[string]
}

// recordCacheLimit bounds the records a recordCache holds: a country
// database has a few hundred distinct records, an ASN database tens of
// thousands, a City database used for countries up to millions; past the
// limit records are decoded at every lookup, as without a cache.
const recordCacheLimit = 1 << 18

// recordCache maps the offset of a data record in a MaxMind DB to its
// decoded value. The offset names the record for the life of the
// Reader, which a DB never replaces. It is safe for concurrent use.
//
// Lookups far outnumber new records (a million addresses, a few
// thousand records), so a lookup reads a map that is never changed
// (read), found through an atomic pointer, with no lock and no hashing
// of an interface; new records go to a map behind a lock (dirty), which
// a lookup missing read consults, and which becomes part of a new read
// map once it holds a quarter as many records as read (so that the
// copies cost, in all, a few times the number of records).
type recordCache[T any] struct {
	read  atomic.Pointer[map[uintptr]T]
	mu    sync.Mutex
	dirty map[uintptr]T
	n     atomic.Int64
}

func (c *recordCache[T]) get(off uintptr) (T, bool) {
	if m := c.read.Load(); m != nil {
		if v, ok := (*m)[off]; ok {
			return v, true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m := c.read.Load(); m != nil { // promoted since
		if v, ok := (*m)[off]; ok {
			return v, true
		}
	}
	v, ok := c.dirty[off]
	return v, ok
}

func (c *recordCache[T]) put(off uintptr, v T) {
	if c.n.Load() >= recordCacheLimit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	read := c.read.Load()
	if read != nil {
		if _, ok := (*read)[off]; ok {
			return
		}
	}
	if _, ok := c.dirty[off]; ok {
		return
	}
	if c.dirty == nil {
		c.dirty = make(map[uintptr]T)
	}
	c.dirty[off] = v
	c.n.Add(1)
	nRead := 0
	if read != nil {
		nRead = len(*read)
	}
	if len(c.dirty) > nRead/4 {
		m := make(map[uintptr]T, nRead+len(c.dirty))
		if read != nil {
			for k, x := range *read {
				m[k] = x
			}
		}
		for k, x := range c.dirty {
			m[k] = x
		}
		c.read.Store(&m)
		c.dirty = nil
	}
}

// asnRecord is the part of a GeoLite2-ASN (or DB-IP ASN) record that
// Lookup reads, under geoip2's field names.
type asnRecord struct {
	Number uint   `maxminddb:"autonomous_system_number"`
	Org    string `maxminddb:"autonomous_system_organization"`
}

// countryRecord is the part of a GeoLite2/GeoIP2 Country or City (or
// DB-IP country) record that Lookup reads.
type countryRecord struct {
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	RegisteredCountry struct {
		ISOCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
}

// WithASNTable makes db answer from t, after the MaxMind databases: the
// AS of an address comes from the ASN database when it knows it, else
// from t; the country likewise. Call it before the first lookup.
func (db *DB) WithASNTable(t *ASNTable) *DB {
	db.table = t
	return db
}

// Open opens the ASN and country databases; an empty path skips that
// database. A file that is not a MaxMind DB of the right kind is refused
// with an error naming the file and the reason.
func Open(asnPath, countryPath string) (*DB, error) {
	db := &DB{}
	if asnPath != "" {
		r, err := openMMDB(asnPath, "ASN", func(r *geoip2.Reader) error {
			_, err := r.ASN(netip.IPv4Unspecified())
			return err
		})
		if err != nil {
			return nil, err
		}
		db.asn = r
	}
	if countryPath != "" {
		r, err := openMMDB(countryPath, "country", func(r *geoip2.Reader) error {
			_, err := r.Country(netip.IPv4Unspecified())
			return err
		})
		if err != nil {
			db.Close()
			return nil, err
		}
		db.country = r
	}
	return db, nil
}

// openMMDB opens path and checks that a probe lookup of the expected kind
// works (geoip2 checks the database type), so that a wrong or corrupt
// file is refused at start, not at the first address. The reader
// returned is the plain MaxMind DB reader the lookups use.
func openMMDB(path, kind string, probe func(*geoip2.Reader) error) (*maxminddb.Reader, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	// Verify walks the whole search tree and data section: a corrupt file
	// is refused here rather than answering wrongly later.
	mr, err := maxminddb.Open(path)
	if err == nil {
		err = mr.Verify()
		mr.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w: %v", kind, path, ErrDatabase, err)
	}
	r, err := geoip2.Open(path)
	if err != nil {
		if r != nil {
			r.Close()
		}
		return nil, fmt.Errorf("open %s database %s: %w: %v", kind, path, ErrDatabase, err)
	}
	err = probe(r)
	r.Close()
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w: %v", kind, path, ErrDatabase, err)
	}
	mr, err = maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s database %s: %w: %v", kind, path, ErrDatabase, err)
	}
	return mr, nil
}

// Lookup returns what the databases know of a. A lookup error (a corrupt
// record) yields no data rather than a wrong one.
func (db *DB) Lookup(a netip.Addr) Info {
	info, _ := db.lookup(a, false)
	return info
}

// LookupNet returns what Lookup returns for a, and the length of the
// largest prefix of a (of a.Unmap(): up to 32 bits for IPv4, 128 for
// IPv6) whose every address has that answer: the most specific of the
// networks the databases answered from (a network that the search tree
// does not know is a network too). With an ASN table that was consulted,
// the length is the whole address: the table's networks are not looked
// at.
func (db *DB) LookupNet(a netip.Addr) (Info, int) { return db.lookup(a, true) }

// lookup is Lookup, and LookupNet when net is set (else the length is 0).
func (db *DB) lookup(a netip.Addr, net bool) (Info, int) {
	var info Info
	if db == nil || !a.IsValid() {
		return info, 0
	}
	a = a.Unmap()
	bits := 0
	if db.asn != nil {
		res := db.asn.Lookup(a)
		if r, ok := db.asnOf(res); ok {
			info.ASN = uint32(r.Number)
			info.Org = r.Org
		}
		if net {
			bits = max(bits, netBits(a, res))
		}
	}
	if db.country != nil {
		res := db.country.Lookup(a)
		if c, ok := db.countryFrom(res); ok {
			info.Country = c
		}
		if net {
			bits = max(bits, netBits(a, res))
		}
	}
	if db.table != nil && (info.ASN == 0 || info.Country == "") {
		t := db.table.Lookup(a)
		if info.ASN == 0 {
			info.ASN, info.Org = t.ASN, t.Org
		}
		if info.Country == "" {
			info.Country = t.Country
		}
		if net {
			bits = a.BitLen()
		}
	}
	return info, bits
}

// netBits is the prefix length of the network of a that res answered
// from, in a's family; a network above the IPv4 part of an IPv6 tree
// holds every IPv4 address (0).
func netBits(a netip.Addr, res maxminddb.Result) int {
	if res.Err() != nil {
		return a.BitLen() // no network to speak of: the address alone
	}
	p := res.Prefix()
	if !p.IsValid() || p.Addr().Is4() != a.Is4() {
		return 0
	}
	return p.Bits()
}

// asnOf returns the record of an ASN database lookup's result (zero
// when not found), false when it cannot be decoded.
func (db *DB) asnOf(res maxminddb.Result) (asnRecord, bool) {
	if !res.Found() {
		var r asnRecord
		// Decode of a result not found leaves r zero and reports any
		// lookup error, as before the cache.
		return r, res.Decode(&r) == nil
	}
	off := res.Offset()
	if r, ok := db.asnRecs.get(off); ok {
		return r, true
	}
	var r asnRecord
	if err := res.Decode(&r); err != nil {
		return r, false
	}
	db.asnRecs.put(off, r)
	return r, true
}

// countryFrom returns the country code of a country database lookup's
// result (its country, else its registered country; "" when not found),
// false when it cannot be decoded.
func (db *DB) countryFrom(res maxminddb.Result) (string, bool) {
	if !res.Found() {
		var r countryRecord
		return "", res.Decode(&r) == nil
	}
	off := res.Offset()
	if c, ok := db.countryRecs.get(off); ok {
		return c, true
	}
	var r countryRecord
	if err := res.Decode(&r); err != nil {
		return "", false
	}
	c := r.Country.ISOCode
	if c == "" {
		c = r.RegisteredCountry.ISOCode
	}
	db.countryRecs.put(off, c)
	return c, true
}

// HasASN reports whether an ASN database or table is loaded.
func (db *DB) HasASN() bool { return db != nil && (db.asn != nil || db.table != nil) }

// HasCountry reports whether a country database is loaded.
func (db *DB) HasCountry() bool { return db != nil && db.country != nil }

// Close closes the databases.
func (db *DB) Close() error {
	if db == nil {
		return nil
	}
	var errs []error
	if db.asn != nil {
		errs = append(errs, db.asn.Close())
	}
	if db.country != nil {
		errs = append(errs, db.country.Close())
	}
	return errors.Join(errs...)
}

// WriteASNDB writes nets as a MaxMind DB in the GeoLite2-ASN schema, the
// format geoip2-golang reads. It is how tests and the simulated internet
// produce an ASN database; description is stored in the metadata.
func WriteASNDB(path string, nets []ASNNetwork, description string) error {
	tree, err := newTree("GeoLite2-ASN", description)
	if err != nil {
		return err
	}
	nets = slices.Clone(nets)
	sortPrefixes(nets, func(n ASNNetwork) netip.Prefix { return n.Prefix })
	for _, n := range nets {
		rec := mmdbtype.Map{
			"autonomous_system_number":       mmdbtype.Uint32(n.ASN),
			"autonomous_system_organization": mmdbtype.String(n.Org),
		}
		if err := tree.Insert(ipNet(n.Prefix), rec); err != nil {
			return fmt.Errorf("write ASN database %s: insert %s: %w", path, n.Prefix, err)
		}
	}
	return writeTree(path, tree)
}

// WriteCountryDB writes nets as a MaxMind DB in the GeoLite2-Country
// schema.
func WriteCountryDB(path string, nets []CountryNetwork, description string) error {
	tree, err := newTree("GeoLite2-Country", description)
	if err != nil {
		return err
	}
	nets = slices.Clone(nets)
	sortPrefixes(nets, func(n CountryNetwork) netip.Prefix { return n.Prefix })
	for _, n := range nets {
		rec := mmdbtype.Map{
			"country": mmdbtype.Map{"iso_code": mmdbtype.String(n.Country)},
		}
		if err := tree.Insert(ipNet(n.Prefix), rec); err != nil {
			return fmt.Errorf("write country database %s: insert %s: %w", path, n.Prefix, err)
		}
	}
	return writeTree(path, tree)
}

func newTree(dbType, description string) (*mmdbwriter.Tree, error) {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            dbType,
		Description:             map[string]string{"en": description},
		IncludeReservedNetworks: true,
		RecordSize:              28,
	})
	if err != nil {
		return nil, fmt.Errorf("new %s tree: %w", dbType, err)
	}
	return tree, nil
}

// sortPrefixes orders prefixes from the shortest to the longest, so that a
// more specific prefix inserted later overrides the covering one, whatever
// order the caller gave.
func sortPrefixes[T any](s []T, prefix func(T) netip.Prefix) {
	slices.SortStableFunc(s, func(a, b T) int {
		pa, pb := prefix(a), prefix(b)
		if pa.Bits() != pb.Bits() {
			return pa.Bits() - pb.Bits()
		}
		return pa.Addr().Compare(pb.Addr())
	})
}

func ipNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	bits := 32
	if p.Addr().Is6() {
		bits = 128
	}
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), bits)}
}

// writeTree writes the tree atomically, so a reader never sees a
// half-written database.
func writeTree(path string, tree *mmdbwriter.Tree) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := tree.WriteTo(w)
		return err
	})
}
