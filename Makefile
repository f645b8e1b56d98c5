# Two commands for a fresh machine with Python 3.11+:
#   make demo   creates .venv, installs golden, dedupes built-in demo data and prints the result
#   make test   creates .venv, installs golden with its test extras, runs the tests (and, as
#               root without chromium, apt-installs chromium for the HTML report's browser test)
#   make test-quick   the same tests without Spark and without the browser test; installs nothing
#                     outside .venv
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

BENCH_VENV ?= .venv-bench
SIZE ?= 1m
REPEATS ?= 3

.PHONY: demo test test-quick lint docs bench bench-resolver clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/python -m golden.demo

# The HTML report is tested in a real headless browser: Debian's chromium and its driver,
# installed here with apt when missing (CI runs as root); where apt cannot install them, that
# one test is skipped, and says so. `make test-quick` needs neither.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
	  echo "installing chromium and chromium-driver for the HTML report's browser test (apt)"; \
	  apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	  (apt-get update -q >/dev/null 2>&1 && \
	   apt-get install -y -q chromium chromium-driver >/dev/null 2>&1) || \
	  echo "make: could not install chromium and chromium-driver; the browser test will be skipped"; }

test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest -n 2

# Everything but the Spark tests (a JVM), the browser test (chromium) and tests marked slow.
test-quick: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 -m "not spark and not browser and not slow"

# The documentation site (mkdocs-material) from docs/ and mkdocs.yml, into site/
$(VENV)/.installed-docs: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@ $(VENV)/.installed

docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/mypy src/golden

# golden and Splink side by side on synthetic people (SIZE=100k|1m|5m); needs the bench extra
$(BENCH_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -e ".[bench]"
	touch $@

bench: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/run.py --size $(SIZE) --repeats $(REPEATS)
	$(BENCH_VENV)/bin/python benchmarks/accuracy.py --repeats $(REPEATS)

# the incremental resolver: add throughput, and match latency next to Splink (SIZE records held)
bench-resolver: $(BENCH_VENV)/.installed
	$(BENCH_VENV)/bin/python benchmarks/resolver.py --size $(SIZE) --batch 1000 --probes 1000

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
