"""Tests for reanalysis.contingency: R cross-checks (tests/reference/contingency.R), textbook values,
library agreement (scipy, statsmodels), properties, input checks and degenerate tables.

Agreement with R is to 1e-8 (relative, or absolute below 1) unless a comment gives the reason.
"""

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import for_every_row
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable, Table

from reanalysis import contingency as ct
from reanalysis import proportions

REF = Path(__file__).parent / "reference"
TOL = 1e-8


def _close(a, b, tol=TOL):
    if pd.isna(b):
        return a is None or (isinstance(a, float) and math.isnan(a))
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= tol * max(1.0, abs(b))


def _table(s):
    return np.array([[int(v) for v in row.split()] for row in s.split(";")])


def _strata(s):
    return np.array([_table(t) for t in s.split("|")])


def _vec(s, dtype=int):
    return [dtype(v) for v in str(s).split()]


def _rows(name):
    return list(pd.read_csv(REF / name, keep_default_na=True).itertuples(index=False))


# --------------------------------------------------------------------------------------------
# R cross-checks
# --------------------------------------------------------------------------------------------
RXC = _rows("contingency_rxc.csv")


@for_every_row(RXC, ids=lambda r: r.table)
def test_rxc_matches_r(row):
    t = _table(row.table)
    chi = ct.independence_test(t, "chi2")
    assert _close(chi.statistic, row.chi2) and _close(chi.pvalue, row.chi2_p) and chi.dof == row.dof
    g = ct.independence_test(t, "g-test")
    assert _close(g.statistic, row.g) and _close(g.pvalue, row.g_p)
    f = ct.independence_test(t, "fisher-freeman-halton")
    assert _close(f.pvalue, row.fisher_p), (f, row.fisher_p)


def test_rxc_many_matches_single_and_r():
    # the vectorised chi-square/G agree with scipy's one-table call on every reference table of a shape
    for shape in {_table(r.table).shape for r in RXC}:
        rows = [r for r in RXC if _table(r.table).shape == shape]
        stack = np.array([_table(r.table) for r in rows])
        p_chi = ct.table_pvalues(stack, "chi2")
        p_g = ct.table_pvalues(stack, "g-test")
        for r, pc, pg in zip(rows, p_chi, p_g, strict=True):
            assert _close(pc, r.chi2_p) and _close(pg, r.g_p)


TREND = _rows("contingency_trend.csv")


@for_every_row(TREND, ids=lambda r: f"{r.count}/{r.nobs}")
def test_trend_matches_r(row):
    x, n = _vec(row.count), _vec(row.nobs)
    scores = None if pd.isna(row.scores) else _vec(row.scores, float)
    ca = ct.trend_test(x, n, scores)
    assert _close(ca.statistic, row.chi2) and _close(ca.pvalue, row.p), (ca, row)
    lbl = ct.trend_test(x, n, scores, method="linear-by-linear")
    assert _close(lbl.statistic, row.lbl) and _close(lbl.pvalue, row.lbl_p)
    if not pd.isna(row.exact_p):
        ex = ct.trend_test(x, n, scores, method="cochran-armitage-exact")
        assert _close(ex.pvalue, row.exact_p), (ex, row.exact_p)


CMH = _rows("contingency_cmh.csv")


@for_every_row(CMH, ids=lambda r: r.strata)
def test_cmh_matches_r(row):
    t = _strata(row.strata)
    cc, nocc = ct.cmh_test(t, "cmh-cc"), ct.cmh_test(t, "cmh")
    assert _close(cc.statistic, row.cc_stat) and _close(cc.pvalue, row.cc_p)
    assert _close(nocc.statistic, row.nocc_stat) and _close(nocc.pvalue, row.nocc_p)
    assert _close(cc.estimate, row.estimate)
    if math.isinf(row.estimate):
        # R's Robins-Breslow-Greenland interval is NaN NaN when the MH odds ratio is infinite; the
        # package keeps the upper bound at infinity (the only value an infinite estimate allows).
        assert math.isnan(cc.low) and math.isinf(cc.high) and "cmh-exact" in cc.note
    else:
        assert _close(cc.low, row.low) and _close(cc.high, row.high)
        r90 = ct.cmh_test(t, "cmh", level=0.90)
        assert _close(r90.low, row.low90) and _close(r90.high, row.high90)
    ex = ct.cmh_test(t, "cmh-exact")
    assert ex.statistic == row.exact_s and _close(ex.pvalue, row.exact_p)
    # Estimate and interval: to 1e-8 against the same definitions re-solved in R with
    # uniroot(tol = 1e-14); R's mantelhaen.test itself stops uniroot at its default tolerance
    # (~1.2e-4 on psi or 1/psi), e.g. 529.84 instead of 531.51 for the rabbits' upper bound.
    for ours, tight, r_default in (
        (ex.estimate, row.tight_estimate, row.exact_estimate),
        (ex.low, row.tight_low, row.exact_low),
        (ex.high, row.tight_high, row.exact_high),
    ):
        assert _close(ours, tight, 1e-8)
        assert _close(ours, r_default, 5e-3)


