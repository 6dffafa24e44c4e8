"""reanalysis.noninferiority against closed forms in R (tests/reference/noninferiority.R).

Farrington-Manning and Miettinen-Nurminen score tests (restricted MLE of the risk difference and
the risk ratio, Farrington & Manning 1990), Wald, Agresti-Caffo and the log-ratio Wald test, one-sided
against margins on both sides of no difference.
"""

from pathlib import Path

import pandas as pd
import pytest

from reanalysis.noninferiority import NONINFERIORITY_METHODS, noninferiority_test

REFERENCE = pd.read_csv(Path(__file__).parent / "reference" / "noninferiority.csv")


def test_every_method_and_margin_matches_r():
    assert set(REFERENCE.method) == set(NONINFERIORITY_METHODS["rd"])
    worst = 0.0
    for r in REFERENCE.itertuples(index=False):
        res = noninferiority_test(r.x1, r.n1, r.x2, r.n2, r.margin, measure=r.measure, method=r.method)
        assert res.statistic == pytest.approx(r.statistic, rel=1e-9, abs=1e-9), r
        worst = max(worst, abs(res.pvalue - r.pvalue))
    assert worst < 1e-8


def test_the_side_of_the_margin_sets_the_alternative():
    below = noninferiority_test(50, 400, 48, 400, -0.08)
    above = noninferiority_test(50, 400, 48, 400, 0.08)
    assert (below.alternative, above.alternative) == ("larger", "smaller")
    # RD 0.005: 8.5 points above the lower margin, 7.5 below the upper one; both shown at 5%
    assert below.pvalue < 0.001 and above.pvalue < 0.001
    assert noninferiority_test(50, 400, 48, 400, 1.25, measure="rr").alternative == "smaller"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"margin": 0}, "margin must not be 0"),
        ({"margin": 1.2}, "margin must be a finite number > -1 and < 1"),
        ({"margin": 1, "measure": "rr"}, "margin must not be 1"),
        ({"margin": -0.2, "measure": "rr"}, "margin must be a finite number > 0"),
        ({"margin": -0.1, "method": "koopman"}, "method (for measure='rd')"),
        ({"margin": 0.9, "measure": "or"}, "measure"),
    ],
)
def test_bad_arguments_are_refused_in_one_line(kwargs, message):
    with pytest.raises(ValueError, match=None) as err:
        noninferiority_test(50, 400, 48, 400, **kwargs)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_wald_test_with_a_group_at_zero_gives_nan_not_a_false_certainty():
    res = noninferiority_test(0, 30, 0, 28, -0.1, method="wald")
    assert res.pvalue != res.pvalue  # NaN


def test_statsmodels_score_test_of_a_nonzero_difference_is_still_off_upstream():
    # statsmodels issue #10269 (open): its restricted MLE for compare='diff', value != 0 uses count0
    # where nobs0 belongs, so noninferiority_test computes the risk difference's score tests itself.
    # When this fails, statsmodels is fixed: the module may call it again (and this test goes).
    from statsmodels.stats.proportion import score_test_proportions_2indep

    theirs = score_test_proportions_2indep(50, 400, 48, 400, value=-0.1, compare="diff", correction=False)
    ours = noninferiority_test(50, 400, 48, 400, -0.1)
    assert ours.statistic == pytest.approx(4.34171127836068, rel=1e-9)  # R, and the restricted MLE
    assert abs(theirs.statistic - ours.statistic) > 0.05
