# Every target installs what it needs on a fresh clone: a virtualenv with the bot and the
# simulated servers (the separate distribution in sandbox/), both editable with their dev extras.
# Message catalogs are read from locales/*.po at start, so nothing is compiled.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SOURCES := bot commands integrations composition sandbox

# The companion Rocket.Chat App (TypeScript): its npm dependencies come from the lock file.
NPM ?= npm
APP := rocketchat-app
APP_STAMP := $(APP)/node_modules/.installed-stamp

.PHONY: install lint test run console bench env-example clean app app-install app-test app-manifest

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

test: lint app-test
	$(BIN)/pytest

$(APP_STAMP): $(APP)/package.json $(APP)/package-lock.json
	cd $(APP) && $(NPM) ci
	touch $(APP_STAMP)

app-install: $(APP_STAMP)

# Type-checks and tests the app; its tests also write the contract fixtures the bot's
# tests replay (tests/contract/rocketchat_app/), so they run before pytest.
app-test: app-install
	cd $(APP) && $(NPM) test

# The .zip an administrator uploads (Administration > Apps > Upload private app).
app: app-test
	cd $(APP) && $(NPM) run package
	@ls $(APP)/dist/*.zip

# After a command or a feature changed: the app's command list and i18n, from the bot's
# declarations; commit the result (a test fails while it is stale).
app-manifest: install
	$(BIN)/python -m composition.app_manifest

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
	rm -rf $(VENV) $(APP)/node_modules $(APP)/dist $(APP)/test/build build *.egg-info sandbox/build sandbox/*.egg-info .mypy_cache .ruff_cache .pytest_cache
