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
"""

from __future__ import annotations

import dataclasses

from . import _checks
from ._results import Result
from .proportions import TEST_METHODS, compare_proportions


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


def fragility_index(
    count1, nobs1, count2, nobs2, alpha: float = 0.05, method: str = "fisher"
) -> FragilityResult:
    """Fragility index (significant result) or reverse fragility index (non-significant one)."""
    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    alpha = _checks.probability(alpha, "alpha")
    method = _checks.choice(method, "method", TEST_METHODS)

    def p(a, b):
        return compare_proportions(a, n1, b, n2, method=method).pvalue

    p0 = p(x1, x2)
    significant = p0 < alpha
    total = n1 + n2
    kind = "fragility" if significant else "reverse fragility"

    def result(steps, a, b, pvalue, note=""):
        index = float(steps) if steps is not None else float("nan")
        return FragilityResult(
            x1, n1, x2, n2, method, alpha, p0, significant, kind, index, index / total, a, b, pvalue, note
        )

    if significant:
        # Walsh: add events to the group with fewer events (group 1 on a tie of counts).
        d1, d2 = (1, 0) if x1 <= x2 else (0, 1)
        a, b, steps = x1, x2, 0
        while a + d1 <= n1 and b + d2 <= n2:
            a, b, steps = a + d1, b + d2, steps + 1
            pv = p(a, b)
            if pv >= alpha:
                return result(steps, a, b, pv)
        return result(None, a, b, p(a, b), "no number of added events makes the result non-significant")
    # Reverse: smallest number of single-patient changes, searched over all four directions.
    best = None
    for d1, d2 in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        a, b, steps = x1, x2, 0
        while 0 <= a + d1 <= n1 and 0 <= b + d2 <= n2:
            a, b, steps = a + d1, b + d2, steps + 1
            pv = p(a, b)
            if pv < alpha:
                if best is None or steps < best[0]:
                    best = (steps, a, b, pv)
                break
    if best is None:
        return result(None, x1, x2, p0, "no change in one group makes the result significant")
    return result(*best)
