# Backprop from Zero — every command a learner, an instructor or CI needs.
# Run `make help` for the list. Everything runs inside .venv/, created on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Notebooks to build: all chapters of both editions (English, then Japanese `ja/NN_slug`), or one
# with `make notebooks NB=02_chain_rule` / `make notebooks NB=ja/03_backpropagation`.
NB     ?= $(basename $(notdir $(wildcard notebooks/[0-9][0-9]_*.py))) \
          $(addprefix ja/,$(basename $(notdir $(wildcard notebooks/ja/[0-9][0-9]_*.py))))
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
.PHONY: help venv lab lab-ja test test-lib nbval notebooks student slides html mnist bench clean nbgrader
.PHONY: slides-instructor html-instructor
.PHONY: hub hub-stop hub-proxy hub-proxy-if-possible classroom

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

# 日本語版: the Japanese chapters, with JupyterLab's own menus in Japanese (its language pack). The
# interface language is kept in a settings folder of its own inside .venv/, so `make lab` stays English.
LAB_JA_SETTINGS := $(abspath $(VENV))/lab-settings-ja
# `make lab-ja LAB_JA_DIR=build/student/ja`: the Japanese student copies, menus in Japanese too.
LAB_JA_DIR ?= notebooks/ja
lab-ja: $(STAMP)  ## 日本語版: open the Japanese chapters, JupyterLab's menus in Japanese
	@mkdir -p $(LAB_JA_SETTINGS)/@jupyterlab/translation-extension
	@[ -f $(LAB_JA_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings ] || \
	  echo '{"locale": "ja_JP"}' > $(LAB_JA_SETTINGS)/@jupyterlab/translation-extension/plugin.jupyterlab-settings
	JUPYTERLAB_SETTINGS_DIR=$(LAB_JA_SETTINGS) $(BIN)/jupyter lab --notebook-dir=$(LAB_JA_DIR) --port=$(PORT) $(ROOT_FLAG)

test: $(STAMP)  ## run every test and every notebook (strict nbval)
	@$(MAKE) --no-print-directory hub-proxy-if-possible
	$(BIN)/python -m pytest tests notebooks $(NBVAL_FLAGS) -p no:cacheprovider

test-lib: $(STAMP)  ## run only course_lib's tests (fast)
	$(BIN)/python -m pytest tests -p no:cacheprovider

nbval: $(STAMP)  ## run strict nbval on NB (default: all notebooks)
	$(BIN)/python -m pytest $(NB_IPYNB) $(NBVAL_FLAGS) -p no:cacheprovider

# After executing, tools/slide_layout.py adds the sub-slide marks that fit each section on a
# 1280x720 screen (live slides in JupyterLab; metadata only) and tools/sync_urls.py writes the
# repository URL of pyproject.toml into the Colab cell.
notebooks: $(STAMP)  ## regenerate NB .ipynb from the paired .py and execute in place
	@$(BIN)/python tools/sync_urls.py
	@$(BIN)/python tools/glossary.py write
	@for py in $(NB_PY); do \
	  nb=$${py%.py}.ipynb; \
	  echo "== $$nb"; \
	  $(BIN)/jupytext --quiet --to ipynb --output $$nb $$py && \
	  $(EXECUTE) $$nb && \
	  $(BIN)/python tools/slide_layout.py $$nb || exit 1; \
	done

student: $(STAMP)  ## student copies without solutions in build/student/ (日本語版: build/student/ja/)
	$(BIN)/python tools/make_student.py --out build/student $(NB_IPYNB)

slides: $(STAMP)  ## student decks (no solutions, offline, speaker notes) in build/slides/ (+ ja/)
	$(BIN)/python tools/make_slides.py --out build/slides $(NB_IPYNB)

slides-instructor: $(STAMP)  ## decks WITH solutions in build/slides-instructor/ (not for students)
	$(BIN)/python tools/make_slides.py --with-solutions --out build/slides-instructor $(NB_IPYNB)

html: $(STAMP)  ## student site of both editions (no solutions, offline) in build/html/ (+ ja/)
	$(BIN)/python tools/make_html.py --out build/html $(NB_IPYNB)

html-instructor: $(STAMP)  ## the site WITH solutions in build/html-instructor/ (not for students)
	$(BIN)/python tools/make_html.py --with-solutions --out build/html-instructor $(NB_IPYNB)

# nbgrader's course is the English edition (assignments ch01 … ch06).
nbgrader: $(STAMP)  ## an nbgrader course of every chapter in build/nbgrader/ (see TEACHING.md)
	$(BIN)/python tools/make_nbgrader.py --out build/nbgrader $(filter-out notebooks/ja/%,$(NB_IPYNB))

# `make mnist` is timed, not compared digit by digit, so it lifts the one-thread pins exported
# above (kept for the notebooks) and lets BLAS use every core: MNIST_THREADS (default: all cores;
# `make mnist MNIST_THREADS=1` to compare). PRESET=best: ~99.2 % in ~1.5 minutes on two cores.
mnist: MNIST_THREADS ?= $(shell nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 1)
mnist: PRESET ?= default
mnist: $(STAMP)  ## train on all 70,000 MNIST images, every core (PRESET=best: ~99.2 %)
	OMP_NUM_THREADS=$(MNIST_THREADS) OPENBLAS_NUM_THREADS=$(MNIST_THREADS) \
	MKL_NUM_THREADS=$(MNIST_THREADS) $(BIN)/python -m course_lib.mnist --preset $(PRESET)

bench: $(STAMP)  ## one training epoch: course_lib vs scikit-learn vs PyTorch vs the BLAS bound
	$(BIN)/python benchmarks/bench_epoch.py

# ---- a class on JupyterHub (hub/, TEACHING.md) ----------------------------------------------
# The hub's standard proxy, configurable-http-proxy, comes from the npm registry into .venv/.
CHP := $(VENV)/node_modules/.bin/configurable-http-proxy
$(CHP):
	@command -v npm >/dev/null || { echo "The hub needs Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm)."; exit 1; }
	npm install --prefix $(VENV) --no-audit --no-fund --loglevel=error configurable-http-proxy@5

hub-proxy: $(STAMP) $(CHP)  ## install the hub's proxy (configurable-http-proxy, from npm) into .venv/

# make test runs the hub tests where the proxy can be had, and says so where it cannot.
hub-proxy-if-possible:
	@[ -x $(CHP) ] || $(MAKE) --no-print-directory $(CHP) || \
	  echo "WARNING: no configurable-http-proxy (needs npm): tests/test_hub.py will be skipped"

hub: $(STAMP) $(CHP)  ## a JupyterHub for a class on this machine (127.0.0.1:8000); nbgitpuller hands out the chapters
	$(BIN)/python hub/ctl.py start

hub-stop: $(STAMP)  ## stop the hub, its proxy and every learner's server (learners' files are kept)
	$(BIN)/python hub/ctl.py stop

classroom: $(STAMP) $(CHP)  ## measure how many learners this machine serves (benchmarks/classroom.py)
	$(BIN)/python benchmarks/classroom.py

clean:  ## remove build artefacts and caches (keeps .venv/, build/hub/ and build/nbgrader/: learners' files and grades)
	@[ ! -d build ] || find build -mindepth 1 -maxdepth 1 ! -name hub ! -name nbgrader -exec rm -rf {} +
	rm -rf .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
