# Two commands on a fresh machine: `make publish` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCES := $(shell find publish themes -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: publish test install clean bench gallery

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

test: $(TEST_STAMP) $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py

gallery: $(TEST_STAMP) $(STAMP)
	$(BIN)/python docs/gallery.py

clean:
	rm -rf $(VENV) dist build *.egg-info
