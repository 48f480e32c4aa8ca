# The Python plugin SDK (sdk/python) and its example (examples/python-plugin).
# `make build` runs build-extras, which prepares .venv-plugins/ — a virtualenv
# with the llmgw_plugin SDK installed — that the example's launcher uses.

PY_VENV   := .venv-plugins
PY_SDK    := sdk/python
PY_GEN    := $(PY_SDK)/llmgw_plugin/proto
PYTHON    ?= python3
PY_SOURCES := $(PY_SDK)/pyproject.toml $(wildcard $(PY_SDK)/llmgw_plugin/*.py $(PY_GEN)/*.py)

.PHONY: python-venv python-proto python-test

build-extras:: python-venv

## python-venv: .venv-plugins with the Python SDK installed (idempotent)
python-venv: $(PY_VENV)/.llmgw-sdk-installed

$(PY_VENV)/.llmgw-sdk-installed: $(PY_SOURCES)
	@command -v $(PYTHON) >/dev/null || { echo "python: $(PYTHON) is missing (Python >= 3.9 is needed for the Python plugin example)"; exit 1; }
	@if [ ! -x $(PY_VENV)/bin/python ]; then echo "python: creating $(PY_VENV) ($$($(PYTHON) --version))"; $(PYTHON) -m venv $(PY_VENV); fi
	@echo "python: installing the llmgw_plugin SDK (sdk/python) and its dependencies into $(PY_VENV)"
	@$(PY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade './$(PY_SDK)[dev]'
	@rm -rf $(PY_SDK)/build $(PY_SDK)/*.egg-info
	@touch $@
	@echo "python: $(PY_VENV) ready (examples/python-plugin/keyword-block uses it)"

## python-proto: regenerate the SDK's stubs from sdk/go/proto with grpcio-tools
python-proto:
	@test -x $(PY_VENV)/bin/python || $(PYTHON) -m venv $(PY_VENV)
	@$(PY_VENV)/bin/python -c 'import grpc_tools' 2>/dev/null || $(PY_VENV)/bin/python -m pip install --quiet --disable-pip-version-check grpcio-tools==1.85.1
	@rm -rf $(PY_GEN).tmp && mkdir -p $(PY_GEN).tmp
	@$(PY_VENV)/bin/python -m grpc_tools.protoc -I sdk/go/proto \
	  --python_out=$(PY_GEN).tmp --grpc_python_out=$(PY_GEN).tmp --pyi_out=$(PY_GEN).tmp \
	  llmgw/v1/llmgw.proto
	@mkdir -p $(PY_GEN)
	@for f in llmgw_pb2.py llmgw_pb2.pyi llmgw_pb2_grpc.py; do mv $(PY_GEN).tmp/llmgw/v1/$$f $(PY_GEN)/$$f; done
	@sed -i 's/^from llmgw\.v1 import llmgw_pb2/from . import llmgw_pb2/' $(PY_GEN)/llmgw_pb2_grpc.py
	@test -f $(PY_GEN)/__init__.py || echo '"""Generated from sdk/go/proto/llmgw/v1/llmgw.proto by make python-proto; do not edit."""' > $(PY_GEN)/__init__.py
	@rm -rf $(PY_GEN).tmp
	@echo "python: regenerated $(PY_GEN) from sdk/go/proto/llmgw/v1/llmgw.proto"

## python-test: the SDK's own unit tests
python-test: python-venv
	@cd $(PY_SDK) && ../../$(PY_VENV)/bin/python -m unittest discover -s tests -v
