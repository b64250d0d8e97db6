package dnscrawl

import "net/netip"

// parseAddr parses an address as netip.ParseAddr does, without making a
// string of b: the fast path reads the plain IPv4 and IPv6 forms (dotted
// quad; hex fields with at most one "::", an IPv4 tail) and returns ok
// only for text that netip.ParseAddr reads to the same address. Anything
// else (zones, errors, unusual forms) gives ok false, and the caller
// hands b to netip, which allocates for its string. FuzzParseAddr checks
// the fast path against netip.ParseAddr.
func parseAddr(b []byte) (a netip.Addr, ok bool) {
	for _, c := range b {
		if c == ':' {
			return parseAddr6(b)
		}
	}
	var ip [4]byte
	if !parseIPv4(b, ip[:]) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// parseIPv4 reads a dotted quad into ip (4 bytes): four decimal fields
// of at most 255 without a leading zero, as netip reads them.
func parseIPv4(b []byte, ip []byte) bool {
	field, digits, n := 0, 0, 0
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			if digits == 1 && field == 0 {
				return false // a leading zero
			}
			field = field*10 + int(c-'0')
			digits++
			if field > 255 {
				return false
			}
		case c == '.':
			if digits == 0 || n == 3 {
				return false
			}
			ip[n] = byte(field)
			n++
			field, digits = 0, 0
		default:
			return false
		}
	}
	if digits == 0 || n != 3 {
		return false
	}
	ip[3] = byte(field)
	return true
}

// parseAddr6 reads an IPv6 address without a zone, as netip reads it.
func parseAddr6(s []byte) (netip.Addr, bool) {
	var ip [16]byte
	ellipsis := -1 // where the "::" is, in bytes of ip
	if len(s) >= 2 && s[0] == ':' && s[1] == ':' {
		ellipsis = 0
		s = s[2:]
		if len(s) == 0 {
			return netip.IPv6Unspecified(), true
		}
	}
	i := 0
	for i < 16 {
		off, acc := 0, 0
		for ; off < len(s) && off < 5; off++ {
			c := s[off]
			switch {
			case '0' <= c && c <= '9':
				acc = acc<<4 | int(c-'0')
			case 'a' <= c && c <= 'f':
				acc = acc<<4 | int(c-'a'+10)
			case 'A' <= c && c <= 'F':
				acc = acc<<4 | int(c-'A'+10)
			default:
				goto done
			}
		}
	done:
		if off == 0 || off > 4 {
			return netip.Addr{}, false
		}
		if off < len(s) && s[off] == '.' {
			// An IPv4 tail: the last 32 bits.
			if (ellipsis < 0 && i != 12) || i+4 > 16 || !parseIPv4(s, ip[i:i+4]) {
				return netip.Addr{}, false
			}
			s = s[len(s):]
			i += 4
			break
		}
		ip[i], ip[i+1] = byte(acc>>8), byte(acc)
		i += 2
		s = s[off:]
		if len(s) == 0 {
			break
		}
		if s[0] != ':' || len(s) == 1 {
			return netip.Addr{}, false
		}
		s = s[1:]
		if s[0] == ':' {
			if ellipsis >= 0 {
				return netip.Addr{}, false
			}
			ellipsis = i
			s = s[1:]
			if len(s) == 0 {
				break
			}
		}
	}
	if len(s) != 0 {
		return netip.Addr{}, false
	}
	if i < 16 {
		if ellipsis < 0 {
			return netip.Addr{}, false
		}
		n := 16 - i
		for j := i - 1; j >= ellipsis; j-- {
			ip[j+n] = ip[j]
		}
		clear(ip[ellipsis : ellipsis+n])
	} else if ellipsis >= 0 {
		return netip.Addr{}, false
	}
	return netip.AddrFrom16(ip), true
}
