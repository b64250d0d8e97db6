package pipeline

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// lineBatch is a run of consecutive lines of an observations file: the
// unit of work of classifyObservations. The reader reads the file
// straight into the batch's buffer and cuts the lines there (readBatch),
// so a byte of input is copied once. A lineBatch is reused once the
// caller is done with it: its buffer, its observations and their Store
// (see dnscrawl.Store) hold the next lines, so that a line allocates
// almost nothing to be read.
type lineBatch struct {
	first int // line number of the first line, from 1
	buf   []byte
	lines []lineSpan // where each line is in buf
	// Filled by a worker: for each line, the observation (no domain for
	// an empty line or a decoding error), its classification and the
	// edges its certificate hosts show (classify.Classifier.CertHostEdges),
	// or the decoding error.
	obs     []dnscrawl.Observation
	store   dnscrawl.Store // the arrays of obs
	results []classify.Result
	certs   [][]classify.CertEdge
	errs    []error
	ready   chan struct{} // closed when the worker is done
}

// lineSpan is a line in a batch's buffer, buf[start:end], without its
// end of line.
type lineSpan struct{ start, end int }

const (
	// batchLines is the most lines a batch holds: large enough to make
	// the channel traffic negligible, small enough to keep few in
	// flight.
	batchLines = 512
	// A batch's buffer starts at minBatchBytes and doubles while it
	// fills before batchLines lines, up to batchBytes (a batch then holds
	// fewer lines); a longer line grows it beyond.
	minBatchBytes = 256 << 10
	batchBytes    = 2 << 20
	// readBytes is the most the reader asks the file for at once: what
	// it read past a batch's last line is copied to the next batch.
	readBytes = 64 << 10
	// maxLineBytes bounds a line, as dnscrawl.Decoder bounds it: a
	// longer one ends the read with an error naming it.
	maxLineBytes = 16 << 20
)

// reset makes b ready for the lines from first, keeping its memory.
func (b *lineBatch) reset(first int) {
	b.first = first
	b.buf, b.lines = b.buf[:0], b.lines[:0]
	b.store.Reset()
	clear(b.results[:cap(b.results)]) // drop what the last lines held
	clear(b.certs[:cap(b.certs)])
	clear(b.errs[:cap(b.errs)])
	b.ready = make(chan struct{})
}

// batchReader cuts the lines of a file into batches, as bufio.Scanner
// with bufio.ScanLines cuts them (a line ends at "\n", a "\r" before it
// dropped; the last line may have no end), reading into the batches'
// buffers.
type batchReader struct {
	r     io.Reader
	line  int    // lines read so far
	carry []byte // the bytes read after the last batch's last line
	eof   bool   // r has ended
}

// done reports whether every line has been read.
func (rd *batchReader) done() bool { return rd.eof && len(rd.carry) == 0 }

// fill reads the next lines into b (reset), at most batchLines of them;
// none only at the end of the input. A line longer than maxLineBytes is
// an error (wrapping bufio.ErrTooLong) naming its number.
func (rd *batchReader) fill(b *lineBatch) error {
	b.reset(rd.line + 1)
	if cap(b.buf) < minBatchBytes {
		b.buf = make([]byte, 0, minBatchBytes)
	}
	b.buf = append(b.buf, rd.carry...)
	rd.carry = rd.carry[:0]
	start, scan := 0, 0 // where the next line starts; where to look for its end
	for len(b.lines) < batchLines {
		if i := bytes.IndexByte(b.buf[scan:], '\n'); i >= 0 {
			end := scan + i
			b.addLine(start, end)
			start, scan = end+1, end+1
			continue
		}
		scan = len(b.buf)
		if len(b.buf)-start > maxLineBytes {
			return fmt.Errorf("line %d: %w (more than %d bytes)", rd.line+len(b.lines)+1, bufio.ErrTooLong, maxLineBytes)
		}
		if rd.eof {
			if start < len(b.buf) {
				b.addLine(start, len(b.buf))
				start = len(b.buf)
			}
			break
		}
		if cap(b.buf)-len(b.buf) < readBytes {
			if len(b.lines) > 0 && cap(b.buf) >= batchBytes {
				break // full: the line begun goes to the next batch
			}
			b.buf = slices.Grow(b.buf, cap(b.buf)) // twice the size
		}
		n, err := rd.r.Read(b.buf[len(b.buf):min(cap(b.buf), len(b.buf)+readBytes)])
		b.buf = b.buf[:len(b.buf)+n]
		switch {
		case err == io.EOF:
			rd.eof = true
		case err != nil:
			return err
		}
	}
	rd.carry = append(rd.carry, b.buf[start:]...)
	b.buf = b.buf[:start]
	rd.line += len(b.lines)
	return nil
}

