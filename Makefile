# emr-burst: the two commands are `make synth` and `make test`; both set everything up first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CDK := node_modules/.bin/cdk

# Hermetic synth: no credentials, no profile, no telemetry or notices, and jsii on a supported Node.
unexport AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_CONFIG_FILE := /dev/null
export AWS_SHARED_CREDENTIALS_FILE := /dev/null
export AWS_EC2_METADATA_DISABLED := true
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help setup synth test lint typecheck unit diff bench wheel-check snapshot-update stateful-update lock clean

help:
	@echo "make synth   set up, then synthesize every reference stack into cdk.out/"
	@echo "make test    set up, then ruff, mypy and the whole pytest suite"
	@echo "make diff    synthesize and cdk-diff each stack against its committed snapshot"
	@echo "make bench   per-stack synth time, resources, outputs, bytes against CloudFormation limits"
	@echo "make wheel-check  build the wheel, install it alone in a fresh venv, import and synth"

# --- setup (idempotent: re-runs only when the lock files change) ---------------------------
$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[cli,dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# JSII_NODE is evaluated per recipe, after npm ci has run.
JSII_ENV = JSII_NODE="$(firstword $(wildcard $(CURDIR)/node_modules/node-linux-*/bin/node))"

# --- the two commands ---------------------------------------------------------------------
synth: setup
	rm -rf cdk.out
	$(JSII_ENV) $(CDK) synth --quiet --no-notices --no-version-reporting --output cdk.out
	@ls cdk.out/*.template.json

test: setup lint typecheck unit

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(JSII_ENV) $(BIN)/pytest

# --- CI helpers ----------------------------------------------------------------------------
diff: synth
	$(JSII_ENV) $(BIN)/python -m tests.harness.snapshot_diff --assembly cdk.out

bench: setup
	$(JSII_ENV) $(BIN)/python bench/synth_report.py $(BENCH_ARGS)

# What `pip install emr-burst` gives a user: the wheel and its runtime dependencies only (the pins
# of constraints.txt), imported from outside the source tree, then a Network synthesized in a BurstStack.
WHEEL_CHECK := build/wheel-check
wheel-check: setup
	rm -rf $(WHEEL_CHECK) && mkdir -p $(WHEEL_CHECK)
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir $(WHEEL_CHECK)/dist .
	$(PYTHON) -m venv $(WHEEL_CHECK)/venv
	$(WHEEL_CHECK)/venv/bin/python -m pip install --quiet -c constraints.txt $(WHEEL_CHECK)/dist/*.whl
	cd $(WHEEL_CHECK) && $(JSII_ENV) venv/bin/python $(CURDIR)/.ci/wheel_smoke.py

snapshot-update: setup
	$(JSII_ENV) $(BIN)/pytest tests/snapshot --snapshot-update

stateful-update: setup
	$(JSII_ENV) $(BIN)/pytest tests/snapshot/test_stateful.py --update-stateful

# Re-resolve the dependency ranges of pyproject.toml into constraints.txt (reviewed, committed).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade "pip>=24"
	.lock-venv/bin/python -m pip install --quiet '.[cli,dev]'
	.lock-venv/bin/python -m pip freeze --exclude emr-burst | sort > constraints.txt
	rm -rf .lock-venv build

clean:
	rm -rf cdk.out cdk.out.masked .pytest_cache .mypy_cache .ruff_cache .hypothesis build
