package reports

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/analysis/graph"
	"github.com/chokepoint-dev/chokepoint/analysis/metrics"
	"github.com/chokepoint-dev/chokepoint/data/catalog"
)

// chromium returns the path of a Chromium binary, or skips the test when
// there is none; under CI (CI=true) a missing browser is a failure, since
// .ci/run installs it.
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium found, and CI=true: .ci/run should have installed Debian's chromium")
	}
	t.Skip("no Chromium on this machine (apt-get install chromium); skipping the browser test")
	return ""
}

// pageLoad is what a browser saw while loading and running a page.
type pageLoad struct {
	mu       sync.Mutex
	requests []string // every URL requested
	problems []string // console errors and warnings, exceptions, dialogs
}

func (p *pageLoad) add(list *[]string, s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*list = append(*list, s)
}

// browse opens the file at path in headless Chromium, with the flags that
// keep it off the network, and records every request and every console
// problem. inspect runs against the loaded page; a full-page screenshot is
// saved to shot.
func browse(t *testing.T, path, shot string, inspect func(ctx context.Context) error) *pageLoad {
	t.Helper()
	return browseWith(t, path, shot, false, inspect)
}

// browseWith is browse, with the page's scripts disabled when noScript
// is set.
func browseWith(t *testing.T, path, shot string, noScript bool, inspect func(ctx context.Context) error) *pageLoad {
	t.Helper()
	exe := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	deadline, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(deadline, opts...)
	defer acancel()
	ctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	// Start the browser first: a subscription made before could start a
	// second one on the same user data dir.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("browser: start: %v", err)
	}

	// Subscribe before navigating; the subscriptions buffer what comes
	// before the loops below start.
	lctx, lcancel := context.WithCancel(ctx)
	load := &pageLoad{}
	console := chromedp.Console(lctx)
	requests := chromedp.Events(lctx, network.RequestWillBeSent)
	dialogs := chromedp.Events(lctx, page.JavascriptDialogOpening)
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		for m, err := range console {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
				load.add(&load.problems, fmt.Sprintf("console %s: %s", m.Type, m.Text))
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range requests {
			if err != nil {
				return
			}
			load.add(&load.requests, ev.Request.URL)
		}
	}()
	go func() {
		defer wg.Done()
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			load.add(&load.problems, "dialog: "+ev.Message)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	defer func() {
		lcancel()
		wg.Wait()
	}()

	if noScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("browser: disable scripts: %v", err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitReady("body")); err != nil {
		t.Fatalf("browser: load %s: %v", path, err)
	}
	if err := inspect(ctx); err != nil {
		t.Fatalf("browser: %v", err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("browser: screenshot: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
	return load
}

// artifactDir is where browser tests keep their screenshots: $ARTIFACTS,
// or bin/artifacts in the module (ignored by git).
func artifactDir() string {
	if d := os.Getenv("ARTIFACTS"); d != "" {
		return d
	}
	abs, _ := filepath.Abs(filepath.Join("..", "bin", "artifacts"))
	return abs
}

func checkLoad(t *testing.T, load *pageLoad, path string) {
	t.Helper()
	for _, u := range load.requests {
		if u != "file://"+path {
			t.Errorf("the report made a request: %s", u)
		}
	}
	for _, p := range load.problems {
		t.Errorf("problem while loading the report: %s", p)
	}
}

// TestReportInBrowser loads report.html in headless Chromium: no request
// but the file itself, no console error, every chart present and drawn,
// and the table of domains sorted by a click on a header and filtered by
// typing, as a reader would.
func TestReportInBrowser(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := fixtureResults()
	run := fixtureRun()
	run.Graph = fixtureGraph(t, results)
	if err := WriteAll(dir, run, results, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, HTMLFile)
	var charts, drawn int
	var title string
	var table tableStates
	load := browse(t, path, filepath.Join(artifactDir(), "report.png"), func(ctx context.Context) (err error) {
		defer func() {
			if err == nil {
				table, err = driveTable(ctx)
			}
		}()
		if title, err = chromedp.Run(ctx, chromedp.Title()); err != nil {
			return err
		}
		if charts, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg").length`)); err != nil {
			return err
		}
		drawn, err = chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("svg")).filter(s => {
			const r = s.getBoundingClientRect();
			return r.width > 50 && r.height > 50 && s.querySelectorAll("path,rect,line,text").length > 5;
		}).length`))
		return err
	})
	checkLoad(t, load, path)
	if title == "" {
		t.Error("the report has no title")
	}
	// 4 share charts, 3 Lorenz curves, the HHI chart, the blast radius
	// of providers and regions (the fixture has no AS or country) and the
	// flow chart.
	if charts != 11 || drawn != charts {
		t.Errorf("%d charts, %d of them drawn with a size and content; want 11, every one drawn", charts, drawn)
	}
	want := tableStates{
		Initial:    "bank.example uni.example shop.example slow.example gone.example",
		ByDomain:   "bank.example gone.example shop.example slow.example uni.example",
		Descending: "uni.example slow.example shop.example gone.example bank.example",
		Filtered:   "shop.example bank.example",
		Count:      "2 of 5 domains",
		PreHidden:  true,
	}
	if d := cmp.Diff(want, table); d != "" {
		t.Errorf("table of domains (-want +got):\n%s", d)
	}
}

// tableStates are the domains of the table's rows, in order, after each
// step of driveTable.
type tableStates struct {
	Initial, ByDomain, Descending, Filtered, Count string
	PreHidden                                      bool
}

const rowDomains = `Array.from(document.querySelectorAll("#dt tbody tr")).map(r => r.cells[1].textContent).join(" ")`

// driveTable clicks the Domain header twice and types "cloudflare" in the
// filter, reading the rows after each step.
func driveTable(ctx context.Context) (s tableStates, err error) {
	if s.Initial, err = chromedp.Run(ctx, chromedp.Evaluate[string](rowDomains)); err != nil {
		return s, err
	}
	if s.PreHidden, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("dt-data").hidden && !document.getElementById("dt").hidden`)); err != nil {
		return s, err
	}
	header := `#dt thead th:nth-child(2) button`
	if err := chromedp.Do(ctx, chromedp.Click(header)); err != nil {
		return s, err
	}
	if s.ByDomain, err = chromedp.Run(ctx, chromedp.Evaluate[string](rowDomains)); err != nil {
		return s, err
	}
	if err := chromedp.Do(ctx, chromedp.Click(header)); err != nil {
		return s, err
	}
	if s.Descending, err = chromedp.Run(ctx, chromedp.Evaluate[string](rowDomains)); err != nil {
		return s, err
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#dt-filter", "cloudflare")); err != nil {
		return s, err
	}
	// The filter applies after a pause in typing: wait for it.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#dt tbody tr").length < 5`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		return s, fmt.Errorf("filter: %w", err)
	}
	if s.Filtered, err = chromedp.Run(ctx, chromedp.Evaluate[string](rowDomains)); err != nil {
		return s, err
	}
	s.Count, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("dt-count").textContent`))
	return s, err
}

// fixtureGraph is the provider graph of results with the built-in
// catalog.
func fixtureGraph(t *testing.T, results []classify.Result) *GraphReport {
	t.Helper()
	cat, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	return NewGraphReport(graph.Build(results, cat, graph.CatalogEdges(cat)), 1)
}

// TestReportWithoutScripts loads report.html with scripts disabled: the
// list of domains is shown as text, the empty table and its controls are
// not.
func TestReportWithoutScripts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := fixtureResults()
	if err := WriteAll(dir, fixtureRun(), results, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, HTMLFile)
	var state string
	load := browseWith(t, path, filepath.Join(artifactDir(), "report-noscript.png"), true, func(ctx context.Context) (err error) {
		state, err = chromedp.Run(ctx, chromedp.Evaluate[string](`[
			document.getElementById("dt-data").offsetHeight > 0,
			document.getElementById("dt-data").innerText.includes("bank.example\tok"),
			document.getElementById("dt-noscript").offsetHeight > 0,
			document.getElementById("dt").offsetHeight === 0,
			document.getElementById("dt-controls").offsetHeight === 0,
		].join(" ")`))
		return err
	})
	checkLoad(t, load, path)
	if state != "true true true true true" {
		t.Errorf("without scripts: text shown, domain listed, note shown, table hidden, controls hidden = %s; want all true", state)
	}
}

// TestHostileReportInBrowser loads a report built from hostile names: no
// script of theirs runs, no dialog opens, no request leaves the page.
func TestHostileReportInBrowser(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	results := hostileResults()
	// A name that would set a global if any of it ran as script.
	pwn := `"><img src=x onerror="window.__pwned=1">`
	results = append(results, mkResult(pwn+".example", 99, "error", pwn, []dep{{catalog.LayerDNS, pwn, pwn, pwn, classify.EvidenceNSSuffix, pwn, 1}}, nil))
	run := fixtureRun()
	run.Resolvers = append(hostileStrings, pwn)
	if err := WriteAll(dir, run, results, metrics.Compute(results, metrics.Options{})); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, HTMLFile)
	var pwned bool
	var text string
	load := browse(t, path, filepath.Join(artifactDir(), "report-hostile.png"), func(ctx context.Context) (err error) {
		if pwned, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__pwned === 1`)); err != nil {
			return err
		}
		text, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
		return err
	})
	checkLoad(t, load, path)
	if pwned {
		t.Error("a hostile name ran as script in the report")
	}
	if !strings.Contains(text, `<script>alert(1)</script>`) {
		t.Error("the hostile name is not shown as text (it should be escaped, not dropped)")
	}
}

// TestBrowserCheckCatchesProblems proves the browser checks can fail: a
// page that loads an image over the network and logs an error is caught.
func TestBrowserCheckCatchesProblems(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "bad.html")
	bad := `<!doctype html><title>bad</title><body><img src="http://127.0.0.1:9/x.png"><script>console.error("broken")</script></body>`
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	load := browse(t, path, filepath.Join(t.TempDir(), "bad.png"), func(context.Context) error { return nil })
	external := false
	for _, u := range load.requests {
		external = external || strings.HasPrefix(u, "http://127.0.0.1:9/")
	}
	if !external {
		t.Errorf("the external request was not seen; requests: %v", load.requests)
	}
	if len(load.problems) == 0 {
		t.Error("the console error was not seen")
	}
}
