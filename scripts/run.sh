#!/usr/bin/env bash
# make run: the whole stack in one command.
#   1. loads .env (LLMGW_ENV_FILE picks another file) without overriding the environment;
#   2. starts MLflow on MLFLOW_HOST:MLFLOW_PORT (127.0.0.1:5000), installing the pinned
#      MLflow into .venv on the first run; MLFLOW=0 skips it, an MLFLOW_TRACKING_URI
#      elsewhere or an MLflow already answering on that port is used as it is;
#   3. starts the upstream simulator on SIM_LISTEN (127.0.0.1:8081) when no provider key
#      is set, and points every provider at it (the answers are then synthetic);
#   4. serves LLMGW_CONFIG (pipeline.hcl) on LLMGW_LISTEN (or the file's server.listen).
# Each service logs to $LLMGW_DATA_DIR/logs/<service>.log and, prefixed, to the terminal;
# the pids are in $LLMGW_DATA_DIR/run.pid (make logs, make stop use them). Ctrl-C, SIGTERM
# to this script, or the end of any service stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=scripts/lib/stack.sh
. scripts/lib/stack.sh

env_file=${LLMGW_ENV_FILE:-.env}
load_env "$env_file"
stack_paths
config=${LLMGW_CONFIG:-pipeline.hcl}
sim_listen=${SIM_LISTEN:-127.0.0.1:8081}
mlflow_host=${MLFLOW_HOST:-127.0.0.1}
mlflow_port=${MLFLOW_PORT:-5000}
services=() # names in start order
declare -A pid_of=()
follower=""
stopping=0

# listen_of_config: the server block's listen address in $config, if any.
listen_of_config() {
  awk '/^[[:space:]]*server[[:space:]]*\{/ { s = 1 } s && /^[[:space:]]*listen[[:space:]]*=/ {
         match($0, /"[^"]*"/); print substr($0, RSTART + 1, RLENGTH - 2); exit } s && /^[[:space:]]*\}/ { s = 0 }' "$config"
}

