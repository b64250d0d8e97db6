package dnscrawl

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"
)

// This file reads the JSON lines written by zmap/zdns (v2 and later: one
// object per looked-up name, {"name": ..., "results": {MODULE: {"status",
// "timestamp", "duration", "data": {...}}}}) and turns them into
// observations, so that lists crawled with zdns can be analysed here.
//
// Modules read: the raw A, AAAA, CNAME, NS, MX and SOA modules (their
// data.answers[] records: name, type, answer, and preference for MX, ns
// and mbox for SOA; data.authorities[] for the SOA of a negative NS
// answer), and the lookup modules NSLOOKUP (data.servers[]) and MXLOOKUP
// (data.exchanges[]) with their ipv4_addresses and ipv6_addresses;
// ALOOKUP (data.ipv4_addresses, ipv6_addresses). Other modules are
// ignored. Several modules may be in one line (zdns MULTIPLE) or in
// separate lines: lines about the same name are merged. A name "www.D"
// fills the www host of domain D; a line whose metadata is
// ZDNSTargetZone (zdns --metadata-passthrough, input "NAME,target_zone")
// is the NS lookup of a zone that CNAME targets may live in; every other
// name is a domain. The name looked up is altered_name when zdns gives
// one (--prefix, --override-name), and alexa_rank (--alexa) is the rank.
//
// A lookup that is not in the input is unknown, never "nothing there":
// the crawler's plan asks NS, SOA, A and AAAA of the apex and of www, MX
// and the NS of the zones of CNAME targets, and each of those that zdns
// did not ask is recorded as such. A host with neither an A nor an AAAA
// lookup gets StatusError ("no A/AAAA lookup of NAME in the zdns input"),
// with one of the two missing it is judged as the crawler judges a host
// whose other question failed; a domain without an MX lookup gets
// MXStatus StatusError, so that its e-mail layer is unresolved rather than
// "none". The missing lookups are listed in the observation's Error when
// its status is ok. Without a SOA lookup a lame delegation cannot be
// seen; without the target-zone lookups TargetZones stays empty.
//
// zdns statuses map to the closed vocabulary: NOERROR -> ok (nodata when
// the answer holds no record of the type asked), NXDOMAIN -> nxdomain,
// SERVFAIL -> servfail, REFUSED -> refused, TIMEOUT and ITERATIVE_TIMEOUT
// -> timeout, ILLEGAL_INPUT -> invalid_name, NO_ANSWER -> nodata, ERROR
// for a lookup whose deadline passed -> timeout, anything else -> error,
// with the zdns status and error as the error text. The domain's
// status is that of its NS lookup, lame_delegation when NS was answered
// and the SOA lookup of the domain ended in SERVFAIL or REFUSED (as the
// crawler decides). zdns does not report its query counts the way this
// crawler does; queries and attempts are 0.
//
// What a crawl sees and zdns input cannot show: the NS of the enclosing
// zone of a listed name that is not a zone apex (NSLOOKUP does not walk
// up; the domain gets no NS), and a lame delegation shown only by an
// Extended DNS Error on a SERVFAIL (zdns does not report it: servfail).

// ZDNSTargetZone is the metadata that marks a zdns line as the NS lookup
// of a zone CNAME targets may live in rather than of a listed domain
// (zdns --metadata-passthrough with input lines "NAME,target_zone").
const ZDNSTargetZone = "target_zone"

type zdnsLine struct {
	Name        string                     `json:"name"`
	AlteredName string                     `json:"altered_name"`
	AlexaRank   int                        `json:"alexa_rank"`
	Metadata    string                     `json:"metadata"`
	Results     map[string]json.RawMessage `json:"results"`
}

type zdnsResult struct {
	Status    string   `json:"status"`
	Timestamp string   `json:"timestamp"`
	Duration  float64  `json:"duration"`
	Data      zdnsData `json:"data"`
	Error     string   `json:"error"`
}

