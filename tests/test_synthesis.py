"""Fragility, Bayesian reanalysis, power and meta-analysis (R agreement is in test_r_reference.py)."""

import math

import numpy as np
import pytest
from scipy import stats

from reanalysis import bayes, fragility, meta, power


def _fisher(a, n1, b, n2):
    return stats.fisher_exact([[a, n1 - a], [b, n2 - b]]).pvalue


def test_fragility_index_hand_checked_table():
    # 10/20 vs 2/20: Fisher p = 0.0138; adding events to the group with fewer events:
    # 3/20 -> p = 0.0407 (still < 0.05), 4/20 -> p = 0.0958: fragility index 2.
    assert _fisher(10, 20, 2, 20) < 0.05 and _fisher(10, 20, 3, 20) < 0.05 <= _fisher(10, 20, 4, 20)
    res = fragility.fragility_index(10, 20, 2, 20)
    assert (res.kind, res.index, res.modified_count2) == ("fragility", 2, 4)
    assert res.quotient == pytest.approx(2 / 40)


def test_fragility_index_itp_phase3_by_brute_force():
    res = fragility.fragility_index(99, 168, 5, 85)
    k = next(k for k in range(1, 81) if _fisher(99, 168, 5 + k, 85) >= 0.05)
    assert res.index == k == 34


def test_reverse_fragility_hpag_vs_epag():
    res = fragility.fragility_index(42, 64, 31, 42)
    assert res.kind == "reverse fragility" and not res.significant
    # the smallest single-direction change found is checked against every alternative
    for d1, d2 in [(1, 0), (-1, 0), (0, 1), (0, -1)]:
        for k in range(1, int(res.index)):
            a, b = 42 + d1 * k, 31 + d2 * k
            if 0 <= a <= 64 and 0 <= b <= 42:
                assert _fisher(a, 64, b, 42) >= 0.05
    assert res.modified_pvalue < 0.05


def test_fragility_rejects_bad_input():
    with pytest.raises(ValueError, match="method must be one of"):
        fragility.fragility_index(1, 10, 2, 10, method="t")


def test_posterior_difference_matches_monte_carlo():
    rng = np.random.default_rng(1)
    res = bayes.posterior_difference(31, 42, 42, 64, margin=0.10)
    draws = rng.beta(32, 12, 10**6) - rng.beta(43, 23, 10**6)
    mc = np.mean(draws > 0.10)
    se = math.sqrt(mc * (1 - mc) / 10**6)
    assert abs(res.prob_greater - mc) < 4 * se
    assert res.mean == pytest.approx(32 / 44 - 43 / 66)
    lo, hi = np.quantile(draws, [0.025, 0.975])
    assert res.low == pytest.approx(lo, abs=2e-3) and res.high == pytest.approx(hi, abs=2e-3)


def test_posterior_odds_ratio_priors():
    neutral = bayes.posterior_odds_ratio(42, 64, 31, 42, prior="neutral")
    assert neutral.odds_ratio == pytest.approx(math.exp(neutral.data_log_or), rel=5e-3)
    sceptical = bayes.posterior_odds_ratio(42, 64, 31, 42, prior="sceptical", target_or=2)
    assert stats.norm.sf(math.log(2), 0, sceptical.prior_sd) == pytest.approx(0.05)
    enthusiastic = bayes.posterior_odds_ratio(42, 64, 31, 42, prior="enthusiastic", target_or=2)
    assert enthusiastic.posterior_mean > sceptical.posterior_mean
    with pytest.raises(ValueError, match="prior must be one of"):
        bayes.posterior_odds_ratio(1, 2, 1, 2, prior="optimistic")


def test_exact_power_by_enumeration_small_case():
    # n = 3 per group: Fisher never rejects at 0.05 (smallest two-sided p is 0.1)
    assert power.power_two_proportions(0.1, 0.9, 3, 3, method="fisher").power == 0.0
    res = power.power_two_proportions(0.2, 0.7, 20, 20, method="chi2")
    assert 0 < res.power < 1


def test_race_design_is_reproduced():
    # RACE: CR at 3 months 7% vs 21%, two-sided alpha 0.05, power 0.8 -> 96 per arm
    assert power.sample_size_two_proportions(0.07, 0.21).n1 == 96


def test_one_sample_exact_design():
    res = power.power_one_proportion(0.2, 0.4, 55)
    assert (
        stats.binom.sf(res.critical_count - 1, 55, 0.2)
        <= 0.05
        < stats.binom.sf(res.critical_count - 2, 55, 0.2)
    )


def test_minimal_detectable_difference_inverts_power():
    res = power.minimal_detectable_difference(0.738, 64, 42)
    assert power.power_two_proportions(res.p_lower, 0.738, 64, 42).power == pytest.approx(0.8)


def test_meta_inputs_are_validated():
    with pytest.raises(ValueError, match=r"events\[1\] \(9\) must not exceed totals\[1\] \(8\)"):
        meta.pool_proportions([1, 9], [10, 8])
    with pytest.raises(ValueError, match="method must be one of"):
        meta.pool_proportions([1, 2], [10, 8], method="ML")
    res = meta.pool_proportions([42, 20], [64, 26])
    assert res.studies["weight_percent"].sum() == pytest.approx(100)
    assert res.to_frame().shape[0] == 1 and "tau2" in res.to_frame()
