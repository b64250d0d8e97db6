package probe

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// MaxResponseBytes bounds what is read of a response to the HEAD
// request: the status line and the headers. A response whose headers go
// past it is an http_error.
const MaxResponseBytes = 64 << 10

// head sends one HEAD / for host on conn and records the response:
// status code and headers (recordHeaders). No redirect is followed and
// no body read.
func (p *Prober) head(ctx context.Context, conn net.Conn, url, host string, addr netip.Addr, start time.Time) dnscrawl.HTTPProbe {
	hp := dnscrawl.HTTPProbe{URL: url, Addr: addr}
	defer func() { hp.DurationMS = since(start) }()
	fail := func(err error) dnscrawl.HTTPProbe {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%v)", ctx.Err(), err)
		}
		hp.Status, hp.Error = errStatus(err, dnscrawl.ProbeHTTPError), errText(err)
		return hp
	}
	req := "HEAD / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + p.cfg.UserAgent + "\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return fail(err)
	}
	lr := &limitReader{r: conn, left: MaxResponseBytes}
	resp, err := http.ReadResponse(bufio.NewReaderSize(lr, 4096), &http.Request{Method: http.MethodHead})
	if err != nil {
		if lr.hit {
			err = fmt.Errorf("response headers longer than %d bytes", MaxResponseBytes)
		}
		return fail(err)
	}
	resp.Body.Close()
	hp.Status, hp.StatusCode = dnscrawl.ProbeOK, resp.StatusCode
	hp.Headers = recordHeaders(resp.Header)
	return hp
}

// limitReader reads at most left bytes of r, then fails, and says so.
type limitReader struct {
	r    io.Reader
	left int
	hit  bool
}

func (l *limitReader) Read(b []byte) (int, error) {
	if l.left <= 0 {
		l.hit = true
		return 0, io.ErrUnexpectedEOF
	}
	if len(b) > l.left {
		b = b[:l.left]
	}
	n, err := l.r.Read(b)
	l.left -= n
	return n, err
}

// edgeHeaders are header names (canonical form) that edges, CDNs and
// platforms set, kept first when a response has more headers than
// dnscrawl.MaxHeaders; edgePrefixes are the prefixes of whole families
// of them. Which provider a header names is decided by analysis/classify;
// this list only says what to keep.
var (
	edgeHeaders = []string{
		"Age", "Alt-Svc", "Cf-Cache-Status", "Cf-Ray", "Server", "Server-Timing", "Set-Cookie",
		"Via", "X-Cache", "X-Cache-Hits", "X-Cache-Status", "X-Cdn", "X-Check-Cacheable",
		"X-Github-Request-Id", "X-Iinfo", "X-Msedge-Ref", "X-Nf-Request-Id", "X-Powered-By",
		"X-Proxy-Cache", "X-Served-By", "X-Timer",
	}
	edgePrefixes = []string{
		"Akamai-", "Cdn-", "Fastly-", "X-Akamai-", "X-Amz-", "X-Azure-", "X-Bunny", "X-Cdn-",
		"X-Edge-", "X-Fastly-", "X-Goog-", "X-Sucuri-", "X-Vercel-",
	}
)

// isEdgeHeader reports whether name (canonical) is kept first.
func isEdgeHeader(name string) bool {
	if slices.Contains(edgeHeaders, name) {
		return true
	}
	for _, p := range edgePrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// recordHeaders returns the headers an observation keeps: at most
// dnscrawl.MaxHeaders names, those of edgeHeaders first, then the others
// in name order; at most dnscrawl.MaxHeaderValues values per name, each
// cut to dnscrawl.MaxHeaderValue bytes. Of Set-Cookie only the cookie
// names are kept (__cf_bm, AWSALB: names identify an edge; values are
// session data).
func recordHeaders(h http.Header) map[string][]string {
	var edge, other []string
	for name := range h {
		switch {
		case len(name) > dnscrawl.MaxHeaderName:
		case isEdgeHeader(name):
			edge = append(edge, name)
		default:
			other = append(other, name)
		}
	}
	slices.Sort(edge)
	slices.Sort(other)
	names := append(edge, other...)
	if len(names) > dnscrawl.MaxHeaders {
		names = names[:dnscrawl.MaxHeaders]
	}
	if len(names) == 0 {
		return nil
	}
	out := make(map[string][]string, len(names))
	for _, name := range names {
		vals := h[name]
		if len(vals) > dnscrawl.MaxHeaderValues {
			vals = vals[:dnscrawl.MaxHeaderValues]
		}
		kept := make([]string, 0, len(vals))
		for _, v := range vals {
			if name == "Set-Cookie" {
				v, _, _ = strings.Cut(v, "=")
				v = strings.TrimSpace(v)
			}
			kept = append(kept, text(v, dnscrawl.MaxHeaderValue))
		}
		out[name] = kept
	}
	return out
}
