# adApi-go. The two commands a person needs: `make run` and `make test`.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
ADDR ?= 127.0.0.1:8080
# The demo CRM page's address ("" for none), on another site.
CRM_ADDR ?= localhost:8081
# TLS=1: HTTPS, with a self-signed certificate made once in .tls/ (README, "HTTPS").
TLS ?=
SCHEME := $(if $(TLS),https,http)
# Origins allowed to embed the desktop and call it (adapi-config.json): the
# demo CRM page's by default.
ALLOW ?= $(if $(CRM_ADDR),$(SCHEME)://$(CRM_ADDR))
WASMFLAGS := -trimpath -ldflags="-s -w"
FUZZTIME ?= 5s
# make test fuzzes each target for a number of inputs, not a duration: with
# a duration, a worker still busy when it runs out fails the run with
# "context deadline exceeded" on a slow machine (seen in CI here).
FUZZTEST ?= 20000x
WASM := web/adapi.wasm web/adapi-client.wasm
PRECOMPRESSED := $(foreach f,adapi.wasm adapi-client.wasm wasm_exec.js adapi.js adapi-sip.js,web/$(f).br web/$(f).gz)

.PHONY: build run test test-native test-types test-browser bp-app bp-app-path fuzz chromium kamailio clean bench

## build: the wasm modules (the desktop's, and the smaller one CRM pages
## load), wasm_exec.js from this toolchain, precompressed copies. Each is a
## file target with its real inputs, so with nothing changed nothing is
## rebuilt or recompressed (make run starts in about a second).
build: $(WASM) web/wasm_exec.js $(PRECOMPRESSED)

# What the modules are built from: every Go file of the packages the glue
# can import (all but the servers, tools, bench and tests), go.mod, go.sum
# and the toolchain.
WASM_SRC := $(shell find . \( -path ./.git -o -path ./.tools -o -path ./web -o -path ./bench -o -path ./browsertest -o -path ./cmd -o -path ./server -o -path ./testbed -o -path ./typescheck \) -prune -o -type f -name '*.go' ! -name '*_test.go' -print)
SERVE_SRC := $(shell find . \( -path ./.git -o -path ./.tools -o -path ./web -o -path ./bench -o -path ./browsertest -o -path ./wasm -o -path ./cmd/adapi-bench \) -prune -o -type f -name '*.go' ! -name '*_test.go' -print)
GODEPS := go.mod go.sum $(GOROOT)/VERSION

web/adapi.wasm: $(WASM_SRC) $(GODEPS)
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o $@ ./wasm
web/adapi-client.wasm: $(WASM_SRC) $(GODEPS)
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -tags adapiclient -o $@ ./wasm
# Copied from the toolchain on every build, but only written (and so only
# recompressed) when it differs.
web/wasm_exec.js: FORCE
	@cmp -s "$(GOROOT)/lib/wasm/wasm_exec.js" $@ || { echo cp "$(GOROOT)/lib/wasm/wasm_exec.js" $@; cp "$(GOROOT)/lib/wasm/wasm_exec.js" $@; }
# One rule writes both copies (a grouped pattern rule: safe with make -j).
web/%.br web/%.gz: web/% bin/precompress
	bin/precompress $<
bin/precompress: cmd/precompress/main.go $(GODEPS)
	$(GO) build -o $@ ./cmd/precompress
bin/adapi-serve: $(SERVE_SRC) $(GODEPS)
	$(GO) build -o $@ ./cmd/adapi-serve
bin/sipbed: $(SERVE_SRC) $(GODEPS)
	$(GO) build -o $@ ./cmd/sipbed
FORCE:

## run: build, then serve the demo and print its URL; SIP=1: with real
## calls through the local SIP test bed (Kamailio and the far end)
SERVE := bin/adapi-serve -addr $(ADDR) -crm-addr "$(CRM_ADDR)" -allow "$(ALLOW)" $(if $(TLS),-tls)
run: build bin/adapi-serve $(if $(filter 1,$(SIP)),kamailio bin/sipbed)
ifeq ($(SIP),1)
	bin/sipbed -origin $(SCHEME)://$(ADDR) -- $(SERVE)
else
	$(SERVE)
endif

TSC_VERSION := 5.9.3

## test: everything: vet, native tests with -race, short fuzzing, the types, the browser
test: chromium kamailio build test-native test-types test-browser

test-native:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm
	GOOS=js GOARCH=wasm $(GO) vet -tags adapinosip ./wasm # make bench's desktop module without SIP
	$(GO) test -race -count=1 ./bridge/... ./server/... ./cmd/... ./testbed/...
	$(MAKE) fuzz FUZZTIME=$(FUZZTEST)

# test-browser builds first (the harness does not build: it fails when the
# modules are missing or older than their sources); as a prerequisite, make
# runs build once even under -j.
test-browser: chromium build
	$(GO) test -count=1 -v -timeout 30m ./browsertest/ 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)' ; exit $${PIPESTATUS[0]}

## bp-app: drive Bright Pattern's own example CRM app against the desktop,
## both widget versions (opt-in: BPAPP is a checkout of
## github.com/ServicePattern/crm-client-api-example, outside this
## repository; it needs the npm registry; README, "Bright Pattern's app")
bp-app: bp-app-path chromium build
	ADAPI_BPAPP="$(abspath $(BPAPP))" $(GO) test -count=1 -v -timeout 15m -run '^TestRealBrightPatternApp$$' ./browsertest/ 2>&1 | grep -vE '^=== (RUN|PAUSE|CONT)' ; exit $${PIPESTATUS[0]}
bp-app-path:
	@test -n "$(BPAPP)" || { echo 'make bp-app: set BPAPP to a checkout of github.com/ServicePattern/crm-client-api-example (git clone it outside this repository)' >&2; exit 2; }

## test-types: compile a small TypeScript widget against web/adapi.d.ts
test-types:
	@test -x .tools/node_modules/.bin/tsc || npm install --prefix .tools --no-save --no-audit --no-fund typescript@$(TSC_VERSION) >/dev/null
	.tools/node_modules/.bin/tsc -p typescheck

## fuzz: each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m for a long run),
## in every package under bridge/
fuzz:
	@log=$$(mktemp); trap 'rm -f "$$log"' EXIT; \
	for p in $$($(GO) list ./bridge/...); do for f in $$($(GO) test -list 'Fuzz.*' $$p | grep ^Fuzz); do \
		echo "fuzz $$p $$f for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$p > "$$log" 2>&1 || { cat "$$log"; exit 1; }; \
	done; done

## chromium: the browser the tests drive, installed when missing ($$CHROME,
## or any of the names browsertest looks for)
chromium:
	@{ [ -n "$$CHROME" ] && command -v "$$CHROME"; } >/dev/null || command -v chromium chromium-browser google-chrome google-chrome-stable chrome headless_shell >/dev/null || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

## kamailio: the SIP server of the test bed (testbed/), installed when missing
kamailio:
	@test -x /usr/sbin/kamailio && dpkg -s kamailio-websocket-modules >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y kamailio kamailio-websocket-modules; }

clean:
	rm -f web/adapi.wasm web/adapi-client.wasm web/*.br web/*.gz web/adapi-config.json bin/precompress bin/adapi-serve bin/sipbed

## bench: speed and footprint, beside a pure-JS reference and a Go no-op floor
## measured in the same run (prints a table, writes bench/results.json)
bench: chromium build
	$(GO) test -run '^$$' -bench . -benchmem ./bridge/
	$(GO) run ./cmd/adapi-bench $(BENCHFLAGS)
