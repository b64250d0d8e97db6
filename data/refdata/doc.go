// Package refdata loads the reference data that turns an address into
// facts: the provider range that holds it (with its service and region),
// its autonomous system and organisation, and its country.
//
// It reads the providers' official range publications (AWS
// ip-ranges.json, Google cloud.json and goog.json, Azure service tags,
// Oracle public_ip_ranges.json, Cloudflare ips-v4/ips-v6, Fastly's
// public-ip-list, GitHub meta, RFC 8805 geofeeds, Akamai's CIDR lists)
// into one longest-prefix-match table (Ranges, on gaissmai/bart); MaxMind
// DB files through geoip2-golang v2 (GeoLite2-ASN or DB-IP ASN lite;
// GeoLite2/GeoIP2 Country or City) and plain prefix-to-AS tables (CAIDA
// pfx2as, iptoasn TSV, AS names) for AS and country. It keeps them in a
// data directory with a manifest (Update downloads from the official
// URLs, Import takes files the user has; both validate before replacing),
// and writes MaxMind databases with mmdbwriter for tests and the
// simulated internet.
//
// What does not belong here: deciding which catalog provider a range or
// an AS belongs to (analysis/classify does that with the catalog's
// range_sources and asns), and anything about DNS.
//
// Invariants: a file that does not parse is refused with an error naming
// the file and the reason (wrapping ErrFormat, or ErrDatabase for MaxMind
// DB files); a range file holding a prefix no provider can publish
// (shorter than /8 or /19, in or holding private, loopback, link-local,
// shared, documentation, benchmarking, multicast or reserved space, IPv6
// outside 2000::/3: see PrefixProblem) is refused naming the file and the
// prefix, on import, on update and on Load, and force never stores it; a
// parsed copy replaces a stored one only after validation accepts it (not
// empty, no shrink by more than 30 % of its distinct entries, no region
// or service of a stable source vanished, no prefix that another source
// publishes identically, except the pairs that share prefixes by design),
// or force overrides those judgements (ValidationError says which
// reasons are which); a failing source keeps its last good copy; the
// manifest records each file's publication date and version when the
// file (or the download's Last-Modified) gives one; every file and the
// manifest are written atomically; the answer of a lookup never depends
// on input or map order (longest prefix, then the documented Precedence);
// lookups never fail, an address the data does not cover yields nothing.
package refdata
