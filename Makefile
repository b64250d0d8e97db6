# chokepoint: the two set-up commands are `make demo` and `make test`.
GO        ?= go
BIN       := bin/chokepoint
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
BENCH_DOMAINS ?= 100000
FUZZTIME  ?= 20s

.PHONY: all build demo test test-race bench lint fuzz clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/chokepoint

# The whole job offline on the simulated internet; reports in reports/demo/.
demo: build
	./$(BIN) demo --out reports/demo

test:
	$(GO) test -count=1 ./...

test-race:
	$(GO) test -race -count=1 ./...

# Benchmarks; BENCH_DOMAINS sets the size of the crawl and analysis runs.
bench:
	BENCH_DOMAINS=$(BENCH_DOMAINS) $(GO) test -run '^$$' -bench . -benchmem ./... | tee bench.out

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

clean:
	rm -rf bin bench.out reports/demo
