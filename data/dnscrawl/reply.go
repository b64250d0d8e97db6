package dnscrawl

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"slices"

	"github.com/miekg/dns"
)

// Answers read straight from the packet. A reply keeps the bytes of the
// message and, per record, where its owner name and data start; the
// lookup plan reads from them what it needs (response code, NS, CNAME,
// A, AAAA, MX and SOA records, the Extended DNS Error of the OPT record)
// without building a dns.Msg: no record structures, no owner names as
// strings (names are compared on the wire), and the names kept (name
// servers, CNAME targets, mail exchangers, SOA names) decoded once into
// the crawl's shared table of names.
//
// readReply accepts exactly the messages that miekg/dns's Msg.Unpack
// accepts, and reads the same values from them (TestReplyAsMiekg,
// FuzzAnswerAsMiekg): it checks every name as UnpackDomainName does
// (pointer limit, length budget, bounds), every record of the types it
// reads as miekg/dns's unpacking of that type does (record data cut at
// its length, the fields miekg/dns leaves empty when the data ends
// early), and hands any other record to miekg/dns's UnpackRRWithHeader,
// which allocates only for those rare types.

// wireRR is one record of a reply: offsets into the packet (below 64 KiB).
type wireRR struct {
	name  uint16 // the owner name
	typ   uint16
	rdoff uint16 // the record data
	rdlen uint16
}

// reply is an answer read from its packet. The zero reply is no answer.
type reply struct {
	pkt      []byte   // the message; nil: no answer
	recs     []wireRR // the records of the three sections in order
	nan, nns uint16   // records of the answer and authority sections
	rcode    int      // with the extended bits of the OPT record
	names    *internTable
}

// ok reports whether r holds an answer.
func (r *reply) ok() bool { return r.pkt != nil }

// answers, authority and additionals are the records of each section.
func (r *reply) answers() []wireRR   { return r.recs[:r.nan] }
func (r *reply) authority() []wireRR { return r.recs[r.nan : r.nan+r.nns] }
func (r *reply) additionals() []wireRR {
	return r.recs[r.nan+r.nns:]
}

// errReply is the error of a message that miekg/dns would not unpack.
var errReply = errors.New("malformed reply")

// replyArena holds the packets and records of a worker's replies for
// one domain: reset when the worker starts the next domain, so that a
// reply costs no allocation once the arena has grown to a domain's
// answers. A reply keeps the arena's memory it was given: when the
// arena is full it takes new memory and leaves the old to the replies
// that use it (so a worker that never resets it, the probe stage's,
// only allocates a chunk per 4 KB of replies).
type replyArena struct {
	pkt  []byte
	recs []wireRR
}

const (
	arenaBytes = 4 << 10
	arenaRecs  = 128
)

// reset makes the arena's memory reusable: no reply read from it before
// may be used after.
func (a *replyArena) reset() {
	a.pkt = a.pkt[:0]
	a.recs = a.recs[:0]
}

// read copies msg into the arena and reads it.
func (a *replyArena) read(msg []byte, names *internTable) (reply, error) {
	if len(a.pkt)+len(msg) > cap(a.pkt) {
		a.pkt = make([]byte, 0, max(arenaBytes, len(msg)))
	}
	if cap(a.recs)-len(a.recs) < 32 {
		a.recs = make([]wireRR, 0, arenaRecs)
	}
	k := len(a.pkt)
	a.pkt = append(a.pkt, msg...)
	r, recs, err := readReply(a.pkt[k:len(a.pkt):len(a.pkt)], a.recs, names)
	if err != nil {
		a.pkt = a.pkt[:k]
		return reply{}, err
	}
	a.recs = recs
	return r, nil
}

// replyOfMsg reads m (an answer over TCP, or from the iterative
// resolver) as a reply, through its packed form.
func replyOfMsg(m *dns.Msg, names *internTable) (reply, error) {
	// Msg.Pack writes the extended rcode into the OPT record: pack a
	// copy, the OPT records copied too (the iterative resolver's answers
	// share records between questions).
	c := *m
	c.Extra = slices.Clone(m.Extra)
	for i, rr := range c.Extra {
		if o, ok := rr.(*dns.OPT); ok {
			oc := *o
			c.Extra[i] = &oc
		}
	}
	b, err := c.Pack()
	if err != nil {
		return reply{}, err
	}
	r, _, err := readReply(b, nil, names)
	return r, err
}

