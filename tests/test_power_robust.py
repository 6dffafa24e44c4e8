"""Power: size at zero difference, exact power at scale, multi-arm and active-control designs.

R reference values come from tests/reference/power_designs.R (power_designs_*.csv); agreement is
to 1e-8 unless a comment says why not.
"""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import for_every_row
from scipy import optimize, stats

from reanalysis import power, proportions

REF = Path(__file__).parent / "reference"
TOL = 1e-8


def _rows(name):
    return list(pd.read_csv(REF / name).itertuples(index=False))


def _close(a, b, tol=TOL):
    return abs(a - b) <= tol * max(1.0, abs(b))


# --------------------------------------------------------------------------------------------
# Two groups: both tails, R power.prop.test(strict = TRUE)
# --------------------------------------------------------------------------------------------


@for_every_row(_rows("power_designs_strict.csv"), ids=lambda r: f"{r.p1}-{r.p2}-{r.n}-{r.alpha}")
def test_normal_power_matches_power_prop_test_strict(row):
    res = power.power_two_proportions(row.p1, row.p2, int(row.n), int(row.n), alpha=row.alpha)
    assert _close(res.power, row.power), (res, row)
    if not pd.isna(row.n_for_80):
        size = power.sample_size_two_proportions(row.p1, row.p2, power=0.8, alpha=row.alpha)
        assert _close(size.n1_exact, row.n_for_80, 1e-7)  # uniroot tol 1e-12 on n in R
        assert size.n1 == math.ceil(row.n_for_80)


@for_every_row(_rows("power_designs_unequal.csv"), ids=lambda r: f"{r.p1}-{r.p2}-{r.n1}-{r.n2}")
def test_normal_power_unequal_groups_matches_fleiss_in_r(row):
    res = power.power_two_proportions(row.p1, row.p2, int(row.n1), int(row.n2), alpha=row.alpha)
    assert _close(res.power, row.power)


@pytest.mark.parametrize("p", [0.05, 0.21, 0.36, 0.5, 0.84])
@pytest.mark.parametrize("n1,n2", [(3, 3), (70, 71), (64, 42), (250, 1000)])
def test_power_at_zero_difference_is_the_size(p, n1, n2):
    assert power.power_two_proportions(p, p, n1, n2).power == pytest.approx(0.05, abs=1e-14)
    assert power.power_two_proportions(p, p, n1, n2, method="normal-one-tail").power == pytest.approx(0.025)
    for method in ("fisher", "chi2"):
        exact = power.power_two_proportions(p, p, n1, n2, method=method).power
        assert exact == pytest.approx(_enumerated_power(p, p, n1, n2, method), abs=1e-12)
        if method == "fisher":
            assert exact <= 0.05  # Fisher's test is conservative: its size never exceeds alpha


def test_cit_power_curve_starts_at_alpha():
    # analyses/cit.py feeds plots.power_curve with power_two_proportions(p_control + diff, p_control,
    # n1, n2) over diff = 0 ... 0.45 (default method): the curve must start at alpha and rise.
    p0 = 0.36
    for n1, n2 in [(70, 71), (30, 30)]:
        curve = [
            power.power_two_proportions(min(p0 + d, 1.0), p0, n1, n2).power for d in np.linspace(0, 0.45, 46)
        ]
        assert curve[0] == pytest.approx(0.05, abs=1e-14)
        assert np.all(np.diff(curve) > 0)


def test_single_arm_power_at_the_null_is_the_size():
    exact = power.power_one_proportion(0.2, 0.2, 55)
    assert exact.power == exact.actual_alpha <= 0.05
    assert power.power_one_proportion(0.2, 0.2, 55, method="normal").power == pytest.approx(0.05)
    assert power.power_one_proportion(0.2, 0.1, 55).power < exact.actual_alpha


# --------------------------------------------------------------------------------------------
# Exact power: only tables that carry probability; feasible sample sizes; refusals up front
# --------------------------------------------------------------------------------------------


