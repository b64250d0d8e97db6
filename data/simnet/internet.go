package simnet

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/idna"
)

// Config says which population to generate.
type Config struct {
	// Domains is the size of the population; 0 means DefaultDomains.
	Domains int
	// Seed selects the population; 0 means DefaultSeed. The same Config
	// always gives the same population, byte for byte.
	Seed int64
}

// Defaults of Config.
const (
	DefaultDomains = 5000
	DefaultSeed    = 1
	// MaxDomains bounds a population (about 40 bytes per domain).
	MaxDomains = 50_000_000
)

// ErrConfig is wrapped by the errors of Generate about its Config.
var ErrConfig = errors.New("invalid simnet config")

// domain is everything stored per simulated domain: the draws of the
// market model, 16 bytes. Records are synthesised from it at query time.
type domain struct {
	off    uint32 // name in Internet.names
	nlen   uint8
	tld    uint8
	status status
	web    uint8 // index in webProfiles
	origin originID
	dns1   dnsKind
	dns2   dnsKind // dnsNone without redundancy
	email  emailKind
	isp    uint8 // index in world.isps
	flags  uint8
}

const (
	flagV6    = 1 << iota // the site publishes AAAA records
	flagNoWWW             // www does not exist
)

// Internet is a generated population with the world it lives in. It is
// immutable after Generate and safe for concurrent use.
type Internet struct {
	seed  int64
	w     *world
	tok   tokens
	doms  []domain
	names string // all domain names, concatenated
	index index
	// The simulated CAs (ca.go), made on first use.
	pkiOnce sync.Once
	pkiVal  *pki
	pkiErr  error
}

// Generate builds the population cfg describes.
func Generate(cfg Config) (*Internet, error) {
	if cfg.Domains == 0 {
		cfg.Domains = DefaultDomains
	}
	if cfg.Seed == 0 {
		cfg.Seed = DefaultSeed
	}
	if cfg.Domains < 0 || cfg.Domains > MaxDomains {
		return nil, fmt.Errorf("%w: %d domains (want 1..%d)", ErrConfig, cfg.Domains, MaxDomains)
	}
	w, err := newWorld()
	if err != nil {
		return nil, fmt.Errorf("simnet world: %w", err)
	}
	in := &Internet{seed: cfg.Seed, w: w, tok: newTokens(cfg.Seed), doms: make([]domain, cfg.Domains)}
	in.index = newIndex(cfg.Domains)
	g := generator{in: in, web: webTable(), tld: tldTable(), arena: make([]byte, 0, cfg.Domains*18)}
	for i := range in.doms {
		g.domain(i)
	}
	in.names = string(g.arena)
	in.shareOperators()
	return in, nil
}

// shareOperators sees to it that every DNS operator the catalog does not
// know (a generated one, an ISP's, a hosting company's) that serves a
// resolving domain serves at least two: the sole customer of one moves
// to the generated operator with the most customers (the smallest index
// among equals), or to Route 53 when no other domain uses one. Without
// this, the classifier would rightly take an operator with one customer
// whose SOA names the customer for the customer itself, and the truth
// would have to depend on the list; with it, every such operator is a
// third party. In large populations it moves nobody.
func (in *Internet) shareOperators() {
	const nISP = 256 // d.isp is a uint8
	key := func(d *domain) int {
		switch {
		case d.status != statusOK:
		case d.dns1 >= dnsGens && d.dns1 != dnsNone:
			return int(d.dns1 - dnsGens)
		case d.dns1 == dnsISP:
			return numGenDNS + int(d.isp)
		case d.dns1 == dnsHostCo:
			return numGenDNS + nISP + int(d.origin-originHostCos)
		}
		return -1
	}
	var users [numGenDNS + nISP + numHostCos]int
	for i := range in.doms {
		if k := key(&in.doms[i]); k >= 0 {
			users[k]++
		}
	}
	for i := range in.doms {
		d := &in.doms[i]
		k := key(d)
		if k < 0 || users[k] != 1 {
			continue
		}
		best := -1
		for j := range numGenDNS {
			if j != k && users[j] > 0 && (best < 0 || users[j] > users[best]) {
				best = j
			}
		}
		users[k]--
		if best < 0 {
			d.dns1 = dnsRoute53
			if d.dns2 == dnsRoute53 {
				d.dns2 = dnsNone
			}
			continue
		}
		d.dns1 = dnsGens + dnsKind(best)
		users[best]++
	}
}

