# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install clean translations api-contract soak
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are build output (not in git); made from the .po files when needed.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

## Extract every translatable string, update the catalogues, compile them.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --add-location=file \
		--sort-by-file -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d translations --statistics

## Serve the demo programme on http://127.0.0.1:5000 (SQLite under instance/);
## `make run PORT=5001` for another port (links in mails follow it unless BASE_URL is set).
PORT ?= 5000
run: $(STAMP) $(MO_FILES)
	$(FLASK) db upgrade
	FLASK_RUN_PORT=$(PORT) $(FLASK) seed-demo --if-empty
	FLASK_RUN_PORT=$(PORT) $(FLASK) run --host 127.0.0.1 --port $(PORT) --debug

## The whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test: $(STAMP) $(MO_FILES)
	$(BIN)/pytest -q -rs

## schemathesis against the OpenAPI document of a production-like server (CI runs it).
api-contract: $(STAMP) $(MO_FILES)
	$(BIN)/python -m tests.api.schemathesis_run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy seminars

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks (PostgreSQL on 127.0.0.1 and wrk needed; see bench/README.md).
bench: $(STAMP) $(MO_FILES)
	$(BIN)/python -m bench

## Ten minutes of mixed traffic, then the checks (SOAK_SECONDS to change the length).
soak: $(STAMP) $(MO_FILES)
	$(BIN)/python -m bench.soak

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
