# Two targets a newcomer needs: `make serve` and `make test`. Each creates the
# virtual environment on first use and is a no-op install afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve sandbox test format lint typecheck pytest node-test schema clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# npm packages (GraphiQL's assets, the Node client and browser tests), pinned
# by package-lock.json; then GraphiQL's assets copied where the gateway serves them.
NODE_STAMP := node_modules/.installed
ASSETS := gateway/graphiql/static/manifest.json

$(NODE_STAMP): package.json package-lock.json
	npm ci --loglevel=error
	touch $(NODE_STAMP)

$(ASSETS): $(NODE_STAMP) gateway/graphiql/vendor.mjs
	node gateway/graphiql/vendor.mjs

serve: $(STAMP) $(ASSETS)
	$(BIN)/rc-gateway serve

sandbox: $(STAMP)
	$(BIN)/rc-gateway sandbox

test: format lint typecheck pytest node-test

format: $(STAMP)
	$(BIN)/ruff format --check .

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# One pytest worker per core (pytest-xdist); each starts its own sandbox.
# PYTEST_FLAGS=--run-slow also runs the tests marked `slow` (CI does).
pytest: $(STAMP) $(ASSETS)
	$(BIN)/pytest -n auto $(PYTEST_FLAGS)

node-test: $(STAMP) $(ASSETS)
	node --test --test-concurrency=1 tests/node/

schema: $(STAMP)
	$(BIN)/rc-gateway export-schema > schema.graphql

clean:
	rm -rf $(VENV) node_modules
