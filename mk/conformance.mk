# Conformance with real clients: the official OpenAI SDKs (Python and Node)
# and schemathesis against a live gateway, driven by tests/e2e/conformance_test.go.
#
# conformance-deps makes .venv-tests (pinned tests/conformance/requirements.txt)
# and tests/conformance/node/node_modules (npm ci from package-lock.json). It is
# idempotent: each is redone only when its pin file is newer than its stamp.

CONFORMANCE_VENV := $(CURDIR)/.venv-tests
CONFORMANCE_NODE := $(CURDIR)/tests/conformance/node
CONFORMANCE_PY   ?= python3

.PHONY: conformance-deps conformance

## conformance-deps: the test virtualenv (.venv-tests) and the openai npm package
conformance-deps: $(CONFORMANCE_VENV)/.installed $(CONFORMANCE_NODE)/node_modules/.installed

$(CONFORMANCE_VENV)/.installed: tests/conformance/requirements.txt
	@echo "conformance: installing tests/conformance/requirements.txt into .venv-tests"
	@test -x $(CONFORMANCE_VENV)/bin/python || $(CONFORMANCE_PY) -m venv $(CONFORMANCE_VENV)
	@printf '*\n' > $(CONFORMANCE_VENV)/.gitignore
	@$(CONFORMANCE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/conformance/requirements.txt
	@touch $@

$(CONFORMANCE_NODE)/node_modules/.installed: $(CONFORMANCE_NODE)/package.json $(CONFORMANCE_NODE)/package-lock.json
	@echo "conformance: npm ci in tests/conformance/node"
	@cd $(CONFORMANCE_NODE) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## conformance: only the conformance tests (clients, OpenAPI, schemathesis) through the real binaries
conformance: build conformance-deps
	@go test -count=1 -run 'TestOpenAPI|TestConformance' ./tests/e2e/
