#!/bin/sh
# Serves the pinned MLflow in the foreground with a SQLite backend under
# ROOT/mlflow-data. Usage: scripts/mlflow/serve.sh [ROOT]
# MLFLOW_HOST (127.0.0.1), MLFLOW_PORT (5000) and MLFLOW_WORKERS (1) tune it.
set -eu
root=${1:-$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)}
bin="$root/.venv/bin/mlflow"
if [ ! -x "$bin" ]; then
	echo "mlflow: $bin is missing; run 'make mlflow-install' first" >&2
	exit 1
fi
data="$root/mlflow-data"
mkdir -p "$data/artifacts"
host=${MLFLOW_HOST:-127.0.0.1}
port=${MLFLOW_PORT:-5000}
# No usage telemetry leaves the machine; the background job runner (online
# scoring, trace archival) is not needed for tracing and slows start-up.
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true
# Trace cost is computed from the model catalog bundled with MLflow: by
# default the server fetches a newer one from GitHub on the first trace of
# each provider, which stalls that request ~7 s when there is no internet.
export MLFLOW_MODEL_CATALOG_URI=${MLFLOW_MODEL_CATALOG_URI-}
export MLFLOW_SERVER_ENABLE_JOB_EXECUTION=${MLFLOW_SERVER_ENABLE_JOB_EXECUTION:-false}
echo "mlflow: serving on http://$host:$port (data in $data; Ctrl-C stops it)"
exec "$bin" server \
	--backend-store-uri "sqlite:///$data/mlflow.db" \
	--artifacts-destination "$data/artifacts" \
	--host "$host" --port "$port" \
	--workers "${MLFLOW_WORKERS:-1}"
