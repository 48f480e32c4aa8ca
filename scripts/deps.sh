#!/usr/bin/env bash
# make deps (run by make test): install what the tests need on a fresh machine,
# and say what was installed and what was already there.
#   - Debian packages: redis-server, protobuf-compiler, jq, curl, podman,
#     chromium (the dashboard's browser tests), and python3-venv / npm when
#     those are missing (apt-get, as root or with a password-less sudo;
#     otherwise it names the command to run and stops);
#   - the pinned MLflow in .venv (make mlflow-install);
#   - the conformance clients: .venv-tests and tests/conformance/node/node_modules
#     (make conformance-deps);
#   - playwright-core for the dashboard's browser tests: tests/ui/node_modules
#     (make ui-deps);
#   - the Python plugin SDK in .venv-plugins (make python-venv).
# Each step is idempotent: a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
installed=()
present=()

# note NAME WAS_THERE: file NAME under "installed" or "already present".
note() { if [[ $2 == yes ]]; then present+=("$1"); else installed+=("$1"); fi; }

# venv_works: python3 can make a virtualenv with pip (Debian needs python3-venv for it).
venv_works() {
  local tmp ok=1
  command -v python3 >/dev/null || return 1
  tmp=$(mktemp -d)
  python3 -m venv "$tmp/v" >/dev/null 2>&1 && ok=0
  rm -rf "$tmp"
  return $ok
}

debian_packages() {
  local -a missing=()
  local cmd pkg
  for pair in redis-server:redis-server protoc:protobuf-compiler jq:jq curl:curl podman:podman npm:npm python3:python3 chromium:chromium; do
    cmd=${pair%%:*} pkg=${pair#*:}
    if command -v "$cmd" >/dev/null; then present+=("$pkg"); else missing+=("$pkg"); fi
  done
  if [[ ! -x .venv/bin/python || ! -x .venv-tests/bin/python || ! -x .venv-plugins/bin/python ]] && ! venv_works; then
    missing+=(python3-venv)
  fi
  ((${#missing[@]})) || return 0
  local -a sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      echo "deps: missing Debian packages: ${missing[*]}" >&2
      echo "deps: not running as root, so they cannot be installed here; run:" >&2
      echo "        sudo apt-get install -y ${missing[*]}" >&2
      echo "      then make test again (or run make test as root, as CI does)." >&2
      exit 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  installed+=("${missing[@]}")
}

check_go() {
  local want have
  want=$(sed -n 's/^go \([0-9.]*\).*/\1/p' go.work)
  have=$(go env GOVERSION 2>/dev/null | sed 's/^go//') || true
  if [[ -z $have ]]; then
    echo "deps: go is missing: install Go $want or newer (https://go.dev/dl)" >&2
    exit 1
  fi
  present+=("go $have")
}

# The Python and npm steps are make targets (mk/mlflow.mk, mk/conformance.mk,
# mk/python.mk); each is skipped by make or by its script when up to date.
python_and_npm() {
  local had
  had=no; [[ -x .venv/bin/mlflow ]] && had=yes
  [[ $had == no ]] && say "installing the pinned MLflow into .venv (once; a few minutes)"
  make --no-print-directory mlflow-install | grep -v 'already installed' || true
  [[ -x .venv/bin/mlflow ]] || { echo "deps: MLflow did not install into .venv" >&2; exit 1; }
  note "MLflow $(sed -n 's/^mlflow==//p' scripts/mlflow/requirements.txt) (.venv)" "$had"

  had=no; make --no-print-directory -q conformance-deps 2>/dev/null && had=yes
  make -s --no-print-directory conformance-deps
  note "conformance clients (.venv-tests, tests/conformance/node/node_modules)" "$had"

  had=no; make --no-print-directory -q ui-deps 2>/dev/null && had=yes
  make -s --no-print-directory ui-deps
  note "dashboard browser tests (tests/ui/node_modules: playwright-core)" "$had"

  had=no; make --no-print-directory -q python-venv 2>/dev/null && had=yes
  make -s --no-print-directory python-venv
  note "Python plugin SDK (.venv-plugins)" "$had"
}

check_go
debian_packages
python_and_npm

if ((${#installed[@]})); then
  say "deps: installed $(printf '%s, ' "${installed[@]}" | sed 's/, $//')"
else
  say "deps: nothing to install"
fi
echo "deps: already present: $(printf '%s, ' "${present[@]}" | sed 's/, $//')"
