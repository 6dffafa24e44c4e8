"""Fragility index and reverse fragility index of a two-group binary comparison.

Fragility index (Walsh et al., J Clin Epidemiol 2014;67:622): for a significant result, the
minimum number of patients in the group with fewer events whose outcome would have to change
from non-event to event for the two-sided p-value to reach ``alpha`` or more.

Reverse fragility index (Khan et al., JAMA Netw Open 2020;3:e2016494): for a non-significant
result, the minimum number of outcome changes that makes it significant. Here both directions
are searched in each group (events added to one group or removed from it) and the smallest
count is reported; the modified table says which change achieved it.

Fragility quotient = index / total sample size (Ahmed et al., 2016). Any test of
:func:`reanalysis.proportions.compare_proportions` can be used (Walsh used Fisher's).

Search. Along each path (one group's events changed one at a time) the p-value rises while the
two proportions approach each other and falls once they have crossed. Paths of at most
:data:`LINEAR_STEPS` steps are scanned one step at a time (exact). Longer paths (large trials,
where the index can run into thousands) are searched on their monotone stretch by doubling steps
and bisection, then the :data:`LOCAL_CHECK` steps below the crossing found are scanned, because
exact tests' p-values wobble by small amounts from one table to the next; the number of p-values
computed grows with the logarithm of the index instead of the index.
"""

from __future__ import annotations

import dataclasses
import math

from . import _checks
from ._results import Result
from .proportions import TEST_METHODS, compare_proportions

#: Paths up to this many steps are scanned step by step.
LINEAR_STEPS = 64
#: Steps below a crossing found by bisection that are re-checked one by one.
LOCAL_CHECK = 16


@dataclasses.dataclass(frozen=True)
class FragilityResult(Result):
    count1: int
    nobs1: int
    count2: int
    nobs2: int
    method: str
    alpha: float
    pvalue: float
    significant: bool
    kind: str  # "fragility" or "reverse fragility"
    index: float  # NaN when no modification crosses alpha
    quotient: float
    modified_count1: int
    modified_count2: int
    modified_pvalue: float
    note: str = ""
    evaluations: int = 0  # p-values computed by the search


def _first_step(hit, limit, start=1, linear=None):
    """Smallest s in [start, limit] with hit(s), assuming hit is monotone there (with a local re-check).

    Returns None when none is found. Ranges of fewer than LINEAR_STEPS steps (or any range when
    ``linear`` is True) are scanned one by one.
    """
    if start > limit:
        return None
    if linear or (linear is None and limit - start < LINEAR_STEPS):
        return next((s for s in range(start, limit + 1) if hit(s)), None)
    # Doubling steps from start, then bisection between the last miss and the first hit.
    lo, step = start - 1, 1
    hi = None
    while True:
        s = min(limit, start - 1 + step)
        if hit(s):
            hi = s
            break
        lo = s
        if s == limit:
            return None
        step *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if hit(mid):
            hi = mid
        else:
            lo = mid
    for s in range(max(start, hi - LOCAL_CHECK), hi):
        if hit(s):
            return s
    return hi


def _crossing(x_moving, n_moving, x_other, n_other, direction):
    """First step at which the moving group's proportion reaches the other's (None if it moves away)."""
    gap = x_other / n_other - x_moving / n_moving
    if gap == 0 or (gap > 0) != (direction > 0):
        return None
    return max(1, math.ceil(abs(gap) * n_moving - 1e-9))


def fragility_index(
    count1, nobs1, count2, nobs2, alpha: float = 0.05, method: str = "fisher"
) -> FragilityResult:
    """Fragility index (significant result) or reverse fragility index (non-significant one).

    Parameters
    ----------
    count1, nobs1, count2, nobs2 : int
        Events and patients per group (0 <= count <= nobs, nobs >= 1).
    alpha : float
        Two-sided significance level.
    method : str
        Test of :func:`reanalysis.proportions.compare_proportions` (default Fisher, as Walsh).

    Returns
    -------
    FragilityResult
        ``index`` (NaN with a ``note`` when no modification crosses ``alpha``), quotient, the
        modified table and its p-value, and how many p-values the search computed.
    """
    x1, n1 = _checks.count_out_of(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_out_of(count2, nobs2, "count2", "nobs2")
    alpha = _checks.unit_interval(alpha, "alpha")
    method = _checks.choice(method, "method", TEST_METHODS)
    cache: dict[tuple[int, int], float] = {}

    def p(a, b):
        if (a, b) not in cache:
            cache[(a, b)] = compare_proportions(a, n1, b, n2, method=method).pvalue
        return cache[(a, b)]

    p0 = p(x1, x2)
    significant = p0 < alpha
    total = n1 + n2
    kind = "fragility" if significant else "reverse fragility"

    def result(steps, a, b, pvalue, note=""):
        index = float(steps) if steps is not None else float("nan")
        return FragilityResult(
            x1,
            n1,
            x2,
            n2,
            method,
            alpha,
            p0,
            significant,
            kind,
            index,
            index / total,
            a,
            b,
            pvalue,
            note,
            len(cache),
        )

    def table(group, direction, s):
        return (x1 + direction * s, x2) if group == 1 else (x1, x2 + direction * s)

    def limit(group, direction):
        x, n = (x1, n1) if group == 1 else (x2, n2)
        return n - x if direction > 0 else x

    def crossing(group, direction):
        if group == 1:
            return _crossing(x1, n1, x2, n2, direction)
        return _crossing(x2, n2, x1, n1, direction)

    if significant:
        # Walsh: add events to the group with fewer events (group 1 on a tie of counts).
        group = 1 if x1 <= x2 else 2
        L = limit(group, +1)
        cross = crossing(group, +1)
        # The p-value rises until the proportions cross and falls beyond, so a long path is
        # searched up to the crossing only (where the proportions are equal and p is near 1).
        end = L if cross is None or L < LINEAR_STEPS else min(L, cross)
        steps = _first_step(lambda s: p(*table(group, +1, s)) >= alpha, end)
        if steps is None:
            a, b = table(group, +1, L)
            return result(None, a, b, p(a, b), "no number of added events makes the result non-significant")
        a, b = table(group, +1, steps)
        return result(steps, a, b, p(a, b))
    # Reverse: smallest number of single-patient changes, searched over all four directions.
    best = None
    for group, direction in [(1, +1), (1, -1), (2, +1), (2, -1)]:
        L = limit(group, direction)
        cross = crossing(group, direction)
        # Moving apart the p-value falls from the start; moving together it first rises, so a
        # significant table can only lie beyond the crossing (or within a short path).
        linear = L < LINEAR_STEPS  # a short path is scanned whole, as the definition reads
        start = 1 if cross is None or linear else cross
        if best is not None:
            L = min(L, best[0] - 1)

        def hit(s, g=group, d=direction):
            return p(*table(g, d, s)) < alpha

        steps = None
        if start > 1:  # a long path moving together: the first steps too, in case p starts near alpha
            steps = _first_step(hit, min(L, LOCAL_CHECK), linear=True)
        if steps is None:
            steps = _first_step(hit, L, start, linear=linear)
        if steps is not None and (best is None or steps < best[0]):
            a, b = table(group, direction, steps)
            best = (steps, a, b, p(a, b))
    if best is None:
        return result(None, x1, x2, p0, "no change in one group makes the result significant")
    return result(*best)
