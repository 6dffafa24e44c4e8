"""Meta-analysis, Bayesian difference, exact power/sample size and fragility against what a user would run.

- REML random-effects meta-analysis at k = 1,000 and 10,000 studies against metafor::rma, timed
  inside R (``system.time``, same 1e-12 convergence threshold) so that R's start-up is not
  counted. metafor builds k x k matrices:
  at k = 10,000 it needs more than 60 s and more than 3 GB, so that row is only attempted with
  ``BENCH_METAFOR_LARGE=1`` (under a 60 s / 4 GB limit) and otherwise reported as not run.
- DerSimonian-Laird and Paule-Mandel at k = 10,000 against statsmodels' combine_effects.
- posterior_difference (exact, by quadrature) against a 10^6-draw numpy Monte Carlo.
- Exact Fisher power at n = 1,606 per group against full enumeration of all (n + 1)^2 tables
  (reanalysis.proportions.pvalue_matrix, cache cleared), and the exact Fisher sample size for 0.5
  vs 0.55 (no alternative: the previous implementation needed > 300 s and > 3.5 GB).
- fragility_index of a 10,000-per-group trial against the step-by-step scan a user would write
  with scipy.stats.fisher_exact.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from scipy import stats

from reanalysis import bayes, fragility, meta, power, proportions

R_REML = r"""
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
reps <- as.integer(args[2])
es <- escalc("PLO", xi = d$events, ni = d$totals)
for (i in seq_len(reps)) {
  # The package's convergence threshold (1e-12), so that both give the same tau2.
  ctrl <- list(threshold = 1e-12, maxiter = 10000)
  tm <- system.time(fit <- rma(yi, vi, data = es, method = "REML", control = ctrl))[["elapsed"]]
  cat(sprintf("TIME %.6f\n", tm))
}
cat(sprintf("TAU2 %.15g\n", fit$tau2))
"""


def _studies(k, seed=1):
    rng = np.random.default_rng(seed)
    n = rng.integers(20, 200, k)
    x = rng.binomial(n, rng.uniform(0.2, 0.8, k))
    return x, n


def _metafor_seconds(x, n, reps, timeout=None, max_gb=None):
    """Per-fit times measured inside R, metafor's tau2, or (None, reason)."""
    if shutil.which("Rscript") is None:
        return None, "Rscript not installed"
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "studies.csv"
        script = Path(tmp) / "reml.R"
        data.write_text("events,totals\n" + "\n".join(f"{a},{b}" for a, b in zip(x, n, strict=True)) + "\n")
        script.write_text(R_REML)
        cmd = ["Rscript", str(script), str(data), str(reps)]
        if max_gb:
            cmd = ["sh", "-c", f'ulimit -v {int(max_gb * 1024 * 1024)}; exec "$0" "$@"', *cmd]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None, f"stopped after {timeout} s"
    times = [float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("TIME ")]
    tau2 = [float(line.split()[1]) for line in out.stdout.splitlines() if line.startswith("TAU2 ")]
    if not times:
        return (
            None,
            f"R failed: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode}",
        )
    return (times, tau2[0]), ""


def _reml_rows(bench):
    for k, reps in ((1_000, 3), (10_000, 3)):
        x, n = _studies(k)
        ours = meta.pool_proportions(x, n, method="REML")
        large = k > 2_000
        if large and os.environ.get("BENCH_METAFOR_LARGE") != "1":
            got, why = None, "not run (needs > 60 s and > 3 GB; BENCH_METAFOR_LARGE=1 tries it)"
        else:
            got, why = _metafor_seconds(x, n, 1 if large else reps, timeout=60 if large else None, max_gb=4)
        if got is None:
            bench.compare(
                f"REML meta-analysis, k = {k:,} (logit)",
                lambda x=x, n=n: meta.pool_proportions(x, n),
                repeats=reps,
            )
            bench.note(f"metafor::rma REML at k = {k:,}: {why}")
            continue
        times, tau2 = got
        bench.compare(
            f"REML meta-analysis, k = {k:,} (logit)",
            lambda x=x, n=n: meta.pool_proportions(x, n),
            "metafor::rma REML (system.time in R)",
            alternative_seconds=times,
            repeats=reps,
        )
        bench.note(f"tau2: package {ours.tau2:.12g}, metafor {tau2:.12g}")


