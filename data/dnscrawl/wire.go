package dnscrawl

import (
	"encoding/binary"
	"hash/maphash"
	"net"
	"sync/atomic"

	"github.com/miekg/dns"
)

// The crawler's own packing of queries and unpacking of replies, for the
// common case only, with miekg/dns as the reference and the fallback.
//
// packQuery writes a query of one question with an EDNS0 OPT record
// straight into a buffer, the bytes miekg/dns packs for the same
// message; names it cannot write plainly (escapes, empty labels) are
// left to miekg/dns.
//
// unpackReply builds the same dns.Msg as miekg/dns's Msg.Unpack, with
// fewer allocations: a name is decoded once per message and shared by
// every compression pointer to it or into it (the owner names of
// answers point at the question), the addresses of a message share one
// slab, and the records the crawl reads (A, AAAA, CNAME, NS, MX, SOA)
// are decoded by hand. Any other record goes through miekg/dns's
// UnpackRRWithHeader, and anything unusual (a name that needs escapes in
// presentation form, a forward or reserved pointer, an overlong name, a
// record length that does not fit, counts that do not match the data,
// more than one question) makes the whole message go through
// Msg.Unpack: equal results by construction, and miekg/dns's errors.

// maxPointers is miekg/dns's limit on the compression pointers of one
// name.
const maxPointers = (255+1)/2 - 2

// plainByte marks the bytes that a presentation-form name holds as they
// are: printable ASCII except those miekg/dns escapes.
var plainByte = func() (t [256]bool) {
	for b := '!'; b <= '~'; b++ {
		t[b] = true
	}
	for _, b := range []byte{'.', ' ', '\'', '@', ';', '(', ')', '"', '\\'} {
		t[b] = false
	}
	return t
}()

// packQuery appends to buf[:0] the query for name (a presentation-form
// name, with or without the final dot) and qtype, class IN, RD set, ID
// 0, with an OPT record advertising ednsSize. ok is false when the name
// is not plain (escapes, empty or overlong labels, overlong name): pack
// it with miekg/dns.
func packQuery(buf []byte, name string, qtype uint16) (out []byte, ok bool) {
	b := append(buf[:0],
		0, 0, // ID, set by the transport
		0x01, 0x00, // RD
		0, 1, // QDCOUNT
		0, 0, 0, 0, // ANCOUNT, NSCOUNT
		0, 1) // ARCOUNT: the OPT record
	if len(name) > 0 && name[len(name)-1] == '.' {
		name = name[:len(name)-1]
	}
	if name != "" {
		if len(name) > 253 {
			return buf, false
		}
		start := 0
		for i := 0; i <= len(name); i++ {
			if i < len(name) && name[i] != '.' {
				if name[i] == '\\' {
					return buf, false
				}
				continue
			}
			l := i - start
			if l == 0 || l > 63 {
				return buf, false
			}
			b = append(b, byte(l))
			b = append(b, name[start:i]...)
			start = i + 1
		}
	}
	b = append(b, 0)
	b = binary.BigEndian.AppendUint16(b, qtype)
	b = append(b, 0, byte(dns.ClassINET))
	// OPT: root name, type 41, class = UDP payload size, TTL 0, no data.
	b = append(b, 0, 0, byte(dns.TypeOPT), byte(ednsSize>>8), byte(ednsSize&0xff), 0, 0, 0, 0, 0, 0)
	return b, true
}

// unpackReply unpacks msg into a new dns.Msg, as Msg.Unpack does. The
// names in records' data (CNAME targets, name servers, mail exchangers,
// SOA names) are taken from names when they are there (shared, not
// allocated again) and added to it; names may be nil.
func unpackReply(msg []byte, names *internTable) (*dns.Msg, error) {
	p := replyParser{intern: names}
	if m, ok := p.parse(msg); ok {
		return m, nil
	}
	m := new(dns.Msg)
	if err := m.Unpack(msg); err != nil {
		return nil, err
	}
	return m, nil
}

// nameAt is a decoded name and the offset in the message where it
// starts, with bounds of its decoding: the highest byte read and the
// pointers followed (of the whole name it was cut from, so at least its
// own).
type nameAt struct {
	off, hi, ptrs int32
	name          string
}

// internTable is the crawl's table of the names found in records' data,
// which come back across domains (providers' name servers, CDN
// targets): a direct-mapped cache, a name's hash choosing its slot, a
// new name taking the slot of the old. One table serves every worker:
// slots are atomic pointers, a reader sees either the old name or the
// new, and a name that loses its slot is only a missed sharing. (A table
// per worker was measured slower at 256 workers: 256 tables of 16 KB
// miss the processor's caches.) Its zero value is ready.
type internTable struct {
	slots [internSlots]atomic.Pointer[string]
}

const internSlots = 4096

// internSeed is the hash seed of every internTable.
var internSeed = maphash.MakeSeed()

// get returns the string of b, from the table when it is there.
func (t *internTable) get(b []byte) string {
	slot := &t.slots[maphash.Bytes(internSeed, b)%internSlots]
	if p := slot.Load(); p != nil && *p == string(b) {
		return *p
	}
	s := string(b)
	slot.Store(&s)
	return s
}

