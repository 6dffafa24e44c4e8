"""Non-inferiority tests of two independent proportions against a margin.

A non-inferiority trial asks whether group 1 (the new treatment) is worse than group 2 by no more
than a margin. The margin is given as the *boundary* the effect must lie beyond, on the effect's own
scale, so that its side says which way is worse and no direction argument is needed:

- a boundary below no difference (a risk difference of -0.10, a risk ratio of 0.8: a response that
  may not fall by more) tests H0: effect <= margin against H1: effect > margin;
- a boundary above it (a risk difference of 0.08, a risk ratio of 1.25: failures that may not rise
  by more) tests H0: effect >= margin against H1: effect < margin.

The p-value is one-sided, as trials print it ("P < .001 for non-inferiority"). The Wald-type tests
and the ratio's score test are statsmodels' ``test_proportions_2indep``; the risk difference's score
tests are not: statsmodels 0.15 solves the restricted maximum likelihood for a non-zero difference
with a wrong coefficient (statsmodels issue #10269, open), so its estimate does not maximise the
likelihood (50/400 vs 48/400 at -0.10: z = 4.428 where the restricted MLE gives 4.342). They use the
closed form of Farrington & Manning that :mod:`reanalysis.proportions` already uses for the exact
Chan-Zhang interval. Every method is cross-checked against closed forms in R
(``tests/reference/noninferiority.R``).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import _checks
from ._results import Result

#: Methods by measure, each named after its literature source:
#:
#: - ``"wald"``: the estimate minus the margin over its unpooled standard error (for a ratio on the
#:   log scale, Katz et al., Biometrics 1978);
#: - ``"agresti-caffo"``: the Wald statistic after adding one success and one failure to each group
#:   (Agresti & Caffo, Am Stat 2000);
#: - ``"farrington-manning"``: the score test with the variance at the maximum likelihood estimates
#:   restricted to the margin (Farrington & Manning, Stat Med 1990);
#: - ``"miettinen-nurminen"``: the same with the variance multiplied by N / (N - 1) (Miettinen &
#:   Nurminen, Stat Med 1985).
NONINFERIORITY_METHODS = {
    "rd": ("farrington-manning", "miettinen-nurminen", "wald", "agresti-caffo"),
    "rr": ("farrington-manning", "miettinen-nurminen", "wald"),
}
# statsmodels' name and small-sample correction of each method, by measure (the risk difference's
# score tests are computed here, see the module notes).
_STATSMODELS = {
    ("rd", "wald"): ("wald", True),
    ("rd", "agresti-caffo"): ("agresti-caffo", True),
    ("rr", "wald"): ("log", True),
    ("rr", "farrington-manning"): ("score", False),
    ("rr", "miettinen-nurminen"): ("score", True),
}


@dataclasses.dataclass(frozen=True)
class NoninferiorityTest(Result):
    """One-sided test of group 1 vs group 2 against a non-inferiority margin.

    ``margin`` is the boundary on the effect's scale (a difference of proportions, or a ratio);
    ``alternative`` is ``"larger"`` (H1: effect > margin) or ``"smaller"`` (H1: effect < margin);
    ``statistic`` is the standard normal statistic and ``pvalue`` its one-sided p-value.
    """

    count1: int
    nobs1: int
    count2: int
    nobs2: int
    measure: str
    method: str
    margin: float
    alternative: str
    statistic: float
    pvalue: float


def noninferiority_test(
    count1, nobs1, count2, nobs2, margin, measure: str = "rd", method: str = "farrington-manning"
) -> NoninferiorityTest:
    """Is group 1 not worse than group 2 by more than the margin? A one-sided test.

    Parameters
    ----------
    count1, nobs1, count2, nobs2 : int
        Events and patients of group 1 (the new treatment) and group 2 (the comparator).
    margin : float
        The boundary the effect must lie beyond, on the effect's scale: a difference of proportions
        (``measure="rd"``, e.g. -0.10 or 0.08; not 0) or a ratio (``measure="rr"``, e.g. 0.8 or 1.25;
        positive, not 1). Below no difference the alternative is effect > margin, above it effect <
        margin (see the module notes).
    measure : {"rd", "rr"}
        Risk difference ``p1 - p2`` or risk ratio ``p1 / p2``.
    method : str
        One of :data:`NONINFERIORITY_METHODS` for the measure (default Farrington-Manning).

    Returns
    -------
    NoninferiorityTest
        With the one-sided ``pvalue``. A statistic that the counts leave undefined (a Wald test with a
        group at 0% or 100%, a log ratio with no events) gives NaN.

    Raises
    ------
    ValueError
        Counts that are not whole numbers within their totals, an unknown measure or method, or a
        margin at or beyond what the measure allows.

    References
    ----------
    Farrington CP, Manning G. Test statistics and sample size formulae for comparative binomial
    trials with null hypothesis of non-zero risk difference or non-unity relative risk. Stat Med
    1990;9:1447-54.
    """
    from statsmodels.stats.proportion import test_proportions_2indep

    x1, n1 = _checks.count_and_total(count1, nobs1, "count1", "nobs1")
    x2, n2 = _checks.count_and_total(count2, nobs2, "count2", "nobs2")
    measure = _checks.choice(measure, "measure", tuple(NONINFERIORITY_METHODS))
    method = _checks.choice(method, f"method (for measure={measure!r})", NONINFERIORITY_METHODS[measure])
    if measure == "rd":
        margin = _checks.real(margin, "margin", low=-1.0, high=1.0)
        if margin == 0:
            raise ValueError("margin must not be 0: a non-inferiority margin is a non-zero difference, got 0")
        null = 0.0
    else:
        margin = _checks.real(margin, "margin", low=0.0)
        if margin == 1:
            raise ValueError("margin must not be 1: a non-inferiority margin is a ratio other than 1, got 1")
        null = 1.0
    alternative = "larger" if margin < null else "smaller"
    if (measure, method) in _STATSMODELS:
        name, correction = _STATSMODELS[(measure, method)]
        with np.errstate(divide="ignore", invalid="ignore"):
            res = test_proportions_2indep(
                x1,
                n1,
                x2,
                n2,
                value=margin,
                method=name,
                compare="diff" if measure == "rd" else "ratio",
                alternative=alternative,
                correction=correction,
            )
        statistic, pvalue = float(res.statistic), float(res.pvalue)
    else:  # the risk difference's score tests (Farrington-Manning's closed form)
        from scipy.stats import norm

        from .proportions import _fm_statistic

        statistic = float(_fm_statistic(np.array([x1 / n1]), np.array([x2 / n2]), n1, n2, margin)[0])
        if method == "miettinen-nurminen":
            statistic /= math.sqrt((n1 + n2) / (n1 + n2 - 1))
        pvalue = float(norm.sf(statistic) if alternative == "larger" else norm.cdf(statistic))
    if not math.isfinite(statistic):
        statistic, pvalue = math.nan, math.nan
    return NoninferiorityTest(x1, n1, x2, n2, measure, method, float(margin), alternative, statistic, pvalue)
