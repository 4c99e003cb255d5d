# Each target bootstraps .venv from nothing, so a fresh clone needs only `make run` / `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint eval schema screenshot bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)  ## the wizard on a terminal; a diagnosis of the bundled example incident otherwise
	@$(BIN)/python -m wsdoctor run-example-or-wizard

test: $(STAMP)  ## the whole test suite, then the playbook lint
	@$(BIN)/wsdoctor playbooks lint
	@$(BIN)/python -m pytest -n 2 -p no:cacheprovider

lint: $(STAMP)
	@$(BIN)/wsdoctor playbooks lint

eval: $(STAMP)  ## accuracy on the seeds, the development cases and the held-out cases
	@$(BIN)/python ../shared/eval/run_cases.py --cmd "$(BIN)/wsdoctor" -v || true
	@$(BIN)/python tests/eval_cases.py --baseline
	@$(BIN)/python tests/eval_cases.py --baseline --cases tests/cases_holdout

schema: $(STAMP)  ## regenerate the committed JSON Schema for playbooks
	@$(BIN)/python -m wsdoctor.library.schema > wsdoctor/data/playbook.schema.json


clean:
	rm -rf $(VENV) build dist *.egg-info

screenshot: $(STAMP)  ## regenerate docs/diagnosis.svg (the README picture) from the pinned snapshot app
	@$(BIN)/python tests/tui/snapshot_app.py --screenshot docs/diagnosis.svg

bench: $(STAMP)  ## scanning speed and recall against grep / ripgrep (see README, Speed)
	@$(BIN)/python benchmarks/scan_bench.py --lines 200000