HOM = _rows("contingency_homogeneity.csv")


@for_every_row(HOM, ids=lambda r: r.strata)
def test_homogeneity_matches_metafor(row):
    t = _strata(row.strata)
    bd = ct.homogeneity_test(t, "breslow-day")
    ta = ct.homogeneity_test(t, "breslow-day-tarone")
    # metafor::rma.mh solves the expected cell numerically (agreement ~1e-12 with the closed form);
    # the formula column re-solves it with uniroot(tol = 1e-14).
    assert _close(bd.statistic, row.bd_formula) and _close(bd.statistic, row.bd, 1e-8)
    assert _close(ta.statistic, row.tarone_formula) and _close(ta.statistic, row.tarone, 1e-8)
    assert bd.dof == row.dof
    assert _close(bd.pvalue, row.bd_p) and _close(ta.pvalue, row.tarone_p)


# --------------------------------------------------------------------------------------------
# Published (textbook) values
# --------------------------------------------------------------------------------------------
def test_agresti_party_identification_chi2_and_g():
    # Agresti, An Introduction to Categorical Data Analysis, 2nd ed. 2007, Table 2.5 (gender x party
    # identification): X^2 = 30.1 and G^2 = 30.0 on df = 2, P < 0.001 (printed); R chisq.test
    # prints X-squared = 30.07, p-value = 2.954e-07.
    t = [[762, 327, 468], [484, 239, 477]]
    chi = ct.independence_test(t, "chi2")
    g = ct.independence_test(t, "g-test")
    assert (round(chi.statistic, 1), round(g.statistic, 1), chi.dof) == (30.1, 30.0, 2)
    assert round(chi.statistic, 2) == 30.07 and f"{chi.pvalue:.4g}" == "2.954e-07"


def test_agresti_job_satisfaction_fisher():
    # Agresti, Categorical Data Analysis, 2nd ed. 2002, p. 57: job satisfaction by income (4x4,
    # N = 96); R's ?fisher.test example prints p = 0.7827.
    job = np.array([[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]])
    assert round(ct.independence_test(job).pvalue, 4) == 0.7827


def test_agresti_alcohol_malformation_trend():
    # Agresti 2007, Table 2.7 (alcohol consumption and infant malformation): with scores
    # (0, 0.5, 1.5, 4, 7) M^2 = 6.57, P = 0.01; with scores 1..5 M^2 = 1.83 (Sec. 2.5.3).
    # M^2 = (N - 1) r^2 is the linear-by-linear statistic; Cochran-Armitage differs by N/(N-1).
    present = [48, 38, 5, 1, 1]
    nobs = [17114, 14502, 793, 127, 38]
    m2 = ct.trend_test(present, nobs, [0, 0.5, 1.5, 4, 7], method="linear-by-linear")
    assert round(m2.statistic, 2) == 6.57 and round(m2.pvalue, 2) == 0.01
    assert round(ct.trend_test(present, nobs, method="linear-by-linear").statistic, 2) == 1.83


