#!/usr/bin/env bash
# make stop: stop the `make run` of this checkout started in another terminal or
# in the background, by the pids it recorded in $LLMGW_DATA_DIR/run.pid, and
# nothing else. The run script stops its services itself (gateway first, MLflow
# last); a service whose run script is gone (killed with -9) is stopped here.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/stack.sh
. scripts/lib/stack.sh
load_env "${LLMGW_ENV_FILE:-.env}"
stack_paths

if [[ ! -f $pid_file ]]; then
  say "no make run recorded in $pid_file: nothing to stop"
  exit 0
fi
recorded_pids=$(<"$pid_file") # the run script removes the file when it stops
run=$(run_alive)
if [[ -n $run ]]; then
  say "stopping make run (pid $run)"
  kill -TERM "$run"
  for ((i = 0; i < 600; i++)); do
    running "$run" || break
    sleep 0.1
  done
fi
# Whatever the run script did not stop (or could not: it was killed). A
# leader that still runs must be the program recorded, not a reused pid.
declare -A program=([mlflow]=mlflow [simulator]=upstream-sim [gateway]=llmgw)
left=0
while read -r name pid; do
  [[ $name == run || -z $pid ]] && continue
  if running "$pid" && ! grep -qa "${program[$name]:-$name}" "/proc/$pid/cmdline" 2>/dev/null; then
    continue
  fi
  if group_alive "$pid"; then
    left=1
    say "stopping $name (process group $pid)"
    stop_group "$name" "$pid"
  fi
done <<<"$recorded_pids"
rm -f "$pid_file" "$data_dir/run.banner"
if [[ -z $run ]] && ((left == 0)); then
  say "the make run recorded in $pid_file had already ended"
else
  say "stopped"
fi
