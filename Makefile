# Backprop from Zero — every command a learner, an instructor or CI needs.
# Run `make help` for the list. Everything runs inside .venv/, created on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Notebooks to build: all chapters, or one with `make notebooks NB=02_chain_rule`.
NB     ?= $(basename $(notdir $(wildcard notebooks/[0-9][0-9]_*.py)))
NB_PY  := $(addprefix notebooks/,$(addsuffix .py,$(NB)))
NB_IPYNB := $(NB_PY:.py=.ipynb)
# Real MNIST on disk (used by `make mnist` and the tests); override with MNIST_DIR=...
MNIST_DIR ?= $(firstword $(wildcard ../shared/data/mnist))
PORT   ?= 8888
# Folder JupyterLab opens: the chapters, or `make lab LAB_DIR=build/student` for student copies.
LAB_DIR ?= notebooks
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

# Same numerical environment for executing and for testing notebooks: outputs must not
# depend on the machine (the BLAS thread count changes the last digits of float64 results).
export PYTHONHASHSEED := 0
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
export MPLBACKEND := module://matplotlib_inline.backend_inline
export COURSE_MNIST_DIR := $(abspath $(MNIST_DIR))

NBVAL_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
               --nbval-cell-timeout=300
EXECUTE := $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
           --ExecutePreprocessor.timeout=300 \
           --ExecutePreprocessor.record_timing=False \
           --ExecutePreprocessor.store_widget_state=False

.DEFAULT_GOAL := help
.PHONY: help venv lab test test-lib nbval notebooks student slides html mnist bench clean

help:  ## list the targets
	@echo "Backprop from Zero — make targets:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 20

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,instructor,hub]'
	@touch $(STAMP)

venv: $(STAMP)  ## create .venv/ and install the course (only when pyproject.toml changed)

lab: $(STAMP)  ## open the course in JupyterLab
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) --port=$(PORT) $(ROOT_FLAG)

test: $(STAMP)  ## run every test and every notebook (strict nbval)
	$(BIN)/python -m pytest tests notebooks $(NBVAL_FLAGS) -p no:cacheprovider

test-lib: $(STAMP)  ## run only course_lib's tests (fast)
	$(BIN)/python -m pytest tests -p no:cacheprovider

nbval: $(STAMP)  ## run strict nbval on NB (default: all notebooks)
	$(BIN)/python -m pytest $(NB_IPYNB) $(NBVAL_FLAGS) -p no:cacheprovider

notebooks: $(STAMP)  ## regenerate NB .ipynb from the paired .py and execute in place
	@for py in $(NB_PY); do \
	  nb=$${py%.py}.ipynb; \
	  echo "== $$nb"; \
	  $(BIN)/jupytext --quiet --to ipynb --output $$nb $$py && \
	  $(EXECUTE) $$nb || exit 1; \
	done

student: $(STAMP)  ## student copies without solutions in build/student/
	$(BIN)/python tools/make_student.py --out build/student $(NB_IPYNB)

slides: $(STAMP)  ## reveal.js slides in build/slides/
	$(BIN)/python tools/make_slides.py --out build/slides $(NB_IPYNB)

html: $(STAMP)  ## static site of the whole course in build/html/
	$(BIN)/python tools/make_html.py --out build/html

mnist: $(STAMP)  ## train on all 70,000 MNIST images (downloads them unless MNIST_DIR has them)
	$(BIN)/python -m course_lib.mnist

bench: $(STAMP)  ## one training epoch: course_lib vs scikit-learn vs PyTorch vs the BLAS bound
	$(BIN)/python benchmarks/bench_epoch.py

clean:  ## remove build artefacts and caches (keeps .venv/)
	rm -rf build .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
