# chokepoint: the two set-up commands are `make demo` and `make test`.
GO        ?= go
BIN       := bin/chokepoint
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
BENCH_DOMAINS ?= 100000
FUZZTIME  ?= 20s

.PHONY: all deps build demo test test-duckdb test-race bench-scale bench bench-peers lint fuzz zdns clean report-shots

all: build

# With DuckDB (build tag duckdb: analyze --engine duckdb) when a C compiler
# is there, as cgo needs one; without it, the cgo-free build of a plain
# "go install", and a note saying so.
CC        ?= cc
TAGS      ?= $(shell command -v $(CC) >/dev/null 2>&1 && echo duckdb)
build:
	@if [ -z "$(TAGS)" ]; then echo "note: no C compiler ($(CC)): building without DuckDB (analyze --engine duckdb unavailable)"; fi
	$(GO) build -tags "$(TAGS)" -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/chokepoint

# The whole job offline on the simulated internet; reports in reports/demo/.
demo: build
	./$(BIN) demo --out reports/demo

# The modules of go.mod, test-only ones (chromedp) included, into Go's
# module cache: the network is needed the first time only.
deps:
	$(GO) mod download

# The tests never touch the network: with GOPROXY=off a module missing from
# the cache is an error, not a download.
test: deps
	GOPROXY=off $(GO) test -count=1 ./...
	$(MAKE) test-duckdb

# The tests of the DuckDB engine (build tag duckdb, cgo: a C compiler is
# needed; .ci/run installs build-essential): the SQL analysis equals the Go
# engine on simnet and on the golden simnet-400 run. The plain run above
# tests the cgo-free build, in which --engine duckdb says how to build it.
# Without a C compiler they are skipped with a note (as the browser tests
# skip without Chromium), and fail under CI=true.
test-duckdb: deps
	@if [ -z "$(TAGS)" ]; then \
	  echo "note: no C compiler ($(CC)): the DuckDB engine's tests are skipped (apt-get install build-essential to run them)"; \
	  if [ -n "$$CI" ]; then exit 1; fi; \
	else \
	  GOPROXY=off CGO_ENABLED=1 $(GO) test -count=1 -tags duckdb -run 'DuckDB|Finish' ./pipeline ./cmd/chokepoint; \
	fi

test-race: deps
	GOPROXY=off $(GO) test -race -count=1 ./...

# Benchmarks; BENCH_DOMAINS sets the size of the crawl and analysis runs.
bench:
	BENCH_DOMAINS=$(BENCH_DOMAINS) $(GO) test -run '^$$' -bench . -benchmem ./... | tee bench.out

# chokepoint's crawler beside dnsperf, massdns, zdns, dnsx and a bare
# miekg/dns client, all against one NSD on 127.0.0.1 serving PEERS_DOMAINS
# synthetic zones, three interleaved rounds each; prints one table (see
# docs/benchmarks.md). Installs NSD and dnsperf (apt-get, as root), zdns
# and dnsx (pinned, Go module proxy), and massdns from its source when
# MASSDNS_SRC names it (in no registry here; without it the table goes
# without massdns). Not run by CI.
PEERS_DOMAINS ?= 200000
PEERS_ROUNDS  ?= 3
PEERS_FLAGS   ?=
MASSDNS_SRC   ?=
bench-peers: build
	MASSDNS_SRC="$(MASSDNS_SRC)" bash scripts/bench-peers/install.sh "$(ZDNS_DIR)"
	$(GO) build -o bin/bench-peers ./cmd/bench-peers
	PATH="$(ZDNS_DIR):$$PATH" ./bin/bench-peers -domains $(PEERS_DOMAINS) -rounds $(PEERS_ROUNDS) -chokepoint $(BIN) $(PEERS_FLAGS)

# The SQL analysis on DuckDB over SCALE_DOMAINS simulated domains (default
# ten million): simnet-tables writes their classified tables straight from
# the market model into SCALE_DIR (observations of ten million domains
# would be about 37 GB), then analyze --engine duckdb runs on them with a
# SCALE_MEMORY memory limit, timed, with its peak memory (GNU time). The
# process takes more than the limit (DuckDB allocates outside its pool,
# and the Go side has its own heap, up to 512 MiB): 2 GB gave 2.7 GB peak
# at a million domains, so 2GB keeps the whole under the 4 GB target. See
# docs/benchmarks.md. Needs a build with DuckDB (a C compiler).
SCALE_DOMAINS ?= 10000000
SCALE_SHARDS  ?= 8
SCALE_DIR     ?= bin/scale
SCALE_MEMORY  ?= 2GB
bench-scale: build
	$(GO) build -o bin/simnet-tables ./cmd/simnet-tables
	rm -rf $(SCALE_DIR)
	/usr/bin/time -f "tables: %e s wall, %U s user, %S s sys, peak %M KB" ./bin/simnet-tables -domains $(SCALE_DOMAINS) -shards $(SCALE_SHARDS) -out $(SCALE_DIR)/tables
	/usr/bin/time -f "analyze --engine duckdb: %e s wall, %U s user, %S s sys, peak %M KB" ./$(BIN) analyze $(SCALE_DIR)/tables --engine duckdb \
	  --duckdb-memory $(SCALE_MEMORY) --duckdb-temp $(SCALE_DIR)/spill --bootstrap 0 -q --data-dir "" --out $(SCALE_DIR)/report

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Each fuzz target for FUZZTIME.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

# zdns at the version the README's zdns recipe is tested with (pinned in
# scripts/install-zdns.sh), into ZDNS_DIR; needs the Go module proxy.
ZDNS_DIR ?= $(shell $(GO) env GOPATH)/bin
zdns:
	bash scripts/install-zdns.sh "$(ZDNS_DIR)"

# Screenshots of the demo report at 1400 px and 800 px and its A4 PDF, in
# SHOTS (kept out of git), with the layout checks of the browser test;
# needs Chromium.
SHOTS ?= bin/report-shots
report-shots: demo
	CHOKEPOINT_SHOTS=$(abspath $(SHOTS)) CHOKEPOINT_REPORT=$(abspath reports/demo/report.html) \
	  GOPROXY=off $(GO) test -count=1 -run '^TestReportShots$$' -v ./reports

clean:
	rm -rf bin bench.out reports/demo
