// Package refdata loads the reference data that turns an address into
// facts: its autonomous system and organisation, and its country.
//
// At this depth it reads MaxMind DB files through geoip2-golang v2
// (GeoLite2-ASN or DB-IP ASN lite; GeoLite2/GeoIP2 Country or City) and
// writes databases in the same schemas with mmdbwriter, which is how the
// simulated internet and the tests produce theirs.
//
// What does not belong here: deciding which provider an address belongs
// to (analysis/classify does that with the catalog), and anything about
// DNS.
//
// Invariants: a file that is not a usable database of the expected kind is
// refused when opened, with an error naming the file and wrapping
// ErrDatabase; lookups never fail, an address the data does not cover
// yields a zero Info; databases are written atomically (temporary file,
// then rename).
package refdata