// replyParser is the state of one fast unpacking: the names decoded so
// far, by offset, and the slab that addresses are cut from.
type replyParser struct {
	msg    []byte
	names  [24]nameAt
	n      int
	slab   []byte
	intern *internTable // nil: no interning
	data   bool         // decoding a name in a record's data
}

// str returns the string of a decoded name.
func (p *replyParser) str(b []byte) string {
	if p.data && p.intern != nil {
		return p.intern.get(b)
	}
	return string(b)
}

// cached returns the name decoded at off.
func (p *replyParser) cached(off int) (nameAt, bool) {
	for i := range p.n {
		if int(p.names[i].off) == off {
			return p.names[i], true
		}
	}
	return nameAt{}, false
}

// name decodes the name at off reading no byte at or past end (miekg/dns
// cuts the message at the end of the record's data). ok is false for
// anything the fast path leaves to miekg/dns.
func (p *replyParser) name(off, end int) (s string, next int, ok bool) {
	msg := p.msg
	var buf [256]byte
	var starts [32]labelAt // the first literal labels
	ns := 0
	n, budget, ptrs, hi := 0, 255, 0, off
	next = -1
	for {
		if off >= end {
			return "", 0, false
		}
		hi = max(hi, off)
		c := int(msg[off])
		switch c & 0xC0 {
		case 0x00:
			if c == 0 {
				if next < 0 {
					next = off + 1
				}
				if n == 0 {
					return ".", next, true
				}
				s = p.str(buf[:n])
				p.remember(s, starts[:ns], hi, ptrs)
				return s, next, true
			}
			if off+1+c > end {
				return "", 0, false
			}
			budget -= c + 1
			if budget <= 0 {
				return "", 0, false
			}
			if ns < len(starts) {
				starts[ns] = labelAt{uint16(off), uint8(n)}
				ns++
			}
			for _, b := range msg[off+1 : off+1+c] {
				if !plainByte[b] {
					return "", 0, false
				}
				buf[n] = b
				n++
			}
			buf[n] = '.'
			n++
			off += 1 + c
			hi = max(hi, off-1)
		case 0xC0:
			if off+1 >= end {
				return "", 0, false
			}
			hi = max(hi, off+1)
			target := (c&0x3F)<<8 | int(msg[off+1])
			if target >= off {
				return "", 0, false // forward or self pointer: miekg/dns decides
			}
			if ptrs++; ptrs > maxPointers {
				return "", 0, false
			}
			if next < 0 {
				next = off + 2
			}
			if c, hit := p.cached(target); hit && int(c.hi) < end && ptrs+int(c.ptrs) <= maxPointers {
				if n == 0 {
					return c.name, next, true
				}
				tail := c.name
				if tail == "." {
					tail = ""
				}
				// The wire length of the tail is its presentation
				// length (no escapes in a cached name).
				if budget-len(tail) <= 0 || n+len(tail) > len(buf) {
					return "", 0, false
				}
				n += copy(buf[n:], tail)
				s = p.str(buf[:n])
				p.remember(s, starts[:ns], max(hi, int(c.hi)), ptrs+int(c.ptrs))
				return s, next, true
			}
			off = target
		default:
			return "", 0, false // reserved label types
		}
	}
}

// labelAt is a literal label of a name being decoded: where it starts
// in the message (below 64 KiB) and in the presentation form (below
// 255).
type labelAt struct {
	off uint16
	at  uint8
}

// remember caches the names that start at the literal labels of s,
// decoded reading up to byte hi and following ptrs pointers.
func (p *replyParser) remember(s string, starts []labelAt, hi, ptrs int) {
	for _, st := range starts {
		if p.n == len(p.names) {
			return
		}
		if _, hit := p.cached(int(st.off)); hit {
			continue
		}
		p.names[p.n] = nameAt{int32(st.off), int32(hi), int32(ptrs), s[st.at:]}
		p.n++
	}
}

// replyBox holds a reply's message, its question, the records of a
// short reply and its addresses: one allocation instead of four.
type replyBox struct {
	m   dns.Msg
	q   [1]dns.Question
	rrs [6]dns.RR
	ips [48]byte
}

// ip cuts an address of n bytes copied from msg[off:] out of the slab.
func (p *replyParser) ip(off, n int) net.IP {
	if len(p.slab)+n > cap(p.slab) {
		p.slab = make([]byte, 0, 128)
	}
	k := len(p.slab)
	p.slab = append(p.slab, p.msg[off:off+n]...)
	return net.IP(p.slab[k : k+n : k+n])
}

