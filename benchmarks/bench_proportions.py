"""Proportion CIs, two-group tests and explain_pvalue against what a user would otherwise run.

Rows (ratio = package median / alternative median; below 1 means the package is faster):

- every x/n with n <= 200 (20,300 pairs): the package's 8 methods in one vectorised call each,
  against statsmodels' ``proportion_confint`` array calls for the 5 methods it has;
- explain_pvalue for HPAG vs EPAG (65.6% of 55-67 vs 73.8% of 35-42, all 8 tests) against a loop
  of scipy calls, once with scipy's default supremum search for Barnard/Boschloo (32 points, which
  can miss the supremum) and once with ``n=256`` (a reliable search);
- Boschloo's test at 200 vs 200 against scipy's ``boschloo_exact``, and at 1000 vs 1000 alone;
- compare_many over 3,000 tables against a loop of the scipy call for that test;
- the exact unconditional risk-difference intervals (Santner-Snell, Chan-Zhang) at 100 vs 100
  against the brute-force R implementation of tests/reference/exact_rd.R (timed inside R; no
  Python library has them and exact2x2 is not packaged for Debian), at their size limits, and
  the audit of examples/ball_blin_hr_relapse, which tries every RD method on its tables. The R
  Chan-Zhang row takes minutes and runs only with ``BENCH_EXACT_RD_R=1``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from scipy import stats

from reanalysis import audit, proportions

STATSMODELS = {
    "clopper-pearson": "beta",
    "wilson": "wilson",
    "agresti-coull": "agresti_coull",
    "wald": "normal",
    "jeffreys": "jeffreys",
}


def _grid():
    n = np.concatenate([np.full(k + 1, k) for k in range(1, 201)])
    x = np.concatenate([np.arange(k + 1) for k in range(1, 201)])
    return x, n


def _cold():
    """Empty the package's caches so every repeat measures a cold call."""
    proportions._test.cache_clear()
    proportions._ci_bounds.cache_clear()
    proportions._GRID_CACHE.clear()
    proportions._MATRIX_CACHE.clear()


def _scipy_p(x1, n1, x2, n2, method, search_points=None):
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if method in ("chi2", "chi2-yates", "g-test"):
        if x1 + x2 in (0, n1 + n2):
            return 1.0
        if method == "g-test":
            return stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").pvalue
        return stats.chi2_contingency(table, correction=method == "chi2-yates").pvalue
    if method in ("fisher", "fisher-midp"):
        return stats.fisher_exact(table).pvalue
    if method in ("barnard", "boschloo"):
        test = stats.barnard_exact if method == "barnard" else stats.boschloo_exact
        options = {} if search_points is None else {"n": search_points}
        return test(table.T, **options).pvalue
    p1, p2 = x1 / n1, x2 / n2
    v = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    return 1.0 if v == 0 else 2 * stats.norm.sf(abs(p1 - p2) / np.sqrt(v))


def _hpag_tables():
    return [
        (x1, n1, x2, n2)
        for n1 in range(55, 68)
        for x1 in range(n1 + 1)
        if round(100 * x1 / n1, 1) == 65.6
        for n2 in range(35, 43)
        for x2 in range(n2 + 1)
        if round(100 * x2 / n2, 1) == 73.8
    ]


def run(bench):
    from statsmodels.stats.proportion import proportion_confint

    x, n = _grid()
    bench.note(f"CI grid: every x/n with n <= 200 ({x.size:,} pairs)")

    def package_all():
        return [proportions.ci_many(x, n, method=m) for m in proportions.CI_METHODS]

    def package_five():
        return [proportions.ci_many(x, n, method=m) for m in STATSMODELS]

    def statsmodels_five():
        with np.errstate(all="ignore"):
            return [proportion_confint(x, n, alpha=0.05, method=m) for m in STATSMODELS.values()]

    bench.compare(
        "CI grid, all 8 methods (package)",
        package_all,
        "statsmodels arrays, the 5 it has",
        statsmodels_five,
        setup=_cold,
    )
    bench.compare(
        "CI grid, the same 5 methods (package)",
        package_five,
        "statsmodels arrays, same 5",
        statsmodels_five,
        setup=_cold,
    )
    bench.compare(
        "CI grid, mid-p alone (no array alternative)",
        lambda: proportions.ci_many(x, n, method="mid-p"),
        setup=_cold,
    )

    tables = _hpag_tables()
    bench.note(f"explain_pvalue HPAG vs EPAG: {len(tables)} candidate tables x 8 tests")

    def explain():
        return audit.explain_pvalue("0.494", ("65.6", (55, 67)), ("73.8", (35, 42)))

    def scipy_loop(points):
        return lambda: [_scipy_p(*t, m, points) for t in tables for m in proportions.TEST_METHODS]

    bench.compare(
        "explain_pvalue HPAG vs EPAG, 8 tests",
        explain,
        "scipy loop (default 32-pt search)",
        scipy_loop(None),
        setup=_cold,
    )
    bench.compare(
        "explain_pvalue HPAG vs EPAG, 8 tests",
        explain,
        "scipy loop (reliable n=256 search)",
        scipy_loop(256),
        setup=_cold,
    )
    cols = [np.array(c) for c in zip(*tables, strict=True)]
    bench.compare(
        "compare_many on those tables, 8 tests",
        lambda: [proportions.compare_many(*cols, method=m) for m in proportions.TEST_METHODS],
        "scipy loop (reliable n=256 search)",
        scipy_loop(256),
        setup=_cold,
    )

    bench.compare(
        "Boschloo 100/200 vs 108/200",
        lambda: proportions.compare_proportions(100, 200, 108, 200, method="boschloo"),
        "scipy boschloo_exact (default search)",
        lambda: stats.boschloo_exact([[100, 108], [100, 92]]),
        repeats=3,
        setup=_cold,
    )
    # scipy's boschloo_exact at 1000 vs 1000 took 110 s on the 2-core machine (hypergeometric cdfs
    # on the 1001 x 1001 grid at every search point), too long to repeat here.
    for method in ("boschloo", "barnard"):
        bench.compare(
            f"{method.capitalize()} 500/1000 vs 540/1000 (no alternative)",
            lambda method=method: proportions.compare_proportions(500, 1000, 540, 1000, method=method),
            setup=_cold,
        )

    rng = np.random.default_rng(20261125)
    k = 3000
    n1, n2 = rng.integers(10, 201, k), rng.integers(10, 201, k)
    x1, x2 = rng.binomial(n1, 0.4), rng.binomial(n2, 0.5)
    bench.note(f"compare_many: {k:,} random tables, group sizes 10-200")
    for method in ("fisher", "chi2", "g-test"):
        bench.compare(
            f"compare_many {method}, {k:,} tables",
            lambda method=method: proportions.compare_many(x1, n1, x2, n2, method=method),
            "scipy loop",
            lambda method=method: [_scipy_p(*t, method) for t in zip(x1, n1, x2, n2, strict=True)],
            repeats=3,
            setup=_cold,
        )
    m = 100
    bench.note(f"Barnard/Boschloo: the first {m} of them (each a distinct pair of group sizes)")
    for method in ("barnard", "boschloo"):
        bench.compare(
            f"compare_many {method}, {m} tables",
            lambda method=method: proportions.compare_many(x1[:m], n1[:m], x2[:m], n2[:m], method=method),
            "scipy loop (reliable n=256 search)",
            lambda method=method: [
                _scipy_p(*t, method, 256) for t in zip(x1[:m], n1[:m], x2[:m], n2[:m], strict=True)
            ],
            repeats=1,
            setup=_cold,
        )
    _exact_rd_rows(bench)


