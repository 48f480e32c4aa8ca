# guard-injection: the detector's model and its measurements.
GUARD_DIR  := plugins/guard-injection
GUARD_DATA ?= $(abspath $(GUARD_DIR)/data)

.PHONY: guard-train guard-eval guard-bench guard-fuzz

## guard-train: retrain the guard's n-gram model (deterministic, seed 1) → plugins/guard-injection/detect/model.bin
guard-train:
	cd $(GUARD_DIR) && $(GO) run ./cmd/train -data $(GUARD_DATA) -out detect/model.bin -report training-report.txt

## guard-eval: score the served detector on the development CSVs
guard-eval:
	@mkdir -p bin/plugins
	$(GO) build -o bin/plugins/guard-injection ./$(GUARD_DIR)
	bin/plugins/guard-injection eval $(GUARD_DATA)/jailbreak-dev.csv
	bin/plugins/guard-injection eval $(GUARD_DATA)/injection-short-dev.csv

## guard-bench: detection cost per prompt over the development files
guard-bench:
	cd $(GUARD_DIR) && $(GO) test ./detect -run '^$$' -bench . -benchmem

## guard-fuzz: fuzz the normaliser and detector for a bounded time
guard-fuzz:
	cd $(GUARD_DIR) && $(GO) test ./detect -run '^$$' -fuzz FuzzNormalizeDetect -fuzztime $${FUZZTIME:-30s}