def _enumerated_power(p1, p2, n1, n2, method):
    prob = np.outer(stats.binom.pmf(np.arange(n1 + 1), n1, p1), stats.binom.pmf(np.arange(n2 + 1), n2, p2))
    return float(prob[np.asarray(proportions.pvalue_matrix(n1, n2, method)) < 0.05].sum())


@pytest.mark.parametrize("method", ["fisher", "chi2"])
def test_windowed_exact_power_equals_full_enumeration(method):
    rng = np.random.default_rng(11)
    for _ in range(25):
        n1, n2 = (int(v) for v in rng.integers(1, 150, 2))
        p1, p2 = rng.uniform(0.01, 0.99, 2)
        got = power.power_two_proportions(p1, p2, n1, n2, method=method).power
        assert got == pytest.approx(_enumerated_power(p1, p2, n1, n2, method), abs=1e-12)


def _first_n_reaching(p1, p2, target, ratio, method):
    # The previous definition: first n1 from 0.7 x the normal solution whose exact power reaches it.
    n_norm = power.sample_size_two_proportions(p1, p2, target, ratio).n1_exact
    n = max(2, int(n_norm * 0.7))
    while power.power_two_proportions(p1, p2, n, math.ceil(ratio * n - 1e-9), method=method).power < target:
        n += 1
    return n


@pytest.mark.parametrize(
    "p1,p2,ratio,method",
    [(0.07, 0.21, 1, "fisher"), (0.2, 0.4, 1, "fisher"), (0.36, 0.84, 1, "chi2"), (0.3, 0.6, 2, "fisher")],
)
def test_exact_sample_size_is_the_first_n_reaching_the_target(p1, p2, ratio, method):
    res = power.sample_size_two_proportions(p1, p2, ratio=ratio, method=method)
    assert res.n1 == _first_n_reaching(p1, p2, 0.8, ratio, method)
    assert res.power >= 0.8


def test_fisher_sample_size_for_a_small_difference_is_feasible(capsys):
    # Issue 11 item 9: 0.5 vs 0.55 grew past 3.5 GB and 300 s (a cached (n+1)^2 p-value matrix per n).
    res = power.sample_size_two_proportions(0.5, 0.55, method="fisher", progress=True)
    assert (
        res.power
        >= 0.8
        > power.power_two_proportions(0.5, 0.55, res.n1 - 1, res.n1 - 1, method="fisher").power
    )
    assert res.n1 == 1606 and res.evaluations < 100
    err = capsys.readouterr().err
    assert err.count("exact fisher sample size: n1=") == res.evaluations


def test_too_large_exact_computations_are_refused_up_front():
    with pytest.raises(ValueError, match=r"budget.*method='normal'") as excinfo:
        power.power_two_proportions(0.5, 0.51, 10**6, 10**6, method="fisher")
    assert "\n" not in str(excinfo.value)
    with pytest.raises(ValueError, match=r"needs ~\d+ exact power evaluations.*use method='normal' \(n1 = "):
        power.sample_size_two_proportions(0.5, 0.51, method="fisher", max_n=10**6)
    with pytest.raises(ValueError, match="max_n = 5000"):
        power.sample_size_two_proportions(0.5, 0.52, method="chi2")


# --------------------------------------------------------------------------------------------
# Multi-arm designs
# --------------------------------------------------------------------------------------------


def _floats(text):
    return [float(v) for v in str(text).split(";")]


@for_every_row(_rows("power_designs_multi_arm.csv"), ids=lambda r: f"case{r.case}-{r.method}")
def test_multi_arm_power_matches_r(row):
    nt = [int(v) for v in _floats(row.n_treatments)]
    res = power.power_multi_arm(
        row.p_control, _floats(row.p_treatments), int(row.n_control), nt, alpha=row.alpha, method=row.method
    )
    # R integrates the same one-factor representation with integrate() (rel.tol 1e-12).
    assert _close(res.critical_value, row.critical_value)
    assert np.allclose(res.to_frame()["power"], _floats(row.power_each), rtol=0, atol=TOL)
    for ours, theirs in [
        (res.power_any, row.power_any),
        (res.power_all, row.power_all),
        (res.familywise_error, row.familywise_error),
    ]:
        assert _close(ours, theirs)
    # mvtnorm's Genz-Bretz algorithm is a different method: pmvnorm agrees to its abseps (1e-8 asked;
    # exact for 2 arms), qmvnorm's critical value only to its stochastic root search (~1e-4).
    assert abs(res.power_any - row.power_any_mvtnorm) < 1e-6
    if row.method == "dunnett":
        assert abs(res.critical_value - row.critical_value_mvtnorm) < 2e-4


