"""Confidence intervals, two-group tests and effect sizes for binomial proportions.

Three entry points, each selecting a named method from the literature with ``method=``:

- :func:`proportion_ci` — confidence interval for one proportion ``count / nobs``;
- :func:`compare_proportions` — two-sided test of ``p1 == p2`` for two independent groups;
- :func:`effect_size` — risk difference, risk ratio or odds ratio with its confidence interval.

and their array forms :func:`ci_many`, :func:`compare_many` and :func:`pvalue_matrix` (every table
with given group sizes). The scalar functions call the same array kernels with one element, so an
array call returns exactly (bit for bit) what the scalar calls return.

Every method is cross-checked against R (``tests/reference/make_reference.R``,
``tests/reference/koopman.R``, ``tests/reference/exact_rd.R``). Where scipy or statsmodels
implement a method it is wrapped; where they do not (or are too slow to use at scale, or fail on
boundary tables) the formula is written out here with its reference.

Counts
------
Counts follow one rule everywhere (``reanalysis._checks``): whole numbers ``0 <= count <= nobs``,
``nobs >= 1``, given as ints or as floats with no fractional part. Strings (``"64"``), ``3.7``,
``None``, bools, NaN and infinities raise a one-line ``ValueError`` naming the argument; in arrays
the error names the position of the first bad element (``count1[3]``).

Size limits
-----------
Computations whose cost grows with the square of the group sizes are refused up front, with the
estimated memory and time and what to use instead:

- Barnard's and Boschloo's tests: ``(nobs1 + 1) * (nobs1 + nobs2 + 1) <= MAX_UNCONDITIONAL_SIZE``
  (1e7, e.g. 2,200 vs 2,200: about 1 GiB and 5 s; 1,000 vs 1,000 takes under a second). Above
  that the asymptotic tests ("chi2", "z-unpooled") are accurate and instant.
- :func:`pvalue_matrix`: ``(nobs1 + 1) * (nobs2 + 1) <= MAX_MATRIX_SIZE`` (1e7 tables) for the
  closed-form and Fisher tests, and ``<= MAX_UNCONDITIONAL_MATRIX_SIZE`` (20,000 tables, e.g.
  140 vs 140) for Barnard and Boschloo, whose every table needs its own supremum.
- Fisher's tests and the conditional odds ratio: a hypergeometric support of at most
  ``MAX_SUPPORT`` (2e7) tables.
- The exact unconditional risk-difference intervals (``"santner-snell"``, ``"chan-zhang"``):
  nuisance grid points x (nobs1 + nobs2 + 2) <= ``MAX_EXACT_RD_SIZE`` (4.1e6, e.g. 1,000 vs
  1,000, for Santner-Snell; 2.1e6, e.g. 500 vs 500, for Chan-Zhang; 1-2 s each). Above that
  the Miettinen-Nurminen score interval is close to them and instant.

Zero cells
----------
Wald intervals on the log scale (``rr``/``"wald"``, ``or``/``"wald"``) add 0.5 to every cell of a
table that has a zero cell (Haldane-Anscombe; as ``epitools::riskratio(method="wald",
correction=...)`` and metafor's ``escalc`` default). Score (Koopman, Miettinen-Nurminen) and
exact (``"conditional"``) intervals need no correction: their bounds may legitimately be 0 or
infinite, and the result then carries a ``note`` saying so instead of a silent ``inf``.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
from collections import OrderedDict

import numpy as np
from scipy import optimize, special, stats

from . import _checks
from ._results import Result

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
    "rd": ("newcombe", "wald", "agresti-caffo", "miettinen-nurminen", "santner-snell", "chan-zhang"),
    "rr": ("wald", "miettinen-nurminen", "koopman"),
    "or": ("wald", "conditional", "miettinen-nurminen"),
}
DEFAULT_EFFECT_METHOD = {"rd": "newcombe", "rr": "wald", "or": "wald"}

# R's fisher.test treats table probabilities within a relative 1e-7 of the observed one as ties;
# the same tolerance is used for the mid-p variant so both agree with R on symmetric tables.
_FISHER_RELERR = 1 + 1e-7
# Barnard's and Boschloo's p-values are suprema over the nuisance proportion. scipy's
# barnard_exact/boschloo_exact search it with shgo on 32 Sobol points by default, which can miss the
# supremum (24/79 vs 25/67: p = 0.418 where the supremum is 0.516); 256 points find it but cost
# ~15-25 ms per table. Here P(region | pi) = sum_s h_s Bin(s; N, pi), with h_s the conditional
# (hypergeometric) probability of the region among tables with s responders: it is evaluated on a
# 2001-point grid and refined by a safeguarded Newton search around the best grid point. The R
# reference (same grid, optimize() refinement) is matched to 1e-13.
_NUISANCE_GRID = np.linspace(0.0, 1.0, 2001)

MAX_UNCONDITIONAL_SIZE = 10_000_000
MAX_UNCONDITIONAL_MATRIX_SIZE = 20_000
MAX_MATRIX_SIZE = 10_000_000
MAX_SUPPORT = 20_000_000
# Measured on the project's 2-core machine; used only to say what a refused computation would cost.
_SECONDS_PER_UNCONDITIONAL_CELL = 5e-7


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
        Number of responders and number of patients (``0 <= count <= nobs``, ``nobs >= 1``;
        whole numbers only, see the module docstring).
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

    See Also
    --------
    ci_many : the same bounds for arrays of counts, in one vectorised call.
    """
    x, n = _checks.count_and_total(count, nobs)
    method = _checks.choice(method, "method", CI_METHODS)
    level = _checks.level(level)
    low, high = _ci_bounds(x, n, method, level)
    return ProportionCI(x, n, x / n, low, high, method, level)


@functools.lru_cache(maxsize=65536)
def _ci_bounds(x: int, n: int, method: str, level: float) -> tuple[float, float]:
    low, high = _ci_arrays(np.array([x], dtype=np.int64), np.array([n], dtype=np.int64), method, level)
    return float(low[0]), float(high[0])


