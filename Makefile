# adApi-go. The two commands a person needs: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
ADDR ?= 127.0.0.1:8080
# Origins allowed to embed the desktop and call it (adapi-config.json).
ALLOW ?= http://localhost:8081
WASMFLAGS := -trimpath -ldflags="-s -w"
FUZZTIME ?= 5s
# make test fuzzes each target for a number of inputs, not a duration: with
# a duration, a worker still busy when it runs out fails the run with
# "context deadline exceeded" on a slow machine (seen in CI here).
FUZZTEST ?= 20000x

.PHONY: build run test test-native test-types test-browser fuzz chromium clean bench

## build: the wasm modules (the desktop's, and the smaller one CRM pages
## load), wasm_exec.js from this toolchain, precompressed copies
build:
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o web/adapi.wasm ./wasm
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -tags adapiclient -o web/adapi-client.wasm ./wasm
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" web/wasm_exec.js
	$(GO) run ./cmd/precompress web/adapi.wasm web/adapi-client.wasm web/wasm_exec.js web/adapi.js

## run: build, then serve the demo and print its URL
run: build
	$(GO) run ./cmd/adapi-serve -addr $(ADDR) -allow "$(ALLOW)"

TSC_VERSION := 5.9.3

## test: everything: vet, native tests with -race, short fuzzing, the types, the browser
test: chromium build test-native test-types test-browser

test-native:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm
	$(GO) test -race -count=1 ./bridge/... ./server/...
	$(MAKE) fuzz FUZZTIME=$(FUZZTEST)

test-browser:
	$(GO) test -count=1 -v ./browsertest/ 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)' ; exit $${PIPESTATUS[0]}

## test-types: compile a small TypeScript widget against web/adapi.d.ts
test-types:
	@test -x .tools/node_modules/.bin/tsc || npm install --prefix .tools --no-save --no-audit --no-fund typescript@$(TSC_VERSION) >/dev/null
	.tools/node_modules/.bin/tsc -p typescheck

## fuzz: each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m for a long run)
fuzz:
	@for f in $$($(GO) test -list 'Fuzz.*' ./bridge/ | grep ^Fuzz); do \
		echo "fuzz $$f for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./bridge/ > /tmp/adapi-fuzz.log 2>&1 || { cat /tmp/adapi-fuzz.log; exit 1; }; \
	done

## chromium: the browser the tests drive, installed when missing
chromium:
	@command -v chromium >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

clean:
	rm -f web/adapi.wasm web/adapi-client.wasm web/*.br web/*.gz web/adapi-config.json

## bench: speed and footprint, beside a pure-JS reference and a Go no-op floor
## measured in the same run (prints a table, writes bench/results.json)
bench: chromium build
	$(GO) test -run '^$$' -bench . -benchmem ./bridge/
	$(GO) run ./cmd/adapi-bench $(BENCHFLAGS)
