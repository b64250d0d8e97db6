package graph

import (
	"slices"
)

// The blast radius of every element, the single points of failure and
// the pairs' Down are many scenarios of one or two elements each. Run one
// by one (fail), each scenario visits the slots of every domain that uses
// what it fails, in a state array of six slots per domain: at a million
// domains that is tens of millions of scattered reads for the big
// providers, most of them cache misses. sweep turns this around: it runs
// the propagation of each scenario on the services only (propagate and
// failures, which touch no domain), keeps for every key and address
// class the scenarios that fail it, and then reads the domains once, in
// order, deciding for each slot which scenarios kill it:
//
//   - a slot dies in scenario e when every key it has fails in e (a
//     self-hosted key never does) or every address class it has fails in
//     e (fail's slotState.down); it dies directly when every key fails
//     directly, or by its classes (always direct);
//   - a domain goes down in e when a required slot dies in e (dns, cdn,
//     hosting, tld, and ca when the domain depends on its CA critically),
//     directly when one of them dies directly: what fail decides by
//     running the direct keys and classes before the transitive keys;
//   - its e-mail fails when its email slot dies.
//
// For a pair (a, b), Down = |F(a, b)| − |F(a) ∪ F(b)| counts the domains
// down in the pair's scenario but in neither company's alone. Such a
// domain has a required slot that dies in the pair but neither alone:
// its keys all fail in the pair, and it has a key that fails in the pair
// only, or keys of both companies. A slot of one key is read in the list
// of the pairs that fail its key but in which neither company fails it
// alone (pairJoint); a slot of several keys intersects the lists of the
// pairs that fail each (pairAll); the domain counts when neither company
// takes it down alone, which the pass has just decided.
//
// The counts are the same as fail's (tests compare them scenario by
// scenario); a weighted share sums its domains' weights in domain order.

// A killer is an element (its index in sweep's list) that fails a key, a
// class, a slot or a domain, shifted left by one, with bit 0 set when it
// does so directly.

// Flags of an element in the domain being read.
const (
	flagDown    = 1 << iota // a required slot dies
	flagDirect              // a required slot dies directly
	flagServing             // a dns, cdn or hosting slot dies
	flagCA                  // the ca slot dies, the domain depending on its CA critically
	flagTLD                 // the tld slot dies
	flagMail                // the email slot dies
)

// slotFlags are the flags a slot's death sets, by layer (slotLayers
// order); the ca slot's only when the domain depends on its CA critically.
var slotFlags = [numLayers]uint8{flagDown | flagServing, flagDown | flagServing, flagDown | flagServing, flagMail, flagDown | flagCA, flagDown | flagTLD}

// sweepOut is what sweep computes.
type sweepOut struct {
	// blast has the blast radius of each element of els.
	blast []Blast
	// spof lists, for each domain, the indexes in els of the companies
	// (KindProvider) that take a serving layer of it down alone, in els
	// order.
	spof csr
	// down is each pair's Down.
	down []int
}

