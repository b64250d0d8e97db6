package domains

// NameSet is an exact set of names kept compactly: the names in one byte
// arena and an open-addressing table of 4-byte arena offsets over their
// FNV-1a hash, at most half full. A million domain names take about 39 MB
// of heap (arena growth included) where a map[string]struct{} takes 83. The zero value is empty and
// ready to use; a NameSet is not safe for concurrent use.
type NameSet struct {
	arena []byte   // each name followed by its length byte
	slots []uint32 // arena offset of the name's end + 1; 0 is empty
	n     int
}

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
			s.arena = append(s.arena, name...)
			s.arena = append(s.arena, byte(len(name)))
			s.slots[i] = uint32(len(s.arena))
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

// at returns the name whose length byte is at arena offset v-1. The
// conversion to string in a comparison does not allocate.
func (s *NameSet) at(v uint32) string {
	end := int(v) - 1
	l := int(s.arena[end])
	return string(s.arena[end-l : end])
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
