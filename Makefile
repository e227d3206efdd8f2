# Trellis: two commands for a newcomer.
#   make demo   create .venv, install, migrate var/trellis.sqlite3, load the demo school, serve it
#   make test   install the dev dependencies and run lint, architecture checks and the whole suite

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: demo serve test lint format clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Trellis needs Python 3.11 or newer"'
	@echo "== Creating $(VENV) and upgrading pip"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --progress-bar on --upgrade pip

# pip shows what it collects and a progress bar for each download, so the
# first install (a minute or two) is never silent.
PIP_INSTALL = $(BIN)/python -m pip install --progress-bar on

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "== Installing Trellis and its dependencies into $(VENV) (about a minute the first time)"
	$(PIP_INSTALL) -e .
	@touch $@

# The test tools alone, from pyproject's dev extra: Trellis itself is not
# reinstalled, so .venv/bin/trellis is not rewritten under a running demo
# (whose autoreloader would restart it) when nothing changed.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	@echo "== Installing the test tools into $(VENV) (a minute or two the first time)"
	$(BIN)/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["dev"]))' > $(VENV)/dev-requirements.txt
	$(PIP_INSTALL) -r $(VENV)/dev-requirements.txt
	@touch $@

demo: $(VENV)/.installed
	@mkdir -p var
	$(BIN)/trellis migrate --noinput
	$(BIN)/trellis load-demo
	@echo ""
	@echo "== Serving the demo school on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "   Sign in as admin, teacher1, learner1 or guardian1 (more in README.md);"
	@echo "   every demo account's password is trellis-demo."
	@echo ""
	$(BIN)/trellis runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.installed
	$(BIN)/trellis runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	@mkdir -p var
	$(BIN)/trellis makemigrations --check --dry-run

test: lint
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
