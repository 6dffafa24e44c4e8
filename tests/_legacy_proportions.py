"""Confidence intervals, two-group tests and effect sizes for binomial proportions.

Three entry points, each selecting a named method from the literature with ``method=``:

- :func:`proportion_ci` — confidence interval for one proportion ``count / nobs``;
- :func:`compare_proportions` — two-sided test of ``p1 == p2`` for two independent groups;
- :func:`effect_size` — risk difference, risk ratio or odds ratio with its confidence interval.

Every method is cross-checked against R (``tests/reference/make_reference.R``). Where scipy or
statsmodels implement a method it is wrapped; where they do not (or fail on boundary tables) the
formula is written out here with its reference.

Zero cells
----------
Wald intervals on the log scale (``rr``/``"wald"``, ``or``/``"wald"``) add 0.5 to every cell of a
table that has a zero cell (Haldane-Anscombe; as ``epitools::riskratio(method="wald",
correction=...)`` and metafor's ``escalc`` default). Score (Miettinen-Nurminen) and exact
(``"conditional"``) intervals need no correction: their bounds may legitimately be 0 or infinite,
and the result then carries a ``note`` saying so instead of a silent ``inf``.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
from scipy import optimize, stats

from reanalysis import _checks
from reanalysis._results import Result

CI_METHODS = (
    "clopper-pearson",
    "wilson",
    "wilson-cc",
    "jeffreys",
    "agresti-coull",
    "wald",
    "mid-p",
    "wald-t",
)
TEST_METHODS = ("chi2", "chi2-yates", "g-test", "fisher", "fisher-midp", "barnard", "boschloo", "z-unpooled")
EFFECT_METHODS = {
    "rd": ("newcombe", "wald", "agresti-caffo", "miettinen-nurminen"),
    "rr": ("wald", "miettinen-nurminen"),
    "or": ("wald", "conditional", "miettinen-nurminen"),
}
DEFAULT_EFFECT_METHOD = {"rd": "newcombe", "rr": "wald", "or": "wald"}

# R's fisher.test treats table probabilities within a relative 1e-7 of the observed one as ties;
# the same tolerance is used for the mid-p variant so both agree with R on symmetric tables.
_FISHER_RELERR = 1 + 1e-7
# Barnard's and Boschloo's p-values are suprema over the nuisance proportion. scipy's
# barnard_exact/boschloo_exact search it with shgo on 32 Sobol points by default, which can miss the
# supremum (24/79 vs 25/67: p = 0.418 where the supremum is 0.516); 256 points find it but cost
# ~15-25 ms per table. Here the p-value function is a polynomial in the nuisance proportion, so it
# is evaluated on a 2001-point grid in log space and refined with a bounded scalar search around
# the best grid point: the R reference (same search) is matched to 1e-13, ~5x faster than scipy.
_NUISANCE_GRID = np.linspace(0.0, 1.0, 2001)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class ProportionCI(Result):
    """Confidence interval for a single proportion (all values are proportions in [0, 1])."""

    count: int
    nobs: int
    estimate: float
    low: float
    high: float
    method: str
    level: float

    @property
    def confidence_interval(self) -> tuple[float, float]:
        return (self.low, self.high)


@dataclasses.dataclass(frozen=True)
class ProportionTest(Result):
    """Two-sided test of equal proportions in two independent groups."""

    count1: int
    nobs1: int
    count2: int
    nobs2: int
    statistic: float
    pvalue: float
    method: str
    note: str = ""


@dataclasses.dataclass(frozen=True)
class EffectSize(Result):
    """Group 1 versus group 2: ``p1 - p2`` (rd), ``p1 / p2`` (rr) or ``odds1 / odds2`` (or)."""

    count1: int
    nobs1: int
    count2: int
    nobs2: int
    measure: str
    method: str
    estimate: float
    low: float
    high: float
    level: float
    note: str = ""

    @property
    def confidence_interval(self) -> tuple[float, float]:
        return (self.low, self.high)


# --------------------------------------------------------------------------------------------
# One proportion
# --------------------------------------------------------------------------------------------
def proportion_ci(count, nobs, method: str = "clopper-pearson", level: float = 0.95) -> ProportionCI:
    """Confidence interval for a binomial proportion.

    Parameters
    ----------
    count, nobs : int
        Number of responders and number of patients (``0 <= count <= nobs``, ``nobs >= 1``).
    method : str
        - ``"clopper-pearson"``: exact, inverts two one-sided binomial tests (Clopper & Pearson,
          Biometrika 1934); as R ``binom.test``.
        - ``"wilson"``: score interval (Wilson, JASA 1927); as R ``prop.test(correct=FALSE)``.
        - ``"wilson-cc"``: score interval with continuity correction (Newcombe, Stat Med 1998,
          method 4) exactly as R ``prop.test(correct=TRUE)``, including R's rule that the correction
          is ``min(0.5, |count - nobs/2|)``, so it vanishes when ``count == nobs / 2``.
        - ``"jeffreys"``: equal-tailed Beta(count + 1/2, nobs - count + 1/2) interval (Brown, Cai &
          DasGupta, Stat Sci 2001), with the lower bound 0 at ``count = 0`` and upper bound 1 at
          ``count = nobs``.
        - ``"agresti-coull"``: add z²/2 successes and failures (Agresti & Coull, Am Stat 1998).
        - ``"wald"``: normal approximation ``p ± z sqrt(p(1-p)/n)``.
        - ``"mid-p"``: exact interval from mid-p tail probabilities (Lancaster 1961; Berry &
          Armitage, Statistician 1995).
        - ``"wald-t"``: the 0/1 outcomes treated as a sample of numbers, ``p ± t(n-1) s/sqrt(n)``
          with ``s`` the sample SD, i.e. ``p ± t(n-1) sqrt(p(1-p)/(n-1))``. Not a recommended
          interval, but what generic "mean ± t·SE" software prints for binary data; it is the
          method behind the NIH eltrombopag table (Townsley et al. 2017), so the audit needs it.
          Undefined for ``nobs = 1`` (returns [0, 1]).
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    ProportionCI
        ``estimate``, ``low`` and ``high`` as proportions; bounds are clipped to [0, 1].
    """
    x, n = _checks.count_and_total(count, nobs)
    method = _checks.choice(method, "method", CI_METHODS)
    level = _checks.level(level)
    low, high = _ci_bounds(x, n, method, level)
    return ProportionCI(x, n, x / n, max(0.0, low), min(1.0, high), method, level)


@functools.lru_cache(maxsize=65536)
def _ci_bounds(x: int, n: int, method: str, level: float) -> tuple[float, float]:
    from statsmodels.stats.proportion import proportion_confint

    alpha = 1 - level
    if method == "clopper-pearson":
        low, high = proportion_confint(x, n, alpha=alpha, method="beta")
        return (0.0 if x == 0 else float(low), 1.0 if x == n else float(high))
    if method == "wilson":
        low, high = proportion_confint(x, n, alpha=alpha, method="wilson")
        # The score bounds are exactly 0 at x = 0 and 1 at x = n; floating point gives 1 - 1e-16.
        return (0.0 if x == 0 else float(low), 1.0 if x == n else float(high))
    if method == "agresti-coull":
        low, high = proportion_confint(x, n, alpha=alpha, method="agresti_coull")
        return float(low), float(high)
    if method == "wald":
        low, high = proportion_confint(x, n, alpha=alpha, method="normal")
        return float(low), float(high)
    if method == "jeffreys":
        low = 0.0 if x == 0 else stats.beta.ppf(alpha / 2, x + 0.5, n - x + 0.5)
        high = 1.0 if x == n else stats.beta.isf(alpha / 2, x + 0.5, n - x + 0.5)
        return float(low), float(high)
    if method == "wilson-cc":
        return _wilson_cc(x, n, level)
    if method == "wald-t":
        return _wald_t(x, n, level, clip=True)
    return _midp_ci(x, n, level)


def _wilson_cc(x: int, n: int, level: float) -> tuple[float, float]:
    # Transcribed from R's prop.test (stats, one-sample branch) so the two agree to rounding error.
    z = stats.norm.isf((1 - level) / 2)
    p = x / n
    yates = min(0.5, abs(x - n * 0.5))
    z22n = z * z / (2 * n)
    pc = p + yates / n
    high = (
        1.0 if pc >= 1 else (pc + z22n + z * math.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    )
    pc = p - yates / n
    low = 0.0 if pc <= 0 else (pc + z22n - z * math.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
    return low, high


def _wald_t(x: int, n: int, level: float, clip: bool) -> tuple[float, float]:
    if n == 1:
        return 0.0, 1.0
    p = x / n
    half = stats.t.isf((1 - level) / 2, n - 1) * math.sqrt(p * (1 - p) / (n - 1))
    low, high = p - half, p + half
    return (max(0.0, low), min(1.0, high)) if clip else (low, high)


def _midp_ci(x: int, n: int, level: float) -> tuple[float, float]:
    a2 = (1 - level) / 2
    binom = stats.binom

    def upper_tail(p):  # P(X > x) + P(X = x)/2, increasing in p
        return binom.sf(x, n, p) + 0.5 * binom.pmf(x, n, p)

    def lower_tail(p):  # P(X < x) + P(X = x)/2, decreasing in p
        return binom.cdf(x - 1, n, p) + 0.5 * binom.pmf(x, n, p)

    eps = 1e-15
    low = (
        0.0 if x == 0 else optimize.brentq(lambda p: upper_tail(p) - a2, eps, 1 - eps, xtol=1e-14, rtol=1e-14)
    )
    high = (
        1.0 if x == n else optimize.brentq(lambda p: lower_tail(p) - a2, eps, 1 - eps, xtol=1e-14, rtol=1e-14)
    )
    return float(low), float(high)


# --------------------------------------------------------------------------------------------
# Two proportions: tests
# --------------------------------------------------------------------------------------------
def compare_proportions(count1, nobs1, count2, nobs2, method: str = "fisher") -> ProportionTest:
    """Two-sided test that two independent proportions are equal.

    Parameters
    ----------
    count1, nobs1, count2, nobs2 : int
        Responders and patients in group 1 and group 2.
    method : str
        - ``"chi2"``: Pearson chi-square without continuity correction; as R
          ``prop.test(correct=FALSE)`` / ``chisq.test(correct=FALSE)``.
        - ``"chi2-yates"``: Pearson chi-square with Yates' correction ``min(0.5, |O - E|)``; as R
          ``chisq.test`` default.
        - ``"g-test"``: likelihood-ratio chi-square, ``2 Σ O log(O/E)`` on 1 df (Woolf 1957).
        - ``"fisher"``: Fisher's exact test, two-sided by summing tables no more probable than
          the observed one (relative tolerance 1e-7); as R ``fisher.test``.
        - ``"fisher-midp"``: Lancaster's mid-p version of the same: the probability of tables
          strictly less probable than the observed one plus half that of tables as probable.
        - ``"barnard"``: Barnard's unconditional exact test with the pooled score statistic,
          maximising over the nuisance proportion (Barnard 1947); same definition as scipy's
          ``barnard_exact``, with a more reliable search of the supremum (see ``_NUISANCE_GRID``).
        - ``"boschloo"``: Boschloo's unconditional test using Fisher's one-sided p-value as the
          statistic; two-sided p is twice the smaller one-sided p (Boschloo 1970; as scipy's
          ``boschloo_exact``).
        - ``"z-unpooled"``: Wald z test with unpooled variance ``(p1 - p2) / sqrt(p1q1/n1 + p2q2/n2)``.

    Returns
    -------
    ProportionTest
        ``statistic`` (chi-square, G, z, or for the exact tests Fisher's table probability /
        Barnard's score / Boschloo's one-sided Fisher p) and two-sided ``pvalue``.

    Notes
    -----
    When the two observed proportions are both 0 or both 1 the chi-square family is 0/0 (R
    returns NaN with a warning); here the statistic is 0 and the p-value 1, with a ``note``.
    The same convention gives p = 1 for the z test when both variances are zero and
    ``p1 == p2``; if they differ with zero variances the z test is undefined and p is 0 with a
    note (e.g. 0/10 vs 10/10).
    """
    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    method = _checks.choice(method, "method", TEST_METHODS)
    statistic, pvalue, note = _test(x1, n1, x2, n2, method)
    return ProportionTest(x1, n1, x2, n2, float(statistic), float(pvalue), method, note)


_DEGENERATE = "both groups have proportion 0 or both 1: no evidence of a difference (p = 1 by convention)"


@functools.lru_cache(maxsize=262144)
def _test(x1: int, n1: int, x2: int, n2: int, method: str) -> tuple[float, float, str]:
    table = np.array([[x1, n1 - x1], [x2, n2 - x2]])
    degenerate = (x1 + x2 == 0) or (x1 + x2 == n1 + n2)
    if method in ("chi2", "chi2-yates", "g-test"):
        if degenerate:
            return 0.0, 1.0, _DEGENERATE
        if method == "g-test":
            res = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        else:
            res = stats.chi2_contingency(table, correction=(method == "chi2-yates"))
        return float(res.statistic), float(res.pvalue), ""
    if method == "fisher":
        prob, p = _fisher_minlike(x1, n1, x2, n2, midp=False)
        return prob, p, ""
    if method == "fisher-midp":
        prob, p = _fisher_minlike(x1, n1, x2, n2, midp=True)
        return prob, p, ""
    if method in ("barnard", "boschloo"):
        if degenerate:
            return 0.0 if method == "barnard" else 1.0, 1.0, _DEGENERATE
        if method == "barnard":
            return (*_barnard(x1, n1, x2, n2), "")
        return (*_boschloo(x1, n1, x2, n2), "")
    # z-unpooled
    p1, p2 = x1 / n1, x2 / n2
    var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    if var == 0:
        if p1 == p2:
            return 0.0, 1.0, _DEGENERATE
        return (
            math.inf,
            0.0,
            "unpooled variance is zero with unequal proportions: the Wald z test is undefined",
        )
    z = (p1 - p2) / math.sqrt(var)
    return z, float(2 * stats.norm.sf(abs(z))), ""


def _sup_pvalue(region: np.ndarray, n1: int, n2: int) -> float:
    """max over pi of P(table in region | p1 = p2 = pi), region a boolean (n1+1, n2+1) array."""
    from scipy import special

    N = n1 + n2
    i = np.arange(n1 + 1)[:, None]
    j = np.arange(n2 + 1)[None, :]
    logc = (
        special.gammaln(n1 + 1)
        - special.gammaln(i + 1)
        - special.gammaln(n1 - i + 1)
        + special.gammaln(n2 + 1)
        - special.gammaln(j + 1)
        - special.gammaln(n2 - j + 1)
    )
    # Group the region's tables by total responders s: P = sum_s c_s pi^s (1 - pi)^(N - s).
    s_all = np.broadcast_to(i + j, region.shape)[region]
    lc = np.broadcast_to(logc, region.shape)[region]
    order = np.argsort(s_all, kind="stable")
    s_all, lc = s_all[order], lc[order]
    starts = np.flatnonzero(np.r_[True, np.diff(s_all) > 0])
    ks = s_all[starts]
    log_cs = np.logaddexp.reduceat(lc, starts)

    def prob(pi):
        pi = np.atleast_1d(np.asarray(pi, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            a = np.where(ks[None, :] == 0, 0.0, ks[None, :] * np.log(pi)[:, None])
            b = np.where((N - ks)[None, :] == 0, 0.0, (N - ks)[None, :] * np.log1p(-pi)[:, None])
        return np.exp(special.logsumexp(log_cs[None, :] + a + b, axis=1))

    values = prob(_NUISANCE_GRID)
    k = int(np.argmax(values))
    lo, hi = _NUISANCE_GRID[max(k - 1, 0)], _NUISANCE_GRID[min(k + 1, len(_NUISANCE_GRID) - 1)]
    best = optimize.minimize_scalar(
        lambda p: -prob(p)[0], bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}
    )
    return float(min(1.0, max(values[k], -best.fun)))


def _barnard(x1, n1, x2, n2) -> tuple[float, float]:
    # Pooled score statistic for every table, as scipy.stats.barnard_exact(pooled=True).
    i = np.arange(n1 + 1)[:, None]
    j = np.arange(n2 + 1)[None, :]
    p1, p2 = i / n1, j / n2
    pooled = (i + j) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    t = np.where(p1 == p2, 0.0, t)
    t_obs = float(t[x1, x2])
    return t_obs, _sup_pvalue(np.abs(t) >= abs(t_obs), n1, n2)


def _boschloo(x1, n1, x2, n2) -> tuple[float, float]:
    # One-sided Fisher p-values as the statistic, as scipy.stats.boschloo_exact; two-sided p is
    # twice the smaller one-sided supremum.
    i = np.arange(n1 + 1)[:, None]
    j = np.arange(n2 + 1)[None, :]
    total = i + j
    less = stats.hypergeom.cdf(i, n1 + n2, n1, total)
    greater = stats.hypergeom.cdf(j, n1 + n2, n2, total)
    p_less = _sup_pvalue(less <= less[x1, x2] * (1 + 1e-13), n1, n2)
    p_greater = _sup_pvalue(greater <= greater[x1, x2] * (1 + 1e-13), n1, n2)
    statistic = float(less[x1, x2] if p_less <= p_greater else greater[x1, x2])
    return statistic, float(min(1.0, 2 * min(p_less, p_greater)))


def _fisher_minlike(x1, n1, x2, n2, midp: bool) -> tuple[float, float]:
    # Hypergeometric distribution of group-1 responders given both margins, as R's fisher.test.
    m = x1 + x2
    support = np.arange(max(0, m - n2), min(n1, m) + 1)
    logp = stats.hypergeom.logpmf(support, n1 + n2, n1, m)
    d = np.exp(logp - logp.max())
    d /= d.sum()
    d_obs = d[x1 - support[0]]
    less = d < d_obs / _FISHER_RELERR
    tie = d <= d_obs * _FISHER_RELERR
    if midp:
        p = d[less].sum() + 0.5 * d[tie & ~less].sum()
    else:
        p = d[tie].sum()
    return float(d_obs), float(min(1.0, p))


# --------------------------------------------------------------------------------------------
# Two proportions: effect sizes
# --------------------------------------------------------------------------------------------
def effect_size(
    count1, nobs1, count2, nobs2, measure: str = "rd", method: str | None = None, level: float = 0.95
) -> EffectSize:
    """Risk difference, risk ratio or odds ratio of group 1 versus group 2 with a CI.

    Parameters
    ----------
    count1, nobs1, count2, nobs2 : int
        Responders and patients in group 1 and group 2.
    measure : {"rd", "rr", "or"}
        ``p1 - p2``, ``p1 / p2`` or ``[p1/(1-p1)] / [p2/(1-p2)]``.
    method : str, optional
        - rd: ``"newcombe"`` (default; hybrid score interval from two Wilson intervals, Newcombe,
          Stat Med 1998, method 10), ``"wald"``, ``"agresti-caffo"`` (add one success and one
          failure per group, Agresti & Caffo, Am Stat 2000), ``"miettinen-nurminen"`` (score
          interval with variance factor N/(N-1), Miettinen & Nurminen, Stat Med 1985).
        - rr: ``"wald"`` (default; Katz log interval), ``"miettinen-nurminen"``.
        - or: ``"wald"`` (default; Woolf logit interval), ``"conditional"`` (conditional maximum
          likelihood estimate with the exact central interval, as R ``fisher.test``),
          ``"miettinen-nurminen"``.
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    EffectSize
        ``estimate``, ``low``, ``high``; ``note`` explains zero-cell corrections or infinite bounds.
    """
    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    measure = _checks.choice(measure, "measure", tuple(EFFECT_METHODS))
    method = DEFAULT_EFFECT_METHOD[measure] if method is None else method
    method = _checks.choice(method, f"method (for measure={measure!r})", EFFECT_METHODS[measure])
    level = _checks.level(level)
    est, low, high, note = _effect(x1, n1, x2, n2, measure, method, level)
    return EffectSize(x1, n1, x2, n2, measure, method, float(est), float(low), float(high), level, note)


def _ratio(a, b):
    if b == 0:
        return math.inf if a > 0 else math.nan
    return a / b


@functools.lru_cache(maxsize=65536)
def _effect(x1, n1, x2, n2, measure, method, level):
    z = stats.norm.isf((1 - level) / 2)
    p1, p2 = x1 / n1, x2 / n2
    if measure == "rd":
        est = p1 - p2
        if method != "miettinen-nurminen":
            # statsmodels (Fagerland, Lydersen & Laake 2015); only the range [-1, 1] is imposed here.
            low, high = _statsmodels_ci(x1, n1, x2, n2, "diff", _SM_DIFF[method], level)
            return est, max(-1.0, low), min(1.0, high), ""
        low, high = _mn_interval(x1, n1, x2, n2, "rd", z)
        return est, low, high, ""
    zero_cell = 0 in (x1, n1 - x1, x2, n2 - x2)
    if method == "wald":
        a, b, c, d = x1, n1 - x1, x2, n2 - x2
        note = ""
        if zero_cell:
            a, b, c, d = a + 0.5, b + 0.5, c + 0.5, d + 0.5
            note = "zero cell: 0.5 added to every cell (Haldane-Anscombe) for the log-scale Wald interval"
        compare, sm_method = ("ratio", "log") if measure == "rr" else ("odds-ratio", "logit")
        low, high = _statsmodels_ci(a, a + b, c, c + d, compare, sm_method, level)
        est = (a / (a + b)) / (c / (c + d)) if measure == "rr" else (a * d) / (b * c)
        return est, low, high, note
    crude = _ratio(p1, p2) if measure == "rr" else _ratio(x1 * (n2 - x2), (n1 - x1) * x2)
    if method == "conditional":
        from scipy.stats.contingency import odds_ratio

        if x1 + x2 == 0 or x1 + x2 == n1 + n2:
            return (
                math.nan,
                0.0,
                math.inf,
                "no events (or no non-events) in either group: the odds ratio is not estimable",
            )

        res = odds_ratio([[x1, n1 - x1], [x2, n2 - x2]], kind="conditional")
        ci = res.confidence_interval(confidence_level=level)
        est, low, high = float(res.statistic), float(ci.low), float(ci.high)
        return est, low, high, _infinite_note(est, low, high)
    low, high = _mn_interval(x1, n1, x2, n2, measure, z)
    if measure == "or" and (x1 + x2 == 0 or x1 + x2 == n1 + n2):
        return (
            math.nan,
            0.0,
            math.inf,
            "no events (or no non-events) in either group: the odds ratio is not estimable",
        )
    if measure == "rr" and x1 + x2 == 0:
        return math.nan, 0.0, math.inf, "no events in either group: the risk ratio is not estimable"
    return crude, low, high, _infinite_note(crude, low, high)


_SM_DIFF = {"wald": "wald", "agresti-caffo": "agresti-caffo", "newcombe": "newcomb"}


def _statsmodels_ci(x1, n1, x2, n2, compare, method, level):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(x1, n1, x2, n2, method=method, compare=compare, alpha=1 - level)
    return float(low), float(high)


def _infinite_note(est, low, high):
    if any(math.isinf(v) for v in (est, high)) or low == 0:
        return "a zero cell makes the estimate or a bound 0 or infinite (no correction is applied for this method)"
    return ""


# ---- Miettinen-Nurminen score intervals ---------------------------------------------------
def _mn_statistic(x1, n1, x2, n2, measure, theta):
    """Signed Miettinen-Nurminen score statistic for H0: effect == theta (Stat Med 1985;4:213)."""
    N = n1 + n2
    p1, p2 = x1 / n1, x2 / n2
    corr = N / (N - 1) if N > 1 else 1.0
    if measure == "rd":
        # Restricted MLE under p1 - p2 = theta: Farrington & Manning (Stat Med 1990) closed form.
        t = n2 / n1
        a = 1 + t
        b = -(1 + t + p1 + t * p2 + theta * (t + 2))
        c = theta * theta + theta * (2 * p1 + t + 1) + p1 + t * p2
        d = -p1 * theta * (1 + theta)
        v = b**3 / (27 * a**3) - b * c / (6 * a * a) + d / (2 * a)
        u2 = b * b / (9 * a * a) - c / (3 * a)
        u = math.copysign(math.sqrt(max(u2, 0.0)), v) if v != 0 else math.sqrt(max(u2, 0.0))
        if u == 0:
            w = math.pi / 2
        else:
            w = (math.pi + math.acos(min(1.0, max(-1.0, v / u**3)))) / 3
        r1 = min(1.0, max(0.0, 2 * u * math.cos(w) - b / (3 * a)))
        r2 = min(1.0, max(0.0, r1 - theta))
        var = (r1 * (1 - r1) / n1 + r2 * (1 - r2) / n2) * corr
        diff = p1 - p2 - theta
    elif measure == "rr":
        a = N * theta
        b = -(theta * (n1 + x2) + x1 + n2)
        c = x1 + x2
        r2 = (-b - math.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a)
        r1 = min(1.0, theta * r2)
        var = (r1 * (1 - r1) / n1 + theta * theta * r2 * (1 - r2) / n2) * corr
        diff = p1 - theta * p2
    else:
        m = x1 + x2
        if abs(theta - 1) < 1e-14:
            r2 = m / N
        else:
            a = n2 * (theta - 1)
            b = n1 * theta + n2 - m * (theta - 1)
            c = -m
            r2 = (-b + math.sqrt(max(b * b - 4 * a * c, 0.0))) / (2 * a)
        r2 = min(1.0, max(0.0, r2))
        den = 1 + r2 * (theta - 1)
        r1 = min(1.0, max(0.0, r2 * theta / den)) if den > 0 else 1.0
        denom = n1 * r1 * (1 - r1)
        denom2 = n2 * r2 * (1 - r2)
        if denom <= 0 or denom2 <= 0:
            return math.copysign(math.inf, x1 - n1 * r1) if x1 != n1 * r1 else 0.0
        var_inv = (1 / denom + 1 / denom2) / corr
        return (x1 - n1 * r1) * math.sqrt(var_inv)
    if var <= 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return diff / math.sqrt(var)


def _mn_interval(x1, n1, x2, n2, measure, z):
    """Invert the score test: all theta with |statistic| <= z, by root finding on each side."""

    def f(theta):
        return _mn_statistic(x1, n1, x2, n2, measure, theta)

    tol = dict(xtol=1e-13, rtol=1e-13, maxiter=500)
    if measure == "rd":
        est = x1 / n1 - x2 / n2
        lo_end, hi_end = -1.0 + 1e-12, 1.0 - 1e-12
        low = -1.0 if f(lo_end) <= z else optimize.brentq(lambda t: f(t) - z, lo_end, est, **tol)
        high = 1.0 if f(hi_end) >= -z else optimize.brentq(lambda t: f(t) + z, est, hi_end, **tol)
        return low, high

    # Ratios: search on the log scale; a bound that never crosses is 0 or infinity.
    def g(log_theta):
        return f(math.exp(log_theta))

    p1, p2 = x1 / n1, x2 / n2
    if measure == "rr":
        centre = 0.0 if (p1 == 0 or p2 == 0) else math.log(p1 / p2)
    else:
        a, b, c, d = x1, n1 - x1, x2, n2 - x2
        centre = 0.0 if 0 in (a, b, c, d) else math.log(a * d / (b * c))
    far = 25.0  # e^25 ~ 7e10: beyond any published ratio; a bound past it is reported as 0 or inf
    low_end, high_end = centre - far, centre + far
    if x1 == 0 or (measure == "or" and x2 == n2):
        low = 0.0
    else:
        low = (
            0.0
            if g(low_end) <= z
            else math.exp(optimize.brentq(lambda t: g(t) - z, low_end, _walk(g, centre, z, -1), **tol))
        )
    if x2 == 0 or (measure == "or" and x1 == n1):
        high = math.inf
    else:
        high = (
            math.inf
            if g(high_end) >= -z
            else math.exp(optimize.brentq(lambda t: g(t) + z, _walk(g, centre, -z, 1), high_end, **tol))
        )
    return low, high


def _walk(g, centre, target, direction):
    # Point on the inner side of the bound: the statistic changes sign across the point estimate,
    # but when the estimate is 0 or infinite the centre may already be outside; step inwards.
    t = centre
    for _ in range(200):
        val = g(t)
        if (direction < 0 and val < target) or (direction > 0 and val > target):
            return t
        t -= direction * 0.5
    return t


# --------------------------------------------------------------------------------------------
# Vectorised helpers
# --------------------------------------------------------------------------------------------
def compare_many(count1, nobs1, count2, nobs2, method: str = "fisher"):
    """p-values of :func:`compare_proportions` for arrays (or DataFrame columns) of tables.

    Returns a :class:`numpy.ndarray` of two-sided p-values. Repeated tables are computed once.
    """
    arrays = np.broadcast_arrays(*(np.asarray(a) for a in (count1, nobs1, count2, nobs2)))
    out = np.empty(arrays[0].shape, dtype=float)
    for idx in np.ndindex(out.shape):
        out[idx] = compare_proportions(*(int(a[idx]) for a in arrays), method=method).pvalue
    return out


def ci_many(count, nobs, method: str = "clopper-pearson", level: float = 0.95):
    """Lower and upper bounds of :func:`proportion_ci` for arrays of counts, as two arrays."""
    c, n = np.broadcast_arrays(np.asarray(count), np.asarray(nobs))
    low = np.empty(c.shape, dtype=float)
    high = np.empty(c.shape, dtype=float)
    for idx in np.ndindex(c.shape):
        r = proportion_ci(int(c[idx]), int(n[idx]), method=method, level=level)
        low[idx], high[idx] = r.low, r.high
    return low, high


def compare_all(count1, nobs1, count2, nobs2, methods=TEST_METHODS):
    """Every test of :func:`compare_proportions` on one table, as a DataFrame (one row per method)."""
    import pandas as pd

    return pd.concat(
        [compare_proportions(count1, nobs1, count2, nobs2, method=m).to_frame() for m in methods],
        ignore_index=True,
    )


def effects_all(count1, nobs1, count2, nobs2, level: float = 0.95):
    """Every measure and method of :func:`effect_size` on one table, as a DataFrame."""
    import pandas as pd

    return pd.concat(
        [
            effect_size(count1, nobs1, count2, nobs2, measure=m, method=k, level=level).to_frame()
            for m, methods in EFFECT_METHODS.items()
            for k in methods
        ],
        ignore_index=True,
    )


def ci_all(count, nobs, methods=CI_METHODS, level: float = 0.95):
    """Every CI method of :func:`proportion_ci` for one proportion, as a DataFrame."""
    import pandas as pd

    return pd.concat(
        [proportion_ci(count, nobs, method=m, level=level).to_frame() for m in methods], ignore_index=True
    )


@functools.lru_cache(maxsize=256)
def pvalue_matrix(nobs1: int, nobs2: int, method: str = "fisher") -> np.ndarray:
    """Two-sided p-values of every table with group sizes ``nobs1`` and ``nobs2``.

    Entry ``[x1, x2]`` equals ``compare_proportions(x1, nobs1, x2, nobs2, method).pvalue``; it is
    computed for all tables at once (one hypergeometric distribution per margin for the Fisher
    tests, closed forms for chi-square and z). Used for exact power by enumeration and for speed.
    Methods: "fisher", "fisher-midp", "chi2", "chi2-yates", "z-unpooled".
    """
    n1 = _checks.count(nobs1, "nobs1")
    n2 = _checks.count(nobs2, "nobs2")
    if n1 < 1 or n2 < 1:
        raise ValueError("nobs1 and nobs2 must be at least 1")
    method = _checks.choice(method, "method", ("fisher", "fisher-midp", "chi2", "chi2-yates", "z-unpooled"))
    x1 = np.arange(n1 + 1)[:, None].astype(float)
    x2 = np.arange(n2 + 1)[None, :].astype(float)
    if method.startswith("fisher"):
        out = np.empty((n1 + 1, n2 + 1))
        N = n1 + n2
        for m in range(N + 1):
            lo, hi = max(0, m - n2), min(n1, m)
            support = np.arange(lo, hi + 1)
            logp = stats.hypergeom.logpmf(support, N, n1, m)
            d = np.exp(logp - logp.max())
            d /= d.sum()
            order = np.sort(d)
            csum = np.cumsum(order)
            upto = np.searchsorted(order, d * _FISHER_RELERR, side="right")
            p = csum[upto - 1]
            if method == "fisher-midp":
                below = np.searchsorted(order, d / _FISHER_RELERR, side="left")
                strictly = np.where(below > 0, csum[np.maximum(below - 1, 0)], 0.0)
                p = strictly + 0.5 * (p - strictly)
            out[support, m - support] = np.minimum(1.0, p)
        return out
    p1, p2 = x1 / n1, x2 / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "z-unpooled":
            var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
            z = (p1 - p2) / np.sqrt(var)
            p = 2 * stats.norm.sf(np.abs(z))
            p = np.where(var == 0, np.where(p1 == p2, 1.0, 0.0), p)
            return p
        # Pearson chi-square from the 2x2 table with expected counts; Yates as R/scipy: min(0.5, |O-E|).
        obs = [x1 + 0 * x2, n1 - x1 + 0 * x2, x2 + 0 * x1, n2 - x2 + 0 * x1]
        col1 = x1 + x2
        col2 = (n1 + n2) - col1
        N = n1 + n2
        exp = [n1 * col1 / N, n1 * col2 / N, n2 * col1 / N, n2 * col2 / N]
        stat = 0.0
        for o, e in zip(obs, exp, strict=True):
            diff = np.abs(o - e)
            if method == "chi2-yates":
                diff = diff - np.minimum(0.5, diff)
            stat = stat + diff**2 / e
        p = stats.chi2.sf(stat, 1)
        degenerate = (col1 == 0) | (col2 == 0)
        return np.where(degenerate, 1.0, p)