# port_busy HOST:PORT: something accepts connections there.
port_busy() {
  local host=${1%:*} port=${1##*:}
  [[ -z $host || $host == 0.0.0.0 ]] && host=127.0.0.1
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
}

# without_userinfo URL: the URL with any user:password@ removed (for printing).
without_userinfo() { sed -E 's#^([a-z]+://)[^/@]*@#\1#' <<<"$1"; }

already_running() {
  local pid
  pid=$(run_alive)
  [[ -n $pid ]] || return 1
  say "llmgw is already running (make run, pid $pid): nothing started. make logs follows it, make stop stops it."
  [[ -f $data_dir/run.banner ]] && cat "$data_dir/run.banner"
  return 0
}

check_ports() {
  local addr=$1 what=$2 knob=$3
  if port_busy "$addr"; then
    warn "$addr is already in use by another program, so the $what cannot start there."
    warn "Choose another address, e.g. $knob=${addr%:*}:$((${addr##*:} + 10)) make run (or stop what uses it: make stop if it is an earlier make run)."
    exit 1
  fi
}

# start NAME CMD…: run CMD as the leader of its own process group, its output
# appended to NAME's log, and record its pid.
start() {
  local name=$1
  shift
  setsid "$@" >>"$log_dir/$name.log" 2>&1 </dev/null 9>&- &
  pid_of[$name]=$!
  services+=("$name")
  echo "$name $!" >>"$pid_file"
}

# prepare_logs NAMES…: keep the previous run's log as NAME.log.1, start a fresh
# one, and follow them all on the terminal (scripts/logs.sh, its own group).
prepare_logs() {
  local name
  mkdir -p "$log_dir"
  for name in "$@"; do
    [[ -s $log_dir/$name.log ]] && mv -f "$log_dir/$name.log" "$log_dir/$name.log.1"
    : >"$log_dir/$name.log"
  done
  LOGS_LINES=+1 LOGS_FOLLOW_PID=$$ LOGS_SERVICES="$*" setsid bash scripts/logs.sh 9>&- &
  follower=$!
}

# stop_all: stop every service, the gateway first so that it can hand its last
# events to the tracker, MLflow last; then the log follower. The gateway gets
# 20 s to finish requests in flight; the others have nothing to finish (MLflow's
# command lingers ~15 s after its server process ended, so it is not waited for).
stop_all() {
  local i name
  declare -A grace=([gateway]=20 [simulator]=5 [mlflow]=3)
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do
    name=${services[i]}
    stop_group "$name" "${pid_of[$name]}" "${grace[$name]:-10}"
  done
  if [[ -n $follower ]]; then
    sleep 0.3 # let the follower print the services' last lines
    stop_group logs "$follower" 2
  fi
  rm -f "$pid_file" "$data_dir/run.banner"
}

on_signal() {
  ((stopping)) && return
  stopping=1
  echo
  say "$1: stopping ${services[*]:-nothing}"
  stop_all
  say "stopped; nothing left running"
  trap - EXIT
  exit 0
}

# wait_http NAME URL SECONDS: until URL answers below 500, or NAME has exited.
wait_http() {
  local name=$1 url=$2 secs=$3 t0=$SECONDS next=$((SECONDS + 15))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if ! running "${pid_of[$name]}"; then
      warn "$name exited while starting; the end of $log_dir/$name.log:"
      tail -n 20 "$log_dir/$name.log" >&2
      return 1
    fi
    if ((SECONDS - t0 > secs)); then
      warn "$name did not answer $url within ${secs}s; see $log_dir/$name.log"
      return 1
    fi
    if ((SECONDS >= next)); then
      say "waiting for $name ($((SECONDS - t0))s)"
      next=$((SECONDS + 15))
    fi
    sleep 0.2
  done
}

# install_mlflow: the pinned MLflow into .venv, with a progress line while pip works.
install_mlflow() {
  local want t0=$SECONDS pid
  want=$(sed -n 's/^mlflow==//p' scripts/mlflow/requirements.txt)
  say "MLflow is not installed yet: installing MLflow $want into .venv (once, a few minutes; MLFLOW=0 make run skips MLflow; log: $log_dir/mlflow-install.log)"
  sh scripts/mlflow/install.sh "$root" >"$log_dir/mlflow-install.log" 2>&1 9>&- &
  pid=$!
  while running "$pid"; do
    printf '\r  installing MLflow %s … %ds ' "$want" $((SECONDS - t0))
    sleep 1
  done
  echo
  if ! wait "$pid"; then
    warn "installing MLflow failed; the end of $log_dir/mlflow-install.log:"
    tail -n 20 "$log_dir/mlflow-install.log" >&2
    exit 1
  fi
  say "MLflow $want installed in $((SECONDS - t0))s"
}

# plan_mlflow sets mlflow_mode: off, external, reuse or start; and the tracker's URI.
plan_mlflow() {
  local local_url=http://$mlflow_host:$mlflow_port
  if [[ ${MLFLOW:-1} == 0 ]]; then
    mlflow_mode=off
  elif [[ -n ${MLFLOW_TRACKING_URI:-} && ${MLFLOW_TRACKING_URI%/} != "$local_url" ]]; then
    mlflow_mode=external
  else
    export MLFLOW_TRACKING_URI=$local_url
    if curl -fsS -o /dev/null --max-time 2 "$local_url/health" 2>/dev/null; then
      mlflow_mode=reuse
    else
      check_ports "$mlflow_host:$mlflow_port" "MLflow server" MLFLOW_PORT
      mlflow_mode=start
    fi
  fi
}

# no_provider_key: none of the default pipeline's provider keys is set.
no_provider_key() {
  [[ -z "${OPENAI_API_KEY:-}${GEMINI_API_KEY:-}${OPENROUTER_API_KEY:-}${GROQ_API_KEY:-}${ANTHROPIC_API_KEY:-}" ]]
}

# start_simulator points every provider at bin/upstream-sim.
start_simulator() {
  start simulator bin/upstream-sim --listen "$sim_listen"
  export OPENAI_API_KEY=sim-key GEMINI_API_KEY=sim-key OPENROUTER_API_KEY=sim-key GROQ_API_KEY=sim-key ANTHROPIC_API_KEY=sim-key
  export OPENAI_BASE_URL="http://$sim_listen/v1" GEMINI_BASE_URL="http://$sim_listen"
  export OPENROUTER_BASE_URL="http://$sim_listen/api/v1" GROQ_BASE_URL="http://$sim_listen/openai/v1"
  export ANTHROPIC_BASE_URL="http://$sim_listen"
}

# gateway_addr: the address the gateway says it serves on (its log's first
# "llmgw serving on http://ADDR"), waiting for it up to 60 s.
gateway_addr() {
  local i addr
  for ((i = 0; i < 600; i++)); do
    addr=$(sed -n -E 's#.*llmgw serving on http://([^ ":]*|\[[^]]*\]):([0-9]+).*#\1:\2#p' "$log_dir/gateway.log" | head -n 1)
    [[ -n $addr ]] && { echo "$addr"; return 0; }
    running "${pid_of[gateway]}" || break
    sleep 0.1
  done
  warn "the gateway did not start; the end of $log_dir/gateway.log:"
  tail -n 20 "$log_dir/gateway.log" >&2
  return 1
}

banner() {
  local gw=$1 mlflow_line
  case $mlflow_mode in
  off) mlflow_line="off (MLFLOW=0): the tracker keeps its events under $data_dir until an MLflow answers" ;;
  external) mlflow_line="$(without_userinfo "$MLFLOW_TRACKING_URI")  (not started here)" ;;
  reuse) mlflow_line="$MLFLOW_TRACKING_URI  (already running, not started here)" ;;
  start) mlflow_line="$MLFLOW_TRACKING_URI" ;;
  esac
  [[ $mlflow_mode != off ]] && mlflow_line+="  experiment ${MLFLOW_EXPERIMENT_NAME:-llm-gateway}"
  {
    echo "  gateway    http://$gw  ($config)"
    echo "  metrics    http://$gw/metrics"
    echo "  MLflow UI  $mlflow_line"
    if ((synthetic)); then
      echo "  simulator  http://$sim_listen  — no provider key set: every answer is SYNTHETIC (set keys in .env for real ones)"
    else
      echo "  providers  real (keys from the environment or $env_file)"
    fi
    echo "  logs       $log_dir/  (make logs)   stop: Ctrl-C here, or make stop"
  } | tee "$data_dir/run.banner"
}

