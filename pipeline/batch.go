package pipeline

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/chokepoint-dev/chokepoint/analysis/classify"
	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// lineBatch is a run of consecutive lines of an observations file: the
// unit of work of classifyObservations. The lines are copied into one
// buffer, so the scanner's buffer can be reused at once. A lineBatch is
// reused once the caller is done with it: its buffer, its observations
// and their Store (see dnscrawl.Store) hold the next lines, so that a
// line allocates almost nothing to be read.
type lineBatch struct {
	first int // line number of the first line, from 1
	buf   []byte
	ends  []int // end offset in buf of each line
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

// batchLines is the number of lines per batch: large enough to make the
// channel traffic negligible, small enough to keep few in flight.
const batchLines = 512

// reset makes b ready for the lines from first, keeping its memory.
func (b *lineBatch) reset(first int) {
	b.first = first
	b.buf, b.ends = b.buf[:0], b.ends[:0]
	b.store.Reset()
	clear(b.results[:cap(b.results)]) // drop what the last lines held
	clear(b.certs[:cap(b.certs)])
	clear(b.errs[:cap(b.errs)])
	b.ready = make(chan struct{})
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
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
		line := 0
		var b *lineBatch
		send := func() error {
			for _, ch := range []chan *lineBatch{ordered, todo} {
				select {
				case ch <- b:
				case <-gctx.Done():
					return gctx.Err()
				}
			}
			b = nil
			return nil
		}
		for sc.Scan() {
			line++
			if b == nil {
				select {
				case b = <-free:
				default:
					b = &lineBatch{buf: make([]byte, 0, 1<<20), ends: make([]int, 0, batchLines)}
				}
				b.reset(line)
			}
			b.buf = append(b.buf, sc.Bytes()...)
			b.ends = append(b.ends, len(b.buf))
			if len(b.ends) == batchLines {
				if err := send(); err != nil {
					return err
				}
			}
		}
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read observations %s: %w", path, err)
		}
		if b != nil {
			return send()
		}
		return nil
	})
	for range workers {
		g.Go(func() error {
			names := dnscrawl.NewParser() // one per worker: not shared
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
		for i := range b.ends {
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
	n := len(b.ends)
	b.obs = resize(b.obs, n)
	b.results = resize(b.results, n)
	b.certs = resize(b.certs, n)
	b.errs = resize(b.errs, n)
	start := 0
	for i, end := range b.ends {
		line := b.buf[start:end]
		start = end
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
