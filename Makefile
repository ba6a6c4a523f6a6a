# The README's first two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SANDBOX_PORT ?= 8765
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench sandbox chromium shared clean

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "Python 3.11 or newer is needed" && exit 1)
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || (rm -rf $(VENV) && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

chromium:
	@test -x $(CHROMIUM) || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

# Tests read Fortnox's OpenAPI spec and the SIE corpus from ../shared, beside the clone (as CI lays it out).
shared:
	@test -f ../shared/fortnox/openapi.json || (echo "../shared (Fortnox spec, SIE samples) must lie beside this repository" && exit 1)

run: $(VENV)/.runtime
	PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) $(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev chromium shared
	CHROMIUM_PATH=$(CHROMIUM) $(PY) -m pytest

bench: $(VENV)/.dev
	$(PY) -m benchmarks

sandbox: $(VENV)/.runtime
	$(PY) -m sandbox --port $(SANDBOX_PORT) --data-dir data/sandbox

clean:
	rm -rf $(VENV) .pytest_cache
