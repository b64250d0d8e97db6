package simnet

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// The web endpoint of the simulated internet. simnet's address plan stays
// that of the real providers (the range files and databases depend on
// it), so the sites cannot listen on their own addresses; instead one
// loopback endpoint answers for every simulated host: a TLS listener that
// picks the certificate by SNI and a plain HTTP listener, both answering
// HEAD and GET by the Host header with the headers the host's edge would
// send. The DNS server advertises the endpoint (TXT "probe.simnet." in
// class CHAOS); a crawler that knows it is on the simulated internet
// dials it instead of the host's address on 443 or 80.

// ProbeName is the CHAOS-class TXT question the DNS server answers with
// the endpoint's addresses, as "tls=127.0.0.1:PORT http=127.0.0.1:PORT".
const ProbeName = "probe.simnet."

// Endpoint is the running web endpoint of a simulated internet.
type Endpoint struct {
	in        *Internet
	tlsLn     net.Listener
	httpLn    net.Listener
	srvTLS    *http.Server
	srvHTTP   *http.Server
	seq       atomic.Uint64
	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	// Handshakes counts TLS handshakes that chose a certificate;
	// Requests counts HTTP requests answered (both listeners).
	handshakes, requests atomic.Uint64
}

// endpointTimeout bounds every connection of the endpoint: a client that
// stalls is dropped.
const endpointTimeout = 10 * time.Second

// ServeEndpoint starts the web endpoint of in on host (a loopback IP
// address), on two free ports: TLS and plain HTTP. It stops when ctx is
// done or Close is called.
func ServeEndpoint(ctx context.Context, in *Internet, host string) (*Endpoint, error) {
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("simnet endpoint on %q: %w", host, ErrNotLoopback)
	}
	if _, err := in.pki(); err != nil {
		return nil, fmt.Errorf("simnet endpoint: %w", err)
	}
	var lc net.ListenConfig
	tlsLn, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("simnet endpoint: %w", err)
	}
	httpLn, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		tlsLn.Close()
		return nil, fmt.Errorf("simnet endpoint: %w", err)
	}
	e := &Endpoint{in: in, tlsLn: tlsLn, httpLn: httpLn}
	mk := func() *http.Server {
		return &http.Server{Handler: e, ReadHeaderTimeout: endpointTimeout, ReadTimeout: endpointTimeout,
			WriteTimeout: endpointTimeout, IdleTimeout: endpointTimeout, MaxHeaderBytes: 16 << 10,
			ErrorLog: discardLog}
	}
	e.srvTLS, e.srvHTTP = mk(), mk()
	e.srvTLS.TLSConfig = &tls.Config{GetCertificate: e.getCertificate, MinVersion: tls.VersionTLS12}
	e.wg.Add(2)
	go func() { defer e.wg.Done(); e.srvTLS.Serve(tls.NewListener(tlsLn, e.srvTLS.TLSConfig)) }()
	go func() { defer e.wg.Done(); e.srvHTTP.Serve(httpLn) }()
	go func() {
		select {
		case <-ctx.Done():
			e.Close()
		case <-e.closed():
		}
	}()
	return e, nil
}

// closed returns a channel closed when both servers have stopped.
func (e *Endpoint) closed() <-chan struct{} {
	c := make(chan struct{})
	go func() { e.wg.Wait(); close(c) }()
	return c
}

// TLSAddr is the address of the TLS listener ("127.0.0.1:port").
func (e *Endpoint) TLSAddr() string { return e.tlsLn.Addr().String() }

// HTTPAddr is the address of the plain HTTP listener.
func (e *Endpoint) HTTPAddr() string { return e.httpLn.Addr().String() }

// Advert is the text of the CHAOS TXT answer to ProbeName.
func (e *Endpoint) Advert() string { return "tls=" + e.TLSAddr() + " http=" + e.HTTPAddr() }

// Counts returns the TLS handshakes that found a certificate and the HTTP
// requests answered so far.
func (e *Endpoint) Counts() (handshakes, requests uint64) {
	return e.handshakes.Load(), e.requests.Load()
}

// Close stops both listeners, waiting a few seconds at most for the
// connections in flight.
func (e *Endpoint) Close() error {
	e.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		e.closeErr = errors.Join(e.srvTLS.Shutdown(ctx), e.srvHTTP.Shutdown(ctx))
		if e.closeErr != nil {
			e.srvTLS.Close()
			e.srvHTTP.Close()
		}
	})
	return e.closeErr
}

