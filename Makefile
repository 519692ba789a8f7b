# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Serve the demo programme on http://127.0.0.1:5000 (SQLite under instance/).
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000 --debug

## The whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/pytest -q -rs

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks (PostgreSQL on 127.0.0.1 and wrk needed; see bench/README.md).
bench: $(STAMP)
	$(BIN)/python -m bench.catalogue_throughput
	$(BIN)/python -m bench.registration_rush

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