// Len returns the number of domains.
func (in *Internet) Len() int { return len(in.doms) }

// Seed returns the seed the population was generated with.
func (in *Internet) Seed() int64 { return in.seed }

// Domain returns the name of the domain of rank r (1-based).
func (in *Internet) Domain(rank int) string { return in.name(rank - 1) }

func (in *Internet) name(i int) string {
	d := &in.doms[i]
	return in.names[d.off : d.off+uint32(d.nlen)]
}

// Networks returns the simulated address space: every prefix the
// population uses, with its AS, organisation, country and region.
func (in *Internet) Networks() []Network { return append([]Network(nil), in.w.nets...) }

// generator draws the population, one domain after the other.
type generator struct {
	in    *Internet
	web   table[uint8]
	tld   table[uint8]
	arena []byte
	buf   []byte
}

func (g *generator) domain(i int) {
	in := g.in
	h := mix(uint64(in.seed), uint64(i))
	d := &in.doms[i]
	d.status = statusTable.pick(mix(h, drawStatus))
	d.tld = g.tld.pick(mix(h, drawTLD))
	d.web = g.web.pick(mix(h, drawWeb))
	prof := &webProfiles[d.web]
	d.origin = originISP
	if prof.origins != nil {
		d.origin = prof.origins.pick(mix(h, drawOrigin))
	}
	if d.origin == originHostCo {
		d.origin = originHostCos + originID(hostcoTable.pick(mix(h, drawHostCo)))
	}
	d.dns2 = dnsNone
	switch {
	case prof.dnsBP > 0 && chance(mix(h, drawForceDNS), prof.dnsBP):
		d.dns1 = prof.dns
	default:
		if d.origin >= originHostCos && chance(mix(h, drawHostDNS), hostcoDNSBP) {
			d.dns1 = dnsHostCo
		} else {
			d.dns1 = dnsTable.pick(mix(h, drawDNS))
		}
		if d.dns1 == dnsGen {
			d.dns1 = dnsGens + dnsKind(genDNSTable.pick(mix(h, drawGenDNS)))
		}
		if chance(mix(h, drawRedundant), redundantBP) {
			// One operator at most puts name servers under the domain.
			if s := secondaryTable.pick(mix(h, drawSecondary)); s != d.dns1 && !(selfNS(s) && selfNS(d.dns1)) {
				d.dns2 = s
			}
		}
	}
	d.email = emailTable.pick(mix(h, drawEmail))
	if d.email == emailGen {
		d.email = emailGens + emailKind(mailcoTable.pick(mix(h, drawGenMail)))
	}
	d.isp = in.w.ispFor(tlds[d.tld].name, mix(h, drawISP))
	if chance(mix(h, drawV6), prof.v6BP) {
		d.flags |= flagV6
	}
	if chance(mix(h, drawNoWWW), noWWWBP) {
		d.flags |= flagNoWWW
	}
	g.name(i, d, mix(h, drawName))
}