R_EXACT_RD = r"""
args <- commandArgs(trailingOnly = TRUE)
EXACT_RD_FUNCTIONS_ONLY <- TRUE  # exact_rd.R's functions, without its reference run
source(args[1])
x <- as.numeric(args[3:6])
for (i in seq_len(as.integer(args[7]))) {
  tm <- system.time(r <- exact_rd(x[1], x[2], x[3], x[4], 0.95, args[2]))[["elapsed"]]
  cat(sprintf("TIME %.6f\n", tm))
}
cat(sprintf("BOUNDS %.12f %.12f\n", r[2], r[3]))
"""


def _r_exact_rd_seconds(table, method, reps):
    """((per-interval times measured inside R, R's bounds), "") or (None, reason)."""
    if shutil.which("Rscript") is None:
        return None, "Rscript not installed"
    reference = Path(__file__).resolve().parents[1] / "tests" / "reference" / "exact_rd.R"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "time_exact_rd.R"
        script.write_text(R_EXACT_RD)
        cmd = ["Rscript", str(script), str(reference), method, *map(str, table), str(reps)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    times = [float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("TIME ")]
    if not times:
        return None, f"R failed: {out.stderr.strip()[-200:] or out.returncode}"
    bounds = next(line for line in out.stdout.splitlines() if line.startswith("BOUNDS "))
    return (times, bounds.removeprefix("BOUNDS ")), ""


def _exact_rd_rows(bench):
    from reanalysis import evidence

    def cold():
        proportions._effect.cache_clear()

    table = (50, 100, 60, 100)
    bench.note("exact unconditional RD intervals, 50/100 vs 60/100 (one 95% interval per call)")
    for method, slow in (("santner-snell", False), ("chan-zhang", True)):
        work = f"{method} exact RD interval, 100 vs 100"

        def ours(method=method):
            return proportions.effect_size(*table, measure="rd", method=method)

        if slow and os.environ.get("BENCH_EXACT_RD_R") != "1":
            got, why = None, "not run (several minutes in R; BENCH_EXACT_RD_R=1 runs it)"
        else:
            got, why = _r_exact_rd_seconds(table, method, 1 if slow else 3)
        if got is None:
            bench.compare(work, ours, repeats=5, setup=cold)
            bench.note(f"R brute force (tests/reference/exact_rd.R), {method}: {why}")
            continue
        times, r_bounds = got
        bench.compare(
            work, ours, "brute-force R, exact_rd.R (in R)", alternative_seconds=times, repeats=5, setup=cold
        )
        res = ours()
        bench.note(f"bounds: package {res.low:.12f} {res.high:.12f}, R {r_bounds}")
    for method, n in (("santner-snell", 1000), ("chan-zhang", 500)):
        bench.compare(
            f"{method} exact RD interval at its size limit, {n} vs {n}",
            lambda method=method, n=n: proportions.effect_size(
                int(0.45 * n), n, int(0.52 * n), n, measure="rd", method=method
            ),
            repeats=2,
            setup=cold,
        )
    folder = Path(__file__).resolve().parents[1] / "examples" / "ball_blin_hr_relapse"
    bench.compare(
        "audit of examples/ball_blin_hr_relapse (every RD method)",
        lambda: audit.audit(evidence.load(folder)),
        repeats=3,
        setup=cold,
    )