def test_rabbits_penicillin_mantelhaen_help_page():
    # R ?mantelhaen.test, penicillin and rabbits (Mantel 1963): "p = 0.047" (CMH with continuity
    # correction) and "p - 0.040" (exact); R 4.2 prints X-squared = 3.9286, common OR 7,
    # 95% CI 1.026713 to 47.725133.
    rabbits = [[[0, 0], [6, 5]], [[3, 0], [3, 6]], [[6, 2], [0, 4]], [[5, 6], [1, 0]], [[2, 5], [0, 0]]]
    res = ct.cmh_test(rabbits)
    assert (round(res.statistic, 4), round(res.pvalue, 3), res.estimate) == (3.9286, 0.047, 7.0)
    assert (round(res.low, 6), round(res.high, 6)) == (1.026713, 47.725133)
    assert round(ct.cmh_test(rabbits, "cmh-exact").pvalue, 3) == 0.040


def test_itp_dose_cohorts_trend():
    # ITP first-in-patient dose cohorts responded 1/8, 7/12 and 8/12 at increasing doses. R:
    # prop.trend.test(c(1, 7, 8), c(8, 12, 12)) gives X-squared = 5.1282, p-value = 0.02354;
    # the exact conditional trend test (brute force in contingency.R) gives p = 0.0420.
    res = ct.trend_test([1, 7, 8], [8, 12, 12])
    assert round(res.statistic, 4) == 5.1282 and round(res.pvalue, 5) == 0.02354 and res.z > 0
    exact = ct.trend_test([1, 7, 8], [8, 12, 12], method="cochran-armitage-exact")
    assert round(exact.pvalue, 4) == 0.0420
    # the trend test is more powerful here than the 2x3 test of any difference
    assert res.pvalue < ct.independence_test([[1, 7, 8], [7, 5, 4]], "chi2").pvalue


# --------------------------------------------------------------------------------------------
# Agreement with the libraries a user would call, and where they differ
# --------------------------------------------------------------------------------------------
def test_ffh_on_2x2_equals_fisher_exact():
    for a, b, c, d in [(8, 2, 1, 5), (3, 7, 9, 1), (0, 5, 5, 0), (10, 10, 10, 10), (42, 22, 31, 11)]:
        ours = ct.independence_test([[a, b], [c, d]]).pvalue
        assert _close(ours, proportions.compare_proportions(a, a + b, c, c + d, "fisher").pvalue, 1e-12)
        assert _close(ours, stats.fisher_exact([[a, b], [c, d]]).pvalue, 1e-9)


def test_mh_odds_ratio_and_rbg_interval_equal_statsmodels():
    t = _strata("10 40;5 45|8 42;6 44|12 38;7 43|9 41;4 46")
    st_ = StratifiedTable(np.moveaxis(t, 0, -1))
    res = ct.cmh_test(t, "cmh")
    assert _close(res.estimate, st_.oddsratio_pooled, 1e-12)
    low, high = st_.oddsratio_pooled_confint()
    assert _close(res.low, low, 1e-12) and _close(res.high, high, 1e-12)
    assert _close(res.statistic, st_.test_null_odds(correction=False).statistic, 1e-12)


def test_statsmodels_continuity_correction_differs_from_r_when_delta_is_small():
    # sum(a - E) = 0 here: R applies no correction (|D| < 1/2) and gets 0; statsmodels subtracts
    # 1/2 anyway and reports a positive "corrected" statistic.
    t = _strata("1 1;1 1|2 0;0 2|0 2;2 0")
    row = next(r for r in CMH if r.strata == "1 1;1 1|2 0;0 2|0 2;2 0")
    assert ct.cmh_test(t, "cmh-cc").statistic == row.cc_stat == 0
    assert StratifiedTable(np.moveaxis(t, 0, -1)).test_null_odds(correction=True).statistic > 0


def test_breslow_day_equals_statsmodels_where_it_is_defined():
    for row in HOM:
        t = _strata(row.strata)
        sm = StratifiedTable(np.moveaxis(t, 0, -1).astype(float))
        ours = ct.homogeneity_test(t)
        if sm.oddsratio_pooled == 1:
            # pooled OR exactly 1 (two of the reference sets): statsmodels divides by 1 - OR and
            # returns NaN; metafor and the closed form agree with the package (test above)
            with np.errstate(invalid="ignore", divide="ignore"):
                assert math.isnan(sm.test_equal_odds().statistic) and not math.isnan(ours.statistic)
            continue
        assert _close(ours.statistic, sm.test_equal_odds().statistic, 1e-10)
        assert _close(
            ct.homogeneity_test(t, "breslow-day-tarone").statistic,
            sm.test_equal_odds(adjust=True).statistic,
            1e-10,
        )


