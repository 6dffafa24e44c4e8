"""Power, sample size and minimal detectable difference for response-rate comparisons.

Two groups (:func:`power_two_proportions`, :func:`sample_size_two_proportions`,
:func:`minimal_detectable_difference`), ``method=``:

- ``"normal"``: normal approximation of the two-sided test with the pooled variance under H0 and
  the unpooled one under H1 (Fleiss, *Statistical Methods for Rates and Proportions*, 3rd ed.,
  eq. 4.14, no continuity correction), counting **both** rejection regions, so that power at
  zero difference is exactly ``alpha``: statsmodels ``power_proportions_2indep``, equal to R's
  ``power.prop.test(..., strict = TRUE)`` for equal group sizes;
- ``"normal-one-tail"``: the same but ignoring rejections in the wrong direction (R's default
  ``power.prop.test(strict = FALSE)``; power is ``alpha / 2`` at zero difference). Kept to
  reproduce published sample sizes computed with that convention;
- ``"fisher"``, ``"chi2"``: exact power of Fisher's test or the uncorrected chi-square test at
  level ``alpha``, summing the binomial probabilities of every table the test rejects. Only
  tables with non-negligible probability are visited (each group's outcomes beyond a Bernstein
  bound holding 1e-13 of its mass per side are left out: power is exact to 1e-12), so the cost
  grows like ``n`` rather than ``n1 * n2``; a computation above a fixed budget is refused up front with its cost.

Single-arm designs: :func:`power_one_proportion` (exact binomial, A'Hern, Stat Med 2001, or the
normal approximation; one-sided ``alpha``).

Multi-arm trials against a shared control: :func:`power_multi_arm`, :func:`sample_size_multi_arm`
(two-sided normal-approximation tests with a Dunnett-type, Bonferroni or no multiplicity
adjustment; per-comparison, "any" and "all" power from the joint normal distribution).

Active-control trials: :func:`power_active_control`, :func:`sample_size_active_control`
(non-inferiority or superiority against a comparator with its own assumed rate; Farrington &
Manning, Stat Med 1990, or the Wald test of Chow, Shao & Wang, *Sample Size Calculations in
Clinical Research*, 2nd ed., 2008, sec. 4.2).

Alphas are two-sided for two-group and multi-arm tests and one-sided for single-arm and
active-control designs (the usual conventions of each design), as stated in each docstring.
"""

from __future__ import annotations

import dataclasses
import math
import sys
import time

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from . import _checks
from ._results import Result

POWER_METHODS = ("normal", "normal-one-tail", "fisher", "chi2")
EXACT_METHODS = ("fisher", "chi2")
MULTI_ARM_METHODS = ("dunnett", "bonferroni", "unadjusted")
MULTI_ARM_TARGETS = ("each", "any", "all")
ACTIVE_CONTROL_METHODS = ("farrington-manning", "wald")
HYPOTHESES = ("non-inferiority", "superiority")

#: Largest number of table evaluations one exact power computation may need (about 10 s on a
#: 2-core machine); beyond it the call is refused with its cost. The same budget bounds the whole
#: search of an exact sample size.
MAX_EXACT_WORK = 1e8
# R's fisher.test treats table probabilities within a relative 1e-7 of the observed one as ties
# (as reanalysis.proportions does).
_FISHER_RELERR = 1 + 1e-7


@dataclasses.dataclass(frozen=True)
class PowerResult(Result):
    p1: float
    p2: float
    n1: int
    n2: int
    alpha: float
    power: float
    method: str
    note: str = ""


# --------------------------------------------------------------------------------------------
# Normal approximation
# --------------------------------------------------------------------------------------------


def _normal_power(p1, p2, n1, n2, alpha, method="normal"):
    """Two-sided power (both tails, or only the true direction for "normal-one-tail")."""
    from statsmodels.stats.proportion import power_proportions_2indep

    sd1 = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    if sd1 == 0:  # both groups certain: every table is the same, the test never rejects
        return 1.0 if p1 != p2 else 0.0
    diff = p1 - p2
    if method == "normal":
        return float(power_proportions_2indep(diff, p2, n1, n2 / n1, alpha, return_results=False))
    side = "larger" if diff >= 0 else "smaller"
    return float(
        power_proportions_2indep(diff, p2, n1, n2 / n1, alpha / 2, alternative=side, return_results=False)
    )


# --------------------------------------------------------------------------------------------
# Exact power by enumeration of the tables that carry probability
# --------------------------------------------------------------------------------------------


def _binom_half_width(n, p):
    """Half-width t with P(|X - np| >= t) <= 2 exp(-30) (< 1e-13 per side) for X ~ Binomial(n, p).

    Bernstein's inequality, P(X - np >= t) <= exp(-t^2 / (2 (npq + t / 3))), solved for the
    exponent 30: a rigorous bound that needs no quantile function (scipy's binom.ppf overflows
    for p near the smallest float).
    """
    return 10 + math.sqrt(100 + 60 * n * p * (1 - p))


def _binom_window(n, p):
    """Outcomes of Binomial(n, p) outside which at most 1e-13 mass lies on each side, and pmf."""
    if p <= 0:
        return np.array([0]), np.array([1.0])
    if p >= 1:
        return np.array([n]), np.array([1.0])
    t = _binom_half_width(n, p)
    lo = max(0, math.floor(n * p - t))
    hi = min(n, math.ceil(n * p + t))
    x = np.arange(lo, hi + 1)
    logpmf = (
        special.gammaln(n + 1.0)
        - special.gammaln(x + 1.0)
        - special.gammaln(n - x + 1.0)
        + special.xlogy(x, p)
        + special.xlog1py(n - x, -p)
    )
    return x, np.exp(logpmf)


