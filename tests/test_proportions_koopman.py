"""Koopman's score interval for the risk ratio (Koopman, Biometrics 1984;40:513-517).

Checked against tests/reference/koopman.R (Koopman's chi-square form, an implementation
independent of the package's) and the worked example of Fagerland, Lydersen & Laake.
"""

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import for_every_row

from reanalysis import proportions as P

REF = Path(__file__).parent / "reference" / "koopman.csv"


def _close(a, b, tol=1e-8):
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol * max(1.0, abs(b))


@for_every_row(
    list(pd.read_csv(REF).itertuples(index=False)),
    ids=lambda r: f"{r.count1}/{r.nobs1}-{r.count2}/{r.nobs2}-{r.level}",
)
def test_koopman_matches_r(row):
    res = P.effect_size(
        row.count1, row.nobs1, row.count2, row.nobs2, measure="rr", method="koopman", level=row.level
    )
    assert _close(res.estimate, row.estimate) and _close(res.low, row.low) and _close(res.high, row.high), (
        res,
        row,
    )


def test_koopman_reproduces_the_printed_worked_example():
    # Perondi et al. (NEJM 2004), high vs standard dose epinephrine, 7/34 vs 1/34 survivors: the
    # example of Fagerland, Lydersen & Laake (Stat Methods Med Res 2015; Statistical Analysis of
    # Contingency Tables, CRC 2017, ch. 4), printed as "estimate = 7.0000 (95% CI 1.2209 to
    # 42.5757)" by their ContingencyTables R package (Koopman_asymptotic_score_CI_2x2).
    res = P.effect_size(7, 34, 1, 34, measure="rr", method="koopman")
    assert (round(res.estimate, 4), round(res.low, 4), round(res.high, 4)) == (7.0, 1.2209, 42.5757)


def test_koopman_is_miettinen_nurminen_without_the_variance_factor():
    # MN multiplies the variance by N/(N-1), so its interval contains Koopman's.
    for table in [(7, 34, 1, 34), (42, 64, 31, 42), (3, 10, 1, 12), (20, 25, 5, 30)]:
        k = P.effect_size(*table, measure="rr", method="koopman")
        mn = P.effect_size(*table, measure="rr", method="miettinen-nurminen")
        assert mn.low < k.low < k.estimate < k.high < mn.high


@pytest.mark.parametrize(
    "table", [(7, 34, 1, 34), (42, 64, 31, 42), (20, 64, 12, 42), (450, 1000, 500, 1000)]
)
def test_koopman_agrees_with_statsmodels_on_inner_tables(table):
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(*table, compare="ratio", method="score", correction=False)
    res = P.effect_size(*table, measure="rr", method="koopman")
    assert res.low == pytest.approx(low, rel=1e-8) and res.high == pytest.approx(high, rel=1e-8)


@pytest.mark.parametrize(
    "table, low, high",
    [
        # statsmodels gives [0.5, 1.92] (a positive lower bound although x1 = 0),
        ((0, 1, 1, 1), 0.0, 1.9207294103470631),
        # [1.0, 4.84] (excluding the estimate 1) and
        ((1, 1, 1, 1), 0.206549314377238, 4.84145882069412),
        # a complex lower bound; hence the package inverts the score test itself.
        ((3, 5, 5, 5), 0.230724281276013, 1.21463341131106),
    ],
)
def test_koopman_is_right_on_boundary_tables_where_statsmodels_is_not(table, low, high):
    res = P.effect_size(*table, measure="rr", method="koopman")
    assert _close(res.low, low) and _close(res.high, high)
    assert res.low <= res.estimate <= res.high


def test_koopman_zero_cells_give_zero_or_infinite_bounds_with_a_note():
    res = P.effect_size(0, 12, 4, 9, measure="rr", method="koopman")
    assert res.low == 0.0 and res.estimate == 0.0 and res.note
    res = P.effect_size(3, 10, 0, 10, measure="rr", method="koopman")
    assert math.isinf(res.high) and math.isinf(res.estimate) and res.note
    res = P.effect_size(0, 10, 0, 10, measure="rr", method="koopman")
    assert math.isnan(res.estimate) and "not estimable" in res.note
