"""Exact unconditional intervals for the risk difference: Santner-Snell and Chan-Zhang.

Checked against tests/reference/exact_rd.R (a brute-force R implementation of the definition,
independent of the package's code; exact_rd_large.R runs it on tables above 200 vs 200), against
values printed by SAS PROC FREQ, StatXact and Santner & Snell's paper, and against a published trial
whose table prints Santner-Snell intervals (examples/ball_blin_hr_relapse).
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import for_every_row
from hypothesis import given, settings
from hypothesis import strategies as st

from reanalysis import proportions as P
from reanalysis.audit.effects import closest_effect

REF = Path(__file__).parent / "reference" / "exact_rd.csv"
REF_LARGE = Path(__file__).parent / "reference" / "exact_rd_large.csv"
EXAMPLE = Path(__file__).parents[1] / "examples" / "ball_blin_hr_relapse"
METHODS = ("santner-snell", "chan-zhang")

# Tolerance against R. Both implementations evaluate the tails to ~1e-15 and locate the bounds
# to 1e-12; what limits agreement is the supremum over the nuisance proportion p2, which each
# finds by its own search (R: 2001 points of the admissible range and optimize() between the
# neighbours of every local maximum within 10% of the largest; the package: a grid of [0, 1]
# with spacing 1/(6 max(n1, n2)) and Newton steps), and, for Chan-Zhang, the first crossing of a
# saw-tooth tail, which each finds by its own search (R: dense scans; the package: bounded
# halving). Where both find the same maximum and crossing they agree to ~1e-12 (largest
# difference over the 78 reference intervals: 9e-13, checked below); a maximum missed by one
# search would show as a difference of the order of the grid's second-order error, ~1e-7, and a
# missed tooth of the saw-tooth as 1e-4 or more. 1e-6 separates the two: rounding noise passes,
# a different maximum or crossing fails.
TOL = 1e-6


def _ref_rows():
    return list(pd.read_csv(REF).itertuples(index=False))


@for_every_row(
    _ref_rows(),
    ids=lambda r: f"{r.count1}/{r.nobs1}-{r.count2}/{r.nobs2}-{r.level}-{r.method}",
)
def test_matches_r_reference(row):
    res = P.effect_size(
        row.count1, row.nobs1, row.count2, row.nobs2, measure="rd", method=row.method, level=row.level
    )
    assert res.estimate == pytest.approx(row.estimate, abs=1e-15)
    assert abs(res.low - row.low) <= TOL and abs(res.high - row.high) <= TOL, (res, row)


@for_every_row(
    list(pd.read_csv(REF_LARGE).itertuples(index=False)),
    ids=lambda r: f"{r.count1}/{r.nobs1}-{r.count2}/{r.nobs2}",
)
def test_chan_zhang_above_the_old_size_limit_matches_r(row):
    # The limit was raised from 200 vs 200 to 500 vs 500 when a cell had become twice as cheap; the
    # brute force of exact_rd_large.R checks the search on tables between the two.
    res = P.effect_size(row.count1, row.nobs1, row.count2, row.nobs2, measure="rd", method="chan-zhang")
    assert abs(res.low - row.low) <= 1e-9 and abs(res.high - row.high) <= 1e-9, (res, row)


def test_agreement_with_r_is_much_better_than_the_tolerance():
    worst = 0.0
    for row in _ref_rows():
        res = P.effect_size(
            row.count1, row.nobs1, row.count2, row.nobs2, measure="rd", method=row.method, level=row.level
        )
        worst = max(worst, abs(res.low - row.low), abs(res.high - row.high))
    assert worst < 1e-9, worst


# ---- published values ----------------------------------------------------------------------
# (count1, nobs1, count2, nobs2, level, method, printed low, printed high, decimals printed, source)
PUBLISHED = [
    # SAS PROC FREQ 9.4 output quoted in exact2x2's validation tests (inst/slowTests/test_SAS.R;
    # exact2x2 reports p2 - p1, so the groups are swapped here).
    (24, 61, 10, 35, 0.95, "santner-snell", -0.1016, 0.3079, 4, "SAS, exact2x2 test_SAS.R"),
    (24, 61, 10, 35, 0.95, "chan-zhang", -0.0992, 0.2949, 4, "SAS METHOD=SCORE, exact2x2 test_SAS.R"),
    (9, 11, 4, 12, 0.95, "santner-snell", 0.0683, 0.7923, 4, "SAS, exact2x2 test_SAS.R"),
    (9, 11, 4, 12, 0.95, "chan-zhang", 0.0616, 0.7968, 4, "SAS METHOD=SCORE, exact2x2 test_SAS.R"),
    # StatXact 11 ("invert two one-sided", standardised difference), exact2x2 test_StatXact.R; the
    # second also agrees with SAS 9.4 there.
    (6, 13, 2, 7, 0.95, "chan-zhang", -0.3108, 0.5787, 4, "StatXact 11, exact2x2 test_StatXact.R"),
    (13, 13, 0, 7, 0.95, "chan-zhang", 0.5904, 1.0, 4, "StatXact 11 / SAS 9.4, exact2x2 test_StatXact.R"),
    (24, 61, 10, 35, 0.95, "chan-zhang", -0.09922, 0.2949, (5, 4), "StatXact 11, exact2x2 test_StatXact.R"),
    # SAS PROC FREQ EXACT RISKDIFF(METHOD=NOSCORE), quoted in the tern R package's vignette
    # "Unconditional Exact Confidence Interval for Difference in Proportions".
    (40, 78, 5, 17, 0.95, "santner-snell", -0.0466, 0.4676, 4, "SAS, tern vignette example 1"),
    (27, 57, 3, 3, 0.95, "santner-snell", -0.9057, 0.1197, 4, "SAS, tern vignette example 2"),
    (27, 57, 3, 3, 0.99, "santner-snell", -0.9586, 0.2677, 4, "SAS, tern vignette example 3"),
    # Santner & Snell (JASA 1980;75:386-394), section 4, tail-method interval for 0/2 vs 2/2 at 90%
    # (as quoted in the tern vignette, example 4).
    (0, 2, 2, 2, 0.90, "santner-snell", -1.0, 0.0543, 4, "Santner & Snell 1980, section 4"),
    # Garner, "Constructing confidence intervals for the differences of binomial proportions in
    # SAS", WUSS 2016 paper 127, table for the PROGRESS trial (Reynes et al. 2010), 84/101 vs
    # 89/105, SAS output (transcribed in the dbci Python package's tests).
    (84, 101, 89, 105, 0.95, "santner-snell", -0.1514, 0.1219, 4, "Garner WUSS 2016 (SAS)"),
    (84, 101, 89, 105, 0.95, "chan-zhang", -0.1227, 0.0869, 4, "Garner WUSS 2016 (SAS)"),
]


@pytest.mark.parametrize("case", PUBLISHED, ids=lambda c: f"{c[0]}/{c[1]}-{c[2]}/{c[3]}-{c[4]}-{c[5]}")
def test_reproduces_published_values_to_their_printed_precision(case):
    x1, n1, x2, n2, level, method, low, high, decimals, source = case
    lo_dec, hi_dec = decimals if isinstance(decimals, tuple) else (decimals, decimals)
    res = P.effect_size(x1, n1, x2, n2, measure="rd", method=method, level=level)
    assert (round(res.low, lo_dec), round(res.high, hi_dec)) == (low, high), (source, res)


def test_reproduces_the_blinatumomab_trial_table_in_percentage_points():
    # Saha et al., JAMA 2021;325(9):843, Table 2: MRD remission, "Absolute difference, % (95% CI)".
    printed = {
        (44, 49, 26, 48): (35.6, 15.6, 52.5),
        (17, 20, 20, 23): (-2.0, -31.2, 28.0),
        (27, 29, 6, 25): (69.1, 45.4, 85.5),
    }
    for table, values in printed.items():
        res = P.effect_size(*table, measure="rd", method="santner-snell")
        got = tuple(round(100 * v, 1) for v in (res.estimate, res.low, res.high))
        assert got == values, (table, got)
        # and the score-based exact interval is not what the paper printed
        cz = P.effect_size(*table, measure="rd", method="chan-zhang")
        assert tuple(round(100 * v, 1) for v in (cz.estimate, cz.low, cz.high)) != values


def test_audit_reproduces_the_example_effects():
    from reanalysis import audit, evidence

    frame = audit.audit(evidence.load(EXAMPLE))
    effects = frame[(frame["kind"] == "effect") & frame["reported"].str.startswith("RD")]
    assert len(effects) == 3
    assert (effects["verdict"] == "reproduced").all(), effects[["reported", "verdict", "method"]]
    assert (effects["method"] == "santner-snell").all()


def test_closest_effect_finds_santner_snell():
    match = closest_effect(44, 49, 26, 48, "rd", "35.6", "15.6", "52.5", scale="percentage-points")
    assert match.method == "santner-snell" and match.distance == 0


# ---- the definition ------------------------------------------------------------------------
def test_chan_zhang_returns_the_first_crossing_of_a_saw_tooth_tail():
    # P_U of 40/78 vs 5/17 crosses 0.025 at about -0.0779, -0.0750, -0.0699 and -0.0659: the lower
    # bound is the infimum of the d not rejected, not whichever crossing a root finder meets.
    tail = P._ExactRDTail(40, 78, 5, 17, score=True)
    low = P.effect_size(40, 78, 5, 17, measure="rd", method="chan-zhang").low
    assert low == pytest.approx(-0.077916, abs=1e-6)
    for d in np.linspace(-1 + 1e-6, low - 1e-6, 400):
        assert tail.upper(d, tail.staircase(d)) <= 0.025, d
    assert tail.upper(low + 1e-7, tail.staircase(low + 1e-7)) > 0.025
    assert tail.upper(-0.0690, tail.staircase(-0.0690)) > 0.025  # a later tooth
    assert tail.upper(-0.0665, tail.staircase(-0.0665)) <= 0.025  # which falls back below


@pytest.mark.parametrize("method", METHODS)
def test_swapping_groups_mirrors_the_interval(method):
    for table in [(7, 34, 1, 34), (0, 9, 4, 11), (12, 30, 12, 30), (5, 5, 0, 8)]:
        a = P.effect_size(*table, measure="rd", method=method)
        x1, n1, x2, n2 = table
        b = P.effect_size(x2, n2, x1, n1, measure="rd", method=method)
        assert (a.low, a.high) == (-b.high, -b.low)


@pytest.mark.parametrize("method", METHODS)
def test_boundary_tables(method):
    res = P.effect_size(0, 10, 10, 10, measure="rd", method=method)
    assert res.estimate == -1 and res.low == -1.0 and res.high < 0
    res = P.effect_size(10, 10, 0, 10, measure="rd", method=method)
    assert res.high == 1.0 and res.low > 0
    for table in [(0, 10, 0, 10), (10, 10, 10, 10), (0, 1, 0, 1), (1, 1, 1, 1)]:
        res = P.effect_size(*table, measure="rd", method=method)
        assert res.estimate == 0 and res.low == pytest.approx(-res.high, abs=1e-9) and res.low < 0
        assert not res.note


@pytest.mark.parametrize("method", METHODS)
def test_coverage_is_at_least_nominal(method):
    # Exactness: for every true (p1, p2) on a grid, the probability that the interval covers
    # p1 - p2, summed over all 7 x 9 tables, is at least 90%.
    n1, n2, level = 6, 8, 0.90
    bounds = {
        (a, b): P.effect_size(a, n1, b, n2, measure="rd", method=method, level=level)
        for a in range(n1 + 1)
        for b in range(n2 + 1)
    }
    from scipy.stats import binom

    grid = np.linspace(0.0, 1.0, 21)
    pmf1 = binom.pmf(np.arange(n1 + 1)[:, None], n1, grid[None, :])  # (outcome, p1)
    pmf2 = binom.pmf(np.arange(n2 + 1)[:, None], n2, grid[None, :])  # (outcome, p2)
    low = np.array([[bounds[(a, b)].low for b in range(n2 + 1)] for a in range(n1 + 1)])
    high = np.array([[bounds[(a, b)].high for b in range(n2 + 1)] for a in range(n1 + 1)])
    diff = grid[:, None] - grid[None, :]  # (p1, p2)
    covers = (low[:, :, None, None] - 1e-12 <= diff) & (diff <= high[:, :, None, None] + 1e-12)
    # P(cover | p1, p2) = sum over tables of P(a | p1) P(b | p2) [interval(a, b) covers p1 - p2]
    cover = np.einsum("ai,bj,abij->ij", pmf1, pmf2, covers.astype(float))
    worst = float(cover.min())
    assert worst >= level - 1e-9, worst


count_total = st.integers(1, 25).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))


@settings(max_examples=25, deadline=None)
@given(count_total, count_total, st.sampled_from(METHODS))
def test_intervals_are_nested_across_levels_and_contain_the_estimate(g1, g2, method):
    narrow = P.effect_size(*g1, *g2, measure="rd", method=method, level=0.80)
    wide = P.effect_size(*g1, *g2, measure="rd", method=method, level=0.95)
    assert -1.0 <= wide.low <= narrow.low <= narrow.estimate <= narrow.high <= wide.high <= 1.0


def test_santner_snell_is_wider_than_the_asymptotic_score_interval_on_inner_tables():
    for table in [(44, 49, 26, 48), (24, 61, 10, 35), (50, 100, 60, 100)]:
        ss = P.effect_size(*table, measure="rd", method="santner-snell")
        mn = P.effect_size(*table, measure="rd", method="miettinen-nurminen")
        assert ss.low < mn.low and ss.high > mn.high


# ---- internals the algorithm relies on -----------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.integers(1, 70), st.integers(1, 70), st.floats(-0.999, 0.999, allow_subnormal=False))
def test_score_statistic_is_monotone_so_tail_regions_are_staircases(n1, n2, d):
    # The search relies on it: the statistic increases with x1 and decreases with x2.
    stat = P._fm_statistic_matrix(n1, n2, d)
    scale = np.maximum(1.0, np.abs(stat))
    assert (np.diff(stat, axis=0) >= -1e-9 * scale[:-1]).all()
    assert (np.diff(stat, axis=1) <= 1e-9 * scale[:, :-1]).all()


def test_fm_statistic_matches_the_scalar_miettinen_nurminen_statistic():
    n1, n2 = 17, 23
    for d in (-0.6, -0.1, 0.0, 0.35):
        stat = P._fm_statistic_matrix(n1, n2, d)
        for x1, x2 in [(0, 0), (3, 20), (17, 0), (9, 11), (17, 23)]:
            scalar = P._mn_statistic(x1, n1, x2, n2, "rd", d, correction=False)
            assert stat[x1, x2] == pytest.approx(scalar, rel=1e-9, abs=1e-12), (d, x1, x2)


def test_staircase_by_bisection_equals_the_full_matrix():
    # Tables above 20,000 entries find the first staircase row by row by bisection, the next ones
    # from the staircase at the nearest d already seen.
    tail = P._ExactRDTail(70, 150, 81, 140, score=True)
    for d in (-0.4, -0.137, 0.02, 0.3):
        stat = P._fm_statistic_matrix(150, 140, d)
        t0 = stat[70, 81]
        expected = (stat >= t0 - 1e-9 * max(1.0, abs(t0))).sum(axis=1) - 1
        assert np.array_equal(tail.staircase(d), expected)


@pytest.mark.parametrize("x1, n1, x2, n2", [(3, 90, 9, 85), (60, 75, 41, 80), (0, 120, 2, 110)])
def test_every_region_of_a_search_equals_the_full_matrix(x1, n1, x2, n2):
    # Above _STAIR_MATRIX_CELLS a region is found row by row from the region at the nearest d
    # (two cells per row when it holds, doubling steps and bisection where it moved): every
    # region the interval's search visits must be the one the whole statistic matrix gives.
    assert (n1 + 1) * (n2 + 1) > P._STAIR_MATRIX_CELLS
    tail = P._ExactRDTail(x1, n1, x2, n2, score=True)
    tail.lower(0.025)
    assert len(tail._stairs) > 20
    for d, region in tail._stairs.items():
        stat = P._fm_statistic_matrix(n1, n2, d)
        t0 = stat[x1, x2]
        tie = t0 - 1e-9 * max(1.0, abs(t0)) if math.isfinite(t0) else t0
        assert np.array_equal(region, (stat >= tie).sum(axis=1) - 1), d


def test_binom_rows_match_the_pmf():
    p = np.array([0.0, 1e-9, 0.013, 0.5, 0.77, 1 - 1e-12, 1.0])
    for n in (1, 7, 300, 1000, 1500):
        exact = P._binom_pmf(np.arange(n + 1.0)[None, :], float(n), p[:, None])
        assert np.allclose(P._binom_rows(n, p), exact, rtol=1e-10, atol=1e-300)


# ---- size limits ---------------------------------------------------------------------------
def test_oversized_tables_are_refused_up_front_with_the_cost():
    with pytest.raises(ValueError, match=r"chan-zhang exact interval at nobs1 = 600.*too large.*s \(size"):
        P.effect_size(250, 600, 260, 600, measure="rd", method="chan-zhang")
    with pytest.raises(ValueError, match="miettinen-nurminen"):
        P.effect_size(250, 2000, 260, 2000, measure="rd", method="santner-snell")
    # at the limits they are computed (checked, not run: 500 vs 500 takes about 1.5 s)
    P._check_exact_rd_size(500, 500, "chan-zhang")
    P._check_exact_rd_size(1000, 1000, "santner-snell")


def test_closest_effect_skips_refused_methods():
    match = closest_effect(500, 2000, 560, 2000, "rd", "-3.0", "-6.1", "0.1", scale="percentage-points")
    assert match.method not in METHODS
    assert math.isfinite(match.low)


def test_closest_effect_runs_no_exact_interval_once_a_method_prints_as_published(monkeypatch):
    # Ties keep the first method, so nothing after an exact match could be reported: the exact
    # intervals (up to seconds a table) are not run. Where nothing earlier matches they still are.
    calls = []
    original = P._exact_rd_interval

    def counted(*args):
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(P, "_exact_rd_interval", counted)
    P._effect.cache_clear()  # (intervals computed by earlier tests are remembered)
    match = closest_effect(60, 100, 40, 100, "rd", "20", "6.4", "33.6", scale="percentage-points")
    assert match.method == "wald" and match.distance == 0 and calls == []
    match = closest_effect(44, 49, 26, 48, "rd", "35.6", "15.6", "52.5", scale="percentage-points")
    assert match.method == "santner-snell" and match.distance == 0 and len(calls) == 1


def test_effects_all_reports_a_refused_exact_interval_instead_of_failing():
    frame = P.effects_all(500, 1000, 540, 1000)
    row = frame[frame["method"] == "chan-zhang"].iloc[0]
    assert math.isnan(row["low"]) and math.isnan(row["high"]) and "too large" in row["note"]
    assert row["estimate"] == pytest.approx(-0.04)
    assert frame["method"].tolist().count("santner-snell") == 1  # computed: within its limit
    assert not frame[frame["method"] != "chan-zhang"][["low", "high"]].isna().any().any()


@pytest.mark.parametrize("level", [0.5, 0.8, 0.99, 0.999])
def test_any_level(level):
    for method in METHODS:
        res = P.effect_size(7, 34, 1, 34, measure="rd", method=method, level=level)
        assert -1 <= res.low <= res.estimate <= res.high <= 1