// parse is the fast path; ok false means: use Msg.Unpack.
func (p *replyParser) parse(msg []byte) (m *dns.Msg, ok bool) {
	if len(msg) < 12 || len(msg) > 0xFFFF {
		return nil, false
	}
	p.msg = msg
	bits := binary.BigEndian.Uint16(msg[2:])
	qd := binary.BigEndian.Uint16(msg[4:])
	counts := [3]int{int(binary.BigEndian.Uint16(msg[6:])), int(binary.BigEndian.Uint16(msg[8:])), int(binary.BigEndian.Uint16(msg[10:]))}
	if qd != 1 {
		return nil, false
	}
	box := new(replyBox)
	p.slab = box.ips[:0]
	m = &box.m
	m.MsgHdr = dns.MsgHdr{
		Id:                 binary.BigEndian.Uint16(msg),
		Response:           bits&0x8000 != 0,
		Opcode:             int(bits>>11) & 0xF,
		Authoritative:      bits&0x0400 != 0,
		Truncated:          bits&0x0200 != 0,
		RecursionDesired:   bits&0x0100 != 0,
		RecursionAvailable: bits&0x0080 != 0,
		Zero:               bits&0x0040 != 0,
		AuthenticatedData:  bits&0x0020 != 0,
		CheckingDisabled:   bits&0x0010 != 0,
		Rcode:              int(bits & 0xF),
	}
	qname, off, ok := p.name(12, len(msg))
	if !ok || off+4 > len(msg) {
		return nil, false
	}
	box.q[0] = dns.Question{Name: qname, Qtype: binary.BigEndian.Uint16(msg[off:]), Qclass: binary.BigEndian.Uint16(msg[off+2:])}
	m.Question = box.q[:]
	off += 4
	// One backing array for the three sections (the counts are the
	// sender's word: capped, the sections grow past it when true).
	all := box.rrs[:0]
	if total := counts[0] + counts[1] + counts[2]; total > len(box.rrs) {
		all = make([]dns.RR, 0, min(total, 64))
	}
	var sections [3][]dns.RR
	for s, count := range counts {
		start := len(all)
		for range count {
			var rr dns.RR
			if rr, off, ok = p.record(off); !ok {
				return nil, false
			}
			all = append(all, rr)
		}
		if count > 0 {
			sections[s] = all[start:len(all):len(all)]
		}
	}
	m.Answer, m.Ns, m.Extra = sections[0], sections[1], sections[2]
	if opt := m.IsEdns0(); opt != nil {
		m.Rcode |= opt.ExtendedRcode()
	}
	return m, true
}

// record decodes the resource record at off.
func (p *replyParser) record(off int) (dns.RR, int, bool) {
	msg := p.msg
	if off >= len(msg) {
		return nil, 0, false // counts larger than the data
	}
	owner, off, ok := p.name(off, len(msg))
	if !ok || off+10 > len(msg) {
		return nil, 0, false
	}
	h := dns.RR_Header{
		Name:     owner,
		Rrtype:   binary.BigEndian.Uint16(msg[off:]),
		Class:    binary.BigEndian.Uint16(msg[off+2:]),
		Ttl:      binary.BigEndian.Uint32(msg[off+4:]),
		Rdlength: binary.BigEndian.Uint16(msg[off+8:]),
	}
	off += 10
	end := off + int(h.Rdlength)
	if end > len(msg) {
		return nil, 0, false
	}
	p.data = true
	defer func() { p.data = false }()
	switch h.Rrtype {
	case dns.TypeOPT:
		if h.Rdlength == 0 {
			return &dns.OPT{Hdr: h}, end, true
		}
		rr, next, err := dns.UnpackRRWithHeader(h, msg[:end], off)
		if err == nil && next == end {
			return rr, end, true
		}
	case dns.TypeA:
		if h.Rdlength == 4 {
			return &dns.A{Hdr: h, A: p.ip(off, 4)}, end, true
		}
	case dns.TypeAAAA:
		if h.Rdlength == 16 {
			return &dns.AAAA{Hdr: h, AAAA: p.ip(off, 16)}, end, true
		}
	case dns.TypeCNAME:
		if t, next, ok := p.name(off, end); ok && next == end {
			return &dns.CNAME{Hdr: h, Target: t}, end, true
		}
	case dns.TypeNS:
		if t, next, ok := p.name(off, end); ok && next == end {
			return &dns.NS{Hdr: h, Ns: t}, end, true
		}
	case dns.TypeMX:
		if h.Rdlength > 2 {
			if t, next, ok := p.name(off+2, end); ok && next == end {
				return &dns.MX{Hdr: h, Preference: binary.BigEndian.Uint16(msg[off:]), Mx: t}, end, true
			}
		}
	case dns.TypeSOA:
		mname, next, ok := p.name(off, end)
		if !ok {
			break
		}
		rname, next, ok := p.name(next, end)
		if !ok || next+20 != end {
			break
		}
		v := msg[next:end]
		return &dns.SOA{Hdr: h, Ns: mname, Mbox: rname,
			Serial:  binary.BigEndian.Uint32(v),
			Refresh: binary.BigEndian.Uint32(v[4:]),
			Retry:   binary.BigEndian.Uint32(v[8:]),
			Expire:  binary.BigEndian.Uint32(v[12:]),
			Minttl:  binary.BigEndian.Uint32(v[16:]),
		}, end, true
	default:
		rr, next, err := dns.UnpackRRWithHeader(h, msg[:end], off)
		if err == nil && next == end {
			return rr, end, true
		}
	}
	return nil, 0, false
}
