# Set-up for a new user: `make run` and `make test`; the rest is called by them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tracker
HOST ?= 127.0.0.1
PORT ?= 5000
STAMP := $(VENV)/.install-stamp
MO := tracker/translations/en/LC_MESSAGES/messages.mo

.PHONY: install run test quick lint bench mutation translations-extract translations-update clean

# axe-core, the accessibility checker the browser tests inject (one JS file), pinned, from npm,
# into a git-ignored folder; without npm the browser tests skip that check with the reason.
AXE_VERSION := 4.14.1
BROWSER_DEPS := .browser-deps
AXE := $(BROWSER_DEPS)/node_modules/axe-core/axe.min.js

install: $(STAMP) $(MO)
	@bash scripts/system-deps.sh
	@$(MAKE) --no-print-directory $(AXE) || echo "note: axe-core not installed; the browser tests' accessibility check will skip" >&2

$(AXE):
	@command -v npm >/dev/null 2>&1 || { echo "note: npm missing (apt-get install npm): axe-core not installed" >&2; exit 1; }
	npm install --prefix $(BROWSER_DEPS) --no-save --no-package-lock --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

$(MO): tracker/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d tracker/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty
	$(FLASK) users demo
	$(FLASK) run --host $(HOST) --port $(PORT)

# Where PYTHONDONTWRITEBYTECODE is set (it is on the shared development machine), every test
# process (each xdist worker, each gunicorn or CLI subprocess a test starts) compiled the app,
# the tests and pytest's assertion rewrites of them and of its plugins from source again:
# ~17 s CPU to collect the suite instead of ~7. The test runs keep their bytecode
# (__pycache__, git-ignored).
test quick: export PYTHONDONTWRITEBYTECODE :=

# Both cores: N pytest-xdist workers (`make test N=0` runs one process, no xdist). Each worker
# has its own PostgreSQL database (<TRACKER_TEST_DATABASE_URL's>_gw0, ...), Redis database
# (TRACKER_TEST_REDIS_URL's number + the worker's), ports and temporary files (tests/apps.py),
# and the browser tests a live server and a Chromium per worker. No test needs to share a
# worker with another: --dist loadgroup hands them out one at a time. (An `xdist_group` mark
# would keep some together, but pytest-xdist 3.8 does not apply it under pytest 9.2: it sets
# item._nodeid, which pytest 9.2 no longer reads. Check that before relying on one.)
N ?= 2

test: install lint
	$(BIN)/python -m pytest -n $(N) --dist loadgroup $(PYTEST_ARGS)

# A quick local run while working: SQLite only, no browser, LibreOffice or WeasyPrint tests,
# N (two) processes. TRACKER_TEST_QUICK=1 makes the one-truth property tests (tests/test_one_truth.py)
# draw fewer Hypothesis examples (3 and 1 instead of 8 and 3); `make test` (and CI) does not
# set it, so it runs the full count, and everything, on both databases.
quick: install
	TRACKER_TEST_DATABASE_URL= TRACKER_TEST_QUICK=1 $(BIN)/python -m pytest -q -n $(N) --dist worksteal -m "not browser and not libreoffice and not weasyprint" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check tracker tests scripts
	$(BIN)/bandit -q -c pyproject.toml -r tracker scripts

bench: install
	$(BIN)/python -m tracker.tools.bench

# Mutation testing of the status engine's pure rules (domain/status.py, deadlines.py, spans.py)
# under their own unit tests; [tool.mutmut] in pyproject.toml says which. Not part of `make test`
# (about 6 minutes). mutmut 3 mutates function bodies only; scripts/mutate_tables.py mutates the
# module-level tables (RULES, the orders, codes, defaults). Prints the kill rate per module and
# fails below 95 %.
MUTATION_STAMP := $(VENV)/.mutation-stamp
MUTATION_JOBS ?= 2

$(MUTATION_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,mutation]'
	touch $(MUTATION_STAMP)

mutation: install $(MUTATION_STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $(MUTATION_JOBS)
	$(BIN)/python scripts/mutate_tables.py --jobs $(MUTATION_JOBS)
	$(BIN)/python scripts/mutation_score.py

translations-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o tracker/translations/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) build *.egg-info mutants $(BROWSER_DEPS)
