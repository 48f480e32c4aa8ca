# Shared by scripts/run.sh, scripts/logs.sh and scripts/stop.sh (sourced, not run):
# where a `make run` keeps its logs and pids, .env loading, and stopping a
# service's whole process group.
#
# A running stack is described by $LLMGW_DATA_DIR/run.pid, one "name pid" line
# per process: "run" is scripts/run.sh itself, the others (mlflow, simulator,
# gateway) each lead their own process group (started with setsid), so a
# service and every process it started stop together.

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
warn() { printf 'llmgw: %s\n' "$*" >&2; }

# load_env FILE: export each NAME=value of FILE that the environment does not
# already set (the environment wins). Blank lines and # comments are skipped,
# `export NAME=value` and quoted values are understood, an empty value counts
# as unset. Sets env_loaded and env_kept to the names (never the values).
load_env() {
  local file=$1 line key val n=0
  env_loaded=() env_kept=()
  [[ -f $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line || $line == \#* ]] && continue
    line=${line#export }
    if [[ ! $line =~ ^([A-Za-z_][A-Za-z0-9_]*)=(.*)$ ]]; then
      warn "$file:$n: not NAME=value, ignored"
      continue
    fi
    key=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
    if [[ $val =~ ^\"(.*)\"[[:space:]]*(#.*)?$ || $val =~ ^\'(.*)\'[[:space:]]*(#.*)?$ ]]; then
      val=${BASH_REMATCH[1]}
    else
      val=${val%%[[:space:]]#*}
      val=${val%"${val##*[![:space:]]}"}
    fi
    [[ -z $val ]] && continue
    if [[ -n ${!key+set} ]]; then
      env_kept+=("$key")
      continue
    fi
    export "$key=$val"
    env_loaded+=("$key")
  done <"$file"
}

# stack_paths: data_dir, log_dir and pid_file for this checkout (after .env).
stack_paths() {
  data_dir=${LLMGW_DATA_DIR:-./data}
  log_dir=$data_dir/logs
  pid_file=$data_dir/run.pid
}

# running PID: the process exists and is not a zombie.
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# group_alive PGID: some process of the group still exists.
group_alive() { kill -0 -- "-$1" 2>/dev/null; }

# recorded NAME: the pid the pid file records for NAME (empty if none).
recorded() {
  [[ -f $pid_file ]] || return 0
  awk -v n="$1" '$1 == n { print $2 }' "$pid_file"
}

# run_alive: pid of the `make run` that wrote the pid file, if it still runs.
run_alive() {
  local pid
  pid=$(recorded run)
  [[ -n $pid ]] && running "$pid" && grep -qa 'scripts/run.sh' "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
  return 0
}

# stop_group NAME PGID [GRACE]: SIGTERM the group's leader and give it GRACE
# seconds (default 20) to stop what it started (the gateway stops its plugins,
# finishing requests in flight); then SIGTERM whatever is left of the group,
# and SIGKILL it after 5 more seconds.
stop_group() {
  local name=$1 pid=$2 grace=${3:-20} i
  group_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    running "$pid" || break
    sleep 0.1
  done
  wait "$pid" 2>/dev/null || true
  group_alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    group_alive "$pid" || return 0
    sleep 0.1
  done
  warn "$name (process group $pid) ignored SIGTERM: killing it"
  kill -KILL -- "-$pid" 2>/dev/null || true
}
