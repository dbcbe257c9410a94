# Haven: `make run` starts it on SQLite with fictional demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run serve serve-admin test venv lint typecheck migrations-check pytest clean messages e2e-deps screenshots audit-deps

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

# A local trial of Haven as production runs it (docs/deployment.md): gunicorn with
# config/gunicorn.py, PostgreSQL, DEBUG off and HAVEN_DEV unset, so every check of
# config/safety.py applies. Its keys are throwaway ones, made once into .serve.env (git-ignored,
# kept so that what was encrypted stays readable): fictional data only. `make serve PORT=8010
# WORKERS=3 DATABASE_URL=postgres://...` for others; `make serve-admin` adds a first account.
SERVE_ENV := .serve.env
WORKERS ?= $(shell echo $$(( 2 * $$(nproc) + 1 )))
serve serve-admin: DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/haven_serve
# Plain HTTP on 127.0.0.1, so no redirect to HTTPS (HAVEN_SSL_REDIRECT=0, the documented switch;
# in production the TLS proxy does HTTPS). Cookies stay Secure: Chromium keeps and sends them on
# http://127.0.0.1 and http://localhost, which it treats as secure origins.
SERVE_SH = unset HAVEN_DEV HAVEN_DEMO_MODE; set -a; . ./$(SERVE_ENV); set +a; \
  export DEBUG=0 HAVEN_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1,localhost \
  HAVEN_BASE_URL=http://127.0.0.1:$(PORT) DATABASE_URL='$(DATABASE_URL)';

define SERVE_KEYS
from secrets import token_urlsafe
from cryptography.fernet import Fernet
print("# Throwaway keys of `make serve`'s local trial: fictional data only, never production.")
print(f"SECRET_KEY={token_urlsafe(50)}")
print(f"HAVEN_FIELD_KEYS={Fernet.generate_key().decode()}")
print(f"HAVEN_AUDIT_KEY={token_urlsafe(50)}")
endef
export SERVE_KEYS

# Creates the database of DATABASE_URL on its PostgreSQL server when it does not exist.
define SERVE_DATABASE
import os
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
url = os.environ["DATABASE_URL"]
if url.startswith(("postgres://", "postgresql://")):
    params = conninfo_to_dict(url)
    name = params.pop("dbname", None) or "postgres"
    where = f"{params.get('host', 'localhost')}:{params.get('port', 5432)}"
    with psycopg.connect(**params, dbname="postgres", autocommit=True, connect_timeout=5) as db:
        if db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            print(f"Database {name} on {where}: there.")
        else:
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Database {name} on {where}: created.")
else:
    print("DATABASE_URL is not PostgreSQL: production runs on PostgreSQL (docs/deployment.md).")
endef
export SERVE_DATABASE

$(SERVE_ENV): | $(STAMP)
	@echo "Making throwaway keys for the local trial in $(SERVE_ENV) (git-ignored)..."
	@umask 077 && $(PY) -c "$$SERVE_KEYS" > $@.tmp && mv $@.tmp $@

serve: $(STAMP) $(SERVE_ENV)
	@echo "Haven as production runs it, for a local trial: DEBUG off, HAVEN_DEV unset, the keys of $(SERVE_ENV)."
	@echo "Plain HTTP on 127.0.0.1: HAVEN_SSL_REDIRECT=0 (a TLS proxy does HTTPS in production); cookies stay Secure."
	@$(SERVE_SH) $(PY) -c "$$SERVE_DATABASE"
	@echo "Collecting static files into staticfiles/ (served by WhiteNoise)..."
	@$(SERVE_SH) $(PY) manage.py collectstatic --no-input -v 0
	@echo "Migrating the database..."
	@$(SERVE_SH) $(PY) manage.py migrate --no-input -v 0
	@$(SERVE_SH) $(PY) manage.py shell -v 0 -c "from haven.accounts.models import User; \
	  User.objects.exists() or print('No account yet: make serve-admin creates the first (in another terminal).')"
	@echo "Serving http://127.0.0.1:$(PORT)/ with gunicorn, $(WORKERS) workers (config/gunicorn.py). Ctrl-C stops it."
	@$(SERVE_SH) exec $(BIN)/gunicorn config.wsgi --config config/gunicorn.py \
	  --bind 127.0.0.1:$(PORT) --workers $(WORKERS)

# The first account of the trial: a fictional agency and its system administrator, with a
# temporary password to sign in with (the second step is set up at first sign-in).
serve-admin: $(STAMP) $(SERVE_ENV)
	@$(SERVE_SH) $(PY) manage.py bootstrap_agency --name "Trial Agency (fictional)" \
	  --type NonPoliceGovernmentalOrganization --country TH --time-zone Asia/Bangkok \
	  --child-protection-authority --admin-username trial.admin --system-admin

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
