"""Hostile input for every public function of bayes, meta, power and fragility (issue 11).

Each argument is drawn from a mix of valid values and garbage (None, strings, bools, NaN, inf,
huge integers, negative numbers, empty or nested sequences). Every call must either return a
result or raise ValueError with a one-line message; any other exception, and any warning, fails.
Returned numbers are never infinite.
"""

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reanalysis import bayes, fragility, meta, power
from reanalysis._results import Result

GARBAGE = st.sampled_from(
    [
        None,
        "x",
        "0.5",
        "",
        True,
        False,
        math.nan,
        math.inf,
        -math.inf,
        -1,
        -0.5,
        0,
        10**400,
        1e300,
        3.7,
        [],
        [1],
        (1, 2),
        [[1, 2]],
        {},
        complex(1, 1),
        b"1",
        np.nan,
        np.array([1, 2]),
    ]
)


def g(valid):
    """An argument: usually valid, sometimes garbage."""
    return st.one_of(valid, valid, GARBAGE)


COUNT = st.integers(0, 60)
TOTAL = st.integers(1, 60)
BIG_TOTAL = st.sampled_from([1, 2, 10, 64, 10**5, 10**7])
PROB = st.floats(0.01, 0.99)
LEVEL = st.sampled_from([0.5, 0.9, 0.95, 0.99])
PRIOR = st.one_of(st.tuples(st.floats(0.1, 10), st.floats(0.1, 10)), st.just((1, 1)))


def _check_result(res):
    assert isinstance(res, Result)
    for f in dataclasses.fields(res):
        v = getattr(res, f.name)
        if isinstance(v, float):
            assert not math.isinf(v), (f.name, res)


def _call(fn, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            res = fn(*args, **kwargs)
        except ValueError as exc:
            msg = str(exc)
            assert msg and "\n" not in msg, msg
            return None
    _check_result(res)
    return res


FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(g(COUNT), g(BIG_TOTAL), g(COUNT), g(BIG_TOTAL), g(PRIOR), g(PRIOR), g(st.floats(-0.9, 0.9)), g(LEVEL))
def test_posterior_difference(x1, n1, x2, n2, p1, p2, margin, level):
    _call(bayes.posterior_difference, x1, n1, x2, n2, prior1=p1, prior2=p2, margin=margin, level=level)


@FUZZ
@given(
    g(COUNT),
    g(TOTAL),
    g(COUNT),
    g(TOTAL),
    g(st.sampled_from([None, *bayes.PRIORS])),
    g(st.one_of(st.none(), st.floats(-2, 2))),
    g(st.one_of(st.none(), st.floats(0.1, 5))),
    g(st.floats(0.2, 5)),
    g(LEVEL),
)
def test_posterior_odds_ratio(x1, n1, x2, n2, prior, mean, sd, target, level):
    _call(bayes.posterior_odds_ratio, x1, n1, x2, n2, prior, mean, sd, target, level)


@FUZZ
@given(g(COUNT), g(TOTAL), g(PRIOR), g(PROB), g(LEVEL))
def test_posterior_proportion(x, n, prior, threshold, level):
    _call(bayes.posterior_proportion, x, n, prior, threshold, level)


@FUZZ
@given(g(st.floats(0.1, 10)), g(st.floats(0.05, 5)), g(st.floats(0.2, 20)), g(LEVEL), g(st.floats(0.1, 1)))
def test_prior_from_estimate(est, lo, hi, level, weight):
    _call(bayes.prior_from_estimate, est, lo, hi, level, weight)


@FUZZ
@given(
    g(st.floats(0, 1)), g(TOTAL), g(st.floats(0.1, 1)), g(PRIOR), g(st.floats(0.1, 5)), g(st.floats(0.1, 5))
)
def test_beta_priors(rate, n, weight, initial, a, b):
    _call(bayes.beta_prior_from_rate, rate, n, weight, initial)
    _call(bayes.beta_prior, a, b)


@FUZZ
@given(
    g(st.floats(0, 1)),
    g(st.floats(0, 1)),
    g(TOTAL),
    g(TOTAL),
    g(st.sampled_from([0.01, 0.05, 0.1])),
    g(st.sampled_from(power.POWER_METHODS)),
)
def test_power_two_proportions(p1, p2, n1, n2, alpha, method):
    _call(power.power_two_proportions, p1, p2, n1, n2, alpha, method)


@FUZZ
@given(
    g(st.floats(0.05, 0.95)),
    g(st.floats(0.05, 0.95)),
    g(st.floats(0.001, 0.99)),
    g(st.floats(0.5, 2)),
    g(st.sampled_from([0.01, 0.05])),
    g(st.sampled_from(power.POWER_METHODS)),
    g(st.sampled_from([60, 200])),
    g(st.booleans()),
)
def test_sample_size_two_proportions(p1, p2, pw, ratio, alpha, method, max_n, progress):
    _call(
        power.sample_size_two_proportions,
        p1,
        p2,
        pw,
        ratio,
        alpha,
        method,
        max_n,
        progress,
    )


@FUZZ
@given(g(PROB), g(TOTAL), g(TOTAL), g(st.floats(0.001, 0.99)), g(st.sampled_from([0.01, 0.05])))
def test_minimal_detectable_difference(p_ref, n1, n2, pw, alpha):
    _call(power.minimal_detectable_difference, p_ref, n1, n2, pw, alpha)


@FUZZ
@given(g(PROB), g(PROB), g(TOTAL), g(st.sampled_from([0.01, 0.05])), g(st.sampled_from(["exact", "normal"])))
def test_power_one_proportion(p0, p1, n, alpha, method):
    _call(power.power_one_proportion, p0, p1, n, alpha, method)


RATES = st.lists(PROB, min_size=1, max_size=3)


@FUZZ
@given(
    g(PROB),
    g(RATES),
    g(TOTAL),
    g(st.one_of(TOTAL, st.lists(TOTAL, min_size=1, max_size=3))),
    g(st.sampled_from([0.01, 0.05])),
    g(st.sampled_from(power.MULTI_ARM_METHODS)),
)
def test_power_multi_arm(p0, pt, n0, nt, alpha, method):
    _call(power.power_multi_arm, p0, pt, n0, nt, alpha, method)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    g(PROB),
    g(RATES),
    g(st.floats(0.001, 0.99)),
    g(st.sampled_from(power.MULTI_ARM_METHODS)),
    g(st.floats(0.5, 2)),
    g(st.sampled_from(power.MULTI_ARM_TARGETS)),
)
def test_sample_size_multi_arm(p0, pt, pw, method, ratio, target):
    _call(power.sample_size_multi_arm, p0, pt, pw, 0.05, method, ratio, target)