// readReply reads msg, which the reply keeps (the caller does not change
// it afterwards). The records' offsets are appended to recs, and the
// reply's records are the appended part; recs is returned grown.
func readReply(msg []byte, recs []wireRR, names *internTable) (reply, []wireRR, error) {
	start := len(recs)
	if len(msg) < 12 || len(msg) > 0xFFFF {
		return reply{}, recs, errReply
	}
	r := reply{pkt: msg, names: names, rcode: int(binary.BigEndian.Uint16(msg[2:]) & 0xF)}
	qd := int(binary.BigEndian.Uint16(msg[4:]))
	counts := [3]int{int(binary.BigEndian.Uint16(msg[6:])), int(binary.BigEndian.Uint16(msg[8:])), int(binary.BigEndian.Uint16(msg[10:]))}
	off := 12
	if off == len(msg) {
		// A header alone (miekg/dns takes it so: 9.9.9.9 refuses so).
		r.recs = recs[start:start:start]
		return r, recs, nil
	}
	// The question section, read as unpackQuestion reads it: a question
	// may end after its name or its type at the end of the message.
	for range qd {
		next, ok := scanName(msg, off, len(msg))
		if !ok {
			return reply{}, recs[:start], errReply
		}
		off = next
		for range 2 { // type, class
			if off == len(msg) {
				break
			}
			if off+2 > len(msg) {
				return reply{}, recs[:start], errReply
			}
			off += 2
		}
	}
	// The records. The counts are the sender's word: a section that
	// ends at the end of the message ends every section (miekg/dns's
	// unpackRRslice), anything else cut short is an error.
	var n [3]int
	for s, count := range counts {
		for range count {
			if off == len(msg) {
				break
			}
			var rr wireRR
			var ok bool
			if rr, off, ok = readRecord(msg, off); !ok {
				return reply{}, recs[:start], errReply
			}
			recs = append(recs, rr)
			n[s]++
		}
	}
	r.recs = recs[start:len(recs):len(recs)]
	r.nan, r.nns = uint16(n[0]), uint16(n[1])
	if opt, ok := r.opt(); ok {
		// The extended rcode: the high 8 bits of 12, in the TTL.
		r.rcode |= int(msg[opt.rdoff-6]) << 4
	}
	return r, recs, nil
}

// readRecord checks the record at off and returns it with the offset
// after it; ok is false where miekg/dns's UnpackRR fails.
func readRecord(msg []byte, off int) (rr wireRR, next int, ok bool) {
	name := off
	off, ok = scanName(msg, off, len(msg))
	if !ok || off+10 > len(msg) {
		return rr, 0, false
	}
	h := dns.RR_Header{
		Rrtype:   binary.BigEndian.Uint16(msg[off:]),
		Class:    binary.BigEndian.Uint16(msg[off+2:]),
		Ttl:      binary.BigEndian.Uint32(msg[off+4:]),
		Rdlength: binary.BigEndian.Uint16(msg[off+8:]),
	}
	off += 10
	end := off + int(h.Rdlength)
	if end > len(msg) {
		return rr, 0, false
	}
	rr = wireRR{name: uint16(name), typ: h.Rrtype, rdoff: uint16(off), rdlen: h.Rdlength}
	if h.Rdlength == 0 {
		return rr, end, true // miekg/dns: a record without data, fields empty
	}
	switch h.Rrtype {
	case dns.TypeA:
		return rr, end, h.Rdlength == 4
	case dns.TypeAAAA:
		return rr, end, h.Rdlength == 16
	case dns.TypeNS, dns.TypeCNAME:
		next, ok := scanName(msg, off, end)
		return rr, end, ok && next == end
	case dns.TypeMX:
		if h.Rdlength < 2 {
			return rr, 0, false
		}
		if h.Rdlength == 2 {
			return rr, end, true // a preference alone: miekg/dns's Mx is ""
		}
		next, ok := scanName(msg, off+2, end)
		return rr, end, ok && next == end
	case dns.TypeSOA:
		return rr, end, soaFits(msg, off, end)
	case dns.TypeOPT:
		if optPlain(msg[off:end]) {
			return rr, end, true
		}
	}
	// Any other record, and options of OPT that miekg/dns checks: its
	// own unpacking decides.
	if _, _, err := dns.UnpackRRWithHeader(h, msg[:end], off); err != nil {
		return rr, 0, false
	}
	return rr, end, true
}