// errNoSite is the handshake error for a name the simulation serves no
// TLS for.
var errNoSite = errors.New("simnet: no TLS for this name")

// getCertificate picks the certificate by SNI.
func (e *Endpoint) getCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	var p plan
	host, ok := e.in.siteHost(hello.ServerName, &p)
	if !ok {
		return nil, errNoSite
	}
	c, err := e.in.certificate(&p, host)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, errNoSite
	}
	e.handshakes.Add(1)
	return c, nil
}

// siteHost finds the domain and host (apex or www) a name stands for;
// ok is false when it is no existing host of a resolving domain.
func (in *Internet) siteHost(name string, p *plan) (int, bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	host := hostApex
	if rest, ok := strings.CutPrefix(name, "www."); ok && in.lookup(name) < 0 {
		name, host = rest, hostWWW
	}
	i := in.lookup(name)
	if i < 0 {
		return 0, false
	}
	in.makePlan(p, i)
	if p.d.status != statusOK || !p.host[host].exists {
		return 0, false
	}
	return host, true
}

// ServeHTTP answers a HEAD or GET for a simulated host with its edge's
// headers: the www host with 200, the apex with a redirect to www (to
// HTTPS from plain HTTP when the host has TLS). Requests to the CAs'
// hosts get their OCSP, CRL and CA-issuer answers (caserve.go).
func (e *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.requests.Add(1)
	hostName := r.Host
	if h, _, err := net.SplitHostPort(hostName); err == nil {
		hostName = h
	}
	if k, err := e.in.pki(); err == nil && k.serveCA(w, r, strings.ToLower(hostName)) {
		return
	}
	var p plan
	host, ok := e.in.siteHost(hostName, &p)
	if !ok {
		http.Error(w, "simnet: unknown host", http.StatusMisdirectedRequest)
		return
	}
	if r.Method != http.MethodHead && r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	tp := p.tlsPlan()
	edge := p.edgeOf(host, &tp)
	e.edgeHeaders(w.Header(), edge, &p, host)
	www := "www." + p.name
	switch {
	case r.TLS == nil && tp.host[host].kind != certNone:
		w.Header().Set("Location", "https://"+r.Host+r.URL.RequestURI())
		w.WriteHeader(http.StatusMovedPermanently)
	case host == hostApex && p.host[hostWWW].exists:
		scheme := "http://"
		if tp.host[hostWWW].kind != certNone {
			scheme = "https://"
		}
		w.Header().Set("Location", scheme+www+"/")
		w.WriteHeader(http.StatusMovedPermanently)
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			fmt.Fprintf(w, "<!doctype html><title>simulated</title><p>A simulated site of chokepoint simnet (seed %d), not a real one.\n", e.in.seed)
		}
	}
}

// edgeOf is the provider whose edge answers for a host: the CDN on its
// CNAME chain or addresses, the CDN only headers show, the platform or
// hosting product of its chain or addresses, or "" for a plain origin.
func (p *plan) edgeOf(host int, tp *tlsPlan) string {
	if tp.headerCDN != "" {
		return tp.headerCDN
	}
	hp := &p.host[host]
	var hosting string
	for _, x := range hp.hops[:hp.n] {
		if id := x.provider(); id != "" {
			if webLayer(id) == catalog.LayerCDN {
				return id
			}
			if hosting == "" {
				hosting = id
			}
		}
	}
	if n := p.addrNetwork(hp); n != nil && n.Provider != "" {
		if webLayer(n.Provider) == catalog.LayerCDN {
			return n.Provider
		}
		if hosting == "" {
			hosting = n.Provider
		}
	}
	return hosting
}

// Edge locations used in the headers (IATA codes, as the CDNs write
// them).
var pops = []string{"FRA", "AMS", "LHR", "CDG", "IAD", "ORD", "SJC", "NRT", "SIN", "SYD", "GRU", "JNB"}

