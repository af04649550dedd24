# Two commands for a new user: `make run` and `make test`. Everything else they need is
# installed by the targets below on first use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint css system-packages clean

# The newest Python 3.12+ on this machine: pyenv versions first, then the PATH.
PYTHON_FOR_VENV := $(shell for p in $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V -r) python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

$(PY):
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Assurance needs Python 3.12 or newer, and none was found. Install it (for example with pyenv), then run make again."; exit 1; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# WeasyPrint's libraries, Arial-metric fonts, pdftotext and Chromium for the tests.
system-packages:
	@./scripts/system-packages.sh

# The demo behaves as production does: papers are made by the task worker, beside the server.
run: export TASKS_BACKEND := django_tasks_db.DatabaseBackend
run: system-packages $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
		$(PY) manage.py runserver $(HOST):$(PORT)

# Locally the test database is kept between runs (--reuse-db, from pyproject.toml); CI makes it afresh.
test: system-packages $(STAMP)
	$(PY) -m pytest -p xdist -n auto $(if $(CI),--create-db,) $(PYTEST_ARGS)

bench: system-packages $(STAMP)
	$(PY) manage.py bench

# The same checks as .pre-commit-config.yaml: ruff (lint and format) and mypy on the core.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy assurance

# Rebuild the committed CSS and JavaScript from static/src (needs Node and npm; not needed to run).
css:
	cd static/src && npm ci && npm run build
	cp static/src/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend/

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
