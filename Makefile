# Two commands on a fresh machine: `make publish` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCES := $(shell find publish themes -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: publish test install clean bench gallery ace
# Ace by DAISY (the EPUB accessibility checker the tests run) with Debian's chromium, not a
# downloaded one; installed into the git-ignored .tools/ace. Without npm its test skips.
ACE_VERSION := 1.4.6
ACE := .tools/ace/node_modules/.bin/ace-cli

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(SOURCES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test,watch]"
	touch $@

install: $(STAMP)

publish: $(STAMP)
	$(BIN)/publish build

$(ACE):
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p .tools/ace && \
		PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools/ace --no-audit --no-fund --silent @daisy/ace-cli@$(ACE_VERSION) \
		|| echo "could not install Ace by DAISY: its test will skip"; \
	else echo "npm not found: the Ace by DAISY test will skip"; fi

ace: $(ACE)

test: $(TEST_STAMP) $(STAMP) ace
	$(BIN)/python -m pytest -q

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

gallery: $(TEST_STAMP) $(STAMP)
	$(BIN)/python docs/gallery.py

clean:
	rm -rf $(VENV) .tools dist build *.egg-info
