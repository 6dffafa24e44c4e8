"""Published effects: crude recomputation from counts, and internal consistency checks.

- :func:`closest_effect` — which crude OR / RR / RD method on the counts comes closest to a
  published effect with its CI (read on the scale it was printed on).
- :func:`ratio_pvalue_from_ci` / :func:`ratio_consistency` — the p-value implied by a ratio's
  (OR, RR, HR) confidence interval on the log scale (Altman & Bland, BMJ 2011;343:d2090 "How to
  obtain the P value from a confidence interval"), over every value the printed numbers could
  have been rounded from, against the printed p-value.
- :func:`landmark_consistency` — two rates at a landmark (e.g. 12-month survival) with their CIs,
  against the printed p-value of their difference.
- :func:`interval_order` — a median (or rate) with its CI: is the estimate inside its interval,
  the interval ordered, "NR" (not reached) where it can be?
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from statistics import NormalDist

import numpy as np

from .. import _checks, proportions
from .._results import Result
from ..printed import format_value, parse_printed
from .counts import distance

EFFECT_SCALES = ("ratio", "proportion", "percentage-points")
_NORMAL = NormalDist()


def rd_scale(estimate, low=None, high=None, declared: str | None = None) -> tuple[str, bool]:
    """(scale, inferred) of a printed risk difference.

    ``declared`` ("proportion" / "percentage-points") wins; otherwise a value with magnitude
    above 1 means percentage points ("38 (23.4-52.8)"), else a proportion, and ``inferred`` is
    True so the caller can say so.
    """
    if declared:
        return _checks.choice(declared, "effect_unit", ("proportion", "percentage-points")), False
    values = [parse_printed(v).value for v in (estimate, low, high) if v is not None]
    return ("percentage-points" if any(abs(v) > 1 for v in values) else "proportion"), True


@dataclasses.dataclass(frozen=True)
class EffectMatch(Result):
    """The crude method closest to a published effect (``distance`` 0: it prints the same)."""

    measure: str
    method: str
    estimate: float
    low: float
    high: float
    distance: float
    scale: str
    #: Methods that refused these counts as too costly (not run, so they could not be compared).
    refused: tuple[str, ...] = ()


#: The candidates of :func:`closest_effect` beyond the library's methods: a ratio's Wald interval
#: without the zero-cell correction, and SAS's pairing of the sample odds ratio with the exact interval.
UNCORRECTED_WALD = "wald without the zero-cell correction"
SAS_PAIRING = "sample OR with exact conditional CI"


def _uncorrected_ratio(a: int, b: int, c: int, d: int, measure: str) -> float:
    """The sample OR ad/bc or RR (a/(a+b))/(c/(c+d)): 0, infinite, or NaN for 0/0."""
    num, den = (a * d, b * c) if measure == "or" else (a * (c + d), c * (a + b))
    if den == 0:
        return math.inf if num > 0 else math.nan
    return num / den


def closest_effect(
    x1,
    n1,
    x2,
    n2,
    measure,
    reported,
    reported_low=None,
    reported_high=None,
    scale: str | None = None,
    level: float = 0.95,
    methods=None,
) -> EffectMatch | None:
    """The crude :func:`~reanalysis.proportions.effect_size` method closest to a printed effect.

    ``scale`` is the printed scale of a risk difference ("proportion" or "percentage-points");
    computed differences are multiplied by 100 before comparing with percentage points.
    ``methods`` restricts the search to some of ``proportions.EFFECT_METHODS[measure]`` (default:
    all; the SAS pairing of an odds ratio comes with "conditional"). None when no method gives an
    interval for these counts. ``refused`` of the result names the methods that refused these counts
    as too costly: a mismatch then does not show that no method gives the printed numbers.
    Methods are tried in order and ties keep the first: once one prints exactly as published, the
    later ones are not run (nor named in ``refused``), as none of them could be reported instead.
    """
    measure = _checks.choice(measure, "measure", tuple(proportions.EFFECT_METHODS))
    if methods is None:
        methods = proportions.EFFECT_METHODS[measure]
    else:
        methods = tuple(methods)
        for m in methods:
            _checks.choice(m, "methods", proportions.EFFECT_METHODS[measure])
    ratio = measure != "rd"  # a ratio may print as NE / Inf (a group with no events); a difference cannot
    pe = parse_printed(reported, allow_nr=ratio)
    pl = parse_printed(reported_low, allow_nr=ratio) if reported_low is not None else None
    ph = parse_printed(reported_high, allow_nr=ratio) if reported_high is not None else None
    factor = 1.0
    if measure == "rd":
        scale = scale or "proportion"
        factor = 100.0 if scale == "percentage-points" else 1.0
    else:
        scale = "ratio"
    dist = (lambda p, x: float(ratio_distance(p, x))) if ratio else (lambda p, x: p.distance(x))

    def rank(est, low, high):
        parts = [dist(pe, factor * est)]
        if pl is not None:
            parts += [dist(pl, factor * low), dist(ph, factor * high)]
        # The largest distance decides; where it is infinite for every method (a printed Inf or NE
        # that no method gives), the numbers that can be compared rank them.
        worst = max(parts)
        return (worst, sum(x for x in parts if math.isfinite(x)) if math.isinf(worst) else 0.0)

    candidates = []
    refused = []
    for method in methods:
        try:
            res = proportions.effect_size(x1, n1, x2, n2, measure=measure, method=method, level=level)
        except ValueError:  # a method refused as too costly for these counts: the others still count
            refused.append(method)
            continue
        candidates.append((method, res.estimate, res.low, res.high))
        if rank(res.estimate, res.low, res.high) == (0.0, 0.0):
            # It prints as published: no later candidate can rank before it (ties keep the first),
            # so the later methods (the exact intervals last, at up to seconds a table) are not run.
            return _best_match(candidates, rank, measure, scale, refused)
    if measure in ("or", "rr") and "wald" in methods:
        # The library's Wald interval adds 0.5 to every cell of a table with an empty cell; most
        # software does not (epitools prints 0 (0-NaN), glm with confint.default 0 (0-Inf), SAS leaves
        # the limits empty): where the empty cell makes the ratio's log variance infinite, the
        # uncorrected ratio is 0, infinite or undefined and its interval runs from 0 to infinity.
        a, b, c, d = x1, n1 - x1, x2, n2 - x2
        if 0 in ((a, b, c, d) if measure == "or" else (a, c)):
            crude = _uncorrected_ratio(a, b, c, d, measure)
            candidates.append((UNCORRECTED_WALD, crude, 0.0, math.inf))
    if measure == "or" and "conditional" in methods and x1 + x2 in (0, n1 + n2):
        # No events (or no non-events) in either group: no odds ratio is estimable (NaN here), but R's
        # fisher.test returns 0 with the CI 0 to Inf, and papers computed with it print that.
        candidates.append(("conditional", 0.0, 0.0, math.inf))
    if measure == "or" and "conditional" in methods and 0 not in (x1, n1 - x1, x2, n2 - x2):
        # SAS PROC FREQ (and papers computed with it) print the sample odds ratio ad/bc with the exact
        # conditional interval: a pairing of two methods that the audit must recognise.
        sample = proportions.effect_size(x1, n1, x2, n2, measure="or", method="wald", level=level)
        try:
            exact = proportions.effect_size(x1, n1, x2, n2, measure="or", method="conditional", level=level)
        except ValueError:  # refused as too costly (tens of millions of patients), as in the loop above
            exact = None
        if exact is not None:
            candidates.append((SAS_PAIRING, sample.estimate, exact.low, exact.high))
    return _best_match(candidates, rank, measure, scale, refused)


def _best_match(candidates, rank, measure, scale, refused) -> EffectMatch | None:
    """The first of the candidates (method, estimate, low, high) with the smallest ``rank``."""
    best, best_key = None, None
    for method, est, low, high in candidates:
        key = rank(est, low, high)
        if best_key is None or key < best_key:
            best_key = key
            best = EffectMatch(measure, method, est, low, high, float(key[0]), scale, tuple(refused))
    return best


@dataclasses.dataclass(frozen=True)
class RatioConsistency(Result):
    """The p-value implied by an effect's CI, against the printed p-value.

    ``p_low``/``p_high``: smallest and largest implied p over every estimate and bound the
    printed numbers could have been rounded from; ``p_central``: from the printed values as
    they stand. ``centred``: the estimate sits at the centre of its CI (geometric centre for a
    ratio, arithmetic for a difference) within rounding, as a Wald interval does.
    ``another_test``: not consistent, but the printed p and the p the CI implies say the same about
    significance at 5% and differ by at most a factor of 5, as a p-value from another test than the
    Wald interval's (Fisher, Yates, log-rank, score, Mantel-Haenszel) does.
    """

    estimate: str
    ci_low: str
    ci_high: str
    reported_p: str
    level: float
    scale: str
    p_central: float
    p_low: float
    p_high: float
    consistent: bool
    estimate_inside: bool
    centred: bool
    explanation: str
    another_test: bool = False


class NoImpliedPError(ValueError):
    """A CI that implies no p-value, though nothing in it is contradictory: the check cannot be made."""


class UnboundedRatioError(NoImpliedPError):
    """A ratio or CI bound printed as 0, infinite, not estimable or as a bound ("<0.001", ">999.999",
    as SAS prints a model that did not converge): no bounded logarithm, no p-value."""

    def __init__(self, printed):
        low, high = printed.bounds()
        what = (
            "is not estimable"
            if printed.not_estimable
            else "is infinite"
            if printed.not_reached
            else "may stand for 0"
            if printed.exact
            else f"may stand for anything {'down to 0' if low <= 0 else 'up to infinity'}"
        )
        super().__init__(
            f"the ratio {printed.text!r} {what}, as a ratio is when a group has no events (or a model did not "
            "converge): its logarithm is unbounded, so the CI implies no p-value"
        )


def _unbounded_ratio(p) -> bool:
    """Whether a printed ratio may be 0 ("0.00" rounds from anything below 0.005; "<0.001") or
    infinite (">999.999", "Inf", "NE")."""
    low, high = p.bounds()
    return p.not_reached or low <= 0 or p.low <= 0 or high == math.inf


def ratio_distance(printed, x):
    """How far a computed ratio (a float, or an array of them) is from printing as ``printed``: "NE"
    (not estimable) is matched by the values a method gives where it estimates nothing (0, infinity,
    NaN) and by no number."""
    if printed.not_estimable:
        return np.where((np.asarray(x) == 0) | np.isinf(x) | np.isnan(x), 0.0, np.inf)
    return printed.distance(x) if np.isscalar(x) else distance(printed, x)


class EstimateOutsideCIError(ValueError):
    """An effect printed outside its own CI: a contradiction whatever the p-value."""

    def __init__(self, estimate: str, low: str, high: str):
        super().__init__(f"the estimate {estimate} lies outside its own CI {low}-{high}")


class NarrowIntervalError(NoImpliedPError):
    """A ratio CI whose bounds are equal on the log scale in double precision: it implies no p-value."""

    def __init__(self, low: str, high: str):
        super().__init__(
            f"the CI {low}-{high} is too narrow to imply a p-value: its bounds are equal on the log scale in "
            "double precision"
        )


def ratio_pvalue_from_ci(estimate: float, low: float, high: float, level: float = 0.95) -> float:
    """Two-sided p of a ratio from its CI: SE = (ln high - ln low) / (2 z), z = ln(est) / SE."""
    for name, v in (("estimate", estimate), ("low", low), ("high", high)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise ValueError(f"{name} must be a positive finite ratio, got {v!r}")
    if not low < high:  # checked here so the message shows the ratios, not their logarithms
        raise ValueError(f"the CI must have low < high, got {low!r}-{high!r}")
    log_low, log_high = math.log(low), math.log(high)
    if not log_low < log_high:  # e.g. 1e300 to 1.000000000000001e300
        raise NarrowIntervalError(repr(low), repr(high))
    return _pvalue_from_ci(math.log(estimate), log_low, log_high, level)


def difference_pvalue_from_ci(estimate: float, low: float, high: float, level: float = 0.95) -> float:
    """Two-sided p of a difference from its CI: SE = (high - low) / (2 z), z = est / SE."""
    for name, v in (("estimate", estimate), ("low", low), ("high", high)):
        if not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise ValueError(f"{name} must be a finite number, got {v!r}")
    return _pvalue_from_ci(estimate, low, high, level)


def _pvalue_from_ci(est, low, high, level):
    if not low < high:
        raise ValueError(f"the CI must have low < high, got {low!r}-{high!r}")
    level = _checks.level(level)
    # Standard-library normal distribution: exact to double precision and ~100x cheaper per call
    # than scipy.stats here, where every rounding corner of every effect is evaluated.
    se = (high - low) / (2 * _NORMAL.inv_cdf(1 - (1 - level) / 2))
    return math.erfc(abs(est) / se / math.sqrt(2))


def ratio_consistency(estimate, ci_low, ci_high, reported_p, level: float = 0.95, *, scale: str = "ratio"):
    """Whether a printed effect, its CI and its p-value agree (Altman & Bland, BMJ 2011).

    Parameters
    ----------
    estimate, ci_low, ci_high : str
        The effect and its CI as printed.
    reported_p : str
        The p-value as printed ("0.03", "<0.001").
    level : float
        Confidence level of the CI in (0, 1).
    scale : {"ratio", "difference"}
        A ratio (OR, RR, HR; the CI is symmetric on the log scale) or a difference (RD, mean
        difference; symmetric on the original scale).

    Notes
    -----
    Every corner of the rounding box of (estimate, low, high) is tried, so a p printed from
    unrounded values is not flagged for rounding in the printed effect. The check assumes a
    Wald-type interval (Cox, logistic and Mantel-Haenszel intervals are); a profile-likelihood,
    score or exact interval, or a p-value from another test (log-rank, Fisher), can differ a
    little, so only a p-value outside the whole range is called inconsistent.

    Raises
    ------
    UnboundedRatioError
        A ratio printed as 0 ("0.00" may stand for 0) or as infinite ("NE", "Inf"), as a table with
        an empty cell gives: it has no logarithm, so its CI implies no p-value (a :class:`NoImpliedPError`).
    NarrowIntervalError
        Bounds equal on the log scale in double precision (also a :class:`NoImpliedPError`).
    EstimateOutsideCIError
        With a ratio that has no bounded logarithm, an estimate printed outside its own CI (with
        bounded ones, the result says so instead).
    ValueError
        A negative ratio, or a CI with its bounds out of order.
    """
    scale = _checks.choice(scale, "scale", ("ratio", "difference"))
    level = _checks.level(level)
    ratio = scale == "ratio"
    pe, pl, ph = (parse_printed(v, allow_nr=ratio) for v in (estimate, ci_low, ci_high))
    pp = parse_printed(reported_p, kind="pvalue")
    if ratio:
        for p in (pe, pl, ph):
            if p.value < 0:
                raise ValueError(f"a ratio and its CI cannot be negative, got {p.text!r}")
        unbounded = next((p for p in (pe, pl, ph) if _unbounded_ratio(p)), None)
        if unbounded is not None:
            # No p-value to compare, but the order of the numbers can still contradict itself.
            order = interval_order(estimate, ci_low, ci_high, ratio=True)
            if not order.ordered:
                raise ValueError(f"the CI must have low < high, got {pl.text}-{ph.text}")
            if not order.estimate_inside:
                raise EstimateOutsideCIError(pe.text, pl.text, ph.text)
            raise UnboundedRatioError(unbounded)
    if not pl.value < ph.value:
        raise ValueError(f"the CI must have low < high, got {pl.text}-{ph.text}")
    if ratio and not math.log(pl.value) < math.log(ph.value):
        raise NarrowIntervalError(pl.text, ph.text)  # the printed bounds, not their floats

    def corners(p):
        return (max(p.low, 1e-300), p.value, p.high) if ratio else (p.low, p.value, p.high)

    box = [
        (e, lo, hi)
        for e, lo, hi in itertools.product(corners(pe), corners(pl), corners(ph))
        if (math.log(lo) < math.log(hi) if ratio else lo < hi)
    ]
    implied = ratio_pvalue_from_ci if ratio else difference_pvalue_from_ci
    ps = [implied(e, lo, hi, level) for e, lo, hi in box]
    p_central = implied(pe.value, pl.value, ph.value, level)
    p_low, p_high = min(ps), max(ps)
    lo_p, hi_p = pp.bounds()
    consistent = not (hi_p < p_low * (1 - 1e-9) or lo_p > p_high * (1 + 1e-9))
    inside = pl.low <= pe.high and pe.low <= ph.high

    def offset(e, lo, hi):
        return math.log(e) - (math.log(lo) + math.log(hi)) / 2 if ratio else e - (lo + hi) / 2

    offsets = [offset(e, lo, hi) for e, lo, hi in box]
    centred = min(offsets) <= 0 <= max(offsets)
    pct = f"{level * 100:g}%"
    text = (
        f"{pct} CI {pl.text} to {ph.text} implies p = {_fmt_p(p_central)} (range {_fmt_p(p_low)} to {_fmt_p(p_high)} "
        f"over the rounding of the printed numbers); {printed_p(pp.text)}"
    )
    another_test = False
    if not inside:
        text += "; the estimate lies outside its own CI"
    elif not consistent:
        same = (p_high < 0.05) == (lo_p < 0.05) and (p_low < 0.05) == (hi_p < 0.05 or hi_p <= 0.05)
        # How far apart: a log-rank or score p differs from the Wald p by a small factor, not tenfold.
        gap = max(p_central / max(hi_p, 1e-300), lo_p / max(p_central, 1e-300))
        levels = [
            alt
            for alt in OTHER_CI_LEVELS
            if abs(alt - level) > 1e-9
            and not _outside(lo_p, hi_p, [implied(e, lo, hi, alt) for e, lo, hi in box])
        ]
        factor = (
            "more than a thousandfold"
            if gap > 1000
            else (f"a factor of about {gap:.0f}" if gap >= 10 else f"a factor of about {gap:.1f}")
        )
        level_hint = ""
        if levels:
            wider = " or wider" if pp.comparator in ("<", "<=") and len(levels) > 1 else ""
            shown = f"{100 * levels[0]:g}%{wider}" if wider else " or ".join(f"{100 * a:g}%" for a in levels)
            level_hint = (
                f"the printed p fits the interval if it is a {shown} CI (trials with interim analyses often "
                "print such levels): check the level the paper states"
            )
        another_test = same and gap <= 5
        if another_test:
            text += (
                "; both say the same about significance at 5%, so the gap may come from a different test for the "
                "p-value (log-rank, score or Mantel-Haenszel) than the Wald CI"
            )
        elif same and level_hint:
            text += f"; {level_hint}"
        elif same:
            text += (
                f"; they differ by {factor}, more than a different test (log-rank, score) explains, and no "
                "usual CI level reconciles them, though both say the same about significance at 5%: a typo, or "
                "a p-value from another analysis"
            )
        elif gap <= 2:
            text += (
                f"; they fall on either side of 5%, though only {factor} apart: a different test for the p-value "
                "(log-rank, score) can do that near the threshold"
                + (f"; or {level_hint}" if level_hint else "")
            )
        else:
            text += "; the p-value and the CI disagree about significance at 5% (a gross inconsistency)" + (
                f"; {level_hint}" if level_hint else ""
            )
    elif not centred:
        where = "on the log scale " if ratio else ""
        text += f"; the estimate is not at the centre of its CI {where}(not a Wald-type interval?)"
    return RatioConsistency(
        pe.text,
        pl.text,
        ph.text,
        pp.text,
        level,
        scale,
        p_central,
        p_low,
        p_high,
        bool(consistent and inside),
        bool(inside),
        bool(centred),
        text + ".",
        bool(another_test),
    )


#: CI levels tried when a printed CI and p disagree at the stated level (interim-analysis and
#: multiplicity-adjusted levels are printed by many trials).
OTHER_CI_LEVELS = (0.90, 0.95, 0.975, 0.98, 0.99, 0.995, 0.999)


def _outside(lo_p, hi_p, ps) -> bool:
    return hi_p < min(ps) * (1 - 1e-9) or lo_p > max(ps) * (1 + 1e-9)


#: The scales of a survival rate S in (0, 1), as (transform, its derivative in S): a Kaplan-Meier
#: rate's CI is symmetric on one of them (R's survfit, conf.type: "plain", "log" (its default),
#: "log-log" (SAS's and lifelines' default), "logit", "arcsin"), and Klein, Logan, Harhoff &
#: Andersen (Stat Med 2007;26:4505-19) compare the z tests of two rates on the same five.
_RATE_SCALES = {
    "plain": (lambda s: s, lambda s: np.ones_like(s)),
    "log": (np.log, lambda s: 1.0 / s),
    "log-log": (lambda s: np.log(-np.log(s)), lambda s: 1.0 / (s * np.log(s))),
    "logit": (lambda s: np.log(s / (1.0 - s)), lambda s: 1.0 / (s * (1.0 - s))),
    "arcsine": (lambda s: np.arcsin(np.sqrt(s)), lambda s: 0.5 / np.sqrt(s * (1.0 - s))),
}


@dataclasses.dataclass(frozen=True)
class LandmarkConsistency(Result):
    """The p-value two landmark rates (e.g. 12-month survival) and their CIs imply, against the
    printed p-value.

    ``p_central`` is the z test on the scale of the CIs, from the printed values as they stand;
    ``p_low``/``p_high`` span the tests on the five scales of Klein et al. (2007), with each
    standard error read off its CI on every scale both CIs could be symmetric on (``ci_scales``;
    empty when there is none, and every scale is tried), over every value the printed numbers
    could have been rounded from. The span is wide: the check catches gross errors (a p from
    another comparison, a slipped digit), not small ones."""

    rates: tuple[str, str]
    cis: tuple[tuple[str, str], tuple[str, str]]
    reported_p: str
    level: float
    p_central: float
    p_low: float
    p_high: float
    consistent: bool
    explanation: str
    ci_scales: tuple[str, ...] = ()


def _box(printed, scale: float) -> np.ndarray:
    """Every corner of the rounding box of the printed numbers (rows), on the proportion scale."""
    return np.array(list(itertools.product(*((p.low, p.value, p.high) for p in printed)))) / scale


def _symmetric_on(name: str, est, low, high) -> bool:
    """Whether a CI (low, high) can be symmetric about ``est`` on the scale ``name`` within the
    rounding of the three: g(high) + g(low) - 2 g(est) is monotone in each, so it takes the value 0
    in the box when its corners have both signs."""
    g = _RATE_SCALES[name][0]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = g(high) + g(low) - 2 * g(est)
    f = f[np.isfinite(f)]
    tol = 1e-12
    return f.size > 0 and f.min() <= tol and f.max() >= -tol


def _landmark_p(box: np.ndarray, ci_scales, test_scales, z: float) -> np.ndarray:
    """Two-sided p of the z tests on ``test_scales`` at the rows of ``box`` (rate, low, high of each
    arm), each standard error read off its CI on each of ``ci_scales`` and carried over to the test's
    scale by the delta method; the finite ones, flattened."""
    from scipy import special

    scales = {*ci_scales, *test_scales}
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        g = {name: _RATE_SCALES[name][0](box) for name in scales}
        dg = {name: _RATE_SCALES[name][1](box[:, [0, 3]]) for name in scales}
        stats = []
        for c in ci_scales:
            se = np.abs(g[c][:, [2, 5]] - g[c][:, [1, 4]]) / (2 * z)
            for t in test_scales:
                sd = np.sqrt(((dg[t] / dg[c] * se) ** 2).sum(axis=1))
                stats.append((g[t][:, 0] - g[t][:, 3]) / sd)
        p = special.erfc(np.abs(np.concatenate(stats)) / math.sqrt(2))
    return p[np.isfinite(p)]


def landmark_consistency(
    rate_a, ci_a, rate_b, ci_b, reported_p, level: float = 0.95, *, scale: str | None = None
) -> LandmarkConsistency:
    """Whether two printed rates at a landmark, their CIs and the p-value of their difference agree.

    Parameters
    ----------
    rate_a, rate_b : str
        The rates as printed (e.g. 12-month survival "35").
    ci_a, ci_b : tuple of str
        Their CIs as printed (low, high).
    reported_p : str
        The p-value of the difference as printed ("0.008", "<0.001").
    level : float
        Confidence level of the CIs in (0, 1).
    scale : {"percent", "proportion"}, optional
        The scale the rates and CIs are printed on. Required when all six printed values are at most
        1 (0.90 could be 90% or 0.9%); otherwise percent.

    Notes
    -----
    The z test of a difference of two independent Kaplan-Meier rates, each with its Greenwood
    standard error (Klein, Logan, Harhoff & Andersen, Stat Med 2007;26:4505-19), each standard
    error read off its CI as (g(high) - g(low)) / (2 z) on the scale g the CI is symmetric on
    (Altman & Bland, BMJ 2011). Papers rarely say on which scale their CIs were computed (R's
    survfit uses log, SAS and lifelines log-log) or which test gave the p: every scale on which
    both CIs are symmetric within rounding is taken (all five when none is), the test is made on
    each of the five scales Klein et al. compare (plain, log, log-log, logit, arcsine), at every
    corner of the rounding box of the six printed numbers, and only a p-value outside the whole
    range is called inconsistent.
    """
    level = _checks.level(level)
    printed = [parse_printed(v) for v in (rate_a, *ci_a, rate_b, *ci_b)]
    if scale is None:
        # a silent guess would misread 0.90 (90%) as 0.9% (statistical reviewer)
        if all(abs(p.value) <= 1 for p in printed if math.isfinite(p.value)):
            raise ValueError(
                "scale: the rates and CIs are all at most 1; say whether they are proportions or percentages "
                "(scale='proportion' or scale='percent')"
            )
        scale = "percent"
    scale = _checks.choice(scale, "scale", ("percent", "proportion"))
    top = 100.0 if scale == "percent" else 1.0
    pp = parse_printed(reported_p, kind="pvalue")
    names = ("rate_a", "ci_a low", "ci_a high", "rate_b", "ci_b low", "ci_b high")
    for p, name in zip(printed, names, strict=True):
        if not math.isfinite(p.value):
            raise NoImpliedPError(f"{name} ({p.text}) is not a number")
        if not 0 <= p.value <= top:
            raise ValueError(f"{name} ({p.text}) is not a rate on the {scale} scale (0 to {top:g})")
    (ra, la, ha, rb, lb, hb) = printed
    for lo, hi in ((la, ha), (lb, hb)):
        if not lo.value < hi.value:
            raise ValueError(f"a CI must have low < high, got {lo.text}-{hi.text}")
    z = _NORMAL.inv_cdf(1 - (1 - level) / 2)
    box = np.clip(_box(printed, top), 0.0, 1.0)
    box = box[(box[:, 1] < box[:, 2]) & (box[:, 4] < box[:, 5])]
    symmetric = tuple(
        name for name in _RATE_SCALES if all(_symmetric_on(name, *box[:, k : k + 3].T) for k in (0, 3))
    )
    ci_scales = symmetric or tuple(_RATE_SCALES)
    as_printed = np.array([[p.value for p in printed]]) / top
    central = _landmark_p(as_printed, ci_scales[:1], ci_scales[:1], z)
    ps = _landmark_p(box, ci_scales, tuple(_RATE_SCALES), z)
    if not ps.size or not central.size:
        raise NoImpliedPError("the rates and CIs imply no standard error on any scale")
    p_central, p_low, p_high = float(central[0]), float(ps.min()), float(ps.max())
    lo_p, hi_p = pp.bounds()
    consistent = not _outside(lo_p, hi_p, [p_low, p_high])
    pct = f"{level * 100:g}%"
    unit = "%" if scale == "percent" else ""
    text = (
        f"a check for gross errors only: {ra.text}{unit} ({la.text}-{ha.text}{unit}) vs {rb.text}{unit} "
        f"({lb.text}-{hb.text}{unit}), each standard error read off its {pct} CI; the usual tests of two "
        f"survival rates (z tests on the five scales of Klein et al. 2007), over every value the printed "
        f"numbers could have been rounded from, give p = {_fmt_p(p_low)} to {_fmt_p(p_high)} (the z test on the "
        f"{ci_scales[0]} scale at the printed values, {_fmt_p(p_central)}); {printed_p(pp.text)}"
    )
    text = text[0].upper() + text[1:]
    text += ", outside that range" if not consistent else ", inside it"
    return LandmarkConsistency(
        (ra.text, rb.text),
        ((la.text, ha.text), (lb.text, hb.text)),
        pp.text,
        level,
        p_central,
        p_low,
        p_high,
        consistent,
        text + ".",
        symmetric,
    )


def printed_p(text: str) -> str:
    """'printed p = 0.008', 'printed p < 0.001': a printed p-value in a sentence (statistical reviewer:
    "printed p 0.008" read as a typo)."""
    body = spaced_p(text)
    return f"printed p {body}" if body[:1] in "<>≤≥" else f"printed p = {body}"


def spaced_p(text: str) -> str:
    """'<0.001' (or 'p<0.001', 'P = .03') as a sentence prints it after "p": '< 0.001', '.03'."""
    text = re.sub(r"^[pP]\s*(?==|<|>|≤|≥)", "", text.strip()).lstrip("=").strip()
    return f"{text[0]} {text[1:].strip()}" if text[:1] in "<>≤≥" else text


def _fmt_p(p: float) -> str:
    if p < 1e-4:
        return format_value(p)
    return f"{p:.4f}".rstrip("0").rstrip(".") if p < 0.1 else f"{p:.3f}"


@dataclasses.dataclass(frozen=True)
class IntervalOrder(Result):
    """A printed estimate with its CI: ordered, estimate inside, NR where allowed."""

    estimate: str
    ci_low: str
    ci_high: str
    ordered: bool
    estimate_inside: bool
    explanation: str

    @property
    def consistent(self) -> bool:
        return self.ordered and self.estimate_inside


def interval_order(estimate, ci_low, ci_high, *, kind: str = "number", ratio: bool = False) -> IntervalOrder:
    """Check that ``ci_low <= estimate <= ci_high`` as printed (NR = not reached = +infinity).

    A median that is not reached cannot have a finite upper bound; a reached median can have an
    NR upper bound (the curve does not fall below the bound's level before follow-up ends).
    ``ratio``: the numbers are an effect's ratio and CI, where "NE" (not estimable) is no number
    at all (0, infinity or undefined), so it is not placed.
    """
    pe = parse_printed(estimate, kind=kind, allow_nr=True)
    pl = parse_printed(ci_low, kind=kind, allow_nr=True)
    ph = parse_printed(ci_high, kind=kind, allow_nr=True)

    def lo(p):
        return (0.0 if ratio and p.not_estimable else math.inf) if p.not_reached else p.low

    def hi(p):
        return math.inf if p.not_reached else p.high

    ordered = lo(pl) <= hi(ph)
    inside = lo(pl) <= hi(pe) and lo(pe) <= hi(ph)
    problems = []
    if not ordered:
        problems.append(f"the lower bound {pl.text} is above the upper bound {ph.text}")
    elif not inside:
        problems.append(f"the estimate {pe.text} lies outside its CI {pl.text}-{ph.text}")
    if pl.not_reached and not pe.not_reached and not (ratio and pl.not_estimable):
        problems.append("a lower bound cannot be 'not reached' when the estimate is reached")
        ordered = False
    text = (
        "; ".join(problems)
        if problems
        else f"{pe.text} lies within {pl.text}-{ph.text}"
        + (
            " (NE, not estimable, is not placed)"
            if ratio and any(p.not_estimable for p in (pe, pl, ph))
            else " (NR read as not reached)"
            if pe.not_reached or ph.not_reached
            else ""
        )
    )
    return IntervalOrder(
        pe.text, pl.text, ph.text, bool(ordered), bool(inside), text[0].upper() + text[1:] + "."
    )


def ci_centred(estimate, ci_low, ci_high, *, scale: str = "ratio") -> tuple[bool, bool | None]:
    """(estimate inside its CI, estimate at the CI's centre within rounding) for a printed effect.

    The centre is geometric for a ratio, arithmetic for a difference (as a Wald interval has it);
    an off-centre interval is not an error (profile-likelihood and exact intervals are not centred)
    but says the interval is not of the Wald type. The centre is None (not judged) for a ratio with
    a value printed as 0 or infinite (NE, Inf: a group with no events), which has no logarithm.
    """
    scale = _checks.choice(scale, "scale", ("ratio", "difference"))
    ratio = scale == "ratio"
    pe, pl, ph = (parse_printed(v, allow_nr=ratio) for v in (estimate, ci_low, ci_high))
    if ratio and min(pe.value, pl.value, ph.value) < 0:
        raise ValueError("a ratio and its CI cannot be negative")

    def low(p):  # "NE" is no number: it may be anything from 0 to infinity
        return 0.0 if ratio and p.not_estimable else p.low

    inside = low(pl) <= pe.high and low(pe) <= ph.high
    if ratio and any(_unbounded_ratio(p) for p in (pe, pl, ph)):
        return bool(inside), None

    def corners(p):
        return (max(p.low, 1e-300), p.value, p.high) if ratio else (p.low, p.value, p.high)

    offsets = [
        (math.log(e) - (math.log(lo) + math.log(hi)) / 2) if ratio else e - (lo + hi) / 2
        for e, lo, hi in itertools.product(corners(pe), corners(pl), corners(ph))
        if lo < hi
    ]
    centred = bool(offsets) and min(offsets) <= 0 <= max(offsets)
    return bool(inside), bool(centred)
