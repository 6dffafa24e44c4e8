"""Which counts fit a printed percentage (a GRIM-type check for proportions).

Brown & Heathers, Soc Psychol Personal Sci 2017 (GRIM); for percentages of a binary outcome the
question is which ``count / n`` print as the published percentage for a known n or an n range.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import _checks
from ..printed import _EPS, parse_printed

#: Largest number of candidate denominators in an ``n_range``: every one yields at least one
#: candidate count for most percentages, so a wider range would exceed :data:`MAX_CANDIDATES` anyway.
MAX_DENOMINATORS = 2_000_000

#: Largest number of (count, n) candidates :func:`consistent_counts` will list; beyond it the
#: question is too vague to answer usefully (narrow the n range instead).
MAX_CANDIDATES = 2_000_000


def n_values(n=None, n_range=None, *, name: str = "n") -> np.ndarray:
    """Candidate denominators from ``n`` or ``n_range``, as a sorted int array.

    One documented meaning for each form:

    - ``n``: one whole number (``64``), or a collection of candidate denominators
      (``[60, 64]``, ``range(55, 68)``, a numpy array): each value is one candidate;
    - ``n_range``: ``(low, high)``, both ends included; any two-element sequence (tuple, list,
      array) of whole numbers.

    Strings, booleans, non-whole numbers (3.7), NaN and values below 1 raise ValueError.
    """
    if n is not None and n_range is not None:
        raise ValueError("give n or n_range, not both")
    if n is None and n_range is None:
        raise ValueError("n or n_range is required (e.g. n=64 or n_range=(55, 67))")
    if n_range is not None:
        if isinstance(n_range, (str, bytes)) or not isinstance(n_range, Iterable):
            raise ValueError(f"n_range must be (low, high) with whole numbers, got {n_range!r}")
        bounds = list(n_range)
        if len(bounds) != 2:
            raise ValueError(f"n_range must be (low, high) with two whole numbers, got {n_range!r}")
        low = _checks.count(bounds[0], "n_range low")
        high = _checks.count(bounds[1], "n_range high")
        if low < 1 or high < low:
            raise ValueError(f"n_range must satisfy 1 <= low <= high, got {n_range!r}")
        _checks.affordable(
            f"n_range {low}-{high}",
            high - low + 1,
            MAX_DENOMINATORS,
            nbytes=8.0 * (high - low + 1) * 6,
            seconds=(high - low + 1) * 1e-7,
            instead=f"give a range of at most {MAX_DENOMINATORS:,} denominators (the plausible sample sizes)",
        )
        return np.arange(low, high + 1, dtype=np.int64)
    if isinstance(n, numbers.Number) or isinstance(n, (str, bytes)) or n is None:
        values = [_checks.count(n, name)]
    elif isinstance(n, Iterable):
        values = [_checks.count(v, f"{name} value") for v in n]
    else:
        raise ValueError(f"{name} must be a whole number or a collection of whole numbers, got {n!r}")
    if not values:
        raise ValueError(f"{name} must contain at least one denominator")
    if min(values) < 1:
        raise ValueError(f"{name} must be at least 1, got {min(values)}")
    return np.unique(np.asarray(values, dtype=np.int64))


def count_candidates(
    percent, n=None, n_range=None, *, truncated: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Arrays (count, n) of every count/n that prints as ``percent`` (sorted by n, then count)."""
    printed = parse_printed(percent, kind="percent")
    truncated = _checks.flag(truncated, "truncated")
    ns = n_values(n, n_range)
    lo, hi = printed.bounds(truncated=truncated)
    slack = _EPS * printed.step if printed.exact else 0.0
    # Counts k with lo <= 100 k / n <= hi (then filtered exactly by Printed.contains).
    k_lo = np.maximum(0, np.ceil((lo - slack) * ns / 100 - 1e-9)).astype(np.int64)
    k_hi = np.minimum(ns, np.floor((hi + slack) * ns / 100 + 1e-9)).astype(np.int64)
    sizes = np.maximum(0, k_hi - k_lo + 1)
    total = int(sizes.sum())
    if total > MAX_CANDIDATES:
        raise ValueError(
            f"{total:,} candidate counts fit {printed.text}% for n in {ns[0]}-{ns[-1]} (limit "
            f"{MAX_CANDIDATES:,}): narrow the n range"
        )
    nn = np.repeat(ns, sizes)
    starts = np.repeat(k_lo - np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    kk = starts + np.arange(total, dtype=np.int64)
    pct = 100.0 * kk / np.maximum(nn, 1)
    keep = contains(printed, pct, truncated=truncated)
    return kk[keep], nn[keep]


def denominators_for(count, percent, *, n_max=None, truncated: bool = False) -> np.ndarray:
    """Every denominator n (count <= n <= ``n_max``) for which ``count / n`` prints as ``percent``.

    For a count published without its denominator: "168 (42%)" fits n = 396-404 only. An empty
    array means no denominator gives the printed percentage (a GRIM-type inconsistency; Brown &
    Heathers 2017).

    Parameters
    ----------
    count : int
        The published count.
    percent : str
        The printed percentage ("42", "41.8%").
    n_max : int, optional
        Largest possible denominator (the arm's size). Required when the count is 0, where every
        n prints as 0%.
    truncated : bool
        Read the percentage as truncated rather than rounded.
    """
    count = _checks.count(count, "count")
    if not isinstance(percent, str):
        # 42.0 would be read as "42.0" (a tenth of a percent), not as the printed "42"
        raise ValueError(f"percent is the percentage as printed, as text (e.g. '42'), got {percent!r}")
    printed = parse_printed(percent, kind="percent")
    truncated = _checks.flag(truncated, "truncated")
    if n_max is not None:
        n_max = _checks.count(n_max, "n_max")
        if n_max < 1:
            raise ValueError(f"n_max must be at least 1, got {n_max}")
    lo, hi = printed.bounds(truncated=truncated)
    slack = _EPS * printed.step if printed.exact else 0.0
    n_lo = max(count, 1)
    if count > 0 and hi + slack < math.inf:
        n_lo = max(n_lo, math.floor(100 * count / (hi + slack)) - 1)
    if count > 0 and lo - slack > 0:
        n_hi = math.ceil(100 * count / (lo - slack)) + 1
        n_hi = n_hi if n_max is None else min(n_hi, n_max)
    elif n_max is None:
        window = np.arange(n_lo, n_lo + 10_000, dtype=np.int64)
        fits = window[contains(printed, 100.0 * count / window, truncated=truncated)]
        start = (
            f"every n from {fits[0]} up"
            if fits.size
            else f"no n from {n_lo} to {window[-1]} but maybe larger ones"
        )
        raise ValueError(f"count {count} with {printed.text}% fits {start}: give n_max (the arm's size)")
    else:
        n_hi = n_max
    if n_hi < n_lo:
        return np.empty(0, dtype=np.int64)
    if n_hi - n_lo + 1 > MAX_DENOMINATORS:
        raise ValueError(
            f"count {count} with {printed.text}% fits denominators anywhere from {n_lo:,} to {n_hi:,}, too many to "
            f"search (limit {MAX_DENOMINATORS:,})"
        )
    ns = n_values(n_range=(n_lo, n_hi))
    return ns[contains(printed, 100.0 * count / ns, truncated=truncated)]


def fitting_denominators(count: int, percent: str, n_max=None) -> tuple[np.ndarray | None, bool, str]:
    """The audit's reading of a count printed without its denominator: (denominators, truncated, why).

    :func:`denominators_for` with the percentage rounded, then truncated if no n fits rounded
    (``truncated`` says which). The denominators are None, with ``why``, when they cannot be listed
    (any n would do, or too many); an empty array when none fits either way.
    """
    ns = np.empty(0, dtype=np.int64)
    for truncated in (False, True):
        try:
            ns = denominators_for(count, percent, n_max=n_max or None, truncated=truncated)
        except ValueError as err:
            return None, False, str(err)
        if ns.size:
            return ns, truncated, ""
    return ns, False, ""


def contains(printed, values, *, truncated: bool = False) -> np.ndarray:
    """Vectorised :meth:`Printed.contains` over an array of values."""
    x = np.asarray(values, dtype=float)
    if printed.not_reached:
        return np.isposinf(x)
    eps = _EPS * printed.step
    cmp = printed.comparator
    with np.errstate(invalid="ignore"):
        if cmp == "<":
            out = x < printed.value
        elif cmp == "<=":
            out = x < printed.value + eps
        elif cmp == ">":
            out = x > printed.value
        elif cmp == ">=":
            out = x > printed.value - eps
        elif truncated:
            if not printed._negative:
                out = (printed.value - eps <= x) & (x < printed.value + printed.step - eps)
            else:
                out = (printed.value - printed.step + eps < x) & (x <= printed.value + eps)
        else:
            out = (printed.low - eps <= x) & (x <= printed.high + eps)
    return out & ~np.isnan(x)


def distance(printed, values) -> np.ndarray:
    """Vectorised :meth:`Printed.distance`."""
    x = np.asarray(values, dtype=float)
    inside = contains(printed, x)
    if printed.not_reached:
        return np.where(inside, 0.0, np.inf)
    if printed.comparator != "=":
        d = np.abs(x - printed.value)
    else:
        d = np.minimum(np.abs(x - printed.low), np.abs(x - printed.high))
    return np.where(inside, 0.0, np.where(np.isnan(x), np.inf, d))


def consistent_counts(percent, n=None, n_range=None, *, truncated: bool = False) -> pd.DataFrame:
    """Every ``count/n`` whose percentage prints as ``percent``.

    Parameters
    ----------
    percent : str
        The printed percentage ("65.6", "41.8%", "<5", ">95"); its decimals set the rounding
        interval; "<" / ">" bounds include every count below / above.
    n : int or collection of int
        One denominator or an explicit collection of candidates (see :func:`n_values`).
    n_range : (low, high)
        Candidate denominators ``low..high`` (both ends included).
    truncated : bool
        Accept truncation (65.67 printed as 65.6) instead of rounding.

    Returns
    -------
    DataFrame with columns ``count``, ``n``, ``exact_percent``, sorted by n then count. An empty
    frame (typed columns) means no count fits.

    Raises
    ------
    ValueError
        An unreadable percentage, one outside 0-100, a bad n, or more than
        :data:`MAX_CANDIDATES` candidates.
    """
    k, nn = count_candidates(percent, n, n_range, truncated=truncated)
    return pd.DataFrame(
        {
            "count": pd.Series(k, dtype="int64"),
            "n": pd.Series(nn, dtype="int64"),
            "exact_percent": pd.Series(100.0 * k / np.maximum(nn, 1), dtype="float64"),
        }
    )


def percent_decimals(printed) -> int:
    """Decimals of a printed percentage (for printing a recomputed one the same way)."""
    return max(0, -int(math.floor(math.log10(printed.step) + 1e-9)))