@pytest.mark.parametrize("k,table", [(2, 2.21), (3, 2.35), (4, 2.44), (5, 2.51)])
def test_dunnett_critical_values_match_published_table(k, table):
    # Dunnett (JASA 1955, Table 1b / Biometrics 1964): two-sided 5%, equal arms, infinite df.
    assert round(power.power_multi_arm(0.5, [0.5] * k, 50, 50).critical_value, 2) == table


@for_every_row(_rows("power_designs_bonferroni.csv"), ids=lambda r: f"{r.p0}-{r.p}-{r.n}-{r.k}")
def test_bonferroni_comparison_is_power_prop_test_at_alpha_over_k(row):
    k = int(row.k)
    res = power.power_multi_arm(row.p0, [row.p] * k, int(row.n), int(row.n), method="bonferroni")
    assert np.allclose(res.to_frame()["power"], row.power_each, rtol=0, atol=TOL)


def test_dunnett_keeps_the_familywise_error_at_alpha():
    res = power.power_multi_arm(0.36, [0.36, 0.36, 0.36], 100, [60, 80, 100])
    assert res.power_any == pytest.approx(0.05, abs=1e-10) and res.familywise_error == pytest.approx(
        0.05, abs=1e-10
    )
    bonf = power.power_multi_arm(0.36, [0.36, 0.36, 0.36], 100, [60, 80, 100], method="bonferroni")
    unadj = power.power_multi_arm(0.36, [0.36, 0.36, 0.36], 100, [60, 80, 100], method="unadjusted")
    assert bonf.familywise_error < 0.05 < unadj.familywise_error


@for_every_row(_rows("power_designs_multi_arm_n.csv"), ids=lambda r: f"{r.target}-{r.method}-{r.ratio:.3f}")
def test_multi_arm_sample_size_matches_r(row):
    res = power.sample_size_multi_arm(0.36, [0.6, 0.7], target=row.target, method=row.method, ratio=row.ratio)
    assert _close(res.n_treatment_exact, row.n_treatment_exact, 1e-7)  # uniroot tol 1e-10 on n
    assert res.n_treatment == math.ceil(row.n_treatment_exact) and res.power >= 0.8


# --------------------------------------------------------------------------------------------
# Active control
# --------------------------------------------------------------------------------------------


@for_every_row(
    _rows("power_designs_active.csv"),
    ids=lambda r: f"{r.p_test}-{r.p_control}-{r.n_test}x{r.ratio}-{r.margin}-{r.hypothesis}-{r.method}",
)
def test_active_control_matches_r(row):
    res = power.power_active_control(
        row.p_test,
        row.p_control,
        int(row.n_test),
        int(row.n_control),
        margin=row.margin,
        hypothesis=row.hypothesis,
        alpha=row.alpha,
        method=row.method,
    )
    assert _close(res.power, row.power), (res, row)
    if not pd.isna(row.n_test_for_80):
        size = power.sample_size_active_control(
            row.p_test,
            row.p_control,
            margin=row.margin,
            hypothesis=row.hypothesis,
            alpha=row.alpha,
            ratio=row.ratio,
            method=row.method,
        )
        assert _close(size.n_test_exact, row.n_test_for_80, 1e-7)  # uniroot tol 1e-10 on n


@for_every_row(_rows("power_designs_one_sided.csv"), ids=lambda r: f"{r.p_test}-{r.p_control}-{r.n}")
def test_superiority_at_margin_zero_is_power_prop_test_one_sided(row):
    res = power.power_active_control(
        row.p_test, row.p_control, int(row.n), int(row.n), margin=0, hypothesis="superiority"
    )
    assert _close(res.power, row.power)


