# perfkit — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
BUILD := build

.DEFAULT_GOAL := help
.PHONY: help setup audit clients test lint format notebooks bench fuzz clean

help: ## list the targets with a one-line description
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP) ## create .venv and install perfkit with its dependencies

audit: $(STAMP) ## set up, then run the main job on the bundled data in data/raw/ (outputs in build/)
	$(BIN)/perfkit extract data/raw/targets -o $(BUILD)/extract
	$(BIN)/perfkit check data/raw/targets -o $(BUILD)/findings.csv
	$(BIN)/perfkit score --targets data/raw/targets --actuals data/raw/selfeval -o $(BUILD)/score
	$(BIN)/perfkit template data/raw/targets -o $(BUILD)/actuals-template.xlsx
	$(BIN)/perfkit batch data/raw -o $(BUILD)/units

# the real clients of the tests: LibreOffice (the workbooks printed to PDF), pdftotext, Chromium.
# fonts-noto-cjk is left out on purpose: it shadows the chart font that tests/report/test_charts.py expects
CLIENT_PACKAGES := chromium libreoffice-calc-nogui libreoffice-writer-nogui fonts-wqy-microhei poppler-utils

clients: ## install Chromium, LibreOffice (Calc, Writer) and pdftotext with apt-get when missing (root only)
	@if command -v soffice >/dev/null && test -e /usr/lib/libreoffice/program/libswlo.so \
		&& command -v pdftotext >/dev/null && test -x /usr/bin/chromium \
		&& fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(CLIENT_PACKAGES); \
	else echo "not root: the tests that need $(CLIENT_PACKAGES) are skipped (they fail under CI=true)"; fi

test: $(STAMP) clients ## set up, install the test clients if missing, then lint and run the whole test suite
	$(BIN)/ruff check perfkit tests benchmarks
	$(BIN)/ruff format --check perfkit tests benchmarks
	$(BIN)/python -m pytest

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix perfkit tests benchmarks
	$(BIN)/ruff format perfkit tests benchmarks

notebooks: $(STAMP) ## re-run the notebooks on the bundled data and store their checked outputs (for nbval)
	$(BIN)/python -m perfkit.run.outputs notebooks/1.0-unit-audit.ipynb notebooks/3.0-explore-anomalies.ipynb

bench: $(STAMP) ## run the benchmarks (not part of `make test`)
	$(BIN)/python -m benchmarks

FUZZ_SECONDS ?= 600
fuzz: $(STAMP) ## random documents of every layout through extract/check/score for FUZZ_SECONDS (not part of `make test`)
	$(BIN)/python -m tests.badinput.fuzz --seconds $(FUZZ_SECONDS) --out $(BUILD)/fuzz

clean: ## remove derived outputs (build/), keep .venv
	rm -rf $(BUILD)
