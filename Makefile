# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test lint bench eval screenshots clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	scripts/install-chromium.sh
	@touch $(STAMP) $@

run: $(STAMP)
	$(BIN)/recruitwatch serve --demo

test: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/python -m pytest

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts

eval: $(STAMP)
	$(BIN)/recruitwatch eval tests/corpus

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run_all.py

screenshots: $(TEST_STAMP)
	RECRUITWATCH_TOUR_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/test_browser.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info
