#!/usr/bin/env bash
# make test: unit tests (with -race) of every module, then the end-to-end tests
# through the real binaries (tests/e2e). Needs redis-server on PATH and the MLflow
# virtualenv (make mlflow-install); the tests start and stop their own Redis,
# MLflow, simulator and gateway processes on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server (.ci/run does it)"; exit 1; }
if grep -q '^mlflow-install:' mk/*.mk 2>/dev/null; then
  make --no-print-directory mlflow-install
fi

make --no-print-directory conformance-deps

modules=(core sdk/go tests/e2e tools/upstream-sim bench)
for m in plugins/*/go.mod; do modules+=("$(dirname "$m")"); done
patterns=()
for m in "${modules[@]}"; do patterns+=("./$m/..."); done

say "go test -race over ${#modules[@]} modules (unit and end-to-end tests)"
go test -race -count=1 -timeout 25m "${patterns[@]}"

say "short fuzz pass (FUZZTIME=${CI_FUZZTIME:-3s} per target)"
FUZZTIME="${CI_FUZZTIME:-3s}" bash scripts/fuzz.sh
