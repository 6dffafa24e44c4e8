"""Bayesian reanalysis: exact posterior of a difference at every n, prior weights, external priors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special, stats

from reanalysis import bayes

# --------------------------------------------------------------------------------------------
# posterior_difference against Monte Carlo and a closed form, n from 1 to 1e7
# --------------------------------------------------------------------------------------------

MC_CASES = [
    (0, 1, 1, 1, 0.0),
    (1, 3, 2, 5, 0.0),
    (3, 10, 7, 12, -0.2),
    (31, 42, 42, 64, 0.10),
    (60, 500, 45, 500, 0.02),
    (5, 1000, 1, 1000, 0.0),
    (250, 50_000, 300, 50_000, -0.001),
    (5, 10**6, 3, 10**6, 0.0),  # the issue's case: P = 1.0, CI [0.9585, 0.9585] before the fix
    (1000, 10**6, 950, 10**6, 0.0),
    (0, 10**7, 2, 10**7, 0.0),
    (5_000_000, 10**7, 4_999_000, 10**7, 0.0),
]


@pytest.mark.parametrize("x1,n1,x2,n2,margin", MC_CASES)
def test_posterior_difference_matches_monte_carlo(x1, n1, x2, n2, margin):
    # 400,000 draws with a fixed seed. Tolerances are 5 Monte Carlo standard errors of a binomial
    # proportion estimated from the draws: for P(D > margin), sqrt(P(1 - P)/N) (floored at 1/N);
    # for the interval, the fraction of draws below `low` (above `high`) must be 0.025 within
    # 5 * sqrt(0.025 * 0.975 / N) = 1.2e-3. A wrong interval (the old [0.9585, 0.9585]) or a wrong
    # probability (the old 1.0 vs 0.746) fails by orders of magnitude.
    N = 400_000
    rng = np.random.default_rng(20240611)
    d = rng.beta(x1 + 1, n1 - x1 + 1, N) - rng.beta(x2 + 1, n2 - x2 + 1, N)
    res = bayes.posterior_difference(x1, n1, x2, n2, margin=margin)
    p_mc = float(np.mean(d > margin))
    se = max(math.sqrt(p_mc * (1 - p_mc) / N), 1 / N)
    assert abs(res.prob_greater - p_mc) < 5 * se, (res.prob_greater, p_mc)
    tail_se = math.sqrt(0.025 * 0.975 / N)
    assert abs(np.mean(d <= res.low) - 0.025) < 5 * tail_se
    assert abs(np.mean(d > res.high) - 0.025) < 5 * tail_se
    assert res.mean == pytest.approx((x1 + 1) / (n1 + 2) - (x2 + 1) / (n2 + 2), abs=1e-15)
    assert res.sd == pytest.approx(float(np.std(d)), rel=0.01)
    assert res.low < res.mean < res.high


def test_issue_case_numbers():
    res = bayes.posterior_difference(5, 10**6, 3, 10**6)
    assert res.prob_greater == pytest.approx(0.746, abs=1e-3)
    assert res.low == pytest.approx(-4.14e-6, abs=2e-8) and res.high == pytest.approx(8.51e-6, abs=2e-8)


def _cook(a1, b1, a2, b2):
    """P(p1 > p2) for p1 ~ Beta(a1, b1) with integer a1 (Cook, MD Anderson tech. report 2005)."""
    i = np.arange(int(a1))
    terms = (
        special.betaln(a2 + i, b1 + b2) - np.log(b1 + i) - special.betaln(1 + i, b1) - special.betaln(a2, b2)
    )
    return float(np.exp(terms).sum())


@pytest.mark.parametrize(
    "x1,n1,x2,n2",
    [
        (0, 1, 0, 1),
        (3, 10, 7, 12),
        (31, 42, 42, 64),
        (5, 10**6, 3, 10**6),
        (0, 10**7, 2, 10**7),
        (60, 10**5, 40, 10**5),
    ],
)
def test_probability_matches_closed_form(x1, n1, x2, n2):
    # Exact to the rounding of the closed-form sum (~1e-10 at n = 1e7); the quadrature is ~1e-10.
    res = bayes.posterior_difference(x1, n1, x2, n2)
    assert res.prob_greater == pytest.approx(_cook(x1 + 1, n1 - x1 + 1, x2 + 1, n2 - x2 + 1), abs=1e-8)


def test_smallest_case_by_hand():
    # 0/1 vs 1/1 with uniform priors: p1 ~ Beta(1, 2), p2 ~ Beta(2, 1);
    # P(p1 > p2) = ∫ 2y (1 - y)^2 dy = 1/6.
    res = bayes.posterior_difference(0, 1, 1, 1)
    assert res.prob_greater == pytest.approx(1 / 6, abs=1e-12)
    assert res.mean == pytest.approx(-1 / 3)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------


@st.composite
def _group(draw):
    n = draw(st.one_of(st.integers(1, 60), st.integers(1, 10**7), st.sampled_from([1, 2, 10**5, 10**7])))
    x = draw(st.one_of(st.integers(0, min(n, 5)), st.integers(0, n), st.just(n)))
    return x, n


@settings(max_examples=60, deadline=None)
@given(
    g1=_group(),
    g2=_group(),
    prior=st.tuples(st.floats(0.5, 5), st.floats(0.5, 5)),
    margins=st.lists(st.floats(-0.99, 0.99), min_size=2, max_size=2),
)
def test_posterior_difference_properties(g1, g2, prior, margins):
    (x1, n1), (x2, n2) = g1, g2
    m1, m2 = sorted(margins)
    r1 = bayes.posterior_difference(x1, n1, x2, n2, prior1=prior, prior2=prior, margin=m1)
    r2 = bayes.posterior_difference(x1, n1, x2, n2, prior1=prior, prior2=prior, margin=m2)
    assert -1 <= r1.low < r1.high <= 1
    assert r1.low <= r1.mean <= r1.high  # the interval contains its own mean
    assert 0 <= r2.prob_greater <= r1.prob_greater + 1e-9 <= 1 + 1e-9  # P(D > m) falls with m
    # Swapping the groups mirrors the distribution.
    sw = bayes.posterior_difference(x2, n2, x1, n1, prior1=prior, prior2=prior, margin=-m1)
    assert sw.prob_greater == pytest.approx(1 - r1.prob_greater, abs=1e-8)
    assert sw.low == pytest.approx(-r1.high, abs=1e-9 + 1e-7 * r1.sd)
    assert sw.high == pytest.approx(-r1.low, abs=1e-9 + 1e-7 * r1.sd)


def test_level_widens_interval():
    narrow = bayes.posterior_difference(31, 42, 42, 64, level=0.5)
    wide = bayes.posterior_difference(31, 42, 42, 64, level=0.99)
    assert wide.low < narrow.low < narrow.high < wide.high


# --------------------------------------------------------------------------------------------
# How much of the posterior comes from the prior; priors from outside evidence
# --------------------------------------------------------------------------------------------


def test_prior_weights_of_beta_priors():
    res = bayes.posterior_difference(31, 42, 42, 64, prior1=(2, 3))
    assert res.prior_weight1 == pytest.approx(5 / 47) and res.prior_weight2 == pytest.approx(2 / 66)
    one = bayes.posterior_proportion(4, 4)
    assert one.prior_weight == pytest.approx(2 / 6)


def test_prior_weight_of_normal_model():
    res = bayes.posterior_odds_ratio(42, 64, 31, 42, prior="sceptical")
    assert res.prior_weight == pytest.approx(res.posterior_sd**2 / res.prior_sd**2)
    assert 0 < res.prior_weight < 1
    assert bayes.posterior_odds_ratio(42, 64, 31, 42, prior="neutral").prior_weight < 0.01


def test_enthusiastic_prior_carries_a_note():
    assert "external" in bayes.posterior_odds_ratio(42, 64, 31, 42, prior="enthusiastic").note
    assert bayes.posterior_odds_ratio(42, 64, 31, 42, prior="sceptical").note == ""


def test_prior_from_estimate_round_trip():
    m, s = math.log(1.8), 0.3
    z = stats.norm.isf(0.025)
    prior = bayes.prior_from_estimate(math.exp(m), math.exp(m - z * s), math.exp(m + z * s))
    assert prior.mean == pytest.approx(m) and prior.sd == pytest.approx(s) and prior.asymmetry < 1e-12
    ext = bayes.posterior_odds_ratio(42, 64, 31, 42, prior=prior)
    custom = bayes.posterior_odds_ratio(42, 64, 31, 42, prior_mean=m, prior_sd=s)
    assert ext.prior == "external"
    assert ext.posterior_mean == pytest.approx(custom.posterior_mean) and ext.prior_weight == pytest.approx(
        custom.prior_weight
    )
    half = bayes.prior_from_estimate(math.exp(m), math.exp(m - z * s), math.exp(m + z * s), weight=0.5)
    assert half.sd == pytest.approx(s * math.sqrt(2))


def test_prior_from_estimate_reports_asymmetry():
    prior = bayes.prior_from_estimate(2.0, 1.5, 4.0)
    assert prior.asymmetry > 0.1


def test_beta_prior_from_rate_is_a_power_prior():
    prior = bayes.beta_prior_from_rate(0.656, 64, weight=0.5)
    assert (prior.a, prior.b) == pytest.approx((1 + 0.5 * 0.656 * 64, 1 + 0.5 * 0.344 * 64))
    assert prior.ess == pytest.approx(prior.a + prior.b)
    a = bayes.posterior_proportion(10, 20, prior=prior)
    b = bayes.posterior_proportion(10, 20, prior=(prior.a, prior.b))
    assert a == b and a.prior_weight == pytest.approx(prior.ess / (prior.ess + 20))
    d = bayes.posterior_difference(10, 20, 12, 20, prior1=prior)
    assert d.prior1_a == prior.a


def test_posterior_proportion_matches_scipy():
    res = bayes.posterior_proportion(4, 4, threshold=0.5)
    post = stats.beta(5, 1)
    assert (res.low, res.high, res.prob_above) == pytest.approx(
        (post.ppf(0.025), post.isf(0.025), post.sf(0.5))
    )


# --------------------------------------------------------------------------------------------
# Bad input: one-line ValueError naming the argument
# --------------------------------------------------------------------------------------------

GOOD = dict(count1=31, nobs1=42, count2=42, nobs2=64)
BAD_DIFFERENCE = [
    (dict(prior1=(math.inf, 1)), "prior1"),
    (dict(prior1=(1, math.nan)), "prior1"),
    (dict(prior2=(0, 1)), "prior2"),
    (dict(prior2="flat"), "prior2"),
    (dict(prior1=(1, 2, 3)), "prior1"),
    (dict(prior1=(True, 1)), "prior1"),
    (dict(margin=math.nan), "margin"),
    (dict(margin=math.inf), "margin"),
    (dict(margin=1.0), "margin"),
    (dict(margin="0.1"), "margin"),
    (dict(margin=None), "margin"),
    (dict(level=math.nan), "level"),
    (dict(level=1.0), "level"),
    (dict(level=True), "level"),
    (dict(level=95), "level"),
    (dict(count1=None), "count1"),
    (dict(count1="31"), "count1"),
    (dict(count1=True), "count1"),
    (dict(count1=3.5), "count1"),
    (dict(count1=-1), "count1"),
    (dict(count1=math.nan), "count1"),
    (dict(nobs1=0), "nobs1"),
    (dict(nobs2=math.inf), "nobs2"),
    (dict(nobs2=10**400), "nobs2"),
    (dict(count2=65), "count2"),
]


def _one_line(excinfo, name):
    msg = str(excinfo.value)
    assert "\n" not in msg and name in msg, msg


@pytest.mark.parametrize("change,name", BAD_DIFFERENCE, ids=[str(c) for c, _ in BAD_DIFFERENCE])
def test_posterior_difference_rejects_bad_input(change, name):
    with pytest.raises(ValueError) as excinfo:
        bayes.posterior_difference(**{**GOOD, **change})
    _one_line(excinfo, name)


BAD_OR = [
    (dict(prior="optimistic"), "prior"),
    (dict(prior_sd=math.inf), "prior_sd"),
    (dict(prior_sd=0), "prior_sd"),
    (dict(prior_sd=1, prior_mean=math.nan), "prior_mean"),
    (dict(prior="sceptical", prior_sd=1), "prior"),
    (dict(prior="neutral", target_or=math.nan), "target_or"),
    (dict(prior="neutral", target_or=-2), "target_or"),
    (dict(prior="neutral", target_or=1), "target_or"),
    (dict(prior="neutral", level=0), "level"),
    (dict(), "prior_sd"),
]


@pytest.mark.parametrize("change,name", BAD_OR, ids=[str(c) for c, _ in BAD_OR])
def test_posterior_odds_ratio_rejects_bad_input(change, name):
    with pytest.raises(ValueError) as excinfo:
        bayes.posterior_odds_ratio(42, 64, 31, 42, **change)
    _one_line(excinfo, name)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: bayes.posterior_proportion(5, 4), "count"),
        (lambda: bayes.posterior_proportion(1, 4, threshold=1.5), "threshold"),
        (lambda: bayes.posterior_proportion(1, 4, prior=(1, math.inf)), "prior"),
        (lambda: bayes.prior_from_estimate(2, 3, 4), "ci_low < odds_ratio"),
        (lambda: bayes.prior_from_estimate(2, 1, math.inf), "ci_high"),
        (lambda: bayes.prior_from_estimate(2, 1, 4, weight=0), "weight"),
        (lambda: bayes.prior_from_estimate("2", 1, 4), "odds_ratio"),
        (lambda: bayes.beta_prior_from_rate(65.6, 64), "rate"),
        (lambda: bayes.beta_prior_from_rate(0.5, 0), "n"),
        (lambda: bayes.beta_prior_from_rate(0.5, 10, weight=2), "weight"),
        (lambda: bayes.beta_prior(1, -1), "b"),
    ],
)
def test_other_functions_reject_bad_input(call, name):
    with pytest.raises(ValueError) as excinfo:
        call()
    _one_line(excinfo, name)


@pytest.mark.parametrize("n", [10**9, 10**12, 2**53])
def test_huge_n_reaches_the_poisson_limit(n):
    # 5/n vs 3/n with uniform priors: n p1 -> Gamma(6), n p2 -> Gamma(4) as n grows, and
    # P(Gamma(6) > Gamma(4)) = P(Beta(6, 4) > 1/2) = 191/256; the finite-n correction is O(1/n).
    res = bayes.posterior_difference(5, n, 3, n)
    assert res.prob_greater == pytest.approx(191 / 256, abs=1e-8)
    assert res.low * n == pytest.approx(-4.1425069, abs=1e-6) and res.high * n == pytest.approx(
        8.5058437, abs=1e-6
    )
