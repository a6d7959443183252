# wordvec: `make demo` installs everything into .venv and runs the main job; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= data

.PHONY: install test lint bench demo clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check wordvec cli tests benchmarks

bench: install
	$(BIN)/python benchmarks/bench_store.py

demo: install
	@echo "demo: to be written"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .wordvec-cache *.egg-info