@pytest.mark.parametrize(
    "pt,pc,ratio,null", [(0.8, 0.8, 1, -0.1), (0.6, 0.3, 2, 0.1), (0.2, 0.25, 0.5, -0.15)]
)
def test_restricted_mle_maximises_the_restricted_likelihood(pt, pc, ratio, null):
    q1, q2 = power._restricted_mle(pt, pc, ratio, null)
    assert q1 - q2 == pytest.approx(null)

    def nll(q):
        return -(
            pt * math.log(q)
            + (1 - pt) * math.log1p(-q)
            + ratio * (pc * math.log(q - null) + (1 - pc) * math.log1p(null - q))
        )

    lo, hi = max(1e-12, null + 1e-12), min(1 - 1e-12, 1 + null - 1e-12)
    best = optimize.minimize_scalar(nll, bounds=(lo, hi), method="bounded", options={"xatol": 1e-12}).x
    assert q1 == pytest.approx(best, abs=1e-7)
    # At rates on the null boundary the restricted MLE is the rates themselves (statsmodels'
    # score_test_proportions_2indep gets this wrong, statsmodels issue #10269).
    assert power._restricted_mle(0.7, 0.8, 1.0, -0.1) == pytest.approx((0.7, 0.8), abs=1e-12)


@pytest.mark.parametrize("method", ["farrington-manning", "wald"])
def test_active_control_power_on_the_null_boundary_is_alpha(method):
    res = power.power_active_control(0.7, 0.8, 120, 60, margin=0.1, method=method)
    assert res.power == pytest.approx(0.025, abs=1e-12)


def test_textbook_non_inferiority_sample_size():
    # Chow, Shao & Wang (2008) sec. 4.2 formula: both rates 0.8, margin 0.1, one-sided 0.025, 80%:
    # n = (1.96 + 0.8416)^2 (0.16 + 0.16) / 0.1^2 = 251.2 -> 252 per group.
    res = power.sample_size_active_control(0.8, 0.8, margin=0.1, method="wald")
    assert res.n_test == 252 and res.n_test_exact == pytest.approx(
        (stats.norm.isf(0.025) + stats.norm.ppf(0.8)) ** 2 * 0.32 / 0.01
    )


# --------------------------------------------------------------------------------------------
# Bad input: one-line ValueError naming the argument
# --------------------------------------------------------------------------------------------

