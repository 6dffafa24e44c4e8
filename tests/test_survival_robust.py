"""Survival functions on bad and extreme input (issue 11 items 7-8) and the vectorised
cumulative incidence (issue 13): identical to the former O(n x T) loop, one-line errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis import survival as sv


def _loop_cumulative_incidence(t, c, k):
    """The former implementation (list comprehensions and a Python loop), kept as the oracle."""
    times = np.unique(t)
    n_risk = np.array([(t >= s).sum() for s in times], dtype=float)
    d_all = np.array([((t == s) & (c > 0)).sum() for s in times], dtype=float)
    d_k = np.array([((t == s) & (c == k)).sum() for s in times], dtype=float)
    s_after = np.cumprod(1 - d_all / n_risk)
    s_before = np.concatenate([[1.0], s_after[:-1]])
    cif = np.cumsum(s_before * d_k / n_risk)
    v1 = v2 = v3 = 0.0
    out, current = np.zeros_like(cif), 0.0
    for j in range(len(cif)):
        n, other, own, before, after, f = (
            n_risk[j],
            d_all[j] - d_k[j],
            d_k[j],
            s_before[j],
            s_after[j],
            cif[j],
        )
        if other > 0 and after > 0:
            tie = 1 - (other - 1) / (n - 1) if other > 1 else 1.0
            w = before * before * tie * other / (n * n)
            a, b = 1 / after, f / after
            v1, v2, v3 = v1 + b * b * w, v2 + a * b * w, v3 + a * a * w
        if own > 0:
            tie = 1 - (own - 1) / (n - 1) if own > 1 else 1.0
            w = before * before * tie * own / (n * n)
            a = 1 / after if after > 0 else 0.0
            b = 1 + a * f
            v1, v2, v3 = v1 + b * b * w, v2 + a * b * w, v3 + a * a * w
            current = v1 + f * f * v3 - 2 * f * v2
        out[j] = current
    return times, n_risk, cif, np.maximum(out, 0.0)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(1, 300),
    ties=st.sampled_from([0, 1, 2]),
    k=st.sampled_from([1, 2]),
)
def test_vectorised_cumulative_incidence_equals_the_former_loop(seed, n, ties, k):
    rng = np.random.default_rng(seed)
    t = rng.exponential(10, n)
    t = np.round(t, ties) if ties else t  # heavy ties at 0 decimals
    c = rng.choice([0, 1, 2], n, p=[0.3, 0.4, 0.3])
    c[0] = k  # the event of interest occurs
    res = sv.cumulative_incidence(t, c, event_of_interest=k)
    times, n_risk, cif, var = _loop_cumulative_incidence(t, c, k)
    np.testing.assert_array_equal(res.table.time, times)
    np.testing.assert_array_equal(res.table.n_risk, n_risk)
    np.testing.assert_allclose(res.table.cumulative_incidence, cif, rtol=0, atol=1e-14)
    np.testing.assert_allclose(res.table.variance, var, rtol=1e-12, atol=1e-15)


def test_cumulative_incidence_everyone_has_the_event():
    res = sv.cumulative_incidence([1, 2, 2, 3], [1, 1, 2, 1])
    assert res.table.cumulative_incidence.iloc[-1] == pytest.approx(0.75)
    assert np.isfinite(res.table.variance).all()


# --------------------------------------------------------------------------------------------
# Issue 11: item 7 (silent wrong numbers) and item 8 (tracebacks)
# --------------------------------------------------------------------------------------------
def test_logrank_refuses_a_missing_group_label():
    for missing in (np.nan, None, pd.NA):
        with pytest.raises(ValueError, match=r"groups\[2\] = .* is missing") as err:
            sv.logrank([1, 2, 3, 4], [1, 0, 1, 1], ["a", "b", missing, "a"])
        assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match=r"groups\[1\] = nan is missing"):
        sv.logrank([1, 2, 3], [1, 1, 1], [0.0, np.nan, 1.0])


def test_logrank_labels_shorter_or_longer_than_the_data():
    with pytest.raises(ValueError, match="2 labels for 4 durations"):
        sv.logrank([1, 2, 3, 4], [1, 0, 1, 1], ["a", "b"])
    with pytest.raises(ValueError, match="5 labels for 4 durations"):
        sv.logrank([1, 2, 3, 4], [1, 0, 1, 1], list("abcab"))
    with pytest.raises(ValueError, match="at least two groups"):
        sv.logrank([1, 2], [1, 1], ["a", "a"])


def test_survival_at_and_at_risk_refuse_nan_times():
    km = sv.kaplan_meier([1, 2, 3], [1, 1, 0])
    for method in (km.survival_at, km.at_risk):
        with pytest.raises(ValueError, match=r"times\[1\] is NaN"):
            method([0.5, np.nan])
        with pytest.raises(ValueError, match="times must be numbers"):
            method(["soon"])
    assert km.at_risk([0, 1, 1.5, 3, 4]).tolist() == [3, 3, 2, 1, 0]
    assert km.survival_at([0, 1, 2.5]).tolist() == pytest.approx([1, 2 / 3, 1 / 3])
    cif = sv.cumulative_incidence([1, 2, 3], [1, 2, 0])
    with pytest.raises(ValueError, match="NaN"):
        cif.at([np.nan])


@pytest.mark.parametrize(
    "call",
    [
        lambda: sv.kaplan_meier([], []),
        lambda: sv.cumulative_incidence([], []),
        lambda: sv.logrank([], [], []),
        lambda: sv.clean_curve(pd.DataFrame({"time": [], "survival": []})),
        lambda: sv.reconstruct_ipd(pd.DataFrame({"time": [], "survival": []}), n_start=10),
        lambda: sv.kaplan_meier([1, 2], [1]),
        lambda: sv.kaplan_meier([1, np.nan], [1, 1]),
        lambda: sv.cumulative_incidence([1, 2], [1, 1.5]),
        lambda: sv.cumulative_incidence([1, 2], [1, 1], event_of_interest=2),
    ],
    ids=["km", "cif", "logrank", "clean", "reconstruct", "km-short", "km-nan", "cif-code", "cif-absent"],
)
def test_empty_or_malformed_input_is_a_one_line_value_error(call):
    with pytest.raises(ValueError) as err:
        call()
    assert "\n" not in str(err.value)
