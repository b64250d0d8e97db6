package dnscrawl

import (
	"context"
	"slices"
)

// certHost is the cached resolution of a certificate host (an OCSP, CRL
// or AIA host: ocsp.digicert.com is named by millions of certificates),
// with what its lookups cost.
type certHost struct {
	ch       CertHost
	queries  int
	attempts int
}

// probe runs the prober on o, when its NS lookup succeeded, then resolves
// the hosts its certificates name. The queries of that resolution are
// counted in o.Queries and o.Attempts like the others; its time is not in
// o.DurationMS, which is the DNS plan's (each probe has its own).
func (w *worker) probe(ctx context.Context, p Prober, o *Observation) {
	if o.Status != StatusOK {
		return
	}
	p.Probe(ctx, o)
	if ctx.Err() != nil {
		return
	}
	names := certHostNames(o.TLS)
	if len(names) == 0 {
		return
	}
	if w.cfg.DomainTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.cfg.DomainTimeout)
		defer cancel()
	}
	var tl tally
	for _, n := range names {
		o.CertHosts = append(o.CertHosts, w.certHost(ctx, n, &tl))
	}
	o.Queries += tl.queries
	o.Attempts += tl.attempts
}

// certHostNames returns the distinct host names of the OCSP, CRL and AIA
// URLs of every certificate of the probes, sorted, at most MaxCertHosts
// of them. URLs naming an IP address are left out: there is nothing to
// resolve.
func certHostNames(probes []TLSProbe) []string {
	var out []string
	for _, p := range probes {
		for _, c := range p.Chain {
			for _, urls := range [][]string{c.OCSP, c.CRL, c.AIA} {
				for _, u := range urls {
					if h, ok := CertURLHost(u); ok && !slices.Contains(out, h) {
						out = append(out, h)
					}
				}
			}
		}
	}
	slices.Sort(out)
	if len(out) > MaxCertHosts {
		out = out[:MaxCertHosts]
	}
	return out
}

// certHost resolves a certificate host as a web host (A and AAAA along
// its CNAME chain) and finds the NS set of the zone its canonical name
// lives in, through the shared cache: each host is resolved once per
// crawl.
func (w *worker) certHost(ctx context.Context, name string, tl *tally) CertHost {
	r, cached := w.cache.certHost(ctx, name, func(ctx context.Context) *certHost {
		var t tally
		ch := CertHost{Name: name, Host: w.host(ctx, name, &t)}
		if z, err := targetZone(ch.Host.Canonical()); err == nil {
			if ns := w.sharedZone(ctx, z, &t); len(ns) > 0 {
				ch.Zone = &ZoneNS{Zone: z, NS: ns}
			}
		}
		return &certHost{ch: ch, queries: t.queries, attempts: t.attempts}
	})
	if !cached {
		tl.queries += r.queries
		tl.attempts += r.attempts
	}
	return r.ch
}
