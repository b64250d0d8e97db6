package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// Kind is a kind of probe, as named on the command line.
type Kind string

// The kinds of probe.
const (
	KindTLS  Kind = "tls"
	KindHTTP Kind = "http"
)

// Kinds lists every kind in a fixed order.
var Kinds = []Kind{KindTLS, KindHTTP}

// ParseKinds reads a comma-separated list of kinds ("tls,http", "tls").
// An empty list, an unknown kind or one named twice is an error.
func ParseKinds(s string) ([]Kind, error) {
	var out []Kind
	for _, f := range strings.Split(s, ",") {
		k := Kind(strings.ToLower(strings.TrimSpace(f)))
		switch {
		case k != KindTLS && k != KindHTTP:
			return nil, fmt.Errorf("unknown probe %q: want tls, http or both (tls,http)", f)
		case containsKind(out, k):
			return nil, fmt.Errorf("probe %q named twice", f)
		}
		out = append(out, k)
	}
	return out, nil
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// Config sets how a Prober probes. The zero value of a field means its
// default.
type Config struct {
	// TLS and HTTP switch the two kinds of probe on; at least one must be.
	TLS, HTTP bool
	// Timeout bounds each connection: connect, handshake and response
	// (default 5s).
	Timeout time.Duration
	// PerAddress is the number of connections open at once to one
	// address over the whole crawl (default 2).
	PerAddress int
	// Roots verify the chains; nil means the system's roots.
	Roots *x509.CertPool
	// Redirect, on the simulated internet only, names the loopback
	// endpoints dialled instead of the hosts' addresses.
	Redirect *Redirect
	// UserAgent is sent with the HEAD requests (default "chokepoint").
	UserAgent string
}

// Prober probes the web hosts of observations. It is safe for concurrent
// use; the per-address limit holds over all its callers.
type Prober struct {
	cfg    Config
	limit  *addrLimit
	dialer net.Dialer
}

// New returns a prober for cfg.
func New(cfg Config) (*Prober, error) {
	if !cfg.TLS && !cfg.HTTP {
		return nil, errors.New("probe: neither tls nor http asked")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.PerAddress <= 0 {
		cfg.PerAddress = 2
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = "chokepoint"
	}
	if strings.ContainsAny(cfg.UserAgent, "\r\n") {
		return nil, errors.New("probe: user agent with a line break")
	}
	return &Prober{cfg: cfg, limit: newAddrLimit(cfg.PerAddress)}, nil
}

// Probe fills o.TLS and o.HTTP: a TLS probe of the apex and of the www
// host (when TLS is on), and the HEAD request to the www host, or to the
// apex when www has no address (when HTTP is on). A host without an
// address gets a probe with status no_address; one whose address is not
// public (IsPublic), on the real internet, not_public, and no connection.
// The apex and www are probed at the same time.
func (p *Prober) Probe(ctx context.Context, o *dnscrawl.Observation) {
	wwwAddr, wwwOK := firstAddr(o.WWW)
	apexAddr, apexOK := firstAddr(o.Apex)
	httpOnApex := p.cfg.HTTP && !wwwOK && apexOK
	var apex, www hostResult
	var wg sync.WaitGroup
	if p.cfg.TLS || httpOnApex {
		wg.Go(func() { apex = p.host(ctx, o.Apex.Name, apexAddr, apexOK, p.cfg.TLS, httpOnApex) })
	}
	if p.cfg.TLS || (p.cfg.HTTP && !httpOnApex) {
		wg.Go(func() { www = p.host(ctx, o.WWW.Name, wwwAddr, wwwOK, p.cfg.TLS, p.cfg.HTTP && !httpOnApex) })
	}
	wg.Wait()
	for _, r := range []hostResult{apex, www} {
		if r.tls != nil {
			o.TLS = append(o.TLS, *r.tls)
		}
		o.HTTP = append(o.HTTP, r.http...)
	}
}

// firstAddr returns the address probed of a host: its first IPv4
// address, else its first IPv6 one.
func firstAddr(h dnscrawl.Host) (netip.Addr, bool) {
	if as := h.Addrs(); len(as) > 0 {
		return as[0], true
	}
	return netip.Addr{}, false
}

// hostResult is what the probes of one host found.
type hostResult struct {
	tls  *dnscrawl.TLSProbe
	http []dnscrawl.HTTPProbe
}

// host probes one host at addr: the handshake (recorded when wantTLS),
// then, when wantHTTP, a HEAD over that connection and, if it gave no
// response, one over plain HTTP.
func (p *Prober) host(ctx context.Context, name string, addr netip.Addr, hasAddr, wantTLS, wantHTTP bool) hostResult {
	var r hostResult
	httpsURL, httpURL := "https://"+name+"/", "http://"+name+"/"
	if !hasAddr {
		if wantTLS {
			r.tls = &dnscrawl.TLSProbe{Host: name, Port: 443, Status: dnscrawl.ProbeNoAddress}
		}
		if wantHTTP {
			r.http = []dnscrawl.HTTPProbe{{URL: httpsURL, Status: dnscrawl.ProbeNoAddress}}
		}
		return r
	}
	if p.cfg.Redirect == nil && !IsPublic(addr) {
		// Only on the real internet: the simulated one's addresses are
		// never dialled, whatever they are.
		if wantTLS {
			r.tls = &dnscrawl.TLSProbe{Host: name, Addr: addr, Port: 443, Status: dnscrawl.ProbeNotPublic}
		}
		if wantHTTP {
			r.http = []dnscrawl.HTTPProbe{{URL: httpsURL, Addr: addr, Status: dnscrawl.ProbeNotPublic}}
		}
		return r
	}
	release, err := p.limit.acquire(ctx, addr)
	if err != nil {
		if wantTLS {
			r.tls = &dnscrawl.TLSProbe{Host: name, Addr: addr, Port: 443, Status: dnscrawl.ProbeError, Error: text(err.Error(), dnscrawl.MaxProbeText)}
		}
		return r
	}
	defer release()

	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	conn, tp := p.handshake(cctx, name, addr)
	tp.DurationMS = since(start)
	if wantTLS {
		r.tls = &tp
	}
	if wantHTTP {
		var hp dnscrawl.HTTPProbe
		if conn != nil {
			hp = p.head(cctx, conn, httpsURL, name, addr, start)
		} else {
			hp = dnscrawl.HTTPProbe{URL: httpsURL, Addr: addr, Status: tp.Status, Error: tp.Error, DurationMS: tp.DurationMS}
		}
		r.http = append(r.http, hp)
	}
	if conn != nil {
		conn.Close()
	}
	cancel()
	if wantHTTP && r.http[0].Status != dnscrawl.ProbeOK && ctx.Err() == nil {
		start := time.Now()
		cctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		defer cancel()
		raw, err := p.dial(cctx, addr, 80)
		if err != nil {
			r.http = append(r.http, dnscrawl.HTTPProbe{URL: httpURL, Addr: addr, Status: dialStatus(err), Error: errText(err), DurationMS: since(start)})
		} else {
			r.http = append(r.http, p.head(cctx, raw, httpURL, name, addr, start))
			raw.Close()
		}
	}
	return r
}

// dial connects to addr:port, or to the loopback endpoint that stands
// for it on the simulated internet. The connection's deadline is that of
// ctx, and it is moved to now when ctx ends.
func (p *Prober) dial(ctx context.Context, addr netip.Addr, port uint16) (net.Conn, error) {
	target := netip.AddrPortFrom(addr, port)
	if r := p.cfg.Redirect; r != nil {
		target = r.HTTP
		if port == 443 {
			target = r.TLS
		}
		if !target.IsValid() {
			return nil, fmt.Errorf("the simulated internet serves nothing for port %d", port)
		}
	}
	c, err := p.dialer.DialContext(ctx, "tcp", target.String())
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	return c, nil
}

// handshake dials addr:443 and makes a TLS handshake with SNI name,
// accepting any chain (it is verified afterwards, to record why it
// fails). It returns the connection when the handshake succeeded.
func (p *Prober) handshake(ctx context.Context, name string, addr netip.Addr) (*tls.Conn, dnscrawl.TLSProbe) {
	tp := dnscrawl.TLSProbe{Host: name, Addr: addr, Port: 443}
	raw, err := p.dial(ctx, addr, 443)
	if err != nil {
		tp.Status, tp.Error = dialStatus(err), errText(err)
		return nil, tp
	}
	conn := tls.Client(raw, &tls.Config{
		ServerName: name,
		// The chain is verified below against the roots, for the
		// record; a chain that does not verify is a fact, not a reason
		// to stop.
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS10,
		NextProtos:         []string{"http/1.1"},
		// Classic key exchange groups only: the hybrid post-quantum
		// share makes the ClientHello 1 KB larger (some middleboxes
		// and old servers drop such hellos, which would be measured
		// as the site's failure) and costs a third of the handshake's
		// CPU; the probe records the chain, not the key exchange.
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384},
	})
	if err := conn.HandshakeContext(ctx); err != nil {
		raw.Close()
		tp.Status, tp.Error = errStatus(err, dnscrawl.ProbeTLSError), errText(err)
		return nil, tp
	}
	cs := conn.ConnectionState()
	tp.Status = dnscrawl.ProbeOK
	tp.Version = tls.VersionName(cs.Version)
	tp.OCSPStapled = len(cs.OCSPResponse) > 0
	for i, c := range cs.PeerCertificates {
		if i == dnscrawl.MaxChain {
			break
		}
		tp.Chain = append(tp.Chain, certFacts(c))
	}
	tp.Verified, tp.VerifyError = p.verify(name, cs.PeerCertificates)
	return conn, tp
}

// verify checks the chain the server sent for name against the roots,
// now.
func (p *Prober) verify(name string, chain []*x509.Certificate) (bool, string) {
	if len(chain) == 0 {
		return false, "no certificate"
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{DNSName: name, Roots: p.cfg.Roots, Intermediates: inter})
	if err != nil {
		return false, errText(err)
	}
	return true, ""
}

// dialStatus maps an error from connecting to a status.
func dialStatus(err error) dnscrawl.ProbeStatus {
	return errStatus(err, dnscrawl.ProbeError)
}

// errStatus maps an error to a status: timeout, refused, else other.
func errStatus(err error, other dnscrawl.ProbeStatus) dnscrawl.ProbeStatus {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		return dnscrawl.ProbeTimeout
	case errors.As(err, &ne) && ne.Timeout():
		return dnscrawl.ProbeTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return dnscrawl.ProbeRefused
	}
	return other
}

// errText is the text of err, bounded.
func errText(err error) string { return text(err.Error(), dnscrawl.MaxProbeText) }

// text returns s as valid UTF-8 cut to at most max bytes, on a character
// boundary.
func text(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// utf8RuneStart reports whether b starts a UTF-8 sequence.
func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// since is the time since start in milliseconds, to the microsecond.
func since(start time.Time) float64 { return float64(time.Since(start).Microseconds()) / 1000 }
