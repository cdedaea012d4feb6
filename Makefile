# kamreport — the two commands of the README, and what they need.
#   make demo   set up, generate the demo data, run the notebooks, write HTML+PDF reports
#   make test   set up and run the whole test suite (what CI runs)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kamreport-installed
DEMO   := data/demo
# Debian packages: Chromium prints the PDFs, Noto CJK renders Chinese, PostgreSQL backs the
# push-down tests, poppler-utils (pdftoppm, pdftotext) lets the tests look at the PDFs,
# python3-venv creates the venv on a bare Debian/Ubuntu machine.
APT_PACKAGES := chromium fonts-noto-cjk poppler-utils postgresql python3-venv
export OPENBLAS_NUM_THREADS ?= 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help demo test setup system-deps system-deps-test demo-data reports clean distclean bench strip

help:
	@echo "make demo   - set up, generate demo data, run notebooks, write HTML+PDF into reports/"
	@echo "make test   - set up and run the test suite"
	@echo "make bench  - run the benchmarks (slow)"

# Install the Debian packages that are missing (root, or sudo when available).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	$(PYTHON) -c "import ensurepip, venv" 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# The tests also run customer_summary on a local Spark, which needs a Java runtime (not `make demo`):
# Java 17 where the distribution has it, else its default (21 on Debian 13; Spark 4.0 runs on both).
system-deps-test:
	@if ! command -v java >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq; \
	  jre=openjdk-17-jre-headless; apt-cache show $$jre >/dev/null 2>&1 || jre=default-jre-headless; \
	  echo "installing Debian packages: $$jre"; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$jre >/dev/null; \
	fi

$(STAMP): pyproject.toml | system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,spark]'
	$(BIN)/python -m ipykernel install --sys-prefix --name kamreport --display-name "kamreport (venv)" >/dev/null
	touch $(STAMP)

setup: system-deps $(STAMP)

$(DEMO)/.complete: $(STAMP) $(wildcard kamreport/data/demo/*.py)
	$(BIN)/kamreport demo-data $(DEMO)
	touch $@

demo-data: $(DEMO)/.complete

# `run` makes every check of `validate` first and writes its summary into reports/latest/run.log
demo: setup demo-data
	$(BIN)/kamreport run params/demo.yaml params/demo_en.yaml --jobs 2
	@echo "open reports/latest/index.html"

test: system-deps-test setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: setup
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

# Strip notebook outputs before committing (also enforced by a test).
strip: setup
	$(BIN)/nbstripout notebooks/*.ipynb

clean:
	rm -rf reports $(DEMO) .pytest_cache

distclean: clean
	rm -rf $(VENV) .bench-cache *.egg-info
