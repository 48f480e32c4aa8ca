# guard-injection: the detector's model and its measurements.
GUARD_DIR  := plugins/guard-injection
GUARD_DATA ?= $(abspath $(GUARD_DIR)/data)

.PHONY: guard-train guard-train-nested guard-train-check guard-eval guard-bench guard-fuzz

## guard-train: retrain the guard's n-gram model (deterministic, seed 1) → plugins/guard-injection/detect/model.bin, with training-report.txt (5-fold and leave-one-source-out at the served threshold; ~100–150 min on 2 cores with version 38's data)
guard-train:
	cd $(GUARD_DIR) && $(GO) run ./cmd/train -data $(GUARD_DATA) -out detect/model.bin -nested=false -report training-report.txt

## guard-train-nested: guard-train with nested leave-one-source-out (each held-out source's threshold chosen on the others; ~3 h on 2 cores) → training-report-nested.txt
guard-train-nested:
	cd $(GUARD_DIR) && $(GO) run ./cmd/train -data $(GUARD_DATA) -out detect/model.bin -report training-report-nested.txt

## guard-train-check: retrain (model only, no cross-validation) twice and require both to equal detect/model.bin byte for byte
guard-train-check:
	@tmp=$$(mktemp -d) && cd $(GUARD_DIR) && \
	$(GO) run ./cmd/train -data $(GUARD_DATA) -folds 0 -loso=false -out $$tmp/a.bin >/dev/null && \
	$(GO) run ./cmd/train -data $(GUARD_DATA) -folds 0 -loso=false -out $$tmp/b.bin >/dev/null && \
	cmp $$tmp/a.bin $$tmp/b.bin && cmp $$tmp/a.bin detect/model.bin && echo "guard-train: byte-identical" ; \
	rc=$$?; rm -rf $$tmp; exit $$rc

## guard-eval: score the served detector on the development CSVs
guard-eval:
	@mkdir -p bin/plugins
	$(GO) build -o bin/plugins/guard-injection ./$(GUARD_DIR)
	bin/plugins/guard-injection eval $(GUARD_DATA)/jailbreak-dev.csv
	bin/plugins/guard-injection eval $(GUARD_DATA)/injection-short-dev.csv
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-2-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-3-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-4-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-5-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-6-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-7-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-8-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-9-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-10-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-11-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-12-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-13-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-14-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-15-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-16-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-17-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-18-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-19-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-20-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-21-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-22-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-23-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-24-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-25-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-26-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-27-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-families-28-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-genres-29-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-32-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-33-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-34-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-35-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-36-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-37-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-38-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-40-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-41-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-42-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-43-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-44-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-45-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-46-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-48-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-49-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-50-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-51-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-52-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-53-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-54-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-55-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-56-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-57-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-58-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-59-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-60-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-61-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-62-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-64-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-65-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-66-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-67-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-68-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-69-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-70-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-72-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-73-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-75-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-76-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-77-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-78-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-80-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-81-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-82-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-84-dev.csv --by category
	bin/plugins/guard-injection eval $(GUARD_DATA)/own-multilingual-85-dev.csv --by category

## guard-bench: detection cost per prompt over the development files
guard-bench:
	cd $(GUARD_DIR) && $(GO) test ./detect -run '^$$' -bench . -benchmem

## guard-fuzz: fuzz the normaliser and detector for a bounded time
guard-fuzz:
	cd $(GUARD_DIR) && $(GO) test ./detect -run '^$$' -fuzz FuzzNormalizeDetect -fuzztime $${FUZZTIME:-30s}
