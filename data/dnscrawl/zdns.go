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
)

// This file reads the JSON lines written by zmap/zdns (v2 and later: one
// object per looked-up name, {"name": ..., "results": {MODULE: {"status",
// "timestamp", "duration", "data": {...}}}}) and turns them into
// observations, so that lists crawled with zdns can be analysed here.
//
// Modules read: the raw A, AAAA, CNAME, NS, MX and SOA modules (their
// data.answers[] records: name, type, answer, and preference for MX, ns
// and mbox for SOA), and the lookup modules NSLOOKUP (data.servers[]) and
// MXLOOKUP (data.exchanges[]) with their ipv4_addresses and
// ipv6_addresses; ALOOKUP (data.ipv4_addresses, ipv6_addresses). Other
// modules are ignored. Several modules may be in one line (zdns MULTIPLE)
// or in separate lines, even separate files given together: lines about
// the same name are merged. A name "www.D" fills the www host of domain D;
// every other name is a domain.
//
// zdns statuses map to the closed vocabulary: NOERROR -> ok (nodata when
// the answer holds no record of the type asked), NXDOMAIN -> nxdomain,
// SERVFAIL -> servfail, REFUSED -> refused, TIMEOUT and ITERATIVE_TIMEOUT
// -> timeout, ILLEGAL_INPUT -> invalid_name, NO_ANSWER -> nodata, anything
// else -> error with the zdns status as the error text. zdns does not
// report its query counts the way this crawler does; queries and attempts
// are 0.

type zdnsLine struct {
	Name    string                     `json:"name"`
	Results map[string]json.RawMessage `json:"results"`
}

type zdnsResult struct {
	Status    string   `json:"status"`
	Timestamp string   `json:"timestamp"`
	Duration  float64  `json:"duration"`
	Data      zdnsData `json:"data"`
	Error     string   `json:"error"`
}

type zdnsData struct {
	Answers   []zdnsAnswer   `json:"answers"`
	Resolver  string         `json:"resolver"`
	Servers   []zdnsLookedUp `json:"servers"`
	Exchanges []zdnsLookedUp `json:"exchanges"`
	IPv4      []string       `json:"ipv4_addresses"`
	IPv6      []string       `json:"ipv6_addresses"`
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

// zdnsStatus maps a zdns status to the closed vocabulary.
func zdnsStatus(s string) Status {
	switch strings.ToUpper(s) {
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
		if name == "" || len(l.Results) == 0 {
			bad(&LineError{Line: line, Err: errors.New("not a zdns result: no name or no results")})
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
		fn(obs[d].finish())
	}
	return nil
}

// zdnsDomain gathers what the zdns lines say about one domain.
type zdnsDomain struct {
	o          *Observation
	nsStatus   Status
	nsErr      string
	nsSeen     bool
	hostSeen   [2]bool // apex, www
	hostStatus [2][]Status
}

func (z *zdnsDomain) host(www bool) (*Host, int) {
	if www {
		return &z.o.WWW, 1
	}
	return &z.o.Apex, 0
}

func (z *zdnsDomain) add(module, name string, www bool, r *zdnsResult) {
	st := zdnsStatus(r.Status)
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
		h, i := z.host(www)
		z.hostSeen[i] = true
		chain, as := answerChain(name, r.Data.Answers)
		if len(chain) > len(h.CNAMEs) {
			h.CNAMEs = chain
		}
		as = append(as, parseAddrs(r.Data.IPv4)...)
		as = append(as, parseAddrs(r.Data.IPv6)...)
		for _, a := range as {
			if a.Is4() {
				h.A = append(h.A, a)
			} else {
				h.AAAA = append(h.AAAA, a)
			}
		}
		if st == StatusOK && len(as) == 0 && module != "CNAME" {
			st = StatusNoData
		}
		if module == "CNAME" && st == StatusOK {
			break // a CNAME answer says nothing about addresses
		}
		z.hostStatus[i] = append(z.hostStatus[i], st)
		if st != StatusOK && st != StatusNoData && h.Error == "" {
			h.Error = errText
		}
	case "NS", "NSLOOKUP":
		if www {
			return
		}
		z.nsSeen = true
		z.nsStatus, z.nsErr = st, errText
		for _, a := range r.Data.Answers {
			if strings.EqualFold(a.Type, "NS") && a.Answer != "" {
				z.addNS(normName(a.Answer), nil)
			}
		}
		for _, s := range r.Data.Servers {
			z.addNS(normName(s.Name), append(parseAddrs(s.IPv4), parseAddrs(s.IPv6)...))
		}
		if st == StatusOK && len(z.o.NS) == 0 {
			z.nsStatus = StatusNoData
		}
	case "MX", "MXLOOKUP":
		if www {
			return
		}
		z.o.MXStatus = st
		for _, a := range r.Data.Answers {
			if strings.EqualFold(a.Type, "MX") {
				z.addMX(a.Preference, normName(a.Answer), nil)
			}
		}
		for _, e := range r.Data.Exchanges {
			z.addMX(e.Preference, normName(e.Name), append(parseAddrs(e.IPv4), parseAddrs(e.IPv6)...))
		}
		if st == StatusOK && len(z.o.MX) == 0 {
			z.o.MXStatus = StatusNoData
		}
	case "SOA":
		for _, a := range r.Data.Answers {
			if strings.EqualFold(a.Type, "SOA") {
				z.o.SOA = &SOA{MName: normName(a.NS), RName: normName(a.Mbox), Serial: a.Serial}
			}
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

// finish settles the statuses and sorts what was gathered.
func (z *zdnsDomain) finish() *Observation {
	o := z.o
	for i, h := range []*Host{&o.Apex, &o.WWW} {
		h.A, h.AAAA = sortAddrs(h.A), sortAddrs(h.AAAA)
		sts := z.hostStatus[i]
		switch {
		case !z.hostSeen[i]:
			h.Status = StatusNoData
			if i == 0 {
				h.Error = "not looked up by zdns"
			}
		case len(h.A)+len(h.AAAA) > 0 || slices.Contains(sts, StatusOK):
			h.Status, h.Error = StatusOK, ""
		case len(sts) > 0 && !slices.ContainsFunc(sts, func(s Status) bool { return s != StatusNoData }):
			h.Status = StatusNoData
		default:
			for _, s := range sts {
				if s != StatusNoData {
					h.Status = s
					break
				}
			}
		}
		if h.Status == "" {
			h.Status = StatusNoData
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
	switch {
	case z.nsSeen && z.nsStatus != StatusOK && z.nsStatus != StatusNoData:
		o.Status, o.Error = z.nsStatus, z.nsErr
	case z.nsSeen && z.nsStatus == StatusNoData && o.Apex.Status != StatusOK:
		o.Status = StatusNoData
	case !z.nsSeen && o.Apex.Status != StatusOK && o.Apex.Status != StatusNoData:
		// Without an NS lookup the apex's outcome says whether the
		// domain exists.
		o.Status, o.Error = o.Apex.Status, o.Apex.Error
	default:
		o.Status = StatusOK
	}
	return o
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