def test_linear_by_linear_equals_statsmodels_ordinal_association():
    x, n = np.array([1, 7, 8]), np.array([8, 12, 12])
    sm = Table(np.column_stack([x, n - x])).test_ordinal_association(
        row_scores=np.array([1.0, 2, 3]), col_scores=np.array([1.0, 0])
    )
    res = ct.trend_test(x, n, method="linear-by-linear")
    assert _close(res.z, sm.zscore, 1e-12) and _close(res.pvalue, sm.pvalue, 1e-12)
    # and Cochran-Armitage = linear-by-linear * N / (N - 1)
    assert _close(ct.trend_test(x, n).statistic, res.statistic * 32 / 31, 1e-12)


def test_monte_carlo_is_reproducible_and_close_to_exact():
    t = [[8, 2, 3], [1, 5, 4]]
    a = ct.independence_test(t, "fisher-freeman-halton-mc", n_resamples=20000, seed=7)
    b = ct.independence_test(t, "fisher-freeman-halton-mc", n_resamples=20000, seed=7)
    exact = ct.independence_test(t).pvalue
    assert a == b and abs(a.pvalue - exact) < 4 * math.sqrt(exact * (1 - exact) / 20000)
    assert "standard error" in a.note


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
def _brute_force_ffh(table, two_by_two):
    """Every table with the observed margins (tiny tables only), R's tolerance on the log scale."""
    from scipy.special import gammaln

    table = np.asarray(table)
    rows, cols = table.sum(1), table.sum(0)
    r, c = table.shape
    tol = math.log1p(1e-7) if two_by_two else 3.45254e-7  # fisher.test 2x2 branch / FEXACT
    ranges = [range(min(rows[i], cols[j]) + 1) for i in range(r - 1) for j in range(c - 1)]
    free = np.array(list(itertools.product(*ranges))).reshape(-1, r - 1, c - 1)
    t = np.zeros((free.shape[0], r, c), dtype=int)
    t[:, : r - 1, : c - 1] = free
    t[:, : r - 1, c - 1] = rows[: r - 1] - free.sum(2)
    t[:, r - 1, :] = cols - t[:, : r - 1, :].sum(1)
    t = t[(t >= 0).all(axis=(1, 2))]
    const = gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(table.sum() + 1)
    logp = const - gammaln(t + 1).sum(axis=(1, 2))
    obs = const - gammaln(table + 1).sum()
    return float(np.exp(logp[logp <= obs + tol]).sum())


@st.composite
def small_table(draw):
    r, c = draw(st.sampled_from([(2, 2), (2, 3), (3, 2), (2, 4), (4, 2), (3, 3), (2, 5)]))
    cells = draw(st.lists(st.integers(0, 4), min_size=r * c, max_size=r * c))
    t = np.array(cells).reshape(r, c)
    t[0, 0] += 1  # never all zero
    return t


@settings(max_examples=60, deadline=None)
@given(small_table())
def test_ffh_equals_brute_force_enumeration(table):
    kept = table[table.sum(1) > 0][:, table.sum(0) > 0]
    res = ct.independence_test(table)
    expected = 1.0 if min(kept.shape) < 2 else _brute_force_ffh(kept, table.shape == (2, 2))
    assert abs(res.pvalue - min(1.0, expected)) < 1e-12


@settings(max_examples=40, deadline=None)
@given(small_table(), st.randoms())
def test_ffh_invariant_to_transpose_and_permutation(table, rnd):
    p = ct.independence_test(table).pvalue
    rows = list(range(table.shape[0]))
    cols = list(range(table.shape[1]))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    assert abs(ct.independence_test(table[rows][:, cols].T).pvalue - p) < 1e-12


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.integers(1, 15)), min_size=2, max_size=5))
def test_trend_many_equals_single_and_is_scale_free(groups):
    x = np.array([min(a, b) for a, b in groups])
    n = np.array([b for _, b in groups])
    single = ct.trend_test(x, n)
    stat, z, p = ct.trend_test_many(x[None, :], n[None, :])
    assert abs(stat[0] - single.statistic) < 1e-9 and abs(p[0] - single.pvalue) < 1e-12
    # any linear transformation of the scores gives the same test
    shifted = ct.trend_test(x, n, scores=10 + 2.5 * np.arange(1, len(x) + 1))
    assert abs(shifted.pvalue - single.pvalue) < 1e-9


