package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
	"golang.org/x/term"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// statusCounts counts the observations written per status; the crawl's
// writer adds, the progress display reads snapshots.
type statusCounts struct {
	n [16]atomic.Int64 // by index in dnscrawl.Statuses
}

func (c *statusCounts) add(s dnscrawl.Status) {
	for i, st := range dnscrawl.Statuses {
		if st == s && i < len(c.n) {
			c.n[i].Add(1)
			return
		}
	}
}

// snapshot reads every count once. Everything a progress display shows
// comes from one snapshot: the domains done are the sum of the counts
// shown beside them, even while the writer goes on adding.
func (c *statusCounts) snapshot() countSnapshot {
	var s countSnapshot
	for i := range c.n {
		s.n[i] = c.n[i].Load()
	}
	return s
}

// countSnapshot is the count per status at one moment.
type countSnapshot struct {
	n [16]int64
}

// done returns the number of domains counted.
func (s countSnapshot) done() int64 {
	var t int64
	for _, v := range s.n {
		t += v
	}
	return t
}

// String lists the non-zero counts, ok first: "ok 9812 nxdomain 51 ...".
func (s countSnapshot) String() string {
	var b strings.Builder
	for i, st := range dnscrawl.Statuses {
		if i >= len(s.n) {
			break
		}
		if v := s.n[i]; v > 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s %d", st, v)
		}
	}
	return b.String()
}

// progressLine is the plain progress line for a snapshot after elapsed,
// total being the domains this crawl has to do (0: unknown): "crawl:
// 812/1500 domains done, 130/s, ETA 5s; ok 800 nxdomain 12". The counts
// per status add up to the domains done, and done never shows more than
// the total.
func progressLine(s countSnapshot, total int64, elapsed time.Duration) string {
	n := s.done()
	rate := float64(n) / max(elapsed.Seconds(), 1e-9)
	line := fmt.Sprintf("crawl: %d", n)
	if total > 0 {
		line += fmt.Sprintf("/%d", max(total, n))
	}
	line += fmt.Sprintf(" domains done, %.0f/s", rate)
	if total > n && rate > 0 {
		line += fmt.Sprintf(", ETA %s", time.Duration(float64(total-n)/rate*float64(time.Second)).Round(time.Second))
	}
	if st := s.String(); st != "" {
		line += "; " + st
	}
	return line
}

// startProgress shows the crawl's progress on stderr: a progress bar
// (domains done, per second, ETA, counts per status) when stderr is a
// terminal, otherwise one plain line every o.Progress. total is the
// number of domains the crawl has to do. stop(completed) ends the
// display.
func startProgress(o crawlOptions, stderr io.Writer, total int64, counts *statusCounts) (stop func(completed bool)) {
	if o.Progress <= 0 {
		return func(bool) {}
	}
	start := time.Now()
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		// The ticker takes one snapshot at a time; the bar's position and
		// every figure of its text come from it.
		var last atomic.Pointer[countSnapshot]
		last.Store(&countSnapshot{})
		p := mpb.New(mpb.WithOutput(f), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
		bar := p.AddBar(max(total, 0),
			mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
				n := last.Load().done()
				return fmt.Sprintf("crawl %d/%d", n, max(total, n))
			})),
			mpb.AppendDecorators(
				decor.AverageSpeed(0, " %.0f domains/s"),
				decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO),
				decor.Any(func(decor.Statistics) string { return "  " + last.Load().String() }),
			),
		)
		update := func() {
			s := counts.snapshot()
			last.Store(&s)
			n := s.done()
			if n > total {
				bar.SetTotal(n, false) // not with an exact total; never more done than the total
			}
			bar.SetCurrent(n)
		}
		done := make(chan struct{})
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			t := time.NewTicker(100 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					update()
				}
			}
		}()
		return func(completed bool) {
			close(done)
			<-finished
			update()
			if completed {
				bar.SetTotal(-1, true)
			} else {
				bar.Abort(false)
			}
			p.Wait()
		}
	}
	stopLines := progress(o.Progress, stderr, func() string {
		return progressLine(counts.snapshot(), total, time.Since(start))
	})
	return func(bool) { stopLines() }
}
