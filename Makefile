# The two commands: `make run` and `make test`. Both set everything up on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Rasa 3.6 needs Python 3.10: find one (pyenv shims alone may not select it).
PYTHON310 ?= $(shell for p in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo $$p; break; }; done)

.PHONY: run test test-fast install test-deps model clean

run: install
	$(PY) -m frontdoor.cli serve

test: install test-deps model
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The Rasa model for the current training data (about 8 minutes on 2 cores when the data changed,
# nothing when it did not): trained before pytest, so no test's timeout has to cover training.
model: install
	$(PY) -m frontdoor.cli train

# The tests that need no trained model, no servers and no browser: two or three minutes.
test-fast: install
	$(PY) -m pytest -q -m "not model and not servers and not browser" $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it)"; exit 1; }
	@echo "[install] creating $(VENV) with $(PYTHON310)"
	$(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip<25" "setuptools==70.3.0" wheel
	$(PY) -m pip install -q -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# Browser tests need Debian's Chromium and axe-core from npm (never a downloaded browser).
test-deps: node_modules/.installed
	@test -x /usr/bin/chromium || { echo "[install] installing Debian chromium"; \
		apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) node_modules models var
