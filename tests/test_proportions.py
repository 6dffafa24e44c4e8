"""Unit and property tests for reanalysis.proportions (R agreement is in test_r_reference.py)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from reanalysis.proportions import (
    CI_METHODS,
    EFFECT_METHODS,
    TEST_METHODS,
    compare_many,
    compare_proportions,
    effect_size,
    proportion_ci,
)


@st.composite
def count_total(draw, max_n=80):
    n = draw(st.integers(1, max_n))
    return draw(st.integers(0, n)), n


def test_phase2_primary_endpoint_ci_is_clopper_pearson():
    # 23/55 responders at week 18: published 41.8% (95% CI 28.7-55.9)
    res = proportion_ci(23, 55)
    assert (round(100 * res.estimate, 1), round(100 * res.low, 1), round(100 * res.high, 1)) == (
        41.8,
        28.7,
        55.9,
    )


def test_result_prints_and_converts_to_frame():
    res = compare_proportions(42, 64, 31, 42, method="chi2-yates")
    assert "pvalue=0.499" in str(res)
    frame = res.to_frame()
    assert frame.shape[0] == 1 and frame.loc[0, "method"] == "chi2-yates"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: proportion_ci(-1, 10), "count must be a non-negative integer"),
        (lambda: proportion_ci(2.5, 10), "count must be a non-negative integer"),
        (lambda: proportion_ci(11, 10), "count (11) must not exceed nobs (10)"),
        (lambda: proportion_ci(0, 0), "nobs must be at least 1"),
        (lambda: proportion_ci(1, 10, level=1.2), "level must be strictly between 0 and 1"),
        (lambda: proportion_ci(1, 10, method="exact"), "method must be one of 'clopper-pearson'"),
        (lambda: compare_proportions(1, 10, 2, 10, method="t"), "method must be one of 'chi2'"),
        (lambda: compare_proportions(1, 10, 12, 10), "count2 (12) must not exceed nobs2 (10)"),
        (lambda: effect_size(1, 10, 2, 10, measure="nnt"), "measure must be one of 'rd', 'rr', 'or'"),
        (lambda: effect_size(1, 10, 2, 10, measure="rr", method="newcombe"), "method (for measure='rr')"),
        (lambda: proportion_ci(True, 10), "count must be a non-negative integer"),
    ],
)
def test_bad_input_names_the_argument(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value)


def test_zero_cells_never_crash_or_return_silent_inf():
    for measure, methods in EFFECT_METHODS.items():
        for method in methods:
            for table in [(0, 10, 0, 10), (10, 10, 10, 10), (0, 10, 5, 10), (5, 10, 0, 10), (10, 10, 0, 10)]:
                res = effect_size(*table, measure=measure, method=method)
                values = (res.estimate, res.low, res.high)
                if any(math.isinf(v) or math.isnan(v) for v in values):
                    assert res.note, (measure, method, table, res)


def test_whole_number_floats_are_accepted():
    assert proportion_ci(23.0, 55.0).count == 23


@settings(max_examples=150, deadline=None)
@given(count_total(), st.sampled_from(CI_METHODS), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_ci_contains_estimate_within_unit_interval(xn, method, level):
    x, n = xn
    res = proportion_ci(x, n, method=method, level=level)
    assert 0.0 <= res.low <= res.estimate <= res.high <= 1.0


@settings(max_examples=60, deadline=None)
@given(count_total(40), count_total(40), st.sampled_from(TEST_METHODS))
def test_pvalue_in_unit_interval_and_symmetric_in_groups(g1, g2, method):
    a = compare_proportions(*g1, *g2, method=method)
    b = compare_proportions(*g2, *g1, method=method)
    assert 0.0 <= a.pvalue <= 1.0
    assert a.pvalue == pytest.approx(b.pvalue, rel=1e-6, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(count_total(60), count_total(60), st.sampled_from(["rr", "or"]))
def test_swapping_groups_inverts_ratios(g1, g2, measure):
    for method in EFFECT_METHODS[measure]:
        a = effect_size(*g1, *g2, measure=measure, method=method)
        b = effect_size(*g2, *g1, measure=measure, method=method)
        if math.isnan(a.estimate):
            continue
        assert a.estimate * b.estimate == pytest.approx(1.0, rel=1e-7) or {a.estimate, b.estimate} == {
            0.0,
            math.inf,
        }
        for lo, hi in [(a.low, b.high), (a.high, b.low)]:
            if lo == 0 or math.isinf(lo):
                assert hi in (0.0, math.inf)
            else:
                assert lo * hi == pytest.approx(1.0, rel=1e-6)


@settings(max_examples=100, deadline=None)
@given(count_total(60), count_total(60))
def test_rd_interval_contains_estimate(g1, g2):
    # The exact unconditional intervals have their own containment and nesting property tests
    # (tests/test_proportions_exact_rd.py); here the fast methods get many examples.
    for method in [m for m in EFFECT_METHODS["rd"] if m not in ("santner-snell", "chan-zhang")]:
        res = effect_size(*g1, *g2, measure="rd", method=method)
        assert -1.0 <= res.low <= res.high <= 1.0
        if method != "agresti-caffo":  # centred on the adjusted, not the observed, difference
            assert res.low - 1e-12 <= res.estimate <= res.high + 1e-12


@pytest.mark.parametrize("n", [1, 2, 5, 10, 20, 30])
def test_clopper_pearson_coverage_at_least_nominal(n):
    # Exact coverage over a grid of true proportions: sum of binomial probabilities of the
    # outcomes whose interval covers p.
    intervals = [proportion_ci(x, n) for x in range(n + 1)]
    for p in [i / 97 for i in range(1, 97)]:
        coverage = sum(stats.binom.pmf(r.count, n, p) for r in intervals if r.low <= p <= r.high)
        assert coverage >= 0.95 - 1e-12, (n, p, coverage)


def test_compare_many_matches_scalar_calls():
    p = compare_many([42, 20], [64, 64], [31, 12], [42, 42], method="fisher")
    assert p[0] == compare_proportions(42, 64, 31, 42).pvalue
    assert p[1] == compare_proportions(20, 64, 12, 42).pvalue


@pytest.mark.parametrize("method", ["fisher", "fisher-midp", "chi2", "chi2-yates", "z-unpooled"])
@pytest.mark.parametrize("n1, n2", [(1, 1), (5, 7), (12, 9), (25, 30)])
def test_pvalue_matrix_equals_scalar_tests(method, n1, n2):
    from reanalysis.proportions import pvalue_matrix

    matrix = pvalue_matrix(n1, n2, method)
    for i in range(n1 + 1):
        for j in range(n2 + 1):
            assert matrix[i, j] == pytest.approx(
                compare_proportions(i, n1, j, n2, method=method).pvalue, abs=1e-12
            )


@pytest.mark.parametrize(
    "table", [(42, 64, 31, 42), (24, 79, 25, 67), (3, 10, 0, 10), (7, 7, 2, 9), (1, 20, 1, 3)]
)
def test_unconditional_tests_agree_with_scipy_given_enough_search_points(table):
    x1, n1, x2, n2 = table
    cols = [[x1, x2], [n1 - x1, n2 - x2]]
    assert compare_proportions(*table, method="barnard").pvalue == pytest.approx(
        stats.barnard_exact(cols, n=512).pvalue, abs=1e-9
    )
    assert compare_proportions(*table, method="boschloo").pvalue == pytest.approx(
        stats.boschloo_exact(cols, n=512).pvalue, abs=1e-9
    )


def test_number_needed_to_treat_follows_altman():
    from reanalysis import proportions as p

    # CI of the RD excludes 0: the NNT's CI is the reciprocal interval.
    res = p.nnt(p.effect_size(99, 168, 5, 85))
    assert not res.crosses_zero and res.direction == "more"
    assert res.value == pytest.approx(1 / (99 / 168 - 5 / 85))
    rd = p.effect_size(99, 168, 5, 85)
    assert (res.low, res.high) == pytest.approx((1 / rd.high, 1 / rd.low))
    # CI includes 0: two pieces through infinity, named by the outcome's direction.
    res = p.nnt(p.effect_size(42, 64, 31, 42))
    assert res.crosses_zero and res.direction == "fewer"
    assert "NNH 12.2" in res.describe() and "to infinity to" in res.describe()
    assert res.describe(outcome_is_good=False).startswith("NNT 12.2")
    with pytest.raises(ValueError, match="risk-difference"):
        p.nnt(p.effect_size(1, 2, 1, 2, measure="or"))
