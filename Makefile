# Two commands for a new user: `make run` and `make test`. Everything else they need is
# installed by the targets below on first use.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint lint-code types lock css system-packages clean

# The newest Python 3.12+ on this machine: pyenv versions first, then the PATH.
PYTHON_FOR_VENV := $(shell for p in $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V -r) python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; done)

$(PY):
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "Assurance needs Python 3.12 or newer, and none was found. Install it (for example with pyenv), then run make again."; exit 1; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)

# Exactly the versions in requirements.lock, each checked against its hash; then the project
# itself, built with the locked setuptools so nothing unpinned is fetched.
$(STAMP): $(PY) pyproject.toml requirements.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Pin every dependency (with the dev and s3 extras) and its hashes for Python 3.12 and newer.
# Keeps the current pins where they still fit pyproject.toml; `make lock UPGRADE=1` takes the
# newest versions it allows.
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --extra s3 --generate-hashes --universal \
		--python-version 3.12 $(if $(UPGRADE),--upgrade,) --quiet -o requirements.lock

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

# The same checks as .pre-commit-config.yaml: ruff (lint and format) and bandit on everything
# (lint-code, which CI runs), and mypy on the core (types).
lint: lint-code types

lint-code: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/bandit -q -r assurance principles delivery_plans meetings risks inspections -c pyproject.toml

types: $(STAMP)
	$(PY) -m mypy assurance

# Rebuild the committed CSS and JavaScript from frontend/ (needs Node and npm; not needed to run),
# and copy in the images the CSS refers to (never the crown, the crest or GDS Transport).
MOJ_IMAGES := icon-close-cross-black icon-document icon-tag-remove-cross-white icon-tag-remove-cross icon-toggle-plus-minus
css:
	cd frontend && npm ci && npm run build
	cp frontend/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/govuk-frontend/
	for name in $(MOJ_IMAGES); do \
		cp frontend/node_modules/@ministryofjustice/frontend/moj/assets/images/$$name.svg static/vendor/moj-frontend/assets/images/; done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
