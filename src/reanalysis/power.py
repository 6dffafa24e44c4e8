"""Power, sample size and minimal detectable difference for response-rate comparisons.

- :func:`power_two_proportions`: normal approximation (Fleiss, Statistical Methods for Rates and
  Proportions, 3rd ed., eq. 4.14, without continuity correction), which for equal group sizes is
  exactly R's ``power.prop.test`` (``strict=FALSE``); or exact power of Fisher's test / the
  chi-square test by full enumeration of both binomial outcomes.
- :func:`sample_size_two_proportions`, :func:`minimal_detectable_difference`: inversions of it.
- :func:`power_one_proportion`: single-arm designs, exact binomial (A'Hern, Stat Med 2001) or
  normal approximation.
All alphas are two-sided for two-group tests and one-sided for single-arm designs (the usual
conventions of each design), as stated in each docstring.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import optimize, stats

from . import _checks
from ._results import Result

POWER_METHODS = ("normal", "fisher", "chi2")


@dataclasses.dataclass(frozen=True)
class PowerResult(Result):
    p1: float
    p2: float
    n1: int
    n2: int
    alpha: float
    power: float
    method: str


def _normal_power(p1, p2, n1, n2, alpha):
    # Fleiss (eq. 4.14) with the pooled variance under H0 and the unpooled one under H1; only the
    # tail in the direction of the true difference counts, as power.prop.test(strict = FALSE).
    z = stats.norm.isf(alpha / 2)
    pbar = (n1 * p1 + n2 * p2) / (n1 + n2)
    sd0 = math.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
    sd1 = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if sd1 == 0:
        return 1.0 if p1 != p2 else alpha / 2
    return float(stats.norm.cdf((abs(p1 - p2) - z * sd0) / sd1))


def _exact_power(p1, p2, n1, n2, alpha, method):
    from .proportions import pvalue_matrix

    prob = np.outer(stats.binom.pmf(np.arange(n1 + 1), n1, p1), stats.binom.pmf(np.arange(n2 + 1), n2, p2))
    reject = pvalue_matrix(n1, n2, "fisher" if method == "fisher" else "chi2") < alpha
    return float(prob[reject].sum())


def power_two_proportions(p1, p2, n1, n2, alpha: float = 0.05, method: str = "normal") -> PowerResult:
    """Power of a two-sided test of ``p1 == p2`` with ``n1`` and ``n2`` patients.

    ``method="normal"`` is the normal approximation (R ``power.prop.test`` for equal n);
    ``"fisher"`` and ``"chi2"`` enumerate every outcome (exact power of Fisher's test or of the
    uncorrected chi-square test at level ``alpha``).
    """
    p1 = _checks.probability(p1, "p1", open_interval=False)
    p2 = _checks.probability(p2, "p2", open_interval=False)
    n1 = _checks.count(n1, "n1")
    n2 = _checks.count(n2, "n2")
    if n1 < 1 or n2 < 1:
        raise ValueError(f"n1 and n2 must be at least 1, got {n1} and {n2}")
    alpha = _checks.probability(alpha, "alpha")
    method = _checks.choice(method, "method", POWER_METHODS)
    power = (
        _normal_power(p1, p2, n1, n2, alpha)
        if method == "normal"
        else _exact_power(p1, p2, n1, n2, alpha, method)
    )
    return PowerResult(p1, p2, n1, n2, alpha, power, method)


@dataclasses.dataclass(frozen=True)
class SampleSizeResult(Result):
    p1: float
    p2: float
    n1: int
    n2: int
    n1_exact: float  # the unrounded solution (normal method), as power.prop.test's n
    power: float  # achieved power at (n1, n2)
    target_power: float
    alpha: float
    ratio: float
    method: str


def sample_size_two_proportions(
    p1,
    p2,
    power: float = 0.8,
    ratio: float = 1.0,
    alpha: float = 0.05,
    method: str = "normal",
    max_n: int = 5000,
) -> SampleSizeResult:
    """Smallest group sizes (n1, n2 = ceil(ratio * n1)) reaching ``power``.

    For ``"normal"`` the continuous solution is also returned (``n1_exact``; equal to R's
    ``power.prop.test(...)$n`` when ratio = 1). Exact methods search upward from the normal
    solution (exact power is not monotone in n; the first n reaching the target is returned).
    """
    p1 = _checks.probability(p1, "p1")
    p2 = _checks.probability(p2, "p2")
    if p1 == p2:
        raise ValueError("p1 and p2 must differ for a sample size to exist")
    power = _checks.probability(power, "power")
    alpha = _checks.probability(alpha, "alpha")
    method = _checks.choice(method, "method", POWER_METHODS)
    if not ratio > 0:
        raise ValueError(f"ratio must be positive, got {ratio!r}")

    def f(n):
        return _normal_power(p1, p2, n, ratio * n, alpha) - power

    n_exact = optimize.brentq(f, 1e-6, 1e8, xtol=1e-12, rtol=1e-14)
    n1 = max(1, math.ceil(n_exact - 1e-9))
    if method != "normal":
        n1 = max(2, int(n_exact * 0.7))
        while n1 <= max_n and _exact_power(p1, p2, n1, math.ceil(ratio * n1), alpha, method) < power:
            n1 += 1
        if n1 > max_n:
            raise ValueError(f"no sample size up to max_n={max_n} reaches power {power}")
    n2 = math.ceil(ratio * n1 - 1e-9)
    achieved = power_two_proportions(p1, p2, n1, n2, alpha, method).power
    return SampleSizeResult(p1, p2, n1, n2, float(n_exact), achieved, power, alpha, float(ratio), method)


@dataclasses.dataclass(frozen=True)
class DetectableDifference(Result):
    p_ref: float
    n1: int
    n2: int
    power: float
    alpha: float
    p_higher: float  # smallest p1 > p_ref detectable with the given power (nan if none)
    p_lower: float  # largest p1 < p_ref detectable
    difference_higher: float
    difference_lower: float


def minimal_detectable_difference(
    p_ref, n1, n2, power: float = 0.8, alpha: float = 0.05
) -> DetectableDifference:
    """Smallest true difference from ``p_ref`` (group 2) that group 1 of ``n1`` detects with ``power``.

    Uses the normal approximation; both directions are returned because the binomial variance
    makes them asymmetric. A direction with no detectable difference gives NaN.
    """
    p_ref = _checks.probability(p_ref, "p_ref")
    n1, n2 = _checks.count(n1, "n1"), _checks.count(n2, "n2")
    power = _checks.probability(power, "power")
    alpha = _checks.probability(alpha, "alpha")

    def g(p):
        return _normal_power(p, p_ref, n1, n2, alpha) - power

    hi = optimize.brentq(g, p_ref + 1e-12, 1 - 1e-12, xtol=1e-12) if g(1 - 1e-12) > 0 else math.nan
    lo = optimize.brentq(g, 1e-12, p_ref - 1e-12, xtol=1e-12) if g(1e-12) > 0 else math.nan
    return DetectableDifference(p_ref, n1, n2, power, alpha, hi, lo, hi - p_ref, lo - p_ref)


@dataclasses.dataclass(frozen=True)
class OneSampleDesign(Result):
    p0: float
    p1: float
    n: int
    alpha: float
    method: str
    critical_count: int  # reject H0 (p <= p0) when responders >= critical_count
    actual_alpha: float
    power: float


def power_one_proportion(p0, p1, n, alpha: float = 0.05, method: str = "exact") -> OneSampleDesign:
    """Power of a single-arm test of H0: p <= p0 against p1 > p0 (one-sided ``alpha``).

    ``"exact"``: reject when responders >= c, the smallest c with P(X >= c | p0) <= alpha
    (A'Hern 2001); ``"normal"``: the normal approximation with the same one-sided alpha.
    """
    p0 = _checks.probability(p0, "p0")
    p1 = _checks.probability(p1, "p1")
    n = _checks.count(n, "n")
    if n < 1:
        raise ValueError("n must be at least 1")
    if p1 <= p0:
        raise ValueError(f"p1 ({p1}) must exceed p0 ({p0}) for a one-sided test of improvement")
    alpha = _checks.probability(alpha, "alpha")
    method = _checks.choice(method, "method", ("exact", "normal"))
    k = np.arange(n + 2)
    tail0 = stats.binom.sf(k - 1, n, p0)
    c = int(k[np.argmax(tail0 <= alpha)]) if np.any(tail0 <= alpha) else n + 1
    actual = float(stats.binom.sf(c - 1, n, p0))
    if method == "exact":
        pw = float(stats.binom.sf(c - 1, n, p1))
    else:
        z = stats.norm.isf(alpha)
        pw = float(
            stats.norm.cdf(
                (math.sqrt(n) * (p1 - p0) - z * math.sqrt(p0 * (1 - p0))) / math.sqrt(p1 * (1 - p1))
            )
        )
    return OneSampleDesign(p0, p1, n, alpha, method, c, actual, pw)
