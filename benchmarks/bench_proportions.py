"""Two-group tests, CIs and explain_pvalue against the scipy/statsmodels calls a user would write."""

from __future__ import annotations

import numpy as np
from scipy import stats

from reanalysis import audit, proportions


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
        return stats.barnard_exact(table.T, n=256).pvalue
    if method == "boschloo":
        return stats.boschloo_exact(table.T, n=256).pvalue
    p1, p2 = x1 / n1, x2 / n2
    v = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    return 1.0 if v == 0 else 2 * stats.norm.sf(abs(p1 - p2) / np.sqrt(v))


def _candidates():
    for n1 in range(55, 68):
        for x1 in range(n1 + 1):
            if round(100 * x1 / n1, 1) != 65.6:
                continue
            for n2 in range(35, 43):
                for x2 in range(n2 + 1):
                    if round(100 * x2 / n2, 1) == 73.8:
                        yield x1, n1, x2, n2


def run(bench):
    tables = list(_candidates())

    def scipy_loop():
        return [_scipy_p(*t, m) for t in tables for m in proportions.TEST_METHODS]

    bench.compare(
        "explain_pvalue HPAG vs EPAG (n 55-67, 35-42), 8 tests",
        lambda: audit.explain_pvalue("0.494", ("65.6", (55, 67)), ("73.8", (35, 42))),
        "scipy loop (barnard/boschloo n=256)",
        scipy_loop,
        repeats=3,
        setup=proportions._test.cache_clear,
    )
