#!/usr/bin/env bash
# make run: serve the gateway on 127.0.0.1:8000 with pipeline.hcl.
# With no provider key in the environment, the upstream simulator stands in for
# OpenAI, Gemini, OpenRouter and Groq (answers are synthetic). When MLflow is
# installed (make mlflow-install) and not already running, it is started too.
set -euo pipefail
cd "$(dirname "$0")/.."

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [[ -z "${OPENAI_API_KEY:-}${GEMINI_API_KEY:-}${OPENROUTER_API_KEY:-}${GROQ_API_KEY:-}" ]]; then
  sim_addr="${SIM_LISTEN:-127.0.0.1:8081}"
  bin/upstream-sim --listen "$sim_addr" & pids+=($!)
  for _ in $(seq 50); do curl -fsS "http://$sim_addr/sim/stats" >/dev/null 2>&1 && break; sleep 0.1; done
  export OPENAI_API_KEY=sim-key GEMINI_API_KEY=sim-key OPENROUTER_API_KEY=sim-key GROQ_API_KEY=sim-key
  export OPENAI_BASE_URL="http://$sim_addr/v1" GEMINI_BASE_URL="http://$sim_addr"
  export OPENROUTER_BASE_URL="http://$sim_addr/api/v1" GROQ_BASE_URL="http://$sim_addr/openai/v1"
  say "NO PROVIDER KEY SET: providers point at the upstream simulator on http://$sim_addr — responses are synthetic. Set OPENAI_API_KEY / GEMINI_API_KEY / OPENROUTER_API_KEY / GROQ_API_KEY for real answers."
else
  say "using real providers (keys found in the environment)"
fi

mlflow_uri="${MLFLOW_TRACKING_URI:-http://127.0.0.1:5000}"
if curl -fsS "$mlflow_uri/health" >/dev/null 2>&1; then
  say "MLflow already running: UI at $mlflow_uri"
elif [[ -x .venv/bin/mlflow ]]; then
  mkdir -p mlflow-data
  sh scripts/mlflow/serve.sh "$PWD" >mlflow-data/server.log 2>&1 & pids+=($!)
  say "MLflow starting: UI at http://127.0.0.1:5000 (log: mlflow-data/server.log); traces of this gateway are in the experiment ${MLFLOW_EXPERIMENT_NAME:-llm-gateway}"
else
  say "MLflow not installed (make mlflow-install): the tracker spools events under ${LLMGW_DATA_DIR:-./data} until an MLflow server answers"
fi

say "llmgw: http://127.0.0.1:8000  (try: make api-generate PROMPT=\"What is the capital of France?\")"
bin/llmgw serve --config "${LLMGW_CONFIG:-pipeline.hcl}" & pids+=($!)
wait "${pids[-1]}"
