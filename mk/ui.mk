# The dashboard's browser tests (GET /ui, tests/ui): playwright-core from npm
# driving Debian's chromium (scripts/deps.sh installs chromium), run by
# tests/e2e/dashboard_test.go in make test.
#
# ui-deps installs tests/ui/node_modules from package-lock.json; it is redone
# only when the pin files are newer than its stamp.

UI_TESTS := $(CURDIR)/tests/ui

.PHONY: ui-deps ui-test ui-screenshot

## ui-deps: playwright-core for the dashboard's browser tests (tests/ui/node_modules)
ui-deps: $(UI_TESTS)/node_modules/.installed

$(UI_TESTS)/node_modules/.installed: $(UI_TESTS)/package.json $(UI_TESTS)/package-lock.json
	@echo "ui: npm ci in tests/ui (playwright-core)"
	@cd $(UI_TESTS) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## ui-test: only the dashboard's browser tests, through the real binaries
ui-test: build ui-deps
	@$(GO) test -count=1 -v -run 'TestDashboard' ./tests/e2e/ | grep -E '^(=== RUN|--- |ok|FAIL|PASS)|page load'

## ui-screenshot: run the browser tests and copy their 1400×900 screenshot to docs/img/dashboard.png
ui-screenshot: ui-test
	@mkdir -p docs/img
	@cp bin/ui-screenshots/dashboard-1400.png docs/img/dashboard.png
	@cp bin/ui-screenshots/dashboard-phone.png docs/img/dashboard-phone.png
	@echo "ui: docs/img/dashboard.png and docs/img/dashboard-phone.png updated from bin/ui-screenshots/"
