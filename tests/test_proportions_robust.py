"""Bad and extreme inputs to reanalysis.proportions: a right answer or a one-line ValueError.

Counts have one meaning (reanalysis._checks): whole numbers, as ints or floats without a
fractional part. Oversized computations are refused up front with their cost and an alternative.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis import proportions as P

BAD_COUNTS = ["64", 3.7, None, True, False, "1e400", math.nan, math.inf, -1, 2**60, [5], b"5", 1 + 0j]


def _one_line_error(call, *fragments):
    with pytest.raises(ValueError) as err:
        call()
    message = str(err.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


@pytest.mark.parametrize("bad", BAD_COUNTS, ids=repr)
def test_bad_counts_are_refused_by_every_entry_point(bad):
    _one_line_error(lambda: P.proportion_ci(bad, 100), "count must be a non-negative integer count")
    _one_line_error(lambda: P.proportion_ci(3, bad), "nobs must be a non-negative integer count")
    _one_line_error(lambda: P.compare_proportions(3, 10, bad, 10), "count2 must be")
    _one_line_error(lambda: P.effect_size(3, bad, 2, 10, measure="rr"), "nobs1 must be")
    _one_line_error(lambda: P.pvalue_matrix(bad, 10), "nobs1 must be")


def test_a_string_is_never_read_as_digits():
    message = _one_line_error(lambda: P.proportion_ci(6, "64"), "nobs must be", "'64'", "string")
    assert "int()" in message


def test_whole_floats_and_numpy_integers_are_counts():
    assert P.proportion_ci(np.int64(23), 55.0).count == 23
    assert P.compare_proportions(np.uint8(3), 10, 2.0, np.float32(10)).nobs2 == 10


@pytest.mark.parametrize(
    "call, fragments",
    [
        (lambda: P.ci_many([1, 2, 3.7], 10), ["count[2]", "3.7", "whole number"]),
        (lambda: P.ci_many([1, 2], [3, 0]), ["nobs[1] must be at least 1"]),
        (lambda: P.ci_many([[1, 2], [3, 11]], 10), ["count[1, 1] (11) must not exceed nobs[1, 1] (10)"]),
        (lambda: P.ci_many(["6", "4"], 10), ["count[0]", "string"]),
        (lambda: P.ci_many([1, None], 10), ["count[1]", "None"]),
        (lambda: P.ci_many([1, True], 10), ["count[1]", "bool"]),
        (lambda: P.ci_many(np.array([1.0, np.nan]), 10), ["count[1]", "nan"]),
        (lambda: P.ci_many([1, -2], 10), ["count[1]", "negative"]),
        (lambda: P.ci_many("64", 100), ["count", "string"]),
        (lambda: P.ci_many([1, 2, 3], [4, 5]), ["same (or broadcastable) shapes"]),
        (lambda: P.compare_many([1, 5], [4, 4], 1, 4), ["count1[1] (5) must not exceed nobs1[1] (4)"]),
        (lambda: P.compare_many(1, 4, [1, 2.5], 4), ["count2[1]"]),
        (lambda: P.compare_many(1, [4, 0], 1, 4), ["nobs1[1] must be at least 1"]),
        (lambda: P.compare_many(1, 4, 1, 4, method="t"), ["method must be one of"]),
        (lambda: P.ci_many(1, 4, level=95), ["level must be strictly between 0 and 1"]),
    ],
)
def test_arrays_are_checked_element_by_element(call, fragments):
    _one_line_error(call, *fragments)


def test_empty_arrays_give_empty_results():
    low, high = P.ci_many([], [])
    assert low.shape == high.shape == (0,)
    assert P.compare_many([], [], [], []).shape == (0,)


def test_pvalue_matrix_is_read_only_and_its_cache_cannot_be_corrupted():
    matrix = P.pvalue_matrix(10, 12, "fisher")
    before = matrix.copy()
    with pytest.raises(ValueError):
        matrix[0, 0] = 0.5
    with pytest.raises(ValueError):
        matrix += 1
    again = P.pvalue_matrix(10, 12, "fisher")
    assert np.array_equal(again, before) and not again.flags.writeable
    assert P.pvalue_matrix(10, 12, "fisher").copy().flags.writeable  # a copy is the user's to modify


@pytest.mark.parametrize("method", ["barnard", "boschloo"])
def test_unconditional_tests_refuse_huge_tables_with_cost_and_alternative(method):
    # Barnard at 1e5 per group asked for 74.5 GiB in scipy's layout; here it is refused up front.
    message = _one_line_error(
        lambda: P.compare_proportions(50_000, 100_000, 50_500, 100_000, method=method),
        "too large to compute here",
        "GiB",
        "method='chi2'",
        "limit",
    )
    assert "nobs1 = 100000" in message
    _one_line_error(
        lambda: P.compare_many([1, 50_000], [10, 100_000], [1, 50_500], [10, 100_000], method=method)
    )


def test_pvalue_matrix_refuses_above_its_limits():
    _one_line_error(lambda: P.pvalue_matrix(200, 200, "boschloo"), "too large", "compare_many")
    _one_line_error(lambda: P.pvalue_matrix(5000, 5000, "fisher"), "too large", "limit")


def test_conditional_odds_ratio_refuses_huge_supports_and_says_what_to_use():
    _one_line_error(
        lambda: P.effect_size(10**7, 3 * 10**7, 10**7, 3 * 10**7, measure="or", method="conditional"),
        "too large",
        "method='wald' or 'miettinen-nurminen'",
    )


def test_large_but_allowed_tables_are_computed():
    assert 0 < P.compare_proportions(500, 1000, 540, 1000, method="boschloo").pvalue < 1
    assert 0 < P.compare_proportions(50_000, 100_000, 50_500, 100_000, method="fisher").pvalue < 1
    low, high = P.ci_many([0, 1, 10**6 - 1, 10**6], 10**6, method="mid-p")
    assert np.all(np.diff(low) > 0) and np.all(np.diff(high) > 0)


@st.composite
def count_arrays(draw, max_n=500, max_size=40):
    size = draw(st.integers(1, max_size))
    n = draw(st.lists(st.integers(1, max_n), min_size=size, max_size=size))
    return np.array([draw(st.integers(0, k)) for k in n]), np.array(n)


@settings(max_examples=60, deadline=None)
@given(count_arrays(), st.sampled_from(P.CI_METHODS), st.floats(0.5, 0.999))
def test_every_interval_contains_its_estimate_within_the_unit_interval(xn, method, level):
    x, n = xn
    low, high = P.ci_many(x, n, method=method, level=level)
    assert np.all((0 <= low) & (low <= x / n) & (x / n <= high) & (high <= 1))


@settings(max_examples=30, deadline=None)
@given(count_arrays(max_n=2000, max_size=20), st.sampled_from(["clopper-pearson", "mid-p", "jeffreys"]))
def test_exact_type_intervals_nest_with_the_level(xn, method):
    x, n = xn
    low90, high90 = P.ci_many(x, n, method=method, level=0.90)
    low99, high99 = P.ci_many(x, n, method=method, level=0.99)
    assert np.all(low99 <= low90) and np.all(high90 <= high99)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 30), st.integers(1, 30)), min_size=1, max_size=10),
    st.sampled_from(P.TEST_METHODS),
    st.data(),
)
def test_pvalues_lie_in_the_unit_interval(sizes, method, data):
    n1 = np.array([a for a, _ in sizes])
    n2 = np.array([b for _, b in sizes])
    x1 = np.array([data.draw(st.integers(0, a)) for a in n1])
    x2 = np.array([data.draw(st.integers(0, b)) for b in n2])
    p = P.compare_many(x1, n1, x2, n2, method=method)
    assert np.all((0 <= p) & (p <= 1))