type zdnsData struct {
	Answers     []zdnsAnswer   `json:"answers"`
	Authorities []zdnsAnswer   `json:"authorities"`
	Resolver    string         `json:"resolver"`
	Servers     []zdnsLookedUp `json:"servers"`
	Exchanges   []zdnsLookedUp `json:"exchanges"`
	IPv4        []string       `json:"ipv4_addresses"`
	IPv6        []string       `json:"ipv6_addresses"`
}

type zdnsAnswer struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Answer     string `json:"answer"`
	Preference uint16 `json:"preference"`
	NS         string `json:"ns"`
	Mbox       string `json:"mbox"`
	Serial     uint32 `json:"serial"`
}

type zdnsLookedUp struct {
	Name       string   `json:"name"`
	Preference uint16   `json:"preference"`
	IPv4       []string `json:"ipv4_addresses"`
	IPv6       []string `json:"ipv6_addresses"`
}

// zdnsStatus maps a zdns status and its error text to the closed
// vocabulary. zdns reports some timeouts as ERROR: a lookup whose
// deadline passed ("cycling lookup failed - context expired") or that its
// rate limiter would have held past the deadline ("rate limit exceeded");
// those are timeouts, as they are for the crawler.
func zdnsStatus(s, errText string) Status {
	switch strings.ToUpper(s) {
	case "ERROR":
		e := strings.ToLower(errText)
		for _, t := range []string{"expired", "rate limit exceeded", "timeout"} {
			if strings.Contains(e, t) {
				return StatusTimeout
			}
		}
		return StatusError
	case "NOERROR":
		return StatusOK
	case "NXDOMAIN":
		return StatusNXDomain
	case "SERVFAIL":
		return StatusServFail
	case "REFUSED":
		return StatusRefused
	case "TIMEOUT", "ITERATIVE_TIMEOUT":
		return StatusTimeout
	case "ILLEGAL_INPUT":
		return StatusInvalidName
	case "NO_ANSWER":
		return StatusNoData
	}
	return StatusError
}

