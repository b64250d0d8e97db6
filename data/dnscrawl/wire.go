package dnscrawl

import (
	"encoding/binary"
	"hash/maphash"
	"sync/atomic"

	"github.com/miekg/dns"
)

// The crawler's own packing of queries, with miekg/dns as the
// reference and the fallback: packQuery writes a query of one question
// with an EDNS0 OPT record straight into a buffer, the bytes miekg/dns
// packs for the same message; names it cannot write plainly (escapes,
// empty labels) are left to miekg/dns. Replies are read straight from
// their packets (reply.go).

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