// sweep returns the blast radius of every element of els, the companies
// of els that take down each domain's serving layers, and the Down of
// every pair (whose companies need not be in els).
func (g *Graph) sweep(els []Element, pairs []Pair) sweepOut {
	// The companies of the pairs are elements too, at the end when els
	// does not have them: F(a) and F(b) are decided in the pass.
	all := slices.Clone(els)
	company := map[string]int32{}
	for i, e := range els {
		if e.Kind == KindProvider {
			company[e.Company] = int32(i)
		}
	}
	pairEls := make([][2]int32, len(pairs))
	for p, pr := range pairs {
		for j, c := range [2]string{pr.A, pr.B} {
			e, ok := company[c]
			if !ok {
				e = int32(len(all))
				company[c] = e
				all = append(all, Element{Kind: KindProvider, Company: c})
			}
			pairEls[p][j] = e
		}
	}

	// The killers of every key and class, and the services each element
	// fails.
	sc := g.newServiceScratch()
	services := make([]int, len(all))
	var kFrom, kTo, cFrom, cTo []int32
	for i := range all {
		scenario := all[i : i+1]
		direct := g.propagate(sc, scenario)
		services[i] = sc.numServices()
		g.failures(sc, scenario, direct, func(k int32, direct bool) {
			v := int32(i) << 1
			if direct {
				v |= 1
			}
			kFrom, kTo = append(kFrom, k), append(kTo, v)
		}, func(c int32) {
			cFrom, cTo = append(cFrom, c), append(cTo, int32(i)<<1|1)
		})
	}
	keyKill := buildCSR(len(g.keySvc), kFrom, kTo) // each key's killers, by element
	classKill := buildCSR(len(g.classASN), cFrom, cTo)

	// The pairs that fail every key, and those in which neither company
	// alone fails it.
	kills := func(k, e int32) bool {
		_, ok := slices.BinarySearchFunc(keyKill.of(k), e, func(v, e int32) int { return int(v>>1 - e) })
		return ok
	}
	var aFrom, aTo, jFrom, jTo []int32
	for p, pr := range pairs {
		scenario := []Element{{Kind: KindProvider, Company: pr.A}, {Kind: KindProvider, Company: pr.B}}
		direct := g.propagate(sc, scenario)
		g.failures(sc, scenario, direct, func(k int32, _ bool) {
			v := int32(p)<<1 | 1 // in the killers' form, for intersectAll
			aFrom, aTo = append(aFrom, k), append(aTo, v)
			if !kills(k, pairEls[p][0]) && !kills(k, pairEls[p][1]) {
				jFrom, jTo = append(jFrom, k), append(jTo, v)
			}
		}, func(int32) {}) // companies fail no address class
	}
	pairAll := buildCSR(len(g.keySvc), aFrom, aTo)
	pairJoint := buildCSR(len(g.keySvc), jFrom, jTo)

	// The pass over the domains.
	n := len(all)
	failed, direct, serving, ca, tld, mail := make([]int32, n), make([]int32, n), make([]int32, n), make([]int32, n), make([]int32, n), make([]int32, n)
	weight := make([]float64, n)
	down := make([]int, len(pairs))
	stamp, flags := make([]int32, n), make([]uint8, n)
	isCompany := make([]bool, n)
	for i, e := range els {
		isCompany[i] = e.Kind == KindProvider
	}
	nd := len(g.domains)
	spofOff, spofList := make([]int32, nd+1), make([]int32, 0, nd) // about one company a domain
	var touched, spofBuf, pairBuf []int32
	var kb killBufs
	ko, kl := g.slotKeys.off, g.slotKeys.list
	co, cl := g.slotClasses.off, g.slotClasses.list
	for d := range nd {
		st := int32(d + 1)
		touched = touched[:0]
		base := d * numLayers
		for li := range numLayers {
			if li == slotCA && !g.caRequired[d] {
				continue // stapled or several CAs: the site stays up
			}
			slot := base + li
			ks, cs := kl[ko[slot]:ko[slot+1]], cl[co[slot]:co[slot+1]]
			if len(ks) == 0 && len(cs) == 0 {
				continue
			}
			bits := slotFlags[li]
			for _, v := range kb.slot(ks, cs, &keyKill, &classKill) {
				e := v >> 1
				if stamp[e] != st {
					stamp[e], flags[e] = st, 0
					touched = append(touched, e)
				}
				f := bits
				if v&1 != 0 && bits&flagDown != 0 {
					f |= flagDirect
				}
				flags[e] |= f
			}
		}
		spofBuf = spofBuf[:0]
		for _, e := range touched {
			f := flags[e]
			if f&flagMail != 0 {
				mail[e]++
			}
			if f&flagDown == 0 {
				continue
			}
			failed[e]++
			if f&flagDirect != 0 {
				direct[e]++
			}
			if w := g.weights[d]; w != 0 {
				weight[e] += w
			}
			if f&flagServing != 0 {
				serving[e]++
				if isCompany[e] {
					spofBuf = append(spofBuf, e)
				}
			}
			if f&flagCA != 0 {
				ca[e]++
			}
			if f&flagTLD != 0 {
				tld[e]++
			}
		}
		if len(spofBuf) > 1 {
			slices.Sort(spofBuf)
		}
		spofList = append(spofList, spofBuf...)
		spofOff[d+1] = int32(len(spofList))

		if len(pairs) == 0 {
			continue
		}
		pairBuf = pairBuf[:0]
		for li := range numLayers {
			if li == slotEmail || (li == slotCA && !g.caRequired[d]) {
				continue
			}
			slot := base + li
			ks := kl[ko[slot]:ko[slot+1]]
			if len(ks) == 1 && ks[0] >= 0 {
				pairBuf = append(pairBuf, pairJoint.of(ks[0])...)
			} else if len(ks) > 1 {
				pairBuf = append(pairBuf, kb.pairs(ks, &pairAll)...)
			}
		}
		if len(pairBuf) > 1 {
			slices.Sort(pairBuf)
			pairBuf = slices.Compact(pairBuf)
		}
		for _, v := range pairBuf {
			p := v >> 1
			a, b := pairEls[p][0], pairEls[p][1]
			if (stamp[a] != st || flags[a]&flagDown == 0) && (stamp[b] != st || flags[b]&flagDown == 0) {
				down[p]++
			}
		}
	}

	out := sweepOut{blast: make([]Blast, len(els)), spof: csr{off: spofOff, list: spofList}, down: down}
	for i, e := range els {
		b := Blast{
			Element: e, Domains: int(failed[i]), Direct: int(direct[i]), Transitive: int(failed[i] - direct[i]),
			EmailFailed: int(mail[i]), Services: services[i],
			CADomains: int(ca[i]), TLDDomains: int(tld[i]), ServingDomains: int(serving[i]),
		}
		if nd > 0 {
			b.Share = float64(b.Domains) / float64(nd)
			b.EmailShare = float64(b.EmailFailed) / float64(nd)
			b.WeightedShare = b.Share
			if g.totalWeight > 0 {
				b.WeightedShare = weight[i] / g.totalWeight
			}
		}
		out.blast[i] = b
	}
	return out
}

