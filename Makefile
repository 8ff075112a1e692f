# QTrader: `make demo` runs a real backtest, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY ?= $(VENV)/bin/python
SETUP ?= setup
RUNTIME ?= setup-runtime
# Two stamps, both named after python/pyproject.toml's checksum: the runtime (what `make demo` needs) and the
# dev tools on top of it (tests, codegen, linters, type checker: what `make test` needs).
PYPROJECT_SUM := $(shell cksum < python/pyproject.toml | cut -d' ' -f1)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(PYPROJECT_SUM)
STAMP := $(VENV)/.installed-dev-$(PYPROJECT_SUM)

.PHONY: setup setup-runtime codegen codegen-check typecheck test test-python test-go test-report-big fuzz demo bench lint postgres clean

setup: $(STAMP)

setup-runtime: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): python/pyproject.toml
	@echo "installing QTrader's runtime into $(VENV) (first run only, about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --progress-bar on -e python
	rm -f $(VENV)/.installed-* && touch $@

$(STAMP): $(RUNTIME_STAMP)
	@echo "installing QTrader's dev tools (tests, codegen, linters) into $(VENV) (first run only, about a minute)..."
	$(PY) -m pip install --progress-bar on -e 'python[dev]'
	touch $@

codegen: $(SETUP)
	$(PY) codegen/generate.py

codegen-check: $(SETUP)
	$(PY) codegen/check.py

test: $(SETUP) codegen-check typecheck test-go test-python

# mypy --strict on the whole package outside the generated code ([tool.mypy] in python/pyproject.toml).
typecheck: $(SETUP)
	cd python && $(abspath $(PY)) -m mypy

# The run store's PostgreSQL tests use a throwaway server on 127.0.0.1 (tools/postgres.sh installs PostgreSQL from the
# OS packages if it is missing); where none can be started they skip and say why.
test-python: $(SETUP)
	@pgdir=$${TMPDIR:-/tmp}/qtrader-pgtest-make-$$$$; \
	trap 'QTRADER_PG_DIR=$$pgdir tools/postgres.sh stop' EXIT; \
	if url=$$(QTRADER_PG_DIR=$$pgdir QTRADER_PG_OPTIONS="-c fsync=off" tools/postgres.sh start); then export QTRADER_TEST_POSTGRES=$$url; \
	else echo "PostgreSQL could not be started: the PostgreSQL store tests will say why they skip"; fi; \
	$(PY) -m pytest python/tests -n 2 -p no:cacheprovider

# A throwaway PostgreSQL server for development: prints its URL (QTRADER_STORE=URL points runs at it).
# `tools/postgres.sh stop` stops it and deletes its data.
postgres:
	@tools/postgres.sh start

# A report of 10^6 bars in headless Chromium (size < 10 MB, every chart drawn); slow, so not part of `make test`.
test-report-big: $(SETUP)
	QTRADER_BIG_REPORT=1 $(PY) -m pytest python/tests/services/reporting/test_big_report_browser.py -s -p no:cacheprovider

# A long seeded fuzz of the contract validators (make test runs 10,000 mutants): make fuzz FUZZ_COUNT=1000000 FUZZ_SEED=7
FUZZ_COUNT ?= 200000
FUZZ_SEED ?= 1
fuzz: $(SETUP)
	FUZZ_COUNT=$(FUZZ_COUNT) FUZZ_SEED=$(FUZZ_SEED) $(PY) -m pytest python/tests/contracts/test_fuzz.py -n 2 -p no:cacheprovider

# The Go execution service (go/): vet, unit tests, then the execution conformance suite over gRPC.
test-go: $(SETUP)
	@if ! command -v go >/dev/null 2>&1; then \
		echo "go not found: skipping the Go execution service build, unit tests and conformance run"; \
	else \
		set -e; cd go && go vet ./... && go test ./... && cd .. && QTRADER=$(VENV)/bin/qtrader go/run_conformance.sh; \
	fi

demo: $(RUNTIME)
	$(VENV)/bin/qtrader run python/examples/sma_crossover_goog.yaml

bench: $(SETUP)
	$(PY) -m pip install --quiet -e 'python[bench]'
	$(PY) tools/bench/bench_pipeline.py

lint: $(SETUP)
	$(PY) -m ruff check --config python/pyproject.toml python/src python/tests codegen tools

clean:
	rm -rf $(VENV) runs
