# hetrombopag-reanalysis: every report is rebuilt from data/ by `make reports`; `make test` runs the suite.
# Both bootstrap .venv on first use (only python3 and make are needed on the machine).

PYTHON_SYS ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
STAMP      := $(VENV)/.installed

SRC        := $(shell find src/reanalysis -name '*.py' -o -name '*.j2' | sort)
DATA       := $(wildcard data/*.csv)
REPORTS    := saa itp cit audit
REPORT_HTML := $(foreach r,$(REPORTS),reports/$(r)/report.html)

.PHONY: all reports test bench lint clean venv distclean
.DELETE_ON_ERROR:

all: reports

venv: $(STAMP)

# Rebuilt when missing or older than pyproject.toml.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

reports: $(REPORT_HTML) reports/index.html

# One rule per report: its true inputs are the data, the library, its own analysis script.
reports/%/report.html: analyses/%.py $(SRC) $(DATA) $(STAMP)
	MPLBACKEND=Agg $(PY) analyses/$*.py --out reports/$*

reports/index.html: $(REPORT_HTML) analyses/index.py $(SRC) $(STAMP)
	MPLBACKEND=Agg $(PY) analyses/index.py --out reports

test: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -q

bench: $(STAMP)
	MPLBACKEND=Agg $(PY) benchmarks/run.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests analyses benchmarks
	$(VENV)/bin/ruff format --check src tests analyses benchmarks

# R is not needed for the tests: this regenerates the committed reference CSVs.
reference:
	cd tests/reference && for f in *.R; do Rscript "$$f" || exit 1; done

clean:
	rm -rf reports/saa reports/itp reports/cit reports/audit reports/index.html reports/index.md
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis

distclean: clean
	rm -rf $(VENV) src/*.egg-info
