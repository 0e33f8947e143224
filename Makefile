# Two entry points (see README): `make demo` and `make test`. Both create/refresh .venv first.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.emotext-installed

.PHONY: install demo test lint fast-test bench-encoder clean

$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (the CPU torch 2.13.0 wheel is built for 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/emotext doctor

lint: install
	$(BIN)/ruff check emotext tests benchmarks
	$(BIN)/ruff format --check emotext tests benchmarks
	$(BIN)/mypy

test: install lint
	$(BIN)/python -m pytest -ra

fast-test: install
	$(BIN)/python -m pytest -ra -m "not slow"

bench-encoder: install
	$(BIN)/python benchmarks/encoder.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
