"""Bayesian reanalysis of two response rates.

- :func:`posterior_difference`: independent Beta-binomial models; the posterior of
  ``p1 - p2`` by numerical integration of the two Beta posteriors (no Monte Carlo): the
  probability that the difference exceeds a margin, the posterior mean and an equal-tailed
  credible interval (quantiles of the exact distribution of the difference).
- :func:`posterior_odds_ratio`: normal approximation on the log odds ratio (the "published
  summary" reanalysis of Goligher et al., JAMA 2018), with named priors (Spiegelhalter,
  Freedman & Parmar, JRSS A 1994): *sceptical* (centred on no effect, 5% probability of an
  odds ratio beyond ``target_or``), *enthusiastic* (centred on ``target_or``, 5% probability of
  harm), *neutral* (centred on 0 with SD 10 on the log scale: practically flat).
"""

from __future__ import annotations

import dataclasses
import math

from scipy import integrate, optimize, stats

from . import _checks
from ._results import Result


@dataclasses.dataclass(frozen=True)
class PosteriorDifference(Result):
    count1: int
    nobs1: int
    count2: int
    nobs2: int
    margin: float
    prob_greater: float  # P(p1 - p2 > margin | data)
    mean: float
    low: float
    high: float
    level: float


def _beta_params(prior, name):
    if not (isinstance(prior, tuple) and len(prior) == 2 and all(v > 0 for v in prior)):
        raise ValueError(f"{name} must be a pair of positive Beta parameters (a, b), got {prior!r}")
    return float(prior[0]), float(prior[1])


def posterior_difference(
    count1, nobs1, count2, nobs2, prior1=(1, 1), prior2=(1, 1), margin: float = 0.0, level: float = 0.95
) -> PosteriorDifference:
    """Posterior of ``p1 - p2`` under independent Beta priors (default uniform).

    ``prob_greater`` is ``P(p1 - p2 > margin)``; for "HPAG worse by more than 10 points" use
    ``margin=0.10`` with the comparator as group 1.
    """
    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    a1, b1 = _beta_params(prior1, "prior1")
    a2, b2 = _beta_params(prior2, "prior2")
    level = _checks.level(level)
    if not -1 < margin < 1:
        raise ValueError(f"margin must be between -1 and 1, got {margin!r}")
    post1 = stats.beta(a1 + x1, b1 + n1 - x1)
    post2 = stats.beta(a2 + x2, b2 + n2 - x2)

    def cdf(d):
        # P(p1 - p2 <= d) = ∫ f2(q) F1(q + d) dq; where q + d > 1, F1 = 1 and the integral is P2(q > 1 - d).
        lo, hi = max(0.0, -d), min(1.0, 1 - d)
        inside = integrate.quad(
            lambda q: post2.pdf(q) * post1.cdf(q + d), lo, hi, epsabs=1e-13, epsrel=1e-11, limit=200
        )[0]
        return min(1.0, max(0.0, inside + post2.sf(hi)))

    prob = 1 - cdf(margin)
    mean = post1.mean() - post2.mean()
    alpha = 1 - level
    low = optimize.brentq(lambda d: cdf(d) - alpha / 2, -1 + 1e-12, 1 - 1e-12, xtol=1e-12)
    high = optimize.brentq(lambda d: cdf(d) - (1 - alpha / 2), -1 + 1e-12, 1 - 1e-12, xtol=1e-12)
    return PosteriorDifference(
        x1, n1, x2, n2, float(margin), float(prob), float(mean), float(low), float(high), level
    )


PRIORS = ("sceptical", "neutral", "enthusiastic")


@dataclasses.dataclass(frozen=True)
class PosteriorOddsRatio(Result):
    prior: str
    prior_mean: float  # log OR
    prior_sd: float
    data_log_or: float
    data_se: float
    posterior_mean: float  # log OR
    posterior_sd: float
    odds_ratio: float  # exp(posterior mean) = posterior median OR
    low: float
    high: float
    prob_benefit: float  # P(OR > 1)
    prob_target: float  # P(OR > target_or)
    target_or: float
    level: float


def posterior_odds_ratio(
    count1,
    nobs1,
    count2,
    nobs2,
    prior: str | None = None,
    prior_mean: float = 0.0,
    prior_sd: float | None = None,
    target_or: float = 2.0,
    level: float = 0.95,
) -> PosteriorOddsRatio:
    """Normal-normal posterior of the log odds ratio of group 1 vs group 2.

    The likelihood is the Woolf log OR with its standard error (0.5 added to every cell if one
    is zero). Give ``prior`` by name ("sceptical", "neutral", "enthusiastic"; ``target_or`` sets
    the clinically meaningful effect) or ``prior_mean``/``prior_sd`` on the log-OR scale.
    """
    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    level = _checks.level(level)
    if not target_or > 0 or target_or == 1:
        raise ValueError(f"target_or must be positive and not 1, got {target_or!r}")
    z05 = stats.norm.isf(0.05)
    log_t = math.log(target_or)
    if prior is not None:
        prior = _checks.choice(prior, "prior", PRIORS)
        if prior == "sceptical":
            prior_mean, prior_sd = 0.0, abs(log_t) / z05
        elif prior == "enthusiastic":
            prior_mean, prior_sd = log_t, abs(log_t) / z05
        else:
            prior_mean, prior_sd = 0.0, 10.0
        name = prior
    else:
        if prior_sd is None or not prior_sd > 0:
            raise ValueError(f"prior_sd must be positive (or give prior by name), got {prior_sd!r}")
        name = "custom"
    a, b, c, d = x1, n1 - x1, x2, n2 - x2
    if 0 in (a, b, c, d):
        a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    y = math.log(a * d / (b * c))
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    prec = 1 / prior_sd**2 + 1 / se**2
    mean = (prior_mean / prior_sd**2 + y / se**2) / prec
    sd = math.sqrt(1 / prec)
    z = stats.norm.isf((1 - level) / 2)
    return PosteriorOddsRatio(
        name,
        float(prior_mean),
        float(prior_sd),
        y,
        se,
        mean,
        sd,
        math.exp(mean),
        math.exp(mean - z * sd),
        math.exp(mean + z * sd),
        float(stats.norm.sf(0, mean, sd)),
        float(stats.norm.sf(log_t, mean, sd)),
        float(target_or),
        level,
    )


@dataclasses.dataclass(frozen=True)
class PosteriorProportion(Result):
    count: int
    nobs: int
    prior_a: float
    prior_b: float
    mean: float
    low: float
    high: float
    threshold: float
    prob_above: float  # P(p > threshold | data)
    level: float


def posterior_proportion(
    count, nobs, prior=(1, 1), threshold: float = 0.5, level: float = 0.95
) -> PosteriorProportion:
    """Beta posterior of one response rate: mean, equal-tailed credible interval, P(p > threshold).

    Useful for tiny case series ("4 of 4 responded"): with a uniform prior the posterior is
    Beta(count + 1, nobs - count + 1).
    """
    x, n = _checks.count_and_total(count, nobs)
    a, b = _beta_params(prior, "prior")
    threshold = _checks.probability(threshold, "threshold")
    level = _checks.level(level)
    post = stats.beta(a + x, b + n - x)
    alpha = 1 - level
    return PosteriorProportion(
        x,
        n,
        a,
        b,
        float(post.mean()),
        float(post.ppf(alpha / 2)),
        float(post.isf(alpha / 2)),
        threshold,
        float(post.sf(threshold)),
        level,
    )
