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

install: $(VENV)/.installed

## system-deps: Debian packages for reports (CJK fonts, pango), poppler and chromium (idempotent)
system-deps:
	bash scripts/install-system-deps.sh

## run: install, create the embedded database (SQLite + DuckDB files under ./ecoplan-data),
##      load the regions and the seeds' plans, and print a summary.
run: install system-deps
	$(BIN)/ecoplan init
	$(BIN)/ecoplan status

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
