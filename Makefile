# Two commands set everything up on a fresh machine with Python 3.11+:
#   make run    virtualenv, install, migrate, load lessons, seed demo accounts, serve on :5000
#   make test   install the test extras and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test bench fuzz screenshots install install-test lint format clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seminar sync || echo "Some content files have errors (listed above); their last good versions keep serving."
	$(BIN)/flask seminar demo
	@echo
	@echo "Serving on http://$(HOST):$(PORT)/  (log in with an account above; Ctrl-C stops)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=. $(BIN)/lint-imports
	$(BIN)/pytest

# The benchmark (bench/run.py, a few minutes): seeds 2,000 + 200 students, serves them with
# gunicorn (4 workers) on loopback, prints one table (each page's req/s beside /healthz, SQL
# statements per page, statistics and sync times, the live-quiz load test) and exits 1 if a
# target fails. SQLite by default; SEMINAR_BENCH_DATABASE_URL=postgresql+psycopg://... runs it
# on that PostgreSQL database, which is emptied first. BENCH_* variables set sizes and durations.
bench: install
	$(BIN)/python -m bench.run

# The route fuzzer at length: every route, for every kind of user, FUZZ_EXAMPLES generated
# requests each (make test runs 2); it fails on any 500 or traceback.
FUZZ_EXAMPLES ?= 200
fuzz: install-test
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -p no:cacheprovider tests/test_route_fuzz.py -m "not postgres"

# Every page type as each role sees it, with 60 students, long names and long option texts,
# at 375 and 1280 px, into SCREENSHOTS_DIR (screenshots/ by default) for review; the same run
# fails on a page that scrolls sideways at 375 px or that axe finds serious problems on.
SCREENSHOTS_DIR ?= screenshots
screenshots: install-test
	SCREENSHOTS_DIR=$(abspath $(SCREENSHOTS_DIR)) PYTHONPATH=. $(BIN)/pytest -p no:cacheprovider -q tests/e2e/test_every_page.py

lint: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean-venv:
	rm -rf $(VENV)
