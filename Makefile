# The README's first two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SANDBOX_PORT ?= 8765
CHROMIUM ?= /usr/bin/chromium
TEST_WORKERS ?= $(shell nproc)
PYTEST_ARGS ?=

.PHONY: run check test bench sandbox chromium shared clean lock audit

# Dependencies: requirements.in and requirements-dev.in are edited by hand; `make lock` resolves the whole tree into
# requirements.txt and requirements-dev.txt, every package pinned with its hashes (pip-tools), and installs take
# only those files (pip --require-hashes), so a fresh machine gets exactly what was tested.
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "Python 3.11 or newer is needed" && exit 1)
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || (rm -rf $(VENV) && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV))
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

chromium:
	@test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# Tests read Fortnox's OpenAPI spec and the SIE corpus from ../shared, beside the clone (as CI lays it out).
shared:
	@test -f ../shared/fortnox/openapi.json || (echo "../shared (Fortnox spec, SIE samples) must lie beside this repository" && exit 1)

run: $(VENV)/.runtime
	PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) $(PY) -m streamlit run app.py --server.port $(PORT)

# The inner loop (under a minute on the 2-core dev machine): lint, types of services/, the import contracts
# (pyproject's [tool.importlinter]), then the unit tests spread over the cores, the property tests drawing a fifth
# of their examples (tests/hypothesis_budget.py) and without the few marked `slow`; `make test` runs them all, fully.
check: $(VENV)/.dev shared
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	HYPOTHESIS_PROFILE=check $(PY) -m pytest tests/unit -n $(TEST_WORKERS) --dist load -m "not slow"

# Everything, one pytest-xdist worker per core. `--dist loadfile`: each test file runs on one worker, in order, so a
# file's module-scoped sandbox or Streamlit server starts once (xdist 3.8's `loadgroup` no longer groups anything
# under pytest 9, which ignores the group suffix it writes into the test id). Tests marked `alone` (ten browser sessions at once) take the whole
# machine, so they run afterwards by themselves (exit code 5: PYTEST_ARGS selected none of them). The thirty
# slowest tests are listed at the end, to show where the time goes.
test: $(VENV)/.dev chromium shared
	CHROMIUM_PATH=$(CHROMIUM) $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not alone" --durations=30 $(PYTEST_ARGS)
	CHROMIUM_PATH=$(CHROMIUM) $(PY) -m pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: $(VENV)/.dev
	$(PY) -m benchmarks

sandbox: $(VENV)/.runtime
	$(PY) -m sandbox --port $(SANDBOX_PORT) --data-dir data/sandbox

# After editing requirements*.in: re-resolve both lock files (existing pins are kept unless the .in asks otherwise;
# `make lock PIP_COMPILE_ARGS=--upgrade` takes the newest allowed versions).
lock: $(VENV)/.dev
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements.txt requirements.in
	$(PIP_COMPILE) $(PIP_COMPILE_ARGS) -o requirements-dev.txt requirements-dev.in

# Known vulnerabilities in every locked package; needs the advisory database (PyPI's JSON API) to be reachable
# (--strict: a package it could not look up fails the run instead of passing unchecked).
audit: $(VENV)/.dev
	$(PY) -m pip_audit --strict --require-hashes --disable-pip -r requirements-dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