@st.composite
def strata(draw):
    k = draw(st.integers(1, 5))
    out = []
    for _ in range(k):
        cells = draw(st.lists(st.integers(0, 8), min_size=4, max_size=4))
        if sum(cells) < 2:
            cells[0] += 2
        out.append(np.array(cells).reshape(2, 2))
    return np.array(out)


@settings(max_examples=40, deadline=None)
@given(strata())
def test_cmh_many_equals_single(t):
    for method in ("cmh", "cmh-cc", "cmh-exact"):
        single = ct.cmh_test(t, method)
        stat, p, est, low, high = ct.cmh_many(t[None], method)
        assert abs(p[0] - single.pvalue) < 1e-12
        for a, b in ((stat[0], single.statistic), (est[0], single.estimate), (low[0], single.low)):
            assert (math.isnan(a) and math.isnan(b)) or a == b or abs(a - b) < 1e-9 * max(1, abs(b))
        assert ct.table_pvalue(t, method) == single.pvalue


def test_cmh_with_one_stratum_is_the_2x2_test():
    # K = 1: the uncorrected CMH statistic is (n - 1)/n times Pearson's; the exact test is Fisher's.
    t = np.array([[[8, 2], [1, 5]]])
    n = t.sum()
    chi2 = proportions.compare_proportions(8, 10, 1, 6, "chi2").statistic
    assert _close(ct.cmh_test(t, "cmh").statistic, chi2 * (n - 1) / n, 1e-12)
    assert _close(ct.cmh_test(t, "cmh-exact").pvalue, ct.independence_test(t[0]).pvalue, 1e-12)


def test_table_pvalues_vectorised_equals_loop():
    rng = np.random.default_rng(3)
    cases = {
        "rxc": rng.integers(0, 9, size=(20, 3, 3)) + np.eye(3, dtype=int),
        "trend": np.stack(
            [np.array([[1, 7], [7, 5], [8, 4]]) + rng.integers(0, 3, size=(3, 2)) for _ in range(12)]
        ),
        "stratified": rng.integers(0, 9, size=(15, 3, 2, 2)) + 1,
        "homogeneity": rng.integers(1, 9, size=(6, 3, 2, 2)),
    }
    for method, kind in ct.TABLE_METHODS.items():
        stack = cases[kind]
        kw = {"n_resamples": 2000} if method.endswith("-mc") else {}
        many = ct.table_pvalues(stack, method, **kw)
        loop = [ct.table_pvalue(t, method, **kw) for t in stack]
        assert np.allclose(many, loop, rtol=1e-12, atol=1e-14), method


def test_dispatcher_names_every_method_once():
    assert set(ct.TABLE_METHODS) == set(
        ct.RXC_METHODS + ct.TREND_METHODS + ct.STRATIFIED_METHODS + ct.HOMOGENEITY_METHODS
    )
    assert set(ct.TABLE_METHODS.values()) == set(ct.TABLE_KINDS)
    trend = ct.table_pvalue([[1, 7], [7, 5], [8, 4]], "cochran-armitage")
    assert trend == ct.trend_test([1, 7, 8], [8, 12, 12]).pvalue


def test_tests_all_and_parse_table_for_the_command_line():
    t = ct.parse_table("8 2 3; 1 5 4")
    assert t.tolist() == [[8, 2, 3], [1, 5, 4]]
    frame = ct.tests_all(t, n_resamples=2000)
    assert frame["method"].tolist() == list(ct.RXC_METHODS)
    trend = ct.tests_all(ct.parse_table("1,7; 7,5; 8,4"), "trend")
    assert trend.loc[0, "pvalue"] == ct.trend_test([1, 7, 8], [8, 12, 12]).pvalue
    strata = ct.parse_table("0 0;6 5|3 0;3 6|6 2;0 4|5 6;1 0|2 5;0 0")
    assert strata.shape == (5, 2, 2)
    frame = ct.tests_all(strata, "stratified")
    assert frame["method"].tolist() == list(ct.STRATIFIED_METHODS + ct.HOMOGENEITY_METHODS)
    for bad, message in (
        ("8 2 3; 1 5", "different lengths"),
        ("a b; c d", "numbers only"),
        ("", "must look like"),
    ):
        with pytest.raises(ValueError, match=message):
            ct.parse_table(bad)