def _statsmodels_rows(bench):
    from statsmodels.stats.meta_analysis import combine_effects

    x, n = _studies(10_000)
    xa, na = x.astype(float), n.astype(float)
    yi = np.log(xa / (na - xa))
    vi = 1 / xa + 1 / (na - xa)
    bench.compare(
        "DerSimonian-Laird, k = 10,000 (logit)",
        lambda: meta.pool_proportions(x, n, method="DL"),
        "statsmodels combine_effects (chi2)",
        lambda: combine_effects(yi, vi, method_re="chi2"),
    )
    bench.compare(
        "Paule-Mandel, k = 10,000 (logit)",
        lambda: meta.pool_proportions(x, n, method="PM"),
        "statsmodels combine_effects (iterated)",
        lambda: combine_effects(yi, vi, method_re="iterated"),
    )


def _monte_carlo(x1, n1, x2, n2, draws=10**6, seed=1):
    rng = np.random.default_rng(seed)
    d = rng.beta(x1 + 1, n1 - x1 + 1, draws) - rng.beta(x2 + 1, n2 - x2 + 1, draws)
    return np.mean(d > 0), np.quantile(d, [0.025, 0.975])


def run(bench):
    bench.section("meta-analysis")
    _reml_rows(bench)
    _statsmodels_rows(bench)

    bench.section("Bayesian difference of two rates")
    for table in ((42, 64, 31, 42), (5, 10**6, 3, 10**6)):
        bench.compare(
            f"posterior_difference {table}",
            lambda t=table: bayes.posterior_difference(*t),
            "numpy Monte Carlo, 10^6 draws",
            lambda t=table: _monte_carlo(*t),
            repeats=7,
        )

    bench.section("exact power and sample size")
    clear = getattr(proportions.pvalue_matrix, "cache_clear", lambda: None)

    def enumerate_power(n=1606, p1=0.5, p2=0.55):
        prob = np.outer(stats.binom.pmf(np.arange(n + 1), n, p1), stats.binom.pmf(np.arange(n + 1), n, p2))
        return float(prob[np.asarray(proportions.pvalue_matrix(n, n, "fisher")) < 0.05].sum())

    bench.compare(
        "exact Fisher power, 0.5 vs 0.55, n = 1,606 per group",
        lambda: power.power_two_proportions(0.55, 0.5, 1606, 1606, method="fisher"),
        "full enumeration (pvalue_matrix)",
        enumerate_power,
        repeats=3,
        setup=clear,
    )
    res = power.sample_size_two_proportions(0.5, 0.55, method="fisher")
    bench.compare(
        "exact Fisher sample size, 0.5 vs 0.55 (80%)",
        lambda: power.sample_size_two_proportions(0.5, 0.55, method="fisher"),
        repeats=3,
    )
    bench.note(
        f"n1 = {res.n1} per group after {res.evaluations} exact power evaluations (normal: {res.n1_exact:.1f})"
    )

    bench.section("fragility index")
    table = (5000, 10000, 4000, 10000)

    def scipy_scan(x1=5000, n1=10000, x2=4000, n2=10000):
        steps = 0
        while stats.fisher_exact([[x1, n1 - x1], [x2 + steps, n2 - x2 - steps]]).pvalue < 0.05:
            steps += 1
        return steps

    fi = fragility.fragility_index(*table)
    bench.compare(
        "fragility_index 5000/10000 vs 4000/10000 (Fisher)",
        lambda: fragility.fragility_index(*table),
        "scipy fisher_exact, step by step",
        scipy_scan,
        repeats=3,
        setup=getattr(proportions._test, "cache_clear", lambda: None),
    )
    bench.note(
        f"index {fi.index:.0f} found with {fi.evaluations} p-values (the scan computes {fi.index + 1:.0f})"
    )
