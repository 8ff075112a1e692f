# QTrader: `make demo` runs a real backtest, `make test` runs every test. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
PY ?= $(VENV)/bin/python
SETUP ?= setup
STAMP := $(VENV)/.installed-$(shell cksum < python/pyproject.toml | cut -d' ' -f1)

.PHONY: setup codegen codegen-check test test-python test-go fuzz demo bench lint clean

setup: $(STAMP)

$(STAMP): python/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e 'python[dev]'
	rm -f $(VENV)/.installed-* && touch $@

codegen: $(SETUP)
	$(PY) codegen/generate.py

codegen-check: $(SETUP)
	$(PY) codegen/check.py

test: $(SETUP) codegen-check test-go test-python

test-python: $(SETUP)
	$(PY) -m pytest python/tests -n 2 -p no:cacheprovider

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

demo: $(SETUP)
	$(VENV)/bin/qtrader run python/examples/sma_crossover_goog.yaml

bench: $(SETUP)
	$(PY) -m pip install --quiet -e 'python[bench]'
	$(PY) tools/bench/bench_pipeline.py

lint: $(SETUP)
	$(PY) -m ruff check --config python/pyproject.toml python/src python/tests codegen tools

clean:
	rm -rf $(VENV) runs