// soaFits reports whether the SOA data msg[off:end] unpacks in
// miekg/dns: two names, then up to five 32-bit numbers, the data ending
// after any whole field.
func soaFits(msg []byte, off, end int) bool {
	for range 2 {
		next, ok := scanName(msg, off, end)
		if !ok {
			return false
		}
		if off = next; off == end {
			return true
		}
	}
	for range 5 {
		if off+4 > end {
			return false
		}
		if off += 4; off == end {
			return true
		}
	}
	return false // longer than its fields
}

// optPlain reports whether the options of an OPT record are all of the
// kinds whose unpacking in miekg/dns cannot fail given their length:
// Extended DNS Error (at least its info code), padding, NSID; the
// others are left to miekg/dns.
func optPlain(b []byte) bool {
	for len(b) > 0 {
		if len(b) < 4 {
			return false
		}
		code, n := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if 4+n > len(b) {
			return false
		}
		switch code {
		case dns.EDNS0EDE:
			if n < 2 {
				return false
			}
		case dns.EDNS0PADDING, dns.EDNS0NSID:
		default:
			return false
		}
		b = b[4+n:]
	}
	return true
}

// scanName checks the name at off as miekg/dns's UnpackDomainName does,
// reading no byte at or past end: labels within bounds and within the
// budget of 255 octets, at most maxPointers compression pointers (which
// bounds a loop), no reserved label type. It returns the offset after
// the name where it is in the message.
func scanName(msg []byte, off, end int) (next int, ok bool) {
	budget, ptrs := 255, 0
	next = -1
	for {
		if off >= end {
			return 0, false
		}
		c := int(msg[off])
		switch c & 0xC0 {
		case 0x00:
			if c == 0 {
				if next < 0 {
					next = off + 1
				}
				return next, true
			}
			if off+1+c > end {
				return 0, false
			}
			if budget -= c + 1; budget <= 0 {
				return 0, false
			}
			off += 1 + c
		case 0xC0:
			if off+1 >= end {
				return 0, false
			}
			if ptrs++; ptrs > maxPointers {
				return 0, false
			}
			if next < 0 {
				next = off + 2
			}
			off = (c&0x3F)<<8 | int(msg[off+1])
		default:
			return 0, false
		}
	}
}

// nextLabel returns the label of a name checked by scanName at off,
// following pointers, and the offset after it; end is true at the end
// of the name (and, defensively, at anything scanName refuses).
func nextLabel(msg []byte, off int) (label []byte, next int, end bool) {
	for range maxPointers + 1 {
		if off >= len(msg) {
			return nil, 0, true
		}
		c := int(msg[off])
		if c&0xC0 == 0xC0 && off+1 < len(msg) {
			off = (c&0x3F)<<8 | int(msg[off+1])
			continue
		}
		if c == 0 || c&0xC0 != 0 || off+1+c > len(msg) {
			return nil, 0, true
		}
		return msg[off+1 : off+1+c], off + 1 + c, false
	}
	return nil, 0, true
}

// maxLabels bounds the labels of a name (each takes 2 of 255 octets).
const maxLabels = 128

// appendName appends the name at off, checked by scanName, in the form
// the lookup code uses: miekg/dns's presentation form (special bytes
// escaped) in lower case, without the final dot; the root is "".
func appendName(dst, msg []byte, off int) []byte {
	for i := range maxLabels {
		label, next, end := nextLabel(msg, off)
		if end {
			break
		}
		if i > 0 {
			dst = append(dst, '.')
		}
		for _, b := range label {
			dst = appendNameByte(dst, b)
		}
		off = next
	}
	return dst
}

// appendNameByte appends one byte of a label as miekg/dns presents it,
// in lower case.
func appendNameByte(dst []byte, b byte) []byte {
	switch {
	case plainByte[b]:
		return append(dst, lower(b))
	case b < ' ' || b > '~':
		return append(dst, '\\', '0'+b/100, '0'+b/10%10, '0'+b%10)
	}
	return append(dst, '\\', b)
}

