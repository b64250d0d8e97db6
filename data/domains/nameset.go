package domains

// NameSet is an exact set of names kept compactly: the names in a byte
// arena and an open-addressing table of 4-byte arena references over
// their FNV-1a hash, at most half full. A million domain names take
// about 26 MB of heap where a map[string]struct{} takes 83. The arena is
// kept in chunks of arenaChunk bytes, so it grows without copying what it
// holds (one slice doubled by append held the old and the new array at
// once: 16 MB more at the peak of a million-name list). The zero value
// is empty and ready to use; a NameSet is not safe for concurrent use.
type NameSet struct {
	arena [][]byte // each name followed by its length byte; a name never spans chunks
	slots []uint32 // chunk<<16 | offset of the name's end + 1 in its chunk; 0 is empty
	n     int
}

// arenaChunk is the size of a chunk of a NameSet's arena: the largest
// whose offsets, after a name's length byte, fit in 16 bits.
const arenaChunk = 1<<16 - 1

// Len returns the number of names in the set.
func (s *NameSet) Len() int { return s.n }

// Add puts name in the set and reports whether it was new. Names longer
// than 255 bytes (never a valid DNS name) are not kept and count as new.
func (s *NameSet) Add(name string) bool {
	if len(name) > 255 {
		return true
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
	}
	h := fnv1a(name)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := s.slots[i]
		if v == 0 {
			s.slots[i] = s.store(name)
			s.n++
			return true
		}
		if s.at(v) == name {
			return false
		}
	}
}

// Has reports whether name is in the set.
func (s *NameSet) Has(name string) bool {
	if s.n == 0 || len(name) > 255 {
		return false
	}
	h := fnv1a(name)
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		v := s.slots[i]
		if v == 0 {
			return false
		}
		if s.at(v) == name {
			return true
		}
	}
}

// store appends name and its length byte to the arena and returns its
// reference: the chunk's index in the high 16 bits, the offset after the
// length byte in the low ones (never 0).
func (s *NameSet) store(name string) uint32 {
	k := len(s.arena) - 1
	if k < 0 || len(s.arena[k])+len(name)+1 > arenaChunk {
		if len(s.arena) == 1<<16 {
			panic("domains: NameSet holds more than 4 GB of names")
		}
		s.arena = append(s.arena, make([]byte, 0, arenaChunk))
		k++
	}
	c := append(s.arena[k], name...)
	c = append(c, byte(len(name)))
	s.arena[k] = c
	return uint32(k)<<16 | uint32(len(c))
}

// at returns the name v refers to. The conversion to string in a
// comparison does not allocate.
func (s *NameSet) at(v uint32) string {
	c := s.arena[v>>16]
	end := int(v&0xffff) - 1
	l := int(c[end])
	return string(c[end-l : end])
}

func (s *NameSet) grow() {
	size := max(1024, 2*len(s.slots))
	slots := make([]uint32, size)
	mask := uint64(size - 1)
	for _, v := range s.slots {
		if v == 0 {
			continue
		}
		for i := fnv1a(s.at(v)) & mask; ; i = (i + 1) & mask {
			if slots[i] == 0 {
				slots[i] = v
				break
			}
		}
	}
	s.slots = slots
}

// fnv1a is the 64-bit FNV-1a hash of s.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
