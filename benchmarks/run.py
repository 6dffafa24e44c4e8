"""`make bench`: timings printed as figures (never asserted in tests).

1. All 8 two-group tests on 2x2 tables with n1, n2 <= 60 (tables/second, sampled for the slow
   exact tests), against a plain scipy loop; plus the vectorised p-value matrices on the full grid.
2. explain_pvalue for HPAG vs EPAG (n 55-67 and 35-42, all 8 methods) against a plain scipy loop.
3. reconstruct_ipd on a 200-patient curve.
4. Cold `make reports` (dependencies installed) and a no-op rebuild.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from reanalysis import audit, proportions, survival

ROOT = Path(__file__).resolve().parents[1]
N_MAX = 60


def _all_tables():
    for n1 in range(1, N_MAX + 1):
        for n2 in range(1, N_MAX + 1):
            for x1 in range(n1 + 1):
                for x2 in range(n2 + 1):
                    yield x1, n1, x2, n2


def _scipy_p(x1, n1, x2, n2, method):
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    if method in ("chi2", "chi2-yates"):
        if x1 + x2 in (0, n1 + n2):
            return 1.0
        return stats.chi2_contingency(table, correction=method == "chi2-yates").pvalue
    if method == "g-test":
        if x1 + x2 in (0, n1 + n2):
            return 1.0
        return stats.chi2_contingency(table, correction=False, lambda_="log-likelihood").pvalue
    if method in ("fisher", "fisher-midp"):
        return stats.fisher_exact(table).pvalue
    if method == "barnard":
        return stats.barnard_exact(table.T).pvalue
    if method == "boschloo":
        return stats.boschloo_exact(table.T).pvalue
    p1, p2 = x1 / n1, x2 / n2
    v = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    return 1.0 if v == 0 else 2 * stats.norm.sf(abs(p1 - p2) / np.sqrt(v))


def bench_tests():
    total = sum(1 for _ in _all_tables())
    rng = np.random.default_rng(1)
    all_tables = np.array(list(_all_tables()))
    print(f"1. Two-group tests on every 2x2 table with n1, n2 <= {N_MAX}: {total:,} tables")
    print(
        f"   {'method':<12} {'sample':>7} {'package tables/s':>17} {'scipy loop tables/s':>20} {'ratio':>6} "
        f"{'full grid (package)':>20}"
    )
    rows = []
    for method in proportions.TEST_METHODS:
        k = 60 if method in ("barnard", "boschloo") else 3000
        sample = all_tables[rng.choice(len(all_tables), k, replace=False)]
        proportions._test.cache_clear()
        t0 = time.perf_counter()
        for x1, n1, x2, n2 in sample:
            proportions.compare_proportions(int(x1), int(n1), int(x2), int(n2), method=method)
        ours = k / (time.perf_counter() - t0)
        t0 = time.perf_counter()
        for x1, n1, x2, n2 in sample:
            _scipy_p(int(x1), int(n1), int(x2), int(n2), method)
        plain = k / (time.perf_counter() - t0)
        rows.append((method, total / ours))
        print(
            f"   {method:<12} {k:>7} {ours:>17,.0f} {plain:>20,.0f} {ours / plain:>6.2f} {total / ours / 3600:>17.2f} h"
        )
    slowest = max(rows, key=lambda r: r[1])
    print(
        f"   slowest per table: {slowest[0]} ({1e3 * slowest[1] / total:.1f} ms/table); all 8 methods on the "
        f"full grid would take {sum(r[1] for r in rows) / 3600:.1f} h with the scalar API"
    )
    for method in ("fisher", "fisher-midp", "chi2", "chi2-yates", "z-unpooled"):
        proportions.pvalue_matrix.cache_clear()
        t0 = time.perf_counter()
        for n1 in range(1, N_MAX + 1):
            for n2 in range(1, N_MAX + 1):
                proportions.pvalue_matrix(n1, n2, method)
        el = time.perf_counter() - t0
        print(f"   vectorised pvalue_matrix[{method}]: full grid in {el:.2f} s ({total / el:,.0f} tables/s)")


def bench_explain():
    proportions._test.cache_clear()
    t0 = time.perf_counter()
    table = audit.explain_pvalue("0.494", ("65.6", (55, 67)), ("73.8", (35, 42)))
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = []
    for n1 in range(55, 68):
        for x1 in range(n1 + 1):
            if round(100 * x1 / n1, 1) != 65.6:
                continue
            for n2 in range(35, 43):
                for x2 in range(n2 + 1):
                    if round(100 * x2 / n2, 1) != 73.8:
                        continue
                    for method in proportions.TEST_METHODS:
                        found.append(_scipy_p(x1, n1, x2, n2, method))
    plain = time.perf_counter() - t0
    print(
        f"2. explain_pvalue('0.494', 65.6% of 55-67, 73.8% of 35-42), 8 methods: {len(table)} candidates in "
        f"{ours:.3f} s (plain scipy loop {plain:.3f} s; ratio {plain / ours:.2f})"
    )


def bench_ipd():
    rng = np.random.default_rng(7)
    t, c = rng.exponential(12, 200), rng.uniform(5, 40, 200)
    km = survival.kaplan_meier(np.round(np.minimum(t, c), 2), (t <= c).astype(int))
    steps = km.table[km.table.events > 0]
    curve = pd.DataFrame({"time": steps.time, "survival": steps.survival})
    grid = np.arange(0, km.table.time.max(), 5)
    at_risk = pd.DataFrame({"time": grid, "n_risk": km.at_risk(grid)})
    reps = 50
    t0 = time.perf_counter()
    for _ in range(reps):
        survival.reconstruct_ipd(curve, at_risk)
    print(
        f"3. reconstruct_ipd, 200-patient curve ({len(curve)} points, {len(grid)} at-risk times): "
        f"{1e3 * (time.perf_counter() - t0) / reps:.1f} ms per reconstruction"
    )


def bench_make():
    t0 = time.perf_counter()
    subprocess.run(
        ["make", "-B", "-o", ".venv/.installed", "reports"], cwd=ROOT, check=True, capture_output=True
    )
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    out = subprocess.run(["make", "reports"], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    noop = time.perf_counter() - t0
    print(
        f"4. make reports: cold (dependencies installed) {cold:.1f} s; no-op rebuild {noop:.2f} s "
        f"({out.strip()!r})"
    )


if __name__ == "__main__":
    bench_tests()
    bench_explain()
    bench_ipd()
    bench_make()
