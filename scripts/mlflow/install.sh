#!/bin/sh
# Creates ROOT/.venv and installs the pinned MLflow into it (idempotent).
# Usage: scripts/mlflow/install.sh [ROOT]
set -eu
root=${1:-$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)}
req="$root/scripts/mlflow/requirements.txt"
venv="$root/.venv"
want=$(sed -n 's/^mlflow==//p' "$req")
have=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mlflow"))' 2>/dev/null || true)
if [ "$have" = "$want" ] && [ -x "$venv/bin/mlflow" ]; then
	echo "mlflow-install: MLflow $want is already installed in $venv"
	exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
	echo "mlflow-install: creating $venv"
	python3 -m venv "$venv"
fi
echo "mlflow-install: installing MLflow $want into $venv (this takes a few minutes)"
"$venv/bin/pip" install --disable-pip-version-check --progress-bar on -r "$req"
echo "mlflow-install: done; start it with 'make mlflow' (UI on http://127.0.0.1:5000)"
