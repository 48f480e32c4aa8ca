#!/usr/bin/env bash
# make tidy-check: every Go module of the repository is tidy on its own.
# Usage: scripts/tidy-check.sh [MODULE_DIR...]   (default: every module in the repository)
# Runs `go mod tidy -diff` with GOWORK=off in each directory holding a go.mod
# (the local `replace` lines stay; they are what a build outside the workspace
# uses) and fails, printing the diff, when tidy would change a go.mod or go.sum.
# GOFLAGS=-mod=mod lets tidy read the module graph without a vendor directory.
set -euo pipefail
if [ $# -gt 0 ]; then
  modules=("$@")
else
  cd "$(dirname "$0")/.."
  mapfile -t modules < <(git ls-files --cached --others --exclude-standard -- '*go.mod' | grep -v '/testdata/' | xargs -rn1 dirname | sort -u)
fi
failed=()
for m in "${modules[@]}"; do
  if out=$(cd "$m" && GOWORK=off GOFLAGS=-mod=mod go mod tidy -diff 2>&1); then
    continue
  fi
  failed+=("$m")
  printf '%s: go mod tidy would change it:\n%s\n\n' "$m" "$out"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "tidy-check: ${#failed[@]} of ${#modules[@]} modules are not tidy: ${failed[*]}"
  echo "fix: (cd <module> && GOWORK=off go mod tidy)"
  exit 1
fi
echo "tidy-check: ${#modules[@]} modules tidy (${modules[*]})"
