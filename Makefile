# The project's commands. Each creates .venv from build/ first when it is missing or stale.
SHELL := /bin/bash
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: help env run test test-all docs readme bench export outputs lab clean lock measures mutation planted

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/'

env:  ## create or update .venv from build/requirements.lock
	@bash build/setup.sh

run: env  ## the main job on the default config: validate, EDA, train, evaluate, predict
	$(BIN)/insight_run $(ARGS)

test: env  ## every notebook and test file (skips cells flagged slow)
	$(BIN)/python -m pytest -q $(ARGS)

test-all: env  ## the whole suite, slow cells included
	INSIGHT_TEST_FLAGS=slow $(BIN)/python -m pytest -q $(ARGS)

docs: env  ## build the docs site into _docs/ and regenerate README.md
	$(BIN)/insight_docs $(ARGS)

readme: env  ## regenerate README.md from nbs/index.ipynb
	$(BIN)/insight_docs --readme_only

bench: env  ## the benchmarks (prints tables)
	$(BIN)/insight_bench $(ARGS)

export: env  ## notebooks -> package, and clean notebooks
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean

outputs: env  ## run notebooks in place and store their outputs (all, or NB="nbs/a.ipynb nbs/b.ipynb")
	$(BIN)/insight_outputs $(if $(NB),--notebooks "$(NB)")

LAB_PORT ?= 8888
lab: env  ## JupyterLab on 127.0.0.1 with the project's kernel; every save cleans the notebook
	@echo "make lab: JupyterLab on http://127.0.0.1:$(LAB_PORT)/lab (the URL with its token follows); stop with Ctrl-C"
	$(BIN)/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	  --ServerApp.port_retries=0 --LabApp.default_url=/lab/tree/nbs/index.ipynb \
  $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True) \
	  --ContentsManager.pre_save_hook=insight_project.notebook.clean_on_save $(ARGS)

measures:  ## how the notebooks read: exported-cell size, one definition a cell, line length, prose, docstrings
	python3 .ci/measures.py --by-notebook

mutation: env  ## a bounded mutation pass over the core modules' notebooks (MODULES=config,data PER=6)
	$(BIN)/python .ci/mutation.py $(if $(MODULES),--modules $(MODULES)) $(if $(PER),--per-module $(PER))

planted: env  ## plant, one at a time, eight bugs that once passed the suite; each must make a notebook fail
	$(BIN)/python .ci/planted_bugs.py

lock:  ## re-pin build/requirements.lock from settings.ini
	bash build/lock.sh

clean:  ## remove generated outputs (keeps .venv; `rm -rf .venv` for a full reset)
	rm -rf models reports _proc _docs .pytest_cache build/dist test-artifacts
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
