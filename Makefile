# hetrombopag-reanalysis: every report is rebuilt from data/ by `make reports`; `make test` runs the suite.
# Both bootstrap .venv on first use (only python3 and make are needed on the machine).

PYTHON_SYS ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
STAMP      := $(VENV)/.installed
# The versions every build installs (two machines build the same figures); `make lock` upgrades them.
LOCK       := constraints.txt

# Always the package of THIS tree, even in a copied checkout whose .venv still points at the original.
export PYTHONPATH := $(CURDIR)/src
export MPLBACKEND := Agg
# The tree's own modules are compiled once and the bytecode reused by every later process (a
# build's workers, the test workers); an environment that forbids writing it makes each process
# recompile them.
unexport PYTHONDONTWRITEBYTECODE

SRC        := $(shell find src/reanalysis -name '*.py' -o -name '*.j2' | sort)
DATA       := $(wildcard data/*.csv)
REPORTS    := saa itp cit audit
REPORT_HTML := $(foreach r,$(REPORTS),reports/$(r)/report.html)
ANALYSES   := $(foreach r,$(REPORTS),analyses/$(r).py) analyses/index.py

.PHONY: all reports test bench lint clean venv distclean lock reference
.DELETE_ON_ERROR:

all: reports

venv: $(STAMP)

# Rebuilt when pyproject.toml or the lock file change. The stamp holds a copy of both, so a forced
# rebuild (make -B) skips the reinstall when nothing changed.
$(STAMP): pyproject.toml $(LOCK)
	@if [ -f $@ ] && cat pyproject.toml $(LOCK) | cmp -s - $@; then touch $@; exit 0; fi; \
	set -e; \
	test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV); \
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check --upgrade pip; \
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check -c $(LOCK) -e '.[dev]'; \
	cat pyproject.toml $(LOCK) > $@

reports: reports/index.html

# Every report in one process tree: libraries imported once, the shared audit computed once, the
# reports built in parallel workers (reanalysis.report.build); byte-identical to one-by-one builds.
reports/index.html: $(ANALYSES) $(SRC) $(DATA) $(STAMP)
	$(PY) -m reanalysis.report.build --out reports --data-dir data $(ANALYSES)

# One report alone (e.g. make reports/saa/report.html): its true inputs are the data, the library
# and its own analysis script.
reports/%/report.html: analyses/%.py $(SRC) $(DATA) $(STAMP)
	$(PY) analyses/$*.py --out reports/$* --data-dir data

# Two workers (the machines this runs on have two cores); tests of one file stay on one worker so
# their module fixtures are built once.
test: $(STAMP)
	$(PY) -m pytest -q -n 2 --dist loadfile

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH)

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests analyses benchmarks
	$(VENV)/bin/ruff format --check src tests analyses benchmarks

# Upgrade the locked versions: newest releases allowed by pyproject.toml, in a throw-away venv.
lock:
	rm -rf .venv-lock && $(PYTHON_SYS) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	.venv-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > $(LOCK)
	rm -rf .venv-lock

# R is not needed for the tests: this regenerates the committed reference CSVs.
reference:
	cd tests/reference && for f in *.R; do Rscript "$$f" || exit 1; done

# Generated files only; the virtualenv (and its compiled bytecode) is left alone.
clean:
	rm -rf reports/saa reports/itp reports/cit reports/audit reports/index.html reports/index.md
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis

distclean: clean
	rm -rf $(VENV) src/*.egg-info
