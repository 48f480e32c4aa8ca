# Benchmark (issue 8) and soak (issue 10): bench/README.md.
#   make bench                 full run: 5 interleaved rounds, peers, 3-minute soak (~12 min)
#   make bench-quick           smoke run: 1 round, short runs, no peers, no soak (< 2 min)
# Knobs: ROUNDS=5 PEERS=1 SOAK=1 SOAK_DURATION=3m SOAK_RATE=300 BENCH_ARGS="…"

BENCH_BIN     := bench/.bin/bench
ROUNDS        ?= 5
PEERS         ?= 1
SOAK          ?= 1
SOAK_DURATION ?= 3m
SOAK_RATE     ?= 300
BENCH_ARGS    ?=

.PHONY: bench bench-quick bench-bin bench-test

bench-bin:
	@cd bench && $(GO) build -o .bin/bench .

## bench: build everything, then measure direct/floor/llmgw/peers interleaved and soak llmgw-full
bench: build bench-bin
	@$(BENCH_BIN) --root $(CURDIR) --rounds $(ROUNDS) \
	  --peers=$(if $(filter 0 false no,$(PEERS)),false,true) \
	  --soak $(if $(filter 0 false no,$(SOAK)),0,$(SOAK_DURATION)) --soak-rate $(SOAK_RATE) $(BENCH_ARGS)

## bench-quick: a short smoke run of the benchmark (1 round, no peers, no soak)
bench-quick: build bench-bin
	@$(BENCH_BIN) --root $(CURDIR) --rounds 1 --seq 1s --conc 2s --ttfb 1s --warmup 500ms \
	  --peers=false --soak 0 --out $(CURDIR)/bench/results/quick $(BENCH_ARGS)

## bench-test: the benchmark's own unit tests
bench-test:
	@cd bench && $(GO) test -race ./...
