#!/usr/bin/env bash
# make cover: the unit and end-to-end tests with coverage, merged into one report.
#   1. builds llmgw, upstream-sim and every plugin with `go build -cover` into
#      $COVER_DIR/bin (the e2e harness uses them through LLMGW_E2E_BIN_DIR, and
#      each of their processes writes its counters under GOCOVERDIR);
#   2. runs the unit tests of core, sdk/go, the plugins and the simulator with
#      -cover, then the end-to-end tests (tests/e2e) through those binaries;
#   3. merges both with `go tool covdata` and writes $COVER_DIR/index.html (HTML
#      report), $COVER_DIR/summary.txt (per package: unit, e2e, together; total)
#      and $COVER_DIR/cover.out (text profile).
# Knobs (for a quick look or a test): COVER_DIR (coverage), COVER_UNIT (Go package
# patterns of the unit step, default every product module; "none" skips it),
# COVER_E2E_RUN (a -run regexp for tests/e2e; "none" skips them).
# A failing test is reported and makes the exit status 1, after the report is written.
# The e2e step skips TestCoverReportIncludesPluginProcesses, the test of this script.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

out=$(realpath -m "${COVER_DIR:-coverage}")
# What is measured: the product's own packages (not the benchmark tool or the test helpers).
coverpkg=github.com/llmgw/llmgw/core/...,github.com/llmgw/llmgw/sdk/go/...,github.com/llmgw/llmgw/plugins/...,github.com/llmgw/llmgw/tools/...
unit_default=(./core/... ./sdk/go/... ./tools/upstream-sim/...)
for m in plugins/*/go.mod; do unit_default+=("./$(dirname "$m")/..."); done
read -r -a unit <<<"${COVER_UNIT:-${unit_default[*]}}"
t0=$SECONDS
failed=()

# cover_build OUT PKG: go build -cover; a binary uses only some of the measured
# packages, and go says so for each of the others: that is expected, not shown.
cover_build() {
  # Static, as make build makes them: the image test puts them in a FROM
  # scratch image.
  CGO_ENABLED=0 go build -cover -covermode=atomic -coverpkg="$coverpkg" -o "$1" "$2" 2>&1 |
    { grep -v '^warning: no packages being built depend on matches' >&2 || true; }
  [[ -x $1 ]]
}

build_instrumented() {
  local p
  say "building instrumented binaries into $out/bin"
  mkdir -p "$out/bin/plugins"
  cover_build "$out/bin/llmgw" ./core/cmd/llmgw
  cover_build "$out/bin/upstream-sim" ./tools/upstream-sim
  for p in plugins/*/main.go; do
    p=$(basename "$(dirname "$p")")
    cover_build "$out/bin/plugins/$p" "./plugins/$p"
  done
  (cd "$out/bin/plugins" && sha256sum -- * >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS)
}

unit_tests() {
  [[ ${unit[*]} == none ]] && return 0
  say "unit tests with coverage: ${unit[*]}"
  mkdir -p "$out/unit"
  go test -count=1 -covermode=atomic -coverpkg="$coverpkg" "${unit[@]}" -args -test.gocoverdir="$out/unit" >"$out/unit.log" 2>&1 ||
    failed+=("unit tests (see $out/unit.log)")
  grep -E '^(ok|FAIL|---)' "$out/unit.log" | grep -v '^---.*PASS' || true
}

e2e_tests() {
  [[ ${COVER_E2E_RUN:-} == none ]] && return 0
  say "end-to-end tests through the instrumented binaries${COVER_E2E_RUN:+ (-run $COVER_E2E_RUN)}"
  mkdir -p "$out/e2e"
  LLMGW_E2E_BIN_DIR="$out/bin" GOCOVERDIR="$out/e2e" \
    go test -count=1 -timeout 30m ${COVER_E2E_RUN:+-run "$COVER_E2E_RUN"} -skip '^TestCoverReportIncludesPluginProcesses$' \
    ./tests/e2e/ >"$out/e2e.log" 2>&1 ||
    failed+=("end-to-end tests (see $out/e2e.log)")
  grep -E '^(ok|FAIL|---)' "$out/e2e.log" | grep -v '^---.*PASS' || true
}

# percent DIR: "package percent" lines of one coverage data directory.
percent() {
  [[ -n $(ls -A "$1" 2>/dev/null) ]] || return 0
  go tool covdata percent -i="$1" | awk '{ for (i = 2; i < NF; i++) if ($i == "coverage:") print $1, $(i + 1) }'
}

report() {
  local inputs=() d
  for d in unit e2e; do [[ -n $(ls -A "$out/$d" 2>/dev/null) ]] && inputs+=("$out/$d"); done
  if ((${#inputs[@]} == 0)); then
    echo "cover: no coverage data was written" >&2
    exit 1
  fi
  say "merging ${#inputs[@]} coverage sets with go tool covdata"
  rm -rf "$out/merged" && mkdir -p "$out/merged"
  go tool covdata merge -i="$(IFS=,; echo "${inputs[*]}")" -o "$out/merged"
  go tool covdata textfmt -i="$out/merged" -o "$out/cover.out"
  go tool cover -html="$out/cover.out" -o "$out/index.html"
  local total
  total=$(go tool cover -func="$out/cover.out" | awk '/^total:/ { print $NF }')
  {
    printf '# llmgw coverage, %s: unit tests, end-to-end tests (instrumented binaries), together\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
    printf '%-70s %8s %8s %8s\n' package unit e2e total
    join -a 1 -a 2 -e - -o 0,1.2,2.2 <(percent "$out/unit" | sort) <(percent "$out/e2e" | sort) |
      join -a 1 -e - -o 0,1.2,1.3,2.2 - <(percent "$out/merged" | sort) |
      awk '{ printf "%-70s %8s %8s %8s\n", $1, $2, $3, $4 }'
    printf '%-70s %8s %8s %8s\n' "total (statements)" "" "" "$total"
  } >"$out/summary.txt"
  say "coverage: $total of statements — $out/index.html, $out/summary.txt ($((SECONDS - t0))s)"
}

rm -rf "$out"
mkdir -p "$out"
build_instrumented
unit_tests
e2e_tests
report
if ((${#failed[@]})); then
  printf 'cover: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
