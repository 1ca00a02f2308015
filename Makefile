# danvan — one task runner. Every target bootstraps .venv when needed.
#   make run    serve the app on http://localhost:8501
#   make test   lint, type-check and run every test (installs Chromium, fonts, LibreOffice, nginx, PostgreSQL if missing)
#   make check  validate the curated data against the source documents
#   make cluster  DANVAN_WORKERS servers (default: one per core) behind nginx on http://localhost:8501

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT   ?= 8501

.PHONY: setup run test lint format check system-deps clean cluster

$(STAMP): requirements.txt
	@bash scripts/ensure-python.sh "$(PYTHON)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

setup: $(STAMP)

run: setup
	$(PY) -m danvan_metrics check
	$(PY) -m danvan_metrics.serve --server.port $(PORT) --server.headless true

cluster: setup
	@test -x /usr/sbin/nginx || bash scripts/ensure-system-deps.sh
	$(PY) -m danvan_metrics check
	$(PY) -m danvan_metrics.web.cluster --port $(PORT)

system-deps:
	@bash scripts/ensure-system-deps.sh

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

check: setup
	$(PY) -m danvan_metrics check

test: setup system-deps lint
	$(PY) -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache artifacts

# Synthetic data (issue #8): a demo on its own state directory, and the national-scale benchmark.
#   make demo   sample figures for the seed units and their successors, served with a banner on every page
#   make load   sessions held at p95 ≤ 1 s for 1 server and for N behind nginx; CPU vs a bare page
#   make bench  3,321 communes × 60 metrics × 40 quarters; prints a table, writes bench/results.json
DEMO_HOME ?= instance-demo

.PHONY: demo bench load

demo: setup
	$(PY) -m danvan_metrics --home $(DEMO_HOME) synth --demo --provinces --out $(DEMO_HOME)/synthetic --load
	DANVAN_HOME=$(DEMO_HOME) DANVAN_CURATED_DIR=$(DEMO_HOME)/synthetic/curated DANVAN_DEMO=1 \
		$(PY) -m danvan_metrics.serve --server.port $(PORT) --server.headless true

bench: setup system-deps
	$(PY) -m bench.run

# Issue #16: simulated sessions on the compare page, 1 process vs one per core behind nginx (a few minutes).
load: setup
	@test -x /usr/sbin/nginx || bash scripts/ensure-system-deps.sh
	$(PY) -m bench.load
