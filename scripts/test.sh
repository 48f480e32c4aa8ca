#!/usr/bin/env bash
# make test: unit tests (with -race) of every module, then the end-to-end tests
# through the real binaries (tests/e2e). make test runs scripts/deps.sh first,
# which installs redis-server, the MLflow virtualenv and the conformance
# clients; the tests start and stop their own Redis, MLflow, simulator and
# gateway processes on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

modules=(core sdk/go tests/e2e tools/upstream-sim tools/release bench)
for m in plugins/*/go.mod; do modules+=("$(dirname "$m")"); done
patterns=()
for m in "${modules[@]}"; do patterns+=("./$m/..."); done

say "the repository stands alone: no file refers to a directory beside it"
if git grep -nE '\.\./(shared)/' -- . ; then
  echo "these lines refer to a directory beside the repository, which a clone does not have" >&2
  exit 1
fi

say "go mod tidy -diff in every module (GOWORK=off)"
bash scripts/tidy-check.sh

say "go test -race over ${#modules[@]} modules (unit and end-to-end tests)"
go test -race -count=1 -cover -timeout 45m "${patterns[@]}"

say "short fuzz pass (FUZZTIME=${CI_FUZZTIME:-3s} per target)"
FUZZTIME="${CI_FUZZTIME:-3s}" bash scripts/fuzz.sh
