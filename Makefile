# The README's first two commands: `make run` and `make test`. Both set up everything they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
SANDBOX_PORT ?= 8765
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test bench sandbox chromium clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

chromium:
	@test -x $(CHROMIUM) || (apt-get update && apt-get install -y chromium)

run: $(VENV)/.runtime
	PORT=$(PORT) SANDBOX_PORT=$(SANDBOX_PORT) $(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/.dev chromium
	$(PY) -m pytest

bench: $(VENV)/.dev
	$(PY) -m benchmarks

sandbox: $(VENV)/.runtime
	$(PY) -m sandbox --port $(SANDBOX_PORT) --data-dir data/sandbox

clean:
	rm -rf $(VENV) .pytest_cache