BAD = [
    (lambda: power.power_two_proportions(None, 0.3, 10, 10), "p1"),
    (lambda: power.power_two_proportions(0.3, "0.3", 10, 10), "p2"),
    (lambda: power.power_two_proportions(0.3, 0.3, 0, 10), "n1"),
    (lambda: power.power_two_proportions(0.3, 0.3, 10, 10.5), "n2"),
    (lambda: power.power_two_proportions(0.3, 0.3, True, 10), "n1"),
    (lambda: power.power_two_proportions(0.3, 0.3, 10, 10, alpha=math.nan), "alpha"),
    (lambda: power.power_two_proportions(1.2, 0.3, 10, 10), "p1"),
    (lambda: power.power_two_proportions(0.3, 0.3, 10, 10, method="exact"), "method"),
    (lambda: power.sample_size_two_proportions(0.3, 0.3), "p1 and p2"),
    (lambda: power.sample_size_two_proportions(0.3, 0.5, ratio=0), "ratio"),
    (lambda: power.sample_size_two_proportions(0.3, 0.5, ratio=math.inf), "ratio"),
    (lambda: power.sample_size_two_proportions(0.3, 0.5, power=1), "power"),
    (lambda: power.sample_size_two_proportions(0.3, 0.5, progress="yes"), "progress"),
    (lambda: power.sample_size_two_proportions(0.3, 0.5, max_n=-5), "max_n"),
    (lambda: power.minimal_detectable_difference(0.5, 0, 10), "n1"),
    (lambda: power.minimal_detectable_difference(math.nan, 10, 10), "p_ref"),
    (lambda: power.minimal_detectable_difference(0.5, 10, 10, power=0.01), "power (0.01) must exceed alpha"),
    (lambda: power.power_one_proportion(0.2, 0.4, 0), "n"),
    (lambda: power.power_one_proportion(0.2, 0.4, "55"), "n"),
    (lambda: power.power_one_proportion(0.2, math.inf, 55), "p1"),
    (lambda: power.power_multi_arm(0.3, [], 10, 10), "p_treatments"),
    (lambda: power.power_multi_arm(0.3, "0.5", 10, 10), "p_treatments"),
    (lambda: power.power_multi_arm(0.3, [0.5, math.nan], 10, 10), "p_treatments[1]"),
    (lambda: power.power_multi_arm(0.3, [0.5, 0.6], 10, [10]), "n_treatments"),
    (lambda: power.power_multi_arm(0.3, [0.5, 0.6], 0, 10), "n_control"),
    (lambda: power.power_multi_arm(0.3, [0.5, 0.6], 10, 10, method="holm"), "method"),
    (lambda: power.sample_size_multi_arm(0.3, [0.3, 0.5]), "target='each'"),
    (lambda: power.sample_size_multi_arm(0.3, [0.5], target="most"), "target"),
    (lambda: power.power_multi_arm(0.3, [0.5, 0.6], 10, [10, -1]), "n_treatments[1]"),
    (lambda: power.power_active_control(0.8, 0.8, 100, 100, margin=-0.1), "margin"),
    (lambda: power.power_active_control(0.8, 0.8, 100, 100, hypothesis="equivalence"), "hypothesis"),
    (lambda: power.power_active_control(0.8, 0.8, 100, None), "n_control"),
    (lambda: power.sample_size_active_control(0.6, 0.8, margin=0.1), "null boundary"),
    (lambda: power.sample_size_active_control(0.8, 0.8, ratio=-1), "ratio"),
]


@pytest.mark.parametrize("call,name", BAD, ids=[name for _, name in BAD])
def test_power_functions_reject_bad_input(call, name):
    with pytest.raises(ValueError) as excinfo:
        call()
    msg = str(excinfo.value)
    assert "\n" not in msg and name in msg, msg


def test_single_arm_design_at_large_n_needs_no_array_of_n():
    # The critical count used to come from an array of n + 2 tail probabilities (8 GB at n = 1e9).
    res = power.power_one_proportion(0.2, 0.2001, 10**9)
    assert (
        stats.binom.sf(res.critical_count - 1, 10**9, 0.2)
        <= 0.05
        < stats.binom.sf(res.critical_count - 2, 10**9, 0.2)
    )


def test_multi_arm_sample_size_when_one_patient_suffices():
    # Power 0.0575 at one patient per arm (normal approximation): a target of 0.055 needs no search.
    res = power.sample_size_multi_arm(0.05, [0.95], power=0.055)
    assert res.n_treatment == 1 and res.power >= 0.055


@pytest.mark.parametrize(
    "target, attr", [("each", "power_each_min"), ("any", "power_any"), ("all", "power_all")]
)
def test_multi_arm_detectable_difference_inverts_the_power(target, attr):
    d = power.minimal_detectable_difference_multi_arm(0.2, 70, [72, 71], power=0.8, target=target)
    res = power.power_multi_arm(0.2, [0.2 + d] * 2, 70, [72, 71])
    assert getattr(res, attr) == pytest.approx(0.8, abs=1e-9)
    # one size for all arms, with their number
    assert power.minimal_detectable_difference_multi_arm(0.2, 70, 71, k=2, target=target) > 0


def test_multi_arm_detectable_difference_says_when_it_cannot_be_found():
    assert math.isnan(power.minimal_detectable_difference_multi_arm(0.5, 3, 3, k=2, power=0.99))
    with pytest.raises(ValueError, match="k .the number of treatment arms"):
        power.minimal_detectable_difference_multi_arm(0.2, 70, 71)
    with pytest.raises(ValueError, match="must exceed the 'any' power at no difference"):
        power.minimal_detectable_difference_multi_arm(0.2, 70, 71, k=3, power=0.01, target="any")
