package dnscrawl

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one part K of a list split into N parts (1 <= K <= N). A domain
// belongs to shard K when FNV-1a-64(domain) mod N = K-1, the hash taken
// over the bytes of the normalised name (lower-case ASCII, IDNA A-labels,
// no trailing dot) as data/domains gives it. The partition depends only on
// the name: not on the order of the list, its ranks or the machine, so N
// machines given the same list and --shard 1/N .. N/N crawl every domain
// exactly once between them. The zero Shard holds every domain.
type Shard struct {
	K, N int
}

// ParseShard parses "K/N".
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, err1 := strconv.Atoi(ks)
	n, err2 := strconv.Atoi(ns)
	if !ok || err1 != nil || err2 != nil || n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("shard %q: want K/N with 1 <= K <= N", s)
	}
	return Shard{K: k, N: n}, nil
}

// String returns "K/N", or "" for the whole list.
func (s Shard) String() string {
	if s.N == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Set and Type make a Shard a command-line flag value.
func (s *Shard) Set(v string) error {
	p, err := ParseShard(v)
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// Type names the flag's value in help text.
func (s *Shard) Type() string { return "K/N" }

// Contains reports whether domain belongs to the shard.
func (s Shard) Contains(domain string) bool {
	if s.N <= 1 {
		return true
	}
	return fnv1a(domain)%uint64(s.N) == uint64(s.K-1)
}

// fnv1a is the 64-bit FNV-1a hash of s.
func fnv1a(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
