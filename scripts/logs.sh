#!/usr/bin/env bash
# make logs: the logs of the services a `make run` started ($LLMGW_DATA_DIR/logs),
# each line prefixed with its service, like `docker-compose logs -f`. While that
# make run is alive it follows them and ends with it (or on Ctrl-C); otherwise it
# prints them and exits. LOGS_LINES (default 100) lines of history per service.
# scripts/run.sh uses it for its own terminal (LOGS_FOLLOW_PID, LOGS_SERVICES).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/stack.sh
. scripts/lib/stack.sh
load_env "${LLMGW_ENV_FILE:-.env}"
stack_paths

lines=${LOGS_LINES:-100}
follow_pid=${LOGS_FOLLOW_PID:-$(run_alive)}
read -r -a names <<<"${LOGS_SERVICES:-$(awk '$1 != "run" { printf "%s ", $1 }' "$pid_file" 2>/dev/null)}"
if ((${#names[@]} == 0)); then
  for f in "$log_dir"/*.log; do
    [[ -f $f && $f != *-install.log ]] && names+=("$(basename "$f" .log)")
  done
fi
if ((${#names[@]} == 0)); then
  warn "no logs in $log_dir: make run writes them there"
  exit 1
fi

width=0
for n in "${names[@]}"; do ((${#n} > width)) && width=${#n}; done
colors=(36 33 32 35 34 31)
tails=()
trap 'kill "${tails[@]}" 2>/dev/null || true; wait; exit 0' INT TERM
i=0
for n in "${names[@]}"; do
  prefix=$(printf "%-${width}s | " "$n")
  [[ -t 1 ]] && prefix=$(printf '\033[%sm%s\033[0m' "${colors[i % ${#colors[@]}]}" "$prefix")
  i=$((i + 1))
  args=(-n "$lines")
  [[ -n $follow_pid ]] && args+=(-F --pid="$follow_pid")
  # sed -u: each line as soon as it is written; the prefix has no sed metacharacters but |, escaped.
  tail "${args[@]}" "$log_dir/$n.log" 2>/dev/null > >(sed -u "s|^|${prefix//|/\\|}|") &
  tails+=($!)
done
wait "${tails[@]}" 2>/dev/null || true
