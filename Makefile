# llmgw — the two commands you need are `make run` and `make test`.
SHELL   := /bin/bash
GO      ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/llmgw/llmgw/core/pipeline.Version=$(VERSION)
API_URL ?= http://127.0.0.1:8000
PROMPT  ?= What is the capital of France?

# Every Go module of the workspace, and the plugins that have a main package.
PLUGINS      := $(patsubst plugins/%/main.go,%,$(wildcard plugins/*/main.go))
MODULES      := core sdk/go tests/e2e $(patsubst %/go.mod,%,$(wildcard plugins/*/go.mod)) tools/upstream-sim bench
PKG_PATTERNS := $(addsuffix /...,$(addprefix ./,$(MODULES)))

.PHONY: all build run test test-go test-e2e vet fmt proto bench fuzz clean \
        api-test api-models api-generate api-generate-gemini

all: build

# The binaries are static (no cgo): they run on any Linux, and the container
# image (Dockerfile, FROM scratch) is made of these same files.
build: export CGO_ENABLED := 0

## build: bin/llmgw, bin/upstream-sim and bin/plugins/<name> (+ their SHA256SUMS)
build:
	@mkdir -p bin/plugins
	@echo "building bin/llmgw, bin/upstream-sim and $(words $(PLUGINS)) plugins: $(PLUGINS)"
	@$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/llmgw ./core/cmd/llmgw
	@$(GO) build -trimpath -ldflags '-s -w' -o bin/upstream-sim ./tools/upstream-sim
	@for p in $(PLUGINS); do $(GO) build -trimpath -ldflags '-s -w' -o bin/plugins/$$p ./plugins/$$p || exit 1; done
	@cd bin/plugins && sha256sum $(PLUGINS) > SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS
	@$(MAKE) --no-print-directory build-extras

# Other makefiles (mk/*.mk) add to build-extras (e.g. the Python example's venv).
.PHONY: build-extras
build-extras::
	@true

## run: the whole stack — MLflow, the simulator when no provider key is set, the gateway (scripts/run.sh)
# run.sh builds (make build) after checking that no make run is already serving.
run:
	@bash scripts/run.sh

## test: everything CI runs — installs what is missing (make deps), vet, unit tests with -race, end-to-end tests
test: deps build vet
	@bash scripts/test.sh

vet:
	@echo "go vet over $(words $(MODULES)) modules"
	@$(GO) vet $(PKG_PATTERNS)
	@unformatted=$$(gofmt -l $(MODULES) | grep -v '\.pb\.go$$' || true); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi

fmt:
	@gofmt -w $(MODULES)

## proto: regenerate sdk/go/proto (protoc from Debian's protobuf-compiler + protoc-gen-go[-grpc])
proto:
	@command -v protoc >/dev/null || { echo "protoc missing: apt-get install protobuf-compiler"; exit 1; }
	@$(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
	@$(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.6.2
	@cd sdk/go && PATH="$$($(GO) env GOPATH)/bin:$$PATH" protoc -I proto \
	  --go_out=proto --go_opt=paths=source_relative \
	  --go-grpc_out=proto --go-grpc_opt=paths=source_relative \
	  proto/llmgw/v1/llmgw.proto
	@echo "regenerated sdk/go/proto/llmgw/v1 (Go)"
	@$(MAKE) --no-print-directory python-proto

## fuzz: every fuzz target for FUZZTIME each (default 30s)
fuzz:
	@bash scripts/fuzz.sh

clean:
	rm -rf bin

# --- curl + jq helpers against a running gateway (API_URL) ---
api-test:
	@curl -sS $(API_URL)/health | jq .
api-models:
	@curl -sS $(API_URL)/models | jq .
api-generate:
	@jq -n --arg p "$(PROMPT)" '{prompt:$$p, model:"smart-router"}' | \
	  curl -sS -X POST $(API_URL)/generate -H 'Content-Type: application/json' -d @- | jq .
api-generate-gemini:
	@jq -n --arg p "$(PROMPT)" '{prompt:$$p, model:"gemini-secondary"}' | \
	  curl -sS -X POST $(API_URL)/generate -H 'Content-Type: application/json' -d @- | jq .

-include mk/*.mk