# --------------------------------------------------------------------------------------------
# Degenerate tables (documented results with a note)
# --------------------------------------------------------------------------------------------
def test_zero_row_is_dropped_with_a_note():
    res = ct.independence_test([[3, 2], [0, 0], [5, 7]])
    reduced = ct.independence_test([[3, 2], [5, 7]])
    assert res.pvalue == reduced.pvalue and "row(s) 1" in res.note and "NaN" in res.note
    chi = ct.independence_test([[3, 2, 0], [0, 0, 0], [5, 7, 0]], "chi2")
    assert chi.dof == 1 and chi.pvalue == ct.independence_test([[3, 2], [5, 7]], "chi2").pvalue
    assert chi.shape == "3x3"


def test_one_nonempty_row_cannot_be_tested():
    for method in ct.RXC_METHODS:
        res = ct.independence_test([[3, 2, 4], [0, 0, 0]], method)
        assert res.pvalue == 1.0 and "cannot be tested" in res.note


def test_trend_without_responders_is_p_one_with_note():
    for method in ct.TREND_METHODS:
        res = ct.trend_test([0, 0, 0], [8, 12, 12], method=method)
        assert (res.statistic, res.pvalue) == (0.0, 1.0) and "R's prop.trend.test stops" in res.note


def test_cmh_all_strata_with_zero_margin():
    t = [[[2, 3], [0, 0]], [[1, 4], [0, 0]]]
    res = ct.cmh_test(t, "cmh")
    assert (res.statistic, res.pvalue) == (0.0, 1.0) and "returns NaN" in res.note
    assert math.isnan(res.estimate) and "not estimable" in res.note
    assert ct.cmh_test(t, "cmh-exact").pvalue == 1.0


def test_cmh_infinite_odds_ratio_notes_undefined_bound():
    res = ct.cmh_test([[[3, 0], [0, 3]], [[2, 0], [1, 2]]])
    assert math.isinf(res.estimate) and math.isnan(res.low) and "cmh-exact" in res.note


def test_breslow_day_needs_two_informative_strata():
    res = ct.homogeneity_test([[[3, 2], [1, 4]], [[2, 3], [0, 0]]])
    assert math.isnan(res.pvalue) and "cannot be tested" in res.note and "stratum 1" in res.note