// nameIs reports whether the name at off, checked by scanName, is s in
// the form appendName gives, comparing as it walks.
func nameIs(msg []byte, off int, s string) bool {
	k := 0
	var esc [4]byte
	for i := range maxLabels {
		label, next, end := nextLabel(msg, off)
		if end {
			return k == len(s)
		}
		if i > 0 {
			if k == len(s) || s[k] != '.' {
				return false
			}
			k++
		}
		for _, b := range label {
			if plainByte[b] {
				if k == len(s) || s[k] != lower(b) {
					return false
				}
				k++
				continue
			}
			e := appendNameByte(esc[:0], b)
			if len(s)-k < len(e) || s[k:k+len(e)] != string(e) {
				return false
			}
			k += len(e)
		}
		off = next
	}
	return false
}

// name returns the name at off as appendName writes it, from the
// crawl's table of names when it is there.
func (r *reply) name(off int) string {
	var buf [256]byte
	b := appendName(buf[:0], r.pkt, off)
	if r.names == nil {
		return string(b)
	}
	return r.names.get(b)
}

// ownerIs reports whether the owner of rr is s (lower case, no final
// dot, the root "").
func (r *reply) ownerIs(rr wireRR, s string) bool { return nameIs(r.pkt, int(rr.name), s) }

// owner returns the owner name of rr, as name does.
func (r *reply) owner(rr wireRR) string { return r.name(int(rr.name)) }

// target returns the name of an NS or CNAME record ("" when the record
// has no data).
func (r *reply) target(rr wireRR) string {
	if rr.rdlen == 0 {
		return ""
	}
	return r.name(int(rr.rdoff))
}

// mx returns the preference and the exchanger of an MX record.
func (r *reply) mx(rr wireRR) (pref uint16, name string) {
	if rr.rdlen < 2 {
		return 0, ""
	}
	pref = binary.BigEndian.Uint16(r.pkt[rr.rdoff:])
	if rr.rdlen == 2 {
		return pref, ""
	}
	return pref, r.name(int(rr.rdoff) + 2)
}

// soa returns the names and the serial of an SOA record (empty where
// its data ends before them).
func (r *reply) soa(rr wireRR) (mname, rname string, serial uint32) {
	if rr.rdlen == 0 {
		return "", "", 0
	}
	off, end := int(rr.rdoff), int(rr.rdoff)+int(rr.rdlen)
	mname = r.name(off)
	off, _ = scanName(r.pkt, off, end)
	if off == end {
		return mname, "", 0
	}
	rname = r.name(off)
	off, _ = scanName(r.pkt, off, end)
	if off+4 <= end {
		serial = binary.BigEndian.Uint32(r.pkt[off:])
	}
	return mname, rname, serial
}

// addr returns the address of an A or AAAA record; ok is false for any
// other record and for one without data.
func (r *reply) addr(rr wireRR) (a netip.Addr, ok bool) {
	switch {
	case rr.typ == dns.TypeA && rr.rdlen == 4:
		return netip.AddrFrom4([4]byte(r.pkt[rr.rdoff : rr.rdoff+4])), true
	case rr.typ == dns.TypeAAAA && rr.rdlen == 16:
		return netip.AddrFrom16([16]byte(r.pkt[rr.rdoff : rr.rdoff+16])), true
	}
	return netip.Addr{}, false
}

// opt returns the OPT record that miekg/dns's IsEdns0 returns: the last
// of the additional section.
func (r *reply) opt() (wireRR, bool) {
	extra := r.additionals()
	for i := len(extra) - 1; i >= 0; i-- {
		if extra[i].typ == dns.TypeOPT {
			return extra[i], true
		}
	}
	return wireRR{}, false
}

// ede calls f with the info code of each Extended DNS Error option
// (RFC 8914) of the OPT record that IsEdns0 returns, in order, until f
// returns true, and reports whether it did.
func (r *reply) ede(f func(code uint16) bool) bool {
	rr, ok := r.opt()
	if !ok {
		return false
	}
	b := r.pkt[rr.rdoff : int(rr.rdoff)+int(rr.rdlen)]
	for len(b) >= 4 {
		code, n := binary.BigEndian.Uint16(b), int(binary.BigEndian.Uint16(b[2:]))
		if 4+n > len(b) {
			return false
		}
		if code == dns.EDNS0EDE && n >= 2 && f(binary.BigEndian.Uint16(b[4:])) {
			return true
		}
		b = b[4+n:]
	}
	return false
}
