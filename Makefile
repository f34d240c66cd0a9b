# Two entry points on a fresh machine (see README): `make demo` and `make test`.
# Everything installs into .venv/ from pyproject.toml; nothing is installed system-wide.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# Build the graph from ontology/ and data/ into .kg/, then answer the example questions.
demo: setup
	$(BIN)/kg build
	@echo; echo "Who captured Homs?"
	$(BIN)/kg query who-captured --param place=Homs
	@echo; echo "Where did Hezbollah withdraw to?"
	$(BIN)/kg query withdrew-to --param actor=Hezbollah
	@echo; echo "Whom did Iraq shelter?"
	$(BIN)/kg query sheltered --param host=Iraq
	@echo; echo "Who is allied with Assad?"
	$(BIN)/kg query allies --param actor=Assad
	@echo; echo "How is Iran connected to HTS, and says who?"
	$(BIN)/kg analyze path Iran HTS
	@echo; echo "Who held Homs, and since when?"
	$(BIN)/kg analyze control --place Homs
	@echo
	$(BIN)/kg stats

lint: setup
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .kg .pytest_cache .ruff_cache
