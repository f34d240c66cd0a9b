# Two entry points on a fresh machine (see README): `make demo` and `make test`.
# Python packages install into .venv/ from pyproject.toml; the one system package is Debian's
# chromium for the page tests, which `make test` installs with apt-get when it is missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: parser setup demo test lint docs browser bench screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) parser

# kg extract parses with Debian's link-grammar and cites WordNet senses: offline, nothing downloaded at run time.
parser:
	@test -e /usr/share/link-grammar/en/4.0.dict -a -e /usr/share/wordnet/index.verb && \
		ldconfig -p | grep -q liblink-grammar.so.5 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			liblink-grammar5 link-grammar-dictionaries-en wordnet-base >/dev/null)

# Build the graph from ontology/ and data/ into .kg/, answer the example questions, draw the graph and the map.
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
	@echo
	$(BIN)/kg viz -o graph.html
	$(BIN)/kg map -o map.html
	@echo "Open graph.html and map.html in a browser: they work offline and can be e-mailed."

# Refresh the README's generated query table from the .rq headers.
docs: setup
	$(BIN)/python -c "import re, subprocess, pathlib; p = pathlib.Path('README.md'); \
	table = subprocess.run(['$(BIN)/kg', 'queries', '--format', 'md'], capture_output=True, text=True, check=True).stdout; \
	p.write_text(re.sub(r'(<!-- queries:start[^\n]*-->\n).*?(<!-- queries:end -->)', lambda m: m[1] + table + m[2], p.read_text(), flags=re.S))"

lint: setup
	$(BIN)/ruff check .

# The page tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

test: lint browser
	$(BIN)/pytest

# The benchmark suite at 10k, 100k and 1M triples against rdflib, raw Oxigraph, NetworkX and PyVis,
# measured in the same run; writes benchmarks/RESULTS.md (about 15 minutes on 2 cores).
bench: setup browser
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.run --out benchmarks/RESULTS.md

# Regenerate the README's picture of the seed graph.
screenshot: setup browser
	$(BIN)/python -m docs.screenshot

clean:
	rm -rf $(VENV) .kg .pytest_cache .ruff_cache graph.html map.html