// edgeHeaders sets the response headers an edge sends, in the forms the
// providers document: Cloudflare's Server and CF-RAY ("Cloudflare HTTP
// headers"), CloudFront's Via, X-Cache, X-Amz-Cf-Pop and X-Amz-Cf-Id
// ("Headers that CloudFront adds"), Fastly's Via, X-Served-By and X-Cache
// (Fastly's "X-Served-By"/"X-Cache" reference), Akamai's Server
// AkamaiGHost and Akamai-GRN, Azure Front Door's X-Azure-Ref and X-Cache,
// Vercel's Server and X-Vercel-Id/X-Vercel-Cache, Netlify's Server and
// X-NF-Request-ID, and the platforms' own.
func (e *Endpoint) edgeHeaders(h http.Header, edge string, p *plan, host int) {
	n := e.seq.Add(1)
	r := mix(p.h, n)
	pop := pops[mix(p.h, drawServer+1)%uint64(len(pops))]
	hex := func(v uint64, digits int) string {
		s := strconv.FormatUint(v, 16)
		for len(s) < digits {
			s = "0" + s
		}
		return s[len(s)-digits:]
	}
	set := h.Set
	switch edge {
	case pCloudflareCDN:
		set("Server", "cloudflare")
		set("CF-RAY", hex(r, 16)+"-"+pop)
		set("CF-Cache-Status", "DYNAMIC")
	case pCloudFront:
		set("Server", "CloudFront")
		set("Via", "1.1 "+hex(r, 32)+".cloudfront.net (CloudFront)")
		set("X-Cache", "Miss from cloudfront")
		set("X-Amz-Cf-Pop", pop+strconv.Itoa(50+int(r>>40%10))+"-P"+strconv.Itoa(1+int(r>>50%4)))
		var id [42]byte
		for i := range id {
			id[i] = byte(mix(r, uint64(i)))
		}
		set("X-Amz-Cf-Id", base64.URLEncoding.EncodeToString(id[:]))
	case pFastly:
		set("Via", "1.1 varnish")
		set("X-Served-By", "cache-"+strings.ToLower(pop)+"-e"+hex(r>>8, 7)+"-"+pop)
		set("X-Cache", "MISS")
		set("X-Cache-Hits", "0")
		set("X-Timer", "S"+strconv.FormatUint(1764000000+r%1000000, 10)+".000000,VS0,VE1")
	case pAkamaiCDN:
		set("Server", "AkamaiGHost")
		set("Akamai-GRN", "0."+hex(r, 8)+"."+strconv.FormatUint(1764000000+r%1000000, 10)+"."+hex(r>>32, 8))
	case pFrontDoor:
		set("X-Azure-Ref", "20251201T000000Z-"+hex(r, 16)+hex(r>>7, 4)+"-"+pop)
		set("X-Cache", "CONFIG_NOCACHE")
	case pVercel:
		set("Server", "Vercel")
		set("X-Vercel-Id", strings.ToLower(pop)+"1::"+hex(r, 5)+"-"+strconv.FormatUint(1764000000000+r%1000000, 10)+"-"+hex(r>>20, 12))
		set("X-Vercel-Cache", "MISS")
	case pNetlify:
		set("Server", "Netlify")
		set("X-NF-Request-ID", "01"+strings.ToUpper(hex(r, 16))+strings.ToUpper(hex(r>>5, 8)))
	case pGitHubPages:
		set("Server", "GitHub.com")
		set("X-GitHub-Request-Id", strings.ToUpper(hex(r, 4)+":"+hex(r>>16, 6)+":"+hex(r>>40, 6)))
	case pHeroku:
		set("Via", "1.1 vegur")
		set("Server", "Cowboy")
	case pSquarespace:
		set("Server", "Squarespace")
	case pWix:
		set("Server", "Pepyaka")
		set("X-Wix-Request-Id", strconv.FormatUint(1764000000+r%1000000, 10)+"."+strconv.FormatUint(r>>30%1000000, 10))
	case pS3:
		set("Server", "AmazonS3")
		set("X-Amz-Request-Id", strings.ToUpper(hex(r, 16)))
	case pGoogleCloud, "google-unknown":
		set("Server", "Google Frontend")
	case pAzure:
		set("Server", "Microsoft-IIS/10.0")
		set("X-Powered-By", "ASP.NET")
	default:
		servers := []string{"nginx", "Apache", "nginx", "LiteSpeed", "Apache", "openresty"}
		set("Server", servers[mix(p.h, drawServer+uint64(host))%uint64(len(servers))])
	}
}

// discardLog drops the http.Server's own log lines (handshake errors of
// names the simulation serves no TLS for are expected).
var discardLog = log.New(io.Discard, "", 0)
