package simnet

import (
	"strconv"
	"strings"
)

// mix is the SplitMix64 finaliser applied to a ^ b·φ: a fast, well
// distributed hash of two words. Every random choice of the simulation is
// mix of the seed, the domain index and a purpose constant, so any part of
// a domain can be recomputed on its own, in any order, at query time.
func mix(a, b uint64) uint64 {
	z := a ^ (b+0x9e3779b97f4a7c15)*0xbf58476d1ce4e5b9
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Purposes of the per-domain draws (arbitrary distinct constants).
const (
	drawStatus uint64 = iota + 1
	drawWeb
	drawOrigin
	drawDNS
	drawRedundant
	drawSecondary
	drawEmail
	drawNoWWW
	drawV6
	drawForceDNS
	drawName
	drawTLD
	drawISP
	drawNSSet
	drawNSSet2
	drawVariant
	drawAddr
	drawWWWStyle
	drawSerial
	drawHostCo
	drawGenDNS
	drawGenMail
	drawHostDNS
	drawSOATrap
	drawS3
)

// Purposes of the TLS and HTTP draws (tls.go, http.go), apart from the
// others so that a purpose plus a small offset never meets another.
const (
	drawTLS       uint64 = 0x7100
	drawCA        uint64 = 0x7200
	drawStaple    uint64 = 0x7300
	drawHeaderCDN uint64 = 0x7400
	drawCertAge   uint64 = 0x7500
	drawServer    uint64 = 0x7600
)

// hashString is 64-bit FNV-1a over s, lower-casing ASCII letters, so that
// a query name hashes the same in any letter case.
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// hashBytes is hashString over a byte slice.
func hashBytes(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// tokens turns a domain index into the random-looking identifiers
// providers put in the names they hand out (d1a2b3c4d5e6f7.cloudfront.net,
// mxa-00a1b2c3.gslb.pphosted.com) and back. The map is a bijection of
// uint32 keyed by the seed, so a name decodes to its domain without any
// table.
type tokens struct{ k1, k2 uint32 }

func newTokens(seed int64) tokens {
	h := mix(uint64(seed), 0x746f6b656e)
	return tokens{k1: uint32(h), k2: uint32(h>>32) | 1}
}

const (
	permM1 = 0x7feb352d
	permM2 = 0x846ca68b
)

// inverse32 returns the multiplicative inverse of odd m modulo 2^32.
func inverse32(m uint32) uint32 {
	inv := m // correct to 3 bits; each Newton step doubles them
	for range 5 {
		inv *= 2 - m*inv
	}
	return inv
}

func (t tokens) perm(x uint32) uint32 {
	x ^= t.k1
	x ^= x >> 16
	x *= permM1
	x ^= x >> 15
	x *= permM2
	x ^= x >> 16
	x += t.k2
	return x
}

func (t tokens) unperm(x uint32) uint32 {
	x -= t.k2
	x = unshift(x, 16)
	x *= inverse32(permM2)
	x = unshift(x, 15)
	x *= inverse32(permM1)
	x = unshift(x, 16)
	x ^= t.k1
	return x
}

// unshift inverts x ^= x >> s.
func unshift(y uint32, s uint) uint32 {
	x := y
	for range 32/s + 1 {
		x = y ^ x>>s
	}
	return x
}

const base36 = "0123456789abcdefghijklmnopqrstuvwxyz"

// tok7 writes the 7-character base-36 token of index i.
func (t tokens) tok7(dst []byte, i int) []byte {
	v := t.perm(uint32(i))
	var b [7]byte
	for j := 6; j >= 0; j-- {
		b[j] = base36[v%36]
		v /= 36
	}
	return append(dst, b[:]...)
}

// untok7 decodes a 7-character token; ok is false when s is not one.
func (t tokens) untok7(s string) (int, bool) {
	if len(s) != 7 {
		return 0, false
	}
	var v uint64
	for i := 0; i < 7; i++ {
		d := strings.IndexByte(base36, lower(s[i]))
		if d < 0 {
			return 0, false
		}
		v = v*36 + uint64(d)
	}
	if v > 0xffffffff {
		return 0, false
	}
	return int(t.unperm(uint32(v))), true
}

// hex8 writes the 8-hex-digit token of index i (a second, independent
// permutation, so hex tokens do not repeat the base-36 ones).
func (t tokens) hex8(dst []byte, i int) []byte {
	v := t.perm(uint32(i) ^ 0x5bd1e995)
	const hexd = "0123456789abcdef"
	for j := 28; j >= 0; j -= 4 {
		dst = append(dst, hexd[v>>uint(j)&0xf])
	}
	return dst
}

func (t tokens) unhex8(s string) (int, bool) {
	if len(s) != 8 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return 0, false
	}
	return int(t.unperm(uint32(v)) ^ 0x5bd1e995), true
}

// dec10 writes the 10-digit decimal token of index i (ELB style).
func (t tokens) dec10(dst []byte, i int) []byte {
	v := t.perm(uint32(i) ^ 0x27d4eb2f)
	var b [10]byte
	for j := 9; j >= 0; j-- {
		b[j] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[:]...)
}

func (t tokens) undec10(s string) (int, bool) {
	if len(s) != 10 {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, false
	}
	return int(t.unperm(uint32(v)) ^ 0x27d4eb2f), true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// slug is the part of a domain's first label providers reuse in the names
// they generate for it: at most 20 characters, ASCII, never an IDNA
// "xn--" label (that would not be valid punycode once a token is appended).
func slug(dst []byte, domain string) []byte {
	first, _, _ := strings.Cut(domain, ".")
	if strings.HasPrefix(first, "xn--") {
		return append(dst, "site"...)
	}
	if len(first) > 20 {
		first = strings.TrimRight(first[:20], "-")
	}
	return append(dst, first...)
}

// Word lists for domain names. Combinations of a first and a second word
// give names like "bluefalcon.com" or "north-harbor.co.uk".
var firstWords = []string{
	"able", "acme", "alpha", "amber", "apex", "arctic", "astro", "atlas", "aurora", "azure",
	"bay", "bear", "best", "big", "birch", "black", "blue", "bold", "bright", "brook",
	"canyon", "cedar", "central", "city", "clear", "cloud", "coast", "copper", "coral", "crest",
	"crystal", "daily", "dawn", "deep", "delta", "digital", "dune", "eagle", "east", "echo",
	"eco", "elm", "ember", "epic", "ever", "fair", "falcon", "fast", "fern", "first",
	"fox", "free", "fresh", "frontier", "future", "galaxy", "giant", "global", "gold", "grand",
	"granite", "green", "grey", "happy", "harbor", "hill", "home", "honey", "horizon", "hyper",
	"iron", "island", "jade", "key", "kind", "lake", "land", "last", "leaf", "light",
	"lime", "lion", "little", "local", "lucky", "lunar", "maple", "meadow", "mega", "metro",
	"mint", "modern", "moon", "mountain", "native", "neo", "net", "new", "noble", "north",
	"nova", "oak", "ocean", "olive", "omni", "open", "orange", "orbit", "pacific", "palm",
	"peak", "pine", "pixel", "planet", "polar", "prime", "pure", "quick", "rapid", "red",
	"river", "rock", "royal", "ruby", "rustic", "safe", "sage", "salt", "sand", "sea",
	"silver", "simple", "sky", "smart", "snow", "solar", "south", "spark", "spring", "star",
	"steel", "stone", "storm", "summit", "sun", "swift", "tech", "terra", "tidal", "top",
	"true", "twin", "ultra", "union", "urban", "valley", "vast", "velvet", "vivid", "west",
	"white", "wild", "willow", "wind", "winter", "wise", "wood", "yellow", "young", "zen",
}

var secondWords = []string{
	"academy", "agency", "air", "analytics", "apps", "arts", "audio", "auto", "bakery", "bank",
	"bay", "beauty", "bikes", "bio", "books", "box", "brands", "bridge", "build", "cafe",
	"capital", "care", "cargo", "cars", "cart", "center", "chain", "clinic", "cloud", "club",
	"code", "coffee", "collective", "commerce", "connect", "consulting", "craft", "credit", "data", "deals",
	"design", "dev", "direct", "dynamics", "energy", "engine", "events", "express", "fabric", "farm",
	"finance", "fit", "flow", "foods", "forge", "foundation", "frame", "fund", "games", "garden",
	"gear", "group", "guide", "health", "hub", "industries", "insights", "insurance", "journal", "kitchen",
	"lab", "labs", "law", "learning", "legal", "life", "line", "link", "logic", "logistics",
	"loop", "mail", "market", "media", "medical", "mind", "mobile", "motion", "motors", "music",
	"network", "news", "nest", "office", "one", "online", "outdoors", "partners", "path", "pay",
	"pets", "pharma", "photo", "play", "point", "post", "press", "print", "pro", "projects",
	"properties", "quest", "radio", "realty", "records", "research", "resorts", "retail", "review", "rides",
	"robotics", "school", "scout", "security", "service", "shop", "site", "soft", "software", "solutions",
	"sound", "source", "space", "sports", "stack", "station", "store", "studio", "supply", "systems",
	"talent", "team", "tech", "telecom", "ticket", "times", "tools", "tours", "trade", "travel",
	"trust", "tv", "union", "vault", "ventures", "view", "vision", "voice", "ware", "wave",
	"wear", "web", "wellness", "works", "world", "yard", "zone",
}

// namePrefixes and nameSuffixes make names like "getbluefalcon.com" and
// "bluefalconhq.com".
var namePrefixes = []string{"my", "get", "go", "the", "try", "join", "use", "hello", "we", "all"}
var nameSuffixes = []string{"hq", "hub", "app", "online", "group", "co", "inc", "labs", "now", "ly", "io"}

// idnWords are first words with non-ASCII letters, for the few
// internationalised domain names of the population.
var idnWords = []string{
	"bücher", "müller", "café", "straße", "grün", "köln", "zürich", "møller", "søren", "årstid",
	"español", "niño", "señor", "façade", "été", "über", "schön", "größe", "jälla", "łódź",
}
