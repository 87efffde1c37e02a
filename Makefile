# Two commands on a fresh machine: `make publish` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCES := $(shell find publish themes -type f -not -path '*/__pycache__/*' 2>/dev/null)

# The web edition's browser tests: axe-core from npm into a git-ignored folder, and Chromium from
# apt where this runs as root on Debian/Ubuntu. Neither is fatal: without them those tests skip.
AXE := .cache/npm/node_modules/axe-core/axe.min.js
# Ace by DAISY (the EPUB accessibility checker the tests run) with Debian's chromium, not a
# downloaded one; installed into the git-ignored .tools/ace. Without npm its test skips.
ACE_VERSION := 1.4.6
ACE := .tools/ace/node_modules/.bin/ace-cli

.PHONY: publish test install clean bench gallery browser-tools ace mutate sweep

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

$(AXE):
	-command -v npm >/dev/null && npm install --silent --no-audit --no-fund --prefix .cache/npm axe-core@4

# Debian packages the tests use when present (each test skips, saying why, without its tool):
# Chromium (web page and Ace), poppler-utils (pdfinfo, an independent PDF reader), fonts-noto-cjk
# (CJK articles), fonts-noto-core (Arabic, Hebrew, Indic, Thai articles), libharfbuzz-subset0 (WeasyPrint's fast subsetter)
# and libreoffice-writer-nogui with libreoffice-math-nogui (reads the Word copy back and re-saves it, math included, in the round-trip tests).
TEST_DEBS := chromium poppler-utils fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 libreoffice-writer-nogui libreoffice-math-nogui

browser-tools: $(AXE)
	-@missing=""; for deb in $(TEST_DEBS); do dpkg -s $$deb >/dev/null 2>&1 || missing="$$missing $$deb"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing \
		|| (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing); fi


$(ACE):
	@if command -v npm >/dev/null 2>&1; then \
		mkdir -p .tools/ace && \
		PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix .tools/ace --no-audit --no-fund --silent @daisy/ace-cli@$(ACE_VERSION) \
		|| echo "could not install Ace by DAISY: its test will skip"; \
	else echo "npm not found: the Ace by DAISY test will skip"; fi

ace: $(ACE)


test: $(TEST_STAMP) $(STAMP) browser-tools ace
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

MUTATE_STAMP := $(VENV)/.installed-mutate

$(MUTATE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet ".[test,mutate]"
	touch $@

# Mutation testing (slow: not part of `make test`); `make mutate GROUPS="verify manifest"` for some groups.
mutate: $(MUTATE_STAMP) $(STAMP)
	$(BIN)/python tests/mutate.py $(GROUPS)

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

# The sweep (benchmarks/sweep.py): every document of benchmarks/sweep-sources.tsv built as it is.
# MIRROR is a folder of repository snapshots, MIRROR/<owner>+<name>/repo (bare git directories).
MIRROR ?= ../.mirror
sweep: $(TEST_STAMP) $(STAMP)
	$(BIN)/python benchmarks/sweep.py --mirror $(MIRROR) $(SWEEP_ARGS)

gallery: $(TEST_STAMP) $(STAMP) browser-tools
	$(BIN)/python docs/gallery.py

clean:
	rm -rf $(VENV) .tools dist build *.egg-info .cache .mutation
