package simnet

import (
	"fmt"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// The operators the catalog does not know. On the real web most DNS
// operators, hosting companies and mail services of a list of top sites
// are not in any hand-written catalog; the simulation has three kinds of
// them, generated from the word lists below with a fixed hash (the same
// for every seed, like the rest of the world):
//
//   - DNS operators "<word><word>dns.<tld>", name servers ns1/ns2 (and for
//     some ns3/ns4) under that domain; a quarter of them put every second
//     name server under a TLD variant (ns1.<op>.net + ns2.<op>.org);
//   - hosting companies "<word><word>host.<tld>": their customers' sites
//     in their address space, www CNAME <slug>-<token>.<hostco>, and their
//     own name servers ns1/ns2.<hostco>, which some customers use too;
//   - mail operators "<word><word>mail.<tld>": MX mx1/mx2.<mailco>.
//
// Each has its own address space in its own AS, numbered in the private
// range (RFC 6996), which the catalog refuses (data/catalog rejects
// private AS numbers), so no later catalog can claim it; the names are
// checked against the catalog by TestUncataloguedAbsentFromCatalog.
//
// The ground truth names them as the classifier must: by registrable
// domain (a TLD-variant pair by the smaller of its two domains) for their
// name servers, CNAME targets and mail exchangers, and by "as<N>" for a
// site's address in their space that nothing else names.

// Sizes of the generated market.
const (
	numGenDNS  = 150
	numHostCos = 40
	numMailCos = 20
)

// First AS numbers of the generated operators (private use, RFC 6996).
const (
	asnGenDNS = 64512 // to 64661
	asnHostCo = 64700 // to 64739
	asnMailCo = 64800 // to 64819
)

type genKind uint8

const (
	genDNSOp genKind = iota
	genHostCo
	genMailCo
)

// genOp is one generated operator.
type genOp struct {
	kind genKind
	// name is the operator's registrable domain ("amberpeakdns.net"); alt
	// a TLD variant its name servers also live under, "" when none.
	name, alt string
	// id is the ground-truth id: the smaller of name and alt.
	id      string
	asn     uint32
	org     string
	country string
	v4, v6  string // its prefixes; v6 may be empty
	pool    *pool
	zone    *zone
	fam     nsFamily // its name servers as a DNS operator
	mx      []mxHost // a mail operator's exchangers
}

// opWords are the second words of generated operator names.
var opWords = []string{
	"peak", "wave", "ridge", "field", "brook", "crest", "grove", "gate", "forge", "haven",
	"vale", "spire", "beacon", "anchor", "lantern", "rift", "cove", "mesa", "fjord", "glade",
	"knoll", "reef", "ledge", "prairie",
}

// opKinds gives, per kind, the label suffix, the TLDs (by weight) and
// whether a quarter of them spread their name servers over a TLD variant.
var opKinds = [...]struct {
	suffix string
	tlds   table[string]
	alt    bool
}{
	genDNSOp: {"dns", table[string]{{"net", 50}, {"com", 20}, {"org", 5}, {"io", 5}, {"de", 4}, {"nl", 3}, {"fr", 2},
		{"co.uk", 3}, {"pl", 2}, {"com.br", 2}, {"ru", 2}, {"se", 1}, {"it", 1}}, true},
	genHostCo: {"host", table[string]{{"net", 45}, {"com", 30}, {"de", 6}, {"nl", 4}, {"fr", 3}, {"co.uk", 4}, {"pl", 3},
		{"com.br", 2}, {"ru", 3}}, false},
	genMailCo: {"mail", table[string]{{"net", 50}, {"com", 35}, {"de", 5}, {"fr", 5}, {"co.uk", 5}}, false},
}

// opCountries are the countries of the generated operators, in turn.
var opCountries = []string{"US", "DE", "NL", "FR", "GB", "PL", "BR", "US", "RU", "CA", "SE", "CH", "ES", "IT", "JP", "IN", "AU", "ZA", "SG", "US"}

// altTLD is the TLD variant of an operator registered under t.
func altTLD(t string) string {
	switch t {
	case "net":
		return "org"
	case "com":
		return "net"
	}
	return "com"
}

// genSpecs returns the generated operators: numGenDNS DNS operators, then
// numHostCos hosting companies, then numMailCos mail operators. Names are
// unique by their first label, and none is the first label of a zone of
// the world (so no two operators can be taken for TLD variants of one).
func genSpecs() []genOp {
	taken := make(map[string]bool)
	for _, z := range providerZones {
		taken[firstLabel(z)] = true
	}
	for _, x := range isps {
		taken[firstLabel(x.zone)] = true
	}
	var out []genOp
	add := func(kind genKind, k int, asn uint32, v4, v6 string) {
		spec := opKinds[kind]
		var label string
		var h uint64
		for attempt := uint64(0); ; attempt++ {
			h = mix(0x6f70657261746f72+uint64(kind), uint64(k)<<16|attempt)
			label = firstWords[h%uint64(len(firstWords))] + opWords[h>>20%uint64(len(opWords))] + spec.suffix
			if !taken[label] {
				break
			}
		}
		taken[label] = true
		tld := spec.tlds.pick(mix(h, 1))
		op := genOp{kind: kind, name: label + "." + tld, asn: asn, v4: v4, v6: v6,
			org:     strings.ToUpper(label) + "-AS",
			country: opCountries[(k+int(kind)*7)%len(opCountries)]}
		if k%4 == 1 && spec.alt {
			// Every fourth, the second largest among them: TLD variants
			// show up in small lists too.
			op.alt = label + "." + altTLD(tld)
		}
		op.id = op.name
		if op.alt != "" && op.alt < op.id {
			op.id = op.alt
		}
		out = append(out, op)
	}
	for k := range numGenDNS {
		add(genDNSOp, k, asnGenDNS+uint32(k), fmt.Sprintf("45.128.%d.0/24", k), fmt.Sprintf("2a0e:a000:%x::/48", k))
	}
	for k := range numHostCos {
		off := k * 16 // a /20 each in 5.100.0.0/14
		add(genHostCo, k, asnHostCo+uint32(k), fmt.Sprintf("5.%d.%d.0/20", 100+off/256, off%256), fmt.Sprintf("2a0e:%x::/32", 0xb100+k))
	}
	for k := range numMailCos {
		add(genMailCo, k, asnMailCo+uint32(k), fmt.Sprintf("45.129.%d.0/24", k), "")
	}
	return out
}

// firstLabel is the first label of a name.
func firstLabel(name string) string {
	l, _, _ := strings.Cut(name, ".")
	return l
}

// zipfTable weighs n operators by 1/(k+a): a few large, a long tail.
func zipfTable(n, a int) table[uint8] {
	t := make(table[uint8], n)
	for k := range n {
		t[k] = weighted[uint8]{uint8(k), 1_000_000 / (k + a)}
	}
	return t
}

// The market shares among the generated operators of one kind.
var (
	genDNSTable = zipfTable(numGenDNS, 1)
	hostcoTable = zipfTable(numHostCos, 2)
	mailcoTable = zipfTable(numMailCos, 1)
)

// registrable returns the registrable domain of a host name of the world
// (under the ICANN section of the public suffix list), the name the
// classifier gives an operator it does not know.
func registrable(host string) string { return catalog.ICANNRegistrable(host) }

// buildGen creates the hosts and families of the generated operators; the
// networks, pools and zones are already there.
func (w *world) buildGen() {
	for i := range w.gen {
		op := &w.gen[i]
		op.pool = w.pools["gen-"+op.name]
		op.zone = w.zones[op.name]
		host := func(n string) *staticName {
			st := w.host(n, "gen-"+op.name, "")
			st.op = op.id
			return st
		}
		second := op.name
		if op.alt != "" {
			second = op.alt
		}
		op.fam = nsFamily{rname: "hostmaster." + op.name, op: op.id}
		switch op.kind {
		case genDNSOp:
			k := i
			set := []*staticName{host("ns1." + op.name), host("ns2." + second)}
			if k%3 == 0 {
				set = append(set, host("ns3."+op.name))
			}
			op.fam.sets = [][]*staticName{set}
			if k < 12 {
				// The largest operators hand out a second delegation set.
				op.fam.sets = append(op.fam.sets, []*staticName{host("ns3." + op.name), host("ns4." + second)})
			}
		case genHostCo:
			op.fam.sets = [][]*staticName{{host("ns1." + op.name), host("ns2." + op.name)}}
			op.zone.hostco = i - numGenDNS + 1
		case genMailCo:
			op.fam.sets = [][]*staticName{{host("ns1." + op.name), host("ns2." + op.name)}}
			op.mx = []mxHost{{10, host("mx1." + op.name)}, {20, host("mx2." + op.name)}}
		}
	}
	for k := range numGenDNS {
		w.dns[dnsGens+dnsKind(k)] = w.gen[k].fam
	}
}

// genDNS, hostco and mailco return generated operator k of each kind.
func (w *world) genDNS(k int) *genOp { return &w.gen[k] }
func (w *world) hostco(k int) *genOp { return &w.gen[numGenDNS+k] }
func (w *world) mailco(k int) *genOp { return &w.gen[numGenDNS+numHostCos+k] }