// killBufs are the buffers of the intersections of one slot.
type killBufs struct {
	a, b, c, d, u []int32
}

// slot returns the killers of a slot with keys ks and address classes cs,
// by element: those that fail every key (directly when every key fails
// directly) and those that fail every class (directly). The result may be
// a list of kill itself or one of kb's buffers: read it before the next
// call.
func (kb *killBufs) slot(ks, cs []int32, keyKill, classKill *csr) []int32 {
	var byKeys, byClasses []int32
	if len(ks) > 0 && !slices.ContainsFunc(ks, func(k int32) bool { return k < 0 }) { // a self-hosted key never fails
		byKeys = intersectAll(keyKill, ks, &kb.a, &kb.b)
	}
	if len(cs) > 0 {
		byClasses = intersectAll(classKill, cs, &kb.c, &kb.d)
	}
	switch {
	case len(byClasses) == 0:
		return byKeys
	case len(byKeys) == 0:
		return byClasses
	}
	kb.u = unionKillers(kb.u[:0], byKeys, byClasses)
	return kb.u
}

// pairs returns the pairs that fail every key of ks (pairAll's lists
// intersected).
func (kb *killBufs) pairs(ks []int32, pairAll *csr) []int32 {
	if slices.ContainsFunc(ks, func(k int32) bool { return k < 0 }) {
		return nil
	}
	return intersectAll(pairAll, ks, &kb.a, &kb.b)
}

// intersectAll returns the intersection of the sorted lists of the
// sources ids in lists, killer lists (an element in each, direct when
// direct in every one) or plain ones. It is a list of lists itself, for
// one id, or one of the buffers x and y, which it alternates.
func intersectAll(lists *csr, ids []int32, x, y *[]int32) []int32 {
	cur := lists.of(ids[0])
	for i, id := range ids[1:] {
		if len(cur) == 0 {
			break
		}
		dst := x
		if i%2 == 1 {
			dst = y
		}
		*dst = intersectKillers((*dst)[:0], cur, lists.of(id))
		cur = *dst
	}
	return cur
}

// intersectKillers appends to dst the elements of both sorted killer
// lists, direct when direct in both.
func intersectKillers(dst, x, y []int32) []int32 {
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		ex, ey := x[i]>>1, y[j]>>1
		switch {
		case ex < ey:
			i++
		case ex > ey:
			j++
		default:
			dst = append(dst, x[i]&y[j])
			i++
			j++
		}
	}
	return dst
}

// unionKillers appends to dst the elements of either sorted killer list,
// direct when direct in one.
func unionKillers(dst, x, y []int32) []int32 {
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		ex, ey := x[i]>>1, y[j]>>1
		switch {
		case ex < ey:
			dst = append(dst, x[i])
			i++
		case ex > ey:
			dst = append(dst, y[j])
			j++
		default:
			dst = append(dst, x[i]|y[j])
			i++
			j++
		}
	}
	dst = append(dst, x[i:]...)
	return append(dst, y[j:]...)
}
