# Haven: `make run` starts it on SQLite with fictional demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test venv lint typecheck migrations-check pytest clean messages e2e-deps screenshots audit-deps

$(STAMP): requirements.lock
	@python=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $(STAMP)

venv: $(STAMP)

# The local demo: SQLite, fictional data, second-factor codes shown on screen (labelled).
# `make run PORT=8010` for another port. DEBUG stays off so that a wrong address shows Haven's
# own "not found" page, as users will see it (runserver --insecure then serves the static files).
PORT ?= 8000
run: export HAVEN_DEV := 1
run: export HAVEN_DEMO_MODE := 1
run: export DEBUG := 0
run: export HAVEN_DEMO_PORT := $(PORT)
run: $(STAMP)
	@echo "Preparing the database (SQLite, db.sqlite3)..."
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py runserver --insecure 127.0.0.1:$(PORT)

# ruff, and the layers of haven/ (import-linter contracts in pyproject.toml; docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo

# Known vulnerabilities in the pinned packages, read from the lock without installing anything
# (--disable-pip: the hashed lock names every package and version). It asks PyPI's advisory data
# (pypi.org/pypi/<name>/<version>/json), which this workplace's registry access does not serve:
# there every package is "not found", so `make test` does not run it (docs/testing.md).
audit-deps: $(STAMP)
	$(BIN)/pip-audit --strict --disable-pip --require-hashes -r requirements.lock --progress-spinner off

typecheck: $(STAMP)
	$(BIN)/mypy config haven

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run --settings=tests.settings

# axe-core (npm) for the browser tests' accessibility checks. Without npm the journeys still
# run, and a skipped test says that the accessibility checks did not.
E2E := tests/e2e
E2E_NPM := $(E2E)/node_modules/.package-lock.json
$(E2E_NPM): $(E2E)/package-lock.json
	npm ci --prefix $(E2E) --no-audit --no-fund --loglevel=error

e2e-deps:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(E2E_NPM); \
	  else echo "npm not found: the e2e accessibility checks will be skipped" >&2; fi

# The suite runs on every core (pytest-xdist, one database per worker); tests that share a
# module-level fixture stay on one worker (xdist_group). See docs/testing.md.
# pytest exits 5 when it collected no test: that is a broken suite, not a pass.
PYTEST_WORKERS ?= auto
pytest: $(STAMP) e2e-deps
	@$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The whole suite, with its wall time: the budget is 8 minutes (docs/testing.md).
test:
	@start=$$(date +%s); \
	  $(MAKE) --no-print-directory lint typecheck migrations-check pytest; rc=$$?; \
	  echo "make test: $$(( $$(date +%s) - start )) s (budget 480 s)"; exit $$rc

# Refresh the translation catalogues, then compile them (the .mo files are committed so that a
# fresh machine needs no gettext tools).
# Every catalogue of haven/locale: the languages of settings.LANGUAGES but English.
LOCALES := $(notdir $(patsubst %/LC_MESSAGES,%,$(wildcard haven/locale/*/LC_MESSAGES)))
messages: $(STAMP)
	$(PY) manage.py makemessages $(foreach l,$(LOCALES),-l $(l)) --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=node_modules --settings=tests.settings
	$(PY) manage.py compilemessages $(foreach l,$(LOCALES),-l $(l)) --ignore=.venv --ignore=node_modules --settings=tests.settings

# The user guide's pictures: the browser journeys on a 360×640 screen, in docs/screenshots/.
screenshots: $(STAMP) e2e-deps
	@test -x /usr/bin/chromium || { echo "screenshots need /usr/bin/chromium (apt-get install -y chromium)" >&2; exit 1; }
	rm -f docs/screenshots/*.png
	HAVEN_SCREENSHOTS=docs/screenshots $(BIN)/pytest -q $(E2E)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .mypy_cache .ruff_cache .import_linter_cache $(E2E)/node_modules
