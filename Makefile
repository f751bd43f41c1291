PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# gunicorn's own request-line limit (default 4094) answers with an HTML page before the app sees the
# request; raise it to its maximum so a long query string meets the app's 414 (BPM_MAX_QUERY_STRING_BYTES).
REQUEST_LINE_LIMIT := --limit-request-line 8190
# gunicorn aborts a request running longer than this (seconds): keep it well above
# BPM_SCRIPT_TIME_LIMIT_SECONDS, so a runaway script stops (case in error) long before.
GUNICORN_TIMEOUT ?= 60

.PHONY: run setup test lint format bench clean assets browser translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

DIST := api/web/static/dist
TRANSLATIONS := api/web/translations

FRONTEND := api/web/frontend
# One bundle per page, each with its stylesheet: the case page's viewer, the studio's modeler and comparison.
BUNDLES := $(FRONTEND)/viewer.js $(FRONTEND)/modeler.js $(FRONTEND)/diff.js

## assets: the workbench's front-end packages from npm (package-lock.json) into $(DIST), the page bundles built by esbuild; skipped without Node.js
assets:
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts --silent && \
		mkdir -p $(DIST) && cp node_modules/htmx.org/dist/htmx.min.js $(DIST)/ && \
		node_modules/.bin/esbuild $(BUNDLES) --bundle --minify --format=iife --target=es2020 \
			--outdir=$(DIST) --log-level=warning --legal-comments=linked \
			--loader:.woff=file --loader:.woff2=file --loader:.ttf=file --loader:.eot=file --loader:.svg=file; \
	else \
		echo "Node.js (npm) is not installed: the pages work without their scripts (no diagrams, no modeler); install nodejs and npm, then make assets"; \
	fi

## translations: extract the pages' messages and compile the catalogues (after editing templates)
translations: $(VENV)/.installed
	cd api/web && ../../$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 \
		-o translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

## browser: the system Chromium and CJK fonts the browser tests drive (Debian packages), when missing
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium fonts-noto-cjk)

## setup: install, migrate the database, create demo users, deploy bpmn/ and forms/, map the portal's item code
setup: $(VENV)/.installed assets
	$(FLASK) db upgrade
	$(FLASK) users demo
	$(FLASK) deploy bpmn forms
	$(FLASK) portal item 11120000MB1T5T4C8L4000117004000 qualification_approval --name 检验检测机构资质认定

## run: setup, then serve the API with gunicorn on http://$(HOST):$(PORT) and run a job worker beside it
run: setup
	@echo "Workbench on http://$(HOST):$(PORT)/  (log in as a demo user above, password demo-<name>, e.g. clerk1 / demo-clerk1)"
	@echo "API on http://$(HOST):$(PORT)/api/v1  (docs: http://$(HOST):$(PORT)/api/docs)"
	$(FLASK) jobs run & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --workers $(WORKERS) --timeout $(GUNICORN_TIMEOUT) --bind $(HOST):$(PORT) \
		--access-logfile - $(REQUEST_LINE_LIMIT) wsgi:app

## test: lint, check import layers, run the whole suite
test: $(VENV)/.installed lint
	$(BIN)/pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: print performance figures (not a test)
bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