// ReadZDNS reads zdns JSON lines from r and calls fn with one observation
// per domain, in the order the domains first appear. Lines that are not
// zdns output are reported to bad with their line number and skipped.
// All lines are read before the first call of fn, since lines about one
// domain may be far apart.
func ReadZDNS(r io.Reader, bad func(*LineError), fn func(*Observation)) error {
	obs := map[string]*zdnsDomain{}
	zones := zdnsZones{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var l zdnsLine
		if err := json.Unmarshal(b, &l); err != nil {
			bad(&LineError{Line: line, Err: err})
			continue
		}
		name := normName(l.Name)
		if l.AlteredName != "" {
			name = normName(l.AlteredName)
		}
		if name == "" || len(l.Results) == 0 {
			bad(&LineError{Line: line, Err: errors.New("not a zdns result: no name or no results")})
			continue
		}
		if l.Metadata == ZDNSTargetZone {
			for module, raw := range l.Results {
				var res zdnsResult
				if err := json.Unmarshal(raw, &res); err != nil {
					bad(&LineError{Line: line, Err: fmt.Errorf("module %s: %w", module, err)})
					continue
				}
				zones.add(strings.ToUpper(module), name, &res)
			}
			continue
		}
		domain, www := name, false
		if d, ok := strings.CutPrefix(name, "www."); ok && strings.Contains(d, ".") {
			domain, www = d, true
		}
		z := obs[domain]
		if z == nil {
			z = &zdnsDomain{o: &Observation{SchemaVersion: SchemaVersion, Domain: domain,
				Apex: Host{Name: domain}, WWW: Host{Name: "www." + domain}}}
			obs[domain] = z
			order = append(order, domain)
		}
		if l.AlexaRank > 0 && z.o.Rank == 0 {
			z.o.Rank = l.AlexaRank
		}
		for module, raw := range l.Results {
			var res zdnsResult
			if err := json.Unmarshal(raw, &res); err != nil {
				bad(&LineError{Line: line, Err: fmt.Errorf("module %s: %w", module, err)})
				continue
			}
			z.add(strings.ToUpper(module), name, www, &res)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read zdns output: %w", err)
	}
	for _, d := range order {
		fn(obs[d].finish(zones))
	}
	return nil
}

// familyResult is what the lookups of one address family of a host said:
// whether any was made, and their statuses in input order.
type familyResult struct {
	seen bool
	sts  []Status
	errs []string
}

func (f *familyResult) add(st Status, errText string) {
	f.seen = true
	f.sts = append(f.sts, st)
	f.errs = append(f.errs, errText)
}

// outcome is the family's status: ok when any lookup found addresses,
// else the first failure, else nodata; StatusError when no lookup of the
// family is in the input.
func (f *familyResult) outcome(what string) (Status, string) {
	switch {
	case !f.seen:
		return StatusError, "no " + what + " lookup in the zdns input"
	case slices.Contains(f.sts, StatusOK):
		return StatusOK, ""
	}
	for i, s := range f.sts {
		if s != StatusNoData {
			return s, f.errs[i]
		}
	}
	return StatusNoData, ""
}

// zdnsHost gathers the lookups of one web host (the apex or www).
type zdnsHost struct {
	a, aaaa familyResult
}

// status judges the host as the crawler does (worker.host): a name that
// does not exist or whose chain never ends on the A question is that;
// otherwise ok when either family has addresses, nodata when both have
// none, else the failure of A, else that of AAAA. A family that was not
// looked up counts as a failure (StatusError), so that a host with one
// family missing is unknown unless the other one answered.
func (h *zdnsHost) status(name string) (Status, string) {
	if !h.a.seen && !h.aaaa.seen {
		return StatusError, "no A/AAAA lookup of " + name + " in the zdns input"
	}
	s4, e4 := h.a.outcome("A")
	switch s4 {
	case StatusNXDomain, StatusCNAMELoop, StatusTooLong:
		return s4, e4
	}
	s6, e6 := h.aaaa.outcome("AAAA")
	switch {
	case s4 == StatusOK || s6 == StatusOK:
		return StatusOK, ""
	case s4 == StatusNoData && s6 == StatusNoData:
		return StatusNoData, ""
	case s4 != StatusNoData:
		return s4, e4
	}
	return s6, e6
}

// zdnsDomain gathers what the zdns lines say about one domain.
type zdnsDomain struct {
	o         *Observation
	nsStatus  Status
	nsErr     string
	nsSeen    bool
	soaStatus Status
	soaErr    string
	soaSeen   bool
	mxSeen    bool
	hosts     [2]zdnsHost // apex, www
}

func (z *zdnsDomain) host(www bool) (*Host, *zdnsHost) {
	if www {
		return &z.o.WWW, &z.hosts[1]
	}
	return &z.o.Apex, &z.hosts[0]
}

// rank orders the outcomes of a lookup asked more than once (in two
// modules, or two runs): an answer beats "no such record", which beats a
// failure.
func rank(s Status) int {
	switch s {
	case StatusOK:
		return 2
	case StatusNoData:
		return 1
	}
	return 0
}

// merge decides what to do with a new outcome st of a lookup whose
// outcome so far is cur (seen says there is one): replace the data
// gathered (a better outcome), add to it (as good), or drop st (worse).
func merge(seen bool, cur, st Status) (replace, add bool) {
	switch {
	case !seen || rank(st) > rank(cur):
		return true, true
	case rank(st) == rank(cur):
		return false, true
	}
	return false, false
}

func (z *zdnsDomain) add(module, name string, www bool, r *zdnsResult) {
	st := zdnsStatus(r.Status, r.Error)
	errText := ""
	if st != StatusOK {
		errText = r.Status
		if r.Error != "" {
			errText += ": " + r.Error
		}
	}
	if t, err := time.Parse(time.RFC3339, r.Timestamp); err == nil && (z.o.StartedAt.IsZero() || t.Before(z.o.StartedAt)) {
		z.o.StartedAt = t.UTC()
	}
	z.o.DurationMS += r.Duration * 1000
	if z.o.Resolver == "" {
		z.o.Resolver = r.Data.Resolver
	}
	switch module {
	case "A", "AAAA", "CNAME", "ALOOKUP":
		h, zh := z.host(www)
		chain, as := answerChain(name, r.Data.Answers)
		if len(chain) > len(h.CNAMEs) {
			h.CNAMEs = chain
		}
		v4, v6 := parseAddrs(r.Data.IPv4), parseAddrs(r.Data.IPv6)
		for _, a := range as {
			if a.Is4() {
				v4 = append(v4, a)
			} else {
				v6 = append(v6, a)
			}
		}
		h.A = append(h.A, v4...)
		h.AAAA = append(h.AAAA, v6...)
		family := func(f *familyResult, addrs []netip.Addr) {
			s := st
			if s == StatusOK && len(addrs) == 0 {
				s = StatusNoData
			}
			f.add(s, errText)
		}
		switch module {
		case "A":
			family(&zh.a, v4)
		case "AAAA":
			family(&zh.aaaa, v6)
		case "ALOOKUP":
			// ALOOKUP asks A, and AAAA only with --ipv6-lookup, which
			// its output does not record: AAAA counts as asked only
			// when it found addresses.
			family(&zh.a, v4)
			if len(v6) > 0 {
				family(&zh.aaaa, v6)
			}
		}
		// The CNAME module says nothing about addresses.
	case "NS", "NSLOOKUP":
		if www {
			return
		}
		var ns []NSHost
		for _, a := range r.Data.Answers {
			// As the crawler: the NS records of the name itself, not
			// those at the end of a CNAME chain.
			if strings.EqualFold(a.Type, "NS") && a.Answer != "" && normName(a.Name) == name {
				ns = append(ns, NSHost{Name: normName(a.Answer)})
			}
		}
		for _, s := range r.Data.Servers {
			if n := normName(s.Name); n != "" {
				ns = append(ns, NSHost{Name: n, Addrs: append(parseAddrs(s.IPv4), parseAddrs(s.IPv6)...)})
			}
		}
		if st == StatusOK && len(ns) == 0 {
			st = StatusNoData
		}
		replace, add := merge(z.nsSeen, z.nsStatus, st)
		if replace {
			z.nsSeen, z.nsStatus, z.nsErr, z.o.NS = true, st, errText, nil
		}
		if add {
			for _, h := range ns {
				z.addNS(h.Name, h.Addrs)
			}
		}
	case "MX", "MXLOOKUP":
		if www {
			return
		}
		var mx []MXHost
		for _, a := range r.Data.Answers {
			if strings.EqualFold(a.Type, "MX") {
				mx = append(mx, MXHost{Preference: a.Preference, Name: normName(a.Answer)})
			}
		}
		for _, e := range r.Data.Exchanges {
			mx = append(mx, MXHost{Preference: e.Preference, Name: normName(e.Name), Addrs: append(parseAddrs(e.IPv4), parseAddrs(e.IPv6)...)})
		}
		if st == StatusOK && len(mx) == 0 {
			st = StatusNoData
		}
		replace, add := merge(z.mxSeen, z.o.MXStatus, st)
		if replace {
			z.mxSeen, z.o.MXStatus, z.o.MX = true, st, nil
		}
		if add {
			for _, h := range mx {
				z.addMX(h.Preference, h.Name, h.Addrs)
			}
		}
	case "SOA":
		if www {
			return
		}
		var soa *SOA
		for _, a := range r.Data.Answers {
			if strings.EqualFold(a.Type, "SOA") {
				soa = &SOA{MName: normName(a.NS), RName: normName(a.Mbox), Serial: a.Serial}
			}
		}
		if st == StatusOK && soa == nil {
			st = StatusNoData
		}
		if replace, _ := merge(z.soaSeen, z.soaStatus, st); replace {
			z.soaSeen, z.soaStatus, z.soaErr, z.o.SOA = true, st, errText, soa
		}
	}
}

func (z *zdnsDomain) addNS(name string, addrs []netip.Addr) {
	if name == "" {
		return
	}
	for i := range z.o.NS {
		if z.o.NS[i].Name == name {
			z.o.NS[i].Addrs = append(z.o.NS[i].Addrs, addrs...)
			return
		}
	}
	z.o.NS = append(z.o.NS, NSHost{Name: name, Addrs: addrs})
}

func (z *zdnsDomain) addMX(pref uint16, name string, addrs []netip.Addr) {
	if name == "" {
		name = "."
	}
	for i := range z.o.MX {
		if z.o.MX[i].Name == name {
			z.o.MX[i].Addrs = append(z.o.MX[i].Addrs, addrs...)
			return
		}
	}
	z.o.MX = append(z.o.MX, MXHost{Preference: pref, Name: name, Addrs: addrs})
}

// finish settles the statuses, fills the target zones from zones and
// sorts what was gathered.
func (z *zdnsDomain) finish(zones zdnsZones) *Observation {
	o := z.o
	var missing []string
	looked := [2]bool{}
	for i, h := range []*Host{&o.Apex, &o.WWW} {
		zh := &z.hosts[i]
		looked[i] = zh.a.seen || zh.aaaa.seen
		h.A, h.AAAA = sortAddrs(h.A), sortAddrs(h.AAAA)
		h.Status, h.Error = zh.status(h.Name)
		if len(h.A)+len(h.AAAA) > 0 {
			h.Status, h.Error = StatusOK, ""
		}
		switch {
		case !zh.a.seen && !zh.aaaa.seen:
			missing = append(missing, "A/AAAA of "+h.Name)
		case !zh.a.seen:
			missing = append(missing, "A of "+h.Name)
		case !zh.aaaa.seen && h.Status != StatusNXDomain && h.Status != StatusCNAMELoop && h.Status != StatusTooLong:
			// (The crawler does not ask AAAA of a name the A
			// question showed not to exist.)
			missing = append(missing, "AAAA of "+h.Name)
		}
	}
	for i := range o.NS {
		o.NS[i].Addrs = sortAddrs(o.NS[i].Addrs)
	}
	slices.SortFunc(o.NS, func(a, b NSHost) int { return strings.Compare(a.Name, b.Name) })
	for i := range o.MX {
		o.MX[i].Addrs = sortAddrs(o.MX[i].Addrs)
	}
	slices.SortFunc(o.MX, func(x, y MXHost) int {
		if x.Preference != y.Preference {
			return int(x.Preference) - int(y.Preference)
		}
		return strings.Compare(x.Name, y.Name)
	})
	if !z.mxSeen {
		// Unknown, not "no mail": the e-mail layer is unresolved.
		o.MXStatus = StatusError
		missing = append(missing, "MX")
	}
	if !z.nsSeen {
		missing = append(missing, "NS")
	}
	if !z.soaSeen {
		missing = append(missing, "SOA")
	}
	o.TargetZones = zones.targetZones(o.Domain, o.Apex.CNAMEs, o.WWW.CNAMEs)
	switch {
	case z.nsSeen && z.nsStatus != StatusOK && z.nsStatus != StatusNoData:
		o.Status, o.Error = z.nsStatus, z.nsErr
	case z.nsSeen && z.nsStatus == StatusOK && z.soaSeen && (z.soaStatus == StatusServFail || z.soaStatus == StatusRefused):
		// Delegated, but the servers named do not serve the zone.
		o.Status, o.Error = StatusLameDelegation, fmt.Sprintf("SOA %s: %s", o.Domain, z.soaErr)
	case z.nsSeen && z.nsStatus == StatusNoData && looked[0] && o.Apex.Status != StatusOK:
		o.Status = StatusNoData
	case !z.nsSeen && looked[0] && o.Apex.Status != StatusOK && o.Apex.Status != StatusNoData:
		// Without an NS lookup the apex's outcome says whether the
		// domain exists.
		o.Status, o.Error = o.Apex.Status, o.Apex.Error
	default:
		o.Status = StatusOK
		// Only the NS, MX and host lookups bear on a layer's state; a
		// missing SOA lookup is listed only beside another missing one.
		if len(missing) > 1 || (len(missing) == 1 && missing[0] != "SOA") {
			o.Error = "not in the zdns input: " + strings.Join(missing, ", ")
		}
	}
	return o
}

// zdnsZone is what the NS lookup of one target zone said.
type zdnsZone struct {
	status Status
	ns     []string
	soa    string // the zone named by the SOA of a negative answer
}

// zdnsZones holds the target-zone lookups by name.
type zdnsZones map[string]*zdnsZone

func (zs zdnsZones) add(module, name string, r *zdnsResult) {
	if module != "NS" && module != "NSLOOKUP" {
		return
	}
	z := &zdnsZone{status: zdnsStatus(r.Status, r.Error)}
	for _, a := range r.Data.Answers {
		if strings.EqualFold(a.Type, "NS") && a.Answer != "" && normName(a.Name) == name {
			z.ns = append(z.ns, normName(a.Answer))
		}
	}
	for _, s := range r.Data.Servers {
		if n := normName(s.Name); n != "" {
			z.ns = append(z.ns, n)
		}
	}
	for _, a := range r.Data.Authorities {
		if strings.EqualFold(a.Type, "SOA") {
			z.soa = normName(a.Name)
		}
	}
	slices.Sort(z.ns)
	z.ns = slices.Compact(z.ns)
	// A lookup asked twice: keep the one that found NS records, else an
	// answer over a failure.
	if cur := zs[name]; cur != nil && (len(cur.ns) > 0 || (len(z.ns) == 0 && rank(cur.status) >= rank(z.status))) {
		return
	}
	zs[name] = z
}

// ns returns the NS set recorded for zone as the crawler finds it
// (worker.zoneNS): the NS of the name itself, or when it has none, of
// the zone named by the SOA of the negative answer, or of the parent
// name, never above the registrable domain. nil when a lookup on the way
// is missing or failed.
func (zs zdnsZones) ns(zone string) []string {
	cur := zone
	floor, _ := publicsuffix.EffectiveTLDPlusOne(zone)
	for range 8 {
		z := zs[cur]
		if z == nil || z.status != StatusOK {
			return nil
		}
		if len(z.ns) > 0 {
			return z.ns
		}
		next := z.soa
		if next == "" || next == cur || !strings.HasSuffix(cur, "."+next) {
			if cur == floor || floor == "" {
				return nil
			}
			_, next, _ = strings.Cut(cur, ".")
		}
		cur = next
	}
	return nil
}

// targetZones returns the NS sets of the zones the CNAME targets in
// chains live in, as the crawler records them (worker.targetZones): one
// per zone outside the domain's own registrable domain, sorted, those
// without NS left out.
func (zs zdnsZones) targetZones(domain string, chains ...[]string) []ZoneNS {
	if len(zs) == 0 {
		return nil
	}
	own, _ := publicsuffix.EffectiveTLDPlusOne(domain)
	var names []string
	for _, chain := range chains {
		for _, target := range chain {
			z, err := targetZone(target)
			if err != nil || z == own || slices.Contains(names, z) {
				continue
			}
			names = append(names, z)
		}
	}
	slices.Sort(names)
	var out []ZoneNS
	for _, z := range names {
		if ns := zs.ns(z); len(ns) > 0 {
			out = append(out, ZoneNS{Zone: z, NS: slices.Clone(ns)})
		}
	}
	return out
}

// answerChain returns the CNAME chain starting at name in answers and the
// addresses of its last name.
func answerChain(name string, answers []zdnsAnswer) ([]string, []netip.Addr) {
	var chain []string
	cur := name
	for range MaxCNAMEHops {
		next := ""
		for _, a := range answers {
			if strings.EqualFold(a.Type, "CNAME") && normName(a.Name) == cur {
				next = normName(a.Answer)
				break
			}
		}
		if next == "" || next == cur || slices.Contains(chain, next) {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	var out []netip.Addr
	for _, a := range answers {
		if t := strings.ToUpper(a.Type); (t == "A" || t == "AAAA") && normName(a.Name) == cur {
			if ad, err := netip.ParseAddr(a.Answer); err == nil {
				out = append(out, ad.Unmap())
			}
		}
	}
	return chain, out
}

func parseAddrs(ss []string) []netip.Addr {
	var out []netip.Addr
	for _, s := range ss {
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, a.Unmap())
		}
	}
	return out
}

func sortAddrs(as []netip.Addr) []netip.Addr {
	slices.SortFunc(as, netip.Addr.Compare)
	return slices.Compact(as)
}
