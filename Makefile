# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= claimgraph.db

.PHONY: demo test install dev system lint typecheck unit bench eval clean

$(BIN)/python:
	bash scripts/install-system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# a stamp per extra so editing pyproject.toml reinstalls
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	bash scripts/install-system-packages.sh --test
	$(BIN)/python -m pip install --quiet -e '.[dev,spark,ftm]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

dev: $(VENV)/.installed-dev

system:
	bash scripts/install-system-packages.sh

demo: install
	$(BIN)/claimgraph ingest examples/corpus --db $(DB)
	$(BIN)/claimgraph summary --db $(DB)

lint: dev
	$(BIN)/ruff check src tests bench

typecheck: dev
	$(BIN)/mypy

unit: dev
	$(BIN)/pytest -q

test: lint typecheck unit

bench: install
	$(BIN)/python bench/extract_speed.py

eval: install
	PATH="$(CURDIR)/$(BIN):$$PATH" ../shared/contract/evaluate.sh ../shared/gold/seeds.jsonl
	PATH="$(CURDIR)/$(BIN):$$PATH" ../shared/contract/evaluate.sh ../shared/gold/dev.jsonl

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm
