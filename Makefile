# PlanQA — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv/bin
export HF_HUB_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test test-fast test-slow lint eval eval-llm bench bench-load setup setup-dev setup-system clean-index

setup-dev:
	scripts/setup.sh dev

setup-system:
	@if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; then \
	  echo "system packages present"; else scripts/setup-system.sh; fi

# Everything a user needs: venv with the local model, index built on first run, API + UI (+ local LLM).
run:
	scripts/setup.sh dev,local
	$(VENV)/planqa run

lint:
	$(VENV)/ruff check assistant vectorstore eval ui question indicators tests
	$(VENV)/mypy

# The CI command: install, lint, type-check, the default tests (browser e2e included), the eval gate.
test: setup-dev setup-system
	$(MAKE) lint
	$(VENV)/pytest -q

# Same without the system packages and browser test, for a quick local loop.
test-fast: setup-dev
	$(MAKE) lint
	$(VENV)/pytest -q -m "not slow and not browser"

# The slower target: the real local LLM (1.1 GB model) and the answer suite with it, the API fuzzed
# with 200 cases per operation, and the tests kept out of `make test`'s 10 minutes (marked slow).
test-slow: setup-system
	scripts/setup.sh dev,local,load
	PLANQA_FUZZ_EXAMPLES=200 $(VENV)/pytest -q -m "not browser" tests/assistant/test_fuzz.py
	$(VENV)/pytest -q -m slow
	$(VENV)/planqa eval --suite answer --config llm

eval: setup-dev
	$(VENV)/planqa eval

eval-llm:
	scripts/setup.sh dev,local
	$(VENV)/planqa eval --suite answer --config llm

bench: setup-dev
	$(VENV)/python scripts/bench_search.py

bench-load:
	scripts/setup.sh dev,load
	$(VENV)/python scripts/bench_load.py --workers 2

clean-index:
	rm -rf data/indexes
