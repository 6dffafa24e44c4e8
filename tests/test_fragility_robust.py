"""Fragility index at scale: the logarithmic search equals the step-by-step scan."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis import fragility, proportions


def _scan(x1, n1, x2, n2, alpha=0.05, method="fisher"):
    """The definition, step by step (the previous implementation): (index or None, a, b)."""

    def p(a, b):
        return proportions.compare_proportions(a, n1, b, n2, method=method).pvalue

    if p(x1, x2) < alpha:
        d1, d2 = (1, 0) if x1 <= x2 else (0, 1)
        a, b, steps = x1, x2, 0
        while a + d1 <= n1 and b + d2 <= n2:
            a, b, steps = a + d1, b + d2, steps + 1
            if p(a, b) >= alpha:
                return steps, a, b
        return None, a, b
    best = None
    for d1, d2 in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        a, b, steps = x1, x2, 0
        while 0 <= a + d1 <= n1 and 0 <= b + d2 <= n2:
            a, b, steps = a + d1, b + d2, steps + 1
            if p(a, b) < alpha:
                if best is None or steps < best[0]:
                    best = (steps, a, b)
                break
    return best if best is not None else (None, x1, x2)


def _check(x1, n1, x2, n2, method):
    res = fragility.fragility_index(x1, n1, x2, n2, method=method)
    steps, a, b = _scan(x1, n1, x2, n2, method=method)
    if steps is None:
        assert math.isnan(res.index) and res.note
    else:
        assert (res.index, res.modified_count1, res.modified_count2) == (steps, a, b)
    return res


@pytest.mark.parametrize(
    "table,method",
    [
        ((5000, 10000, 4000, 10000), "chi2"),  # index 862: the scan computes 863 p-values
        ((300, 1000, 150, 1000), "fisher"),
        ((300, 1000, 150, 400), "chi2"),
        ((700, 3000, 400, 1000), "g-test"),
        ((1000, 2000, 1000, 2000), "chi2"),  # reverse, long paths in every direction
        ((400, 900, 430, 900), "z-unpooled"),
    ],
)
def test_long_paths_match_the_scan(table, method):
    res = _check(*table, method)
    assert res.evaluations < 90


@settings(max_examples=40, deadline=None)
@given(
    n1=st.integers(1, 700),
    n2=st.integers(1, 700),
    f1=st.floats(0, 1),
    f2=st.floats(0, 1),
    method=st.sampled_from(["chi2", "fisher", "z-unpooled"]),
)
def test_search_equals_scan(n1, n2, f1, f2, method):
    _check(round(f1 * n1), n1, round(f2 * n2), n2, method)


def test_large_trial_is_fast_in_evaluations():
    # Issue 11 item 9: the cost grew with the index (861 Fisher p-values at n = 1e4 per group).
    res = fragility.fragility_index(50_000, 100_000, 49_000, 100_000, method="chi2")
    assert res.kind == "fragility" and res.index > 500 and res.evaluations < 60
    p_before = proportions.compare_proportions(
        50_000, 100_000, 48_999 + int(res.index), 100_000, "chi2"
    ).pvalue
    assert p_before < 0.05 <= res.modified_pvalue


BAD = [
    (dict(count1=None), "count1"),
    (dict(count1="10"), "count1"),
    (dict(count1=True), "count1"),
    (dict(count1=2.5), "count1"),
    (dict(count1=math.nan), "count1"),
    (dict(nobs1=0), "nobs1"),
    (dict(nobs2=-3), "nobs2"),
    (dict(count2=21), "count2"),
    (dict(alpha=0), "alpha"),
    (dict(alpha=math.inf), "alpha"),
    (dict(alpha="0.05"), "alpha"),
    (dict(method="t"), "method"),
    (dict(method=None), "method"),
]


@pytest.mark.parametrize("change,name", BAD, ids=[str(c) for c, _ in BAD])
def test_fragility_rejects_bad_input(change, name):
    args = {**dict(count1=10, nobs1=20, count2=2, nobs2=20), **change}
    with pytest.raises(ValueError) as excinfo:
        fragility.fragility_index(**args)
    msg = str(excinfo.value)
    assert "\n" not in msg and name in msg, msg
