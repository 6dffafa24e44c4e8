"""Which confidence-interval method gives a printed interval for a proportion.

The printed bounds are read on the scale the data declare (``scale="percent"``, the default, or
``"proportion"``), never guessed from their magnitude: "0.00-0.56" may be a percent interval
for 1/1000 (Clopper-Pearson 0.003%-0.56%) or a proportion interval, and only the source can say.
"""

from __future__ import annotations

import math

from .. import _checks, proportions
from ..printed import parse_printed

SCALES = ("percent", "proportion")


def _scale_factor(scale: str, *printed) -> float:
    scale = _checks.choice(scale, "scale", SCALES)
    if scale == "proportion" and any(p.text.rstrip().endswith("%") for p in printed):
        raise ValueError(
            f"bounds {printed[0].text!r}-{printed[-1].text!r} carry a % sign but scale='proportion'; "
            "use scale='percent'"
        )
    return 100.0 if scale == "percent" else 1.0


def _bounds(reported_low, reported_high):
    low, high = parse_printed(reported_low), parse_printed(reported_high)
    if low.value > high.value:
        raise ValueError(
            f"the printed interval {low.text}-{high.text} has its lower bound above its upper bound "
            "(swapped bounds?)"
        )
    return low, high


def _real(value, name: str) -> float:
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def ci_consistent(reported_low, reported_high, low: float, high: float, scale: str = "percent") -> bool:
    """Whether computed bounds (proportions) print as the published ones.

    ``scale`` is the scale the published bounds are printed on: "percent" (28.7-55.9) or
    "proportion" (0.287-0.559).
    """
    pl, ph = _bounds(reported_low, reported_high)
    f = _scale_factor(scale, pl, ph)
    low, high = _real(low, "low"), _real(high, "high")
    return pl.contains(f * low) and ph.contains(f * high)


def _candidates(count, nobs, level):
    """(method, low, high) for every CI method, plus unclipped Wald and t bounds.

    Some papers print normal-approximation bounds unclipped (e.g. "94 [84-103]"), so the
    unclipped Wald and t-interval bounds are candidates too.
    """
    for method in proportions.CI_METHODS:
        res = proportions.proportion_ci(count, nobs, method=method, level=level)
        yield method, res.low, res.high
    from scipy import stats

    p = count / nobs
    half = stats.norm.isf((1 - level) / 2) * math.sqrt(p * (1 - p) / nobs)
    yield "wald", p - half, p + half
    yield ("wald-t", *proportions._wald_t(count, nobs, level, clip=False))


def identify_ci_method(
    count, nobs, reported_low, reported_high, level: float = 0.95, scale: str = "percent"
) -> list[str]:
    """The :data:`~reanalysis.proportions.CI_METHODS` whose bounds print as the published ones.

    Parameters
    ----------
    count, nobs : int
        Responders and patients.
    reported_low, reported_high : str
        Published bounds as printed.
    level : float
        Confidence level in (0, 1) (0.95 for a 95% CI).
    scale : {"percent", "proportion"}
        Scale of the printed bounds.

    Returns
    -------
    list of str
        Matching methods in :data:`~reanalysis.proportions.CI_METHODS` order (empty: none).
    """
    x, n = _checks.count_and_total(count, nobs)
    level = _checks.level(level)
    pl, ph = _bounds(reported_low, reported_high)
    f = _scale_factor(scale, pl, ph)
    found = []
    for method, low, high in _candidates(x, n, level):
        if pl.contains(f * low) and ph.contains(f * high) and method not in found:
            found.append(method)
    return found


def closest_ci_method(
    count, nobs, reported_low, reported_high, level: float = 0.95, scale: str = "percent"
) -> tuple[str, float, float, float]:
    """The method whose bounds come closest to the printed ones: (method, low, high, distance).

    ``distance`` is on the printed scale (percentage points for ``scale="percent"``).
    """
    x, n = _checks.count_and_total(count, nobs)
    level = _checks.level(level)
    pl, ph = _bounds(reported_low, reported_high)
    f = _scale_factor(scale, pl, ph)
    best = None
    for method, low, high in _candidates(x, n, level):
        d = max(pl.distance(f * low), ph.distance(f * high))
        if best is None or d < best[3]:
            best = (method, low, high, d)
    return best


def unrounded_levels(printed_level: float) -> list[tuple[float, str]]:
    """Confidence levels a rounded printed level may stand for, e.g. 98.3% -> 1 - 0.05/3.

    Multiplicity-adjusted intervals are printed with a rounded level (98.3% for a Bonferroni
    split of 5% over 3 comparisons). Returns (level, description) for every 1 - alpha/k
    (alpha in 0.05, 0.10, 0.01, 0.025; k = 2..20) whose percentage prints as ``printed_level``
    (in percent), excluding the printed value itself.
    """
    from ..printed import parse_printed

    printed = parse_printed(repr(float(printed_level)), kind="percent")
    found = []
    for alpha in (0.05, 0.10, 0.01, 0.025):
        for k in range(2, 21):
            level = 1 - alpha / k
            if printed.contains(100 * level) and abs(100 * level - printed.value) > 1e-9:
                found.append(
                    (level, f"1 - {alpha:g}/{k} (a {alpha:g} error rate split over {k} comparisons)")
                )
    return found