# --------------------------------------------------------------------------------------------
# Input checks: one line, naming the argument
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: ct.independence_test([[1, 2.5], [3, 4]]),
            "table has a non-integer count 2.5 at index [0, 1]",
        ),
        (lambda: ct.independence_test([[1, -2], [3, 4]]), "table has a negative count -2 at index [0, 1]"),
        (lambda: ct.independence_test([[1, np.nan], [3, 4]]), "table has a non-finite entry"),
        (lambda: ct.independence_test([[1, 2, 3], [3, 4]]), "table must be a rectangular array"),
        (lambda: ct.independence_test([1, 2, 3]), "table must be a 2-D"),
        (lambda: ct.independence_test([[1, 2, 3]]), "at least 2 rows and 2 columns"),
        (lambda: ct.independence_test([[0, 0], [0, 0]]), "table has no observations"),
        (
            lambda: ct.independence_test(np.array([[True, False], [False, True]])),
            "table must contain non-negative integer",
        ),
        (lambda: ct.independence_test("1 2; 3 4"), "table must be an array"),
        (lambda: ct.independence_test([[1, 2], [3, 4]], "fisher"), "method must be one of 'chi2'"),
        (lambda: ct.independence_test([[1, 2], [3, 4]], "fisher-freeman-halton-mc", seed=1.5), "seed"),
        (lambda: ct.trend_test([1, 7], [8, 12, 12]), "count and nobs must have the same length"),
        (lambda: ct.trend_test([1, 13, 8], [8, 12, 12]), "count[1] (13) must not exceed nobs[1] (12)"),
        (lambda: ct.trend_test([1, 0, 8], [8, 0, 12]), "nobs[1] is 0"),
        (lambda: ct.trend_test([1], [8]), "at least 2 ordered groups"),
        (lambda: ct.trend_test([1, 7, 8], [8, 12, 12], [1, 2]), "scores must have one value per group (3)"),
        (lambda: ct.trend_test([1, 7, 8], [8, 12, 12], [5, 5, 5]), "scores must not all be equal"),
        (lambda: ct.trend_test([1, 7, 8], [8, 12, 12], [1, np.inf, 3]), "scores must be finite"),
        (lambda: ct.cmh_test(np.zeros((0, 2, 2))), "tables must hold at least 1 stratum(s), got K = 0"),
        (lambda: ct.cmh_test(np.ones((2, 2, 5))), "pass np.moveaxis(x, -1, 0)"),
        (lambda: ct.cmh_test([[[1, 2], [3, 4]], [[0, 0], [0, 0]]]), "tables[1] (stratum 1) has n = 0"),
        (lambda: ct.cmh_test([[[1, 2], [3, 4]], [[1, 0], [0, 0]]]), "has n = 1"),
        (lambda: ct.cmh_test([[[1, 2], [3, 4]]], level=95), "level must be strictly between 0 and 1"),
        (lambda: ct.homogeneity_test([[[1, 2], [3, 4]]]), "at least 2 stratum(s), got K = 1"),
        (
            lambda: ct.strata_tables([1, 5], [4, 4], [2, 2], [5, 5]),
            "count1[1] (5) must not exceed nobs1[1] (4)",
        ),
        (lambda: ct.table_pvalue([[1, 2], [3, 4]], "t-test"), "method must be one of"),
        (lambda: ct.table_pvalue([[1, 2, 3], [3, 4, 5]], "cochran-armitage"), "shape (k, 2)"),
        (lambda: ct.table_pvalues([[1, 2], [3, 4]], "cmh"), "tables for method 'cmh' must have shape"),
    ],
)
def test_bad_input_is_one_line_naming_the_argument(call, message):
    with pytest.raises(ValueError) as err:
        call()
    assert message in str(err.value) and "\n" not in str(err.value)


def test_too_big_exact_problem_is_refused_with_alternatives():
    big = [[12, 15, 10, 13], [14, 11, 13, 12], [10, 12, 15, 13], [13, 12, 14, 11]]  # 4x4, N = 200
    with pytest.raises(ValueError, match="fisher-freeman-halton-mc") as err:
        ct.independence_test(big)
    assert "chi2" in str(err.value) and "\n" not in str(err.value)
    assert ct.independence_test(big, "fisher-freeman-halton-mc", n_resamples=2000).pvalue > 0.5


def test_too_big_exact_trend_and_cmh_are_refused_with_alternatives():
    with pytest.raises(ValueError, match="method='cochran-armitage'"):
        ct.trend_test([1, 2], [10**7 + 5, 10**7 + 5], method="cochran-armitage-exact")
    with pytest.raises(ValueError, match="method='cmh'"):
        ct.cmh_test([[[5000, 5000], [5000, 5000]]] * 3, "cmh-exact")


# --------------------------------------------------------------------------------------------
# Result objects
# --------------------------------------------------------------------------------------------
def test_results_are_frozen_and_tabular():
    res = ct.cmh_test(_strata("3 7;1 9|4 6;2 8|5 5;3 7"))
    with pytest.raises(AttributeError):
        res.pvalue = 0.0  # type: ignore[misc]
    frame = res.to_frame()
    assert frame.loc[0, "method"] == "cmh-cc" and frame.loc[0, "strata"] == 3
    assert "estimate_method=mantel-haenszel" in str(res)
    tr = ct.trend_test([1, 7, 8], [8, 12, 12], scores=[2.5, 5, 7.5])
    assert tr.scores == (2.5, 5.0, 7.5) and "scores" not in tr.to_dict()
    assert ct.strata_tables([1, 2], [4, 5], [3, 0], [6, 2]).tolist() == [[[1, 3], [3, 3]], [[2, 3], [0, 2]]]
