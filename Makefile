# Tsunagu: `make run` serves the demo, `make test` runs the whole suite.
# Only Python 3.11+ and make are needed; everything else goes into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
# manage.py defaults to the dev settings; the test suite always runs on the test settings.
# The suite runs in one pytest-xdist worker per core (auto), each on its own test
# database; TEST_WORKERS=0 runs it in a single process (e.g. to use a debugger).
TEST_WORKERS ?= auto

.PHONY: run test fuzz check lint serve bench backup restore clean i18n

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Tsunagu needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# pyproject.toml lists the dependencies; Tsunagu itself is not installed as a
# package (it runs from this folder), so no build step is needed.
REQUIREMENTS = $(BIN)/python -c 'import sys, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + sum((p["optional-dependencies"][x] for x in sys.argv[1:]), [])))'

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python var
	$(REQUIREMENTS) > var/requirements.txt
	$(BIN)/pip install --quiet -r var/requirements.txt
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python var
	$(REQUIREMENTS) test > var/requirements-test.txt
	$(BIN)/pip install --quiet -r var/requirements-test.txt
	@touch $@ $(VENV)/.installed-run

var:
	@mkdir -p var

run: $(VENV)/.installed-run
	$(MANAGE) i18n --compile
	$(MANAGE) migrate --no-input
	$(MANAGE) createcachetable
	$(MANAGE) seed_demo
	@echo "Tsunagu: http://127.0.0.1:$(PORT)/  (demo accounts: see README.md, password tsunagu-demo)"
	@# The message worker (e-mails to the console) runs beside the server and stops with it.
	$(MANAGE) db_worker --no-reload --interval 2 --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(MANAGE) i18n --compile
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# The fuzz suite (tests/fuzz) at depth: every form and query parameter of every page, as each
# role, FUZZ_EXAMPLES cases in all (make test runs the same suite with 60).
FUZZ_EXAMPLES ?= 5000
fuzz: $(VENV)/.installed-test
	$(MANAGE) i18n --compile
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DJANGO_SETTINGS_MODULE=config.settings.test \
		$(BIN)/pytest -n $(TEST_WORKERS) tests/fuzz --hypothesis-show-statistics $(PYTEST_ARGS)

# What CI checks besides the tests: migrations, lint, translations.
check: $(VENV)/.installed-test
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) i18n --check

i18n: $(VENV)/.installed-test
	$(MANAGE) i18n --update

clean:
	rm -rf $(VENV) var/*.sqlite3* staticfiles

# Production-like run: gunicorn, prod settings, static files collected and served by WhiteNoise.
# Give SECRET_KEY, ALLOWED_HOSTS, SITE_URL (and DATABASE_URL) in the environment; for a try on
# this machine a key is made once in var/secret_key and the host defaults to 127.0.0.1.
# Behind a TLS proxy (X-Forwarded-Proto) as in production; see README "Production".
WORKERS ?= 4
SERVE_ENV = DJANGO_SETTINGS_MODULE=config.settings.prod \
	SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SITE_URL="$${SITE_URL:-https://127.0.0.1:$(PORT)}"

var/secret_key: | var
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

serve: $(VENV)/.installed-run var/secret_key
	$(MANAGE) i18n --compile
	$(SERVE_ENV) $(MANAGE) migrate --no-input
	$(SERVE_ENV) $(MANAGE) createcachetable
	$(SERVE_ENV) $(MANAGE) collectstatic --no-input --verbosity 0
	$(SERVE_ENV) $(MANAGE) check --deploy
	@# The message worker delivers e-mails in the background (see README "Production").
	$(SERVE_ENV) $(MANAGE) db_worker --no-reload --interval 5 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(SERVE_ENV) $(BIN)/gunicorn config.wsgi --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile -

# Benchmarks (not part of `make test`): bench/results.json and the table in bench/README.md.
bench: $(VENV)/.installed-test
	$(MANAGE) i18n --compile
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Backups: `make backup` writes var/backups/<time>.backup; `make restore BACKUP_FILE=...` puts it back.
backup: $(VENV)/.installed-run
	$(MANAGE) backup --output $${BACKUP_FILE:-var/backups/tsunagu-$$(date +%Y%m%d-%H%M%S).backup}

restore: $(VENV)/.installed-run
	@test -n "$(BACKUP_FILE)" || { echo "make restore BACKUP_FILE=path/to/file.backup"; exit 2; }
	$(MANAGE) restore --input "$(BACKUP_FILE)"