def _ci_arrays(x: np.ndarray, n: np.ndarray, method: str, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Bounds of ``method`` for validated 1-D int64 arrays, clipped to [0, 1].

    Every operation is element-wise (or a per-element iteration), so an element's bounds do not
    depend on the other elements of the call.
    """
    from statsmodels.stats.proportion import proportion_confint

    alpha = 1 - level
    xf, nf = x.astype(float), n.astype(float)
    if method in ("clopper-pearson", "wilson", "agresti-coull", "wald"):
        sm = {
            "clopper-pearson": "beta",
            "wilson": "wilson",
            "agresti-coull": "agresti_coull",
            "wald": "normal",
        }
        with np.errstate(divide="ignore", invalid="ignore"):
            low, high = proportion_confint(xf, nf, alpha=alpha, method=sm[method])
        low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
        if method in ("clopper-pearson", "wilson"):
            # Exactly 0 at x = 0 and 1 at x = n (floating point gives 1 - 1e-16 for the score bound).
            low, high = np.where(x == 0, 0.0, low), np.where(x == n, 1.0, high)
    elif method == "jeffreys":
        low = np.where(x == 0, 0.0, stats.beta.ppf(alpha / 2, xf + 0.5, nf - xf + 0.5))
        high = np.where(x == n, 1.0, stats.beta.isf(alpha / 2, xf + 0.5, nf - xf + 0.5))
    elif method == "wilson-cc":
        low, high = _wilson_cc(xf, nf, level)
    elif method == "wald-t":
        low, high = _wald_t(xf, nf, level, clip=True)
    else:
        low, high = _midp_ci(x, n, level)
    return np.maximum(0.0, low), np.minimum(1.0, high)


def _wilson_cc(x, n, level):
    # Transcribed from R's prop.test (stats, one-sample branch) so the two agree to rounding error.
    z = stats.norm.isf((1 - level) / 2)
    p = x / n
    yates = np.minimum(0.5, np.abs(x - n * 0.5))
    z22n = z * z / (2 * n)
    with np.errstate(invalid="ignore"):
        pc = p + yates / n
        high = np.where(
            pc >= 1, 1.0, (pc + z22n + z * np.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
        )
        pc = p - yates / n
        low = np.where(
            pc <= 0, 0.0, (pc + z22n - z * np.sqrt(pc * (1 - pc) / n + z22n / (2 * n))) / (1 + 2 * z22n)
        )
    return low, high


def _wald_t(x, n, level: float, clip: bool):
    """``p ± t(n-1) sqrt(p(1-p)/(n-1))``; [0, 1] for n = 1. Scalars in, floats out; arrays in, arrays out."""
    scalar = np.ndim(x) == 0 and np.ndim(n) == 0
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    p = x / n
    with np.errstate(divide="ignore", invalid="ignore"):
        half = stats.t.isf((1 - level) / 2, n - 1) * np.sqrt(p * (1 - p) / (n - 1))
    low = np.where(n == 1, 0.0, p - half)
    high = np.where(n == 1, 1.0, p + half)
    if clip:
        low, high = np.maximum(0.0, low), np.minimum(1.0, high)
    if scalar:
        return float(low), float(high)
    return low, high


def _log_binom(n, k):
    """log C(n, k), element-wise; symmetric in k <-> n - k bit for bit (ties stay ties)."""
    return special.gammaln(n + 1.0) - (special.gammaln(k + 1.0) + special.gammaln(n - k + 1.0))


def _binom_pmf(k, n, p):
    """Bin(k; n, p) element-wise, 0 outside 0 <= k <= n, with 0 * log(0) = 0 at p = 0 or 1."""
    valid = (k >= 0) & (k <= n)
    kk = np.where(valid, k, 0.0)
    return np.where(valid, _binom_pmf_given(_log_binom(n, kk), kk, n, p), 0.0)


def _binom_pmf_given(log_coef, k, n, p):
    """Bin(k; n, p) for 0 <= k <= n given ``log_coef = _log_binom(n, k)``: the exact
    risk-difference search evaluates the same two supports thousands of times."""
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.where(k == 0, 0.0, k * np.log(p))
        b = np.where(n - k == 0, 0.0, (n - k) * np.log1p(-p))
        return np.exp(log_coef + a + b)


def _solve_monotone(fun, target, lo, hi, increasing: bool, max_iter: int = 200):
    """Root of ``fun(p) = target`` in [lo, hi] for arrays, by safeguarded Newton.

    ``fun(p, idx)`` returns (value, derivative) at ``p`` for the elements ``idx``. Newton steps that
    leave the bracket are replaced by bisection; each element stops on its own when its step is
    below 1e-15 relative (so an element's answer never depends on the others in the call).
    """
    lo, hi = lo.astype(float).copy(), hi.astype(float).copy()
    x = 0.5 * (lo + hi)
    active = np.flatnonzero(hi > lo)
    for _ in range(max_iter):
        if active.size == 0:
            break
        xa = x[active]
        value, slope = fun(xa, active)
        below = (value < target) if increasing else (value > target)
        lo[active] = np.where(below, xa, lo[active])
        hi[active] = np.where(below, hi[active], xa)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = -(value - target) / slope
        new = xa + step
        lo_a, hi_a = lo[active], hi[active]
        converged = np.isfinite(step) & (np.abs(step) <= 1e-15 * np.abs(xa) + 1e-300)
        inside = np.isfinite(new) & (new > lo_a) & (new < hi_a)
        new = np.where(converged, np.where((new >= lo_a) & (new <= hi_a), new, xa), new)
        new = np.where(converged | inside, new, 0.5 * (lo_a + hi_a))
        done = converged | (hi_a - lo_a <= 4e-16 * hi_a)
        x[active] = new
        active = active[~done]
    return x


def _midp_ci(x: np.ndarray, n: np.ndarray, level: float):
    # Mid-p tails without the pmf: P(X > x) + P(X = x)/2 = [P(X > x) + P(X >= x)] / 2, with
    # P(X > k) = I_p(k + 1, n - k) (regularised incomplete beta) and P(X <= k) = I_{1-p}(n - k, k + 1). d/dp P(X > k) = n Bin(k; n - 1, p). Each bound lies between
    # the two one-sided exact (Clopper-Pearson type) bounds of its tails, which bracket the root.
    a2 = (1 - level) / 2
    xf, nf = x.astype(float), n.astype(float)
    low = np.zeros(x.shape)
    high = np.ones(x.shape)

    def sf(k, nn, p):  # P(X > k), 0 for k >= n, 1 for k < 0
        safe_k = np.clip(k, 0, nn - 1)
        return np.where(k >= nn, 0.0, np.where(k < 0, 1.0, special.betainc(safe_k + 1, nn - safe_k, p)))

    def cdf(k, nn, p):  # P(X <= k) = I_{1-p}(n - k, k + 1), as cephes' bdtr
        safe_k = np.clip(k, 0, nn - 1)
        return np.where(k >= nn, 1.0, np.where(k < 0, 0.0, special.betainc(nn - safe_k, safe_k + 1, 1 - p)))

    def slope(k, nn, p):
        return 0.5 * nn * (_binom_pmf(k, nn - 1, p) + _binom_pmf(k - 1, nn - 1, p))

    m = np.flatnonzero(x > 0)
    if m.size:
        xs, ns = xf[m], nf[m]
        lo = special.betaincinv(xs, ns - xs + 1, a2)
        hi = np.where(xs < ns, special.betaincinv(xs + 1, np.maximum(ns - xs, 1.0), a2), 1.0)

        def upper_tail(p, idx):  # increasing in p
            k, nn = xs[idx], ns[idx]
            return 0.5 * (sf(k, nn, p) + sf(k - 1, nn, p)), slope(k, nn, p)

        low[m] = _solve_monotone(upper_tail, a2, np.minimum(lo, hi), np.maximum(lo, hi), increasing=True)
    m = np.flatnonzero(x < n)
    if m.size:
        xs, ns = xf[m], nf[m]
        hi = special.betaincinv(xs + 1, ns - xs, 1 - a2)
        lo = np.where(xs > 0, special.betaincinv(np.maximum(xs, 1.0), ns - xs + 1, 1 - a2), 0.0)

        def lower_tail(p, idx):  # decreasing in p
            k, nn = xs[idx], ns[idx]
            return 0.5 * (cdf(k - 1, nn, p) + cdf(k, nn, p)), -slope(k, nn, p)

        high[m] = _solve_monotone(lower_tail, a2, np.minimum(lo, hi), np.maximum(lo, hi), increasing=False)
    return low, high


# --------------------------------------------------------------------------------------------
# Two proportions: tests
# --------------------------------------------------------------------------------------------
def compare_proportions(count1, nobs1, count2, nobs2, method: str = "fisher") -> ProportionTest:
    """Two-sided test that two independent proportions are equal.

    Parameters
    ----------
    count1, nobs1, count2, nobs2 : int
        Responders and patients in group 1 and group 2 (whole numbers, see the module docstring).
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

    Raises
    ------
    ValueError
        For bad counts, an unknown method, or a Barnard/Boschloo table above the size limit
        ``(nobs1 + 1) * (nobs1 + nobs2 + 1) > MAX_UNCONDITIONAL_SIZE`` (1e7; the message gives the
        memory and time it would take; use "chi2" or "z-unpooled" at that size), or a Fisher
        support above ``MAX_SUPPORT``.

    Notes
    -----
    When the two observed proportions are both 0 or both 1 the chi-square family is 0/0 (R
    returns NaN with a warning); here the statistic is 0 and the p-value 1, with a ``note``.
    The same convention gives p = 1 for the z test when both variances are zero and
    ``p1 == p2``; if they differ with zero variances the z test is undefined and p is 0 with a
    note (e.g. 0/10 vs 10/10).

    See Also
    --------
    compare_many : the same p-values for arrays of tables (identical to these scalar calls).
    """
    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    method = _checks.choice(method, "method", TEST_METHODS)
    statistic, pvalue, note = _test(x1, n1, x2, n2, method)
    return ProportionTest(x1, n1, x2, n2, statistic, pvalue, method, note)


_DEGENERATE = "both groups have proportion 0 or both 1: no evidence of a difference (p = 1 by convention)"
_Z_UNDEFINED = "unpooled variance is zero with unequal proportions: the Wald z test is undefined"
_NOTES = ("", _DEGENERATE, _Z_UNDEFINED)


@functools.lru_cache(maxsize=262144)
def _test(x1: int, n1: int, x2: int, n2: int, method: str) -> tuple[float, float, str]:
    one = [np.array([v], dtype=np.int64) for v in (x1, n1, x2, n2)]
    stat, p, note = _test_arrays(*one, method)
    return float(stat[0]), float(p[0]), _NOTES[int(note[0])]


def _check_unconditional_size(n1, n2, method: str, context: str = "") -> None:
    size = (int(n1) + 1) * (int(n1) + int(n2) + 1)
    grid = (int(n1) + int(n2) + 1) * len(_NUISANCE_GRID)
    _checks.affordable(
        f"{method.capitalize()}'s test at nobs1 = {int(n1)}, nobs2 = {int(n2)}{context}",
        size,
        MAX_UNCONDITIONAL_SIZE,
        nbytes=10 * 8 * size + 8 * grid,
        seconds=_SECONDS_PER_UNCONDITIONAL_CELL * (size + grid),
        instead=(
            "at this size the asymptotic tests are accurate: use method='chi2' or 'z-unpooled' "
            f"(limit (nobs1 + 1) * (nobs1 + nobs2 + 1) <= {MAX_UNCONDITIONAL_SIZE:,})"
        ),
    )


def _check_support(width, what: str, instead: str, seconds_per_element: float) -> None:
    _checks.affordable(
        what,
        int(width),
        MAX_SUPPORT,
        nbytes=6 * 8 * float(width),
        seconds=seconds_per_element * float(width),
        instead=f"{instead} (limit: a hypergeometric support of {MAX_SUPPORT:,} tables)",
    )


def _test_arrays(x1, n1, x2, n2, method: str, batched: bool = False):
    """Statistic, p-value and note code (index into ``_NOTES``) for validated 1-D int64 arrays.

    Each table's result depends on that table only (element-wise formulas; per-margin or per-table
    reductions in a fixed order), so a table gives the same bits alone or in any batch.
    """
    size = x1.shape[0]
    stat = np.zeros(size)
    p = np.ones(size)
    note = np.zeros(size, dtype=np.int8)
    N = n1 + n2
    degenerate = (x1 + x2 == 0) | (x1 + x2 == N)
    if method in ("chi2", "chi2-yates", "g-test"):
        ok = ~degenerate
        stat[ok], p[ok] = _chi2_family(x1[ok], n1[ok], x2[ok], n2[ok], method)
        note[~ok] = 1
        return stat, p, note
    if method in ("fisher", "fisher-midp"):
        stat, p = _fisher_arrays(x1, n1, x2, n2, midp=method == "fisher-midp")
        return stat, p, note
    if method in ("barnard", "boschloo"):
        note[degenerate] = 1
        stat[degenerate] = 0.0 if method == "barnard" else 1.0
        ok = np.flatnonzero(~degenerate)
        for a, b in {(int(n1[k]), int(n2[k])) for k in ok}:
            _check_unconditional_size(a, b, method)
        if ok.size:
            stat[ok], p[ok] = _unconditional_arrays(x1[ok], n1[ok], x2[ok], n2[ok], method, batched)
        return stat, p, note
    # z-unpooled
    p1, p2 = x1 / n1, x2 / n2
    var = p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(var)
    p = 2 * stats.norm.sf(np.abs(z))
    zero = var == 0
    same = zero & (p1 == p2)
    differ = zero & (p1 != p2)
    stat = np.where(same, 0.0, np.where(differ, np.inf, z))
    p = np.where(same, 1.0, np.where(differ, 0.0, p))
    note[same] = 1
    note[differ] = 2
    return stat, p, note


def _chi2_family(x1, n1, x2, n2, method):
    # The 2x2 table's Pearson (or likelihood-ratio) statistic on 1 df, element-wise as
    # scipy.stats.chi2_contingency / R chisq.test: Yates moves each observed count towards its
    # expectation by min(0.5, |O - E|).
    N = (n1 + n2).astype(float)
    c1 = (x1 + x2).astype(float)
    c2 = N - c1
    observed = (x1.astype(float), (n1 - x1).astype(float), x2.astype(float), (n2 - x2).astype(float))
    expected = (n1 * c1 / N, n1 * c2 / N, n2 * c1 / N, n2 * c2 / N)
    statistic = np.zeros(x1.shape)
    for o, e in zip(observed, expected, strict=True):
        if method == "g-test":
            statistic = statistic + 2.0 * special.xlogy(o, o / e)
            continue
        if method == "chi2-yates":
            diff = e - o
            o = o + np.minimum(0.5, np.abs(diff)) * np.sign(diff)
        statistic = statistic + (o - e) ** 2 / e
    return statistic, stats.chi2.sf(statistic, 1)


# ---- Fisher -------------------------------------------------------------------------------
def _fisher_margin_rows(n1, n2, m):
    """Normalised hypergeometric probabilities of group-1 responders for each margin (row).

    Rows are padded with zeros to the widest support; column ``c`` is ``x1 = lo + c``. The row
    total is accumulated in order (cumsum), so padding zeros change nothing and a margin's row is
    the same bits whatever the other rows are.
    """
    lo = np.maximum(0, m - n2)
    width = np.minimum(n1, m) - lo + 1
    cols = np.arange(int(width.max()))[None, :]
    valid = cols < width[:, None]
    k = (lo[:, None] + np.where(valid, cols, 0)).astype(float)
    logp = _log_binom(n1[:, None].astype(float), k) + _log_binom(n2[:, None].astype(float), m[:, None] - k)
    logp = np.where(valid, logp, -np.inf)
    d = np.exp(logp - logp.max(axis=1, keepdims=True))
    total = np.cumsum(d, axis=1)[:, -1:]
    return d / total, lo


def _fisher_arrays(x1, n1, x2, n2, midp: bool):
    # Fisher's exact test conditions on both margins: each distinct margin (n1, n2, m = x1 + x2)
    # gets its hypergeometric distribution once (rows of similar width in chunks of bounded
    # memory), then every requested x1 of that margin is looked up in its sorted cumulative sums.
    m = x1 + x2
    margins, row_of = np.unique(np.stack([n1, n2, m], axis=1), axis=0, return_inverse=True)
    row_of = row_of.reshape(-1)
    mn1, mn2, mm = (np.ascontiguousarray(margins[:, k]) for k in range(3))
    width = np.minimum(mn1, mm) - np.maximum(0, mm - mn2) + 1
    if width.max() > MAX_SUPPORT:
        k = int(np.argmax(width))
        _check_support(
            width[k],
            f"Fisher's test at nobs1 = {int(mn1[k])}, nobs2 = {int(mn2[k])}",
            "use method='chi2' or 'z-unpooled' at this size (Fisher's test is then no different)",
            2e-7,
        )
    by_row = np.argsort(row_of, kind="stable")
    bounds = np.searchsorted(row_of[by_row], np.arange(margins.shape[0] + 1))
    stat = np.empty(x1.shape)
    p = np.empty(x1.shape)
    order = np.argsort(width, kind="stable")
    start = 0
    while start < order.size:
        stop = start + 1
        while stop < order.size and (stop - start + 1) * int(width[order[stop]]) <= 4_000_000:
            stop += 1
        rows = order[start:stop]
        d, lo = _fisher_margin_rows(mn1[rows], mn2[rows], mm[rows])
        ordered = np.sort(d, axis=1)  # padding zeros first: they add nothing to the cumulative sums
        csum = np.cumsum(ordered, axis=1)
        for r, row in enumerate(rows):
            req = by_row[bounds[row] : bounds[row + 1]]
            d_obs = d[r, x1[req] - lo[r]]
            upto = np.searchsorted(ordered[r], d_obs * _FISHER_RELERR, side="right")
            pr = csum[r, upto - 1]
            if midp:
                below = np.searchsorted(ordered[r], d_obs / _FISHER_RELERR, side="left")
                strictly = np.where(below > 0, csum[r, np.maximum(below - 1, 0)], 0.0)
                pr = strictly + 0.5 * (pr - strictly)
            stat[req], p[req] = d_obs, np.minimum(1.0, pr)
        start = stop
    return stat, p


# ---- Barnard and Boschloo ------------------------------------------------------------------
class _Unconditional:
    """All tables with group sizes (n1, n2), laid out as (x1, s = x1 + x2).

    ``pmf[i, s]`` is the hypergeometric probability of x1 = i among tables with s responders
    (0 outside the support), each column normalised by its own in-order total. Barnard's pooled
    score statistic and Boschloo's one-sided Fisher p-values are element-wise on this layout.
    """

    def __init__(self, n1: int, n2: int):
        self.n1, self.n2, self.N = n1, n2, n1 + n2
        i = np.arange(n1 + 1)[:, None]
        s = np.arange(self.N + 1)[None, :]
        j = s - i
        self.support = (j >= 0) & (j <= n2)
        log_c1 = _log_binom(float(n1), np.arange(n1 + 1, dtype=float))
        log_c2 = _log_binom(float(n2), np.arange(n2 + 1, dtype=float))
        logp = np.where(self.support, log_c1[:, None] + log_c2[np.clip(j, 0, n2)], -np.inf)
        logp -= logp.max(axis=0, keepdims=True)
        d = np.zeros(logp.shape)
        # exp (the costly step) only on the support and above exp's underflow: the same bits.
        inside = np.flatnonzero(logp > -746.0)
        d.reshape(-1)[inside] = np.exp(logp.reshape(-1)[inside])
        self.d = d
        self.cum = np.cumsum(d, axis=0)
        self.total = self.cum[-1:, :]
        self.pmf = d / self.total
        self.i, self.j, self.s = i.astype(float), j.astype(float), s.astype(float)

    def barnard_statistic(self):
        n1, n2 = self.n1, self.n2
        p1, p2 = self.i / n1, self.j / n2
        pooled = self.s / (n1 + n2)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        return np.where(p1 == p2, 0.0, t)

    def boschloo_statistics(self):
        # P(X1 <= x1 | s) and P(X1 >= x1 | s), i.e. scipy's hypergeom.cdf(x1, N, n1, s) and
        # hypergeom.cdf(x2, N, n2, s); sums in a fixed order so that the tables that are equal by
        # symmetry (n1 == n2) get equal bits and stay ties.
        less = self.cum / self.total
        greater = np.cumsum(self.d[::-1], axis=0)[::-1] / self.total
        return less, greater

    def region_h(self, mask):
        """h_s = P(region | s) for a boolean region on the layout."""
        return np.where(mask & self.support, self.pmf, 0.0).sum(axis=0)


_GRID_CACHE: OrderedDict = OrderedDict()
_GRID_CACHE_BYTES = 64 * 2**20


def _binomial_grid(N: int) -> np.ndarray:
    """Bin(s; N, pi) for s = 0..N (rows) and pi on ``_NUISANCE_GRID`` (columns); read-only.

    Only used to locate the grid maximum (the value there is re-evaluated element by element), so
    it is computed the fastest way (relative error ~1e-13, far below any difference that matters).
    """
    if N in _GRID_CACHE:
        _GRID_CACHE.move_to_end(N)
        return _GRID_CACHE[N]
    out = np.zeros((N + 1, _NUISANCE_GRID.size))
    inner = _NUISANCE_GRID[1:-1]
    s = np.arange(N + 1, dtype=float)
    if N <= 1000:
        # Ratio recurrence (no exp per cell, which is the costly step): Bin(s + 1) = Bin(s) (N - s) /
        # (s + 1) * pi / (1 - pi), upwards from (1 - pi)^N for pi <= 1/2 and downwards from pi^N
        # above (both >= 2^-1000, so nothing underflows before the mode).
        low = inner <= 0.5
        pl, ph = inner[low], inner[~low]
        up = np.multiply.outer((N - s[:-1]) / (s[:-1] + 1), pl / (1 - pl))
        part = np.empty((N + 1, pl.size))
        part[0] = np.exp(N * np.log1p(-pl))
        part[1:] = up
        out[:, 1:-1][:, low] = np.cumprod(part, axis=0)
        down = np.multiply.outer(s[1:][::-1] / (N - s[1:][::-1] + 1), (1 - ph) / ph)
        part = np.empty((N + 1, ph.size))
        part[0] = np.exp(N * np.log(ph))
        part[1:] = down
        out[:, 1:-1][:, ~low] = np.cumprod(part, axis=0)[::-1]
    else:
        body = np.multiply.outer(s, np.log(inner) - np.log1p(-inner))
        body += N * np.log1p(-inner)
        body += _log_binom(float(N), s)[:, None]
        # exp only within e^-80 of each column's maximum (the rest cannot move the arg max).
        keep = np.flatnonzero(body >= body.max(axis=0, keepdims=True) - 80.0)
        inner_out = np.zeros(body.shape)
        inner_out.reshape(-1)[keep] = np.exp(body.reshape(-1)[keep])
        out[:, 1:-1] = inner_out
    out[0, 0] = 1.0
    out[N, -1] = 1.0
    out.setflags(write=False)
    if out.nbytes <= _GRID_CACHE_BYTES // 4:
        _GRID_CACHE[N] = out
        while sum(a.nbytes for a in _GRID_CACHE.values()) > _GRID_CACHE_BYTES:
            _GRID_CACHE.popitem(last=False)
    return out


def _region_prob(h, N: int, pi):
    """P(region | pi) = sum_s h_s Bin(s; N, pi) and its first two derivatives, for rows of ``h``."""
    s = np.arange(N + 1, dtype=float)[None, :]
    pi = pi[:, None]
    b = _binom_pmf(s, float(N), pi)
    hb = h * b

    def total(a):  # in order along each row (cumsum), whatever the number of rows
        return np.cumsum(a, axis=1)[:, -1]

    value = total(hb)
    with np.errstate(divide="ignore", invalid="ignore"):
        u = (s - N * pi) / (pi * (1 - pi))
        du = -s / pi**2 - (N - s) / (1 - pi) ** 2
        hbu = hb * u
        first = total(hbu)
        second = total(hb * (u * u + du))
        noise = 1e-13 * total(np.abs(hbu))  # rounding level of ``first``
    return value, first, second, noise


def _sup_over_nuisance(h, N: int, batched: bool = False):
    """max over pi of sum_s h_s Bin(s; N, pi) for each row of ``h`` (grid, then Newton refinement).

    The grid maximum is located row by row (one matrix-vector product on a fresh copy of each row)
    so that a row's result does not depend on the other rows; ``batched=True`` uses one matrix
    product for all rows (faster for thousands of rows; BLAS may then round a row differently,
    which moves the result by a few units in the last place).
    """
    grid = _NUISANCE_GRID
    binomial = _binomial_grid(N)
    if batched:
        values = h @ binomial
    else:
        values = np.stack([np.dot(np.array(row), binomial) for row in h])
    best = np.argmax(values, axis=1)
    lo = grid[np.maximum(best - 1, 0)].copy()
    hi = grid[np.minimum(best + 1, grid.size - 1)].copy()
    x = grid[best].copy()
    x = np.where((x <= lo) | (x >= hi), 0.5 * (lo + hi), x)
    active = np.arange(h.shape[0])
    for _ in range(200):
        if active.size == 0:
            break
        xa = x[active]
        _, first, second, noise = _region_prob(h[active], N, xa)
        up = first > 0
        lo_a = np.where(up, xa, lo[active])
        hi_a = np.where(up, hi[active], xa)
        lo[active], hi[active] = lo_a, hi_a
        with np.errstate(divide="ignore", invalid="ignore"):
            step = -first / second
        new = xa + step
        newton = np.isfinite(step) & (second < 0)
        # At the maximum P' is rounding noise (~1e-14 relative), so steps below 1e-12 are noise too;
        # stopping there changes the maximum by P'' * 1e-24, far below double precision.
        converged = (newton & (np.abs(step) <= 1e-12)) | (np.abs(first) <= noise)
        inside = newton & (new > lo_a) & (new < hi_a)
        new = np.where(
            converged,
            np.where(newton, np.clip(new, lo_a, hi_a), xa),
            np.where(inside, new, 0.5 * (lo_a + hi_a)),
        )
        done = converged | (hi_a - lo_a <= 1e-15)
        x[active] = new
        active = active[~done]
    at_grid = _region_prob(h, N, grid[best])[0]
    refined = _region_prob(h, N, x)[0]
    return np.minimum(1.0, np.maximum(at_grid, refined))


def _unconditional_arrays(x1, n1, x2, n2, method, batched=False):
    """Barnard or Boschloo statistic and p-value for non-degenerate tables (validated arrays)."""
    stat = np.empty(x1.shape)
    p = np.empty(x1.shape)
    keys = n1 * (int(n2.max()) + 1) + n2
    for key in np.unique(keys):
        idx = np.flatnonzero(keys == key)
        a, b = int(n1[idx[0]]), int(n2[idx[0]])
        stat[idx], p[idx] = _unconditional_group(a, b, x1[idx], x2[idx], method, batched)
    return stat, p


def _unconditional_group(n1, n2, x1, x2, method, batched=False):
    layout = _Unconditional(n1, n2)
    s_obs = x1 + x2
    if method == "barnard":
        t = layout.barnard_statistic()
        t_obs = t[x1, s_obs]
        thresholds, inverse = np.unique(np.abs(t_obs), return_inverse=True)
        absolute = np.abs(t)
        h = np.stack([layout.region_h(absolute >= thr) for thr in thresholds])
        return t_obs, _sup_over_nuisance(h, layout.N, batched)[inverse]
    less, greater = layout.boschloo_statistics()
    stat = np.empty(x1.shape)
    p = np.empty(x1.shape)
    l_obs, g_obs = less[x1, s_obs], greater[x1, s_obs]
    thresholds, inverse = np.unique(np.concatenate([l_obs, g_obs]), return_inverse=True)
    # One region per distinct threshold and side; a threshold seen on both sides is computed twice.
    kinds = np.concatenate([np.zeros(x1.size, dtype=int), np.ones(x1.size, dtype=int)])
    pairs, pair_inverse = np.unique(np.stack([kinds, inverse]), axis=1, return_inverse=True)
    h = np.stack(
        [
            layout.region_h((less if kind == 0 else greater) <= thresholds[k] * (1 + 1e-13))
            for kind, k in pairs.T
        ]
    )
    sup = _sup_over_nuisance(h, layout.N, batched)[pair_inverse.reshape(-1)]
    p_less, p_greater = sup[: x1.size], sup[x1.size :]
    stat = np.where(p_less <= p_greater, l_obs, g_obs)
    p = np.minimum(1.0, 2 * np.minimum(p_less, p_greater))
    return stat, p


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
          interval with variance factor N/(N-1), Miettinen & Nurminen, Stat Med 1985),
          ``"santner-snell"`` and ``"chan-zhang"`` (exact unconditional intervals, see Notes).
        - rr: ``"wald"`` (default; Katz log interval), ``"miettinen-nurminen"``, ``"koopman"``
          (asymptotic score interval of Koopman, Biometrics 1984; the Miettinen-Nurminen interval
          without its N/(N-1) variance factor; recommended by Fagerland, Lydersen & Laake, Stat Med
          2015; as ``PropCIs::riskscoreci``; computed by statsmodels
          ``confint_proportions_2indep(compare="ratio", method="score", correction=False)``).
        - or: ``"wald"`` (default; Woolf logit interval), ``"conditional"`` (conditional maximum
          likelihood estimate with the exact central interval, as R ``fisher.test``; refused when
          the hypergeometric support has more than ``MAX_SUPPORT`` (2e7) tables, where the Wald or
          score interval is the one to use; 1e5 per group takes about 0.2 s),
          ``"miettinen-nurminen"``.
    level : float
        Confidence level in (0, 1).

    Returns
    -------
    EffectSize
        ``estimate``, ``low``, ``high``; ``note`` explains zero-cell corrections or infinite bounds.

    Raises
    ------
    ValueError
        For bad counts, measure, method or level; for ``"santner-snell"`` and ``"chan-zhang"``
        above their size limits (see Notes); for ``"conditional"`` above ``MAX_SUPPORT``.

    Notes
    -----
    **Exact unconditional intervals for the risk difference.** Both invert two one-sided exact
    tests of H0: p1 - p2 = d, each at alpha/2 (the "tail method" of Santner & Snell), with the
    nuisance parameter eliminated by the supremum over every admissible value::

        P_U(d) = sup over p2 of  sum over tables a with T(a) >= T(obs) of
                 Bin(a1; n1, p2 + d) * Bin(a2; n2, p2),     max(0, -d) <= p2 <= min(1, 1 - d),

    over all tables a with the observed group sizes, and P_L(d) likewise with T(a) <= T(obs) (ties
    count in both tails). The bounds are ``low = inf {d : P_U(d) > alpha/2}`` and
    ``high = sup {d : P_L(d) > alpha/2}``, the hull of the differences that neither test rejects
    (the definition of the tern R package's vignette, which corrects SAS's documentation).

    - ``"santner-snell"``: T is the raw difference ``a1/n1 - a2/n2`` (Santner & Snell, JASA
      1980;75:386-394). What SAS PROC FREQ prints for ``EXACT RISKDIFF(METHOD=NOSCORE)`` and
      StatXact for the unstandardised difference; very conservative. P_U rises with d, so each
      bound is the single crossing of alpha/2.
    - ``"chan-zhang"``: T is the score statistic ``(p1 - p2 - d) / sqrt(v(d))`` with ``v(d)``
      the variance at the maximum likelihood estimates under ``p1 - p2 = d`` (Farrington &
      Manning; Chan & Zhang, Biometrics 1999;55:1202-1209). What SAS prints for ``EXACT
      RISKDIFF(METHOD=SCORE)`` (the default in recent SAS releases) and StatXact for the
      standardised difference. The ordering of the tables moves with d, so P_U can cross alpha/2
      several times near a bound (a saw-tooth: 40/78 vs 5/17 crosses at -0.0779, -0.0750,
      -0.0699 and -0.0659); the first crossing is returned, found by halving intervals of d and
      discarding those whose tail is bounded below alpha/2 by the union of their regions. A
      program that stops at another crossing prints a narrower interval for such tables; every
      published example found (SAS, StatXact) has a single crossing and is reproduced.

    The supremum is located on a grid of the admissible p2 (spacing 1/(6 max(n1, n2)), 257 to
    2001 points) and refined by Newton's method, so the bounds are exact to about 1e-9 unless two
    separate maxima of the tail over p2 are within 10% of each other and the true one is missed
    (not seen in the reference tables); an independent brute-force R implementation
    (``tests/reference/exact_rd.R``) agrees to 1e-12 on 33 tables (78 intervals). The values
    printed by SAS and StatXact for 10/35 vs 24/61, 4/12 vs 9/11, 2/7 vs 6/13 and 0/7 vs 13/13
    (exact2x2's validation tests), 40/78 vs 5/17 and 27/57 vs 3/3 (tern's vignette), 84/101 vs
    89/105 (Garner, WUSS 2016) and Santner & Snell's own 0/2 vs 2/2 are reproduced to their
    printed digits (tests/test_proportions_exact_rd.py).

    Cost grows with the nuisance grid times the group sizes, ``grid x (n1 + n2 + 2)``; both are
    refused above ``MAX_EXACT_RD_SIZE`` (Santner-Snell 4.1e6: 1,000 vs 1,000, about 1 s;
    Chan-Zhang 2.1e6: 500 vs 500, about 1.5 s), where the Miettinen-Nurminen interval is close.
    100 vs 100 takes about 50 ms (Santner-Snell) and 0.3 s (Chan-Zhang).
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
        if method in ("santner-snell", "chan-zhang"):
            _check_exact_rd_size(n1, n2, method)
            low, high = _exact_rd_interval(x1, n1, x2, n2, level, method)
            return est, low, high, ""
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
        if x1 + x2 == 0 or x1 + x2 == n1 + n2:
            return (
                math.nan,
                0.0,
                math.inf,
                "no events (or no non-events) in either group: the odds ratio is not estimable",
            )
        est, low, high = _conditional_or(x1, n1, x2, n2, level)
        return est, low, high, _infinite_note(est, low, high)
    if method == "koopman":
        # statsmodels' confint_proportions_2indep(compare="ratio", method="score", correction=False)
        # is this interval on inner tables (7/34 vs 1/34: 1.2209-42.5757, as printed by Fagerland et
        # al.) but wrong when a group has all events: 0/1 vs 1/1 gives a lower bound of 0.5 (x1 = 0
        # must give 0), 1/1 vs 1/1 gives [1.0, 4.84] (excluding the estimate 1) and 3/5 vs 5/5 a
        # complex bound. So the score test is inverted here (tests/test_proportions_koopman.py).
        if x1 + x2 == 0:
            return math.nan, 0.0, math.inf, "no events in either group: the risk ratio is not estimable"
        low, high = _mn_interval(x1, n1, x2, n2, "rr", z, correction=False)
        return crude, low, high, _infinite_note(crude, low, high)
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


def _statsmodels_ci(x1, n1, x2, n2, compare, method, level, **options):
    from statsmodels.stats.proportion import confint_proportions_2indep

    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = confint_proportions_2indep(
            x1, n1, x2, n2, method=method, compare=compare, alpha=1 - level, **options
        )
    return float(low), float(high)


def _conditional_or(x1, n1, x2, n2, level):
    """Conditional MLE of the odds ratio and its exact central interval, as R ``fisher.test``.

    The noncentral hypergeometric distribution of x1 given the margins is evaluated on its
    support with one vectorised expression per odds ratio, and the estimate and bounds are roots
    in log(odds ratio) (brentq, tolerance 1e-14). scipy's ``odds_ratio(kind="conditional")`` gives
    the same numbers but its interval costs 3.4 s at n = 1e4 and 84 s at n = 1e5 (one scipy.stats
    call per evaluation of the noncentral cdf); this takes about 0.2 s at 1e5. Checked against
    the R transcription of fisher.test in tests/reference/make_reference.R (1e-8) and scipy.
    """
    m = x1 + x2
    lo, hi = max(0, m - n2), min(n1, m)
    _check_support(
        hi - lo + 1,
        f"the conditional odds ratio at nobs1 = {n1}, nobs2 = {n2}",
        "use method='wald' or 'miettinen-nurminen', which agree with it at this size",
        3e-6,
    )
    support = np.arange(lo, hi + 1, dtype=float)
    logdc = _log_binom(float(n1), support) + _log_binom(float(n2), m - support)
    offset = support - lo
    alpha = (1 - level) / 2
    obs = x1 - lo

    def dist(t):
        w = logdc + t * offset
        d = np.exp(w - w.max())
        return d / d.sum()

    def mean(t):
        return lo + float((offset * dist(t)).sum())

    def lower_tail(t):  # P(X <= x1), decreasing in t
        return float(dist(t)[: obs + 1].sum())

    def upper_tail(t):  # P(X >= x1), increasing in t
        return float(dist(t)[obs:].sum())

    def root(f, centre):
        a, b, width = centre - 1.0, centre + 1.0, 1.0
        while f(a) * f(b) > 0 and width < 2048:
            width *= 2
            a, b = centre - width, centre + width
        return math.exp(optimize.brentq(f, a, b, xtol=1e-14, rtol=1e-15, maxiter=500))

    crude = math.log(x1 * (n2 - x2) / ((n1 - x1) * x2)) if lo < x1 < hi else 0.0
    est = 0.0 if x1 == lo else math.inf if x1 == hi else root(lambda t: mean(t) - x1, crude)
    centre = math.log(est) if 0 < est < math.inf else crude
    low = 0.0 if x1 == lo else root(lambda t: upper_tail(t) - alpha, centre)
    high = math.inf if x1 == hi else root(lambda t: lower_tail(t) - alpha, centre)
    return est, low, high


def _infinite_note(est, low, high):
    if any(math.isinf(v) for v in (est, high)) or low == 0:
        return "a zero cell makes the estimate or a bound 0 or infinite (no correction is applied for this method)"
    return ""


# ---- Miettinen-Nurminen score intervals ---------------------------------------------------
# ---- Miettinen-Nurminen score intervals ---------------------------------------------------
def _mn_statistic(x1, n1, x2, n2, measure, theta, correction=True):
    """Signed Miettinen-Nurminen score statistic for H0: effect == theta (Stat Med 1985;4:213).

    Without the variance factor N/(N-1) (``correction=False``) and for the ratio it is Koopman's
    score statistic (Biometrics 1984).
    """
    N = n1 + n2
    p1, p2 = x1 / n1, x2 / n2
    corr = N / (N - 1) if (N > 1 and correction) else 1.0
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


def _mn_interval(x1, n1, x2, n2, measure, z, correction=True):
    """Invert the score test: all theta with |statistic| <= z, by root finding on each side."""

    def f(theta):
        return _mn_statistic(x1, n1, x2, n2, measure, theta, correction)

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


# ---- Exact unconditional intervals for the risk difference ---------------------------------
# Santner & Snell (JASA 1980;75:386-394, the "tail method") and Chan & Zhang (Biometrics
# 1999;55:1202-1209), as SAS PROC FREQ (EXACT RISKDIFF, METHOD=NOSCORE / METHOD=SCORE) and StatXact
# define them. For the observed table and a hypothesised difference d the upper tail
#     P_U(d) = sup_{p2} sum_{T(a) >= T(obs)} Bin(a1; n1, p2 + d) Bin(a2; n2, p2)
# takes the supremum over every admissible p2, max(0, -d) <= p2 <= min(1, 1 - d); the lower bound
# is inf {d : P_U(d) > alpha/2}. The upper bound is, by symmetry (T changes sign when the groups
# are swapped), minus the lower bound of the swapped table, so only lower bounds are computed.
#
# Both statistics increase with a1 and decrease with a2 (for the score statistic this is checked
# in tests/test_proportions_exact_rd.py), so a tail region is a staircase {a2 <= c(a1)} and
#     P(region | p1, p2) = sum_a1 Bin(a1; n1, p1) F2(c(a1); p2),
# F2 the binomial cdf of group 2: one evaluation on the nuisance grid costs O(grid x (n1 + n2)),
# the cdf on the grid is computed once per table, and the probability rises with p1 and falls
# with p2, hence P_U is non-decreasing in d while the region stays fixed. As for Barnard's test
# (see _NUISANCE_GRID) the supremum is located on a grid of the admissible range and refined by a
# safeguarded Newton search around the best grid points, re-evaluated with _binom_pmf.
#
# Size of a computation: nuisance grid points x (n1 + n2 + 2), the cells of the two binomial tables
# on the grid (see _exact_rd_grid). 1,000 vs 1,000 is 4.0e6 cells (Santner-Snell: about 1 s),
# 500 vs 500 is 2.0e6 (Chan-Zhang, whose saw-tooth search takes ~60 evaluations: about 1.5 s;
# checked against the brute force of tests/reference/exact_rd_large.R above the old limit of
# 200 vs 200, which was set when a cell cost twice as much).
MAX_EXACT_RD_SIZE = {"santner-snell": 4_100_000, "chan-zhang": 2_100_000}
# Measured on the project's 2-core machine (benchmarks/bench_proportions.py; the largest per-cell
# cost seen, 2e5 to 4e6 cells): seconds per cell for one interval; used to say what a refused
# computation would cost, and by the audit to budget its exact intervals.
_SECONDS_PER_EXACT_RD_CELL = {"santner-snell": 2.2e-7, "chan-zhang": 9e-7}
# Score statistics this close (relative) to the observed one are ties, as exact2x2 rounds the
# statistic to 10 decimals: the closed-form restricted MLE leaves rounding noise of ~1e-15.
_SCORE_TIE = 1e-9
# Chan-Zhang's search: intervals of d wider than this are bounded with the union of the regions at
# 6 points (ends and 4 inside); narrower ones with the regions at their two ends.
_EXACT_RD_WIDE = 1 / 64
# Chan-Zhang: off-lattice values of d whose pmf of group 1 on the grid is kept (each <= 500,000
# floats), and the size of table up to which a region is found from the statistic of every table
# (above it, row by row from the region at the nearest d already seen).
_SHIFTED_KEPT = 4
_STAIR_MATRIX_CELLS = 5000


def _exact_rd_grid(n1: int, n2: int) -> int:
    """Points of the nuisance grid on [0, 1]: spacing 1/(6 max(n1, n2)), 257 to 2001 points.

    The narrowest feature of a tail as a function of p2, near p2 = 0 or 1, is about 1/n wide, so
    the grid has about 6 points on it (2 at n = 1000) and the best grid points lie on the slopes
    of the highest peak, from where Newton's method finds it.
    """
    return min(_NUISANCE_GRID.size, max(257, 6 * max(n1, n2) + 1))


def _check_exact_rd_size(n1: int, n2: int, method: str) -> None:
    cells = _exact_rd_grid(n1, n2) * (n1 + n2 + 2)
    limit = MAX_EXACT_RD_SIZE[method]
    _checks.affordable(
        f"the {method} exact interval at nobs1 = {n1}, nobs2 = {n2}",
        cells,
        limit,
        nbytes=8 * 4 * cells,
        seconds=_SECONDS_PER_EXACT_RD_CELL[method] * cells,
        instead=(
            "at this size the asymptotic score interval is close to the exact one: use "
            "method='miettinen-nurminen' (limit: nuisance "
            f"grid points x (nobs1 + nobs2 + 2) <= {limit:,} for {method!r}, e.g. "
            + ("1,000 vs 1,000)" if method == "santner-snell" else "500 vs 500)")
        ),
    )


def _binom_rows(n: int, p: np.ndarray) -> np.ndarray:
    """Bin(k; n, p_g) for k = 0..n (columns) and every p_g in [0, 1] (rows).

    By the ratio recurrence of :func:`_binomial_grid` (upwards from (1 - p)^n for p <= 1/2,
    downwards from p^n above; both >= 2^-1000 for n <= 1000), summed on the log scale above
    n = 1000 (where the start may underflow). Used on the grid only, to locate the supremum and
    to see a tail above alpha/2 (relative error ~1e-13 up to n = 1000, ~n * 1e-15 above).
    """
    out = np.zeros((p.size, n + 1))
    out[p <= 0.0, 0] = 1.0
    out[p >= 1.0, n] = 1.0
    inner = (p > 0.0) & (p < 1.0)
    k = np.arange(n, dtype=float)
    ratio = (n - k) / (k + 1)  # Bin(k + 1) / Bin(k) = ratio[k] * p / (1 - p)
    if n > 1000:
        q = p[inner][:, None]
        logs = np.empty((q.shape[0], n + 1))
        logs[:, :1] = n * np.log1p(-q)
        logs[:, 1:] = np.log(ratio)[None, :] + (np.log(q) - np.log1p(-q))
        out[inner] = np.exp(np.cumsum(logs, axis=1))
        return out
    for rows, upwards in (
        (np.flatnonzero(inner & (p <= 0.5)), True),
        (np.flatnonzero(inner & (p > 0.5)), False),
    ):
        q = p[rows]
        part = np.empty((q.size, n + 1))
        if upwards:
            part[:, 0] = np.exp(n * np.log1p(-q))
            np.multiply.outer(q / (1 - q), ratio, out=part[:, 1:])
        else:
            part[:, 0] = np.exp(n * np.log(q))
            np.multiply.outer((1 - q) / q, 1.0 / ratio[::-1], out=part[:, 1:])
        np.cumprod(part, axis=1, out=part)
        out[rows] = part if upwards else part[:, ::-1]
    return out


def _fm_statistic(p1, p2, n1: int, n2: int, d: float):
    """Farrington-Manning score statistic for H0: p1 - p2 = d at observed proportions (broadcast).

    ``(p1 - p2 - d) / sqrt(r1 (1 - r1) / n1 + r2 (1 - r2) / n2)`` with (r1, r2) the maximum
    likelihood estimates under ``p1 - p2 = d`` (closed form of Farrington & Manning, Stat Med 1990,
    as :func:`_mn_statistic`; the Miettinen-Nurminen factor N/(N - 1) would not change the
    ordering). A zero variance gives 0 for a zero numerator and +-inf otherwise.
    """
    t = n2 / n1
    a = 1 + t
    b = -(1 + t + p1 + t * p2 + d * (t + 2))
    c = d * d + d * (2 * p1 + t + 1) + p1 + t * p2
    e = -p1 * d * (1 + d)
    v = b**3 / (27 * a**3) - b * c / (6 * a * a) + e / (2 * a)
    root = np.sqrt(np.maximum(b * b / (9 * a * a) - c / (3 * a), 0.0))
    u = np.where(v < 0, -root, root)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(u == 0, math.pi / 2, (math.pi + np.arccos(np.clip(v / u**3, -1.0, 1.0))) / 3)
        r1 = np.clip(2 * u * np.cos(w) - b / (3 * a), max(0.0, d), min(1.0, 1.0 + d))
        # 1 - r1 >= -d and 1 - r2 = (1 - r1) + d, so that a tiny d is not lost when r1 or r2 rounds
        # to 1 (r2 = 1 - d, or r1 = 1 + d, would give a zero variance and an infinite statistic)
        r2, q1 = np.clip(r1 - d, 0.0, 1.0), np.maximum(1 - r1, -d)
        q2 = np.clip(q1 + d, 0.0, 1.0)
        var = r1 * q1 / n1 + r2 * q2 / n2
        num = p1 - p2 - d
        z = num / np.sqrt(var)
    return np.where(var > 0, z, np.where(num == 0, 0.0, np.copysign(np.inf, num)))


@functools.lru_cache(maxsize=512)
def _fm_statistic_matrix(n1: int, n2: int, d: float) -> np.ndarray:
    """:func:`_fm_statistic` of every table, x1 = 0..n1 (rows) by x2 = 0..n2 (columns); read-only.

    It depends on the group sizes and d only, not on the observed table: the two tails of an
    interval, and the intervals of tables with the same group sizes (a coverage enumeration, a
    corpus), ask for it at the same d (the search halves [-1, 1] alike for every table), so it is
    kept (at most 512 matrices of at most 20,000 cells, ~80 MB; only small tables use it).
    """
    stat = _fm_statistic((np.arange(n1 + 1) / n1)[:, None], (np.arange(n2 + 1) / n2)[None, :], n1, n2, d)
    stat.flags.writeable = False
    return stat


class _ExactRDTail:
    """Upper tails P(T >= T(obs) | p1 = p2 + d, p2) of one table, maximised over p2.

    A region is given by its staircase ``c`` (int array over x1 = 0..n1): the tables with
    ``x2 <= c[x1]`` (``c[x1] = -1``: none in that row).
    """

    def __init__(self, x1: int, n1: int, x2: int, n2: int, score: bool):
        self.x1, self.n1, self.x2, self.n2, self.score = x1, n1, x2, n2, score
        self.k1 = np.arange(n1 + 1.0)
        self.k2 = np.arange(n2 + 1.0)
        self.rest1 = float(n1) - self.k1  # n - k, the failures of each column
        self.rest2 = float(n2) - self.k2
        self.log_coef1 = _log_binom(float(n1), self.k1[None, :])
        self.log_coef2 = _log_binom(float(n2), self.k2[None, :])
        self.grid = np.linspace(0.0, 1.0, _exact_rd_grid(n1, n2))
        # cdf of group 2 on the grid, with a leading 0: cdf_t[c + 1, g] = P(X2 <= c | grid[g]), and
        # the pmf of group 1 on the grid, which serves every d on the lattice of the grid's spacing
        # (Stored transposed, grid along the rows: the regions pick whole rows.)
        cdf = np.zeros((self.grid.size, n2 + 2))
        np.cumsum(_binom_rows(n2, self.grid), axis=1, out=cdf[:, 1:])
        self.cdf_t = np.ascontiguousarray(cdf.T)
        self.pmf1_t = np.ascontiguousarray(_binom_rows(n1, self.grid).T)
        self._fixed = None
        if not score:  # x1/n1 - x2/n2 >= observed, in integers (exact ties)
            top = np.arange(n1 + 1, dtype=np.int64) * n2 - (x1 * n2 - x2 * n1)
            self._fixed = np.clip(top // n1, -1, n2)
        self._stairs: dict = {}
        self._stair_keys: list = []  # the keys of _stairs, sorted
        self._tails: dict = {}
        self._last_grid: tuple = (None, None)
        self._shifted: dict = {}

    # ---- regions ----
    def staircase(self, d: float) -> np.ndarray:
        """c[x1] = the largest x2 whose statistic is at least the observed one (-1 if none)."""
        if self._fixed is not None:
            return self._fixed
        d = float(d)
        if d in self._stairs:
            return self._stairs[d]
        n1, n2 = self.n1, self.n2

        def tie(t0):
            return t0 - (_SCORE_TIE * max(1.0, abs(t0)) if math.isfinite(t0) else 0.0)

        cells = (n1 + 1) * (n2 + 1)
        if cells <= _STAIR_MATRIX_CELLS or (not self._stairs and cells <= 20_000):
            stat = _fm_statistic_matrix(n1, n2, d)
            c = (stat >= tie(float(stat[self.x1, self.x2]))).sum(axis=1) - 1
        else:
            c = self._row_boundaries(d, tie, self._nearest_staircase(d))
        self._stairs[d] = c
        bisect.insort(self._stair_keys, d)
        return c

    def _nearest_staircase(self, d: float) -> np.ndarray | None:
        """The staircase already found at the d closest to ``d`` (None before the first)."""
        keys = self._stair_keys
        i = bisect.bisect_left(keys, d)
        near = [keys[j] for j in (i - 1, i) if 0 <= j < len(keys)]
        return self._stairs[min(near, key=lambda k: abs(k - d))] if near else None

    def _row_boundaries(self, d: float, tie, guess: np.ndarray | None) -> np.ndarray:
        """Per row x1, the last x2 whose statistic is at least ``tie(observed statistic)``.

        The statistic decreases along each row, so the boundary is found by a search per row:
        from ``guess`` (the staircase at a nearby d, where most rows have the same boundary, so
        two cells per row decide) by steps that double away from it, then by bisection;
        without a guess by bisection over the whole row. O(n1) cells when the guess holds,
        O(n1 log n2) at worst, instead of the (n1 + 1)(n2 + 1) cells of the whole table.
        """
        n1, n2 = self.n1, self.n2
        p1 = np.arange(n1 + 1) / n1
        rows = np.arange(n1 + 1)
        # Bracket per row: cell lo is inside (or lo = -1), cell hi is outside (or hi = n2 + 1).
        lo = np.full(n1 + 1, -1)
        hi = np.full(n1 + 1, n2 + 1)
        # The observed table's statistic, with (given a guess) the cells at and after the guess in
        # the same evaluation: where the first is inside and the second outside, the row is settled.
        probes = [] if guess is None else [np.clip(guess, 0, n2), np.clip(guess + 1, 0, n2)]
        cols = np.concatenate([[self.x2], *probes])
        first = _fm_statistic(p1[np.concatenate([[self.x1], *([rows] * len(probes))])], cols / n2, n1, n2, d)
        threshold = tie(float(first[0]))

        def inside(rows, cols):  # statistic of cells (rows, cols), 0 <= cols <= n2, >= threshold
            return _fm_statistic(p1[rows], cols / n2, n1, n2, d) >= threshold

        if guess is not None:
            ok = first[1:] >= threshold
            for probe, ok_ in ((probes[0], ok[: n1 + 1]), (probes[1], ok[n1 + 1 :])):
                lo = np.where(ok_, np.maximum(lo, probe), lo)
                hi = np.where(ok_, hi, np.minimum(hi, probe))
            # Rows whose boundary moved: steps that double, outwards from the side it moved to,
            # until the boundary is bracketed.
            step = 1
            while True:
                up = (hi == n2 + 1) & (lo < n2) & (lo >= 0)
                down = (lo == -1) & (hi > 0) & (hi <= n2)
                rows = np.flatnonzero(up | down)
                if not rows.size:
                    break
                probe = np.clip(np.where(up[rows], lo[rows] + step, hi[rows] - step), 0, n2)
                ok = inside(rows, probe)
                lo[rows] = np.where(ok, probe, lo[rows])
                hi[rows] = np.where(ok, hi[rows], probe)
                step *= 2
        open_ = np.flatnonzero(hi - lo > 1)
        while open_.size:
            mid = (lo[open_] + hi[open_]) // 2
            ok = inside(open_, mid)
            lo[open_] = np.where(ok, mid, lo[open_])
            hi[open_] = np.where(ok, hi[open_], mid)
            open_ = open_[hi[open_] - lo[open_] > 1]
        return lo

    # ---- tails ----
    def upper(self, d: float, c: np.ndarray) -> float:
        """sup over the admissible p2 of P(x2 <= c[x1] | p2 + d, p2)."""
        return self._tail(d, c)[0]

    def slope(self, d: float, c: np.ndarray) -> float:
        """d/dd of :meth:`upper` (at the maximising p2; NaN there at an end of the range)."""
        value, at = self._tail(d, c)
        p = np.array([at])
        if not (0.0 < at < 1.0 and 0.0 < at + d < 1.0):
            return math.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(self._exact(d, c, p, derivatives=True)[4][0])

    def _tail(self, d: float, c: np.ndarray):
        """(sup, maximising p2), memoised."""
        key = (float(d), c.tobytes())
        if key not in self._tails:
            # log(0) and 0 * log(0) at the ends of the range are handled where they arise; one
            # errstate here instead of one per evaluation (each costs several microseconds).
            with np.errstate(divide="ignore", invalid="ignore"):
                self._tails[key] = self._sup(float(d), c)
        return self._tails[key]

    def exceeds(self, d: float, c: np.ndarray, level: float) -> bool:
        """Whether :meth:`upper` > level; the grid alone decides when its best value is above."""
        key = (float(d), c.tobytes())
        if key not in self._tails:
            with np.errstate(divide="ignore", invalid="ignore"):
                grid = self._on_grid(float(d), c)
            if grid is not None and grid[1].max() > level:
                return True
        return self.upper(d, c) > level

    def _on_grid(self, d, c):
        """(points, tail at the points) on the grid of the admissible range (None for d = +-1)."""
        key = (d, c.tobytes())
        if self._last_grid[0] != key:
            self._last_grid = (key, self._grid_values(d, c))
        return self._last_grid[1]

    def on_lattice(self, d: float) -> float:
        """The smallest multiple of the grid's spacing at or above ``d`` (at most 1)."""
        steps = self.grid.size - 1
        return min(1.0, math.ceil(d * steps - 1e-9) / steps)

    def _grid_values(self, d, c):
        lo, hi = max(0.0, -d), min(1.0, 1.0 - d)
        if hi - lo <= 1e-12:
            return None
        cols = c + 1
        steps = self.grid.size - 1
        j = round(d * steps)
        if j / steps == d and abs(j) < steps - 64:  # p1 = p2 + d is on the grid too: no new pmf
            k0, k1 = max(0, -j), min(steps, steps - j) + 1
            w = self.cdf_t[cols, k0:k1]
            return self.grid[k0:k1], np.einsum("ig,ig->g", self.pmf1_t[:, k0 + j : k1 + j], w)
        points, pmf1, cdf, span = self._off_lattice(d, lo, hi)
        if span is None:
            w = cdf[:, cols].T
        else:  # the grid's own cdf inside the range, with the two ends
            w = np.concatenate(
                [cdf[:1, cols].T, self.cdf_t[cols, span[0] : span[1]], cdf[1:, cols].T], axis=1
            )
        return points, np.einsum("gi,ig->g", pmf1, w)

    def _off_lattice(self, d, lo, hi):
        """For a ``d`` off the grid's lattice: the points of the admissible range, the pmf of group
        1 at the points + d, and the cdf of group 2 at the two ends of the range (``span``: the
        grid points inside it) or, for a narrow range, at all its points (``span`` None).
        Memoised for Chan-Zhang, whose search asks for several regions at one d."""
        if d in self._shifted:
            return self._shifted[d]
        inside = np.flatnonzero((self.grid > lo) & (self.grid < hi))
        if inside.size >= 64:
            span = (inside[0], inside[-1] + 1)
            points = np.concatenate([[lo], self.grid[span[0] : span[1]], [hi]])
            cdf = self._cdf_at(np.array([lo, hi]))
        else:  # d near -1 or 1: a narrow range gets its own 65 points
            span = None
            points = np.linspace(lo, hi, 65)
            cdf = self._cdf_at(points)
        entry = (points, _binom_rows(self.n1, np.clip(points + d, 0.0, 1.0)), cdf, span)
        if self.score:  # a fixed region (Santner-Snell) visits each d once
            if len(self._shifted) >= _SHIFTED_KEPT:
                del self._shifted[next(iter(self._shifted))]
            self._shifted[d] = entry
        return entry

    def _sup(self, d, c):
        lo, hi = max(0.0, -d), min(1.0, 1.0 - d)
        grid = self._on_grid(d, c)
        if grid is None:  # d = -1 or 1 (to rounding): one admissible point
            return float(min(1.0, self._exact(d, c, np.array([lo]))[0])), lo
        points, values = grid
        # Candidates: the grid's local maxima within 10% of the best (at most 4), each refined.
        padded = np.concatenate([[-np.inf], values, [-np.inf]])
        peaks = np.flatnonzero(
            (values >= padded[:-2]) & (values >= padded[2:]) & (values >= 0.9 * values.max())
        )
        peaks = peaks[np.argsort(-values[peaks], kind="stable")[:4]]
        exact = self._exact(d, c, points[peaks])
        best, at = float(exact.max()), float(points[peaks[np.argmax(exact)]])
        # A peak at an end of the range is the maximum there unless the tail rises into the range
        # (checked just inside the end); bisecting towards the end would only cost iterations.
        last = points.size - 1
        at_end = (peaks == 0) | (peaks == last)
        if at_end.any():
            inward = np.where(peaks[at_end] == 0, 1.0, -1.0)
            probe = points[peaks[at_end]] + inward * 1e-9 * (hi - lo)
            _, rise, _, noise, _ = self._exact(d, c, probe, derivatives=True)
            keep = np.ones(peaks.size, dtype=bool)
            keep[np.flatnonzero(at_end)] = rise * inward > noise
            peaks = peaks[keep]
        if peaks.size:
            x, refined = self._refine(d, c, points, values, peaks)
            k = int(np.argmax(refined))
            if refined[k] > best:
                best, at = float(refined[k]), float(x[k])
        return float(min(1.0, best)), at

    def _cdf_at(self, p2):
        out = np.zeros((p2.size, self.n2 + 2))
        np.cumsum(self._pmf(self.log_coef2, self.k2, self.rest2, p2[:, None]), axis=1, out=out[:, 1:])
        return out

    @staticmethod
    def _pmf(log_coef, k, rest, p):
        """Bin(k; n, p) for the columns k = 0..n and the rows of ``p`` (a column): as
        :func:`_binom_pmf_given`, whose k * log(p) at k = 0 and (n - k) * log(1 - p) at k = n are
        zero, set here by column (this is the innermost loop of the search). The caller silences
        log(0) at p = 0 or 1."""
        a = k * np.log(p)
        a[:, 0] = 0.0
        b = rest * np.log1p(-p)
        b[:, -1] = 0.0
        return np.exp(log_coef + a + b)

    def _exact(self, d, c, p2, derivatives=False):
        """P(x2 <= c[x1] | p2 + d, p2) at the points ``p2``.

        With ``derivatives``: (value, first and second derivative in p2 along p1 = p2 + d, the
        rounding level of the first, and the derivative in d at fixed p2).
        """
        p1 = np.clip(p2 + d, 0.0, 1.0)[:, None]
        p2 = p2[:, None]
        n1, n2, k1, k2 = float(self.n1), float(self.n2), self.k1[None, :], self.k2[None, :]
        b1 = self._pmf(self.log_coef1, self.k1, self.rest1, p1)
        b2 = self._pmf(self.log_coef2, self.k2, self.rest2, p2)
        cols = c + 1

        def at_c(terms):  # sum_{x2 <= c[x1]} terms[:, x2], for every x1
            out = np.zeros((terms.shape[0], self.n2 + 2))
            np.cumsum(terms, axis=1, out=out[:, 1:])
            return out[:, cols]

        if not derivatives:
            return np.einsum("ci,ci->c", b1, at_c(b2))
        u1 = (k1 - n1 * p1) / (p1 * (1 - p1))
        u2 = (k2 - n2 * p2) / (p2 * (1 - p2))
        du1 = -k1 / p1**2 - self.rest1 / (1 - p1) ** 2
        du2 = -k2 / p2**2 - self.rest2 / (1 - p2) ** 2
        f0, f1, f2 = at_c(b2), at_c(b2 * u2), at_c(b2 * (u2 * u2 + du2))
        value = np.einsum("ci,ci->c", b1, f0)
        b1u = b1 * u1
        along_d = np.einsum("ci,ci->c", b1u, f0)
        first = along_d + np.einsum("ci,ci->c", b1, f1)
        second = (
            np.einsum("ci,ci->c", b1 * (u1 * u1 + du1), f0)
            + 2 * np.einsum("ci,ci->c", b1u, f1)
            + np.einsum("ci,ci->c", b1, f2)
        )
        noise = 1e-13 * (np.einsum("ci,ci->c", np.abs(b1u), f0) + np.einsum("ci,ci->c", b1, np.abs(f1)))
        return value, first, second, noise, along_d

    def _refine(self, d, c, points, values, peaks):
        """Safeguarded Newton search for the maximum between the neighbours of each grid peak.

        It starts at the vertex of the parabola through the peak and its neighbours (at the peak
        itself if that fails), from where two or three Newton steps reach the maximum. Returns
        the points and the tail there.
        """
        below, above = np.maximum(peaks - 1, 0), np.minimum(peaks + 1, points.size - 1)
        lo, hi = points[below].copy(), points[above].copy()
        x = points[peaks].copy()
        f0, f1, f2 = values[below], values[peaks], values[above]
        h0, h1 = x - lo, hi - x
        den = h1 * (f1 - f0) + h0 * (f1 - f2)  # (called under _tail's errstate: den may be 0)
        vertex = x + 0.5 * (h1 * h1 * (f1 - f0) - h0 * h0 * (f1 - f2)) / den
        interior = (below < peaks) & (peaks < above)
        x = np.where(interior & np.isfinite(vertex) & (vertex > lo) & (vertex < hi), vertex, x)
        x = np.where((x <= lo) | (x >= hi), 0.5 * (lo + hi), x)
        active = np.arange(peaks.size)
        for _ in range(200):
            if active.size == 0:
                break
            xa = x[active]
            _, first, second, noise, _ = self._exact(d, c, xa, derivatives=True)
            up = first > 0
            lo_a = np.where(up, xa, lo[active])
            hi_a = np.where(up, hi[active], xa)
            lo[active], hi[active] = lo_a, hi_a
            step = -first / second
            new = xa + step
            newton = np.isfinite(step) & (second < 0)
            converged = (newton & (np.abs(step) <= 1e-12)) | (np.abs(first) <= noise)
            inside = newton & (new > lo_a) & (new < hi_a)
            new = np.where(
                converged,
                np.where(newton, np.clip(new, lo_a, hi_a), xa),
                np.where(inside, new, 0.5 * (lo_a + hi_a)),
            )
            done = converged | (hi_a - lo_a <= 1e-15)
            x[active] = new
            active = active[~done]
        return x, self._exact(d, c, x)

    # ---- the lower bound inf {d : P_U(d) > half_alpha} ----
    def lower(self, half_alpha: float) -> float:
        if self.upper(-1.0, self.staircase(-1.0)) > half_alpha:
            return -1.0
        if not self.score:  # fixed region: P_U is continuous and non-decreasing, one crossing
            z = stats.norm.isf(half_alpha)
            guess = _mn_interval(self.x1, self.n1, self.x2, self.n2, "rd", z)[0]
            return self._piece(-1.0, 1.0, self._fixed, half_alpha, guess)
        found = self._search(-1.0, 1.0, half_alpha)
        return 1.0 if found is None else found  # P_U(1) = 1 > half_alpha: found is never None

    def _piece(self, a, b, c, half_alpha, guess=None):
        """First crossing in [a, b] with the region ``c`` throughout (None if P_U <= half_alpha).

        P_U is continuous and non-decreasing there: a safeguarded Newton search (slope of P_U at
        its maximising p2) from ``guess`` or the secant of the ends, to 1e-12.
        """
        if not self.exceeds(b, c, half_alpha):
            return None
        if self.exceeds(a, c, half_alpha):
            return a
        fa, fb = self.upper(a, c) - half_alpha, self.upper(b, c) - half_alpha
        lo, hi = a, b
        x = guess if guess is not None and lo < guess < hi else lo + (hi - lo) * (-fa) / (fb - fa)
        for _ in range(200):
            if not lo < x < hi:
                x = 0.5 * (lo + hi)
            f = self.upper(x, c) - half_alpha
            if f > 0:
                hi, fb = x, f
            else:
                lo, fa = x, f
            if hi - lo <= 1e-12:
                break
            slope = self.slope(x, c)
            step = -f / slope if slope > 0 else math.nan
            if math.isfinite(step) and abs(step) <= 1e-12:
                return min(max(x + step, lo), hi)
            new = x + step
            # Newton inside the bracket; otherwise the secant of the bracket, kept off its ends.
            if not (math.isfinite(new) and lo < new < hi):
                new = lo + (hi - lo) * min(0.9, max(0.1, -fa / (fb - fa)))
            x = new
        return hi

    def _search(self, a, b, half_alpha):
        """First crossing in [a, b] of Chan-Zhang's tail, whose region changes with d.

        Between two values of d where the ordering of the tables changes the region is fixed and
        the tail non-decreasing; at those values it jumps up or down, so the tail can cross
        half_alpha several times (a saw-tooth near the bound). On [a, b] the tail is at most the
        probability at b of the union of the regions (every region is a staircase, and so is the
        union); an interval whose bound is <= half_alpha holds no crossing, the others are halved,
        leftmost first. The union is taken over the regions at 6 points of a wide interval and at
        the two ends of a narrow one, so an ordering that changes and changes back between two
        such points (within a narrow interval, or between points 1/64 / 5 or more apart) is not seen.
        """
        wide = b - a > _EXACT_RD_WIDE
        ds = np.linspace(a, b, 6) if wide else np.array([a, b])
        # At d = -1 every table but (0, n2) has an infinite statistic: that degenerate ordering has
        # probability 0 there (P_U(-1) is checked first), so the limit from the right stands for it.
        ds[0] = max(ds[0], -1.0 + 1e-9)
        stairs = np.stack([self.staircase(d) for d in ds])
        union = stairs.max(axis=0)
        if not wide and (stairs == stairs[0]).all():
            return self._piece(a, b, union, half_alpha)
        # An interval much wider than the grid's spacing is bounded at the next multiple of the
        # spacing (a looser bound, as the union's tail rises with d), where the pmf of group 1 on
        # the grid is already known.
        at = self.on_lattice(b) if b - a > 16 / (self.grid.size - 1) else b
        if not self.exceeds(at, union, half_alpha):
            return None
        if b - a <= 1e-12:  # the ordering changes within 1e-12: the tail on either side decides
            return a if any(self.exceeds(b, st, half_alpha) for st in (stairs[0], stairs[-1])) else None
        m = 0.5 * (a + b)
        left = self._search(a, m, half_alpha)
        return left if left is not None else self._search(m, b, half_alpha)


def _exact_rd_interval(x1: int, n1: int, x2: int, n2: int, level: float, method: str) -> tuple[float, float]:
    score = method == "chan-zhang"
    half_alpha = (1 - level) / 2
    low = _ExactRDTail(x1, n1, x2, n2, score).lower(half_alpha)
    high = -_ExactRDTail(x2, n2, x1, n1, score).lower(half_alpha)
    return low, high


# --------------------------------------------------------------------------------------------
# Vectorised helpers
# --------------------------------------------------------------------------------------------
def compare_many(count1, nobs1, count2, nobs2, method: str = "fisher") -> np.ndarray:
    """p-values of :func:`compare_proportions` for arrays (or DataFrame columns) of tables.

    Parameters
    ----------
    count1, nobs1, count2, nobs2 : array_like of int
        Broadcastable arrays of whole-number counts (a scalar is an array of one). Every element
        is checked: a non-integer, negative, ``count > nobs`` or ``nobs == 0`` element raises a
        one-line ``ValueError`` naming its position, e.g. ``count1[3]``.
    method : str
        One of :data:`TEST_METHODS` (see :func:`compare_proportions`).

    Returns
    -------
    numpy.ndarray
        Two-sided p-values of the broadcast shape, each exactly (bit for bit)
        ``compare_proportions(...).pvalue`` of its table.

    Notes
    -----
    Repeated tables are computed once. Closed-form tests are element-wise; Fisher's tests compute
    each margin's hypergeometric distribution once; Barnard and Boschloo share one layout of all
    tables per pair of group sizes, one region per distinct observed statistic and one nuisance
    grid evaluation (a matrix product) for all of them. Barnard/Boschloo refuse group sizes above
    the limit of :func:`compare_proportions` before computing anything.
    """
    method = _checks.choice(method, "method", TEST_METHODS)
    x1, n1, x2, n2 = _checks.counts_and_totals(
        (count1, "count1", "count"),
        (nobs1, "nobs1", "total"),
        (count2, "count2", "count"),
        (nobs2, "nobs2", "total"),
    )
    shape = x1.shape
    flat = np.stack([a.reshape(-1) for a in (x1, n1, x2, n2)], axis=1)
    if flat.shape[0] == 0:
        return np.empty(shape)
    tables, inverse = _unique_rows(*(flat[:, k] for k in range(4)))
    _, p, _ = _test_arrays(*tables, method)
    return p[inverse].reshape(shape)


def ci_many(count, nobs, method: str = "clopper-pearson", level: float = 0.95):
    """Lower and upper bounds of :func:`proportion_ci` for arrays of counts, as two arrays.

    Parameters
    ----------
    count, nobs : array_like of int
        Broadcastable arrays of whole-number counts; every element is checked (non-integer,
        negative, ``count > nobs`` or ``nobs == 0`` raise a ``ValueError`` naming the position).
    method, level
        As :func:`proportion_ci`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``low`` and ``high`` of the broadcast shape, each element exactly (bit for bit) the bound
        :func:`proportion_ci` returns. Vectorised: every x/n with n <= 200 (20,300 pairs) takes
        milliseconds per method (mid-p: a vectorised Newton search on incomplete beta functions).
    """
    method = _checks.choice(method, "method", CI_METHODS)
    level = _checks.level(level)
    x, n = _checks.counts_and_totals((count, "count", "count"), (nobs, "nobs", "total"))
    shape = x.shape
    if x.size == 0:
        return np.empty(shape), np.empty(shape)
    (xu, nu), inverse = _unique_rows(x.reshape(-1), n.reshape(-1))
    low, high = _ci_arrays(xu, nu, method, level)
    return low[inverse].reshape(shape), high[inverse].reshape(shape)


def _unique_rows(*columns):
    """Distinct rows of equal-length int64 columns (as columns) and the inverse index."""
    spans = [int(c.max()) + 1 for c in columns]
    if math.prod(spans) < 2**62:  # one integer key per row: much faster than np.unique(axis=0)
        key = np.zeros(columns[0].shape, dtype=np.int64)
        for c, span in zip(columns, spans, strict=True):
            key = key * span + c
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        return [np.ascontiguousarray(c[first]) for c in columns], inverse.reshape(-1)
    rows, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    return [np.ascontiguousarray(rows[:, k]) for k in range(rows.shape[1])], inverse.reshape(-1)


def compare_all(count1, nobs1, count2, nobs2, methods=TEST_METHODS):
    """Every test of :func:`compare_proportions` on one table, as a DataFrame (one row per method)."""
    import pandas as pd

    return pd.concat(
        [compare_proportions(count1, nobs1, count2, nobs2, method=m).to_frame() for m in methods],
        ignore_index=True,
    )


def effects_all(count1, nobs1, count2, nobs2, level: float = 0.95):
    """Every measure and method of :func:`effect_size` on one table, as a DataFrame.

    An exact risk-difference interval refused for the table's size (above
    ``MAX_EXACT_RD_SIZE``) gets a row with NaN bounds and the refusal in ``note``.
    """
    import pandas as pd

    rows = []
    for m, methods in EFFECT_METHODS.items():
        for k in methods:
            try:
                res = effect_size(count1, nobs1, count2, nobs2, measure=m, method=k, level=level)
            except ValueError as exc:
                if k not in MAX_EXACT_RD_SIZE:
                    raise
                base = effect_size(count1, nobs1, count2, nobs2, measure=m, method="wald", level=level)
                res = dataclasses.replace(base, method=k, low=math.nan, high=math.nan, note=str(exc))
            rows.append(res.to_frame())
    return pd.concat(rows, ignore_index=True)


def ci_all(count, nobs, methods=CI_METHODS, level: float = 0.95):
    """Every CI method of :func:`proportion_ci` for one proportion, as a DataFrame."""
    import pandas as pd

    return pd.concat(
        [proportion_ci(count, nobs, method=m, level=level).to_frame() for m in methods], ignore_index=True
    )


# ---- all tables with given group sizes ---------------------------------------------------
_MATRIX_CACHE: OrderedDict = OrderedDict()
_MATRIX_CACHE_BYTES = 256 * 2**20


def pvalue_matrix(nobs1: int, nobs2: int, method: str = "fisher") -> np.ndarray:
    """Two-sided p-values of every table with group sizes ``nobs1`` and ``nobs2``.

    Entry ``[x1, x2]`` equals ``compare_proportions(x1, nobs1, x2, nobs2, method).pvalue``, bit
    for bit (to within a few units in the last place for Barnard and Boschloo, whose suprema are
    located with one matrix product for all tables); it is computed for all tables at once. Used
    for exact power by enumeration and for speed.

    Parameters
    ----------
    nobs1, nobs2 : int
        Group sizes (at least 1).
    method : str
        Any of :data:`TEST_METHODS`.

    Returns
    -------
    numpy.ndarray
        A read-only ``(nobs1 + 1, nobs2 + 1)`` array (results are cached, up to 256 MiB in all;
        writing to it raises ``ValueError``: take ``.copy()`` to modify).

    Raises
    ------
    ValueError
        If ``(nobs1 + 1) * (nobs2 + 1)`` exceeds ``MAX_MATRIX_SIZE`` (1e7 tables), or
        ``MAX_UNCONDITIONAL_MATRIX_SIZE`` (20,000 tables) for Barnard and Boschloo; the message
        gives the memory and time it would take.
    """
    n1 = _checks.count(nobs1, "nobs1")
    n2 = _checks.count(nobs2, "nobs2")
    if n1 < 1 or n2 < 1:
        raise ValueError(f"nobs1 and nobs2 must be at least 1, got nobs1={n1}, nobs2={n2}")
    method = _checks.choice(method, "method", TEST_METHODS)
    size = (n1 + 1) * (n2 + 1)
    unconditional = method in ("barnard", "boschloo")
    limit = MAX_UNCONDITIONAL_MATRIX_SIZE if unconditional else MAX_MATRIX_SIZE
    per_table = 2e-4 if unconditional else 1e-7
    _checks.affordable(
        f"pvalue_matrix({n1}, {n2}, {method!r})",
        size,
        limit,
        nbytes=(8 * size * len(_NUISANCE_GRID) / 8) if unconditional else 12 * 8 * size,
        seconds=per_table * size,
        instead=(
            "enumerate only the tables you need with compare_many, or use method='chi2' or "
            f"'z-unpooled' (limit (nobs1 + 1) * (nobs2 + 1) <= {limit:,} for {method!r})"
        ),
    )
    key = (n1, n2, method)
    if key in _MATRIX_CACHE:
        _MATRIX_CACHE.move_to_end(key)
        return _MATRIX_CACHE[key]
    out = _pvalue_matrix(n1, n2, method)
    out.setflags(write=False)
    _MATRIX_CACHE[key] = out
    while sum(a.nbytes for a in _MATRIX_CACHE.values()) > _MATRIX_CACHE_BYTES and len(_MATRIX_CACHE) > 1:
        _MATRIX_CACHE.popitem(last=False)
    return out


def _pvalue_matrix(n1: int, n2: int, method: str) -> np.ndarray:
    x1 = np.repeat(np.arange(n1 + 1, dtype=np.int64), n2 + 1)
    x2 = np.tile(np.arange(n2 + 1, dtype=np.int64), n1 + 1)
    ones = np.ones(x1.size, dtype=np.int64)
    if method in ("barnard", "boschloo"):
        _check_unconditional_size(n1, n2, method)
    _, p, _ = _test_arrays(x1, n1 * ones, x2, n2 * ones, method, batched=True)
    return p.reshape(n1 + 1, n2 + 1)


# --------------------------------------------------------------------------------------------
# Number needed to treat
# --------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class NumberNeeded(Result):
    """Number needed to treat from a risk difference and its CI (Altman, BMJ 1998;317:1309).

    ``value`` = 1 / |RD|: patients treated as group 1 instead of group 2 for one ``direction``
    ("more" or "fewer") patient with the outcome. When the RD's CI excludes 0, ``low``/``high``
    bound the NNT. When it includes 0 the CI of the NNT is two pieces through infinity: from
    ``to_more`` (1 / upper RD bound: at least this many for one more) to infinity, and from
    ``to_fewer`` (1 / |lower RD bound|) to infinity on the other side; ``crosses_zero`` is True.
    Whether "more" is a benefit (NNT) or a harm (NNH) depends on the outcome: see :meth:`describe`.
    """

    risk_difference: float
    rd_low: float
    rd_high: float
    level: float
    value: float
    direction: str
    crosses_zero: bool
    low: float
    high: float
    to_more: float
    to_fewer: float

    def describe(self, outcome_is_good: bool = True, digits: int = 1) -> str:
        """One sentence, e.g. "NNT 4.2 (95% CI 2.9 to 7.6)" or the two-piece form when the CI crosses 0."""
        lvl = f"{self.level * 100:g}%"
        if math.isinf(self.value):
            return "risk difference 0: no number needed to treat (infinite)"
        good = (self.direction == "more") == outcome_is_good
        name = "NNT" if good else "NNH"
        if not self.crosses_zero:
            return (
                f"{name} {self.value:.{digits}f} ({lvl} CI {self.low:.{digits}f} to {self.high:.{digits}f})"
            )
        more = "NNT" if outcome_is_good else "NNH"
        fewer = "NNH" if outcome_is_good else "NNT"
        return (
            f"{name} {self.value:.{digits}f} ({lvl} CI: {more} {self.to_more:.{digits}f} to infinity to "
            f"{fewer} {self.to_fewer:.{digits}f}; the difference may be zero)"
        )


def nnt(effect: EffectSize) -> NumberNeeded:
    """Number needed to treat (or harm) from a risk-difference :class:`EffectSize`.

    The CI is the reciprocal of the risk difference's CI (Altman 1998), so it inherits the RD
    method (Newcombe by default). ``effect`` must have ``measure == "rd"``.
    """
    if not isinstance(effect, EffectSize) or effect.measure != "rd":
        raise ValueError("nnt needs a risk-difference EffectSize (effect_size(..., measure='rd'))")
    rd, lo, hi = effect.estimate, effect.low, effect.high
    value = math.inf if rd == 0 else 1 / abs(rd)
    direction = "more" if rd >= 0 else "fewer"
    crosses = lo <= 0 <= hi

    def inv(v):
        return math.inf if v == 0 else 1 / abs(v)

    if crosses:
        low = high = math.nan
    else:
        low, high = sorted((inv(lo), inv(hi)))
    return NumberNeeded(
        float(rd),
        float(lo),
        float(hi),
        effect.level,
        float(value),
        direction,
        bool(crosses),
        float(low),
        float(high),
        float(inv(hi)) if hi > 0 else math.inf,
        float(inv(lo)) if lo < 0 else math.inf,
    )


# --------------------------------------------------------------------------------------------
# Fisher's test on very many tables with distinct margins (corpus-scale audits)
# --------------------------------------------------------------------------------------------
def fisher_many(count1, nobs1, count2, nobs2, *, chunk: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """Fisher's exact and mid-p two-sided p-values for arrays of 2x2 tables, both in one pass.

    Same definition as ``compare_proportions(..., method="fisher")`` / ``"fisher-midp"`` (R's
    ``fisher.test``: tables no more probable than the observed one, relative tolerance 1e-7), laid
    out for corpus-scale searches where nearly every candidate table has its own margins: each
    table's hypergeometric support is one padded row of a matrix built from one log-factorial
    table, and the tail sums are sequential (``cumsum``) so a row's result does not depend on the
    other rows in its chunk. Agrees with :func:`compare_many` to ~1e-14 relative (the summation
    order differs), which is far below any printed precision.

    Returns
    -------
    (p_fisher, p_midp) : two float arrays.
    """
    from scipy import special

    x1, n1, x2, n2 = (
        np.asarray(_checks.count_array(v, name), dtype=np.int64).ravel()
        for v, name in ((count1, "count1"), (nobs1, "nobs1"), (count2, "count2"), (nobs2, "nobs2"))
    )
    if not (len(x1) == len(n1) == len(x2) == len(n2)):
        raise ValueError("count1, nobs1, count2 and nobs2 must have the same length")
    if len(x1) == 0:
        return np.empty(0), np.empty(0)
    if (n1 < 1).any() or (n2 < 1).any() or (x1 > n1).any() or (x2 > n2).any():
        raise ValueError("every table needs 0 <= count <= nobs and nobs >= 1")
    m = x1 + x2
    lo = np.maximum(0, m - n2)
    size = np.minimum(n1, m) - lo + 1
    lf = special.gammaln(np.arange(int((n1 + n2).max()) + 2, dtype=float) + 1)  # lf[k] = log k!
    p = np.empty(len(x1))
    pmid = np.empty(len(x1))
    order = np.argsort(size, kind="stable")  # similar widths share a chunk: less padding
    for start in range(0, len(order), chunk):
        idx = order[start : start + chunk]
        width = int(size[idx].max())
        cols = np.arange(width)
        valid = cols[None, :] < size[idx, None]
        k = lo[idx, None] + np.where(valid, cols[None, :], 0)
        a, b, mm = n1[idx, None], n2[idx, None], m[idx, None]
        logp = lf[a] - lf[k] - lf[a - k] + lf[b] - lf[mm - k] - lf[b - mm + k]
        logp = np.where(valid, logp, -np.inf)
        rel = np.exp(logp - logp.max(axis=1, keepdims=True))
        total = np.cumsum(rel, axis=1)[:, -1:]
        d = rel / total
        d_obs = d[np.arange(len(idx)), x1[idx] - lo[idx]][:, None]
        tie = valid & (d <= d_obs * _FISHER_RELERR)
        less = valid & (d < d_obs / _FISHER_RELERR)
        p[idx] = np.minimum(1.0, np.cumsum(np.where(tie, d, 0.0), axis=1)[:, -1])
        strictly = np.cumsum(np.where(less, d, 0.0), axis=1)[:, -1]
        ties = np.cumsum(np.where(tie & ~less, d, 0.0), axis=1)[:, -1]
        pmid[idx] = np.minimum(1.0, strictly + 0.5 * ties)
    return p, pmid
