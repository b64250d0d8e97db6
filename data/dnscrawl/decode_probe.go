package dnscrawl

import "bytes"

// The probe fields of an observation (tls, http, cert_hosts), read by the
// decoder of decode.go with the same rules: encoding/json's values, a
// field given twice in one object an error. With probes, these fields are
// most of a line (about three quarters of the bytes of a simulated
// crawl), so they are not handed to encoding/json's reflection.
//
// What recurs from site to site is interned when the reader has a
// Parser: error texts, protocol versions, the issuer names and URLs of
// certificates, header names. What is one site's own (its host name,
// leaf subject, fingerprint, URL, header values such as dates and
// request ids) is not, so that the Parser's table is not filled with
// names seen once.

var (
	tlsProbeKeys = keySet{id: 6, keys: []string{"host", "addr", "port", "status", "error", "version", "chain", "ocsp_stapled", "verified",
		"verify_error", "duration_ms"}}
	certKeys = keySet{id: 7, keys: []string{"subject_cn", "subject_org", "issuer_cn", "issuer_org", "not_before", "not_after", "sans", "sha256",
		"ocsp", "crl", "aia", "self_signed"}}
	httpProbeKeys = keySet{id: 8, keys: []string{"url", "addr", "status", "error", "status_code", "headers", "duration_ms"}}
	certHostKeys  = keySet{id: 9, keys: []string{"name", "host", "zone"}}
)

// tlsProbes reads the tls field.
func (r *jsonReader) tlsProbes(p *[]TLSProbe) error {
	return objects(r, p, storeOf(r.store, func(s *Store) *[]TLSProbe { return &s.tls }), r.tlsProbe)
}

func (r *jsonReader) tlsProbe(t *TLSProbe) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &tlsProbeKeys); k {
		case "host":
			return seen.once(0, k, r.hostInto(&t.Host))
		case "addr":
			return seen.once(1, k, r.addr(r.sinkAddr(&t.Addr)))
		case "port":
			v, err := r.uint(16)
			if !r.lean {
				t.Port = uint16(v)
			}
			return seen.once(2, k, err)
		case "status":
			return seen.once(3, k, r.probeStatusInto(&t.Status))
		case "error":
			return seen.once(4, k, r.leanStr(&t.Error, asName, MaxProbeText))
		case "version":
			return seen.once(5, k, r.leanStr(&t.Version, asName, 32))
		case "chain":
			return seen.once(6, k, r.chain(&t.Chain))
		case "ocsp_stapled":
			return seen.once(7, k, r.boolInto(&t.OCSPStapled))
		case "verified":
			return seen.once(8, k, r.boolInto(r.sinkBool(&t.Verified)))
		case "verify_error":
			return seen.once(9, k, r.leanStr(&t.VerifyError, asName, MaxProbeText))
		case "duration_ms":
			return seen.once(10, k, r.floatInto(r.sinkFloat(&t.DurationMS)))
		}
		return r.skip()
	})
}

// chain reads the chain of a TLS probe. With a Parser, a chain written
// with the same bytes as the last one of the line (the www host's is most
// often the apex's) is not decoded again: the probes share its
// certificates. A JSON array ends where its own bytes say, so the same
// bytes are the same value.
func (r *jsonReader) chain(p *[]Cert) error {
	if r.names != nil && len(r.lastChain) > 0 && bytes.HasPrefix(r.b[r.i:], r.lastChain) {
		r.i += len(r.lastChain)
		*p = r.lastCerts
		return nil
	}
	start := r.i
	n := 0 // certificates read
	err := objects(r, p, storeOf(r.store, func(s *Store) *[]Cert { return &s.certs }), func(c *Cert) error {
		n++
		if n == 1 || r.names == nil {
			return r.cert(c) // the leaf: the site's own
		}
		return cached(r, &r.names.caches.certs, c, r.cert) // a CA's
	})
	if err == nil && r.names != nil {
		r.lastChain, r.lastCerts = r.b[start:r.i], *p
	}
	return err
}

func (r *jsonReader) cert(c *Cert) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &certKeys); k {
		case "subject_cn":
			return seen.once(0, k, r.leanStr(&c.SubjectCN, asHost, MaxCertText))
		case "subject_org":
			return seen.once(1, k, r.leanStr(&c.SubjectOrg, asName, MaxCertText))
		case "issuer_cn":
			return seen.once(2, k, r.nameInto(&c.IssuerCN))
		case "issuer_org":
			return seen.once(3, k, r.nameInto(&c.IssuerOrg))
		case "not_before":
			return seen.once(4, k, r.time(r.sinkTime(&c.NotBefore)))
		case "not_after":
			return seen.once(5, k, r.time(r.sinkTime(&c.NotAfter)))
		case "sans":
			return seen.once(6, k, r.intInto(r.sinkInt(&c.SANs)))
		case "sha256":
			return seen.once(7, k, r.leanStr(&c.SHA256, asText, 64))
		case "ocsp":
			return seen.once(8, k, r.strings(&c.OCSP, asName))
		case "crl":
			return seen.once(9, k, r.strings(&c.CRL, asName))
		case "aia":
			return seen.once(10, k, r.strings(&c.AIA, asName))
		case "self_signed":
			return seen.once(11, k, r.boolInto(&c.SelfSigned))
		}
		return r.skip()
	})
}