def _window_size(n, p):
    if p <= 0 or p >= 1:
        return 1
    return min(n + 1, int(2 * _binom_half_width(n, p)) + 2)


def _exact_work(p1, p2, n1, n2, method):
    """Approximate number of table evaluations of one exact power computation."""
    w1, w2 = _window_size(n1, p1), _window_size(n2, p2)
    work = w1 * w2
    if method == "fisher":
        N = n1 + n2
        sd = math.sqrt(n1 * n2 / (4 * max(N - 1, 1)))
        work += (w1 + w2) * min(N + 1, 2 * (15 * sd + 15) + 1)
    return float(work)


def _fisher_thresholds(margins, n1, n2, alpha, lf):
    """For each margin m: log normaliser of the hypergeometric and the rejection threshold.

    Fisher's two-sided p-value of a table with probability d (normalised within its margin) is
    the sum of the probabilities <= d * 1.0000001; it is < alpha exactly when d * 1.0000001 is
    below the smallest sorted probability at which the cumulative sum reaches alpha (computed
    from the hypergeometric within 15 SD + 15 of its mean: terms beyond are < 1e-30 relative).
    """
    N = n1 + n2
    out_norm = np.empty(len(margins))
    out_thr = np.empty(len(margins))
    mf = margins.astype(float)
    var = mf * (N - mf) * float(n1) * float(n2) / (float(N) * N * max(N - 1, 1))
    half = int(math.ceil(15 * math.sqrt(float(var.max())) + 15))
    offsets = np.arange(-half, half + 1)
    rows = max(1, int(4e6 // len(offsets)))
    log_total = lf[n1] + lf[n2] - lf[N]
    for start in range(0, len(margins), rows):
        m = margins[start : start + rows][:, None]
        centre = np.floor(m * n1 / N).astype(np.int64)
        j = centre + offsets[None, :]
        lo, hi = np.maximum(0, m - n2), np.minimum(n1, m)
        valid = (j >= lo) & (j <= hi)
        jc = np.clip(j, lo, hi)
        logp = log_total - lf[jc] - lf[n1 - jc] - lf[m - jc] - lf[n2 - m + jc] + lf[m] + lf[N - m]
        logp = np.where(valid, logp, -np.inf)
        mx = logp.max(axis=1)
        d = np.exp(logp - mx[:, None])
        s = d.sum(axis=1)
        d /= s[:, None]
        d.sort(axis=1)
        k = (np.cumsum(d, axis=1) < alpha).sum(axis=1)
        out_thr[start : start + rows] = d[np.arange(len(k)), np.minimum(k, d.shape[1] - 1)]
        out_norm[start : start + rows] = mx + np.log(s)
    return out_norm, out_thr


def _exact_power(p1, p2, n1, n2, alpha, method):
    work = _exact_work(p1, p2, n1, n2, method)
    if work > MAX_EXACT_WORK:
        raise ValueError(
            f"exact {method} power at n1={n1}, n2={n2} would evaluate ~{work:.2g} tables (over the "
            f"{MAX_EXACT_WORK:.0e} budget, minutes and GBs); use method='normal', which at this size "
            "differs from the exact power by well under 1 percentage point"
        )
    x1, f1 = _binom_window(n1, p1)
    x2, f2 = _binom_window(n2, p2)
    N = n1 + n2
    if method == "fisher":
        lf = special.gammaln(np.arange(N + 1, dtype=float) + 1)
        mlo = int(x1[0] + x2[0])
        margins = np.arange(mlo, int(x1[-1] + x2[-1]) + 1)
        lnorm, thr = _fisher_thresholds(margins, n1, n2, alpha, lf)
    total = 0.0
    rows = max(1, int(4e6 // len(x2)))
    for start in range(0, len(x1), rows):
        a = x1[start : start + rows][:, None]
        b = x2[None, :]
        if method == "fisher":
            m = a + b
            idx = m - mlo
            logd = (
                lf[n1] + lf[n2] - lf[N] - lf[a] - lf[n1 - a] - lf[b] - lf[n2 - b] + lf[m] + lf[N - m]
            ) - lnorm[idx]
            reject = np.exp(logd) * _FISHER_RELERR < thr[idx]
        else:
            reject = _chi2_reject(a.astype(float), b.astype(float), n1, n2, alpha)
        total += float(f1[start : start + rows] @ (reject @ f2))
    return min(1.0, total)


def _chi2_reject(x1, x2, n1, n2, alpha):
    """Tables whose Pearson chi-square p-value is below ``alpha``.

    Same statistic and p-value as reanalysis.proportions.pvalue_matrix (R's chisq.test(correct =
    FALSE); p = 1 when a column is empty, where R gives NaN). The p-value itself (an incomplete
    gamma function, ~0.5 µs per table) is computed only for statistics within 1e-6 of the
    critical value; elsewhere comparing the statistic decides.
    """
    col1 = x1 + x2
    N = n1 + n2
    col2 = N - col1
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = 0.0
        for o, e in (
            (x1, n1 * col1 / N),
            (n1 - x1, n1 * col2 / N),
            (x2, n2 * col1 / N),
            (n2 - x2, n2 * col2 / N),
        ):
            stat = stat + (o - e) ** 2 / e
    stat = np.where((col1 == 0) | (col2 == 0), 0.0, stat)
    crit = special.chdtri(1, alpha)
    reject = stat > crit
    near = np.abs(stat - crit) <= 1e-6 * crit
    if near.any():
        reject[near] = special.chdtrc(1, stat[near]) < alpha  # = scipy.stats.chi2.sf(stat, 1)
    return reject


# --------------------------------------------------------------------------------------------
# Two groups: power, sample size, detectable difference
# --------------------------------------------------------------------------------------------


def _two_group_args(p1, p2, n1, n2, alpha):
    p1 = _checks.unit_interval(p1, "p1", open_interval=False)
    p2 = _checks.unit_interval(p2, "p2", open_interval=False)
    n1 = _checks.whole(n1, "n1", minimum=1)
    n2 = _checks.whole(n2, "n2", minimum=1)
    alpha = _checks.unit_interval(alpha, "alpha")
    return p1, p2, n1, n2, alpha


def power_two_proportions(p1, p2, n1, n2, alpha: float = 0.05, method: str = "normal") -> PowerResult:
    """Power of a two-sided test of ``p1 == p2`` with ``n1`` and ``n2`` patients.

    Parameters
    ----------
    p1, p2 : float
        True response rates (proportions in [0, 1]).
    n1, n2 : int
        Patients per group (>= 1).
    alpha : float
        Two-sided significance level.
    method : {"normal", "normal-one-tail", "fisher", "chi2"}
        See the module docstring. At ``p1 == p2`` the power is the test's size: ``alpha`` for
        "normal", ``alpha / 2`` for "normal-one-tail", the exact size (<= alpha for Fisher) for
        the exact methods.

    Returns
    -------
    PowerResult
        ``power`` is a probability (0-1).
    """
    p1, p2, n1, n2, alpha = _two_group_args(p1, p2, n1, n2, alpha)
    method = _checks.choice(method, "method", POWER_METHODS)
    note = ""
    if method in EXACT_METHODS:
        power = _exact_power(p1, p2, n1, n2, alpha, method)
    else:
        power = _normal_power(p1, p2, n1, n2, alpha, method)
        if p1 == p2 and p1 in (0.0, 1.0):
            note = "both rates are 0 or 1: every trial gives the same table and no test rejects"
    return PowerResult(p1, p2, n1, n2, alpha, power, method, note)


@dataclasses.dataclass(frozen=True)
class SampleSizeResult(Result):
    p1: float
    p2: float
    n1: int
    n2: int
    n1_exact: float  # the unrounded normal-approximation solution, as power.prop.test's n
    power: float  # achieved power at (n1, n2)
    target_power: float
    alpha: float
    ratio: float
    method: str
    evaluations: int = 0  # exact power evaluations of the search (exact methods)


def _n2_for(n1, ratio):
    return max(1, math.ceil(ratio * n1 - 1e-9))


def sample_size_two_proportions(
    p1,
    p2,
    power: float = 0.8,
    ratio: float = 1.0,
    alpha: float = 0.05,
    method: str = "normal",
    max_n: int = 5000,
    progress: bool = False,
) -> SampleSizeResult:
    """Smallest group sizes (n1, n2 = ceil(ratio * n1)) reaching ``power``.

    For the normal methods the continuous solution is also returned (``n1_exact``; equal to R's
    ``power.prop.test(...)$n`` with ``strict = TRUE`` for "normal" and the default
    ``strict = FALSE`` for "normal-one-tail", when ratio = 1).

    Exact methods ("fisher", "chi2"): exact power is not monotone in n (it saw-tooths). The
    search starts from the normal solution, brackets the target by doubling steps, bisects to an
    ``n1`` that reaches it while ``n1 - 1`` does not, then checks every size in the 3% (at least
    20) below it and returns the smallest that reaches the target. ``max_n`` caps ``n1``; a search
    whose cost would exceed :data:`MAX_EXACT_WORK` table evaluations, or whose normal solution is
    already above ``max_n``, is refused up front. ``progress=True`` prints each evaluation to
    standard error.

    Parameters
    ----------
    p1, p2 : float
        Response rates in (0, 1), different.
    power : float
        Target power in (0, 1).
    ratio : float
        n2 / n1, positive.
    alpha : float
        Two-sided significance level.
    method : {"normal", "normal-one-tail", "fisher", "chi2"}
    max_n : int
        Largest n1 searched (exact methods).
    progress : bool
        Report each exact evaluation on stderr.
    """
    p1 = _checks.unit_interval(p1, "p1")
    p2 = _checks.unit_interval(p2, "p2")
    if p1 == p2:
        raise ValueError("p1 and p2 must differ for a sample size to exist")
    power = _checks.unit_interval(power, "power")
    alpha = _checks.unit_interval(alpha, "alpha")
    method = _checks.choice(method, "method", POWER_METHODS)
    ratio = _checks.real(ratio, "ratio", low=0)
    max_n = _checks.whole(max_n, "max_n", minimum=2)
    progress = _checks.flag(progress, "progress")
    normal = "normal" if method in EXACT_METHODS else method
    if _normal_power(p1, p2, 1e12, ratio * 1e12, alpha, normal) < power:
        raise ValueError(f"power {power} is not reachable with ratio={ratio}")

    def f(n):
        return _normal_power(p1, p2, n, ratio * n, alpha, normal) - power

    n_exact = _solve_normal_n(f, p1, p2, power, ratio, alpha)
    if method not in EXACT_METHODS:
        n1 = max(1, math.ceil(n_exact - 1e-9))
        n2 = _n2_for(n1, ratio)
        achieved = _normal_power(p1, p2, n1, n2, alpha, method)
        return SampleSizeResult(p1, p2, n1, n2, float(n_exact), achieved, power, alpha, ratio, method)
    n1, achieved, evals = _exact_search(p1, p2, power, ratio, alpha, method, max_n, n_exact, progress)
    return SampleSizeResult(
        p1, p2, n1, _n2_for(n1, ratio), float(n_exact), achieved, power, alpha, ratio, method, evals
    )


def _solve_normal_n(f, p1, p2, power, ratio, alpha):
    """Root of ``f`` (normal power minus target) in n1, bracketed around the textbook formula.

    Each evaluation of statsmodels' power function costs about half a millisecond, so the bracket
    starts at 0.1% around the closed-form one-tail solution (Fleiss, Levin & Paik 2003, eq. 4.14
    without the continuity correction; the root of the one-tail method, and for both tails a
    little below it, by the far tail's power) and widens by factors of four only if it must; the
    bracket's ends are not evaluated twice. About 9 evaluations instead of 40 from the blind
    bracket [1e-6, 1e12] (14 from a factor of two around the formula), with the same root to
    the tolerance (R's power.prop.test agrees to 1e-7 over the 190 designs of the tests).
    """
    lo_limit, hi_limit = 1e-6, 1e12
    seen: dict = {}  # brentq evaluates the bracket's ends again

    def f(n, _f=f):
        if n not in seen:
            seen[n] = _f(n)
        return seen[n]

    if f(lo_limit) >= 0:
        return lo_limit
    z_a, z_b = stats.norm.isf(alpha / 2), stats.norm.isf(1 - power) if power < 1 else 10.0
    p_bar = (p1 + ratio * p2) / (1 + ratio)
    spread = z_a * math.sqrt(p_bar * (1 - p_bar) * (1 + 1 / ratio)) + z_b * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2) / ratio
    )
    guess = min(max((spread / (p1 - p2)) ** 2, 2 * lo_limit), hi_limit / 2)
    lo, hi = guess / 1.001, guess * 1.001
    while lo > lo_limit and f(lo) > 0:
        lo = max(lo / 4, lo_limit)
    while hi < hi_limit and f(hi) < 0:
        hi = min(hi * 4, hi_limit)
    return optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-14)


def _exact_search(p1, p2, target, ratio, alpha, method, max_n, n_normal, progress):
    start = max(2, int(round(n_normal)))
    if start > max_n:
        raise ValueError(
            f"the normal approximation already needs n1 = {math.ceil(n_normal)} > max_n = {max_n}; "
            "raise max_n or use method='normal'"
        )
    per_eval = _exact_work(p1, p2, start, _n2_for(start, ratio), method)
    window = max(20, math.ceil(0.03 * start))
    expected = per_eval * (2 * math.log2(start + 2) + window)
    if expected > MAX_EXACT_WORK:
        raise ValueError(
            f"exact {method} sample size near n1 = {start} needs ~{2 * math.log2(start + 2) + window:.0f} "
            f"exact power evaluations of ~{per_eval:.2g} tables each ({expected:.2g} in all, over the "
            f"{MAX_EXACT_WORK:.0e} budget); use method='normal' (n1 = {math.ceil(n_normal)})"
        )
    cache: dict[int, float] = {}
    t0 = time.perf_counter()

    def pw(n):
        if n not in cache:
            cache[n] = _exact_power(p1, p2, n, _n2_for(n, ratio), alpha, method)
            if progress:
                print(
                    f"exact {method} sample size: n1={n} power={cache[n]:.5f} "
                    f"({len(cache)} evaluations, {time.perf_counter() - t0:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        return cache[n]

    # Bracket: lo does not reach the target, hi does.
    step = max(1, start // 20)
    if pw(start) >= target:
        hi = start
        lo = max(1, hi - step)
        while lo > 1 and pw(lo) >= target:
            hi, step = lo, step * 2
            lo = max(1, hi - step)
        if lo == 1 and pw(1) >= target:
            return 1, pw(1), len(cache)
    else:
        lo = start
        hi = min(max_n, lo + step)
        while pw(hi) < target:
            if hi == max_n:
                raise ValueError(f"no sample size up to max_n={max_n} reaches power {target}")
            lo, step = hi, step * 2
            hi = min(max_n, lo + step)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pw(mid) >= target:
            hi = mid
        else:
            lo = mid
    best = hi
    for n in range(max(1, hi - window), hi):
        if pw(n) >= target:
            best = n
            break
    return best, pw(best), len(cache)


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

    Uses the two-sided normal approximation (method "normal"); both directions are returned
    because the binomial variance makes them asymmetric. A direction with no detectable
    difference gives NaN.
    """
    p_ref = _checks.unit_interval(p_ref, "p_ref")
    n1 = _checks.whole(n1, "n1", minimum=1)
    n2 = _checks.whole(n2, "n2", minimum=1)
    power = _checks.unit_interval(power, "power")
    alpha = _checks.unit_interval(alpha, "alpha")
    if power <= alpha:
        raise ValueError(f"power ({power}) must exceed alpha ({alpha}): every difference has power >= alpha")

    def g(p):
        return _normal_power(p, p_ref, n1, n2, alpha) - power

    hi = optimize.brentq(g, p_ref, 1 - 1e-12, xtol=1e-12) if g(1 - 1e-12) > 0 else math.nan
    lo = optimize.brentq(g, 1e-12, p_ref, xtol=1e-12) if g(1e-12) > 0 else math.nan
    return DetectableDifference(p_ref, n1, n2, power, alpha, hi, lo, hi - p_ref, lo - p_ref)


# --------------------------------------------------------------------------------------------
# Single arm
# --------------------------------------------------------------------------------------------


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
    """Power of a single-arm test of H0: p <= p0 against p > p0 (one-sided ``alpha``), at ``p = p1``.

    ``"exact"``: reject when responders >= c, the smallest c with P(X >= c | p0) <= alpha
    (A'Hern 2001); ``"normal"``: the normal approximation with the same one-sided alpha.
    ``p1`` may be any rate in (0, 1): at ``p1 == p0`` the power is the size of the test
    (``actual_alpha`` <= alpha for "exact", ``alpha`` for "normal"), below it smaller.
    """
    p0 = _checks.unit_interval(p0, "p0")
    p1 = _checks.unit_interval(p1, "p1")
    n = _checks.whole(n, "n", minimum=1)
    alpha = _checks.unit_interval(alpha, "alpha")
    method = _checks.choice(method, "method", ("exact", "normal"))
    # Smallest c with P(X >= c | p0) <= alpha, from the binomial quantile and checked on both
    # sides (no array of n + 2 tail probabilities: n may be large).
    c = min(n + 1, int(stats.binom.isf(alpha, n, p0)) + 1)
    while c > 0 and stats.binom.sf(c - 2, n, p0) <= alpha:
        c -= 1
    while c <= n and stats.binom.sf(c - 1, n, p0) > alpha:
        c += 1
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


# --------------------------------------------------------------------------------------------
# Multi-arm trials against a shared control
# --------------------------------------------------------------------------------------------


def _factor_integral(lo, hi, lam, reject_all: bool):
    """∫ φ(w) Π_i g_i(w) dw for one-factor normals U_i = λ_i W + sqrt(1 - λ_i²) E_i.

    g_i = P(lo_i < U_i < hi_i | W = w) (acceptance), or 1 minus it when ``reject_all``.
    The joint law of the comparisons with a shared control has exactly this form (Dunnett,
    JASA 1955), so the multivariate normal probability is a one-dimensional integral.
    """
    # A fixed Gauss-Legendre rule on [-12, 12] (the normal density beyond is < 1e-31): the integrand
    # is smooth and bounded, so 400 nodes are exact to ~1e-15 and, vectorised, ~100x faster than
    # adaptive quadrature with a Python callback (which dominated the CIT report's build).
    w, weights = _gauss_legendre()
    s = np.sqrt(1 - lam**2)[:, None]
    lam = np.asarray(lam, dtype=float)[:, None]
    lo = np.asarray(lo, dtype=float)[:, None]
    hi = np.asarray(hi, dtype=float)[:, None]
    acc = special.ndtr((hi - lam * w) / s) - special.ndtr((lo - lam * w) / s)
    g = 1 - acc if reject_all else acc
    density = np.exp(-0.5 * w * w) / math.sqrt(2 * math.pi)
    return float(np.sum(weights * density * np.prod(g, axis=0)))


_GL_CACHE: dict = {}


def _gauss_legendre(nodes: int = 400, half_width: float = 12.0):
    if nodes not in _GL_CACHE:
        x, wts = np.polynomial.legendre.leggauss(nodes)
        _GL_CACHE[nodes] = (half_width * x, half_width * wts)
    return _GL_CACHE[nodes]


def _dunnett_critical_value(n_control, n_treatments, alpha: float = 0.05) -> float:
    """Two-sided critical value ``c`` for k comparisons with a shared control.

    ``P(max_i |Z_i| <= c) = 1 - alpha`` for normal statistics with correlations
    ``λ_i λ_j``, ``λ_i = sqrt(n_i / (n_i + n_control))`` (Dunnett, JASA 1955: infinite degrees
    of freedom, as for large-sample tests of proportions). Computed by the one-dimensional
    integral of the one-factor representation and root finding to 1e-12 (no library offers
    this design quantity; scipy.stats.dunnett tests data).
    """
    n0 = _checks.real(n_control, "n_control", low=0)
    nt = np.array([_checks.real(v, f"n_treatments[{i}]", low=0) for i, v in enumerate(n_treatments)])
    alpha = _checks.unit_interval(alpha, "alpha")
    lam = np.sqrt(nt / (nt + n0))
    k = len(nt)
    if k == 1:
        return float(stats.norm.isf(alpha / 2))

    def excess(c):
        return _factor_integral(-c * np.ones(k), c * np.ones(k), lam, False) - (1 - alpha)

    a, b = stats.norm.isf(alpha / 2), stats.norm.isf(alpha / (2 * k)) + 1e-9
    return float(optimize.brentq(excess, a, b, xtol=1e-13, rtol=1e-14))


@dataclasses.dataclass(frozen=True)
class MultiArmPower(Result):
    """Power of k two-sided comparisons of treatment arms with a shared control."""

    p_control: float
    n_control: int
    k: int
    alpha: float  # familywise (two-sided) level the adjustment targets
    method: str
    critical_value: float  # reject comparison i when |z_i| > critical_value
    comparison_alpha: float  # two-sided level of each comparison: 2 * (1 - Φ(critical_value))
    familywise_error: float  # P(any rejection) when every arm has the control's rate
    power_each_min: float  # smallest per-comparison power
    power_any: float  # P(at least one comparison rejects) (disjunctive power)
    power_all: float  # P(every comparison rejects) (conjunctive power)
    arms: pd.DataFrame = dataclasses.field(repr=False, compare=False)

    def to_frame(self):
        """One row per treatment arm: rate, size, per-comparison power."""
        return self.arms.copy()


def _critical_value(n0, nt, alpha, method):
    if method == "dunnett":
        return _dunnett_critical_value(n0, nt, alpha)
    if method == "bonferroni":
        return float(stats.norm.isf(alpha / (2 * len(nt))))
    return float(stats.norm.isf(alpha / 2))


def _multi_arm_parts(p0, n0, pt, nt, alpha, c):
    k = len(pt)
    # Per comparison (Fleiss): pooled variance under H0, unpooled under H1.
    pbar = (nt * pt + n0 * p0) / (nt + n0)
    sd0 = np.sqrt(pbar * (1 - pbar) * (1 / nt + 1 / n0))
    sd1 = np.sqrt(pt * (1 - pt) / nt + p0 * (1 - p0) / n0)
    delta = pt - p0
    hi = (c * sd0 - delta) / sd1
    lo = (-c * sd0 - delta) / sd1
    lam = np.sqrt(p0 * (1 - p0) / n0) / sd1  # correlation through the shared control arm
    each = stats.norm.sf(hi) + stats.norm.cdf(lo)
    if k == 1:
        any_, all_ = float(each[0]), float(each[0])
    else:
        any_ = 1 - _factor_integral(lo, hi, lam, False)
        all_ = _factor_integral(lo, hi, lam, True)
    lam0 = np.sqrt(nt / (nt + n0))
    fwer = 1 - (
        _factor_integral(-c * np.ones(k), c * np.ones(k), lam0, False) if k > 1 else 1 - 2 * stats.norm.sf(c)
    )
    return c, each, float(any_), float(all_), float(fwer)


def _multi_arm_args(p_control, p_treatments, alpha, method):
    p0 = _checks.unit_interval(p_control, "p_control")
    if (
        isinstance(p_treatments, (str, bytes))
        or not hasattr(p_treatments, "__len__")
        or len(p_treatments) == 0
    ):
        raise ValueError(f"p_treatments must be a non-empty sequence of rates, got {p_treatments!r}")
    pt = np.array([_checks.unit_interval(v, f"p_treatments[{i}]") for i, v in enumerate(p_treatments)])
    alpha = _checks.unit_interval(alpha, "alpha")
    method = _checks.choice(method, "method", MULTI_ARM_METHODS)
    return p0, pt, alpha, method


def power_multi_arm(
    p_control, p_treatments, n_control, n_treatments, alpha: float = 0.05, method: str = "dunnett"
) -> MultiArmPower:
    """Power of a multi-arm trial: each treatment arm against a shared control, two-sided.

    Each comparison is the normal-approximation test of :func:`power_two_proportions`
    ("normal"), rejected when ``|z| > critical_value``. ``method`` sets the multiplicity
    adjustment that keeps the familywise error at ``alpha``:

    - ``"dunnett"``: the exact critical value for comparisons sharing a control (Dunnett, JASA
      1955; correlations ``λ_i λ_j`` with ``λ_i = sqrt(n_i / (n_i + n_control))``, infinite df,
      as for large-sample tests; a one-dimensional integral solved to 1e-12);
    - ``"bonferroni"``: each comparison at ``alpha / k`` (conservative);
    - ``"unadjusted"``: each at ``alpha`` (familywise error above ``alpha``; reported).

    Besides each comparison's power, the joint normal law of the comparisons (correlated
    through the control arm) gives the probability that at least one ("any") or every ("all")
    comparison rejects. At zero differences ``power_any`` equals ``familywise_error``, which is
    ``alpha`` for Dunnett.

    Parameters
    ----------
    p_control : float
        Control response rate in (0, 1).
    p_treatments : sequence of float
        Treatment response rates in (0, 1), one per arm.
    n_control : int
        Control patients.
    n_treatments : int or sequence of int
        Patients per treatment arm (one number for all arms, or one per arm).
    alpha : float
        Familywise two-sided level.
    method : {"dunnett", "bonferroni", "unadjusted"}
    """
    p0, pt, alpha, method = _multi_arm_args(p_control, p_treatments, alpha, method)
    n0 = _checks.whole(n_control, "n_control", minimum=1)
    k = len(pt)
    if isinstance(n_treatments, (str, bytes)) or not hasattr(n_treatments, "__len__"):
        nt = np.full(k, _checks.whole(n_treatments, "n_treatments", minimum=1), dtype=float)
    else:
        if len(n_treatments) != k:
            raise ValueError(
                f"n_treatments must have one size per treatment arm ({k}), got {len(n_treatments)}"
            )
        nt = np.array(
            [_checks.whole(v, f"n_treatments[{i}]", minimum=1) for i, v in enumerate(n_treatments)], float
        )
    c = _critical_value(n0, nt, alpha, method)
    c, each, any_, all_, fwer = _multi_arm_parts(p0, n0, pt, nt, alpha, c)
    arms = pd.DataFrame(
        {
            "arm": [f"treatment {i + 1}" for i in range(k)],
            "rate": pt,
            "n": nt.astype(int),
            "difference": pt - p0,
            "power": each,
        }
    )
    return MultiArmPower(
        p0, n0, k, alpha, method, c, float(2 * stats.norm.sf(c)), fwer, float(each.min()), any_, all_, arms
    )


def minimal_detectable_difference_multi_arm(
    p_control,
    n_control,
    n_treatments,
    k: int | None = None,
    power: float = 0.8,
    alpha: float = 0.05,
    method: str = "dunnett",
    target: str = "each",
) -> float:
    """Smallest common improvement over ``p_control`` at which a multi-arm trial has ``power``.

    Every treatment arm is given the rate ``p_control + d``; the root in ``d`` of the ``target``
    power of :func:`power_multi_arm` minus ``power`` is returned (a proportion; NaN when even
    a rate just below 1 falls short). ``target`` is as in :func:`sample_size_multi_arm`:
    ``"each"`` (per comparison), ``"any"`` (at least one comparison rejects) or ``"all"``.
    ``k`` is the number of treatment arms when ``n_treatments`` is one size for all.
    """
    p0 = _checks.unit_interval(p_control, "p_control")
    power = _checks.unit_interval(power, "power")
    target = _checks.choice(target, "target", MULTI_ARM_TARGETS)
    if isinstance(n_treatments, (str, bytes)) or not hasattr(n_treatments, "__len__"):
        if k is None:
            raise ValueError("k (the number of treatment arms) is needed with one n_treatments for all")
        k = _checks.whole(k, "k", minimum=1)
    else:
        k = len(n_treatments)
    attr = {"each": "power_each_min", "any": "power_any", "all": "power_all"}[target]

    def excess(d):
        res = power_multi_arm(p0, [p0 + d] * k, n_control, n_treatments, alpha=alpha, method=method)
        return getattr(res, attr) - power

    if excess(0.0) >= 0:
        raise ValueError(f"power ({power}) must exceed the {target!r} power at no difference")
    top = 1.0 - p0 - 1e-9  # the treatment rate stays below 1
    if excess(top) < 0:
        return math.nan
    return float(optimize.brentq(excess, 0.0, top))


@dataclasses.dataclass(frozen=True)
class MultiArmSampleSize(Result):
    p_control: float
    k: int
    n_treatment: int  # per treatment arm
    n_control: int
    n_total: int
    n_treatment_exact: float  # unrounded solution
    ratio: float  # n_control / n_treatment
    target: str
    target_power: float
    power: float  # achieved power of the chosen kind at the rounded sizes
    power_each_min: float
    power_any: float
    power_all: float
    critical_value: float
    alpha: float
    method: str


def sample_size_multi_arm(
    p_control,
    p_treatments,
    power: float = 0.8,
    alpha: float = 0.05,
    method: str = "dunnett",
    ratio: float = 1.0,
    target: str = "each",
) -> MultiArmSampleSize:
    """Patients per treatment arm (and ``ratio`` times as many controls) for a multi-arm trial.

    ``target`` says which power must reach ``power``: ``"each"`` (every comparison, i.e. the
    smallest per-comparison power: the usual choice when each dose must show its effect),
    ``"any"`` (at least one comparison rejects) or ``"all"`` (every comparison rejects).
    ``ratio = sqrt(k)`` is the allocation that minimises the total size for Dunnett's test
    (Dunnett 1955). See :func:`power_multi_arm` for the tests and ``method``.
    """
    p0, pt, alpha, method = _multi_arm_args(p_control, p_treatments, alpha, method)
    power = _checks.unit_interval(power, "power")
    ratio = _checks.real(ratio, "ratio", low=0)
    target = _checks.choice(target, "target", MULTI_ARM_TARGETS)
    if target in ("each", "all") and np.any(pt == p0):
        raise ValueError(f"target={target!r} needs every treatment rate to differ from p_control")
    if target == "any" and np.all(pt == p0):
        raise ValueError("target='any' needs at least one treatment rate different from p_control")
    k = len(pt)
    which = {"each": 0, "any": 1, "all": 2}[target]
    # The critical value depends on the allocation only (not on the scale of n).
    c = _critical_value(ratio, np.ones(k), alpha, method)

    def achieved(n):
        _, each, any_, all_, _ = _multi_arm_parts(p0, ratio * n, pt, np.full(k, n), alpha, c)
        return (float(each.min()), any_, all_)

    n_hi = 1.0
    while achieved(n_hi)[which] < power:
        n_hi *= 2
        if n_hi > 1e10:
            raise ValueError("no sample size up to 1e10 per arm reaches the target power")
    if n_hi == 1:
        n_exact = 1.0
    else:
        n_exact = optimize.brentq(lambda n: achieved(n)[which] - power, n_hi / 2, n_hi, xtol=1e-9, rtol=1e-13)
    nt = max(1, math.ceil(n_exact - 1e-9))
    n0 = max(1, math.ceil(ratio * nt - 1e-9))
    res = power_multi_arm(p0, pt, n0, nt, alpha, method)
    got = (res.power_each_min, res.power_any, res.power_all)
    return MultiArmSampleSize(
        p0,
        k,
        nt,
        n0,
        n0 + k * nt,
        float(n_exact),
        ratio,
        target,
        power,
        got[which],
        *got,
        res.critical_value,
        alpha,
        method,
    )


# --------------------------------------------------------------------------------------------
# Active control: non-inferiority or superiority against a comparator with its own rate
# --------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ActiveControlPower(Result):
    p_test: float
    p_control: float
    n_test: int
    n_control: int
    hypothesis: str
    margin: float
    null_difference: float  # H0: p_test - p_control <= null_difference
    alpha: float  # one-sided
    power: float
    method: str
    sd_null: float  # SD of the estimated difference used by the test (restricted MLE for FM)
    sd_alternative: float


def _active_args(p_test, p_control, margin, hypothesis, alpha, method):
    pt = _checks.unit_interval(p_test, "p_test")
    pc = _checks.unit_interval(p_control, "p_control")
    margin = _checks.real(margin, "margin", low=0, high=1, low_open=False)
    hypothesis = _checks.choice(hypothesis, "hypothesis", HYPOTHESES)
    alpha = _checks.unit_interval(alpha, "alpha")
    method = _checks.choice(method, "method", ACTIVE_CONTROL_METHODS)
    null = -margin if hypothesis == "non-inferiority" else margin
    if not -1 < null < 1:
        raise ValueError(f"margin must be below 1, got {margin!r}")
    return pt, pc, margin, hypothesis, alpha, method, null


def _restricted_mle(pt, pc, ratio, null):
    """Restricted MLE of (p_test, p_control) under ``p_test - p_control = null`` at the anticipated
    rates, ``ratio`` = n_control / n_test (it does not depend on the scale of n): the closed-form
    root of the cubic score equation (Farrington & Manning, Stat Med 1990, eq. 2-3; Miettinen &
    Nurminen, Stat Med 1985).

    Written by hand because statsmodels' ``score_test_proportions_2indep`` (0.14-0.15) has a wrong
    linear coefficient in this cubic (``count0`` for ``nobs0``; statsmodels issue #10269): its
    restricted estimate does not even return the observed rates when they satisfy the constraint.
    """
    theta = ratio
    a = 1 + theta
    b = -(1 + theta + pt + theta * pc + null * (theta + 2))
    c = null * null + null * (2 * pt + theta + 1) + pt + theta * pc
    d = -pt * null * (1 + null)
    v = b**3 / (27 * a**3) - b * c / (6 * a * a) + d / (2 * a)
    u = math.copysign(math.sqrt(max(b * b / (9 * a * a) - c / (3 * a), 0.0)), v)
    if u == 0:
        q1 = -b / (3 * a)
    else:
        w = (math.pi + math.acos(min(1.0, max(-1.0, v / u**3)))) / 3
        q1 = 2 * u * math.cos(w) - b / (3 * a)
    q1 = min(1.0, max(0.0, q1))
    return q1, min(1.0, max(0.0, q1 - null))


def _active_sds(pt, pc, ratio, null, method):
    """SDs of the estimated difference for one test patient (n_test = 1), under H0 and H1."""
    sd1 = math.sqrt(pt * (1 - pt) + pc * (1 - pc) / ratio)
    if method == "wald":
        return sd1, sd1
    qt, qc = _restricted_mle(pt, pc, ratio, null)
    return math.sqrt(qt * (1 - qt) + qc * (1 - qc) / ratio), sd1


def power_active_control(
    p_test,
    p_control,
    n_test,
    n_control,
    margin: float = 0.1,
    hypothesis: str = "non-inferiority",
    alpha: float = 0.025,
    method: str = "farrington-manning",
) -> ActiveControlPower:
    """Power of a trial of a test treatment against an active comparator (higher rate = better).

    ``hypothesis="non-inferiority"``: H0 ``p_test - p_control <= -margin``;
    ``"superiority"``: H0 ``p_test - p_control <= margin`` (``margin=0`` is plain superiority;
    a positive margin is "superiority by a margin"). The test rejects when
    ``(d̂ - null) / SE0 > z(1 - alpha)``, one-sided ``alpha`` (0.025 = a two-sided 0.05 CI
    excluding the margin). ``p_control`` is the comparator's own assumed rate (e.g. the active
    control's published response), not a placebo rate. For an outcome where lower is better,
    pass ``1 - rate`` for both arms.

    ``method``:

    - ``"farrington-manning"``: score test, SE0 from the restricted MLE under H0 (Farrington &
      Manning, Stat Med 1990; the usual test for non-inferiority of proportions). With
      ``margin=0`` it is the pooled-variance test, i.e. R's
      ``power.prop.test(alternative = "one.sided")`` for equal groups;
    - ``"wald"``: SE0 = SE1, the unpooled SD (Chow, Shao & Wang 2008, sec. 4.2).

    Power is ``Φ((Δ - null - z SE0) / SE1)`` with ``Δ = p_test - p_control``; it equals
    ``alpha`` when the true difference is on the null boundary.
    """
    pt, pc, margin, hypothesis, alpha, method, null = _active_args(
        p_test, p_control, margin, hypothesis, alpha, method
    )
    nt = _checks.whole(n_test, "n_test", minimum=1)
    nc = _checks.whole(n_control, "n_control", minimum=1)
    s0, s1 = _active_sds(pt, pc, nc / nt, null, method)
    z = stats.norm.isf(alpha)
    sd0, sd1 = s0 / math.sqrt(nt), s1 / math.sqrt(nt)
    pw = float(stats.norm.cdf((pt - pc - null - z * sd0) / sd1))
    return ActiveControlPower(pt, pc, nt, nc, hypothesis, margin, null, alpha, pw, method, sd0, sd1)


@dataclasses.dataclass(frozen=True)
class ActiveControlSampleSize(Result):
    p_test: float
    p_control: float
    hypothesis: str
    margin: float
    null_difference: float
    n_test: int
    n_control: int
    n_test_exact: float  # closed-form, unrounded
    ratio: float  # n_control / n_test
    target_power: float
    power: float  # achieved at the rounded sizes
    alpha: float
    method: str


def sample_size_active_control(
    p_test,
    p_control,
    margin: float = 0.1,
    power: float = 0.8,
    hypothesis: str = "non-inferiority",
    alpha: float = 0.025,
    ratio: float = 1.0,
    method: str = "farrington-manning",
) -> ActiveControlSampleSize:
    """Patients for an active-control trial (see :func:`power_active_control`).

    Closed form ``n_test = (z(1-alpha) SE0 + z(power) SE1)^2 / (Δ - null)^2`` with the SDs for
    one test patient and ``n_control = ratio * n_test`` (Farrington & Manning 1990, eq. 8;
    Chow, Shao & Wang 2008, sec. 4.2.1). The assumed difference must favour the alternative
    (``p_test - p_control > null``).
    """
    pt, pc, margin, hypothesis, alpha, method, null = _active_args(
        p_test, p_control, margin, hypothesis, alpha, method
    )
    power = _checks.unit_interval(power, "power")
    ratio = _checks.real(ratio, "ratio", low=0)
    if not pt - pc - null > 1e-9:  # (a difference on the boundary up to rounding has no power)
        raise ValueError(
            f"the assumed difference p_test - p_control = {pt - pc:g} must exceed the null boundary "
            f"{null:g} for a {hypothesis} trial to have power"
        )
    s0, s1 = _active_sds(pt, pc, ratio, null, method)
    n_exact = (stats.norm.isf(alpha) * s0 + stats.norm.ppf(power) * s1) ** 2 / (pt - pc - null) ** 2
    nt = max(1, math.ceil(n_exact - 1e-9))
    nc = max(1, math.ceil(ratio * nt - 1e-9))
    got = power_active_control(pt, pc, nt, nc, margin, hypothesis, alpha, method).power
    return ActiveControlSampleSize(
        pt, pc, hypothesis, margin, null, nt, nc, float(n_exact), ratio, power, got, alpha, method
    )
