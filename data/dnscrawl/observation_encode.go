package dnscrawl

import (
	"bytes"
	"encoding/json"
	"math"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendObservation appends o as one line of JSON, byte for byte what
// encoding/json writes for it (HTML escaping off): the fields in order,
// omitempty honoured, nil slices without omitempty written null. It
// writes the fields of the DNS crawl by hand, without reflection (the
// crawler writes one line per domain); the probe fields (TLS, HTTP,
// CertHosts), absent from a crawl without probes, and Delegation, absent
// from a crawl through recursive resolvers, go through encoding/json.
// TestEncoderMatchesJSON fills every field of Observation and fails when
// a field is missing here.
func appendObservation(b []byte, o *Observation) ([]byte, error) {
	b = append(b, `{"schema_version":`...)
	b = strconv.AppendInt(b, int64(o.SchemaVersion), 10)
	b = append(b, `,"domain":`...)
	b = appendString(b, o.Domain)
	if o.Rank != 0 {
		b = append(b, `,"rank":`...)
		b = strconv.AppendInt(b, int64(o.Rank), 10)
	}
	b = append(b, `,"status":`...)
	b = appendString(b, string(o.Status))
	if o.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, o.Error)
	}
	if len(o.NS) > 0 {
		b = append(b, `,"ns":[`...)
		for i := range o.NS {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, o.NS[i].Name)
			if len(o.NS[i].Addrs) > 0 {
				b = append(b, `,"addrs":`...)
				b = appendAddrs(b, o.NS[i].Addrs)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if o.SOA != nil {
		b = append(b, `,"soa":{"mname":`...)
		b = appendString(b, o.SOA.MName)
		b = append(b, `,"rname":`...)
		b = appendString(b, o.SOA.RName)
		b = append(b, `,"serial":`...)
		b = strconv.AppendUint(b, uint64(o.SOA.Serial), 10)
		b = append(b, '}')
	}
	b = append(b, `,"apex":`...)
	b = appendHost(b, &o.Apex)
	b = append(b, `,"www":`...)
	b = appendHost(b, &o.WWW)
	if len(o.MX) > 0 {
		b = append(b, `,"mx":[`...)
		for i := range o.MX {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"preference":`...)
			b = strconv.AppendUint(b, uint64(o.MX[i].Preference), 10)
			b = append(b, `,"name":`...)
			b = appendString(b, o.MX[i].Name)
			if len(o.MX[i].Addrs) > 0 {
				b = append(b, `,"addrs":`...)
				b = appendAddrs(b, o.MX[i].Addrs)
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if o.MXStatus != "" {
		b = append(b, `,"mx_status":`...)
		b = appendString(b, string(o.MXStatus))
	}
	if len(o.TargetZones) > 0 {
		b = append(b, `,"target_zones":[`...)
		for i := range o.TargetZones {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"zone":`...)
			b = appendString(b, o.TargetZones[i].Zone)
			b = append(b, `,"ns":`...)
			b = appendStrings(b, o.TargetZones[i].NS)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	var err error
	if o.Delegation != nil {
		// Only a crawl from the root down records it, one per domain,
		// at a rate the authoritative servers' limits bound.
		b = append(b, `,"delegation":`...)
		if b, err = appendJSON(b, o.Delegation); err != nil {
			return b, err
		}
	}
	if len(o.TLS) > 0 {
		b = append(b, `,"tls":`...)
		if b, err = appendJSON(b, o.TLS); err != nil {
			return b, err
		}
	}
	if len(o.HTTP) > 0 {
		b = append(b, `,"http":`...)
		if b, err = appendJSON(b, o.HTTP); err != nil {
			return b, err
		}
	}
	if len(o.CertHosts) > 0 {
		b = append(b, `,"cert_hosts":`...)
		if b, err = appendJSON(b, o.CertHosts); err != nil {
			return b, err
		}
	}
	if o.Resolver != "" {
		b = append(b, `,"resolver":`...)
		b = appendString(b, o.Resolver)
	}
	if o.Simulated {
		b = append(b, `,"simulated":true`...)
	}
	b = append(b, `,"started_at":`...)
	if b, err = appendTime(b, o.StartedAt); err != nil {
		return b, err
	}
	b = append(b, `,"duration_ms":`...)
	if b, err = appendFloat(b, o.DurationMS); err != nil {
		return b, err
	}
	b = append(b, `,"queries":`...)
	b = strconv.AppendInt(b, int64(o.Queries), 10)
	b = append(b, `,"attempts":`...)
	b = strconv.AppendInt(b, int64(o.Attempts), 10)
	b = append(b, "}\n"...)
	return b, nil
}

func appendHost(b []byte, h *Host) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, h.Name)
	b = append(b, `,"status":`...)
	b = appendString(b, string(h.Status))
	if h.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, h.Error)
	}
	if len(h.CNAMEs) > 0 {
		b = append(b, `,"cnames":`...)
		b = appendStrings(b, h.CNAMEs)
	}
	if len(h.A) > 0 {
		b = append(b, `,"a":`...)
		b = appendAddrs(b, h.A)
	}
	if len(h.AAAA) > 0 {
		b = append(b, `,"aaaa":`...)
		b = appendAddrs(b, h.AAAA)
	}
	return append(b, '}')
}

// appendStrings appends a JSON array of strings; nil is null, as
// encoding/json writes it.
func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

// appendAddrs appends a JSON array of addresses in their text form (a
// zero Addr is ""). Callers skip empty slices (all are omitempty).
func appendAddrs(b []byte, as []netip.Addr) []byte {
	b = append(b, '[')
	for i, a := range as {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = a.AppendTo(b)
		b = append(b, '"')
	}
	return append(b, ']')
}

// appendTime appends t as encoding/json does (time.Time.MarshalJSON).
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		// Out of RFC 3339's range: encoding/json's error.
		_, err := t.MarshalJSON()
		return b, err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendFloat appends f as encoding/json writes a float64: shortest
// decimal, exponent form below 1e-6 and from 1e21, exponent without a
// leading zero.
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, &json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, 64)}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// appendJSON appends v through encoding/json, HTML escaping off.
func appendJSON(b []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return b, err
	}
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string as encoding/json writes it with
// HTML escaping off: quote and backslash escaped, control characters as
// \b \f \n \r \t or \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped. Names from DNS may hold any byte: none breaks the line.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