// httpProbes reads the http field.
func (r *jsonReader) httpProbes(p *[]HTTPProbe) error {
	return objects(r, p, storeOf(r.store, func(s *Store) *[]HTTPProbe { return &s.http }), r.httpProbe)
}

func (r *jsonReader) httpProbe(h *HTTPProbe) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &httpProbeKeys); k {
		case "url":
			return seen.once(0, k, r.textInto(&h.URL))
		case "addr":
			return seen.once(1, k, r.addr(r.sinkAddr(&h.Addr)))
		case "status":
			return seen.once(2, k, r.probeStatusInto(&h.Status))
		case "error":
			return seen.once(3, k, r.leanStr(&h.Error, asName, MaxProbeText))
		case "status_code":
			return seen.once(4, k, r.intInto(r.sinkInt(&h.StatusCode)))
		case "headers":
			return seen.once(5, k, r.headers(&h.Headers))
		case "duration_ms":
			return seen.once(6, k, r.floatInto(r.sinkFloat(&h.DurationMS)))
		}
		return r.skip()
	})
}

// headers reads a map of header names to values as encoding/json does:
// null is no map, a name given twice keeps its last values, names are
// taken as written (no case folding).
func (r *jsonReader) headers(p *map[string][]string) error {
	if r.null() {
		*p = nil
		return nil
	}
	m := *p
	if m == nil {
		if r.store != nil {
			m = r.store.headerMap()
		} else {
			m = make(map[string][]string)
		}
	}
	err := r.object(func(key []byte) error {
		name := r.name(key)
		var vals []string
		var err error
		if st := r.store; st != nil {
			start := len(st.strs)
			err = r.array(func() error { return r.textInto(grow(&st.strs)) })
			vals = since(st.strs, start)
		} else {
			err = r.array(func() error {
				var s string
				if err := r.textInto(&s); err != nil {
					return err
				}
				vals = append(vals, s)
				return nil
			})
		}
		m[name] = vals
		return err
	})
	*p = m
	return err
}

// certHosts reads the cert_hosts field: with a Store, the certificate
// hosts of many lines are the same bytes (those of the sites of one CA),
// decoded once (cached).
func (r *jsonReader) certHosts(p *[]CertHost) error {
	return cachedIf(r, cachesOf(r.names, func(c *parserCaches) *rawCache[[]CertHost] { return &c.certHosts }), p, func(p *[]CertHost) error {
		return objects(r, p, storeOf(r.store, func(s *Store) *[]CertHost { return &s.chosts }), r.certHost)
	})
}

func (r *jsonReader) certHost(c *CertHost) error {
	if r.null() {
		return nil
	}
	var seen fieldSet
	return r.object(func(key []byte) error {
		switch k := r.key(key, &certHostKeys); k {
		case "name":
			return seen.once(0, k, r.strAs(&c.Name, asCheckedName))
		case "host":
			return seen.once(1, k, r.host(&c.Host))
		case "zone":
			if r.null() {
				c.Zone = nil
				return seen.once(2, k, nil)
			}
			if r.store != nil {
				c.Zone = grow(&r.store.czones)
			} else {
				c.Zone = new(ZoneNS)
			}
			return seen.once(2, k, r.zoneNS(c.Zone))
		}
		return r.skip()
	})
}

// objects reads an array of objects (null: none) into p, each element
// with read: appended to p, or in the array a of a Store when a is not
// nil.
func objects[T any](r *jsonReader, p *[]T, a *[]T, read func(*T) error) error {
	if a != nil {
		start := len(*a)
		err := r.array(func() error { return read(grow(a)) })
		*p = since(*a, start)
		return err
	}
	return r.array(func() error { return read(grow(p)) })
}

// storeOf returns the array of s that field names, nil without a Store.
func storeOf[T any](s *Store, field func(*Store) *[]T) *[]T {
	if s == nil {
		return nil
	}
	return field(s)
}

// probeStatusInto reads a probe status, without allocating for one of
// the closed set.
func (r *jsonReader) probeStatusInto(p *ProbeStatus) error {
	if r.null() {
		return nil
	}
	b, err := r.strBytes()
	if err != nil {
		return err
	}
	for _, s := range ProbeStatuses {
		if string(b) == string(s) {
			*p = s
			return nil
		}
	}
	*p = ProbeStatus(b)
	return nil
}
