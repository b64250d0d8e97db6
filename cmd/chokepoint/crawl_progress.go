package main

import (
	"bufio"
	"bytes"
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
// writer adds, the progress display reads.
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

func (c *statusCounts) total() int64 {
	var t int64
	for i := range c.n {
		t += c.n[i].Load()
	}
	return t
}

// String lists the non-zero counts, ok first: "ok 9812 nxdomain 51 ...".
func (c *statusCounts) String() string {
	var b strings.Builder
	for i, st := range dnscrawl.Statuses {
		if i >= len(c.n) {
			break
		}
		if v := c.n[i].Load(); v > 0 {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%s %d", st, v)
		}
	}
	return b.String()
}

// startProgress shows the crawl's progress on stderr: a progress bar
// (domains done, per second, ETA, counts per status) when stderr is a
// terminal, otherwise one plain line every o.Progress. total is an
// estimate of the domains to crawl, 0 when unknown. stop(completed) ends
// the display.
func startProgress(o crawlOptions, stderr io.Writer, total int64, counts *statusCounts) (stop func(completed bool)) {
	if o.Progress <= 0 {
		return func(bool) {}
	}
	start := time.Now()
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p := mpb.New(mpb.WithOutput(f), mpb.WithWidth(40), mpb.WithRefreshRate(200*time.Millisecond))
		bar := p.AddBar(max(total, 0),
			mpb.PrependDecorators(decor.Name("crawl "), decor.CountersNoUnit("%d/%d")),
			mpb.AppendDecorators(
				decor.AverageSpeed(0, " %.0f domains/s"),
				decor.Name(" ETA "), decor.AverageETA(decor.ET_STYLE_GO),
				decor.Any(func(decor.Statistics) string { return "  " + counts.String() }),
			),
		)
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
					n := counts.total()
					if n > bar.Current() && total > 0 && n >= total {
						bar.SetTotal(n+1, false) // the estimate was short
					}
					bar.SetCurrent(n)
				}
			}
		}()
		return func(completed bool) {
			close(done)
			<-finished
			bar.SetCurrent(counts.total())
			if completed {
				bar.SetTotal(-1, true)
			} else {
				bar.Abort(false)
			}
			p.Wait()
		}
	}
	stopLines := progress(o.Progress, stderr, func() string {
		n := counts.total()
		rate := float64(n) / max(time.Since(start).Seconds(), 1e-9)
		line := fmt.Sprintf("crawl: %d", n)
		if total > 0 {
			line += fmt.Sprintf("/%d", total)
		}
		line += fmt.Sprintf(" domains done, %.0f/s", rate)
		if total > n && rate > 0 {
			line += fmt.Sprintf(", ETA %s", time.Duration(float64(total-n)/rate*float64(time.Second)).Round(time.Second))
		}
		return line + "; " + counts.String()
	})
	return func(bool) { stopLines() }
}

// estimateTotal estimates how many domains the crawl will take: the
// lines with content of a list file, divided among the shards, less those
// already done. It returns 0 for standard input or an unreadable file.
func estimateTotal(o crawlOptions, done int) int64 {
	if o.Input == "-" || o.Progress <= 0 {
		return 0
	}
	f, err := os.Open(o.Input)
	if err != nil {
		return 0
	}
	defer f.Close()
	var n int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) > 0 && line[0] != '#' {
			n++
		}
	}
	if o.Shard.N > 1 {
		n /= int64(o.Shard.N)
	}
	return max(n-int64(done), 0)
}
