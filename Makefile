# Two entry points (see README): `make demo` and `make test`. Both create/refresh .venv first.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.emotext-installed

.PHONY: install browser demo test lint fast-test bench-encoder bench-latency bench-speed bench-batch bench-quality bench-calibration default-model need-data-root clean

$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (the CPU torch 2.13.0 wheel is built for 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# the main job: tag the bundled multilingual ticket export, print the summary
demo: install
	$(BIN)/emotext tag examples/tickets.csv --text-col subject --text-col body --id-col id --out out/tickets.tagged.csv --restart

lint: install
	$(BIN)/ruff check emotext tests benchmarks
	$(BIN)/ruff format --check emotext tests benchmarks
	$(BIN)/mypy

# the report test renders the HTML report in headless Chromium (Debian package `chromium`)
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install lint browser
	$(BIN)/python -m pytest -ra

fast-test: install
	$(BIN)/python -m pytest -ra -m "not slow"

bench-encoder: install
	$(BIN)/python benchmarks/encoder.py

bench-latency: install
	$(BIN)/python benchmarks/latency.py

bench-speed: install
	$(BIN)/python benchmarks/speed.py

bench-batch: install
	$(BIN)/python benchmarks/batch.py

# The public data sets are not part of the repository: pass their folder, e.g. DATA_ROOT=/data/raw
need-data-root:
	@test -n "$(DATA_ROOT)" || { echo "set DATA_ROOT=/path/to/raw (the folder holding goemotions/, cedr/, ...)"; exit 2; }

default-model: install need-data-root
	$(BIN)/emotext train-recipe training/recipes/default.yaml --data-root $(DATA_ROOT) --out models/default

bench-quality: install need-data-root
	$(BIN)/python benchmarks/quality.py --model models/default --data-root $(DATA_ROOT)
	$(BIN)/python -m emotext.training.card models/default --quality benchmarks/results/quality.json

bench-calibration: install
	$(BIN)/python benchmarks/calibration_cv.py --model models/default

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