// name draws a unique, realistic-looking name for domain i and stores it.
func (g *generator) name(i int, d *domain, r uint64) {
	suffix := tlds[d.tld].name
	base, uni := g.base(r)
	for attempt := 0; ; attempt++ {
		g.buf = append(g.buf[:0], base...)
		if attempt > 0 && uni != "" {
			// Digits appended to punycode would make it invalid: append
			// them to the Unicode form and encode that again.
			a, err := idna.Lookup.ToASCII(uni + strconv.Itoa(attempt))
			if err != nil {
				uni, base = "", g.asciiBase(r)
				attempt = 0
				continue
			}
			g.buf = append(g.buf[:0], a...)
		} else if attempt > 0 {
			// A digit suffix when the plain name is taken: 2..9, then
			// 10..99, 100..999; past that the index makes it unique.
			var n uint64
			switch {
			case attempt <= 2:
				n = 2 + mix(r, uint64(attempt))%8
			case attempt <= 4:
				n = 10 + mix(r, uint64(attempt))%90
			case attempt <= 6:
				n = 100 + mix(r, uint64(attempt))%900
			default:
				n = 1000 + uint64(i) + uint64(attempt-7)*uint64(len(g.in.doms))
			}
			g.buf = strconv.AppendUint(g.buf, n, 10)
		}
		g.buf = append(g.buf, '.')
		g.buf = append(g.buf, suffix...)
		if len(g.buf) > 253 {
			continue
		}
		h := hashBytes(g.buf)
		// "-cdn." marks the zones of private CDNs (resolve.go).
		if g.in.w.reserved[string(g.buf)] || bytes.Contains(g.buf, []byte("-cdn.")) || findIn(&g.in.index, g.buf, h, g.arena, g.in.doms) >= 0 {
			continue
		}
		d.off = uint32(len(g.arena))
		d.nlen = uint8(len(g.buf))
		g.arena = append(g.arena, g.buf...)
		g.in.index.insert(h, i)
		return
	}
}

// base draws the first label of a name: its ASCII form, and its Unicode
// form when it is an internationalised name.
func (g *generator) base(r uint64) (ascii, unicode string) {
	s := secondWords[mix(r, 2)%uint64(len(secondWords))]
	if chance(mix(r, 3), idnBP) {
		u := idnWords[mix(r, 4)%uint64(len(idnWords))] + s
		if a, err := idna.Lookup.ToASCII(u); err == nil && strings.HasPrefix(a, "xn--") {
			return a, u
		}
	}
	return g.asciiBase(r), ""
}

// asciiBase draws a first label made of ASCII words.
func (g *generator) asciiBase(r uint64) string {
	f := firstWords[mix(r, 1)%uint64(len(firstWords))]
	s := secondWords[mix(r, 2)%uint64(len(secondWords))]
	pre := namePrefixes[mix(r, 8)%uint64(len(namePrefixes))]
	post := nameSuffixes[mix(r, 9)%uint64(len(nameSuffixes))]
	switch x := mix(r, 5) % 100; {
	case x < 40:
		return f + s
	case x < 52:
		return f + "-" + s
	case x < 62:
		return s + secondWords[mix(r, 6)%uint64(len(secondWords))]
	case x < 70:
		return f + strconv.Itoa(int(2+mix(r, 7)%98))
	case x < 76:
		return s + "-" + f
	case x < 86:
		return pre + f + s
	default:
		return f + s + post
	}
}

// index maps a domain name to its index: open addressing over the FNV-1a
// hash of the name, storing only index+1 (4 bytes a slot, at most half
// full); the name itself is compared against the name arena.
type index struct {
	slots []uint32
	mask  uint64
}

func newIndex(n int) index {
	size := 1024
	for size < 2*n {
		size <<= 1
	}
	return index{slots: make([]uint32, size), mask: uint64(size - 1)}
}

func (x *index) insert(h uint64, i int) {
	for s := h & x.mask; ; s = (s + 1) & x.mask {
		if x.slots[s] == 0 {
			x.slots[s] = uint32(i + 1)
			return
		}
	}
}

// findIn returns the index of the domain named key (lower case, hash h),
// or -1; names is the name arena, as a string once generation is done.
func findIn[S, K ~string | ~[]byte](x *index, key K, h uint64, names S, doms []domain) int {
	for s := h & x.mask; ; s = (s + 1) & x.mask {
		v := x.slots[s]
		if v == 0 {
			return -1
		}
		d := &doms[v-1]
		if int(d.nlen) == len(key) && equal(names[d.off:d.off+uint32(d.nlen)], key) {
			return int(v - 1)
		}
	}
}

func equal[S, K ~string | ~[]byte](a S, b K) bool {
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// lookup returns the index of the domain named key, or -1. key must be
// lower case without a trailing dot.
func (in *Internet) lookup(key string) int {
	return findIn(&in.index, key, hashString(key), in.names, in.doms)
}
