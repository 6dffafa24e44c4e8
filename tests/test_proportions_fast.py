"""The vectorised kernels give the old (scalar, scipy/statsmodels per call) results and equal the
scalar API bit for bit.

``tests/_legacy_proportions.py`` is a frozen copy of the module before vectorisation; the R
cross-checks in test_r_reference.py and test_proportions_koopman.py pin both to R.
"""

import math

import _legacy_proportions as legacy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats.contingency import odds_ratio

from reanalysis import proportions as P


def _grid(max_n=200):
    n = np.concatenate([np.full(k + 1, k) for k in range(1, max_n + 1)])
    x = np.concatenate([np.arange(k + 1) for k in range(1, max_n + 1)])
    return x, n


def test_grid_has_the_20300_pairs_of_the_benchmark():
    x, n = _grid()
    assert x.size == 20_300


@pytest.mark.parametrize("method", P.CI_METHODS)
def test_ci_many_on_the_n_le_200_grid_matches_the_old_scalar_code(method):
    # Vectorised over all 20,300 pairs; compared with the old per-call code on a systematic
    # sample spanning every n (every 17th pair; every 97th for mid-p, whose old code is slow: the
    # whole grid is checked against its defining equation below).
    x, n = _grid()
    low, high = P.ci_many(x, n, method=method)
    step = 97 if method == "mid-p" else 17
    for k in range(0, x.size, step):
        old = legacy.proportion_ci(int(x[k]), int(n[k]), method=method)
        assert abs(old.low - low[k]) <= 1e-12 and abs(old.high - high[k]) <= 1e-12, (method, x[k], n[k])
    assert np.all((0 <= low) & (low <= x / n) & (x / n <= high) & (high <= 1))


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_midp_bounds_solve_their_tail_equations_on_the_whole_grid(level):
    # Independent of both implementations: scipy.stats.binom at the bounds, all 20,300 pairs.
    from scipy import stats

    x, n = _grid()
    low, high = P.ci_many(x, n, method="mid-p", level=level)
    a2 = (1 - level) / 2
    lo, hi = x > 0, x < n
    upper = stats.binom.sf(x[lo], n[lo], low[lo]) + 0.5 * stats.binom.pmf(x[lo], n[lo], low[lo])
    lower = stats.binom.cdf(x[hi] - 1, n[hi], high[hi]) + 0.5 * stats.binom.pmf(x[hi], n[hi], high[hi])
    assert np.max(np.abs(upper - a2)) < 1e-14 and np.max(np.abs(lower - a2)) < 1e-14
    assert np.all(low[~lo] == 0) and np.all(high[~hi] == 1)


@pytest.mark.parametrize(
    "x, n", [(1, 1000), (500, 1000), (999, 1000), (3, 100_000), (0, 10**6), (10**6, 10**6)]
)
@pytest.mark.parametrize("level", [0.95, 0.99])
def test_midp_at_large_n_matches_the_old_root_finder(x, n, level):
    old = legacy.proportion_ci(x, n, method="mid-p", level=level)
    new = P.proportion_ci(x, n, method="mid-p", level=level)
    assert new.low == pytest.approx(old.low, rel=1e-12, abs=1e-15)
    assert new.high == pytest.approx(old.high, rel=1e-12, abs=1e-15)


@st.composite
def count_arrays(draw, max_n=200, max_size=30):
    size = draw(st.integers(1, max_size))
    n = draw(st.lists(st.integers(1, max_n), min_size=size, max_size=size))
    x = [draw(st.integers(0, k)) for k in n]
    return np.array(x), np.array(n)


