# Two targets a newcomer needs: `make serve` and `make test`. Each creates the
# virtual environment on first use and is a no-op install afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve sandbox test format lint typecheck pytest schema clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/rc-gateway serve

sandbox: $(STAMP)
	$(BIN)/rc-gateway sandbox

test: format lint typecheck pytest

format: $(STAMP)
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

schema: $(STAMP)
	$(BIN)/rc-gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV) node_modules
