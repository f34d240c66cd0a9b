# Two entry points on a fresh machine (see README): `make demo` and `make test`.
# Everything installs into .venv/ from pyproject.toml; nothing is installed system-wide.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint docs clean

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
	@echo
	$(BIN)/kg stats

# Refresh the README's generated query table from the .rq headers.
docs: setup
	$(BIN)/python -c "import re, subprocess, pathlib; p = pathlib.Path('README.md'); \
	table = subprocess.run(['$(BIN)/kg', 'queries', '--format', 'md'], capture_output=True, text=True, check=True).stdout; \
	p.write_text(re.sub(r'(<!-- queries:start[^\n]*-->\n).*?(<!-- queries:end -->)', lambda m: m[1] + table + m[2], p.read_text(), flags=re.S))"

lint: setup
	$(BIN)/ruff check .

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .kg .pytest_cache .ruff_cache