@settings(max_examples=40, deadline=None)
@given(count_arrays(), st.sampled_from(P.CI_METHODS), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_ci_many_equals_scalar_calls_bit_for_bit(xn, method, level):
    x, n = xn
    low, high = P.ci_many(x, n, method=method, level=level)
    for k in range(x.size):
        res = P.proportion_ci(int(x[k]), int(n[k]), method=method, level=level)
        assert (res.low, res.high) == (low[k], high[k])


@st.composite
def table_arrays(draw, max_n=40, max_size=12):
    size = draw(st.integers(1, max_size))
    cols = []
    for _ in range(size):
        n1, n2 = draw(st.integers(1, max_n)), draw(st.integers(1, max_n))
        cols.append((draw(st.integers(0, n1)), n1, draw(st.integers(0, n2)), n2))
    return [np.array(c) for c in zip(*cols, strict=True)]


@settings(max_examples=25, deadline=None)
@given(table_arrays(), st.sampled_from(P.TEST_METHODS))
def test_compare_many_equals_compare_proportions_bit_for_bit(tables, method):
    P._test.cache_clear()
    p = P.compare_many(*tables, method=method)
    for k in range(p.size):
        assert P.compare_proportions(*(int(t[k]) for t in tables), method=method).pvalue == p[k]


@pytest.mark.parametrize("method", P.TEST_METHODS)
def test_compare_many_matches_the_old_scalar_code(method):
    rng = np.random.default_rng(20261125)
    n1, n2 = rng.integers(1, 60, 40), rng.integers(1, 60, 40)
    x1, x2 = rng.integers(0, n1 + 1), rng.integers(0, n2 + 1)
    p = P.compare_many(x1, n1, x2, n2, method=method)
    for k in range(p.size):
        old = legacy.compare_proportions(int(x1[k]), int(n1[k]), int(x2[k]), int(n2[k]), method=method)
        assert abs(old.pvalue - p[k]) <= 1e-12, (method, x1[k], n1[k], x2[k], n2[k])


def test_compare_many_broadcasts_and_keeps_shape():
    p = P.compare_many([[3, 4], [5, 6]], 10, 2, 10, method="fisher")
    assert p.shape == (2, 2)
    assert p[1, 0] == P.compare_proportions(5, 10, 2, 10).pvalue


@pytest.mark.parametrize("method", P.TEST_METHODS)
@pytest.mark.parametrize("n1, n2", [(1, 1), (5, 7), (12, 9)])
def test_pvalue_matrix_equals_scalar_tests_bit_for_bit(method, n1, n2):
    # Barnard/Boschloo locate all suprema with one matrix product (BLAS rounding): 1e-14 there.
    tol = 1e-14 if method in ("barnard", "boschloo") else 0.0
    matrix = P.pvalue_matrix(n1, n2, method)
    for i in range(n1 + 1):
        for j in range(n2 + 1):
            assert abs(matrix[i, j] - P.compare_proportions(i, n1, j, n2, method=method).pvalue) <= tol


def test_explain_pvalue_candidates_match_the_old_code():
    # The HPAG vs EPAG tables (65.6% of 55-67 vs 73.8% of 35-42), all 8 tests.
    tables = [
        (x1, n1, x2, n2)
        for n1 in range(55, 68)
        for x1 in range(n1 + 1)
        if round(100 * x1 / n1, 1) == 65.6
        for n2 in range(35, 43)
        for x2 in range(n2 + 1)
        if round(100 * x2 / n2, 1) == 73.8
    ]
    cols = [np.array(c) for c in zip(*tables, strict=True)]
    for method in P.TEST_METHODS:
        p = P.compare_many(*cols, method=method)
        old = [legacy.compare_proportions(*t, method=method).pvalue for t in tables]
        assert np.max(np.abs(p - old)) <= 1e-12, method


@pytest.mark.parametrize("table", [(30, 100, 20, 100), (333, 1000, 250, 1000), (3, 10, 0, 10), (1, 20, 1, 3)])
def test_conditional_odds_ratio_matches_scipy(table):
    x1, n1, x2, n2 = table
    ref = odds_ratio([[x1, n1 - x1], [x2, n2 - x2]], kind="conditional")
    ci = ref.confidence_interval(0.95)
    res = P.effect_size(*table, measure="or", method="conditional")
    for ours, theirs in [(res.estimate, ref.statistic), (res.low, ci.low), (res.high, ci.high)]:
        if math.isinf(theirs):
            assert ours == theirs
        else:
            assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-12)


def test_conditional_odds_ratio_at_n_1e5_is_computed_and_close_to_the_score_interval():
    # scipy took 84 s here; the written-out algorithm takes a fraction of a second.
    res = P.effect_size(33_333, 100_000, 25_000, 100_000, measure="or", method="conditional")
    mn = P.effect_size(33_333, 100_000, 25_000, 100_000, measure="or", method="miettinen-nurminen")
    for a, b in [(res.estimate, mn.estimate), (res.low, mn.low), (res.high, mn.high)]:
        assert a == pytest.approx(b, rel=1e-3)
