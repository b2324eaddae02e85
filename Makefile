# Tsunagu: `make run` serves the demo, `make test` runs the whole suite.
# Only Python 3.11+ and make are needed; everything else goes into .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: run test check lint serve bench backup restore clean i18n

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
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-test
	$(MANAGE) i18n --compile
	$(BIN)/pytest $(PYTEST_ARGS)

# What CI checks besides the tests: migrations, lint, translations.
check: $(VENV)/.installed-test
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(MANAGE) i18n --check

i18n: $(VENV)/.installed-test
	$(MANAGE) i18n --update

clean:
	rm -rf $(VENV) var/*.sqlite3* staticfiles
