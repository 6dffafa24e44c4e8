"""r x c, trend and stratified 2x2 tests against the scipy/statsmodels calls a user would write and R."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable, Table

from reanalysis import contingency as ct

JOB = np.array([[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]])  # Agresti 4x4, N = 96
SMALL = np.array([[8, 2, 3], [1, 5, 4]])
MEDIUM = np.array([[20, 15, 15], [10, 25, 15], [18, 12, 20]])  # 3x3, N = 150
RABBITS = np.array([[[0, 0], [6, 5]], [[3, 0], [3, 6]], [[6, 2], [0, 4]], [[5, 6], [1, 0]], [[2, 5], [0, 0]]])

# R timings, measured inside R (median of repeats, seconds per call)
R_SCRIPT = r"""
t <- function(expr, reps) {
  f <- function() { for (i in seq_len(reps)) force(expr()) }
  s <- replicate(5, system.time(f())[["elapsed"]]) / reps
  cat(paste(s, collapse = " "), "\n")
}
job <- matrix(c(1,2,1,0, 3,3,6,1, 10,10,14,9, 6,7,12,11), 4, byrow = TRUE)
small <- matrix(c(8,2,3, 1,5,4), 2, byrow = TRUE)
medium <- matrix(c(20,15,15, 10,25,15, 18,12,20), 3, byrow = TRUE)
rabbits <- array(c(0,6,0,5, 3,3,0,6, 6,0,2,4, 5,1,6,0, 2,0,5,0), dim = c(2, 2, 5))
t(function() fisher.test(job)$p.value, 20)
t(function() fisher.test(small)$p.value, 200)
t(function() fisher.test(medium)$p.value, 20)
set.seed(1)
xs <- matrix(sample(1:11, 3 * 2000, replace = TRUE), ncol = 3)  # no all-0/all-12 rows (prop.trend.test stops)
t(function() for (i in 1:2000) prop.trend.test(xs[i, ], c(12, 12, 12))$p.value, 1)
t(function() for (i in 1:200) mantelhaen.test(rabbits)$p.value, 1)
"""


def _r_timings():
    if shutil.which("Rscript") is None:
        return None
    out = subprocess.run(["Rscript", "-e", R_SCRIPT], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        return None
    return [[float(v) for v in line.split()] for line in out.stdout.strip().splitlines()]


def run(bench):
    r = _r_timings()
    rng = np.random.default_rng(20261125)

    def clear():
        ct._ffh_cached.cache_clear()
        ct._cmh_exact.cache_clear()
        ct._trend_exact.cache_clear()

    # ---- exact Fisher-Freeman-Halton ---------------------------------------------------------
    for name, table, row in (
        ("2x3, N = 23", SMALL, 1),
        ("4x4 job satisfaction, N = 96", JOB, 0),
        ("3x3, N = 150", MEDIUM, 2),
    ):
        bench.compare(
            f"FFH exact {name}",
            lambda table=table: ct.independence_test(table),
            "scipy fisher_exact (Monte Carlo 9999, not exact)",
            lambda table=table: stats.fisher_exact(table),
            setup=clear,
        )
        if r:
            bench.compare(
                f"FFH exact {name}",
                lambda table=table: ct.independence_test(table),
                "R fisher.test (FEXACT, C)",
                alternative_seconds=r[row],
                setup=clear,
            )

    # ---- many candidate tables: the audit's search --------------------------------------------
    rxc = rng.integers(0, 15, size=(2000, 3, 3)) + 1
    bench.compare(
        "chi2 p of 2000 candidate 3x3 tables (table_pvalues)",
        lambda: ct.table_pvalues(rxc, "chi2"),
        "scipy chi2_contingency loop",
        lambda: [stats.chi2_contingency(t, correction=False).pvalue for t in rxc],
    )
    x = rng.integers(0, 13, size=(2000, 3))
    n = np.full((2000, 3), 12)
    bench.compare(
        "trend p of 2000 candidate dose-cohort tables (trend_test_many)",
        lambda: ct.trend_test_many(x, n),
        "statsmodels test_ordinal_association loop",
        lambda: [
            Table(np.column_stack([xi, 12 - xi])).test_ordinal_association(
                row_scores=np.array([1.0, 2, 3]), col_scores=np.array([1.0, 0])
            )
            for xi in x
        ],
    )
    if r:
        bench.compare(
            "trend p of 2000 candidate dose-cohort tables (trend_test_many)",
            lambda: ct.trend_test_many(x, n),
            "R prop.trend.test loop",
            alternative_seconds=r[3],
        )
    strata = rng.integers(0, 15, size=(2000, 4, 2, 2)) + 1

    def sm_cmh():
        out = []
        for s in strata:
            tab = StratifiedTable(np.moveaxis(s, 0, -1).astype(float))
            out.append((tab.test_null_odds(correction=True).pvalue, tab.oddsratio_pooled_confint()))
        return out

    bench.compare(
        "CMH + MH OR/RBG CI of 2000 candidate K = 4 strata (cmh_many)",
        lambda: ct.cmh_many(strata),
        "statsmodels StratifiedTable loop",
        sm_cmh,
    )
    bench.compare(
        "CMH + MH OR on the rabbits data (cmh_test, one call)",
        lambda: ct.cmh_test(RABBITS),
        "statsmodels StratifiedTable",
        lambda: StratifiedTable(np.moveaxis(RABBITS, 0, -1).astype(float)).oddsratio_pooled_confint(),
        repeats=20,
    )
    if r:
        reps = [v / 200 for v in r[4]]
        bench.compare(
            "CMH + MH OR on the rabbits data (cmh_test, one call)",
            lambda: ct.cmh_test(RABBITS),
            "R mantelhaen.test",
            alternative_seconds=reps,
            repeats=20,
        )
    if r is None:
        bench.note("Rscript not found or failed: R rows skipped")
