package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/miekg/dns"

	"github.com/chokepoint-dev/chokepoint/data/dnsserver"

	"github.com/chokepoint-dev/chokepoint/reports"
)

// hostileLabels are DNS labels a hostile zone can serve: any byte may be
// in a label (RFC 2181 section 11).
var hostileLabels = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(2)>`,
	`=HYPERLINK("http://x","y")`,
	"+cmd|' /C calc'!A0",
	"@SUM(1+1)",
	"-2+3",
	"a\x00b\x07c\x1b[31md\x7f\u202eevil",
	strings.Repeat("x", 63),
	"bücher",
	"xn--bcher-kva",
}

// escapeLabel writes a label in presentation format, every byte but
// letters, digits and '-' as \DDD.
func escapeLabel(l string) string {
	var b strings.Builder
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b.WriteByte(c)
			continue
		}
		b.WriteString("\\")
		b.WriteByte('0' + c/100)
		b.WriteByte('0' + c/10%10)
		b.WriteByte('0' + c%10)
	}
	return b.String()
}

// hostileServer answers as a recursive resolver for a zone whose NS, CNAME
// and MX names carry the hostile labels, under the suffixes of known
// providers so that they reach the dependencies and their evidence.
type hostileServer struct {
	mu  sync.Mutex
	rrs map[string][]dns.RR // by lower-case owner name and type: "name/TYPE"
}

func (s *hostileServer) add(t *testing.T, rr string) {
	t.Helper()
	r, err := dns.NewRR(rr)
	if err != nil {
		t.Fatalf("record %q: %v", rr, err)
	}
	k := strings.ToLower(r.Header().Name) + "/" + dns.TypeToString[r.Header().Rrtype]
	s.rrs[k] = append(s.rrs[k], r)
}

func (s *hostileServer) handle(w dns.ResponseWriter, r *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(r)
	m.RecursionAvailable = true
	q := r.Question[0]
	name := strings.ToLower(q.Name)
	s.mu.Lock()
	defer s.mu.Unlock()
	for range 8 { // follow CNAMEs, as a resolver does
		if rrs, ok := s.rrs[name+"/"+dns.TypeToString[q.Qtype]]; ok {
			m.Answer = append(m.Answer, rrs...)
			break
		}
		c, ok := s.rrs[name+"/CNAME"]
		if !ok {
			if q.Qtype == dns.TypeA && strings.HasSuffix(name, ".") && len(m.Answer) > 0 {
				a, _ := dns.NewRR(dns.Fqdn(q.Name) + " 300 IN A 192.0.2.80")
				a.Header().Name = name
				m.Answer = append(m.Answer, a)
			}
			break
		}
		m.Answer = append(m.Answer, c...)
		name = strings.ToLower(c[0].(*dns.CNAME).Target)
		if q.Qtype == dns.TypeA {
			a, _ := dns.NewRR("x. 300 IN A 192.0.2.80")
			a.Header().Name = c[0].(*dns.CNAME).Target
			m.Answer = append(m.Answer, a)
			break
		}
	}
	w.WriteMsg(m)
}

// serveHostile starts the server on 127.0.0.1 (UDP and TCP on one port).
func serveHostile(t *testing.T, s *hostileServer) string {
	t.Helper()
	mux := dns.NewServeMux()
	mux.HandleFunc(".", s.handle)
	addr, shutdown, err := dnsserver.Serve(mux)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(shutdown)
	return addr
}

// TestHostileEndToEnd crawls and analyses domains whose NS, CNAME and MX
// names carry HTML, script, spreadsheet formulas, control bytes, long
// labels and IDNs, and checks that report.html shows them only as text
// and that no CSV cell can start a formula.
func TestHostileEndToEnd(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := &hostileServer{rrs: map[string][]dns.RR{}}
	dir := t.TempDir()
	var list strings.Builder
	list.WriteString("xn--bcher-kva.example\n")
	for i, label := range hostileLabels {
		d := "hostile" + string(rune('a'+i)) + ".example."
		list.WriteString(strings.TrimSuffix(d, ".") + "\n")
		e := escapeLabel(label)
		s.add(t, d+" 300 IN NS "+e+".ns.cloudflare.com.")
		s.add(t, d+" 300 IN SOA "+e+".ns.cloudflare.com. "+e+".dns.cloudflare.com. 1 2 3 4 5")
		s.add(t, d+" 300 IN A 192.0.2.10")
		s.add(t, "www."+d+" 300 IN CNAME "+e+".cdn.cloudflare.net.")
		s.add(t, d+" 300 IN MX 10 "+e+".mail.protection.outlook.com.")
	}
	addr := serveHostile(t, s)
	input := filepath.Join(dir, "list.txt")
	if err := os.WriteFile(input, []byte(list.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	c := defaultCrawlOptions()
	c.Input, c.Out = input, out
	c.Resolvers = []string{addr}
	c.Timeout, c.Retries, c.Concurrency, c.Progress, c.QPSPerResolver = 500*time.Millisecond, 1, 8, 0, 0
	if _, err := runCrawl(ctx, c, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("crawl: %v", err)
	}
	if err := runAnalyze(ctx, analyzeOptions{Inputs: []string{filepath.Join(out, ObservationsName)}, Out: out, Quiet: true}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("analyze: %v", err)
	}

	doc, err := os.ReadFile(filepath.Join(out, reports.HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	low := bytes.ToLower(doc)
	if n := bytes.Count(low, []byte("<script")); n != 1 {
		t.Errorf("report.html has %d script elements, want 1 (ours)", n)
	}
	for _, raw := range []string{"<img", "\x00", "\x07", "\x1b", "\u202e"} {
		if bytes.Contains(low, []byte(raw)) {
			t.Errorf("report.html contains raw %q", raw)
		}
	}
	if !bytes.Contains(doc, []byte("bücher.example")) && !bytes.Contains(doc, []byte("xn--bcher-kva.example")) {
		t.Error("report.html does not list the IDN domain")
	}
	if !bytes.Contains(doc, []byte(`id="layer-dns"`)) || !bytes.Contains(doc, []byte("cloudflare")) {
		t.Error("report.html does not show the DNS layer and its provider")
	}

	// Every CSV cell: no formula, and the hostile names are there.
	sawEvidence := false
	for _, name := range []string{reports.DomainsFile, reports.DependenciesFile, reports.ProvidersFile, reports.MetricsFile,
		reports.BlastFile, reports.SPOFFile, reports.CoDependencyFile, reports.ProviderEdgesFile,
		reports.RegionsFile, reports.ASNsFile, reports.CountriesFile} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range checkCSVCells(t, name, b) {
			for _, cell := range row {
				if strings.HasPrefix(cell, "'=hyperlink") {
					sawEvidence = true
				}
			}
		}
	}
	if !sawEvidence {
		t.Error("no neutralised =HYPERLINK cell: the test does not exercise neutralisation")
	}

	rows, dialogs := renderInChromium(t, filepath.Join(out, reports.HTMLFile))
	if rows != len(hostileLabels)+1 {
		t.Errorf("the table of domains shows %d rows in Chromium, want %d", rows, len(hostileLabels)+1)
	}
	if len(dialogs) > 0 {
		t.Errorf("a hostile name ran as script: dialogs %q", dialogs)
	}
}

// renderInChromium opens a report in headless Chromium and returns the
// rows of its table of domains and the messages of any dialog opened. It
// skips the test without Chromium, except under CI=true.
func renderInChromium(t *testing.T, path string) (rows int, dialogs []string) {
	t.Helper()
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no Chromium found, and CI=true")
		}
		t.Log("no Chromium on this machine: the report is not opened in a browser")
		return len(hostileLabels) + 1, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()))
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// Start the browser before subscribing, so that only one is started.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("browser: %v", err)
	}
	lctx, lcancel := context.WithCancel(bctx)
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ev, err := range chromedp.Events(lctx, page.JavascriptDialogOpening) {
			if err != nil {
				return
			}
			mu.Lock()
			dialogs = append(dialogs, ev.Message)
			mu.Unlock()
			chromedp.Call(bctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+path), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("browser: %v", err)
	}
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.querySelectorAll("#dt tbody tr").length`))
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	lcancel()
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	return rows, dialogs
}

// isNumber says whether a cell is a negative number, which a spreadsheet
// reads as a number and not a formula.
func isNumber(s string) bool {
	if s == "" {
		return false
	}
	s = strings.TrimPrefix(s, "-")
	dot := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return s != ""
}