// addLine adds the line buf[start:end] (its "\n" left out), without a
// "\r" that ends it.
func (b *lineBatch) addLine(start, end int) {
	if end > start && b.buf[end-1] == '\r' {
		end--
	}
	b.lines = append(b.lines, lineSpan{start, end})
}

// classifyObservations reads an observations file, decodes and classifies
// its lines on a pool of workers, and calls fn for every observation in
// file order, from the calling goroutine, so that the results are those
// of a sequential read. fn gets the observation's classification and the
// edges its certificate hosts show (cl.CertHostEdges), both made by the
// workers. Bad lines are passed to skip with their numbers,
// in file order, from the calling goroutine, as decodeObservations does.
//
// The observation passed to fn is valid only during the call: its
// memory (slices, maps, pointers) holds later lines afterwards. Its
// strings, and the Result and edges, which hold no memory of the
// observation but its strings, may be kept (TestClassifyObservationsOrder
// compares them, kept to the end, with a sequential read's).
//
// One goroutine reads lines in batches and hands each batch both to the
// workers (runtime.GOMAXPROCS of them, decoding and classifying) and, in
// file order, to the caller's goroutine, which waits for each batch to be
// done before passing its observations on, then hands the batch back to
// the reader for later lines.
func classifyObservations(ctx context.Context, path string, cl *classify.Classifier, skip func(*dnscrawl.LineError), fn func(*dnscrawl.Observation, classify.Result, []classify.CertEdge)) error {
	f, err := os.Open(path)
	if err != nil {
		return inputf("read observations: %w", err)
	}
	defer f.Close()

	workers := runtime.GOMAXPROCS(0)
	g, gctx := errgroup.WithContext(ctx)
	todo := make(chan *lineBatch, workers)
	ordered := make(chan *lineBatch, 2*workers+2)
	// Batches go back to the reader once the caller is done with them.
	free := make(chan *lineBatch, cap(todo)+cap(ordered)+workers+1)

	g.Go(func() error {
		defer close(todo)
		defer close(ordered)
		rd := batchReader{r: f}
		for !rd.done() {
			var b *lineBatch
			select {
			case b = <-free:
			default:
				b = &lineBatch{}
			}
			if err := rd.fill(b); err != nil {
				return fmt.Errorf("read observations %s: %w", path, err)
			}
			if len(b.lines) == 0 {
				break
			}
			for _, ch := range []chan *lineBatch{ordered, todo} {
				select {
				case ch <- b:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
		}
		return nil
	})
	for range workers {
		g.Go(func() error {
			// One per worker, not shared; lean: classification and
			// the edges never read what it leaves out
			// (TestClassifyLeanParser).
			names := dnscrawl.NewLeanParser()
			for b := range todo {
				b.work(cl, names)
			}
			return nil
		})
	}

	for b := range ordered {
		select {
		case <-b.ready:
		case <-gctx.Done():
		}
		if gctx.Err() != nil {
			break // the producer's error, or ctx's
		}
		for i := range b.lines {
			switch {
			case b.errs[i] != nil:
				skip(&dnscrawl.LineError{Line: b.first + i, Err: b.errs[i]})
			case b.obs[i].Domain != "":
				fn(&b.obs[i], b.results[i], b.certs[i])
			}
		}
		select {
		case free <- b:
		default:
		}
	}
	return cmp.Or(g.Wait(), ctx.Err())
}

// work decodes the lines of b with names, classifies them, finds their
// certificate hosts' edges and closes b.ready.
func (b *lineBatch) work(cl *classify.Classifier, names *dnscrawl.Parser) {
	defer close(b.ready)
	n := len(b.lines)
	b.obs = resize(b.obs, n)
	b.results = resize(b.results, n)
	b.certs = resize(b.certs, n)
	b.errs = resize(b.errs, n)
	for i, sp := range b.lines {
		line := b.buf[sp.start:sp.end]
		ob := &b.obs[i]
		if len(line) == 0 {
			*ob = dnscrawl.Observation{}
			continue
		}
		if err := names.ParseInto(line, ob, &b.store); err != nil {
			*ob = dnscrawl.Observation{}
			b.errs[i] = err
			continue
		}
		b.results[i] = cl.Classify(ob)
		b.certs[i] = cl.CertHostEdges(ob)
	}
}

// resize returns s with length n, reusing its memory when it is large
// enough; the elements are those s held (the caller overwrites them).
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