@FUZZ
@given(
    g(PROB),
    g(PROB),
    g(TOTAL),
    g(TOTAL),
    g(st.floats(0, 0.3)),
    g(st.sampled_from(power.HYPOTHESES)),
    g(st.sampled_from([0.025, 0.05])),
    g(st.sampled_from(power.ACTIVE_CONTROL_METHODS)),
    g(st.floats(0.001, 0.99)),
    g(st.floats(0.5, 2)),
)
def test_active_control(pt, pc, nt, nc, margin, hyp, alpha, method, pw, ratio):
    _call(power.power_active_control, pt, pc, nt, nc, margin, hyp, alpha, method)
    _call(power.sample_size_active_control, pt, pc, margin, pw, hyp, alpha, ratio, method)


COUNTS = st.lists(st.integers(0, 40), min_size=1, max_size=6)
TOTALS = st.lists(st.integers(1, 40), min_size=1, max_size=6)


@FUZZ
@given(
    g(COUNTS),
    g(TOTALS),
    g(st.sampled_from(meta.TAU2_METHODS)),
    g(st.sampled_from(meta.TRANSFORMS)),
    g(st.booleans()),
    g(LEVEL),
    g(st.one_of(st.none(), st.lists(st.text(max_size=3), max_size=6))),
)
def test_pool_proportions(x, n, method, transform, hk, level, labels):
    _call(meta.pool_proportions, x, n, method, transform, hk, level, labels)


@FUZZ
@given(
    g(COUNTS),
    g(TOTALS),
    g(COUNTS),
    g(TOTALS),
    g(st.sampled_from(meta.MEASURES)),
    g(st.sampled_from(meta.TAU2_METHODS)),
    g(st.booleans()),
    g(LEVEL),
)
def test_pool_effects(x1, n1, x2, n2, measure, method, hk, level):
    _call(meta.pool_effects, x1, n1, x2, n2, measure, method, hk, level)


@FUZZ
@given(
    g(COUNT),
    g(TOTAL),
    g(COUNT),
    g(TOTAL),
    g(st.sampled_from([0.01, 0.05, 0.1])),
    g(st.sampled_from(["fisher", "chi2", "chi2-yates", "g-test", "z-unpooled", "fisher-midp"])),
)
def test_fragility_index(x1, n1, x2, n2, alpha, method):
    _call(fragility.fragility_index, x1, n1, x2, n2, alpha, method)


@pytest.mark.parametrize(
    "call",
    [
        lambda: bayes.posterior_difference(np.int64(5), np.int64(10), np.float64(3.0), 10),
        lambda: power.power_two_proportions(np.float64(0.3), 0.5, np.int64(20), 20.0),
        lambda: meta.pool_proportions(np.array([3, 4]), np.array([10.0, 12.0])),
        lambda: fragility.fragility_index(np.int64(10), 20, 2, np.int32(20)),
    ],
)
def test_numpy_scalars_and_whole_floats_are_accepted(call):
    _check_result(call())
