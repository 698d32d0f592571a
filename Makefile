# Two entry points (see README): `make run` and `make test`. Both set up what they need and are
# idempotent: the virtual environment is rebuilt only when pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test browser virtuoso screenshot bench setup clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## The main job on the bundled data.
run: $(STAMP)
	$(BIN)/certpath validate
	$(BIN)/certpath path --target "SAFe POPM" --have "user story writing" --have "backlog refinement"

## Debian's Chromium for the browser tests (Playwright drives it; no browser download) and curl
## for the endpoint tests.
browser:
	command -v chromium >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium curl >/dev/null; }

## Debian's Virtuoso open source for the store tests (the tests start it themselves on loopback
## ports with a throw-away database; the package's own service is never started).
virtuoso:
	command -v virtuoso-t >/dev/null 2>&1 && command -v isql-vt >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	    virtuoso-opensource >/dev/null; }

## The whole test suite: lint, format check, types, tests with doctests.
test: $(STAMP) browser virtuoso
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs
	$(BIN)/mypy
	$(BIN)/pytest -q

## The README's pictures (docs/images/path.png, browser.png), taken in headless Chromium.
screenshot: $(STAMP) browser
	$(BIN)/python docs/screenshot.py
	$(BIN)/python docs/screenshot_page.py

## Benchmarks (minutes; figures in benchmarks/README.md): planner, SPARQL, ESCO import, server.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_planner.py
	$(BIN)/python benchmarks/bench_sparql.py
	$(BIN)/python benchmarks/bench_import.py
	$(BIN)/python benchmarks/bench_server.py

clean:
	rm -rf $(VENV) build src/*.egg-info
