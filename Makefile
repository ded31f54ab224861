# ecoplan — the two commands of the README are `make run` and `make test`.
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
PYTHON ?= python3
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install system-deps lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

## the Spark engine (optional extra `spark`, docs/scale.md): installed for the tests, not for run
$(VENV)/.installed-spark: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $@

install: $(VENV)/.installed $(VENV)/.installed-spark

## system-deps: Debian packages for reports (CJK fonts, pango), poppler and chromium (idempotent)
system-deps:
	bash scripts/install-system-deps.sh

## run: install, create the embedded store (SQLite + Parquet/DuckDB under ./ecoplan-data), load
##      the regions and the seeds' plans, generate and import the (synthetic) demo data, write
##      the current evaluation reports, and serve the dashboard on http://$(HOST):$(PORT)/
run: $(VENV)/.installed system-deps
	$(BIN)/ecoplan init
	$(BIN)/ecoplan demo
	$(BIN)/ecoplan status
	$(BIN)/ecoplan report --plan hohhot-14fyp-eco --year 2025 --format pdf --out ecoplan-data/reports/
	$(BIN)/ecoplan report --plan hohhot-14fyp-eco --year 2025 --format docx --out ecoplan-data/reports/
	$(BIN)/ecoplan report --plan im-14fyp-eco --year 2025 --format docx --out ecoplan-data/reports/
	$(BIN)/ecoplan serve --host $(HOST) --port $(PORT)

## test: install what the tests need and run them (SQLite and PostgreSQL).
test: install system-deps
	$(BIN)/pytest -q -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

bench: install
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf ecoplan-data .pytest_cache .mypy_cache .ruff_cache
