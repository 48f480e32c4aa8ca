# MLflow tracking server for tracker-mlflow: a pinned MLflow 3.x in .venv,
# served on 127.0.0.1:5000 with SQLite under mlflow-data/.

MLFLOW_VENV := $(CURDIR)/.venv
MLFLOW_BIN := $(MLFLOW_VENV)/bin/mlflow

.PHONY: mlflow-install mlflow

## mlflow-install: create .venv and install the pinned MLflow (scripts/mlflow/requirements.txt)
mlflow-install:
	@sh $(CURDIR)/scripts/mlflow/install.sh $(CURDIR)

## mlflow: serve MLflow on 127.0.0.1:5000 in the foreground (data in mlflow-data/)
mlflow:
	@sh $(CURDIR)/scripts/mlflow/serve.sh $(CURDIR)
