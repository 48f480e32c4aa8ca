# The stack's conveniences around `make run` (scripts/run.sh) and `make test`.
#   make deps    install what the tests need (Debian packages as root, venvs, npm); make test runs it
#   make logs    follow the logs of a running make run, one prefix per service (LOGS_LINES=100)
#   make stop    stop a make run started elsewhere, by the pids it recorded
#   make cover   unit + end-to-end tests with coverage → coverage/index.html, coverage/summary.txt

.PHONY: deps logs stop cover

## deps: what make test needs on a fresh machine (scripts/deps.sh says what it installed)
deps:
	@bash scripts/deps.sh

## logs: follow every service of make run ($$LLMGW_DATA_DIR/logs), prefixed like docker-compose logs -f
logs:
	@bash scripts/logs.sh

## stop: stop the make run of this checkout (started in another terminal or in the background)
stop:
	@bash scripts/stop.sh

## cover: unit + end-to-end tests with coverage (plugin processes included) → coverage/index.html, coverage/summary.txt
cover: build
	@bash scripts/cover.sh
