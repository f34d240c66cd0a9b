# Two entry points on a fresh machine (see README): `make demo` and `make test`.
# Python packages install into .venv/ from pyproject.toml; the system packages are Debian's, listed
# in DEBIAN_PACKAGES and installed with one apt-get call for whichever are missing.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# link-grammar and WordNet: kg extract parses and cites senses offline, nothing downloaded at run time
# (the demo and every use of kg need only these); chromium: the page tests (Playwright never downloads a
# browser here); virtuoso-opensource: Virtuoso as a remote store in the tests and `make bench-virtuoso`
# (run from its own directory, never as a service). Each list is installed with one apt-get call for
# whichever packages are missing, so nothing needs root once they are there.
PARSER_PACKAGES = liblink-grammar5 link-grammar-dictionaries-en wordnet-base
TEST_PACKAGES = chromium virtuoso-opensource
DEBIAN_PACKAGES = $(PARSER_PACKAGES) $(TEST_PACKAGES)

define apt_install
	@missing=$$(for p in $(1); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	test -z "$$missing" || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null)
endef

.PHONY: debian parser setup demo test lint docs browser bench bench-virtuoso screenshot clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) parser

parser:
	$(call apt_install,$(PARSER_PACKAGES))

debian:
	$(call apt_install,$(DEBIAN_PACKAGES))

browser: debian

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

test: lint browser
	$(BIN)/pytest

# The benchmark suite at 10k, 100k and 1M triples against rdflib, raw Oxigraph, NetworkX and PyVis,
# measured in the same run; writes benchmarks/RESULTS.md (about 15 minutes on 2 cores).
bench: setup browser
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks.run --out benchmarks/RESULTS.md

# The remote path at 10M triples: kg synth, kg build, kg export --format nq, Virtuoso's bulk loader, a few
# saved queries against the embedded store; replaces its dated section of benchmarks/RESULTS.md. Heavy
# (most of an hour on 2 cores, ~10 GB of disk), so `make bench` leaves it out; TRIPLES=... for another size.
TRIPLES ?= 10000000
bench-virtuoso: setup debian
	$(BIN)/python -m benchmarks.bench_virtuoso --triples $(TRIPLES) --out benchmarks/RESULTS.md

# Regenerate the README's picture of the seed graph.
screenshot: setup browser
	$(BIN)/python -m docs.screenshot

clean:
	rm -rf $(VENV) .kg .pytest_cache .ruff_cache graph.html map.html
