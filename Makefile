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
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "Installing Trellis and its dependencies into $(VENV) (about a minute the first time)..."
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing Trellis with its test tools into $(VENV) (a minute or two the first time)..."
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	@mkdir -p var
	$(BIN)/trellis migrate --noinput
	$(BIN)/trellis load-demo
	@echo "Serving the demo school on http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/trellis runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.installed
	$(BIN)/trellis runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/trellis makemigrations --check --dry-run

test: lint
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
