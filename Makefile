# Every target installs what it needs on a fresh clone: a virtualenv with the bot and the
# simulated servers (the separate distribution in sandbox/), both editable with their dev extras.
# Message catalogs are read from locales/*.po at start, so nothing is compiled.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SOURCES := bot commands integrations composition sandbox

.PHONY: install lint test run console bench env-example clean

$(STAMP): pyproject.toml sandbox/pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		(echo "Python 3.11 or newer is needed (set PYTHON=...)"; exit 1)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' -e './sandbox[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check $(SOURCES) tests bench
	$(BIN)/mypy $(SOURCES)

test: lint
	$(BIN)/pytest

run: install
	$(BIN)/ensemble-sandbox demo

console: install
	$(BIN)/ensemble-bot console

bench: install
	$(BIN)/python bench/roundtrip.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/catch_up.py
	$(BIN)/python bench/reconnect_memory.py

env-example: install
	$(BIN)/python -c 'from composition.env_example import render; print(render(), end="")' > .env.example

clean:
	rm -rf $(VENV) build *.egg-info sandbox/build sandbox/*.egg-info .mypy_cache .ruff_cache .pytest_cache