# preflight: say what .env gave, stop here if a make run is already serving,
# build, and check the ports and MLflow before anything starts. Sets names.
preflight() {
  mkdir -p "$data_dir"
  if ((${#env_loaded[@]} + ${#env_kept[@]})); then
    say "loaded $env_file: ${env_loaded[*]:-no variable}${env_kept:+ (kept from the environment: ${env_kept[*]})}"
  fi
  if already_running; then exit 0; fi
  # One make run per data directory: a second one started at the same moment stops here.
  exec 9>"$data_dir/run.lock"
  if ! flock -n 9; then
    warn "another make run is starting with $data_dir; nothing started"
    exit 1
  fi
  make --no-print-directory build 9>&-
  [[ -f $config ]] || { warn "pipeline file $config not found (LLMGW_CONFIG)"; exit 1; }
  local listen=${LLMGW_LISTEN:-$(listen_of_config)}
  check_ports "${listen:-127.0.0.1:8000}" gateway LLMGW_LISTEN
  plan_mlflow
  names=(gateway)
  synthetic=0
  if no_provider_key; then
    synthetic=1
    check_ports "$sim_listen" simulator SIM_LISTEN
    names=(simulator "${names[@]}")
  fi
  if [[ $mlflow_mode == start ]]; then
    names=(mlflow "${names[@]}")
    [[ -x .venv/bin/mlflow ]] || { mkdir -p "$log_dir"; install_mlflow; }
  fi
}

# launch: MLflow, the simulator, the gateway; then the banner once all answer.
launch() {
  echo "run $$" >"$pid_file"
  trap 'on_signal SIGINT' INT
  trap 'on_signal SIGTERM' TERM
  trap 'stop_all' EXIT
  prepare_logs "${names[@]}"
  export MLFLOW_HOST=$mlflow_host MLFLOW_PORT=$mlflow_port
  [[ $mlflow_mode == start ]] && start mlflow sh scripts/mlflow/serve.sh "$root"
  if ((synthetic)); then
    start_simulator
    wait_http simulator "http://$sim_listen/sim/stats" 30 || exit 1
  fi
  export LLMGW_DATA_DIR=$data_dir
  start gateway bin/llmgw serve --config "$config"
  local gw
  gw=$(gateway_addr) || exit 1
  [[ $mlflow_mode == start ]] && { wait_http mlflow "$MLFLOW_TRACKING_URI/health" 300 || exit 1; }
  say "llmgw is up"
  banner "$gw"
}

# supervise: run until a signal (on_signal) or until any service ends, which
# stops the others; a service stopped by a signal counts as a clean end.
supervise() {
  local done_pid="" status=0 name
  wait -n -p done_pid "${pid_of[@]}" || status=$?
  ((stopping)) && exit 0
  for name in "${services[@]}"; do [[ ${pid_of[$name]} == "$done_pid" ]] && break; done
  say "$name ended (exit status $status): stopping the rest"
  stop_all
  trap - EXIT
  case $status in 0 | 130 | 143) exit 0 ;; *) exit 1 ;; esac
}

preflight
launch
supervise
