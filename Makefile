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

.PHONY: run setup test lint format bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## setup: install, migrate the database, create demo users, deploy bpmn/ and forms/, map the portal's item code
setup: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) users demo
	$(FLASK) deploy bpmn forms
	$(FLASK) portal item 11120000MB1T5T4C8L4000117004000 qualification_approval --name 检验检测机构资质认定

## run: setup, then serve the API with gunicorn on http://$(HOST):$(PORT) and run a job worker beside it
run: setup
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
